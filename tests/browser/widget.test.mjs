// The citizen's chat widget on the demo force page, end to end against the local gateway:
// the bot, the handoff, the queue, an operator (a plain WebSocket client), messages both
// ways, typing and seen, the operator ending the chat, and the feedback question.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openWorld, operatorClient, PHONE } from './lib/harness.mjs';
import { openDemo, widgetStorage, startChat, citizenSays, claimNext, operatorSays, bubbles, FRAME } from './widget-helpers.mjs';
import { expect, eventually } from './widget-expect.mjs';

const { gw, browser } = await openWorld();

test('the embed tag adds a small cross-origin frame with a keyboard-reachable launcher', async () => {
  const { context, page, frame } = await openDemo(browser, gw);
  const iframe = page.locator(FRAME);
  await frame.getByRole('button', { name: 'Live chat' }).waitFor();
  const src = new URL(await iframe.getAttribute('src'));
  assert.equal(src.origin, gw.url, 'the frame is served from the widget origin');
  assert.notEqual(new URL(page.url()).origin, src.origin, 'and that is not the host page origin');
  // The host page cannot read into the frame.
  const hostCanRead = await page.evaluate((sel) => {
    try { return Boolean(document.querySelector(sel).contentDocument); } catch { return false; }
  }, FRAME);
  assert.equal(hostCanRead, false);

  // Closed, the frame is only as big as the launcher, bottom right.
  const closed = await iframe.boundingBox();
  assert.ok(closed.width < 300 && closed.height < 120, `closed frame is small: ${JSON.stringify(closed)}`);
  assert.ok(closed.x + closed.width > 1200 && closed.y + closed.height > 700, 'bottom right');

  // Keyboard: Tab reaches the launcher; Enter opens; focus moves into the panel.
  const launcher = frame.getByRole('button', { name: 'Live chat' });
  for (let i = 0; i < 12; i += 1) {
    await page.keyboard.press('Tab');
    if (await launcher.evaluate((el) => document.activeElement === el && document.hasFocus())) break;
  }
  await expect(launcher).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(frame.getByText('In an emergency call 999')).toBeVisible();
  await expect(frame.getByLabel('Search for a language')).toBeFocused();
  const opened = await iframe.boundingBox();
  assert.ok(opened.width > 350 && opened.height > 500, `open frame is a panel: ${JSON.stringify(opened)}`);

  // Escape minimises, and focus returns to the launcher.
  await page.keyboard.press('Escape');
  await expect(launcher).toBeFocused();
  assert.ok((await iframe.boundingBox()).height < 120);

  // The minimise button does the same.
  await launcher.click();
  await frame.getByRole('button', { name: 'Minimise chat' }).click();
  await expect(launcher).toBeFocused();
  await context.close();
});

test('at 320 px the open chat takes the whole screen', async () => {
  const { context, page, frame } = await openDemo(browser, gw, { viewport: PHONE });
  await frame.getByRole('button', { name: 'Live chat' }).click();
  await expect(frame.getByRole('button', { name: 'Leave the site' })).toBeVisible();
  await eventually('the chat fills the phone', async () => {
    const box = await page.locator(FRAME).boundingBox();
    return box.x === 0 && box.y === 0 && box.width === PHONE.width && box.height === PHONE.height;
  });
  // The page behind is hidden: the chat is modal, and Tab and Shift+Tab go round inside it.
  await expect(frame.getByRole('dialog')).toHaveAttribute('aria-modal', 'true');
  await expect(frame.getByLabel('Search for a language')).toBeFocused();
  for (let i = 0; i < 12; i += 1) {
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate((sel) => document.activeElement === document.querySelector(sel), FRAME), true,
      `after ${i + 1} Tabs the focus is still in the chat`);
  }
  for (let i = 0; i < 12; i += 1) {
    await page.keyboard.press('Shift+Tab');
    assert.equal(await page.evaluate((sel) => document.activeElement === document.querySelector(sel), FRAME), true);
  }
  // Enter in the language list starts the chat.
  await frame.getByRole('listbox').focus();
  await page.keyboard.press('Enter');
  await expect(frame.getByLabel('Your message')).toBeVisible();
  await context.close();
});

