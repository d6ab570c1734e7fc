use std::collections::BTreeMap;

use super::super::holdings::*;
use super::super::{decrypt, encrypt, read_payload, write_bundle, BundleError};
use super::*;

use super::super::test_county::{d, County};

fn county(code: &str) -> County {
    super::super::test_county::county(code, 3_000)
}

impl County {
    fn report(&self, school: Uuid, month: NaiveDate, version: u32) -> MonthlyReport {
        {
            let mut r =
                MonthlyReport::build(&self.ledger, &self.book, &self.history, school, month)
                    .unwrap();
            r.version = version;
            r.filled_by = "李老师".into();
            r.checked_by = "王校长".into();
            r
        }
    }

    /// The school and month with the most listed entries in the last three months.
    fn busiest(&self) -> (Uuid, NaiveDate) {
        let mut best = (0, self.c.schools[0].id, d(2026, 11, 1));
        for s in &self.c.schools {
            for month in [d(2026, 9, 1), d(2026, 10, 1), d(2026, 11, 1)] {
                let n = self.report(s.id, month, 1).entries().count();
                if n > best.0 {
                    best = (n, s.id, month);
                }
            }
        }
        assert!(best.0 > 0, "the demo has entries to report");
        (best.1, best.2)
    }

    fn me(&self) -> UnitRef {
        UnitRef::of(&self.c.installation)
    }

    /// A school's report as the file it sends.
    fn bundle(&self, r: &MonthlyReport, previous: Option<String>) -> String {
        let school = self.c.schools.iter().find(|s| s.id == r.school.id).unwrap();
        let env = Envelope::new(
            MONTHLY_KIND,
            UnitRef::school(school),
            Some(self.me()),
            Some(r.period.clone()),
            d(2026, 12, 2).and_hms_opt(10, 0, 0).unwrap(),
            "李老师",
            previous,
        );
        write_bundle(env, r).unwrap()
    }
}

/// The county's record of the school a report is from.
fn ours<'a>(k: &'a County, report: &MonthlyReport) -> Option<&'a crate::model::School> {
    k.ledger.schools().iter().find(|s| report.school.is(s))
}

/// `k`: the county importing.
fn import(
    inbox: &mut Inbox,
    k: &County,
    text: &str,
    keep: &BTreeMap<Uuid, bool>,
) -> Result<ImportPlan, String> {
    let (env, report) =
        read_payload::<MonthlyReport>(text, MONTHLY_KIND).map_err(|e| e.to_string())?;
    let plan = inbox
        .plan(&env, &report, &k.me(), ours(k, &report))
        .map_err(|e| e.to_string())?;
    inbox.apply(
        &plan,
        env,
        report,
        d(2026, 12, 3).and_hms_opt(9, 0, 0).unwrap(),
        "县控辍办",
        keep,
    );
    Ok(plan)
}

#[test]
fn a_monthly_report_lists_the_months_events_and_a_quiet_month_is_a_zero_report() {
    let k = county("433122");
    let (school, month) = k.busiest();
    let r = k.report(school, month, 1);
    assert_eq!(r.period, month_period(month));
    assert!(!r.zero_report);
    assert_eq!(
        r.total() as usize,
        k.c.children
            .iter()
            .filter(|c| c.school_id == Some(school) && c.grade.is_some())
            .count()
    );
    // Every new suspect was flagged in the month, at this school.
    for e in &r.new_suspects {
        assert!(e.date >= month && e.date < month + chrono::Months::new(1));
        assert_eq!(k.ledger.child(e.child_id).unwrap().school_id, Some(school));
    }
    assert_eq!(r.problems().unwrap(), vec![]);
    // A month long before the demo's casework: nothing happened, and it says so.
    let quiet = k.report(school, d(2020, 3, 1), 1);
    assert!(quiet.zero_report);
    assert_eq!(quiet.entries().count(), 0);
    assert!(quiet.total() > 0, "a zero report still carries the counts");
}

