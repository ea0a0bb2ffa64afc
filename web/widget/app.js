// The citizen's chat widget, inside the frame the embed script (../widget.js) adds to a
// force's page. This module wires the screens to the chat: the language picker, the bot
// conversation, the queue, the operator, the end and the feedback, and leaving quickly.
// The protocol is docs/protocol.md; the plan docs/web-widget.md.

import { readSettings } from './modules/settings.js';
import { loadStrings, applyStrings, t, stringsLanguage } from './modules/i18n.js';
import { fetchLanguages, defaultLanguage, findLanguage, languagePicker } from './modules/languages.js';
import { Connection } from './modules/connection.js';
import * as store from './modules/store.js';
import { Transcript, SHOWN_EVENTS } from './modules/transcript.js';
import { shiftTriple, endAndForget } from './modules/quick-exit.js';

const MAX_CHARS = 2000;
const TYPING_EVERY_MS = 3000;
const TYPING_IDLE_MS = 4000;
const EXIT_FALLBACK_MS = 300;
const CHANNEL = 'bluelamp-widget';

const $ = (id) => document.getElementById(id);
const ui = {
  launcher: $('launcher'), panel: $('panel'), title: $('panel-title'), subtitle: $('panel-subtitle'),
  minimise: $('minimise'), leave: $('leave'), error: $('error'), connection: $('connection'),
  start: $('screen-start'), intro: $('intro'), search: $('language-search'), list: $('language-list'),
  count: $('language-count'), startButton: $('start'),
  chat: $('screen-chat'), noOperator: $('no-operator-note'), transcript: $('transcript'), typing: $('typing'),
  queue: $('queue'), queuePosition: $('queue-position'), queueWait: $('queue-wait'),
  queueAlternatives: $('queue-alternatives'), queueReport: $('queue-report'),
  feedback: $('feedback'), feedbackForm: $('feedback-form'), ratings: $('ratings'), thanks: $('feedback-thanks'),
  actions: $('actions'), operatorButton: $('operator'), endButton: $('end'),
  composer: $('composer'), message: $('message'), newChat: $('new-chat'), blank: $('blank'),
};

const settings = readSettings(location.search, location.origin);
store.configure({ tab: settings.tab });
const embedded = window.parent !== window;

// The state of the widget. Message text lives only here and in the page, never in storage.
let languages = [];
let language = 'en';          // the chat's language (the picker's choice, then the server's)
let userPicked = false;       // the citizen chose the language themselves
let chat = null;              // { chatId, resumeToken, state, language } while there is one
let lastQueued = null;
const pendingSends = new Map(); // clientMessageId -> { text } until its ack
let startWanted = false;
let feedbackOpen = false;
let open = false;
let fullScreen = false;       // the embed script made the open chat fill the screen
let exiting = false;
let operatorSeq = 0;          // the highest seq of an operator's message shown
let seenSent = 0;
let typingSentAt = 0;
let typingOn = false;
let typingIdle = null;
let operatorTypingTimer = null;

const transcript = new Transcript(ui.transcript, {
  onSuggestion: (topic) => sendMessage(topic),
  onOperator: () => requestOperator(),
});

const connection = new Connection(settings.publicApi, {
  onOpen: connected,
  onFrame: handleFrame,
  onStatus: showConnection,
});

// ---- Talking to the embed script -------------------------------------------------------

function toHost(message) {
  if (!embedded || !settings.hostOrigin) return;
  window.parent.postMessage({ channel: CHANNEL, ...message }, settings.hostOrigin);
}

function remToPx(rem) {
  return rem * parseFloat(getComputedStyle(document.documentElement).fontSize);
}

/** Tells the embed script how big the frame should be: the launcher, or the whole panel. */
function reportSize() {
  if (open) {
    toHost({ type: 'size', open: true, width: Math.ceil(remToPx(26)), height: Math.ceil(remToPx(44)) });
  } else {
    const r = ui.launcher.getBoundingClientRect();
    const margin = Math.ceil(remToPx(0.75)) * 2;
    toHost({ type: 'size', open: false, width: Math.ceil(r.width) + margin, height: Math.ceil(r.height) + margin });
  }
}

