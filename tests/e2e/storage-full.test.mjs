// A full disk: the browser refuses to store, the app says so in plain words, and what was
// stored before is still there, unchanged.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, SHOTS } from './support.mjs';

let server;
before(async () => { server = await serveDist(); });
after(async () => server && (await server.close()));

test('when the browser\'s storage is full, saving says so and the data stays as it was', async () => {
  const b = await launch();
  const p = b.page;
  try {
    await p.goto(server.url);
    await p.waitForSelector('#setup-level');
    for (const [sel, label] of [['#setup-province', '湖南省'], ['#setup-prefecture', '湘西土家族苗族自治州'], ['#setup-county', '泸溪县']]) {
      await p.waitForFunction(([s, t]) => [...(document.querySelector(s)?.options || [])].some((o) => o.textContent.trim() === t), [sel, label]);
      await p.selectOption(sel, { label });
    }
    await p.fill('#setup-operator', '张晓明');
    await p.click('#setup-save');
    await p.waitForSelector('#stat-total');
    // The disk fills up: from now on the browser refuses every write with the error a full
    // disk gives (QuotaExceededError). Chromium's quota override does not reliably reach an
    // open database, so the refusal is made where IndexedDB raises it.
    await p.evaluate(() => {
      const put = IDBObjectStore.prototype.put;
      IDBObjectStore.prototype.put = function (...args) {
        if (window.__diskFull) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        return put.apply(this, args);
      };
      window.__diskFull = true;
    });
    await p.click('nav >> text=设置');
    await p.click('#load-demo');
    const alert = await p.waitForSelector('.notice.error, [role=alert]', { timeout: 120_000 });
    assert.match(await alert.textContent(), /存储空间已满/);
    await p.screenshot({ path: SHOTS + 'storage-full.png' });
    // Nothing of the demo county was written: after a reload (with room again) it is still the
    // empty county set up by hand, with its operator.
    await p.reload();
    await p.click('nav >> text=工作台');
    await p.waitForSelector('#stat-total');
    assert.equal((await p.textContent('#stat-total .value')).trim(), '0');
    assert.match(await p.textContent('header'), /张晓明/);
    assert.doesNotMatch(await p.textContent('header'), /演示数据/);
  } finally {
    await b.close();
  }
});
