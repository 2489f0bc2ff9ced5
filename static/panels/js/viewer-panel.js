// The cockpit's viewer panel: a grid of rows × columns of viewports, each showing a slide.
//
//   const panel = mountViewer(element, {slide, rows, columns, sync, cells, selectedCell});
//   panel.showSlide(path, cell); panel.setGrid(2, 2); panel.setSync(true); panel.getState();
//
// Clicking a viewport (or focusing it with Tab) selects it; the selected one receives the
// next slide chosen in the browser (`studio:slide` on document.body, or its `detail.cell`).
// Whenever what it shows changes (grid, slides, sync, selected viewport) the panel says so
// with `studio:viewer-state` on its element (bubbling), `detail` being getState(); the
// cockpit keeps it in the saved arrangement and the share dialog shares it. A viewport that
// moves or opens its slide says `studio:viewer-move` ({cell}, bubbling).
// A slide that cannot be read right now (the studio or tile server is down) shows a banner
// in its viewport and is retried until it can; one that does not exist (404) says so once.
// A focused viewport takes + and − (zoom), the arrow keys (pan) and 0 (whole slide).
// Each viewport carries data-ready="true" once its slide is fully drawn.

import { createReadout, createViewer } from "../../studio/js/viewer.js";
import { AnnotationLayer } from "./annotation-layer.js";
import { GridSync } from "./grid-sync.js";

const OSD = window.OpenSeadragon;
const SLIDE_EVENT = "studio:slide";
export const STATE_EVENT = "studio:viewer-state";
export const MOVE_EVENT = "studio:viewer-move";
const ANNOTATION_EVENTS = [
  "studio:annotations-draw",
  "studio:annotation-focus",
  "studio:annotations-visible",
  "studio:annotations-history",
  "studio:annotations-delete",
  "studio:annotations-style",
  "studio:annotations-labels",
];
const MAX_SIDE = 6;
const RETRY_MS = 5000;
const PAN_FRACTION = 0.1; // of the viewport, per arrow key
const KEY_ZOOM = { "+": 2, "=": 2, "-": 0.5, "_": 0.5 };
const KEY_PAN = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

// A failure of the studio (network, 5xx) is worth retrying; an answer about the slide is not.
class SlideError extends Error {
  constructor(message, { final = false } = {}) {
    super(message);
    this.final = final;
  }
}

function clampSide(value) {
  const number = Math.round(Number(value)) || 1;
  return Math.min(MAX_SIDE, Math.max(1, number));
}

function basename(path) {
  return path.split("/").pop();
}

function el(tag, className, text) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

class Cell {
  constructor(panel) {
    this.panel = panel;
    this.path = null;
    this.data = null;
    this.slideViewer = null;
    this.request = 0; // numbers showSlide calls, so a late answer never wins
    this.retryTimer = null;
    this.failed = false;

    this.element = el("div", "viewer-cell");
    this.element.tabIndex = 0;
    this.element.setAttribute("role", "group");
    this.osd = el("div", "viewer-osd");
    this.name = el("div", "viewer-cell-name");
    this.empty = el("div", "viewer-cell-empty", "Select a slide in the slide browser to view it here.");
    this.banner = el("div", "banner banner-error");
    this.banner.setAttribute("role", "alert");
    this.banner.hidden = true;
    this.overview = el("img", "viewer-overview");
    this.overview.alt = "";
    this.overview.hidden = true;
    this.element.append(this.osd, this.name, this.empty, this.banner, this.overview);
    this.readout = createReadout(this.element);
    this.element.dataset.ready = "false";
  }

  async show(path) {
    const request = ++this.request;
    this.#stopRetrying();
    this.path = path || null;
    this.name.textContent = path ? basename(path) : "";
    this.name.title = path ?? "";
    this.empty.hidden = Boolean(path);
    this.element.dataset.ready = "false";
    this.panel.changed();
    if (!path) {
      this.#clear();
      return;
    }
    let data;
    try {
      data = await this.panel.fetchSlide(path);
    } catch (error) {
      if (request === this.request) this.#fail(error.message, { final: error.final });
      return;
    }
    if (request !== this.request) return;
    this.data = data;
    this.failed = false;
    if (this.slideViewer) {
      this.slideViewer.open(data);
    } else {
      this.slideViewer = createViewer(this.osd, data, {
        readout: this.readout,
        navigator: this.panel.navigator,
        onReady: () => this.#ready(),
        onError: (kind, message) => this.#fail(`${kind === "tile" ? "a tile failed to load" : "the slide did not open"} (${message})`),
      });
      this.slideViewer.viewer.addHandler("viewport-change", () => this.panel.moved(this));
      this.slideViewer.viewer.addHandler("open", () => this.panel.opened(this));
      this.layer = this.panel.annotationLayer(this.slideViewer.viewer);
    }
    this.layer?.load(path);
    this.updateOverview();
  }