window.addEventListener('message', (e) => {
  // Only the page that embeds us, from the origin it says it has.
  if (e.source !== window.parent || e.origin !== settings.hostOrigin) return;
  const m = e.data;
  if (!m || m.channel !== CHANNEL) return;
  if (m.type === 'exit') {
    // The citizen pressed Shift 3 times on the host page: it is blank already and waits.
    forgetEverything();
    toHost({ type: 'exit-done' });
  } else if (m.type === 'exit-ack') {
    clearTimeout(exitFallback);
  } else if (m.type === 'layout') {
    fullScreen = m.fullScreen === true;
    if (fullScreen) ui.panel.setAttribute('aria-modal', 'true');
    else ui.panel.removeAttribute('aria-modal');
  }
});

// ---- Opening and closing ---------------------------------------------------------------

function setOpen(value, { focus = true } = {}) {
  open = value;
  ui.panel.hidden = !open;
  ui.launcher.hidden = open;
  ui.launcher.setAttribute('aria-expanded', String(open));
  reportSize();
  if (open) {
    if (focus) focusInPanel();
    maybeSendSeen();
  } else if (focus) {
    ui.launcher.focus();
  }
}

function focusInPanel() {
  if (!ui.start.hidden) ui.search.focus();
  else if (!ui.composer.hidden) ui.message.focus();
  else ui.title.focus();
}

ui.launcher.addEventListener('click', () => setOpen(true));
ui.minimise.addEventListener('click', () => setOpen(false));
document.addEventListener('keydown', (e) => {
  if (e.key !== 'Escape' || !open || exiting) return;
  // Escape in a search field with text clears it first (the browser does); then minimises.
  if (e.target === ui.search && ui.search.value) return;
  e.preventDefault();
  setOpen(false);
});
new ResizeObserver(() => { if (!open) reportSize(); }).observe(ui.launcher);

/** The panel's controls a keyboard can reach, in order. */
function focusables() {
  return [...ui.panel.querySelectorAll('button, a[href], input, select, textarea, summary, [tabindex="0"]')]
    .filter((el) => !el.disabled && el.getClientRects().length > 0);
}

// Full screen, Tab wraps round inside the chat: what is behind it cannot be seen.
ui.panel.addEventListener('keydown', (e) => {
  if (e.key !== 'Tab' || !fullScreen) return;
  const all = focusables();
  if (!all.length) return;
  const first = all[0];
  const last = all[all.length - 1];
  if (!e.shiftKey && document.activeElement === last) {
    e.preventDefault();
    first.focus();
  } else if (e.shiftKey && (document.activeElement === first || document.activeElement === ui.title)) {
    e.preventDefault();
    last.focus();
  }
});

// Enter in the language list starts the chat, as the Start button would.
ui.list.addEventListener('keydown', (e) => {
  if (e.key === 'Enter') {
    e.preventDefault();
    ui.startButton.click();
  }
});

// ---- Language --------------------------------------------------------------------------

/** Shows the widget's texts in `code`, with its direction. */
async function setUiLanguage(code) {
  const shownIn = await loadStrings(code);
  const info = findLanguage(languages, shownIn);
  const dir = info?.direction === 'rtl' ? 'rtl' : 'ltr';
  document.documentElement.lang = shownIn;
  document.documentElement.dir = dir;
  ui.panel.dir = dir;
  document.title = t('title');
  applyStrings(document);
  ui.subtitle.textContent = settings.forceName;
  ui.intro.textContent = t('intro', { force: settings.forceName });
  ui.queueReport.href = settings.reportUrl;
  ui.queueReport.textContent = `${t('reportOnline')} ${t('newTab')}`;
  buildRatings();
  if (lastQueued) showQueue(lastQueued);
  updateCount();
}

let shownCount = 0;
function updateCount() {
  ui.count.textContent = shownCount ? t('languageCount', { count: shownCount }) : t('languageNoMatch');
}

