// The app in Chromium 86 (the engine of 360 Secure Browser 13 on Windows 7 office PCs), over
// http and as the one-file baoxue.html from file://: first start, the demo county, the
// ledger, a 月报 file imported, a police roster cross-checked, the charts drawn, a backup made and restored into a new
// browser — and what it looks like, in screenshots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveDist, SHOTS } from './support.mjs';
import { launch86, clickText, waitText } from './old-chromium.mjs';

let server;
before(async () => { server = await serveDist(); });
after(async () => server && (await server.close()));

const repo = new URL('../../', import.meta.url).pathname;
const PASS = '泸溪控辍2026';

/** Waits for a file to appear in `dir` (a download) and returns its path. */
async function downloaded(dir, timeout = 60_000) {
  const until = Date.now() + timeout;
  for (;;) {
    const done = (await readdir(dir)).filter((f) => !f.endsWith('.crdownload'));
    if (done.length) return join(dir, done[0]);
    if (Date.now() > until) throw new Error(`no download in ${dir}`);
    await new Promise((ok) => setTimeout(ok, 200));
  }
}

test('Chromium 86 runs the app over http: demo county, ledger, 月报 import, charts, backup and restore', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'baoxue-c86-files-'));
  const reports = join(dir, 'reports');
  execFileSync('cargo', ['run', '-q', '-p', 'baoxue-cli', '--', 'reports', '--out-dir', reports], {
    cwd: repo, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, BAOXUE_PASSPHRASE: PASS },
  });
  const police = join(dir, '公安户籍.csv');
  const plantedFile = join(dir, 'planted.txt');
  execFileSync('cargo', ['run', '-q', '-p', 'baoxue-cli', '--', 'roster', '--out', police, '--planted', plantedFile], {
    cwd: repo, stdio: ['ignore', 'ignore', 'inherit'],
  });
  const planted = (await readFile(plantedFile, 'utf8')).split('\n').filter(Boolean);
  const a = await launch86();
  let backup;
  try {
    const p = a.page;
    assert.match(a.version, /Chrome\/86\./);
    // First start.
    await p.goto(server.url);
    await p.waitForSelector('#load-demo', { timeout: 60_000 });
    assert.equal(await p.$('#baoxue-unsupported'), null, 'no "unsupported" message in Chromium 86');
    await p.screenshot({ path: SHOTS + 'c86-first-start.png', fullPage: true });
    // The demo county.
    await p.click('#load-demo');
    await p.waitForSelector('#stat-total', { timeout: 180_000 });
    assert.match(await p.$eval('#stat-total', (e) => e.textContent), /30[,，]?000/);
    await p.screenshot({ path: SHOTS + 'c86-dashboard.png', fullPage: true });
    // The ledger: a page of rows, and a search.
    await clickText(p, 'nav a', '适龄儿童台账');
    await p.waitForSelector('#children-table tbody tr');
    assert.equal(await p.$$eval('#children-table tbody tr', (r) => r.length) > 10, true);
    await p.screenshot({ path: SHOTS + 'c86-ledger.png' });
    // 月报: an encrypted school report imported (scrypt and age in this engine).
    await clickText(p, 'nav a', '月报');
    const input = await p.waitForSelector('#report-files');
    const files = (await readdir(reports)).filter((f) => f.endsWith('.baoxue'));
    assert.ok(files.length > 0, 'the CLI wrote report files');
    await input.uploadFile(join(reports, files[0]));
    await p.type('#import-passphrase', PASS);
    await p.click('#preview-import');
    await waitText(p, '#import-preview .outcome', '新报告', 120_000);
    await p.click('#apply-import');
    await waitText(p, '.notice', '已导入1份月报', 120_000);
    await p.screenshot({ path: SHOTS + 'c86-reports.png', fullPage: true });
    // 四查三比对: a GB18030 police roster read and matched.
    await clickText(p, 'nav a', '四查三比对');
    await p.waitForSelector('#cc-department');
    await p.select('#cc-department', 'police');
    await (await p.$('#cc-file')).uploadFile(police);
    await p.click('#cc-read');
    await p.waitForSelector('#cc-mapping', { timeout: 60_000 });
    await p.click('#cc-run');
    await p.waitForSelector('#cc-result-summary', { timeout: 60_000 });
    const notInSchool = await p.$eval('#not-in-school .value', (e) => Number(e.textContent.replace(/\D/g, '')));
    assert.equal(notInSchool, planted.length, 'the planted out-of-school children are found');
    await p.screenshot({ path: SHOTS + 'c86-crosscheck.png', fullPage: true });
    // 指标: the charts, drawn by plotters into SVG.
    await clickText(p, 'nav a', '指标');
    await p.waitForSelector('#indicator-charts figure.chart svg', { timeout: 60_000 });
    const charts = await p.$$eval('#indicator-charts figure.chart svg', (s) => s.length);
    assert.ok(charts >= 4, `${charts} charts`);
    const width = await p.$eval('#indicator-charts figure.chart svg', (s) => s.getBoundingClientRect().width);
    assert.ok(width > 300, `a chart ${width}px wide`);
    await p.screenshot({ path: SHOTS + 'c86-indicators.png', fullPage: true });
    // Backup to an encrypted file.
    await clickText(p, 'nav a', '设置');
    await p.waitForSelector('#backup-pass');
    await p.type('#backup-pass', PASS);
    await p.type('#backup-pass2', PASS);
    const downloads = join(dir, 'downloads');
    await mkdir(downloads);
    await p._client.send('Page.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads });
    await p.click('#make-backup');
    backup = await downloaded(downloads);
    assert.match(backup, /保学备份_\d{8}_\d{4}\.baoxue$/);
    assert.deepEqual(a.errors, []);
  } finally {
    await a.close();
  }

  // Another Chromium 86 with an empty profile restores it from the first-start page.
  const b = await launch86();
  try {
    const p = b.page;
    await p.goto(server.url);
    const file = await p.waitForSelector('#restore-file', { timeout: 60_000 });
    await file.uploadFile(backup);
    await p.type('#restore-pass', PASS);
    await p.click('#check-backup');
    await p.waitForSelector('#restore-summary', { timeout: 120_000 });
    await p.click('#apply-restore');
    await p.waitForSelector('#stat-total', { timeout: 120_000 });
    await p.reload();
    await p.waitForSelector('#stat-total', { timeout: 60_000 });
    assert.match(await p.$eval('#stat-total', (e) => e.textContent), /30[,，]?000/);
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('Chromium 86 opens the one-file baoxue.html from file:// and keeps its data over a reload', async () => {
  const c = await launch86();
  try {
    const p = c.page;
    await p.goto('file://' + join(repo, 'dist/baoxue.html'));
    await p.waitForSelector('#load-demo', { timeout: 60_000 });
    await p.click('#load-demo');
    await p.waitForSelector('#stat-total', { timeout: 180_000 });
    await p.reload();
    await p.waitForSelector('#stat-total', { timeout: 60_000 });
    await clickText(p, 'nav a', '指标');
    await p.waitForSelector('#indicator-charts figure.chart svg', { timeout: 60_000 });
    await p.screenshot({ path: SHOTS + 'c86-file-indicators.png' });
    assert.deepEqual(c.errors, []);
  } finally {
    await c.close();
  }
});

test('Chromium 86: a county set up from scratch imports its schools’ 学籍 exports', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'baoxue-c86-rolls-'));
  execFileSync('cargo', ['run', '-q', '-p', 'baoxue-cli', '--', 'rolls', '--county', '445224', '--children', '3000', '--out-dir', dir], {
    cwd: repo, stdio: ['ignore', 'ignore', 'inherit'],
  });
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
  const [a, b] = manifest.schools;
  const c = await launch86();
  try {
    const p = c.page;
    await p.goto(server.url);
    await p.waitForSelector('#setup-province', { timeout: 60_000 });
    for (const [sel, code] of [['#setup-province', '44'], ['#setup-prefecture', '4452'], ['#setup-county', '445224']]) {
      await p.waitForFunction((s, v) => [...(document.querySelector(s)?.options || [])].some((o) => o.value === v), { timeout: 60_000 }, sel, code);
      await p.select(sel, code);
    }
    await p.type('#setup-operator', '林学籍');
    await p.click('#setup-save');
    await p.waitForSelector('#stat-total', { timeout: 60_000 });
    await clickText(p, 'nav a', '适龄儿童台账');
    await p.click('#import-roll');
    const input = await p.waitForSelector('#roll-files');
    await input.uploadFile(join(dir, `${a.name}.xlsx`), join(dir, `${b.name}.csv`));
    await p.click('#roll-read');
    await p.waitForFunction(() => document.querySelectorAll('.roll-file').length === 2, { timeout: 60_000 });
    // Chromium 86 has module workers: the files are read off the page's thread there too.
    assert.equal(await p.evaluate(() => performance.getEntriesByName('baoxue-roll-read-in-worker').length), 2);
    await p.click('#roll-preview-btn');
    const summary = await waitText(p, '#roll-summary', '新学校2所');
    assert.match(summary, new RegExp(`新增${(a.children + b.children).toLocaleString('en-US')}人`), summary);
    await p.screenshot({ path: SHOTS + 'c86-roll-preview.png', fullPage: true });
    await p.click('#roll-apply');
    await waitText(p, '[role=alert]', '已导入学籍名册');
    await p.reload();
    await clickText(p, 'nav a', '适龄儿童台账');
    await p.waitForSelector('#children-table tbody tr', { timeout: 60_000 });
    const count = await p.$eval('#result-count', (e) => Number(e.textContent.replace(/\D/g, '')));
    assert.equal(count, a.children + b.children);
    assert.deepEqual(c.errors, []);
  } finally {
    await c.close();
    await rm(dir, { recursive: true, force: true });
  }
});