#[test]
fn import_is_a_dry_run_then_an_apply_and_the_same_file_twice_changes_nothing() {
    let k = county("433122");
    let (school, month) = k.busiest();
    let r = k.report(school, month, 1);
    let file = k.bundle(&r, None);
    let mut inbox = Inbox::default();
    let (env, report) = read_payload::<MonthlyReport>(&file, MONTHLY_KIND).unwrap();
    let plan = inbox
        .plan(&env, &report, &k.me(), ours(&k, &report))
        .unwrap();
    assert_eq!(plan.outcome, ReportOutcome::New);
    assert_eq!(plan.changes.len(), r.entries().count());
    assert!(plan
        .changes
        .iter()
        .all(|c| matches!(c, EntryChange::Added(..))));
    assert_eq!(inbox, Inbox::default(), "a dry run writes nothing");
    assert!(inbox.apply(
        &plan,
        env,
        report,
        d(2026, 12, 3).and_hms_opt(9, 0, 0).unwrap(),
        "县控辍办",
        &BTreeMap::new()
    ));
    let held = inbox.clone();
    let again = import(&mut inbox, &k, &file, &BTreeMap::new()).unwrap();
    assert_eq!(again.outcome, ReportOutcome::AlreadyImported);
    assert!(!again.changes_anything());
    assert_eq!(
        inbox, held,
        "importing the same bundle again changes nothing"
    );
}

#[test]
fn a_correction_supersedes_keeps_both_and_an_older_version_is_ignored() {
    let k = county("433122");
    let (school, month) = k.busiest();
    let v1 = k.report(school, month, 1);
    let f1 = k.bundle(&v1, None);
    let mut inbox = Inbox::default();
    import(&mut inbox, &k, &f1, &BTreeMap::new()).unwrap();

    // The county reviews the first entry; the school then corrects that very entry.
    let (list, first) = v1.entries().next().map(|(l, e)| (l, e.clone())).unwrap();
    inbox.set_review(Review {
        decisions: Vec::new(),
        school: v1.school.clone(),
        period: v1.period.clone(),
        report_version: 1,
        report_sha256: inbox
            .current(school, &v1.period)
            .unwrap()
            .envelope
            .content_sha256
            .clone(),
        reviewed_by: "县控辍办".into(),
        reviewed_at: d(2026, 12, 4).and_hms_opt(9, 0, 0).unwrap(),
        entries: vec![ReviewEntry {
            entry_id: first.id,
            list,
            name: first.name.clone(),
            verdict: ReviewVerdict::Confirmed,
            comment: "已电话核实".into(),
        }],
        comment: String::new(),
        lock: None,
    });
    let mut v2 = v1.clone();
    v2.version = 2;
    let fixed = match list {
        EntryList::NewSuspects => &mut v2.new_suspects[0],
        EntryList::ConfirmedDropouts => &mut v2.confirmed_dropouts[0],
        EntryList::Returns => &mut v2.returns[0],
        EntryList::Closures => &mut v2.closures[0],
    };
    fixed.detail = "更正：原因填写有误".into();
    let h1 = inbox
        .current(school, &v1.period)
        .unwrap()
        .envelope
        .content_sha256
        .clone();
    let f2 = k.bundle(&v2, Some(h1));
    let (env, report) = read_payload::<MonthlyReport>(&f2, MONTHLY_KIND).unwrap();
    let ours = k.c.schools.iter().find(|s| s.id == school);
    let plan = inbox.plan(&env, &report, &k.me(), ours).unwrap();
    assert_eq!(plan.outcome, ReportOutcome::Correction { held: 1 });
    assert_eq!(plan.changes.len(), 1);
    assert!(
        matches!(&plan.changes[0], EntryChange::Updated(_, before, after) if before.detail != after.detail)
    );
    assert_eq!(plan.conflicts.len(), 1, "reviewed here, changed there");
    assert!(plan.warnings.is_empty(), "{:?}", plan.warnings);
    // The person chooses to review it again: the verdict goes, both versions stay.
    let keep = BTreeMap::from([(first.id, false)]);
    inbox.apply(
        &plan,
        env,
        report,
        d(2026, 12, 5).and_hms_opt(9, 0, 0).unwrap(),
        "县控辍办",
        &keep,
    );
    assert_eq!(inbox.versions(school, &v1.period).len(), 2);
    assert_eq!(inbox.current(school, &v1.period).unwrap().report.version, 2);
    assert!(inbox.review(school, &v1.period).unwrap().entries.is_empty());

    // Version 1 again, with different content: older than the one held, ignored.
    let mut stale = v1.clone();
    stale.filled_by = "别人".into();
    let held = inbox.clone();
    let plan = import(&mut inbox, &k, &k.bundle(&stale, None), &BTreeMap::new()).unwrap();
    assert_eq!(plan.outcome, ReportOutcome::Older { held: 2 });
    assert_eq!(inbox, held);
}

