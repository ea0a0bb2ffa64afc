// The form's building blocks, after the GOV.UK Design System's patterns (written here, not
// copied): each field has its label, hint and error message tied to the input with `for` and
// aria-describedby, and a field in error gets the red bar and the message above the input.

import { h, hidden } from './dom.js';

const describedBy = (...ids) => ids.filter(Boolean).join(' ') || null;

function hintFor(id, hint) {
  return hint ? h('div', { class: 'hint', id: `${id}-hint` }, hint) : null;
}

function errorFor(id, error) {
  return error
    ? h('p', { class: 'error-message', id: `${id}-error` }, hidden('Error: '), error)
    : null;
}

function labelFor(id, label, asHeading) {
  const el = h('label', { class: asHeading ? 'label label--l' : 'label', for: id }, label);
  return asHeading ? h('h1', { class: 'label-wrapper', tabindex: '-1' }, el) : el;
}

/** A one-line text input. `errors` is a Map of input id to message. */
export function textInput({ id, label, hint, value = '', errors, type = 'text', autocomplete,
  width, spellcheck, inputmode, asHeading = false }) {
  const error = errors?.get(id);
  return h('div', { class: error ? 'form-group form-group--error' : 'form-group' },
    labelFor(id, label, asHeading),
    hintFor(id, hint),
    errorFor(id, error),
    h('input', {
      class: [`input`, width ? `input--${width}` : null, error ? 'input--error' : null].filter(Boolean).join(' '),
      id, name: id, type, autocomplete: autocomplete ?? 'off', spellcheck, inputmode,
      'aria-describedby': describedBy(hint && `${id}-hint`, error && `${id}-error`),
      props: { value },
    }));
}

/** A text area for text that may span lines. */
export function textArea({ id, label, hint, value = '', errors, rows = 5, asHeading = false, extra }) {
  const error = errors?.get(id);
  return h('div', { class: error ? 'form-group form-group--error' : 'form-group' },
    labelFor(id, label, asHeading),
    hintFor(id, hint),
    extra ?? null,
    errorFor(id, error),
    h('textarea', {
      class: error ? 'textarea textarea--error' : 'textarea',
      id, name: id, rows, autocomplete: 'off',
      'aria-describedby': describedBy(hint && `${id}-hint`, error && `${id}-error`),
      props: { value },
    }));
}

/**
 * Radios in a fieldset. The first radio's id is `id` itself (the error summary links to it);
 * the others are `id-2`, `id-3`... An item's `conditional` (an element) is shown below it
 * only while it is chosen.
 */
export function radios({ id, legend, hint, items, value, errors, asHeading = false, inline = false }) {
  const error = errors?.get(id);
  const inputs = items.map((item, i) => {
    const inputId = i === 0 ? id : `${id}-${i + 1}`;
    const itemHintId = item.hint ? `${inputId}-item-hint` : null;
    const conditionalId = item.conditional ? `${inputId}-conditional` : null;
    const nodes = [h('div', { class: 'radios__item' },
      h('input', {
        class: 'radios__input', id: inputId, name: id, type: 'radio', value: item.value,
        'aria-describedby': itemHintId, 'aria-controls': conditionalId,
        props: { checked: value === item.value },
      }),
      h('label', { class: 'label radios__label', for: inputId }, item.label),
      item.hint ? h('div', { class: 'hint radios__hint', id: itemHintId }, item.hint) : null)];
    if (item.conditional) {
      nodes.push(h('div', {
        class: value === item.value ? 'radios__conditional' : 'radios__conditional radios__conditional--hidden',
        id: conditionalId,
      }, item.conditional));
    }
    return nodes;
  });
  const group = h('div', { class: inline ? 'radios radios--inline' : 'radios' }, inputs);
  // Show an item's conditional questions while it is the chosen one.
  group.addEventListener('change', () => {
    for (const input of group.querySelectorAll('.radios__input')) {
      const controlled = input.getAttribute('aria-controls');
      if (!controlled) continue;
      document.getElementById(controlled)?.classList.toggle('radios__conditional--hidden', !input.checked);
    }
  });
  return fieldset({ id, legend, hint, error, asHeading }, group);
}

/** A single checkbox (the declaration). */
export function checkbox({ id, legend, label, checked, errors }) {
  const error = errors?.get(id);
  return fieldset({ id, legend, error },
    h('div', { class: 'checkboxes' },
      h('div', { class: 'checkboxes__item' },
        h('input', { class: 'checkboxes__input', id, name: id, type: 'checkbox', value: 'yes', props: { checked: !!checked } }),
        h('label', { class: 'label checkboxes__label', for: id }, label))));
}

