// The online report forms in a real browser, against a gateway of their own: each kind of
// report from the start page to its reference, the errors a person sees (theirs and the API's,
// beside the field and in the summary), the 999 advice, hostile text, and axe on every screen.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { openWorld, checkAxe, screenshot, operatorToken, PHONE, DESKTOP } from './lib/harness.mjs';

const REFERENCE = /^BL-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]$/;

let token;

const { gw, browser } = await openWorld({ args: ['--report-rate-limit', '1000'] });
before(async () => {
  token = await operatorToken(gw, 'alice');
});


/** A fresh tab (a context of its own: nothing shared with other tests) that fails on script errors. */
async function openForm(viewport = DESKTOP) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // The API's refusals (400) are expected; a CSP violation or a script error is not.
    if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  await page.goto(`${gw.url}/report/`);
  await page.getByRole('heading', { level: 1 }).waitFor();
  page.problems = problems;
  return page;
}

async function done(page) {
  assert.deepEqual(page.problems, [], 'no script errors or CSP violations');
  await page.context().close();
}

const heading = (page) => page.getByRole('heading', { level: 1 }).textContent();

async function expectHeading(page, text) {
  await page.getByRole('heading', { level: 1, name: text }).waitFor();
}

const cont = (page) => page.getByRole('button', { name: 'Continue' }).click();

/** The text of everything that describes a field: its hint and error, or its fieldset's. */
function describedText(page, id) {
  return page.evaluate((fieldId) => {
    const texts = [];
    for (let el = document.getElementById(fieldId); el; el = el.parentElement) {
      if (el === document.getElementById(fieldId) || el.tagName === 'FIELDSET') {
        for (const ref of (el.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean)) {
          texts.push(document.getElementById(ref)?.textContent ?? '');
        }
      }
    }
    return texts.join(' | ');
  }, id);
}

/**
 * The error summary lists exactly `messages`, in order, is focused and announced, and each of
 * its links moves focus to a field whose description carries the same message, shown beside it.
 */
async function expectErrors(page, messages) {
  const summary = page.getByRole('alert');
  await summary.getByRole('heading', { name: 'There is a problem' }).waitFor();
  assert.match(await page.title(), /^Error: /);
  assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('error-summary')), true, 'the summary has focus');
  const items = await summary.getByRole('listitem').allTextContents();
  assert.deepEqual(items, messages);
  for (const message of messages) {
    const link = summary.getByRole('link', { name: message, exact: true });
    const id = (await link.getAttribute('href')).slice(1);
    await link.click();
    assert.equal(await page.evaluate(() => document.activeElement?.id), id, `"${message}" focuses its field`);
    assert.ok((await describedText(page, id)).includes(message), `"${message}" is in the description of #${id}`);
    const beside = page.locator(`#${id}-error`);
    assert.ok(await beside.isVisible(), `"${message}" is shown beside its field`);
    assert.equal((await beside.textContent()).replace(/^Error: /, ''), message);
  }
}

