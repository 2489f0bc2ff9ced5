// The cockpit in a live session. It joins one (the cockpit opened with ?live=NAME, which is
// where the join link takes logged-in users, or `studio:live-join` {name} on document.body,
// which the Start live session dialog sends), binds the viewer panel to it (live-follow.js:
// it follows the driver and, in control, leads), shows everyone's pointers and the driver's
// highlights (studio/js/live-highlights.js) and fills the "Live session" panel with the
// session panel (studio/js/live-panel-view.js, as on the session's own page); out of a
// session, that panel offers to join one by name (live-join-form.js).
//
// The ribbon's live.highlight (drag a rectangle over the selected viewport) and live.clear
// (remove every highlight) arrive as `studio:action`; the panel's Freehand highlight draws
// a line over the selected viewport. Whenever the cockpit joins or leaves a
// session it says `studio:live-session` ({session}, null once left) on document.body.
// Tests and integrations may import currentSession().

import { joinSession, showPointersOn } from "../../studio/js/collaboration.js";
import { drawHighlight, showHighlights } from "../../studio/js/live-highlights.js";
import { renderLivePanel } from "../../studio/js/live-panel-view.js";
import { followInCockpit } from "./live-follow.js";
import { renderJoinForm } from "./live-join-form.js";

export const LIVE_EVENT = "studio:live-session";
const JOIN_EVENT = "studio:live-join";

let current = null; // {session, binding, highlights, pointers}

export function currentSession() {
  return current?.session ?? null;
}

function announce() {
  document.body.dispatchEvent(new CustomEvent(LIVE_EVENT, { detail: { session: currentSession() } }));
}

function note(host, text) {
  const p = document.createElement("p");
  p.className = "panel-message";
  p.textContent = text;
  host.append(p);
}

function notify(message) {
  document.body.dispatchEvent(new CustomEvent("studio:notify", { detail: { message } }));
}

// The viewports of the viewer panel with what they show, for highlights and pointers.
function viewportsOf(panel) {
  if (!panel) return [];
  const { cells } = panel.getState();
  return cells.map((slide, index) => ({ osd: panel.viewerAt(index), slide })).filter((v) => v.osd && v.slide);
}

// getViewer(): the viewer panel's controller (or null); showPanel(): brings the Live session
// panel into view; restoreOwn(): brings the viewer back to this participant's own
// arrangement once following ends (left, or the session ended).
export function watchLiveSession({ getViewer, showPanel, restoreOwn = () => {} }) {
  let cancelDrawing = null;

  function highlight({ freehand = false } = {}) {
    const session = currentSession();
    if (!session || session.status === "ended") return notify("Join a live session first.");
    if (!session.inControl) return notify("Only whoever drives draws highlights.");
    const panel = getViewer();
    const { cells, selectedCell } = panel?.getState() ?? { cells: [] };
    const osd = panel?.viewerAt(selectedCell);
    if (!osd || !cells[selectedCell]) return notify("Show a slide in the viewer first.");
    cancelDrawing?.();
    cancelDrawing = drawHighlight(osd, (shape) => session.highlight(cells[selectedCell], shape), { freehand });
  }

  function clearHighlights() {
    const session = currentSession();
    if (!session || session.status === "ended") return notify("Join a live session first.");
    if (!session.inControl) return notify("Only whoever drives clears the highlights.");
    session.clearHighlights();
  }

  document.body.addEventListener("studio:action", (event) => {
    if (event.detail?.action === "live.highlight") highlight();
    else if (event.detail?.action === "live.clear") clearHighlights();
  });
  // A viewport that shows another slide, or has just opened one (a new viewer), is drawn on.
  for (const type of ["studio:viewer-state", "studio:viewer-move"]) {
    document.body.addEventListener(type, () => {
      current?.highlights.refresh();
      current?.pointers.refresh();
    });
  }

  function leave() {
    if (!current) return;
    cancelDrawing?.();
    current.binding.stop();
    current.highlights.stop();
    current.pointers.stop();
    current.session.close();
    current = null;
    announce();
    restoreOwn();
  }

  function join(name) {
    if (current?.session.name === name && current.session.status !== "ended") {
      showPanel();
      return current.session;
    }
    leave();
    const session = joinSession(name);
    current = {
      session,
      binding: followInCockpit(session, getViewer),
      highlights: showHighlights(session, () => viewportsOf(getViewer())),
      pointers: showPointersOn(session, () => viewportsOf(getViewer())),
    };
    session.addEventListener("status", (event) => {
      if (event.detail.status === "ended" && current?.session === session) {
        current.binding.stop();
        restoreOwn();
      }
    });
    showPanel();
    announce();
    return session;
  }

  document.body.addEventListener(JOIN_EVENT, (event) => {
    if (event.detail?.name) join(event.detail.name);
  });

  // The content of a "Live session" panel.
  function panel(host) {
    const container = document.createElement("div");
    container.className = "live-panel live-panel-docked";
    host.replaceChildren(container);
    let view = null;
    function render() {
      view?.destroy();
      view = null;
      container.replaceChildren();
      const session = currentSession();
      if (session) {
        const heading = document.createElement("h2");
        heading.className = "live-panel-title";
        heading.textContent = `Live: ${session.name}`;
        container.append(heading);
        view = renderLivePanel(container, session, { onLeave: leave, onHighlight: highlight, onClear: clearHighlights });
      } else {
        note(container, "Not in a live session. Start one with Home → Live → Start live session, open a session's join link, or join one by its name:");
        renderJoinForm(container, { onJoin: join });
      }
    }
    document.body.addEventListener(LIVE_EVENT, render);
    render();
    return {
      dispose() {
        document.body.removeEventListener(LIVE_EVENT, render);
        view?.destroy();
      },
    };
  }

  return {
    join,
    leave,
    panel,
    // A viewer panel was mounted: it joins in (a follower's shows the driver's view).
    viewerMounted: () => current?.binding.resend(),
    // Whether the viewer shows the driver's arrangement, not ours: then it is not saved.
    following: () => Boolean(current && current.session.status !== "ended" && current.binding.following()),
  };
}
