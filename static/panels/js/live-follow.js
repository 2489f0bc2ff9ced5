// The cockpit's viewer panel in a live session: it follows the driver (grid, the slides in
// its viewports, which one is selected, synchronized navigation, and the selected one's
// centre, zoom, rotation and flip) and, while this participant is in control, sends its
// own. The panel is reached through its controller (viewer-panel.js mountViewer) and its
// events: `studio:viewer-state` (what it shows) and `studio:viewer-move` (a viewport moved).
//
//   const binding = followInCockpit(session, () => the viewer panel's controller or null);
//   binding.resend();   // e.g. once the viewer panel is mounted
//   binding.following(); // true while what the panel shows is the session's, not ours
//   binding.stop();

const SEND_INTERVAL_MS = 50;
const MAX_GRID_CELLS = 16; // what the socket accepts (studio/collaboration/messages.py)
// Moves our own apply causes are not ours to send back (everyone-in-control sessions).
const APPLY_QUIET_MS = 120;

function openedNow(osd) {
  return osd.world.getItemCount() > 0;
}

function whenOpen(osd) {
  if (openedNow(osd)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      osd.removeHandler("open", done);
      osd.removeHandler("open-failed", done);
      resolve();
    };
    osd.addHandler("open", done);
    osd.addHandler("open-failed", done);
  });
}

// A viewport whose grid just changed is resized by OpenSeadragon on a later frame, keeping
// its bounds (so changing its zoom): a view is applied once the size has settled.
async function sizeSettled(osd, frames = 10) {
  for (let i = 0; i < frames; i++) {
    const size = osd.viewport.getContainerSize();
    if (size.x === osd.container.clientWidth && size.y === osd.container.clientHeight) return;
    await new Promise((resolve) => requestAnimationFrame(resolve));
  }
}

// The viewport message of what the panel shows, or null while it shows nothing.
export function viewportMessage(panel) {
  const state = panel.getState();
  const slide = state.cells[state.selectedCell];
  const osd = panel.viewerAt(state.selectedCell);
  if (!slide || !osd || !openedNow(osd)) return null;
  const viewport = osd.viewport;
  const center = viewport.getCenter(false);
  const message = {
    type: "viewport",
    slide,
    center: [center.x, center.y],
    zoom: viewport.getZoom(false),
    rotation: ((viewport.getRotation() % 360) + 360) % 360,
    flip: viewport.getFlip(),
  };
  if (state.cells.length <= MAX_GRID_CELLS) {
    message.grid = {
      rows: state.rows,
      columns: state.columns,
      cells: state.cells,
      selected: state.selectedCell,
      sync: state.sync,
    };
  }
  return message;
}