let picker = null;
let pickerReady = false;
function buildPicker() {
  picker = languagePicker({
    select: ui.list,
    search: ui.search,
    list: languages,
    selected: language,
    onCount: (n) => { shownCount = n; updateCount(); },
    onChange: (code) => {
      if (!pickerReady) return;
      userPicked = true;
      language = code;
      // The screen turns to the chosen language at once, so its speaker can read on.
      setUiLanguage(code);
    },
  });
  pickerReady = true;
}

// ---- Screens ---------------------------------------------------------------------------

function showError(text) {
  ui.error.textContent = text ? `${text}` : '';
}

function showConnection(status) {
  if (exiting) return;
  if (status === 'reconnecting' && chat && chat.state !== 'ended') {
    ui.connection.textContent = t('reconnecting');
    transcript.markUnsent();
  } else if (status === 'connecting' && (startWanted || chat)) {
    ui.connection.textContent = t('connecting');
  } else {
    ui.connection.textContent = '';
  }
}

/** Shows what the chat's state allows: the composer, the operator button, the queue, the end. */
function render() {
  const state = chat?.state ?? null;
  ui.start.hidden = chat !== null || startWanted;
  ui.chat.hidden = !(chat || startWanted);
  const live = state === 'bot' || state === 'waiting' || state === 'active';
  ui.composer.hidden = !live;
  ui.actions.hidden = !live;
  ui.operatorButton.hidden = state !== 'bot';
  ui.queue.hidden = state !== 'waiting' || !lastQueued;
  ui.feedback.hidden = !(state === 'ended' && feedbackOpen);
  ui.newChat.hidden = state !== 'ended';
  if (state !== 'active') showOperatorTyping(false);
  if (state !== 'bot') ui.noOperator.hidden = true;
}

function showQueue(q) {
  lastQueued = q;
  const canAnswer = q.operatorsAvailable !== 0 && q.staffed !== false
    && Number.isFinite(q.estimatedWaitSeconds);
  if (canAnswer) {
    const minutes = Math.max(1, Math.ceil(q.estimatedWaitSeconds / 60));
    ui.queuePosition.textContent = t('queuePosition', { position: q.position });
    ui.queueWait.textContent = minutes === 1 ? t('queueWaitMinute') : t('queueWaitMinutes', { minutes });
    ui.queueAlternatives.textContent = t('alternatives');
    ui.queue.classList.remove('queue--none');
  } else {
    // Said plainly: nobody can answer now, and no made-up estimate.
    ui.queuePosition.textContent = t('noOperator');
    ui.queueWait.textContent = t('noOperatorAdvice');
    ui.queueAlternatives.textContent = '';
    ui.queue.classList.add('queue--none');
  }
}

function buildRatings() {
  const chosen = ui.ratings.querySelector('input:checked')?.value;
  ui.ratings.replaceChildren();
  for (let n = 1; n <= 5; n += 1) {
    const id = `rating-${n}`;
    const wrap = document.createElement('div');
    wrap.className = 'rating';
    const input = document.createElement('input');
    input.type = 'radio';
    input.name = 'rating';
    input.id = id;
    input.value = String(n);
    input.checked = chosen === String(n);
    input.setAttribute('aria-describedby', 'feedback-hint');
    const label = document.createElement('label');
    label.htmlFor = id;
    label.textContent = t(`rating${n}`);
    wrap.append(input, label);
    ui.ratings.append(wrap);
  }
}

// ---- The chat --------------------------------------------------------------------------

ui.startButton.addEventListener('click', () => {
  language = picker?.value || language;
  startChat();
});

ui.newChat.addEventListener('click', () => {
  transcript.clear();
  chat = null;
  lastQueued = null;
  feedbackOpen = false;
  ui.thanks.textContent = '';
  ui.feedbackForm.hidden = false;
  startChat();
});

function startChat() {
  showError('');
  startWanted = true;
  render();
  ui.title.focus();
  if (connection.isOpen) sendStart();
  else connection.connect();
}

function sendStart() {
  connection.send({ action: 'start', language, languageChosen: userPicked });
}

/** A socket opened (first time, or after a drop): go on with the chat it is for. */
function connected() {
  if (chat && chat.state !== 'ended') {
    connection.send({ action: 'resume', resumeToken: chat.resumeToken, afterSeq: transcript.highestSeq });
  } else if (startWanted && !chat) {
    sendStart();
  }
}

