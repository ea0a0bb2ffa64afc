// "Create report" from a chat: a dialog with the key fields of the kind the operator picks
// (crime, road collision, anti-social behaviour), prefilled with what the operator selected
// in the transcript (or else everything the citizen wrote), filed by the console itself
// through POST {reportsApi}/reports with the chat's id and an Idempotency-Key.

import { el, uid, clear, userText } from './dom.js';
import { field, radios, checkbox, showErrors } from './form.js';
import { fileReport, ApiError } from './api.js';
import { announce } from './announce.js';

const KINDS = [
  ['crime', 'Crime'],
  ['collision', 'Road collision (damage only)'],
  ['antisocialBehaviour', 'Anti-social behaviour'],
];

function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** Text that is empty counts as not given (and is left out of the body). */
function given(v) {
  const t = (v ?? '').trim();
  return t === '' ? undefined : t;
}

function compact(obj) {
  const out = {};
  for (const [k, v] of Object.entries(obj)) if (v !== undefined) out[k] = v;
  return out;
}

/** Opens the dialog for `chat` (a Chat from chats.js). Resolves when it closes. */
export function openReportDialog(chat, selectedText) {
  const titleId = uid('report-title');
  const whatHappened = selectedText || chat.citizenWords();
  const fields = {};
  const kind = radios('What kind of report?', 'kind', KINDS, { value: 'crime' });
  fields.kind = kind;
  fields.whatHappened = field('What happened', {
    kind: 'textarea', required: true, value: whatHappened, attrs: { maxlength: '5000', rows: '6' },
    hint: selectedText ? 'From the text you selected in the transcript.' : 'From everything the citizen wrote. Edit it to what matters.',
  });
  fields['when.from'] = field('Date it happened', { type: 'date', required: true, value: today() });
  fields['when.time'] = field('Time it happened', { type: 'time', hint: 'If known.' });
  fields['where.address'] = field('Address', { kind: 'textarea', attrs: { rows: '2', maxlength: '300' } });
  fields['where.postcode'] = field('Postcode', { attrs: { maxlength: '32', autocomplete: 'off' } });
  fields['where.description'] = field('The place in the citizen\'s words', { attrs: { maxlength: '500' } });
  fields.where = fields['where.description'];
  fields['reporter.name'] = field('Citizen\'s name', { required: true, attrs: { maxlength: '100', autocomplete: 'off' } });
  fields['reporter.role'] = field('The citizen is the', {
    kind: 'select', required: true, options: [['victim', 'Victim'], ['witness', 'Witness'], ['onBehalf', 'Reporting on behalf of someone']],
  });
  fields['reporter.onBehalfOf.name'] = field('Name of the person they report for', { attrs: { maxlength: '100' } });
  fields['reporter.onBehalfOf'] = fields['reporter.onBehalfOf.name'];
  fields['reporter.phone'] = field('Phone number', { type: 'tel', attrs: { maxlength: '32', autocomplete: 'off' } });
  fields['reporter.email'] = field('Email address', { type: 'email', attrs: { maxlength: '254', autocomplete: 'off' } });
  fields['reporter.preferredContact'] = radios('How should we contact them?', 'contact',
    [['phone', 'Phone'], ['email', 'Email']], { value: 'phone' });
  fields['crime.category'] = field('Kind of crime', {
    kind: 'select', required: true,
    options: [['theft', 'Theft'], ['criminalDamage', 'Criminal damage'], ['burglary', 'Burglary (after the event)'],
      ['assault', 'Assault (after the event)'], ['fraud', 'Fraud'], ['other', 'Other']],
  });
  fields['crime.property'] = field('What was stolen or damaged', { kind: 'textarea', attrs: { rows: '2', maxlength: '1000' } });
  fields['crime.suspect'] = field('Who did it', { kind: 'textarea', attrs: { rows: '2', maxlength: '1000' } });
  fields['collision.vehicles[0].registration'] = field('Vehicle registration', { required: true, attrs: { maxlength: '32', autocomplete: 'off' } });
  fields['collision.vehicles'] = fields['collision.vehicles[0].registration'];
  fields['collision.vehicles[1].registration'] = field('Other vehicle\'s registration', { attrs: { maxlength: '32', autocomplete: 'off' } });
  fields['collision.detailsExchanged'] = radios('Were details exchanged at the scene?', 'exchanged',
    [['yes', 'Yes'], ['no', 'No']], { value: 'no' });
  fields['collision.anyoneInjured'] = checkbox('Nobody was injured (a collision with injuries is not taken online)');
  fields['antisocialBehaviour.category'] = field('Kind of behaviour', {
    kind: 'select', required: true,
    options: [['personal', 'Aimed at a person'], ['nuisance', 'A nuisance to the community'], ['environmental', 'Harm to the surroundings']],
  });
  fields['antisocialBehaviour.frequency'] = field('How often', {
    kind: 'select', required: true,
    options: [['once', 'Once'], ['daily', 'Daily'], ['severalTimesAWeek', 'Several times a week'], ['weekly', 'Weekly'],
      ['monthly', 'Monthly'], ['occasionally', 'Occasionally']],
  });
  fields['antisocialBehaviour.pattern'] = field('When it tends to happen', { attrs: { maxlength: '1000' } });
  fields.declaration = checkbox('The citizen confirmed the information is true to the best of their knowledge');

  const kindBlocks = {
    crime: el('fieldset', { class: 'fieldset' }, el('legend', {}, 'The crime'),
      fields['crime.category'].wrap, fields['crime.property'].wrap, fields['crime.suspect'].wrap),
    collision: el('fieldset', { class: 'fieldset' }, el('legend', {}, 'The collision'),
      fields['collision.vehicles[0].registration'].wrap, fields['collision.vehicles[1].registration'].wrap,
      fields['collision.detailsExchanged'].wrap, fields['collision.anyoneInjured'].wrap),
    antisocialBehaviour: el('fieldset', { class: 'fieldset' }, el('legend', {}, 'The behaviour'),
      fields['antisocialBehaviour.category'].wrap, fields['antisocialBehaviour.frequency'].wrap,
      fields['antisocialBehaviour.pattern'].wrap),
  };
  const showKind = () => {
    for (const [k, block] of Object.entries(kindBlocks)) block.hidden = k !== kind.value();
  };
  for (const input of kind.inputs) input.addEventListener('change', showKind);
  const onBehalf = fields['reporter.onBehalfOf.name'].wrap;
  const showOnBehalf = () => { onBehalf.hidden = fields['reporter.role'].input.value !== 'onBehalf'; };
  fields['reporter.role'].input.addEventListener('change', showOnBehalf);
  showKind();
  showOnBehalf();

  const summary = el('div', { class: 'error-summary', tabindex: '-1', role: 'alert', hidden: true });
  const submit = el('button', { type: 'submit', class: 'button' }, 'File report');
  const cancel = el('button', { type: 'button', class: 'button button-secondary' }, 'Cancel');
  const form = el('form', { class: 'form report-form', novalidate: true },
    summary,
    kind.wrap,
    fields.whatHappened.wrap,
    el('fieldset', { class: 'fieldset' }, el('legend', {}, 'When'), fields['when.from'].wrap, fields['when.time'].wrap),
    el('fieldset', { class: 'fieldset' }, el('legend', {}, 'Where'),
      el('p', { class: 'hint' }, 'At least one of these.'),
      fields['where.address'].wrap, fields['where.postcode'].wrap, fields['where.description'].wrap),
    el('fieldset', { class: 'fieldset' }, el('legend', {}, 'The citizen'),
      fields['reporter.name'].wrap, fields['reporter.role'].wrap, onBehalf,
      fields['reporter.phone'].wrap, fields['reporter.email'].wrap, fields['reporter.preferredContact'].wrap),
    kindBlocks.crime, kindBlocks.collision, kindBlocks.antisocialBehaviour,
    fields.declaration.wrap,
    el('div', { class: 'dialog-actions' }, submit, cancel));

  const body = el('div', { class: 'dialog-body' },
    el('p', {}, 'The report is filed with this chat\'s id, so that it links back to the conversation.'),
    form);
  const dialog = el('dialog', { class: 'dialog dialog-wide', 'aria-labelledby': titleId },
    el('h2', { id: titleId }, `Create a report from ${chat.label}`), body);

  // One key per report the operator means to file: a retry after a lost answer files it once.
  let idempotencyKey = crypto.randomUUID();

  function build() {
    const k = kind.value();
    const date = fields['when.from'].input.value;
    const time = fields['when.time'].input.value;
    let from = date;
    if (date && time) {
      const local = new Date(`${date}T${time}`);
      if (!Number.isNaN(local.getTime())) from = local.toISOString().replace(/\.\d{3}Z$/, 'Z');
    }
    const role = fields['reporter.role'].input.value;
    const report = {
      kind: k,
      when: { from },
      where: compact({
        address: given(fields['where.address'].input.value),
        postcode: given(fields['where.postcode'].input.value),
        description: given(fields['where.description'].input.value),
      }),
      whatHappened: fields.whatHappened.input.value.trim(),
      reporter: compact({
        name: fields['reporter.name'].input.value.trim(),
        role,
        onBehalfOf: role === 'onBehalf' ? { name: fields['reporter.onBehalfOf.name'].input.value.trim() } : undefined,
        phone: given(fields['reporter.phone'].input.value),
        email: given(fields['reporter.email'].input.value),
        preferredContact: fields['reporter.preferredContact'].value(),
      }),
      declaration: fields.declaration.input.checked,
      chatId: chat.chatId,
    };
    if (k === 'crime') {
      report.crime = compact({
        category: fields['crime.category'].input.value,
        property: given(fields['crime.property'].input.value),
        suspect: given(fields['crime.suspect'].input.value),
      });
    } else if (k === 'collision') {
      const vehicles = [{ registration: fields['collision.vehicles[0].registration'].input.value.trim() }];
      const other = given(fields['collision.vehicles[1].registration'].input.value);
      if (other) vehicles.push({ registration: other });
      report.collision = {
        vehicles,
        // Only a damage-only collision is taken online: the operator confirms nobody was hurt.
        anyoneInjured: !fields['collision.anyoneInjured'].input.checked,
        detailsExchanged: fields['collision.detailsExchanged'].value() === 'yes',
      };
    } else {
      report.antisocialBehaviour = compact({
        category: fields['antisocialBehaviour.category'].input.value,
        frequency: fields['antisocialBehaviour.frequency'].input.value,
        pattern: given(fields['antisocialBehaviour.pattern'].input.value),
      });
    }
    return report;
  }

  function receipt(answer) {
    clear(body);
    const close = el('button', { type: 'button', class: 'button' }, 'Close');
    close.addEventListener('click', () => dialog.close());
    const refId = uid('receipt');
    body.append(
      el('div', { class: 'receipt', role: 'status', 'aria-labelledby': refId },
        el('h3', { id: refId }, 'Report filed'),
        el('p', {}, 'Reference: ', el('strong', { class: 'reference' }, answer.reference)),
        userText('p', answer.nextSteps),
        answer.signposts?.length
          ? el('ul', {}, answer.signposts.map((s) => el('li', {}, userText('span', s.message))))
          : null),
      el('div', { class: 'dialog-actions' }, close));
    close.focus();
  }

  return new Promise((resolve) => {
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      submit.disabled = true;
      try {
        const answer = await fileReport(build(), idempotencyKey);
        chat.addReport(answer.reference);
        announce(`Report filed: reference ${answer.reference}.`);
        receipt(answer);
      } catch (err) {
        const problem = err instanceof ApiError ? err : new ApiError(0, { title: String(err) });
        // A refused report was not taken: the corrected one is a new request with a new key.
        if (problem.status >= 400 && problem.status < 500) idempotencyKey = crypto.randomUUID();
        const errors = problem.errors.length ? problem.errors : [{ field: 'body', message: problem.message }];
        showErrors(summary, errors, fields);
      } finally {
        submit.disabled = false;
      }
    });
    cancel.addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => { dialog.remove(); resolve(); });
    document.body.append(dialog);
    dialog.showModal();
    kind.input.focus();
  });
}
