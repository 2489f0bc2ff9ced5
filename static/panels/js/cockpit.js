// Starts the cockpit: the panel manager with the layout's (or the user's) arrangement,
// panel contents (htmx fragments, the viewer), the ribbon's tabs and actions, the "More"
// dialog, and the selected slide. Sets window.cockpitReady once everything is in place.

import { DRAWN_SHAPES } from "./annotation-layer.js";
import { watchAnnotationRibbon } from "./annotation-ribbon.js";
import { showCopies, watchAnnotationsPanels } from "./annotations-panel.js";
import { bindRibbon, hasAction, isPressed, registerAction, setPressed } from "./actions.js";
import { watchBrowserPanels } from "./browser-panel.js";
import { watchCustomPanels } from "./custom-panels.js";
import { watchRibbon } from "./ribbon.js";
import { createPanelManager, leafParams } from "./layout.js";
import { watchRegionExtraction } from "./region-extract.js";
import { watchLiveSession } from "./live-cockpit.js";
import { openMoreDialog, watchMoreDialog } from "./more.js";
import { SLIDE_EVENT, getSlide, selectSlide, watchSelection } from "./selection.js";
import { watchUploads } from "./upload.js";

window.cockpitReady = false;

const data = JSON.parse(document.getElementById("cockpit-data").textContent);
const csrfToken = document.querySelector('meta[name="csrf-token"]').content;
const viewers = new Map(); // panel id → the viewer panel's controller
let viewerModule = null;
let managerRef = null; // the panel manager, once created
let live = null; // the cockpit's live session (live-cockpit.js)

// ---------------------------------------------------------------- notices

let toastTimer = null;
function notify(message) {
  const toast = document.getElementById("cockpit-toast");
  toast.textContent = message;
  toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    toast.hidden = true;
  }, 4000);
}

// ---------------------------------------------------------------- panel contents

function panelUrl(panelId, params) {
  if (params.type === "custom") {
    if (params.source === "user") {
      return data.userPanels.find((p) => p.pk === params.pk)?.url ?? null;
    }
    return data.customPanelUrls[panelId] ?? null;
  }
  return data.panelTypes[params.type]?.url ?? null;
}

function panelTitle(panelId, params) {
  if (params.type === "custom") return managerRef?.api.getPanel(panelId)?.title ?? "This panel";
  return data.panelTypes[params.type]?.title ?? "This panel";
}

// A panel whose request failed (the studio cannot be reached, or answered with an error
// htmx does not swap in) must not go on showing the previous slide as if it were the
// selected one: it says what happened and asks again every few seconds.
const RETRY_EVENT = "studio:retry";
const RETRY_MS = 3000;
const retryTimers = new WeakMap();

function panelFailed(event) {
  const body = event.detail.elt?.closest?.(".panel-body[data-panel-url]");
  if (!body) return;
  const status = event.detail.xhr?.status;
  const reason = status ? `the studio answered ${status}` : "the studio cannot be reached";
  const banner = document.createElement("div");
  banner.className = "banner banner-error panel-failed";
  banner.setAttribute("role", "alert");
  const text = document.createElement("p");
  const strong = document.createElement("strong");
  strong.textContent = `${body.dataset.panelTitle} can't be loaded:`;
  text.append(strong, ` ${reason}.`);
  banner.append(text);
  body.replaceChildren(banner);
  clearTimeout(retryTimers.get(body));
  if (status && status < 500) return; // asking again would get the same answer
  const hint = document.createElement("p");
  hint.className = "banner-hint";
  hint.textContent = "Trying again every few seconds.";
  banner.append(hint);
  retryTimers.set(body, setTimeout(() => window.htmx.trigger(body, RETRY_EVENT), RETRY_MS));
}

function withSlide(url) {
  return `${url}?${new URLSearchParams({ slide: getSlide() })}`;
}

function message(host, text) {
  const p = document.createElement("p");
  p.className = "panel-message";
  p.textContent = text;
  host.replaceChildren(p);
}

// Runs `callback` once `element` is in the document (dockview attaches panels after init).
function whenConnected(element, callback, frames = 30) {
  if (element.isConnected) callback();
  else if (frames > 0) requestAnimationFrame(() => whenConnected(element, callback, frames - 1));
}

