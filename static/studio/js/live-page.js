// The live session's page: a viewer bound to the session (collaboration.js) and the
// session panel (status, participants and who drives, the owner's controls, chat).

import { followWith, joinSession } from "./collaboration.js";
import { drawHighlight, showHighlights } from "./live-highlights.js";
import { renderLivePanel } from "./live-panel-view.js";
import { createReadout, createViewer } from "./viewer.js";

const panel = document.getElementById("live-panel");
const session = joinSession(panel.dataset.liveSession);

async function fetchSlide(path) {
  const url = `${panel.dataset.slideUrl}?${new URLSearchParams({ slide: path })}`;
  const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
  if (!response.ok) throw new Error(`The studio answered ${response.status} for ${path}.`);
  return response.json();
}

// The viewer is made with the first slide the session (or the owner) shows.
let slideViewer = null;
async function ensureViewer(path) {
  if (slideViewer) return slideViewer;
  const element = document.getElementById("viewer");
  const stage = element.closest(".viewer-stage");
  slideViewer = createViewer(element, await fetchSlide(path), { readout: createReadout(stage) });
  stage.querySelector(".live-waiting").hidden = true;
  followWith(session, slideViewer, { openSlide: fetchSlide });
  highlights.refresh();
  return slideViewer;
}

session.addEventListener("state", async (event) => {
  const start = event.detail.viewport?.slide ?? panel.dataset.startSlide;
  if (!start || slideViewer) return;
  await ensureViewer(start);
  // followWith was bound after this state arrived: hand it over again.
  if (event.detail.viewport && !session.inControl) {
    session.dispatchEvent(new CustomEvent("viewport", { detail: event.detail.viewport }));
  }
});
session.addEventListener("viewport", (event) => {
  if (!slideViewer) ensureViewer(event.detail.slide).then(() => session.dispatchEvent(new CustomEvent("viewport", { detail: event.detail })));
});

// The driver's highlights over the viewer; whoever drives draws them from the panel.
const highlights = showHighlights(session, () =>
  slideViewer ? [{ osd: slideViewer.viewer, slide: slideViewer.slide.path }] : [],
);
let cancelDrawing = null;
renderLivePanel(panel.querySelector('[data-role="session-panel"]'), session, {
  onHighlight(options) {
    if (!slideViewer) return;
    cancelDrawing?.();
    const path = slideViewer.slide.path;
    cancelDrawing = drawHighlight(slideViewer.viewer, (shape) => session.highlight(path, shape), options);
  },
  onClear: () => session.clearHighlights(),
});
