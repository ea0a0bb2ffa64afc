// A small retrying `expect` for Playwright locators (playwright-core has no test runner, and
// so no expect of its own): each check polls until it holds or 10 seconds pass, then fails
// with what it last saw.

import assert from 'node:assert/strict';

const TIMEOUT_MS = 10_000;

async function poll(describe, check, timeout = TIMEOUT_MS) {
  const until = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const r = await check();
      if (r.ok) return;
      last = r.seen;
    } catch (e) {
      last = e.message;
    }
    if (Date.now() > until) assert.fail(`${describe}; last seen: ${JSON.stringify(last)}`);
    await new Promise((ok) => setTimeout(ok, 50));
  }
}

const matches = (text, want) => (want instanceof RegExp ? want.test(text) : text.includes(want));

/** Each check takes an optional last argument `{ timeout }` (ms). */
export function expect(locator, { timeout = TIMEOUT_MS } = {}) {
  const checks = (negate) => {
    const is = (ok) => (negate ? !ok : ok);
    const not = negate ? 'not ' : '';
    return {
      toBeVisible: (o) => poll(`${locator} ${not}visible`, async () => {
        const n = await locator.count();
        const v = n > 0 && await locator.first().isVisible();
        return { ok: is(v), seen: { count: n, visible: v } };
      }, o?.timeout ?? timeout),
      toBeHidden: (o) => poll(`${locator} ${not}hidden`, async () => {
        const n = await locator.count();
        const v = n > 0 && await locator.first().isVisible();
        return { ok: is(!v), seen: { count: n, visible: v } };
      }, o?.timeout ?? timeout),
      toBeFocused: (o) => poll(`${locator} ${not}focused`, async () => {
        const f = await locator.evaluate((el) => el.ownerDocument.activeElement === el, null, { timeout: 1000 });
        return { ok: is(f), seen: f };
      }, o?.timeout ?? timeout),
      toContainText: (want, o) => poll(`${locator} ${not}containing ${want}`, async () => {
        const text = await locator.innerText({ timeout: 1000 });
        return { ok: is(matches(text, want)), seen: text };
      }, o?.timeout ?? timeout),
      toHaveText: (want, o) => poll(`${locator} ${not}having text ${want}`, async () => {
        const text = (await locator.innerText({ timeout: 1000 })).trim();
        return { ok: is(want instanceof RegExp ? want.test(text) : text === want), seen: text };
      }, o?.timeout ?? timeout),
      toHaveAttribute: (name, want, o) => poll(`${locator} ${not}having ${name}=${want}`, async () => {
        const v = await locator.getAttribute(name, { timeout: 1000 });
        return { ok: is(want instanceof RegExp ? want.test(v ?? '') : v === want), seen: v };
      }, o?.timeout ?? timeout),
      toHaveCount: (want, o) => poll(`${locator} ${not}counting ${want}`, async () => {
        const n = await locator.count();
        return { ok: is(n === want), seen: n };
      }, o?.timeout ?? timeout),
    };
  };
  return { ...checks(false), not: checks(true) };
}

/** Polls `fn` until it answers a truthy value (returned), or fails after `timeout`. */
export async function eventually(describe, fn, timeout = TIMEOUT_MS) {
  let value;
  await poll(describe, async () => { value = await fn(); return { ok: Boolean(value), seen: value }; }, timeout);
  return value;
}
