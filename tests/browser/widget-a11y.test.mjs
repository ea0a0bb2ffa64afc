// Every screen of the widget, in English and in Arabic (right to left), at a phone's 320 px
// and on a desktop: axe-core finds no WCAG 2.2 A/AA violation, and a screenshot of each is
// kept in tests/browser/artifacts/ (widget-<language>-<width>-<screen>.png).

import { test, before, after } from 'node:test';
import { startGateway, launch, operatorClient, checkAxe, screenshot, PHONE, DESKTOP } from './lib/harness.mjs';
import { openDemo, widgetFrame, claimNext, operatorSays, citizenSays } from './widget-helpers.mjs';
import { expect } from './widget-expect.mjs';

let gw;
let browser;
before(async () => {
  gw = await startGateway();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await gw?.stop();
});

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

  // An operator comes online and says they are available: the place and an estimate.
  // (A new operator socket alone sends waiting citizens no fresh `queued` yet; set_presence does.)
  const op = await operatorClient(gw, `op-${lang}-${width}`);
  op.send({ action: 'set_presence', presence: 'available' });
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
