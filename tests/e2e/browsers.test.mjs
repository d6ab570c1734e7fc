// A browser that cannot run the app gets a message in Chinese saying what to do, never a
// blank page: Internet Explorer (360's 兼容模式), Chromium before 86, and a start that fails.
// The old engines are played by today's Chromium with their user agent; Chromium 86 itself
// runs the app in chromium86.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveDist, launch, SHOTS } from './support.mjs';

let server;
before(async () => { server = await serveDist(); });
after(async () => server && (await server.close()));

const IE11 = 'Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko';
const CHROME80 = 'Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/80.0.3987.163 Safari/537.36 QIHU 360SE';

for (const [name, ua, why] of [['IE 11 (360 兼容模式)', IE11, /IE 内核/], ['Chromium 80', CHROME80, /Chromium 内核版本 80（需要 86 或更新）/]]) {
  test(`${name}: the page says what is wrong and how to switch, and the app does not start`, async () => {
    const b = await launch({ userAgent: ua });
    try {
      const p = b.page;
      await p.goto(server.url);
      await p.waitForSelector('#baoxue-unsupported');
      const text = await p.textContent('#baoxue-unsupported');
      assert.match(text, /保学无法在当前浏览器中运行/);
      assert.match(text, why);
      assert.match(text, /极速模式/);
      assert.match(text, /360 安全浏览器 13/);
      await p.waitForTimeout(1500);
      assert.equal(await p.$('#load-demo'), null, 'the app did not mount');
      await p.screenshot({ path: SHOTS + `unsupported-${name.split(' ')[0]}.png` });
      // The one-file build says the same.
      await p.goto('file://' + new URL('../../dist/baoxue.html', import.meta.url).pathname);
      await p.waitForSelector('#baoxue-unsupported');
      assert.match(await p.textContent('#baoxue-unsupported'), why);
    } finally {
      await b.close();
    }
  });
}

test('a wasm the engine refuses: a message, not a blank page', async () => {
  const dist = new URL('../../dist/', import.meta.url).pathname;
  const wasm = readdirSync(dist).find((f) => /_bg\.wasm$/.test(f));
  const bad = join(mkdtempSync(join(tmpdir(), 'baoxue-badwasm-')), 'bad.wasm');
  writeFileSync(bad, Buffer.from('not a wasm module at all'));
  const broken = await serveDist(undefined, { [wasm]: bad });
  const b = await launch();
  try {
    const p = b.page;
    await p.goto(broken.url);
    await p.waitForSelector('#baoxue-unsupported', { timeout: 30_000 });
    const text = await p.textContent('#baoxue-unsupported');
    assert.match(text, /启动失败/);
    assert.match(text, /极速模式/);
  } finally {
    await b.close();
    await broken.close();
  }
});

test('in today\'s Chromium there is no message and the app starts', async () => {
  const b = await launch();
  try {
    const p = b.page;
    await p.goto(server.url);
    await p.waitForSelector('#load-demo');
    assert.equal(await p.$('#baoxue-unsupported'), null);
  } finally {
    await b.close();
  }
});
