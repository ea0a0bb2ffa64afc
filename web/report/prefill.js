// Prefill from the operator console. The console opens `/report/?from=console` with
// window.open (keeping `opener`); this page tells its opener it is ready, and takes one
// message {type: 'bluelamp:prefill-report', kind, whatHappened, chatId} from it. Nothing
// comes in the address (which ends up in logs and the browser's history), and a message is
// taken only from the window that opened this one, on an origin this form trusts: its own,
// or one listed in config.json's `consoleOrigins`.

const KINDS = new Set(['crime', 'collision', 'antisocialBehaviour']);
const CHAT_ID = /^[A-Za-z0-9_=-]{1,64}$/;

/** The prefill in a message, or null if the message is not a well-formed one. */
export function parsePrefill(data) {
  if (!data || typeof data !== 'object' || data.type !== 'bluelamp:prefill-report') return null;
  const prefill = {};
  if (data.kind !== undefined) {
    if (!KINDS.has(data.kind)) return null;
    prefill.kind = data.kind;
  }
  if (data.whatHappened !== undefined) {
    if (typeof data.whatHappened !== 'string' || data.whatHappened.length > 5000) return null;
    prefill.whatHappened = data.whatHappened;
  }
  if (data.chatId !== undefined) {
    if (typeof data.chatId !== 'string' || !CHAT_ID.test(data.chatId)) return null;
    prefill.chatId = data.chatId;
  }
  return prefill;
}

/** Asks the opener for a prefill when opened with ?from=console; calls onPrefill once. */
export function listenForPrefill({ consoleOrigins = [], onPrefill }) {
  const opener = window.opener;
  if (new URLSearchParams(window.location.search).get('from') !== 'console' || !opener) return;
  const trusted = new Set([window.location.origin, ...consoleOrigins]);
  let taken = false;
  window.addEventListener('message', (event) => {
    if (taken || event.source !== opener || !trusted.has(event.origin)) return;
    const prefill = parsePrefill(event.data);
    if (!prefill) return;
    taken = true;
    onPrefill(prefill);
  });
  // A message sent to an origin the opener is not on is simply not delivered.
  for (const origin of trusted) {
    try { opener.postMessage({ type: 'bluelamp:report-ready' }, origin); } catch { /* bad origin in config */ }
  }
}
