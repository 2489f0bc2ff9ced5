// A slide's annotations over one OpenSeadragon viewer, drawn and edited with Annotorious
// (and its tools plugin for ellipses and lines; annotation-strokes.js for points and
// freehand outlines).
//
//   const layer = new AnnotationLayer(osdViewer, {url, csrfToken});
//   await layer.load(slidePath); layer.draw("ellipse", preset); layer.setVisible(false);
//   layer.focus(id); await layer.undo(); await layer.redo();
//   layer.setStyle("fill-opacity", "40"); layer.setLabelsVisible(true); layer.deleteSelected();
//
// setStyle changes the selected annotation (saved at once), or else the style of the next
// one drawn without a preset; whenever the selection changes the layer says what the
// ribbon's style fields should show, with `studio:annotation-selected` ({slide, id, values}).
//
// The tile server keeps the annotations (through the studio's /annotations/ routes): a
// shape drawn, moved or deleted here is saved there at once, and the layer then says so
// with `studio:annotations-changed` ({slide, source}) on document.body, which the
// annotations panel listens to; a change someone else saved (an import) makes the layer
// load the slide's annotations again. The panel's inline edit asks the layer to make it
// (`studio:annotation-edit`, {slide, id, fields}; the layer puts its promise in `result`). Every change is a step of the
// layer's history, so undo and redo act on the tile server too. Read-only layers (share
// links) never write. The viewer's element carries data-annotations="loading" while the
// list is on its way, "ready" once it is shown and "failed" if it could not be had (tests
// wait on it).

import { AnnotationEdits } from "./annotation-edits.js";
import { AnnotationLabels } from "./annotation-labels.js";
import { toShape, toWkt } from "./annotation-shapes.js";
import { AnnotationStore, routeFields } from "./annotation-store.js";
import { captureStroke } from "./annotation-strokes.js";
import { AnnotationView } from "./annotation-view.js";
import { DEFAULT_STYLE, changedFields, draftOf, fieldValues, opacity, styleOf, withField } from "./annotation-style.js";

