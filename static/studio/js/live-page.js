// The live session's page: a viewer bound to the session (collaboration.js) and the
// session panel (status, participants and who drives, the owner's controls, chat).

import { followWith, joinSession } from "./collaboration.js";
import { createReadout, createViewer } from "./viewer.js";

const panel = document.getElementById("live-panel");
const part = (role) => panel.querySelector(`[data-role="${role}"]`);
const session = joinSession(panel.dataset.liveSession);

async function fetchSlide(path) {
  const url = `${panel.dataset.slideUrl}?${new URLSearchParams({ slide: path })}`;
  const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
  if (!response.ok) throw new Error(`The studio answered ${response.status} for ${path}.`);
  return response.json();
}

// The viewer is made with the first slide the session (or the owner) shows.
let slideViewer = null;
async function ensureViewer(path) {
  if (slideViewer) return slideViewer;
  const element = document.getElementById("viewer");
  const stage = element.closest(".viewer-stage");
  slideViewer = createViewer(element, await fetchSlide(path), { readout: createReadout(stage) });
  stage.querySelector(".live-waiting").hidden = true;
  followWith(session, slideViewer, { openSlide: fetchSlide });
  return slideViewer;
}

session.addEventListener("state", async (event) => {
  const start = event.detail.viewport?.slide ?? panel.dataset.startSlide;
  if (!start || slideViewer) return;
  await ensureViewer(start);
  // followWith was bound after this state arrived: hand it over again.
  if (event.detail.viewport && !session.inControl) {
    session.dispatchEvent(new CustomEvent("viewport", { detail: event.detail.viewport }));
  }
});
session.addEventListener("viewport", (event) => {
  if (!slideViewer) ensureViewer(event.detail.slide).then(() => session.dispatchEvent(new CustomEvent("viewport", { detail: event.detail })));
});

// ---------------------------------------------------------------- status and participants

function showStatus() {
  const status = part("status");
  const { paused } = session.flags;
  status.dataset.status = session.status;
  status.textContent = session.status === "live" ? (paused ? "Paused" : "Live") : status.textContent;
  const controls = part("controls");
  if (controls) {
    controls.querySelector('[data-control="pause"]').hidden = Boolean(paused);
    controls.querySelector('[data-control="resume"]').hidden = !paused;
    controls.querySelector('[data-control="everyone"]').checked = Boolean(session.flags.everyone_in_control);
  }
}

session.addEventListener("status", (event) => {
  part("status").textContent = event.detail.message;
  part("status").dataset.status = event.detail.status;
  showStatus();
});
session.addEventListener("control", showStatus);

function showParticipants() {
  const list = part("participants");
  list.replaceChildren(
    ...session.participants.map((person) => {
      const item = document.createElement("li");
      item.dataset.participant = person.id;
      item.textContent = person.nickname + (person.owner ? " (owner)" : "") + (person.guest ? " (guest)" : "");
      if (person.id === session.flags.driver) {
        item.classList.add("driver");
        item.append(" · drives");
      }
      if (session.isOwner && !person.owner) {
        const hand = document.createElement("button");
        hand.type = "button";
        hand.textContent = "Hand control";
        hand.addEventListener("click", () => session.control("hand", { participant: person.id }));
        item.append(" ", hand);
      }
      return item;
    }),
  );
}
for (const type of ["state", "participants", "control"]) session.addEventListener(type, showParticipants);

part("controls")?.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-control]");
  if (!button) return;
  const action = button.dataset.control;
  if (action === "end" && !window.confirm("End the session for everyone?")) return;
  session.control(action);
});
part("controls")?.addEventListener("change", (event) => {
  if (event.target.dataset.control === "everyone") session.control("everyone", { value: event.target.checked });
});

// ---------------------------------------------------------------- chat

function addChat(message) {
  const item = document.createElement("li");
  const who = document.createElement("strong");
  who.textContent = message.sender.nickname;
  const when = document.createElement("time");
  when.dateTime = message.time;
  when.textContent = new Date(message.time).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  item.append(when, " ", who, ": ", message.text); // text nodes: chat is never HTML
  part("chat").append(item);
  item.scrollIntoView({ block: "nearest" });
}

session.addEventListener("state", (event) => {
  part("chat").replaceChildren();
  event.detail.chat.forEach(addChat);
});
session.addEventListener("chat", (event) => addChat(event.detail));
session.addEventListener("error", (event) => {
  part("status").textContent = event.detail.message;
});

part("chat-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = event.target.elements.text;
  if (input.value.trim()) session.chat(input.value);
  input.value = "";
});
