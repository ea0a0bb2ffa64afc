// The chats an operator holds, as tabs (the WAI-ARIA tabs pattern: arrow keys, Home and End
// move between tabs, Tab goes into the panel). Each chat keeps its transcript by seq (the
// server's order; a second entry with the same seq is an update and replaces the first),
// the operator's messages pending until their ack, the citizen's state, and the reply box.

import { el, clear, uid, formatTime } from './dom.js';
import { renderEntry, endedReasonText } from './transcript.js';
import { languageNodes, englishName, allLanguages, direction } from './languages.js';
import { announce, announceUrgent } from './announce.js';
import { attachQuickResponses } from './quick-responses.js';
import { confirmDialog } from './dialogs.js';

const TYPING_EVERY_MS = 3000;   // the protocol asks for typing:true at most every 3 s
const TYPING_IDLE_MS = 4000;    // no key for this long counts as stopped
const CITIZEN_TYPING_MS = 8000; // a "typing" shown without news for longer is dropped
// Each preview is a paid translation: ask once the operator pauses, never per key.
const PREVIEW_PAUSE_MS = 1000;

export class Chats {
  /**
   * ctx: { send(frame) -> bool, me() -> operatorId, isVisible() -> whether the chats view
   * shows, openReport(chat, selectedText), onChange(), previewReplies (bool) }
   */
  constructor({ tablist, panels, empty, ctx }) {
    this.tablist = tablist;
    this.panels = panels;
    this.empty = empty;
    this.ctx = ctx;
    this.chats = new Map();
    this.activeId = null;
    this.counter = 0;
    tablist.addEventListener('keydown', (e) => this.onTabKey(e));
  }

  get(chatId) { return this.chats.get(chatId); }
  has(chatId) { return this.chats.has(chatId); }
  get size() { return this.chats.size; }

  /** A chat claimed or held: its tab, created if new. */
  ensure(info) {
    let chat = this.chats.get(info.chatId);
    if (!chat) {
      this.counter += 1;
      chat = new Chat(this, info, this.counter);
      this.chats.set(info.chatId, chat);
      this.tablist.append(chat.tab);
      this.panels.append(chat.panel);
      if (!this.activeId) this.activate(info.chatId, false);
      this.refreshEmpty();
    } else {
      chat.update(info);
    }
    return chat;
  }

  activate(chatId, focus = true) {
    this.activeId = chatId;
    for (const chat of this.chats.values()) chat.setSelected(chat.chatId === chatId);
    const chat = this.chats.get(chatId);
    if (chat) {
      chat.clearUnread();
      chat.sendSeen();
      if (focus) chat.tab.focus();
    }
    this.ctx.onChange();
  }

  remove(chatId) {
    const chat = this.chats.get(chatId);
    if (!chat) return;
    const order = [...this.chats.keys()];
    const index = order.indexOf(chatId);
    chat.destroy();
    this.chats.delete(chatId);
    if (this.activeId === chatId) {
      this.activeId = null;
      const next = [...this.chats.keys()][Math.min(index, this.chats.size - 1)];
      if (next) this.activate(next, true);
    }
    this.refreshEmpty();
    this.ctx.onChange();
  }

  refreshEmpty() {
    this.empty.hidden = this.chats.size > 0;
    this.tablist.hidden = this.chats.size === 0;
  }

  /** The chats view became visible (or the window came back): the active chat is read. */
  viewShown() {
    const chat = this.chats.get(this.activeId);
    if (chat) { chat.clearUnread(); chat.sendSeen(); }
  }

  unreadTotal() {
    let n = 0;
    for (const chat of this.chats.values()) n += chat.unread;
    return n;
  }

  onTabKey(e) {
    const tabs = [...this.tablist.querySelectorAll('[role="tab"]')];
    const index = tabs.indexOf(document.activeElement);
    if (index < 0) return;
    let next = null;
    if (e.key === 'ArrowRight') next = tabs[(index + 1) % tabs.length];
    else if (e.key === 'ArrowLeft') next = tabs[(index - 1 + tabs.length) % tabs.length];
    else if (e.key === 'Home') next = tabs[0];
    else if (e.key === 'End') next = tabs[tabs.length - 1];
    if (!next) return;
    e.preventDefault();
    this.activate(next.dataset.chatId, true);
  }

