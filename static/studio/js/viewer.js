// One slide in OpenSeadragon over the studio's tile route, with a scale bar, the current
// magnification, rotation and flipping. Used by the viewer page (viewer-page.js) and by
// every viewport of the cockpit's viewer panel (panels/js/viewer-panel.js).
//
// Zoom levels follow the PMA.core convention, which is OpenSeadragon's own: level z shows
// the slide at 2^(z - maxLevel) of native size and level 0 fits in one tile. The tile
// server always answers full tileSize² tiles, padding the right and bottom edge tiles;
// OpenSeadragon crops each tile to `getTileBounds(level, x, y, true)` (the part inside the
// image) before drawing, so the padding is cut off instead of being squeezed into the edge.
//
// Readiness flags for tests: window.studioReady turns true once the first viewer's first
// view is fully drawn and window.studioFullyLoaded follows that viewer's later views (false
// while tiles are coming in). Each viewer's element carries data-ready="true" once its
// current slide is fully drawn. Other modules never reach a viewer through a global: they
// hold the SlideViewer they created, or listen to the events of the module that owns it;
// tests and integrations may import `liveViewers()` from this module.

const OSD = window.OpenSeadragon;
const NICE_STEPS = [1, 2, 5];
const SCALEBAR_MAX_PX = 160;
const DEFAULT_PREFIX_URL = new URL("../../vendor/openseadragon/images/", import.meta.url).href;

window.studioReady ??= false;
window.studioFullyLoaded ??= false;
window.studioErrors ??= [];

const live = []; // the SlideViewers of this page, oldest first

// The OpenSeadragon viewers of this page, oldest first.
export function liveViewers() {
  return live.map((slideViewer) => slideViewer.viewer);
}

export function slideTileSource(slide) {
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

function part(tag, className, role) {
  const element = document.createElement(tag);
  element.className = className;
  element.dataset.role = role;
  return element;
}

// The magnification and scale bar shown over a viewer; appended to `container`.
export function createReadout(container) {
  const readout = document.createElement("div");
  readout.className = "viewer-readout";
  readout.setAttribute("aria-live", "polite");
  const parts = {
    element: readout,
    magnification: part("span", "magnification", "magnification"),
    scalebar: part("div", "scalebar", "scalebar"),
    scalebarBar: part("div", "scalebar-bar", "scalebar-bar"),
    scalebarLabel: part("span", "scalebar-label", "scalebar-label"),
  };
  parts.magnification.textContent = "–";
  parts.scalebar.hidden = true;
  parts.scalebar.append(parts.scalebarBar, parts.scalebarLabel);
  readout.append(parts.magnification, parts.scalebar);
  container.append(readout);
  return parts;
}

function imageZoom(viewer) {
  const item = viewer.world.getItemAt(0);
  // Screen (CSS) pixels per native slide pixel.
  return item ? item.viewportToImageZoom(viewer.viewport.getZoom(true)) : 0;
}

function updateReadout(viewer, slide, parts) {
  const zoom = imageZoom(viewer);
  if (!zoom) return;
  parts.magnification.textContent = slide.magnification
    ? formatMagnification(slide.magnification * zoom)
    : "–";
  if (slide.mppX) {
    const micronsPerPixel = slide.mppX / zoom;
    const length = niceLength(micronsPerPixel);
    parts.scalebarBar.style.width = `${length / micronsPerPixel}px`;
    parts.scalebarLabel.textContent = formatLength(length);
  }
  parts.scalebar.hidden = !slide.mppX;
}

export class SlideViewer {
  // options: readout (from createReadout), navigator (bool), onReady(), onError(kind, message)
  constructor(element, slide, options = {}) {
    this.element = element;
    this.slide = slide;
    this.options = options;
    this.viewer = OSD({
      element,
      prefixUrl: element.dataset.prefixUrl ?? DEFAULT_PREFIX_URL,
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
    live.push(this);
    this.element.dataset.ready = "false";
    this.#watchLoading();
    this.setNavigator(options.navigator ?? true);
    if (options.readout) {
      this.viewer.addHandler("update-viewport", () =>
        updateReadout(this.viewer, this.slide, options.readout),
      );
    }
  }

  get viewport() {
    return this.viewer.viewport;
  }

  // Show another slide in the same viewer.
  open(slide) {
    this.slide = slide;
    this.element.dataset.ready = "false";
    this.viewer.open(slideTileSource(slide));
  }

  rotate(degrees = 90) {
    this.viewport.setRotation(this.viewport.getRotation() + degrees);
  }

  // OpenSeadragon mirrors left-right only; top-bottom is that mirror turned half a turn.
  flip(axis = "horizontal") {
    this.viewport.toggleFlip();
    if (axis === "vertical") this.viewport.setRotation(this.viewport.getRotation() + 180, true);
  }

  zoomBy(factor) {
    this.viewport.zoomBy(factor).applyConstraints();
  }

  home() {
    this.viewport.goHome();
  }

  setNavigator(on) {
    const navigator = this.viewer.navigator;
    if (navigator) navigator.element.style.display = on ? "" : "none";
  }

  destroy() {
    live.splice(live.indexOf(this), 1);
    this.viewer.destroy();
  }

  #watchLoading() {
    const viewer = this.viewer;
    viewer.addHandler("fully-loaded-change", (event) => {
      if (live[0] === this) window.studioFullyLoaded = event.fullyLoaded;
    });
    viewer.addHandler("open", () => {
      viewer.world.getItemAt(0).whenFullyLoaded(() => {
        window.studioReady = true;
        this.element.dataset.ready = "true";
        this.options.onReady?.();
      });
    });
    viewer.addHandler("open-failed", (event) => {
      const message = String(event.message);
      window.studioErrors.push({ kind: "open", message });
      this.options.onError?.("open", message);
    });
    viewer.addHandler("tile-load-failed", (event) => {
      const { level, x, y } = event.tile;
      const message = String(event.message);
      window.studioErrors.push({ kind: "tile", level, x, y, message });
      this.options.onError?.("tile", message);
    });
  }
}

export function createViewer(element, slide, options = {}) {
  return new SlideViewer(element, slide, options);
}