test('bot, suggestions, handoff, queue, operator, typing and seen both ways, end, feedback', async () => {
  const op = await operatorClient(gw, 'alice');
  const { context, page, frame, errors } = await openDemo(browser, gw);
  await startChat(frame);

  // The bot answers with a link.
  await citizenSays(frame, 'How do I report a stolen bike?');
  const log = frame.getByRole('log');
  await expect(log.getByText('Online assistant').first()).toBeVisible();
  const link = log.getByRole('link', { name: /demo-force\.police\.example\/report/ }).first();
  await expect(link).toBeVisible();
  assert.equal(await link.getAttribute('rel'), 'noopener noreferrer');
  assert.equal(await link.getAttribute('target'), '_blank');

  // A vague question: topics offered as buttons; one click sends the topic's words.
  await citizenSays(frame, 'help with a thing');
  const topic = log.getByRole('button', { name: 'Report a crime online' });
  await expect(topic).toBeVisible();
  await topic.click();
  await expect(log.locator('.msg--citizen', { hasText: 'Report a crime online' })).toBeVisible();

  // Handoff: the queue place and the honest estimate (one operator available).
  await frame.getByRole('button', { name: 'Talk to an operator' }).last().click();
  const status = frame.getByRole('status').filter({ hasText: 'in the queue' });
  await expect(status).toContainText('You are number 1 in the queue.');
  await expect(status).toContainText(/Estimated wait: about \d+ minutes?\./);
  const report = frame.getByRole('link', { name: /Report online instead/ });
  await expect(report).toHaveAttribute('href', `${gw.url}/report/`);
  await expect(report).toHaveAttribute('target', '_blank');
  await expect(frame.getByRole('link', { name: 'Call 101' })).toHaveAttribute('href', 'tel:101');

  // The operator claims.
  const chatId = await claimNext(op);
  await expect(log.getByText('An operator has joined the chat.')).toBeVisible();
  await expect(status).toBeHidden();

  // Operator -> citizen, and the citizen's widget says it was seen.
  const helloSeq = await operatorSays(op, chatId, "Hello, I'm Alice. How can I help?");
  await expect(log.getByText("Hello, I'm Alice. How can I help?")).toBeVisible();
  const seen = await op.next((f) => f.type === 'seen' && f.chatId === chatId);
  assert.equal(seen.from, 'citizen');
  assert.ok(seen.seq >= helloSeq);

  // Citizen typing reaches the operator; sending stops it.
  await frame.getByLabel('Your message').pressSequentially('It was taken', { delay: 20 });
  const typingOn = await op.next((f) => f.type === 'typing' && f.chatId === chatId);
  assert.deepEqual([typingOn.from, typingOn.typing], ['citizen', true]);
  await frame.getByLabel('Your message').pressSequentially(' from the station', { delay: 10 });
  await frame.getByRole('button', { name: 'Send', exact: true }).click();
  const typingOff = await op.next((f) => f.type === 'typing' && f.typing === false);
  assert.equal(typingOff.from, 'citizen');
  const words = await op.next((f) => f.type === 'message' && f.sender.role === 'citizen' && f.text === 'It was taken from the station');
  // At most one typing: true every 3 seconds (the rate limit is shared with messages).
  const ons = op.frames.filter((f) => f.type === 'typing' && f.typing === true);
  assert.equal(ons.length, 1, 'one typing: true for a few seconds of typing');

  // Operator typing shown to the citizen, and taken away.
  op.send({ action: 'typing', chatId, typing: true });
  await expect(frame.getByText('The operator is typing…')).toBeVisible();
  op.send({ action: 'typing', chatId, typing: false });
  await expect(frame.getByText('The operator is typing…')).toBeHidden();

  // The operator has seen the citizen's message: "Seen" under it.
  await expect(frame.getByText('Seen', { exact: true })).toHaveCount(0);
  op.send({ action: 'seen', chatId, seq: words.seq });
  const mine = log.locator('.msg--citizen', { hasText: 'It was taken from the station' });
  await expect(mine.getByText('Seen', { exact: true })).toBeVisible();

  // The operator ends the chat: a system line, the feedback question, a new chat offered.
  op.send({ action: 'end', chatId });
  await expect(log.getByText('The operator ended the chat.')).toBeVisible();
  await expect(frame.getByLabel('Your message')).toBeHidden();
  const question = frame.getByRole('group', { name: 'Did this help?' });
  await expect(question).toBeVisible();
  await question.getByLabel('4').check();
  await frame.getByRole('button', { name: 'Send feedback' }).click();
  await expect(frame.getByText('Thank you for your feedback.')).toBeVisible();
  await expect(frame.getByRole('button', { name: 'Start a new chat' })).toBeVisible();

  // Nothing was shown twice, and the widget stored no message text.
  const texts = await bubbles(frame);
  assert.equal(texts.filter((t) => t.includes('It was taken from the station')).length, 1);
  const stored = JSON.stringify(await widgetStorage(page));
  assert.ok(!stored.includes('stolen bike') && !stored.includes('taken from the station'), stored);

  // A new chat starts on the same socket.
  await frame.getByRole('button', { name: 'Start a new chat' }).click();
  await expect(frame.getByLabel('Your message')).toBeVisible();
  assert.equal((await bubbles(frame)).length, 0, 'the new chat starts with an empty transcript');
  assert.deepEqual(errors, []);
  op.close();
  await context.close();
});

