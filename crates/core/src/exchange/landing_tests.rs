use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use uuid::Uuid;

use super::{decisions_for, land, land_review, Exchanged, LandIn, LandingChoice};
use crate::casework::{
    Actor, Casebook, DropoutCase, DropoutCause, ResponsiblePerson, ResponsibleRole, Suspect,
    SuspectTrigger, Verdict, Verification, VerifyMethod,
};
use crate::exchange::report::{MonthlyReport, ReportEntry, ReportSchool};
use crate::ledger::Ledger;
use crate::model::{Lang, School, SchoolKind, Status};
use crate::rules::id_number::IdNumber;

fn d(m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, day).unwrap()
}

fn school() -> School {
    School {
        id: Uuid::from_u128(7),
        name: "惠城镇第一小学".into(),
        code: Some("2144522401".into()),
        kind: SchoolKind::Primary,
        township_code: "445224100".into(),
    }
}

fn report(period: &str, version: u32, entries: Vec<ReportEntry>) -> MonthlyReport {
    let s = school();
    MonthlyReport {
        school: ReportSchool {
            // The school's own installation: another id for the same school.
            id: Uuid::from_u128(70),
            name: s.name,
            code: s.code,
            township_code: s.township_code,
        },
        period: period.into(),
        version,
        filled_by: "王老师".into(),
        checked_by: "李校长".into(),
        counts: Vec::new(),
        figures: None,
        new_suspects: entries,
        confirmed_dropouts: Vec::new(),
        returns: Vec::new(),
        closures: Vec::new(),
        zero_report: false,
    }
}

/// When the school made the report: a version an hour after the one before it, in the
/// month after its period.
fn at(r: &MonthlyReport) -> NaiveDateTime {
    let month = crate::exchange::report::parse_month_period(&r.period).unwrap();
    (month + chrono::Months::new(1))
        .and_hms_opt(8 + r.version, 0, 0)
        .unwrap()
}

/// What the county holds of the school's earlier reports.
fn said<'a>(reports: &[&'a MonthlyReport]) -> Exchanged<'a> {
    Exchanged::new(reports.iter().map(|r| (at(r), *r)), [])
}

fn into<'a>(
    ledger: &'a Ledger,
    casebook: &'a Casebook,
    choices: &'a BTreeMap<Uuid, LandingChoice>,
) -> LandIn<'a> {
    LandIn {
        ledger,
        casebook,
        choices,
    }
}

fn child_entry(suspect: Option<Suspect>, case: Option<DropoutCase>) -> ReportEntry {
    let n = IdNumber::compose("445224", NaiveDate::from_ymd_opt(2014, 3, 8).unwrap(), 15).unwrap();
    ReportEntry {
        id: Uuid::from_u128(100),
        child_id: Uuid::from_u128(200),
        name: "陈小明".into(),
        id_number: Some(n.as_str().to_string()),
        sex: n.sex(),
        birth_date: n.birth_date(),
        grade: Some(6),
        date: d(11, 10),
        detail: "连续缺课".into(),
        student_number: None,
        suspect: suspect.map(Box::new),
        case: case.map(Box::new),
    }
}

fn suspect(verified: Option<Verdict>) -> Suspect {
    Suspect {
        id: Uuid::from_u128(100),
        child_id: Uuid::from_u128(200),
        trigger: SuspectTrigger::Manual {
            reason: "连续缺课".into(),
        },
        flagged_on: d(11, 10),
        flagged_by: "王老师".into(),
        previous_status: Status::InSchool,
        verification: verified.map(|verdict| Verification {
            date: d(12, 3),
            by: "王老师".into(),
            methods: vec![VerifyMethod::HomeVisit],
            verdict,
            evidence: "入户走访".into(),
        }),
    }
}

