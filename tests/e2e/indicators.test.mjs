// 指标: the demo county's enrolment rates, drilled down from the county to a township, its
// schools, and the named children behind a shortfall.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, SHOTS, loadDemo, download } from './support.mjs';

let server;
before(async () => { server = await serveDist(); });
after(async () => server && (await server.close()));

test('from the county figure to a township, its schools and the named children', async () => {
  const b = await launch();
  const p = b.page;
  try {
    await p.goto(server.url);
    await loadDemo(p);
    await p.click('nav >> text=指标');
    await p.waitForSelector('#indicator-table tbody tr.total');
    const figures = await p.$$eval('.stat.figure .value', (v) => v.map((x) => x.textContent));
    assert.equal(figures.length, 3);
    assert.ok(figures.every((f) => /^\d+\.\d\d%$/.test(f)), figures.join(' '));
    const towns = await p.$$eval('#indicator-table tr.township', (r) => r.length);
    assert.equal(towns, 12, 'the twelve townships of 泸溪县');

    // Five school years of dropout rates; consolidation once there are eight years behind.
    const years = await p.$$eval('#yearly-figures tbody tr', (r) => r.map((x) => [...x.children].map((c) => c.textContent)));
    assert.equal(years.length, 5);
    assert.ok(years.every((y) => /^\d+\.\d\d%$/.test(y[1]) && /^\d+\.\d\d%$/.test(y[2])), JSON.stringify(years));
    assert.match(years[0][3], /^\d+\.\d\d%$/, 'this year\'s cohort entered eight years ago');
    // 人账相符: the one school-month the demo planted out of balance, with its difference.
    const off = await p.$$eval('#imbalance-table tbody tr', (r) => r.map((x) => x.textContent));
    assert.equal(off.length, 1);
    assert.match(off[0], /\+2$/);

    // A township opens onto its schools.
    await p.click('#indicator-table tr.township:first-child .expand, #indicator-table tr.township >> nth=0 >> .expand');
    await p.waitForSelector('#indicator-table tr.school');

    // The county's primary-age children out of school, by name.
    const count = Number((await p.textContent('#indicator-table tr.total .shortfall >> nth=0')).replace(/\D/g, ''));
    assert.ok(count > 0);
    await p.click('#indicator-table tr.total .shortfall >> nth=0');
    await p.waitForSelector('#indicator-names tbody tr');
    assert.match(await p.textContent('#indicator-names .list-meta'), new RegExp(`^${count.toLocaleString('en-US')} `));
    const rows = await p.$$eval('#indicator-names tbody tr', (r) => r.length);
    assert.equal(rows, Math.min(count, 50));
    await p.screenshot({ path: SHOTS + 'indicators.png', fullPage: true });
    const name = await p.textContent('#indicator-names tbody tr:first-child a');
    await p.click('#indicator-names tbody tr:first-child a');
    await p.waitForSelector('#child-name');
    assert.equal(await p.textContent('#child-name'), name);
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});

test('charts drawn from five years of history, saved as SVG and PNG, following the settings', async () => {
  const b = await launch();
  const p = b.page;
  try {
    await p.goto(server.url);
    await loadDemo(p);
    await p.click('nav >> text=指标');
    await p.waitForSelector('#indicator-charts figure.chart svg');
    const ids = await p.$$eval('#indicator-charts figure.chart', (f) => f.map((x) => x.id));
    assert.deepEqual(ids, ['chart-trend', 'chart-dropout', 'chart-cohort', 'chart-consolidation', 'chart-townships']);
    const texts = (id) => p.$$eval(`#${id} svg text`, (t) => t.map((x) => x.textContent.trim()));
    // The trend: sixty months, three series named in Chinese.
    const trend = await texts('chart-trend');
    for (const label of ['新增疑似辍学', '辍学', '劝返复学', '2025-01']) assert.ok(trend.includes(label), `${label} in ${trend}`);
    const lengths = await p.$$eval('#chart-trend svg polyline', (l) => l.map((x) => x.getAttribute('points').trim().split(/\s+/).length));
    assert.equal(lengths.filter((n) => n === 60).length, 3, String(lengths));
    // Dropout rates with each stage's target; five cohorts' consolidation; all twelve townships.
    assert.ok((await texts('chart-dropout')).includes('目标 ≤1.8%'));
    const cohorts = (await texts('chart-consolidation')).filter((t) => /^\d+\.\d\d%$/.test(t));
    assert.equal(cohorts.length, 5, String(cohorts));
    assert.ok((await texts('chart-cohort')).includes('9年级'));
    assert.ok((await texts('chart-townships')).includes('浦市镇'));

    const svg = await download(p, '#chart-trend .save-svg');
    assert.match(svg.name, /月度|每月.*\.svg$/);
    const svgText = svg.bytes.toString('utf8');
    assert.match(svgText, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.ok(svgText.includes('劝返复学'));
    const png = await download(p, '#chart-consolidation .save-png');
    assert.match(png.name, /\.png$/);
    assert.deepEqual([...png.bytes.subarray(1, 4)], [0x50, 0x4e, 0x47], 'a PNG file');
    assert.ok(png.bytes.length > 20_000, `PNG of ${png.bytes.length} bytes has the chart in it`);

    // One township's charts.
    await p.selectOption('#chart-unit', { label: '浦市镇' });
    await p.waitForFunction(() => document.querySelector('#chart-trend svg text')?.textContent.includes('浦市镇'));

    // A stricter junior target and a definition that counts 休学: the figures follow.
    await p.click('nav >> text=设置');
    await p.fill('#target-junior-dropout', '1.2');
    await p.check('#def-suspended');
    await p.click('#save-targets');
    await p.waitForSelector('.notice >> text=已保存');
    await p.reload();
    await p.waitForSelector('#stat-total, h1');
    await p.click('nav >> text=指标');
    await p.waitForSelector('#yearly-figures tbody tr');
    assert.match(await p.textContent('#yearly-figures p'), /辍学人数含休学，不含死亡.*初中辍学率 ≤1.2%/);
    const missed = await p.$$eval('#yearly-figures tbody tr td:nth-child(3).miss', (c) => c.length);
    assert.ok(missed >= 3, `junior dropout rates above 1.2% are marked (${missed})`);
    assert.ok((await texts('chart-dropout')).includes('目标 ≤1.2%'));
    await p.screenshot({ path: SHOTS + 'indicators-charts.png', fullPage: true });
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});

test('a school year\'s dropouts drilled down to a township, a school, a grade and a child', async () => {
  const b = await launch();
  const p = b.page;
  try {
    await p.goto(server.url);
    await loadDemo(p);
    await p.click('nav >> text=指标');
    // A finished year: its twelve townships, then one's schools, then a school's grades.
    await p.click('#yearly-figures button.year >> nth=1');
    await p.waitForSelector('#drill-table tbody tr');
    assert.equal(await p.$$eval('#drill-table tbody tr', (r) => r.length), 12);
    const county = Number((await p.textContent('#yearly-figures tbody tr:nth-child(2) td:nth-child(3)')).replace('%', ''));
    assert.ok(county > 0);
    await p.click('#drill-table .drill-into >> text=浦市镇');
    await p.waitForSelector('#dropout-drill .crumb >> text=浦市镇');
    const schools = await p.$$eval('#drill-table .drill-into', (r) => r.map((x) => x.textContent));
    assert.ok(schools.length > 1 && schools.every((s) => s.length > 2), String(schools));
    const school = schools.find((s) => /中学|九年一贯/.test(s)) || schools[0];
    await p.click(`#drill-table .drill-into >> text=${school}`);
    await p.waitForSelector('#drill-table tbody tr:has-text("年级")');
    const grades = await p.$$eval('#drill-table tbody tr', (r) => r.map((x) => [...x.children].map((c) => c.textContent)));
    // A grade's dropouts over its enrolment at the start of the year give its rate.
    for (const [, primary, junior, enrolled, dropouts] of grades) {
      const rate = primary !== '—' ? primary : junior;
      const n = Number(enrolled.replace(/,/g, ''));
      if (n > 0) assert.equal(rate, `${((Number(dropouts) * 100) / n).toFixed(2)}%`);
    }
    // This year: the dropouts still out, by name, down to the child's record.
    await p.click('#yearly-figures button.year >> nth=0');
    await p.waitForSelector('#drill-table .ledger-dropouts');
    const total = Number((await p.textContent('#drill-table .ledger-dropouts >> nth=0')).replace(/,/g, ''));
    await p.click('#drill-table .ledger-dropouts >> nth=0');
    await p.waitForSelector('#indicator-names tbody tr');
    assert.equal(await p.$$eval('#indicator-names tbody tr', (r) => r.length), Math.min(total, 50));
    const statuses = await p.$$eval('#indicator-names tbody tr td:last-child', (c) => c.map((x) => x.textContent));
    assert.ok(statuses.every((s) => s === '辍学'), String(statuses));
    await p.screenshot({ path: SHOTS + 'indicators-drill.png', fullPage: true });
    const name = await p.textContent('#indicator-names tbody tr:first-child a');
    await p.click('#indicator-names tbody tr:first-child a');
    await p.waitForSelector('#child-name');
    assert.equal(await p.textContent('#child-name'), name);
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});

test('the 小升初 leak: the suspects page\'s check and the junior shortfall name the same children', async () => {
  const b = await launch();
  const p = b.page;
  try {
    await p.goto(server.url);
    await loadDemo(p);
    await p.click('nav >> text=疑似辍学');
    await p.click('#run-p2j');
    await p.waitForSelector('#p2j-result strong');
    const n = Number(await p.textContent('#p2j-result strong'));
    assert.ok(n > 0, 'the demo county plants a 小升初 leak');
    const leak = (await p.textContent('#p2j-result p')).split(' — ')[1].split('、').map((x) => x.replace(/（.*$/, ''));
    assert.equal(leak.length, n);

    await p.click('nav >> text=指标');
    await p.waitForSelector('#indicator-table tbody tr.total');
    const junior = await p.textContent('.stat.figure >> nth=1');
    assert.match(junior, /小学毕业未升入初中者计入适龄人口/, 'the figure names its definition');
    await p.click('#indicator-table tr.total .shortfall >> nth=1');
    await p.waitForSelector('#indicator-names tbody tr');
    const names = [];
    for (;;) {
      names.push(...(await p.$$eval('#indicator-names tbody tr td:first-child a', (a) => a.map((x) => x.textContent))));
      const next = p.locator('#indicator-names .pager button').nth(2);
      if (await next.isDisabled()) break;
      await next.click();
      await p.waitForTimeout(50);
    }
    for (const name of leak) assert.ok(names.includes(name), `${name} (小升初) is behind the junior shortfall`);
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});
