//! Each formula against examples worked by hand.

use chrono::NaiveDate;

use super::*;
use crate::demo::{generate, DemoParams};
use crate::divisions::DivisionTable;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-9)
}

#[test]
fn a_flow_balances_and_says_by_how_much_when_it_does_not() {
    // 500 at the start, 12 in, 8 out, 1 died, 3 dropped out (2 suspended keep their 学籍).
    let mut f = Flow {
        start: 500,
        entered: 0,
        transferred_in: 12,
        transferred_out: 8,
        graduated: 0,
        died: 1,
        dropped_out: 3,
        returned: 0,
        suspended: 2,
        end: 500,
    };
    assert_eq!(f.expected_end(), 500);
    assert!(f.balances());
    f.end = 498;
    assert_eq!(
        f.difference(),
        -2,
        "two children the ledger does not account for"
    );
    assert!(!f.balances());
}

#[test]
fn the_dropout_rate_under_each_definition() {
    let f = Flow {
        start: 500,
        died: 1,
        dropped_out: 3,
        suspended: 2,
        end: 496,
        ..Default::default()
    };
    let t = Targets::default();
    let plain = f.dropout_rate(Stage::Primary, DropoutDefinition::default(), &t);
    assert_eq!((plain.numerator, plain.denominator), (3, 500));
    assert!(close(plain.percent(), 0.6));
    assert_eq!(
        plain.meets_target(),
        Some(true),
        "0.6% meets a ceiling of 0.6%"
    );
    assert_eq!(plain.variant.to_string(), "辍学人数不含休学和死亡");

    let with_suspended = DropoutDefinition {
        suspended_count: true,
        deaths_count: false,
    };
    let f2 = f.dropout_rate(Stage::Primary, with_suspended, &t);
    assert!(close(f2.percent(), 1.0));
    assert_eq!(f2.meets_target(), Some(false));
    assert_eq!(f2.variant.to_string(), "辍学人数含休学，不含死亡");

    let all = DropoutDefinition {
        suspended_count: true,
        deaths_count: true,
    };
    let junior = f.dropout_rate(Stage::Junior, all, &t);
    assert_eq!(junior.indicator, Indicator::JuniorDropout);
    assert!(close(junior.percent(), 1.2));
    assert_eq!(junior.meets_target(), Some(true), "junior ceiling 1.8%");
}

#[test]
fn the_consolidation_rate_with_and_without_the_transfer_adjustment() {
    // 400 entered grade 1; 20 moved in and 30 out over eight years, 2 died; 380 in grade 9.
    let c = Cohort {
        grade1_entrants: 400,
        grade9_now: 380,
        transferred_in: 20,
        transferred_out: 30,
        died: 2,
        ..Cohort::default()
    };
    let t = Targets::default();
    let plain = c.consolidation_rate(false, &t);
    assert!(close(plain.percent(), 95.0));
    assert_eq!(plain.meets_target(), Some(true));
    let adjusted = c.consolidation_rate(true, &t);
    assert_eq!(adjusted.denominator, 388);
    assert!(close(adjusted.percent(), 380.0 * 100.0 / 388.0));
    assert!(adjusted.variant.to_string().contains("调整"));
    let hunan = Targets {
        consolidation: 98.0,
        ..Targets::default()
    };
    assert_eq!(
        c.consolidation_rate(true, &hunan).meets_target(),
        Some(false)
    );
}

#[test]
fn nobody_to_count_gives_no_figure_rather_than_a_division_by_zero() {
    let f = Flow::default().dropout_rate(
        Stage::Junior,
        DropoutDefinition::default(),
        &Targets::default(),
    );
    assert_eq!(f.percent(), None);
    assert_eq!(f.meets_target(), None);
}

