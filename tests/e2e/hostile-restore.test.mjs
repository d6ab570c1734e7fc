// Hostile backups: each is refused with a Chinese message naming the problem, and every object
// store is as it was (a fingerprint of the database before and after). An installation whose
// stored data cannot be opened shows the recovery page — never the first-start set-up, never
// "正在打开本机数据……" for ever — and a restore from there brings it back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveDist, launch, loadDemo, fingerprint } from './support.mjs';

const REPO = new URL('../../', import.meta.url).pathname;
const PASS = '泸溪控辍办2026';
let server;
let dir;
before(async () => {
  server = await serveDist();
  dir = await mkdtemp(join(tmpdir(), 'baoxue-hostile-'));
});
after(async () => {
  if (server) await server.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A bundle with its payload changed and its hash made right again, as an attacker would. */
function rehashed(bundle, change, envelopeChange = () => {}) {
  const payload = structuredClone(bundle.payload);
  change(payload);
  const text = JSON.stringify(payload);
  const envelope = { ...bundle.envelope, content_sha256: createHash('sha256').update(text).digest('hex') };
  envelopeChange(envelope);
  return `{"envelope":${JSON.stringify(envelope)},"payload":${text}}`;
}

async function tryRestore(p, file, pass = '') {
  await p.setInputFiles('#restore-file', file);
  await p.fill('#restore-pass', pass);
  await p.click('#check-backup');
  await p.waitForSelector('#restore-error, #restore-summary', { timeout: 30_000 });
  return (await p.textContent('#restore-error')) ?? '';
}

test('hostile backups are refused whole, with where and why in Chinese, and change nothing', async () => {
  const b = await launch();
  const p = b.page;
  try {
    await p.goto(server.url);
    await loadDemo(p);
    await p.click('nav >> text=设置');
    await p.fill('#backup-pass', PASS);
    await p.fill('#backup-pass2', PASS);
    const [dl] = await Promise.all([p.waitForEvent('download', { timeout: 60_000 }), p.click('#make-backup')]);
    const sealed = join(dir, 'good.baoxue');
    await dl.saveAs(sealed);
    const plain = join(dir, 'good.json');
    execFileSync('cargo', ['run', '-q', '-p', 'baoxue-cli', '--', 'decrypt', sealed, '--out', plain], {
      cwd: REPO, env: { ...process.env, BAOXUE_PASSPHRASE: PASS }, stdio: ['ignore', 'ignore', 'inherit'],
    });
    const good = JSON.parse(await readFile(plain, 'utf8'));
    const code = good.payload.schools.find((s) => s.code).code;
    const cases = [
      ['watch-days', rehashed(good, (x) => { x.settings.watch_days = 4294967295; }), /“复学观察期天数”为4294967295，应在1到730之间/],
      ['deadline-day', rehashed(good, (x) => { x.settings.report_deadline_day = 100000000; }), /“月报截止日”为100000000/],
      ['school-code-twice', rehashed(good, (x) => { x.schools.filter((s) => s.code !== code)[0].code = code; }), new RegExp(`学校标识码${code}与`)],
      ['id-twice', rehashed(good, (x) => { x.children[1].id_number = x.children[0].id_number; }), /第2名儿童.*身份证件号与第1名儿童相同/],
      ['long-name', rehashed(good, (x) => { x.children[5].name = '<img src=x onerror=alert(1)>'.repeat(40000); }), /第6名儿童“<img src=x onerror=a…”：姓名为空，或儿童、监护人姓名超过50字/],
      ['version-0', rehashed(good, () => {}, (e) => { e.format_version = 0; }), /数据包格式版本0不是保学写过的版本/],
      ['not-a-backup', rehashed(good, () => {}, (e) => { e.kind = 'monthly-report'; }), /这是“monthly-report”数据包，此处需要“backup”/],
      ['cut', JSON.stringify(good).slice(0, 5000), /文件不完整/],
    ];
    const before = await fingerprint(p);
    for (const [name, text, expected] of cases) {
      const file = join(dir, `${name}.json`);
      await writeFile(file, text);
      const message = await tryRestore(p, file);
      assert.match(message, expected, name);
      assert.equal(await p.$('#restore-summary'), null, `${name}: nothing offered to restore`);
    }
    // An age file asking for 2^21 scrypt work: refused at once, nothing derived.
    const bytes = await readFile(sealed);
    const header = bytes.subarray(0, 200).toString('latin1');
    const stanza = header.split('\n')[1];
    const heavy = Buffer.from(header.replace(stanza, stanza.replace(/ \d+$/, ' 21')), 'latin1');
    const heavyFile = join(dir, 'work-factor-21.baoxue');
    await writeFile(heavyFile, Buffer.concat([heavy, bytes.subarray(200)]));
    const t0 = Date.now();
    assert.match(await tryRestore(p, heavyFile, PASS), /加密强度为2\^21，超过保学写入的上限2\^18/);
    assert.ok(Date.now() - t0 < 5000, 'refused without deriving a key');
    assert.equal(await fingerprint(p), before, 'every object store as it was');
    await p.goto(server.url);
    await p.waitForSelector('#stat-total');
    assert.equal(await p.textContent('#stat-total .value'), '30,000');
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});

test('stored settings no county means are put back on opening; data that cannot be read opens the recovery page', async () => {
  const b = await launch();
  const p = b.page;
  try {
    await p.goto(server.url);
    await loadDemo(p);
    await p.click('nav >> text=设置');
    await p.fill('#backup-pass', PASS);
    await p.fill('#backup-pass2', PASS);
    const [dl] = await Promise.all([p.waitForEvent('download', { timeout: 60_000 }), p.click('#make-backup')]);
    const sealed = join(dir, 'second.baoxue');
    await dl.saveAs(sealed);
    await p.click('nav >> text=工作台');
    await p.waitForSelector('#stat-total');

    // What an earlier version's restore could leave behind: the app used to panic on it at
    // every start and stay on "正在打开本机数据……".
    const poke = (key, value) => p.evaluate(async ([k, v]) => {
      const db = await new Promise((ok) => { const r = indexedDB.open('baoxue-kongchuobaoxue'); r.onsuccess = () => ok(r.result); });
      const tx = db.transaction('meta', 'readwrite');
      const store = tx.objectStore('meta');
      const old = await new Promise((ok) => { const r = store.get(k); r.onsuccess = () => ok(r.result); });
      store.put(typeof v === 'function' ? v(old) : v, k);
      await new Promise((ok) => { tx.oncomplete = ok; });
      db.close();
    }, [key, value]);
    const settings = await p.evaluate(async () => {
      const db = await new Promise((ok) => { const r = indexedDB.open('baoxue-kongchuobaoxue'); r.onsuccess = () => ok(r.result); });
      const v = await new Promise((ok) => { const r = db.transaction('meta').objectStore('meta').get('settings'); r.onsuccess = () => ok(r.result); });
      db.close();
      return v;
    });
    const hostile = JSON.parse(settings);
    hostile.watch_days = 4294967295;
    await poke('settings', JSON.stringify(hostile));
    await p.reload();
    await p.waitForSelector('#stat-total', { timeout: 30_000 });
    assert.match(await p.textContent('[role=alert]'), /已改回默认值.*“复学观察期天数”为4294967295/);
    await p.click('nav >> text=设置');
    assert.equal(await p.inputValue('#set-watch'), '90');
    await p.click('nav >> text=工作台');
    await p.waitForSelector('#stat-total');

    // A record that cannot be read at all.
    await poke('installation', '{"level": 12');
    await p.reload();
    await p.waitForSelector('#recovery', { timeout: 30_000 });
    assert.match(await p.textContent("#recovery-why"), /读取本机数据时出错：浏览器中的数据已损坏（单位设置）：JSON格式有误/);
    assert.equal(await p.$('#setup-level'), null, 'not the first-start set-up');
    await p.screenshot({ path: new URL('../../test-results/recovery.png', import.meta.url).pathname, fullPage: true });
    // The raw records can be saved, encrypted.
    await p.fill('#raw-pass', PASS);
    const [raw] = await Promise.all([p.waitForEvent('download', { timeout: 60_000 }), p.click('#raw-export-btn')]);
    const rawFile = join(dir, raw.suggestedFilename());
    await raw.saveAs(rawFile);
    assert.match(raw.suggestedFilename(), /^保学原始数据_\d{8}_\d{4}\.baoxue$/);
    assert.equal((await readFile(rawFile)).subarray(0, 21).toString('latin1'), 'age-encryption.org/v1');
    // And the backup brings the installation back.
    await p.setInputFiles('#restore-file', sealed);
    await p.fill('#restore-pass', PASS);
    await p.click('#check-backup');
    await p.waitForSelector('#restore-summary', { timeout: 60_000 });
    await p.click('#apply-restore');
    await p.waitForSelector('#stat-total', { timeout: 60_000 }).catch(async (e) => {
      throw new Error(`${await p.textContent('main')}\n${b.errors.join('\n')}\n${e}`);
    });
    assert.equal(await p.textContent('#stat-total .value'), '30,000');
    await p.reload();
    await p.waitForSelector('#stat-total');
    assert.deepEqual(b.errors.filter((e) => !/单位设置/.test(e)), []);
  } finally {
    await b.close();
  }
});
