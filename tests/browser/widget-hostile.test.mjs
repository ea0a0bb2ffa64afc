// Hostile text from the other side is shown as the characters it is: no markup, no script,
// no links made from it, and a right-to-left override stays inside its own bubble.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openWorld, operatorClient } from './lib/harness.mjs';
import { openDemo, widgetFrame, startChat, claimNext, operatorSays, citizenSays } from './widget-helpers.mjs';
import { expect } from './widget-expect.mjs';

const { gw, browser } = await openWorld();

const HOSTILE = [
  '<script>window.__pwned = "script"; alert(1)</script>',
  '<img src=x onerror="window.__pwned = \'img\'; alert(2)">',
  'javascript:alert(3)',
  '<a href="javascript:alert(4)">click me</a>',
  '<svg onload="window.__pwned = \'svg\'">',
  'abc \u202Eevil override\u202C def',
  '\u202Eno closing override at all',
  '<style>body { display: none }</style>',
  '&lt;b&gt;entities&lt;/b&gt; &amp;',
];

test('hostile operator text is shown literally, runs nothing and breaks no layout', async () => {
  const op = await operatorClient(gw, 'mallory');
  const { context, page, frame, errors } = await openDemo(browser, gw);
  const dialogs = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  await startChat(frame);
  await frame.getByRole('button', { name: 'Talk to an operator' }).click();
  const chatId = await claimNext(op);
  for (const text of HOSTILE) await operatorSays(op, chatId, text);
  await operatorSays(op, chatId, 'The last, plain message');
  await expect(frame.getByText('The last, plain message')).toBeVisible();

  const bubbles = frame.locator('.msg--operator .msg__text');
  assert.deepEqual(await bubbles.allTextContents(), [...HOSTILE, 'The last, plain message'],
    'every message shown as typed');
  const wf = await widgetFrame(page);
  const inside = await wf.evaluate(() => ({
    pwned: window.__pwned ?? null,
    images: document.querySelectorAll('#transcript img, #transcript svg, #transcript script, #transcript style').length,
    links: [...document.querySelectorAll('.msg--operator a')].map((a) => a.href),
    bodyShown: getComputedStyle(document.body).display !== 'none',
  }));
  assert.deepEqual(inside, { pwned: null, images: 0, links: [], bodyShown: true });
  assert.equal(await page.evaluate(() => window.__pwned ?? null), null);
  assert.deepEqual(dialogs, []);

  // The override is isolated: the bubble after it reads left to right as before, and no
  // bubble is wider than the transcript.
  const widths = await wf.evaluate(() => {
    const log = document.getElementById('transcript').getBoundingClientRect();
    return [...document.querySelectorAll('#transcript > li')].map((li) => {
      const r = li.getBoundingClientRect();
      return { inside: r.left >= log.left - 1 && r.right <= log.right + 1, bidi: getComputedStyle(li.querySelector('.msg__text') ?? li).unicodeBidi };
    });
  });
  assert.ok(widths.every((w) => w.inside), JSON.stringify(widths));
  const last = frame.locator('.msg--operator', { hasText: 'The last, plain message' });
  const lastDir = await last.locator('.msg__text').evaluate((el) => getComputedStyle(el).direction);
  assert.equal(lastDir, 'ltr');

  // The citizen's own hostile text is shown the same way.
  await citizenSays(frame, '<img src=y onerror="window.__pwned = \'citizen\'">');
  await expect(frame.locator('.msg--citizen .msg__text', { hasText: '<img src=y' })).toBeVisible();
  assert.equal(await wf.evaluate(() => window.__pwned ?? null), null);
  assert.deepEqual(errors, []);
  op.close();
  await context.close();
});
