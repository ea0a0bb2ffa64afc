// A modal confirmation with the native <dialog> (focus moves in and is held there, Escape
// cancels, focus comes back to the opener when the caller moves it).

import { el, uid } from './dom.js';

export function confirmDialog({ title, body, confirm, cancel }) {
  return new Promise((resolve) => {
    const titleId = uid('confirm-title');
    const bodyId = uid('confirm-body');
    const yes = el('button', { type: 'button', class: 'button button-warning' }, confirm);
    const no = el('button', { type: 'button', class: 'button button-secondary' }, cancel);
    const dialog = el('dialog', { class: 'dialog', 'aria-labelledby': titleId, 'aria-describedby': bodyId },
      el('h2', { id: titleId }, title),
      el('p', { id: bodyId }, body),
      el('div', { class: 'dialog-actions' }, yes, no));
    let answered = false;
    const finish = (answer) => {
      if (answered) return;
      answered = true;
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    yes.addEventListener('click', () => finish(true));
    no.addEventListener('click', () => finish(false));
    dialog.addEventListener('cancel', (e) => { e.preventDefault(); finish(false); });
    document.body.append(dialog);
    dialog.showModal();
    no.focus(); // the safe choice has the focus
  });
}
