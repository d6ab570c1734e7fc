// 月报 between two installations, as two offices with a USB stick between them: a school
// sends its monthly report, the county imports it (dry run, then apply), sees who has
// reported, reviews it, and the review goes back down to the school.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveDist, launch, SHOTS, loadDemo, download } from './support.mjs';

let server;
before(async () => { server = await serveDist(); });
after(async () => server && (await server.close()));

const stick = await mkdtemp(join(tmpdir(), 'baoxue-usb-'));

test('in English, a report the school cannot send says why in English', async () => {
  const school = await launch();
  const s = school.page;
  try {
    await s.goto(server.url);
    await s.click('#load-demo-school');
    await s.waitForSelector('#stat-total', { timeout: 120_000 });
    await s.click('#lang-switch');
    await s.goto(server.url + '#/reports');
    await s.waitForSelector('#monthly-report');
    await s.fill('#report-checked-by', 'Principal Wang');
    await s.fill('#report-passphrase', 'short');
    await s.click('#send-report');
    const said = await (await s.waitForSelector('.errors[role=alert]')).textContent();
    assert.match(said, /must be encrypted.*at least 8 characters/, said);
    assert.doesNotMatch(said, /[\u4e00-\u9fff]/, 'no Chinese in the English message');
    await s.screenshot({ path: SHOTS + 'report-school-english-error.png' });
  } finally {
    await school.close();
  }
});

