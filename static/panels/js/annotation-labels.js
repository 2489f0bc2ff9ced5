// Class names written on a slide's annotations (the ribbon's Labels toggle): one
// OpenSeadragon overlay per classified annotation, at the top left of its bounds, so it
// follows panning and zooming. The layer shows the labels of the annotations in view
// (annotation-view.js), so their number stays small. Text goes in as text, never as HTML.
//
//   const labels = new AnnotationLabels(osdViewer);
//   labels.show(items); labels.setVisible(true);

const OSD = window.OpenSeadragon;

export class AnnotationLabels {
  constructor(viewer) {
    this.viewer = viewer;
    this.visible = false;
    this.items = [];
    this.elements = [];
    viewer.addHandler("open", () => this.#draw());
  }

  show(items) {
    this.items = items;
    this.#draw();
  }

  setVisible(on) {
    this.visible = Boolean(on);
    this.#draw();
  }

  #draw() {
    for (const element of this.elements) this.viewer.removeOverlay(element);
    this.elements = [];
    const image = this.viewer.world.getItemAt(0);
    if (!this.visible || !image) return;
    for (const item of this.items) {
      if (!item.classification || !item.bounds) continue;
      const element = document.createElement("div");
      element.className = "annotation-label";
      element.textContent = item.classification;
      element.style.setProperty("--label-colour", (item.color || "#3399CC").slice(0, 7));
      const location = image.imageToViewportCoordinates(item.bounds[0], item.bounds[1]);
      this.viewer.addOverlay({ element, location, placement: OSD.Placement.BOTTOM_LEFT });
      this.elements.push(element);
    }
  }
}
