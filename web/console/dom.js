// Building the page's elements. Everything that came from a person or from the server is put
// in as text (textContent / text nodes), never parsed as HTML: citizens' and reporters' words
// are hostile until proven otherwise, and this is the one place elements are made.

/**
 * el('p', {class: 'note', 'aria-live': 'polite'}, 'text', child, ...) makes an element.
 * Attributes are set with setAttribute (so no event-handler properties); `hidden` and
 * `disabled` take booleans; children are nodes or strings (strings become text nodes).
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith('on')) throw new Error(`el(): no inline handlers (${name})`);
    node.setAttribute(name, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

/** Appends nodes and strings (as text) to a parent, skipping null/undefined/false. */
export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** Removes every child of a node. */
export function clear(node) {
  while (node.firstChild) node.firstChild.remove();
  return node;
}

/**
 * A person's words: a text element with dir="auto" and bidi isolation (CSS .user-text), so
 * right-to-left text and bidi override characters cannot reorder the labels around them.
 */
export function userText(tag, text, lang) {
  const node = el(tag, { class: 'user-text', dir: 'auto', lang: lang || null });
  node.textContent = text ?? '';
  return node;
}

/** A link from the server, only if it is http(s); anything else is shown as text. */
export function safeLink(href, label) {
  let url;
  try { url = new URL(href); } catch { return userText('span', label ?? href); }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return userText('span', label ?? href);
  const a = el('a', { href: url.href, rel: 'noopener noreferrer', target: '_blank' });
  a.textContent = label ?? url.href;
  return a;
}

/** "1 min 05 s" style durations for the queue's waiting times. */
export function formatDuration(totalSeconds) {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  if (m > 0) return `${m} min ${String(sec).padStart(2, '0')} s`;
  return `${sec} s`;
}

/** A clock time (HH:MM) for transcript entries, in the operator's own time zone. */
export function formatTime(ms) {
  return new Date(ms).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
}

/** A date and time for reports. */
export function formatDateTime(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return d.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

/** A fresh id for elements that need one (aria-controls, labels). */
let counter = 0;
export function uid(prefix) {
  counter += 1;
  return `${prefix}-${counter}`;
}