test('a school\'s monthly report goes up, is imported and reviewed, and the review comes back', async () => {
  const school = await launch();
  const county = await launch();
  const s = school.page;
  const c = county.page;
  try {
    // The school: its month with the most names on the report.
    await s.goto(server.url);
    await s.click('#load-demo-school');
    await s.waitForSelector('#stat-total', { timeout: 120_000 });
    await s.click('nav >> text=月报');
    await s.waitForSelector('#monthly-report');
    const options = await s.$$eval('#report-month option', (o) => o.map((x) => [x.value, x.textContent]));
    const busiest = options
      .map(([v, t]) => [v, Number((t.match(/（(\d+)条/) || [0, 0])[1])])
      .sort((a, b) => b[1] - a[1])[0];
    assert.ok(busiest[1] > 0, JSON.stringify(options));
    await s.selectOption('#report-month', busiest[0]);
    await s.waitForFunction((n) => document.querySelectorAll('#monthly-report .report-list tbody tr').length === n, busiest[1]);
    const schoolName = (await s.textContent('#monthly-report .doc-title')).replace(/控辍保学月报.*$/, '');
    // Not without the principal's name and a passphrase.
    await s.click('#send-report');
    await s.waitForSelector('.errors >> text=审核人');
    await s.fill('#report-checked-by', '王校长');
    await s.fill('#report-passphrase', 'short');
    await s.click('#send-report');
    await s.waitForSelector('.errors >> text=至少8位');
    await s.fill('#report-passphrase', '泸溪控辍2026');
    const report = (await download(s, '#send-report', stick)).path;
    assert.match(report, /月报_第1版\.baoxue$/);
    await s.waitForSelector('#report-sent >> text=第1版');
    const xlsx = (await download(s, '#export-report-xlsx', stick)).path;
    assert.match(xlsx, /月报名单_\d{8}\.xlsx$/);
    assert.equal((await readFile(xlsx)).subarray(0, 2).toString('latin1'), 'PK', 'an xlsx (zip) file');
    assert.equal(await s.textContent('#send-report'), '报送更正版（第2版）');
    // Printed on A4: the report alone (no menus, no buttons), pages numbered, a signature area.
    await s.emulateMedia({ media: 'print' });
    await s.screenshot({ path: SHOTS + 'report-school-print.png', fullPage: true });
    assert.ok(await s.isVisible('.sign-area'));
    assert.ok(!(await s.isVisible('#send-report')) && !(await s.isVisible('nav')));
    const pdf = await s.pdf({ preferCSSPageSize: true, printBackground: true });
    await writeFile(SHOTS + 'monthly-report.pdf', pdf);
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
    assert.ok(pages >= 1 && pages <= 3, `${pages} A4 pages`);
    await s.emulateMedia({ media: 'screen' });

    // The county: dry run, apply, completeness.
    await c.goto(server.url);
    await loadDemo(c);
    await c.click('nav >> text=月报');
    await c.setInputFiles('#report-files', report);
    await c.fill('#import-passphrase', 'wrong passphrase');
    await c.click('#preview-import');
    await c.waitForSelector('#import-preview tr.bad >> text=口令不正确');
    await c.fill('#import-passphrase', '泸溪控辍2026');
    await c.click('#preview-import');
    await c.waitForSelector('#import-preview .outcome >> text=新报告');
    assert.match(await c.textContent('#import-preview tbody tr'), new RegExp(`新增${busiest[1]}`));
    // Nothing is written by the dry run.
    await c.selectOption('#county-month', busiest[0]);
    assert.equal(await c.$$eval('#completeness-table tr.ok', (r) => r.length), 0);
    await c.click('#apply-import');
    await c.waitForSelector('.notice >> text=已导入1份月报');
    const row = `#completeness-table tr:has-text("${schoolName}")`;
    assert.match(await c.textContent(`${row} .state`), /已报第1版/);
    assert.match(await c.textContent('#completeness-summary'), /已报1\//);
    // 报送情况 to Excel/CSV: every school, this one reported.
    const csv = (await download(c, '#export-completeness-csv')).bytes.toString('utf8');
    assert.match(csv, /^\uFEFF乡镇,学校,状态,版本/);
    // Late or on time depends on today's date and the month the demo makes busiest.
    assert.match(csv, new RegExp(`${schoolName},已报(，逾期)?,1,`));
    assert.equal(csv.trim().split('\n').length, 1 + 32);
    // The same file again changes nothing, and says so.
    await c.setInputFiles('#report-files', report);
    await c.click('#preview-import');
    await c.waitForSelector('#import-preview .outcome >> text=已导入过，没有变化');
    await c.click('#apply-import');
    await c.waitForSelector('.notice >> text=没有需要导入的新内容');

    // Review: one entry asked again, with a comment; the result to a file.
    await c.click(`${row} .open-review`);
    await c.waitForSelector('#review-table tbody tr');
    await c.selectOption('#review-table tbody tr:first-child select.verdict', 'ask-again');
    await c.fill('#review-passphrase-out', '泸溪控辍2026');
    await c.click('#export-review');
    await c.waitForSelector('#review-panel .errors >> text=须写明意见');
    await c.fill('#review-table tbody tr:first-child .verdict-note', '请补充家访记录和证明材料');
    await c.fill('#review-comment-input', '其余核实无误');
    const review = (await download(c, '#export-review', stick)).path;
    await c.waitForSelector(`${row} .state >> text=已审核`);
    await c.screenshot({ path: SHOTS + 'report-county.png', fullPage: true });
    await c.reload();
    await c.click('nav >> text=月报');
    await c.selectOption('#county-month', busiest[0]);
    assert.match(await c.textContent(`${row} .state`), /已报第1版.*已审核/);

    // Back at the school: the verdicts beside its entries, kept after a reload.
    await s.setInputFiles('#review-file', review);
    await s.fill('#review-passphrase', '泸溪控辍2026');
    await s.click('#import-review');
    await s.waitForSelector('.notice >> text=已导入县级审核结果');
    await s.reload();
    await s.click('nav >> text=月报');
    await s.selectOption('#report-month', busiest[0]);
    await s.waitForSelector('#monthly-report td.verdict');
    const verdicts = await s.$$eval('#monthly-report td.verdict', (v) => v.map((x) => x.textContent));
    assert.equal(verdicts[0], '请再核实：请补充家访记录和证明材料');
    assert.ok(verdicts.slice(1).every((v) => v === '核实无误'), String(verdicts));
    assert.match(await s.textContent('#review-comment'), /其余核实无误/);
    // Taking the same review again changes nothing.
    await s.setInputFiles('#review-file', review);
    await s.fill('#review-passphrase', '泸溪控辍2026');
    await s.click('#import-review');
    await s.waitForSelector('.notice >> text=已导入过');
    await s.screenshot({ path: SHOTS + 'report-school.png', fullPage: true });
    assert.deepEqual(school.errors, []);
    assert.deepEqual(county.errors, []);
  } finally {
    await school.close();
    await county.close();
  }
});

const REPO = new URL('../../', import.meta.url).pathname;
const cli = (args, env = {}) => execFileSync('cargo', ['run', '-q', '-p', 'baoxue-cli', '--', ...args], {
  cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, ...env },
});

/** A county's roll-up for the prefecture, as `baoxue merge` makes it from the county's backup
 * and its schools' reports. */
function countyRollup(county) {
  const dir = join(stick, `reports-${county}`);
  const backup = join(stick, `backup-${county}.json`);
  cli(['demo', '--children', '3000', '--county', county, '--out', backup]);
  cli(['reports', '--children', '3000', '--county', county, '--out-dir', dir]);
  return readdir(dir).then((files) => {
    const out = join(stick, `rollup-${county}.json`);
    cli(['merge', '--backup', backup, ...files.map((f) => join(dir, f)), '--key', join(stick, `${county}.key`), '--out', out]);
    return out;
  });
}