#[test]
fn the_enrolment_rates_of_a_census_worked_by_hand() {
    let table = DivisionTable::parse(include_str!("../../../../public/divisions.tsv")).unwrap();
    let on = d(2026, 11, 23);
    let mut p = DemoParams::new(on);
    p.children = 1;
    let template = generate(&p, &table).unwrap().children.remove(0);
    let child = |birth: NaiveDate,
                 grade: Option<u8>,
                 status: Status,
                 disability: Option<DisabilityCategory>| {
        let mut c = template.clone();
        c.birth_date = birth;
        c.grade = grade;
        c.status = status;
        c.disability = disability;
        c
    };
    use DisabilityCategory::*;
    let children = vec![
        child(d(2018, 3, 1), Some(3), Status::InSchool, None), // primary, enrolled
        child(d(2018, 5, 1), None, Status::StudyingElsewhere, None), // primary, enrolled elsewhere
        child(d(2017, 5, 1), Some(4), Status::Dropout, None),  // primary, not enrolled
        child(d(2019, 10, 1), None, Status::Deferred, None),   // approved deferral: by the setting
        child(d(2012, 10, 1), Some(8), Status::InSchool, None), // junior age and student
        child(d(2010, 6, 1), Some(9), Status::InSchool, None), // 16: a student, not of junior age
        child(d(2013, 1, 1), Some(8), Status::MovedAway, None), // not the unit's any more
        child(
            d(2016, 1, 1),
            Some(5),
            Status::HomeTeaching,
            Some(Intellectual),
        ), // three, enrolled
        child(d(2015, 1, 1), Some(6), Status::RegularClass, Some(Physical)), // not of the three
        child(d(2014, 3, 1), Some(7), Status::Dropout, Some(Hearing)), // three, junior age, out
        child(d(2020, 5, 1), Some(1), Status::InSchool, Some(Visual)), // 6: three only at 6–15
        {
            // 小升初 leak: finished grade 6 last year, "graduated", in no junior school.
            let mut leak = child(d(2014, 6, 1), Some(6), Status::Graduated, None);
            leak.previous_year = Some(crate::model::PreviousYear {
                school_year: 2025,
                school_id: None,
                grade: Some(6),
            });
            leak
        },
        child(d(2011, 10, 1), Some(9), Status::Graduated, None), // finished grade 9: left
    ];
    let official = CensusDefinition::default();
    let c = Census::of(&children, on, official);
    assert_eq!(
        c,
        Census {
            primary_age: 7,
            primary_age_enrolled: 5,
            junior_age: 3,
            junior_age_enrolled: 1,
            junior_students: 2,
            disabled_three: 2,
            disabled_three_enrolled: 1,
        }
    );
    let [primary, junior, disabled] = c.figures(&Targets::default(), official);
    assert!(close(primary.percent(), 500.0 / 7.0));
    assert_eq!(primary.meets_target(), Some(false));
    assert!(primary.variant.to_string().contains("含经批准延缓入学"));
    assert!(
        close(junior.percent(), 200.0 / 3.0),
        "the leak child counts"
    );
    assert!(junior.variant.to_string().contains("小学毕业未升入初中"));
    assert!(close(disabled.percent(), 50.0));
    assert!(disabled.variant.to_string().contains("7–15"));
    assert!(disabled.variant.to_string().contains("送教上门"));

    // The other variants: deferrals left out, the 三类残疾 from age 6.
    let local = CensusDefinition {
        deferred_excluded: true,
        disabled_from_age: 6,
    };
    let c = Census::of(&children, on, local);
    assert_eq!((c.primary_age, c.primary_age_enrolled), (6, 5));
    assert_eq!((c.disabled_three, c.disabled_three_enrolled), (3, 2));
    assert_eq!((c.junior_age, c.junior_age_enrolled), (3, 1));
    let [primary, _, disabled] = c.figures(&Targets::default(), local);
    assert!(primary.variant.to_string().contains("不含经批准延缓入学"));
    assert!(disabled.variant.to_string().contains("6–15"));
    // An age outside the forms' is held to them.
    let odd = CensusDefinition {
        disabled_from_age: 200,
        ..local
    };
    assert_eq!(odd.disabled_from(), 7);
}

