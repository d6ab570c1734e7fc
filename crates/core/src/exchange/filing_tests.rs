use super::super::report::{EntryList, ReviewEntry, ReviewVerdict};
use super::super::test_county::{county, d, County};
use super::super::{bundle_text, decrypt};
use super::*;
use crate::casework::Casebook;
use crate::record_key::RecordKey;

fn actor(name: &str, day: u32) -> Actor<'_> {
    Actor {
        name,
        now: d(2026, 12, day).and_hms_opt(9, 30, 0).unwrap(),
    }
}

/// The demo county and, set up from it, the school with the most to report in November.
fn county_and_school() -> (County, Installation, School, MonthlyReport) {
    let k = county("433122", 3_000);
    let mut best = (0, None);
    for s in &k.c.schools {
        let r = MonthlyReport::build(&k.ledger, &k.book, &k.history, s.id, d(2026, 11, 1))
            .expect("a school of the county");
        if r.entries().count() > best.0 {
            best = (r.entries().count(), Some((s.clone(), r)));
        }
    }
    let (school, mut report) = best.1.expect("the demo has entries in November");
    report.filled_by = "李老师".into();
    report.checked_by = "王校长".into();
    let mut inst = k.c.installation.clone();
    inst.level = Level::School;
    inst.school_id = Some(school.id);
    (k, inst, school, report)
}

const PASS: &str = "八个字符的口令呀";

#[test]
fn a_school_sends_only_a_signed_report_sealed_with_a_passphrase_to_its_county() {
    let (_, inst, school, report) = county_and_school();
    let outbox = Outbox::default();
    let unsigned = MonthlyReport {
        checked_by: " ".into(),
        ..report.clone()
    };
    assert!(matches!(
        send_report(
            &unsigned,
            &inst,
            &school,
            &outbox,
            Seal::Passphrase(PASS),
            actor("李老师", 1)
        ),
        Err(FilingError::Refused(_))
    ));
    let weak = send_report(
        &report,
        &inst,
        &school,
        &outbox,
        Seal::Passphrase("短口令"),
        actor("李老师", 1),
    )
    .unwrap_err();
    assert_eq!(
        weak.to_string(),
        "月报含学生姓名和身份证号，须加密，口令另行告知县级：口令至少8位（8个字符）"
    );
    let mut nowhere = inst.clone();
    nowhere.divisions.retain(|d| d.code.len() != 6);
    assert_eq!(
        send_report(
            &report,
            &nowhere,
            &school,
            &outbox,
            Seal::Passphrase(PASS),
            actor("李老师", 1)
        ),
        Err(FilingError::NoCounty)
    );

    let (filing, file) = send_report(
        &report,
        &inst,
        &school,
        &outbox,
        Seal::Passphrase(PASS),
        actor("李老师", 1),
    )
    .unwrap();
    assert_eq!(
        file.name,
        format!("{}_2026-11月报_第1版.baoxue", school.name)
    );
    let text = String::from_utf8(decrypt(&file.bytes, PASS).unwrap()).unwrap();
    let (env, carried) = read_payload::<MonthlyReport>(&text, MONTHLY_KIND).unwrap();
    assert_eq!(carried, report);
    assert_eq!(env.to_unit, UnitRef::county_of(&inst));
    assert_eq!(
        env.previous_sha256, None,
        "the first report starts the chain"
    );
    let [ExchangeRecord::ReportOut(sent)] = filing.records.as_slice() else {
        panic!("one sent report: {:?}", filing.records)
    };
    assert_eq!(sent.content_sha256, env.content_sha256);
    assert_eq!(filing.audit.len(), 1);
    assert_eq!(filing.audit[0].summary, "报送2026-11月报第1版");
    assert_eq!(filing.audit[0].operator, "李老师");

    // Applied, it locks version 1; the correction is version 2 and chains to it.
    let (mut inbox, mut outbox) = (Inbox::default(), Outbox::default());
    filing.apply(&mut inbox, &mut outbox);
    assert_eq!(outbox.latest("2026-11").map(|s| s.version), Some(1));
    assert_eq!(outbox.next_version("2026-11"), 2);
    let correction = MonthlyReport {
        version: 2,
        ..report.clone()
    };
    let (_, file2) = send_report(
        &correction,
        &inst,
        &school,
        &outbox,
        Seal::Passphrase(PASS),
        actor("李老师", 2),
    )
    .unwrap();
    let text2 = bundle_text(&file2.bytes, Some(PASS)).unwrap();
    let (env2, _) = read_payload::<MonthlyReport>(&text2, MONTHLY_KIND).unwrap();
    assert_eq!(env2.previous_sha256, Some(env.content_sha256));
    assert_eq!(inbox, Inbox::default(), "a school's send fills no inbox");
}