#[test]
fn bad_bundles_are_refused_with_nothing_changed() {
    let k = county("433122");
    let (school, month) = k.busiest();
    let r = k.report(school, month, 1);
    let good = k.bundle(&r, None);
    let mut inbox = Inbox::default();

    // A changed byte in the payload: the hash no longer matches.
    let tampered = good.replacen(&r.checked_by, "张校长", 1);
    assert!(matches!(
        read_payload::<MonthlyReport>(&tampered, MONTHLY_KIND),
        Err(BundleError::Checksum { .. })
    ));
    // Cut short on the way.
    let cut = &good[..good.len() / 2];
    assert!(read_payload::<MonthlyReport>(cut, MONTHLY_KIND).is_err());
    // A backup where a report is expected.
    assert!(matches!(
        read_payload::<MonthlyReport>(&good, super::super::BACKUP_KIND),
        Err(BundleError::WrongKind { .. })
    ));
    // A newer format.
    let newer = good.replacen("\"format_version\":1", "\"format_version\":9", 1);
    assert!(matches!(
        read_payload::<MonthlyReport>(&newer, MONTHLY_KIND),
        Err(BundleError::NewerFormat(9))
    ));
    // Addressed to another county, or sent up by a county instead of a school.
    let other = county("433101");
    assert!(import(&mut inbox, &other, &good, &BTreeMap::new())
        .unwrap_err()
        .to_string()
        .contains("不是本单位"));
    let (mut env, report) = read_payload::<MonthlyReport>(&good, MONTHLY_KIND).unwrap();
    env.from_unit.level = "county".into();
    assert!(inbox
        .plan(&env, &report, &k.me(), ours(&k, &report))
        .unwrap_err()
        .to_string()
        .contains("应由学校报送"));
    // An envelope from one school around another school's report.
    let (mut env, report) = read_payload::<MonthlyReport>(&good, MONTHLY_KIND).unwrap();
    env.from_unit.code = "9999999999".into();
    assert!(inbox
        .plan(&env, &report, &k.me(), ours(&k, &report))
        .unwrap_err()
        .to_string()
        .contains("不一致"));
    // A bad period refuses the whole report; a bad ID number rejects its row, with where.
    let mut bad = r.clone();
    bad.period = "2026年11月".into();
    assert!(import(&mut inbox, &k, &k.bundle(&bad, None), &BTreeMap::new()).is_err());
    let mut row = r.clone();
    let (list, _) = row.entries().next().map(|(l, e)| (l, e.clone())).unwrap();
    let target = match list {
        EntryList::NewSuspects => &mut row.new_suspects[0],
        EntryList::ConfirmedDropouts => &mut row.confirmed_dropouts[0],
        EntryList::Returns => &mut row.returns[0],
        EntryList::Closures => &mut row.closures[0],
    };
    target.id_number = Some("43312220150101123X".into());
    let plan = inbox
        .plan(
            &env_of(&k.bundle(&row, None)),
            &row,
            &k.me(),
            ours(&k, &row),
        )
        .unwrap();
    assert_eq!(plan.rejected.len(), 1);
    assert!(
        plan.rejected[0].place.starts_with("payload."),
        "{:?}",
        plan.rejected
    );
    assert!(plan.rejected[0].place.ends_with(".id_number"));
    assert_eq!(
        inbox,
        Inbox::default(),
        "nothing was written by any of these"
    );
}

fn env_of(text: &str) -> Envelope {
    read_payload::<MonthlyReport>(text, MONTHLY_KIND).unwrap().0
}

#[test]
fn an_encrypted_report_round_trips_and_a_wrong_passphrase_is_refused() {
    let k = county("433122");
    let (school, month) = k.busiest();
    let r = k.report(school, month, 1);
    let file = k.bundle(&r, None);
    let sealed = encrypt(file.as_bytes(), "泸溪县控辍2026").unwrap();
    assert!(matches!(
        decrypt(&sealed, "wrong passphrase"),
        Err(BundleError::WrongPassphrase)
    ));
    let opened = decrypt(&sealed, "泸溪县控辍2026").unwrap();
    let (_, back) =
        read_payload::<MonthlyReport>(std::str::from_utf8(&opened).unwrap(), MONTHLY_KIND).unwrap();
    assert_eq!(back, r);
}

