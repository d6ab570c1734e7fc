// A real county, not the demo: 惠来县 is set up from the division codes, then brings its own
// children in from three schools' 学籍 exports — an xlsx (rust_xlsxwriter), an xls (Debian's
// python3-xlwt) and a GBK CSV — reloads, imports next year's export with a transfer, the
// move to junior school, graduates and one child missing, and decides the missing child is
// a suspected dropout. The files are made by `baoxue rolls` from a synthetic county.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveDist, launch, SHOTS } from './support.mjs';

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
    await p.click('#roll-read');
    await p.waitForFunction(() => document.querySelectorAll('.roll-file').length === 3);
    const cards = await p.$$eval('.roll-file-summary', (e) => e.map((x) => x.textContent));
    assert.ok(cards.some((t) => /xlsx.*表头在第2行/.test(t)), cards.join('\n'));
    assert.ok(cards.some((t) => /xls，/.test(t)), cards.join('\n'));
    assert.ok(cards.some((t) => /GB18030/.test(t)), cards.join('\n'));
    // The columns are shown, with the child's ID column — not the guardian's.
    const idColumn = await p.$$eval('.roll-file:first-child select.roll-field', (s) => s.map((x) => x.value));
    assert.equal(idColumn.filter((v) => v === 'id-number').length, 1);
    assert.equal(idColumn.filter((v) => v === 'guardian-id').length, 1);

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
    await p.click(`${missingRow} .decide-suspect`);
    await p.waitForFunction((n) => document.querySelectorAll('#roll-missing tbody tr').length === n, manifest.graduated);
    await p.click('nav >> text=疑似辍学');
    await p.waitForSelector(`text=${manifest.missing.name}`);
    assert.match(await p.textContent('main'), /不在学籍名册/);

    // The transfer is on the child's record at the new school.
    await p.click('nav >> text=适龄儿童台账');
    await p.fill('#search', manifest.transferred.id_number);
    await p.waitForFunction((s) => document.querySelector('#children-table tbody')?.textContent.includes(s), b2.name);
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});