#[test]
fn a_consolidation_rate_above_100_percent_is_a_warning_not_a_met_target() {
    // 300 entered grade 1; nobody moved; 290 finished grade 6 but 310 started grade 7 and
    // 305 are in grade 9: 20 newcomers were never registered as transfers in.
    let c = Cohort {
        grade1_entrants: 300,
        grade9_now: 305,
        primary_graduates: 290,
        junior_entrants: 310,
        ..Cohort::default()
    };
    let f = c.consolidation_rate(true, &Targets::default());
    assert!(f.exceeds_whole());
    assert_eq!(f.meets_target(), None, "above 100% meets no target");
    let why = f.warning.expect("a warning").to_string();
    assert!(
        why.contains("九年级305人多于本届入学基数300人（多5人）"),
        "{why}"
    );
    assert!(
        why.contains("七年级新生310人多于本届小学毕业生290人，差额20人"),
        "{why}"
    );

    // At or below 100% there is no warning.
    let fine = Cohort {
        grade9_now: 295,
        ..c
    };
    let f = fine.consolidation_rate(true, &Targets::default());
    assert_eq!(f.warning, None);
    assert_eq!(f.meets_target(), Some(true));

    // An enrolment rate above 100% is flagged too.
    let census = Census {
        primary_age: 10,
        primary_age_enrolled: 11,
        ..Census::default()
    };
    let [primary, ..] = census.figures(&Targets::default(), CensusDefinition::default());
    assert_eq!(primary.meets_target(), None);
    assert!(primary
        .warning
        .is_some_and(|w| w.to_string().contains("超过100%")));
}

#[test]
fn the_census_table_adds_up_and_every_shortfall_has_names_behind_it() {
    let table = DivisionTable::parse(include_str!("../../../../public/divisions.tsv")).unwrap();
    let on = d(2026, 11, 23);
    let mut p = DemoParams::new(on);
    p.children = 5_000;
    let c = generate(&p, &table).unwrap();
    let l = crate::ledger::Ledger::new(c.schools, &c.installation.townships, c.children);
    let t = CensusTable::of(&l, on, CensusDefinition::default());
    assert_eq!(
        t.county,
        Census::of(l.children(), on, CensusDefinition::default())
    );
    let sum = |f: fn(&Census) -> u32| t.townships.iter().map(|x| f(&x.2)).sum::<u32>();
    assert_eq!(sum(|c| c.primary_age), t.county.primary_age);
    assert_eq!(
        sum(|c| c.disabled_three_enrolled),
        t.county.disabled_three_enrolled
    );
    let behind = children_behind(
        &l,
        on,
        CensusDefinition::default(),
        Shortfall::PrimaryNotEnrolled,
        None,
        None,
    );
    assert_eq!(
        behind.len() as u32,
        t.county.primary_age - t.county.primary_age_enrolled
    );
    assert!(
        !behind.is_empty(),
        "the demo county has primary-age children out of school"
    );
    let junior = children_behind(
        &l,
        on,
        CensusDefinition::default(),
        Shortfall::JuniorNotEnrolled,
        None,
        None,
    );
    assert_eq!(
        junior.len() as u32,
        t.county.junior_age - t.county.junior_age_enrolled
    );
    let (code, _, town) = &t.townships[0];
    let in_town = children_behind(
        &l,
        on,
        CensusDefinition::default(),
        Shortfall::PrimaryNotEnrolled,
        Some(code),
        None,
    );
    assert_eq!(
        in_town.len() as u32,
        town.primary_age - town.primary_age_enrolled
    );
}

