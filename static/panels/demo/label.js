// Example custom panel: shows one slide's label and thumbnail, fetched with the slide
// token from the page's own address (?slide=…&token=…). A page on another server does the
// same with absolute URLs: the token routes answer any origin.

const main = document.querySelector("main");
const part = (role) => main.querySelector(`[data-role="${role}"]`);
const params = new URLSearchParams(window.location.search);
const token = params.get("token") ?? "";

function imageUrl(kind, side) {
  const url = new URL(main.dataset.tokenImageUrl.replace("KIND", kind), window.location.href);
  url.search = new URLSearchParams({ token, w: side, h: side }).toString();
  return url.href;
}

function show(kind, name) {
  const img = part(kind);
  img.alt = `${kind === "label" ? "Label" : "Thumbnail"} of ${name}`;
  img.src = imageUrl(kind, 480);
  part(`${kind}-figure`).hidden = false;
}

async function load() {
  if (!token) {
    part("status").textContent = "Select a slide to see its label.";
    return;
  }
  const url = new URL(main.dataset.tokenInfoUrl, window.location.href);
  url.search = new URLSearchParams({ token }).toString();
  const response = await fetch(url, { credentials: "omit" });
  const data = await response.json();
  if (!response.ok) {
    part("status").textContent = data.error ?? `The studio answered ${response.status}.`;
    return;
  }
  part("name").textContent = data.name;
  part("barcode").textContent = data.barcode ? `· ${data.barcode}` : "";
  if (data.associatedImages.includes("Barcode")) show("label", data.name);
  show("thumbnail", data.name);
  part("status").textContent = data.associatedImages.includes("Barcode")
    ? `${data.folder || "/"}`
    : "There is no label on this slide.";
  document.body.dataset.ready = "true";
}

load().catch((error) => {
  part("status").textContent = `Could not load the slide: ${error.message}`;
});