async function reportsInQueue() {
  const r = await fetch(`${gw.url}/operator/reports?limit=100`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(r.status, 200);
  return (await r.json()).reports;
}

async function readBack(reference) {
  const r = await fetch(`${gw.url}/operator/reports/${reference}`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(r.status, 200, `operator reads ${reference}`);
  return r.json();
}

function daysAgo(n) {
  const d = new Date(Date.now() - n * 86_400_000);
  return { day: String(d.getDate()), month: String(d.getMonth() + 1), year: String(d.getFullYear()), iso: d };
}

async function fillDate(page, group, { day, month, year }, time) {
  const g = page.getByRole('group', { name: group });
  await g.getByLabel('Day').fill(day);
  await g.getByLabel('Month').fill(month);
  await g.getByLabel('Year').fill(year);
  if (time) {
    await g.getByLabel('Hour').fill(time[0]);
    await g.getByLabel('Minute').fill(time[1]);
  }
}

/** The common pages, from When to Your details, answered well unless told otherwise. */
async function fillCommon(page, { whatHappened = 'Someone took my bike from the garden.', postcode = 'EX1 1AA', phone = '07700 900123', from = daysAgo(3) } = {}) {
  await expectHeading(page, 'When did it happen?');
  await fillDate(page, 'When it happened, or started', from, ['21', '30']);
  await cont(page);
  await expectHeading(page, 'Where did it happen?');
  await page.getByLabel('Postcode').fill(postcode);
  await cont(page);
  await expectHeading(page, 'What happened?');
  await page.getByLabel('What happened?').fill(whatHappened);
  return { phone };
}

async function fillAboutYou(page, { phone = '07700 900123', name = 'Ann Example' } = {}) {
  await expectHeading(page, 'How are you involved?');
  await page.getByRole('radio', { name: 'It happened to me' }).check();
  await cont(page);
  await expectHeading(page, 'Your details');
  await page.getByLabel('Your full name').fill(name);
  await page.getByLabel('Phone number').fill(phone);
  await page.getByRole('radio', { name: 'By phone' }).check();
  await cont(page);
}

async function send(page) {
  await expectHeading(page, 'Check your answers before sending your report');
  await page.getByRole('checkbox', { name: /I confirm that the information/ }).check();
  await page.getByRole('button', { name: 'Send report' }).click();
}

async function confirmation(page) {
  await expectHeading(page, 'Report sent');
  const reference = (await page.locator('.panel .reference').textContent()).trim();
  assert.match(reference, REFERENCE);
  return reference;
}

test('the start page says what to report here, and where to go instead', async () => {
  for (const [name, viewport] of [['phone', PHONE], ['desktop', DESKTOP]]) {
    const page = await openForm(viewport);
    await expectHeading(page, 'Report a crime, a road collision or anti-social behaviour');
    await page.getByText('If a crime is happening now, or someone is in danger or hurt, call 999.').waitFor();
    const fraud = page.getByRole('link', { name: 'reportfraud.police.uk' });
    assert.equal(await fraud.getAttribute('href'), 'https://reportfraud.police.uk/');
    assert.equal(await fraud.getAttribute('rel'), 'noopener noreferrer');
    await page.getByText(/call 101/).first().waitFor();
    await checkAxe(page, `start page (${name})`);
    await screenshot(page, `report-start-${name}`);
    if (name === 'desktop') {
      // The forms are English only today; a right-to-left page must still hold together.
      await page.evaluate(() => document.documentElement.setAttribute('dir', 'rtl'));
      await checkAxe(page, 'start page, dir=rtl');
      await page.evaluate(() => document.documentElement.setAttribute('dir', 'ltr'));
      // Keyboard: the skip link is the first stop and moves focus to the main content.
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to main content');
      await page.keyboard.press('Enter');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'main-content');
      await page.getByRole('link', { name: 'Start now' }).click();
      await expectHeading(page, 'What do you want to report?');
      assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1', 'focus moves to the new page');
      await page.getByRole('link', { name: 'Back' }).click();
      await expectHeading(page, 'Report a crime, a road collision or anti-social behaviour');
    }
    await done(page);
  }
});

test('a crime report: every page\'s own errors, the API\'s postcode and registration errors on their fields, hostile text shown as text, and the report read back', async () => {
  const page = await openForm();
  await page.getByRole('link', { name: 'Start now' }).click();

  await expectHeading(page, 'What do you want to report?');
  await checkAxe(page, 'kind');
  await cont(page);
  await expectErrors(page, ['Select what you want to report']);
  await checkAxe(page, 'kind, with an error');
  await page.getByRole('radio', { name: 'A crime' }).check();
  await cont(page);

  await expectHeading(page, 'What kind of crime was it?');
  await checkAxe(page, 'crime type');
  await cont(page);
  await expectErrors(page, ['Select the kind of crime']);
  await page.getByRole('radio', { name: 'Theft' }).check();
  await cont(page);

  await expectHeading(page, 'When did it happen?');
  await checkAxe(page, 'when');
  await cont(page);
  await expectErrors(page, ['Enter the date it happened']);
  const future = daysAgo(-3);
  await fillDate(page, 'When it happened, or started', future);
  await fillDate(page, 'When it ended (optional)', { day: '31', month: '2', year: '2026' });
  await cont(page);
  await expectErrors(page, ['The date it happened cannot be in the future', 'The date it ended must be a real date']);
  await checkAxe(page, 'when, with errors');
  await screenshot(page, 'report-when-errors-desktop');
  await page.setViewportSize(PHONE);
  await screenshot(page, 'report-when-errors-phone');
  await page.setViewportSize(DESKTOP);
  await fillDate(page, 'When it happened, or started', daysAgo(2), ['21', '30']);
  await fillDate(page, 'When it ended (optional)', { day: '', month: '', year: '' });
  await cont(page);

  await expectHeading(page, 'Where did it happen?');
  await checkAxe(page, 'where');
  await cont(page);
  await expectErrors(page, ['Enter an address, a postcode or a description of the place']);
  // Not a postcode, but the form leaves that to the API.
  await page.getByLabel('Postcode').fill('ZZ99 9ZZZ');
  await page.getByLabel('Address').fill('12 High Street\nExeter');
  await cont(page);

  await expectHeading(page, 'What happened?');
  await checkAxe(page, 'what happened');
  await page.getByText('If it is happening now, or someone is in danger or hurt, stop and call 999.').waitFor();
  await cont(page);
  await expectErrors(page, ['Enter what happened']);
  const hostile = 'My bike went <script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"> \u202Eelbib\u202C & "quotes"';
  await page.getByLabel('What happened?').fill(hostile);
  await cont(page);

  await expectHeading(page, 'What was taken or damaged, and who did it?');
  await checkAxe(page, 'crime details');
  await page.getByLabel('What was stolen or damaged (optional)').fill('A red bike <b>bold</b>');
  await page.getByLabel('Registration of a vehicle they used (optional)').fill('NOT A REG');
  await cont(page);

  await expectHeading(page, 'How are you involved?');
  await checkAxe(page, 'your role');
  await cont(page);
  await expectErrors(page, ['Select how you are involved']);
  await page.getByRole('radio', { name: 'I am reporting for someone else' }).check();
  await cont(page);
  await expectErrors(page, ['Enter the name of the person you are reporting for']);
  await page.getByLabel('Their full name').fill('Carol Example');
  await cont(page);

  await expectHeading(page, 'Your details');
  await checkAxe(page, 'your details');
  await cont(page);
  await expectErrors(page, ['Enter your full name', 'Select how you would like to be contacted']);
  await page.getByLabel('Your full name').fill('Bob Example');
  await page.getByRole('radio', { name: 'By email' }).check();
  await cont(page);
  await expectErrors(page, ['Enter an email address, to be contacted by email']);
  await checkAxe(page, 'your details, with an error');
  await page.getByLabel('Email address').fill('bob@example.com');
  await cont(page);

  await expectHeading(page, 'Check your answers before sending your report');
  await checkAxe(page, 'check answers');
  // What was typed is shown as typed, as text: no script ran, no element was made of it.
  await page.getByText(hostile, { exact: true }).waitFor();
  await page.getByText('A red bike <b>bold</b>', { exact: true }).waitFor();
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.equal(await page.locator('main img, main script, main b').count(), 0);
  await page.getByRole('button', { name: 'Send report' }).click();
  await expectErrors(page, ['Confirm that the information is true to the best of your knowledge']);
  await checkAxe(page, 'check answers, with an error');
  await page.getByRole('checkbox', { name: /I confirm that the information/ }).check();
  await page.getByRole('button', { name: 'Send report' }).click();

  // The API refuses the postcode and the registration: the first page with an error is shown.
  await expectHeading(page, 'Where did it happen?');
  const apiMessages = await page.getByRole('alert').getByRole('listitem').allTextContents();
  assert.equal(apiMessages.length, 1, `one error on this page: ${apiMessages}`);
  await expectErrors(page, apiMessages);
  assert.match(apiMessages[0], /postcode/i);
  await checkAxe(page, 'where, with the API\'s error');
  await page.getByLabel('Postcode').fill('ex1 1aa');
  await cont(page);
  // Then the next page the API found a mistake on.
  await expectHeading(page, 'What was taken or damaged, and who did it?');
  const regMessages = await page.getByRole('alert').getByRole('listitem').allTextContents();
  await expectErrors(page, ['Enter a UK vehicle registration, like AB12 CDE']);
  assert.equal(regMessages.length, 1);
  await page.getByLabel('Registration of a vehicle they used (optional)').fill('ab12cde');
  await cont(page);

  await expectHeading(page, 'Check your answers before sending your report');
  await screenshot(page, 'report-check-answers-desktop');
  await page.setViewportSize(PHONE);
  await screenshot(page, 'report-check-answers-phone');
  await page.setViewportSize(DESKTOP);
  await page.getByRole('button', { name: 'Send report' }).click();
  const reference = await confirmation(page);
  await checkAxe(page, 'confirmation');
  await page.getByRole('heading', { name: 'What happens next' }).waitFor();
  await page.getByText(`Quote your reference ${reference}`).waitFor();
  await page.getByText(/A call handler will look at your report by/).waitFor();
  await screenshot(page, 'report-confirmation-desktop');
  await page.setViewportSize(PHONE);
  await screenshot(page, 'report-confirmation-phone');

  const view = await readBack(reference);
  assert.equal(view.kind, 'crime');
  assert.equal(view.report.crime.category, 'theft');
  assert.equal(view.report.crime.suspectVehicle, 'AB12CDE');
  assert.equal(view.report.where.postcode, 'EX1 1AA');
  assert.equal(view.report.where.address, '12 High Street\nExeter');
  assert.ok(view.report.whatHappened.includes('<script>window.__pwned = 1</script>'), view.report.whatHappened);
  assert.equal(view.report.reporter.onBehalfOf.name, 'Carol Example');
  assert.equal(view.report.reporter.email, 'bob@example.com');
  assert.equal(view.report.declaration, true);

  // The answers are gone once sent: Back does not show them again.
  await page.goBack();
  await expectHeading(page, 'Report a crime, a road collision or anti-social behaviour');
  const stored = await page.evaluate(() => [localStorage.length, sessionStorage.length]);
  assert.deepEqual(stored, [0, 0], 'nothing kept in the browser\'s storage');
  await done(page);
});

test('a fraud report is taken, and points to Report Fraud', async () => {
  const page = await openForm();
  await page.getByRole('link', { name: 'Start now' }).click();
  await page.getByRole('radio', { name: 'A crime' }).check();
  await cont(page);
  await page.getByRole('radio', { name: 'Fraud or a scam' }).check();
  await cont(page);
  await fillCommon(page, { whatHappened: 'I paid for a phone by bank transfer and the seller stopped replying.' });
  await cont(page);
  await cont(page);
  await fillAboutYou(page);
  await send(page);
  await confirmation(page);
  await page.getByRole('heading', { name: 'Report it to Report Fraud too' }).waitFor();
  await page.getByText(/0300 123 2040/).waitFor();
  assert.equal(await page.getByRole('link', { name: /Go to Report Fraud/ }).getAttribute('href'), 'https://reportfraud.police.uk/');
  await checkAxe(page, 'confirmation with the Report Fraud signpost');
  await done(page);
});

test('a collision: injuries stop at 999 and 101, vehicles are added and removed, the API\'s registration error lands on vehicle 2, and emergency words bring the 999 advice', async () => {
  const page = await openForm(PHONE);
  await page.getByRole('link', { name: 'Start now' }).click();
  await page.getByRole('radio', { name: 'A road traffic collision in which nobody was hurt' }).check();
  await cont(page);

  await expectHeading(page, 'Was anyone hurt in the collision?');
  await checkAxe(page, 'anyone injured');
  await cont(page);
  await expectErrors(page, ['Select yes if anyone was hurt']);
  await page.getByRole('radio', { name: 'Yes' }).check();
  await cont(page);
  await expectHeading(page, 'You cannot report this collision online');
  await page.getByText('If someone is hurt and needs help now, call 999.').waitFor();
  await page.getByText(/call 101 to report the collision/).waitFor();
  await checkAxe(page, 'injured: not online');
  await page.getByRole('link', { name: 'Back' }).click();
  await expectHeading(page, 'Was anyone hurt in the collision?');
  await page.getByRole('radio', { name: 'No' }).check();
  await cont(page);

  await fillCommon(page, { whatHappened: 'A van reversed into my car. The driver has a knife and is threatening me now.' });
  await cont(page);

  await expectHeading(page, 'Which vehicles were involved?');
  await checkAxe(page, 'vehicles');
  await page.getByRole('button', { name: 'Add another vehicle' }).click();
  await page.getByRole('group', { name: 'Vehicle 2' }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'vehicle-1-registration', 'focus goes to the new vehicle');
  await page.getByRole('button', { name: 'Add another vehicle' }).click();
  await page.getByRole('group', { name: 'Vehicle 3' }).getByLabel('Registration number').fill('ZZZ');
  await page.getByRole('button', { name: 'Remove vehicle 3' }).click();
  assert.equal(await page.getByRole('group', { name: 'Vehicle 3' }).count(), 0);
  await cont(page);
  await expectErrors(page, ['Enter the registration number of vehicle 1', 'Enter the registration number of vehicle 2']);
  await checkAxe(page, 'vehicles, with errors');
  await screenshot(page, 'report-vehicles-errors-phone');
  await page.getByRole('group', { name: 'Vehicle 1' }).getByLabel('Registration number').fill('AB12 CDE');
  await page.getByRole('group', { name: 'Vehicle 1' }).getByLabel('Make (optional)').fill('Ford');
  await page.getByRole('group', { name: 'Vehicle 2' }).getByLabel('Registration number').fill('NOT A REG');
  await cont(page);

  await expectHeading(page, 'Details exchanged and insurance');
  await checkAxe(page, 'collision details');
  await page.getByLabel('Your policy number').fill('POL-1');
  await cont(page);
  await expectErrors(page, ['Select yes if the drivers exchanged details', 'Enter your insurer, as well as the policy number']);
  await page.getByRole('radio', { name: 'No' }).check();
  await page.getByLabel('Your insurer').fill('Example Insurance');
  await cont(page);

  await fillAboutYou(page);
  await send(page);

  await expectHeading(page, 'Which vehicles were involved?');
  await expectErrors(page, ['Enter a UK vehicle registration, like AB12 CDE']);
  const href = await page.getByRole('alert').getByRole('link').getAttribute('href');
  assert.equal(href, '#vehicle-1-registration', 'the error of collision.vehicles[1] is on vehicle 2');
  await checkAxe(page, 'vehicles, with the API\'s error');
  await page.getByRole('group', { name: 'Vehicle 2' }).getByLabel('Registration number').fill('x123 abc');
  await cont(page);
  await expectHeading(page, 'Check your answers before sending your report');
  await page.getByRole('button', { name: 'Send report' }).click();

  const reference = await confirmation(page);
  const banner = page.getByRole('region', { name: 'If you or someone else is in danger now, call 999' });
  await banner.getByText(/press 55/).waitFor();
  assert.ok(await banner.isVisible());
  // Prominent: above the reference.
  const [bannerBox, panelBox] = [await banner.boundingBox(), await page.locator('.panel').boundingBox()];
  assert.ok(bannerBox.y < panelBox.y, 'the 999 advice comes first');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'If you or someone else is in danger now, call 999', 'and is read first');
  await checkAxe(page, 'confirmation with the 999 advice');
  await screenshot(page, 'report-confirmation-emergency-phone');

  const view = await readBack(reference);
  assert.deepEqual(view.signposts, ['emergency']);
  assert.deepEqual(view.report.collision.vehicles.map((v) => v.registration), ['AB12CDE', 'X123ABC']);
  assert.equal(view.report.collision.vehicles[0].make, 'Ford');
  assert.equal(view.report.collision.anyoneInjured, false);
  assert.equal(view.report.collision.insurance.insurer, 'Example Insurance');
  await done(page);
});