  // The keyboard in a focused viewport; true if `key` was one of its keys.
  navigate(key) {
    const slideViewer = this.slideViewer;
    if (!slideViewer) return false;
    if (key in KEY_ZOOM) {
      slideViewer.zoomBy(KEY_ZOOM[key]);
    } else if (key in KEY_PAN) {
      const [dx, dy] = KEY_PAN[key];
      const size = slideViewer.viewport.getContainerSize();
      // In screen directions, whatever the rotation and flip.
      const delta = new OSD.Point(dx * size.x * PAN_FRACTION, dy * size.y * PAN_FRACTION);
      slideViewer.viewport.panBy(slideViewer.viewport.deltaPointsFromPixels(delta)).applyConstraints();
    } else if (key === "0") {
      slideViewer.home();
    } else {
      return false;
    }
    return true;
  }

  updateOverview() {
    const on = this.panel.overview && this.data;
    this.overview.hidden = !on;
    if (!on) return;
    const kind = this.data.associatedImages?.includes("Macro") ? "macro" : "thumbnail";
    const query = new URLSearchParams({ slide: this.path, w: 240, h: 240 });
    this.overview.src = `${this.panel.imageUrl}${kind}?${query}`;
    this.overview.alt = `${kind === "macro" ? "Macro photo" : "Thumbnail"} of ${basename(this.path)}`;
  }

  #ready() {
    this.element.dataset.ready = "true";
    if (!this.failed) this.banner.hidden = true;
  }

  #fail(message, { final = false } = {}) {
    if (this.failed && !this.banner.hidden) return; // one banner per failure, not per tile
    this.failed = true;
    this.element.dataset.ready = "false";
    this.element.dataset.failed = final ? "final" : "retrying";
    const text = el("p");
    const retry = el("button", "", "Try again");
    retry.type = "button";
    retry.addEventListener("click", () => this.show(this.path));
    if (final) {
      text.append(el("strong", "", "This slide can't be opened:"), ` ${message}`);
      this.banner.replaceChildren(text);
    } else {
      text.append(el("strong", "", "This slide can't be read right now:"), ` ${message}`);
      const hint = el("p", "banner-hint", "Trying again every few seconds. ");
      hint.append(retry);
      this.banner.replaceChildren(text, hint);
      window.clearTimeout(this.retryTimer);
      this.retryTimer = window.setTimeout(() => this.show(this.path), RETRY_MS);
    }
    this.banner.hidden = false;
  }

  #stopRetrying() {
    window.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.banner.hidden = true;
    this.failed = false;
    delete this.element.dataset.failed;
  }

  #clear() {
    this.data = null;
    this.overview.hidden = true;
    if (this.slideViewer) {
      this.layer?.destroy();
      this.layer = null;
      this.panel.sync.forget(this.slideViewer);
      this.slideViewer.destroy();
      this.slideViewer = null;
      this.osd.replaceChildren();
    }
    this.readout.magnification.textContent = "–";
    this.readout.scalebar.hidden = true;
  }

  destroy() {
    this.request++;
    this.#stopRetrying();
    this.#clear();
    this.element.remove();
  }
}

