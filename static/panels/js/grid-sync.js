// Synchronized navigation of a grid's viewports, in physical units. Serial sections are
// never perfectly aligned, so each viewport keeps the offset it had when sync was switched
// on: its centre (in µm on its own slide) and its rotation. Slides differ in size and in
// pixel size, so zoom is not shared as a factor but as µm per screen pixel: every viewport
// shows the leader's magnification and a structure is as large in one as in the others.
//
// When the leading viewport moves, every other one moves its centre by as many µm as the
// leader's did, takes the leader's µm per screen pixel and the leader's rotation plus its
// own angle. Only the leader's moves are followed (the viewport the user last touched), and
// followers are moved without animation, so their own change events never echo back.

const OSD = window.OpenSeadragon;

// A slide without a pixel size is measured in its own pixels (1 µm per pixel, so to speak).
function micronsPerPixel(slideViewer) {
  return slideViewer.slide?.mppX || 1;
}

function stateOf(slideViewer) {
  const item = slideViewer.viewer.world.getItemAt(0);
  const viewport = slideViewer.viewport;
  const microns = micronsPerPixel(slideViewer);
  const center = item.viewportToImageCoordinates(viewport.getCenter(true));
  // Screen pixels per slide pixel.
  const zoom = item.viewportToImageZoom(viewport.getZoom(true));
  return {
    x: center.x * microns,
    y: center.y * microns,
    micronsPerScreenPixel: microns / zoom,
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

  // Switch on with the viewers' current centres as their offsets and the leader's
  // magnification for all.
  enable(slideViewers) {
    this.on = true;
    this.rebase(slideViewers);
  }

  disable() {
    this.on = false;
    this.references.clear();
  }

  // Take everyone's current position as the new offsets (a slide was added or replaced),
  // and bring everyone to the leader's magnification.
  rebase(slideViewers) {
    this.references.clear();
    for (const slideViewer of slideViewers) {
      if (slideViewer.viewer.world.getItemAt(0)) {
        this.references.set(slideViewer, stateOf(slideViewer));
      }
    }
    const leader = this.references.has(this.leader) ? this.leader : this.references.keys().next().value;
    if (this.on && leader) this.#follow(leader, slideViewers);
  }

  forget(slideViewer) {
    this.references.delete(slideViewer);
    if (this.leader === slideViewer) this.leader = null;
  }

  // Called on every viewport-change of every viewer.
  moved(slideViewer, slideViewers) {
    if (!this.on || this.applying || slideViewer !== this.leader) return;
    this.#follow(slideViewer, slideViewers);
  }

  #follow(leader, slideViewers) {
    const reference = this.references.get(leader);
    if (!reference) return;
    const now = stateOf(leader);
    this.applying = true;
    try {
      for (const other of slideViewers) {
        const offset = this.references.get(other);
        const item = other.viewer.world.getItemAt(0);
        if (other === leader || !offset || !item) continue;
        const microns = micronsPerPixel(other);
        const center = new OSD.Point(
          (now.x - reference.x + offset.x) / microns,
          (now.y - reference.y + offset.y) / microns,
        );
        const viewport = other.viewport;
        viewport.setRotation(now.rotation - reference.rotation + offset.rotation, true);
        viewport.zoomTo(item.imageToViewportZoom(microns / now.micronsPerScreenPixel), null, true);
        viewport.panTo(item.imageToViewportCoordinates(center), true);
      }
    } finally {
      this.applying = false;
    }
  }
}
