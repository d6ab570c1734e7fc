//! Roll-ups (汇总) going up from county to prefecture and prefecture to province — counts and
//! indicators, no names or ID numbers; each dropout under a pseudonym only its county can
//! resolve — and the province's annual evaluation (年度评估) coming back down.

use chrono::{Datelike, NaiveDate};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::report::MonthlyReport;
use super::UnitRef;
use crate::indicators::{Census, Indicator, Targets};
use crate::model::{Child, Sex, Status};

/// Envelope kind of a roll-up (county → prefecture, prefecture → province).
pub const ROLLUP_KIND: &str = "rollup";
/// Envelope kind of the province's annual evaluation.
pub const EVALUATION_KIND: &str = "province-evaluation";

/// The county's secret for pseudonyms: whoever holds it (the county) can tell which child a
/// pseudonym stands for; nobody above can.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PseudonymKey(pub String);

impl std::fmt::Debug for PseudonymKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PseudonymKey(…)")
    }
}

impl PseudonymKey {
    /// A key from 32 random bytes (the caller draws them).
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        PseudonymKey(bytes.iter().map(|b| format!("{b:02x}")).collect())
    }

    /// The pseudonym of a child in a county: the county code and 12 hex digits of an
    /// HMAC-SHA256 of the child's id.
    pub fn pseudonym(&self, county_code: &str, child_id: uuid::Uuid) -> String {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(self.0.as_bytes()) else {
            return format!("{county_code}-?");
        };
        mac.update(child_id.as_bytes());
        let tag = mac.finalize().into_bytes();
        let hex: String = tag.iter().take(6).map(|b| format!("{b:02x}")).collect();
        format!("{county_code}-{hex}")
    }

    /// The child behind a pseudonym, among the county's children.
    pub fn resolve<'a>(
        &self,
        county_code: &str,
        pseudonym: &str,
        children: &'a [Child],
    ) -> Option<&'a Child> {
        children
            .iter()
            .find(|c| self.pseudonym(county_code, c.id) == pseudonym)
    }
}

/// A dropout as the levels above see it: no name, no ID number, no address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PseudonymousDropout {
    pub pseudonym: String,
    pub sex: Sex,
    pub birth_year: i32,
    pub grade: Option<u8>,
    /// The township (乡镇) code, so the prefecture can see where.
    pub township_code: String,
}

/// One unit's figures in a roll-up.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UnitFigures {
    pub unit: Option<UnitRef>,
    /// Schools that should have reported, and those that did (zero reports among them).
    pub schools_expected: u32,
    pub schools_reported: u32,
    pub zero_reports: u32,
    /// Children on the schools' reports, and of them enrolled, suspected and dropped out.
    pub children: u32,
    pub enrolled: u32,
    pub suspected: u32,
    pub dropouts: u32,
    /// This month's movements from the schools' lists.
    pub new_suspects: u32,
    pub confirmed_dropouts: u32,
    pub returns: u32,
    /// The census behind the enrolment rates (county level and above).
    pub census: Census,
}

impl UnitFigures {
    /// Adds another unit's figures (a school's, or a county's into a prefecture).
    pub fn add(&mut self, o: &UnitFigures) {
        // Saturating: figures come from files, and a sum must never wrap or panic.
        let add = |a: &mut u32, b: u32| *a = a.saturating_add(b);
        add(&mut self.schools_expected, o.schools_expected);
        add(&mut self.schools_reported, o.schools_reported);
        add(&mut self.zero_reports, o.zero_reports);
        add(&mut self.children, o.children);
        add(&mut self.enrolled, o.enrolled);
        add(&mut self.suspected, o.suspected);
        add(&mut self.dropouts, o.dropouts);
        add(&mut self.new_suspects, o.new_suspects);
        add(&mut self.confirmed_dropouts, o.confirmed_dropouts);
        add(&mut self.returns, o.returns);
        let (a, b) = (&mut self.census, &o.census);
        add(&mut a.primary_age, b.primary_age);
        add(&mut a.primary_age_enrolled, b.primary_age_enrolled);
        add(&mut a.junior_age, b.junior_age);
        add(&mut a.junior_age_enrolled, b.junior_age_enrolled);
        add(&mut a.junior_students, b.junior_students);
        add(&mut a.disabled_three, b.disabled_three);
        add(&mut a.disabled_three_enrolled, b.disabled_three_enrolled);
    }

