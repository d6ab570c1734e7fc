use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::super::holdings::Inbox;
use super::super::report::{MonthlyReport, MONTHLY_KIND};
use super::super::{read_payload, write_bundle, Envelope, UnitRef};
use super::*;
use crate::indicators::CensusTable;

use super::super::test_county::d;

fn at(day: NaiveDate) -> chrono::NaiveDateTime {
    day.and_hms_opt(9, 0, 0).unwrap()
}

/// Through a file and back: what the next level reads is what this one wrote.
fn carry<P: Serialize + for<'de> Deserialize<'de>>(
    kind: &str,
    from: UnitRef,
    to: UnitRef,
    period: &str,
    payload: &P,
) -> P {
    let env = Envelope::new(
        kind,
        from,
        Some(to),
        Some(period.into()),
        at(d(2026, 12, 6)),
        "经办人",
        None,
    );
    let text = write_bundle(env, payload).unwrap();
    read_payload::<P>(&text, kind).unwrap().1
}

/// One county: three of its schools report to it, and it rolls up for the prefecture.
fn county_rollup(code: &str, key: &PseudonymKey) -> (RollUp, Vec<crate::model::Child>) {
    let super::super::test_county::County {
        c,
        ledger,
        book,
        history,
    } = super::super::test_county::county(code, 2_500);
    let me = UnitRef::of(&c.installation);
    let mut inbox = Inbox::default();
    for school in &c.schools[..3] {
        let mut r =
            MonthlyReport::build(&ledger, &book, &history, school.id, d(2026, 11, 1)).unwrap();
        r.filled_by = "填报人".into();
        r.checked_by = "校长".into();
        let env = Envelope::new(
            MONTHLY_KIND,
            UnitRef::school(school),
            Some(me.clone()),
            Some(r.period.clone()),
            at(d(2026, 12, 2)),
            "填报人",
            None,
        );
        let text = write_bundle(env, &r).unwrap();
        let (env, r) = read_payload::<MonthlyReport>(&text, MONTHLY_KIND).unwrap();
        let plan = inbox.plan(&env, &r, &me, Some(school)).unwrap();
        assert!(inbox.apply(
            &plan,
            env,
            r,
            at(d(2026, 12, 3)),
            "县控辍办",
            &BTreeMap::new()
        ));
    }
    let records = CountyRecords {
        installation: &c.installation,
        ledger: &ledger,
        reports: &inbox.reports,
        census_definition: crate::indicators::CensusDefinition::default(),
    };
    let rollup = records.rollup("2026-11", key, d(2026, 11, 23));
    // Every school of the county is expected; the census and the dropouts are the ledger's.
    assert_eq!(rollup.totals.schools_expected as usize, c.schools.len());
    assert_eq!(rollup.parts.len(), 3);
    let census = CensusTable::of(
        &ledger,
        d(2026, 11, 23),
        crate::indicators::CensusDefinition::default(),
    )
    .county;
    assert_eq!(rollup.totals.census, census);
    let dropouts = ledger
        .children()
        .iter()
        .filter(|c| c.status == Status::Dropout)
        .count();
    assert_eq!(rollup.dropouts.len(), dropouts);
    // Whatever order the records come in (the browser's, a backup's): the same roll-up.
    let mut schools = c.schools.clone();
    schools.reverse();
    let mut children = c.children.clone();
    children.reverse();
    let reordered = crate::ledger::Ledger::new(schools, &c.installation.townships, children);
    let again = CountyRecords {
        ledger: &reordered,
        ..records
    };
    assert_eq!(rollup, again.rollup("2026-11", key, d(2026, 11, 23)));
    // Addressed to the county's prefecture, named from the division table.
    let env = records.envelope(&rollup, at(d(2026, 12, 5)), "县控辍办");
    let up = env.to_unit.unwrap();
    assert_eq!((up.level.as_str(), up.code.len()), ("prefecture", 4));
    assert!(!up.name.is_empty());
    assert_eq!(env.period.as_deref(), Some("2026-11"));
    (rollup, c.children)
}

