use super::*;
use crate::ledger::Ledger;
use crate::rules::school_age::is_school_age;

fn table() -> DivisionTable {
    DivisionTable::parse(include_str!("../../../../public/divisions.tsv")).unwrap()
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

fn share(county: &DemoCounty, f: impl Fn(&Child) -> bool) -> f64 {
    county.children.iter().filter(|c| f(c)).count() as f64 / county.children.len() as f64
}

#[test]
fn same_seed_same_county_other_seed_other_county() {
    let mut p = DemoParams::new(today());
    p.children = 2000;
    let a = generate(&p, &table()).unwrap();
    let b = generate(&p, &table()).unwrap();
    assert_eq!(a.children, b.children);
    assert_eq!(a.schools, b.schools);
    p.seed = 7;
    let c = generate(&p, &table()).unwrap();
    assert_ne!(a.children[0], c.children[0]);
}

#[test]
fn the_default_demo_is_luxi_with_its_real_townships() {
    let county = generate(&DemoParams::new(today()), &table()).unwrap();
    assert_eq!(
        county.installation.unit_name(),
        "湖南省湘西土家族苗族自治州泸溪县"
    );
    assert_eq!(
        county.installation.townships.len(),
        table().children_of("433122").len()
    );
    assert!(county
        .installation
        .townships
        .iter()
        .any(|t| t.name == "浦市镇"));
    assert_eq!(county.children.len(), DEFAULT_CHILDREN);
    assert!(
        (25..=40).contains(&county.schools.len()),
        "{} schools",
        county.schools.len()
    );
    for s in &county.schools {
        assert!(s.validate(&[]).is_ok(), "{s:?}");
        assert!(county
            .installation
            .township_name(&s.township_code)
            .is_some());
    }
}

#[test]
fn distributions_are_plausible() {
    let county = generate(&DemoParams::new(today()), &table()).unwrap();
    let male = share(&county, |c| c.sex == Sex::Male);
    assert!((0.50..0.56).contains(&male), "male share {male}");
    assert!(county
        .children
        .iter()
        .all(|c| is_school_age(c.birth_date, today())));
    let enrolled = share(&county, |c| c.status.counts_as_enrolled());
    assert!((0.95..0.99).contains(&enrolled), "enrolled {enrolled}");
    let suspects = county
        .children
        .iter()
        .filter(|c| c.status == Status::SuspectedDropout)
        .count();
    let dropouts = county
        .children
        .iter()
        .filter(|c| c.status == Status::Dropout)
        .count();
    assert!((40..250).contains(&suspects), "{suspects} suspects");
    assert!((20..150).contains(&dropouts), "{dropouts} dropouts");
    // Junior grades carry more of the risk than primary.
    let rate = |lo: u8, hi: u8| {
        let in_range: Vec<_> = county
            .children
            .iter()
            .filter(|c| c.grade.is_some_and(|g| (lo..=hi).contains(&g)))
            .collect();
        in_range.iter().filter(|c| c.status.is_concern()).count() as f64 / in_range.len() as f64
    };
    assert!(rate(7, 9) > 2.0 * rate(1, 6));
    let left_behind = share(&county, |c| c.groups.contains(&SpecialGroup::LeftBehind));
    assert!(
        (0.2..0.3).contains(&left_behind),
        "left-behind {left_behind}"
    );
    let disabled = share(&county, |c| c.groups.contains(&SpecialGroup::Disabled));
    assert!((0.009..0.018).contains(&disabled), "disabled {disabled}");
    // Every grade is populated, none dominates.
    for g in 1..=9u8 {
        let n = share(&county, |c| c.grade == Some(g));
        assert!((0.07..0.15).contains(&n), "grade {g}: {n}");
    }
    // Ages fit grades, records pass the rules, and the ledger accepts them all.
    let ledger = Ledger::new(
        county.schools.clone(),
        &county.installation.townships,
        county.children.clone(),
    );
    for c in &county.children {
        let errors: Vec<_> = c
            .problems()
            .into_iter()
            .filter(|p| !p.is_warning())
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", c.name);
        assert!(c.problems().is_empty());
        if let Some(s) = c.school_id.and_then(|id| ledger.school(id)) {
            assert!(
                s.kind.grades().contains(&c.grade.unwrap_or(0)) || s.kind == SchoolKind::Special
            );
        }
    }
    let with_id = county
        .children
        .iter()
        .filter(|c| c.id_number.is_some())
        .count();
    let unique: std::collections::HashSet<_> = county
        .children
        .iter()
        .filter_map(|c| c.id_number.as_ref())
        .collect();
    assert_eq!(with_id, unique.len(), "duplicate ID numbers");
    assert!(county
        .children
        .iter()
        .filter(|c| c.id_number.is_none())
        .all(|c| c.no_id_reason.is_some()));
}

#[test]
fn makes_a_county_of_200_000() {
    let mut p = DemoParams::new(today());
    p.children = 200_000;
    let county = generate(&p, &table()).unwrap();
    assert_eq!(county.children.len(), 200_000);
    assert!(county.schools.len() >= 150);
}

#[test]
fn unknown_county_is_an_error() {
    let mut p = DemoParams::new(today());
    p.county_code = "999999".into();
    assert_eq!(
        generate(&p, &table()).unwrap_err(),
        DemoError::UnknownCounty("999999".into())
    );
}

#[test]
fn batches_give_the_same_county() {
    let mut p = DemoParams::new(today());
    p.children = 2500;
    let whole = generate(&p, &table()).unwrap();
    let mut g = Generator::new(p, &table()).unwrap();
    let mut batched = Vec::new();
    while g.remaining() > 0 {
        batched.extend(g.next_children(700));
    }
    g.casework(&mut batched, &crate::casework::CaseworkSettings::default());
    assert_eq!(batched, whole.children);
}

#[test]
fn the_demo_casework_agrees_with_the_ledger_and_fills_the_to_do_list() {
    use crate::casework::{CaseState, CaseworkSettings, Todo};
    let county = generate(&DemoParams::new(today()), &table()).unwrap();
    let ledger = Ledger::new(
        county.schools.clone(),
        &county.installation.townships,
        county.children.clone(),
    );
    let book = county.casework.casebook(CaseworkSettings::default());
    for c in ledger.children() {
        match c.status {
            Status::SuspectedDropout => assert!(
                book.open_suspect_of(c.id).is_some(),
                "{} has no suspect entry",
                c.name
            ),
            Status::Dropout => {
                assert_eq!(book.case_of(c.id).map(|k| k.state()), Some(CaseState::Open))
            }
            Status::HomeTeaching => assert!(book.plan_of(c.id).is_some()),
            _ => {}
        }
    }
    for case in book.cases() {
        assert!(case.responsible.len() >= 2);
    }
    let counts = book.verification_counts();
    assert!(
        counts.confirmed > 0 && counts.not_real > 0 && counts.pending > 0,
        "{counts:?}"
    );
    assert!(book.cases().any(|c| c.state() == CaseState::Closed));
    let todos = book.todos(&ledger, today());
    let has = |f: fn(&Todo) -> bool| todos.iter().any(f);
    assert!(has(|t| matches!(t, Todo::VerifySuspect { .. })));
    assert!(has(|t| matches!(t, Todo::CaseOverdue { .. })));
    assert!(has(|t| matches!(t, Todo::WatchedAbsent { .. })));
    assert!(has(|t| matches!(t, Todo::HomeVisitOverdue { .. })));
    let gaps = book.primary_to_junior_gaps(&ledger, today());
    assert!((3..40).contains(&gaps.len()), "{} 小升初 gaps", gaps.len());
    assert!(gaps
        .iter()
        .all(|id| ledger.child(*id).unwrap().status == Status::Graduated));
}
