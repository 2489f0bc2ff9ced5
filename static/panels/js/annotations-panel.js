// The annotations panel's behaviour in the cockpit: a click on an annotation flies the
// viewer to it (`studio:annotation-focus`), an annotation's Edit form saves its class and
// description through the viewer showing the slide (`studio:annotation-edit`, so that
// Undo takes it back like a change made in the viewer) or else the studio's change route
// (the tile server's UpdateAnnotation, which only its author or an admin may call), and
// the panel reloads when a viewer or the
// form saved a change (`studio:annotations-changed`, {slide, source}). The panel itself is
// server-rendered (htmx); `showCopies` opens its section of the annotations made on
// identical copies of the slide elsewhere.

import { postJson } from "./annotation-store.js";

const FOCUS_EVENT = "studio:annotation-focus";
const CHANGED_EVENT = "studio:annotations-changed";
const NOTIFY_EVENT = "studio:notify";
const EDIT_EVENT = "studio:annotation-edit";

async function save(form) {
  const panel = form.closest("[data-annotations-panel]");
  const error = form.querySelector(".annotation-edit-error");
  const button = form.querySelector("button[type=submit]");
  const data = new FormData(form);
  const body = { classification: String(data.get("classification")).trim(), notes: String(data.get("notes")) };
  const csrfToken = document.querySelector('meta[name="csrf-token"]')?.content ?? "";
  button.disabled = true;
  error.hidden = true;
  const slide = panel.dataset.slide;
  // A viewer showing the slide makes the change, as a step of its undo history; else the
  // panel saves it itself.
  const asked = new CustomEvent(EDIT_EVENT, { detail: { slide, id: form.dataset.annotationEdit, fields: body } });
  document.body.dispatchEvent(asked);
  try {
    if (asked.detail.result) await asked.detail.result;
    else await postJson(form.dataset.url, body, csrfToken);
  } catch (failure) {
    const message = failure.message;
    error.textContent = message;
    error.hidden = false;
    button.disabled = false;
    document.body.dispatchEvent(new CustomEvent(NOTIFY_EVENT, { detail: { message } }));
    return;
  }
  if (asked.detail.result) return; // the viewer said so itself
  const detail = { slide, source: "annotations-panel" };
  document.body.dispatchEvent(new CustomEvent(CHANGED_EVENT, { detail }));
}

// Opens the panel's "On identical copies elsewhere" section (it loads its list when
// opened); the panel may still be on its way, so it is looked for a few times.
export function showCopies(tries = 50) {
  const section = document.querySelector("[data-annotations-panel] [data-annotation-copies]");
  if (section) {
    section.open = true;
    section.scrollIntoView({ block: "nearest" });
    section.querySelector("summary")?.focus();
  } else if (tries > 0) {
    setTimeout(() => showCopies(tries - 1), 100);
  }
}

export function watchAnnotationsPanels(root = document.body) {
  root.addEventListener("click", (event) => {
    const button = event.target.closest("[data-annotation-focus]");
    if (!button) return;
    const id = Number(button.dataset.annotationFocus);
    root.dispatchEvent(new CustomEvent(FOCUS_EVENT, { detail: { id } }));
  });
  root.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-annotation-edit]");
    if (!form) return;
    event.preventDefault();
    save(form);
  });
  root.addEventListener(CHANGED_EVENT, (event) => {
    for (const panel of document.querySelectorAll("[data-annotations-panel]")) {
      if (panel.dataset.slide !== event.detail?.slide || !window.htmx) continue;
      const url = `/panels/annotations/?${new URLSearchParams({ slide: panel.dataset.slide })}`;
      window.htmx.ajax("GET", url, { target: panel, swap: "outerHTML" });
    }
  });
}
