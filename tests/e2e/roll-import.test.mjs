// A real county, not the demo: 惠来县 is set up from the division codes, then brings its own
// children in from three schools' 学籍 exports — an xlsx (rust_xlsxwriter), an xls (Debian's
// python3-xlwt) and a GBK CSV — reloads, imports next year's export with a transfer, the
// move to junior school, graduates and one child missing, and decides the missing child is
// a suspected dropout. The files are made by `baoxue rolls` from a synthetic county.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveDist, launch, SHOTS, download } from './support.mjs';

const REPO = new URL('../../', import.meta.url).pathname;
let server;
let dir;
let manifest;
before(async () => {
  server = await serveDist();
  await mkdir(SHOTS, { recursive: true });
  dir = await mkdtemp(join(tmpdir(), 'baoxue-rolls-'));
  execFileSync('cargo', ['run', '-q', '-p', 'baoxue-cli', '--', 'rolls', '--county', '445224', '--children', '3000', '--out-dir', dir], {
    cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'],
  });
  manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
  // The junior school's export as a real .xls, the way older 学籍 clients save it.
  const junior = manifest.schools[2].name;
  execFileSync('/usr/bin/python3', ['-c', `
import csv, sys, xlwt
src, dst = sys.argv[1], sys.argv[2]
book = xlwt.Workbook(encoding='utf-8')
sheet = book.add_sheet('学生信息')
with open(src, encoding='gb18030', newline='') as f:
    for r, row in enumerate(csv.reader(f)):
        for c, v in enumerate(row):
            sheet.write(r, c, v)
book.save(dst)
`, join(dir, `${junior}.csv`), join(dir, `${junior}.xls`)]);
});
after(async () => {
  if (server) await server.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function choose(page, selector, label) {
  await page.waitForFunction(
    ([sel, text]) => [...(document.querySelector(sel)?.options || [])].some((o) => o.textContent.trim() === text),
    [selector, label],
  );
  await page.selectOption(selector, { label });
}

const number = (s) => Number(String(s).replace(/[^\d]/g, ''));

test('a county set up from scratch loads three schools’ 学籍 exports, then next year’s', async () => {
  const [a, b2, c] = manifest.schools;
  const total = a.children + b2.children + c.children;
  const b = await launch();
  const p = b.page;
  try {
    const t0 = Date.now();
    const lap = (what) => process.env.LAPS && console.error(`${what}: ${Date.now() - t0} ms`);
    await p.goto(server.url);
    await p.waitForSelector('#setup-level');
    await choose(p, '#setup-province', '广东省');
    await choose(p, '#setup-prefecture', '揭阳市');
    await choose(p, '#setup-county', '惠来县');
    await p.fill('#setup-operator', '林学籍');
    await p.click('#setup-save');
    await p.waitForSelector('#stat-total');

    // 适龄儿童台账 → 导入学籍名册, three files at once.
    await p.click('nav >> text=适龄儿童台账');
    await p.click('#import-roll');
    await p.setInputFiles('#roll-files', [join(dir, `${a.name}.xlsx`), join(dir, `${b2.name}.csv`), join(dir, `${c.name}.xls`)]);
    lap('set up');
    await p.click('#roll-read');
    await p.waitForFunction(() => document.querySelectorAll('.roll-file').length === 3);
    lap('read');
    // Read off the page's thread, so the page keeps drawing.
    assert.equal(await p.evaluate(() => performance.getEntriesByName('baoxue-roll-read-in-worker').length), 3);
    const cards = await p.$$eval('.roll-file-summary', (e) => e.map((x) => x.textContent));
    assert.ok(cards.some((t) => /xlsx.*表头在第2行/.test(t)), cards.join('\n'));
    assert.ok(cards.some((t) => /xls，/.test(t)), cards.join('\n'));
    assert.ok(cards.some((t) => /GB18030/.test(t)), cards.join('\n'));
    // The columns are shown, with the child's ID column — not the guardian's.
    const idColumn = await p.$$eval('.roll-file', (cards) => [...cards[0].querySelectorAll('select.roll-field')].map((x) => x.value));
    assert.equal(idColumn.filter((v) => v === 'id-number').length, 1);
    assert.equal(idColumn.filter((v) => v === 'guardian-id').length, 1);
    // Another column for the name: the file is read again with it, and the preview waits
    // for a name column; chosen back, the three files are read whole again.
    const nameAt = idColumn.indexOf('name');
    const nameSelect = async () => {
      const card = (await p.$$('.roll-file'))[0];
      await (await card.$('.roll-columns summary')).click();
      return (await card.$$('select.roll-field'))[nameAt];
    };
    await (await nameSelect()).selectOption('');
    await p.waitForSelector('#roll-missing-column');
    assert.ok(await p.isDisabled('#roll-preview-btn'));
    await p.waitForFunction(() => document.querySelectorAll('.roll-file').length === 3 && !document.querySelector('[role=progressbar]'));
    await (await nameSelect()).selectOption('name');
    await p.waitForFunction(() => document.querySelectorAll('.roll-file').length === 3 && !document.querySelector('#roll-missing-column'));

    await p.click('#roll-preview-btn');
    await p.waitForSelector('#roll-summary');
    const summary = await p.textContent('#roll-summary');
    assert.match(summary, new RegExp(`新增${total.toLocaleString('en-US')}人`), summary);
    assert.match(summary, /新学校3所/);
    assert.match(summary, /问题行0行/);
    const towns = await p.$$eval('select.roll-township', (s) => s.map((x) => x.selectedOptions[0]?.textContent));
    assert.deepEqual(towns, [a.township, b2.township, c.township], 'each new school placed in its township from its name');
    await p.screenshot({ path: SHOTS + 'roll-preview.png', fullPage: true });
    await p.click('#roll-apply');
    await p.waitForFunction(() => /已导入学籍名册/.test(document.querySelector('[role=alert]')?.textContent || ''));

    // The ledger holds them, also after a reload; the schools are the county's.
    await p.click('nav >> text=适龄儿童台账');
    await p.waitForSelector('#children-table tbody tr');
    assert.equal(number(await p.textContent('#result-count')), total);
    await p.reload();
    await p.waitForSelector('#children-table tbody tr');
    assert.equal(number(await p.textContent('#result-count')), total);
    await p.click('nav >> text=学校');
    for (const s of manifest.schools) await p.waitForSelector(`#schools-table >> text=${s.name}`);
    assert.match(await p.textContent('#schools-table'), new RegExp(a.code));

    // The same files again change nothing, and say so.
    await p.click('nav >> text=适龄儿童台账');
    await p.click('#import-roll');
    await p.setInputFiles('#roll-files', [join(dir, `${a.name}.xlsx`), join(dir, `${b2.name}.csv`), join(dir, `${c.name}.xls`)]);
    await p.click('#roll-read');
    await p.waitForFunction(() => document.querySelectorAll('.roll-file').length === 3);
    await p.click('#roll-preview-btn');
    await p.waitForSelector('#roll-summary');
    assert.match(await p.textContent('#roll-summary'), new RegExp(`名册与台账一致.*${total.toLocaleString('en-US')}人未变`));
    assert.equal(await p.isDisabled('#roll-apply'), true);

    // Next year's export for the three schools, in one file.
    await p.setInputFiles('#roll-files', join(dir, 'next-year.xlsx'));
    await p.click('#roll-read');
    await p.waitForFunction(() => document.querySelectorAll('.roll-file').length === 1);
    await p.click('#roll-preview-btn');
    await p.waitForFunction(() => /县内转学/.test(document.querySelector('#roll-summary')?.textContent || ''));
    const next = await p.textContent('#roll-summary');
    assert.match(next, /县内转学1人/, next);
    assert.match(next, new RegExp(`小升初${manifest.to_junior}人`), next);
    assert.match(next, new RegExp(`新生入学${manifest.entrants}人`), next);
    assert.match(next, new RegExp(`名册中没有的${manifest.graduated + 1}人`), next);
    await p.click('#roll-changes summary');
    assert.match(await p.textContent('#roll-changes'), new RegExp(`${manifest.transferred.name}.*县内转学.*学校：${a.name} → ${b2.name}`));
    await p.click('#roll-apply');
    await p.waitForFunction(() => /已导入学籍名册/.test(document.querySelector('[role=alert]')?.textContent || ''));

    // Who is missing is kept to decide, across a reload; the missing child becomes a suspect.
    await p.reload();
    await p.waitForSelector('#roll-missing');
    const missingRow = `#roll-missing tr:has(a:text-is("${manifest.missing.name}"))`;
    await p.waitForSelector(missingRow);
    assert.equal(await p.$$eval('#roll-missing tbody tr', (r) => r.length), manifest.graduated + 1);
    await p.screenshot({ path: SHOTS + 'roll-follow-up.png', fullPage: true });
    // Grade 9 has finished: graduated in one step; the missing child is left.
    assert.match(await p.textContent('#graduate-grade-nine'), new RegExp(`九年级${manifest.graduated}人`));
    await p.click('#graduate-grade-nine');
    await p.waitForFunction(() => document.querySelectorAll('#roll-missing tbody tr').length === 1);
    await p.click(`${missingRow} .decide-suspect`);
    await p.waitForSelector('#roll-follow-up', { state: 'detached' });
    await p.click('nav >> text=疑似辍学');
    await p.waitForSelector(`text=${manifest.missing.name}`);
    assert.match(await p.textContent('main'), /不在学籍名册/);

    // The transfer is on the child's record at the new school.
    await p.click('nav >> text=适龄儿童台账');
    await p.fill('#search', manifest.transferred.id_number);
    await p.waitForFunction((s) => document.querySelector('#children-table tbody')?.textContent.includes(s), b2.name);

    // 学校 → 生成学校安装文件 for the first school, with its children, encrypted.
    await p.click('nav >> text=学校');
    const schoolRow = `#schools-table tr:has-text("${a.name}")`;
    const pupils = number(await p.textContent(`${schoolRow} td.num`));
    assert.ok(pupils > 0);
    await choose(p, '#setup-file-school', a.name);
    await p.check('#setup-with-children');
    await p.click('#make-setup-file');
    assert.match(await p.textContent('#setup-file-error'), /须加密/);
    await p.fill('#setup-file-pass', '惠来学籍2026');
    const setupFile = (await download(p, '#make-setup-file', dir)).path;
    assert.match(setupFile, /学校安装文件_.*\.baoxue$/);
    assert.doesNotMatch((await readFile(setupFile)).toString('latin1'), new RegExp(manifest.missing.id_number), 'encrypted');

    // A second office: the school installs from the file, and its report counts at the county.
    const sch = await launch();
    const hand = await launch();
    try {
      const q = sch.page;
      await q.goto(server.url);
      await q.waitForSelector('#install-from-file');
      await q.setInputFiles('#setup-file', setupFile);
      await q.fill('#setup-file-operator', '陈老师');
      await q.click('#install-from-file-btn');
      await q.waitForSelector('#install-file-error');
      assert.match(await q.textContent('#install-file-error'), /口令/);
      await q.fill('#setup-file-pass-in', '惠来学籍2026');
      await q.click('#install-from-file-btn');
      await q.waitForSelector('#stat-total');
      assert.match(await q.getAttribute('header .unit', 'title'), new RegExp(`^${a.name}（广东省揭阳市惠来县${a.township}）`));
      assert.match(await q.textContent('header .unit'), new RegExp(`^${a.name} · `));
      assert.equal(number(await q.textContent('#stat-total .value')), pupils);
      // The school flags one of its pupils by hand: a child the county knows.
      await q.click('nav >> text=适龄儿童台账');
      await q.click('#children-table tbody tr:first-child a');
      const flagged = await q.textContent('#child-name');
      await q.fill('#flag-reason', '连续多日未到校，电话无人接听');
      await q.click('#flag-child');
      await q.waitForSelector('#go-verify');
      const sent = await sendReport(q, a.name);
      assert.match(await q.textContent('#report-sealed-to'), /加密给惠来县的单位密钥/);
      assert.equal((await readFile(sent)).subarray(0, 21).toString('latin1'), 'age-encryption.org/v1');

      // A second school typed by hand, with the county's 学校标识码 but its own spelling.
      const h = hand.page;
      await h.goto(server.url);
      await h.waitForSelector('#setup-level');
      await h.selectOption('#setup-level', 'school');
      await choose(h, '#setup-province', '广东省');
      await choose(h, '#setup-prefecture', '揭阳市');
      await choose(h, '#setup-county', '惠来县');
      await choose(h, '#setup-township', b2.township);
      await h.fill('#setup-school-name', `${b2.name}（本部）`);
      await h.fill('#setup-school-code', b2.code);
      await h.fill('#setup-operator', '黄老师');
      await h.click('#setup-save');
      await h.waitForSelector('#stat-total');
      // It types in a child the county's 学籍 files do not have, and flags her.
      const newcomer = { name: '林小雨', id_number: withCheck('44522420150612042') };
      await h.click('nav >> text=适龄儿童台账');
      await h.click('#add-child');
      await h.fill('#f-id-number', newcomer.id_number);
      await h.fill('#f-name', newcomer.name);
      await choose(h, '#f-hukou-township', b2.township);
      await h.fill('#f-guardian', '林建华');
      // A school registers its own pupils: the school is already chosen.
      assert.equal(await h.$eval('#f-school', (s) => s.options[s.selectedIndex].textContent), `${b2.name}（本部）`);
      await choose(h, '#f-grade', '4');
      await h.click('#save-child');
      await h.waitForSelector('#child-name');
      await h.fill('#flag-reason', '随父母外出，去向不明');
      await h.click('#flag-child');
      await h.waitForSelector('#go-verify');
      const sentByHand = await sendReport(h, b2.name);

      await p.click('nav >> text=月报');
      await p.setInputFiles('#report-files', [sent, sentByHand]);
      await p.fill('#import-passphrase', '惠来月报2026');
      await p.click('#preview-import');
      await p.waitForFunction(() => document.querySelectorAll('#import-preview tbody tr').length === 2);
      assert.doesNotMatch(await p.textContent('#import-preview'), /不在本县学校名单/);
      // 纳入本县台账: both suspects, one child the county did not know.
      assert.match(await p.textContent('#landing-summary'), /新增儿童1名，列入疑似辍学台账2人，辍学台账个案0个/);
      await p.click('nav >> text=疑似辍学');
      assert.doesNotMatch(await p.textContent('#suspects-table'), new RegExp(newcomer.name), 'the dry run writes nothing');
      await p.click('nav >> text=月报');
      await p.setInputFiles('#report-files', [sent, sentByHand]);
      await p.fill('#import-passphrase', '惠来月报2026');
      await p.click('#preview-import');
      await p.waitForSelector('#landing-summary');
      await p.screenshot({ path: SHOTS + 'report-landing-preview.png', fullPage: true });
      await p.click('#apply-import');
      await p.waitForSelector('.notice >> text=已导入2份月报；纳入本县台账：新增儿童1名，疑似辍学2人');
      for (const s of [a, b2]) {
        assert.match(await p.textContent(`#completeness-table tr:has-text("${s.name}") .state`), /已报第1版/, s.name);
      }
      assert.match(await p.textContent('#completeness-summary'), /已报2\/3所/, await p.textContent('#completeness-table'));
      await p.reload();
      await p.click('nav >> text=月报');
      assert.match(await p.textContent('#completeness-summary'), /已报2\/3所/);
      // The county's 疑似辍学台账 has both children, after the reload, with the school's reason.
      await p.click('nav >> text=疑似辍学');
      const list = await p.textContent('#suspects-table');
      for (const who of [flagged, newcomer.name]) assert.match(list, new RegExp(who), list);
      assert.match(list, /随父母外出，去向不明/);
      await p.click(`#suspects-table a:text-is("${newcomer.name}")`);
      await p.waitForSelector('#child-name');
      assert.match(await p.textContent('body'), new RegExp(`据${b2.name}.*月报第1版`));

      // The county confirms the first school's suspect and opens a case of its own.
      const today = new Date().toISOString().slice(0, 10);
      await p.click('nav >> text=疑似辍学');
      await p.click(`#suspects-table tr:has(a:text-is("${flagged}")) a.button`);
      await p.fill('#v-date', today);
      await p.fill('#v-evidence', '县控辍办电话核实，学生随亲戚外出打工');
      await p.fill('#c-left-on', today);
      await p.selectOption('#c-cause', 'work');
      await p.fill('.person-name.p0', '吴乡长');
      await p.fill('.person-name.p1', '郑老师');
      await p.click('#save-verification');
      await p.waitForSelector('#case-state');
      // The review carries the decision back down.
      await p.click('nav >> text=月报');
      await p.click(`#completeness-table tr:has-text("${a.name}") .open-review`);
      await p.waitForSelector('#review-decisions tbody tr');
      assert.match(await p.textContent('#review-decisions'), new RegExp(`${flagged}.*一人一案：包保责任人吴乡长、郑老师`));
      // With the confirmation, what the county flagged itself: the child its 学籍 import missed.
      const decided = await p.$$eval('#review-decisions tbody tr', (r) => r.length);
      assert.equal(decided, 2, await p.textContent('#review-decisions'));
      assert.match(await p.textContent('#review-decisions'), new RegExp(manifest.missing.name));
      // Sealed back to the key the school's report came with: no passphrase asked.
      assert.match(await p.textContent('#review-sealed-to'), /单位密钥/);
      const reviewFile = (await download(p, '#export-review', dir)).path;

      // The county's key, exported, opens the school's report with the age command too.
      await p.click('nav >> text=设置');
      const keyFile = (await download(p, '#export-office-key', dir)).path;
      assert.match(await readFile(keyFile, 'utf8'), /^AGE-SECRET-KEY-1/m);
      const opened = execFileSync('age', ['--decrypt', '-i', keyFile, sent]).toString('utf8');
      assert.match(opened, new RegExp(`"name":\s*"${flagged}"`));
      assert.match(await p.textContent('#office-public-key'), /^age1/);
      await p.locator('#office-key').screenshot({ path: SHOTS + 'settings-office-key.png' });

      // The school takes it: the county's case is in its own ledger, and in its next report.
      await q.click('nav >> text=月报');
      await q.setInputFiles('#review-file', reviewFile);
      await q.fill('#review-passphrase', '惠来月报2026');
      await q.click('#import-review');
      await q.waitForSelector('.notice >> text=县级决定2条已记入本校台账');
      await q.reload();
      await q.click('nav >> text=辍学台账');
      await q.waitForSelector(`#cases-table >> text=${flagged}`);
      await q.click(`#cases-table a:text-is("${flagged}")`);
      await q.waitForSelector('#case-persons');
      assert.match(await q.textContent('#case-persons'), /吴乡长.*郑老师/);
      await q.click('nav >> text=月报');
      await q.waitForSelector('#monthly-report');
      assert.equal(await q.textContent('#send-report'), '报送更正版（第2版）');
      // Its next version lists the county's decisions: the sent one's entry, the confirmed
      // dropout and the county's own suspect.
      assert.match(await q.$eval('#report-month', (s) => s.options[s.selectedIndex].textContent), /（3条，已报第1版）/);
      // Taking the same review again changes nothing.
      await q.setInputFiles('#review-file', reviewFile);
      await q.fill('#review-passphrase', '惠来月报2026');
      await q.click('#import-review');
      await q.waitForSelector('.notice >> text=已导入过');
      await q.screenshot({ path: SHOTS + 'report-school-decisions.png', fullPage: true });

      // 接收: the county accepts the month; its receipt locks it at the school too.
      await p.click('nav >> text=月报');
      await p.click(`#completeness-table tr:has-text("${a.name}") .open-review`);
      await p.waitForSelector('#review-lock >> text=等待县级接收');
      const accepted = (await download(p, '#accept-report', dir)).path;
      await p.waitForSelector('#review-lock >> text=本期已锁定');
      await q.setInputFiles('#review-file', accepted);
      await q.click('#import-review');
      await q.waitForSelector('#report-lock >> text=本期已锁定');
      assert.ok(await q.isDisabled('#send-report'), 'an accepted month cannot be corrected');
      assert.equal(await q.$('#report-sent'), null, 'no more "send a correction"');
      assert.equal(await q.$('#report-unreceived'), null, 'the county had every file');
      await q.screenshot({ path: SHOTS + 'report-school-accepted.png', fullPage: true });
      // 重新开放, with its reason: the school may send a correction again.
      await p.fill('#reopen-reason', '学校补报一名转学学生');
      const reopened = (await download(p, '#reopen-period', dir)).path;
      await p.waitForSelector('#review-lock >> text=学校补报一名转学学生');
      await p.locator('#review-panel').screenshot({ path: SHOTS + 'review-reopened.png' });
      await q.setInputFiles('#review-file', reopened);
      await q.click('#import-review');
      await q.waitForSelector('#report-lock >> text=学校补报一名转学学生');
      assert.ok(!(await q.isDisabled('#send-report')));
      assert.deepEqual(sch.errors, []);
      assert.deepEqual(hand.errors, []);
    } finally {
      await sch.close();
      await hand.close();
    }
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});

// The page's worker, its absence (the one-file copy has none) and a worker that cannot start
// all read the same files the same way, and a file that is no spreadsheet is refused by name.
for (const [mode, module] of [
  ['in the worker', null],
  ['with no worker', 'none'],
  ['when the worker cannot start', { js: 'missing.js', wasm: 'missing.wasm' }],
]) {
  test(`学籍 files are read ${mode}; a bad file among them is named and the rest imported`, async () => {
    const [a] = manifest.schools;
    const bad = join(dir, '不是名册.xlsx');
    await writeFile(bad, 'PK\u0003\u0004 truncated zip, not a workbook');
    const b = await launch();
    const p = b.page;
    try {
      if (module) {
        await p.addInitScript((m) => {
          Object.defineProperty(window, 'baoxueModule', { get: () => (m === 'none' ? undefined : m), set() {} });
        }, module);
      }
      await p.goto(server.url);
      await p.waitForSelector('#setup-level');
      await choose(p, '#setup-province', '广东省');
      await choose(p, '#setup-prefecture', '揭阳市');
      await choose(p, '#setup-county', '惠来县');
      await p.fill('#setup-operator', '林学籍');
      await p.click('#setup-save');
      await p.waitForSelector('#stat-total');
      await p.click('nav >> text=适龄儿童台账');
      await p.click('#import-roll');
      await p.setInputFiles('#roll-files', [bad, join(dir, `${a.name}.xlsx`)]);
      await p.click('#roll-read');
      await p.waitForFunction(() => document.querySelectorAll('.roll-file').length === 1);
      await p.waitForFunction(() => /不是名册\.xlsx”无法读取/.test(document.querySelector('[role=alert]')?.textContent || ''));
      const inWorker = await p.evaluate(() => performance.getEntriesByName('baoxue-roll-read-in-worker').length);
      assert.equal(inWorker, module ? 0 : 1);
      assert.match(await p.textContent('.roll-file-summary'), new RegExp(`数据${a.children.toLocaleString('en-US')}行`));
      await p.click('#roll-preview-btn');
      await p.waitForSelector('#roll-summary');
      assert.match(await p.textContent('#roll-summary'), new RegExp(`新增${a.children.toLocaleString('en-US')}人`));
      await p.click('#roll-apply');
      await p.waitForFunction(() => /已导入学籍名册/.test(document.querySelector('[role=alert]')?.textContent || ''));
      await p.reload();
      await p.click('nav >> text=适龄儿童台账');
      await p.waitForSelector('#children-table tbody tr');
      assert.equal(number(await p.textContent('#result-count')), a.children);
      // A worker that cannot load says so in the console; nothing else may go wrong.
      assert.deepEqual(b.errors.filter((e) => !/missing\.js|Failed to load|module script/i.test(e)), []);
    } finally {
      await b.close();
    }
  });
}

/** The school sends this month's report; returns the file. */
/** An 18-digit ID number: the 17 digits and their ISO 7064 MOD 11-2 check character. */
function withCheck(body) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((s, d, i) => s + Number(d) * w[i], 0);
  return body + '10X98765432'[sum % 11];
}

async function sendReport(page, name) {
  await page.click('nav >> text=月报');
  await page.waitForSelector('#monthly-report');
  assert.match(await page.textContent('#monthly-report .doc-title'), new RegExp(name.replace(/[()（）]/g, '.')));
  await page.fill('#report-checked-by', '校长');
  // A school set up from the county's file seals to the county's key: no passphrase.
  if (await page.$('#report-passphrase')) await page.fill('#report-passphrase', '惠来月报2026');
  const { path } = await download(page, '#send-report', dir);
  await page.waitForSelector('#report-sent >> text=第1版');
  return path;
}
