// The 学籍 import at county scale: a county set up from scratch (泸溪县) imports one file of
// N students, once as xlsx (rust_xlsxwriter) and once as GB18030 CSV, each in a new browser
// profile. Prints: choosing the file → dry-run summary, apply, and the longest gap between
// frames while working. The worker reads while the page compares the rows that came, so
// reading and comparing overlap. Asserts nothing.
import { serveDist, launch, measureOf } from '../tests/e2e/support.mjs';

const N = Number(process.argv[2] || 200000);
const DIST = new URL('../dist/', import.meta.url).pathname;
const OUT = new URL('out/', import.meta.url).pathname;
const ms = (x) => `${Number(x).toFixed(0)} ms`;
const server = await serveDist(DIST);

async function choose(page, selector, label) {
  await page.waitForFunction(
    ([sel, text]) => [...(document.querySelector(sel)?.options || [])].some((o) => o.textContent.trim() === text),
    [selector, label],
  );
  await page.selectOption(selector, { label });
}

async function run(file, label) {
  const b = await launch();
  const p = b.page;
  try {
    await p.goto(server.url);
    await p.waitForSelector('#setup-level');
    await choose(p, '#setup-province', '湖南省');
    await choose(p, '#setup-prefecture', '湘西土家族苗族自治州');
    await choose(p, '#setup-county', '泸溪县');
    await p.fill('#setup-operator', '基准测试');
    await p.click('#setup-save');
    await p.waitForSelector('#stat-total');
    await p.goto(server.url + '#/children/import');
    await p.waitForSelector('#roll-files');
    await p.setInputFiles('#roll-files', file);
    // The longest gap between two frames while the work runs.
    await p.evaluate(() => {
      window.__gap = 0;
      let last = performance.now();
      const tick = (t) => { if (t - last > window.__gap) { window.__gap = t - last; window.__gapAt = last; } last = t; window.__raf = requestAnimationFrame(tick); };
      window.__raf = requestAnimationFrame(tick);
    });
    const t0 = Date.now();
    await p.click('#roll-read');
    await p.waitForSelector('.roll-file', { timeout: 600_000 });
    await p.click('#roll-preview-btn');
    await p.waitForSelector('#roll-summary', { timeout: 600_000 });
    const toSummary = Date.now() - t0;
    const summary = await p.textContent('#roll-summary');
    const gapPlan = await p.evaluate(() => window.__gap);
    const gapPlanAt = await p.evaluate(() => window.__gapAt);
    await p.evaluate(() => { window.__gap = 0; });
    const t1 = Date.now();
    await p.click('#roll-apply');
    await p.waitForFunction(() => /已导入学籍名册|导入失败/.test(document.querySelector('[role=alert]')?.textContent || ''), null, { timeout: 600_000 });
    const apply = Date.now() - t1;
    const gapApply = await p.evaluate(() => window.__gap);
    const gapApplyAt = await p.evaluate(() => window.__gapAt);
    console.log(`\n${label}`);
    console.log(`  dry-run summary: ${summary.slice(0, 80)}…`);
    console.log(`  choose → summary, wall clock   ${ms(toSummary)}   (reading, with the rows compared as they come, ${ms(await measureOf(p, 'baoxue-roll-read'))}; 预览 → summary ${ms(await measureOf(p, 'baoxue-roll-plan'))})`);
    const m = await p.evaluate(() => Object.fromEntries(performance.getEntriesByType('mark').map((x) => [x.name, x.startTime])));
    const since = (k) => ms(m[k] - m['baoxue-roll-chosen']);
    console.log(`    after 读取: file loaded ${since('baoxue-roll-read-start')}, last row read ${since('baoxue-roll-read-in-worker')}, 预览 ${since('baoxue-roll-plan-start')}, summary shown ${since('baoxue-roll-plan-shown')}`);
    console.log(`  apply (one transaction)        ${ms(apply)}   (as measured ${ms(await measureOf(p, 'baoxue-roll-apply'))})`);
    const at = await p.evaluate(() => Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, m.startTime])));
    const step = (a, b) => ms(at[b] - at[a]);
    console.log(`    change set ${step('baoxue-roll-apply-start', 'baoxue-commit-start')}, chunks ${ms(await measureOf(p, 'baoxue-commit-prepare'))}, serialize ${step('baoxue-commit-start', 'baoxue-commit-serialized')} (incl. chunks), IndexedDB ${step('baoxue-commit-serialized', 'baoxue-commit-apply-start')}, in memory ${ms(await measureOf(p, 'baoxue-commit-apply'))}`);
    // Where each longest gap began: after which mark, and how long after it.
    const after = (t) => {
      const before = Object.entries(at).filter(([, v]) => v <= t).sort((x, y) => y[1] - x[1])[0];
      return before ? `${ms(t - before[1])} after ${before[0]}` : 'before any mark';
    };
    console.log(`  longest frame gap              ${ms(gapPlan)} reading and comparing, ${ms(gapApply)} applying`);
    console.log(`    began ${after(gapPlanAt)}; ${after(gapApplyAt)}`);
    if (b.errors.length) console.log('  page errors:', b.errors);
  } finally {
    await b.close();
  }
}

console.log(`BaoXue 学籍 import benchmark — ${N.toLocaleString('en')} students, headless Chromium, ${new Date().toISOString()}`);
await run(`${OUT}roll-${N}-xlsx/学籍名册.xlsx`, 'xlsx (targets: < 5 s to the summary, apply < 3 s, no frame gap > 200 ms)');
await run(`${OUT}roll-${N}-csv/学籍名册.csv`, 'GB18030 CSV (targets: < 2 s to the summary, apply < 3 s, no frame gap > 200 ms)');
await server.close();
