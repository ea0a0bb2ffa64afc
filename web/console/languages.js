// The languages the service speaks, from the widget's list on the same site
// (/widget/languages.json, written at upload; the local gateway serves it too): names for the queue and the chats
// ("Polish (polski)"), and each language's writing direction for the citizen's own words.

const known = new Map();

export async function loadLanguages(url) {
  try {
    const reply = await fetch(url);
    if (!reply.ok) return;
    for (const lang of await reply.json()) known.set(lang.code.toLowerCase(), lang);
  } catch {
    // Without the list the console still works and shows the language codes.
  }
}

function find(code) {
  if (!code) return undefined;
  const lower = code.toLowerCase();
  return known.get(lower) ?? known.get(lower.split('-')[0]);
}

/** "Polish (polski)", or "English", or the code itself when the list does not know it. */
export function languageName(code) {
  const lang = find(code);
  if (!lang) return code ?? 'unknown language';
  if (!lang.nativeName || lang.nativeName === lang.englishName) return lang.englishName;
  return `${lang.englishName} (${lang.nativeName})`;
}

/** Just the English name: "Polish". */
export function englishName(code) {
  return find(code)?.englishName ?? code ?? 'unknown language';
}

/** The native name alone, for a lang-tagged span; undefined when the same as English. */
export function nativeName(code) {
  const lang = find(code);
  return lang && lang.nativeName !== lang.englishName ? lang.nativeName : undefined;
}

/** 'rtl' or 'ltr' ('auto' when unknown). */
export function direction(code) {
  return find(code)?.direction ?? 'auto';
}

/**
 * The name as nodes: "Polish (" <span lang="pl">Polski</span> ")", so that a screen reader
 * reads the native name in its own language.
 */
export function languageNodes(code) {
  const lang = find(code);
  if (!lang) return [code ?? 'unknown language'];
  if (!lang.nativeName || lang.nativeName === lang.englishName) return [lang.englishName];
  const native = document.createElement('span');
  native.lang = lang.code;
  native.dir = lang.direction === 'rtl' ? 'rtl' : 'ltr';
  native.textContent = lang.nativeName;
  return [`${lang.englishName} (`, native, ')'];
}

/** Every language in the list, by English name. */
export function allLanguages() {
  return [...known.values()].sort((a, b) => a.englishName.localeCompare(b.englishName, 'en'));
}
