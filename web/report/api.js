// POST /reports, and what its reply means for the person filling in the form. The one
// Idempotency-Key of an attempt is passed in by the caller, so that a retry after a lost reply
// or a second click files the same report, never two.

/**
 * A fresh Idempotency-Key: a random UUID (crypto.randomUUID needs a secure context, which a
 * deployment on https and a local http://127.0.0.1 are; 128 random bits in hex otherwise).
 */
export function newIdempotencyKey() {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

const REFERENCE = /^BL-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]$/;

function isReceipt(r) {
  return r && typeof r.reference === 'string' && REFERENCE.test(r.reference)
    && typeof r.nextSteps === 'string' && typeof r.assessBy === 'string' && Array.isArray(r.signposts);
}

/**
 * Resolves to one of:
 * {outcome: 'sent', receipt} | {outcome: 'invalid', errors: [{field, code, message}]} |
 * {outcome: 'network'} (nothing came back: the report may or may not have arrived) |
 * {outcome: 'conflict'} | {outcome: 'rateLimited', retryAfterSeconds} | {outcome: 'tooLarge'} |
 * {outcome: 'unavailable'} (any other reply).
 */
export async function submitReport(apiBase, body, idempotencyKey, { timeoutMs = 30_000 } = {}) {
  // A request that hangs is given up like a failed one: the person can try again with the same
  // key, which cannot file the report twice.
  const signal = AbortSignal.timeout(timeoutMs);
  let response;
  let data = null;
  try {
    response = await fetch(new URL('/reports', apiBase), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
      body: JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
      signal,
    });
    try { data = await response.json(); } catch (e) { if (signal.aborted) throw e; /* not JSON: see the status */ }
  } catch {
    return { outcome: 'network' };
  }
  if (response.status === 201 && isReceipt(data)) return { outcome: 'sent', receipt: data };
  if (response.status === 400 && data?.code === 'validation_failed' && Array.isArray(data.errors)) {
    return { outcome: 'invalid', errors: data.errors.filter((e) => typeof e?.field === 'string' && typeof e?.message === 'string') };
  }
  if (response.status === 409) return { outcome: 'conflict' };
  if (response.status === 413) return { outcome: 'tooLarge' };
  if (response.status === 429) {
    const seconds = Number(response.headers.get('retry-after'));
    return { outcome: 'rateLimited', retryAfterSeconds: Number.isFinite(seconds) ? seconds : null };
  }
  return { outcome: 'unavailable' };
}