    /// A school's figures from its monthly report.
    pub fn of_report(r: &MonthlyReport, unit: UnitRef) -> UnitFigures {
        let count = |f: &dyn Fn(Status) -> bool| -> u32 {
            r.counts
                .iter()
                .filter(|c| f(c.status))
                .fold(0u32, |s, c| s.saturating_add(c.count))
        };
        UnitFigures {
            unit: Some(unit),
            schools_expected: 1,
            schools_reported: 1,
            zero_reports: u32::from(r.zero_report),
            children: u32::try_from(r.total()).unwrap_or(u32::MAX),
            enrolled: count(&|s| s.counts_as_enrolled()),
            suspected: count(&|s| s == Status::SuspectedDropout),
            dropouts: count(&|s| s == Status::Dropout),
            new_suspects: r.new_suspects.len() as u32,
            confirmed_dropouts: r.confirmed_dropouts.len() as u32,
            returns: r.returns.len() as u32,
            census: Census::default(),
        }
    }
}

/// 汇总: a unit's figures for a period, for the level above, with its parts (the schools of a
/// county, the counties of a prefecture) and its dropouts under pseudonyms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RollUp {
    pub unit: UnitRef,
    pub period: String,
    pub version: u32,
    pub totals: UnitFigures,
    pub parts: Vec<UnitFigures>,
    pub dropouts: Vec<PseudonymousDropout>,
}

impl RollUp {
    /// A county's roll-up from its schools' monthly reports (the latest version of each) and
    /// its census; `expected` is how many schools should have reported.
    pub fn of_county(
        county: UnitRef,
        period: &str,
        reports: &[&MonthlyReport],
        expected: u32,
        census: Census,
        dropouts: Vec<PseudonymousDropout>,
    ) -> RollUp {
        let parts: Vec<UnitFigures> = reports
            .iter()
            .map(|r| UnitFigures::of_report(r, r.school.unit()))
            .collect();
        let mut totals = UnitFigures {
            unit: Some(county.clone()),
            ..UnitFigures::default()
        };
        for p in &parts {
            totals.add(p);
        }
        totals.schools_expected = expected;
        totals.census = census;
        RollUp {
            unit: county,
            period: period.to_string(),
            version: 1,
            totals,
            parts,
            dropouts,
        }
    }

    /// A prefecture's (or province's) roll-up from the roll-ups of the units below it.
    pub fn of_parts(
        unit: UnitRef,
        period: &str,
        below: &[&RollUp],
    ) -> Result<RollUp, super::Refusal> {
        let mut totals = UnitFigures {
            unit: Some(unit.clone()),
            ..UnitFigures::default()
        };
        let mut parts = Vec::new();
        let mut dropouts = Vec::new();
        for r in below {
            if r.period != period {
                return Err(super::Refusal::PartPeriod {
                    name: r.unit.name.clone(),
                    got: r.period.clone(),
                    want: period.to_string(),
                });
            }
            if parts
                .iter()
                .any(|p: &UnitFigures| p.unit.as_ref() == Some(&r.unit))
            {
                return Err(super::Refusal::DuplicatePart(r.unit.name.clone()));
            }
            totals.add(&r.totals);
            parts.push(r.totals.clone());
            dropouts.extend(r.dropouts.iter().cloned());
        }
        Ok(RollUp {
            unit,
            period: period.to_string(),
            version: 1,
            totals,
            parts,
            dropouts,
        })
    }
}

/// The county's dropouts under pseudonyms, for its roll-up.
pub fn pseudonymous_dropouts(
    key: &PseudonymKey,
    county_code: &str,
    ledger: &crate::ledger::Ledger,
) -> Vec<PseudonymousDropout> {
    ledger
        .children()
        .iter()
        .filter(|c| c.status == Status::Dropout)
        .map(|c| PseudonymousDropout {
            pseudonym: key.pseudonym(county_code, c.id),
            sex: c.sex,
            birth_year: c.birth_date.year(),
            grade: c.grade,
            township_code: ledger.township_of(c).unwrap_or_default().to_string(),
        })
        .collect()
}

/// A county's records as its roll-up reads them.
pub struct CountyRecords<'a> {
    pub installation: &'a crate::model::Installation,
    pub ledger: &'a crate::ledger::Ledger,
    /// Every version of every school's report the county holds.
    pub reports: &'a [super::report::ReceivedReport],
    pub census_definition: crate::indicators::CensusDefinition,
}