  /** After a reconnect: re-send what never got an ack (same clientMessageId: stored once). */
  resendPending() {
    for (const chat of this.chats.values()) chat.resendPending();
  }
}

class Chat {
  constructor(manager, info, number) {
    this.manager = manager;
    this.ctx = manager.ctx;
    this.chatId = info.chatId;
    this.number = number;
    this.language = info.language;
    this.priority = info.priority ?? 'normal';
    this.emergencyReason = info.emergencyReason;
    this.citizenOnline = info.citizenOnline ?? true;
    this.entries = new Map(); // seq -> {entry, node}
    this.pending = new Map(); // clientMessageId -> {text, node}
    this.maxSeq = 0;
    this.unread = 0;
    this.seenSentSeq = 0;
    this.citizenSeenSeq = 0;
    this.ended = null;        // the reason, once ended
    this.needsAck = false;    // a quick exit not yet acknowledged
    this.typingSentAt = 0;
    this.typingOn = false;
    this.previewAsked = null; // { id, text } of the latest preview asked for
    this.previewShown = null; // the reply text the preview on screen is of
    this.reports = [];
    this.build();
    this.update(info);
  }

  get label() { return `Chat ${this.number} (${englishName(this.language)})`; }

  build() {
    const tabId = uid('chat-tab');
    const panelId = uid('chat-panel');
    this.tabLabel = el('span', { class: 'tab-label' });
    this.tabFlags = el('span', { class: 'tab-flags' });
    this.tabUnread = el('span', { class: 'tab-unread', hidden: true });
    this.tab = el('button', {
      type: 'button', role: 'tab', id: tabId, 'aria-controls': panelId,
      'aria-selected': 'false', tabindex: '-1', class: 'chat-tab', 'data-chat-id': this.chatId,
    }, this.tabLabel, this.tabFlags, this.tabUnread);
    this.tab.addEventListener('click', () => this.manager.activate(this.chatId, false));

    const headingId = uid('chat-heading');
    this.heading = el('h3', { id: headingId });
    this.status = el('p', { class: 'chat-status' });
    this.emergency = el('p', { class: 'emergency-banner', hidden: true });
    this.safeguarding = el('div', { class: 'safeguarding', hidden: true });
    this.endedNote = el('p', { class: 'ended-note', hidden: true });

    this.reportButton = el('button', { type: 'button', class: 'button button-secondary' }, 'Create report');
    this.handBackButton = el('button', { type: 'button', class: 'button button-secondary' }, 'Hand back');
    this.endButton = el('button', { type: 'button', class: 'button button-warning' }, 'End chat');
    this.closeButton = el('button', { type: 'button', class: 'button button-secondary', hidden: true }, 'Close chat');
    this.closeHint = el('p', { class: 'hint', hidden: true }, 'Acknowledge the safeguarding alert before closing this chat.');
    // Keep the selection made in the transcript: a mouse press on the button would not clear
    // it, but read it before anything else can.
    this.reportButton.addEventListener('pointerdown', () => { this.selectionAtPress = this.selectedText(); });
    this.reportButton.addEventListener('click', () => {
      const selected = this.selectionAtPress || this.selectedText();
      this.selectionAtPress = '';
      this.ctx.openReport(this, selected);
    });
    this.handBackButton.addEventListener('click', () => this.handBack());
    this.endButton.addEventListener('click', () => this.end());
    this.closeButton.addEventListener('click', () => this.close());
    const actions = el('div', { class: 'chat-actions' },
      this.reportButton, this.handBackButton, this.endButton, this.closeButton);

    this.reportsNote = el('p', { class: 'reports-note', hidden: true });

    this.list = el('ol', { class: 'transcript-list' });
    this.transcript = el('section', {
      class: 'transcript', tabindex: '0', 'aria-label': 'Transcript',
    }, this.list);

    this.typing = el('p', { class: 'typing', role: 'status' });

    const replyId = uid('reply');
    const hintId = uid('reply-hint');
    this.reply = el('textarea', {
      id: replyId, rows: '3', maxlength: '2000', 'aria-describedby': hintId, class: 'reply-text',
    });
    this.replyHint = el('p', { class: 'hint', id: hintId });
    this.sendButton = el('button', { type: 'submit', class: 'button' }, 'Send');
    this.replyError = el('p', { class: 'form-error', role: 'alert', hidden: true });
    this.replyLabel = el('label', { for: replyId });
    const quick = el('div', { class: 'quick-responses' });
    this.previewHeading = el('p', { class: 'preview-heading' });
    this.previewText = el('p', { class: 'user-text preview-text' });
    this.preview = el('section', {
      class: 'reply-preview', hidden: true, 'aria-label': 'Your reply as the citizen will read it',
    }, this.previewHeading, this.previewText);
    this.form = el('form', { class: 'reply', novalidate: true },
      this.replyLabel, this.replyHint, this.replyError, this.reply, this.preview,
      el('div', { class: 'reply-actions' }, quick, this.sendButton));
    this.form.addEventListener('submit', (e) => { e.preventDefault(); this.sendReply(); });
    this.reply.addEventListener('keydown', (e) => {
      // Enter sends, Shift+Enter is a new line: what chat users expect.
      if (e.key === 'Enter' && !e.shiftKey && !e.altKey && !e.ctrlKey && !e.isComposing) {
        e.preventDefault();
        this.sendReply();
      }
    });
    this.reply.addEventListener('input', () => this.typed());
    this.reply.addEventListener('blur', () => this.stopTyping());
    attachQuickResponses(quick, this.reply, () => this.typed());

    this.languageForm = this.buildLanguageForm();

    this.panel = el('div', {
      role: 'tabpanel', id: panelId, 'aria-labelledby': tabId, class: 'chat-panel', hidden: true,
    },
    el('div', { class: 'chat-head' }, this.heading, this.status),
    this.emergency, this.safeguarding, this.endedNote, actions, this.closeHint, this.reportsNote,
    this.transcript, this.typing, this.form, this.languageForm);
    this.panel.dataset.chatId = this.chatId;
  }

