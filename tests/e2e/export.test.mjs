// Excel and CSV exports of the ledgers, as downloads the user asked for.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { serveDist, launch, SHOTS, loadDemo, download } from './support.mjs';

let server;
before(async () => { server = await serveDist(); });
after(async () => server && (await server.close()));

test('the filtered children list, the suspects and the cases export to CSV and xlsx', async () => {
  const b = await launch();
  const p = b.page;
  try {
    await p.goto(server.url);
    await loadDemo(p);
    await p.click('#stat-suspects');
    await p.waitForSelector('#children-table tbody tr');
    const n = Number((await p.textContent('#result-count')).replace(/\D/g, ''));

    const csv = await download(p, '#export-children-csv');
    assert.match(csv.name, /^泸溪县适龄儿童台账_\d{8}\.csv$/);
    const text = csv.bytes.toString('utf8');
    assert.equal(text.charCodeAt(0), 0xfeff, 'UTF-8 with BOM for Excel and WPS');
    const lines = text.slice(1).split('\r\n').filter((l) => l);
    assert.equal(lines.length, n + 1, 'a header and one line per listed child');
    assert.match(lines[0], /^序号,姓名,性别,身份证号/);
    assert.ok(lines.slice(1).every((l) => l.includes('疑似辍学')));

    const xlsx = await download(p, '#export-children-xlsx');
    assert.match(xlsx.name, /\.xlsx$/);
    assert.equal(xlsx.bytes.subarray(0, 2).toString('latin1'), 'PK');

    await p.click('nav >> text=疑似辍学');
    const s = await download(p, '#export-suspects-xlsx');
    assert.match(s.name, /疑似辍学学生台账/);
    assert.ok(s.bytes.length > 2000);
    await p.click('nav >> text=辍学台账');
    const c = await download(p, '#export-cases-csv');
    assert.match(c.bytes.toString('utf8'), /辍学原因,包保责任人/);

    // The suspects ledger on paper: A4 landscape, page numbers, signature and stamp area.
    await p.click('nav >> text=疑似辍学');
    await p.click('#export-suspects-print');
    await p.waitForSelector('#print-ledger');
    assert.match(await p.textContent('#print-ledger header'), /泸溪县疑似辍学学生台账/);
    assert.match(await p.textContent('#print-ledger footer'), /审核人.*单位盖章/);
    const rows = await p.$$eval('#print-ledger tbody tr', (r) => r.length);
    assert.ok(rows > 100, `${rows} rows`);
    await p.emulateMedia({ media: 'print' });
    const pdf = await p.pdf({ preferCSSPageSize: true, printBackground: true });
    await writeFile(SHOTS + 'suspects-ledger.pdf', pdf);
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
    assert.ok(pages >= 3, `${pages} pages`);
    await p.emulateMedia({ media: 'screen' });
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});
