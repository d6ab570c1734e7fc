use chrono::{Duration, NaiveDate};
use uuid::Uuid;

use super::*;
use crate::demo::{generate, DemoParams};
use crate::divisions::DivisionTable;
use crate::model::PreviousYear;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// A small county, a casebook, and one enrolled child of grade 8.
fn setup() -> (Ledger, Casebook, Uuid) {
    let table = DivisionTable::parse(include_str!("../../../../public/divisions.tsv")).unwrap();
    let mut p = DemoParams::new(d(2026, 11, 23));
    p.children = 300;
    let c = generate(&p, &table).unwrap();
    let ledger = Ledger::new(c.schools, &c.installation.townships, c.children);
    let child = ledger
        .children()
        .iter()
        .find(|c| c.status == Status::InSchool && c.grade == Some(8))
        .unwrap()
        .id;
    (ledger, Casebook::default(), child)
}

fn actor(day: NaiveDate) -> Actor<'static> {
    Actor {
        name: "李老师",
        now: day.and_hms_opt(9, 0, 0).unwrap(),
    }
}

/// Stores a change set: the ledger and the casebook take it in.
fn commit(ledger: &mut Ledger, book: &mut Casebook, set: ChangeSet) {
    let batch = ledger
        .prepare_batch(set.children.clone(), actor(d(2026, 11, 23)).now)
        .unwrap();
    ledger.apply_batch(batch);
    book.apply(&set);
}

fn absent(ledger: &Ledger, book: &Casebook, child: Uuid, day: NaiveDate) -> ChangeSet {
    book.record_register(
        ledger,
        day,
        &[(child, Some((AbsenceKind::Unexcused, "未请假".into())))],
        &actor(day),
        Uuid::new_v4,
    )
    .unwrap()
}

fn two_persons() -> Vec<ResponsiblePerson> {
    vec![
        ResponsiblePerson {
            name: "王乡长".into(),
            role: ResponsibleRole::TownshipCadre,
            phone: String::new(),
        },
        ResponsiblePerson {
            name: "张老师".into(),
            role: ResponsibleRole::Teacher,
            phone: String::new(),
        },
    ]
}

/// A case for `child`: flagged by hand on `flagged`, confirmed as a dropout on `confirmed`.
fn open_case(
    l: &mut Ledger,
    b: &mut Casebook,
    child: Uuid,
    flagged: NaiveDate,
    confirmed: NaiveDate,
) -> Uuid {
    let set = b
        .flag_manual(l, child, "x", &actor(flagged), Uuid::new_v4())
        .unwrap();
    let sid = set.suspects[0].id;
    commit(l, b, set);
    let set = confirm(l, b, sid, confirmed).unwrap();
    let case_id = set.cases[0].id;
    commit(l, b, set);
    case_id
}

fn confirm(
    ledger: &Ledger,
    book: &Casebook,
    suspect: Uuid,
    day: NaiveDate,
) -> Result<ChangeSet, CaseworkError> {
    book.verify(
        ledger,
        suspect,
        Verification {
            date: day,
            by: "县控辍办".into(),
            methods: vec![VerifyMethod::HomeVisit],
            verdict: Verdict::Confirmed,
            evidence: "入户走访，学生在家".into(),
        },
        Some(NewCase {
            left_on: day - Duration::days(5),
            cause: DropoutCause::Learning,
            cause_note: String::new(),
            responsible: two_persons(),
            deadline: day + Duration::days(30),
            support: vec![SupportMeasure::Counselling],
        }),
        &actor(day),
        Uuid::new_v4(),
    )
}

#[test]
fn runs_count_school_days_and_skip_weekends() {
    // Thu 2026-11-19, Fri 20, Mon 23.
    let days = [d(2026, 11, 19), d(2026, 11, 20), d(2026, 11, 23)];
    let cal = attendance::SchoolCalendar::default();
    assert_eq!(
        cal.unexcused_run(&days, d(2026, 11, 23)),
        (3, d(2026, 11, 19))
    );
    // A present day in between breaks the run.
    let gap = [d(2026, 11, 17), d(2026, 11, 19), d(2026, 11, 20)];
    assert_eq!(
        cal.unexcused_run(&gap, d(2026, 11, 20)),
        (2, d(2026, 11, 19))
    );
    assert_eq!(cal.unexcused_run(&gap, d(2026, 11, 23)).0, 0);
    assert!(!cal.is_school_day(d(2026, 11, 22)));
}

