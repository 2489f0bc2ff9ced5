// Which of a slide's annotations are drawn, and how, so that tens of thousands of them
// still pan smoothly. Annotorious (which redraws every shape it holds on every frame) gets
// only the shapes in view, with a margin of half a view on each side when that makes no
// more than DETAIL_LIMIT, worked out again whenever the view settles. When more than
// DETAIL_LIMIT are in view itself (a low zoom), the view shows them instead as one
// picture, drawn once per settled view (outlines simplified to what shows at that size)
// and copied each frame, moved and scaled with the slide, onto a canvas the size of the
// view. Zooming in brings back the shapes themselves, to select and edit.
//
//   const view = new AnnotationView(osdViewer, { onChange: (ids) => ..., styleOf: (id) => ... });
//   view.setShapes(shapes);   // [{id, target: {selector}}] as Annotorious takes them
//   view.keep(id);            // drawn whatever the view (the selected one)
//   view.setVisible(false); view.visibleIds → the ids in view (labels use them)
//
// `onChange(ids)` is called with the set of ids Annotorious should hold now.

const OSD = window.OpenSeadragon;
export const DETAIL_LIMIT = 400;
const MARGIN = 0.5; // of the view's size, on each side
const MIN_STEP = 1.5; // px: outline points closer than this on screen are skipped

export class AnnotationView {
  constructor(viewer, { onChange, styleOf }) {
    this.viewer = viewer;
    this.onChange = onChange;
    this.styleOf = styleOf;
    this.shapes = [];
    this.kept = new Set();
    this.visible = true;
    this.visibleIds = [];
    this.mode = "detail";
    this.canvas = null;
    this.picture = null; // the annotations drawn once for a settled view, off screen
    this.pictured = null; // the region it shows
    this.refresh = () => this.#update();
    this.show = () => this.#showPicture();
    for (const event of ["open", "animation-finish", "resize"]) viewer.addHandler(event, this.refresh);
  }

  setShapes(shapes) {
    this.shapes = shapes;
    this.pictured = null;
    this.#update();
  }

  keep(id) {
    const kept = new Set(id ? [String(id)] : []);
    if (kept.size === this.kept.size && [...kept].every((k) => this.kept.has(k))) return;
    this.kept = kept;
    this.pictured = null;
    this.#update();
  }

  setVisible(on) {
    this.visible = Boolean(on);
    // OpenSeadragon sets an overlay's display itself.
    if (this.canvas) this.canvas.style.visibility = this.visible ? "" : "hidden";
  }

  destroy() {
    for (const event of ["open", "animation-finish", "resize"]) this.viewer.removeHandler(event, this.refresh);
    this.#dropPicture();
  }