#[test]
fn the_county_imports_reviews_and_withdraws_and_the_school_takes_the_review_once() {
    let (k, inst, school, report) = county_and_school();
    let (sent, file) = send_report(
        &report,
        &inst,
        &school,
        &Outbox::default(),
        Seal::Passphrase(PASS),
        actor("李老师", 1),
    )
    .unwrap();
    let mut school_out = Outbox::default();
    sent.apply(&mut Inbox::default(), &mut school_out);

    // The county: plan, then apply; the same file again changes nothing.
    let me = UnitRef::of(&k.c.installation);
    let text = bundle_text(&file.bytes, Some(PASS)).unwrap();
    let stage = |inbox: &Inbox| {
        let (envelope, report) = read_payload::<MonthlyReport>(&text, MONTHLY_KIND).unwrap();
        let ours = k.ledger.schools().iter().find(|s| report.school.is(s));
        let plan = inbox.plan(&envelope, &report, &me, ours).unwrap();
        StagedReport {
            plan,
            envelope,
            report,
        }
    };
    let (mut inbox, mut outbox) = (Inbox::default(), Outbox::default());
    let first = stage(&inbox);
    let filing = apply_reports(&inbox, [&first], &BTreeMap::new(), actor("县控辍办", 3));
    assert_eq!(filing.audit.len(), 1);
    assert_eq!(
        filing.audit[0].summary,
        format!("导入{}2026-11月报第1版（新报告）", school.name)
    );
    assert_eq!(
        filing.audit[0].subject,
        format!("report/{}/2026-11", school.id)
    );
    let keys: Vec<RecordKey> = filing.records.iter().map(RecordKey::of_exchange).collect();
    assert_eq!(
        keys,
        [RecordKey::ReportIn {
            school: school.id,
            period: "2026-11".into(),
            version: 1
        }]
    );
    filing.apply(&mut inbox, &mut outbox);
    let held = inbox
        .current(school.id, "2026-11")
        .expect("imported")
        .clone();
    assert_eq!(held.received_by, "县控辍办");
    let again = stage(&inbox);
    assert_eq!(again.plan.outcome, ReportOutcome::AlreadyImported);
    let nothing = apply_reports(&inbox, [&again], &BTreeMap::new(), actor("县控辍办", 4));
    assert!(nothing.is_empty() && nothing.audit.is_empty());

    // The review: a 退回 without a word is refused, as is a short passphrase.
    let review = |verdict: ReviewVerdict, comment: &str| Review {
        school: held.report.school.clone(),
        period: held.report.period.clone(),
        report_version: 1,
        report_sha256: held.envelope.content_sha256.clone(),
        reviewed_by: "县控辍办".into(),
        reviewed_at: d(2026, 12, 5).and_hms_opt(10, 0, 0).unwrap(),
        entries: held
            .report
            .entries()
            .map(|(list, e)| ReviewEntry {
                entry_id: e.id,
                list,
                name: e.name.clone(),
                verdict,
                comment: comment.into(),
            })
            .collect(),
        decisions: Vec::new(),
        comment: String::new(),
        lock: None,
    };
    assert!(matches!(
        save_review(
            review(ReviewVerdict::Rejected, " "), &inbox,
            me.clone(),
            &school,
            Seal::Passphrase(PASS),
            actor("县控辍办", 5)
        ),
        Err(FilingError::Refused(m)) if m.to_string().starts_with("退回或请再核实的条目须写明意见")
    ));
    assert_eq!(
        save_review(
            review(ReviewVerdict::Confirmed, ""),
            &inbox,
            me.clone(),
            &school,
            Seal::Passphrase("1234567"),
            actor("县控辍办", 5)
        )
        .unwrap_err()
        .to_string(),
        "审核结果含学生姓名，须加密：口令至少8位（8个字符）"
    );
    let (saved, down) = save_review(
        review(ReviewVerdict::AskAgain, "请补充家访记录"),
        &inbox,
        me.clone(),
        &school,
        Seal::Passphrase(PASS),
        actor("县控辍办", 5),
    )
    .unwrap();
    assert_eq!(
        down.name,
        format!("{}_2026-11月报审核结果.baoxue", school.name)
    );
    assert_eq!(
        saved.audit[0].summary,
        format!("审核{}2026-11月报第1版", school.name)
    );
    saved.apply(&mut inbox, &mut outbox);
    assert!(inbox.review(school.id, "2026-11").is_some_and(|r| r
        .entries
        .iter()
        .all(|e| e.verdict == ReviewVerdict::AskAgain)));

    // The school takes it once; the second time there is nothing to file.
    let text = bundle_text(&down.bytes, Some(PASS)).unwrap();
    let (_, got) = read_payload::<Review>(&text, REVIEW_KIND).unwrap();
    let taken = receive_review(&school_out, &school, got.clone(), actor("李老师", 6))
        .unwrap()
        .expect("a new review");
    assert_eq!(taken.audit[0].summary, "收到2026-11月报县级审核结果");
    taken.apply(&mut Inbox::default(), &mut school_out);
    assert_eq!(school_out.review("2026-11"), Some(&got));
    assert_eq!(
        receive_review(&school_out, &school, got.clone(), actor("李老师", 6)),
        Ok(None)
    );
    let other = School {
        id: Uuid::nil(),
        code: Some("2143122999".into()),
        name: "另一所学校".into(),
        ..school.clone()
    };
    assert!(matches!(
        receive_review(&school_out, &other, got, actor("李老师", 6)),
        Err(FilingError::Refused(m)) if m.to_string().contains("不是本校")
    ));

    // Withdrawn: gone from the inbox, kept in the audit as a deletion.
    let w = withdraw_report(&held, actor("县控辍办", 7));
    assert_eq!(w.audit[0].action, AuditAction::Delete);
    assert!(w.audit[0].summary.starts_with(&format!(
        "撤回{}2026-11月报第1版（2026-12-03 09:30收到）",
        school.name
    )));
    w.apply(&mut inbox, &mut outbox);
    assert!(inbox.current(school.id, "2026-11").is_none());
    assert_eq!(outbox, Outbox::default(), "a county's work fills no outbox");
}