  /** Correcting the chat's language (set_language), folded away: it is rarely needed. */
  buildLanguageForm() {
    const languages = allLanguages();
    if (languages.length === 0) return null;
    const id = uid('chat-language');
    this.languageSelect = el('select', { id }, languages.map((l) => el('option', { value: l.code }, l.englishName)));
    const form = el('form', { class: 'language-form' },
      el('label', { for: id }, "The citizen's language"), ' ', this.languageSelect, ' ',
      el('button', { type: 'submit', class: 'button button-secondary' }, 'Change language'));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.ctx.send({ action: 'set_language', chatId: this.chatId, language: this.languageSelect.value });
    });
    return el('details', { class: 'language-details' },
      el('summary', {}, "Change the chat's language"),
      el('p', { class: 'hint' }, 'If the citizen writes in another language than the one shown, choose theirs: '
        + 'they read and write it from their next message on.'),
      form);
  }

  update(info) {
    if (info.language && info.language !== this.language) {
      this.language = info.language;
      // A preview in the old language is no preview: ask again in the new one.
      if (this.preview) { this.hidePreview(); this.schedulePreview(); }
    }
    if (info.priority) this.priority = info.priority;
    if (info.emergencyReason) this.emergencyReason = info.emergencyReason;
    if (typeof info.citizenOnline === 'boolean') this.citizenOnline = info.citizenOnline;
    if (info.state === 'ended' && !this.ended) this.markEnded('unknown');
    this.render();
  }

  render() {
    this.tabLabel.textContent = this.label;
    clear(this.tabFlags);
    if (this.priority === 'emergency') this.tabFlags.append(el('span', { class: 'flag flag-emergency' }, 'Emergency'));
    if (this.needsAck) this.tabFlags.append(el('span', { class: 'flag flag-alert' }, 'Quick exit'));
    else if (this.ended) this.tabFlags.append(el('span', { class: 'flag' }, 'Ended'));
    this.tabUnread.hidden = this.unread === 0;
    this.tabUnread.textContent = `${this.unread} unread`;

    clear(this.heading).append(`Chat ${this.number}: `, ...languageNodes(this.language));
    let citizen;
    if (this.ended) citizen = 'Citizen: gone (the chat has ended)';
    else citizen = this.citizenOnline ? 'Citizen: connected' : "Citizen: connection dropped, may come back";
    this.status.textContent = citizen;
    if (this.priority === 'emergency') {
      this.emergency.hidden = false;
      this.emergency.textContent = `Emergency: ${reasonText(this.emergencyReason)}`;
    } else {
      this.emergency.hidden = true;
    }
    const english = (this.language ?? 'en').toLowerCase().startsWith('en');
    this.replyLabel.textContent = 'Your reply, in English';
    this.replyHint.textContent = (english ? '' : `The citizen reads it in ${englishName(this.language)}, machine translated. `)
      + 'Enter sends; Shift+Enter starts a new line; Alt+1 to Alt+9 insert a quick response.';
    const live = !this.ended;
    // An ended chat takes no reply: the box goes, rather than sitting there disabled.
    this.form.hidden = !live;
    if (this.languageForm) this.languageForm.hidden = !live;
    if (this.languageSelect && this.language) {
      const code = [...this.languageSelect.options].find((o) => o.value.toLowerCase() === this.language.toLowerCase());
      if (code && document.activeElement !== this.languageSelect) this.languageSelect.value = code.value;
    }
    this.handBackButton.hidden = !live;
    this.endButton.hidden = !live;
    this.closeButton.hidden = live;
    this.closeButton.disabled = this.needsAck;
    this.closeHint.hidden = !this.needsAck;
  }

  setSelected(selected) {
    this.tab.setAttribute('aria-selected', String(selected));
    this.tab.tabIndex = selected ? 0 : -1;
    this.panel.hidden = !selected;
    if (selected) this.scrollToEnd();
  }

  get isActive() { return this.manager.activeId === this.chatId && this.ctx.isVisible(); }

  clearUnread() {
    if (this.unread === 0) return;
    this.unread = 0;
    this.render();
    this.ctx.onChange();
  }

  // --- the transcript ---

  /** Adds or replaces entries; `live` says they just happened (for unread and announcements). */
  addEntries(entries, live) {
    const nearEnd = this.transcript.scrollHeight - this.transcript.scrollTop - this.transcript.clientHeight < 80;
    for (const entry of entries) this.addEntry(entry, live);
    this.refreshSeen();
    if (nearEnd || !live) this.scrollToEnd();
    if (this.isActive) this.sendSeen();
  }

  addEntry(entry, live) {
    if (typeof entry.seq !== 'number') return;
    const node = renderEntry(entry, this.ctx.me());
    const existing = this.entries.get(entry.seq);
    if (existing) {
      // An update (a translation that arrived late, a language re-read): same place, new words.
      existing.node.replaceWith(node);
      this.entries.set(entry.seq, { entry, node });
      return;
    }
    // Our own message's ack may have put a local copy here already: that is replaced above.
    let before = null;
    for (const [seq, item] of this.entries) {
      if (seq > entry.seq && (!before || seq < Number(before.dataset.seq))) before = item.node;
    }
    if (!before) before = this.list.querySelector('.entry-pending');
    this.list.insertBefore(node, before);
    this.entries.set(entry.seq, { entry, node });
    this.maxSeq = Math.max(this.maxSeq, entry.seq);
    if (entry.sender?.role === 'operator' && entry.clientMessageId) this.dropPending(entry.clientMessageId);
    this.onEvent(entry, live);
    if (entry.sender?.role === 'bot' && entry.bot?.emergency && this.priority !== 'emergency') {
      // The bot read present danger in a message written after the claim: flag the chat now.
      this.priority = 'emergency';
      this.render();
      if (live) announceUrgent(`${this.label}: the citizen described an emergency. The bot gave the 999 advice.`);
    }
    if (live && entry.sender?.role === 'citizen') {
      if (!this.isActive) {
        this.unread += 1;
        this.render();
        this.ctx.onChange();
        announce(`New message in ${this.label}.`);
      } else {
        announce(`Citizen: ${entry.text}`);
      }
      this.setCitizenTyping(false);
    }
  }

  onEvent(entry, live) {
    const ev = entry.event;
    if (!ev) return;
    if (ev.event === 'citizen_disconnected') { this.citizenOnline = false; this.setCitizenTyping(false); this.render(); }
    if (ev.event === 'citizen_returned') { this.citizenOnline = true; this.render(); }
    if (ev.event === 'citizen_disconnected' && live) announce(`${this.label}: the citizen's connection dropped.`);
    if (ev.event === 'citizen_returned' && live) announce(`${this.label}: the citizen is back.`);
    if (ev.event === 'ended') this.markEnded(ev.reason);
  }

  scrollToEnd() {
    this.transcript.scrollTop = this.transcript.scrollHeight;
  }

  /** Text the operator selected inside this chat's transcript, if any. */
  selectedText() {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) return '';
    const range = selection.getRangeAt(0);
    if (!this.transcript.contains(range.commonAncestorContainer)) return '';
    return selection.toString().trim();
  }

  /** Everything the citizen wrote, in English, for a report when nothing was selected. */
  citizenWords() {
    return [...this.entries.values()]
      .filter(({ entry }) => entry.sender?.role === 'citizen' && entry.text)
      .sort((a, b) => a.entry.seq - b.entry.seq)
      .map(({ entry }) => entry.text)
      .join('\n');
  }

  // --- the citizen's state ---

  setCitizenTyping(typing) {
    clearTimeout(this.typingTimer);
    this.typing.textContent = typing && !this.ended ? 'Citizen is typing…' : '';
    if (typing) this.typingTimer = setTimeout(() => this.setCitizenTyping(false), CITIZEN_TYPING_MS);
  }

  citizenSeen(seq) {
    this.citizenSeenSeq = Math.max(this.citizenSeenSeq, seq);
    this.refreshSeen();
  }

  /** "Seen" goes on the operator's last message the citizen has seen. */
  refreshSeen() {
    for (const node of this.list.querySelectorAll('.mark-seen')) node.remove();
    let last = null;
    for (const [seq, item] of this.entries) {
      if (item.entry.sender?.role === 'operator' && seq <= this.citizenSeenSeq && (!last || seq > last.seq)) {
        last = { seq, node: item.node };
      }
    }
    if (last) last.node.append(el('p', { class: 'mark mark-seen' }, 'Seen'));
  }

  /** Tells the citizen how far the operator has read (once per new citizen message). */
  sendSeen() {
    if (this.ended || document.visibilityState === 'hidden') return;
    let latest = 0;
    for (const [seq, item] of this.entries) if (item.entry.sender?.role === 'citizen') latest = Math.max(latest, seq);
    if (latest > this.seenSentSeq && this.ctx.send({ action: 'seen', chatId: this.chatId, seq: latest })) {
      this.seenSentSeq = latest;
    }
  }

  markEnded(reason) {
    if (this.ended) return;
    this.ended = reason;
    this.setCitizenTyping(false);
    this.stopTyping();
    this.hidePreview();
    this.endedNote.hidden = false;
    this.endedNote.textContent = `This chat has ended. ${reason === 'unknown' ? '' : endedReasonText(reason)}`.trim();
    if (reason === 'quick_exit') this.raiseSafeguarding();
    else announce(`${this.label} has ended. ${endedReasonText(reason)}`);
    this.render();
    this.ctx.onChange();
  }

  /** A quick exit is a safeguarding signal: it stays on screen until acknowledged. */
  raiseSafeguarding() {
    this.needsAck = true;
    const headingId = uid('safeguarding');
    const ack = el('button', { type: 'button', class: 'button button-warning' }, 'Acknowledge');
    clear(this.safeguarding);
    this.safeguarding.setAttribute('role', 'alert');
    this.safeguarding.setAttribute('aria-labelledby', headingId);
    this.safeguarding.append(
      el('h4', { id: headingId }, 'Safeguarding: the citizen left with quick exit'),
      el('p', {}, 'They pressed the quick exit button, which may mean someone came in, or they are in danger. '
        + 'Follow the safeguarding procedure. If you have enough to act on, create a report.'),
      ack);
    ack.addEventListener('click', () => {
      this.needsAck = false;
      clear(this.safeguarding);
      this.safeguarding.removeAttribute('role');
      this.safeguarding.append(el('p', {}, `Safeguarding alert acknowledged at ${formatTime(Date.now())}.`));
      this.render();
      this.ctx.onChange();
      this.closeButton.focus();
    });
    this.safeguarding.hidden = false;
    announceUrgent(`Safeguarding alert: the citizen in ${this.label} left with quick exit.`);
  }

  // --- the reply box ---

  typed() {
    if (this.ended) return;
    this.schedulePreview();
    const now = Date.now();
    if (this.reply.value.trim() === '') { this.stopTyping(); return; }
    if (now - this.typingSentAt >= TYPING_EVERY_MS) {
      if (this.ctx.send({ action: 'typing', chatId: this.chatId, typing: true })) {
        this.typingSentAt = now;
        this.typingOn = true;
      }
    }
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.stopTyping(), TYPING_IDLE_MS);
  }

  stopTyping() {
    clearTimeout(this.idleTimer);
    if (!this.typingOn) return;
    this.typingOn = false;
    this.typingSentAt = 0;
    this.ctx.send({ action: 'typing', chatId: this.chatId, typing: false });
  }

  // --- the preview in the citizen's language ---

  wantsPreview() {
    return this.ctx.previewReplies && !this.ended
      && !(this.language ?? 'en').toLowerCase().startsWith('en');
  }

  /** After a pause in typing, ask for the reply in the citizen's language (once per text). */
  schedulePreview() {
    clearTimeout(this.previewTimer);
    const text = this.reply.value.trim();
    if (!this.wantsPreview() || !text) { this.hidePreview(); return; }
    if (this.previewShown !== null && text !== this.previewShown) {
      this.preview.classList.add('preview-stale');
      this.previewHeading.textContent = `${this.previewTitle()} (updating when you pause)`;
    }
    this.previewTimer = setTimeout(() => this.askPreview(), PREVIEW_PAUSE_MS);
  }

  askPreview() {
    const text = this.reply.value.trim();
    if (!this.wantsPreview() || !text || [...text].length > 2000) return;
    if (this.previewAsked?.text === text) return;
    const id = `p${crypto.randomUUID()}`;
    if (this.ctx.send({ action: 'preview', chatId: this.chatId, previewId: id, text })) {
      this.previewAsked = { id, text };
    }
  }

  previewTitle() {
    return `How the citizen will read it, in ${englishName(this.language)}`;
  }

  onPreview(frame) {
    // Only the answer to the latest question, and only while the box still holds that text.
    if (!this.previewAsked || frame.previewId !== this.previewAsked.id) return;
    if (this.reply.value.trim() !== this.previewAsked.text) return;
    this.previewShown = this.previewAsked.text;
    this.preview.classList.remove('preview-stale');
    if (frame.translationUnavailable || typeof frame.text !== 'string') {
      this.previewHeading.textContent = `${this.previewTitle()}: no translation could be made just now.`;
      this.previewText.hidden = true;
      this.previewText.textContent = '';
    } else {
      this.previewHeading.textContent = frame.machineTranslated
        ? `${this.previewTitle()} (machine translated)`
        : `${this.previewTitle()} (not translated: no translation service here)`;
      this.previewText.hidden = false;
      this.previewText.textContent = frame.text;
      this.previewText.lang = frame.language ?? '';
      this.previewText.dir = direction(frame.language);
    }
    this.preview.hidden = false;
  }

  hidePreview() {
    clearTimeout(this.previewTimer);
    this.preview.hidden = true;
    this.previewShown = null;
    this.previewAsked = null;
    this.previewText.textContent = '';
  }

  sendReply() {
    const text = this.reply.value.trim();
    this.replyError.hidden = true;
    if (this.ended) return;
    if (!text) { this.showReplyError('Write a reply first.'); return; }
    if ([...text].length > 2000) { this.showReplyError('A reply can be at most 2000 characters.'); return; }
    this.stopTyping();
    const clientMessageId = crypto.randomUUID();
    const node = renderEntry({
      sender: { role: 'operator', operatorId: this.ctx.me() }, text, language: 'en',
    }, this.ctx.me());
    node.classList.add('entry-pending');
    node.append(el('p', { class: 'mark mark-pending' }, 'Sending…'));
    this.list.append(node);
    this.pending.set(clientMessageId, { text, node });
    this.ctx.send({ action: 'send', chatId: this.chatId, clientMessageId, text });
    this.reply.value = '';
    this.hidePreview();
    this.scrollToEnd();
  }

  showReplyError(text) {
    this.replyError.textContent = text;
    this.replyError.hidden = false;
  }

  onAck(frame) {
    const pending = this.pending.get(frame.clientMessageId);
    if (!pending) return;
    this.pending.delete(frame.clientMessageId);
    pending.node.remove();
    if (!this.entries.has(frame.seq)) {
      this.addEntry({
        chatId: this.chatId, seq: frame.seq, sender: { role: 'operator', operatorId: this.ctx.me() },
        sentMs: Date.now(), text: pending.text, language: 'en', clientMessageId: frame.clientMessageId,
      }, false);
    }
    this.refreshSeen();
  }

  dropPending(clientMessageId) {
    const pending = this.pending.get(clientMessageId);
    if (!pending) return;
    pending.node.remove();
    this.pending.delete(clientMessageId);
  }

  resendPending() {
    if (this.ended) return;
    for (const [clientMessageId, { text }] of this.pending) {
      this.ctx.send({ action: 'send', chatId: this.chatId, clientMessageId, text });
    }
  }

  /** A send that can no longer go through (the chat ended): say so on the message. */
  failPending(why) {
    for (const { node } of this.pending.values()) {
      const markNode = node.querySelector('.mark-pending');
      if (markNode) markNode.textContent = `Not sent: ${why}`;
      node.classList.add('entry-failed');
    }
    this.pending.clear();
  }

  // --- actions ---

  handBack() {
    this.stopTyping();
    this.ctx.send({ action: 'hand_back', chatId: this.chatId });
  }

  async end() {
    const ok = await confirmDialog({
      title: `End ${this.label}?`,
      body: 'The citizen will be told that the chat has ended, and cannot write in it again.',
      confirm: 'End chat',
      cancel: 'Keep chatting',
    });
    if (ok) {
      this.stopTyping();
      this.ctx.send({ action: 'end', chatId: this.chatId });
    } else {
      this.endButton.focus();
    }
  }

  close() {
    if (this.needsAck) return;
    this.manager.remove(this.chatId);
  }

  addReport(reference) {
    this.reports.push(reference);
    this.reportsNote.hidden = false;
    this.reportsNote.textContent = `Reports filed from this chat: ${this.reports.join(', ')}`;
  }

  destroy() {
    clearTimeout(this.typingTimer);
    clearTimeout(this.previewTimer);
    clearTimeout(this.idleTimer);
    this.stopTyping();
    this.tab.remove();
    this.panel.remove();
  }
}

const REASONS = {
  weapon: 'a weapon',
  break_in: 'a break-in',
  medical: 'a medical emergency',
  fire: 'a fire',
  explosive_or_attack: 'an explosive or an attack',
  suicide_risk: 'risk of suicide',
  crime_in_progress: 'a crime in progress',
  cry_for_help: 'a cry for help',
};

/** An emergency reason code as words: "threat_to_kill" -> "threat to kill". */
export function reasonText(reason) {
  if (!reason) return 'flagged by the bot';
  return REASONS[reason] ?? String(reason).replace(/_/g, ' ');
}

