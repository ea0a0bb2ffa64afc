// Leaving the site quickly: the "Leave the site" button, or Shift pressed 3 times within a
// second (the GOV.UK "Exit this page" pattern). Someone may be looking over the citizen's
// shoulder, so everything here is done at once and in order: blank the screen, end the chat
// on the server (over the socket if it is open, and by beacon in case it is not), forget
// what was stored, then replace the top page (no new history entry).

import { clearAll } from './store.js';

/** Calls `onTriple()` when Shift is pressed 3 times within `withinMs`. */
export function shiftTriple(target, onTriple, withinMs = 1000) {
  let presses = [];
  target.addEventListener('keydown', (e) => {
    if (e.key !== 'Shift' || e.repeat) return;
    const now = e.timeStamp;
    presses = presses.filter((t) => now - t < withinMs);
    presses.push(now);
    if (presses.length >= 3) {
      presses = [];
      onTriple(e);
    }
  }, true);
}

/**
 * Everything that must happen before the page goes, synchronously: `leave` over an open
 * socket, the beacon (which survives the page being replaced), and clearing storage.
 */
export function endAndForget({ connection, resumeToken, api }) {
  if (resumeToken) {
    connection?.send({ action: 'leave', quick: true });
    try {
      const body = new Blob([JSON.stringify({ resumeToken })], { type: 'text/plain' });
      navigator.sendBeacon(`${api}/chat/quick-exit`, body);
    } catch {
      // No beacon (very old browser): the socket's leave, if it was open, has ended the chat.
    }
  }
  connection?.stop();
  clearAll();
}
