// The transcript: one <li> per entry of the chat, in seq order, each made with
// createElement and textContent only. Whatever anybody typed (an operator's "<script>", a
// right-to-left override) is shown as the characters it is, in an isolated direction box.
// An entry that comes again with the same seq (a transcript after a live frame, a translation
// update) replaces the one shown: nothing is shown twice.

import { t } from './i18n.js';

const SHOWN_EVENTS = {
  queued: () => t('evQueued'),
  operator_joined: () => t('evOperatorJoined'),
  handed_back: () => t('evHandedBack'),
  language_changed: () => t('evLanguageChanged'),
  ended: (e) => ({
    operator_ended: t('evEndedOperator'),
    citizen_left: t('evEndedCitizen'),
  }[e.reason] ?? t('evEnded')),
};

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A link only for an absolute http(s) address; anything else (javascript:, data:) is text. */
function safeLink(href) {
  let url;
  try {
    url = new URL(href);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  const a = el('a', 'link', url.href);
  a.href = url.href;
  a.target = '_blank';
  a.rel = 'noopener noreferrer';
  return a;
}

function wordsElement(text, language) {
  // One paragraph per blank-line-separated part, each finding its own direction (dir=auto,
  // and unicode-bidi isolation in CSS): the bot's 999 advice is the chat's language and then
  // English, and English inside an Arabic paragraph would be laid out right to left.
  const parts = String(text).split(/\n[ \t]*\n/);
  if (parts.length === 1) {
    const p = el('p', 'msg__text', text);
    if (language) p.lang = language;
    p.dir = 'auto';
    return p;
  }
  const box = el('div', 'msg__text');
  if (language) box.lang = language;
  for (const part of parts) {
    const p = el('p', 'msg__para', part);
    p.dir = 'auto';
    box.append(p);
  }
  return box;
}

export { SHOWN_EVENTS };

export class Transcript {
  /** `list` is the role=log <ol>; `onSuggestion(topic)`, `onOperator()` for the bot's buttons. */
  constructor(list, { onSuggestion, onOperator }) {
    this.list = list;
    this.onSuggestion = onSuggestion;
    this.onOperator = onOperator;
    this.bySeq = new Map();
    this.pending = new Map();
    this.seenSeq = 0;
  }

  clear() {
    this.list.replaceChildren();
    this.bySeq.clear();
    this.pending.clear();
    this.seenSeq = 0;
  }

  get highestSeq() {
    let max = 0;
    for (const seq of this.bySeq.keys()) max = Math.max(max, seq);
    return max;
  }

  /** The number of bubbles shown (for the app's own checks). */
  get size() {
    return this.bySeq.size + this.pending.size;
  }

  /** Shows a stored entry (live, resumed or history). Answers true if its seq was new. */
  upsert(entry) {
    if (!Number.isInteger(entry.seq) || entry.seq < 1) return false;
    const role = entry.sender?.role;
    // Our own message, shown while pending: it takes its place by seq now.
    if (role === 'citizen' && entry.clientMessageId && this.pending.has(entry.clientMessageId)) {
      const li = this.pending.get(entry.clientMessageId);
      this.pending.delete(entry.clientMessageId);
      li.remove();
    }
    const li = this.render(entry);
    if (!li) return false;
    li.dataset.seq = String(entry.seq);
    const old = this.bySeq.get(entry.seq);
    this.bySeq.set(entry.seq, li);
    if (old) {
      old.replaceWith(li);
      this.updateSeen();
      return false;
    }
    this.insertInOrder(li, entry.seq);
    this.updateSeen();
    return true;
  }

  insertInOrder(li, seq) {
    for (const child of this.list.children) {
      const s = Number(child.dataset.seq);
      if (child.dataset.local) continue;
      if (!child.dataset.seq || s > seq) {
        this.list.insertBefore(li, child);
        return;
      }
    }
    this.list.append(li);
  }

  /** A line of the widget's own (not from the server), at the end. */
  note(text) {
    const li = el('li', 'msg msg--system', text);
    li.dataset.local = 'true';
    this.list.append(li);
    return li;
  }

  /** A message the citizen just wrote, shown as "Sending…" until its ack. */
  addPending(clientMessageId, text, language) {
    const li = this.citizenElement(text, language);
    li.classList.add('msg--pending');
    li.append(el('p', 'msg__status', t('sending')));
    this.pending.set(clientMessageId, li);
    this.list.append(li);
  }

  /** Pending messages shown as waiting for the connection (it dropped). */
  markUnsent() {
    for (const li of this.pending.values()) {
      li.querySelector('.msg__status').textContent = t('notSent');
    }
  }

  markSending() {
    for (const li of this.pending.values()) {
      li.querySelector('.msg__status').textContent = t('sending');
    }
  }

  /** The message `clientMessageId` is stored as `seq`. */
  ack(clientMessageId, seq, text, language) {
    const li = this.pending.get(clientMessageId);
    if (!li) return;
    this.pending.delete(clientMessageId);
    li.remove();
    if (this.bySeq.has(seq)) return;
    const done = this.citizenElement(text, language);
    done.dataset.seq = String(seq);
    this.bySeq.set(seq, done);
    this.insertInOrder(done, seq);
    this.updateSeen();
  }

  /** The operator has seen everything up to `seq`. */
  seen(seq) {
    if (seq > this.seenSeq) this.seenSeq = seq;
    this.updateSeen();
  }

  /** "Seen" goes under the citizen's last stored message once the operator has seen it. */
  updateSeen() {
    for (const mark of this.list.querySelectorAll('.msg__seen')) mark.remove();
    let last = null;
    for (const [seq, li] of this.bySeq) {
      if (li.classList.contains('msg--citizen') && (!last || seq > last[0])) last = [seq, li];
    }
    if (last && this.seenSeq >= last[0]) last[1].append(el('p', 'msg__seen', t('seen')));
  }

  citizenElement(text, language) {
    const li = el('li', 'msg msg--citizen');
    li.append(el('p', 'msg__who', t('you')), wordsElement(text, language));
    return li;
  }

  render(entry) {
    const role = entry.sender?.role;
    if (role === 'system') {
      const describe = SHOWN_EVENTS[entry.event?.event];
      if (!describe) return null;
      const li = el('li', 'msg msg--system', describe(entry.event));
      if (entry.event.event === 'ended') li.dataset.ended = 'true';
      return li;
    }
    if (typeof entry.text !== 'string') return null;
    if (role === 'citizen') return this.citizenElement(entry.text, entry.language);
    if (role === 'bot') return this.botElement(entry);
    if (role === 'operator') return this.operatorElement(entry);
    return null;
  }

  botElement(entry) {
    const bot = entry.bot ?? {};
    const li = el('li', 'msg msg--bot');
    if (bot.emergency) {
      li.classList.add('msg--emergency');
      li.append(el('p', 'msg__who msg__who--emergency', t('emergencyAnswer')));
    } else {
      li.append(el('p', 'msg__who', t('assistant')));
    }
    li.append(wordsElement(entry.text, entry.language));

    const links = (Array.isArray(bot.links) ? bot.links : []).map(safeLink).filter(Boolean);
    if (links.length) {
      const ul = el('ul', 'msg__links');
      ul.setAttribute('aria-label', t('links'));
      for (const a of links) {
        const item = el('li');
        item.append(a);
        ul.append(item);
      }
      li.append(ul);
    }

    const suggestions = Array.isArray(bot.suggestions) ? bot.suggestions : [];
    const buttons = [];
    for (const s of suggestions) {
      if (typeof s?.topic !== 'string' || !s.topic) continue;
      const b = el('button', 'button button--suggestion', s.topic);
      b.type = 'button';
      b.dir = 'auto';
      b.addEventListener('click', () => this.onSuggestion(s.topic));
      buttons.push(b);
    }
    if (bot.offerOperator) {
      const b = el('button', 'button button--suggestion', t('talkToOperator'));
      b.type = 'button';
      b.addEventListener('click', () => this.onOperator());
      buttons.push(b);
    }
    if (buttons.length) {
      const group = el('div', 'msg__suggestions');
      group.setAttribute('role', 'group');
      group.setAttribute('aria-label', t('suggestions'));
      group.append(...buttons);
      li.append(group);
    }
    return li;
  }

  operatorElement(entry) {
    const li = el('li', 'msg msg--operator');
    li.append(el('p', 'msg__who', t('operator')), wordsElement(entry.text, entry.language));
    const original = entry.original;
    if (original && typeof original.text === 'string') {
      const meta = el('p', 'msg__meta');
      if (original.machineTranslated === true) meta.append(el('span', 'msg__tag', t('machineTranslated')), ' ');
      const toggle = el('button', 'button--link', t('showOriginal'));
      toggle.type = 'button';
      toggle.setAttribute('aria-expanded', 'false');
      const shown = el('div', 'msg__original');
      shown.hidden = true;
      shown.append(el('p', 'msg__original-label', t('original')), wordsElement(original.text, original.language));
      toggle.addEventListener('click', () => {
        const open = shown.hidden;
        shown.hidden = !open;
        toggle.setAttribute('aria-expanded', String(open));
        toggle.textContent = open ? t('hideOriginal') : t('showOriginal');
      });
      meta.append(toggle);
      li.append(meta, shown);
    } else if (entry.translationUnavailable) {
      li.append(el('p', 'msg__meta', t('notTranslated')));
    }
    return li;
  }
}
