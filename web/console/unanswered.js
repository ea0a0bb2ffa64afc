// Questions the FAQ bot could not answer lately (the `unanswered` action), for the force's
// content editors. The records hold keywords only, never the citizen's words.

import { el, clear, formatDateTime } from './dom.js';
import { englishName } from './languages.js';

const REASONS = { no_topic: 'No topic matched', low_confidence: 'Not confident', handoff: 'Asked for a person' };

export class UnansweredView {
  constructor(section, send) {
    this.send = send;
    const refresh = el('button', { type: 'button', class: 'button button-secondary' }, 'Refresh');
    refresh.addEventListener('click', () => this.request());
    this.tbody = el('tbody');
    this.empty = el('p', { hidden: true }, 'No unanswered questions.');
    this.updated = el('p', { class: 'hint' });
    section.append(
      el('h1', { id: 'unanswered-heading' }, 'Questions the bot could not answer'),
      el('p', {}, 'Newest first. Keywords only: names, places, numbers and addresses are left out.'),
      refresh, this.updated,
      el('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Unanswered questions' },
        el('table', { class: 'table' },
          el('caption', { class: 'visually-hidden' }, 'Unanswered questions'),
          el('thead', {}, el('tr', {}, ['When', 'Why', 'Keywords', 'Closest topic', 'Confidence', 'Language']
            .map((h) => el('th', { scope: 'col' }, h)))),
          this.tbody)),
      this.empty);
  }

  request() { this.send({ action: 'unanswered', limit: 100 }); }

  show(entries) {
    clear(this.tbody);
    for (const e of entries) {
      this.tbody.append(el('tr', {},
        el('td', {}, formatDateTime(e.at)),
        el('td', {}, REASONS[e.reason] ?? String(e.reason)),
        el('td', {}, (e.keywords ?? []).join(', ')),
        el('td', {}, e.closest ?? '—'),
        el('td', {}, typeof e.confidence === 'number' ? `${Math.round(e.confidence * 100)} %` : '—'),
        el('td', {}, englishName(e.language))));
    }
    this.empty.hidden = entries.length > 0;
    this.updated.textContent = `Updated at ${new Date().toLocaleTimeString('en-GB')}.`;
  }
}