#[test]
fn an_entry_reviewed_then_changed_by_a_correction_keeps_its_verdict_only_when_chosen() {
    let (k, inst, school, report) = county_and_school();
    let me = UnitRef::of(&k.c.installation);
    let mut school_out = Outbox::default();
    let mut inbox = Inbox::default();
    let send = |r: &MonthlyReport, out: &Outbox| {
        let (f, file) = send_report(
            r,
            &inst,
            &school,
            out,
            Seal::Passphrase(PASS),
            actor("李老师", 1),
        )
        .unwrap();
        let text = bundle_text(&file.bytes, Some(PASS)).unwrap();
        (
            f,
            read_payload::<MonthlyReport>(&text, MONTHLY_KIND).unwrap(),
        )
    };
    let (f1, (env1, r1)) = send(&report, &school_out);
    f1.apply(&mut Inbox::default(), &mut school_out);
    let plan = inbox.plan(&env1, &r1, &me, Some(&school)).expect("a plan");
    let first = StagedReport {
        plan,
        envelope: env1,
        report: r1,
    };
    apply_reports(&inbox, [&first], &BTreeMap::new(), actor("县控辍办", 2))
        .apply(&mut inbox, &mut Outbox::default());
    let held = inbox.current(school.id, "2026-11").unwrap().clone();
    let (list, changed) = held
        .report
        .entries()
        .map(|(l, e)| (l, e.clone()))
        .next()
        .expect("entries");
    let verdict = ReviewEntry {
        entry_id: changed.id,
        list,
        name: changed.name.clone(),
        verdict: ReviewVerdict::Confirmed,
        comment: String::new(),
    };
    inbox.set_review(Review {
        school: held.report.school.clone(),
        period: "2026-11".into(),
        report_version: 1,
        report_sha256: held.envelope.content_sha256.clone(),
        reviewed_by: "县控辍办".into(),
        reviewed_at: d(2026, 12, 2).and_hms_opt(11, 0, 0).unwrap(),
        entries: vec![verdict],
        comment: String::new(),
        decisions: Vec::new(),
        lock: None,
    });
    let mut correction = MonthlyReport {
        version: 2,
        ..report.clone()
    };
    let lists = [
        (EntryList::NewSuspects, &mut correction.new_suspects),
        (
            EntryList::ConfirmedDropouts,
            &mut correction.confirmed_dropouts,
        ),
        (EntryList::Returns, &mut correction.returns),
        (EntryList::Closures, &mut correction.closures),
    ];
    for (l, entries) in lists {
        if l == list {
            entries[0].detail = "学校更正：已返校".into();
        }
    }
    let (_, (env2, r2)) = send(&correction, &school_out);
    let plan = inbox.plan(&env2, &r2, &me, Some(&school)).unwrap();
    assert_eq!(plan.conflicts.len(), 1);
    let second = StagedReport {
        plan,
        envelope: env2,
        report: r2,
    };
    for (keep, verdicts) in [(true, 1), (false, 0)] {
        let choice = BTreeMap::from([(changed.id, keep)]);
        let filing = apply_reports(&inbox, [&second], &choice, actor("县控辍办", 3));
        let stored = filing.records.iter().find_map(|r| match r {
            ExchangeRecord::Review(rv) => Some(rv.entries.len()),
            _ => None,
        });
        assert_eq!(stored, Some(verdicts), "keep the verdict: {keep}");
        assert!(filing.audit[0].summary.contains("更正版，替代第1版"));
        let mut after = inbox.clone();
        filing.apply(&mut after, &mut Outbox::default());
        assert_eq!(
            after.current(school.id, "2026-11").unwrap().report.version,
            2
        );
        assert_eq!(after.versions(school.id, "2026-11").len(), 2, "both kept");
    }
}

