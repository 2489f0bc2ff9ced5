// The ribbon's live.start action: the "Start live session" dialog. It listens for
// `studio:action` ({action: "live.start", params: {slide}}) on document.body, creates the
// session (POST /live/), shows its join link, QR code and a link into the session's page on
// the selected slide, and has the cockpit join it (`studio:live-join` {name}).

const dialog = document.getElementById("live-dialog");
const form = dialog.querySelector('[data-role="form"]');
const result = dialog.querySelector('[data-role="result"]');
const errors = dialog.querySelector('[data-role="errors"]');
const csrfToken = document.querySelector('meta[name="csrf-token"]').content;
let slide = "";

function open(params) {
  slide = params.slide ?? "";
  form.hidden = false;
  result.hidden = true;
  errors.textContent = "";
  dialog.showModal();
  form.elements.name.focus();
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  let response;
  try {
    response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-CSRFToken": csrfToken, Accept: "application/json" },
      credentials: "same-origin",
    });
  } catch {
    errors.textContent = "The studio cannot be reached.";
    return;
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    errors.textContent = body.error ?? `The studio answered ${response.status}.`;
    return;
  }
  form.hidden = true;
  result.hidden = false;
  result.querySelector('[data-role="join-url"]').value = body.join_url;
  result.querySelector('[data-role="qr"]').src = body.qr_url;
  const page = `/live/${encodeURIComponent(body.name)}/watch/`;
  result.querySelector('[data-role="open"]').href = slide ? `${page}?${new URLSearchParams({ slide })}` : page;
  // The cockpit itself joins: its viewer leads while its owner drives.
  document.body.dispatchEvent(new CustomEvent("studio:live-join", { detail: { name: body.name } }));
});

dialog.querySelector('[data-role="cancel"]').addEventListener("click", () => dialog.close());
dialog.querySelector('[data-role="close"]').addEventListener("click", () => dialog.close());
document.body.addEventListener("studio:action", (event) => {
  if (event.detail?.action === "live.start") open(event.detail.params ?? {});
});
