// The slide browser panel (an htmx fragment) as the rest of the page sees it: it says which
// folder is being browsed (`studio:folder` on document.body, {detail: {folder}}), e.g. for
// Share folder, and keeps the keyboard focus in the panel when a folder opens (htmx
// replaces the whole panel, which would drop the focus to <body>).

export const FOLDER_EVENT = "studio:folder";

let focusWasInside = false;

function onBeforeSwap(event) {
  const target = event.detail.target;
  focusWasInside = Boolean(target?.matches?.(".panel-browser") && target.contains(document.activeElement));
}

function onLoad(event) {
  const browser = event.detail.elt;
  if (!browser?.matches?.(".panel-browser")) return;
  const folder = browser.dataset.folder ?? "";
  document.body.dispatchEvent(new CustomEvent(FOLDER_EVENT, { bubbles: true, detail: { folder } }));
  if (focusWasInside) {
    focusWasInside = false;
    const first = browser.querySelector(".panel-browser-list a") ?? browser.querySelector("[aria-current='location']");
    first?.focus();
  }
}

export function watchBrowserPanels() {
  document.body.addEventListener("htmx:beforeSwap", onBeforeSwap);
  document.body.addEventListener("htmx:load", onLoad);
}
