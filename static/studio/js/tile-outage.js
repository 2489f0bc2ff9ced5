// When a viewer's tiles stop coming because the studio or its tile server cannot serve them
// (an answer of 500 or more, or none), a banner over the viewer says so in the studio's own
// words (its answer names the tile server), and the page asks again every few seconds.
// Once a tile comes again the banner goes and the failed tiles are asked for again, where
// the user was. Other refusals (a link gone, a tile that does not exist) are not outages:
// the page's own code deals with those.
//
// The cockpit's viewer panels have their own banner (panels/js/viewer-panel.js); this one
// is for the viewer page and share pages.

const RETRY_MS = 5000;

export function watchTileOutage(slideViewer, stage) {
  const banner = document.createElement("div");
  banner.className = "banner banner-error viewer-banner";
  banner.setAttribute("role", "alert");
  banner.hidden = true;
  stage.append(banner);
  let probing = false;

  slideViewer.viewer.addHandler("tile-load-failed", (event) => {
    if (probing) return;
    probing = true;
    probe(event.tile.getUrl()).finally(() => (probing = false));
  });

  async function probe(url) {
    for (;;) {
      const response = await fetch(url, { credentials: "same-origin", cache: "no-store" }).catch(() => null);
      if (response?.ok) break;
      if (response && response.status < 500) return;
      show(response ? await response.text() : "The studio cannot be reached.");
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
    if (banner.hidden) return;
    banner.hidden = true;
    slideViewer.viewer.world.resetItems(); // the tiles that failed are asked for again
  }

  function show(message) {
    const text = document.createElement("p");
    const strong = document.createElement("strong");
    strong.textContent = "Tiles can't be loaded right now:";
    text.append(strong, ` ${message.trim()}`);
    const hint = document.createElement("p");
    hint.className = "banner-hint";
    hint.textContent = "Trying again every few seconds.";
    banner.replaceChildren(text, hint);
    banner.hidden = false;
  }
}