fn case(person: &str) -> DropoutCase {
    DropoutCase {
        id: Uuid::from_u128(300),
        child_id: Uuid::from_u128(200),
        suspect_id: Uuid::from_u128(100),
        opened_on: d(12, 3),
        left_on: d(11, 10),
        cause: DropoutCause::Work,
        cause_note: String::new(),
        responsible: vec![ResponsiblePerson {
            name: person.into(),
            role: ResponsibleRole::Teacher,
            phone: "13800138000".into(),
        }],
        deadline: d(12, 31),
        support: Vec::new(),
        attempts: Vec::new(),
        legal_steps: Vec::new(),
        closure: None,
        history: Vec::new(),
    }
}

#[test]
fn a_reported_suspect_lands_on_the_countys_ledgers_and_a_change_on_both_sides_is_a_choice() {
    let actor = Actor {
        name: "县教育局",
        now: d(12, 5).and_hms_opt(9, 0, 0).unwrap(),
    };
    let mut ledger = Ledger::new(vec![school()], &[], Vec::new());
    let mut book = Casebook::default();
    let none = BTreeMap::new();

    // November: a new suspect the county has never heard of.
    let nov = report("2026-11", 1, vec![child_entry(Some(suspect(None)), None)]);
    let l = land(
        &nov,
        at(&nov),
        school().id,
        "惠城一小11月.baoxue",
        &said(&[]),
        into(&ledger, &book, &none),
        &actor,
    );
    assert_eq!(l.added, 1);
    assert!(l.conflicts.is_empty());
    assert_eq!(l.set.suspects.len(), 1);
    let child = &l.set.children[0];
    assert_eq!(child.status, Status::SuspectedDropout);
    assert_eq!(child.school_id, Some(school().id));
    assert_eq!(l.set.suspects[0].child_id, child.id);
    assert!(l
        .set
        .audit
        .iter()
        .any(|a| a.summary.contains("惠城一小11月.baoxue")));
    ledger.apply_batch(
        ledger
            .prepare_batch(l.set.children.clone(), actor.now)
            .unwrap(),
    );
    book.apply(&l.set);
    // The same file again changes nothing.
    let again = land(
        &nov,
        at(&nov),
        school().id,
        "惠城一小11月.baoxue",
        &said(&[]),
        into(&ledger, &book, &none),
        &actor,
    );
    assert!(again.set.suspects.is_empty() && again.set.children.is_empty());

    // December: the school confirms and opens a case; the county changed nothing.
    let mut dec = report("2026-12", 1, Vec::new());
    dec.new_suspects.clear();
    dec.confirmed_dropouts = vec![child_entry(
        Some(suspect(Some(Verdict::Confirmed))),
        Some(case("王老师")),
    )];
    let earlier = [&nov];
    let l = land(
        &dec,
        at(&dec),
        school().id,
        "惠城一小12月.baoxue",
        &said(&earlier),
        into(&ledger, &book, &none),
        &actor,
    );
    assert!(l.conflicts.is_empty(), "{:?}", l.conflicts);
    assert_eq!(l.added, 0, "the child is found by the ID number");
    assert_eq!(l.set.suspects.len(), 1);
    assert_eq!(l.set.cases.len(), 1);
    assert_eq!(l.set.children[0].status, Status::Dropout);
    ledger.apply_batch(
        ledger
            .prepare_batch(l.set.children.clone(), actor.now)
            .unwrap(),
    );
    book.apply(&l.set);

    // The county names its own responsible person; the school's correction names another.
    let mut ours = book.case(Uuid::from_u128(300)).unwrap().clone();
    ours.responsible[0].name = "张乡长".into();
    book.apply(&crate::casework::ChangeSet {
        cases: vec![ours],
        ..Default::default()
    });
    let mut dec2 = dec.clone();
    dec2.version = 2;
    dec2.confirmed_dropouts[0].case = Some(Box::new(case("赵老师")));
    let earlier = [&nov, &dec];
    let l = land(
        &dec2,
        at(&dec2),
        school().id,
        "惠城一小12月更正.baoxue",
        &said(&earlier),
        into(&ledger, &book, &none),
        &actor,
    );
    assert_eq!(l.conflicts.len(), 1);
    assert!(
        l.set.cases.is_empty(),
        "nothing is overwritten before a person chooses"
    );
    let fields = l.conflicts[0].fields(Lang::Zh);
    let field = &fields[0];
    assert_eq!(
        (
            field.field.as_str(),
            field.before.as_str(),
            field.after.as_str()
        ),
        ("包保责任人", "张乡长", "赵老师")
    );
    assert_eq!(
        l.conflicts[0].fields(Lang::En)[0].field,
        "Responsible persons"
    );
    let take = BTreeMap::from([(Uuid::from_u128(300), LandingChoice::TakeTheirs)]);
    let l = land(
        &dec2,
        at(&dec2),
        school().id,
        "惠城一小12月更正.baoxue",
        &said(&earlier),
        into(&ledger, &book, &take),
        &actor,
    );
    assert!(l.conflicts.is_empty());
    assert_eq!(l.set.cases[0].responsible[0].name, "赵老师");
    let keep = BTreeMap::from([(Uuid::from_u128(300), LandingChoice::KeepOurs)]);
    let l = land(
        &dec2,
        at(&dec2),
        school().id,
        "惠城一小12月更正.baoxue",
        &said(&earlier),
        into(&ledger, &book, &keep),
        &actor,
    );
    assert!(l.set.cases.is_empty());

    // Only the county changed the case since the school last said it: the county's stands.
    let mut jan = dec.clone();
    jan.period = "2027-01".into();
    let l = land(
        &jan,
        at(&jan),
        school().id,
        "惠城一小1月.baoxue",
        &said(&[&nov, &dec]),
        into(&ledger, &book, &none),
        &actor,
    );
    assert!(l.conflicts.is_empty() && l.set.cases.is_empty(), "{l:?}");
}

