// The operator console: signs in, keeps one operator socket, and routes its frames to the
// queue, the chat tabs and the other sections. See docs/web-console.md.

import { initAnnouncer, announce, announceUrgent } from './announce.js';
import {
  localSignIn, startCognitoSignIn, completeCognitoSignIn, signOut, accessToken, displayName,
} from './auth.js';
import { Connection } from './connection.js';
import { Chats } from './chats.js';
import { Queue } from './queue.js';
import { loadLanguages, englishName } from './languages.js';
import { loadQuickResponses } from './quick-responses.js';
import { setReportsApi } from './api.js';
import { openReportDialog } from './report-dialog.js';
import { ReportsView } from './reports.js';
import { UnansweredView } from './unanswered.js';
import { SupervisorView } from './supervisor.js';
import { confirmDialog } from './dialogs.js';

const $ = (id) => document.getElementById(id);

let config;
let conn = null;
let chats;
let queue;
let reportsView;
let unansweredView;
let supervisorView;
let me = null;
let supervisor = false;
let view = 'signin';
let wantedPresence = 'available';
let lastClaim = null;         // { chatId, at }: errors carry no chat id, a claim's come soon after
const claimedFrom = new Map(); // chatId -> its queue entry when claimed (the emergency reason)
let statsAsked = false;       // a `forbidden` soon after asking for stats is the stats' refusal
let helloAt = 0;

function fatal(text) {
  const node = $('fatal');
  node.textContent = text;
  node.hidden = false;
}

async function boot() {
  initAnnouncer($('announce-polite'), $('announce-assertive'));
  try {
    const reply = await fetch('config.json', { cache: 'no-store' });
    config = await reply.json();
  } catch {
    fatal('The console could not load its settings (config.json). Reload the page; if it persists, tell the service desk.');
    return;
  }
  setReportsApi(config.reportsApi);
  await Promise.all([
    loadLanguages(config.languagesUrl ?? new URL('../widget/languages.json', location.href).href),
    loadQuickResponses(new URL('quick-responses.json', location.href).href),
  ]);
  buildViews();
  wireHeader();
  const signIn = config.signIn ?? { kind: 'local' };
  if (signIn.kind === 'cognito') {
    try {
      if (await completeCognitoSignIn(signIn)) { startSession(); return; }
    } catch (err) {
      $('cognito-error').textContent = err.message;
      $('cognito-error').hidden = false;
    }
    $('signin-cognito').hidden = false;
    $('cognito-signin').addEventListener('click', () => startCognitoSignIn(signIn));
  } else {
    $('signin-local').hidden = false;
    $('signin-form').addEventListener('submit', onLocalSignIn);
  }
  showView('signin');
}

async function onLocalSignIn(e) {
  e.preventDefault();
  const name = $('signin-name');
  const error = $('signin-error');
  error.hidden = true;
  name.removeAttribute('aria-invalid');
  if (!/^[A-Za-z0-9_=-]{1,128}$/.test(name.value.trim())) {
    error.textContent = 'Enter your operator name: letters, digits, hyphens and underscores only.';
    error.hidden = false;
    name.setAttribute('aria-invalid', 'true');
    name.focus();
    return;
  }
  try {
    await localSignIn(config.signIn, name.value.trim(), $('signin-supervisor').checked);
    startSession();
  } catch (err) {
    error.textContent = `Sign-in failed: ${err.message}.`;
    error.hidden = false;
  }
}

