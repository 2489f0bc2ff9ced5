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
  return showPointersOn(session, () => [{ osd: slideViewer.viewer, slide: slideViewer.slide.path }]);
}

// The same over several viewers (the cockpit's grid): `viewers()` lists the OpenSeadragon
// viewers with the slide each shows. A pointer shows on every viewer showing its slide.
// Call refresh() when the viewers change; stop() removes the pointers and stops sending.
export function showPointersOn(session, viewers) {
  const OSD = window.OpenSeadragon;
  const trackers = new Map(); // OpenSeadragon viewer → its MouseTracker
  const pointers = new Map(); // OpenSeadragon viewer → (participant id → {element, timer})
  let lastSent = 0;

  const slideOf = (osd) => viewers().find((v) => v.osd === osd)?.slide ?? null;

  function track(osd) {
    if (trackers.has(osd)) return;
    const tracker = new OSD.MouseTracker({
      element: osd.canvas,
      moveHandler(event) {
        const now = performance.now();
        const slide = slideOf(osd);
        if (!slide || now - lastSent < SEND_INTERVAL_MS) return;
        lastSent = now;
        const point = osd.viewport.pointFromPixel(event.position);
        session.send({ type: "pointer", slide, at: [point.x, point.y] });
      },
      leaveHandler() {
        const slide = slideOf(osd);
        if (slide) session.send({ type: "pointer", slide, at: null });
      },
    });
    trackers.set(osd, tracker);
  }

  function refresh() {
    const current = viewers();
    for (const [osd, tracker] of trackers) {
      if (current.some((v) => v.osd === osd)) continue;
      tracker.destroy();
      trackers.delete(osd);
      pointers.delete(osd);
    }
    current.forEach(({ osd }) => track(osd));
  }

  function place(osd, sender, at) {
    const shown = pointers.get(osd) ?? new Map();
    pointers.set(osd, shown);
    let pointer = shown.get(sender.id);
    const location = new OSD.Point(at[0], at[1]);
    if (pointer && osd.getOverlayById(pointer.element)) {
      osd.updateOverlay(pointer.element, location, OSD.Placement.TOP_LEFT);
    } else {
      // New, or its overlay went with the slide the viewer showed before.
      const element = pointer?.element ?? document.createElement("div");
      if (!pointer) {
        element.className = sender.owner ? "live-pointer live-pointer-owner" : "live-pointer";
        element.dataset.participant = sender.id;
        const label = document.createElement("span");
        label.textContent = sender.nickname; // text, never HTML
        element.append(label);
        pointer = { element, timer: null };
        shown.set(sender.id, pointer);
      }
      osd.addOverlay({ element, location, placement: OSD.Placement.TOP_LEFT });
    }
    pointer.element.classList.remove("faded");
    clearTimeout(pointer.timer);
    pointer.timer = setTimeout(() => pointer.element.classList.add("faded"), POINTER_FADE_MS);
  }

  function onPointer(event) {
    const { sender, at, slide } = event.detail;
    refresh();
    for (const { osd, slide: showing } of viewers()) {
      if (at && slide === showing) place(osd, sender, at);
      else pointers.get(osd)?.get(sender.id)?.element.classList.add("faded");
    }
  }

  session.addEventListener("pointer", onPointer);
  refresh();
  return {
    refresh,
    stop() {
      session.removeEventListener("pointer", onPointer);
      for (const [osd, shown] of pointers) {
        for (const { element, timer } of shown.values()) {
          clearTimeout(timer);
          if (osd.getOverlayById(element)) osd.removeOverlay(element);
        }
      }
      for (const tracker of trackers.values()) tracker.destroy();
      trackers.clear();
      pointers.clear();
    },
  };
}