test('anti-social behaviour: the API\'s phone and date errors on their fields, and Change links that come back to Check your answers', async () => {
  const page = await openForm();
  await page.getByRole('link', { name: 'Start now' }).click();
  await page.getByRole('radio', { name: 'Anti-social behaviour' }).check();
  await cont(page);

  await expectHeading(page, 'What kind of behaviour is it?');
  await checkAxe(page, 'asb type');
  await cont(page);
  await expectErrors(page, ['Select the kind of behaviour']);
  await page.getByRole('radio', { name: 'A nuisance to the community' }).check();
  await cont(page);

  // Three years ago: the form lets the API say that is too long ago.
  await fillCommon(page, { whatHappened: 'A group gathers most weekends, shouting and throwing bottles.', from: daysAgo(3 * 366) });
  await cont(page);

  await expectHeading(page, 'How often does it happen?');
  await checkAxe(page, 'asb frequency');
  await cont(page);
  await expectErrors(page, ['Select how often it happens']);
  await page.getByRole('radio', { name: 'About once a week' }).check();
  await page.getByLabel('When does it tend to happen? (optional)').fill('Friday nights');
  await cont(page);

  await fillAboutYou(page, { phone: '0900 123 456' });
  await send(page);

  await expectHeading(page, 'When did it happen?');
  await expectErrors(page, ['For something that happened more than two years ago, call 101']);
  await fillDate(page, 'When it happened, or started', daysAgo(10));
  await cont(page);
  await expectHeading(page, 'Your details');
  const [phoneMessage] = await page.getByRole('alert').getByRole('listitem').allTextContents();
  await expectErrors(page, [phoneMessage]);
  assert.equal(await page.getByRole('alert').getByRole('link').getAttribute('href'), '#reporter-phone');
  await page.getByLabel('Phone number').fill('01392 123456');
  await cont(page);

  // Change an answer: back to the page, then straight back to Check your answers.
  await expectHeading(page, 'Check your answers before sending your report');
  await page.getByRole('link', { name: 'Change how often it happens' }).click();
  await expectHeading(page, 'How often does it happen?');
  assert.equal(await page.getByRole('link', { name: 'Back' }).getAttribute('href'), '#/check-answers');
  await page.getByRole('radio', { name: 'Every day' }).check();
  await cont(page);
  await expectHeading(page, 'Check your answers before sending your report');
  await page.getByText('Every day', { exact: true }).waitFor();
  // Changing the kind takes the new kind's questions, then comes back.
  await page.getByRole('link', { name: 'Change what you are reporting' }).click();
  await page.getByRole('radio', { name: 'A crime' }).check();
  await cont(page);
  await expectHeading(page, 'What kind of crime was it?');
  await page.getByRole('radio', { name: 'Criminal damage or vandalism' }).check();
  await cont(page);
  // Its optional page too: it was never shown.
  await expectHeading(page, 'What was taken or damaged, and who did it?');
  assert.equal(await page.getByRole('link', { name: 'Back' }).getAttribute('href'), '#/check-answers');
  await cont(page);
  await expectHeading(page, 'Check your answers before sending your report');
  await page.getByText('Criminal damage or vandalism', { exact: true }).waitFor();
  await page.getByRole('link', { name: 'Change what you are reporting' }).click();
  await page.getByRole('radio', { name: 'Anti-social behaviour' }).check();
  await cont(page);
  // Back to the answers given before: nothing to ask again.
  await expectHeading(page, 'Check your answers before sending your report');
  await page.getByText('Every day', { exact: true }).waitFor();

  await send(page);
  const reference = await confirmation(page);
  const view = await readBack(reference);
  assert.equal(view.kind, 'antisocialBehaviour');
  assert.equal(view.report.antisocialBehaviour.frequency, 'daily');
  assert.equal(view.report.antisocialBehaviour.pattern, 'Friday nights');
  assert.equal(view.report.reporter.phone, '+441392123456');
  assert.equal(view.report.crime, undefined, 'only the kind\'s own block is sent');
  assert.ok((await reportsInQueue()).some((r) => r.reference === reference));
  await done(page);
});

