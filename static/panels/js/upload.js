// Drag and drop of slides onto a folder of the slide browser (a folder entry, or the open
// folder's own list), or "Upload slides…" in the open folder (a file picker, for the
// keyboard). Each slide is uploaded through the studio's upload routes
// (studio/views/transfer.py): announced, sent file by file with a progress bar, finished.
// A slide of several files comes as a folder (an MRXS beside its data folder) or as
// several files of one series (DICOM). The tile server judges what is a slide; its refusal
// is shown on the slide's row. When a slide is in, `studio:slide-uploaded` goes out on
// document.body ({detail: {folder, slide}}); the browser panel shows that folder.

export const UPLOADED_EVENT = "studio:slide-uploaded";
const DICOM = /\.dcm$/i;

let csrfToken = "";
let region = null; // the list of uploads, made on the first drop

export function watchUploads(options) {
  csrfToken = options.csrfToken;
  document.body.addEventListener("dragover", onDragOver);
  document.body.addEventListener("dragleave", (event) => highlight(dropTarget(event), false));
  document.body.addEventListener("drop", onDrop);
  document.body.addEventListener("change", onPicked);
}

async function onPicked(event) {
  const input = event.target.closest?.("input[type=file][data-upload-folder]");
  if (!input?.files.length) return;
  const files = [...input.files].map((file) => ({ file, path: file.webkitRelativePath || file.name }));
  const folder = input.dataset.uploadFolder;
  input.value = "";
  for (const slide of slidesOf(files)) await upload(folder, slide);
}

function dropTarget(event) {
  const link = event.target.closest?.(".panel-browser .entry-folder a.folder");
  if (link) {
    return { element: link, folder: new URL(link.href, window.location.href).searchParams.get("folder") };
  }
  const browser = event.target.closest?.(".panel-browser");
  // The top level lists root directories; slides go into one of them, not beside them.
  if (browser?.dataset.folder) return { element: browser, folder: browser.dataset.folder };
  return null;
}

function carriesFiles(event) {
  return [...(event.dataTransfer?.types ?? [])].includes("Files");
}

function highlight(target, on) {
  target?.element.classList.toggle("is-drop-target", on);
}

function onDragOver(event) {
  const target = dropTarget(event);
  if (!target || !carriesFiles(event)) return;
  event.preventDefault();
  event.dataTransfer.dropEffect = "copy";
  highlight(target, true);
}

async function onDrop(event) {
  const target = dropTarget(event);
  if (!target || !carriesFiles(event)) return;
  event.preventDefault();
  highlight(target, false);
  // Entries must be taken while the event lasts; reading folders comes after.
  const entries = [...(event.dataTransfer.items ?? [])].map((item) => item.webkitGetAsEntry?.()).filter(Boolean);
  const files = entries.length
    ? (await Promise.all(entries.map((entry) => readEntry(entry, "")))).flat()
    : [...event.dataTransfer.files].map((file) => ({ file, path: file.name }));
  for (const slide of slidesOf(files)) await upload(target.folder, slide);
}

async function readEntry(entry, prefix) {
  const path = prefix + entry.name;
  if (entry.isFile) {
    const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
    return [{ file, path }];
  }
  const reader = entry.createReader();
  const children = [];
  for (;;) {
    const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
    if (!batch.length) break;
    children.push(...batch);
  }
  const nested = await Promise.all(children.map((child) => readEntry(child, `${path}/`)));
  return nested.flat();
}

// Dropped files → slides: each top-level file is a slide with the files of its data
// folder ("<stem>/…" or "_<stem>_/…"); top-level DICOM files together make one slide.
function slidesOf(files) {
  const top = files.filter((f) => !f.path.includes("/"));
  const nested = files.filter((f) => f.path.includes("/"));
  const dicom = top.filter((f) => DICOM.test(f.path)).sort((a, b) => a.path.localeCompare(b.path));
  const slides = top.filter((f) => !DICOM.test(f.path)).map((main) => {
    const stem = main.path.replace(/\.[^.]*$/, "");
    const data = nested.filter((f) => f.path.startsWith(`${stem}/`) || f.path.startsWith(`_${stem}_/`));
    return { name: main.path, files: [main, ...data] };
  });
  if (dicom.length) slides.push({ name: dicom[0].path, files: dicom });
  const used = new Set(slides.flatMap((s) => s.files));
  for (const stray of nested.filter((f) => !used.has(f))) slides.push({ name: stray.path, files: [stray] });
  return slides;
}

function row(name, total) {
  if (!region) {
    region = document.createElement("section");
    region.className = "upload-status";
    region.setAttribute("aria-label", "Uploads");
    region.innerHTML = '<h2>Uploads</h2><ul aria-live="polite"></ul>';
    const close = document.createElement("button");
    close.type = "button";
    close.textContent = "Close";
    close.addEventListener("click", () => {
      region.remove();
      region = null;
    });
    region.querySelector("h2").after(close);
    document.body.append(region);
  }
  const item = document.createElement("li");
  item.className = "upload";
  const label = document.createElement("span");
  label.className = "upload-name";
  label.textContent = name;
  const bar = document.createElement("progress");
  bar.max = Math.max(total, 1);
  bar.value = 0;
  bar.setAttribute("aria-label", `Uploading ${name}`);
  const state = document.createElement("span");
  state.className = "upload-state";
  state.textContent = "Waiting…";
  item.append(label, bar, state);
  region.querySelector("ul").append(item);
  return {
    progress(sent) {
      bar.value = sent;
      state.textContent = `${Math.floor((100 * sent) / bar.max)} %`;
    },
    done(text, failed = false) {
      item.classList.add(failed ? "is-failed" : "is-done");
      if (!failed) bar.value = bar.max;
      state.textContent = text;
      if (failed) state.setAttribute("role", "alert");
    },
  };
}

async function upload(folder, slide) {
  const total = slide.files.reduce((sum, f) => sum + f.file.size, 0);
  const line = row(slide.name, total);
  try {
    const { id } = await postJson("/slides/upload/", {
      folder,
      files: slide.files.map((f) => ({ path: f.path, length: f.file.size })),
    });
    let before = 0;
    for (const f of slide.files) {
      const url = `/slides/upload/${id}/?${new URLSearchParams({ path: f.path })}`;
      await sendFile(url, f.file, (sent) => line.progress(before + sent));
      before += f.file.size;
    }
    line.done("Checking…");
    const { slide: path } = await postJson(`/slides/upload/${id}/finish/`, {});
    line.done("Uploaded");
    document.body.dispatchEvent(new CustomEvent(UPLOADED_EVENT, { detail: { folder, slide: path } }));
  } catch (error) {
    line.done(error.message, true);
  }
}

async function postJson(url, body) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken },
    body: JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(answer.error || `The studio answered ${response.status}.`);
  return answer;
}

function sendFile(url, file, onProgress) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", url);
    request.setRequestHeader("X-CSRFToken", csrfToken);
    request.setRequestHeader("Content-Type", "application/octet-stream");
    request.upload.addEventListener("progress", (event) => onProgress(event.loaded));
    request.addEventListener("load", () => {
      if (request.status >= 200 && request.status < 300) return resolve();
      let message = `The studio answered ${request.status}.`;
      try {
        message = JSON.parse(request.responseText).error || message;
      } catch {
        // not JSON: keep the status
      }
      reject(new Error(message));
    });
    request.addEventListener("error", () => reject(new Error("The connection was lost.")));
    request.send(file);
  });
}