#[test]
fn the_third_unexcused_day_flags_the_child_with_the_absences_as_evidence() {
    let (mut l, mut b, child) = setup();
    for day in [d(2026, 11, 19), d(2026, 11, 20)] {
        let set = absent(&l, &b, child, day);
        assert!(set.suspects.is_empty(), "not before the threshold");
        commit(&mut l, &mut b, set);
    }
    // An excused day does not count; a weekend day cannot be recorded.
    assert_eq!(
        b.record_register(
            &l,
            d(2026, 11, 22),
            &[(child, Some((AbsenceKind::Unexcused, String::new())))],
            &actor(d(2026, 11, 23)),
            Uuid::new_v4
        ),
        Err(CaseworkError::NotSchoolDay(d(2026, 11, 22)))
    );
    let set = absent(&l, &b, child, d(2026, 11, 23));
    assert_eq!(set.suspects.len(), 1);
    assert_eq!(
        set.suspects[0].trigger,
        SuspectTrigger::Absence {
            first_day: d(2026, 11, 19),
            last_day: d(2026, 11, 23),
            days: 3
        }
    );
    assert_eq!(set.children[0].status, Status::SuspectedDropout);
    assert!(set
        .audit
        .iter()
        .any(|a| a.subject == child.to_string() && a.summary.contains("连续3个教学日")));
    commit(&mut l, &mut b, set);
    // Marked present after all: the absence is taken back, the flag stays for verification.
    let set = b
        .record_register(
            &l,
            d(2026, 11, 23),
            &[(child, None)],
            &actor(d(2026, 11, 23)),
            Uuid::new_v4,
        )
        .unwrap();
    assert_eq!(set.removed_absences, vec![format!("2026-11-23/{child}")]);
}

#[test]
fn the_threshold_is_a_setting() {
    let (mut l, mut b, child) = setup();
    b.settings.absence_threshold = 2;
    let s = absent(&l, &b, child, d(2026, 11, 19));
    commit(&mut l, &mut b, s);
    assert_eq!(absent(&l, &b, child, d(2026, 11, 20)).suspects.len(), 1);
}

#[test]
fn status_changes_only_by_the_legal_paths() {
    let (mut l, mut b, child) = setup();
    // Manual flag needs a reason; flagging twice is refused.
    assert_eq!(
        b.flag_manual(&l, child, " ", &actor(d(2026, 11, 23)), Uuid::new_v4()),
        Err(CaseworkError::NoReason)
    );
    let set = b
        .flag_manual(
            &l,
            child,
            "家长来电称孩子不愿上学",
            &actor(d(2026, 11, 23)),
            Uuid::new_v4(),
        )
        .unwrap();
    let suspect = set.suspects[0].id;
    commit(&mut l, &mut b, set);
    assert!(matches!(
        b.flag_manual(&l, child, "x", &actor(d(2026, 11, 23)), Uuid::new_v4()),
        Err(CaseworkError::AlreadySuspect { .. })
    ));
    // A dropout cannot be flagged; a confirmed one needs two named persons.
    let mut one = two_persons();
    one.truncate(1);
    let err = b.verify(
        &l,
        suspect,
        Verification {
            date: d(2026, 11, 23),
            by: "x".into(),
            methods: vec![VerifyMethod::Phone],
            verdict: Verdict::Confirmed,
            evidence: "电话".into(),
        },
        Some(NewCase {
            left_on: d(2026, 11, 16),
            cause: DropoutCause::Work,
            cause_note: String::new(),
            responsible: one,
            deadline: d(2026, 12, 20),
            support: vec![],
        }),
        &actor(d(2026, 11, 23)),
        Uuid::new_v4(),
    );
    assert_eq!(err, Err(CaseworkError::TooFewResponsible(1)));
    let set = confirm(&l, &b, suspect, d(2026, 11, 23)).unwrap();
    assert_eq!(set.children[0].status, Status::Dropout);
    assert_eq!(set.cases.len(), 1);
    commit(&mut l, &mut b, set);
    assert!(matches!(
        b.flag_manual(&l, child, "x", &actor(d(2026, 11, 23)), Uuid::new_v4()),
        Err(CaseworkError::CannotFlag { .. })
    ));
    assert!(matches!(
        confirm(&l, &b, suspect, d(2026, 11, 23)),
        Err(CaseworkError::AlreadyVerified(_))
    ));
}

