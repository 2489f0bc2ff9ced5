// The ribbon's own behaviour: tabs (click, arrow keys, Home/End) and groups that fold
// into menus when the window is too narrow for the selected tab. Groups fold from the
// last one back until the rest fits; a folded group is a button with the group's name
// that opens its buttons as a menu (Escape or a click elsewhere closes it, and so does
// running one of its actions). The buttons stay the same elements, so actions.js runs them.

function setFolded(group, folded) {
  group.classList.toggle("is-folded", folded);
  group.querySelector(".ribbon-group-toggle").hidden = !folded;
  if (!folded) close(group);
}

function open(group) {
  const toggle = group.querySelector(".ribbon-group-toggle");
  const items = group.querySelector(".ribbon-items");
  const box = toggle.getBoundingClientRect();
  // Fixed, so the ribbon's own overflow cannot cut the menu off.
  items.style.top = `${box.bottom + 2}px`;
  items.style.left = `${Math.max(4, Math.min(box.left, window.innerWidth - 220))}px`;
  group.classList.add("is-open");
  toggle.setAttribute("aria-expanded", "true");
}

function close(group) {
  group.classList.remove("is-open");
  group.querySelector(".ribbon-group-toggle")?.setAttribute("aria-expanded", "false");
}

function fit(ribbon) {
  const panel = ribbon.querySelector(".ribbon-panel:not([hidden])");
  if (!panel) return;
  const groups = [...panel.querySelectorAll(".ribbon-group")];
  groups.forEach((group) => setFolded(group, false));
  for (let i = groups.length - 1; i >= 0 && panel.scrollWidth > panel.clientWidth + 1; i--) {
    setFolded(groups[i], true);
  }
  ribbon.dataset.fitted = "true";
}

function bindTabs(ribbon) {
  const tabs = [...ribbon.querySelectorAll('[role="tab"]')];
  function select(tab, focus) {
    for (const other of tabs) {
      const selected = other === tab;
      other.setAttribute("aria-selected", String(selected));
      other.tabIndex = selected ? 0 : -1;
      document.getElementById(other.getAttribute("aria-controls")).hidden = !selected;
    }
    if (focus) tab.focus();
    fit(ribbon);
  }
  ribbon.addEventListener("click", (event) => {
    const tab = event.target.closest('[role="tab"]');
    if (tab) select(tab, false);
  });
  ribbon.addEventListener("keydown", (event) => {
    const index = tabs.indexOf(event.target);
    if (index < 0) return;
    const moves = {
      ArrowRight: index + 1,
      ArrowLeft: index - 1,
      Home: 0,
      End: tabs.length - 1,
    };
    if (!(event.key in moves)) return;
    event.preventDefault();
    select(tabs[(moves[event.key] + tabs.length) % tabs.length], true);
  });
}

function bindMenus(ribbon) {
  const openGroups = () => [...ribbon.querySelectorAll(".ribbon-group.is-open")];
  ribbon.addEventListener("click", (event) => {
    const toggle = event.target.closest(".ribbon-group-toggle");
    if (toggle) {
      const group = toggle.closest(".ribbon-group");
      const wasOpen = group.classList.contains("is-open");
      openGroups().forEach(close);
      if (!wasOpen) {
        open(group);
        if (event.detail === 0) group.querySelector(".ribbon-items button:not(:disabled)")?.focus();
      }
      return;
    }
    // An action from a menu closes it.
    const item = event.target.closest(".ribbon-group.is-open .ribbon-items button");
    if (item) close(item.closest(".ribbon-group"));
  });
  document.addEventListener("pointerdown", (event) => {
    for (const group of openGroups()) if (!group.contains(event.target)) close(group);
  });
  ribbon.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const group = event.target.closest(".ribbon-group.is-open");
    if (!group) return;
    close(group);
    group.querySelector(".ribbon-group-toggle").focus();
  });
}

export function watchRibbon(ribbon) {
  bindTabs(ribbon);
  bindMenus(ribbon);
  new ResizeObserver(() => fit(ribbon)).observe(ribbon);
  fit(ribbon);
}
