// Shared pieces of the end-to-end tests: a static server for dist/ on 127.0.0.1, and
// Debian's Chromium driven by playwright-core with a fresh profile per browser.
import { createServer } from 'node:http';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, extname, normalize } from 'node:path';
import { chromium } from 'playwright-core';

const ROOT = new URL('../../dist/', import.meta.url).pathname;
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.tsv': 'text/tab-separated-values; charset=utf-8', '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

/** Serves dist/ on a free port of 127.0.0.1; `extra` maps more URL paths to files.
 *  Returns { url, close }. */
export async function serveDist(root = ROOT, extra = {}) {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^\/+/, '');
    try {
      const file = path || 'index.html';
      const body = await readFile(extra[file] || join(root, file));
      res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((ok) => server.close(ok)) };
}

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** A browser with its own new profile (and, when given, another browser's user agent);
 *  returns { context, page, close }. */
export async function launch({ width = 1440, height = 900, userAgent, profile } = {}) {
  // `profile`: a folder to keep (the same office PC opened again); the caller removes it.
  const dir = profile || (await mkdtemp(join(tmpdir(), 'baoxue-e2e-')));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    viewport: { width, height },
    locale: 'zh-CN',
    ...(userAgent ? { userAgent } : {}),
  });
  const page = context.pages()[0] || (await context.newPage());
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('dialog', (d) => d.accept());
  return {
    context, page, errors,
    close: async () => { await context.close(); if (!profile) await rm(dir, { recursive: true, force: true }); },
  };
}

/** Clicks 载入演示县 on the page as it is (first start or 设置) and waits for the dashboard of
 * the demo county; of `children` children when given (the benchmarks' large counties). */
export async function loadDemo(page, children) {
  if (children) {
    await page.waitForSelector('#load-demo');
    await page.selectOption('#demo-size', String(children));
  }
  await page.click('#load-demo');
  await page.waitForSelector('#stat-total', { timeout: children ? 600_000 : 120_000 });
}

/** Clicks `selector` and takes the download it starts: its name, its bytes, and where it is
 * kept — in the folder `keepIn` under its own name when given, else in a temporary file. */
export async function download(page, selector, keepIn) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  let path = await dl.path();
  if (keepIn) {
    path = join(keepIn, dl.suggestedFilename());
    await dl.saveAs(path);
  }
  return { name: dl.suggestedFilename(), path, bytes: await readFile(path) };
}

/** The duration of the app's latest performance measure called `name` (NaN if none). */
export function measureOf(page, name) {
  return page.evaluate((n) => {
    const m = performance.getEntriesByName(n, 'measure');
    return m.length ? m[m.length - 1].duration : NaN;
  }, name);
}

/** Where screenshots go, for people to look at. */
export const SHOTS = new URL('../../test-results/', import.meta.url).pathname;

/** A SHA-256 over every record of every object store of the app's database, in key order:
 * equal before and after means nothing was changed. */
export function fingerprint(page) {
  return page.evaluate(async () => {
    const db = await new Promise((ok, fail) => {
      const r = indexedDB.open('baoxue-kongchuobaoxue');
      r.onsuccess = () => ok(r.result);
      r.onerror = () => fail(r.error);
    });
    const names = [...db.objectStoreNames].sort();
    const tx = db.transaction(names, 'readonly');
    const parts = [];
    for (const name of names) {
      const store = tx.objectStore(name);
      const [keys, values] = await Promise.all(['getAllKeys', 'getAll'].map((m) => new Promise((ok, fail) => {
        const r = store[m]();
        r.onsuccess = () => ok(r.result);
        r.onerror = () => fail(r.error);
      })));
      const plain = (v) => (v instanceof Uint8Array || v instanceof ArrayBuffer ? [...new Uint8Array(v)] : v);
      parts.push(JSON.stringify([name, keys, values.map(plain)]));
    }
    db.close();
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(parts.join('\n')));
    return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
  });
}
