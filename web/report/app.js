// The report forms: a start page, one question per page, Check your answers, the confirmation.
// Pages are addressed by the fragment (`#/when`, `#/when?change` when changing an answer from
// Check your answers), so the browser's Back button works; the answers themselves live only in
// the `state` object below, in this tab's memory, and are gone when the tab is closed.

import { h, externalLink } from './dom.js';
import { backLink, button, checkbox, errorSummary, insetText, summaryList, warningText } from './components.js';
import { freshAnswers, given, toSubmission } from './answers.js';
import {
  ASB_CATEGORIES, CONTACTS, CRIME_CATEGORIES, FREQUENCIES, KINDS, ROLES, YES_NO,
  flowOf, injuredAdvice, labelOf, pageById,
} from './pages.js';
import { fieldOf } from './fields.js';
import { newIdempotencyKey, submitReport } from './api.js';
import { listenForPrefill } from './prefill.js';

const SERVICE = 'Report a crime or incident online';
const REPORT_FRAUD_URL = 'https://reportfraud.police.uk';

const state = {
  config: null,
  answers: freshAnswers(),
  // Errors waiting to be shown, by page id: the API's, until the page is next answered.
  pending: new Map(),
  // The pages answered (Continue) at least once: a page not yet seen, even an optional one,
  // is still to be shown, also after a change of kind from Check your answers.
  answered: new Set(),
  // One key per report attempt, kept across retries and double clicks until a report is taken.
  idempotencyKey: null,
  sending: false,
  receipt: null,
  firstRender: true,
};

const main = () => document.getElementById('main-content');

// ---- Navigation --------------------------------------------------------------------------

function parseRoute() {
  const m = /^#\/([a-z-]*)(\?change)?$/.exec(window.location.hash);
  if (!m) return window.location.hash ? null : { page: 'start', change: false };
  return { page: m[1] || 'start', change: !!m[2] };
}

const hrefOf = (page, change = false) => (page === 'start' ? '#/' : `#/${page}${change ? '?change' : ''}`);

function go(page, { change = false, replace = false } = {}) {
  const href = hrefOf(page, change);
  if (window.location.hash === href) { show(parseRoute()); return; }
  if (replace) window.location.replace(href);
  else window.location.hash = href;
}

/** The first page of this report not yet answered, or whose answers are missing or wrong. */
function firstIncomplete() {
  const a = state.answers;
  for (const page of flowOf(a)) {
    if (!state.answered.has(page.id) || state.pending.get(page.id)?.length || page.check(a).length) return page.id;
  }
  if (a.kind === 'collision' && a.collision.anyoneInjured === 'yes') return 'injured';
  return null;
}

function nextAfter(page, change) {
  const a = state.answers;
  if (page.id === 'collision-injured' && a.collision.anyoneInjured === 'yes') return { page: 'injured' };
  if (change || flowOf(a).some((p) => state.pending.has(p.id))) {
    const next = firstIncomplete();
    return next ? { page: next, change: true } : { page: 'check-answers' };
  }
  const flow = flowOf(a);
  const i = flow.findIndex((p) => p.id === page.id);
  return i + 1 < flow.length ? { page: flow[i + 1].id } : { page: 'check-answers' };
}

function backOf(pageId, change) {
  if (change) return hrefOf('check-answers');
  const flow = flowOf(state.answers);
  const i = flow.findIndex((p) => p.id === pageId);
  return i > 0 ? hrefOf(flow[i - 1].id) : hrefOf('start');
}