#[test]
fn the_demo_history_balances_but_for_the_planted_month_and_gives_yearly_rates() {
    use history::{History, Unit};
    let table = DivisionTable::parse(include_str!("../../../../public/divisions.tsv")).unwrap();
    let on = d(2026, 11, 23);
    let mut p = DemoParams::new(on);
    p.children = 4_000;
    let c = generate(&p, &table).unwrap();
    let h = History::new(crate::demo::history::history(
        &c.schools,
        &c.children,
        on,
        7,
    ));
    // September 2014 to November 2026.
    assert_eq!(h.periods().len(), 12 * 12 + 3);
    let off = h.imbalances(None);
    assert_eq!(off.len(), 1, "{off:?}");
    assert_eq!(off[0].school_id, c.schools[0].id);
    assert_eq!(off[0].month, d(2025, 9, 1));
    assert_eq!(off[0].flow.difference(), 2);

    // The last month is today's ledger.
    let last = d(2026, 11, 1);
    let enrolled_now = c
        .children
        .iter()
        .filter(|x| x.status.needs_school() && x.stage() == Some(Stage::Junior))
        .count() as u32;
    assert_eq!(
        h.flow(&Unit::County, Stage::Junior, last, last).end,
        enrolled_now
    );

    let t = Targets::default();
    for stage in [Stage::Primary, Stage::Junior] {
        let f = h
            .dropout_rate(&Unit::County, stage, 2025, DropoutDefinition::default(), &t)
            .unwrap();
        let pct = f.percent().unwrap();
        assert!(pct > 0.0 && pct < 3.0, "{stage:?} {pct}");
    }
    let cohort = h.cohort(&Unit::County, 2026).unwrap();
    assert!(
        cohort.grade1_entrants > 0 && cohort.grade9_now > 0,
        "{cohort:?}"
    );
    let rate = cohort.consolidation_rate(true, &t).percent().unwrap();
    assert!(rate > 90.0 && rate <= 100.0, "{rate} {cohort:?}");
    assert!(h.cohort(&Unit::County, 2022).is_some());
    assert!(
        h.cohort(&Unit::County, 2021).is_none(),
        "no data eight years before 2021"
    );
    let by_cohort = h.consolidation_by_year(&Unit::County, true, &t);
    assert_eq!(
        by_cohort.iter().map(|c| c.0).collect::<Vec<_>>(),
        vec![2022, 2023, 2024, 2025, 2026]
    );
    assert_eq!(h.monthly(&Unit::County).len(), h.periods().len());
    // A cohort's path starts with its grade-1 entrants and ends with grade 9 now.
    let path = h.cohort_path(&Unit::County, 2018);
    assert_eq!(path.len(), 9);
    assert_eq!(path[0].1, cohort.grade1_entrants);
    // Dropouts by grade add up to the year's flow.
    let def = DropoutDefinition::default();
    let (by_grade, base) = h.dropouts_by_grade(&Unit::County, 2025, def);
    let junior = h
        .dropout_rate(&Unit::County, Stage::Junior, 2025, def, &t)
        .unwrap();
    assert_eq!(by_grade[6..].iter().sum::<u32>(), junior.numerator);
    assert_eq!(base[6..].iter().sum::<u32>(), junior.denominator);
}

#[test]
fn the_demo_county_counts_its_primary_to_junior_leak_and_its_cohorts_stay_at_or_below_100() {
    use history::{History, Unit};
    let table = DivisionTable::parse(include_str!("../../../../public/divisions.tsv")).unwrap();
    let on = d(2026, 11, 23);
    let mut p = DemoParams::new(on);
    p.children = 30_000;
    let c = generate(&p, &table).unwrap();
    let h = History::new(crate::demo::history::history(
        &c.schools,
        &c.children,
        on,
        p.seed,
    ));
    let l = crate::ledger::Ledger::new(
        c.schools.clone(),
        &c.installation.townships,
        c.children.clone(),
    );

    // Every 小升初 gap the suspects page lists is behind the junior shortfall, by name.
    let book = c.casework.casebook(Default::default());
    let gaps = book.primary_to_junior_gaps(&l, on);
    assert!(!gaps.is_empty());
    let behind: std::collections::HashSet<uuid::Uuid> = children_behind(
        &l,
        on,
        CensusDefinition::default(),
        Shortfall::JuniorNotEnrolled,
        None,
        None,
    )
    .into_iter()
    .map(|i| l.children()[i as usize].id)
    .collect();
    for id in &gaps {
        assert!(
            behind.contains(id),
            "leak child {id} not in the junior shortfall"
        );
    }

    // No cohort of the county or of any township reads above 100%.
    let t = Targets::default();
    let mut units = vec![Unit::County];
    units.extend(
        c.installation
            .townships
            .iter()
            .map(|x| Unit::Township(x.code.clone())),
    );
    for unit in &units {
        for (year, f) in h.consolidation_by_year(unit, true, &t) {
            assert!(
                !f.exceeds_whole(),
                "{unit:?} {year}: {:?} {:?}",
                f.percent(),
                f.warning
            );
        }
    }
}

