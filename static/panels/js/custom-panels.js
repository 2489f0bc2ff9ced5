// Custom URL panels whose page follows the selection itself (layouts/README.md, "Custom
// panels"). A page in a custom panel's frame that posts {type: "studio:follow"} to its
// parent is no longer reloaded when another slide is selected: it receives
// {type: "studio:selection", server, slide, folder, uid, token, src} instead. If that
// message cannot be made (the slide cannot be read), the frame is reloaded as before.

import { getSlide } from "./selection.js";

const FOLLOW = "studio:follow";
const SELECTION = "studio:selection";

function frameOf(source) {
  return [...document.querySelectorAll("iframe[data-custom-frame]")].find((f) => f.contentWindow === source);
}

// A frame of our own origin is sandboxed without its origin, so it can only be addressed as "*".
function targetOrigin(frame) {
  const sandbox = frame.getAttribute("sandbox") ?? "";
  return sandbox.split(/\s+/).includes("allow-same-origin") ? new URL(frame.src).origin : "*";
}

async function tell(body, reload) {
  const frame = body.querySelector("iframe[data-custom-frame]");
  const query = new URLSearchParams({ slide: getSlide(), format: "json" });
  try {
    const response = await fetch(`${body.dataset.panelUrl}?${query}`, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    if (!response.ok || !frame) throw new Error(`the studio answered ${response.status}`);
    const selection = await response.json();
    frame.contentWindow?.postMessage({ type: SELECTION, ...selection }, targetOrigin(frame));
  } catch {
    delete body.dataset.follows;
    reload(body);
  }
}

// `reload(body)` asks htmx for the panel again (the cockpit's retry event).
export function watchCustomPanels(reload) {
  window.addEventListener("message", (event) => {
    if (event.data?.type !== FOLLOW) return;
    const body = frameOf(event.source)?.closest(".panel-body[data-panel-url]");
    if (body) body.dataset.follows = "true";
  });
  document.body.addEventListener("htmx:beforeRequest", (event) => {
    const body = event.detail.elt;
    if (!body?.matches?.(".panel-body[data-follows='true']")) return;
    event.preventDefault();
    tell(body, reload);
  });
}