#[test]
fn not_real_restores_or_sets_the_status_and_is_counted() {
    let (mut l, mut b, child) = setup();
    let set = b
        .flag_manual(&l, child, "未到校", &actor(d(2026, 11, 23)), Uuid::new_v4())
        .unwrap();
    let sid = set.suspects[0].id;
    commit(&mut l, &mut b, set);
    let v = |reason, school: &str| Verification {
        date: d(2026, 11, 23),
        by: "x".into(),
        methods: vec![VerifyMethod::Records, VerifyMethod::Phone],
        verdict: Verdict::NotReal {
            reason,
            school: school.into(),
        },
        evidence: "转学证明".into(),
    };
    assert_eq!(
        b.verify(
            &l,
            sid,
            v(NotRealReason::StudyingElsewhere, ""),
            None,
            &actor(d(2026, 11, 23)),
            Uuid::new_v4()
        ),
        Err(CaseworkError::NoSchoolNamed)
    );
    let set = b
        .verify(
            &l,
            sid,
            v(NotRealReason::StudyingElsewhere, "长沙市某中学"),
            None,
            &actor(d(2026, 11, 23)),
            Uuid::new_v4(),
        )
        .unwrap();
    assert_eq!(set.children[0].status, Status::StudyingElsewhere);
    commit(&mut l, &mut b, set);
    assert_eq!(
        b.verification_counts(),
        VerificationCounts {
            flagged: 1,
            pending: 0,
            confirmed: 0,
            not_real: 1
        }
    );
    // "Already back" restores the status the child had.
    let other = l
        .children()
        .iter()
        .find(|c| c.status == Status::InSchool)
        .unwrap()
        .id;
    let set = b
        .flag_manual(&l, other, "未到校", &actor(d(2026, 11, 23)), Uuid::new_v4())
        .unwrap();
    let sid = set.suspects[0].id;
    commit(&mut l, &mut b, set);
    let set = b
        .verify(
            &l,
            sid,
            v(NotRealReason::AlreadyBack, ""),
            None,
            &actor(d(2026, 11, 23)),
            Uuid::new_v4(),
        )
        .unwrap();
    assert_eq!(set.children[0].status, Status::InSchool);
}

#[test]
fn the_legal_ladder_goes_in_order_and_notices_get_serials_and_deadlines() {
    let (mut l, mut b, child) = setup();
    b.settings.notice_prefix = "泸教控辍".into();
    let case_id = open_case(&mut l, &mut b, child, d(2026, 11, 2), d(2026, 11, 3));
    let step = |kind, day| LegalStep {
        kind,
        date: day,
        issuer: "武溪镇政府".into(),
        note: String::new(),
        serial: None,
        deadline: None,
        recorded_by: String::new(),
    };
    let today = actor(d(2026, 11, 23));
    assert_eq!(
        b.add_legal_step(
            case_id,
            step(LegalStepKind::ReturnNotice, d(2026, 11, 10)),
            &today
        ),
        Err(CaseworkError::LadderOrder {
            step: LegalStepKind::ReturnNotice,
            needs: LegalStepKind::HomeVisit
        })
    );
    let s = b
        .add_legal_step(
            case_id,
            step(LegalStepKind::HomeVisit, d(2026, 11, 5)),
            &today,
        )
        .unwrap();
    commit(&mut l, &mut b, s);
    assert!(matches!(
        b.add_legal_step(
            case_id,
            step(LegalStepKind::Penalty, d(2026, 11, 6)),
            &today
        ),
        Err(CaseworkError::LadderOrder { .. })
    ));
    assert!(matches!(
        b.add_legal_step(
            case_id,
            step(LegalStepKind::OrderToCorrect, d(2026, 11, 4)),
            &today
        ),
        Err(CaseworkError::LadderDate { .. })
    ));
    let s = b
        .add_legal_step(
            case_id,
            step(LegalStepKind::OrderToCorrect, d(2026, 11, 8)),
            &today,
        )
        .unwrap();
    commit(&mut l, &mut b, s);
    let set = b
        .add_legal_step(
            case_id,
            step(LegalStepKind::ReturnNotice, d(2026, 11, 10)),
            &today,
        )
        .unwrap();
    let notice = set.cases[0].legal_steps.last().unwrap().clone();
    assert_eq!(notice.serial.as_deref(), Some("泸教控辍〔2026〕1号"));
    assert_eq!(notice.deadline, Some(d(2026, 11, 17)));
    commit(&mut l, &mut b, set);
    // A second notice (e.g. from the police station) gets the next number.
    let set = b
        .add_legal_step(
            case_id,
            step(LegalStepKind::ReturnNotice, d(2026, 11, 11)),
            &today,
        )
        .unwrap();
    assert_eq!(
        set.cases[0].legal_steps.last().unwrap().serial.as_deref(),
        Some("泸教控辍〔2026〕2号")
    );
    commit(&mut l, &mut b, set);
    // Past the notice's deadline the to-do list says so, and the case deadline is not yet past.
    let todos = b.todos(&l, d(2026, 11, 23));
    assert!(todos.iter().any(
        |t| matches!(t, Todo::NoticeExpired { serial, .. } if serial == "泸教控辍〔2026〕1号")
    ));
    assert!(!todos.iter().any(|t| matches!(t, Todo::CaseOverdue { .. })));
    assert!(b
        .todos(&l, d(2026, 12, 20))
        .iter()
        .any(|t| matches!(t, Todo::CaseOverdue { .. })));
    assert!(b
        .add_legal_step(
            case_id,
            step(LegalStepKind::Reprimand, d(2026, 11, 20)),
            &today
        )
        .is_ok());
}

