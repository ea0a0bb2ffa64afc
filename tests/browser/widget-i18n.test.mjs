// The widget in the citizen's language: the browser's language by default (Polish here),
// the searchable picker, right-to-left Arabic, a language without a shipped file (texts from
// the server), and an operator's English reaching a Polish chat through the translator.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openWorld, operatorClient } from './lib/harness.mjs';
import { openDemo, widgetFrame, claimNext, operatorSays, controlSockets } from './widget-helpers.mjs';
import { expect } from './widget-expect.mjs';

const { gw, browser } = await openWorld();

test('a Polish browser: the widget in Polish, the chat in Polish, the operator translated', async () => {
  const op = await operatorClient(gw, 'alice');
  const { context, page, frame } = await openDemo(browser, gw, { locale: 'pl-PL' });
  await frame.getByRole('button', { name: 'Czat na żywo' }).click();
  await expect(frame.getByText('W nagłym wypadku dzwoń pod 999')).toBeVisible();
  const list = frame.getByLabel('Język', { exact: true });
  assert.equal(await list.inputValue(), 'pl', 'the browser language is chosen');
  const wf = await widgetFrame(page);
  assert.equal(await wf.evaluate(() => document.documentElement.lang), 'pl');

  await frame.getByRole('button', { name: 'Rozpocznij czat' }).click();
  await frame.getByRole('button', { name: 'Porozmawiaj z operatorem' }).click();
  await expect(frame.getByText('Czekasz w kolejce na operatora.')).toBeVisible();
  const chatId = await claimNext(op);
  const claimedLanguage = op.frames.find((f) => f.type === 'claimed' && f.chat.chatId === chatId).chat.language;
  assert.equal(claimedLanguage, 'pl', 'the chat started in Polish');
  await expect(frame.getByText('Operator dołączył do czatu.')).toBeVisible();

  // The local stand-in translator translates nothing and says so; it does not claim to be a
  // machine translation (machineTranslated: false), so no "Tłumaczenie maszynowe" mark.
  await operatorSays(op, chatId, 'When did it happen?');
  const bubble = frame.locator('.msg--operator', { hasText: 'When did it happen?' });
  await expect(bubble).toContainText('[pl ← en, not translated] When did it happen?');
  await expect(bubble.getByText('Tłumaczenie maszynowe')).toHaveCount(0);
  // The original is one button away.
  await bubble.getByRole('button', { name: 'Pokaż oryginał' }).click();
  await expect(bubble.getByText('Oryginał:')).toBeVisible();
  await expect(bubble.getByRole('button', { name: 'Ukryj oryginał' })).toHaveAttribute('aria-expanded', 'true');
  op.close();
  await context.close();
});

test('the picker: search by native or English name, keyboard into the list, the screen follows', async () => {
  const { context, page, frame } = await openDemo(browser, gw);
  await frame.getByRole('button', { name: 'Live chat' }).click();
  const search = frame.getByLabel('Search for a language');
  const list = frame.getByLabel('Language', { exact: true });
  await expect(frame.getByText('158 languages shown')).toBeVisible();
  // Once the screen has turned to another language, its labels are in that language.
  const anySearch = frame.getByRole('searchbox');
  const anyList = frame.getByRole('listbox');
  assert.equal(await list.inputValue(), 'en');

  await search.fill('cymraeg');
  await expect(anyList.locator('option')).toHaveCount(1);
  assert.deepEqual((await anyList.locator('option').allTextContents()).map((o) => o.replace(/[\u2068\u2069]/g, '')), ['Cymraeg (Welsh)']);
  // The top match is chosen, and the widget's own texts turn Welsh at once.
  await expect(frame.getByRole('button', { name: 'Dechrau sgwrs' })).toBeVisible();
  await expect(frame.getByText('Ieithoedd a ddangosir: 1')).toBeVisible();
  // By English name too.
  await expect(frame.getByLabel('Chwilio am iaith')).toBeVisible();
  await anySearch.fill('welsh');
  await expect(anyList.locator('option')).toHaveCount(1);
  assert.deepEqual((await anyList.locator('option').allTextContents()).map((o) => o.replace(/[\u2068\u2069]/g, '')), ['Cymraeg (Welsh)']);

  await anySearch.fill('');
  await anySearch.fill('arab');
  await anySearch.press('ArrowDown');
  await expect(anyList).toBeFocused();
  assert.equal(await anyList.inputValue(), 'ar');
  await expect(frame.getByRole('button', { name: 'ابدأ الدردشة' })).toBeVisible();
  const wf = await widgetFrame(page);
  assert.deepEqual(await wf.evaluate(() => [document.documentElement.lang, document.documentElement.dir, document.getElementById('panel').dir]),
    ['ar', 'rtl', 'rtl']);

  await anySearch.fill('klingon');
  await expect(frame.getByText('No language matches your search.').or(frame.getByText('لا توجد لغة تطابق بحثك.'))).toBeVisible();
  await context.close();
});

