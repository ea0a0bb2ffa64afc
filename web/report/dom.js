// Builds elements without ever parsing HTML: every piece of text (a person's answers, the API's
// messages) becomes a text node, so a "<script>" typed into a field is shown, never run.

/**
 * h('p', {class: 'hint', id: 'x'}, 'text', child) — attributes are set with setAttribute
 * (`on` takes {event: handler} and adds listeners; `props` sets DOM properties such as
 * `value` or `checked`); children are nodes, strings (as text), arrays, or null (skipped).
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'on') {
      for (const [event, handler] of Object.entries(value)) el.addEventListener(event, handler);
    } else if (name === 'props') {
      Object.assign(el, value);
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

/** Text for screen readers only (GOV.UK's visually-hidden). */
export const hidden = (text) => h('span', { class: 'visually-hidden' }, text);

/** An external link: only http(s), opened without giving the other site a handle on this tab. */
export function externalLink(url, text) {
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return document.createTextNode(text);
  return h('a', { href: parsed.href, rel: 'noopener noreferrer', class: 'link' }, text);
}