#[test]
fn reports_of_one_import_land_as_one_change_set_and_a_child_two_name_is_added_once() {
    let actor = Actor {
        name: "县教育局",
        now: d(12, 5).and_hms_opt(9, 0, 0).unwrap(),
    };
    let ledger = Ledger::new(vec![school()], &[], Vec::new());
    let book = Casebook::default();
    let none = BTreeMap::new();
    let first = report("2026-11", 1, vec![child_entry(Some(suspect(None)), None)]);
    // The same child, reported again in the same batch with its case opened.
    let mut second = report("2026-11", 2, Vec::new());
    second.confirmed_dropouts = vec![child_entry(
        Some(suspect(Some(Verdict::Confirmed))),
        Some(case("王老师")),
    )];
    // Each report lands on the ones before it in the batch: they are its last exchange.
    let mut out = super::Landing::default();
    let mut held = Vec::new();
    for (r, file) in [(&first, "一.baoxue"), (&second, "二.baoxue")] {
        super::land_into(
            &mut out,
            r,
            at(r),
            school().id,
            file,
            &said(&held),
            into(&ledger, &book, &none),
            &actor,
        );
        held.push(r);
    }
    assert_eq!(out.added, 1);
    assert_eq!(out.set.children.len(), 1);
    assert_eq!(out.set.children[0].status, Status::Dropout);
    assert_eq!(out.set.cases.len(), 1);
    assert_eq!(out.set.suspects.len(), 1, "{:?}", out.set.suspects);
    assert!(out.conflicts.is_empty(), "{:?}", out.conflicts);
    assert_eq!(
        out.set.suspects[0]
            .verification
            .as_ref()
            .map(|v| &v.verdict),
        Some(&Verdict::Confirmed)
    );
}