function fragmentPanel(host, panelId, params) {
  const url = panelUrl(panelId, params);
  if (!url) {
    message(host, "This panel is not available yet.");
    return {};
  }
  const body = document.createElement("div");
  body.className = "panel-body";
  body.dataset.panelUrl = url;
  body.dataset.panelType = params.type;
  body.setAttribute("hx-get", withSlide(url));
  const slideAware = data.panelTypes[params.type]?.slideAware;
  const triggers = slideAware ? `load, ${SLIDE_EVENT} from:body` : "load";
  body.setAttribute("hx-trigger", `${triggers}, ${RETRY_EVENT}`);
  body.dataset.panelTitle = panelTitle(panelId, params);
  const loading = document.createElement("p");
  loading.className = "panel-message";
  loading.textContent = "Loading…";
  body.append(loading);
  host.replaceChildren(body);
  whenConnected(body, () => window.htmx.process(body));
  return {};
}

async function loadViewerModule() {
  viewerModule ??= import("./viewer-panel.js").catch((error) => {
    console.warn("the viewer panel is not available", error);
    return null;
  });
  return viewerModule;
}

function applyViewerToggles(viewer) {
  viewer.setNavigator?.(isPressed("viewport.navigator"));
  viewer.setScalebar?.(isPressed("viewport.scalebar"));
  viewer.setOverview?.(isPressed("viewport.overview"));
}

// What the viewer shows (grid, slides, sync, selected viewport) is kept in its panel's
// options, so the saved arrangement brings it back; the selected viewport's slide is the
// selected slide, so the other panels follow it. What it shows while following a live
// session's driver is theirs: not kept, and the viewer goes back to ours afterwards.
function followViewer(element, panelId) {
  element.addEventListener("studio:viewer-state", (event) => {
    const { rows, columns, sync, cells, selectedCell } = event.detail;
    const options = { rows, columns, sync, cells, selectedCell };
    const panel = managerRef?.api.getPanel(panelId);
    const saved = panel?.params?.options ?? {};
    const changed = Object.entries(options).some(([k, v]) => JSON.stringify(saved[k]) !== JSON.stringify(v));
    if (panel && changed && !live?.following()) managerRef.updateOptions(panel, options);
    setPressed("grid.sync", sync);
    const slide = cells[selectedCell] ?? "";
    if (slide !== getSlide()) selectSlide(slide, { cell: selectedCell, replace: true });
  });
}

// Each viewer panel back to its kept options (after following a live session's driver).
function restoreOwnViews() {
  for (const [panelId, viewer] of viewers) {
    // A copy: the steps below report their own intermediate states.
    const own = { ...managerRef?.api.getPanel(panelId)?.params?.options };
    const cells = Array.isArray(own.cells) ? [...own.cells] : [];
    viewer.setGrid(own.rows ?? 1, own.columns ?? 1);
    viewer.getState().cells.forEach((path, index) => {
      if (path !== (cells[index] ?? null)) viewer.showSlide(cells[index] ?? "", index);
    });
    viewer.selectCell(own.selectedCell ?? 0);
    viewer.setSync(Boolean(own.sync));
  }
}

function viewerPanel(host, panelId, params) {
  const element = document.createElement("div");
  element.className = "viewer-host";
  host.replaceChildren(element);
  let disposed = false;
  const options = params.options ?? {};
  whenConnected(element, async () => {
    const module = await loadViewerModule();
    if (disposed) return;
    if (!module?.mountViewer) {
      message(host, "The viewer is not available yet.");
      return;
    }
    followViewer(element, panelId);
    const viewer = module.mountViewer(element, {
      slide: getSlide(),
      rows: options.rows ?? 1,
      columns: options.columns ?? 1,
      sync: Boolean(options.sync),
      cells: Array.isArray(options.cells) ? options.cells : [],
      selectedCell: options.selectedCell ?? 0,
      info_url: data.urls.viewerInfo,
    });
    viewers.set(panelId, viewer);
    live?.viewerMounted();
    applyViewerToggles(viewer);
    setPressed("grid.sync", Boolean(options.sync));
  });
  return {
    dispose() {
      disposed = true;
      viewers.get(panelId)?.destroy?.();
      viewers.delete(panelId);
    },
  };
}

function createContent(host, params, panelApi) {
  host.dataset.panelType = params.type;
  if (params.type === "viewer") return viewerPanel(host, panelApi.id, params);
  if (params.type === "live") return live.panel(host);
  return fragmentPanel(host, panelApi.id, params);
}

