// The viewer page: one slide, its toolbar and keyboard shortcuts.

import { watchTileOutage } from "./tile-outage.js";
import { createReadout, createViewer } from "./viewer.js";

function bindControls(slideViewer, toolbar) {
  const flipButton = toolbar.querySelector('[data-action="flip"]');
  const actions = {
    "zoom-in": () => slideViewer.zoomBy(2),
    "zoom-out": () => slideViewer.zoomBy(0.5),
    home: () => slideViewer.home(),
    rotate: () => slideViewer.rotate(90),
    flip: () => slideViewer.flip(),
  };
  toolbar.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    if (button) actions[button.dataset.action]();
  });
  slideViewer.viewer.addHandler("flip", () => {
    flipButton.setAttribute("aria-pressed", String(slideViewer.viewport.getFlip()));
  });

  const keys = { r: "rotate", f: "flip", "+": "zoom-in", "=": "zoom-in", "-": "zoom-out", 0: "home" };
  document.addEventListener("keydown", (event) => {
    // OpenSeadragon handles these itself (and cancels the event) while its canvas has focus.
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest("input, textarea, select, [contenteditable]")) return;
    const action = keys[event.key.toLowerCase()];
    if (action) {
      event.preventDefault();
      actions[action]();
    }
  });
}

function main() {
  const element = document.getElementById("viewer");
  const slide = JSON.parse(document.getElementById("slide-data").textContent);
  const stage = element.closest(".viewer-stage");
  const readout = createReadout(stage);
  const slideViewer = createViewer(element, slide, { readout });
  bindControls(slideViewer, stage.querySelector(".viewer-toolbar"));
  watchTileOutage(slideViewer, stage);
}

main();
