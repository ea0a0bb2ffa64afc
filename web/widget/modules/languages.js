// The language list (../languages.json on the widget's own origin, written from the service's
// language table when the site is uploaded; the local gateway serves it too) and the picker: a search field that filters a
// native <select>. A native listbox is what keyboards and screen readers know best: arrows
// move, typing a letter jumps, and its name and count are announced without custom ARIA.

const FALLBACK = [
  { code: 'en', direction: 'ltr', englishName: 'English', nativeName: 'English' },
];

export async function fetchLanguages() {
  try {
    const r = await fetch(new URL('../languages.json', import.meta.url), { credentials: 'omit' });
    if (!r.ok) throw new Error(String(r.status));
    const list = await r.json();
    const ok = Array.isArray(list) ? list.filter((l) => l && typeof l.code === 'string'
      && typeof l.englishName === 'string' && typeof l.nativeName === 'string') : [];
    return ok.length ? ok : FALLBACK;
  } catch {
    return FALLBACK;
  }
}

/**
 * The language this browser prefers, from `preferred` (navigator.languages), matched to the
 * list by its whole code or its primary subtag ("pl-PL" -> "pl", "pt-BR" -> "pt").
 */
export function defaultLanguage(list, preferred) {
  const codes = new Map(list.map((l) => [l.code.toLowerCase(), l.code]));
  for (const tag of preferred ?? []) {
    if (typeof tag !== 'string') continue;
    const whole = codes.get(tag.toLowerCase());
    if (whole) return whole;
    const primary = codes.get(tag.split('-')[0].toLowerCase());
    if (primary) return primary;
  }
  return codes.get('en') ?? list[0].code;
}

export function findLanguage(list, code) {
  return list.find((l) => l.code === code) ?? null;
}

/** Folds case and accents, so "espanol" finds "Español". */
function fold(s) {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/**
 * The picker in `select`, filtered by `search`; `onCount(n)` is told how many are shown and
 * `onChange(code)` each time the chosen language changes.
 */
export function languagePicker({ select, search, list, selected, onCount, onChange }) {
  const sorted = [...list].sort((a, b) => a.englishName.localeCompare(b.englishName, 'en'));
  let value = selected;

  function render() {
    const q = fold(search.value.trim());
    const shown = q
      ? sorted.filter((l) => fold(l.nativeName).includes(q) || fold(l.englishName).includes(q)
        || l.code.toLowerCase() === q)
      : sorted;
    select.replaceChildren();
    for (const l of shown) {
      const option = document.createElement('option');
      option.value = l.code;
      // The native name first (what a speaker looks for), the English name for everyone else.
      // Each name is a bidi isolate (FSI ... PDI), so "العربية (Arabic)" reads right in a
      // left-to-right list and "Polski (Polish)" in a right-to-left one.
      option.textContent = l.nativeName === l.englishName
        ? l.nativeName
        : `\u2068${l.nativeName}\u2069 (\u2068${l.englishName}\u2069)`;
      option.lang = l.code;
      option.selected = l.code === value;
      select.append(option);
    }
    // A search that hides the chosen language chooses its first match instead, so that
    // typing "polski" and pressing Start starts in Polish.
    if (shown.length && !shown.some((l) => l.code === value)) {
      select.selectedIndex = 0;
      value = select.value;
      onChange(value);
    }
    onCount(shown.length);
  }

  search.addEventListener('input', render);
  // Down arrow from the search field goes into the list, as in a combobox.
  search.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown' && select.options.length) {
      e.preventDefault();
      if (select.selectedIndex < 0) select.selectedIndex = 0;
      if (select.value !== value) { value = select.value; onChange(value); }
      select.focus();
    }
  });
  select.addEventListener('change', () => { value = select.value; onChange(value); });
  render();

  return {
    get value() { return select.value || value; },
    set value(code) { value = code; render(); },
  };
}
