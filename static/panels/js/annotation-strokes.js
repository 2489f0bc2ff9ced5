// The two ways of drawing that Annotorious and its tools plugin do not offer: a point (one
// click) and a freehand closed outline (press, trace, release). Each takes one gesture on a
// transparent sheet laid over the viewer, then hands the shape over in full-resolution
// image pixels and lifts the sheet; Escape lifts it without a shape.
//
//   captureStroke(osdViewer, "freehand", (shape) => ...);  // {type: "POLYGON", geometry: {points}}
//   captureStroke(osdViewer, "point", (shape) => ...);     // {type: "POINT", geometry: {x, y}}

const OSD = window.OpenSeadragon;
const SVG = "http://www.w3.org/2000/svg";
// Screen pixels between two kept points of a freehand outline: finer adds nothing a
// pathologist can see, only points to store.
const MIN_STEP_PX = 3;

function imagePoint(viewer, sheet, event) {
  const box = sheet.getBoundingClientRect();
  const at = new OSD.Point(event.clientX - box.left, event.clientY - box.top);
  const image = viewer.world.getItemAt(0).viewerElementToImageCoordinates(at);
  return [image.x, image.y];
}

export function captureStroke(viewer, kind, done) {
  const sheet = document.createElement("div");
  sheet.className = `annotation-stroke annotation-stroke-${kind}`;
  sheet.tabIndex = -1;
  const svg = document.createElementNS(SVG, "svg");
  const line = document.createElementNS(SVG, "polyline");
  svg.append(line);
  sheet.append(svg);
  viewer.element.append(sheet);
  sheet.focus({ preventScroll: true });

  const screen = []; // [x, y] on the sheet, for the preview
  const image = [];
  let tracing = false;

  function lift() {
    sheet.remove();
    document.removeEventListener("keydown", onKey, true);
  }
  function onKey(event) {
    if (event.key !== "Escape") return;
    event.preventDefault();
    lift();
  }
  function add(event) {
    const box = sheet.getBoundingClientRect();
    const x = event.clientX - box.left;
    const y = event.clientY - box.top;
    const last = screen[screen.length - 1];
    if (last && Math.hypot(x - last[0], y - last[1]) < MIN_STEP_PX) return;
    screen.push([x, y]);
    image.push(imagePoint(viewer, sheet, event));
    line.setAttribute("points", screen.map((p) => p.join(",")).join(" "));
  }

  document.addEventListener("keydown", onKey, true);
  sheet.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    event.preventDefault();
    event.stopPropagation();
    if (kind === "point") {
      const [x, y] = imagePoint(viewer, sheet, event);
      lift();
      done({ type: "POINT", geometry: { x, y } });
      return;
    }
    sheet.setPointerCapture(event.pointerId);
    tracing = true;
    add(event);
  });
  sheet.addEventListener("pointermove", (event) => {
    if (tracing) add(event);
  });
  sheet.addEventListener("pointerup", () => {
    if (!tracing) return;
    tracing = false;
    lift();
    if (image.length >= 3) done({ type: "POLYGON", geometry: { points: image } });
  });
  return lift;
}
