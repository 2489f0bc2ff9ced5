// The "More" dialog (Home → Layout → More): add panels of any type to the arrangement, and
// define, add and delete the user's own custom URL panels (saved on the server).

let dialog = null;

export function openMoreDialog() {
  dialog?.showModal();
  dialog?.querySelector("input, button")?.focus();
}

function userPanelItem(panel) {
  const item = document.createElement("li");
  item.dataset.userPanel = String(panel.pk);
  const label = document.createElement("label");
  const checkbox = document.createElement("input");
  checkbox.type = "checkbox";
  checkbox.name = "user-panel";
  checkbox.value = String(panel.pk);
  label.append(checkbox, ` ${panel.title}`);
  const remove = document.createElement("button");
  remove.type = "button";
  remove.className = "link-button";
  remove.dataset.deleteUserPanel = String(panel.pk);
  remove.setAttribute("aria-label", `Delete ${panel.title}`);
  remove.textContent = "Delete";
  item.append(label, remove);
  return item;
}

function errorText(errors) {
  return Object.values(errors ?? {})
    .flat()
    .map((e) => (typeof e === "string" ? e : e.message))
    .join(" ");
}

export function watchMoreDialog(hooks) {
  dialog = document.getElementById("more-dialog");
  if (!dialog) return;
  const addForm = dialog.querySelector("#more-add-form");
  const customForm = dialog.querySelector("#more-custom-form");
  const list = dialog.querySelector("#more-user-panels");
  const empty = dialog.querySelector("#more-user-panels-empty");
  const errors = dialog.querySelector("#more-custom-errors");

  function refreshEmpty() {
    empty.hidden = list.children.length > 0;
  }

  addForm.addEventListener("submit", (event) => {
    if (event.submitter?.value !== "add") return;
    const checked = (name) => [...addForm.querySelectorAll(`input[name="${name}"]:checked`)];
    hooks.addTypes(checked("type").map((input) => input.value));
    for (const input of checked("user-panel")) {
      const panel = hooks.userPanels().find((p) => String(p.pk) === input.value);
      if (panel) hooks.addUserPanel(panel);
    }
    addForm.reset();
  });

  customForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    errors.hidden = true;
    const response = await fetch(customForm.action, {
      method: "POST",
      body: new FormData(customForm),
      headers: { "X-CSRFToken": hooks.csrfToken },
      credentials: "same-origin",
    });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) {
      errors.textContent = errorText(answer.errors) || "The panel could not be saved.";
      errors.hidden = false;
      return;
    }
    hooks.userPanelCreated(answer);
    list.append(userPanelItem(answer));
    refreshEmpty();
    customForm.reset();
    hooks.addUserPanel(answer);
    dialog.close();
  });

  list.addEventListener("click", async (event) => {
    const button = event.target.closest("[data-delete-user-panel]");
    if (!button) return;
    const pk = Number(button.dataset.deleteUserPanel);
    const panel = hooks.userPanels().find((p) => p.pk === pk);
    if (!panel) return;
    const response = await fetch(panel.deleteUrl, {
      method: "DELETE",
      headers: { "X-CSRFToken": hooks.csrfToken },
      credentials: "same-origin",
    });
    if (response.ok || response.status === 404) {
      hooks.userPanelDeleted(pk);
      button.closest("li").remove();
      refreshEmpty();
    }
  });
}
