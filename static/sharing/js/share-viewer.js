// Share pages: one read-only viewer per grid cell (a slide link is a 1 × 1 grid), tiles
// from the share's own routes, viewports synchronized when the grid was shared that way.
//
// Viewers come from the studio's viewer module when it offers `createViewer`; otherwise
// from the small OpenSeadragon set-up below, which follows the same tile conventions.

import { syncViewports } from "./viewport-sync.js";

const OSD = window.OpenSeadragon;

// For tests and integrations, as on the studio's viewer page.
window.studioReady = false;
window.studioErrors = [];

function tileSource(slide) {
  return {
    width: slide.width,
    height: slide.height,
    tileSize: slide.tileSize,
    tileOverlap: 0,
    minLevel: 0,
    maxLevel: slide.maxZoomLevel,
    getTileUrl: (level, x, y) =>
      slide.tileUrl.replace("{z}", String(level)).replace("{x}", String(x)).replace("{y}", String(y)),
  };
}

function plainViewer(element, slide) {
  return OSD({
    element,
    prefixUrl: element.dataset.prefixUrl,
    tileSources: tileSource(slide),
    showNavigator: false,
    showNavigationControl: false,
    visibilityRatio: 0.5,
    maxZoomPixelRatio: 2,
    animationTime: 0.5,
    gestureSettingsMouse: { clickToZoom: false },
  });
}

async function viewerFactory() {
  const url = document.querySelector("script[data-viewer-module]")?.dataset.viewerModule;
  if (url) {
    try {
      const module = await import(url);
      if (typeof module.createViewer === "function") {
        return (element, slide) => {
          const made = module.createViewer(element, slide, { readOnly: true, navigator: false });
          return made?.viewport ? made : made?.viewer ?? made?.osd;
        };
      }
    } catch {
      // The module is the studio page's own script: fall back to the plain set-up.
    }
  }
  return plainViewer;
}

function bindToolbar(viewer, toolbar) {
  if (!toolbar) return;
  const actions = {
    "zoom-in": () => viewer.viewport.zoomBy(2).applyConstraints(),
    "zoom-out": () => viewer.viewport.zoomBy(0.5).applyConstraints(),
    home: () => viewer.viewport.goHome(),
    rotate: () => viewer.viewport.setRotation(viewer.viewport.getRotation() + 90),
  };
  toolbar.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    if (button) actions[button.dataset.action]?.();
  });
}

function whenDrawn(viewer) {
  return new Promise((resolve) => {
    viewer.addHandler("open", () => {
      viewer.world.getItemAt(0).whenFullyLoaded(() => {
        viewer.element.dataset.ready = "true";
        resolve();
      });
    });
    viewer.addHandler("open-failed", (event) => {
      window.studioErrors.push({ kind: "open", message: String(event.message) });
    });
    viewer.addHandler("tile-load-failed", (event) => {
      const { level, x, y } = event.tile;
      window.studioErrors.push({ kind: "tile", level, x, y, message: String(event.message) });
    });
  });
}

async function main() {
  const data = JSON.parse(document.getElementById("share-data").textContent);
  const create = await viewerFactory();
  const viewers = [];
  const drawn = [];
  for (const stage of document.querySelectorAll(".share-cell[data-cell]")) {
    const slide = data.cells[Number(stage.dataset.cell)];
    const viewer = create(stage.querySelector(".viewer"), slide);
    drawn.push(whenDrawn(viewer));
    bindToolbar(viewer, stage.querySelector(".viewer-toolbar"));
    viewers.push(viewer);
  }
  if (data.sync) syncViewports(viewers);
  window.shareViewers = viewers;
  window.studioViewer = viewers[0];
  await Promise.all(drawn);
  window.studioReady = true;
}

main();
