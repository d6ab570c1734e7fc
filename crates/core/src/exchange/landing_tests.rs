use std::collections::BTreeMap;

use chrono::NaiveDate;
use uuid::Uuid;

use super::{land, LandingChoice};
use crate::casework::{
    Actor, Casebook, DropoutCase, DropoutCause, ResponsiblePerson, ResponsibleRole, Suspect,
    SuspectTrigger, Verdict, Verification, VerifyMethod,
};
use crate::exchange::report::MONTHLY_KIND;
use crate::exchange::report::{MonthlyReport, ReceivedReport, ReportEntry, ReportSchool};
use crate::exchange::{Envelope, UnitRef};
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

/// Held as the county's inbox holds it: under the county's id of the school.
fn received(r: &MonthlyReport) -> ReceivedReport {
    let mut report = r.clone();
    report.school.id = school().id;
    ReceivedReport {
        envelope: Envelope::new(
            MONTHLY_KIND,
            UnitRef::school(&school()),
            None,
            Some(r.period.clone()),
            d(11, 30).and_hms_opt(10, 0, 0).unwrap(),
            "王老师",
            None,
        ),
        report,
        received_at: d(11, 30).and_hms_opt(10, 0, 0).unwrap(),
        received_by: "县".into(),
        problems: Vec::new(),
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
        school().id,
        "惠城一小11月.baoxue",
        &[],
        &ledger,
        &book,
        &none,
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
        school().id,
        "惠城一小11月.baoxue",
        &[],
        &ledger,
        &book,
        &none,
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
    let earlier = [received(&nov)];
    let l = land(
        &dec,
        school().id,
        "惠城一小12月.baoxue",
        &earlier,
        &ledger,
        &book,
        &none,
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
    let earlier = [received(&nov), received(&dec)];
    let l = land(
        &dec2,
        school().id,
        "惠城一小12月更正.baoxue",
        &earlier,
        &ledger,
        &book,
        &none,
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
    let take = BTreeMap::from([(Uuid::from_u128(300), LandingChoice::TakeSchool)]);
    let l = land(
        &dec2,
        school().id,
        "惠城一小12月更正.baoxue",
        &earlier,
        &ledger,
        &book,
        &take,
        &actor,
    );
    assert!(l.conflicts.is_empty());
    assert_eq!(l.set.cases[0].responsible[0].name, "赵老师");
    let keep = BTreeMap::from([(Uuid::from_u128(300), LandingChoice::KeepCounty)]);
    let l = land(
        &dec2,
        school().id,
        "惠城一小12月更正.baoxue",
        &earlier,
        &ledger,
        &book,
        &keep,
        &actor,
    );
    assert!(l.set.cases.is_empty());

    // Only the county changed the case since the school last said it: the county's stands.
    let mut jan = dec.clone();
    jan.period = "2027-01".into();
    let l = land(
        &jan,
        school().id,
        "惠城一小1月.baoxue",
        &[received(&nov), received(&dec)],
        &ledger,
        &book,
        &none,
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
            school().id,
            file,
            &held,
            &ledger,
            &book,
            &none,
            &actor,
        );
        held.push(received(r));
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
