// Drives the release build: load the demo county of N children, import every school's
// monthly report at once (dry run, then apply), and a few encrypted ones; prints the app's
// own measures and the longest main-thread task (PerformanceObserver "longtask").
import { readdir } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { serveDist, launch, loadDemo, measureOf as measureOfPage } from '../tests/e2e/support.mjs';

const N = Number(process.argv[2] || 200000);
const OUT = new URL('out/', import.meta.url).pathname;
const DIST = new URL('../dist/', import.meta.url).pathname;
const ms = (x) => `${x.toFixed(0)} ms`;
const row = (what, value, target = '') => console.log(`${what.padEnd(70)} ${value.padStart(10)}  ${target}`);

const server = await serveDist(DIST);
const b = await launch();
const p = b.page;
const measureOf = (name) => measureOfPage(p, name);

await p.goto(server.url);
await loadDemo(p, N);
await p.click('nav >> text=月报');
await p.waitForSelector('#report-files');
// Two views of a frozen page: the longest task the browser reports, and the longest gap
// between two animation frames.
await p.evaluate(() => {
  window.__longest = 0;
  window.__gap = 0;
  new PerformanceObserver((l) => {
    for (const e of l.getEntries()) window.__longest = Math.max(window.__longest, e.duration);
  }).observe({ type: 'longtask' });
  let last = performance.now();
  const tick = (t) => { window.__gap = Math.max(window.__gap, t - last); last = t; requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
});

async function importAll(dir, passphrase, limit = Infinity) {
  const files = (await readdir(dir)).sort().slice(0, limit).map((f) => dir + '/' + f);
  await p.setInputFiles('#report-files', files);
  await p.fill('#import-passphrase', passphrase);
  await p.evaluate(() => { window.__longest = 0; window.__gap = 0; });
  const t0 = Date.now();
  await p.click('#preview-import');
  await p.waitForFunction((n) => document.querySelectorAll('#import-preview tbody tr').length === n, files.length, { timeout: 900_000 });
  const wall = Date.now() - t0;
  const dry = await measureOf('baoxue-import');
  const [longest, gap] = await p.evaluate(() => [window.__longest, window.__gap]);
  return { n: files.length, wall, dry, longest, gap };
}

const dir = `${OUT}reports-${N}`;
const plain = await importAll(dir, '');
const t1 = Date.now();
await p.click('#apply-import');
await p.waitForSelector('.notice >> text=已导入', { timeout: 120_000 });
const applyWall = Date.now() - t1;
const save = await measureOf('baoxue-import-save');
const [longestApply, gapApply] = await p.evaluate(() => [window.__longest, window.__gap]);
const summary = await p.textContent('#completeness-summary');

console.log(`BaoXue benchmark — monthly reports of a ${N.toLocaleString('en-US')}-child county, headless Chromium, ${new Date().toISOString()}`);
row(`dry run of ${plain.n} school reports (read, check, plan; click → table)`, ms(plain.wall), '');
row('  of which the import loop (measure baoxue-import)', ms(plain.dry), '');
row('apply: all reports in one IndexedDB transaction (click → notice)', ms(applyWall), '');
row('  of which the write (measure baoxue-import-save)', ms(save), '');
row('total, choose files → imported', ms(plain.wall + applyWall), '< 10000 ms');
row('longest main-thread task during the whole import (longtask)', ms(Math.max(plain.longest, longestApply)), '< 200 ms');
row('longest gap between two frames during the whole import', ms(Math.max(plain.gap, gapApply)), '< 200 ms');
row('completeness afterwards', summary.trim(), '');

// The case: 150 school bundles, encrypted as schools send them (a fresh county, so
// that each is new and the apply writes them all).
await p.click('nav >> text=设置');
await loadDemo(p, N);
await p.click('nav >> text=月报');
const enc = await importAll(`${OUT}reports-${N}-encrypted`, 'bench-passphrase', 150);
const t2 = Date.now();
await p.click('#apply-import');
await p.waitForSelector('.notice >> text=已导入150份月报', { timeout: 120_000 });
const encApply = Date.now() - t2;
const [encLongest, encGap] = await p.evaluate(() => [window.__longest, window.__gap]);
row(`${enc.n} encrypted school reports (age, scrypt 2^14): dry run`, ms(enc.wall), '');
row('  per file', ms(enc.wall / enc.n), '');
row('  apply', ms(encApply), '');
row('  total, choose files → imported', ms(enc.wall + encApply), '< 10000 ms');
row('  longest main-thread task / frame gap', `${ms(Math.max(enc.longest, encLongest))} / ${ms(Math.max(enc.gap, encGap))}`, '< 200 ms');

// The same 150, sealed to the county's own key (age X25519) as schools set up from its file
// send them: no passphrase, no scrypt. A fresh county again, whose key the reports are made for.
await p.click('nav >> text=设置');
await loadDemo(p, N);
await p.click('nav >> text=设置');
await p.click('#export-office-key');
await p.waitForFunction(() => /^age1/.test(document.querySelector('#office-public-key')?.textContent || ''));
const countyKey = (await p.textContent('#office-public-key')).trim();
const sealedDir = `${OUT}reports-${N}-sealed`;
execFileSync('./target/release/baoxue', ['reports', '--children', String(N), '--out-dir', sealedDir], {
  env: { ...process.env, BAOXUE_SEAL_TO: countyKey }, stdio: ['ignore', 'ignore', 'inherit'],
});
await p.click('nav >> text=月报');
const sealed = await importAll(sealedDir, '', 150);
const t3 = Date.now();
await p.click('#apply-import');
await p.waitForSelector('.notice >> text=已导入150份月报', { timeout: 120_000 });
const sealedApply = Date.now() - t3;
const [sealedLongest, sealedGap] = await p.evaluate(() => [window.__longest, window.__gap]);
row(`${sealed.n} school reports sealed to the county's key (age X25519): dry run`, ms(sealed.wall), '');
row('  per file', ms(sealed.wall / sealed.n), '');
row('  apply, with what lands in the ledgers', ms(sealedApply), '');
row('  total, choose files → imported', ms(sealed.wall + sealedApply), '< 3000 ms');
row('  longest main-thread task / frame gap', `${ms(Math.max(sealed.longest, sealedLongest))} / ${ms(Math.max(sealed.gap, sealedGap))}`, '< 200 ms');

await b.close();
await server.close();
