// "Join a session by name", in the cockpit's Live session panel while it is in none: the
// name of a running session, and its password when the studio says it has one (POST
// /live/<name>/enter/). Enter submits; errors (no such session, wrong password) are said in
// the form. Once admitted, onJoin(name) has the cockpit join it.
//
//   renderJoinForm(container, { onJoin: (name) => ... });

const csrfToken = () => document.querySelector('meta[name="csrf-token"]')?.content ?? "";

function field(label, attributes) {
  const input = document.createElement("input");
  Object.assign(input, attributes);
  const wrapper = document.createElement("label");
  wrapper.append(label, " ", input);
  return { wrapper, input };
}

export function renderJoinForm(container, { onJoin }) {
  const form = document.createElement("form");
  form.className = "live-join-form";
  form.dataset.role = "join-by-name";
  form.setAttribute("aria-label", "Join a session by name");
  const name = field("Session name", { name: "name", required: true, autocomplete: "off", maxLength: 64 });
  const password = field("Session password", { name: "password", type: "password", maxLength: 128 });
  password.wrapper.hidden = true;
  const error = document.createElement("p");
  error.className = "live-join-error";
  error.setAttribute("role", "alert");
  const submit = document.createElement("button");
  submit.type = "submit";
  submit.textContent = "Join";
  form.append(name.wrapper, password.wrapper, submit, error);
  container.append(form);

  // Another name is another session: its password is asked afresh.
  name.input.addEventListener("input", () => {
    password.wrapper.hidden = true;
    password.input.value = "";
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const wanted = name.input.value.trim();
    if (!wanted) return;
    error.textContent = "";
    submit.disabled = true;
    submit.textContent = "Joining…";
    let response;
    try {
      response = await fetch(`/live/${encodeURIComponent(wanted)}/enter/`, {
        method: "POST",
        body: new URLSearchParams({ password: password.input.value }),
        headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
        credentials: "same-origin",
      });
    } catch {
      response = null;
    } finally {
      submit.disabled = false;
      submit.textContent = "Join";
    }
    const body = (await response?.json().catch(() => null)) ?? {};
    if (response?.ok) {
      onJoin(body.name);
      return;
    }
    if (!response) error.textContent = "The studio cannot be reached.";
    else if (response.status === 404) error.textContent = `No live session called “${wanted}” is running.`;
    else error.textContent = body.error ?? `The studio answered ${response.status}.`;
    if (body.password) {
      password.wrapper.hidden = false;
      password.input.focus();
      password.input.select();
    } else {
      name.input.focus();
    }
  });
  return form;
}
