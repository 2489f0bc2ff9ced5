// The selected slide: one per cockpit, kept in the address bar (`?slide=`) so that
// back/forward and a pasted link restore it. Everything that follows the selection listens
// for `studio:slide` on document.body: {detail: {slide, cell}}.

export const SLIDE_EVENT = "studio:slide";

let current = slideFromLocation();

function slideFromLocation() {
  return new URL(window.location.href).searchParams.get("slide") ?? "";
}

function announce(slide, cell) {
  document.body.dispatchEvent(new CustomEvent(SLIDE_EVENT, { detail: { slide, cell } }));
}

export function getSlide() {
  return current;
}

// Select `path` ("" for none); `cell` names the grid viewport to show it in, if any.
// `replace` keeps the browser's history as it is (selecting another grid viewport is not
// a step back/forward should retrace, it would put the slide into the wrong viewport).
export function selectSlide(path, { cell = null, replace = false } = {}) {
  const slide = path ?? "";
  if (slide !== current) {
    const url = new URL(window.location.href);
    if (slide) url.searchParams.set("slide", slide);
    else url.searchParams.delete("slide");
    if (replace) window.history.replaceState({ slide }, "", url);
    else window.history.pushState({ slide }, "", url);
    current = slide;
  }
  // Also when unchanged: putting the same slide into another grid cell is a selection too.
  announce(slide, cell);
}

function cellOf(element) {
  const cell = element.dataset.cell;
  return cell === undefined || cell === "" ? null : Number(cell);
}

function onClick(event) {
  const element = event.target.closest("[data-select-slide]");
  if (!element || event.defaultPrevented) return;
  // Let the browser open links in a new tab or window as asked.
  if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  selectSlide(element.dataset.selectSlide, { cell: cellOf(element) });
}

function onKeydown(event) {
  if (event.key !== "Enter" || event.defaultPrevented) return;
  const element = event.target.closest("[data-select-slide]");
  // Links and buttons turn Enter into a click already.
  if (!element || element.matches("a[href], button")) return;
  event.preventDefault();
  selectSlide(element.dataset.selectSlide, { cell: cellOf(element) });
}

function onPopstate() {
  const slide = slideFromLocation();
  if (slide === current) return;
  current = slide;
  announce(slide, null);
}

export function watchSelection() {
  document.addEventListener("click", onClick);
  document.addEventListener("keydown", onKeydown);
  window.addEventListener("popstate", onPopstate);
}