#[test]
fn roll_ups_land_when_new_or_a_correction_and_go_up_to_the_province() {
    let k = county("433122", 2_000);
    let key = PseudonymKey::from_bytes([3; 32]);
    let (made, filing) = new_pseudonym_key([3; 32], actor("县控辍办", 1));
    assert_eq!(made, key);
    assert_eq!(
        filing.records,
        [ExchangeRecord::PseudonymKey(key.clone())],
        "kept, so every month's pseudonyms agree"
    );
    let inbox = Inbox::default();
    let records = CountyRecords {
        installation: &k.c.installation,
        ledger: &k.ledger,
        reports: &inbox.reports,
        census_definition: Default::default(),
    };
    let (rollup, file) = county_rollup(
        &records,
        "2026-11",
        &key,
        d(2026, 11, 23),
        actor("县控辍办", 5),
    )
    .unwrap();
    assert_eq!(
        file.name,
        format!("{}_2026-11控辍保学汇总.json", k.c.installation.short_name())
    );
    let text = String::from_utf8(file.bytes).unwrap();
    let (env, carried) = read_payload::<RollUp>(&text, ROLLUP_KIND).unwrap();
    assert_eq!(carried, rollup);

    // The prefecture takes it once.
    let mut prefecture = k.c.installation.clone();
    prefecture.level = Level::Prefecture;
    prefecture.divisions.truncate(2);
    let me = UnitRef::of(&prefecture);
    assert_eq!(env.to_unit.as_ref().map(|u| &u.code), Some(&me.code));
    let mut held = Inbox::default();
    let outcome = held.plan_rollup(&env, &rollup, &me).unwrap();
    let staged = StagedRollUp {
        outcome,
        envelope: env.clone(),
        rollup: rollup.clone(),
    };
    let filing = apply_rollups([&staged], actor("市控辍办", 6));
    assert_eq!(
        filing.audit[0].summary,
        format!("导入{}2026-11汇总第1版（新报告）", rollup.unit.name)
    );
    filing.apply(&mut held, &mut Outbox::default());
    assert!(held.current_rollup(&rollup.unit.code, "2026-11").is_some());
    let again = StagedRollUp {
        outcome: held.plan_rollup(&env, &rollup, &me).unwrap(),
        ..staged
    };
    assert_eq!(again.outcome, ReportOutcome::AlreadyImported);
    assert!(apply_rollups([&again], actor("市控辍办", 6)).is_empty());

    // Up to the province, and the province's evaluation of what it holds.
    let up = upper_rollup(&prefecture, "2026-11", &[&rollup], actor("市控辍办", 7)).unwrap();
    let text = String::from_utf8(up.bytes).unwrap();
    let (env, whole) = read_payload::<RollUp>(&text, ROLLUP_KIND).unwrap();
    let to = env.to_unit.expect("addressed");
    assert_eq!((to.level.as_str(), to.code.as_str()), ("province", "43"));
    assert_eq!(whole.totals.children, rollup.totals.children);
    let mut province = prefecture.clone();
    province.level = Level::Province;
    province.divisions.truncate(1);
    let targets = Targets::default();
    assert_eq!(
        evaluation(
            &province,
            d(2026, 11, 23),
            &[],
            &targets,
            actor("省控辍办", 8)
        ),
        Err(FilingError::NoRollUps)
    );
    let (eval, file) = evaluation(
        &province,
        d(2026, 11, 23),
        &[&whole],
        &targets,
        actor("省控辍办", 8),
    )
    .unwrap();
    assert_eq!(eval.school_year, "2026-2027");
    assert_eq!(file.name, "2026-2027学年控辍保学评估.json");
}