function show(route) {
  const a = state.answers;
  switch (route.page) {
    case 'start': return renderStart();
    case 'confirmation': return state.receipt ? renderConfirmation() : go('start', { replace: true });
    case 'injured':
      return a.kind === 'collision' && a.collision.anyoneInjured === 'yes' ? renderInjured() : go('start', { replace: true });
    case 'check-answers': {
      if (!a.kind) return go('start', { replace: true });
      const incomplete = firstIncomplete();
      return incomplete ? go(incomplete, { replace: true }) : renderCheckAnswers();
    }
    default: {
      const page = pageById(route.page);
      if (!page || (page.id !== 'kind' && !a.kind)) return go('start', { replace: true });
      if (!page.inFlow(a)) return go('kind', { replace: true });
      return renderQuestion(page, route.change);
    }
  }
}

// ---- Rendering ---------------------------------------------------------------------------

/**
 * Puts a page in place, names the tab after it, and moves focus to its error summary, or to
 * `focus` (a selector), or to its h1.
 */
function mount(title, nodes, { errors = false, focus = null } = {}) {
  const el = main();
  el.replaceChildren(...nodes.flat(Infinity).filter(Boolean));
  document.title = `${errors ? 'Error: ' : ''}${title ? `${title} - ` : ''}${SERVICE}`;
  if (state.firstRender && !errors) { state.firstRender = false; return; }
  state.firstRender = false;
  window.scrollTo(0, 0);
  (el.querySelector('.error-summary') ?? (focus && el.querySelector(focus)) ?? el.querySelector('h1'))?.focus();
}

const errorMap = (list) => {
  const map = new Map();
  for (const e of list) if (e.id && !map.has(e.id)) map.set(e.id, e.message);
  return map;
};

function renderQuestion(page, change, clientErrors) {
  const list = clientErrors ?? state.pending.get(page.id) ?? [];
  const form = h('form', { novalidate: true, class: 'form' },
    page.render(state.answers, errorMap(list)),
    h('div', { class: 'button-group' }, button('Continue')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    page.read(form, state.answers);
    const action = event.submitter?.name === 'action' ? event.submitter.value : null;
    if (action) { vehicleAction(page, change, action); return; }
    const errors = page.check(state.answers);
    if (errors.length) { renderQuestion(page, change, errors); return; }
    state.pending.delete(page.id);
    state.answered.add(page.id);
    const next = nextAfter(page, change);
    go(next.page, { change: next.change });
  });
  mount(page.title, [backLink(backOf(page.id, change)), list.length ? errorSummary(list) : null, form], { errors: list.length > 0 });
}

/** "Add another vehicle" and "Remove vehicle n" stay on the page and put focus where it helps. */
function vehicleAction(page, change, action) {
  const vehicles = state.answers.collision.vehicles;
  let focusId;
  if (action === 'add') {
    vehicles.push({ registration: '', make: '', model: '', colour: '' });
    focusId = `vehicle-${vehicles.length - 1}-registration`;
  } else {
    vehicles.splice(Number(action.slice('remove-'.length)), 1);
    focusId = 'vehicle-0-registration';
  }
  // Indexes have moved: the API's errors for vehicles no longer point at the right boxes.
  state.pending.delete(page.id);
  renderQuestion(page, change);
  document.getElementById(focusId)?.focus();
}

function renderStart() {
  state.pending.clear();
  mount(null, [
    h('h1', { class: 'heading-xl', tabindex: '-1' }, 'Report a crime, a road collision or anti-social behaviour'),
    h('p', { class: 'body' }, 'Use this service to report:'),
    h('ul', { class: 'list list--bullet' },
      h('li', {}, 'a crime that is not happening now, such as a theft, criminal damage, or a burglary or assault that is over'),
      h('li', {}, 'a road traffic collision in which nobody was hurt'),
      h('li', {}, 'anti-social behaviour')),
    warningText('If a crime is happening now, or someone is in danger or hurt, call 999.'),
    h('p', { class: 'body' }, 'If you cannot speak, call 999 from a mobile, listen, and press 55 when asked. If you are deaf, hard of hearing or speech-impaired and registered with emergencySMS, you can text 999.'),
    h('p', { class: 'body' }, 'It takes about 10 minutes. At the end you will get a reference number.'),
    h('a', { class: 'button button--start', href: hrefOf('kind'), draggable: 'false' }, 'Start now',
      h('span', { class: 'button__start-icon', 'aria-hidden': 'true' }, '\u2192')),
    h('h2', { class: 'heading-m' }, 'Other ways to report'),
    h('p', { class: 'body' }, 'Fraud and cyber crime, such as a scam or a hacked account: report it to Report Fraud, the national reporting service (it replaced Action Fraud in December 2025), at ',
      externalLink(REPORT_FRAUD_URL, 'reportfraud.police.uk'), ' or on 0300 123 2040.'),
    h('p', { class: 'body' }, 'For anything else, or if you would rather talk to someone, call 101. Textphone: 18001 101.'),
    h('h2', { class: 'heading-m' }, 'Your answers'),
    h('p', { class: 'body' }, 'Your answers are kept only in this browser tab until you send them. Nothing is saved on this computer, and if you close the tab they are gone.'),
  ]);
}