// htmx asks for a panel with the slide selected now, not the one it was created with, and
// sends the CSRF token with anything but GET.
function followSelection() {
  document.body.addEventListener("htmx:configRequest", (event) => {
    const elt = event.detail.elt;
    if (elt.matches?.(".panel-body[data-panel-url]")) {
      event.detail.path = withSlide(elt.dataset.panelUrl);
      elt.setAttribute("hx-get", event.detail.path);
    }
    if (event.detail.verb !== "get") event.detail.headers["X-CSRFToken"] = csrfToken;
  });
  document.body.addEventListener("htmx:sendError", panelFailed);
  document.body.addEventListener("htmx:responseError", panelFailed);
  // The viewer panel follows `studio:slide` itself (into the cell the event names).
}

// ---------------------------------------------------------------- panels by type

function layoutLeaves(node) {
  if (node.kind === "panel") return [node];
  return node.children.flatMap(layoutLeaves);
}

function addPanelOfType(manager, type) {
  const leaf = layoutLeaves(data.layout.panels).find((l) => l.type === type && !manager.api.getPanel(l.id));
  if (leaf) return manager.addPanel({ id: leaf.id, title: leaf.title, params: leafParams(leaf) });
  const params = type === "viewer" ? { type, options: { rows: 1, columns: 1, sync: false } } : { type, options: {} };
  const count = manager.panelsOfType(type).length;
  const title = data.panelTypes[type].title + (count ? ` ${count + 1}` : "");
  return manager.addPanel({ id: manager.uniqueId(type), title, params });
}

function addUserPanel(manager, panel) {
  const params = { type: "custom", source: "user", pk: panel.pk, options: {} };
  return manager.addPanel({ id: panel.id, title: panel.title, params });
}

function syncPanelToggles(manager) {
  for (const type of Object.keys(data.panelTypes)) {
    setPressed("panels.toggle", manager.panelsOfType(type).length > 0, (p) => p.panel === type);
  }
}

function announceAdded(panels) {
  const titles = panels.filter(Boolean).map((panel) => `“${panel.title}”`);
  if (titles.length) notify(`Added ${titles.join(", ")}.`);
}

// ---------------------------------------------------------------- ribbon

function forEachViewer(callback) {
  if (!viewers.size) {
    notify("Open the viewer panel first (Configure → Panels).");
    return;
  }
  for (const viewer of viewers.values()) callback(viewer);
}

