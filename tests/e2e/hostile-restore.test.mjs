// Hostile backups: each is refused with a Chinese message naming the problem, and every object
// store is as it was (a fingerprint of the database before and after). An installation whose
// stored data cannot be opened shows the recovery page — never the first-start set-up, never
// "正在打开本机数据……" for ever — and a restore from there brings it back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveDist, launch, loadDemo, fingerprint } from './support.mjs';
import { rehashed, withStanza, hostileSamples, saysInChinese } from './hostile-files.mjs';

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

/** 设置 → 生成备份文件 with PASS, saved as `name` in the test's folder; returns its path. */
async function makeBackup(p, name) {
  await p.click('nav >> text=设置');
  await p.fill('#backup-pass', PASS);
  await p.fill('#backup-pass2', PASS);
  const [dl] = await Promise.all([p.waitForEvent('download', { timeout: 60_000 }), p.click('#make-backup')]);
  const file = join(dir, name);
  await dl.saveAs(file);
  return file;
}

/** For each wait: a new profile with the demo county, `act(page)` up to a click that writes,
 * the browser closed `wait` ms later and the same profile opened again; `judge(page, before,
 * wait)` checks what it finds against the fingerprint from before and says 'before' or 'after'. */
async function closedMidway(waits, act, judge) {
  const outcomes = [];
  for (const wait of waits) {
    const profile = await mkdtemp(join(tmpdir(), 'baoxue-killed-'));
    try {
      let b = await launch({ profile });
      let p = b.page;
      await p.goto(server.url);
      await loadDemo(p);
      const before = await fingerprint(p);
      await act(p);
      await p.waitForTimeout(wait);
      await b.context.close();
      // The same PC, opened again.
      b = await launch({ profile });
      p = b.page;
      await p.goto(server.url);
      await p.waitForSelector('#stat-total', { timeout: 60_000 });
      assert.equal(await p.textContent('#stat-total .value'), '30,000', `closed after ${wait} ms: every child there`);
      outcomes.push(await judge(p, before, wait));
      assert.deepEqual(b.errors, []);
      await b.close();
    } finally {
      await rm(profile, { recursive: true, force: true });
    }
  }
  return outcomes;
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
    const sealed = await makeBackup(p, 'good.baoxue');
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
    const heavyFile = join(dir, 'work-factor-21.baoxue');
    await writeFile(heavyFile, withStanza(bytes, (salt) => `-> scrypt ${salt} 21`));
    const t0 = Date.now();
    assert.match(await tryRestore(p, heavyFile, PASS), /加密强度为2\^21，超过保学写入的上限2\^18/);
    assert.ok(Date.now() - t0 < 5000, 'refused without deriving a key');
    // A sample of each category of the CLI's hostile corpus.
    const samples = hostileSamples(await readFile(plain, 'utf8'), bytes);
    const slow = [];
    for (const [category, name, content] of samples) {
      const file = join(dir, `${name}.baoxue`);
      await writeFile(file, content);
      const t = Date.now();
      const message = await tryRestore(p, file, category === 'age' || name.endsWith('sealed') ? PASS : '');
      slow.push([name, Date.now() - t]);
      assert.ok(saysInChinese(message), `${name}: refused in Chinese (${message})`);
      assert.equal(await p.$('#restore-summary'), null, `${name}: nothing offered to restore`);
    }
    console.error(`hostile backups: ${slow.map(([n, ms]) => `${n} ${ms} ms`).join(', ')}`);
    for (const [name, ms] of slow) assert.ok(ms < 5000, `${name}: refused within 5 s`);
    // Decryption runs off the page and can be cancelled midway: nothing offered, nothing changed.
    await p.setInputFiles('#restore-file', sealed);
    await p.fill('#restore-pass', PASS);
    await p.evaluate(async () => {
      document.querySelector('#check-backup').click();
      await new Promise((ok) => setTimeout(ok, 30));
      document.querySelector('#cancel-check').click();
    });
    await p.waitForSelector('#restore-error');
    assert.match(await p.textContent('#restore-error'), /已取消，未作任何更改/);
    assert.equal(await p.$('#restore-summary'), null);
    // And the same file, not cancelled, is read (by a new worker).
    await p.click('#check-backup');
    await p.waitForSelector('#restore-summary', { timeout: 60_000 });
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
    const sealed = await makeBackup(p, 'second.baoxue');
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

test('hostile monthly reports are each refused by name in the county’s preview, and nothing lands', async () => {
  const plainDir = join(dir, 'reports-plain');
  const sealedDir = join(dir, 'reports-sealed');
  for (const [out, env] of [[plainDir, {}], [sealedDir, { BAOXUE_PASSPHRASE: PASS }]]) {
    execFileSync('cargo', ['run', '-q', '-p', 'baoxue-cli', '--', 'reports', '--out-dir', out], {
      cwd: REPO, env: { ...process.env, BAOXUE_PASSPHRASE: '', ...env }, stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  const { readdir } = await import('node:fs/promises');
  const plainFile = join(plainDir, (await readdir(plainDir)).sort()[0]);
  const sealedFile = join(sealedDir, (await readdir(sealedDir)).sort()[0]);
  const good = JSON.parse(await readFile(plainFile, 'utf8'));
  const cases = [
    ['version-max', rehashed(good, (x) => { x.version = 4294967295; }), /月报版本号4294967295不合理/],
    ['version-0', rehashed(good, () => {}, (e) => { e.format_version = 0; }), /数据包格式版本0不是保学写过的版本/],
    ['huge-count', rehashed(good, (x) => { x.counts[0].count = 209715200; }), /payload\.counts\[0\]\.count为209715200/],
    ['period-13', rehashed(good, (x) => { x.period = '2026-13'; }, (e) => { e.period = '2026-13'; }), /不是“年-月”/],
    ['unknown-school', rehashed(good, (x) => {
      x.school.code = '4331229999'; x.school.name = '不存在的学校';
    }, (e) => { e.from_unit.code = '4331229999'; e.from_unit.name = '不存在的学校'; }), /“不存在的学校”（学校标识码4331229999）不在本县学校名单中，未导入/],
    ['from-county', rehashed(good, () => {}, (e) => { e.from_unit.level = 'county'; }), /月报应由学校报送/],
    ['cut', JSON.stringify(good).slice(0, 300), /文件不完整/],
    ['png', '\x89PNG\r\n\x1a\n', /不是保学数据包/],
  ];
  const files = [];
  for (const [name, text, expected] of cases) {
    const file = join(dir, `report-${name}.baoxue`);
    await writeFile(file, text);
    files.push([file, expected]);
  }
  for (const [, name, content] of hostileSamples(await readFile(plainFile, 'utf8'), await readFile(sealedFile))) {
    const file = join(dir, `report-${name}.baoxue`);
    await writeFile(file, content);
    files.push([file, /[\u4e00-\u9fff]{4}/]);
  }
  const sealed = await readFile(sealedFile);
  const heavy = join(dir, 'report-work-factor-21.baoxue');
  await writeFile(heavy, withStanza(sealed, (salt) => `-> scrypt ${salt} 21`));
  files.push([heavy, /加密强度为2\^21，超过保学写入的上限2\^18/]);

  const b = await launch();
  const p = b.page;
  try {
    await p.goto(server.url);
    await loadDemo(p);
    await p.click('nav >> text=月报');
    const before = await fingerprint(p);
    // An encrypted report is opened in the page's worker; 取消 stops the whole preview.
    await p.setInputFiles('#report-files', [sealedFile, ...files.map(([f]) => f)]);
    await p.fill('#import-passphrase', PASS);
    await p.evaluate(async () => {
      document.querySelector('#preview-import').click();
      // 取消 shows once the files are read and the first one is being decrypted.
      for (let i = 0; i < 500 && !document.querySelector('#cancel-import'); i += 1) {
        await new Promise((ok) => setTimeout(ok, 10));
      }
      document.querySelector('#cancel-import').click();
    });
    await p.waitForSelector('#report-import .errors >> text=已取消预览，未作任何更改');
    assert.equal(await p.$('#import-preview'), null);
    await p.setInputFiles('#report-files', files.map(([f]) => f));
    await p.fill('#import-passphrase', PASS);
    const t0 = Date.now();
    await p.click('#preview-import');
    await p.waitForFunction((n) => document.querySelectorAll('#import-preview tbody tr').length === n, files.length, { timeout: 30_000 });
    assert.ok(Date.now() - t0 < 15_000, 'no file keeps the page busy');
    const rows = await p.$$eval('#import-preview tbody tr', (r) => r.map((x) => [x.className, x.textContent]));
    for (const [file, expected] of files) {
      const name = file.split('/').pop();
      const row = rows.find(([, t]) => t.includes(name));
      assert.ok(row, `${name} listed`);
      assert.match(row[0], /bad/, `${name} refused`);
      assert.match(row[1], expected, name);
    }
    if (await p.isEnabled('#apply-import')) await p.click('#apply-import');
    await p.waitForTimeout(500);
    assert.equal(await fingerprint(p), before, 'every object store as it was');
    await p.screenshot({ path: new URL('../../test-results/hostile-reports.png', import.meta.url).pathname, fullPage: true });
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});

test('a browser closed in the middle of a restore opens with the data exactly as before or as after', async () => {
  // The backup: the demo county with one mark that tells it apart.
  const a = await launch();
  const backupFile = join(dir, 'marked.baoxue');
  try {
    const p = a.page;
    await p.goto(server.url);
    await loadDemo(p);
    await p.click('nav >> text=设置');
    await p.fill('#set-prefix', '恢复标记');
    await p.click('#save-settings');
    await p.waitForFunction(() => !document.querySelector('.errors'));
    await makeBackup(p, 'marked.baoxue');
  } finally {
    await a.close();
  }
  const outcomes = await closedMidway([50, 300, 900, 2000], async (p) => {
    await p.click('nav >> text=设置');
    await p.setInputFiles('#restore-file', backupFile);
    await p.fill('#restore-pass', PASS);
    await p.click('#check-backup');
    await p.waitForSelector('#restore-summary', { timeout: 60_000 });
    await p.click('#apply-restore');
  }, async (p, before, wait) => {
    const now = await fingerprint(p);
    await p.click('nav >> text=设置');
    if (now === before) return 'before';
    assert.equal(await p.inputValue('#set-prefix'), '恢复标记', `closed after ${wait} ms: changed, so it must be the backup whole`);
    return 'after';
  });
  console.error(`closed mid-restore: ${outcomes.join(', ')}`);
});

test('a report taken by mistake is withdrawn by a person, and the school’s real one lands again', async () => {
  const out = join(dir, 'reports-withdraw');
  execFileSync('cargo', ['run', '-q', '-p', 'baoxue-cli', '--', 'reports', '--out-dir', out], {
    cwd: REPO, env: { ...process.env, BAOXUE_PASSPHRASE: '' }, stdio: ['ignore', 'ignore', 'inherit'],
  });
  const { readdir } = await import('node:fs/promises');
  const real = join(out, (await readdir(out)).sort()[0]);
  const good = JSON.parse(await readFile(real, 'utf8'));
  const wrong = join(dir, 'version-6.baoxue');
  await writeFile(wrong, rehashed(good, (x) => { x.version = 6; x.filled_by = '冒名者'; }));
  const b = await launch();
  const p = b.page;
  try {
    await p.goto(server.url);
    await loadDemo(p);
    await p.click('nav >> text=月报');
    await p.setInputFiles('#report-files', wrong);
    await p.click('#preview-import');
    await p.waitForSelector('#apply-import');
    await p.click('#apply-import');
    await p.waitForSelector('.notice >> text=已导入1份月报');
    const row = `#completeness-table tr:has-text("${good.payload.school.name}")`;
    assert.match(await p.textContent(`${row} .state`), /已报第6版/);
    // The real first version is now "older" and ignored — until a person withdraws the wrong one.
    await p.setInputFiles('#report-files', real);
    await p.click('#preview-import');
    await p.waitForSelector('#import-preview .outcome >> text=/旧/');
    await p.click(`${row} .open-review`);
    await p.waitForSelector('#withdraw-report');
    let asked = '';
    p.removeAllListeners('dialog');
    p.once('dialog', (d) => { asked = d.message(); d.accept(); });
    await p.click('#withdraw-report');
    await p.waitForSelector('.notice >> text=已撤回');
    assert.match(asked, /撤回.*第6版/);
    assert.match(await p.textContent(`${row} .state`), /未报/);
    await p.reload();
    await p.waitForSelector(row);
    assert.match(await p.textContent(`${row} .state`), /未报/, 'withdrawn for good');
    await p.setInputFiles('#report-files', real);
    await p.click('#preview-import');
    await p.waitForSelector('#apply-import');
    await p.click('#apply-import');
    await p.waitForSelector('.notice >> text=已导入1份月报');
    assert.match(await p.textContent(`${row} .state`), /已报第1版/);
    // 最近操作 names it.
    await p.click('nav >> text=工作台');
    await p.waitForSelector('text=/撤回.*月报第6版/');
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});

test('a browser closed in the middle of importing 150 reports opens with all of them or none', async () => {
  // 150 reports of the demo county's 32 schools over five months, made by `baoxue reports`.
  const { readdir } = await import('node:fs/promises');
  const files = [];
  for (const month of ['2026-07', '2026-08', '2026-09', '2026-10', '2026-11']) {
    const out = join(dir, `reports-150-${month}`);
    execFileSync('cargo', ['run', '-q', '-p', 'baoxue-cli', '--', 'reports', '--month', month, '--out-dir', out], {
      cwd: REPO, env: { ...process.env, BAOXUE_PASSPHRASE: '' }, stdio: ['ignore', 'ignore', 'inherit'],
    });
    files.push(...(await readdir(out)).sort().map((f) => join(out, f)));
  }
  files.length = 150;
  const received = (p) => p.evaluate(async () => {
    const db = await new Promise((ok) => { const r = indexedDB.open('baoxue-kongchuobaoxue'); r.onsuccess = () => ok(r.result); });
    const keys = await new Promise((ok) => { const r = db.transaction('casework').objectStore('casework').getAllKeys(); r.onsuccess = () => ok(r.result); });
    db.close();
    return keys.filter((k) => String(k).startsWith('report-in/')).length;
  });
  const outcomes = await closedMidway([0, 40, 150, 600], async (p) => {
    await p.click('nav >> text=月报');
    await p.setInputFiles('#report-files', files);
    await p.click('#preview-import');
    await p.waitForFunction(() => document.querySelectorAll('#import-preview tbody tr').length === 150, null, { timeout: 120_000 });
    await p.waitForSelector('#apply-import:enabled');
    await p.click('#apply-import');
  }, async (p, before, wait) => {
    const n = await received(p);
    if (n === 0) {
      assert.equal(await fingerprint(p), before, `closed after ${wait} ms: nothing landed, so nothing changed`);
      return 'before';
    }
    assert.equal(n, 150, `closed after ${wait} ms: the import landed whole`);
    await p.click('nav >> text=月报');
    await p.waitForSelector('#completeness-table');
    return 'after';
  });
  console.error(`closed mid-import of 150 reports: ${outcomes.join(', ')}`);
});