test('every field path the API can name in an error has its field on the form', async () => {
  // The paths of shared/src/report/body.rs's field errors (docs/reports.md, "Rules").
  const paths = [
    'kind', 'when', 'when.from', 'when.to', 'where', 'where.address', 'where.postcode', 'where.description',
    'whatHappened', 'reporter', 'reporter.name', 'reporter.role', 'reporter.onBehalfOf', 'reporter.onBehalfOf.name',
    'reporter.onBehalfOf.relationship', 'reporter.phone', 'reporter.email', 'reporter.preferredContact',
    'crime.category', 'crime.property', 'crime.suspect', 'crime.suspectVehicle',
    'collision.vehicles', 'collision.vehicles[0].registration', 'collision.vehicles[1].make',
    'collision.vehicles[1].model', 'collision.vehicles[1].colour', 'collision.anyoneInjured', 'collision.detailsExchanged',
    'collision.otherParty.name', 'collision.otherParty.phone', 'collision.otherParty.address',
    'collision.otherParty.insurer', 'collision.otherParty.policyNumber', 'collision.insurance',
    'collision.insurance.insurer', 'collision.insurance.policyNumber',
    'antisocialBehaviour.category', 'antisocialBehaviour.frequency', 'antisocialBehaviour.pattern', 'declaration',
  ];
  const page = await openForm();
  const missing = await page.evaluate(async (list) => {
    const { fieldOf } = await import('./fields.js');
    const { PAGES } = await import('./pages.js');
    const { freshAnswers } = await import('./answers.js');
    const out = [];
    for (const path of list) {
      const { page: pageId, id } = fieldOf(path);
      if (pageId === 'check-answers') { if (id !== 'declaration') out.push(`${path}: no field`); continue; }
      const spec = PAGES.find((p) => p.id === pageId);
      const a = freshAnswers();
      const top = path.split('.')[0];
      a.kind = ['crime', 'collision', 'antisocialBehaviour'].includes(top) ? top : 'crime';
      a.collision.anyoneInjured = 'no';
      a.collision.vehicles = [{}, {}].map(() => ({ registration: '', make: '', model: '', colour: '' }));
      if (!spec || !spec.inFlow(a)) { out.push(`${path}: page ${pageId} not in the ${a.kind} flow`); continue; }
      const holder = document.createElement('div');
      holder.append(...spec.render(a, new Map([[id, 'An error']])).flat(Infinity));
      document.body.append(holder);
      const field = document.getElementById(id);
      const error = document.getElementById(`${id}-error`);
      if (!field || !error) out.push(`${path}: #${id} ${field ? 'has no error shown' : 'is not on ' + pageId}`);
      holder.remove();
    }
    return out;
  }, paths);
  assert.deepEqual(missing, []);
  await done(page);
});