function renderInjured() {
  mount('You cannot report this collision online', [
    backLink(hrefOf('collision-injured')),
    h('h1', { class: 'heading-l', tabindex: '-1' }, 'You cannot report this collision online'),
    h('p', { class: 'body' }, 'A collision in which someone was hurt must be reported to us by phone.'),
    injuredAdvice(),
  ]);
}

// ---- Check your answers ------------------------------------------------------------------

const NOT_GIVEN = 'Not given';
const lines = (...values) => values.filter(given).join('\n') || NOT_GIVEN;
const orNot = (v) => (given(v) ? v : NOT_GIVEN);
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function dateText(parts) {
  if (![parts?.day, parts?.month, parts?.year].some(given)) return NOT_GIVEN;
  const date = `${Number(parts.day)} ${MONTHS[Number(parts.month) - 1] ?? parts.month} ${parts.year}`;
  if (!given(parts.hour)) return date;
  return `${date} at ${String(Number(parts.hour)).padStart(2, '0')}:${String(Number(parts.minute || 0)).padStart(2, '0')}`;
}

const row = (key, value, page, changeLabel) => ({ key, value, href: page ? hrefOf(page, true) : null, changeLabel });

function reportRows(a) {
  const rows = [row('What you are reporting', labelOf(KINDS, a.kind), 'kind', 'what you are reporting')];
  if (a.kind === 'crime') {
    const c = a.crime;
    rows.push(row('Kind of crime', labelOf(CRIME_CATEGORIES, c.category), 'crime-type', 'the kind of crime'));
  } else if (a.kind === 'collision') {
    rows.push(row('Was anyone hurt', labelOf(YES_NO, a.collision.anyoneInjured), 'collision-injured', 'whether anyone was hurt'));
  } else if (a.kind === 'antisocialBehaviour') {
    rows.push(row('Kind of behaviour', labelOf(ASB_CATEGORIES, a.antisocialBehaviour.category), 'asb-type', 'the kind of behaviour'));
  }
  rows.push(
    row('When it happened', dateText(a.when.from), 'when', 'when it happened'),
    row('When it ended', dateText(a.when.to), 'when', 'when it ended'),
    row('Where', lines(a.where.address, a.where.postcode, a.where.description), 'where', 'where it happened'),
    row('What happened', a.whatHappened, 'what-happened', 'what happened'),
  );
  if (a.kind === 'crime') {
    const c = a.crime;
    rows.push(
      row('What was stolen or damaged', orNot(c.property), 'crime-details', 'what was stolen or damaged'),
      row('Who did it', orNot(c.suspect), 'crime-details', 'who did it'),
      row('Vehicle they used', orNot(c.suspectVehicle), 'crime-details', 'the vehicle they used'),
    );
  } else if (a.kind === 'collision') {
    const c = a.collision;
    c.vehicles.forEach((v, i) => rows.push(row(`Vehicle ${i + 1}`,
      lines(v.registration, [v.make, v.model].filter(given).join(' '), v.colour), 'vehicles', `vehicle ${i + 1}`)));
    const p = c.otherParty;
    rows.push(
      row('Details exchanged', labelOf(YES_NO, c.detailsExchanged), 'collision-details', 'whether details were exchanged'),
      row('The other driver', lines(p.name, p.phone, p.address, p.insurer, p.policyNumber), 'collision-details', 'the other driver'),
      row('Your insurance', lines(c.insurance.insurer, c.insurance.policyNumber), 'collision-details', 'your insurance'),
    );
  } else if (a.kind === 'antisocialBehaviour') {
    const b = a.antisocialBehaviour;
    rows.push(
      row('How often', labelOf(FREQUENCIES, b.frequency), 'asb-frequency', 'how often it happens'),
      row('When it tends to happen', orNot(b.pattern), 'asb-frequency', 'when it tends to happen'),
    );
  }
  return rows;
}