class ViewerPanel {
  constructor(
    element,
    { slide = null, rows = 1, columns = 1, sync = false, cells = [], selectedCell = 0, ...urls } = {},
  ) {
    this.element = element;
    this.infoUrl = urls.info_url ?? urls.infoUrl ?? element.dataset.slideInfoUrl ?? "/panels/slide-info.json";
    this.imageUrl = urls.image_url ?? urls.imageUrl ?? element.dataset.imageUrl ?? "/images/";
    this.annotationsUrl = urls.annotations_url ?? element.dataset.annotationsUrl ?? "/annotations/";
    this.annotationsVisible = true;
    this.labelsVisible = false;
    this.rows = 1;
    this.columns = 1;
    this.cells = [];
    this.selected = 0;
    this.navigator = true;
    this.overview = false;
    this.sync = new GridSync();

    this.grid = el("div", "viewer-grid");
    this.grid.setAttribute("role", "group");
    this.grid.setAttribute("aria-label", "Viewports");
    element.classList.add("viewer-panel");
    element.replaceChildren(this.grid);

    this.onSlide = (event) => {
      const { slide: path, cell } = event.detail ?? {};
      const index = Number.isInteger(cell) ? cell : this.selected;
      if (!this.cells[index]) return;
      // Selecting a viewport selects its slide: nothing to show again.
      if (this.cells[index].path === (path || null) && !this.cells[index].failed) {
        this.select(index);
        return;
      }
      // The viewport a slide is put into becomes the selected one (told once, by show).
      this.quiet = true;
      this.select(index);
      this.quiet = false;
      this.showSlide(path ?? "", index);
    };
    this.onPointer = (event) => {
      const cell = this.cells.findIndex((c) => c.element.contains(event.target));
      if (cell >= 0) this.select(cell);
    };
    this.onKey = (event) => {
      const cell = this.cells.findIndex((c) => c.element === event.target);
      if (cell < 0 || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        this.select(cell);
      } else if (this.cells[cell].navigate(event.key)) {
        event.preventDefault();
      }
    };
    document.body.addEventListener(SLIDE_EVENT, this.onSlide);
    this.onAnnotations = (event) => this.#annotationEvent(event);
    for (const name of ANNOTATION_EVENTS) document.body.addEventListener(name, this.onAnnotations);
    // Capture: OpenSeadragon's canvas swallows pointer events.
    this.grid.addEventListener("pointerdown", this.onPointer, true);
    this.grid.addEventListener("wheel", this.onPointer, { capture: true, passive: true });
    this.grid.addEventListener("focusin", this.onPointer);
    this.grid.addEventListener("keydown", this.onKey);

    this.quiet = true; // no state events while the panel is being built
    this.setGrid(rows, columns);
    const paths = cells.slice(0, this.cells.length);
    const first = Math.min(Math.max(0, Number(selectedCell) || 0), this.cells.length - 1);
    // A slide asked for (a ?slide= link) goes into the selected viewport, unless it is
    // already in one: then that viewport is the selected one.
    const at = slide ? paths.indexOf(slide) : -1;
    this.select(at >= 0 ? at : first);
    if (slide && at < 0) paths[this.selected] = slide;
    paths.forEach((path, index) => {
      if (path) this.showSlide(path, index);
    });
    this.setSync(sync);
    this.quiet = false;
    this.changed();
  }

  // Tells the page what the panel shows now (see STATE_EVENT above).
  changed() {
    if (this.quiet) return;
    this.element.dispatchEvent(new CustomEvent(STATE_EVENT, { bubbles: true, detail: this.getState() }));
  }

  // The annotations of a viewport's slide, drawn with Annotorious (none if it is missing).
  annotationLayer(viewer) {
    if (!window.AnnotoriousOSD) return null;
    const csrfToken = document.querySelector('meta[name="csrf-token"]')?.content ?? "";
    const layer = new AnnotationLayer(viewer, { url: this.annotationsUrl, csrfToken });
    layer.setVisible(this.annotationsVisible);
    layer.setLabelsVisible(this.labelsVisible);
    return layer;
  }