function buildViews() {
  chats = new Chats({
    tablist: $('chat-tabs'),
    panels: $('chat-panels'),
    empty: $('chats-empty'),
    ctx: {
      // Typing frames matter only now: dropped rather than queued when the budget is spent.
      // A preview that cannot go now is not worth queueing either: the next pause asks again.
      send: (frame) => conn?.send(frame, {
        droppable: (frame.action === 'typing' && frame.typing) || frame.action === 'preview',
      }) ?? false,
      me: () => me,
      isVisible: () => view === 'chats' && document.visibilityState === 'visible',
      openReport: (chat, selected) => openReportDialog(chat, selected).then(() => chat.reportButton.focus()),
      onChange: updateTitle,
      // The reply in the citizen's language before sending (a paid translation per pause):
      // on unless the force's config.json says "previewReplies": false.
      previewReplies: config.previewReplies !== false,
    },
  });
  chats.refreshEmpty();
  queue = new Queue({
    list: $('queue-list'), empty: $('queue-empty'), count: $('queue-count'), note: $('queue-note'),
    onClaim: (chatId) => {
      lastClaim = { chatId, at: Date.now() };
      const entry = queue.entries.find((e) => e.chatId === chatId);
      if (entry) claimedFrom.set(chatId, entry);
      if (!conn?.send({ action: 'claim', chatId })) {
        queue.claimFailed(chatId, 'Not connected: claim again once the console is connected.');
      }
    },
  });
  reportsView = new ReportsView($('view-reports'));
  unansweredView = new UnansweredView($('view-unanswered'), (f) => conn?.send(f));
  supervisorView = new SupervisorView($('view-supervisor'), (f, periodic) => {
    // A periodic refresh that finds no room is skipped: the next one comes in 10 s.
    const sent = conn?.send(f, { droppable: periodic }) ?? false;
    if (sent) statsAsked = true;
    return sent;
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && view === 'chats') chats.viewShown();
  });
}

function wireHeader() {
  for (const button of document.querySelectorAll('.section-button')) {
    button.addEventListener('click', () => showView(button.dataset.view));
  }
  $('presence').addEventListener('change', () => {
    wantedPresence = $('presence').value;
    conn?.send({ action: 'set_presence', presence: wantedPresence });
  });
  $('sign-out').addEventListener('click', onSignOut);
}

async function onSignOut() {
  const held = [...chats.chats.values()].filter((c) => !c.ended).length;
  if (held > 0) {
    const ok = await confirmDialog({
      title: 'Sign out?',
      body: `You hold ${held} chat${held === 1 ? '' : 's'}. ${held === 1 ? 'It stays' : 'They stay'} assigned to you while you are signed out: hand ${held === 1 ? 'it' : 'them'} back first if you are leaving.`,
      confirm: 'Sign out',
      cancel: 'Stay signed in',
    });
    if (!ok) { $('sign-out').focus(); return; }
  }
  conn?.stop();
  conn = null;
  signOut(config.signIn);
  // Local sign-in: a fresh page is the surest way to forget every chat shown.
  if (config.signIn?.kind !== 'cognito') location.reload();
}

function showView(name) {
  view = name;
  for (const section of document.querySelectorAll('.view')) section.hidden = section.id !== `view-${name}`;
  for (const button of document.querySelectorAll('.section-button')) {
    if (button.dataset.view === name) button.setAttribute('aria-current', 'page');
    else button.removeAttribute('aria-current');
  }
  if (name === 'chats') chats.viewShown();
  if (name === 'reports') reportsView.load();
  if (name === 'unanswered') unansweredView.request();
  if (name === 'supervisor') supervisorView.start(); else supervisorView.stop();
  updateTitle();
}

function startSession() {
  $('view-signin').hidden = true;
  $('session').hidden = false;
  $('sections').hidden = false;
  conn = new Connection(config.operatorWs, accessToken, { onFrame, onStatus });
  conn.start();
  showView('chats');
  $('main').focus();
}

function onStatus(status) {
  const text = {
    connecting: 'Connecting…',
    open: 'Connected',
    reconnecting: 'Connection lost: reconnecting…',
    closed: 'Signed out',
    incompatible: 'Out of date',
    failing: 'Cannot reconnect',
  }[status] ?? '';
  $('connection-status').textContent = text;
  $('connection-status').dataset.status = status;
  if (status === 'incompatible') fatal('This console no longer matches the server. Reload the page.');
  if (status === 'failing') offerSignInAgain();
  if (status === 'open') $('signin-again')?.remove();
}

/** The socket keeps being refused: most likely the sign-in expired. Still retrying meanwhile. */
function offerSignInAgain() {
  if ($('signin-again')) return;
  const box = document.createElement('div');
  box.id = 'signin-again';
  box.className = 'error-banner';
  box.setAttribute('role', 'alert');
  const p = document.createElement('p');
  p.textContent = 'The console cannot reconnect. Your sign-in may have expired, or the network is down. '
    + 'It keeps trying; your chats stay yours meanwhile.';
  const again = document.createElement('button');
  again.type = 'button';
  again.className = 'button';
  again.textContent = 'Sign in again';
  again.addEventListener('click', () => {
    conn?.stop();
    signOut(config.signIn);
    if (config.signIn?.kind !== 'cognito') location.reload();
  });
  box.append(p, again);
  $('main').prepend(box);
}