#[test]
fn closing_watching_and_reopening_keep_the_history() {
    let (mut l, mut b, child) = setup();
    let school = l
        .schools()
        .iter()
        .find(|s| s.kind.grades().contains(&8))
        .unwrap()
        .id;
    let case_id = open_case(&mut l, &mut b, child, d(2026, 9, 7), d(2026, 9, 8));
    for (i, result) in [
        AttemptResult::Refused,
        AttemptResult::Considering,
        AttemptResult::Agreed,
    ]
    .into_iter()
    .enumerate()
    {
        let a = ReturnAttempt {
            date: d(2026, 9, 10 + i as u32),
            way: AttemptWay::HomeVisit,
            persons: "王乡长、张老师".into(),
            guardian_said: "……".into(),
            result,
            recorded_by: "李老师".into(),
        };
        let s = b.add_attempt(case_id, a, &actor(d(2026, 9, 20))).unwrap();
        commit(&mut l, &mut b, s);
    }
    let closure = |day| Closure {
        date: day,
        outcome: ClosureOutcome::Returned {
            school_id: school,
            grade: 8,
            class_name: "2班".into(),
            date: day,
        },
        evidence: "学校出具复学证明".into(),
        by: "县控辍办".into(),
    };
    assert_eq!(
        b.close_case(
            &l,
            case_id,
            Closure {
                evidence: String::new(),
                ..closure(d(2026, 9, 21))
            },
            &actor(d(2026, 9, 21))
        ),
        Err(CaseworkError::NoEvidence)
    );
    let set = b
        .close_case(&l, case_id, closure(d(2026, 9, 21)), &actor(d(2026, 9, 21)))
        .unwrap();
    assert_eq!(set.children[0].status, Status::InSchool);
    assert_eq!(set.children[0].school_id, Some(school));
    commit(&mut l, &mut b, set);
    assert_eq!(b.case(case_id).unwrap().state(), CaseState::Closed);
    assert!(b
        .add_attempt(
            case_id,
            ReturnAttempt {
                date: d(2026, 9, 22),
                way: AttemptWay::Phone,
                persons: "x".into(),
                guardian_said: "x".into(),
                result: AttemptResult::Returned,
                recorded_by: String::new()
            },
            &actor(d(2026, 9, 22))
        )
        .is_err());

    // Watched for 90 days: an unexcused absence inside raises an alert; outside it does not.
    assert!(b.watched_until(child, d(2026, 12, 20)).is_some());
    assert!(b.watched_until(child, d(2026, 12, 21)).is_none());
    let s = absent(&l, &b, child, d(2026, 11, 2));
    commit(&mut l, &mut b, s);
    assert!(b
        .todos(&l, d(2026, 11, 2))
        .iter()
        .any(|t| matches!(t, Todo::WatchedAbsent { date, .. } if *date == d(2026, 11, 2))));

    // Three days in a row: a suspect again; confirmed, the same case reopens with history.
    let s = absent(&l, &b, child, d(2026, 11, 3));
    commit(&mut l, &mut b, s);
    let set = absent(&l, &b, child, d(2026, 11, 4));
    let sid2 = set.suspects[0].id;
    commit(&mut l, &mut b, set);
    let set = confirm(&l, &b, sid2, d(2026, 11, 5)).unwrap();
    assert_eq!(set.cases[0].id, case_id, "the same case, not a new one");
    commit(&mut l, &mut b, set);
    let case = b.case(case_id).unwrap();
    assert_eq!(case.state(), CaseState::Reopened);
    assert_eq!(case.history.len(), 1);
    assert_eq!(case.history[0].attempts.len(), 3);
    assert!(case.attempts.is_empty());
    assert_eq!(l.child(child).unwrap().status, Status::Dropout);
    assert_eq!(b.cases().count(), 1);
}

