// The widget's own texts in the citizen's language. English is always loaded first and fills
// any key a translation lacks. Languages with a file in ../strings/ (written and reviewed by
// people) are read from there; any other is asked of the server, which translates the English
// file once and caches it; if that fails the widget stays in English.

export const SHIPPED = ['en', 'cy', 'pl', 'ro', 'ur', 'ar', 'pa', 'bn', 'pt', 'lt'];

let english = {};
let current = {};
let currentLanguage = 'en';

async function fetchJson(url) {
  const r = await fetch(url, { credentials: 'omit' });
  if (!r.ok) throw new Error(`${url}: ${r.status}`);
  const body = await r.json();
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new Error(`${url}: not an object`);
  return body;
}

/** Only string values are kept: a strings file is data, never markup. */
function clean(obj) {
  const out = {};
  for (const [k, v] of Object.entries(obj)) if (typeof v === 'string') out[k] = v;
  return out;
}

/**
 * Loads the texts for `language` (a code from the language list). Answers the language the
 * texts really are in: `language`, or 'en' when there is no translation.
 */
export async function loadStrings(language, api) {
  if (!Object.keys(english).length) {
    english = clean(await fetchJson(new URL('../strings/en.json', import.meta.url)));
  }
  current = {};
  currentLanguage = 'en';
  if (language === 'en') return 'en';
  const shipped = SHIPPED.includes(language) ? language : null;
  const url = shipped
    ? new URL(`../strings/${shipped}.json`, import.meta.url)
    : `${api}/widget/strings/${encodeURIComponent(language)}.json`;
  try {
    current = clean(await fetchJson(url));
    currentLanguage = language;
  } catch {
    current = {};
  }
  return currentLanguage;
}

/** The text for `key`, with `{name}` placeholders filled (values as plain text). */
export function t(key, vars = {}) {
  const template = current[key] ?? english[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

export function stringsLanguage() {
  return currentLanguage;
}

/** Fills every [data-i18n] element's text and every [data-i18n-label]'s aria-label. */
export function applyStrings(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', t(el.dataset.i18nLabel));
}
