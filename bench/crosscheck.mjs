// Drives the release build in headless Chromium: load the demo county of N children, then
// read and match the police roster as CSV (three times) and as xlsx, and print the app's own
// measures beside the pandas figure passed in ("seconds ledger_rows roster_rows unmatched").
import { stat } from 'node:fs/promises';
import { serveDist, launch, loadDemo, measureOf as measureOfPage } from '../tests/e2e/support.mjs';

const N = Number(process.argv[2] || 200000);
const [pandasS, ledgerRows, rosterRows, pandasUnmatched] = (process.argv[3] || 'NaN 0 0 0').split(' ');
const OUT = new URL('out/', import.meta.url).pathname;
const DIST = new URL('../dist/', import.meta.url).pathname;
const ms = (x) => `${x.toFixed(0)} ms`;

const server = await serveDist(DIST);
const b = await launch();
const p = b.page;
const measureOf = (name) => measureOfPage(p, name);

await p.goto(server.url);
await loadDemo(p, N);
await p.click('nav >> text=四查三比对');

async function run(file) {
  await p.setInputFiles('#cc-file', file);
  const before = await p.evaluate(() => performance.getEntriesByName('baoxue-cc-match', 'measure').length);
  await p.click('#cc-read');
  await p.waitForFunction((f) => document.querySelector('#cc-summary')?.textContent.startsWith(f), file.split('/').pop(), { timeout: 120_000 });
  const read = await measureOf('baoxue-cc-read');
  await p.click('#cc-run');
  await p.waitForFunction((n) => performance.getEntriesByName('baoxue-cc-match', 'measure').length > n, before, { timeout: 120_000 });
  await p.waitForSelector('#cc-result-summary');
  const match = await measureOf('baoxue-cc-match');
  const found = Number((await p.textContent('#not-in-school .value')).replace(/\D/g, ''));
  return { read, match, total: read + match, found };
}

const csvFile = `${OUT}police-${N}.csv`;
const csvRuns = [];
for (let i = 0; i < 3; i++) csvRuns.push(await run(csvFile));
const csv = csvRuns.sort((a, b) => a.total - b.total)[1];
const xlsxFile = `${OUT}police-${N}.xlsx`;
const xlsx = await run(xlsxFile);
const size = async (f) => `${((await stat(f)).size / 1e6).toFixed(1)} MB`;

console.log(`\nCross-check benchmark: ledger of ${N} children (in the browser) against the police roster of ${rosterRows} rows`);
console.log(`  CSV (GB18030, ${await size(csvFile)}), median of 3: read ${ms(csv.read)} + match ${ms(csv.match)} = ${ms(csv.total)}; registered, in no school: ${csv.found}`);
console.log(`  xlsx (${await size(xlsxFile)}): read ${ms(xlsx.read)} + match ${ms(xlsx.match)} = ${ms(xlsx.total)} (target < 3000 ms); found ${xlsx.found}`);
const pandasMs = Number(pandasS) * 1000;
console.log(`  pandas read_csv ×2 + merge, natively, median of 3: ${ms(pandasMs)} (ledger ${ledgerRows} rows; roster rows not in the ledger ${pandasUnmatched}, of any age)`);
console.log(`  ratio BaoXue CSV / pandas: ${(csv.total / pandasMs).toFixed(2)} (target ≤ 1.00)`);
await b.close();
await server.close();