function keep() {
  if (!chat || chat.state === 'ended') return;
  store.save({ resumeToken: chat.resumeToken, chatId: chat.chatId, lastSeq: transcript.highestSeq, language: chat.language });
}

function newId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
}

function sendMessage(text) {
  if (!chat || chat.state === 'ended') return false;
  const clean = text.trim();
  if (!clean) return false;
  if ([...clean].length > MAX_CHARS) {
    showError(t('errorTooLong'));
    return false;
  }
  showError('');
  const clientMessageId = newId();
  pendingSends.set(clientMessageId, { text: clean });
  transcript.addPending(clientMessageId, clean, chat.language);
  scrollToEnd(true);
  stopTyping();
  if (!connection.send({ action: 'send', clientMessageId, text: clean })) transcript.markUnsent();
  return true;
}

function resendPending() {
  transcript.markSending();
  for (const [clientMessageId, { text }] of pendingSends) {
    connection.send({ action: 'send', clientMessageId, text });
  }
}

function requestOperator() {
  if (!chat || chat.state !== 'bot') return;
  connection.send({ action: 'request_operator' });
}

ui.operatorButton.addEventListener('click', requestOperator);
ui.endButton.addEventListener('click', () => {
  if (!chat || chat.state === 'ended') return;
  if (!connection.send({ action: 'leave' })) showError(t('errorGeneric'));
});

ui.composer.addEventListener('submit', (e) => {
  e.preventDefault();
  if (sendMessage(ui.message.value)) ui.message.value = '';
  ui.message.focus();
});
ui.message.addEventListener('keydown', (e) => {
  // Enter sends, Shift+Enter is a new line (as in most chats).
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    ui.composer.requestSubmit();
  }
});

// Typing, told to the operator: true at most every 3 s, false on stopping or sending.
ui.message.addEventListener('input', () => {
  if (chat?.state !== 'active') return;
  if (!ui.message.value.trim()) {
    stopTyping();
    return;
  }
  const now = Date.now();
  if (!typingOn || now - typingSentAt >= TYPING_EVERY_MS) {
    if (connection.send({ action: 'typing', typing: true })) {
      typingOn = true;
      typingSentAt = now;
    }
  }
  clearTimeout(typingIdle);
  typingIdle = setTimeout(stopTyping, TYPING_IDLE_MS);
});

function stopTyping() {
  clearTimeout(typingIdle);
  if (typingOn) connection.send({ action: 'typing', typing: false });
  typingOn = false;
}

function showOperatorTyping(on) {
  clearTimeout(operatorTypingTimer);
  ui.typing.textContent = on ? t('operatorTyping') : '';
  // A lost "typing: false" must not leave the line up for ever.
  if (on) operatorTypingTimer = setTimeout(() => showOperatorTyping(false), 10_000);
}

/** Tells the operator their messages were seen, once per new one, when they are on screen. */
function maybeSendSeen() {
  if (!open || document.visibilityState !== 'visible' || !chat || chat.state === 'ended') return;
  if (operatorSeq > seenSent && connection.send({ action: 'seen', seq: operatorSeq })) seenSent = operatorSeq;
}
document.addEventListener('visibilitychange', maybeSendSeen);

ui.feedbackForm.addEventListener('submit', (e) => {
  e.preventDefault();
  const chosen = ui.ratings.querySelector('input:checked');
  if (!chosen) {
    showError(t('feedbackChoose'));
    ui.ratings.querySelector('input')?.focus();
    return;
  }
  showError('');
  if (!connection.send({ action: 'feedback', rating: Number(chosen.value) })) showError(t('errorGeneric'));
});

let endNote = null;            // our own "chat ended" line, until the server's event comes

function show(entry) {
  if (entry.event?.event === 'ended' && endNote) { endNote.remove(); endNote = null; }
  transcript.upsert(entry);
  if (entry.sender?.role === 'operator' && entry.seq > operatorSeq) operatorSeq = entry.seq;
  const ev = entry.event?.event;
  if (ev === 'language_changed' && typeof entry.event.to === 'string' && chat) {
    chat.language = entry.event.to;
    setUiLanguage(chat.language);
  }
}