#[test]
fn three_schools_to_two_counties_to_the_prefecture_to_the_province_and_the_evaluation_back() {
    let key_a = PseudonymKey::from_bytes([7; 32]);
    let key_b = PseudonymKey::from_bytes([9; 32]);
    let (a, children_a) = county_rollup("433122", &key_a);
    let (b, _) = county_rollup("433101", &key_b);
    assert_eq!(a.parts.len(), 3);
    assert_eq!(a.totals.schools_reported, 3);
    assert_eq!(
        a.totals.children,
        a.parts.iter().map(|p| p.children).sum::<u32>()
    );
    assert!(!a.dropouts.is_empty(), "the demo county has dropouts");

    // Nothing that names a child goes up: no name, no ID number in the file.
    let prefecture = UnitRef {
        level: "prefecture".into(),
        code: "4331".into(),
        name: "湘西土家族苗族自治州".into(),
    };
    let text = write_bundle(
        Envelope::new(
            ROLLUP_KIND,
            a.unit.clone(),
            Some(prefecture.clone()),
            Some("2026-11".into()),
            at(d(2026, 12, 6)),
            "县控辍办",
            None,
        ),
        &a,
    )
    .unwrap();
    for child in children_a.iter().filter(|c| c.status == Status::Dropout) {
        assert!(
            !text.contains(&child.name),
            "{} is not in the roll-up",
            child.name
        );
        if let Some(id) = &child.id_number {
            assert!(!text.contains(id.as_str()));
        }
    }
    // Only the county resolves its pseudonyms.
    let first = &a.dropouts[0];
    let child = key_a
        .resolve("433122", &first.pseudonym, &children_a)
        .unwrap();
    assert_eq!(child.status, Status::Dropout);
    assert_eq!(child.birth_date.year(), first.birth_year);
    assert!(key_b
        .resolve("433122", &first.pseudonym, &children_a)
        .is_none());

    let a_up = carry(
        ROLLUP_KIND,
        a.unit.clone(),
        prefecture.clone(),
        "2026-11",
        &a,
    );
    let b_up = carry(
        ROLLUP_KIND,
        b.unit.clone(),
        prefecture.clone(),
        "2026-11",
        &b,
    );
    let pref = RollUp::of_parts(prefecture.clone(), "2026-11", &[&a_up, &b_up]).unwrap();
    assert_eq!(pref.parts.len(), 2);
    assert_eq!(pref.totals.children, a.totals.children + b.totals.children);
    assert_eq!(
        pref.totals.schools_expected,
        a.totals.schools_expected + b.totals.schools_expected
    );
    assert_eq!(
        pref.totals.census.primary_age,
        a.totals.census.primary_age + b.totals.census.primary_age
    );
    assert_eq!(pref.dropouts.len(), a.dropouts.len() + b.dropouts.len());
    // The same county twice, or another period, is refused.
    assert!(
        RollUp::of_parts(prefecture.clone(), "2026-11", &[&a_up, &a_up])
            .unwrap_err()
            .to_string()
            .contains("重复")
    );
    assert!(RollUp::of_parts(prefecture.clone(), "2026-10", &[&a_up]).is_err());

    let province = UnitRef {
        level: "province".into(),
        code: "43".into(),
        name: "湖南省".into(),
    };
    let pref_up = carry(
        ROLLUP_KIND,
        prefecture.clone(),
        province.clone(),
        "2026-11",
        &pref,
    );
    let prov = RollUp::of_parts(province.clone(), "2026-11", &[&pref_up]).unwrap();
    assert_eq!(prov.totals.children, pref.totals.children);

    // The province evaluates the prefecture and both counties; the result comes back down.
    let strict = Targets {
        primary_enrolment: 99.99,
        ..Default::default()
    };
    let eval = Evaluation::of(
        province.clone(),
        "2026-2027",
        d(2027, 7, 1),
        &[&pref_up],
        &strict,
    );
    assert_eq!(eval.units.len(), 3);
    let down = carry(EVALUATION_KIND, province, prefecture, "2026-2027", &eval);
    let mine = down.units.iter().find(|u| u.unit.code == "433122").unwrap();
    let primary = mine
        .assessed
        .iter()
        .find(|x| x.indicator == Indicator::PrimaryEnrolment)
        .unwrap();
    let expected = f64::from(a.totals.census.primary_age_enrolled) * 100.0
        / f64::from(a.totals.census.primary_age);
    assert!((primary.percent.unwrap() - expected).abs() < 1e-9);
    assert_eq!(primary.met, Some(expected >= 99.99));
    assert_eq!(
        mine.passed,
        mine.assessed.iter().all(|x| x.met != Some(false))
    );
}

#[test]
fn the_prefecture_imports_county_rollups_once_and_only_from_its_own_counties() {
    use super::super::holdings::ReceivedRollUp;
    use super::super::report::ReportOutcome;
    let key = PseudonymKey::from_bytes([1; 32]);
    let (a, _) = county_rollup("433122", &key);
    let prefecture = UnitRef {
        level: "prefecture".into(),
        code: "4331".into(),
        name: "湘西土家族苗族自治州".into(),
    };
    let file = |r: &RollUp, to: &UnitRef| {
        let env = Envelope::new(
            ROLLUP_KIND,
            r.unit.clone(),
            Some(to.clone()),
            Some(r.period.clone()),
            at(d(2026, 12, 6)),
            "县控辍办",
            None,
        );
        let text = write_bundle(env, r).unwrap();
        read_payload::<RollUp>(&text, ROLLUP_KIND).unwrap()
    };
    let mut inbox = Inbox::default();
    let (env, r) = file(&a, &prefecture);
    assert_eq!(
        inbox.plan_rollup(&env, &r, &prefecture),
        Ok(ReportOutcome::New)
    );
    inbox.rollups.push(ReceivedRollUp {
        envelope: env.clone(),
        rollup: r.clone(),
        received_at: at(d(2026, 12, 7)),
        received_by: "州".into(),
    });
    assert_eq!(
        inbox.plan_rollup(&env, &r, &prefecture),
        Ok(ReportOutcome::AlreadyImported)
    );
    let mut v2 = a.clone();
    v2.version = 2;
    let (env2, r2) = file(&v2, &prefecture);
    assert_eq!(
        inbox.plan_rollup(&env2, &r2, &prefecture),
        Ok(ReportOutcome::Correction { held: 1 })
    );
    // Another prefecture's county, a file for someone else, a county at the province.
    let other = UnitRef {
        level: "prefecture".into(),
        code: "4301".into(),
        name: "长沙市".into(),
    };
    let (e, r) = file(&a, &other);
    assert!(inbox
        .plan_rollup(&e, &r, &other)
        .unwrap_err()
        .to_string()
        .contains("不在本单位辖区内"));
    assert!(inbox
        .plan_rollup(&e, &r, &prefecture)
        .unwrap_err()
        .to_string()
        .contains("不是本单位"));
    let province = UnitRef {
        level: "province".into(),
        code: "43".into(),
        name: "湖南省".into(),
    };
    let (e, r) = file(&a, &province);
    assert!(inbox
        .plan_rollup(&e, &r, &province)
        .unwrap_err()
        .to_string()
        .contains("下一级"));
}