function reporterRows(a) {
  const r = a.reporter;
  const role = r.role === 'onBehalf'
    ? lines(labelOf(ROLES, r.role), `For: ${r.onBehalfName}`, given(r.onBehalfRelationship) ? `How you know them: ${r.onBehalfRelationship}` : '')
    : labelOf(ROLES, r.role);
  return [
    row('How you are involved', role, 'your-role', 'how you are involved'),
    row('Your name', r.name, 'your-details', 'your name'),
    row('Phone number', orNot(r.phone), 'your-details', 'your phone number'),
    row('Email address', orNot(r.email), 'your-details', 'your email address'),
    row('Contact you', labelOf(CONTACTS, r.preferredContact), 'your-details', 'how to contact you'),
  ];
}

function renderCheckAnswers(errorsNow) {
  const a = state.answers;
  const list = errorsNow ?? state.pending.get('check-answers') ?? [];
  const sendButton = button('Send report', { id: 'send-report' });
  const status = h('p', { class: 'body send-status', role: 'status' });
  const form = h('form', { novalidate: true, class: 'form' },
    checkbox({
      id: 'declaration', legend: 'Declaration', checked: a.declaration, errors: errorMap(list),
      label: 'I confirm that the information I have given is true to the best of my knowledge, and that the police may use it to deal with my report.',
    }),
    h('div', { class: 'button-group' }, sendButton),
    status);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    send(form, sendButton, status);
  });
  mount('Check your answers', [
    backLink(backOf(flowOf(a).at(-1).id, false)),
    list.length ? errorSummary(list) : null,
    h('h1', { class: 'heading-l', tabindex: '-1' }, 'Check your answers before sending your report'),
    given(a.chatId) ? insetText(h('p', { class: 'body' }, 'This report will be linked to chat ', h('span', { class: 'chat-id' }, a.chatId), '.')) : null,
    h('h2', { class: 'heading-m' }, 'About what happened'),
    summaryList(reportRows(a)),
    h('h2', { class: 'heading-m' }, 'About you'),
    summaryList(reporterRows(a)),
    h('h2', { class: 'heading-m' }, 'Now send your report'),
    form,
  ], { errors: list.length > 0 });
}

// ---- Sending -----------------------------------------------------------------------------

const NOTHING_LOST = 'Nothing you entered has been lost.';