  #annotationEvent(event) {
    const detail = event.detail ?? {};
    const layer = this.cells[this.selected]?.layer;
    if (event.type === "studio:annotations-draw") layer?.draw(detail.shape, detail.preset);
    else if (event.type === "studio:annotation-focus") layer?.focus(detail.id);
    else if (event.type === "studio:annotations-history") layer?.[detail.step === "redo" ? "redo" : "undo"]();
    else if (event.type === "studio:annotations-style") layer?.setStyle(detail.property, detail.value);
    else if (event.type === "studio:annotations-delete") layer?.deleteSelected();
    else if (event.type === "studio:annotations-labels") {
      this.labelsVisible = Boolean(detail.visible);
      for (const cell of this.cells) cell.layer?.setLabelsVisible(this.labelsVisible);
    }
    else if (event.type === "studio:annotations-visible") {
      this.annotationsVisible = Boolean(detail.visible);
      for (const cell of this.cells) cell.layer?.setVisible(this.annotationsVisible);
    }
  }

  async fetchSlide(path) {
    const url = `${this.infoUrl}?${new URLSearchParams({ slide: path })}`;
    let response;
    try {
      response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    } catch {
      throw new Error("the studio cannot be reached.");
    }
    if (response.redirected) throw new SlideError("your session has ended: log in again.", { final: true });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      const message = data.error ?? `the studio answered ${response.status}.`;
      throw new SlideError(message, { final: response.status < 500 });
    }
    return data;
  }

  showSlide(path, cell = this.selected) {
    const target = this.cells[cell];
    if (!target) return Promise.resolve();
    return target.show(path);
  }

  select(index) {
    if (!this.cells[index]) return;
    const changed = index !== this.selected;
    this.selected = index;
    this.cells.forEach((cell, i) => {
      if (i === index) cell.element.setAttribute("aria-current", "true");
      else cell.element.removeAttribute("aria-current");
    });
    this.sync.leader = this.cells[index].slideViewer;
    if (changed) this.changed();
  }

  setGrid(rows, columns) {
    const newRows = clampSide(rows);
    const newColumns = clampSide(columns);
    const kept = new Array(newRows * newColumns).fill(null);
    const homeless = [];
    this.cells.forEach((cell, index) => {
      const row = Math.floor(index / this.columns);
      const column = index % this.columns;
      if (row < newRows && column < newColumns) kept[row * newColumns + column] = cell;
      else if (cell.path) homeless.push(cell);
      else cell.destroy();
    });
    // Slides that no longer fit where they were move into empty viewports, if any.
    for (let i = 0; i < kept.length && homeless.length; i++) {
      if (!kept[i]) kept[i] = homeless.shift();
      else if (!kept[i].path) {
        kept[i].destroy();
        kept[i] = homeless.shift();
      }
    }
    homeless.forEach((cell) => cell.destroy());
    const selectedCell = this.cells[this.selected];
    this.cells = kept.map((cell) => cell ?? new Cell(this));
    this.rows = newRows;
    this.columns = newColumns;
    this.grid.style.setProperty("--rows", newRows);
    this.grid.style.setProperty("--columns", newColumns);
    this.grid.classList.toggle("is-multi", this.cells.length > 1);
    this.grid.replaceChildren(...this.cells.map((cell) => cell.element));
    this.cells.forEach((cell, i) => {
      cell.element.dataset.cell = String(i);
      const label = `Viewport ${i + 1} of ${this.cells.length}`;
      cell.element.setAttribute("aria-label", label);
    });
    this.select(Math.max(0, this.cells.indexOf(selectedCell)));
    if (this.sync.on) this.sync.rebase(this.slideViewers());
    this.changed();
  }

  slideViewers() {
    return this.cells.map((cell) => cell.slideViewer).filter(Boolean);
  }

  moved(cell) {
    this.sync.moved(cell.slideViewer, this.slideViewers());
    this.#tellMoved(cell);
  }

  opened(cell) {
    if (this.cells[this.selected] === cell) this.sync.leader = cell.slideViewer;
    if (this.sync.on) this.sync.rebase(this.slideViewers());
    this.#tellMoved(cell);
  }

  // A viewport moved or opened its slide (a live session's driver sends its view then).
  #tellMoved(cell) {
    const detail = { cell: this.cells.indexOf(cell) };
    this.element.dispatchEvent(new CustomEvent(MOVE_EVENT, { bubbles: true, detail }));
  }

  setSync(on) {
    if (on) this.sync.enable(this.slideViewers());
    else this.sync.disable();
    this.sync.leader = this.cells[this.selected]?.slideViewer ?? null;
    this.element.dataset.sync = String(Boolean(on));
    this.changed();
  }

  setNavigator(on) {
    this.navigator = Boolean(on);
    this.slideViewers().forEach((slideViewer) => slideViewer.setNavigator(this.navigator));
  }

  setScalebar(on) {
    this.grid.classList.toggle("no-scalebar", !on);
  }

  setOverview(on) {
    this.overview = Boolean(on);
    this.cells.forEach((cell) => cell.updateOverview());
  }

  #selectedViewer() {
    const slideViewer = this.cells[this.selected]?.slideViewer ?? null;
    this.sync.leader = slideViewer;
    return slideViewer;
  }

  rotate(degrees = 90) {
    this.#selectedViewer()?.rotate(Number(degrees) || 90);
  }

  flip(axis) {
    this.#selectedViewer()?.flip(axis);
  }

  getState() {
    return {
      rows: this.rows,
      columns: this.columns,
      sync: this.sync.on,
      cells: this.cells.map((cell) => cell.path),
      selectedCell: this.selected,
    };
  }

  // The OpenSeadragon viewer of a viewport, for integrations and tests.
  viewerAt(index) {
    return this.cells[index]?.slideViewer?.viewer ?? null;
  }

  destroy() {
    document.body.removeEventListener(SLIDE_EVENT, this.onSlide);
    for (const name of ANNOTATION_EVENTS) document.body.removeEventListener(name, this.onAnnotations);
    this.cells.forEach((cell) => cell.destroy());
    this.cells = [];
    this.element.replaceChildren();
    this.element.classList.remove("viewer-panel");
  }
}

export function mountViewer(element, options = {}) {
  const panel = new ViewerPanel(element, options);
  return {
    showSlide: (path, cell) => panel.showSlide(path, cell ?? panel.selected),
    setGrid: (rows, columns) => panel.setGrid(rows, columns),
    setSync: (on) => panel.setSync(on),
    setNavigator: (on) => panel.setNavigator(on),
    setScalebar: (on) => panel.setScalebar(on),
    setOverview: (on) => panel.setOverview(on),
    rotate: (degrees) => panel.rotate(degrees),
    flip: (axis) => panel.flip(axis),
    selectCell: (index) => panel.select(index),
    getState: () => panel.getState(),
    viewerAt: (index) => panel.viewerAt(index),
    destroy: () => panel.destroy(),
  };
}