#[test]
fn completeness_shows_who_reported_who_sent_a_zero_report_and_who_is_late() {
    let k = county("433122");
    let month = d(2026, 11, 1);
    let period = month_period(month);
    let deadline = deadline_of(month, 5);
    assert_eq!(deadline, d(2026, 12, 5));
    let schools = &k.c.schools[..3];
    let mut inbox = Inbox::default();
    // School 0 reports on time; school 1 sends a zero report late; school 2 is silent.
    let r0 = k.report(schools[0].id, month, 1);
    import(&mut inbox, &k, &k.bundle(&r0, None), &BTreeMap::new()).unwrap();
    let mut r1 = k.report(schools[1].id, d(2020, 3, 1), 1);
    r1.period = period.clone();
    let (env, report) = read_payload::<MonthlyReport>(&k.bundle(&r1, None), MONTHLY_KIND).unwrap();
    let plan = inbox
        .plan(&env, &report, &k.me(), ours(&k, &report))
        .unwrap();
    inbox.apply(
        &plan,
        env,
        report,
        d(2026, 12, 8).and_hms_opt(9, 0, 0).unwrap(),
        "县控辍办",
        &BTreeMap::new(),
    );
    let at = |c: &[Completeness], i: usize| {
        c.iter()
            .find(|r| r.school_id == schools[i].id)
            .unwrap()
            .state
            .clone()
    };
    let c = inbox.completeness(schools, &period, deadline, d(2026, 12, 9));
    let c = [at(&c, 0), at(&c, 1), at(&c, 2)];
    assert!(matches!(c[0], ReportState::Reported { late: false, .. }));
    assert!(matches!(
        c[1],
        ReportState::Reported {
            zero: true,
            late: true,
            ..
        }
    ));
    assert_eq!(c[2], ReportState::Missing { late: true });
    let before = inbox.completeness(schools, &period, deadline, d(2026, 12, 1));
    assert_eq!(at(&before, 2), ReportState::Missing { late: false });
}

#[test]
fn the_report_status_table_goes_by_township_then_school() {
    let k = county("433122");
    let mut schools = k.c.schools.clone();
    schools.reverse();
    schools[0].township_code = String::new();
    let c = Inbox::default().completeness(&schools, "2026-11", d(2026, 12, 5), d(2026, 12, 1));
    assert_eq!(c.len(), schools.len());
    let towns: Vec<&str> = c.iter().map(|r| r.township_code.as_str()).collect();
    assert_eq!(
        towns.last(),
        Some(&""),
        "a school of no township comes last"
    );
    let named = &towns[..towns.len() - 1];
    assert!(named.windows(2).all(|w| w[0] <= w[1]), "{named:?}");
    assert!(named.first() < named.last(), "more than one township");
    for w in c
        .windows(2)
        .filter(|w| w[0].township_code == w[1].township_code)
    {
        let code = |r: &Completeness| {
            schools
                .iter()
                .find(|s| s.id == r.school_id)
                .unwrap()
                .code
                .clone()
        };
        assert!((code(&w[0]), &w[0].school) <= (code(&w[1]), &w[1].school));
    }
}

