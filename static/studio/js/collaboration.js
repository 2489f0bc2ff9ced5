// The live session's socket (/ws/collaboration/<name>/) and what binds it to a viewer.
//
//   const session = joinSession(name);            // connects, and reconnects on its own
//   session.addEventListener("chat", (event) => event.detail);   // one event per message type:
//     state, viewport, pointer, chat, data, annotation, control, participants, error,
//     and "status" ({status: "connecting" | "live" | "reconnecting" | "ended", message})
//   session.chat(text); session.setData({key: value}); session.control("pause");
//   followWith(session, slideViewer, {openSlide}) // the viewer follows the driver and,
//                                                 // when in control, leads; pointers shown
//
// Shared application data (PMA.live's setApplicationData): any participant calls
// `session.setData({key: value})`; every participant (the sender too) gets a "data" event
// with the changed keys, and `session.data` holds everything set so far (late joiners get
// it with the state). A key set to null is removed.
//
// Modules talk through these events, never through window globals.

const RECONNECT_MS = [500, 1000, 2000, 4000, 8000];
const POINTER_FADE_MS = 3000;
const SEND_INTERVAL_MS = 50;
const RECENT_CHAT = 50;

export class LiveSession extends EventTarget {
  constructor(name, { url } = {}) {
    super();
    this.name = name;
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    this.url = url ?? `${scheme}//${location.host}/ws/collaboration/${encodeURIComponent(name)}/`;
    this.me = null;
    this.flags = {};
    this.participants = [];
    this.data = {};
    this.lastViewport = null; // the driver's latest view, for a viewer bound later
    this.chatLog = []; // the recent chat, for a panel opened after joining
    this.highlights = []; // the driver's transient highlights, for a viewer bound later
    this.attempt = 0;
    this.closedForGood = false;
    this.#connect();
  }

  get inControl() {
    const { paused, everyone_in_control: everyone, driver } = this.flags;
    if (!this.me || paused || this.flags.ended) return false;
    return everyone || driver === this.me.id || this.me.owner;
  }

  get isOwner() {
    return Boolean(this.me?.owner);
  }

  send(message) {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  chat(text) {
    this.send({ type: "chat", text });
  }

  setData(changes) {
    this.send({ type: "data", data: changes });
  }

  control(action, extra = {}) {
    this.send({ type: "control", action, ...extra });
  }

  // A transient highlight on a slide (drawn by whoever is in control), shown to everyone,
  // this participant too; never stored with the slide's annotations.
  highlight(slide, shape) {
    const message = { type: "annotation", action: "add", slide, shape, sender: this.me };
    this.send(message);
    this.#receive(message);
  }

  clearHighlights() {
    const message = { type: "annotation", action: "clear", sender: this.me };
    this.send(message);
    this.#receive(message);
  }

  close() {
    this.closedForGood = true;
    this.socket?.close();
  }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  #status(status, message) {
    this.status = status;
    this.#emit("status", { status, message });
  }

  #connect() {
    this.#status(this.attempt ? "reconnecting" : "connecting", this.attempt ? "Connection lost: reconnecting…" : "Connecting…");
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.addEventListener("message", (event) => this.#receive(JSON.parse(event.data)));
    socket.addEventListener("close", (event) => {
      if (this.socket !== socket) return;
      // 4000: the session ended; 4403/4404: not admitted or no such session.
      if (this.closedForGood || event.code === 4000 || event.code === 4403 || event.code === 4404) {
        const message = event.code === 4000 ? "The session has ended." : event.code === 4403 ? "You are not admitted to this session." : "This session does not exist or has ended.";
        this.#status("ended", this.closedForGood ? "Left the session." : message);
        return;
      }
      const wait = RECONNECT_MS[Math.min(this.attempt, RECONNECT_MS.length - 1)];
      this.attempt += 1;
      this.#status("reconnecting", `Connection lost: reconnecting in ${Math.round(wait / 1000) || 1} s…`);
      setTimeout(() => this.#connect(), wait);
    });
  }

  #receive(message) {
    switch (message.type) {
      case "state":
        this.attempt = 0;
        this.me = message.you;
        this.flags = message.session;
        this.participants = message.participants;
        this.data = { ...message.data };
        this.lastViewport = message.viewport;
        this.chatLog = [...message.chat];
        this.highlights = [...(message.annotations ?? [])];
        this.#status("live", this.flags.paused ? "Paused" : "Live");
        break;
      case "control":
        this.flags = { ...this.flags, ...message };
        if (!message.ended) this.#status("live", message.paused ? "Paused" : "Live");
        break;
      case "participants":
        this.participants = message.participants;
        this.flags = { ...this.flags, driver: message.driver };
        break;
      case "viewport":
        this.lastViewport = message;
        break;
      case "chat":
        this.chatLog = [...this.chatLog, message].slice(-RECENT_CHAT);
        break;
      case "annotation":
        this.highlights = message.action === "clear" ? [] : [...this.highlights, message];
        break;
      case "data":
        for (const [key, value] of Object.entries(message.data)) {
          if (value === null) delete this.data[key];
          else this.data[key] = value;
        }
        break;
      default:
    }
    this.#emit(message.type, message);
  }
}

