// English mode, as a person who switched the interface would see it: every page's headings,
// labels, table headers and buttons are English, and the messages that come from the core
// and from the page's worker (a wrong passphrase, a 学籍 row refused) are English too. Only
// the data — names, places, what a file holds — and the printed official forms stay Chinese.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveDist, launch, loadDemo, download, SHOTS } from './support.mjs';

const HAN = /[\u4e00-\u9fff]/;
let server;
let dir;
before(async () => {
  server = await serveDist();
  dir = await mkdtemp(join(tmpdir(), 'baoxue-english-'));
});
after(async () => {
  if (server) await server.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The interface's own words on the page: headings, labels, table headers, buttons and
 * introductions — not the data in table cells, lines about a record, or a select's choices. */
function chrome(page) {
  return page.evaluate(() => {
    const own = (e) => {
      let s = '';
      const walk = (n) => {
        for (const c of n.childNodes) {
          if (c.nodeType === Node.TEXT_NODE) s += c.textContent;
          else if (c.nodeType === Node.ELEMENT_NODE && !['SELECT', 'OPTION', 'TD', 'INPUT', 'TEXTAREA'].includes(c.tagName)) walk(c);
        }
      };
      walk(e);
      return s.trim();
    };
    const main = document.querySelector('main');
    const out = [];
    // The printed forms (the monthly report, ledgers to print, notices) are Chinese documents.
    for (const e of main.querySelectorAll('h2, h3, th, label, button, legend, p.intro')) {
      // The unit's own name on the dashboard is data.
      if (e.closest('.print-report, .print-ledger, .notice-doc, td, #unit-line')) continue;
      const t = own(e);
      if (t) out.push(t);
    }
    for (const e of main.querySelectorAll('[placeholder]')) out.push(e.getAttribute('placeholder'));
    return out;
  });
}

test('in English, every page of a county and of a school speaks English', async () => {
  const b = await launch();
  const p = b.page;
  try {
    for (const [load, routes] of [
      ['#load-demo', ['#/', '#/indicators', '#/children', '#/children/import', '#/children/new', '#/register', '#/suspects', '#/cases', '#/crosscheck', '#/reports', '#/schools', '#/settings']],
      ['#load-demo-school', ['#/', '#/children', '#/register', '#/suspects', '#/cases', '#/reports', '#/schools', '#/settings']],
    ]) {
      await p.goto(server.url + '#/settings');
      if (load === '#load-demo') await loadDemo(p);
      else {
        await p.click(load);
        await p.waitForSelector('#stat-total', { timeout: 120_000 });
      }
      if ((await p.getAttribute('html', 'lang')) !== 'en') await p.click('#lang-switch');
      // A child's, a suspect's and a case's own page too.
      for (const [list, link] of [['#/children', 'a[href^="#/child/"]'], ['#/suspects', 'a[href^="#/suspect/"]'], ['#/cases', 'a[href^="#/case/"]']]) {
        await p.goto(server.url + list);
        const a = await p.waitForSelector(`main ${link}`, { timeout: 10_000 }).catch(() => null);
        if (a) routes.push(await a.getAttribute('href'));
      }
      for (const r of routes) {
        await p.goto(server.url + r);
        await p.waitForSelector('main h1');
        await p.waitForTimeout(300);
        // A language is named in its own script, as the switch to it is.
        const chinese = (await chrome(p)).filter((t) => HAN.test(t) && t !== '简体中文');
        assert.deepEqual(chinese, [], `${load} ${r}`);
        assert.doesNotMatch(await p.textContent('header nav'), HAN, `${load} ${r}: the menu`);
      }
      await p.screenshot({ path: SHOTS + `english-${load.slice(1)}.png` });
    }
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});

test('in English, a wrong passphrase from the worker and a refused 学籍 row are said in English', async () => {
  const school = await launch();
  const county = await launch();
  const s = school.page;
  const c = county.page;
  try {
    // A school sends this month's report, sealed.
    await s.goto(server.url);
    await s.click('#load-demo-school');
    await s.waitForSelector('#stat-total', { timeout: 120_000 });
    await s.click('#lang-switch');
    await s.goto(server.url + '#/reports');
    await s.waitForSelector('#monthly-report');
    await s.fill('#report-checked-by', 'Principal Wang');
    await s.fill('#report-passphrase', 'a good passphrase');
    const report = (await download(s, '#send-report', dir)).path;
    const sent = await s.textContent('.notice');
    assert.match(sent, /Made the report file .* this version is now locked/, sent);
    assert.match(await s.textContent('#report-sent'), /Version 1 was sent on .* and is locked/);

    // The county, in English, opens it with the wrong passphrase: the worker says so in English.
    await c.goto(server.url);
    await loadDemo(c);
    await c.click('#lang-switch');
    await c.goto(server.url + '#/reports');
    await c.setInputFiles('#report-files', report);
    await c.fill('#import-passphrase', 'not the passphrase');
    await c.click('#preview-import');
    const bad = await (await c.waitForSelector('#import-preview tr.bad')).textContent();
    assert.match(bad, /passphrase/i, bad);
    assert.doesNotMatch(bad.replace(/^.*?\.baoxue/, ''), HAN, bad);
    await c.fill('#import-passphrase', 'a good passphrase');
    await c.click('#preview-import');
    const outcome = await (await c.waitForSelector('#import-preview .outcome')).textContent();
    assert.match(outcome, /^New report/, outcome);
    assert.match(await c.textContent('#import-preview tbody tr'), /\d+ added, 0 changed, 0 removed/);

    // A 学籍 export with one good row and two the reader refuses.
    const body = '43312220130308123';
    const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const sum = [...body].reduce((a, d, i) => a + Number(d) * w[i], 0);
    const check = '10X98765432'[sum % 11];
    const wrong = check === '1' ? '2' : '1';
    const csv = [
      '姓名,性别,出生日期,身份证件类型,身份证件号,学校名称,年级,班级',
      `张三,男,2013-03-08,居民身份证,${body}${check},武溪中学,七年级,1班`,
      `李四,男,2013-03-08,居民身份证,${body}${wrong},武溪中学,七年级,1班`,
      `王五,女,2013-05-01,居民身份证,,武溪中学,十三年级,1班`,
    ].join('\r\n');
    const file = join(dir, 'roll.csv');
    await writeFile(file, '\uFEFF' + csv + '\r\n');
    await c.goto(server.url + '#/children/import');
    await c.setInputFiles('#roll-files', file);
    await c.click('#roll-read');
    await c.waitForSelector('.roll-file');
    const card = await c.textContent('.roll-file-summary');
    assert.match(card, /header on line 1, 3 data rows/, card);
    await c.click('#roll-preview-btn');
    await c.waitForSelector('#roll-problems tbody tr');
    const rows = await c.$$eval('#roll-problems tbody tr', (r) => r.map((x) => [...x.cells].map((c) => c.textContent)));
    assert.equal(rows.length, 2, JSON.stringify(rows));
    for (const [place, , reason] of rows) {
      assert.match(place, /^“roll\.csv”, line \d+$/, place);
      assert.doesNotMatch(reason, HAN, reason);
    }
    assert.match(rows[0][2], /check character/, rows[0][2]);
    assert.match(rows[1][2], /no way to tell who it is|grade/i, rows[1][2]);
    await c.screenshot({ path: SHOTS + 'english-roll-problems.png', fullPage: true });
    assert.deepEqual(school.errors, []);
    assert.deepEqual(county.errors, []);
  } finally {
    await school.close();
    await county.close();
  }
});