test('no operator online: the widget says so honestly and offers the report forms and 101', async () => {
  const { context, frame } = await openDemo(browser, gw);
  await startChat(frame);
  await frame.getByRole('button', { name: 'Talk to an operator' }).click();
  const status = frame.getByRole('status').filter({ hasText: 'No operator is available right now.' });
  await expect(status).toBeVisible();
  await expect(status).not.toContainText('Estimated wait');
  await expect(status).toContainText('call 101');
  await expect(frame.getByRole('link', { name: /Report online instead/ })).toBeVisible();
  await expect(frame.getByRole('link', { name: 'Call 101' })).toBeVisible();
  // Ending it takes it out of the queue (the next tests' operators find only their own).
  await frame.getByRole('button', { name: 'End chat' }).click();
  await expect(frame.getByRole('log').getByText('You ended the chat.')).toBeVisible();
  await expect(frame.getByRole('group', { name: 'Did this help?' })).toBeVisible();
  await expect(frame.getByRole('log').getByText('You ended the chat.')).toHaveCount(1);
  await context.close();
});

test('an emergency described to the bot: the 999 advice stands out, an operator is offered', async () => {
  const { context, frame } = await openDemo(browser, gw);
  await startChat(frame);
  await citizenSays(frame, 'someone is breaking into my house right now');
  const advice = frame.getByRole('log').getByRole('listitem').filter({ hasText: 'Emergency advice' });
  await expect(advice).toBeVisible();
  await expect(advice).toContainText('call 999');
  await expect(advice.getByRole('button', { name: 'Talk to an operator' })).toBeVisible();
  // Prominent: a thick red frame, unlike an ordinary answer.
  const border = await advice.evaluate((el) => getComputedStyle(el).borderTopWidth);
  assert.ok(parseFloat(border) >= 3, `border ${border}`);
  await frame.getByRole('button', { name: 'End chat' }).click();
  await expect(frame.getByRole('button', { name: 'Start a new chat' })).toBeVisible();
  await context.close();
});

test('handed back: a system line, the queue again, then another operator', async () => {
  const alice = await operatorClient(gw, 'alice');
  const { context, frame } = await openDemo(browser, gw);
  await startChat(frame);
  await frame.getByRole('button', { name: 'Talk to an operator' }).click();
  const chatId = await claimNext(alice);
  const log = frame.getByRole('log');
  await expect(log.getByText('An operator has joined the chat.')).toBeVisible();
  alice.send({ action: 'hand_back', chatId });
  await expect(log.getByText('Your chat has been passed back to the queue. Another operator will join you.')).toBeVisible();
  // Its place counts from when the chat started (earlier tests' chats still wait ahead of it).
  await expect(frame.getByRole('status').filter({ hasText: 'in the queue' })).toContainText(/You are number \d+ in the queue\./);
  const bob = await operatorClient(gw, 'bob');
  bob.send({ action: 'claim', chatId });
  await bob.next('claimed');
  await expect(log.getByText('An operator has joined the chat.')).toHaveCount(2);
  await operatorSays(bob, chatId, 'Bob here.');
  await expect(log.getByText('Bob here.')).toBeVisible();
  alice.close();
  bob.close();
  await context.close();
});
