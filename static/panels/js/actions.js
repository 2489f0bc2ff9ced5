// Ribbon actions by name (panels/registry.py lists them). A ribbon button carries
// `data-action` and its parameters as JSON in `data-params`; clicking it, or pressing its
// `data-shortcut`, calls the handler registered for the action with (params, button).
// Toggles flip their aria-pressed first and pass the new state as `params.pressed`; a
// field (an input) calls its handler when its value changes, with `params.value`.

const handlers = new Map();

export function registerAction(name, handler) {
  handlers.set(name, handler);
}

// The names that have a handler (tests and integrations import this module for it).
export function actionNames() {
  return [...handlers.keys()].sort();
}

export function hasAction(name) {
  return handlers.has(name);
}

function paramsOf(button) {
  try {
    return JSON.parse(button.dataset.params || "{}");
  } catch {
    return {};
  }
}

export function runAction(button) {
  const name = button.dataset.action;
  const handler = handlers.get(name);
  if (!handler || button.disabled) return;
  const params = paramsOf(button);
  if (button.hasAttribute("aria-pressed")) {
    const pressed = button.getAttribute("aria-pressed") !== "true";
    button.setAttribute("aria-pressed", String(pressed));
    params.pressed = pressed;
  }
  handler(params, button);
}

// Every button of the ribbon with this action (and matching params), e.g. to sync toggles.
export function buttonsFor(action, matches = () => true) {
  return [...document.querySelectorAll(`.ribbon [data-action="${CSS.escape(action)}"]`)].filter(
    (button) => matches(paramsOf(button)),
  );
}

export function setPressed(action, pressed, matches) {
  for (const button of buttonsFor(action, matches)) {
    button.setAttribute("aria-pressed", String(pressed));
  }
}

export function isPressed(action, matches) {
  return buttonsFor(action, matches).some((b) => b.getAttribute("aria-pressed") === "true");
}

// "Ctrl+Shift+S" → {ctrl, shift, alt, meta, key}
function parseShortcut(text) {
  const parts = text.split("+");
  const key = parts.pop();
  const mods = new Set(parts.map((p) => p.toLowerCase()));
  return {
    ctrl: mods.has("ctrl") || mods.has("control"),
    shift: mods.has("shift"),
    alt: mods.has("alt"),
    meta: mods.has("meta") || mods.has("cmd"),
    key: key.toUpperCase(),
  };
}

function matchesShortcut(event, shortcut) {
  if (
    event.ctrlKey !== shortcut.ctrl ||
    event.shiftKey !== shortcut.shift ||
    event.altKey !== shortcut.alt ||
    event.metaKey !== shortcut.meta
  ) {
    return false;
  }
  // Alt+1 types "¡" on some keyboards: fall back on the physical key.
  return (
    event.key.toUpperCase() === shortcut.key ||
    event.code === `Key${shortcut.key}` ||
    event.code === `Digit${shortcut.key}`
  );
}

function isTyping(target) {
  return Boolean(target.closest?.("input, textarea, select, [contenteditable=''], [contenteditable='true']"));
}

export function bindRibbon(ribbon) {
  ribbon.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    if (button) runAction(button);
  });
  ribbon.addEventListener("change", (event) => {
    const input = event.target.closest("input[data-action]");
    const handler = input && handlers.get(input.dataset.action);
    if (handler) handler({ ...paramsOf(input), value: input.value }, input);
  });
  const shortcuts = [...ribbon.querySelectorAll("button[data-shortcut]")].map((button) => ({
    button,
    shortcut: parseShortcut(button.dataset.shortcut),
  }));
  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.repeat || isTyping(event.target)) return;
    if (document.querySelector("dialog[open]")) return;
    const hit = shortcuts.find(({ shortcut }) => matchesShortcut(event, shortcut));
    if (!hit) return;
    event.preventDefault();
    runAction(hit.button);
  });
}