impl CountyRecords<'_> {
    /// 报市州汇总 for a month: the latest report held of each of the county's schools, its
    /// census on `today`, and every dropout child of its ledger under a pseudonym. The web
    /// app's 报市州汇总 and `baoxue merge` both write this, so one county's month is one file.
    pub fn rollup(&self, period: &str, key: &PseudonymKey, today: NaiveDate) -> RollUp {
        let me = UnitRef::of(self.installation);
        let schools = self.ledger.schools();
        // In one order whatever order the records were stored in: the same county's month
        // is the same file, made in the browser or from its backup.
        let mut reports: Vec<&MonthlyReport> = schools
            .iter()
            .filter_map(|s| {
                super::report::current_report(self.reports, s.id, period).map(|r| &r.report)
            })
            .collect();
        reports.sort_by(|a, b| {
            (&a.school.code, &a.school.name, a.school.id).cmp(&(
                &b.school.code,
                &b.school.name,
                b.school.id,
            ))
        });
        let census =
            crate::indicators::CensusTable::of(self.ledger, today, self.census_definition).county;
        let mut dropouts = pseudonymous_dropouts(key, &me.code, self.ledger);
        dropouts.sort_by(|a, b| a.pseudonym.cmp(&b.pseudonym));
        RollUp::of_county(
            me,
            period,
            &reports,
            u32::try_from(schools.len()).unwrap_or(u32::MAX),
            census,
            dropouts,
        )
    }

    /// The envelope the roll-up travels in, addressed to the county's prefecture.
    pub fn envelope(
        &self,
        rollup: &RollUp,
        made_at: chrono::NaiveDateTime,
        made_by: &str,
    ) -> super::Envelope {
        let up = self
            .installation
            .divisions
            .iter()
            .rev()
            .nth(1)
            .map(|d| UnitRef {
                level: "prefecture".into(),
                code: d.code.clone(),
                name: d.name.clone(),
            });
        super::Envelope::new(
            ROLLUP_KIND,
            rollup.unit.clone(),
            up,
            Some(rollup.period.clone()),
            made_at,
            made_by,
            None,
        )
    }
}

/// One indicator of a unit in the evaluation: the figure, the target, and whether it is met.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Assessed {
    pub indicator: Indicator,
    pub percent: Option<f64>,
    pub target: f64,
    pub met: Option<bool>,
}

/// One unit's part of the province's evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UnitEvaluation {
    pub unit: UnitRef,
    pub assessed: Vec<Assessed>,
    /// 达标 when every assessed figure meets its target.
    pub passed: bool,
    pub comment: String,
}

/// 年度评估: the province's evaluation of its prefectures and counties for a school year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Evaluation {
    pub province: UnitRef,
    /// "2026-2027".
    pub school_year: String,
    pub evaluated_on: NaiveDate,
    pub units: Vec<UnitEvaluation>,
}

impl Evaluation {
    /// Evaluates each unit of a roll-up (and the roll-up's own parts) against the targets.
    pub fn of(
        province: UnitRef,
        school_year: &str,
        evaluated_on: NaiveDate,
        rollups: &[&RollUp],
        targets: &Targets,
    ) -> Evaluation {
        let units = rollups
            .iter()
            .flat_map(|r| std::iter::once(&r.totals).chain(r.parts.iter()))
            .filter_map(|p| {
                let unit = p.unit.clone()?;
                let assessed: Vec<Assessed> = p
                    .census
                    // Counted by each county under its own definition; only the figures are kept.
                    .figures(targets, crate::indicators::CensusDefinition::default())
                    .into_iter()
                    .map(|f| Assessed {
                        indicator: f.indicator,
                        percent: f.percent(),
                        target: f.target,
                        met: f.meets_target(),
                    })
                    .collect();
                let passed = assessed.iter().all(|a| a.met != Some(false));
                Some(UnitEvaluation {
                    unit,
                    assessed,
                    passed,
                    comment: String::new(),
                })
            })
            .collect();
        Evaluation {
            province,
            school_year: school_year.to_string(),
            evaluated_on,
            units,
        }
    }
}

#[cfg(test)]
#[path = "rollup_tests.rs"]
mod tests;
