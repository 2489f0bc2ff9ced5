// Share pages: one read-only viewer per grid cell (a slide link is a 1 × 1 grid), built
// with the studio's viewer module, tiles from the share's own routes, and the cockpit's
// grid synchronization when the grid was shared with sync on.

import { createViewer } from "../../studio/js/viewer.js";
import { GridSync } from "../../panels/js/grid-sync.js";

// window.studioReady turns true once every cell's first view is drawn (viewer.js sets it
// as soon as the first one is; this page waits for all of them).
window.shareReady = false;

function bindToolbar(slideViewer, toolbar) {
  const actions = {
    "zoom-in": () => slideViewer.zoomBy(2),
    "zoom-out": () => slideViewer.zoomBy(0.5),
    home: () => slideViewer.home(),
    rotate: () => slideViewer.rotate(90),
  };
  toolbar?.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    if (button) actions[button.dataset.action]?.();
  });
}

function main() {
  const data = JSON.parse(document.getElementById("share-data").textContent);
  const sync = new GridSync();
  const slideViewers = [];
  const drawn = [];
  for (const stage of document.querySelectorAll(".share-cell[data-cell]")) {
    const slide = data.cells[Number(stage.dataset.cell)];
    let ready;
    drawn.push(new Promise((resolve) => (ready = resolve)));
    const slideViewer = createViewer(stage.querySelector(".viewer"), slide, {
      navigator: data.cells.length === 1,
      onReady: ready,
    });
    bindToolbar(slideViewer, stage.querySelector(".viewer-toolbar"));
    // The viewport the user last touched leads the others.
    stage.addEventListener("pointerdown", () => (sync.leader = slideViewer), true);
    stage.addEventListener("wheel", () => (sync.leader = slideViewer), { capture: true, passive: true });
    stage.addEventListener("focusin", () => (sync.leader = slideViewer));
    slideViewer.viewer.addHandler("viewport-change", () => sync.moved(slideViewer, slideViewers));
    slideViewers.push(slideViewer);
  }
  window.shareViewers = slideViewers;
  window.studioViewer = slideViewers[0]?.viewer;
  Promise.all(drawn).then(() => {
    if (data.sync && slideViewers.length > 1) sync.enable(slideViewers);
    window.studioReady = true;
    window.shareReady = true;
  });
}

main();
