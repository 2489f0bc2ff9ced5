// Transient highlights of a live session: rectangles the driver draws over a slide, which
// every participant sees on their viewer (OpenSeadragon overlays, so they stay on the
// tissue as the viewer moves). They live in the session only (collaboration.js keeps
// `session.highlights`, late joiners get them with the state) and vanish when it ends;
// they never go near the slide's annotations.
//
//   const shown = showHighlights(session, () => [{osd, slide}, ...]);  // the viewers to draw on
//   shown.refresh();   // after the viewers changed (another slide, another grid)
//   shown.stop();      // removes them all
//   const cancel = drawHighlight(osd, (shape) => session.highlight(slide, shape));
//   const cancel = drawHighlight(osd, done, { freehand: true });  // a freehand line
//
// A shape is {kind: "rectangle", x, y, width, height} or {kind: "freehand", points:
// [[x, y], ...]} in OpenSeadragon viewport coordinates (the slide's width is 1), like the
// session's viewport and pointers.

const MIN_DRAG_PX = 4;
const FREEHAND_STEP_PX = 3; // a point closer than this to the last one adds nothing
const MAX_FREEHAND_POINTS = 500; // what the socket accepts (studio/collaboration/messages.py)
const SVG = "http://www.w3.org/2000/svg";

// Points kept to MAX_FREEHAND_POINTS (evenly thinned, the last one kept) and rounded.
function thinned(points) {
  const step = Math.max(1, Math.ceil(points.length / MAX_FREEHAND_POINTS));
  const kept = points.filter((_, index) => index % step === 0);
  if (kept.length >= MAX_FREEHAND_POINTS) kept.length = MAX_FREEHAND_POINTS - 1;
  kept.push(points[points.length - 1]);
  return kept.map(({ x, y }) => [Number(x.toPrecision(8)), Number(y.toPrecision(8))]);
}

// An overlay element for a freehand line: an SVG stretched over its bounding box.
function freehandElement(OSD, points) {
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const pad = 1e-6; // a straight line still has a box
  const box = new OSD.Rect(
    Math.min(...xs) - pad,
    Math.min(...ys) - pad,
    Math.max(...xs) - Math.min(...xs) + 2 * pad,
    Math.max(...ys) - Math.min(...ys) + 2 * pad,
  );
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `${box.x} ${box.y} ${box.width} ${box.height}`);
  svg.setAttribute("preserveAspectRatio", "none");
  const line = document.createElementNS(SVG, "polyline");
  line.setAttribute("points", points.map((p) => p.join(",")).join(" "));
  line.setAttribute("vector-effect", "non-scaling-stroke");
  svg.append(line);
  return { svg, box };
}

const DRAWN = new Set(["rectangle", "freehand"]);

export function showHighlights(session, viewers) {
  const OSD = window.OpenSeadragon;
  const drawn = new Map(); // OpenSeadragon viewer → [{mark, element}]
  const hooked = new Set(); // viewers whose "open" we listen to

  function remove(osd) {
    for (const { element } of drawn.get(osd) ?? []) {
      if (osd.getOverlayById(element)) osd.removeOverlay(element);
      element.remove();
    }
    drawn.delete(osd);
  }

  function refresh() {
    const marks = session.status === "ended" ? [] : session.highlights;
    const current = viewers();
    for (const osd of drawn.keys()) {
      if (!current.some((v) => v.osd === osd)) remove(osd);
    }
    for (const { osd, slide } of current) {
      if (!hooked.has(osd)) {
        hooked.add(osd);
        osd.addHandler("open", refresh); // opening a slide clears a viewer's overlays
      }
      const wanted = marks.filter((mark) => mark.slide === slide && DRAWN.has(mark.shape?.kind));
      const have = drawn.get(osd) ?? [];
      const same = have.length === wanted.length && have.every((h, i) => h.mark === wanted[i] && osd.getOverlayById(h.element));
      if (same) continue;
      remove(osd);
      if (!osd.world.getItemCount()) continue;
      drawn.set(
        osd,
        wanted.map((mark) => {
          const element = document.createElement("div");
          element.className = "live-highlight";
          element.title = `Highlight by ${mark.sender?.nickname ?? "the driver"}`; // text only
          let location;
          if (mark.shape.kind === "freehand") {
            const { svg, box } = freehandElement(OSD, mark.shape.points);
            element.classList.add("live-highlight-freehand");
            element.append(svg);
            location = box;
          } else {
            const { x, y, width, height } = mark.shape;
            location = new OSD.Rect(x, y, width, height);
          }
          osd.addOverlay({ element, location });
          return { mark, element };
        }),
      );
    }
  }

  const events = ["state", "annotation", "status"];
  for (const type of events) session.addEventListener(type, refresh);
  refresh();
  return {
    refresh,
    stop() {
      for (const type of events) session.removeEventListener(type, refresh);
      for (const osd of hooked) osd.removeHandler("open", refresh);
      hooked.clear();
      for (const osd of [...drawn.keys()]) remove(osd);
    },
  };
}

