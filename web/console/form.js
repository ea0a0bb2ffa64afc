// Small builders for labelled form fields, error messages beside them and an error summary
// (the GOV.UK pattern: a list of what is wrong at the top, each a link to its field).

import { el, uid, clear } from './dom.js';

/** A labelled control: { wrap, input, error }. kind: 'input' | 'textarea' | 'select'. */
export function field(labelText, { kind = 'input', type = 'text', hint, options, value, required, attrs = {} } = {}) {
  const id = uid('field');
  const hintId = hint ? `${id}-hint` : null;
  const errorId = `${id}-error`;
  let input;
  if (kind === 'select') {
    input = el('select', { id, ...attrs }, options.map(([v, label]) => el('option', { value: v }, label)));
  } else if (kind === 'textarea') {
    input = el('textarea', { id, rows: '4', ...attrs });
  } else {
    input = el('input', { id, type, ...attrs });
  }
  if (required) input.setAttribute('aria-required', 'true');
  if (value !== undefined && value !== null) input.value = value;
  if (hintId) input.setAttribute('aria-describedby', hintId);
  const error = el('p', { class: 'field-error', id: errorId, hidden: true });
  const wrap = el('div', { class: 'field' },
    el('label', { for: id }, labelText, required ? null : el('span', { class: 'optional' }, ' (optional)')),
    hint ? el('p', { class: 'hint', id: hintId }, hint) : null,
    error, input);
  return { wrap, input, error };
}

/** A fieldset of radios: { wrap, value(), set(v), inputs, error, legendId }. */
export function radios(legend, name, options, { value, hint } = {}) {
  const group = uid(name);
  const error = el('p', { class: 'field-error', hidden: true });
  const inputs = options.map(([v, label]) => {
    const id = uid(`${name}-opt`);
    const input = el('input', { type: 'radio', id, name: group, value: v, checked: v === value });
    return { input, node: el('div', { class: 'radio' }, input, el('label', { for: id }, label)) };
  });
  const wrap = el('fieldset', { class: 'fieldset' },
    el('legend', {}, legend),
    hint ? el('p', { class: 'hint' }, hint) : null,
    error,
    inputs.map((i) => i.node));
  return {
    wrap,
    error,
    input: inputs[0].input,
    inputs: inputs.map((i) => i.input),
    value: () => inputs.find((i) => i.input.checked)?.input.value ?? null,
    set(v) { for (const i of inputs) i.input.checked = i.input.value === v; },
  };
}

/** A checkbox with its label: { wrap, input, error }. */
export function checkbox(labelText) {
  const id = uid('check');
  const input = el('input', { type: 'checkbox', id });
  const error = el('p', { class: 'field-error', hidden: true });
  const wrap = el('div', { class: 'field checkbox' }, error, input, el('label', { for: id }, labelText));
  return { wrap, input, error };
}

/** Shows errors: `errors` is [{field, message}], `fields` maps a field path to a control. */
export function showErrors(summary, errors, fields) {
  clear(summary);
  for (const f of Object.values(fields)) {
    f.error.hidden = true;
    f.error.textContent = '';
    f.input?.removeAttribute('aria-invalid');
  }
  if (errors.length === 0) { summary.hidden = true; return; }
  const items = errors.map((e) => {
    const target = fieldFor(fields, e.field);
    if (target) {
      target.error.hidden = false;
      target.error.textContent = target.error.textContent ? `${target.error.textContent} ${e.message}` : e.message;
      target.input?.setAttribute('aria-invalid', 'true');
      const link = el('a', { href: `#${target.input.id}` }, e.message);
      link.addEventListener('click', (ev) => { ev.preventDefault(); target.input.focus(); });
      return el('li', {}, link);
    }
    return el('li', {}, e.message);
  });
  summary.append(el('h3', {}, 'There is a problem'), el('ul', {}, items));
  summary.hidden = false;
  summary.focus();
}

/** The control for a field path: exact, else the nearest parent path (`collision.vehicles[0]`). */
function fieldFor(fields, path) {
  let p = path;
  while (p) {
    if (fields[p]) return fields[p];
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    p = cut > 0 ? p.slice(0, cut) : '';
  }
  return null;
}