export function followInCockpit(session, getPanel) {
  const OSD = window.OpenSeadragon;
  const opening = new Map(); // viewport index → the showSlide we asked for
  let latest = null; // the newest viewport not yet applied
  let waiting = null; // one that found its viewport still loading its slide
  let running = false;
  let quietUntil = 0;
  let lastSent = 0;
  let timer = null;

  function show(panel, path, index) {
    const promise = panel.showSlide(path ?? "", index);
    opening.set(index, promise);
    promise.finally(() => {
      if (opening.get(index) === promise) opening.delete(index);
    });
  }

  // Brings the panel to what the driver shows; returns the viewport index to move.
  function arrange(panel, message) {
    const state = panel.getState();
    const grid = message.grid;
    if (!grid) {
      if (state.cells[state.selectedCell] !== message.slide) show(panel, message.slide, state.selectedCell);
      return state.selectedCell;
    }
    if (grid.rows !== state.rows || grid.columns !== state.columns) panel.setGrid(grid.rows, grid.columns);
    const now = panel.getState();
    for (let index = 0; index < now.cells.length; index++) {
      const path = grid.cells[index] ?? null;
      if (now.cells[index] !== path) show(panel, path, index);
    }
    const selected = Number.isInteger(grid.selected) ? grid.selected : now.cells.indexOf(message.slide);
    if (selected >= 0) panel.selectCell(selected);
    if (typeof grid.sync === "boolean" && grid.sync !== now.sync) panel.setSync(grid.sync);
    return selected >= 0 ? selected : now.selectedCell;
  }

  async function applyOne(message) {
    const panel = getPanel();
    if (!panel) return;
    quietUntil = performance.now() + APPLY_QUIET_MS;
    const index = arrange(panel, message);
    await opening.get(index);
    const osd = panel.viewerAt(index);
    if (!osd) {
      waiting = message; // applied when that viewport has opened (studio:viewer-move)
      return;
    }
    await whenOpen(osd);
    await sizeSettled(osd);
    if (!openedNow(osd) || latest) return; // failed, or a newer move is waiting
    const viewport = osd.viewport;
    quietUntil = performance.now() + APPLY_QUIET_MS;
    if (viewport.getFlip() !== message.flip) viewport.setFlip(message.flip);
    viewport.setRotation(message.rotation ?? 0, true);
    viewport.panTo(new OSD.Point(message.center[0], message.center[1]), true);
    viewport.zoomTo(message.zoom, null, true);
    osd.element.dataset.liveCenter = message.center.join(",");
    osd.element.dataset.liveZoom = String(message.zoom);
  }

  // Whoever drives is followed, also by an owner who handed control over (and who may take
  // it back by moving). Our own moves never come back to us.
  const drives = () => session.inControl && session.flags.driver === session.me?.id;

  async function apply(message) {
    if (!message) return;
    waiting = null;
    latest = message;
    if (running) return;
    running = true;
    try {
      while (latest) {
        const next = latest;
        latest = null;
        await applyOne(next);
      }
    } finally {
      running = false;
    }
  }

  function sendNow() {
    timer = null;
    const panel = getPanel();
    const message = panel && viewportMessage(panel);
    if (!message) return;
    lastSent = performance.now();
    session.send(message);
  }

  // The driver leads; with everyone in control, anyone who moves does. An owner who handed
  // control over takes it back with the panel's button, not by moving.
  const leads = () => drives() || (session.inControl && Boolean(session.flags.everyone_in_control));

  function sendSoon() {
    if (!leads() || running || performance.now() < quietUntil) return;
    const wait = SEND_INTERVAL_MS - (performance.now() - lastSent);
    if (wait <= 0 && !timer) sendNow();
    else timer ??= setTimeout(sendNow, Math.max(wait, 0));
  }

  const onState = (event) => {
    if (drives()) sendSoon();
    else apply(event.detail.viewport);
  };
  const onViewport = (event) => apply(event.detail);
  const onControl = () => {
    if (drives()) sendSoon();
  };
  const onMove = () => {
    if (waiting) apply(waiting);
    else sendSoon();
  };
  session.addEventListener("state", onState);
  session.addEventListener("viewport", onViewport);
  session.addEventListener("control", onControl);
  session.addEventListener("participants", onControl);
  document.body.addEventListener("studio:viewer-state", sendSoon);
  document.body.addEventListener("studio:viewer-move", onMove);

  return {
    // What the panel shows now is the driver's (we follow, or are applying their move),
    // so it is not this participant's own arrangement to keep.
    following: () => running || !leads(),
    // Once a viewer panel is (re)mounted: a driver shows it, a follower brings it along.
    resend() {
      if (drives()) sendSoon();
      else if (session.lastViewport) apply(session.lastViewport);
    },
    stop() {
      clearTimeout(timer);
      latest = null;
      session.removeEventListener("state", onState);
      session.removeEventListener("viewport", onViewport);
      session.removeEventListener("control", onControl);
      session.removeEventListener("participants", onControl);
      document.body.removeEventListener("studio:viewer-state", sendSoon);
      document.body.removeEventListener("studio:viewer-move", onMove);
    },
  };
}