export function joinSession(name, options) {
  return new LiveSession(name, options);
}

// ---------------------------------------------------------------- a viewer that follows

function viewportOf(slideViewer) {
  const viewport = slideViewer.viewport;
  const center = viewport.getCenter(false);
  return {
    type: "viewport",
    slide: slideViewer.slide.path,
    center: [center.x, center.y],
    zoom: viewport.getZoom(false),
    rotation: ((viewport.getRotation() % 360) + 360) % 360,
    flip: viewport.getFlip(),
  };
}

// `openSlide(path)` resolves to the viewer data of a slide (guests: through the session).
export function followWith(session, slideViewer, { openSlide }) {
  const OSD = window.OpenSeadragon;
  let applying = false; // a move we are applying is not ours to send back
  let lastSent = 0;
  let timer = null;
  let opening = Promise.resolve();

  async function apply(message) {
    if (!message) return;
    if (slideViewer.slide.path !== message.slide) {
      opening = openSlide(message.slide).then((data) => {
        const opened = new Promise((resolve) => slideViewer.viewer.addOnceHandler("open", resolve));
        slideViewer.open(data);
        return opened;
      });
    }
    await opening;
    const viewport = slideViewer.viewport;
    applying = true;
    if (viewport.getFlip() !== message.flip) viewport.setFlip(message.flip);
    viewport.setRotation(message.rotation ?? 0, true);
    viewport.panTo(new OSD.Point(message.center[0], message.center[1]));
    viewport.zoomTo(message.zoom);
    slideViewer.element.dataset.liveCenter = message.center.join(",");
    slideViewer.element.dataset.liveZoom = String(message.zoom);
    setTimeout(() => (applying = false), 0);
  }

  function sendMove() {
    timer = null;
    lastSent = performance.now();
    session.send(viewportOf(slideViewer));
  }

  slideViewer.viewer.addHandler("viewport-change", () => {
    if (applying || !session.inControl) return;
    const wait = SEND_INTERVAL_MS - (performance.now() - lastSent);
    if (wait <= 0) sendMove();
    else timer ??= setTimeout(sendMove, wait);
  });
  slideViewer.viewer.addHandler("open", () => {
    if (!applying && session.inControl) sendMove();
  });
  session.addEventListener("state", (event) => {
    if (event.detail.viewport && !session.inControl) apply(event.detail.viewport);
    else if (session.inControl) sendMove();
  });
  session.addEventListener("viewport", (event) => apply(event.detail));

  showPointers(session, slideViewer);
}

// Everyone's pointers over the viewer, with their nicknames (the owner's drawn apart);
// a pointer fades when its owner stops moving it.
export function showPointers(session, slideViewer) {
  const OSD = window.OpenSeadragon;
  const viewer = slideViewer.viewer;
  const pointers = new Map(); // participant id → {element, timer}
  let lastSent = 0;

  new OSD.MouseTracker({
    element: viewer.canvas,
    moveHandler(event) {
      const now = performance.now();
      if (now - lastSent < SEND_INTERVAL_MS) return;
      lastSent = now;
      const point = viewer.viewport.pointFromPixel(event.position);
      session.send({ type: "pointer", slide: slideViewer.slide.path, at: [point.x, point.y] });
    },
    leaveHandler() {
      session.send({ type: "pointer", slide: slideViewer.slide.path, at: null });
    },
  });

  session.addEventListener("pointer", (event) => {
    const { sender, at, slide } = event.detail;
    let pointer = pointers.get(sender.id);
    if (!at || slide !== slideViewer.slide.path) {
      if (pointer) pointer.element.classList.add("faded");
      return;
    }
    if (!pointer) {
      const element = document.createElement("div");
      element.className = sender.owner ? "live-pointer live-pointer-owner" : "live-pointer";
      element.dataset.participant = sender.id;
      const label = document.createElement("span");
      label.textContent = sender.nickname; // text, never HTML
      element.append(label);
      pointer = { element, timer: null };
      pointers.set(sender.id, pointer);
      viewer.addOverlay({ element, location: new OSD.Point(at[0], at[1]), placement: OSD.Placement.TOP_LEFT });
    } else {
      viewer.updateOverlay(pointer.element, new OSD.Point(at[0], at[1]), OSD.Placement.TOP_LEFT);
    }
    pointer.element.classList.remove("faded");
    clearTimeout(pointer.timer);
    pointer.timer = setTimeout(() => pointer.element.classList.add("faded"), POINTER_FADE_MS);
  });
}