#[test]
fn the_school_takes_its_review_once_and_only_for_what_it_sent() {
    let k = county("433122");
    let (school, month) = k.busiest();
    let r = k.report(school, month, 1);
    let file = k.bundle(&r, None);
    let env = env_of(&file);
    let mut outbox = Outbox::default();
    outbox.sent.push(SentReport {
        period: r.period.clone(),
        version: 1,
        content_sha256: env.content_sha256.clone(),
        sent_at: env.created_at,
        sent_by: "李老师".into(),
        report: r.clone(),
    });
    assert_eq!(outbox.next_version(&r.period), 2);
    assert_eq!(outbox.chain_head(), Some(env.content_sha256.as_str()));
    let review = Review {
        decisions: Vec::new(),
        school: r.school.clone(),
        period: r.period.clone(),
        report_version: 1,
        report_sha256: env.content_sha256.clone(),
        reviewed_by: "县控辍办".into(),
        reviewed_at: d(2026, 12, 10).and_hms_opt(9, 0, 0).unwrap(),
        entries: r
            .entries()
            .map(|(list, e)| ReviewEntry {
                entry_id: e.id,
                list,
                name: e.name.clone(),
                verdict: ReviewVerdict::AskAgain,
                comment: "请补充家访记录".into(),
            })
            .collect(),
        comment: String::new(),
        lock: None,
    };
    // Every 请再核实 says why; one without a word (blank counts as none) stops the review.
    assert_eq!(review.check(), Ok(()));
    let mut silent = review.clone();
    silent.entries[0].comment = "  ".into();
    let said = silent.check().unwrap_err().to_string();
    assert!(
        said.starts_with("退回或请再核实的条目须写明意见：")
            && said.contains(&silent.entries[0].name),
        "{said}"
    );
    silent.entries[0].verdict = ReviewVerdict::Confirmed;
    assert_eq!(silent.check(), Ok(()), "核实无误 needs no comment");
    // Sent only when signed, sealed only with a passphrase of 8 characters or more.
    assert_eq!(r.check_signed(), Ok(()));
    let unsigned = MonthlyReport {
        checked_by: " ".into(),
        ..r.clone()
    };
    assert!(unsigned.check_signed().is_err());
    assert!(matches!(
        super::super::check_passphrase("七个字的口令吗"),
        Err(BundleError::WeakPassphrase)
    ));
    assert!(super::super::check_passphrase("八个字符的口令呀").is_ok());
    assert_eq!(
        BundleError::WeakPassphrase.to_string(),
        "口令至少8位（8个字符）"
    );
    // Through a file and back.
    let down = write_bundle(
        Envelope::new(
            REVIEW_KIND,
            k.me(),
            Some(UnitRef::school(
                &k.c.schools.iter().find(|s| s.id == school).unwrap().clone(),
            )),
            Some(r.period.clone()),
            review.reviewed_at,
            "县控辍办",
            None,
        ),
        &review,
    )
    .unwrap();
    let (_, got) = read_payload::<Review>(&down, REVIEW_KIND).unwrap();
    let own = k.c.schools.iter().find(|s| s.id == school).unwrap().clone();
    assert_eq!(outbox.receive_review(&own, got.clone()), Ok(true));
    assert_eq!(
        outbox.receive_review(&own, got.clone()),
        Ok(false),
        "the same review twice"
    );
    assert_eq!(
        outbox.review(&r.period).unwrap().entries.len(),
        r.entries().count()
    );
    let mut wrong = got.clone();
    wrong.report_sha256 = "0".repeat(64);
    assert!(outbox
        .receive_review(&own, wrong)
        .unwrap_err()
        .to_string()
        .contains("不一致"));
    let other = crate::model::School {
        id: Uuid::nil(),
        code: Some("2143122999".into()),
        name: "另一所学校".into(),
        ..own.clone()
    };
    assert!(outbox
        .receive_review(&other, got)
        .unwrap_err()
        .to_string()
        .contains("不是本校"));
}

#[test]
fn a_chain_of_reports_is_checked_and_a_missing_link_found() {
    let k = county("433122");
    let (school, month) = k.busiest();
    let r = k.report(school, month, 1);
    let first = env_of(&k.bundle(&r, None));
    let mut second = first.clone();
    second.created_at += chrono::Duration::days(30);
    second.content_sha256 = "b".repeat(64);
    second.previous_sha256 = Some(first.content_sha256.clone());
    let mut third = second.clone();
    third.created_at += chrono::Duration::days(30);
    third.content_sha256 = "c".repeat(64);
    third.previous_sha256 = Some(second.content_sha256.clone());
    assert_eq!(
        super::super::chain_breaks(&[third.clone(), first.clone(), second.clone()]),
        vec![]
    );
    // The third names a report that is not the second: a break, reported as (third, second).
    third.previous_sha256 = Some("d".repeat(64));
    assert_eq!(
        super::super::chain_breaks(&[first, second, third]),
        vec![(2, 1)]
    );
}