test('an Arabic browser: right to left, the chat in Arabic', async () => {
  const { context, page, frame } = await openDemo(browser, gw, { locale: 'ar' });
  await frame.getByRole('button', { name: 'دردشة مباشرة' }).click();
  const wf = await widgetFrame(page);
  assert.deepEqual(await wf.evaluate(() => [document.documentElement.lang, document.documentElement.dir]), ['ar', 'rtl']);
  await frame.getByRole('button', { name: 'ابدأ الدردشة' }).click();
  await expect(frame.getByLabel('رسالتك')).toBeVisible();
  // Right to left: the bar's contents start at its right edge.
  const bar = await frame.locator('.panel__bar').boundingBox();
  const leave = await frame.getByRole('button', { name: 'مغادرة الموقع' }).boundingBox();
  const banner = await frame.getByText('في حالات الطوارئ اتصل بالرقم 999').boundingBox();
  for (const box of [leave, banner]) {
    assert.ok(bar.x + bar.width - (box.x + box.width) < 40, `starts at the right: ${JSON.stringify({ bar, box })}`);
  }
  await context.close();
});

test('a language without a shipped file: its texts come from the server (English on failure)', async () => {
  const r = await fetch(`${gw.url}/widget/strings/de.json`);
  assert.equal(r.status, 200);
  const de = await r.json();
  const { context, frame } = await openDemo(browser, gw, { locale: 'de-DE' });
  await expect(frame.getByRole('button', { name: de.launcher })).toBeVisible();

  await context.close();

  // A language the server cannot give texts for: the widget stays usable, in English.
  const ctx2 = await browser.newContext({ locale: 'fr-FR' });
  await ctx2.route('**/widget/strings/fr.json', (route) => route.fulfill({ status: 500, body: '' }));
  const page2 = await ctx2.newPage();
  await page2.goto(gw.demoUrl);
  await expect(page2.frameLocator('iframe[title="Live chat"]').getByRole('button', { name: 'Live chat' })).toBeVisible();
  await ctx2.close();
});

test('a translation update (same seq) replaces the message; a frame seen twice is shown once', async () => {
  const op = await operatorClient(gw, 'alice');
  const { context, frame } = await openDemo(browser, gw, { locale: 'pl-PL' });
  const sockets = await controlSockets(context, gw);
  await frame.getByRole('button', { name: 'Czat na żywo' }).click();
  await frame.getByRole('button', { name: 'Rozpocznij czat' }).click();
  await frame.getByRole('button', { name: 'Porozmawiaj z operatorem' }).click();
  const chatId = await claimNext(op);
  const seq = await operatorSays(op, chatId, 'When did it happen?');
  const first = op.frames.find((f) => f.type === 'ack' && f.seq === seq);
  assert.ok(first);
  await expect(frame.getByText('[pl ← en, not translated] When did it happen?')).toBeVisible();

  // What Amazon Translate would have sent: the same seq, now translated.
  const update = {
    v: 1, type: 'message', chatId, seq, sender: { role: 'operator', operatorId: 'alice' }, sentMs: Date.now(),
    text: 'Kiedy to się stało?', language: 'pl',
    original: { text: 'When did it happen?', language: 'en', machineTranslated: true },
    clientMessageId: 'o-update',
  };
  sockets.inject(update);
  sockets.inject(update);
  const bubble = frame.locator('.msg--operator');
  await expect(bubble.getByText('Kiedy to się stało?')).toBeVisible();
  await expect(bubble).toHaveCount(1);
  await expect(frame.getByText('[pl ← en, not translated] When did it happen?')).toHaveCount(0);
  await expect(bubble.getByText('Tłumaczenie maszynowe')).toBeVisible();
  await bubble.getByRole('button', { name: 'Pokaż oryginał' }).click();
  await expect(bubble.getByText('When did it happen?', { exact: true })).toBeVisible();
  assert.equal(await bubble.getByText('When did it happen?', { exact: true }).getAttribute('lang'), 'en');
  op.close();
  await context.close();
});