function chatEnded(reason, { feedback }) {
  if (!chat) return;
  const wasLive = chat.state !== 'ended';
  chat.state = 'ended';
  store.clearAll();
  pendingSends.clear();
  stopTyping();
  feedbackOpen = feedback && reason !== 'quick_exit';
  // Ended while we were away (found on resuming), or by our own leave (whose `ended` event
  // may not reach this socket): say so, unless the server's event has said it already.
  const said = ui.transcript.querySelector('li[data-ended="true"]') !== null;
  if (wasLive && !said) {
    endNote = transcript.note(reason ? SHOWN_EVENTS.ended({ reason }) : t('chatEnded'));
  }
  render();
  if (wasLive) ui.title.focus();
}

/**
 * Fixed header and composer with a scrolling conversation between them, unless they would
 * take most of the panel (large text on a phone): then the panel scrolls as a whole.
 */
function fitPanel() {
  if (ui.panel.hidden) return;
  let fixed = 0;
  for (const child of ui.panel.children) if (child.id !== 'body') fixed += child.offsetHeight;
  ui.panel.classList.toggle('panel--flow', fixed > ui.panel.clientHeight * 0.65);
}
new ResizeObserver(fitPanel).observe(ui.panel);
new ResizeObserver(fitPanel).observe(document.querySelector('.panel__footer'));

/** Keeps the newest message in view (unless the citizen has scrolled up to read). */
function scrollToEnd(force = false) {
  const body = ui.panel.classList.contains('panel--flow') ? ui.panel : $('body');
  const nearEnd = body.scrollHeight - body.scrollTop - body.clientHeight < 120;
  if (force || nearEnd) requestAnimationFrame(() => { body.scrollTop = body.scrollHeight; });
}

function handleFrame(f) {
  scrollToEnd();
  if (f.v !== 1) {
    // Another protocol version: stop rather than guess.
    showError(t('errorReload'));
    connection.stop();
    return;
  }
  if (exiting) return;
  switch (f.type) {
    case 'chat_started':
      startWanted = false;
      chat = { chatId: f.chatId, resumeToken: f.resumeToken, state: f.state ?? 'bot', language: f.language ?? language };
      operatorSeq = 0;
      seenSent = 0;
      keep();
      if (chat.language !== stringsLanguage()) setUiLanguage(chat.language);
      ui.noOperator.textContent = t('noOperatorYet');
      render();
      ui.noOperator.hidden = !(f.operatorsAvailable === 0 || f.staffed === false);
      ui.message.focus();
      break;
    case 'resumed':
      if (!chat) break;
      chat.state = f.state;
      chat.language = f.language ?? chat.language;
      for (const m of f.missed ?? []) show(m);
      if (f.more) connection.send({ action: 'history', afterSeq: transcript.highestSeq });
      if (chat.language !== stringsLanguage()) setUiLanguage(chat.language);
      if (chat.state === 'ended') chatEnded(null, { feedback: false });
      else { keep(); resendPending(); if (chat.state === 'waiting') connection.send({ action: 'request_operator' }); }
      render();
      maybeSendSeen();
      break;
    case 'history': {
      if (!chat) break;
      const list = f.messages ?? [];
      for (const m of list) show(m);
      if (f.more && list.length) connection.send({ action: 'history', afterSeq: transcript.highestSeq });
      keep();
      break;
    }
    case 'ack': {
      const p = pendingSends.get(f.clientMessageId);
      if (p) {
        pendingSends.delete(f.clientMessageId);
        transcript.ack(f.clientMessageId, f.seq, p.text, chat?.language);
      }
      keep();
      break;
    }
    case 'message':
      if (!chat || f.chatId !== chat.chatId) break;
      show(f);
      keep();
      if (f.sender?.role === 'operator') { showOperatorTyping(false); maybeSendSeen(); }
      switch (f.event?.event) {
        case 'operator_joined': chat.state = 'active'; lastQueued = null; render(); break;
        case 'handed_back': chat.state = 'waiting'; render(); break;
        case 'queued': if (chat.state === 'bot') { chat.state = 'waiting'; render(); } break;
        case 'ended': chatEnded(f.event.reason, { feedback: true }); break;
        default: break;
      }
      break;
    case 'queued':
      if (!chat || chat.state === 'ended') break;
      showQueue(f);
      // queued frames travel apart from messages: one may come just before the handed_back
      // event (kept for it) or just after operator_joined (stale): the events set the state.
      if (chat.state !== 'active') chat.state = 'waiting';
      render();
      break;
    case 'typing':
      if (f.from === 'operator' && chat?.state === 'active') showOperatorTyping(f.typing === true);
      break;
    case 'seen':
      if (f.from === 'operator' && Number.isInteger(f.seq)) transcript.seen(f.seq);
      break;
    case 'chat_ended':
      chatEnded(f.reason, { feedback: true });
      break;
    case 'feedback_received':
      ui.feedbackForm.hidden = true;
      ui.thanks.textContent = t('feedbackThanks');
      ui.newChat.focus();
      break;
    case 'error':
      handleError(f);
      break;
    default:
      break; // pong, and frames of later versions we do not know
  }
}