async function send(form, sendButton, status) {
  // A second click (or Enter) while the first is still on its way: the first one will answer.
  if (state.sending) return;
  const a = state.answers;
  a.declaration = form.elements.namedItem('declaration').checked;
  if (!a.declaration) {
    renderCheckAnswers([{ id: 'declaration', message: 'Confirm that the information is true to the best of your knowledge' }]);
    return;
  }
  state.sending = true;
  sendButton.disabled = true;
  sendButton.setAttribute('aria-disabled', 'true');
  status.textContent = 'Sending your report\u2026';
  state.idempotencyKey ??= newIdempotencyKey();
  const result = await submitReport(state.config.reportsApi, toSubmission(a), state.idempotencyKey);
  state.sending = false;
  state.pending.delete('check-answers');
  // The person may have followed a link while it was sending: a taken report is always shown;
  // a problem is kept for Check your answers, and shown now only if they are still on it.
  const onCheckAnswers = parseRoute()?.page === 'check-answers';
  const problem = (message) => {
    const list = [{ id: null, message }];
    state.pending.set('check-answers', list);
    if (onCheckAnswers) renderCheckAnswers(list);
  };
  switch (result.outcome) {
    case 'sent':
      // The report is with the police: forget every answer, keep only the receipt to show.
      state.receipt = result.receipt;
      state.answers = freshAnswers();
      state.answered.clear();
      state.pending.clear();
      state.idempotencyKey = null;
      go('confirmation');
      return;
    case 'invalid':
      showApiErrors(result.errors, onCheckAnswers);
      return;
    case 'network':
      return problem(`We could not send your report: the connection failed. ${NOTHING_LOST} Check your connection, then select \u2018Send report\u2019 again.`);
    case 'conflict':
      // The key was used for a report with other answers (sent before a lost reply, then the
      // answers were changed): that one was taken. Another send files the changed answers.
      state.idempotencyKey = newIdempotencyKey();
      return problem('An earlier try reached us, before you changed your answers, but we could not show you its reference. To send your changed answers as well, select \u2018Send report\u2019 again, or call 101.');
    case 'rateLimited': {
      const minutes = result.retryAfterSeconds ? Math.max(1, Math.ceil(result.retryAfterSeconds / 60)) : null;
      const when = minutes ? `in ${minutes} minute${minutes === 1 ? '' : 's'}` : 'later';
      return problem(`Too many reports have been sent from this connection. ${NOTHING_LOST} Try again ${when}, or call 101.`);
    }
    case 'tooLarge':
      return problem(`Your report is too long to send. ${NOTHING_LOST} Shorten what you wrote, or call 101.`);
    default:
      return problem(`Sorry, the service is not working right now. ${NOTHING_LOST} Try again in a few minutes, or call 101.`);
  }
}

/** The API's field errors, each put on its page; then the first of those pages is shown. */
function showApiErrors(errors, move) {
  state.pending.clear();
  for (const e of errors) {
    const { page, id } = fieldOf(e.field);
    const where = page === 'check-answers' || pageById(page)?.inFlow(state.answers) ? page : 'check-answers';
    if (!state.pending.has(where)) state.pending.set(where, []);
    state.pending.get(where).push({ id: where === page ? id : null, message: e.message });
  }
  if (!move) return;
  const first = flowOf(state.answers).find((p) => state.pending.has(p.id));
  if (first) go(first.id, { change: true });
  else renderCheckAnswers();
}

// ---- Confirmation ------------------------------------------------------------------------

const ASSESS_BY = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric',
  hour: 'numeric', minute: '2-digit', hour12: true,
});

