// A full backup made in one browser, encrypted, restored into another; a wrong passphrase and
// a changed byte are refused with nothing changed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdtemp, rm, readdir } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveDist, launch, loadDemo } from './support.mjs';

let server;
before(async () => { server = await serveDist(); });
after(async () => server && (await server.close()));

test('backup to an encrypted file, restore into an empty browser; bad files change nothing', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'baoxue-backup-'));
  const a = await launch();
  let file;
  try {
    const p = a.page;
    await p.goto(server.url);
    await loadDemo(p);
    assert.match(await p.textContent('#backup-reminder'), /从未备份/);
    await p.click('#backup-reminder a');
    await p.fill('#backup-pass', '泸溪控辍办2026');
    await p.fill('#backup-pass2', '泸溪控辍办2027');
    await p.click('#make-backup');
    assert.match(await p.textContent('#backup-error'), /不一致/);
    await p.fill('#backup-pass2', '泸溪控辍办2026');
    const [dl] = await Promise.all([p.waitForEvent('download', { timeout: 60_000 }), p.click('#make-backup')]);
    assert.match(dl.suggestedFilename(), /^泸溪县_保学备份_\d{8}_\d{4}\.baoxue$/);
    file = join(dir, dl.suggestedFilename());
    await dl.saveAs(file);
    const bytes = await readFile(file);
    assert.equal(bytes.subarray(0, 21).toString('latin1'), 'age-encryption.org/v1', 'an age file');
    assert.ok(!bytes.includes(Buffer.from('泸溪县')), 'no readable personal data in the file');
    // Compressed before it is encrypted: a fraction of the JSON it holds, which reads back.
    const json = join(dir, 'backup.json');
    execFileSync('cargo', ['run', '-q', '-p', 'baoxue-cli', '--', 'decrypt', file, '--out', json], {
      cwd: new URL('../../', import.meta.url).pathname, stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, BAOXUE_PASSPHRASE: '泸溪控辍办2026' },
    });
    const text = await readFile(json, 'utf8');
    assert.equal(JSON.parse(text).payload.children.length, 30000);
    assert.ok(bytes.length * 3 < Buffer.byteLength(text), `${bytes.length} bytes for ${Buffer.byteLength(text)} of JSON`);
    await p.waitForFunction(() => document.querySelector('#last-backup')?.textContent !== '从未备份');
    await p.click('nav >> text=工作台');
    await p.waitForSelector('#stat-total');
    assert.equal(await p.$('#backup-reminder'), null, 'no reminder right after a backup');
    // Files imported after the backup: the reminder comes back and says why.
    const reports = join(dir, 'reports');
    execFileSync('cargo', ['run', '-q', '-p', 'baoxue-cli', '--', 'reports', '--out-dir', reports], {
      cwd: new URL('../../', import.meta.url).pathname, stdio: ['ignore', 'ignore', 'inherit'],
    });
    await p.click('nav >> text=月报');
    await p.setInputFiles('#report-files', (await readdir(reports)).slice(0, 3).map((f) => join(reports, f)));
    await p.click('#preview-import');
    await p.waitForSelector('#apply-import');
    await p.click('#apply-import');
    await p.waitForSelector('.notice >> text=已导入3份月报');
    await p.click('nav >> text=工作台');
    await p.waitForSelector('#backup-reminder');
    assert.match(await p.textContent('#backup-reminder'), /之后导入过数据（导入.*月报第1版/);
  } finally {
    await a.close();
  }

  // Another computer: an empty browser, restoring from the first-start page.
  const b = await launch();
  try {
    const p = b.page;
    await p.goto(server.url);
    await p.waitForSelector('#setup-level');
    await p.setInputFiles('#restore-file', file);
    await p.fill('#restore-pass', 'wrong passphrase');
    await p.click('#check-backup');
    await p.waitForSelector('#restore-error', { timeout: 60_000 });
    assert.match(await p.textContent('#restore-error'), /口令不正确/);

    // A changed byte.
    const bad = Buffer.from(await readFile(file));
    bad[bad.length - 10] ^= 1;
    const badFile = join(dir, 'changed.baoxue');
    await writeFile(badFile, bad);
    await p.setInputFiles('#restore-file', badFile);
    await p.fill('#restore-pass', '泸溪控辍办2026');
    await p.click('#check-backup');
    await p.waitForFunction(() => /损坏|改动/.test(document.querySelector('#restore-error')?.textContent || ''), null, { timeout: 60_000 });
    assert.equal(await p.$('#restore-summary'), null);
    assert.ok(await p.isVisible('#setup-level'), 'still at first start: nothing changed');

    // The real file: checked, summarised, restored.
    await p.setInputFiles('#restore-file', file);
    await p.click('#check-backup');
    await p.waitForSelector('#restore-summary', { timeout: 60_000 });
    assert.match(await p.textContent('#restore-summary'), /30000名儿童/);
    await p.click('#apply-restore');
    await p.waitForSelector('#stat-total', { timeout: 60_000 });
    assert.equal(await p.textContent('#stat-total .value'), '30,000');
    await p.reload();
    await p.waitForSelector('#stat-total');
    assert.equal(await p.textContent('#stat-total .value'), '30,000');
    // The restored file is this computer's last backup: no reminder, its date in 设置.
    await p.waitForTimeout(500);
    assert.equal(await p.$('#backup-reminder'), null, 'no backup reminder right after a restore');
    await p.click('nav >> text=设置');
    await p.waitForFunction(() => /\d{4}-\d{2}-\d{2}/.test(document.querySelector('#last-backup')?.textContent || ''));
    await p.click('nav >> text=工作台');
    await p.waitForSelector('#stat-total');

    // Restoring over data asks first; declining changes nothing.
    await p.click('nav >> text=设置');
    await p.setInputFiles('#restore-file', file);
    await p.fill('#restore-pass', '泸溪控辍办2026');
    await p.click('#check-backup');
    await p.waitForSelector('#restore-summary', { timeout: 60_000 });
    p.removeAllListeners('dialog');
    let asked = '';
    p.once('dialog', (d) => { asked = d.message(); d.dismiss(); });
    await p.click('#apply-restore');
    assert.match(asked, /替换本机浏览器中的全部数据/);
    assert.ok(await p.isVisible('#restore-summary'), 'declined: still on the check result');
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
    await rm(dir, { recursive: true, force: true });
  }
});
