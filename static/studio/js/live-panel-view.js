// The session panel of a live session, drawn from a LiveSession (collaboration.js): status
// (live, paused, reconnecting, ended), for the owner the invite link and QR code and the
// controls (pause / resume, everyone in control, take back, end), the participants and who
// drives (the owner hands control per participant), and the chat. One module for the
// session's page (live-page.js) and the cockpit's "Live session" panel.
//
//   const view = renderLivePanel(container, session, {onLeave, onHighlight, onClear});
//   (each optional: a Leave button, and for whoever drives Highlight, Freehand highlight
//   (onHighlight({freehand: true})) and Clear highlights)
//   view.destroy();   // stops listening to the session and empties the container
//
// Everything a participant typed is put in as text, never as HTML.

function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "text") element.textContent = value;
    else if (name === "hidden") element.hidden = Boolean(value);
    else element.setAttribute(name, value);
  }
  element.append(...children);
  return element;
}

function button(label, attributes = {}) {
  return el("button", { type: "button", text: label, ...attributes });
}

function build(session, { onLeave, onHighlight }) {
  const joinUrl = `${location.origin}/live/${encodeURIComponent(session.name)}/`;
  const invite = el(
    "details",
    { class: "live-invite", "data-role": "invite", hidden: true },
    el("summary", { text: "Invite" }),
    el("p", {}, el("a", { href: joinUrl, "data-role": "join-link", text: joinUrl })),
    el("img", {
      alt: "QR code of the join link",
      width: "160",
      height: "160",
      loading: "lazy",
      "data-src": `/live/${encodeURIComponent(session.name)}/qr.svg`,
      "data-role": "qr",
    }),
  );
  const everyone = el("input", { type: "checkbox", "data-control": "everyone" });
  const controls = el(
    "div",
    { class: "live-controls", role: "group", "aria-label": "Session controls", "data-role": "controls", hidden: true },
    button("Pause", { "data-control": "pause" }),
    button("Resume", { "data-control": "resume", hidden: true }),
    el("label", {}, everyone, " Everyone has control"),
    button("Take back control", { "data-control": "take" }),
    button("End session", { "data-control": "end" }),
  );
  const text = el("input", { name: "text", maxlength: "1000", autocomplete: "off", placeholder: "Message", "aria-label": "Message" });
  const parts = [
    el("p", { class: "live-status", role: "status", "data-role": "status", text: "Connecting…" }),
    invite,
    controls,
  ];
  if (onHighlight) {
    parts.push(
      el(
        "div",
        { class: "live-controls", role: "group", "aria-label": "Highlights", "data-role": "highlights", hidden: true },
        button("Highlight", { "data-highlight": "draw", title: "Drag a rectangle everyone sees; it is not saved" }),
        button("Freehand highlight", { "data-highlight": "freehand", title: "Draw a line everyone sees; it is not saved" }),
        button("Clear highlights", { "data-highlight": "clear" }),
      ),
    );
  }
  parts.push(
    el("h2", { text: "Participants" }),
    el("ul", { class: "live-participants", "data-role": "participants" }),
    el("h2", { text: "Chat" }),
    el("ol", { class: "live-chat", "data-role": "chat", "aria-live": "polite" }),
    el("form", { class: "live-chat-form", "data-role": "chat-form" }, text, el("button", { type: "submit", text: "Send" })),
  );
  if (onLeave) parts.push(button("Leave session", { "data-role": "leave", class: "live-leave" }));
  return parts;
}

export function renderLivePanel(container, session, { onLeave = null, onHighlight = null, onClear = null } = {}) {
  const parts = build(session, { onLeave, onHighlight });
  container.append(...parts);
  const part = (role) => container.querySelector(`[data-role="${role}"]`);
  const listeners = [];
  const on = (type, handler) => {
    session.addEventListener(type, handler);
    listeners.push([type, handler]);
  };

  function showStatus() {
    const status = part("status");
    const { paused } = session.flags;
    status.dataset.status = session.status;
    if (session.status === "live") status.textContent = paused ? "Paused" : "Live";
    const owner = session.isOwner && session.status !== "ended";
    part("controls").hidden = !owner;
    const invite = part("invite");
    invite.hidden = !owner;
    const qr = part("qr");
    if (owner && !qr.src) qr.src = qr.dataset.src;
    const highlights = part("highlights");
    if (highlights) highlights.hidden = !session.inControl;
    const controls = part("controls");
    controls.querySelector('[data-control="pause"]').hidden = Boolean(paused);
    controls.querySelector('[data-control="resume"]').hidden = !paused;
    controls.querySelector('[data-control="everyone"]').checked = Boolean(session.flags.everyone_in_control);
  }

  function showParticipants() {
    part("participants").replaceChildren(
      ...session.participants.map((person) => {
        const item = el("li", { "data-participant": person.id });
        item.textContent = person.nickname + (person.owner ? " (owner)" : "") + (person.guest ? " (guest)" : "");
        if (person.id === session.flags.driver) {
          item.classList.add("driver");
          item.append(" · drives");
        }
        if (session.isOwner && !person.owner) {
          const hand = button("Hand control");
          hand.addEventListener("click", () => session.control("hand", { participant: person.id }));
          item.append(" ", hand);
        }
        return item;
      }),
    );
  }

  function addChat(message) {
    const when = el("time", { datetime: message.time });
    when.textContent = new Date(message.time).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    const item = el("li", {}, when, " ", el("strong", { text: message.sender.nickname }), ": ", message.text);
    part("chat").append(item);
    item.scrollIntoView({ block: "nearest" });
  }

  on("status", (event) => {
    part("status").textContent = event.detail.message;
    part("status").dataset.status = event.detail.status;
    showStatus();
  });
  on("control", showStatus);
  on("participants", showStatus); // who drives changed
  for (const type of ["state", "participants", "control"]) on(type, showParticipants);
  on("state", (event) => {
    part("chat").replaceChildren();
    event.detail.chat.forEach(addChat);
  });
  on("chat", (event) => addChat(event.detail));
  on("error", (event) => {
    part("status").textContent = event.detail.message;
  });

  part("controls").addEventListener("click", (event) => {
    const target = event.target.closest("button[data-control]");
    if (!target) return;
    const action = target.dataset.control;
    if (action === "end" && !window.confirm("End the session for everyone?")) return;
    session.control(action);
  });
  part("controls").addEventListener("change", (event) => {
    if (event.target.dataset.control === "everyone") session.control("everyone", { value: event.target.checked });
  });
  part("chat-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = event.target.elements.text;
    if (input.value.trim()) session.chat(input.value);
    input.value = "";
  });
  part("leave")?.addEventListener("click", () => onLeave());
  part("highlights")?.addEventListener("click", (event) => {
    const action = event.target.closest("button[data-highlight]")?.dataset.highlight;
    if (action === "draw") onHighlight();
    else if (action === "freehand") onHighlight({ freehand: true });
    else if (action === "clear") onClear?.();
  });

  // A session already under way (the panel was opened after joining) is drawn at once.
  if (session.me) {
    showStatus();
    showParticipants();
    session.chatLog.forEach(addChat);
  }

  return {
    destroy() {
      for (const [type, handler] of listeners) session.removeEventListener(type, handler);
      for (const element of parts) element.remove();
    },
  };
}