#[test]
fn every_exchange_error_says_itself_in_english_too() {
    use crate::model::{Lang, Localized};
    let chinese = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    let bundle = [
        BundleError::Json {
            line: 3,
            column: 7,
            message: "expected value".into(),
        },
        BundleError::Truncated("EOF".into()),
        BundleError::NotABundle("x".into()),
        BundleError::NewerFormat(9),
        BundleError::UnknownFormat("0".into()),
        BundleError::Checksum {
            expected: "ab".into(),
            actual: "cd".into(),
        },
        BundleError::WrongKind {
            expected: "rollup".into(),
            found: "backup".into(),
        },
        BundleError::Payload("missing field".into()),
        BundleError::WrongPassphrase,
        BundleError::Corrupt("bad header".into()),
        BundleError::NeedsPassphrase,
        BundleError::WeakPassphrase,
        BundleError::ExcessiveWork { found: 30, max: 18 },
    ];
    let filing = [
        FilingError::ReportPassphrase(BundleError::WeakPassphrase),
        FilingError::ReviewPassphrase(BundleError::WeakPassphrase),
        FilingError::NoCounty,
        FilingError::NoRollUps,
        FilingError::Bundle(BundleError::WrongPassphrase),
    ];
    let says: Vec<(String, String)> = bundle
        .iter()
        .map(|e| (e.say(Lang::Zh), e.say(Lang::En)))
        .chain(filing.iter().map(|e| (e.say(Lang::Zh), e.say(Lang::En))))
        .collect();
    for (zh, en) in says {
        assert!(chinese(&zh), "{zh}");
        assert!(!chinese(&en), "English without Chinese: {en}");
    }
    assert_eq!(
        FilingError::ReportPassphrase(BundleError::WeakPassphrase).say(Lang::En),
        "The monthly report holds pupils' names and ID numbers and must be encrypted; tell the county the passphrase separately: A passphrase needs at least 8 characters"
    );
}

