// The operator socket: connects with the token, says hello on every (re)connect, reconnects
// with a growing delay after a drop, and hands every frame to one listener. Frames whose `v`
// is not 1 come from a protocol this console does not speak: it stops and says so.

const MAX_DELAY_MS = 30_000;
// The server allows 20 frames a socket in each 10 s window (aligned to its clock). The console
// keeps under 18 in any 10 s (a sliding window, so whatever the clocks' alignment), queueing
// the rest for a moment; frames that only matter now (typing, ping, a periodic refresh) are
// dropped instead. Five chats at once at 3 a.m. must not run into rate_limited.
const WINDOW_MS = 10_000;
const BUDGET = 18;
const PING_EVERY_MS = 4 * 60_000; // API Gateway closes sockets idle for 10 minutes

export class Connection {
  /**
   * url: the operator WebSocket API; token: () => the access token;
   * onFrame(frame), onStatus('connecting' | 'open' | 'reconnecting' | 'closed' | 'incompatible').
   */
  constructor(url, token, { onFrame, onStatus }) {
    this.url = url;
    this.token = token;
    this.onFrame = onFrame;
    this.onStatus = onStatus;
    this.ws = null;
    this.attempt = 0;
    this.stopped = false;
    this.retryTimer = null;
    this.pingTimer = null;
    this.failures = 0; // closes before the socket ever opened: a refused token looks like this
    this.sentAt = [];  // when the last frames went, for the budget
    this.backlog = []; // frames waiting for room in the budget
    this.flushTimer = null;
  }

  start() {
    this.stopped = false;
    this.open();
  }

  open() {
    const token = this.token();
    if (!token) { this.stop(); return; }
    const url = new URL(this.url);
    url.searchParams.set('token', token);
    this.onStatus(this.attempt === 0 ? 'connecting' : 'reconnecting');
    const ws = new WebSocket(url.href);
    this.ws = ws;
    let opened = false;
    ws.addEventListener('open', () => {
      opened = true;
      this.failures = 0;
      this.attempt = 0;
      this.onStatus('open');
      this.sentAt = []; // the server counts per socket
      this.send({ action: 'hello' });
      clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => this.send({ action: 'ping' }, { droppable: true }), PING_EVERY_MS);
    });
    ws.addEventListener('message', (event) => {
      let frame;
      try { frame = JSON.parse(event.data); } catch { return; }
      if (frame.v !== 1) {
        this.stop();
        this.onStatus('incompatible');
        return;
      }
      this.onFrame(frame);
    });
    ws.addEventListener('close', () => {
      clearInterval(this.pingTimer);
      // What waited for this socket is not sent on the next: hello (and the chats' own
      // re-sending of unacknowledged messages) starts afresh.
      this.backlog = [];
      clearTimeout(this.flushTimer);
      if (this.ws !== ws || this.stopped) return;
      if (!opened) this.failures += 1;
      this.scheduleReconnect();
      // A browser is not told why an upgrade was refused (401 and a dead network look alike):
      // after a few refusals in a row, an expired sign-in is the likely cause.
      if (this.failures >= 4) this.onStatus('failing');
    });
  }

  scheduleReconnect() {
    this.attempt += 1;
    // 1 s, 2 s, 4 s ... up to 30 s, with jitter so a room's consoles do not all come back at once.
    const base = Math.min(MAX_DELAY_MS, 1000 * 2 ** (this.attempt - 1));
    const delay = base / 2 + Math.random() * (base / 2);
    this.onStatus('reconnecting');
    this.retryTimer = setTimeout(() => this.open(), delay);
  }

  /**
   * Sends a frame, or queues it until the budget has room. Answers false when it was not sent
   * and will not be: the socket is not open, or the frame is `droppable` and there is no room.
   */
  send(frame, { droppable = false } = {}) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    if (this.backlog.length === 0 && this.room() > 0) {
      this.transmit(frame);
      return true;
    }
    if (droppable) return false;
    this.backlog.push(frame);
    this.scheduleFlush();
    return true;
  }

  room() {
    const now = Date.now();
    while (this.sentAt.length && now - this.sentAt[0] >= WINDOW_MS) this.sentAt.shift();
    return BUDGET - this.sentAt.length;
  }

  transmit(frame) {
    this.sentAt.push(Date.now());
    this.ws.send(JSON.stringify(frame));
  }

  scheduleFlush() {
    if (this.flushTimer) return;
    const wait = this.sentAt.length ? Math.max(0, this.sentAt[0] + WINDOW_MS - Date.now()) + 20 : 0;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      if (!this.isOpen) { this.backlog = []; return; }
      while (this.backlog.length && this.room() > 0) this.transmit(this.backlog.shift());
      if (this.backlog.length) this.scheduleFlush();
    }, wait);
  }

  get isOpen() { return Boolean(this.ws && this.ws.readyState === WebSocket.OPEN); }

  /** Closes for good (signing out): no reconnect. */
  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.pingTimer);
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      ws.close(1000, 'signed out');
    }
    this.onStatus('closed');
  }

  /** For tests and for "reconnect now": drops the socket as a lost network would. */
  drop() {
    if (this.ws) this.ws.close(4000, 'dropped');
  }
}
