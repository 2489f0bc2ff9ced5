// The slide viewer: OpenSeadragon over the studio's tile route, with a scale bar,
// the current magnification, rotation and flipping.
//
// Zoom levels follow the PMA.core convention, which is OpenSeadragon's own: level z shows
// the slide at 2^(z - maxLevel) of native size and level 0 fits in one tile. The tile
// server always answers full tileSize² tiles, padding the right and bottom edge tiles;
// OpenSeadragon crops each tile to `getTileBounds(level, x, y, true)` (the part inside the
// image) before drawing, so the padding is cut off instead of being squeezed into the edge.

const OSD = window.OpenSeadragon;
const NICE_STEPS = [1, 2, 5];
const SCALEBAR_MAX_PX = 160;

// For tests and integrations: studioReady turns true once the first view is fully drawn;
// studioFullyLoaded follows every later view (false while tiles are still coming in).
window.studioReady = false;
window.studioFullyLoaded = false;
window.studioErrors = [];

function slideTileSource(slide) {
  return {
    width: slide.width,
    height: slide.height,
    tileSize: slide.tileSize,
    tileOverlap: 0,
    minLevel: 0,
    maxLevel: slide.maxZoomLevel,
    getTileUrl(level, x, y) {
      return slide.tileUrl
        .replace("{z}", String(level))
        .replace("{x}", String(x))
        .replace("{y}", String(y));
    },
  };
}

// The longest 1-2-5 length (in µm) whose bar fits in maxPx screen pixels.
export function niceLength(micronsPerPixel, maxPx = SCALEBAR_MAX_PX) {
  const limit = micronsPerPixel * maxPx;
  let best = null;
  for (let exponent = -2; exponent <= 6; exponent++) {
    for (const step of NICE_STEPS) {
      const length = step * 10 ** exponent;
      if (length <= limit) best = length;
    }
  }
  return best ?? 10 ** -2;
}

export function formatLength(microns) {
  if (microns >= 1000) return `${+(microns / 1000).toPrecision(3)} mm`;
  return `${+microns.toPrecision(3)} µm`;
}

export function formatMagnification(magnification) {
  return `${magnification.toFixed(magnification < 1 ? 2 : 1)}×`;
}

function createViewer(element, slide) {
  return OSD({
    element,
    prefixUrl: element.dataset.prefixUrl,
    tileSources: slideTileSource(slide),
    showNavigator: true,
    navigatorPosition: "TOP_RIGHT",
    navigatorAutoFade: false,
    showNavigationControl: false,
    showRotationControl: false,
    visibilityRatio: 0.5,
    maxZoomPixelRatio: 2,
    animationTime: 0.5,
    gestureSettingsMouse: { clickToZoom: false },
  });
}

function imageZoom(viewer) {
  const item = viewer.world.getItemAt(0);
  // Screen (CSS) pixels per native slide pixel.
  return item ? item.viewportToImageZoom(viewer.viewport.getZoom(true)) : 0;
}

function updateReadout(viewer, slide, parts) {
  const zoom = imageZoom(viewer);
  if (!zoom) return;
  if (slide.magnification) {
    parts.magnification.textContent = formatMagnification(slide.magnification * zoom);
  }
  if (slide.mppX) {
    const micronsPerPixel = slide.mppX / zoom;
    const length = niceLength(micronsPerPixel);
    parts.scalebarBar.style.width = `${length / micronsPerPixel}px`;
    parts.scalebarLabel.textContent = formatLength(length);
    parts.scalebar.hidden = false;
  }
}

function rotate(viewer) {
  const viewport = viewer.viewport;
  viewport.setRotation(viewport.getRotation() + 90);
}

function bindControls(viewer, toolbar) {
  const flipButton = toolbar.querySelector('[data-action="flip"]');
  const actions = {
    "zoom-in": () => viewer.viewport.zoomBy(2).applyConstraints(),
    "zoom-out": () => viewer.viewport.zoomBy(0.5).applyConstraints(),
    home: () => viewer.viewport.goHome(),
    rotate: () => rotate(viewer),
    flip: () => viewer.viewport.toggleFlip(),
  };
  toolbar.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    if (button) actions[button.dataset.action]();
  });
  viewer.addHandler("flip", () => {
    flipButton.setAttribute("aria-pressed", String(viewer.viewport.getFlip()));
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

function watchLoading(viewer) {
  viewer.addHandler("fully-loaded-change", (event) => {
    window.studioFullyLoaded = event.fullyLoaded;
  });
  viewer.addHandler("open", () => {
    viewer.world.getItemAt(0).whenFullyLoaded(() => {
      window.studioReady = true;
      viewer.element.dataset.ready = "true";
    });
  });
  viewer.addHandler("open-failed", (event) => {
    window.studioErrors.push({ kind: "open", message: String(event.message) });
  });
  viewer.addHandler("tile-load-failed", (event) => {
    const { level, x, y } = event.tile;
    window.studioErrors.push({ kind: "tile", level, x, y, message: String(event.message) });
  });
}

function main() {
  const element = document.getElementById("viewer");
  const slide = JSON.parse(document.getElementById("slide-data").textContent);
  const stage = element.closest(".viewer-stage");
  const parts = {
    magnification: stage.querySelector('[data-role="magnification"]'),
    scalebar: stage.querySelector('[data-role="scalebar"]'),
    scalebarBar: stage.querySelector('[data-role="scalebar-bar"]'),
    scalebarLabel: stage.querySelector('[data-role="scalebar-label"]'),
  };
  const viewer = createViewer(element, slide);
  window.studioViewer = viewer;
  watchLoading(viewer);
  bindControls(viewer, stage.querySelector(".viewer-toolbar"));
  viewer.addHandler("update-viewport", () => updateReadout(viewer, slide, parts));
}

main();
