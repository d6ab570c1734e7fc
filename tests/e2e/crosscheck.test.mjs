// 四查三比对 in the browser: a GBK police roster and an xlsx roster of the disabled persons'
// federation, made by the command line from the same demo county, imported into the demo
// county; the planted out-of-school children are found, acted on, and remembered.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveDist, launch, SHOTS, loadDemo, download } from './support.mjs';

const REPO = new URL('../../', import.meta.url).pathname;
let server;
let dir;
before(async () => {
  server = await serveDist();
  dir = await mkdtemp(join(tmpdir(), 'baoxue-roster-'));
});
after(async () => {
  if (server) await server.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A roster of the demo county as the browser makes it today (30,000 children, same seed). */
function roster(args) {
  execFileSync('cargo', ['run', '-q', '-p', 'baoxue-cli', '--', 'roster', ...args], {
    cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'],
  });
}

const count = async (p, id) => Number((await p.textContent(`#${id} .value`)).replace(/\D/g, ''));

test('a GBK police roster finds the planted out-of-school children; decisions are kept', async () => {
  const csv = join(dir, '公安户籍.csv');
  const plantedFile = join(dir, 'planted.txt');
  roster(['--out', csv, '--planted', plantedFile]);
  const planted = (await readFile(plantedFile, 'utf8')).split('\n').filter(Boolean);
  assert.ok(planted.length >= 50, `${planted.length} planted`);

  const b = await launch();
  const p = b.page;
  try {
    await p.goto(server.url);
    await loadDemo(p);
    await p.click('nav >> text=四查三比对');
    await p.selectOption('#cc-department', 'police');
    await p.setInputFiles('#cc-file', csv);
    await p.click('#cc-read');
    await p.waitForSelector('#cc-mapping');
    const summary = await p.textContent('#cc-summary');
    assert.match(summary, /GB18030/);
    assert.match(summary, /表头在第2行/, 'the title row above the headers is skipped');
    await p.screenshot({ path: SHOTS + 'crosscheck-mapping.png', fullPage: true });

    await p.click('#cc-run');
    await p.waitForSelector('#cc-result-summary');
    assert.match(await p.textContent('#cc-result-summary'), /按身份证号匹配/);
    assert.equal(await count(p, 'not-in-school'), planted.length);

    // The list as Excel would get it: exactly the planted ID numbers.
    const listed = (await download(p, '#export-crosscheck-csv')).bytes.toString('utf8')
      .split('\r\n').slice(1).filter(Boolean).map((l) => l.split(',')[4].trim());
    assert.deepEqual(new Set(listed), new Set(planted));
    assert.ok(await count(p, 'duplicate') >= 2, 'the two rows entered twice');
    assert.ok(await count(p, 'inflow') > 100, 'migrants and children with no ID');
    await p.screenshot({ path: SHOTS + 'crosscheck-results.png', fullPage: true });

    // One goes onto the suspects ledger, one is checked with a note.
    const flagged = await p.textContent('#cc-table tbody tr:first-child td:nth-child(2)');
    await p.click('#cc-table tbody tr:first-child .cc-flag');
    await p.waitForFunction((n) => document.querySelector('#not-in-school .value').textContent.replace(/\D/g, '') == n,
      planted.length - 1);
    await p.click('#cc-table tbody tr:first-child .cc-checked');
    await p.waitForSelector('.notice.error, [role=alert]');
    assert.match(await p.textContent('[role=alert]'), /核实说明/);
    await p.fill('#cc-note', '已在吉首市第一中学就读，电话核实');
    await p.click('#cc-table tbody tr:first-child .cc-checked');
    await p.waitForFunction((n) => document.querySelector('#not-in-school .value').textContent.replace(/\D/g, '') == n,
      planted.length - 2);

    await p.click('nav >> text=疑似辍学');
    await p.selectOption('#trigger-kind', '部门比对');
    await p.waitForSelector(`#suspects-table >> text=${flagged}`);

    // Next month: the same roster again, after a reload. The roster itself was not kept;
    // the column choices and the decision were, and the flagged child is in the ledger now.
    await p.reload();
    await p.click('nav >> text=四查三比对');
    await p.setInputFiles('#cc-file', csv);
    await p.click('#cc-read');
    await p.click('#cc-run');
    await p.waitForSelector('#cc-result-summary');
    assert.equal(await count(p, 'not-in-school'), planted.length - 2);
    await p.check('#cc-show-done');
    await p.click('#cc-results .pager button:last-child');
    await p.waitForSelector('#cc-table >> text=已核实，无需处理');

    // A file that is not a roster changes nothing and says why.
    await p.setInputFiles('#cc-file', { name: 'roster.xlsx', mimeType: 'application/octet-stream', buffer: Buffer.from('PK\x03\x04 not really a workbook') });
    await p.click('#cc-read');
    await p.waitForSelector('[role=alert] >> text=无法读取');
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});

test('the demo 残联 roster, downloaded as xlsx from the app, adds the missing group flags', async () => {
  const b = await launch();
  const p = b.page;
  try {
    await p.goto(server.url);
    await loadDemo(p);
    await p.click('nav >> text=四查三比对');
    // At a training session the trainer downloads the demo county's roster from the app.
    const [dl] = await Promise.all([p.waitForEvent('download'), p.click('#cc-demo-disabled')]);
    assert.match(dl.suggestedFilename(), /残联.*\.xlsx$/);
    const xlsx = join(dir, dl.suggestedFilename());
    await dl.saveAs(xlsx);
    await p.selectOption('#cc-department', 'disabled');
    await p.setInputFiles('#cc-file', xlsx);
    await p.click('#cc-read');
    await p.waitForSelector('#cc-mapping');
    assert.match(await p.textContent('#cc-summary'), /xlsx，工作表“花名册”/);
    await p.click('#cc-run');
    await p.waitForSelector('#cc-result-summary');
    await p.click('#group');
    const missing = await p.$$eval('#cc-table .cc-add-group', (b) => b.length);
    assert.ok(missing >= 10, `${missing} flags missing`);
    const link = await p.getAttribute('#cc-table tr:has(.cc-add-group) td:nth-child(6) a', 'href');
    await p.click('#cc-add-all');
    await p.waitForFunction(() => document.querySelectorAll('#cc-table .cc-add-group').length === 0);
    await p.waitForSelector('[role=alert] >> text=添加重点群体标记');
    // The child's record now carries the group, and its history says where it came from.
    await p.goto(server.url + link);
    await p.waitForSelector('text=据残联（残疾儿童）名册添加重点群体');
    await p.screenshot({ path: SHOTS + 'crosscheck-child.png', fullPage: true });
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});

test('loading the demo again leaves nothing of the roster read before, nor the ledger\'s filters', async () => {
  const b = await launch();
  const p = b.page;
  try {
    await p.goto(server.url);
    await loadDemo(p);
    await p.click('nav >> text=适龄儿童台账');
    await p.waitForSelector('#filter-township option:nth-child(2)', { state: 'attached' });
    const town = await p.$eval('#filter-township option:nth-child(2)', (o) => o.value);
    await p.selectOption('#filter-township', town);
    await p.click('nav >> text=四查三比对');
    const xlsx = (await download(p, '#cc-demo-disabled', dir)).path;
    await p.selectOption('#cc-department', 'disabled');
    await p.setInputFiles('#cc-file', xlsx);
    await p.click('#cc-read');
    await p.waitForSelector('#cc-mapping');
    await p.click('#cc-run');
    await p.waitForSelector('#cc-result-summary');

    await p.click('nav >> text=设置');
    await loadDemo(p);
    await p.click('nav >> text=四查三比对');
    await p.waitForSelector('#cc-file');
    assert.equal(await p.$$eval('#cc-mapping, #cc-result-summary, #cc-table', (e) => e.length), 0,
      'the roster read before the new data is gone');
    await p.click('nav >> text=适龄儿童台账');
    await p.waitForSelector('#children-table tbody tr');
    assert.equal(await p.$eval('#filter-township', (s) => s.value), '');
    assert.match(await p.textContent('#result-count'), /^30,000/);
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});
