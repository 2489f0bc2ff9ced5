// Synchronized navigation of a grid's viewports. Serial sections are never perfectly
// aligned, so each viewport keeps the offset it had when sync was switched on: its centre
// (in fractions of its own image's width and height), its zoom relative to the others and
// its rotation. When the leading viewport moves, every other one takes the leader's centre
// plus its own offset, the leader's zoom times its own ratio, the leader's rotation plus its
// own angle. Only the leader's moves are followed (the viewport the user last touched), and
// followers are moved without animation, so their own change events never echo back.

const OSD = window.OpenSeadragon;

function aspect(slideViewer) {
  const item = slideViewer.viewer.world.getItemAt(0);
  if (!item) return 1;
  const size = item.getContentSize();
  return size.y / size.x;
}

// Viewport coordinates are in image widths both ways; make y a fraction of the height.
function stateOf(slideViewer) {
  const viewport = slideViewer.viewport;
  const center = viewport.getCenter(true);
  return {
    x: center.x,
    y: center.y / aspect(slideViewer),
    zoom: viewport.getZoom(true),
    rotation: viewport.getRotation(true),
  };
}

export class GridSync {
  constructor() {
    this.on = false;
    this.leader = null;
    this.references = new Map(); // SlideViewer → its state when sync was switched on
    this.applying = false;
  }

  // Switch on with the viewers' current positions as their offsets.
  enable(slideViewers) {
    this.on = true;
    this.rebase(slideViewers);
  }

  disable() {
    this.on = false;
    this.references.clear();
  }

  // Take everyone's current position as the new offsets (a slide was added or replaced).
  rebase(slideViewers) {
    this.references.clear();
    for (const slideViewer of slideViewers) {
      if (slideViewer.viewer.world.getItemAt(0)) {
        this.references.set(slideViewer, stateOf(slideViewer));
      }
    }
  }

  forget(slideViewer) {
    this.references.delete(slideViewer);
    if (this.leader === slideViewer) this.leader = null;
  }

  // Called on every viewport-change of every viewer.
  moved(slideViewer, slideViewers) {
    if (!this.on || this.applying || slideViewer !== this.leader) return;
    const reference = this.references.get(slideViewer);
    if (!reference) return;
    const now = stateOf(slideViewer);
    this.applying = true;
    try {
      for (const other of slideViewers) {
        const offset = this.references.get(other);
        if (other === slideViewer || !offset) continue;
        const viewport = other.viewport;
        const x = now.x - reference.x + offset.x;
        const y = (now.y - reference.y + offset.y) * aspect(other);
        viewport.setRotation(now.rotation - reference.rotation + offset.rotation, true);
        viewport.zoomTo((now.zoom * offset.zoom) / reference.zoom, null, true);
        viewport.panTo(new OSD.Point(x, y), true);
      }
    } finally {
      this.applying = false;
    }
  }
}
