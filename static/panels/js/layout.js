// The panel manager: dockview-core, fed from the layout file's arrangement or from the
// user's own saved arrangement, and saved back to the server whenever the user changes it.
//
// The layout's tree (row / column / stack / panel, sizes as relative weights) becomes
// dockview's serialized grid: a row is a HORIZONTAL branch, a column a VERTICAL one, a
// stack a group of tabs, a lone panel a group of one. Dockview's branches alternate their
// orientation, so a row directly inside a row (or a column in a column) is flattened into
// its parent with its weight shared out among its children.

const dv = window["dockview-core"];
const SAVE_DELAY_MS = 500;
const COMPONENT = "panel";
// Narrower than this, the layout's side panels stack in one column beside the viewer.
const NARROW_PX = 1000;

// One dockview panel's params: what the cockpit needs to fill it, never a URL (URLs are
// looked up on every load, so a saved arrangement survives route changes).
export function leafParams(leaf) {
  const params = { type: leaf.type, options: leaf.options ?? {} };
  if (leaf.type === "custom") params.source = "layout";
  return params;
}

function panelState(leaf) {
  return { id: leaf.id, contentComponent: COMPONENT, title: leaf.title, params: leafParams(leaf) };
}

function weightsOf(split) {
  // [{node, weight}] with same-kind children inlined, weights summing to 1.
  const total = split.children.reduce((sum, child) => sum + child.size, 0);
  const out = [];
  for (const child of split.children) {
    const weight = child.size / total;
    if (child.kind === split.kind) {
      for (const inner of weightsOf(child)) out.push({ node: inner.node, weight: weight * inner.weight });
    } else {
      out.push({ node: child, weight });
    }
  }
  return out;
}

function holdsViewer(node) {
  return node.kind === "panel" ? node.type === "viewer" : Boolean(node.children?.some(holdsViewer));
}

// A row of three or more beside the viewer becomes the viewer and one column of the rest,
// so that in a narrow window every panel keeps a readable width.
export function narrowTree(tree) {
  if (tree.kind !== "row" || tree.children.length < 3) return tree;
  const main = tree.children.find(holdsViewer);
  if (!main) return tree;
  const side = tree.children.filter((child) => child !== main).map((child) => ({ ...child, size: 1 }));
  return { ...tree, children: [{ ...main, size: 3 }, { kind: "column", size: 2, children: side }] };
}

export function serializeTree(tree, width, height) {
  const panels = {};
  let groups = 0;
  let firstGroup = null;

  function leafGroup(node, size) {
    const leaves = node.kind === "stack" ? node.children : [node];
    for (const leaf of leaves) panels[leaf.id] = panelState(leaf);
    const id = `group-${++groups}`;
    firstGroup ??= id;
    const activeView = node.kind === "stack" ? node.active : node.id;
    return { type: "leaf", size, data: { id, views: leaves.map((l) => l.id), activeView } };
  }

  // Children laid out along `along` pixels; each child spans `across` the other way.
  function branch(split, along, across, size) {
    const data = weightsOf(split).map(({ node, weight }) => {
      const length = along * weight;
      if (node.kind === "row" || node.kind === "column") return branch(node, across, length, length);
      return leafGroup(node, length);
    });
    return { type: "branch", size, data };
  }

  const root = tree.kind === "row" || tree.kind === "column" ? tree : { kind: "row", size: 1, children: [tree] };
  const horizontal = root.kind === "row";
  const [along, across] = horizontal ? [width, height] : [height, width];
  return {
    grid: {
      root: branch(root, along, across, across),
      width,
      height,
      orientation: horizontal ? "HORIZONTAL" : "VERTICAL",
    },
    panels,
    activeGroup: firstGroup,
  };
}

