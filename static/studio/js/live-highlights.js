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
//
// A shape is {kind: "rectangle", x, y, width, height} in OpenSeadragon viewport
// coordinates (the slide's width is 1), like the session's viewport and pointers.

const MIN_DRAG_PX = 4;

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
      const wanted = marks.filter((mark) => mark.slide === slide && mark.shape?.kind === "rectangle");
      const have = drawn.get(osd) ?? [];
      const same = have.length === wanted.length && have.every((h, i) => h.mark === wanted[i] && osd.getOverlayById(h.element));
      if (same) continue;
      remove(osd);
      if (!osd.world.getItemCount()) continue;
      drawn.set(
        osd,
        wanted.map((mark) => {
          const { x, y, width, height } = mark.shape;
          const element = document.createElement("div");
          element.className = "live-highlight";
          element.title = `Highlight by ${mark.sender?.nickname ?? "the driver"}`; // text only
          osd.addOverlay({ element, location: new OSD.Rect(x, y, width, height) });
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

// One rectangle dragged over `osd`; from the keyboard, Enter highlights the middle of the
// view (half its width and height) and Escape cancels. Returns a function that cancels.
export function drawHighlight(osd, done) {
  const host = osd.element;
  const layer = document.createElement("div");
  layer.className = "live-highlight-drawing";
  layer.tabIndex = -1;
  layer.setAttribute("role", "application");
  layer.setAttribute(
    "aria-label",
    "Drag a rectangle to highlight it for everyone; Enter highlights the middle of the view; Escape cancels",
  );
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