/**
 * A quick exit in a chat that is not on screen (another tab, another section) must not go
 * unnoticed: a banner above everything names it until it is acknowledged.
 */
function updateSafeguardingBanner() {
  const banner = $('safeguarding-banner');
  const flagged = [...chats.chats.values()].filter((c) => c.needsAck);
  const shown = flagged.filter((c) => !(view === 'chats' && chats.activeId === c.chatId));
  while (banner.firstChild) banner.firstChild.remove();
  banner.hidden = shown.length === 0;
  if (banner.hidden) return;
  const heading = document.createElement('h2');
  heading.textContent = 'Safeguarding: quick exit to acknowledge';
  banner.append(heading);
  for (const chat of shown) {
    const go = document.createElement('button');
    go.type = 'button';
    go.className = 'button button-warning';
    go.textContent = `Go to ${chat.label}`;
    go.addEventListener('click', () => {
      showView('chats');
      chats.activate(chat.chatId, true);
    });
    banner.append(go);
  }
}

function updateTitle() {
  updateSafeguardingBanner();
  const unread = chats.unreadTotal();
  document.title = `${unread ? `(${unread}) ` : ''}Bluelamp operator console`;
  const chatsButton = document.querySelector('.section-button[data-view="chats"]');
  chatsButton.textContent = unread ? `Chats (${unread} unread)` : 'Chats';
}

function requestHistory(chatId, afterSeq) {
  conn.send({ action: 'history', chatId, afterSeq });
}

function onFrame(frame) {
  switch (frame.type) {
    case 'operator_ready': return onReady(frame);
    case 'queue': return queue.set(frame.entries ?? []);
    case 'claimed': return onClaimed(frame);
    case 'message': return chats.get(frame.chatId)?.addEntries([frame], true);
    case 'ack': return chats.get(frame.chatId)?.onAck(frame);
    case 'history': return onHistory(frame);
    case 'handed_back': return onHandedBack(frame);
    case 'chat_ended': return chats.get(frame.chatId)?.markEnded(frame.reason);
    case 'typing':
      if (frame.from === 'citizen') chats.get(frame.chatId)?.setCitizenTyping(Boolean(frame.typing));
      return undefined;
    case 'seen':
      if (frame.from === 'citizen') chats.get(frame.chatId)?.citizenSeen(frame.seq);
      return undefined;
    case 'presence_set': return showPresence(frame.presence);
    case 'stats': statsAsked = false; return supervisorView.show(frame);
    case 'unanswered': return unansweredView.show(frame.entries ?? []);
    case 'language_set': return onLanguageSet(frame);
    case 'preview': return chats.get(frame.chatId)?.onPreview(frame);
    case 'error': return onError(frame);
    default: return undefined; // pong, and frames this console does not know
  }
}

function onReady(frame) {
  me = frame.operatorId;
  supervisor = Boolean(frame.supervisor);
  const shown = displayName();
  $('operator-name').textContent = shown && shown !== me ? `${shown} (${me})` : me;
  $('supervisor-badge').hidden = !supervisor;
  $('supervisor-section').hidden = !supervisor;
  if (!supervisor && view === 'supervisor') showView('chats');
  // A claim in flight when the socket dropped got no answer: its button comes back.
  queue.claiming.clear();
  queue.set(frame.queue ?? []);
  showPresence(frame.presence ?? 'available');
  if (frame.presence && frame.presence !== wantedPresence) conn.send({ action: 'set_presence', presence: wantedPresence });
  const held = new Set();
  for (const info of frame.chats ?? []) {
    held.add(info.chatId);
    const known = chats.get(info.chatId);
    const chat = chats.ensure(info);
    // A reconnect: read on from the last entry this console has (the first time, from 0).
    requestHistory(info.chatId, known ? chat.maxSeq : 0);
  }
  // Chats shown here but no longer held ended while the socket was down: read how (the
  // server lets the operator who held a chat last read it after it ended), so that a quick
  // exit raises its safeguarding alert even then.
  for (const chat of chats.chats.values()) {
    if (held.has(chat.chatId) || chat.ended) continue;
    chat.checkingEnd = true;
    requestHistory(chat.chatId, chat.maxSeq);
    setTimeout(() => { if (!chat.ended) chat.markEnded('unknown'); }, 10_000);
  }
  chats.resendPending();
}

