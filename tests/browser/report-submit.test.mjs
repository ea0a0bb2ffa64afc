// Sending a report: one report per attempt whatever the network or the person's fingers do
// (double clicks, two submits at once, a reply lost on the way and a retry), honest errors
// when the service cannot take it, and the prefill an operator's console sends by postMessage.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { openWorld, startGateway, checkAxe, operatorToken, DESKTOP } from './lib/harness.mjs';

const REFERENCE = /^BL-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]$/;

let token;

const { gw, browser } = await openWorld({ args: ['--report-rate-limit', '1000'] });
before(async () => {
  token = await operatorToken(gw, 'alice');
});


async function newPage() {
  const context = await browser.newContext({ viewport: DESKTOP });
  return watch(await context.newPage());
}

/** Records the page's script errors (a CSP violation among them) and its POST /reports. */
function watch(page) {
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) page.problems.push(`console: ${m.text()}`);
  });
  // Every POST /reports the page sends, with its Idempotency-Key.
  page.posts = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/reports') page.posts.push(r.headers()['idempotency-key']);
  });
  return page;
}

async function done(page) {
  assert.deepEqual(page.problems, [], 'no script errors or CSP violations');
  if (!page.isClosed()) await page.close();
  if (page.context().pages().length === 0) await page.context().close();
}

const expectHeading = (page, name) => page.getByRole('heading', { level: 1, name }).waitFor();
const cont = (page) => page.getByRole('button', { name: 'Continue' }).click();

async function queue() {
  const r = await fetch(`${gw.url}/operator/reports?limit=100`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(r.status, 200);
  return (await r.json()).reports.map((e) => e.reference);
}

async function readBack(reference) {
  const r = await fetch(`${gw.url}/operator/reports/${reference}`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(r.status, 200);
  return r.json();
}

/** An anti-social behaviour report answered up to Check your answers, declaration ticked. */
async function answerUpToCheck(page, whatHappened = 'Loud music every night from the empty flat.', gateway = gw) {
  await page.goto(`${gateway.url}/report/`);
  await page.getByRole('link', { name: 'Start now' }).click();
  await page.getByRole('radio', { name: 'Anti-social behaviour' }).check();
  await cont(page);
  await page.getByRole('radio', { name: 'A nuisance to the community' }).check();
  await cont(page);
  const d = new Date(Date.now() - 2 * 86_400_000);
  const g = page.getByRole('group', { name: 'When it happened, or started' });
  await g.getByLabel('Day').fill(String(d.getDate()));
  await g.getByLabel('Month').fill(String(d.getMonth() + 1));
  await g.getByLabel('Year').fill(String(d.getFullYear()));
  await cont(page);
  await page.getByLabel('Describe the place').fill('The flats on Mill Lane');
  await cont(page);
  await page.getByLabel('What happened?').fill(whatHappened);
  await cont(page);
  await page.getByRole('radio', { name: 'Every day' }).check();
  await cont(page);
  await page.getByRole('radio', { name: 'I saw it, or know about it (a witness)' }).check();
  await cont(page);
  await page.getByLabel('Your full name').fill('Eve Example');
  await page.getByLabel('Email address').fill('eve@example.com');
  await page.getByRole('radio', { name: 'By email' }).check();
  await cont(page);
  await expectHeading(page, 'Check your answers before sending your report');
  await page.getByRole('checkbox', { name: /I confirm that the information/ }).check();
}

async function referenceShown(page) {
  await expectHeading(page, 'Report sent');
  const reference = (await page.locator('.panel .reference').textContent()).trim();
  assert.match(reference, REFERENCE);
  return reference;
}

test('a double click on Send report files one report', async () => {
  const page = await newPage();
  await answerUpToCheck(page);
  const before = await queue();
  await page.getByRole('button', { name: 'Send report' }).dblclick();
  const reference = await referenceShown(page);
  const added = (await queue()).filter((r) => !before.includes(r));
  assert.deepEqual(added, [reference], 'exactly one new report');
  assert.ok(page.posts.length >= 1);
  assert.equal(new Set(page.posts).size, 1, 'every request of the attempt carries the same key');
  await done(page);
});

test('two submits at the same moment (before the button can be disabled) file one report', async () => {
  const page = await newPage();
  await answerUpToCheck(page);
  const before = await queue();
  await page.evaluate(() => {
    const form = document.querySelector('main form');
    form.requestSubmit();
    form.requestSubmit();
  });
  const reference = await referenceShown(page);
  const added = (await queue()).filter((r) => !before.includes(r));
  assert.deepEqual(added, [reference]);
  assert.equal(new Set(page.posts).size, 1);
  await done(page);
});

test('a reply lost on the way: nothing is lost, and trying again gives the same report and reference', async () => {
  const page = await newPage();
  await answerUpToCheck(page);
  const before = await queue();
  // The first submission reaches the API, but its reply never reaches the page.
  let first = null;
  await page.route(`${gw.url}/reports`, async (route) => {
    const response = await route.fetch();
    first = { status: response.status(), body: await response.json() };
    await route.abort('failed');
  });
  await page.getByRole('button', { name: 'Send report' }).click();
  const alert = page.getByRole('alert');
  await alert.getByText(/the connection failed\. Nothing you entered has been lost\./).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('error-summary')), true);
  await checkAxe(page, 'check answers after a network failure');
  assert.equal(first.status, 201, 'the API took the report');
  await page.unroute(`${gw.url}/reports`);
  // The answers are still there; the declaration is still ticked.
  await page.getByText('Loud music every night from the empty flat.', { exact: true }).waitFor();
  await page.getByRole('button', { name: 'Send report' }).click();
  const reference = await referenceShown(page);
  assert.equal(reference, first.body.reference, 'the retry is answered with the first report\'s reference');
  const added = (await queue()).filter((r) => !before.includes(r));
  assert.deepEqual(added, [reference], 'one report, not two');
  assert.equal(page.posts.length, 2);
  assert.equal(page.posts[0], page.posts[1], 'the retry reuses the key');
  await done(page);
});

