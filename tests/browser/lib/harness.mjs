// The browser tests' harness: a gateway of their own on a free port, Debian's Chromium driven
// by Playwright, axe-core on a screen, screenshots as artifacts, and protocol-level clients
// (an operator or a citizen over a plain WebSocket) for the side a test does not drive in a page.

import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import WebSocket from 'ws';

const here = dirname(fileURLToPath(import.meta.url));
export const workspace = resolve(here, '../../..');
export const artifacts = join(workspace, 'tests/browser/artifacts');
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

function gatewayBinary() {
  if (process.env.BLUELAMP_LOCAL_BIN) return process.env.BLUELAMP_LOCAL_BIN;
  const target = process.env.CARGO_TARGET_DIR
    ? resolve(workspace, process.env.CARGO_TARGET_DIR)
    : join(workspace, 'target');
  return join(target, 'debug/bluelamp-local');
}

/**
 * Starts `bluelamp-local` on a free port (embedded store unless `args` say otherwise) and
 * resolves once it prints its addresses. `gw.url` is the gateway (`http://127.0.0.1:PORT`),
 * `gw.demoUrl` the demo force page on the other origin (`http://localhost:PORT/demo/`).
 */
export async function startGateway({ args = [] } = {}) {
  const bin = gatewayBinary();
  assert.ok(existsSync(bin), `no gateway binary at ${bin}: build it with cargo build --workspace --bins --tests`);
  const child = spawn(bin, ['--listen', '127.0.0.1:0', ...args], {
    cwd: workspace,
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  const url = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`gateway did not start: ${err}`)), 30_000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/overview\s+(http:\/\/127\.0\.0\.1:\d+)\//);
      if (m) { clearTimeout(timer); ok(m[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); fail(new Error(`gateway exited (${code}): ${err}`)); });
  });
  const port = new URL(url).port;
  return {
    url,
    port,
    wsPublic: `ws://127.0.0.1:${port}/public`,
    wsOperator: `ws://127.0.0.1:${port}/operator`,
    demoUrl: `http://localhost:${port}/demo/`,
    /** What the gateway wrote to stderr so far (its logs). */
    logs: () => err,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((ok) => child.once('exit', ok));
    },
  };
}

/** Headless Chromium from Debian's package, with the flags this closed network needs. */
export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/** Viewports the screens are checked and photographed at. */
export const PHONE = { width: 320, height: 640 };
export const DESKTOP = { width: 1280, height: 800 };

/**
 * Runs axe-core on a page or frame and fails on any WCAG 2.0/2.1/2.2 A or AA violation,
 * listing each rule and the elements it found.
 */
export async function checkAxe(pageOrFrame, label) {
  await pageOrFrame.evaluate(axeSource);
  const result = await pageOrFrame.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    }));
  });
  assert.deepEqual(result, [], `axe found WCAG A/AA violations on "${label}":\n${JSON.stringify(result, null, 2)}`);
}

/** Writes a full-page screenshot to tests/browser/artifacts/NAME.png and returns its path. */
export async function screenshot(page, name) {
  mkdirSync(artifacts, { recursive: true });
  const path = join(artifacts, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** A local sign-in token for an operator (`groups`: e.g. ['supervisors']). */
export async function operatorToken(gw, operator, groups) {
  const body = groups ? { operator, groups } : { operator };
  const r = await fetch(`${gw.url}/local-idp/token`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  assert.equal(r.status, 200, `sign-in for ${operator}`);
  return (await r.json()).accessToken;
}

/**
 * A protocol-level client over a plain WebSocket: `send(frame)`, `next(pred, ms)` for the next
 * frame matching a `type` or a predicate (frames are kept from the start, none is missed),
 * `frames` (all received), `close()`.
 */
export async function socketClient(url) {
  const ws = new WebSocket(url);
  const frames = [];
  const waiters = [];
  let cursor = 0;
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data));
    frames.push(frame);
    for (const w of [...waiters]) w();
  });
  await new Promise((ok, fail) => { ws.once('open', ok); ws.once('error', fail); });
  const matches = (pred) => (typeof pred === 'string' ? (f) => f.type === pred : pred);
  return {
    frames,
    send(frame) { ws.send(JSON.stringify(frame)); },
    /** The next frame (after the last one `next` returned) that matches. */
    next(pred, ms = 10_000) {
      const test = matches(pred);
      return new Promise((ok, fail) => {
        const look = () => {
          for (let i = cursor; i < frames.length; i += 1) {
            if (test(frames[i])) {
              cursor = i + 1;
              waiters.splice(waiters.indexOf(look), 1);
              clearTimeout(timer);
              ok(frames[i]);
              return;
            }
          }
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(look), 1);
          fail(new Error(`no frame matching ${pred} in ${ms} ms; got ${JSON.stringify(frames.slice(cursor))}`));
        }, ms);
        waiters.push(look);
        look();
      });
    },
    /** Any frame so far (from the start) that matches, or undefined. */
    seen(pred) { return frames.find(matches(pred)); },
    close() { ws.close(); },
    get open() { return ws.readyState === WebSocket.OPEN; },
  };
}

/** An operator signed in and connected, having said hello. */
export async function operatorClient(gw, name, groups) {
  const token = await operatorToken(gw, name, groups);
  const client = await socketClient(`${gw.wsOperator}?token=${token}`);
  client.send({ action: 'hello' });
  await client.next('operator_ready');
  return client;
}

/**
 * A test file's world: its own gateway (`startGateway` options) and one browser, both
 * stopped after the file's tests (an `after` hook registered here). Call at the top level:
 *
 *     const { gw, browser } = await openWorld();
 */
export async function openWorld(options = {}) {
  const { after } = await import('node:test');
  const gw = await startGateway(options);
  const browser = await launch();
  after(async () => {
    await browser.close();
    await gw.stop();
  });
  return { gw, browser };
}
