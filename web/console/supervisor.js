// The supervisor's overview (the `stats` action; the server answers `forbidden` to anyone not
// in the supervisors group, and this section is only shown to supervisors), refreshed every
// 10 seconds while it is on screen.

import { el, clear, formatDuration } from './dom.js';

const REFRESH_MS = 10_000;

export class SupervisorView {
  constructor(section, send) {
    this.send = send;
    this.timer = null;
    this.figures = el('dl', { class: 'stats' });
    this.perOperator = el('tbody');
    this.feedback = el('tbody');
    this.updated = el('p', { class: 'hint' });
    this.error = el('p', { class: 'form-error', role: 'alert', hidden: true });
    section.append(
      el('h1', { id: 'supervisor-heading' }, 'Supervisor overview'),
      el('p', {}, 'Refreshed every 10 seconds.'), this.updated, this.error,
      this.figures,
      el('h2', {}, 'Chats per operator'),
      el('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Chats per operator' },
        el('table', { class: 'table' },
          el('caption', { class: 'visually-hidden' }, 'Chats per operator'),
          el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Operator'), el('th', { scope: 'col' }, 'Chats'))),
          this.perOperator)),
      el('h2', {}, 'Feedback from citizens'),
      el('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Feedback from citizens' },
        el('table', { class: 'table' },
          el('caption', { class: 'visually-hidden' }, 'Feedback from citizens'),
          el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Rating'), el('th', { scope: 'col' }, 'Chats'))),
          this.feedback)));
  }

  start() {
    this.stop();
    this.send({ action: 'stats' }, false);
    this.timer = setInterval(() => this.send({ action: 'stats' }, true), REFRESH_MS);
  }

  stop() { clearInterval(this.timer); this.timer = null; }

  forbidden() {
    this.stop();
    this.error.textContent = 'The server refused the overview: only supervisors may see it.';
    this.error.hidden = false;
  }

  show(stats) {
    this.error.hidden = true;
    clear(this.figures);
    const rows = [
      ['Chats waiting', String(stats.waiting)],
      ['Longest wait', formatDuration(stats.longestWaitSeconds ?? 0)],
      ['Operators online', String(stats.operatorsOnline)],
      ['Operators available', String(stats.operatorsAvailable)],
    ];
    for (const [k, v] of rows) this.figures.append(el('div', { class: 'stat' }, el('dt', {}, k), el('dd', {}, v)));
    clear(this.perOperator);
    for (const row of stats.chatsPerOperator ?? []) {
      this.perOperator.append(el('tr', {}, el('td', {}, row.operatorId), el('td', {}, String(row.chats))));
    }
    if (!(stats.chatsPerOperator ?? []).length) {
      this.perOperator.append(el('tr', {}, el('td', { colspan: '2' }, 'No operator holds a chat.')));
    }
    clear(this.feedback);
    for (const rating of ['5', '4', '3', '2', '1']) {
      this.feedback.append(el('tr', {}, el('td', {}, `${rating} out of 5`), el('td', {}, String(stats.feedback?.[rating] ?? 0))));
    }
    this.updated.textContent = `Updated at ${new Date().toLocaleTimeString('en-GB')}.`;
  }
}
