// The widget's own texts in the citizen's language. English is always loaded first and fills
// any key a translation lacks. Every language's texts are read from ../strings/ on the widget's
// own origin: the files people wrote and reviewed (web/widget/strings/), and for any other
// language the English file machine translated once, when the site is uploaded
// (`widget-strings`, docs/web.md; the local gateway translates on first request instead). If a
// language has no file, or it fails to load, the widget stays in English.

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
export async function loadStrings(language) {
  if (!Object.keys(english).length) {
    english = clean(await fetchJson(new URL('../strings/en.json', import.meta.url)));
  }
  current = {};
  currentLanguage = 'en';
  if (language === 'en') return 'en';
  const url = new URL(`../strings/${encodeURIComponent(language)}.json`, import.meta.url);
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
