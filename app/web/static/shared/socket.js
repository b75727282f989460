// The handoff WebSocket (protocol pinned in issue 7 / docs/handoff-protocol.md), for
// both pages: authenticates, reconnects by itself with backoff, re-joins every
// handoff with the last `seq` it saw (the server replays what was missed, once),
// and resends unacknowledged messages with the same `client_id` (the server
// acknowledges a resend with the same seq and does not deliver it twice).
import { randomId } from "./api.js";

export class HandoffSocket extends EventTarget {
  constructor(api) {
    super();
    this.api = api;
    this.ws = null;
    this.wanted = false;
    this.ready = false;
    this.attempt = 0;
    this.lastSeq = new Map(); // handoff id → highest seq seen
    this.pending = new Map(); // client_id → message frame not yet acknowledged
    this.state = "offline";
    this.timer = null;
  }

  /** Connect, and keep connecting until stop(). */
  start() {
    this.wanted = true;
    if (!this.ws) this.connect();
  }

  /** Close for good (sign out). */
  stop() {
    this.wanted = false;
    clearTimeout(this.timer);
    if (this.ws) this.ws.close(1000);
    this.ws = null;
    this.ready = false;
    this.lastSeq.clear();
    this.pending.clear();
    this.setState("offline");
  }

  setState(state) {
    if (state === this.state) return;
    this.state = state;
    this.dispatchEvent(new CustomEvent("connection", { detail: state }));
  }

  connect() {
    clearTimeout(this.timer);
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(`${scheme}//${location.host}/v1/ws`);
    this.ws = ws;
    this.ready = false;
    this.setState(this.attempt ? "reconnecting" : "connecting");
    ws.addEventListener("open", () => {
      ws.send(JSON.stringify({ type: "auth", token: this.api.accessToken }));
    });
    ws.addEventListener("message", (event) => {
      if (ws !== this.ws) return;
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      this.receive(frame);
    });
    ws.addEventListener("close", (event) => this.closed(ws, event.code));
  }

  async closed(ws, code) {
    if (ws !== this.ws) return;
    this.ws = null;
    this.ready = false;
    if (!this.wanted) return;
    if (code === 4401) {
      // The access token expired or was revoked: renew it once, else the session is over.
      if (!(await this.api.refresh())) {
        this.wanted = false;
        this.setState("offline");
        this.dispatchEvent(new CustomEvent("signedout"));
        return;
      }
    }
    this.setState("reconnecting");
    const delay = Math.min(500 * 2 ** this.attempt, 8000);
    this.attempt += 1;
    this.timer = setTimeout(() => this.connect(), delay);
  }

  receive(frame) {
    if (frame.type === "ready") {
      this.ready = true;
      this.attempt = 0;
      this.setState("connected");
      for (const [handoffId, seq] of this.lastSeq) this.sendJoin(handoffId, seq);
      for (const message of this.pending.values()) this.raw(message);
      this.dispatchEvent(new CustomEvent("ready", { detail: frame }));
      return;
    }
    if (frame.type === "ack") {
      this.pending.delete(frame.client_id);
    } else if (typeof frame.seq === "number" && frame.handoff_id) {
      // A replay after a reconnect can overlap what this page already showed: show once.
      const seen = this.lastSeq.get(frame.handoff_id) ?? 0;
      if (frame.seq <= seen) return;
      this.lastSeq.set(frame.handoff_id, frame.seq);
    }
    this.dispatchEvent(new CustomEvent("frame", { detail: frame }));
    this.dispatchEvent(new CustomEvent(frame.type, { detail: frame }));
  }

  raw(frame) {
    if (this.ws && this.ready) {
      this.ws.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  /** Send a frame now; false when the socket is not connected. */
  send(frame) {
    return this.raw(frame);
  }

  sendJoin(handoffId, seq) {
    const frame = { type: "join", handoff_id: handoffId };
    if (seq) frame.last_seq = seq;
    this.raw(frame);
  }

  /** Attach to a handoff (again after each reconnect, from the last seq seen). */
  join(handoffId) {
    if (!this.lastSeq.has(handoffId)) this.lastSeq.set(handoffId, 0);
    this.sendJoin(handoffId, this.lastSeq.get(handoffId));
  }

  /** Stop following a handoff (after it ended). */
  leave(handoffId) {
    this.lastSeq.delete(handoffId);
    for (const [clientId, frame] of this.pending) {
      if (frame.handoff_id === handoffId) this.pending.delete(clientId);
    }
  }

  /** Send a chat message; kept and resent until the server acknowledges it. */
  sendMessage(handoffId, text) {
    const frame = { type: "message", handoff_id: handoffId, text, client_id: randomId() };
    this.pending.set(frame.client_id, frame);
    this.raw(frame);
    return frame.client_id;
  }
}
