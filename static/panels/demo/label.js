// Example custom panel: shows one slide's label and thumbnail, fetched with the slide
// token from the page's own address (?slide=…&token=…). A page on another server does the
// same with absolute URLs: the token routes answer any origin.
//
// It follows the selection without reloading: it tells the cockpit so with
// {type: "studio:follow"} and then receives {type: "studio:selection", slide, token, ...}
// for every slide selected after.

{
  const main = document.querySelector("main");
  const part = (role) => main.querySelector(`[data-role="${role}"]`);
  const params = new URLSearchParams(window.location.search);

  const imageUrl = (kind, side, token) => {
    const url = new URL(main.dataset.tokenImageUrl.replace("KIND", kind), window.location.href);
    url.search = new URLSearchParams({ token, w: side, h: side }).toString();
    return url.href;
  };

  const show = (kind, name, token) => {
    const img = part(kind);
    img.alt = `${kind === "label" ? "Label" : "Thumbnail"} of ${name}`;
    img.src = imageUrl(kind, 480, token);
    part(`${kind}-figure`).hidden = false;
  };

  const load = async (token) => {
    document.body.dataset.ready = "false";
    part("label-figure").hidden = true;
    part("thumbnail-figure").hidden = true;
    if (!token) {
      part("name").textContent = "Slide";
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
    if (data.associatedImages.includes("Barcode")) show("label", data.name, token);
    show("thumbnail", data.name, token);
    part("status").textContent = data.associatedImages.includes("Barcode")
      ? `${data.folder || "/"}`
      : "There is no label on this slide.";
    document.body.dataset.ready = "true";
  };

  const fail = (error) => {
    part("status").textContent = `Could not load the slide: ${error.message}`;
  };

  window.addEventListener("message", (event) => {
    if (event.source !== window.parent || event.data?.type !== "studio:selection") return;
    load(event.data.token ?? "").catch(fail);
  });
  if (window.parent !== window) window.parent.postMessage({ type: "studio:follow" }, "*");
  load(params.get("token") ?? "").catch(fail);
}
