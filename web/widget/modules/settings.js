// The widget's settings, from its own address (the embed script puts the force's data-
// attributes there). Every address is parsed and its scheme checked: anything else is
// dropped for the default, so a typo in a force's tag cannot send a citizen somewhere odd.

export const DEFAULT_EXIT_URL = 'https://www.google.com/';

/** `value` as an absolute URL string if it parses and its scheme is one of `schemes`. */
export function validUrl(value, schemes) {
  if (typeof value !== 'string' || value === '') return null;
  let url;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (!schemes.includes(url.protocol)) return null;
  if (url.username || url.password) return null;
  return url.href;
}

const HTTP = ['http:', 'https:'];
const WS = ['ws:', 'wss:'];

/** Reads the settings from `search` (the frame's query string) beside this page's origin. */
export function readSettings(search, ownOrigin) {
  const q = new URLSearchParams(search);
  const api = validUrl(q.get('api'), HTTP) ?? ownOrigin;
  const wsDefault = ownOrigin.replace(/^http/, 'ws') + '/public';
  const forceName = (q.get('forceName') ?? '').trim().slice(0, 100);
  return {
    publicApi: validUrl(q.get('publicApi'), WS) ?? wsDefault,
    api: api.replace(/\/+$/, ''),
    forceName: forceName || 'the police',
    exitUrl: validUrl(q.get('exitUrl'), HTTP) ?? DEFAULT_EXIT_URL,
    reportUrl: validUrl(q.get('reportUrl'), HTTP) ?? `${ownOrigin}/report/`,
    // The page that embeds us, for postMessage. Chromium tells us itself
    // (location.ancestorOrigins); the embed script's word is the fallback.
    hostOrigin: hostOrigin(q.get('host')),
    // A random id of the host page's tab, so a chat kept in a cookie belongs to one tab.
    tab: q.get('tab'),
  };
}

function hostOrigin(claimed) {
  const told = globalThis.location?.ancestorOrigins?.[0];
  if (told) return told;
  const url = validUrl(claimed, HTTP);
  return url ? new URL(url).origin : null;
}