#[test]
fn primary_to_junior_check_finds_who_finished_grade_6_and_is_in_no_grade_7() {
    let (mut l, mut b, _) = setup();
    let today = d(2026, 11, 23);
    let primary = l
        .schools()
        .iter()
        .find(|s| s.kind == crate::model::SchoolKind::Primary)
        .unwrap()
        .id;
    let junior = l
        .schools()
        .iter()
        .find(|s| s.kind == crate::model::SchoolKind::Junior)
        .unwrap()
        .id;
    let mut ids = l
        .children()
        .iter()
        .filter(|c| c.grade == Some(7) && c.status == Status::InSchool)
        .map(|c| c.id);
    let (a, b_id, c_id) = (
        ids.next().unwrap(),
        ids.next().unwrap(),
        ids.next().unwrap(),
    );
    let last = PreviousYear {
        school_year: 2025,
        school_id: Some(primary),
        grade: Some(6),
    };
    let mut changed = Vec::new();
    // a: moved on to grade 7 — fine. b: "graduated" from primary, in no junior school — a gap.
    // c: still listed in grade 6 of the primary school — a gap too.
    for (id, grade, school, status) in [
        (a, 7, junior, Status::InSchool),
        (b_id, 6, primary, Status::Graduated),
        (c_id, 6, primary, Status::InSchool),
    ] {
        let mut ch = l.child(id).unwrap().clone();
        ch.previous_year = Some(last);
        ch.grade = Some(grade);
        ch.school_id = Some(school);
        ch.status = status;
        changed.push(ch);
    }
    let s = ChangeSet {
        children: changed,
        ..Default::default()
    };
    commit(&mut l, &mut b, s);
    let mut gaps = b.primary_to_junior_gaps(&l, today);
    gaps.sort();
    let mut want = vec![b_id, c_id];
    want.sort();
    assert_eq!(gaps, want);
    let found = gaps
        .iter()
        .map(|id| (*id, SuspectTrigger::PrimaryToJunior { school_year: 2025 }))
        .collect();
    let (set, skipped) = b.flag_many(&l, found, &actor(today), Uuid::new_v4);
    assert!(skipped.is_empty());
    assert_eq!(set.suspects.len(), 2);
    commit(&mut l, &mut b, set);
    assert!(
        b.primary_to_junior_gaps(&l, today).is_empty(),
        "flagged children leave the list"
    );
}

#[test]
fn transfers_unconfirmed_after_the_set_days_are_listed() {
    let (mut l, mut b, child) = setup();
    let set = b
        .transfer_out(
            &l,
            child,
            "吉首市第一中学",
            d(2026, 11, 1),
            &actor(d(2026, 11, 1)),
            Uuid::new_v4(),
        )
        .unwrap();
    let tid = set.transfers[0].id;
    assert_eq!(set.children[0].status, Status::StudyingElsewhere);
    commit(&mut l, &mut b, set);
    assert!(b.unconfirmed_transfers(d(2026, 11, 16)).is_empty());
    assert_eq!(b.unconfirmed_transfers(d(2026, 11, 17)).len(), 1);
    assert!(b
        .todos(&l, d(2026, 11, 23))
        .iter()
        .any(|t| matches!(t, Todo::TransferUnconfirmed { .. })));
    let s = b
        .confirm_transfer(tid, d(2026, 11, 18), &actor(d(2026, 11, 18)))
        .unwrap();
    commit(&mut l, &mut b, s);
    assert!(b.unconfirmed_transfers(d(2026, 11, 23)).is_empty());
}