#[test]
fn children_with_no_township_have_their_own_row_and_names() {
    let table = DivisionTable::parse(include_str!("../../../../public/divisions.tsv")).unwrap();
    let on = d(2026, 11, 23);
    let mut p = DemoParams::new(on);
    p.children = 3_000;
    let c = generate(&p, &table).unwrap();
    let mut children = c.children;
    let l = crate::ledger::Ledger::new(
        c.schools.clone(),
        &c.installation.townships,
        children.clone(),
    );
    let def = CensusDefinition::default();
    let out = children_behind(&l, on, def, Shortfall::PrimaryNotEnrolled, None, None)[0];
    let lost = &mut children[out as usize];
    lost.school_id = None;
    lost.residence.township_code = None;
    lost.hukou.township_code = Some(String::new());
    let id = lost.id;
    let l = crate::ledger::Ledger::new(c.schools, &c.installation.townships, children);
    let t = CensusTable::of(&l, on, def);
    let (code, name, row) = t.townships.last().unwrap();
    assert_eq!((code.as_str(), name.as_str()), ("", NO_TOWNSHIP));
    assert_eq!((row.primary_age, row.primary_age_enrolled), (1, 0));
    let sum: u32 = t.townships.iter().map(|x| x.2.primary_age).sum();
    assert_eq!(sum, t.county.primary_age, "every child is in one row");
    let names = children_behind(&l, on, def, Shortfall::PrimaryNotEnrolled, Some(""), None);
    assert_eq!(names.len(), 1);
    assert_eq!(l.children()[names[0] as usize].id, id);
}

#[test]
fn every_definition_and_warning_of_a_figure_is_said_in_english_too() {
    use crate::model::Localized;
    let han = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    let mut all = Vec::new();
    for (suspended_count, deaths_count) in
        [(false, false), (true, false), (false, true), (true, true)]
    {
        all.push(Definition::Dropout(DropoutDefinition {
            suspended_count,
            deaths_count,
        }));
    }
    for deferred_excluded in [false, true] {
        let d = CensusDefinition {
            deferred_excluded,
            ..CensusDefinition::default()
        };
        all.extend([
            Definition::PrimaryEnrolment(d),
            Definition::DisabledEnrolment(d),
        ]);
    }
    all.extend([
        Definition::JuniorEnrolment,
        Definition::Consolidation { adjusted: true },
        Definition::Consolidation { adjusted: false },
    ]);
    for d in &all {
        assert!(han(&d.to_string()) && !han(&d.en()), "{d}: {}", d.en());
    }
    let warnings = [
        FigureWarning::OverWhole {
            numerator: 5,
            denominator: 4,
        },
        FigureWarning::CohortOver {
            grade9: 305,
            base: 300,
            junior_entrants: 310,
            primary_graduates: 290,
        },
        FigureWarning::CohortOver {
            grade9: 305,
            base: 300,
            junior_entrants: 280,
            primary_graduates: 290,
        },
    ];
    for w in &warnings {
        assert!(han(&w.to_string()) && !han(&w.en()), "{w}: {}", w.en());
    }
}