test('the county\'s 报市州汇总 from the app and `baoxue merge` of its backup are the same file', async () => {
  const reports = join(stick, 'reports-rollup');
  cli(['reports', '--out-dir', reports]);
  const b = await launch();
  const p = b.page;
  try {
    await p.goto(server.url);
    await loadDemo(p);
    await p.click('nav >> text=月报');
    await p.setInputFiles('#report-files', (await readdir(reports)).map((f) => join(reports, f)));
    await p.click('#preview-import');
    await p.waitForSelector('#apply-import');
    await p.click('#apply-import');
    await p.waitForSelector('.notice >> text=/已导入\\d+份月报/');
    const web = JSON.parse((await download(p, '#export-rollup', stick)).bytes.toString('utf8'));
    assert.ok(web.payload.totals.schools_reported > 0 && web.payload.dropouts.length > 0, JSON.stringify(web.payload.totals));

    // The backup holds the ledger, the reports received and the pseudonym key just made.
    await p.click('nav >> text=设置');
    await p.fill('#backup-pass', '泸溪控辍办2026');
    await p.fill('#backup-pass2', '泸溪控辍办2026');
    const backup = await download(p, '#make-backup', stick);
    const out = join(stick, 'rollup-cli.json');
    cli(['merge', '--backup', backup.path, '--period', web.envelope.period, '--out', out],
      { BAOXUE_BACKUP_PASSPHRASE: '泸溪控辍办2026' });
    const merged = JSON.parse(await readFile(out, 'utf8'));
    assert.deepEqual(merged.payload, web.payload);
    assert.equal(merged.envelope.content_sha256, web.envelope.content_sha256, 'byte for byte the same payload');
    assert.deepEqual([merged.envelope.from_unit, merged.envelope.to_unit, merged.envelope.period],
      [web.envelope.from_unit, web.envelope.to_unit, web.envelope.period]);
    assert.equal(web.envelope.to_unit.name, '湘西土家族苗族自治州');
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});

test('a prefecture imports its counties\' roll-ups, sees who has not reported, and rolls up for the province', async () => {
  const a = await countyRollup('433122');
  const b = await countyRollup('433101');
  const pref = await launch();
  const p = pref.page;
  try {
    await p.goto(server.url);
    await p.waitForSelector('#setup-level');
    await p.selectOption('#setup-level', { label: '市/州' });
    for (const [sel, label] of [['#setup-province', '湖南省'], ['#setup-prefecture', '湘西土家族苗族自治州']]) {
      await p.waitForFunction(([s, t]) => [...(document.querySelector(s)?.options || [])].some((o) => o.textContent.trim() === t), [sel, label]);
      await p.selectOption(sel, { label });
    }
    await p.fill('#setup-operator', '州教育局');
    await p.click('#setup-save');
    await p.waitForSelector('nav >> text=月报');
    await p.click('nav >> text=月报');
    await p.waitForSelector('#rollup-table tbody tr');
    const units = await p.$$eval('#rollup-table tbody tr', (r) => r.length);
    assert.equal(units, 8, 'the eight counties of 湘西州');
    await p.setInputFiles('#rollup-files', [a, b]);
    await p.click('#preview-rollups');
    await p.waitForFunction(() => document.querySelectorAll('#rollup-preview .outcome').length === 2);
    assert.deepEqual(await p.$$eval('#rollup-preview .outcome', (o) => o.map((x) => x.textContent)), ['新报告', '新报告']);
    await p.click('#apply-rollups');
    await p.waitForSelector('.notice >> text=已导入2份汇总');
    assert.equal(await p.textContent('#rollup-summary'), '已报2/8个单位');
    assert.match(await p.textContent('#rollup-table tr:has-text("泸溪县") .state'), /已报第1版/);
    assert.equal(await p.textContent('#rollup-table tr:has-text("凤凰县") .state'), '未报');
    // Again: nothing new.
    await p.setInputFiles('#rollup-files', [a]);
    await p.click('#preview-rollups');
    await p.waitForSelector('#rollup-preview .outcome >> text=已导入过，没有变化');
    await p.click('#apply-rollups');
    await p.waitForSelector('.notice >> text=没有需要导入的新内容');
    // Up to the province: both counties, their totals added, no names anywhere.
    const [dl] = await Promise.all([p.waitForEvent('download'), p.click('#export-upper-rollup')]);
    const up = JSON.parse(await readFile(await dl.path(), 'utf8'));
    assert.equal(up.envelope.kind, 'rollup');
    assert.equal(up.envelope.to_unit.code, '43');
    assert.equal(up.payload.parts.length, 2);
    const [ja, jb] = [JSON.parse(await readFile(a, 'utf8')), JSON.parse(await readFile(b, 'utf8'))];
    assert.equal(up.payload.totals.children, ja.payload.totals.children + jb.payload.totals.children);
    await p.screenshot({ path: SHOTS + 'report-prefecture.png', fullPage: true });
    await p.reload();
    await p.click('nav >> text=月报');
    await p.waitForFunction(() => document.querySelector('#rollup-summary')?.textContent === '已报2/8个单位');
    assert.deepEqual(pref.errors, []);
  } finally {
    await pref.close();
  }
});
