// Synchronized viewports: panning, zooming or rotating one viewer moves the others the
// same way (in viewport coordinates, where every slide is 1 wide).
//
// OpenSeadragon raises "pan", "zoom" and "rotate" synchronously from the viewport call
// that changes the target, so one guard flag is enough to stop the followers echoing.

export function syncViewports(viewers) {
  if (viewers.length < 2) return () => {};
  let following = false;

  function follow(leader) {
    if (following) return;
    following = true;
    try {
      const center = leader.viewport.getCenter();
      const zoom = leader.viewport.getZoom();
      const rotation = leader.viewport.getRotation();
      for (const viewer of viewers) {
        if (viewer === leader || !viewer.world.getItemCount()) continue;
        viewer.viewport.zoomTo(zoom);
        viewer.viewport.panTo(center);
        if (viewer.viewport.getRotation() !== rotation) viewer.viewport.setRotation(rotation);
      }
    } finally {
      following = false;
    }
  }

  const handlers = viewers.map((viewer) => {
    const handler = () => follow(viewer);
    for (const name of ["pan", "zoom", "rotate"]) viewer.addHandler(name, handler);
    return [viewer, handler];
  });
  return function unsync() {
    for (const [viewer, handler] of handlers) {
      for (const name of ["pan", "zoom", "rotate"]) viewer.removeHandler(name, handler);
    }
  };
}
