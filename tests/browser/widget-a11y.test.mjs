// Every screen of the widget, in English and in Arabic (right to left), at a phone's 320 px
// and on a desktop: axe-core finds no WCAG 2.2 A/AA violation, and a screenshot of each is
// kept in tests/browser/artifacts/ (widget-<language>-<width>-<screen>.png).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  openWorld, operatorClient, checkAxe, screenshot, artifacts, PHONE, DESKTOP,
} from './lib/harness.mjs';
import { openDemo, widgetFrame, claimNext, operatorSays, citizenSays, FRAME } from './widget-helpers.mjs';
import { expect, eventually } from './widget-expect.mjs';

const { gw, browser } = await openWorld();

const TEXTS = {
  en: {
    launcher: 'Live chat', start: 'Start chat', message: 'Your message', send: 'Send',
    operator: 'Talk to an operator', noOperator: 'No operator is available right now.',
    position: 'You are number 1 in the queue.', joined: 'An operator has joined the chat.',
    ended: 'The operator ended the chat.', feedback: 'Did this help?', sendFeedback: 'Send feedback',
    thanks: 'Thank you for your feedback.', assistant: 'Online assistant',
  },
  ar: {
    launcher: 'دردشة مباشرة', start: 'ابدأ الدردشة', message: 'رسالتك', send: 'إرسال',
    operator: 'التحدث إلى موظف', noOperator: 'لا يوجد موظف متاح الآن.',
    position: 'ترتيبك في قائمة الانتظار: 1.', joined: 'انضم موظف إلى الدردشة.',
    ended: 'أنهى الموظف الدردشة.', feedback: 'هل كان هذا مفيدًا؟', sendFeedback: 'إرسال التقييم',
    thanks: 'شكرًا لك على تقييمك.', assistant: 'المساعد الإلكتروني',
  },
};

async function walk(lang, viewport) {
  const t = TEXTS[lang];
  const width = viewport.width;
  const { context, page, frame, errors } = await openDemo(browser, gw, { locale: lang === 'ar' ? 'ar' : 'en-GB', viewport });
  const wf = await widgetFrame(page);
  const shot = async (screen) => {
    await checkAxe(wf, `${lang} ${width}px: ${screen}`);
    await screenshot(page, `widget-${lang}-${width}-${screen}`);
  };

  await expect(frame.getByRole('button', { name: t.launcher })).toBeVisible();
  await checkAxe(page, `${lang} ${width}px: the demo page`);
  await shot('closed');

  await frame.getByRole('button', { name: t.launcher }).click();
  await expect(frame.getByRole('button', { name: t.start })).toBeVisible();
  await shot('language');

  await frame.getByRole('button', { name: t.start }).click();
  await citizenSays(frame, lang === 'ar' ? 'كيف أبلغ عن سرقة دراجة؟' : 'How do I report a stolen bike?', { label: t.message, send: t.send });
  await expect(frame.getByText(t.assistant, { exact: true }).first()).toBeVisible();
  await shot('bot');

  // Nobody online: the honest message.
  await frame.getByRole('button', { name: t.operator }).last().click();
  await expect(frame.getByText(t.noOperator).last()).toBeVisible();
  await shot('no-operator');

  // An operator comes online: a fresh place and an estimate, without asking again.
  const op = await operatorClient(gw, `op-${lang}-${width}`);
  await expect(frame.getByText(t.position)).toBeVisible();
  await shot('waiting');

  const chatId = await claimNext(op);
  await expect(frame.getByText(t.joined)).toBeVisible();
  await operatorSays(op, chatId, 'Hello, I am an operator. How can I help?');
  await citizenSays(frame, lang === 'ar' ? 'سُرقت دراجتي من المحطة' : 'My bike was taken from the station', { label: t.message, send: t.send });
  op.send({ action: 'typing', chatId, typing: true });
  await expect(frame.locator('.typing')).not.toHaveText('');
  await shot('talking');

  op.send({ action: 'end', chatId });
  await expect(frame.getByText(t.ended)).toBeVisible();
  await expect(frame.getByRole('group', { name: t.feedback })).toBeVisible();
  await shot('feedback');
  await frame.getByRole('group', { name: t.feedback }).getByRole('radio').nth(4).check();
  await frame.getByRole('button', { name: t.sendFeedback }).click();
  await expect(frame.getByText(t.thanks)).toBeVisible();
  await shot('ended');

  op.close();
  await context.close();
  if (errors.length) throw new Error(errors.join('\n'));
}

test('English, desktop', () => walk('en', DESKTOP));
test('English, 320 px', () => walk('en', PHONE));
test('Arabic, desktop', () => walk('ar', DESKTOP));
test('Arabic, 320 px', () => walk('ar', PHONE));

test('text at 200 % on a 320 px phone: nothing is cut off or needs sideways scrolling', async () => {
  const { context, page, frame } = await openDemo(browser, gw, { viewport: PHONE });
  const wf = await widgetFrame(page);
  await frame.getByRole('button', { name: 'Live chat' }).click();
  await eventually('the chat fills the phone', async () => (await page.locator(FRAME).boundingBox()).width === PHONE.width);
  await wf.evaluate(() => { document.documentElement.style.fontSize = '200%'; });
  const overflow = () => wf.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const out = [];
    for (const el of document.querySelectorAll('#panel *')) {
      const r = el.getBoundingClientRect();
      if (r.width && (r.right > width + 1 || r.left < -1)) out.push(`${el.tagName}.${el.className}: ${Math.round(r.left)}..${Math.round(r.right)}`);
    }
    return { width, scroll: document.scrollingElement.scrollWidth, out: out.slice(0, 5) };
  });
  let o = await overflow();
  assert.deepEqual(o.out, [], JSON.stringify(o));
  await page.screenshot({ path: `${artifacts}/widget-en-320-text-200-language.png` });
  await frame.getByRole('button', { name: 'Start chat' }).click();
  await citizenSays(frame, 'How do I report a stolen bike?');
  await expect(frame.getByText('Online assistant', { exact: true }).first()).toBeVisible();
  o = await overflow();
  assert.deepEqual(o.out, [], JSON.stringify(o));
  // "Leave the site" is still on screen with the conversation scrolled to its end.
  await expect(frame.getByRole('button', { name: 'Leave the site' })).toBeVisible();
  const leave = await frame.getByRole('button', { name: 'Leave the site' }).boundingBox();
  assert.ok(leave.y >= 0 && leave.y + leave.height <= PHONE.height, JSON.stringify(leave));
  await page.screenshot({ path: `${artifacts}/widget-en-320-text-200-bot.png` });
  await context.close();
});
