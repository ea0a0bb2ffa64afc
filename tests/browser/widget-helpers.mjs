// Helpers for the widget's browser tests: the demo force page with the widget, the frame,
// and an operator who claims the citizen's chat. Everything a test asserts goes through what
// a person sees (roles, names, text); the frame's own storage is read only where a test must
// prove something was forgotten.

import { DESKTOP } from './lib/harness.mjs';
import { expect, eventually } from './widget-expect.mjs';

export const FRAME = 'iframe[title="Live chat"]';

/** The exit page the tests point the widget at: the neutral page on the widget's origin. */
export function neutralUrl(gw) {
  return `${gw.url}/demo/neutral.html`;
}

/** A new context and page on the demo force page (the widget's exit set to the neutral page). */
export async function openDemo(browser, gw, { locale = 'en-GB', viewport = DESKTOP } = {}) {
  const context = await browser.newContext({ locale, viewport });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${gw.demoUrl}?exit=${encodeURIComponent(neutralUrl(gw))}`);
  const frame = page.frameLocator(FRAME);
  return { context, page, frame, errors };
}

/** The widget's frame as a Playwright Frame (for evaluate), once it has loaded. */
export async function widgetFrame(page) {
  await page.locator(FRAME).waitFor();
  const handle = await page.locator(FRAME).elementHandle();
  const frame = await handle.contentFrame();
  await frame.waitForLoadState();
  return frame;
}

/** Opens the launcher and starts a chat in the language the picker shows. */
export async function startChat(frame, { launcher = 'Live chat', start = 'Start chat', message = 'Your message' } = {}) {
  await frame.getByRole('button', { name: launcher }).click();
  await frame.getByRole('button', { name: start }).click();
  await frame.getByLabel(message).waitFor();
}

/** Sends `text` as the citizen and waits for it to be stored (no "Sending…" left). */
export async function citizenSays(frame, text, { label = 'Your message', send = 'Send' } = {}) {
  await frame.getByLabel(label).fill(text);
  await frame.getByRole('button', { name: send, exact: true }).click();
  await frame.locator('.msg--pending').first().waitFor({ state: 'detached' });
}

/**
 * The operator claims the chat that joined the queue last (earlier tests' chats may still
 * wait there, an emergency first); answers its chatId.
 */
export async function claimNext(op) {
  // The queue as the operator last saw it: a `queue` frame, or `operator_ready` if the chat
  // was already waiting when the operator connected.
  const latest = () => {
    for (let i = op.frames.length - 1; i >= 0; i -= 1) {
      const f = op.frames[i];
      if (f.type === 'queue') return f.entries;
      if (f.type === 'operator_ready') return f.queue;
    }
    return [];
  };
  const entries = await eventually('a chat in the queue', () => (latest().length ? latest() : null), 15_000);
  const newest = entries.reduce((a, b) => (b.waitingSinceMs > a.waitingSinceMs ? b : a));
  const chatId = newest.chatId;
  op.send({ action: 'claim', chatId });
  await op.next((f) => f.type === 'claimed' && f.chat.chatId === chatId);
  return chatId;
}

let counter = 0;
/** The operator writes in the chat; answers the message's seq. */
export async function operatorSays(op, chatId, text) {
  counter += 1;
  const clientMessageId = `o${counter}-${Date.now()}`;
  op.send({ action: 'send', chatId, clientMessageId, text });
  const ack = await op.next((f) => f.type === 'ack' && f.clientMessageId === clientMessageId);
  return ack.seq;
}

/** The texts of the message bubbles the citizen sees, in order. */
export async function bubbles(frame) {
  return frame.getByRole('log').locator('ol > li').allInnerTexts();
}

/**
 * What the widget's origin keeps in this tab, read inside its frame: sessionStorage and
 * localStorage (or "refused" where the browser blocks third-party storage) and cookies.
 */
export async function widgetStorage(page) {
  const frame = await widgetFrame(page);
  return frame.evaluate(() => {
    const dump = (get) => {
      try {
        const s = get();
        return Object.fromEntries(Object.keys(s).map((k) => [k, s.getItem(k)]));
      } catch {
        return 'refused';
      }
    };
    return { session: dump(() => sessionStorage), local: dump(() => localStorage), cookie: document.cookie };
  });
}

/** True when `storage` (from widgetStorage) holds nothing at all. */
export function isEmpty(storage) {
  const none = (s) => s === 'refused' || Object.keys(s).length === 0;
  return none(storage.session) && none(storage.local) && storage.cookie === '';
}

/**
 * Puts the widget's WebSocket under the test's control (Playwright routes it through itself):
 * `cut()` drops every open socket, `block()` makes new ones fail until `unblock()`,
 * `dropNext(pred)` swallows the next server frame matching `pred` and cuts the socket, as a
 * connection lost between the server storing a message and its ack arriving; `inject(frame)`
 * hands the widget a frame the local gateway cannot produce (a real machine translation).
 */
export async function controlSockets(context, gw) {
  const open = new Set();
  let blocked = false;
  let dropper = null;
  const connects = [];
  await context.routeWebSocket(`${gw.wsPublic}`, (ws) => {
    if (blocked) {
      ws.close({ code: 4000, reason: 'test: network down' });
      return;
    }
    const server = ws.connectToServer();
    const pair = { ws, server };
    open.add(pair);
    connects.push(Date.now());
    server.onMessage((message) => {
      if (dropper) {
        let frame;
        try { frame = JSON.parse(message); } catch { frame = null; }
        if (frame && dropper(frame)) {
          dropper = null;
          cut();
          return;
        }
      }
      ws.send(message);
    });
    ws.onClose(() => { open.delete(pair); server.close(); });
    server.onClose(() => { open.delete(pair); ws.close(); });
  });
  function cut() {
    for (const { ws, server } of [...open]) {
      open.delete({ ws, server });
      server.close();
      ws.close({ code: 4001, reason: 'test: cut' });
    }
    open.clear();
  }
  return {
    cut,
    block() { blocked = true; cut(); },
    unblock() { blocked = false; },
    dropNext(pred) { dropper = pred; },
    /** Delivers `frame` to the widget as if the server had sent it (on every open socket). */
    inject(frame) { for (const { ws } of open) ws.send(JSON.stringify(frame)); },
    get connects() { return connects.length; },
    get openCount() { return open.size; },
  };
}

/**
 * The demo page with a chat the operator `op` has claimed and greeted with `greeting` (shown
 * in the widget), its sockets under the test's control: `{ ...demo, sockets, chatId }`.
 */
export async function chatHeldBy(browser, gw, op, greeting) {
  const demo = await openDemo(browser, gw);
  const sockets = await controlSockets(demo.context, gw);
  await startChat(demo.frame);
  await demo.frame.getByRole('button', { name: 'Talk to an operator' }).click();
  const chatId = await claimNext(op);
  await operatorSays(op, chatId, greeting);
  await expect(demo.frame.getByText(greeting)).toBeVisible();
  return { ...demo, sockets, chatId };
}
