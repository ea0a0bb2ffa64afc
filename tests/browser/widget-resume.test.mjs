// Resuming: after the socket is cut (with a message pending, and with an ack lost on the
// way) and after a reload of the page, the citizen's transcript has every message once.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openWorld, operatorClient } from './lib/harness.mjs';
import { openDemo, chatHeldBy, startChat, claimNext, operatorSays, citizenSays, bubbles, controlSockets } from './widget-helpers.mjs';
import { expect, eventually } from './widget-expect.mjs';

const { gw, browser } = await openWorld();
let op;
before(async () => {
  op = await operatorClient(gw, 'alice');
});
after(() => op?.close());

const count = (list, text) => list.filter((t) => t.includes(text)).length;

async function chatWithOperator() {
  const chat = await chatHeldBy(browser, gw, op, 'Operator one');
  await citizenSays(chat.frame, 'Citizen one');
  await op.next((f) => f.type === 'message' && f.text === 'Citizen one');
  return chat;
}

test('a cut socket: reconnect, resume, the pending message sent once, the missed one shown', async () => {
  const { context, frame, sockets, chatId } = await chatWithOperator();
  sockets.block();
  await expect(frame.getByText('Connection lost. Reconnecting…')).toBeVisible();

  // While the citizen is away: the operator writes; the citizen writes too (kept pending).
  await operatorSays(op, chatId, 'Operator while you were away');
  await frame.getByLabel('Your message').fill('Citizen while offline');
  await frame.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(frame.getByText('Not sent yet. It will be sent when the connection is back.')).toBeVisible();

  sockets.unblock();
  await expect(frame.getByText('Operator while you were away')).toBeVisible({ timeout: 20_000 });
  const delivered = await op.next((f) => f.type === 'message' && f.text === 'Citizen while offline', 20_000);
  await expect(frame.getByText('Not sent yet. It will be sent when the connection is back.')).toHaveCount(0);
  await expect(frame.locator('.msg--pending')).toHaveCount(0);
  await expect(frame.getByText('Connection lost. Reconnecting…')).toHaveCount(0);

  const list = await bubbles(frame);
  for (const text of ['Operator one', 'Citizen one', 'Operator while you were away', 'Citizen while offline']) {
    assert.equal(count(list, text), 1, `"${text}" once in ${JSON.stringify(list)}`);
  }
  assert.equal(op.frames.filter((f) => f.type === 'message' && f.text === 'Citizen while offline').length, 1);
  assert.ok(delivered.seq > 0);
  await context.close();
});

test('an ack lost with the socket: the retry (same clientMessageId) stores nothing twice', async () => {
  const { context, frame, sockets, chatId } = await chatWithOperator();
  sockets.dropNext((f) => f.type === 'ack');
  await citizenSays(frame, 'Is my ack lost?').catch(() => {});
  await expect(frame.getByText('Is my ack lost?')).toBeVisible();
  // The widget reconnects, resumes, re-sends with the same id; the server answers duplicate.
  await eventually('reconnected', () => sockets.connects >= 2, 20_000);
  await expect(frame.locator('.msg--pending')).toHaveCount(0, { timeout: 20_000 });
  await operatorSays(op, chatId, 'Got it');
  await expect(frame.getByText('Got it')).toBeVisible();
  const list = await bubbles(frame);
  assert.equal(count(list, 'Is my ack lost?'), 1, JSON.stringify(list));
  assert.equal(op.frames.filter((f) => f.type === 'message' && f.text === 'Is my ack lost?').length, 1,
    'the operator got the message once');
  await context.close();
});

test('a reload in the same tab: the chat comes back whole, once, and goes on', async () => {
  const { context, page, frame, chatId } = await chatWithOperator();
  await operatorSays(op, chatId, 'Operator two');
  await expect(frame.getByText('Operator two')).toBeVisible();
  const before = await bubbles(frame);

  await page.reload();
  const again = page.frameLocator('iframe[title="Live chat"]');
  // The chat reopens by itself with its transcript from the server.
  await expect(again.getByText('Operator two')).toBeVisible();
  await expect(again.getByLabel('Your message')).toBeVisible();
  const after = await eventually('the transcript is back', async () => {
    const list = await bubbles(again);
    return list.length >= before.length ? list : null;
  });
  assert.deepEqual(after.map((t) => t.replace(/\s*Seen\s*$/, '')), before.map((t) => t.replace(/\s*Seen\s*$/, '')));

  // And it goes on: both ways, each message once.
  await operatorSays(op, chatId, 'Still here?');
  await expect(again.getByText('Still here?')).toBeVisible();
  await citizenSays(again, 'Yes, after a reload');
  await op.next((f) => f.type === 'message' && f.text === 'Yes, after a reload');
  const list = await bubbles(again);
  for (const text of ['Operator one', 'Citizen one', 'Operator two', 'Still here?', 'Yes, after a reload']) {
    assert.equal(count(list, text), 1, `"${text}" once in ${JSON.stringify(list)}`);
  }
  await context.close();
});
