// What the widget keeps in the tab (sessionStorage) so a reload can resume the chat: the
// resume token, the chat id, the highest seq and the language. Never any message text:
// someone who picks the phone up later must not find the conversation in storage.

const KEY = 'bluelamp.chat';

export function load() {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
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

export function save({ resumeToken, chatId, lastSeq, language }) {
  try {
    sessionStorage.setItem(KEY, JSON.stringify({ resumeToken, chatId, lastSeq, language }));
  } catch {
    // Storage refused (private mode, quota): the chat still works, only a reload loses it.
  }
}

/** Removes everything this origin stored, not only our key (quick exit, end of chat). */
export function clearAll() {
  try { sessionStorage.clear(); } catch { /* nothing to clear */ }
  try { localStorage.clear(); } catch { /* nothing to clear */ }
}