  // The image-pixel rectangle of the view with its margin, or null before a slide is open.
  #region() {
    const image = this.viewer.world.getItemAt(0);
    if (!image) return null;
    const view = image.viewportToImageRectangle(this.viewer.viewport.getBounds(true));
    const dx = view.width * MARGIN;
    const dy = view.height * MARGIN;
    return { x: view.x - dx, y: view.y - dy, width: view.width + 2 * dx, height: view.height + 2 * dy, view };
  }

  #update() {
    const region = this.#region();
    if (!region) {
      this.onChange(new Set(this.kept));
      return;
    }
    const inRegion = [];
    const inView = [];
    const { view } = region;
    for (const shape of this.shapes) {
      const b = shape.target.selector.geometry.bounds;
      if (b.maxX < region.x || b.minX > region.x + region.width || b.maxY < region.y || b.minY > region.y + region.height)
        continue;
      inRegion.push(shape);
      if (b.maxX >= view.x && b.minX <= view.x + view.width && b.maxY >= view.y && b.minY <= view.y + view.height)
        inView.push(shape.id);
    }
    this.visibleIds = inView;
    // The margin's shapes too when there are few enough, else those in view alone.
    const drawn = inRegion.length <= DETAIL_LIMIT ? inRegion.map((shape) => shape.id) : inView;
    if (drawn.length > DETAIL_LIMIT) {
      this.mode = "overview";
      if (!this.#pictureStillFits(region)) this.#drawPicture(inRegion, region);
      this.onChange(new Set(this.kept));
    } else {
      this.mode = "detail";
      this.#dropPicture();
      this.onChange(new Set([...drawn, ...this.kept]));
    }
    this.viewer.element.dataset.annotationsMode = this.mode;
  }

  // A pan that stays within the picture's margin at the same zoom needs no new picture.
  #pictureStillFits(region) {
    const old = this.pictured;
    if (!old || !this.canvas) return false;
    const { view } = region;
    return (
      Math.abs(view.width / old.view.width - 1) < 0.01 &&
      view.x >= old.x &&
      view.y >= old.y &&
      view.x + view.width <= old.x + old.width &&
      view.y + view.height <= old.y + old.height
    );
  }

  #drawPicture(shapes, region) {
    const size = this.viewer.viewport.getContainerSize();
    const scale = size.x / region.view.width;
    const picture = document.createElement("canvas");
    picture.width = Math.max(1, Math.round(region.width * scale));
    picture.height = Math.max(1, Math.round(region.height * scale));
    const ctx = picture.getContext("2d");
    const toX = (x) => (x - region.x) * scale;
    const toY = (y) => (y - region.y) * scale;
    for (const shape of shapes) {
      if (this.kept.has(shape.id)) continue;
      const style = this.styleOf(shape.id);
      ctx.beginPath();
      this.#trace(ctx, shape.target.selector, toX, toY, scale);
      if (style.fillOpacity > 0 && shape.target.selector.type !== "LINE") {
        ctx.globalAlpha = style.fillOpacity;
        ctx.fillStyle = style.fill;
        ctx.fill();
      }
      ctx.globalAlpha = 1;
      ctx.strokeStyle = style.stroke;
      ctx.lineWidth = Math.max(1, style.strokeWidth);
      ctx.stroke();
    }
    this.picture = picture;
    this.pictured = region;
    if (!this.canvas) {
      this.canvas = document.createElement("canvas");
      this.canvas.className = "annotation-overview";
      this.viewer.canvas.append(this.canvas);
      this.viewer.addHandler("update-viewport", this.show);
    }
    this.canvas.style.visibility = this.visible ? "" : "hidden";
    this.show();
  }

  // Each frame the picture is copied onto a canvas the size of the view, placed where the
  // region it shows is now (rotated and flipped with the slide): the cost stays that of the
  // view, whatever the zoom.
  #showPicture() {
    const image = this.viewer.world.getItemAt(0);
    if (!this.canvas || !this.picture || !image) return;
    const size = this.viewer.viewport.getContainerSize();
    if (this.canvas.width !== Math.round(size.x) || this.canvas.height !== Math.round(size.y)) {
      this.canvas.width = Math.round(size.x);
      this.canvas.height = Math.round(size.y);
    }
    const { x, y, width, height } = this.pictured;
    const at = (px, py) => image.imageToViewerElementCoordinates(new OSD.Point(px, py), true);
    const origin = at(x, y);
    const right = at(x + width, y);
    const down = at(x, y + height);
    const w = this.picture.width;
    const h = this.picture.height;
    const ctx = this.canvas.getContext("2d");
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.setTransform(
      (right.x - origin.x) / w,
      (right.y - origin.y) / w,
      (down.x - origin.x) / h,
      (down.y - origin.y) / h,
      origin.x,
      origin.y,
    );
    ctx.drawImage(this.picture, 0, 0);
  }

  #trace(ctx, selector, toX, toY, scale) {
    const g = selector.geometry;
    if (selector.type === "ELLIPSE") {
      ctx.ellipse(toX(g.cx), toY(g.cy), Math.max(1, g.rx * scale), Math.max(1, g.ry * scale), 0, 0, 2 * Math.PI);
      return;
    }
    const b = g.bounds;
    if ((b.maxX - b.minX) * scale < 3 && (b.maxY - b.minY) * scale < 3) {
      ctx.rect(toX(b.minX), toY(b.minY), Math.max(1, (b.maxX - b.minX) * scale), Math.max(1, (b.maxY - b.minY) * scale));
      return;
    }
    let [lastX, lastY] = [toX(g.points[0][0]), toY(g.points[0][1])];
    ctx.moveTo(lastX, lastY);
    for (const [px, py] of g.points) {
      const x = toX(px);
      const y = toY(py);
      if (Math.abs(x - lastX) + Math.abs(y - lastY) < MIN_STEP) continue;
      ctx.lineTo(x, y);
      lastX = x;
      lastY = y;
    }
    if (selector.type !== "LINE") ctx.closePath();
  }

  #dropPicture() {
    if (!this.canvas) return;
    this.viewer.removeHandler("update-viewport", this.show);
    this.canvas.remove();
    this.canvas = null;
    this.picture = null;
    this.pictured = null;
  }
}
