// One WebSocket to the public API that comes back by itself: when it drops, it reconnects
// with a growing delay (0.5 s, 1 s, 2 s ... up to 15 s) and tells the app, which resumes the
// chat. A ping every 4 minutes keeps API Gateway from closing an idle socket (10 minutes).

const PING_EVERY_MS = 4 * 60 * 1000;
const MAX_DELAY_MS = 15_000;

export class Connection {
  /**
   * `onOpen()` on every (re)connection, `onFrame(frame)` for each server frame,
   * `onStatus(status)` with 'connecting', 'open' or 'reconnecting'.
   */
  constructor(url, { onOpen, onFrame, onStatus }) {
    this.url = url;
    this.onOpen = onOpen;
    this.onFrame = onFrame;
    this.onStatus = onStatus;
    this.ws = null;
    this.attempt = 0;
    this.stopped = false;
    this.retryTimer = null;
    this.pingTimer = null;
  }

  get isOpen() {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  connect() {
    if (this.ws && this.ws.readyState <= WebSocket.OPEN) return;
    this.stopped = false;
    clearTimeout(this.retryTimer);
    this.onStatus(this.attempt ? 'reconnecting' : 'connecting');
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.ws = ws;
    ws.addEventListener('open', () => {
      this.attempt = 0;
      this.onStatus('open');
      this.pingTimer = setInterval(() => this.send({ action: 'ping' }), PING_EVERY_MS);
      this.onOpen();
    });
    ws.addEventListener('message', (e) => {
      let frame;
      try {
        frame = JSON.parse(e.data);
      } catch {
        return;
      }
      if (frame && typeof frame === 'object') this.onFrame(frame);
    });
    ws.addEventListener('close', () => {
      clearInterval(this.pingTimer);
      if (this.ws === ws) this.ws = null;
      if (!this.stopped) this.scheduleRetry();
    });
  }

  scheduleRetry() {
    this.attempt += 1;
    this.onStatus('reconnecting');
    const delay = Math.min(MAX_DELAY_MS, 500 * 2 ** (this.attempt - 1));
    this.retryTimer = setTimeout(() => this.connect(), delay * (0.8 + Math.random() * 0.4));
  }

  /** Sends `frame` if the socket is open; answers whether it was sent. */
  send(frame) {
    if (!this.isOpen) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  /** Reconnects now rather than at the next retry (the browser came back online). */
  retryNow() {
    if (this.stopped || this.ws) return;
    clearTimeout(this.retryTimer);
    this.connect();
  }

  /** Closes for good (quick exit): no reconnection. */
  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.pingTimer);
    try { this.ws?.close(); } catch { /* already closed */ }
    this.ws = null;
  }
}