#[test]
fn the_countys_decisions_go_back_in_the_review_and_land_in_the_schools_ledgers() {
    use crate::exchange::report::Review;
    let county_actor = Actor {
        name: "县控辍办",
        now: d(12, 4).and_hms_opt(9, 0, 0).unwrap(),
    };
    let none = BTreeMap::new();
    // The school's own ledger: the child under its own id, flagged in November.
    let entry = child_entry(Some(suspect(None)), None);
    let pupil = crate::model::Child {
        id_number: entry
            .id_number
            .as_deref()
            .map(|n| IdNumber::parse(n).unwrap()),
        name: entry.name.clone(),
        school_id: Some(Uuid::from_u128(70)),
        grade: Some(6),
        status: Status::SuspectedDropout,
        ..crate::model::Child::new_record(
            entry.child_id,
            entry.sex,
            entry.birth_date,
            county_actor.now,
        )
    };
    let own_school = School {
        id: Uuid::from_u128(70),
        ..school()
    };
    let school_ledger = Ledger::new(vec![own_school], &[], vec![pupil]);
    let mut school_book = Casebook::default();
    school_book.apply(&crate::casework::ChangeSet {
        suspects: vec![suspect(None)],
        ..Default::default()
    });
    let nov = report("2026-11", 1, vec![entry]);

    // The county lands it, then confirms the child a dropout and opens its own case.
    let mut county_ledger = Ledger::new(vec![school()], &[], Vec::new());
    let mut county_book = Casebook::default();
    let l = land(
        &nov,
        at(&nov),
        school().id,
        "11月.baoxue",
        &said(&[]),
        into(&county_ledger, &county_book, &none),
        &county_actor,
    );
    county_ledger.apply_batch(
        county_ledger
            .prepare_batch(l.set.children.clone(), county_actor.now)
            .unwrap(),
    );
    county_book.apply(&l.set);
    assert!(
        decisions_for(school().id, &county_ledger, &county_book, &said(&[&nov])).is_empty(),
        "nothing decided yet: nothing to send back"
    );
    let county_child = l.set.children[0].id;
    let mut confirmed = suspect(Some(Verdict::Confirmed));
    confirmed.child_id = county_child;
    let mut opened = case("张乡长");
    opened.id = Uuid::from_u128(301);
    opened.child_id = county_child;
    county_book.apply(&crate::casework::ChangeSet {
        suspects: vec![confirmed],
        cases: vec![opened],
        ..Default::default()
    });
    let decisions = decisions_for(school().id, &county_ledger, &county_book, &said(&[&nov]));
    assert_eq!(decisions.len(), 1, "{decisions:?}");
    assert_eq!(
        decisions[0].detail,
        "一人一案：包保责任人张乡长，劝返时限2026-12-31"
    );
    let review = Review {
        school: nov.school.clone(),
        period: nov.period.clone(),
        report_version: 1,
        report_sha256: String::new(),
        reviewed_by: "县控辍办".into(),
        reviewed_at: d(12, 4).and_hms_opt(10, 0, 0).unwrap(),
        entries: Vec::new(),
        comment: String::new(),
        decisions,
        lock: None,
    };

    // The school takes it: its suspect is confirmed, the county's case is its own now.
    let school_actor = Actor {
        name: "王老师",
        now: d(12, 5).and_hms_opt(8, 0, 0).unwrap(),
    };
    let school_said = Exchanged::new([(at(&nov), &nov)], []);
    let l = land_review(
        &review,
        Uuid::from_u128(70),
        "审核结果.baoxue",
        &school_said,
        into(&school_ledger, &school_book, &none),
        &school_actor,
    );
    assert!(l.conflicts.is_empty(), "{:?}", l.conflicts);
    assert_eq!(l.added, 0);
    assert_eq!(l.set.suspects.len(), 1);
    assert_eq!(l.set.suspects[0].child_id, Uuid::from_u128(200));
    assert!(matches!(
        l.set.suspects[0].verification.as_ref().map(|v| &v.verdict),
        Some(Verdict::Confirmed)
    ));
    assert_eq!(l.set.cases.len(), 1);
    assert_eq!(l.set.cases[0].id, Uuid::from_u128(301));
    assert_eq!(l.set.cases[0].child_id, Uuid::from_u128(200));
    assert_eq!(l.set.children[0].status, Status::Dropout);
    assert!(l
        .set
        .audit
        .iter()
        .any(|a| a.summary.contains("审核结果.baoxue") && a.summary.contains("确认辍学")));

    // Once sent, the same decisions are not sent again.
    let said_after = Exchanged::new([(at(&nov), &nov)], [&review]);
    assert!(decisions_for(school().id, &county_ledger, &county_book, &said_after).is_empty());
}