/// Each kind's JSON Schema in docs/ is the one its types make, and describes every member of
/// a real bundle's payload.
#[test]
fn the_json_schemas_of_the_report_kinds_in_docs_are_current() {
    use super::super::rollup::{Evaluation, RollUp, EVALUATION_KIND, ROLLUP_KIND};
    use super::super::schema_of;
    fn check<P: serde::Serialize + schemars::JsonSchema>(kind: &str, sample: &P) {
        let schema = schema_of::<P>(&format!("BaoXue bundle: {kind}"));
        let path = format!(
            "{}/../../docs/bundle-{kind}.schema.json",
            env!("CARGO_MANIFEST_DIR")
        );
        if std::env::var("BAOXUE_WRITE_SCHEMA").is_ok() {
            std::fs::write(&path, &schema).unwrap();
        }
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            on_disk == schema,
            "{path} is stale: run BAOXUE_WRITE_SCHEMA=1 cargo test -p baoxue-core schema"
        );
        let v: serde_json::Value = serde_json::from_str(&schema).unwrap();
        let reference = v["properties"]["payload"]["$ref"].as_str().unwrap();
        let def = &v["$defs"][reference.trim_start_matches("#/$defs/")];
        let payload = serde_json::to_value(sample).unwrap();
        for key in payload.as_object().unwrap().keys() {
            assert!(
                def["properties"].get(key).is_some(),
                "{kind}: payload.{key} missing in the schema"
            );
        }
    }
    let k = county("433122");
    let (school, month) = k.busiest();
    let r = k.report(school, month, 1);
    check(MONTHLY_KIND, &r);
    let review = Review {
        decisions: Vec::new(),
        school: r.school.clone(),
        period: r.period.clone(),
        report_version: 1,
        report_sha256: String::new(),
        reviewed_by: "县".into(),
        reviewed_at: d(2026, 12, 4).and_hms_opt(9, 0, 0).unwrap(),
        entries: vec![],
        comment: String::new(),
        lock: None,
    };
    check(REVIEW_KIND, &review);
    let setup = super::super::school_setup::SchoolSetup::for_school(
        &k.c.installation,
        &k.ledger,
        &k.book.settings,
        school,
        true,
        ("县", d(2026, 12, 4).and_hms_opt(9, 0, 0).unwrap()),
    )
    .unwrap();
    check(super::super::school_setup::SCHOOL_SETUP_KIND, &setup);
    let rollup = RollUp::of_county(k.me(), &r.period, &[&r], 1, Default::default(), vec![]);
    check(ROLLUP_KIND, &rollup);
    let eval = Evaluation::of(
        k.me(),
        "2026-2027",
        d(2027, 7, 1),
        &[&rollup],
        &Default::default(),
    );
    check(EVALUATION_KIND, &eval);
}

#[test]
fn a_school_set_up_by_hand_is_the_countys_school_by_its_code_in_the_preview_and_the_completeness() {
    let k = county("433122");
    let (school, month) = k.busiest();
    let listed = k.c.schools.iter().find(|s| s.id == school).unwrap().clone();
    assert!(listed.code.is_some());
    // The school's own installation: typed by hand, its own id, the same 学校标识码.
    let by_hand = crate::model::School {
        id: Uuid::from_u128(42),
        ..listed.clone()
    };
    let mut r = k.report(school, month, 1);
    r.school.id = by_hand.id;
    let env = Envelope::new(
        MONTHLY_KIND,
        UnitRef::school(&by_hand),
        Some(k.me()),
        Some(r.period.clone()),
        d(2026, 12, 2).and_hms_opt(10, 0, 0).unwrap(),
        "李老师",
        None,
    );
    let file = write_bundle(env, &r).unwrap();
    let (env, report) = read_payload::<MonthlyReport>(&file, MONTHLY_KIND).unwrap();
    let mut inbox = Inbox::default();
    let ours = k.c.schools.iter().find(|s| report.school.is(s));
    assert_eq!(ours.map(|s| s.id), Some(listed.id));
    let plan = inbox.plan(&env, &report, &k.me(), ours).unwrap();
    assert!(
        plan.warnings
            .iter()
            .all(|w| !w.to_string().contains("不在本县学校名单")),
        "{:?}",
        plan.warnings
    );
    assert_eq!(plan.school.id, listed.id);
    assert!(inbox.apply(
        &plan,
        env,
        report,
        d(2026, 12, 3).and_hms_opt(9, 0, 0).unwrap(),
        "县控辍办",
        &BTreeMap::new()
    ));
    let c = inbox.completeness(
        std::slice::from_ref(&listed),
        &r.period,
        d(2026, 12, 5),
        d(2026, 12, 3),
    );
    assert!(
        matches!(c[0].state, ReportState::Reported { .. }),
        "{:?}",
        c[0].state
    );

    // Not on the list: refused until a person adds or matches the school, by name and code.
    let refused = inbox
        .plan(
            &env_of(&file),
            &read_payload::<MonthlyReport>(&file, MONTHLY_KIND)
                .unwrap()
                .1,
            &k.me(),
            None,
        )
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("不在本县学校名单中，未导入")
            && refused.contains(listed.code.as_deref().unwrap()),
        "{refused}"
    );

    // The review comes back to the school under its own id.
    let review = Review {
        decisions: Vec::new(),
        school: inbox
            .current(listed.id, &r.period)
            .unwrap()
            .report
            .school
            .clone(),
        period: r.period.clone(),
        report_version: 1,
        report_sha256: env_of(&file).content_sha256.clone(),
        reviewed_by: "县控辍办".into(),
        reviewed_at: d(2026, 12, 10).and_hms_opt(9, 0, 0).unwrap(),
        entries: Vec::new(),
        comment: String::new(),
        lock: None,
    };
    let mut outbox = Outbox::default();
    outbox.sent.push(SentReport {
        period: r.period.clone(),
        version: 1,
        content_sha256: env_of(&file).content_sha256.clone(),
        sent_at: env_of(&file).created_at,
        sent_by: "李老师".into(),
        report: r.clone(),
    });
    assert_eq!(outbox.receive_review(&by_hand, review), Ok(true));
}