export function createPanelManager(element, { tree, saveUrl, csrfToken, createContent }) {
  element.classList.add("dockview-theme-light");
  let restoring = false;
  let timer = null;

  const api = dv.createDockview(element, {
    theme: dv.themeLight,
    defaultRenderer: "always", // keeps htmx panels and the viewer alive in hidden tabs
    createComponent() {
      const host = document.createElement("div");
      host.className = "panel-host";
      let content = null;
      return {
        element: host,
        init(parameters) {
          content = createContent(host, parameters.params, parameters.api);
        },
        dispose() {
          content?.dispose?.();
        },
      };
    },
  });

  function save() {
    timer = null;
    return fetch(saveUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken },
      body: JSON.stringify(api.toJSON()),
      credentials: "same-origin",
      keepalive: true,
    }).catch((error) => console.warn("could not save the panel arrangement", error));
  }

  function saveSoon() {
    if (restoring) return;
    clearTimeout(timer);
    timer = setTimeout(save, SAVE_DELAY_MS);
  }

  api.onDidLayoutChange(saveSoon);
  window.addEventListener("pagehide", () => {
    if (timer) {
      clearTimeout(timer);
      save();
    }
  });

  function quietly(change) {
    restoring = true;
    try {
      change();
    } finally {
      restoring = false;
    }
  }

  function loadDefault() {
    quietly(() => {
      api.clear();
      const width = element.clientWidth;
      const arranged = width < NARROW_PX ? narrowTree(tree) : tree;
      api.fromJSON(serializeTree(arranged, width, element.clientHeight));
    });
  }

  // The saved arrangement if it restores, else the file's (and the broken one is dropped).
  function load(saved) {
    if (saved) {
      try {
        quietly(() => api.fromJSON(saved));
        if (api.panels.length > 0) return "saved";
      } catch (error) {
        console.warn("the saved panel arrangement does not restore; using the layout's", error);
      }
      forget();
    }
    loadDefault();
    return "default";
  }

  function forget() {
    clearTimeout(timer);
    timer = null;
    return fetch(saveUrl, {
      method: "DELETE",
      headers: { "X-CSRFToken": csrfToken },
      credentials: "same-origin",
    });
  }

  async function reset() {
    await forget();
    loadDefault();
  }

  function panelsOfType(type) {
    return api.panels.filter((panel) => panel.params?.type === type);
  }

  function uniqueId(base) {
    let id = base;
    for (let n = 2; api.getPanel(id); n++) id = `${base}-${n}`;
    return id;
  }

  // Beside the viewer for a viewer, else as a tab of the largest group that has no viewer.
  function placeFor(type) {
    if (!api.groups.length) return undefined;
    const viewers = new Set(panelsOfType("viewer").map((p) => p.group));
    const others = api.groups.filter((g) => !viewers.has(g));
    if (type === "viewer" || !others.length) return { direction: "right" };
    const area = (g) => g.api.width * g.api.height;
    const target = others.reduce((a, b) => (area(b) > area(a) ? b : a));
    return { referenceGroup: target, direction: "within" };
  }

  // Whether a panel's tab shows whole in its group's tab bar (else it is in dockview's
  // overflow menu, where nobody would notice a panel just added).
  function tabFits(panel) {
    const bar = panel.group.element.querySelector(".dv-tabs-container");
    const tab = bar?.querySelectorAll(".dv-tab")[panel.group.panels.indexOf(panel)];
    if (!bar || !tab) return true;
    const outer = bar.getBoundingClientRect();
    const inner = tab.getBoundingClientRect();
    return inner.left >= outer.left - 1 && inner.right <= outer.right + 1;
  }

  // Adds the panel where it is seen at once: its tab active and whole, else in a group of
  // its own below the one it was meant for.
  function addPanel({ id, title, params }) {
    const existing = api.getPanel(id);
    if (existing) {
      existing.api.setActive();
      return existing;
    }
    const panel = api.addPanel({
      id: uniqueId(id),
      component: COMPONENT,
      title,
      params,
      position: placeFor(params.type),
    });
    panel.api.setActive();
    if (!tabFits(panel)) panel.api.moveTo({ group: panel.group, position: "bottom" });
    return panel;
  }

  function removePanel(panel) {
    api.removePanel(panel);
  }

  // Keeps e.g. the viewer's grid in the panel's params, so the saved arrangement has it.
  function updateOptions(panel, options) {
    panel.api.updateParameters({ options: { ...panel.params?.options, ...options } });
    saveSoon();
  }

  return { api, load, reset, addPanel, removePanel, updateOptions, panelsOfType, save, uniqueId };
}
