// Leaving the site quickly: the "Leave the site" button, or Shift pressed 3 times within a
// second (the GOV.UK "Exit this page" pattern). Someone may be looking over the citizen's
// shoulder, so everything here is done at once and in order: blank the screen, end the chat
// on the server (over the socket if it is open, and by beacon in case it is not), forget
// what was stored, then replace the top page (no new history entry).

import { clearAll } from './store.js';

/**
 * Calls `onTriple()` when Shift is pressed on its own 3 times within `withinMs`. A Shift used
 * with another key (Shift+Tab to go back, a capital letter) does not count, and resets the
 * count: a keyboard user moving back through the page must not leave it by accident.
 */
export function shiftTriple(target, onTriple, withinMs = 1000) {
  let presses = [];
  let shiftDown = false;
  let combined = false;
  target.addEventListener('keydown', (e) => {
    if (e.key === 'Shift') {
      if (!e.repeat) { shiftDown = true; combined = false; }
      return;
    }
    combined = shiftDown;
    presses = [];
  }, true);
  target.addEventListener('keyup', (e) => {
    if (e.key !== 'Shift') return;
    shiftDown = false;
    if (combined) return;
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
