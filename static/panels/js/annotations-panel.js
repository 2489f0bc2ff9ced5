// The annotations panel's behaviour in the cockpit: a click on an annotation flies the
// viewer to it (`studio:annotation-focus`), an annotation's Edit form saves its class and
// description through the studio's change route (the tile server's UpdateAnnotation,
// which only its author or an admin may call), and the panel reloads when a viewer or the
// form saved a change (`studio:annotations-changed`, {slide, source}). The panel itself is
// server-rendered (htmx).

import { postJson } from "./annotation-store.js";

const FOCUS_EVENT = "studio:annotation-focus";
const CHANGED_EVENT = "studio:annotations-changed";
const NOTIFY_EVENT = "studio:notify";

async function save(form) {
  const panel = form.closest("[data-annotations-panel]");
  const error = form.querySelector(".annotation-edit-error");
  const button = form.querySelector("button[type=submit]");
  const data = new FormData(form);
  const body = { classification: String(data.get("classification")).trim(), notes: String(data.get("notes")) };
  const csrfToken = document.querySelector('meta[name="csrf-token"]')?.content ?? "";
  button.disabled = true;
  error.hidden = true;
  try {
    await postJson(form.dataset.url, body, csrfToken);
  } catch (failure) {
    const message = failure.message;
    error.textContent = message;
    error.hidden = false;
    button.disabled = false;
    document.body.dispatchEvent(new CustomEvent(NOTIFY_EVENT, { detail: { message } }));
    return;
  }
  const detail = { slide: panel.dataset.slide, source: "annotations-panel" };
  document.body.dispatchEvent(new CustomEvent(CHANGED_EVENT, { detail }));
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