/** A fieldset with its legend (as the page's h1 when it is the page's one question). */
export function fieldset({ id, legend, hint, error, asHeading = false, small = false }, ...content) {
  const legendClass = asHeading ? 'fieldset__legend fieldset__legend--l' : small ? 'fieldset__legend' : 'fieldset__legend fieldset__legend--m';
  const legendNode = h('legend', { class: legendClass },
    asHeading ? h('h1', { class: 'fieldset__heading', tabindex: '-1' }, legend) : legend);
  return h('div', { class: error ? 'form-group form-group--error' : 'form-group' },
    h('fieldset', {
      class: 'fieldset',
      'aria-describedby': describedBy(hint && `${id}-hint`, error && `${id}-error`),
    },
    legendNode,
    hintFor(id, hint),
    errorFor(id, error),
    content));
}

/**
 * A date as day, month and year boxes, and optionally a 24-hour time (hour, minute), in one
 * fieldset. Ids are `${id}-day`, `${id}-month`, `${id}-year`, `${id}-hour`, `${id}-minute`;
 * an error is registered under `${id}-day`, or `${id}-hour` for the time.
 */
export function dateTimeInput({ id, legend, hint, value = {}, errors }) {
  const dateError = errors?.get(`${id}-day`);
  const timeError = errors?.get(`${id}-hour`);
  const box = (part, label, width, errored) => h('div', { class: 'date-input__item' },
    h('div', { class: 'form-group' },
      h('label', { class: 'label date-input__label', for: `${id}-${part}` }, label),
      h('input', {
        class: `input input--width-${width}${errored ? ' input--error' : ''}`,
        id: `${id}-${part}`, name: `${id}-${part}`, type: 'text', inputmode: 'numeric',
        autocomplete: 'off', props: { value: value[part] ?? '' },
      })));
  const describe = (...ids) => describedBy(...ids);
  return h('div', { class: dateError || timeError ? 'form-group form-group--error' : 'form-group' },
    h('fieldset', { class: 'fieldset', 'aria-describedby': describe(hint && `${id}-hint`) },
      h('legend', { class: 'fieldset__legend fieldset__legend--m' }, legend),
      hintFor(id, hint),
      h('fieldset', { class: 'fieldset fieldset--inner', 'aria-describedby': describe(`${id}-date-hint`, dateError && `${id}-day-error`) },
        h('legend', { class: 'fieldset__legend' }, 'Date'),
        h('div', { class: 'hint', id: `${id}-date-hint` }, 'For example, 27 11 2026'),
        errorFor(`${id}-day`, dateError),
        h('div', { class: 'date-input' },
          box('day', 'Day', 2, dateError), box('month', 'Month', 2, dateError), box('year', 'Year', 4, dateError))),
      h('fieldset', { class: 'fieldset fieldset--inner', 'aria-describedby': describe(`${id}-time-hint`, timeError && `${id}-hour-error`) },
        h('legend', { class: 'fieldset__legend' }, 'Time (optional)'),
        h('div', { class: 'hint', id: `${id}-time-hint` }, 'Use the 24-hour clock. For example, 9:30pm is 21 30'),
        errorFor(`${id}-hour`, timeError),
        h('div', { class: 'date-input' },
          box('hour', 'Hour', 2, timeError), box('minute', 'Minute', 2, timeError)))));
}

export function button(text, { secondary = false, type = 'submit', id, on, name, value } = {}) {
  return h('button', { class: secondary ? 'button button--secondary' : 'button', type, id, on, name, value }, text);
}

export function backLink(href) {
  return h('a', { class: 'back-link', href }, 'Back');
}

/** The error summary: "There is a problem", then each error as a link to its field. */
export function errorSummary(list) {
  return h('div', { class: 'error-summary', role: 'alert', tabindex: '-1', 'aria-labelledby': 'error-summary-title' },
    h('h2', { class: 'error-summary__title', id: 'error-summary-title' }, 'There is a problem'),
    h('ul', { class: 'list error-summary__list' },
      list.map((e) => h('li', {}, e.id ? h('a', { href: `#${e.id}`, 'data-field': e.id }, e.message) : e.message))));
}

export function warningText(...content) {
  return h('div', { class: 'warning-text' },
    h('span', { class: 'warning-text__icon', 'aria-hidden': 'true' }, '!'),
    h('strong', { class: 'warning-text__text' }, hidden('Warning: '), content));
}

export function insetText(...content) {
  return h('div', { class: 'inset-text' }, content);
}

/** A summary list: rows of {key, value (text or node), href, changeLabel}. */
export function summaryList(rows) {
  return h('dl', { class: 'summary-list' }, rows.map((row) => h('div', { class: 'summary-list__row' },
    h('dt', { class: 'summary-list__key' }, row.key),
    h('dd', { class: 'summary-list__value' }, row.value),
    row.href
      ? h('dd', { class: 'summary-list__actions' },
        h('a', { class: 'link', href: row.href }, 'Change', hidden(` ${row.changeLabel ?? row.key.toLowerCase()}`)))
      : h('dd', { class: 'summary-list__actions' }))));
}