test('a new report after a sent one gets a key of its own', async () => {
  const page = await newPage();
  await answerUpToCheck(page, 'First report of the night.');
  await page.getByRole('button', { name: 'Send report' }).click();
  const one = await referenceShown(page);
  await page.getByRole('link', { name: 'Make another report' }).click();
  await answerUpToCheck(page, 'Second report of the night.');
  await page.getByRole('button', { name: 'Send report' }).click();
  const two = await referenceShown(page);
  assert.notEqual(one, two);
  assert.equal(page.posts.length, 2);
  assert.notEqual(page.posts[0], page.posts[1]);
  assert.equal((await readBack(two)).report.whatHappened, 'Second report of the night.');
  await done(page);
});

test('when the service cannot take the report, the person is told what to do, and nothing is lost', async () => {
  const page = await newPage();
  await answerUpToCheck(page);
  const cases = [
    [{ status: 503, headers: { 'retry-after': '5' } }, 'Sorry, the service is not working right now. Nothing you entered has been lost. Try again in a few minutes, or call 101.'],
    [{ status: 429, headers: { 'retry-after': '120' } }, 'Too many reports have been sent from this connection. Nothing you entered has been lost. Try again in 2 minutes, or call 101.'],
    [{ status: 413 }, 'Your report is too long to send. Nothing you entered has been lost. Shorten what you wrote, or call 101.'],
  ];
  for (const [reply, message] of cases) {
    await page.route(`${gw.url}/reports`, (route) => route.fulfill({
      ...reply,
      headers: { ...reply.headers, 'content-type': 'application/problem+json', 'access-control-allow-origin': gw.url },
      body: JSON.stringify({ status: reply.status, code: 'x', title: 'x' }),
    }));
    await page.getByRole('button', { name: 'Send report' }).click();
    await page.getByRole('alert').getByText(message, { exact: true }).waitFor();
    await page.unroute(`${gw.url}/reports`);
  }
  await page.getByRole('button', { name: 'Send report' }).click();
  await referenceShown(page);
  assert.equal(new Set(page.posts).size, 1, 'one key for the whole attempt');
  await done(page);
});

/** Opens the form from `openerUrl` as the console does, and answers its ready message with `prefill`. */
async function openFromConsole(openerUrl, prefill) {
  const opener = await newPage();
  await opener.goto(openerUrl);
  const [popup] = await Promise.all([
    opener.context().waitForEvent('page'),
    opener.evaluate(({ url, message }) => {
      const form = window.open(url);
      window.addEventListener('message', (event) => {
        if (event.source === form && event.data?.type === 'bluelamp:report-ready') form.postMessage(message, event.origin);
      });
    }, { url: `${gw.url}/report/?from=console`, message: prefill }),
  ]);
  return { opener, popup: watch(popup) };
}

