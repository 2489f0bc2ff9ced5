// Sharing from the cockpit: the ribbon's share.* actions, the Share dialog, and the copy
// buttons of the shared-links panel.
//
// share.slide / share.folder / share.grid create a link with default options at once and
// show it with a Copy button; share.dialog opens the dialog with every option. What is
// shared comes from what the page's modules said last: the viewer panel's grid
// (`studio:viewer-state`), the selected slide (`studio:slide`, else the page's `?slide=`)
// and the folder being browsed (`studio:folder`, else the selected slide's folder).

const dialog = document.getElementById("share-dialog");
const toast = document.getElementById("share-toast");
const form = dialog.querySelector(".share-form");
const result = dialog.querySelector('[data-role="result"]');
const errors = dialog.querySelector('[data-role="errors"]');
const expiryChoice = form.elements.expires_in;
const expiryAt = dialog.querySelector('[data-role="expires-at"]');

let lastSlide = null;
let lastFolder = null;
let lastViewerState = null;
let returnFocus = null;

// Readiness flag for tests.
window.shareDialogReady = false;

// -- what is being shared --------------------------------------------------------------

function viewerState() {
  return lastViewerState;
}

function pageParam(name) {
  return new URL(window.location.href).searchParams.get(name);
}

function currentSlide() {
  const state = viewerState();
  const selected = state?.cells?.[state.selectedCell ?? 0];
  return selected || lastSlide || pageParam("slide") || "";
}

function currentGrid() {
  const state = viewerState();
  if (state?.cells?.some(Boolean)) {
    const { rows, columns, sync, cells } = state;
    return { rows, columns, sync: Boolean(sync), cells };
  }
  const slide = currentSlide();
  return slide ? { rows: 1, columns: 1, sync: false, cells: [slide] } : null;
}

function currentFolder() {
  return lastFolder || pageParam("folder") || currentSlide().split("/").slice(0, -1).join("/");
}

function targetFields(kind, params = {}) {
  const fields = { kind, slide: params.slide ?? currentSlide() };
  if (kind === "folder") fields.folder = params.folder ?? currentFolder();
  if (kind === "grid") {
    const grid = params.grid ?? currentGrid();
    if (grid) fields.grid = JSON.stringify(grid);
  }
  return fields;
}

// -- talking to the server -------------------------------------------------------------

function csrfToken() {
  return form.elements.csrfmiddlewaretoken.value;
}

async function createLink(fields) {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (value !== undefined && value !== null) body.append(name, value);
  }
  const response = await fetch(form.action, {
    method: "POST",
    body,
    headers: { "X-CSRFToken": csrfToken() },
    credentials: "same-origin",
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) {
    const messages = Object.values(answer.errors ?? {}).flat();
    throw new Error(messages.join(" ") || `The link could not be created (${response.status}).`);
  }
  document.body.dispatchEvent(new CustomEvent("studio:share-created", { detail: answer }));
  return answer;
}

async function copy(text, button) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // No clipboard permission (or not a secure origin): select it for Ctrl+C instead.
    const input = button.parentElement.querySelector("input");
    input?.select();
  }
  const label = button.textContent;
  button.textContent = "Copied";
  setTimeout(() => {
    button.textContent = label;
  }, 1500);
}

// -- one click --------------------------------------------------------------------------

const KIND_NAMES = { slide: "slide", folder: "folder", grid: "grid" };

async function shareAtOnce(kind, params) {
  try {
    const share = await createLink(targetFields(kind, params));
    const what = kind === "folder" ? `folder ${share.target}` : `this ${KIND_NAMES[kind]}`;
    showToast(`Link to ${what}:`, share.url);
  } catch (error) {
    showToast(error.message, "");
  }
}

function showToast(message, url) {
  toast.querySelector('[data-role="message"]').textContent = message;
  const input = toast.querySelector('[data-role="url"]');
  input.value = url;
  input.hidden = !url;
  toast.querySelector('[data-role="copy"]').hidden = !url;
  toast.hidden = false;
}

toast.addEventListener("click", (event) => {
  const role = event.target.closest("[data-role]")?.dataset.role;
  if (role === "copy") copy(toast.querySelector('[data-role="url"]').value, event.target);
  if (role === "close") toast.hidden = true;
});
toast.addEventListener("keydown", (event) => {
  if (event.key === "Escape") toast.hidden = true;
});

// -- the dialog -------------------------------------------------------------------------