function onClaimed(frame) {
  lastClaim = null;
  const entry = claimedFrom.get(frame.chat.chatId);
  claimedFrom.delete(frame.chat.chatId);
  const chat = chats.ensure({ ...frame.chat, emergencyReason: entry?.emergencyReason });
  chat.addEntries(frame.transcript ?? [], false);
  if (frame.more) requestHistory(chat.chatId, chat.maxSeq);
  chats.activate(chat.chatId, true);
  announce(`You claimed ${chat.label}.`);
}

function onHistory(frame) {
  const chat = chats.get(frame.chatId);
  if (!chat) return;
  chat.addEntries(frame.messages ?? [], false);
  if (frame.more && (frame.messages ?? []).length) requestHistory(chat.chatId, chat.maxSeq);
  else if (chat.checkingEnd && !chat.ended) chat.markEnded('unknown');
}

function onHandedBack(frame) {
  const chat = chats.get(frame.chatId);
  if (!chat) return;
  const label = chat.label;
  chats.remove(frame.chatId);
  announce(`${label} was handed back to the queue.`);
  if (chats.size === 0) $('queue-heading').focus?.();
}

function onLanguageSet(frame) {
  const chat = chats.get(frame.chatId);
  if (!chat) return;
  chat.update({ language: frame.language });
  announce(`${chat.label}: the citizen now reads and writes ${englishName(frame.language)}.`);
}

function showPresence(presence) {
  const changed = $('presence').value !== presence;
  $('presence').value = presence;
  document.body.dataset.presence = presence;
  if (changed || presence !== wantedPresence) return;
  announce(presence === 'away' ? 'You are away: citizens are told nobody is available.' : 'You are available.');
}

function refresh() {
  // Something changed under us (a chat ended, or was not ours): ask again, at most every 5 s.
  if (Date.now() - helloAt < 5000) return;
  helloAt = Date.now();
  conn.send({ action: 'hello' });
}

const MESSAGES = {
  not_your_chat: 'That chat is no longer yours.',
  chat_ended: 'That chat has ended.',
  not_waiting: 'That chat is no longer waiting.',
  text_too_long: 'The reply is too long: at most 2000 characters.',
  empty_text: 'The reply was empty.',
  unsupported_language: 'That language is not one the service translates.',
  rate_limited: 'Too many actions at once: the console will try again in a few seconds.',
  internal: 'The server failed: the console will try again.',
};

function onError(frame) {
  const recentClaim = lastClaim && Date.now() - lastClaim.at < 10_000 ? lastClaim : null;
  switch (frame.code) {
    case 'already_claimed':
      lastClaim = null;
      if (frame.operatorId && frame.operatorId === me) return undefined; // we hold it already
      queue.takenByOther(frame.chatId ?? recentClaim?.chatId, frame.operatorId);
      return announce(`That chat was taken by ${frame.operatorId ?? 'another operator'}.`);
    case 'not_waiting':
    case 'chat_ended':
      if (recentClaim) {
        lastClaim = null;
        queue.claimFailed(recentClaim.chatId, MESSAGES[frame.code]);
        return announce(MESSAGES[frame.code]);
      }
      refresh();
      return announceUrgent(MESSAGES[frame.code]);
    case 'not_your_chat':
      refresh();
      return announceUrgent(MESSAGES.not_your_chat);
    case 'forbidden':
      if (statsAsked) { statsAsked = false; return supervisorView.forbidden(); }
      return announceUrgent('The server refused that action.');
    case 'rate_limited':
    case 'internal':
      setTimeout(() => chats.resendPending(), 3000);
      return announceUrgent(MESSAGES[frame.code]);
    default: {
      const text = MESSAGES[frame.code] ?? `The server refused that (${frame.code}).`;
      const chat = chats.get(chats.activeId);
      if (chat && (frame.code === 'text_too_long' || frame.code === 'empty_text')) {
        chat.failPending(text);
        chat.showReplyError(text);
      }
      return announceUrgent(text);
    }
  }
}

boot();