/** Nothing sticks out sideways: the page reflows instead of scrolling horizontally. */
async function assertReflows(page, label) {
  const [scroll, width] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(scroll <= width, `${label}: ${scroll} px wide in a ${width} px window`);
}

test('by keyboard alone, at 320 px, and with text twice as large', async () => {
  const page = await openForm(PHONE);
  await assertReflows(page, 'start at 320 px');
  const tabTo = async (predicate, what) => {
    for (let i = 0; i < 15; i += 1) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(predicate)) return;
    }
    assert.fail(`Tab never reached ${what}`);
  };
  await tabTo(() => document.activeElement?.textContent?.startsWith('Start now'), 'Start now');
  await page.keyboard.press('Enter');
  await expectHeading(page, 'What do you want to report?');
  await tabTo(() => document.activeElement?.type === 'radio', 'the first choice');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.getByRole('radio', { name: 'A road traffic collision in which nobody was hurt' }).isChecked(), true);
  await page.keyboard.press('Enter');
  await expectHeading(page, 'Was anyone hurt in the collision?');
  await tabTo(() => document.activeElement?.tagName === 'BUTTON', 'Continue');
  await page.keyboard.press('Enter');
  await page.getByRole('alert').waitFor();
  // Enter on the summary's link puts the keyboard on the field.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Select yes if anyone was hurt');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'collision-injured');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  await expectHeading(page, 'When did it happen?');
  await assertReflows(page, 'when at 320 px');

  // Text at 200 % (the browser's text size setting scales the root's rem).
  await page.setViewportSize(DESKTOP);
  await page.evaluate(() => { document.documentElement.style.fontSize = '200%'; });
  await assertReflows(page, 'when, text at 200 %');
  await page.getByRole('link', { name: 'Back' }).click();
  await page.getByRole('link', { name: 'Back' }).click();
  await expectHeading(page, 'What do you want to report?');
  await assertReflows(page, 'kind, text at 200 %');
  await done(page);
});

