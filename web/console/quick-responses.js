// Quick responses: a force's list of ready answers (quick-responses.json beside this file),
// inserted into a reply box with Alt+1 to Alt+9 or from a disclosure list, for the operator
// to edit and send. Inserted, never sent directly: the operator always reads what goes out.

import { el, uid } from './dom.js';

let responses = [];

export async function loadQuickResponses(url = 'quick-responses.json') {
  try {
    const reply = await fetch(url);
    if (!reply.ok) return;
    const json = await reply.json();
    responses = (json.responses ?? [])
      .filter((r) => typeof r.label === 'string' && typeof r.text === 'string')
      .slice(0, 20);
  } catch {
    responses = [];
  }
}

export function quickResponses() { return responses; }

/** Puts text into a textarea at the caret (replacing any selection) and keeps the focus there. */
function insert(textarea, text) {
  const start = textarea.selectionStart ?? textarea.value.length;
  const end = textarea.selectionEnd ?? textarea.value.length;
  const before = textarea.value.slice(0, start);
  const after = textarea.value.slice(end);
  const gap = before && !/\s$/.test(before) ? ' ' : '';
  textarea.value = `${before}${gap}${text}${after}`;
  const caret = (before + gap + text).length;
  textarea.setSelectionRange(caret, caret);
  textarea.focus();
}

/** Adds the "Quick responses" button and list to `container`, for `textarea`. */
export function attachQuickResponses(container, textarea, onInsert) {
  if (responses.length === 0) return;
  const listId = uid('quick-list');
  const toggle = el('button', {
    type: 'button', class: 'button button-secondary', 'aria-expanded': 'false', 'aria-controls': listId,
  }, 'Quick responses');
  const list = el('ul', { id: listId, class: 'quick-list', hidden: true });
  const close = (focusToggle) => {
    list.hidden = true;
    toggle.setAttribute('aria-expanded', 'false');
    if (focusToggle) toggle.focus();
  };
  responses.forEach((response, i) => {
    const shortcut = i < 9 ? `Alt+${i + 1}` : null;
    const button = el('button', { type: 'button', class: 'quick-item' },
      el('span', { class: 'quick-label' }, response.label),
      shortcut ? el('span', { class: 'quick-key' }, ` (${shortcut})`) : null,
      el('span', { class: 'quick-text' }, response.text));
    button.addEventListener('click', () => {
      close(false);
      insert(textarea, response.text);
      onInsert();
    });
    list.append(el('li', {}, button));
  });
  toggle.addEventListener('click', () => {
    const open = list.hidden;
    list.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
    if (open) list.querySelector('button')?.focus();
  });
  list.addEventListener('keydown', (e) => {
    const items = [...list.querySelectorAll('button')];
    const index = items.indexOf(document.activeElement);
    if (e.key === 'Escape') { e.preventDefault(); close(true); }
    else if (e.key === 'ArrowDown') { e.preventDefault(); items[(index + 1) % items.length].focus(); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); items[(index - 1 + items.length) % items.length].focus(); }
  });
  textarea.addEventListener('keydown', (e) => {
    // e.code, not e.key: Alt+digit types other characters on some keyboards (macOS).
    const m = /^(?:Digit|Numpad)([1-9])$/.exec(e.code);
    if (!e.altKey || e.ctrlKey || e.metaKey || !m) return;
    const response = responses[Number(m[1]) - 1];
    if (!response) return;
    e.preventDefault();
    insert(textarea, response.text);
    onInsert();
  });
  container.append(toggle, list);
}