#[test]
fn home_teaching_needs_a_disabled_child_and_warns_when_a_visit_is_overdue() {
    let (mut l, mut b, child) = setup();
    let plan = |id| HomeTeachingPlan {
        child_id: id,
        teacher: "彭老师".into(),
        interval_days: 7,
        started_on: d(2026, 11, 2),
        visits: vec![],
    };
    assert_eq!(
        b.save_plan(&l, plan(child), &actor(d(2026, 11, 2))),
        Err(CaseworkError::HomeTeachingNeedsDisability)
    );
    let disabled = l
        .children()
        .iter()
        .find(|c| c.groups.contains(&SpecialGroup::Disabled))
        .unwrap()
        .id;
    let set = b
        .save_plan(&l, plan(disabled), &actor(d(2026, 11, 2)))
        .unwrap();
    commit(&mut l, &mut b, set);
    assert_eq!(l.child(disabled).unwrap().status, Status::HomeTeaching);
    assert!(l.child(disabled).unwrap().status.counts_as_enrolled());
    let visit = HomeVisit {
        date: d(2026, 11, 6),
        teacher: "彭老师".into(),
        hours: 2.0,
        content: "识字、康复训练".into(),
    };
    let s = b
        .add_home_visit(disabled, visit, &actor(d(2026, 11, 6)))
        .unwrap();
    commit(&mut l, &mut b, s);
    assert_eq!(b.plan_of(disabled).unwrap().next_due(), d(2026, 11, 13));
    assert!(!b
        .todos(&l, d(2026, 11, 13))
        .iter()
        .any(|t| matches!(t, Todo::HomeVisitOverdue { .. })));
    assert!(b
        .todos(&l, d(2026, 11, 14))
        .iter()
        .any(|t| matches!(t, Todo::HomeVisitOverdue { .. })));
}

#[test]
fn settings_for_a_county_name_its_bureau() {
    let s = CaseworkSettings::for_unit("泸溪县");
    assert_eq!(s.notice_issuer, "泸溪县教育局");
    assert_eq!(s.notice_prefix, "泸溪教控辍");
    assert_eq!(s.absence_threshold, 3);
    assert_eq!(s.notice_deadline_days, 7);
    assert_eq!(s.watch_days, 90);
}

#[test]
fn holidays_do_not_break_a_run_and_make_up_days_count() {
    // National Day week 2026-10-01..07; Sunday 2026-09-27 is a make-up school day.
    let cal =
        attendance::SchoolCalendar::parse("2026-10-01 至 2026-10-07\n\n2026-09-25", "2026-09-27")
            .unwrap();
    assert!(!cal.is_school_day(d(2026, 10, 5)));
    assert!(!cal.is_school_day(d(2026, 9, 25)));
    assert!(cal.is_school_day(d(2026, 9, 27)));
    // Absent Tue 29, Wed 30 September and Thu 8 October: three school days in a row.
    let days = [d(2026, 9, 29), d(2026, 9, 30), d(2026, 10, 8)];
    assert_eq!(
        cal.unexcused_run(&days, d(2026, 10, 8)),
        (3, d(2026, 9, 29))
    );
    assert_eq!(cal.previous_school_day(d(2026, 9, 28)), d(2026, 9, 27));
    assert_eq!(
        cal.to_text(),
        (
            "2026-10-01 至 2026-10-07\n2026-09-25".to_string(),
            "2026-09-27".to_string()
        )
    );
    let bad = attendance::SchoolCalendar::parse("2026-10-01\n国庆", "").unwrap_err();
    assert_eq!(bad.line, 2);
    assert!(attendance::SchoolCalendar::parse("2026-10-07 至 2026-10-01", "").is_err());
}

#[test]
fn the_register_refuses_a_holiday_and_the_run_crosses_it() {
    let (mut l, mut b, child) = setup();
    b.settings.calendar =
        attendance::SchoolCalendar::parse("2026-10-01 至 2026-10-07", "").unwrap();
    let m = (child, Some((AbsenceKind::Unexcused, String::new())));
    assert_eq!(
        b.record_register(
            &l,
            d(2026, 10, 2),
            &[m],
            &actor(d(2026, 10, 9)),
            Uuid::new_v4
        ),
        Err(CaseworkError::NotSchoolDay(d(2026, 10, 2)))
    );
    for day in [d(2026, 9, 29), d(2026, 9, 30)] {
        let s = absent(&l, &b, child, day);
        commit(&mut l, &mut b, s);
    }
    let set = absent(&l, &b, child, d(2026, 10, 8));
    assert_eq!(
        set.suspects.len(),
        1,
        "the holiday week does not break the run"
    );
}