test('the console prefills a report by postMessage: kind, what happened and the chat, nothing in the address', async () => {
  const { opener, popup } = await openFromConsole(`${gw.url}/report/`, {
    type: 'bluelamp:prefill-report', kind: 'crime', whatHappened: 'Told in chat: my car was <em>keyed</em> last night.', chatId: '04cdbd180eed4024a7f3630809a1ee5a',
  });
  await expectHeading(popup, 'What do you want to report?');
  assert.equal(await popup.getByRole('radio', { name: 'A crime' }).isChecked(), true);
  assert.equal(new URL(popup.url()).search, '?from=console', 'no report data in the address');
  await popup.getByRole('button', { name: 'Continue' }).click();
  await popup.getByRole('radio', { name: 'Criminal damage or vandalism' }).check();
  await cont(popup);
  const d = new Date(Date.now() - 86_400_000);
  const g = popup.getByRole('group', { name: 'When it happened, or started' });
  await g.getByLabel('Day').fill(String(d.getDate()));
  await g.getByLabel('Month').fill(String(d.getMonth() + 1));
  await g.getByLabel('Year').fill(String(d.getFullYear()));
  await cont(popup);
  await popup.getByLabel('Postcode').fill('EX4 3SR');
  await cont(popup);
  assert.equal(await popup.getByLabel('What happened?').inputValue(), 'Told in chat: my car was <em>keyed</em> last night.');
  await cont(popup);
  await cont(popup);
  await popup.getByRole('radio', { name: 'It happened to me' }).check();
  await cont(popup);
  await popup.getByLabel('Your full name').fill('Dan Example');
  await popup.getByLabel('Phone number').fill('07700 900456');
  await popup.getByRole('radio', { name: 'By phone' }).check();
  await cont(popup);
  await expectHeading(popup, 'Check your answers before sending your report');
  await popup.getByText('04cdbd180eed4024a7f3630809a1ee5a').waitFor();
  await popup.getByRole('checkbox', { name: /I confirm that the information/ }).check();
  await popup.getByRole('button', { name: 'Send report' }).click();
  const reference = await referenceShown(popup);
  const view = await readBack(reference);
  assert.equal(view.report.chatId, '04cdbd180eed4024a7f3630809a1ee5a');
  assert.equal(view.report.whatHappened, 'Told in chat: my car was <em>keyed</em> last night.');
  await done(popup);
  await done(opener);
});

test('a prefill from a page on another origin, or a malformed one, is ignored', async () => {
  // The demo force page is on another origin (localhost, not 127.0.0.1).
  const { opener, popup } = await openFromConsole(gw.demoUrl, {
    type: 'bluelamp:prefill-report', kind: 'collision', whatHappened: 'Injected', chatId: 'abc',
  });
  await expectHeading(popup, 'Report a crime, a road collision or anti-social behaviour');
  await popup.getByRole('link', { name: 'Start now' }).click();
  assert.equal(await popup.getByRole('radio', { name: 'A road traffic collision in which nobody was hurt' }).isChecked(), false);
  await done(popup);
  await done(opener);

  const same = await openFromConsole(`${gw.url}/report/`, { type: 'bluelamp:prefill-report', kind: 'burglary' });
  await expectHeading(same.popup, 'Report a crime, a road collision or anti-social behaviour');
  await done(same.popup);
  await done(same.opener);
});

test('the API\'s own rate limit: the person is told when to try again', async () => {
  const limited = await startGateway({ args: ['--report-rate-limit', '1'] });
  try {
    const page = await newPage();
    await answerUpToCheck(page, 'First.', limited);
    await page.getByRole('button', { name: 'Send report' }).click();
    await referenceShown(page);
    await answerUpToCheck(page, 'Second, over the limit.', limited);
    await page.getByRole('button', { name: 'Send report' }).click();
    const item = page.getByRole('alert').getByRole('listitem');
    await item.waitFor();
    assert.match(await item.textContent(), /^Too many reports have been sent from this connection\. Nothing you entered has been lost\. Try again in \d+ minutes?, or call 101\.$/);
    await done(page);
  } finally {
    await limited.stop();
  }
});

test('a lost reply, then a changed answer: the form says the first try arrived, and files the changed report on request', async () => {
  const page = await newPage();
  await answerUpToCheck(page, 'Before the change.');
  const before = await queue();
  await page.route(`${gw.url}/reports`, async (route) => {
    await route.fetch();
    await route.abort('failed');
  });
  await page.getByRole('button', { name: 'Send report' }).click();
  await page.getByRole('alert').getByText(/the connection failed/).waitFor();
  await page.unroute(`${gw.url}/reports`);
  await page.getByRole('link', { name: 'Change what happened' }).click();
  await page.getByLabel('What happened?').fill('After the change.');
  await cont(page);
  await expectHeading(page, 'Check your answers before sending your report');
  await page.getByRole('button', { name: 'Send report' }).click();
  await page.getByRole('alert').getByText(/An earlier try reached us, before you changed your answers/).waitFor();
  await page.getByRole('button', { name: 'Send report' }).click();
  const reference = await referenceShown(page);
  const added = (await queue()).filter((r) => !before.includes(r));
  assert.equal(added.length, 2, 'the first try and the changed report');
  assert.equal((await readBack(reference)).report.whatHappened, 'After the change.');
  assert.equal(page.posts.length, 3);
  assert.equal(page.posts[0], page.posts[1], 'the retry kept the key');
  assert.notEqual(page.posts[1], page.posts[2], 'the changed report got a key of its own');
  await done(page);
});
