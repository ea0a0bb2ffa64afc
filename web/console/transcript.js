// One transcript entry as the operator reads it: words (a citizen's, an operator's, the
// bot's) or an event. Every piece of text from the chat goes in through dom.js as text.

import { el, userText, safeLink, formatTime } from './dom.js';
import { englishName, direction } from './languages.js';

const ENDED_REASONS = {
  citizen_left: 'The citizen left the chat.',
  quick_exit: 'The citizen left with the quick exit button.',
  operator_ended: 'The chat was ended by the operator.',
};

export function endedReasonText(reason) {
  return ENDED_REASONS[reason] ?? 'The chat ended.';
}

/** The words of an event, or null for an event this console does not show. */
export function eventText(event, me) {
  switch (event.event) {
    case 'queued':
      return event.emergency ? 'The chat joined the queue as an emergency.' : 'The chat joined the queue.';
    case 'operator_joined':
      return event.operatorId === me ? 'You joined the chat.' : `${event.operatorId} joined the chat.`;
    case 'handed_back': return 'The chat was handed back to the queue.';
    case 'citizen_disconnected': return "The citizen's connection dropped. They may come back.";
    case 'citizen_returned': return 'The citizen is back.';
    case 'ended': return endedReasonText(event.reason);
    case 'language_changed':
      return `The chat's language changed from ${englishName(event.from)} to ${englishName(event.to)}`
        + (event.by === 'operator' ? ' (set by an operator).' : ' (detected from what the citizen wrote).');
    case 'language_mismatch':
      return `The citizen chose ${englishName(event.chosen)} but seems to write ${englishName(event.detected)}. `
        + 'You can change the chat\'s language.';
    default:
      return null;
  }
}

function senderLabel(sender, me) {
  switch (sender.role) {
    case 'citizen': return 'Citizen';
    case 'operator': return sender.operatorId === me ? 'You' : `Operator ${sender.operatorId}`;
    case 'bot': return 'Bot';
    default: return 'System';
  }
}

function mark(text, kind) {
  return el('span', { class: `mark mark-${kind}` }, text);
}

/** The original words, one click away. */
function original(orig) {
  const name = englishName(orig.language);
  const body = userText('p', orig.text, orig.language);
  const dir = direction(orig.language);
  if (dir !== 'auto') body.setAttribute('dir', dir);
  return el('details', { class: 'original' },
    el('summary', {}, `Show original (${name})`),
    body);
}

/** The bot's extras: links, the topics it offered, whether it gave the 999 advice. */
function botExtras(bot) {
  const parts = [];
  if (bot.emergency) parts.push(el('p', { class: 'mark mark-emergency' }, 'The bot gave the 999 emergency advice.'));
  if (Array.isArray(bot.links) && bot.links.length) {
    parts.push(el('ul', { class: 'bot-links', 'aria-label': 'Links the bot gave' },
      bot.links.map((href) => el('li', {}, safeLink(href)))));
  }
  if (Array.isArray(bot.suggestions) && bot.suggestions.length) {
    parts.push(el('p', { class: 'bot-suggestions' }, 'Topics offered: ',
      bot.suggestions.map((s, i) => [i ? ', ' : '', userText('span', s.topic)])));
  }
  if (bot.offerOperator) parts.push(el('p', { class: 'bot-suggestions' }, 'The bot offered to find a person.'));
  return parts;
}

/** An <li> for an entry of the transcript. */
export function renderEntry(entry, me) {
  if (entry.event) {
    const text = eventText(entry.event, me) ?? `Event: ${entry.event.event}`;
    const kind = entry.event.event === 'ended' && entry.event.reason === 'quick_exit' ? ' entry-alert' : '';
    return el('li', { class: `entry entry-event${kind}`, 'data-seq': entry.seq },
      el('p', {}, el('time', { datetime: new Date(entry.sentMs).toISOString() }, formatTime(entry.sentMs)), ' ', text));
  }
  const role = entry.sender?.role ?? 'system';
  const mine = role === 'operator' && entry.sender.operatorId === me;
  const li = el('li', { class: `entry entry-${role}${mine ? ' entry-mine' : ''}`, 'data-seq': entry.seq ?? '' });
  li.append(el('p', { class: 'entry-meta' },
    el('span', { class: 'entry-sender' }, senderLabel(entry.sender ?? {}, me)),
    ' ',
    entry.sentMs ? el('time', { datetime: new Date(entry.sentMs).toISOString() }, formatTime(entry.sentMs)) : null));
  const text = userText('p', entry.text, entry.language);
  text.classList.add('entry-text');
  li.append(text);
  const marks = el('p', { class: 'entry-marks' });
  if (entry.original?.machineTranslated) marks.append(mark(`Machine translated from ${englishName(entry.original.language)}`, 'translated'));
  else if (entry.original) marks.append(mark(`Written in ${englishName(entry.original.language)}, not machine translated`, 'translated'));
  if (entry.translationUnavailable) {
    marks.append(mark(`Translation unavailable: shown as written, in ${englishName(entry.language)}`, 'warning'));
  }
  if (marks.childNodes.length) li.append(marks);
  if (entry.original) li.append(original(entry.original));
  if (role === 'bot' && entry.bot) li.append(...botExtras(entry.bot));
  return li;
}
