// A whole conversation through both real front ends: a citizen in the widget on the demo
// force page (a Polish browser) and an operator in the console, in two browser contexts.
// The local gateway's stand-in translator translates nothing and says so in the text
// ("[en ← pl, not translated] …", machineTranslated: false): that is what both sides show.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openWorld, checkAxe, screenshot, DESKTOP } from './lib/harness.mjs';
import { openDemo, citizenSays } from './widget-helpers.mjs';
import { expect } from './widget-expect.mjs';

const { gw, browser } = await openWorld();

const PL = { label: 'Twoja wiadomość', send: 'Wyślij' };

test('a Polish citizen in the widget and an operator in the console: bot, queue, chat both ways, end, feedback', async () => {
  // The operator, a supervisor (to see the feedback counted at the end).
  const opContext = await browser.newContext({ viewport: DESKTOP, locale: 'en-GB' });
  const consolePage = await opContext.newPage();
  const consoleErrors = [];
  consolePage.on('pageerror', (e) => consoleErrors.push(e.message));
  await consolePage.goto(`${gw.url}/console/`);
  await consolePage.getByLabel('Operator name').fill('olga');
  await consolePage.getByRole('checkbox', { name: /Supervisor/ }).check();
  await consolePage.getByRole('button', { name: 'Sign in' }).click();
  await expect(consolePage.locator('#connection-status')).toHaveText('Connected');

  // The citizen, in a Polish browser: the widget in Polish.
  const { context, page, frame, errors } = await openDemo(browser, gw, { locale: 'pl-PL' });
  await frame.getByRole('button', { name: 'Czat na żywo' }).click();
  await frame.getByRole('button', { name: 'Rozpocznij czat' }).click();
  await frame.getByLabel(PL.label).waitFor();
  const log = frame.getByRole('log');

  // The bot answers first.
  await citizenSays(frame, 'Jak zgłosić kradzież roweru?', PL);
  await expect(log.getByText('Asystent online').first()).toBeVisible();

  // Handoff: a place in the queue.
  await frame.getByRole('button', { name: 'Porozmawiaj z operatorem' }).last().click();
  await expect(frame.getByText('Jesteś na 1. miejscu w kolejce.')).toBeVisible();

  // The console's queue shows the Polish chat; the operator claims it.
  const entry = consolePage.locator('#queue-list > li').first();
  await expect(entry).toContainText(/Polish \(Polski\)/i);
  await expect(entry).toContainText('Position 1');
  await entry.getByRole('button', { name: 'Claim chat 1' }).click();
  const tab = consolePage.getByRole('tab', { name: /Chat 1 \(Polish\)/ });
  await expect(tab).toHaveAttribute('aria-selected', 'true');
  await expect(log.getByText('Operator dołączył do czatu.')).toBeVisible();

  // The operator reads the citizen's words in English (here: marked as not translated), the
  // Polish one click away, and what the bot already said.
  const panel = consolePage.getByRole('tabpanel');
  const asked = panel.locator('.entry-citizen').first();
  await expect(asked).toContainText('[en ← pl, not translated] Jak zgłosić kradzież roweru?');
  await expect(asked).toContainText('Written in Polish, not machine translated');
  await asked.getByText('Show original (Polish)').click();
  await expect(asked.getByText('Jak zgłosić kradzież roweru?', { exact: true })).toBeVisible();
  const bot = panel.locator('.entry-bot').first();
  await expect(bot).toContainText('Bot');
  await expect(bot).toContainText(/Topics offered: \S/);
  await expect(bot).not.toContainText('[object');

  // Operator typing, shown to the citizen; then the operator's English reaches the citizen.
  const reply = panel.getByRole('textbox', { name: /Your reply/ });
  await reply.pressSequentially('When did it happen?', { delay: 10 });
  await expect(frame.getByText('Operator pisze…')).toBeVisible();
  // On a pause, the reply as the citizen will read it, before it is sent; nothing is sent yet.
  const preview = panel.getByRole('region', { name: 'Your reply as the citizen will read it' });
  await expect(preview).toContainText('How the citizen will read it, in Polish (not translated: no translation service here)');
  await expect(preview.locator('.preview-text')).toHaveText('[pl ← en, not translated] When did it happen?');
  await expect(preview.locator('.preview-text')).toHaveAttribute('lang', 'pl');
  // More words: the preview is marked out of date, then follows.
  await reply.pressSequentially(' Today?', { delay: 10 });
  await expect(preview).toContainText('updating when you pause');
  await expect(preview.locator('.preview-text')).toHaveText('[pl ← en, not translated] When did it happen? Today?');
  await expect(preview).not.toContainText('updating');
  await checkAxe(consolePage, 'console with a reply previewed');
  await screenshot(consolePage, 'conversation-console-preview');
  await expect(log.locator('.msg--operator')).toHaveCount(0);
  await reply.press('Enter');
  await expect(preview).toBeHidden();
  const bubble = log.locator('.msg--operator', { hasText: 'When did it happen?' });
  await expect(bubble).toContainText('[pl ← en, not translated] When did it happen?');
  await expect(bubble.getByText('Tłumaczenie maszynowe')).toHaveCount(0);
  await expect(frame.getByText('Operator pisze…')).toBeHidden();

  // The citizen has the message on screen: the console marks it seen.
  await expect(panel.locator('.entry-operator', { hasText: 'When did it happen?' })).toContainText('Seen');

  // Citizen typing, shown to the operator; then the citizen's Polish reaches the console.
  await frame.getByLabel(PL.label).pressSequentially('Wczoraj wieczorem', { delay: 20 });
  await expect(panel.getByText('Citizen is typing…')).toBeVisible();
  await frame.getByRole('button', { name: PL.send, exact: true }).click();
  const answer = panel.locator('.entry-citizen', { hasText: 'Wczoraj wieczorem' });
  await expect(answer).toContainText('[en ← pl, not translated] Wczoraj wieczorem');
  await expect(panel.getByText('Citizen is typing…')).toBeHidden();
  // The console's tab is open: the citizen's widget says "seen" under their message.
  const mine = log.locator('.msg--citizen', { hasText: 'Wczoraj wieczorem' });
  await expect(mine.getByText('Wyświetlono', { exact: true })).toBeVisible();

  await checkAxe(consolePage, 'console in a conversation');
  await screenshot(consolePage, 'conversation-console-desktop');
  await screenshot(page, 'conversation-widget-desktop');

  // The operator ends the chat (confirming); the citizen is told, and asked for feedback.
  await panel.getByRole('button', { name: 'End chat' }).click();
  const confirm = consolePage.getByRole('dialog', { name: /End Chat 1/ });
  await confirm.getByRole('button', { name: 'End chat' }).click();
  await expect(panel).toContainText('This chat has ended. The chat was ended by the operator.');
  await expect(log.getByText('Operator zakończył czat.')).toBeVisible();
  const question = frame.getByRole('group', { name: 'Czy to było pomocne?' });
  await question.getByLabel('4').check();
  await frame.getByRole('button', { name: 'Wyślij opinię' }).click();
  await expect(frame.getByText('Dziękujemy za opinię.')).toBeVisible();

  // The rating is counted in the supervisor's figures.
  await consolePage.getByRole('button', { name: 'Supervisor' }).click();
  const feedback = consolePage.getByRole('table', { name: 'Feedback from citizens' });
  await expect(feedback).toContainText(/4 out of 5\s*1/);

  assert.deepEqual(errors, []);
  assert.deepEqual(consoleErrors, []);
  await context.close();
  await opContext.close();
});