// One rectangle dragged over `osd` (or with {freehand: true} one line drawn); from the
// keyboard, Enter highlights the middle of the view (a rectangle of half its width and
// height, or a ring around it) and Escape cancels. Returns a function that cancels.
export function drawHighlight(osd, done, { freehand = false } = {}) {
  const host = osd.element;
  const layer = document.createElement("div");
  layer.className = "live-highlight-drawing";
  layer.tabIndex = -1;
  layer.setAttribute("role", "application");
  const what = freehand ? "Draw a line" : "Drag a rectangle";
  const middle = freehand ? "circles" : "highlights";
  layer.setAttribute(
    "aria-label",
    `${what} to highlight it for everyone; Enter ${middle} the middle of the view; Escape cancels`,
  );
  if (freehand) return drawFreehand(osd, layer, done);
  const box = document.createElement("div");
  box.className = "live-highlight live-highlight-preview";
  box.hidden = true;
  layer.append(box);
  host.append(layer);
  layer.focus();
  let start = null;

  const at = (event) => {
    const bounds = host.getBoundingClientRect();
    return new window.OpenSeadragon.Point(event.clientX - bounds.left, event.clientY - bounds.top);
  };
  function finish() {
    layer.remove();
  }
  // Both corners in viewport coordinates; with the viewer rotated, the rectangle that holds
  // them.
  function send(from, to) {
    const a = osd.viewport.pointFromPixel(from);
    const b = osd.viewport.pointFromPixel(to);
    const x = Math.min(a.x, b.x);
    const y = Math.min(a.y, b.y);
    done({ kind: "rectangle", x, y, width: Math.abs(a.x - b.x), height: Math.abs(a.y - b.y) });
  }
  layer.addEventListener("keydown", (event) => {
    if (event.key === "Escape") finish();
    if (event.key !== "Enter") return;
    event.preventDefault();
    finish();
    const { x, y } = osd.viewport.getContainerSize();
    const OSD = window.OpenSeadragon;
    send(new OSD.Point(x / 4, y / 4), new OSD.Point((3 * x) / 4, (3 * y) / 4));
  });
  layer.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    layer.setPointerCapture(event.pointerId);
    start = at(event);
  });
  layer.addEventListener("pointermove", (event) => {
    if (!start) return;
    const now = at(event);
    Object.assign(box.style, {
      left: `${Math.min(start.x, now.x)}px`,
      top: `${Math.min(start.y, now.y)}px`,
      width: `${Math.abs(now.x - start.x)}px`,
      height: `${Math.abs(now.y - start.y)}px`,
    });
    box.hidden = false;
  });
  layer.addEventListener("pointerup", (event) => {
    if (!start) return;
    const end = at(event);
    const from = start;
    start = null;
    finish();
    if (Math.abs(end.x - from.x) < MIN_DRAG_PX || Math.abs(end.y - from.y) < MIN_DRAG_PX) return;
    send(from, end);
  });
  return finish;
}

// A freehand line, drawn while the pointer is down; its points are sent in viewport
// coordinates when it is released.
function drawFreehand(osd, layer, done) {
  const OSD = window.OpenSeadragon;
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "live-highlight-preview live-highlight-freehand");
  const line = document.createElementNS(SVG, "polyline");
  svg.append(line);
  layer.append(svg);
  osd.element.append(layer);
  layer.focus();
  let drawn = null; // pixel points while the pointer is down

  const at = (event) => {
    const bounds = osd.element.getBoundingClientRect();
    return new OSD.Point(event.clientX - bounds.left, event.clientY - bounds.top);
  };
  const finish = () => layer.remove();
  function send(pixels) {
    finish();
    done({ kind: "freehand", points: thinned(pixels.map((p) => osd.viewport.pointFromPixel(p))) });
  }
  layer.addEventListener("keydown", (event) => {
    if (event.key === "Escape") finish();
    if (event.key !== "Enter") return;
    event.preventDefault();
    const { x, y } = osd.viewport.getContainerSize();
    const radius = Math.min(x, y) / 4;
    const ring = Array.from({ length: 33 }, (_, i) => {
      const angle = (i / 32) * 2 * Math.PI;
      return new OSD.Point(x / 2 + radius * Math.cos(angle), y / 2 + radius * Math.sin(angle));
    });
    send(ring);
  });
  layer.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    layer.setPointerCapture(event.pointerId);
    drawn = [at(event)];
  });
  layer.addEventListener("pointermove", (event) => {
    if (!drawn) return;
    const point = at(event);
    if (point.distanceTo(drawn[drawn.length - 1]) < FREEHAND_STEP_PX) return;
    drawn.push(point);
    line.setAttribute("points", drawn.map((p) => `${p.x},${p.y}`).join(" "));
  });
  layer.addEventListener("pointerup", (event) => {
    if (!drawn) return;
    const pixels = [...drawn, at(event)];
    drawn = null;
    const far = pixels.some((p) => p.distanceTo(pixels[0]) >= MIN_DRAG_PX);
    if (far) send(pixels);
    else finish();
  });
  return finish;
}