#[test]
fn importing_a_report_lands_its_children_in_the_countys_ledgers_once() {
    let (k, inst, school, report) = county_and_school();
    let (_, file) = send_report(
        &report,
        &inst,
        &school,
        &Outbox::default(),
        Seal::Passphrase(PASS),
        actor("李老师", 1),
    )
    .unwrap();
    let me = UnitRef::of(&k.c.installation);
    let text = bundle_text(&file.bytes, Some(PASS)).unwrap();
    let stage = |inbox: &Inbox| {
        let (envelope, report) = read_payload::<MonthlyReport>(&text, MONTHLY_KIND).unwrap();
        let ours = k.ledger.schools().iter().find(|s| report.school.is(s));
        let plan = inbox.plan(&envelope, &report, &me, ours).unwrap();
        StagedReport {
            plan,
            envelope,
            report,
        }
    };
    // A county that knows the children but not yet the school's casework.
    let book = Casebook::default();
    let choices = BTreeMap::new();
    let into = || super::super::landing::LandIn {
        ledger: &k.ledger,
        casebook: &book,
        choices: &choices,
    };
    let inbox = Inbox::default();
    let first = stage(&inbox);
    let (filing, landing) = import_reports(
        &inbox,
        [("惠城一小11月.baoxue", &first)],
        &BTreeMap::new(),
        into(),
        actor("县控辍办", 3),
    );
    assert_eq!(
        filing,
        apply_reports(&inbox, [&first], &BTreeMap::new(), actor("县控辍办", 3)),
        "landing changes nothing of what is filed"
    );
    let reported: std::collections::BTreeSet<Uuid> = report
        .entries()
        .filter_map(|(_, e)| e.suspect.as_ref().map(|s| s.id))
        .collect();
    assert!(!reported.is_empty(), "the demo school reports suspects");
    let landed: std::collections::BTreeSet<Uuid> =
        landing.set.suspects.iter().map(|s| s.id).collect();
    assert_eq!(landed, reported);
    assert_eq!(landing.added, 0, "every child is the county's own");
    assert!(landing.conflicts.is_empty());
    for s in &landing.set.suspects {
        assert!(k.ledger.child(s.child_id).is_some());
        assert!(landing
            .set
            .audit
            .iter()
            .any(|a| a.subject == s.child_id.to_string()
                && a.summary.contains("惠城一小11月.baoxue")));
    }

    // Filed, the same file again lands nothing.
    let (mut inbox, mut outbox) = (Inbox::default(), Outbox::default());
    filing.apply(&mut inbox, &mut outbox);
    let mut book = book;
    book.apply(&landing.set);
    let again = stage(&inbox);
    let (filing, landing) = import_reports(
        &inbox,
        [("惠城一小11月.baoxue", &again)],
        &BTreeMap::new(),
        super::super::landing::LandIn {
            ledger: &k.ledger,
            casebook: &book,
            choices: &choices,
        },
        actor("县控辍办", 4),
    );
    assert!(filing.is_empty());
    assert_eq!(landing, Default::default());
}

#[test]
fn a_report_sealed_to_the_countys_key_opens_there_and_its_review_goes_back_to_the_schools() {
    let (k, inst, school, report) = county_and_school();
    let (county_key, school_key) = (OfficeKey::generate(), OfficeKey::generate());
    let (_, file) = send_report(
        &report,
        &inst,
        &school,
        &Outbox::default(),
        Seal::ToOffice {
            receiver: &county_key.public,
            own: &school_key,
        },
        actor("李老师", 1),
    )
    .unwrap();
    assert!(file.name.ends_with(".baoxue"));
    // No passphrase: the county's key opens it, the school can read its own copy, nobody else.
    let text = super::super::open_text(&file.bytes, Some(&county_key), None).unwrap();
    let (env, carried) = read_payload::<MonthlyReport>(&text, MONTHLY_KIND).unwrap();
    assert_eq!(carried, report);
    assert_eq!(env.from_key.as_deref(), Some(school_key.public.as_str()));
    assert!(super::super::open_text(&file.bytes, Some(&school_key), None).is_ok());
    assert_eq!(
        super::super::open_text(&file.bytes, Some(&OfficeKey::generate()), None),
        Err(BundleError::NotForThisOffice)
    );
    assert_eq!(
        super::super::open_text(&file.bytes, None, Some(PASS)),
        Err(BundleError::NotForThisOffice)
    );
    // A bad county key is refused before anything is filed.
    assert!(matches!(
        send_report(
            &report,
            &inst,
            &school,
            &Outbox::default(),
            Seal::ToOffice {
                receiver: "age1xyz",
                own: &school_key,
            },
            actor("李老师", 1),
        ),
        Err(FilingError::ReportPassphrase(BundleError::BadKey(_)))
    ));

    // The review, sealed back to the key the report came with.
    let review = Review {
        school: carried.school.clone(),
        period: carried.period.clone(),
        report_version: 1,
        report_sha256: env.content_sha256.clone(),
        reviewed_by: "县控辍办".into(),
        reviewed_at: d(2026, 12, 5).and_hms_opt(10, 0, 0).unwrap(),
        entries: Vec::new(),
        comment: "核实无误".into(),
        decisions: Vec::new(),
        lock: None,
    };
    let from = env.from_key.unwrap();
    let (_, back) = save_review(
        review.clone(),
        &Inbox::default(),
        UnitRef::of(&k.c.installation),
        &school,
        Seal::ToOffice {
            receiver: &from,
            own: &county_key,
        },
        actor("县控辍办", 5),
    )
    .unwrap();
    let text = super::super::open_text(&back.bytes, Some(&school_key), None).unwrap();
    let (_, got) = read_payload::<Review>(&text, REVIEW_KIND).unwrap();
    assert_eq!(got, review);
}

