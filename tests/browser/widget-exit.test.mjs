// Leaving the site quickly: the "Leave the site" button and Shift pressed 3 times, inside the
// widget and on the host page, with the socket up and with it down. Each time: the top page
// is replaced by the exit page (no new history entry, Back does not return to the force's
// page), the chat is ended on the server as a quick exit (the operator is told), and the
// widget's origin keeps nothing.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openWorld, operatorClient } from './lib/harness.mjs';
import {
  openDemo, chatHeldBy, startChat, claimNext, operatorSays, neutralUrl, widgetStorage, isEmpty, controlSockets,
} from './widget-helpers.mjs';
import { expect, eventually } from './widget-expect.mjs';

const { gw, browser } = await openWorld();
let op;
before(async () => {
  op = await operatorClient(gw, 'alice');
});
after(() => op?.close());

/** A chat held by the operator, with a message each way; answers what the test needs. */
async function chatWithOperator() {
  const demo = await chatHeldBy(browser, gw, op, 'Hello, you are talking to the police.');
  const before = await widgetStorage(demo.page);
  assert.ok(!isEmpty(before), `the widget keeps the chat to resume it: ${JSON.stringify(before)}`);
  const historyLength = await demo.page.evaluate(() => history.length);
  return { ...demo, historyLength };
}

async function assertLeft({ page, chatId, historyLength }) {
  await page.waitForURL(neutralUrl(gw));
  await expect(page.getByRole('heading', { name: 'Weather today' })).toBeVisible();
  assert.equal(await page.evaluate(() => history.length), historyLength, 'no new history entry');

  // The operator is told the chat ended as a quick exit (a safeguarding signal).
  const ended = await op.next((f) => f.type === 'message' && f.chatId === chatId && f.event?.event === 'ended');
  assert.equal(ended.event.reason, 'quick_exit');

  // Back does not return to the force's page.
  await page.goBack().catch(() => null);
  assert.ok(!page.url().startsWith(gw.demoUrl), `Back went to ${page.url()}`);

  // The widget's origin keeps nothing in this tab: the force's page, opened again, has the
  // launcher only, no chat to resume.
  await page.goto(gw.demoUrl);
  const frame = page.frameLocator('iframe[title="Live chat"]');
  await expect(frame.getByRole('button', { name: 'Live chat' })).toBeVisible();
  const after = await widgetStorage(page);
  assert.ok(isEmpty(after), `nothing stored after leaving: ${JSON.stringify(after)}`);
  await expect(frame.getByText('Hello, you are talking to the police.')).toHaveCount(0);
}

test('"Leave the site" with the socket up', async () => {
  const chat = await chatWithOperator();
  await chat.frame.getByRole('button', { name: 'Leave the site' }).click();
  await assertLeft(chat);
  assert.deepEqual(chat.errors, []);
  await chat.context.close();
});

test('"Leave the site" with the socket down: the beacon ends the chat', async () => {
  const chat = await chatWithOperator();
  chat.sockets.block();
  await expect(chat.frame.getByText('Connection lost. Reconnecting…')).toBeVisible();
  await chat.frame.getByRole('button', { name: 'Leave the site' }).click();
  await assertLeft(chat);
  await chat.context.close();
});

test('Shift 3 times inside the widget, socket up', async () => {
  const chat = await chatWithOperator();
  await chat.frame.getByLabel('Your message').focus();
  for (let i = 0; i < 3; i += 1) await chat.page.keyboard.press('Shift');
  await assertLeft(chat);
  await chat.context.close();
});

test('Shift 3 times inside the widget, socket down', async () => {
  const chat = await chatWithOperator();
  chat.sockets.block();
  await expect(chat.frame.getByText('Connection lost. Reconnecting…')).toBeVisible();
  await chat.frame.getByLabel('Your message').focus();
  for (let i = 0; i < 3; i += 1) await chat.page.keyboard.press('Shift');
  await assertLeft(chat);
  await chat.context.close();
});

test('Shift 3 times on the host page while the chat is open, socket up', async () => {
  const chat = await chatWithOperator();
  await chat.page.getByRole('heading', { name: 'Welcome to Demo Constabulary' }).click();
  assert.equal(await chat.page.evaluate(() => document.hasFocus()), true, 'the host page has the focus');
  for (let i = 0; i < 3; i += 1) await chat.page.keyboard.press('Shift');
  await assertLeft(chat);
  await chat.context.close();
});

test('Shift 3 times on the host page, socket down', async () => {
  const chat = await chatWithOperator();
  chat.sockets.block();
  await expect(chat.frame.getByText('Connection lost. Reconnecting…')).toBeVisible();
  await chat.page.getByRole('heading', { name: 'Welcome to Demo Constabulary' }).click();
  for (let i = 0; i < 3; i += 1) await chat.page.keyboard.press('Shift');
  await assertLeft(chat);
  await chat.context.close();
});

test('Shift pressed slowly, with the chat closed, or with another key (Shift+Tab), does not leave', async () => {
  const { context, page, frame } = await openDemo(browser, gw);
  await frame.getByRole('button', { name: 'Live chat' }).waitFor();
  await page.getByRole('heading', { name: 'Welcome to Demo Constabulary' }).click();
  for (let i = 0; i < 3; i += 1) await page.keyboard.press('Shift');
  await frame.getByRole('button', { name: 'Live chat' }).click();
  await frame.getByLabel('Search for a language').focus();
  for (let i = 0; i < 3; i += 1) {
    await page.keyboard.press('Shift');
    await page.waitForTimeout(600); // slower than 3 presses in a second: the person is typing
  }
  // Shift with another key is not a leave: Shift+Tab back through the chat, capital letters.
  for (let i = 0; i < 4; i += 1) await page.keyboard.press('Shift+Tab');
  await frame.getByLabel('Search for a language').focus();
  await page.keyboard.type('ABC');
  for (let i = 0; i < 4; i += 1) await page.keyboard.press('Shift+Tab');
  await page.getByRole('heading', { name: 'Welcome to Demo Constabulary' }).click();
  for (let i = 0; i < 4; i += 1) await page.keyboard.press('Shift+Tab');
  assert.ok(page.url().startsWith(gw.demoUrl), page.url());
  await expect(frame.getByRole('button', { name: 'Leave the site' })).toBeVisible();
  await context.close();
});
