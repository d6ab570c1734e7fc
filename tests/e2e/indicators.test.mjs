// 指标: the demo county's enrolment rates, drilled down from the county to a township, its
// schools, and the named children behind a shortfall.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, SHOTS, loadDemo } from './support.mjs';

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
