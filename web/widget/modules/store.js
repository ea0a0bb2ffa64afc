// What the widget keeps in the tab so that a reload can resume the chat: the resume token,
// the chat id, the highest seq and the language. Never any message text: someone who picks
// the phone up later must not find the conversation in storage.
//
// Where: the widget origin's sessionStorage (the tab's life, this origin only). A browser that
// blocks third-party storage (Chromium does, for a frame on another site) refuses it; then a
// partitioned cookie of the widget origin holds it instead (CHIPS: readable only by this
// origin inside this force's site, never by the host page, and only on this page's path),
// named after a random id of the host tab (from the embed script) so that it belongs to this
// tab alone, and for 2 hours at most. Without either, the chat lives in memory: a dropped
// socket resumes, a reload does not.

const KEY = 'bluelamp.chat';
const COOKIE_PREFIX = 'bl_chat_';
// The frame's own address only: the cookie goes with the frame's loading and no other request
// (not with its scripts, styles or texts), so the token is in as few requests as can be.
const COOKIE_PATH = new URL(location.href).pathname;
const COOKIE_ATTRS = `; Path=${COOKIE_PATH}; Secure; SameSite=None; Partitioned`;
const COOKIE_MAX_AGE_S = 2 * 60 * 60;

let tabId = null;

/** `tab`: the host tab's id from the embed script (a random string), or null. */
export function configure({ tab }) {
  tabId = typeof tab === 'string' && /^[A-Za-z0-9_-]{8,64}$/.test(tab) ? tab : null;
}

function session() {
  try {
    const s = window.sessionStorage;
    s.getItem(KEY);
    return s;
  } catch {
    return null;
  }
}

function cookieNames() {
  return document.cookie.split(';').map((c) => c.split('=')[0].trim()).filter(Boolean);
}

function readCookie(name) {
  for (const part of document.cookie.split(';')) {
    const i = part.indexOf('=');
    if (part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1));
  }
  return null;
}

function parse(raw) {
  try {
    const v = JSON.parse(raw);
    if (typeof v.resumeToken !== 'string' || typeof v.chatId !== 'string') return null;
    return {
      resumeToken: v.resumeToken,
      chatId: v.chatId,
      lastSeq: Number.isInteger(v.lastSeq) ? v.lastSeq : 0,
      language: typeof v.language === 'string' ? v.language : null,
    };
  } catch {
    return null;
  }
}

export function load() {
  const s = session();
  if (s) return parse(s.getItem(KEY));
  if (tabId) return parse(readCookie(COOKIE_PREFIX + tabId));
  return null;
}

export function save({ resumeToken, chatId, lastSeq, language }) {
  const raw = JSON.stringify({ resumeToken, chatId, lastSeq, language });
  const s = session();
  try {
    if (s) s.setItem(KEY, raw);
    else if (tabId) {
      document.cookie = `${COOKIE_PREFIX}${tabId}=${encodeURIComponent(raw)}; Max-Age=${COOKIE_MAX_AGE_S}${COOKIE_ATTRS}`;
    }
  } catch {
    // Refused (quota, settings): the chat still works, only a reload loses it.
  }
}

/** Removes everything this origin stored here: storage and cookies (quick exit, end of chat). */
export function clearAll() {
  session()?.clear();
  try { localStorage.clear(); } catch { /* refused: nothing was stored there */ }
  try {
    for (const name of cookieNames()) {
      document.cookie = `${name}=; Max-Age=0${COOKIE_ATTRS}`;
      document.cookie = `${name}=; Max-Age=0; Path=${COOKIE_PATH}`;
    }
  } catch { /* no cookies */ }
}
