// Chromium 86.0.4240 — the engine of 360 Secure Browser 13 on Windows 7 — from the npm package
// chrome-aws-lambda@5.3.1 (a dev dependency), driven by puppeteer-core 5.3.1, the version made
// for it (today's playwright-core no longer speaks its protocol).
import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const puppeteer = require('puppeteer-core');

const PACKAGE = new URL('../../node_modules/chrome-aws-lambda/bin/', import.meta.url).pathname;
const CACHE = new URL('../../node_modules/.cache/baoxue-chromium-86/', import.meta.url).pathname;

/** Unpacks the browser and the shared libraries it needs once; returns its path. */
export function chromium86() {
  const exe = join(CACHE, 'chromium');
  if (existsSync(exe)) return exe;
  mkdirSync(CACHE, { recursive: true });
  const unbrotli = (name) => brotliDecompressSync(readFileSync(join(PACKAGE, name)));
  writeFileSync(join(CACHE, 'aws.tar'), unbrotli('aws.tar.br'));
  execFileSync('tar', ['-xf', 'aws.tar'], { cwd: CACHE });
  writeFileSync(exe + '.part', unbrotli('chromium.br'), { mode: 0o755 });
  renameSync(exe + '.part', exe);
  return exe;
}

/** Chromium 86 with a new profile; returns { browser, page, errors, version, close }. */
export async function launch86({ width = 1440, height = 900 } = {}) {
  const exe = chromium86();
  const dir = await mkdtemp(join(tmpdir(), 'baoxue-c86-'));
  const browser = await puppeteer.launch({
    executablePath: exe,
    userDataDir: dir,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--lang=zh-CN',
    ],
    defaultViewport: { width, height },
    // Its own libnss3 and friends, for this browser only.
    env: { ...process.env, LD_LIBRARY_PATH: join(CACHE, 'lib') },
  });
  const page = (await browser.pages())[0] || (await browser.newPage());
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('dialog', (d) => d.accept());
  return {
    browser, page, errors,
    version: await browser.version(),
    close: async () => { await browser.close(); await rm(dir, { recursive: true, force: true }); },
  };
}

/** Clicks the first element matching `selector` whose text contains `text`. */
export async function clickText(page, selector, text) {
  await page.waitForFunction(
    (s, t) => [...document.querySelectorAll(s)].some((e) => e.textContent.includes(t)),
    { timeout: 60_000 }, selector, text,
  );
  await page.evaluate((s, t) => {
    [...document.querySelectorAll(s)].find((e) => e.textContent.includes(t)).click();
  }, selector, text);
}

/** Waits until an element matching `selector` contains `text`; returns that text. */
export async function waitText(page, selector, text, timeout = 60_000) {
  await page.waitForFunction(
    (s, t) => [...document.querySelectorAll(s)].some((e) => e.textContent.includes(t)),
    { timeout }, selector, text,
  );
  return page.evaluate((s, t) => [...document.querySelectorAll(s)].find((e) => e.textContent.includes(t)).textContent, selector, text);
}