function openDialog(params = {}) {
  returnFocus = document.activeElement;
  form.reset();
  expiryAt.hidden = true;
  errors.textContent = "";
  form.hidden = false;
  result.hidden = true;
  const kind = params.kind ?? "slide";
  const radio = form.querySelector(`input[name="kind"][value="${CSS.escape(kind)}"]`);
  if (radio) radio.checked = true;
  dialog.showModal();
  form.querySelector('input[name="kind"]:checked').focus();
}

// "At…" without a date is refused by the server ("Choose the date and time…"), never
// taken for "never expires".
function expiryFields() {
  if (expiryChoice.value !== "at") return { expires_in: expiryChoice.value };
  if (!expiryAt.value) return { expires_in: "at", expires_at: "" };
  // The browser's local time, sent with its offset.
  return { expires_in: "at", expires_at: new Date(expiryAt.value).toISOString() };
}

function dialogFields() {
  const data = new FormData(form);
  return {
    ...targetFields(data.get("kind")),
    ...expiryFields(),
    password: data.get("password"),
    include_annotations: data.get("include_annotations") ? "true" : "false",
    include_label_and_macro: data.get("include_label_and_macro") ? "true" : "false",
    label: data.get("label"),
  };
}

function showResult(share) {
  const asQr = new FormData(form).get("result_as") === "qr";
  form.hidden = true;
  result.hidden = false;
  result.querySelector('[data-role="url"]').value = share.url;
  result.querySelector('[data-role="as-link"]').hidden = false;
  const qr = result.querySelector('[data-role="as-qr"]');
  qr.hidden = !asQr;
  if (asQr) {
    result.querySelector('[data-role="qr"]').src = share.qrPng;
    result.querySelector('[data-role="qr-png"]').href = share.qrPngDownload;
    result.querySelector('[data-role="qr-svg"]').href = share.qrSvgDownload;
  }
  result.querySelector('[data-role="copy"]').focus();
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const submit = form.querySelector('button[type="submit"]');
  submit.disabled = true;
  errors.textContent = "";
  try {
    showResult(await createLink(dialogFields()));
  } catch (error) {
    errors.textContent = error.message;
    errors.focus?.();
  } finally {
    submit.disabled = false;
  }
});

expiryChoice.addEventListener("change", () => {
  expiryAt.hidden = expiryChoice.value !== "at";
  if (!expiryAt.hidden) expiryAt.focus();
});

dialog.addEventListener("click", (event) => {
  const role = event.target.closest("[data-role]")?.dataset.role;
  if (role === "cancel" || role === "done") dialog.close();
  if (role === "copy") copy(result.querySelector('[data-role="url"]').value, event.target);
  if (role === "again") openDialog();
});

dialog.addEventListener("close", () => {
  returnFocus?.focus?.();
  returnFocus = null;
});

// -- wiring -----------------------------------------------------------------------------

const ACTIONS = {
  "share.slide": (params) => shareAtOnce("slide", params),
  "share.folder": (params) => shareAtOnce("folder", params),
  "share.grid": (params) => shareAtOnce("grid", params),
  "share.dialog": (params) => openDialog(params),
};

// Capture on document: sees events dispatched on body whether or not they bubble.
document.addEventListener(
  "studio:action",
  (event) => {
    const { action, params } = event.detail ?? {};
    ACTIONS[action]?.(params ?? {});
  },
  true,
);

document.addEventListener(
  "studio:slide",
  (event) => {
    if (event.detail?.slide) lastSlide = event.detail.slide;
  },
  true,
);
document.addEventListener("studio:viewer-state", (event) => {
  lastViewerState = event.detail;
});
document.addEventListener("studio:folder", (event) => {
  lastFolder = event.detail?.folder || null;
});

// Buttons outside the ribbon (the shared-links panel) and the panel's copy buttons.
document.addEventListener("click", (event) => {
  const trigger = event.target.closest("[data-share-action]");
  if (trigger) {
    const detail = { action: trigger.dataset.shareAction, params: {} };
    document.body.dispatchEvent(new CustomEvent("studio:action", { detail }));
    return;
  }
  const copyButton = event.target.closest("[data-copy-url]");
  if (copyButton) copy(copyButton.dataset.copyUrl, copyButton);
});

// A new link shows in the shared-links panel at once.
document.body.addEventListener("studio:share-created", () => {
  const list = document.getElementById("shared-links-list");
  const filters = list?.closest(".shared-links")?.querySelector(".shared-links-filter");
  if (list && filters && window.htmx) window.htmx.trigger(filters, "change");
});

window.shareDialogReady = true;
