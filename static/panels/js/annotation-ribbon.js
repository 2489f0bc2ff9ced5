// The Annotations tab's own controls: show or hide the annotations and their labels, and
// the style fields (edge colour, fill colour, fill opacity, line width, class,
// description) that change the selected annotation or else the next one drawn. It speaks
// to the viewers through events on document.body: `studio:annotations-visible` and
// `studio:annotations-labels` ({visible}), `studio:annotations-style` ({property, value});
// and shows in its fields what a viewer reports with `studio:annotation-selected` ({values}).

import { registerAction } from "./actions.js";
import { DEFAULT_STYLE, fieldValues } from "./annotation-style.js";

function emit(name, detail) {
  document.body.dispatchEvent(new CustomEvent(name, { detail }));
}

function styleFields() {
  return document.querySelectorAll('.ribbon input[data-action="annotations.style"]');
}

// The field being typed in keeps what is typed: a viewer's report may come in meanwhile.
function showValues(values) {
  for (const input of styleFields()) {
    if (input === document.activeElement) continue;
    const { property } = JSON.parse(input.dataset.params || "{}");
    if (property in values) input.value = values[property];
  }
}

export function watchAnnotationRibbon() {
  showValues(fieldValues(DEFAULT_STYLE));
  registerAction("annotations.visible", ({ pressed }) => emit("studio:annotations-visible", { visible: pressed }));
  registerAction("annotations.labels", ({ pressed }) => emit("studio:annotations-labels", { visible: pressed }));
  registerAction("annotations.style", ({ property, value }) => emit("studio:annotations-style", { property, value }));
  document.body.addEventListener("studio:annotation-selected", (event) => showValues(event.detail?.values ?? {}));
}
