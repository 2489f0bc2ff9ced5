// The annotations panel's behaviour in the cockpit: a click on an annotation flies the
// viewer to it (`studio:annotation-focus`), and the panel reloads when a viewer saved a
// change (`studio:annotations-changed`). The panel itself is server-rendered (htmx).

const FOCUS_EVENT = "studio:annotation-focus";
const CHANGED_EVENT = "studio:annotations-changed";

export function watchAnnotationsPanels(root = document.body) {
  root.addEventListener("click", (event) => {
    const button = event.target.closest("[data-annotation-focus]");
    if (!button) return;
    const id = Number(button.dataset.annotationFocus);
    root.dispatchEvent(new CustomEvent(FOCUS_EVENT, { detail: { id } }));
  });
  root.addEventListener(CHANGED_EVENT, (event) => {
    for (const panel of document.querySelectorAll("[data-annotations-panel]")) {
      if (panel.dataset.slide !== event.detail?.slide || !window.htmx) continue;
      const url = `/panels/annotations/?${new URLSearchParams({ slide: panel.dataset.slide })}`;
      window.htmx.ajax("GET", url, { target: panel, swap: "outerHTML" });
    }
  });
}