#[test]
fn absences_before_a_return_do_not_count_towards_a_new_run_and_the_return_day_is_watched() {
    let (mut l, mut b, child) = setup();
    let school = l.child(child).unwrap().school_id.unwrap();
    let case_id = open_case(&mut l, &mut b, child, d(2026, 11, 27), d(2026, 11, 27));
    // Out of school on Monday and Tuesday, the register says so.
    for day in [d(2026, 11, 30), d(2026, 12, 1)] {
        let s = absent(&l, &b, child, day);
        commit(&mut l, &mut b, s);
    }
    // Back on Wednesday: the case closes as 复学.
    let wed = d(2026, 12, 2);
    let closure = Closure {
        date: wed,
        outcome: ClosureOutcome::Returned {
            school_id: school,
            grade: 8,
            class_name: "2班".into(),
            date: wed,
        },
        evidence: "学校出具复学证明".into(),
        by: "县控辍办".into(),
    };
    let set = b.close_case(&l, case_id, closure, &actor(wed)).unwrap();
    commit(&mut l, &mut b, set);
    // The same day's register again, absent: a watch alert, not a new suspect of three days.
    let set = absent(&l, &b, child, wed);
    assert!(
        set.suspects.is_empty(),
        "Monday and Tuesday were before the return"
    );
    commit(&mut l, &mut b, set);
    assert!(b.open_suspect_of(child).is_none());
    assert!(b
        .todos(&l, wed)
        .iter()
        .any(|t| matches!(t, Todo::WatchedAbsent { date, .. } if *date == wed)));
}

#[test]
fn the_notice_tells_the_persuasion_for_any_number_of_attempts() {
    assert_eq!(
        persuasion_phrase(1),
        "经学校、村（居）民委员会和乡镇人民政府劝返1次"
    );
    assert_eq!(
        persuasion_phrase(3),
        "经学校、村（居）民委员会和乡镇人民政府先后劝返3次"
    );
    assert!(!persuasion_phrase(0).contains('0'));
    assert!(!persuasion_phrase(1).contains("多次"));
}

#[test]
fn settings_no_county_means_are_named_and_put_back_and_dates_never_overflow() {
    let mut s = CaseworkSettings::default();
    assert!(s.problems().is_empty());
    s.watch_days = u32::MAX;
    s.absence_threshold = 0;
    s.report_deadline_day = 100_000_000;
    s.targets.primary_enrolment = f64::NAN;
    s.calendar.closed.push((d(2026, 10, 7), d(2026, 10, 1)));
    s.notice_prefix = "字".repeat(500);
    let problems = s.problems();
    assert_eq!(problems.len(), 6, "{problems:?}");
    assert!(
        problems
            .iter()
            .any(|p| p.contains("“复学观察期天数”为4294967295，应在1到730之间")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("2026-10-07至2026-10-01")),
        "{problems:?}"
    );
    // Opening an installation saved with these still works: they go back to the defaults.
    let (fixed, said) = s.clone().sanitized();
    assert_eq!(said, problems);
    assert!(fixed.problems().is_empty(), "{:?}", fixed.problems());
    assert_eq!(fixed.watch_days, 90);
    assert_eq!(fixed.absence_threshold, 3);
    assert_eq!(fixed.notice_prefix.chars().count(), 60);
    assert!(fixed.calendar.closed.is_empty());
    // The arithmetic behind the to-do list saturates instead of panicking (this was the
    // panic that kept a restored installation from ever opening again).
    assert_eq!(days_after(d(2026, 12, 1), u32::MAX), NaiveDate::MAX);
    let table = DivisionTable::parse(include_str!("../../../../public/divisions.tsv")).unwrap();
    let mut p = DemoParams::new(d(2026, 11, 23));
    p.children = 3000;
    let c = generate(&p, &table).unwrap();
    assert!(
        c.casework.cases.iter().any(|k| k.closure.is_some()),
        "the demo has closed cases in their watch"
    );
    let ledger = Ledger::new(c.schools, &c.installation.townships, c.children);
    let hostile = CaseworkSettings {
        watch_days: u32::MAX,
        notice_deadline_days: u32::MAX,
        ..Default::default()
    };
    let book = c.casework.casebook(hostile);
    let todos = book.todos(&ledger, d(2026, 12, 1));
    assert!(!todos.is_empty());
}

