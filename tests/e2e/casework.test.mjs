// End to end, the daily work: absences flag a child → verified as confirmed → a case with two
// responsible persons → three persuasion attempts → the legal ladder and a printed notice →
// returned and closed → absent again while watched → alert → drops out again → the same case
// reopens with its history. Dates are the school days before today, so the test runs any day.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { serveDist, launch, SHOTS, loadDemo } from './support.mjs';

let server;
before(async () => {
  server = await serveDist();
  await mkdir(SHOTS, { recursive: true });
});
after(async () => server && (await server.close()));

/** The last `n` school days up to today, oldest first, as YYYY-MM-DD: Monday to Friday
 *  outside the demo calendar's National Day week (1–7 October). */
function schoolDays(n) {
  const out = [];
  const d = new Date();
  while (out.length < n) {
    const wd = d.getDay();
    const nationalDay = d.getMonth() === 9 && d.getDate() <= 7;
    if (wd !== 0 && wd !== 6 && !nationalDay) {
      out.unshift(`${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`);
    }
    d.setDate(d.getDate() - 1);
  }
  return out;
}

test('from three days of absence to a reopened case, with a printed notice', async () => {
  const S = schoolDays(14);
  const b = await launch();
  const p = b.page;
  const notice = async () => (await p.textContent('[role=alert]')) || '';
  try {
    await p.goto(server.url);
    await loadDemo(p);

    // Pick a class and a pupil in school.
    await p.click('nav >> text=考勤登记');
    await p.selectOption('#reg-school', { index: 2 });
    await p.selectOption('#reg-grade', { index: 5 });
    await p.selectOption('#reg-class', { index: 1 });
    await p.waitForSelector('#register tbody tr');
    const name = await p.$$eval('#register tbody tr', (rows) => {
      const r = rows.find((r) => r.querySelector('.status')?.textContent === '在校就读' && !r.querySelector('.badge'));
      return r.querySelector('a').textContent;
    });
    const row = `#register tbody tr:has(a:text-is("${name}"))`;
    const absent = async (day) => {
      await p.fill('#reg-date', day);
      await p.waitForSelector(row);
      await p.check(`${row} input[value=unexcused]`);
      await p.fill(`${row} input.reason`, '未请假');
      // An info message goes by itself after 6 s: dismiss it in one step, or not at all.
      await p.evaluate(() => document.querySelector('.notice .link')?.click());
      await p.click('#save-register');
      await p.waitForFunction(() => /考勤已保存/.test(document.querySelector('[role=alert]')?.textContent || ''));
    };

    // 1. Two days are not enough; the third flags the child.
    await absent(S[0]);
    await absent(S[1]);
    assert.doesNotMatch(await notice(), /疑似辍学/);
    await absent(S[2]);
    assert.match(await notice(), new RegExp(`列入疑似辍学台账：.*${name}`));

    // 2. Verify: confirmed dropout, with a case of two responsible persons.
    await p.click(`${row} a`);
    await p.click('#go-verify');
    assert.match(await p.textContent('#suspect-trigger'), /连续3个教学日无故缺勤/);
    await p.fill('#v-date', S[2]);
    await p.fill('#v-evidence', '班主任电话核实、入户走访，学生在家不愿上学');
    await p.fill('#c-left-on', S[0]);
    await p.selectOption('#c-cause', 'learning');
    await p.fill('.person-name.p0', '王建军');
    await p.click('#save-verification');
    assert.match(await p.textContent('#verify-error'), /至少两名包保责任人/);
    await p.fill('.person-name.p1', '张丽华');
    await p.check('#c-support-counselling');
    await p.click('#save-verification');
    await p.waitForSelector('#case-state');
    assert.equal(await p.textContent('#case-state'), '未销号');
    assert.match(await p.textContent('#case-persons'), /王建军.*张丽华/);

    // 3. Three persuasion attempts.
    const results = ['refused', 'considering', 'agreed'];
    for (let i = 0; i < 3; i++) {
      await p.fill('#a-date', S[3 + i]);
      await p.selectOption('#a-way', i === 0 ? 'phone' : 'home-visit');
      await p.fill('#a-persons', '王建军、张丽华');
      await p.fill('#a-said', ['孩子说跟不上，不想读了', '家长说再考虑几天', '同意下周送孩子回校'][i]);
      await p.selectOption('#a-result', results[i]);
      // The first 家访 is offered as the legal step 家访劝返 too, once, and not for a call.
      const offer = await p.$('#a-as-step');
      assert.equal(offer && (await offer.isChecked()), i === 1 ? true : null, `attempt ${i + 1}`);
      await p.click('#add-attempt');
      await p.waitForFunction((n) => document.querySelectorAll('.attempts tbody tr').length === n, i + 1);
      if (i === 1) await p.waitForSelector(`#legal-steps >> text=家访劝返`);
    }
    assert.match(await p.textContent('#legal-steps tbody tr'), new RegExp(`${S[4]}.*家访劝返.*王建军、张丽华`));

    // 4. The legal ladder, in order, and the notice to return to school.
    await p.selectOption('#l-kind', 'notice');
    await p.fill('#l-date', S[5]);
    await p.fill('#l-issuer', '武溪镇人民政府');
    await p.click('#add-step');
    assert.match(await p.textContent('#legal-error'), /须依次进行/);
    for (const [kind, day] of [['order', S[4]], ['notice', S[5]]]) {
      await p.selectOption('#l-kind', kind);
      await p.fill('#l-date', day);
      await p.fill('#l-issuer', '武溪镇人民政府');
      await p.click('#add-step');
      await p.waitForFunction((k) => document.querySelector('#legal-steps').textContent.includes(k), { 'home-visit': '家访劝返', order: '责令限期改正', notice: '限期复学通知书' }[kind]);
    }
    const serial = (await p.textContent('#legal-steps')).match(/泸溪教控辍〔\d{4}〕\d+号/)[0];
    await p.click('#print-notice-2');
    await p.waitForSelector('#notice');
    const doc = await p.textContent('#notice');
    assert.ok(doc.includes(name) && doc.includes(serial) && doc.includes('泸溪县教育局'));
    assert.match(doc, /义务教育法/);
    const due = new Date(`${S[5]}T00:00:00`);
    due.setDate(due.getDate() + 7);
    assert.ok(doc.includes(`${due.getFullYear()}年${due.getMonth() + 1}月${due.getDate()}日`), 'deadline = notice date + 7 days');
    assert.match(doc, /回\s*执/);
    await p.emulateMedia({ media: 'print' });
    const pdf = await p.pdf({ format: 'A4', printBackground: true });
    await writeFile(SHOTS + 'notice.pdf', pdf);
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
    assert.equal(pages, 1, 'the notice and its receipt fit one A4 page');
    assert.equal(await p.isVisible('header.topbar'), false, 'no app chrome on paper');
    const [stampBottom, cutTop] = await p.evaluate(() => [
      document.querySelector('#notice .stamp').getBoundingClientRect().bottom,
      document.querySelector('#notice .cut').getBoundingClientRect().top,
    ]);
    assert.ok(stampBottom <= cutTop, `the seal (bottom ${stampBottom}) stays above the cut line (${cutTop})`);
    await p.emulateMedia({ media: 'screen' });
    // One way of address, and the attempts counted as they were.
    assert.doesNotMatch(doc, /您/);
    assert.doesNotMatch(doc, /多次劝返（共/);
    assert.match(doc, /先后劝返3次|劝返1次|劝返\d+次/);

    // 5. Returned: close the case (销号) with evidence.
    await p.click('.notice-tools a');
    await p.waitForSelector('#close-case');
    await p.fill('#x-date', S[6]);
    await p.click('#close-case-btn');
    assert.match(await p.textContent('#close-error'), /证明材料/);
    await p.fill('#x-evidence', '学校出具复学证明，班主任确认到校');
    await p.click('#close-case-btn');
    await p.waitForFunction(() => document.querySelector('#case-state')?.textContent === '已销号');

    // 6. Absent again while watched: an alert on the dashboard.
    await p.click('nav >> text=考勤登记');
    await p.selectOption('#reg-school', { index: 2 });
    await p.selectOption('#reg-grade', { index: 5 });
    await p.selectOption('#reg-class', { index: 1 });
    await p.fill('#reg-date', S[8]);
    await p.waitForSelector(`${row} .badge.watch`);
    await absent(S[8]);
    await p.click('nav >> text=工作台');
    await p.waitForSelector('#todo');
    const watched = await p.$$eval('#todo li.t-watched', (li) => li.map((x) => x.textContent).join(' '));
    assert.match(watched, new RegExp(name), 'the watched child missing again is on the to-do list');

    // 7. Two more days: a suspect again; confirmed, the same case reopens with its history.
    await p.click('nav >> text=考勤登记');
    await p.selectOption('#reg-school', { index: 2 });
    await p.selectOption('#reg-grade', { index: 5 });
    await p.selectOption('#reg-class', { index: 1 });
    await absent(S[9]);
    await absent(S[10]);
    assert.match(await notice(), new RegExp(name));
    await p.click(`${row} a`);
    await p.click('#go-verify');
    await p.fill('#v-date', S[10]);
    await p.fill('#v-evidence', '再次入户核实');
    await p.fill('#c-left-on', S[8]);
    await p.fill('.person-name.p0', '王建军');
    await p.fill('.person-name.p1', '李德明');
    await p.click('#save-verification');
    await p.waitForSelector('#case-state');
    assert.equal(await p.textContent('#case-state'), '再次辍学');
    const history = await p.textContent('#case-history');
    assert.match(history, /复学/);
    assert.equal(await p.$$eval('#case-history .attempts tbody tr', (r) => r.length), 3);
    await p.screenshot({ path: SHOTS + 'e2e-case-reopened.png', fullPage: true });

    // 8. Everything survives a reload; the ledgers count it.
    await p.reload();
    await p.waitForSelector('#case-state');
    assert.equal(await p.textContent('#case-state'), '再次辍学');
    await p.click('nav >> text=辍学台账');
    await p.click('#cases-reopened');
    assert.match(await p.textContent('#cases-table'), new RegExp(name));
    await p.click('nav >> text=疑似辍学');
    assert.ok(Number(await p.textContent('#count-confirmed .value')) >= 2);
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});

test('the 小升初 check flags its children; home teaching logs a visit; transfers are confirmed', async () => {
  const b = await launch();
  const p = b.page;
  try {
    await p.goto(server.url);
    await loadDemo(p);

    await p.click('nav >> text=疑似辍学');
    const pending = Number(await p.textContent('#count-pending .value'));
    await p.click('#run-p2j');
    const found = Number(await p.textContent('#p2j-result strong'));
    assert.ok(found > 0, 'the demo county has 小升初 gaps');
    await p.click('#flag-p2j');
    await p.waitForFunction((n) => Number(document.querySelector('#count-pending .value').textContent) === n, pending + found);
    assert.match(await p.textContent('#p2j-result'), /未发现/);
    await p.selectOption('#trigger-kind', '小升初未衔接');
    assert.equal(await p.$$eval('#suspects-table tbody tr', (r) => r.length), Math.min(found, 50));

    // A transfer out not yet received: confirm it, and it leaves the check.
    const transfers = await p.$$eval('.card:has(h2:text("转出未接收")) tbody tr', (r) => r.length);
    assert.ok(transfers > 0);
    await p.click('.card:has(h2:text("转出未接收")) tbody tr:first-child button:text("确认已接收")');
    await p.waitForFunction(
      (n) => [...document.querySelectorAll('.card')].find((c) => c.querySelector('h2')?.textContent === '转出未接收').querySelectorAll('tbody tr').length === n - 1,
      transfers,
    );

    // A child taught at home: log a visit.
    await p.click('nav >> text=适龄儿童台账');
    await p.selectOption('#filter-status', 'home-teaching');
    await p.click('#children-table tbody tr:first-child a');
    await p.waitForSelector('#visits');
    const before = await p.$$eval('#visits tbody tr', (r) => r.length);
    await p.fill('#visit-content', '康复训练、认读汉字20个');
    await p.fill('#visit-hours', '2.5');
    await p.click('#add-visit');
    await p.waitForFunction((n) => document.querySelectorAll('#visits tbody tr').length === n + 1, before);
    assert.match(await p.textContent('#visits tbody tr:first-child'), /认读汉字20个/);
    assert.match(await p.textContent('#history'), /送教上门/);
    assert.deepEqual(b.errors, []);
  } finally {
    await b.close();
  }
});
