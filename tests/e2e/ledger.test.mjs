// End to end: a new county sets itself up from the division codes, a clerk adds a child
// through the form, reloads and finds it; then the demo county is loaded and filtered.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { serveDist, launch, SHOTS, loadDemo } from './support.mjs';

let server;
before(async () => {
  server = await serveDist();
  await mkdir(SHOTS, { recursive: true });
});
after(async () => server && (await server.close()));

/** Picks an option of a <select> by its visible text. */
async function choose(page, selector, label) {
  await page.waitForFunction(
    ([sel, text]) => [...(document.querySelector(sel)?.options || [])].some((o) => o.textContent.trim() === text),
    [selector, label],
  );
  await page.selectOption(selector, { label });
}

test('a county sets itself up, adds a child that survives a reload, with history', async () => {
  const b = await launch();
  const p = b.page;
  try {
    await p.goto(server.url);
    await p.waitForSelector('#setup-level');
    assert.match(await p.textContent('h1'), /首次使用/);

    // Trying to finish without a division says what is missing.
    await p.click('#setup-save');
    assert.match(await p.textContent('[role=alert]'), /请选择完整的行政区划/);

    await choose(p, '#setup-province', '湖南省');
    await choose(p, '#setup-prefecture', '湘西土家族苗族自治州');
    await choose(p, '#setup-county', '泸溪县');
    await p.fill('#setup-operator', '张晓明');
    await p.click('#setup-save');
    await p.waitForSelector('#stat-total');
    const header = await p.textContent('header');
    // The short name in the bar leaves the menu room; the full one is its tooltip.
    assert.match(header, /泸溪县 · 县\/区/);
    assert.match(await p.getAttribute('header .unit', 'title'), /湖南省湘西土家族苗族自治州泸溪县/);
    assert.match(header, /张晓明/);

    // A new county's calendar starts from the usual holidays and vacations, to adjust.
    await p.click('nav >> text=设置');
    const closed = await p.inputValue('#set-closed');
    assert.match(closed, /^\d{4}-\d\d-\d\d\n\d{4}-10-01 至 \d{4}-10-07\n/m);
    assert.match(closed, /\d{4}-07-01 至 \d{4}-08-31$/);
    await p.fill('#set-closed', '');
    await p.click('#usual-calendar');
    assert.equal(await p.inputValue('#set-closed'), closed);

    // A school under a township, from the county's real townships.
    await p.click('nav >> text=学校');
    await choose(p, '#school-township', '浦市镇');
    await p.fill('#school-name', '浦市镇中心小学');
    await p.fill('#school-code', '21431');
    await p.click('#save-school');
    assert.match(await p.textContent('[role=alert]'), /学校标识码应为10位数字/);
    await p.fill('#school-code', '2143122001');
    await p.click('#save-school');
    await p.waitForSelector('#schools-table >> text=浦市镇中心小学');

    // Add a child: the ID number fills in birth date and sex.
    await p.click('nav >> text=适龄儿童台账');
    await p.click('#add-child');
    await p.fill('#f-id-number', '433122201503080011');
    assert.match(await p.textContent('#id-error'), /校验位/);
    // The check character of this body by ISO 7064 MOD 11-2 is 2.
    await p.fill('#f-id-number', '433122201503080012');
    assert.equal(await p.$('#id-error'), null);
    assert.equal(await p.inputValue('#f-birth'), '2015-03-08');
    assert.equal(await p.$eval('#f-sex', (s) => s.options[s.selectedIndex].textContent), '男');
    await p.fill('#f-name', '<b>田</b>=SUM(A1)');
    // A reload does not lose what is typed: it is offered back, with a word.
    await p.reload();
    await p.waitForSelector('#draft-restored');
    assert.equal(await p.inputValue('#f-name'), '<b>田</b>=SUM(A1)');
    assert.equal(await p.inputValue('#f-id-number'), '433122201503080012');
    // 户籍地 is asked, not taken as 县外; 现居住地 left alone is the same place.
    const shown = (sel) => p.$eval(sel, (s) => s.options[s.selectedIndex].textContent);
    assert.equal(await shown('#f-hukou-township'), '请选择乡镇');
    assert.equal(await shown('#f-residence-township'), '同户籍地');
    await p.click('#save-child');
    assert.match(await p.textContent('#form-errors'), /户籍地所在乡镇.*县外/);
    await choose(p, '#f-hukou-township', '浦市镇');
    await p.fill('#f-hukou-detail', '岩门村3组');
    await p.fill('#f-guardian', '田建国');
    await p.fill('#f-phone', '13907431234');
    await choose(p, '#f-school', '浦市镇中心小学');
    await choose(p, '#f-grade', '5');
    await p.fill('#f-class', '2班');
    await p.check('#f-group-left-behind');
    await p.check('#f-group-disabled');
    await p.click('#save-child');
    // Disabled without a category is refused, with the reason.
    assert.match(await p.textContent('#form-errors'), /残疾类别/);
    await p.selectOption('#f-disability', 'hearing');
    await p.click('#save-child');
    await p.waitForSelector('#child-name');
    assert.equal(await p.textContent('#child-name'), '<b>田</b>=SUM(A1)', 'markup in a name is shown as text');
    assert.equal(await p.$$eval('#child-name b', (x) => x.length), 0);

    // Edit: the birth date disagrees with the ID number — shown, and recorded in history.
    await p.click('#edit-child');
    await p.waitForSelector('#f-class');
    assert.deepEqual([await shown('#f-hukou-township'), await shown('#f-residence-township')], ['浦市镇', '浦市镇']);
    await p.fill('#f-class', '3班');
    await p.fill('#f-birth', '2015-03-09');
    assert.match(await p.textContent('#id-disagreement'), /不一致/);
    await p.click('#save-child');
    await p.waitForSelector('#child-name');
    await p.waitForSelector('#history li >> nth=1');
    const history = await p.textContent('#history');
    assert.match(history, /张晓明/);
    assert.match(history, /班级/);
    assert.match(history, /2班/);
    assert.match(history, /3班/);
    assert.match(await p.textContent('#child-problems'), /出生日期/);

    // Reload: everything is still there.
    await p.reload();
    await p.waitForSelector('#child-name');
    assert.equal(await p.textContent('#child-name'), '<b>田</b>=SUM(A1)');
    await p.click('nav >> text=适龄儿童台账');
    await p.fill('#search', '433122201503080012');
    await p.waitForSelector('#children-table tbody tr');
    assert.equal(await p.$$eval('#children-table tbody tr', (r) => r.length), 1);
    assert.match(await p.textContent('#children-table tbody'), /浦市镇中心小学/);
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});

test('the demo county loads in one click, filters, pages, switches language and resets', async () => {
  const b = await launch();
  const p = b.page;
  try {
    await p.goto(server.url);
    await loadDemo(p);
    assert.equal(await p.textContent('#stat-total .value'), '30,000');
    assert.match(await p.textContent('header'), /泸溪县/);
    assert.ok(await p.isVisible('#reset-demo'), 'the demo offers one-click reset on the dashboard');
    await p.screenshot({ path: SHOTS + 'e2e-dashboard.png', fullPage: true });

    // From the dashboard's suspects figure to the list of them.
    const suspects = Number((await p.textContent('#stat-suspects .value')).replace(/,/g, ''));
    assert.ok(suspects > 20, `suspects ${suspects}`);
    await p.click('#stat-suspects');
    await p.waitForSelector('#children-table tbody tr');
    assert.equal(await p.textContent('#result-count'), `${suspects} 条记录`);
    const statuses = await p.$$eval('#children-table tbody tr td:nth-child(9)', (c) => c.map((x) => x.textContent));
    assert.ok(statuses.every((s) => s === '疑似辍学'));

    // Narrow by township and stage: counts only go down, and rows match.
    await choose(p, '#filter-township', '浦市镇');
    await p.selectOption('#filter-stage', 'junior');
    const narrowed = Number((await p.textContent('#result-count')).replace(/\D/g, ''));
    assert.ok(narrowed < suspects);
    if (narrowed > 0) {
      const towns = await p.$$eval('#children-table tbody tr td:nth-child(5)', (c) => c.map((x) => x.textContent));
      assert.ok(towns.every((t) => t === '浦市镇'));
      const grades = await p.$$eval('#children-table tbody tr td:nth-child(7)', (c) => c.map((x) => Number(x.textContent)));
      assert.ok(grades.every((g) => g >= 7 && g <= 9));
    }

    // By name: in pinyin order as the 学籍 system lists them (Chromium's own pinyin collation
    // agrees on the surnames, bar those read otherwise as surnames), not by code point.
    await p.click('#clear-filters');
    await p.selectOption('#filter-status', 'dropout');
    await p.click('#children-table th.sortable >> text=姓名');
    await p.waitForSelector('#children-table th.sortable >> text=▲');
    const surnames = await p.$$eval('#children-table tbody tr td:nth-child(1)', (c) => c.map((x) => x.textContent.trim()[0]));
    const byPinyin = await p.evaluate((s) => {
      const read = new Intl.Collator('zh-u-co-pinyin');
      const special = new Set('曾单解仇区朴查覃尉盖缪乐');
      const plain = s.filter((c) => !special.has(c));
      return plain.every((c, i) => i === 0 || read.compare(plain[i - 1], c) <= 0);
    }, surnames);
    assert.ok(byPinyin, surnames.join(''));
    assert.ok(new Set(surnames).size > 5, surnames.join(''));
    assert.notDeepEqual(surnames, [...surnames].sort(), 'not by code point');
    await p.click('#children-table th.sortable >> text=姓名');
    await p.click('#children-table th.sortable >> text=姓名');

    // The whole ledger pages 50 at a time.
    await p.click('#clear-filters');
    assert.equal(await p.textContent('#result-count'), '30,000 条记录');
    assert.equal(await p.$$eval('#children-table tbody tr', (r) => r.length), 50);
    await p.click('.pager >> nth=0 >> text=下一页');
    assert.match(await p.textContent('.pager .where'), /^2 \/ 600$/);
    await p.selectOption('#filter-group', 'disabled');
    const disabled = await p.$$eval('#children-table tbody tr td:nth-child(10)', (c) => c.map((x) => x.textContent));
    assert.ok(disabled.length > 0 && disabled.every((g) => g.includes('残疾儿童')));
    await p.screenshot({ path: SHOTS + 'e2e-children.png' });

    // English, remembered across a reload.
    await p.click('#lang-switch');
    assert.match(await p.textContent('h1'), /Children's ledger/);
    await p.reload();
    await p.waitForSelector('nav');
    assert.match(await p.textContent('nav'), /Dashboard/);
    // On a 1440 px office screen (the default here) the menu is one row, in English too.
    const rows = () => p.$$eval('.topbar nav a', (a) => new Set(a.map((x) => Math.round(x.getBoundingClientRect().top))).size);
    assert.equal(await rows(), 1, 'the English menu on one row');
    await p.click('#lang-switch');
    await p.waitForSelector('nav >> text=工作台');
    assert.equal(await rows(), 1, 'the Chinese menu on one row');

    // Reset goes back to first start, and stays there after a reload.
    await p.click('nav >> text=设置');
    await p.click('#reset-all');
    await p.waitForSelector('#setup-level');
    await p.reload();
    await p.waitForSelector('#setup-level');
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});

test('清除筛选 resets every dropdown, and a larger page size keeps the first row on screen', async () => {
  const b = await launch();
  const p = b.page;
  try {
    await p.goto(server.url);
    await loadDemo(p);
    await p.click('nav >> text=适龄儿童台账');
    await p.waitForSelector('#children-table tbody tr');
    await choose(p, '#filter-township', '武溪镇');
    await p.selectOption('#filter-status', 'in-school');
    await p.selectOption('#filter-grade', '3');
    assert.notEqual(await p.textContent('#result-count'), '30,000 条记录');
    await p.click('#clear-filters');
    assert.equal(await p.textContent('#result-count'), '30,000 条记录');
    for (const id of ['#filter-township', '#filter-school', '#filter-grade', '#filter-status']) {
      assert.equal(await p.$eval(id, (s) => s.value), '', `${id} reads 全部 again`);
    }

    // The last page of 600, then 200 a page: page 150 of 150, the same last rows.
    await p.click('.pager >> nth=0 >> text=末页');
    assert.match(await p.textContent('.pager .where'), /^600 \/ 600$/);
    const last = await p.textContent('#children-table tbody tr:last-child td:first-child');
    await p.selectOption('#page-size', '200');
    assert.match(await p.textContent('.pager .where'), /^150 \/ 150$/);
    assert.equal(await p.$$eval('#children-table tbody tr', (r) => r.length), 200);
    assert.equal(await p.textContent('#children-table tbody tr:last-child td:first-child'), last);
    await p.click('.pager >> nth=0 >> text=上一页');
    assert.match(await p.textContent('.pager .where'), /^149 \/ 150$/);
    assert.equal(await p.$$eval('#children-table tbody tr', (r) => r.length), 200);
    // Page 3 at 50 a page (rows 101–150) is page 2 at 100 (rows 101–200).
    await p.selectOption('#page-size', '50');
    await p.click('.pager >> nth=0 >> text=首页');
    await p.click('.pager >> nth=0 >> text=下一页');
    await p.click('.pager >> nth=0 >> text=下一页');
    const row101 = await p.textContent('#children-table tbody tr:first-child td:first-child');
    await p.selectOption('#page-size', '100');
    assert.match(await p.textContent('.pager .where'), /^2 \/ 300$/);
    assert.equal(await p.textContent('#children-table tbody tr:first-child td:first-child'), row101);
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});

test('a school set up by hand: named in the header, set-up logged once, adds no other school', async () => {
  const b = await launch();
  const p = b.page;
  try {
    await p.goto(server.url);
    await p.waitForSelector('#setup-level');
    await p.selectOption('#setup-level', 'school');
    await choose(p, '#setup-province', '湖南省');
    await choose(p, '#setup-prefecture', '湘西土家族苗族自治州');
    await choose(p, '#setup-county', '泸溪县');
    await choose(p, '#setup-township', '浦市镇');
    await p.fill('#setup-school-name', '浦市镇第二小学');
    await p.fill('#setup-school-code', '2143122002');
    await p.fill('#setup-operator', '李老师');
    await p.click('#setup-save');
    await p.waitForSelector('#stat-total');
    assert.match(await p.textContent('header .unit'), /^浦市镇第二小学 · 学校/);
    assert.match(await p.getAttribute('header .unit', 'title'), /^浦市镇第二小学（湖南省湘西土家族苗族自治州泸溪县浦市镇）/);
    const line = await p.textContent('#unit-line');
    assert.match(line, /浦市镇第二小学/);
    assert.doesNotMatch(line, /个乡镇|所学校/);
    const setups = await p.$$eval('table tr', (r) => r.filter((x) => x.textContent.includes('设置本机单位')).length);
    assert.equal(setups, 1, 'the set-up is one entry in 最近操作');
    await p.reload();
    await p.waitForSelector('#stat-total');
    assert.match(await p.textContent('header .unit'), /浦市镇第二小学/);
    // Its own school, editable; no form to add another.
    await p.click('nav >> text=学校');
    await p.waitForSelector('#schools-table >> text=浦市镇第二小学');
    assert.equal(await p.$('#school-form'), null, 'no form for a new school');
    assert.equal(await p.$$eval('#schools-table tbody tr', (r) => r.length), 1);
    // A school's new child is registered where the school is, until told otherwise; a draft
    // given up goes back to that, not to an empty form.
    await p.click('nav >> text=适龄儿童台账');
    await p.click('#add-child');
    // The form draws after the click: on a busy 2-core machine not at once.
    await p.waitForSelector('#f-hukou-township');
    const hukou = () => p.$eval('#f-hukou-township', (s) => s.options[s.selectedIndex].textContent);
    assert.equal(await hukou(), '浦市镇');
    await p.fill('#f-name', '田小花');
    await p.reload();
    await p.waitForSelector('#draft-restored');
    assert.equal(await p.inputValue('#f-name'), '田小花');
    await p.click('#discard-draft');
    await p.waitForSelector('#draft-restored', { state: 'detached' });
    assert.equal(await p.inputValue('#f-name'), '');
    assert.equal(await hukou(), '浦市镇');
    await p.reload();
    await p.waitForSelector('#f-name');
    assert.equal(await p.$('#draft-restored'), null, 'a discarded draft stays gone');
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});