#[test]
fn a_home_visit_attempt_is_also_the_first_legal_step_when_asked_once() {
    let (mut l, mut b, child) = setup();
    let case_id = open_case(&mut l, &mut b, child, d(2026, 9, 7), d(2026, 9, 8));
    let attempt = |day, way| ReturnAttempt {
        date: d(2026, 9, day),
        way,
        persons: "王乡长、张老师".into(),
        guardian_said: "家长说再考虑几天".into(),
        result: AttemptResult::Considering,
        recorded_by: "李老师".into(),
    };
    // A phone call is no 家访劝返.
    assert!(b.offers_home_visit_step(case_id));
    let set = b
        .add_home_visit_as_step(
            case_id,
            attempt(9, AttemptWay::Phone),
            &actor(d(2026, 9, 20)),
        )
        .unwrap();
    assert!(set.cases[0].legal_steps.is_empty());
    commit(&mut l, &mut b, set);
    // The first visit is both, in one change with an audit entry for each.
    let set = b
        .add_home_visit_as_step(
            case_id,
            attempt(10, AttemptWay::HomeVisit),
            &actor(d(2026, 9, 20)),
        )
        .unwrap();
    assert_eq!(set.audit.len(), 2);
    let step = &set.cases[0].legal_steps[0];
    assert_eq!(
        (step.kind, step.date, step.issuer.as_str()),
        (LegalStepKind::HomeVisit, d(2026, 9, 10), "王乡长、张老师")
    );
    commit(&mut l, &mut b, set);
    // Then the ladder goes on from it; a second visit is an attempt only.
    assert!(!b.offers_home_visit_step(case_id));
    let set = b
        .add_home_visit_as_step(
            case_id,
            attempt(11, AttemptWay::HomeVisit),
            &actor(d(2026, 9, 20)),
        )
        .unwrap();
    assert_eq!(set.cases[0].attempts.len(), 3);
    assert_eq!(set.cases[0].legal_steps.len(), 1);
    // An attempt the rules refuse records no step either.
    assert!(b
        .add_home_visit_as_step(
            case_id,
            ReturnAttempt {
                persons: " ".into(),
                ..attempt(12, AttemptWay::HomeVisit)
            },
            &actor(d(2026, 9, 20))
        )
        .is_err());
}

#[test]
fn the_usual_calendar_of_a_school_year_has_its_holidays_and_vacations() {
    use crate::casework::attendance::SchoolCalendar;
    let c = SchoolCalendar::usual(2026);
    let (closed, make_up) = c.to_text();
    assert_eq!(
        closed,
        [
            "2026-09-25",
            "2026-10-01 至 2026-10-07",
            "2027-01-01",
            "2027-01-16 至 2027-02-22",
            "2027-04-05",
            "2027-05-01 至 2027-05-05",
            "2027-06-09",
            "2027-07-01 至 2027-08-31",
        ]
        .join("\n")
    );
    assert!(make_up.is_empty());
    // It reads back as it is written, and counts what schools close for.
    assert_eq!(SchoolCalendar::parse(&closed, "").unwrap(), c);
    assert!(!c.is_school_day(d(2027, 2, 6)), "春节");
    assert!(c.is_school_day(d(2026, 9, 28)));
    // 中秋 on 10-03 is inside 国庆: one closure.
    let c = SchoolCalendar::usual(2028);
    assert!(c.closed.iter().all(|(a, _)| *a != d(2028, 10, 3)));
    assert!(SchoolCalendar::knows_lunar_holidays(2030));
    // A year the table does not know: the fixed-date holidays only.
    assert!(!SchoolCalendar::knows_lunar_holidays(2040));
    assert_eq!(SchoolCalendar::usual(2040).closed.len(), 4);
}

#[test]
fn every_casework_refusal_says_itself_in_english_too() {
    use crate::model::{Lang, Localized};
    let chinese = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    let day = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
    let mut all = vec![
        CaseworkError::NoChild,
        CaseworkError::NotFound,
        CaseworkError::AlreadySuspect { name: "Li".into() },
        CaseworkError::CannotFlag {
            name: "Li".into(),
            status: Status::Dropout,
        },
        CaseworkError::NoReason,
        CaseworkError::AlreadyVerified(day),
        CaseworkError::NoMethod,
        CaseworkError::NoEvidence,
        CaseworkError::NoSchoolNamed,
        CaseworkError::TooFewResponsible(1),
        CaseworkError::DeadlineBeforeLeaving {
            deadline: day,
            left_on: day,
        },
        CaseworkError::FutureDate(day),
        CaseworkError::CaseClosed,
        CaseworkError::CaseOpen,
        CaseworkError::LadderDate {
            date: day,
            previous: day,
        },
        CaseworkError::HomeTeachingNeedsDisability,
        CaseworkError::BadClosureStatus(Status::Dropout),
        CaseworkError::BadReturn,
        CaseworkError::BadInterval,
        CaseworkError::NotSchoolDay(day),
    ];
    all.extend(CaseField::ALL.iter().map(|f| CaseworkError::Missing(*f)));
    all.extend(LegalStepKind::ALL.iter().flat_map(|s| {
        LegalStepKind::ALL
            .iter()
            .map(|n| CaseworkError::LadderOrder {
                step: *s,
                needs: *n,
            })
    }));
    for e in all {
        assert!(chinese(&e.say(Lang::Zh)), "{e}");
        let en = e.say(Lang::En);
        assert!(!chinese(&en), "English without Chinese: {en}");
    }
}
