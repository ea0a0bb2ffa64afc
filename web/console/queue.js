// The queue of citizens waiting for an operator, live from `queue` frames (the whole queue
// each time, emergencies first, then oldest first: the server's order is kept). Waiting
// times tick every second; the emergency reason is written out, not shown by colour alone.

import { el, clear, formatDuration } from './dom.js';
import { languageName, languageNodes } from './languages.js';
import { reasonText } from './chats.js';
import { announce, announceUrgent } from './announce.js';

/**
 * What the bot answered before the chat joined the queue, as the knowledge base names its
 * entries (`report-crime-online` reads "report crime online"). Nothing when it answered nothing.
 */
function botAnswers(ids) {
  if (!Array.isArray(ids) || ids.length === 0) return null;
  const topics = ids.filter((id) => typeof id === 'string').map((id) => id.replace(/-/g, ' '));
  return el('p', { class: 'queue-line queue-bot' }, 'The bot answered: ', topics.join('; '));
}

export class Queue {
  constructor({ list, empty, count, note, onClaim }) {
    this.list = list;
    this.empty = empty;
    this.count = count;
    this.note = note;
    this.onClaim = onClaim;
    this.entries = [];
    this.known = null;            // chat ids seen before, to announce newcomers
    this.takenBy = new Map();     // chatId -> operator who won it
    this.claiming = new Set();
    this.timer = setInterval(() => this.tick(), 1000);
  }

  set(entries) {
    // The server sends emergencies first; should a frame ever not (a chat flagged as it joined
    // the queue has been seen listed behind a normal one), the console still shows them first:
    // an emergency must never sit unseen at the bottom. Otherwise the server's order stands.
    entries = [...entries.filter((e) => e.priority === 'emergency'), ...entries.filter((e) => e.priority !== 'emergency')];
    const fresh = this.known ? entries.filter((e) => !this.known.has(e.chatId)) : [];
    this.known = new Set(entries.map((e) => e.chatId));
    this.entries = entries;
    for (const id of this.claiming) if (!this.known.has(id)) this.claiming.delete(id);
    this.render();
    for (const entry of fresh) {
      if (entry.priority === 'emergency') {
        announceUrgent(`Emergency chat waiting: ${reasonText(entry.emergencyReason)}, ${languageName(entry.language)}.`);
      } else {
        announce(`New chat waiting, ${languageName(entry.language)}.`);
      }
    }
  }

  /** Another operator won the claim: say who, on the entry and above the list. */
  takenByOther(chatId, operatorId) {
    this.claiming.delete(chatId);
    const who = operatorId ?? 'another operator';
    if (chatId) this.takenBy.set(chatId, who);
    this.note.textContent = `That chat was taken by ${who}.`;
    this.render();
  }

  claimFailed(chatId, why) {
    this.claiming.delete(chatId);
    this.note.textContent = why;
    this.render();
  }

  render() {
    clear(this.list);
    this.empty.hidden = this.entries.length > 0;
    this.count.textContent = `(${this.entries.length})`;
    for (const entry of this.entries) this.list.append(this.renderEntry(entry));
    this.tick();
  }

  renderEntry(entry) {
    const emergency = entry.priority === 'emergency';
    const taken = this.takenBy.get(entry.chatId);
    const wait = el('span', { class: 'queue-wait', 'data-since': entry.waitingSinceMs });
    const claim = el('button', {
      type: 'button', class: emergency ? 'button button-warning' : 'button',
      disabled: Boolean(taken) || this.claiming.has(entry.chatId),
    }, `Claim chat ${entry.position}`);
    claim.addEventListener('click', () => {
      this.claiming.add(entry.chatId);
      claim.disabled = true;
      this.note.textContent = '';
      this.onClaim(entry.chatId);
    });
    return el('li', { class: `queue-entry${emergency ? ' queue-emergency' : ''}`, 'data-chat-id': entry.chatId },
      emergency
        ? el('p', { class: 'queue-reason' }, el('span', { class: 'flag flag-emergency' }, 'Emergency'), ' Reason: ',
          reasonText(entry.emergencyReason))
        : null,
      el('p', { class: 'queue-line' },
        el('span', { class: 'queue-position' }, `Position ${entry.position}`), ', ',
        el('span', { class: 'queue-language' }, languageNodes(entry.language))),
      el('p', { class: 'queue-line' }, 'Waiting ', wait),
      botAnswers(entry.botAnswers),
      taken ? el('p', { class: 'queue-taken' }, `Taken by ${taken}`) : null,
      claim);
  }

  tick() {
    const now = Date.now();
    for (const node of this.list.querySelectorAll('.queue-wait')) {
      node.textContent = formatDuration((now - Number(node.dataset.since)) / 1000);
    }
  }
}