function renderConfirmation() {
  const r = state.receipt;
  const emergency = r.signposts.filter((s) => s.code === 'emergency');
  const others = r.signposts.filter((s) => s.code !== 'emergency');
  const assessBy = new Date(r.assessBy);
  mount('Report sent', [
    emergency.length ? h('div', { class: 'emergency-banner', role: 'region', 'aria-labelledby': 'emergency-title' },
      h('h2', { class: 'heading-m emergency-banner__title', id: 'emergency-title', tabindex: '-1' }, 'If you or someone else is in danger now, call 999'),
      emergency.map((s) => h('p', { class: 'body' }, s.message))) : null,
    h('div', { class: 'panel' },
      h('h1', { class: 'panel__title', tabindex: '-1' }, 'Report sent'),
      h('div', { class: 'panel__body' }, 'Your reference number', h('br'), h('strong', { class: 'reference' }, r.reference))),
    h('p', { class: 'body' }, 'Write your reference number down, or take a photo of it: we have not sent it to you.'),
    h('h2', { class: 'heading-m' }, 'What happens next'),
    h('p', { class: 'body' }, r.nextSteps),
    Number.isNaN(assessBy.getTime()) ? null
      : h('p', { class: 'body' }, 'A call handler will look at your report by ', h('strong', {}, ASSESS_BY.format(assessBy)), '.'),
    others.map((s) => [
      h('h2', { class: 'heading-m' }, s.code === 'reportFraud' ? 'Report it to Report Fraud too' : 'Also'),
      h('p', { class: 'body' }, s.message),
      s.code === 'reportFraud' ? h('p', { class: 'body' }, externalLink(REPORT_FRAUD_URL, 'Go to Report Fraud (reportfraud.police.uk)')) : null,
    ]),
    h('p', { class: 'body' }, 'If you are using a shared or public computer, close this tab when you have finished.'),
    h('p', { class: 'body' }, h('a', { class: 'link', href: hrefOf('start') }, 'Make another report')),
  // The 999 advice is read first, before the reference, as it is shown first.
  ], { focus: emergency.length ? '#emergency-title' : null });
}

// ---- Start -------------------------------------------------------------------------------

/** In-page links (the skip link, the error summary's) move focus to their field. */
function onInPageLink(event) {
  const link = event.target.closest?.('a[href^="#"]');
  const href = link?.getAttribute('href');
  if (!href || href.startsWith('#/')) return;
  const target = document.getElementById(href.slice(1));
  if (!target) return;
  event.preventDefault();
  // Show the field's question as well as the field: the legend for radios and dates.
  const groupLegend = target.matches('input[type=radio], input[type=checkbox], .date-input input')
    ? target.closest('fieldset')?.querySelector('legend') : null;
  const label = document.querySelector(`label[for="${CSS.escape(target.id)}"]`);
  (groupLegend ?? label ?? target).scrollIntoView({ block: 'start' });
  target.focus({ preventScroll: true });
}

function unavailable() {
  main().replaceChildren(
    h('h1', { class: 'heading-l' }, 'Sorry, the online form is not available right now'),
    h('p', { class: 'body' }, 'Call 101 to report something that is not an emergency. If a crime is happening now or someone is in danger, call 999.'));
}

async function loadConfig() {
  const response = await fetch('config.json', { cache: 'no-store', credentials: 'same-origin' });
  if (!response.ok) throw new Error(`config.json: ${response.status}`);
  const config = await response.json();
  const api = new URL(config.reportsApi);
  if (api.protocol !== 'https:' && api.protocol !== 'http:') throw new Error('reportsApi is not http(s)');
  const consoleOrigins = Array.isArray(config.consoleOrigins)
    ? config.consoleOrigins.filter((o) => typeof o === 'string' && /^https?:\/\/[^/]+$/.test(o)) : [];
  const forceName = typeof config.forceName === 'string' && given(config.forceName) ? config.forceName.slice(0, 80) : null;
  return { reportsApi: api.href, consoleOrigins, forceName };
}

async function start() {
  document.addEventListener('click', onInPageLink);
  try {
    state.config = await loadConfig();
  } catch {
    unavailable();
    return;
  }
  if (state.config.forceName) document.querySelector('.header__force').textContent = state.config.forceName;
  window.addEventListener('hashchange', () => { const route = parseRoute(); if (route) show(route); });
  listenForPrefill({
    consoleOrigins: state.config.consoleOrigins,
    onPrefill: (prefill) => {
      const a = state.answers;
      if (prefill.kind) a.kind = prefill.kind;
      if (prefill.whatHappened !== undefined) a.whatHappened = prefill.whatHappened;
      if (prefill.chatId) a.chatId = prefill.chatId;
      go('kind');
    },
  });
  show(parseRoute() ?? { page: 'start', change: false });
}

start();
