// The Reports section: the assessment queue (GET /operator/reports, oldest first, by kind),
// one report in full (GET /operator/reports/{reference}) and its assessment (POST
// .../assessment). Every read is written to the audit log by the server. Every value of a
// report is shown as text.

import { el, clear, uid, userText, formatDateTime } from './dom.js';
import { field, radios, showErrors } from './form.js';
import { listReports, getReport, assessReport, ApiError } from './api.js';
import { announce } from './announce.js';

const KIND_NAMES = { crime: 'Crime', collision: 'Road collision', antisocialBehaviour: 'Anti-social behaviour' };
const SIGNPOSTS = { emergency: 'Reads like an emergency', reportFraud: 'Fraud: Report Fraud' };
const OUTCOMES = [
  ['crimeRecorded', 'Crime recorded'],
  ['noCrime', 'No crime'],
  ['needsCallBack', 'Needs a call back'],
  ['referredElsewhere', 'Referred elsewhere'],
];
const LABELS = {
  kind: 'Kind', when: 'When', from: 'From', to: 'To', where: 'Where', address: 'Address', postcode: 'Postcode',
  description: 'Description', whatHappened: 'What happened', reporter: 'Reporter', name: 'Name', role: 'Role',
  onBehalfOf: 'On behalf of', relationship: 'Relationship', phone: 'Phone', email: 'Email',
  preferredContact: 'Preferred contact', crime: 'Crime', category: 'Category', property: 'Property',
  suspect: 'Suspect', suspectVehicle: 'Suspect vehicle', collision: 'Collision', vehicles: 'Vehicles',
  registration: 'Registration', make: 'Make', model: 'Model', colour: 'Colour', anyoneInjured: 'Anyone injured',
  detailsExchanged: 'Details exchanged', otherParty: 'Other party', insurance: 'Insurance', insurer: 'Insurer',
  policyNumber: 'Policy number', antisocialBehaviour: 'Anti-social behaviour', frequency: 'Frequency',
  pattern: 'Pattern', declaration: 'Declaration made', chatId: 'From chat',
};