/// 报送 → 接收 → 重新开放: the county's acceptance travels down as a receipt and locks the
/// month at both ends; only a reopen, with its reason, lets the school correct it; a file
/// the county never got shows at the school, from the receipt's chain head.
#[test]
fn an_accepted_month_is_locked_at_both_ends_until_the_county_reopens_it() {
    let (k, inst, school, report) = county_and_school();
    let me = UnitRef::of(&k.c.installation);
    let mut school_out = Outbox::default();
    let send = |out: &Outbox, report: &MonthlyReport, day: u32| {
        send_report(
            report,
            &inst,
            &school,
            out,
            Seal::Passphrase(PASS),
            actor("李老师", day),
        )
    };
    let (sent, file) = send(&school_out, &report, 1).unwrap();
    sent.apply(&mut Inbox::default(), &mut school_out);
    assert_eq!(
        school_out.lock("2026-11"),
        PeriodLock::Waiting { version: 1 }
    );

    let mut inbox = Inbox::default();
    let import = |inbox: &mut Inbox, bytes: &[u8], day: u32| -> Result<(), Refusal> {
        let text = bundle_text(bytes, Some(PASS)).unwrap();
        let (envelope, report) = read_payload::<MonthlyReport>(&text, MONTHLY_KIND).unwrap();
        let ours = k.ledger.schools().iter().find(|s| report.school.is(s));
        let plan = inbox.plan(&envelope, &report, &me, ours)?;
        let staged = StagedReport {
            plan,
            envelope,
            report,
        };
        apply_reports(inbox, [&staged], &BTreeMap::new(), actor("县控辍办", day))
            .apply(inbox, &mut Outbox::default());
        Ok(())
    };
    import(&mut inbox, &file.bytes, 2).unwrap();
    assert_eq!(
        inbox.lock(school.id, "2026-11"),
        PeriodLock::Waiting { version: 1 }
    );
    // The school sends December before the county accepts November; December's file never
    // reaches the county.
    let december = MonthlyReport {
        period: "2026-12".into(),
        ..report.clone()
    };
    let (dec, _lost) = send(&school_out, &december, 3).unwrap();
    dec.apply(&mut Inbox::default(), &mut school_out);

    let held = inbox.current(school.id, "2026-11").unwrap().clone();
    let review = Review {
        school: held.report.school.clone(),
        period: "2026-11".into(),
        report_version: 1,
        report_sha256: held.envelope.content_sha256.clone(),
        reviewed_by: "县控辍办".into(),
        reviewed_at: d(2026, 12, 4).and_hms_opt(10, 0, 0).unwrap(),
        entries: Vec::new(),
        comment: "核实无误".into(),
        decisions: Vec::new(),
        lock: None,
    };
    let accept = |inbox: &Inbox, review: Review| {
        accept_report(
            review,
            inbox,
            me.clone(),
            &school,
            Seal::Passphrase(PASS),
            actor("县控辍办", 4),
        )
    };
    // Only the latest version held is accepted.
    assert_eq!(
        accept(
            &inbox,
            Review {
                report_version: 2,
                ..review.clone()
            }
        )
        .unwrap_err(),
        FilingError::Refused(Refusal::AcceptNotLatest {
            version: 2,
            held: 1
        })
    );
    let (accepted, down) = accept(&inbox, review.clone()).unwrap();
    assert_eq!(
        accepted.audit[0].summary,
        format!("接收{}2026-11月报第1版，本期锁定", school.name)
    );
    accepted.apply(&mut inbox, &mut Outbox::default());
    let PeriodLock::Accepted(receipt) = inbox.lock(school.id, "2026-11") else {
        panic!("accepted: {:?}", inbox.lock(school.id, "2026-11"))
    };
    assert_eq!(receipt.version, 1);
    assert_eq!(
        receipt.chain_head, held.envelope.content_sha256,
        "the last file the county holds"
    );
    assert!(inbox
        .lock(school.id, "2026-11")
        .say(crate::model::Lang::Zh)
        .starts_with("县级已于2026-12-04接收第1版（县控辍办），本期已锁定"));

    // The school takes the review: locked there too, and December shows as not received.
    let text = bundle_text(&down.bytes, Some(PASS)).unwrap();
    let (_, got) = read_payload::<Review>(&text, REVIEW_KIND).unwrap();
    receive_review(&school_out, &school, got.clone(), actor("李老师", 5))
        .unwrap()
        .unwrap()
        .apply(&mut Inbox::default(), &mut school_out);
    assert!(school_out.lock("2026-11").is_accepted());
    let missing: Vec<&str> = school_out
        .unreceived(&receipt)
        .unwrap()
        .iter()
        .map(|s| s.period.as_str())
        .collect();
    assert_eq!(missing, ["2026-12"]);
    // A receipt naming a file the school never sent is refused.
    let mut forged = got.clone();
    if let Some(LockChange::Accepted(r)) = &mut forged.lock {
        r.chain_head = "0".repeat(64);
    }
    forged.reviewed_at = d(2026, 12, 6).and_hms_opt(9, 0, 0).unwrap();
    assert_eq!(
        receive_review(&school_out, &school, forged, actor("李老师", 6)).unwrap_err(),
        FilingError::Refused(Refusal::ReceiptChainUnknown)
    );

    // Locked: the school cannot send a correction, the county would not take one, and a
    // review saved again keeps the receipt.
    let correction = MonthlyReport {
        version: 2,
        ..report.clone()
    };
    assert_eq!(
        send(&school_out, &correction, 6).unwrap_err(),
        FilingError::Refused(Refusal::PeriodAccepted {
            period: "2026-11".into(),
            version: 1
        })
    );
    let (forced, forced_file) = send(&Outbox::default(), &correction, 6).unwrap();
    drop(forced);
    assert!(matches!(
        import(&mut inbox, &forced_file.bytes, 6),
        Err(Refusal::PeriodAccepted { version: 1, .. })
    ));
    let (again, _) = save_review(
        Review {
            comment: "补充意见".into(),
            ..review.clone()
        },
        &inbox,
        me.clone(),
        &school,
        Seal::Passphrase(PASS),
        actor("县控辍办", 6),
    )
    .unwrap();
    again.apply(&mut inbox, &mut Outbox::default());
    assert!(inbox.lock(school.id, "2026-11").is_accepted());

    // Reopened, with a reason: the school may correct; the county takes the correction.
    let reopen = |inbox: &Inbox, reason: &str| {
        reopen_period(
            inbox,
            "2026-11",
            reason,
            me.clone(),
            &school,
            Seal::Passphrase(PASS),
            actor("县控辍办", 7),
        )
    };
    assert_eq!(
        reopen(&inbox, "  ").unwrap_err(),
        FilingError::Refused(Refusal::ReopenWithoutReason)
    );
    let (reopened, down) = reopen(&inbox, "学校补报一名转学学生").unwrap();
    assert_eq!(
        reopened.audit[0].summary,
        format!(
            "重新开放{}2026-11月报（已接收第1版），原因：学校补报一名转学学生",
            school.name
        )
    );
    reopened.apply(&mut inbox, &mut Outbox::default());
    assert!(
        matches!(inbox.lock(school.id, "2026-11"), PeriodLock::Reopened(r) if r.reason == "学校补报一名转学学生")
    );
    assert_eq!(
        reopen(&inbox, "再开一次").unwrap_err(),
        FilingError::Refused(Refusal::ReopenNotAccepted)
    );
    let text = bundle_text(&down.bytes, Some(PASS)).unwrap();
    let (_, got) = read_payload::<Review>(&text, REVIEW_KIND).unwrap();
    receive_review(&school_out, &school, got, actor("李老师", 8))
        .unwrap()
        .unwrap()
        .apply(&mut Inbox::default(), &mut school_out);
    assert!(school_out
        .lock("2026-11")
        .say(crate::model::Lang::Zh)
        .contains("学校补报一名转学学生"));
    let (v2, v2_file) = send(&school_out, &correction, 8).unwrap();
    v2.apply(&mut Inbox::default(), &mut school_out);
    assert_eq!(
        school_out.lock("2026-11"),
        PeriodLock::Waiting { version: 2 }
    );
    import(&mut inbox, &v2_file.bytes, 9).unwrap();
    assert_eq!(
        inbox.lock(school.id, "2026-11"),
        PeriodLock::Waiting { version: 2 }
    );
}
