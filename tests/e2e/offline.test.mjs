// Offline and portable: the one-file build opens from a file:// URL with its data kept across
// reloads, and the served app keeps working with the network off after the first visit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, SHOTS, loadDemo } from './support.mjs';

const DIST = new URL('../../dist/', import.meta.url).pathname;
let server;
before(async () => { server = await serveDist(); });
after(async () => server && (await server.close()));

test('baoxue.html runs from a file:// URL: set-up lists, demo county, data kept after reload', async () => {
  const b = await launch();
  const p = b.page;
  try {
    await p.goto(`file://${DIST}baoxue.html`);
    await p.waitForSelector('#setup-province');
    // The division table comes from inside the file.
    await p.waitForFunction(() => [...document.querySelectorAll('#setup-province option')].some((o) => o.textContent === '湖南省'));
    await loadDemo(p);
    assert.equal(await p.textContent('#stat-total .value'), '30,000');
    await p.reload();
    await p.waitForSelector('#stat-total');
    assert.equal(await p.textContent('#stat-total .value'), '30,000');
    await p.click('nav >> text=适龄儿童台账');
    await p.waitForSelector('#children-table tbody tr');
    assert.match(p.url(), /^file:.*#\/children$/);
    await p.screenshot({ path: SHOTS + 'e2e-file-url.png' });
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});

test('after the first visit the app opens and works with the network off', async () => {
  const b = await launch();
  const p = b.page;
  try {
    await p.goto(server.url);
    await p.waitForSelector('#setup-province');
    await p.evaluate(async () => { await navigator.serviceWorker.ready; });
    await p.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await loadDemo(p);

    await b.context.setOffline(true);
    await p.reload();
    await p.waitForSelector('#stat-total', { timeout: 30_000 });
    assert.equal(await p.textContent('#stat-total .value'), '30,000');
    // Work goes on offline: open the ledger and a child.
    await p.click('nav >> text=适龄儿童台账');
    await p.click('#children-table tbody tr:first-child a');
    await p.waitForSelector('#child-name');
    await b.context.setOffline(false);

    // A new version announces itself on the next visit.
    await p.evaluate(() => localStorage.setItem('baoxue.version', 'older'));
    await p.reload();
    await p.waitForSelector('.sw-banner');
    assert.match(await p.textContent('.sw-banner'), /已更新到新版本/);
    assert.deepEqual(b.errors.filter((e) => !/net::ERR_INTERNET_DISCONNECTED/.test(e)), []);
  } finally {
    await b.close();
  }
});