#[test]
fn versions_figures_and_periods_no_school_can_send_are_refused_with_where() {
    let k = county("433122");
    let (school, month) = k.busiest();
    let refused = |r: &MonthlyReport, inbox: &mut Inbox| {
        let before = inbox.clone();
        let e = import(inbox, &k, &k.bundle(r, None), &BTreeMap::new()).unwrap_err();
        assert_eq!(*inbox, before, "nothing changed");
        e
    };
    let mut inbox = Inbox::default();
    // One file must not silence a school for good: a version far ahead is refused.
    let e = refused(&k.report(school, month, u32::MAX), &mut inbox);
    assert!(
        e.contains("月报版本号4294967295不合理：一个月的月报不会更正到第99版以上"),
        "{e}"
    );
    let e = refused(&k.report(school, month, 7), &mut inbox);
    assert!(
        e.contains("月报版本号7不合理：尚未收到该校该月的月报，应为第1版"),
        "{e}"
    );
    import(
        &mut inbox,
        &k,
        &k.bundle(&k.report(school, month, 1), None),
        &BTreeMap::new(),
    )
    .unwrap();
    let e = refused(&k.report(school, month, 50), &mut inbox);
    assert!(e.contains("已收到第1版，更正应为第2版"), "{e}");
    let plan = import(
        &mut inbox,
        &k,
        &k.bundle(&k.report(school, month, 2), None),
        &BTreeMap::new(),
    )
    .unwrap();
    assert_eq!(plan.outcome, ReportOutcome::Correction { held: 1 });

    // Counts beyond any school, and counts that wrap a u32 when added up.
    let mut inbox = Inbox::default();
    let mut huge = k.report(school, month, 1);
    huge.counts[0].count = 209_715_200;
    let e = refused(&huge, &mut inbox);
    assert!(e.contains("payload.counts[0].count为209715200"), "{e}");
    let mut wrapping = k.report(school, month, 1);
    for c in &mut wrapping.counts {
        c.count = 4_999;
    }
    wrapping.counts = std::iter::repeat_n(wrapping.counts[0].clone(), 900_000).collect();
    assert!(wrapping.total() > u64::from(u32::MAX));
    let e = wrapping.problems().unwrap_err().to_string();
    assert!(e.contains("合计4499100000人"), "{e}");
    // As a file it is refused before its rows are even read: no school's month is 50 MB.
    let e = refused(&wrapping, &mut inbox);
    assert!(e.contains("超过此类文件可能的大小"), "{e}");
    let mut figures = k.report(school, month, 1);
    figures.figures = Some(crate::indicators::history::SchoolMonth {
        school_id: school,
        township_code: String::new(),
        month,
        start: [0; 9],
        entered: [0; 9],
        transferred_in: [0; 9],
        transferred_out: [0; 9],
        graduated: [0; 9],
        died: [0; 9],
        dropped_out: [0; 9],
        returned: [0; 9],
        suspended: [0; 9],
        suspected: [0; 9],
        end: [0, 0, 0, u32::MAX, 0, 0, 0, 0, 0],
    });
    let e = refused(&figures, &mut inbox);
    assert!(e.contains("payload.figures.end[3]为4294967295"), "{e}");

    // Periods that are no month of a school year.
    for period in [
        "2026-13",
        "26-12",
        "<script>alert(1)</script>",
        "+999-01",
        "9999-12",
        "2026-1",
    ] {
        let mut r = k.report(school, month, 1);
        r.period = period.into();
        let e = refused(&r, &mut inbox);
        assert!(
            e.contains("不是“年-月”") || e.contains("期间"),
            "{period}: {e}"
        );
    }
}