test('pages reached out of order lead to the start, or to the first question still to answer', async () => {
  const page = await openForm();
  await page.evaluate(() => { window.location.hash = '#/check-answers'; });
  await expectHeading(page, 'Report a crime, a road collision or anti-social behaviour');
  await page.evaluate(() => { window.location.hash = '#/vehicles'; });
  await expectHeading(page, 'Report a crime, a road collision or anti-social behaviour');
  await page.getByRole('link', { name: 'Start now' }).click();
  await page.getByRole('radio', { name: 'A crime' }).check();
  await cont(page);
  await page.getByRole('radio', { name: 'Theft' }).check();
  await cont(page);
  await expectHeading(page, 'When did it happen?');
  // A page of another kind's questions, then Check your answers before the questions are done.
  await page.evaluate(() => { window.location.hash = '#/vehicles'; });
  await expectHeading(page, 'What do you want to report?');
  await page.evaluate(() => { window.location.hash = '#/check-answers'; });
  await expectHeading(page, 'When did it happen?');
  // The service name in the header goes to the start without losing the answers.
  await page.getByRole('link', { name: 'Report a crime or incident online' }).click();
  await expectHeading(page, 'Report a crime, a road collision or anti-social behaviour');
  await page.getByRole('link', { name: 'Start now' }).click();
  assert.equal(await page.getByRole('radio', { name: 'A crime' }).isChecked(), true);
  await done(page);
});
