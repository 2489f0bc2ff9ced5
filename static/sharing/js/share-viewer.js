// Share pages: one read-only viewer per grid cell (a slide link is a 1 × 1 grid), built
// with the studio's viewer module (magnification and scale bar included), tiles from the
// share's own routes, and the cockpit's grid synchronization when the grid was shared
// with sync on.
//
// A link that includes annotations shows them with the cockpit's annotation layer, read-only
// (it never writes; the share's annotation route only reads).
//
// A page stays open while its link may expire or be suspended: when a tile fails, when the
// link's expiry comes and when the page is shown again, it asks the link's status, and once
// the link is gone it takes the slides away and says why (the tiles already in the
// browser's memory must not go on looking like a working link).

import { watchTileOutage } from "../../studio/js/tile-outage.js";
import { createReadout, createViewer } from "../../studio/js/viewer.js";
import { GridSync } from "../../panels/js/grid-sync.js";

// window.studioReady turns true once every cell's first view is drawn (viewer.js sets it
// as soon as the first one is; this page waits for all of them).
window.shareReady = false;

const LONGEST_TIMER_MS = 2 ** 31 - 1;

function bindToolbar(slideViewer, toolbar) {
  const actions = {
    "zoom-in": () => slideViewer.zoomBy(2),
    "zoom-out": () => slideViewer.zoomBy(0.5),
    home: () => slideViewer.home(),
    rotate: () => slideViewer.rotate(90),
  };
  toolbar?.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    if (button) actions[button.dataset.action]?.();
  });
}

function showGone(slideViewers, message) {
  slideViewers.forEach((slideViewer) => slideViewer.destroy());
  slideViewers.length = 0;
  const card = document.createElement("section");
  card.className = "card error-card share-gone";
  card.setAttribute("role", "alert");
  const title = document.createElement("h1");
  title.textContent = message;
  const hint = document.createElement("p");
  hint.textContent = "Ask the person who shared it with you for a new link.";
  card.append(title, hint);
  document.querySelector(".share-grid")?.replaceWith(card);
  document.body.dataset.shareState = "gone";
}

function watchStatus(data, slideViewers) {
  let asking = null;
  async function ask() {
    const response = await fetch(data.statusUrl, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      cache: "no-store",
    });
    if (response.ok) return;
    const answer = await response.json().catch(() => ({}));
    if (response.status === 403) {
      window.location.reload(); // the password page
    } else if (response.status === 410 || response.status === 404) {
      showGone(slideViewers, answer.message || "This link is not available");
    }
  }
  const check = () => {
    if (document.body.dataset.shareState === "gone") return;
    asking ??= ask()
      .catch(() => {}) // the studio cannot be reached: the next failure asks again
      .finally(() => (asking = null));
  };
  if (data.expiresAt) {
    const delay = Date.parse(data.expiresAt) - Date.now() + 1000;
    if (delay < LONGEST_TIMER_MS) setTimeout(check, Math.max(0, delay));
  }
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") check();
  });
  return check;
}

async function showAnnotations(slideViewer, slide) {
  const { AnnotationLayer } = await import("../../panels/js/annotation-layer.js");
  const layer = new AnnotationLayer(slideViewer.viewer, {
    url: slide.annotationsUrl.split("?")[0],
    readOnly: true,
  });
  await layer.load(slide.path);
}

function main() {
  const data = JSON.parse(document.getElementById("share-data").textContent);
  const sync = new GridSync();
  const slideViewers = [];
  const drawn = [];
  const check = watchStatus(data, slideViewers);
  for (const stage of document.querySelectorAll(".share-cell[data-cell]")) {
    const slide = data.cells[Number(stage.dataset.cell)];
    let ready;
    drawn.push(new Promise((resolve) => (ready = resolve)));
    const slideViewer = createViewer(stage.querySelector(".viewer"), slide, {
      navigator: data.cells.length === 1,
      readout: createReadout(stage),
      onReady: ready,
      onError: check,
    });
    bindToolbar(slideViewer, stage.querySelector(".viewer-toolbar"));
    watchTileOutage(slideViewer, stage);
    if (slide.annotationsUrl) showAnnotations(slideViewer, slide);
    // The viewport the user last touched leads the others.
    stage.addEventListener("pointerdown", () => (sync.leader = slideViewer), true);
    stage.addEventListener("wheel", () => (sync.leader = slideViewer), { capture: true, passive: true });
    stage.addEventListener("focusin", () => (sync.leader = slideViewer));
    slideViewer.viewer.addHandler("viewport-change", () => sync.moved(slideViewer, slideViewers));
    slideViewers.push(slideViewer);
  }
  Promise.all(drawn).then(() => {
    if (data.sync && slideViewers.length > 1) sync.enable(slideViewers);
    window.studioReady = true;
    window.shareReady = true;
  });
}

main();