function registerActions(manager) {
  registerAction("layout.switch", ({ target }) => {
    const url = new URL(window.location.href);
    url.searchParams.set("layout", target);
    window.location.assign(url);
  });
  registerAction("layout.more", () => openMoreDialog());
  registerAction("layout.reset", async () => {
    await manager.reset();
    syncPanelToggles(manager);
    notify("The panels are back as the layout arranges them.");
  });
  const relayed = ["share.slide", "share.folder", "share.grid", "share.dialog", "live.start", "live.highlight", "live.clear", "annotations.import"];
  for (const name of relayed) {
    registerAction(name, (params) => {
      const detail = { action: name, params: { ...params, slide: getSlide() } };
      document.body.dispatchEvent(new CustomEvent("studio:action", { detail }));
    });
  }
  registerAction("viewport.navigator", ({ pressed }) => forEachViewer((v) => v.setNavigator(pressed)));
  registerAction("viewport.scalebar", ({ pressed }) => forEachViewer((v) => v.setScalebar(pressed)));
  registerAction("viewport.overview", ({ pressed }) => forEachViewer((v) => v.setOverview(pressed)));
  registerAction("viewport.rotate", ({ degrees }) => forEachViewer((v) => v.rotate(degrees ?? 90)));
  registerAction("viewport.flip", ({ axis }) => forEachViewer((v) => v.flip(axis)));
  // The viewers report their new state themselves (followViewer), which is saved.
  registerAction("grid.set", ({ rows, columns }) => forEachViewer((v) => v.setGrid(rows, columns)));
  registerAction("grid.sync", ({ pressed }) => forEachViewer((v) => v.setSync(pressed)));
  registerAction("annotations.draw", ({ shape }) => {
    if (!getSlide()) return notify("Select a slide first.");
    if (shape && !DRAWN_SHAPES.includes(shape)) {
      notify(`Drawing a ${shape} is not available yet.`);
      return;
    }
    const detail = { shape: shape ?? "polygon" };
    document.body.dispatchEvent(new CustomEvent("studio:annotations-draw", { detail }));
  });
  // Annotations made on identical copies of the slide elsewhere: the annotations panel's
  // section for them, opened (it loads when opened).
  registerAction("annotations.copies", () => {
    if (!getSlide()) return notify("Select a slide first.");
    const open = manager.panelsOfType("annotations");
    if (open.length) open[0].api.setActive();
    else addPanelOfType(manager, "annotations");
    showCopies();
  });
  registerAction("annotations.preset", ({ preset }) => {
    if (!getSlide()) return notify("Select a slide first.");
    const found = data.layout.presets?.find((p) => p.class === preset);
    if (!found) return notify(`This layout has no preset "${preset}".`);
    const detail = { shape: found.shape ?? "polygon", preset: found };
    document.body.dispatchEvent(new CustomEvent("studio:annotations-draw", { detail }));
  });
  registerAction("annotations.delete", () => {
    document.body.dispatchEvent(new CustomEvent("studio:annotations-delete"));
  });
  for (const step of ["undo", "redo"]) {
    registerAction(`annotations.${step}`, () => {
      document.body.dispatchEvent(new CustomEvent("studio:annotations-history", { detail: { step } }));
    });
  }
  registerAction("annotations.export", () => {
    const slide = getSlide();
    if (!slide) return notify("Select a slide first.");
    window.location.href = `/annotations/export/?${new URLSearchParams({ slide, format: "geojson" })}`;
  });
  document.body.addEventListener("studio:notify", (event) => notify(event.detail.message));
  registerAction("panels.toggle", ({ panel: type }) => {
    const open = manager.panelsOfType(type);
    if (open.length) open.forEach((panel) => manager.removePanel(panel));
    else addPanelOfType(manager, type);
    syncPanelToggles(manager);
  });
  watchAnnotationRibbon();
  const missing = data.actions.filter((name) => !hasAction(name));
  if (missing.length) console.error("ribbon actions without a handler:", missing);
}

// ---------------------------------------------------------------- start

function main() {
  watchSelection();
  watchAnnotationsPanels();
  watchRegionExtraction();
  followSelection();
  live = watchLiveSession({
    getViewer: () => viewers.values().next().value ?? null,
    showPanel: () => {
      const open = managerRef.panelsOfType("live");
      if (open.length) open[0].api.setActive();
      else addPanelOfType(managerRef, "live");
      syncPanelToggles(managerRef);
    },
    restoreOwn: restoreOwnViews,
  });
  watchBrowserPanels();
  watchUploads({ csrfToken });
  watchCustomPanels((body) => window.htmx.trigger(body, RETRY_EVENT));
  const manager = createPanelManager(document.getElementById("dock"), {
    tree: data.layout.panels,
    saveUrl: data.urls.arrangement,
    csrfToken,
    createContent,
  });
  managerRef = manager;
  const source = manager.load(data.arrangement);
  manager.api.onDidAddPanel(() => syncPanelToggles(manager));
  manager.api.onDidRemovePanel(() => syncPanelToggles(manager));
  syncPanelToggles(manager);
  if (data.live) live.join(data.live);

  const ribbon = document.querySelector("[data-ribbon]");
  watchRibbon(ribbon);
  registerActions(manager);
  bindRibbon(ribbon);
  watchMoreDialog({
    csrfToken,
    addTypes: (types) => announceAdded(types.map((type) => addPanelOfType(manager, type))),
    addUserPanel: (panel) => announceAdded([addUserPanel(manager, panel)]),
    userPanelCreated: (panel) => data.userPanels.push(panel),
    userPanelDeleted: (pk) => {
      const panel = data.userPanels.find((p) => p.pk === pk);
      if (panel) manager.api.getPanel(panel.id)?.api.close();
      data.userPanels = data.userPanels.filter((p) => p.pk !== pk);
    },
    userPanels: () => data.userPanels,
  });
  for (const button of document.querySelectorAll(".layout-errors [data-dismiss]")) {
    button.addEventListener("click", () => button.closest(".layout-errors").remove());
  }

  window.cockpit = { manager, api: manager.api, viewers, source };
  window.cockpitReady = true;
}

main();