/** "criminalDamage" -> "criminal damage": enum values read as words. */
function words(value) {
  return String(value).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

function label(key) { return LABELS[key] ?? words(key); }

/** A report's values as nested description lists, every value as text. */
function renderValue(value, key) {
  if (value === null || value === undefined) return el('span', {}, '—');
  if (typeof value === 'boolean') return el('span', {}, value ? 'Yes' : 'No');
  if (Array.isArray(value)) {
    return el('ol', { class: 'report-list' }, value.map((v) => el('li', {}, renderValue(v))));
  }
  if (typeof value === 'object') {
    return el('dl', { class: 'report-dl' }, Object.entries(value).flatMap(([k, v]) => [
      el('dt', {}, label(k)), el('dd', {}, renderValue(v, k)),
    ]));
  }
  if (['role', 'preferredContact', 'category', 'frequency'].includes(key)) return el('span', {}, words(value));
  if (key === 'kind') return el('span', {}, KIND_NAMES[value] ?? String(value));
  return userText('span', String(value));
}

export class ReportsView {
  constructor(section) {
    this.section = section;
    this.cursor = null;
    this.build();
  }

  build() {
    const kindField = field('Kind', {
      kind: 'select',
      options: [['', 'All kinds'], ['crime', 'Crime'], ['collision', 'Road collision'], ['antisocialBehaviour', 'Anti-social behaviour']],
    });
    this.kind = kindField.input;
    const filter = el('form', { class: 'filter' }, kindField.wrap,
      el('button', { type: 'submit', class: 'button button-secondary' }, 'Show reports'));
    filter.addEventListener('submit', (e) => { e.preventDefault(); this.load(); });
    this.error = el('p', { class: 'form-error', role: 'alert', hidden: true });
    this.tbody = el('tbody');
    this.empty = el('p', { hidden: true }, 'No new reports to assess.');
    this.more = el('button', { type: 'button', class: 'button button-secondary', hidden: true }, 'Show more');
    this.more.addEventListener('click', () => this.load(true));
    this.detail = el('section', { class: 'report-detail', 'aria-label': 'Report', hidden: true, tabindex: '-1' });
    this.section.append(
      el('h1', { id: 'reports-heading' }, 'Reports to assess'),
      el('p', {}, 'New reports, oldest first. Opening a report is recorded in the audit log.'),
      filter, this.error,
      el('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Reports to assess' },
        el('table', { class: 'table' },
          el('caption', { class: 'visually-hidden' }, 'Reports to assess'),
          el('thead', {}, el('tr', {},
            el('th', { scope: 'col' }, 'Reference'), el('th', { scope: 'col' }, 'Kind'),
            el('th', { scope: 'col' }, 'Submitted'), el('th', { scope: 'col' }, 'Signposts'),
            el('th', { scope: 'col' }, el('span', { class: 'visually-hidden' }, 'Action')))),
          this.tbody)),
      this.empty, this.more, this.detail);
  }

  async load(more = false) {
    this.error.hidden = true;
    if (!more) { this.cursor = null; clear(this.tbody); }
    try {
      const page = await listReports({ kind: this.kind.value || undefined, cursor: more ? this.cursor : undefined });
      for (const r of page.reports) this.tbody.append(this.row(r));
      this.cursor = page.nextCursor ?? null;
      this.more.hidden = !this.cursor;
      this.empty.hidden = this.tbody.childElementCount > 0;
    } catch (err) {
      this.showError(err);
    }
  }

  row(r) {
    const open = el('button', { type: 'button', class: 'button button-secondary' }, `Open ${r.reference}`);
    open.addEventListener('click', () => this.open(r.reference));
    return el('tr', {},
      el('td', {}, el('span', { class: 'reference' }, r.reference)),
      el('td', {}, KIND_NAMES[r.kind] ?? r.kind),
      el('td', {}, formatDateTime(r.submittedAt)),
      el('td', {}, r.signposts.length ? r.signposts.map((s) => SIGNPOSTS[s] ?? s).join('; ') : 'None'),
      el('td', {}, open));
  }

  showError(err) {
    this.error.textContent = err instanceof ApiError ? err.message : String(err);
    this.error.hidden = false;
  }

  async open(reference) {
    this.error.hidden = true;
    try {
      const view = await getReport(reference);
      this.renderDetail(view);
    } catch (err) {
      this.showError(err);
    }
  }

  renderDetail(view) {
    clear(this.detail);
    const headingId = uid('report-heading');
    this.detail.setAttribute('aria-labelledby', headingId);
    this.detail.removeAttribute('aria-label');
    this.detail.append(
      el('h2', { id: headingId }, `Report ${view.reference}`),
      el('dl', { class: 'report-dl' },
        el('dt', {}, 'Kind'), el('dd', {}, KIND_NAMES[view.kind] ?? view.kind),
        el('dt', {}, 'Status'), el('dd', {}, view.status === 'new' ? 'New: to assess' : 'Assessed'),
        el('dt', {}, 'Submitted'), el('dd', {}, formatDateTime(view.submittedAt)),
        el('dt', {}, 'Deleted on'), el('dd', {}, formatDateTime(view.expiresAt)),
        el('dt', {}, 'Signposts'), el('dd', {}, view.signposts.length ? view.signposts.map((s) => SIGNPOSTS[s] ?? s).join('; ') : 'None')),
      el('h3', {}, 'What was reported'),
      renderValue(view.report));
    if (view.assessment) {
      this.detail.append(el('h3', {}, 'Assessment'), el('dl', { class: 'report-dl' },
        el('dt', {}, 'Outcome'), el('dd', {}, OUTCOMES.find(([v]) => v === view.assessment.outcome)?.[1] ?? view.assessment.outcome),
        el('dt', {}, 'Notes'), el('dd', {}, userText('span', view.assessment.notes ?? '—')),
        el('dt', {}, 'Assessor'), el('dd', {}, userText('span', view.assessment.assessor)),
        el('dt', {}, 'Assessed'), el('dd', {}, formatDateTime(view.assessment.assessedAt))));
    } else {
      this.detail.append(this.assessmentForm(view.reference));
    }
    this.detail.hidden = false;
    this.detail.focus();
  }

  assessmentForm(reference) {
    const outcome = radios('Outcome', 'outcome', OUTCOMES);
    const notes = field('Notes', { kind: 'textarea', attrs: { maxlength: '2000' } });
    const summary = el('div', { class: 'error-summary', tabindex: '-1', role: 'alert', hidden: true });
    const fields = { outcome, notes };
    const form = el('form', { class: 'form', novalidate: true },
      el('h3', {}, 'Record the assessment'), summary, outcome.wrap, notes.wrap,
      el('button', { type: 'submit', class: 'button' }, 'Record assessment'));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (!outcome.value()) {
        showErrors(summary, [{ field: 'outcome', message: 'Choose the outcome' }], fields);
        return;
      }
      try {
        const view = await assessReport(reference, { outcome: outcome.value(), notes: notes.input.value.trim() || null });
        announce(`Assessment recorded for ${reference}.`);
        this.renderDetail(view);
        this.load();
      } catch (err) {
        if (err instanceof ApiError && err.code === 'already_assessed') {
          announce(`${reference} had already been assessed.`);
          this.open(reference);
          return;
        }
        const errors = err instanceof ApiError && err.errors.length ? err.errors : [{ field: 'body', message: err.message }];
        showErrors(summary, errors, fields);
      }
    });
    return form;
  }
}
