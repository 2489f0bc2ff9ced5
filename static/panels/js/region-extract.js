// Extracting annotated regions as slides of their own, from the annotations panel: a
// button with `data-region-extract` (its `data-ids`, a JSON list, or none for all of the
// slide's annotations) starts the studio's background job; the panel's status line shows
// its progress, then links to the new slides or says what went wrong. The job goes on if
// the panel is reloaded or the browser closed; the status line follows the panel it
// started in as long as that stays on the page.

import { postJson } from "./annotation-store.js";

const POLL_MS = 1000;
const NOTIFY_EVENT = "studio:notify";

function statusLine(panel) {
  return panel?.querySelector("[data-region-status]");
}

function show(panel, parts) {
  const line = statusLine(panel);
  if (!line) return;
  line.replaceChildren(...parts);
  line.hidden = false;
}

function slideLink(path) {
  const link = document.createElement("a");
  link.href = `/?${new URLSearchParams({ slide: path })}`;
  link.textContent = path.split("/").pop();
  return link;
}

async function follow(slide, statusUrl) {
  const panelNow = () => document.querySelector(`[data-annotations-panel][data-slide="${CSS.escape(slide)}"]`);
  for (;;) {
    let state;
    try {
      const response = await fetch(statusUrl, { headers: { Accept: "application/json" } });
      state = await response.json();
      if (!response.ok) throw new Error(state.error ?? `HTTP ${response.status}`);
    } catch (failure) {
      show(panelNow(), [`Extraction: ${failure.message}`]);
      return;
    }
    if (state.running) {
      const part = state.total ? `${state.done} of ${state.total} tiles` : "starting";
      show(panelNow(), [`Extracting: ${part}…`]);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      continue;
    }
    if (state.error) {
      show(panelNow(), [`Extraction failed: ${state.error}`]);
      document.body.dispatchEvent(new CustomEvent(NOTIFY_EVENT, { detail: { message: state.error } }));
      return;
    }
    const parts = ["Extracted: "];
    state.slides.forEach((path, index) => {
      if (index) parts.push(", ");
      parts.push(slideLink(path));
    });
    show(panelNow(), parts);
    return;
  }
}

async function start(button) {
  const panel = button.closest("[data-annotations-panel]");
  const slide = panel.dataset.slide;
  const csrfToken = document.querySelector('meta[name="csrf-token"]')?.content ?? "";
  const body = button.dataset.ids ? { ids: JSON.parse(button.dataset.ids) } : {};
  const url = `/annotations/regions/?${new URLSearchParams({ slide })}`;
  button.disabled = true;
  show(panel, ["Starting the extraction…"]);
  try {
    const { status } = await postJson(url, body, csrfToken);
    await follow(slide, status);
  } catch (failure) {
    show(panel, [`Extraction: ${failure.message}`]);
  } finally {
    button.disabled = false;
  }
}

export function watchRegionExtraction(root = document.body) {
  root.addEventListener("click", (event) => {
    const button = event.target.closest("[data-region-extract]");
    if (button) start(button);
  });
}
