// A slide's annotations over one OpenSeadragon viewer, drawn and edited with Annotorious.
//
//   const layer = new AnnotationLayer(osdViewer, {url, csrfToken});
//   await layer.load(slidePath); layer.draw("polygon", preset); layer.setVisible(false);
//   layer.focus(id);
//
// The tile server keeps the annotations (through the studio's /annotations/ routes): a
// shape drawn, moved or deleted here is saved there at once, and the layer then says so
// with `studio:annotations-changed` ({slide}) on document.body, which the annotations
// panel listens to. Read-only layers (share links) never write.

import { toShape, toWkt } from "./annotation-shapes.js";

const CHANGED_EVENT = "studio:annotations-changed";
const DEFAULT_STYLE = { color: "#3399CC", fill: "", lineWidth: 2 };
// Ids the tile server gave; Annotorious names a shape it has just drawn with a UUID, and
// forgets it (a "delete") when the saved list replaces it.
const SAVED_ID = /^\d+$/;
// Shapes Annotorious would save back differently from how they were stored.
const KEPT_AS_IS = /^\s*(POINT|MULTIPOINT|MULTILINESTRING|MULTIPOLYGON)|^\s*LINESTRING\s*\(([^,]*,){2,}/i;

function opacity(hex) {
  return hex && hex.length === 9 ? parseInt(hex.slice(7), 16) / 255 : hex ? 0.25 : 0;
}

export class AnnotationLayer {
  constructor(viewer, { url, csrfToken = "", readOnly = false } = {}) {
    this.url = url;
    this.csrfToken = csrfToken;
    this.readOnly = readOnly;
    this.slide = null;
    this.styles = new Map(); // annotation id → {color, fill, lineWidth}
    this.next = { ...DEFAULT_STYLE, classification: "" };
    this.anno = window.AnnotoriousOSD.createOSDAnnotator(viewer, {
      drawingEnabled: false,
      userSelectAction: readOnly ? "SELECT" : "EDIT",
      style: (annotation) => this.#style(annotation),
    });
    if (!readOnly) this.#watchEdits();
  }

  async load(slide) {
    this.slide = slide;
    this.anno.clearAnnotations();
    if (!slide) return;
    const response = await fetch(`${this.url}?${new URLSearchParams({ slide })}`, {
      headers: { Accept: "application/json" },
    });
    if (!response.ok || slide !== this.slide) return;
    const data = await response.json();
    this.styles.clear();
    const shapes = [];
    for (const item of data.annotations) {
      const selector = toShape(item.geometry);
      if (!selector) continue;
      const id = String(item.id);
      this.styles.set(id, { color: item.color, fill: item.fill_color, lineWidth: item.line_thickness });
      shapes.push({ id, bodies: [], target: { annotation: id, selector }, locked: KEPT_AS_IS.test(item.geometry) });
    }
    this.anno.setAnnotations(shapes, true);
  }

  // Start drawing a `tool` ("rectangle" or "polygon") with a preset's class and colours.
  draw(tool, preset = {}) {
    if (this.readOnly) return;
    this.next = {
      classification: preset.class ?? "",
      color: (preset.color ?? DEFAULT_STYLE.color).slice(0, 9),
      fill: preset.fill ?? "",
      lineWidth: preset.line_width ?? DEFAULT_STYLE.lineWidth,
    };
    this.anno.setDrawingTool(tool === "rectangle" ? "rectangle" : "polygon");
    this.anno.setDrawingEnabled(true);
  }

  setVisible(on) {
    this.anno.setVisible(on);
  }

  focus(id) {
    this.anno.fitBounds({ id: String(id) }, { padding: 40 });
    this.anno.setSelected(String(id));
  }

  destroy() {
    this.anno.destroy();
  }

  #style(annotation) {
    const style = this.styles.get(annotation.id) ?? this.next;
    return {
      stroke: style.color.slice(0, 7),
      strokeWidth: style.lineWidth,
      fill: (style.fill || style.color).slice(0, 7),
      fillOpacity: opacity(style.fill),
    };
  }

  #watchEdits() {
    this.anno.on("createAnnotation", async (annotation) => {
      this.anno.setDrawingEnabled(false);
      const geometry = toWkt(annotation.target.selector);
      const { classification, color, fill, lineWidth } = this.next;
      const body = { added: [{ geometry, classification, color, fillColor: fill, lineThickness: lineWidth }] };
      await this.#post(`${this.url}?${new URLSearchParams({ slide: this.slide })}`, body);
      await this.load(this.slide); // the server's ids replace Annotorious' own
    });
    this.anno.on("updateAnnotation", async (annotation) => {
      if (annotation.locked || !SAVED_ID.test(annotation.id)) return;
      const geometry = toWkt(annotation.target.selector);
      await this.#post(this.#itemUrl(annotation.id, ""), { geometry });
    });
    this.anno.on("deleteAnnotation", async (annotation) => {
      if (!SAVED_ID.test(annotation.id)) return;
      await this.#post(this.#itemUrl(annotation.id, "delete/"));
    });
  }

  #itemUrl(id, suffix) {
    return `${this.url}${encodeURIComponent(id)}/${suffix}?${new URLSearchParams({ slide: this.slide })}`;
  }

  async #post(url, body) {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": this.csrfToken },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      const message = (await response.json().catch(() => ({}))).error ?? `HTTP ${response.status}`;
      document.body.dispatchEvent(new CustomEvent("studio:notify", { detail: { message } }));
    }
    document.body.dispatchEvent(new CustomEvent(CHANGED_EVENT, { detail: { slide: this.slide } }));
  }
}