#[test]
fn a_wrongly_imported_version_is_withdrawn_and_the_school_reports_again() {
    let k = county("433122");
    let (school, month) = k.busiest();
    let mut inbox = Inbox::default();
    let period = month_period(month);
    import(
        &mut inbox,
        &k,
        &k.bundle(&k.report(school, month, 1), None),
        &BTreeMap::new(),
    )
    .unwrap();
    // A version 6 taken by mistake (allowed: five may have been lost on the way).
    let wrong = k.report(school, month, 6);
    import(&mut inbox, &k, &k.bundle(&wrong, None), &BTreeMap::new()).unwrap();
    assert_eq!(inbox.current(school, &period).unwrap().report.version, 6);
    let e = import(
        &mut inbox,
        &k,
        &k.bundle(&k.report(school, month, 2), None),
        &BTreeMap::new(),
    )
    .unwrap();
    assert_eq!(e.outcome, ReportOutcome::Older { held: 6 });
    let gone = inbox.withdraw(school, &period, 6).unwrap();
    assert_eq!(gone.report.version, 6);
    assert_eq!(inbox.current(school, &period).unwrap().report.version, 1);
    assert!(inbox.withdraw(school, &period, 6).is_none());
    // The school's real correction lands now.
    let plan = import(
        &mut inbox,
        &k,
        &k.bundle(&k.report(school, month, 2), None),
        &BTreeMap::new(),
    )
    .unwrap();
    assert_eq!(plan.outcome, ReportOutcome::Correction { held: 1 });
}

/// A report's bad rows and the import's warnings are typed, and say themselves in either
/// language: no Chinese in the English.
#[test]
fn row_problems_and_plan_warnings_are_said_in_both_languages() {
    use crate::model::{Lang, Localized};
    let han = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    let k = county("433122");
    let (school, month) = k.busiest();
    let mut r = k.report(school, month, 1);
    assert!(
        !r.new_suspects.is_empty(),
        "the busiest month has a suspect"
    );
    r.new_suspects[0].id_number = Some("110105194912310021".into());
    r.new_suspects[0].date = month - chrono::Duration::days(1);
    let problems = r.problems().unwrap();
    assert!(problems
        .iter()
        .any(|p| matches!(p.reason, RowProblem::BadIdNumber { .. })));
    assert!(problems
        .iter()
        .any(|p| matches!(p.reason, RowProblem::DateOutsideMonth { .. })));
    for p in &problems {
        assert!(han(&p.reason.say(Lang::Zh)), "{}", p.reason);
        assert!(!han(&p.reason.say(Lang::En)), "{}", p.reason.en());
    }
    // A file that names a previous report the county never received: a gap in the chain.
    let file = k.bundle(&r, Some("d".repeat(64)));
    let (env, report) = read_payload::<MonthlyReport>(&file, MONTHLY_KIND).unwrap();
    let plan = Inbox::default()
        .plan(&env, &report, &k.me(), ours(&k, &report))
        .unwrap();
    assert!(
        plan.warnings.contains(&PlanWarning::ChainGap),
        "{:?}",
        plan.warnings
    );
    for w in &plan.warnings {
        assert!(han(&w.to_string()));
        assert!(!han(&w.en()), "{}", w.en());
    }
    let unbalanced = PlanWarning::Unbalanced {
        stage: crate::model::Stage::Junior,
        expected: 120,
        end: 118,
        difference: -2,
    };
    assert_eq!(
        unbalanced.to_string(),
        "初中人账不符：按变动应有120人，月末实有118人（差-2）"
    );
    assert!(unbalanced.en().contains("difference -2"));
    assert!(!han(&unbalanced.en()));
}