function handleError(f) {
  switch (f.code) {
    case 'invalid_resume_token':
    case 'chat_ended':
      // The chat is over (or forgotten): nothing to resume, offer a new one.
      if (chat && chat.state !== 'ended') chatEnded(null, { feedback: false });
      else if (!chat) { startWanted = false; render(); }
      break;
    case 'rate_limited':
      showError(t('errorRateLimited'));
      setTimeout(() => { if (pendingSends.size) resendPending(); }, 5000);
      break;
    case 'internal':
      showError(t('errorGeneric'));
      setTimeout(() => { if (pendingSends.size) resendPending(); }, 3000);
      break;
    case 'text_too_long':
      showError(t('errorTooLong'));
      break;
    case 'chat_already_started':
    case 'no_chat':
      if (!chat) { showError(t('errorStart')); startWanted = false; render(); }
      break;
    case 'unknown_action':
    case 'invalid_frame':
    case 'forbidden':
    case 'not_waiting':
      break; // a move the chat no longer allows; the next frame shows the truth
    default:
      showError(t('errorGeneric'));
  }
}

// ---- Leaving quickly -------------------------------------------------------------------

let exitFallback = null;

function blankScreen() {
  exiting = true;
  ui.panel.hidden = true;
  ui.launcher.hidden = true;
  ui.blank.hidden = false;
  document.title = '';
}

/** Ends the chat on the server, drops what is kept in memory and in storage. */
function forgetEverything() {
  if (!exiting) blankScreen();
  const resumeToken = chat?.resumeToken ?? store.load()?.resumeToken ?? null;
  endAndForget({ connection, resumeToken, api: settings.api });
  chat = null;
  pendingSends.clear();
  transcript.clear();
}

function quickExit() {
  if (exiting) return;
  blankScreen();
  forgetEverything();
  if (embedded && settings.hostOrigin) {
    // The embed script blanks and replaces the top page; if it does not answer, we do.
    toHost({ type: 'exit' });
    exitFallback = setTimeout(leaveTop, EXIT_FALLBACK_MS);
  } else {
    leaveTop();
  }
}

function leaveTop() {
  try {
    window.top.location.replace(settings.exitUrl);
  } catch {
    location.replace(settings.exitUrl);
  }
}

ui.leave.addEventListener('click', quickExit);
shiftTriple(document, () => { if (open) quickExit(); });

window.addEventListener('online', () => connection.retryNow());

// ---- Start -----------------------------------------------------------------------------

async function init() {
  const kept = store.load();
  languages = await fetchLanguages();
  language = kept?.language ?? defaultLanguage(languages, navigator.languages);
  await setUiLanguage(language);
  buildPicker();
  ui.launcher.hidden = false;
  render();
  reportSize();
  if (kept) {
    // A reload in the same tab: the chat goes on, its transcript comes back from the server.
    chat = { chatId: kept.chatId, resumeToken: kept.resumeToken, state: 'bot', language: kept.language ?? language };
    render();
    setOpen(true, { focus: false });
    connection.connect();
  }
  toHost({ type: 'ready' });
}

init();