const CHANGED_EVENT = "studio:annotations-changed";
const SELECTED_EVENT = "studio:annotation-selected";
const EDIT_EVENT = "studio:annotation-edit";
const NOTIFY_EVENT = "studio:notify";
// Annotorious' own drawing tools (with the tools plugin) by the ribbon's shape names; a
// circle is an ellipse drawn with Shift held.
const TOOLS = { rectangle: "rectangle", polygon: "polygon", ellipse: "ellipse", circle: "ellipse", line: "line" };
const STROKES = new Set(["freehand", "point"]);
export const DRAWN_SHAPES = [...Object.keys(TOOLS), ...STROKES];
// Ids the tile server gave; Annotorious names a shape it has just drawn with a UUID, and
// forgets it (a "delete") when the saved list replaces it.
const SAVED_ID = /^\d+$/;
// Shapes Annotorious would save back differently from how they were stored.
const KEPT_AS_IS = /^\s*(POINT|MULTIPOINT|MULTILINESTRING|MULTIPOLYGON)|^\s*LINESTRING\s*\(([^,]*,){2,}/i;

export class AnnotationLayer {
  constructor(viewer, { url, csrfToken = "", readOnly = false } = {}) {
    this.viewer = viewer;
    this.store = new AnnotationStore(url, csrfToken);
    this.edits = new AnnotationEdits(this.store);
    this.readOnly = readOnly;
    this.slide = null;
    this.items = new Map(); // annotation id → the list's item
    // What a shape drawn without a preset gets; `next` is what the shape being drawn gets.
    this.style = { ...DEFAULT_STYLE };
    this.next = { ...this.style };
    this.selectedId = null;
    this.labels = new AnnotationLabels(viewer);
    // Annotorious holds only what annotation-view.js says is in view.
    this.shapes = new Map(); // annotation id → its shape
    this.drawn = new Set();
    this.view = new AnnotationView(viewer, {
      onChange: (ids) => this.#draw(ids),
      styleOf: (id) => this.#style({ id }),
    });
    // Labels show when asked for and the annotations themselves are shown.
    this.shown = { annotations: true, labels: false };
    this.loading = false;
    this.stopStroke = null;
    this.anno = window.AnnotoriousOSD.createOSDAnnotator(viewer, {
      drawingEnabled: false,
      userSelectAction: readOnly ? "SELECT" : "EDIT",
      style: (annotation) => this.#style(annotation),
    });
    window.AnnotoriousTools?.mountPlugin(this.anno);
    this.anno.on("selectionChanged", (selected) => this.#selected(selected[0]?.id ?? null));
    if (!readOnly) this.#watchEdits();
    this.onChanged = (event) => {
      const { slide, source } = event.detail ?? {};
      if (source !== this && slide === this.slide) this.load(this.slide);
    };
    document.body.addEventListener(CHANGED_EVENT, this.onChanged);
    // The annotations panel's Edit form asks the layer of its slide to make the change, so
    // that it is a step of the layer's history (the first layer to answer takes it).
    this.onEdit = (event) => {
      const detail = event.detail ?? {};
      if (this.readOnly || detail.result || detail.slide !== this.slide) return;
      detail.result = this.edit(detail.id, detail.fields);
    };
    document.body.addEventListener(EDIT_EVENT, this.onEdit);
  }

  async load(slide) {
    this.edits.forSlide(slide);
    this.slide = slide;
    if (!slide) {
      this.#replace([]);
      return;
    }
    const state = this.viewer.element.dataset;
    state.annotations = "loading";
    let data;
    try {
      data = await this.store.list(slide);
    } catch {
      if (slide === this.slide) state.annotations = "failed";
      return;
    }
    if (slide !== this.slide) return;
    this.items = new Map(data.annotations.map((item) => [String(item.id), item]));
    const shapes = [];
    for (const item of data.annotations) {
      const selector = toShape(item.geometry);
      if (!selector) continue;
      const id = String(item.id);
      shapes.push({ id, bodies: [], target: { annotation: id, selector }, locked: KEPT_AS_IS.test(item.geometry) });
    }
    this.#replace(shapes);
    state.annotations = "ready";
  }

  // Start drawing a shape (DRAWN_SHAPES), with a preset's class and colours if one is given.
  draw(tool, preset = null) {
    if (this.readOnly) return;
    this.next = preset
      ? {
          ...DEFAULT_STYLE,
          classification: preset.class ?? "",
          color: preset.color ?? DEFAULT_STYLE.color,
          fill: preset.fill ?? "",
          lineWidth: preset.line_width ?? DEFAULT_STYLE.lineWidth,
        }
      : { ...this.style };
    this.stopStroke?.();
    this.stopStroke = null;
    if (STROKES.has(tool)) {
      this.anno.setDrawingEnabled(false);
      this.stopStroke = captureStroke(this.viewer, tool, (shape) => this.#created(shape));
      return;
    }
    this.anno.setDrawingTool(TOOLS[tool] ?? "polygon");
    this.anno.setDrawingEnabled(true);
  }

  setVisible(on) {
    this.shown.annotations = Boolean(on);
    this.anno.setVisible(this.shown.annotations);
    this.view.setVisible(this.shown.annotations);
    this.labels.setVisible(this.shown.annotations && this.shown.labels);
  }

  setLabelsVisible(on) {
    this.shown.labels = Boolean(on);
    this.labels.setVisible(this.shown.annotations && this.shown.labels);
  }

  // A ribbon style field changed (annotation-style.js names the properties).
  setStyle(property, value) {
    const item = this.selectedId && this.items.get(this.selectedId);
    if (item && !this.readOnly) {
      const before = styleOf(item);
      const fields = changedFields(before, withField(before, property, value));
      if (Object.keys(fields).length) this.#change(this.selectedId, fields);
      return;
    }
    this.style = withField(this.style, property, value);
    this.next = { ...this.style };
  }

  // Changes fields (the route's keys) of annotation `id` as a step of the history; rejects
  // with the tile server's refusal.
  async edit(id, fields) {
    const item = this.items.get(String(id));
    if (!item) throw new Error("This annotation is no longer on the slide.");
    await this.edits.change(String(id), routeFields(item, Object.keys(fields)), fields);
    await this.#saved();
  }

  focus(id) {
    const key = String(id);
    if (!this.shapes.has(key)) return;
    this.view.keep(key);
    this.anno.fitBounds({ id: key }, { padding: 40 });
    this.anno.setSelected(key);
  }

  // Deletes the selected annotation on the tile server (undo brings it back).
  deleteSelected() {
    if (this.readOnly) return;
    const id = this.selectedId;
    if (!id) return this.#notify("Select an annotation to delete first.");
    this.selectedId = null;
    this.anno.setSelected();
    this.#deleted(id);
  }

  undo() {
    return this.#travel("undo");
  }

  redo() {
    return this.#travel("redo");
  }

  destroy() {
    this.stopStroke?.();
    this.view.destroy();
    document.body.removeEventListener(CHANGED_EVENT, this.onChanged);
    document.body.removeEventListener(EDIT_EVENT, this.onEdit);
    this.anno.destroy();
  }

  #replace(shapes) {
    this.shapes = new Map(shapes.map((shape) => [shape.id, shape]));
    this.loading = true;
    try {
      // Drops also what Annotorious drew itself (a new shape's UUID) before the list came.
      this.anno.setAnnotations([], true);
    } finally {
      this.loading = false;
    }
    this.drawn = new Set();
    this.view.setShapes(shapes);
  }

  // Annotorious gets the annotations `ids` and no others (see annotation-view.js); the
  // labels follow what is in view.
  #draw(ids) {
    const gone = [...this.drawn].filter((id) => !ids.has(id));
    const added = [...ids].filter((id) => !this.drawn.has(id) && this.shapes.has(id));
    this.loading = true;
    try {
      for (const id of gone) this.anno.removeAnnotation(id);
      if (added.length) this.anno.setAnnotations(added.map((id) => this.shapes.get(id)), false);
    } finally {
      this.loading = false;
    }
    this.drawn = new Set([...this.drawn].filter((id) => ids.has(id)).concat(added));
    // At a zoom where the shapes show as one picture their labels would only cover it.
    const labelled = this.view.mode === "detail" ? this.view.visibleIds : [];
    this.labels.show(labelled.map((id) => this.items.get(id)).filter(Boolean));
  }

  #style(annotation) {
    const item = this.items.get(annotation.id);
    const style = item ? styleOf(item) : this.next;
    return {
      stroke: style.color.slice(0, 7),
      strokeWidth: style.lineWidth,
      fill: (style.fill || style.color).slice(0, 7),
      fillOpacity: opacity(style.fill),
    };
  }

  #selected(id) {
    this.selectedId = id && SAVED_ID.test(id) ? id : null;
    if (this.selectedId !== [...this.view.kept][0]) this.view.keep(this.selectedId);
    const item = this.selectedId && this.items.get(this.selectedId);
    const values = fieldValues(item ? styleOf(item) : this.style);
    const detail = { slide: this.slide, id: this.selectedId, values };
    document.body.dispatchEvent(new CustomEvent(SELECTED_EVENT, { detail }));
  }

  #watchEdits() {
    this.anno.on("createAnnotation", (annotation) => {
      this.anno.setDrawingEnabled(false);
      this.#created(annotation.target.selector);
    });
    this.anno.on("updateAnnotation", (annotation) => {
      if (this.loading || annotation.locked || !SAVED_ID.test(annotation.id)) return;
      const geometry = toWkt(annotation.target.selector);
      if (geometry) this.#change(annotation.id, { geometry });
    });
    this.anno.on("deleteAnnotation", (annotation) => {
      if (this.loading || !SAVED_ID.test(annotation.id)) return;
      this.#deleted(annotation.id);
    });
  }

  #created(selector) {
    const geometry = toWkt(selector);
    if (!geometry) return this.#saved();
    return this.#apply(() => this.edits.add(draftOf(this.next, geometry)));
  }

  // Changes fields (the route's keys: geometry, classification, color, ...) of annotation `id`.
  #change(id, fields) {
    const item = this.items.get(String(id));
    if (!item) return;
    const before = routeFields(item, Object.keys(fields));
    return this.#apply(() => this.edits.change(id, before, fields));
  }

  #deleted(id) {
    const item = this.items.get(String(id));
    if (!item) return;
    return this.#apply(() => this.edits.remove(id, routeFields(item)));
  }

  async #apply(edit) {
    try {
      await edit();
    } catch (error) {
      this.#notify(error.message);
    }
    await this.#saved();
  }

  async #travel(how) {
    if (this.readOnly) return false;
    let moved = false;
    try {
      moved = await this.edits[how]();
      if (!moved) this.#notify(how === "undo" ? "Nothing to undo." : "Nothing to redo.");
    } catch (error) {
      this.#notify(error.message);
    }
    if (moved) await this.#saved();
    return moved;
  }

  // The server's list replaces what Annotorious holds (its ids for the drawn ones too); the
  // annotation that was selected stays so, for the next change of style.
  async #saved() {
    const selected = this.selectedId;
    await this.load(this.slide);
    if (selected && this.items.has(selected)) {
      this.view.keep(selected);
      this.anno.setSelected(selected);
      this.#selected(selected);
    }
    document.body.dispatchEvent(new CustomEvent(CHANGED_EVENT, { detail: { slide: this.slide, source: this } }));
  }

  #notify(message) {
    document.body.dispatchEvent(new CustomEvent(NOTIFY_EVENT, { detail: { message } }));
  }
}
