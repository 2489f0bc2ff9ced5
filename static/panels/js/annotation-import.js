// The ribbon's annotations.import action: the "Import annotations" dialog. It listens for
// `studio:action` ({action: "annotations.import", params: {slide}}) on document.body. A
// chosen file is first read by the studio without saving anything (POST
// /annotations/import/ without `commit`): the dialog shows its format and its annotations
// counted per class, or the studio's error naming the file and the place in it (feature,
// line). Import (Enter) then saves them all or none; Cancel (Escape) saves nothing. After
// an import, `studio:annotations-changed` ({slide, source}) has the viewers and the
// annotations panel load the slide's annotations again.

const CHANGED_EVENT = "studio:annotations-changed";
const NOTIFY_EVENT = "studio:notify";

const dialog = document.getElementById("annotation-import-dialog");
const form = dialog.querySelector('[data-role="form"]');
const fileInput = dialog.querySelector('[data-role="file"]');
const formatSelect = dialog.querySelector('[data-role="format"]');
const errors = dialog.querySelector('[data-role="errors"]');
const preview = dialog.querySelector('[data-role="preview"]');
const status = dialog.querySelector('[data-role="status"]');
const confirm = dialog.querySelector('[data-role="confirm"]');
const csrfToken = document.querySelector('meta[name="csrf-token"]')?.content ?? "";
let slide = "";
let previewed = null; // the answer of the last preview, for what is shown now
let asked = 0; // previews answered out of order are dropped

function formatLabel(name) {
  return [...formatSelect.options].find((option) => option.value === name)?.textContent ?? name;
}

function reset() {
  previewed = null;
  errors.textContent = "";
  status.textContent = "";
  preview.hidden = true;
  confirm.disabled = true;
  confirm.textContent = "Import";
}

function open(params) {
  slide = params.slide ?? "";
  if (!slide) {
    document.body.dispatchEvent(new CustomEvent(NOTIFY_EVENT, { detail: { message: "Select a slide first." } }));
    return;
  }
  form.reset();
  reset();
  dialog.querySelector('[data-role="slide"]').textContent = `Onto ${slide.split("/").pop()}`;
  dialog.showModal();
  fileInput.focus();
}

async function send(commit) {
  const body = new FormData();
  body.append("file", fileInput.files[0]);
  body.append("format", formatSelect.value);
  if (commit) body.append("commit", "true");
  let response;
  try {
    response = await fetch(`${form.action}?${new URLSearchParams({ slide })}`, {
      method: "POST",
      body,
      headers: { "X-CSRFToken": csrfToken, Accept: "application/json" },
      credentials: "same-origin",
    });
  } catch {
    throw new Error("The studio cannot be reached.");
  }
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(answer.error ?? `The studio answered ${response.status}.`);
  return answer;
}

function showPreview(answer) {
  const file = fileInput.files[0].name;
  const count = answer.count.toLocaleString();
  dialog.querySelector('[data-role="summary"]').textContent =
    `${file}: ${count} annotation${answer.count === 1 ? "" : "s"} as ${formatLabel(answer.format)}.`;
  const rows = dialog.querySelector('[data-role="classes"]');
  rows.replaceChildren(
    ...answer.classes.map(([name, n]) => {
      const row = document.createElement("tr");
      const cls = document.createElement("td");
      cls.textContent = name || "(no class)";
      const number = document.createElement("td");
      number.textContent = n.toLocaleString();
      row.append(cls, number);
      return row;
    }),
  );
  preview.hidden = false;
  confirm.textContent = `Import ${count}`;
  confirm.disabled = false;
}

async function check() {
  reset();
  if (!fileInput.files.length) return;
  const mine = ++asked;
  status.textContent = `Reading ${fileInput.files[0].name}…`;
  try {
    const answer = await send(false);
    if (mine !== asked) return;
    previewed = answer;
    status.textContent = "";
    showPreview(answer);
    confirm.focus();
  } catch (failure) {
    if (mine !== asked) return;
    status.textContent = "";
    errors.textContent = failure.message;
  }
}

fileInput.addEventListener("change", check);
formatSelect.addEventListener("change", check);

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!previewed || confirm.disabled) return;
  confirm.disabled = true;
  errors.textContent = "";
  status.textContent = `Importing ${previewed.count.toLocaleString()} annotations…`;
  let answer;
  try {
    answer = await send(true);
  } catch (failure) {
    status.textContent = "";
    errors.textContent = `Nothing was imported. ${failure.message}`;
    confirm.disabled = false;
    return;
  }
  dialog.close();
  const message = `Imported ${answer.ids.length.toLocaleString()} annotations from ${fileInput.files[0].name}.`;
  document.body.dispatchEvent(new CustomEvent(NOTIFY_EVENT, { detail: { message } }));
  document.body.dispatchEvent(new CustomEvent(CHANGED_EVENT, { detail: { slide, source: "annotation-import" } }));
});

const cancel = dialog.querySelector('[data-role="cancel"]');
cancel.addEventListener("click", () => dialog.close());
// Enter imports what is previewed wherever the focus is (Escape cancels, as dialogs do).
dialog.addEventListener("keydown", (event) => {
  if (event.key !== "Enter" || event.target === cancel || !previewed || confirm.disabled) return;
  event.preventDefault();
  form.requestSubmit();
});
document.body.addEventListener("studio:action", (event) => {
  if (event.detail?.action === "annotations.import") open(event.detail.params ?? {});
});
