// The slide browser panel (an htmx fragment) as the rest of the page sees it: it says which
// folder is being browsed (`studio:folder` on document.body, {detail: {folder}}), e.g. for
// Share folder, and keeps the keyboard focus in the panel when a folder opens (htmx
// replaces the whole panel, which would drop the focus to <body>). When a slide was
// uploaded (upload.js), the panel opens the folder it went into, with the slide selected.

import { UPLOADED_EVENT } from "./upload.js";

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

function onUploaded(event) {
  const { folder, slide } = event.detail;
  for (const browser of document.querySelectorAll(".panel-browser[data-url]")) {
    const query = new URLSearchParams({ folder, view: browser.dataset.view ?? "list", slide });
    window.htmx.ajax("GET", `${browser.dataset.url}?${query}`, { target: browser, swap: "outerHTML" });
  }
}

export function watchBrowserPanels() {
  document.body.addEventListener("htmx:beforeSwap", onBeforeSwap);
  document.body.addEventListener("htmx:load", onLoad);
  document.body.addEventListener(UPLOADED_EVENT, onUploaded);
}
