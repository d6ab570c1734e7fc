//! Indicators over time: each school's monthly figures by grade (what its 月报 carries), kept so
//! that dropout and consolidation rates per school year, trends and the flow balance
//! (人账相符) can be computed for any unit and period.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Cohort, DropoutDefinition, Figure, Flow, Targets};
use crate::model::Stage;

/// Grades 1–9, index 0 is grade 1.
pub type ByGrade = [u32; 9];

/// One school's figures for one month (学校月度数据), by grade.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SchoolMonth {
    pub school_id: Uuid,
    pub township_code: String,
    /// The first day of the month.
    pub month: NaiveDate,
    /// Enrolled on the first day of the month.
    pub start: ByGrade,
    /// New pupils (grade 1 in September, grade 7 from primary schools).
    pub entered: ByGrade,
    pub transferred_in: ByGrade,
    pub transferred_out: ByGrade,
    pub graduated: ByGrade,
    pub died: ByGrade,
    pub dropped_out: ByGrade,
    /// Dropouts brought back during the month.
    pub returned: ByGrade,
    /// 休学 during the month (they keep their 学籍).
    pub suspended: ByGrade,
    /// New suspected dropouts listed during the month (疑似辍学).
    #[serde(default)]
    pub suspected: ByGrade,
    /// Enrolled on the last day of the month.
    pub end: ByGrade,
}

/// Saturating: figures a file brought in are checked at import, but a sum must never wrap.
fn sum(a: &ByGrade, grades: std::ops::RangeInclusive<u8>) -> u32 {
    grades.fold(0u32, |s, g| s.saturating_add(a[usize::from(g - 1)]))
}

fn grades_of(stage: Stage) -> std::ops::RangeInclusive<u8> {
    match stage {
        Stage::Primary => 1..=6,
        Stage::Junior => 7..=9,
    }
}

impl SchoolMonth {
    /// The month's flow for a stage.
    pub fn flow(&self, stage: Stage) -> Flow {
        let g = || grades_of(stage);
        Flow {
            start: sum(&self.start, g()),
            entered: sum(&self.entered, g()),
            transferred_in: sum(&self.transferred_in, g()),
            transferred_out: sum(&self.transferred_out, g()),
            graduated: sum(&self.graduated, g()),
            died: sum(&self.died, g()),
            dropped_out: sum(&self.dropped_out, g()),
            returned: sum(&self.returned, g()),
            suspended: sum(&self.suspended, g()),
            end: sum(&self.end, g()),
        }
    }
}

/// The school year a month belongs to (September to August).
pub fn school_year_of_month(month: NaiveDate) -> i32 {
    if month.month() >= 9 {
        month.year()
    } else {
        month.year() - 1
    }
}

/// Which schools a figure covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unit {
    County,
    Township(String),
    School(Uuid),
}

impl Unit {
    fn covers(&self, m: &SchoolMonth) -> bool {
        match self {
            Unit::County => true,
            Unit::Township(t) => &m.township_code == t,
            Unit::School(s) => &m.school_id == s,
        }
    }
}

/// A school whose figures do not balance in a month, and by how much.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imbalance {
    pub school_id: Uuid,
    pub month: NaiveDate,
    pub stage: Stage,
    pub flow: Flow,
}

/// Every school's monthly figures.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    months: Vec<SchoolMonth>,
    /// The months covered, in order: asked for by every yearly figure, so made once.
    periods: Vec<NaiveDate>,
}

impl History {
    pub fn new(mut months: Vec<SchoolMonth>) -> Self {
        months.sort_by(|a, b| a.month.cmp(&b.month).then(a.school_id.cmp(&b.school_id)));
        let mut periods: Vec<NaiveDate> = months.iter().map(|m| m.month).collect();
        periods.dedup();
        History { months, periods }
    }

    pub fn months(&self) -> &[SchoolMonth] {
        &self.months
    }

    /// The months covered, in order.
    pub fn periods(&self) -> &[NaiveDate] {
        &self.periods
    }

    fn of<'a>(&'a self, unit: &'a Unit) -> impl Iterator<Item = &'a SchoolMonth> + 'a {
        self.months.iter().filter(move |m| unit.covers(m))
    }

    /// The flow of a unit and stage from the first day of `from` to the last of `to`.
    pub fn flow(&self, unit: &Unit, stage: Stage, from: NaiveDate, to: NaiveDate) -> Flow {
        let mut f = Flow::default();
        for m in self.of(unit).filter(|m| m.month >= from && m.month <= to) {
            let x = m.flow(stage);
            if m.month == from {
                f.start += x.start;
            }
            if m.month == to {
                f.end += x.end;
            }
            f.entered += x.entered;
            f.transferred_in += x.transferred_in;
            f.transferred_out += x.transferred_out;
            f.graduated += x.graduated;
            f.died += x.died;
            f.dropped_out += x.dropped_out;
            f.returned += x.returned;
            f.suspended += x.suspended;
        }
        f
    }

    /// Schools whose month does not balance (人账相符), in `month` or in every month.
    pub fn imbalances(&self, month: Option<NaiveDate>) -> Vec<Imbalance> {
        self.months
            .iter()
            .filter(|m| month.is_none_or(|x| m.month == x))
            .flat_map(|m| {
                [Stage::Primary, Stage::Junior]
                    .into_iter()
                    .filter_map(|stage| {
                        let flow = m.flow(stage);
                        (!flow.balances()).then_some(Imbalance {
                            school_id: m.school_id,
                            month: m.month,
                            stage,
                            flow,
                        })
                    })
            })
            .collect()
    }

    /// The months of a school year that are in the history.
    fn year_months(&self, year: i32) -> Option<(NaiveDate, NaiveDate)> {
        let mut months = self
            .periods
            .iter()
            .filter(|m| school_year_of_month(**m) == year);
        let first = *months.next()?;
        Some((first, months.next_back().copied().unwrap_or(first)))
    }

    /// The dropout rate of a school year (so far, for the current one): dropouts over the
    /// enrolment on 1 September.
    pub fn dropout_rate(
        &self,
        unit: &Unit,
        stage: Stage,
        year: i32,
        def: DropoutDefinition,
        targets: &Targets,
    ) -> Option<Figure> {
        let (from, to) = self.year_months(year)?;
        let mut f = self.flow(unit, stage, from, to);
        // September's newcomers are part of the year's enrolment at its start.
        f.start += f.entered;
        f.entered = 0;
        Some(f.dropout_rate(stage, def, targets))
    }

    /// The cohort that entered grade 1 in `year - 8` and is in grade 9 in `year`, followed
    /// through its transfers (and deaths) in between.
    pub fn cohort(&self, unit: &Unit, year: i32) -> Option<Cohort> {
        let entry = year - 8;
        self.year_months(entry)?;
        let (_, last) = self.year_months(year)?;
        let mut c = Cohort::default();
        for m in self.of(unit) {
            let y = school_year_of_month(m.month);
            if !(entry..=year).contains(&y) {
                continue;
            }
            let g = usize::try_from(y - entry).unwrap_or(0);
            if y == entry {
                c.grade1_entrants += m.entered[0];
            }
            c.transferred_in += m.transferred_in[g];
            c.transferred_out += m.transferred_out[g];
            c.died += m.died[g];
            if g == 5 {
                c.primary_graduates += m.graduated[5];
            }
            if g == 6 {
                c.junior_entrants += m.entered[6];
            }
            if y == year && m.month == last {
                // In a finished year grade 9 has graduated by the end of August.
                c.grade9_now += m.end[8] + m.graduated[8];
            }
        }
        Some(c)
    }

    /// Monthly totals of a unit for trend charts, in month order.
    pub fn monthly(&self, unit: &Unit) -> Vec<MonthTotals> {
        let mut by: HashMap<NaiveDate, MonthTotals> = HashMap::new();
        for m in self.of(unit) {
            let e = by.entry(m.month).or_insert_with(|| MonthTotals {
                month: m.month,
                ..MonthTotals::default()
            });
            e.suspected += m.suspected.iter().sum::<u32>();
            e.dropped_out += m.dropped_out.iter().sum::<u32>();
            e.returned += m.returned.iter().sum::<u32>();
            e.enrolled += m.end.iter().sum::<u32>();
        }
        let mut out: Vec<_> = by.into_values().collect();
        out.sort_by_key(|x| x.month);
        out
    }

    /// The school years in the history, oldest first.
    pub fn school_years(&self) -> Vec<i32> {
        let mut y: Vec<i32> = self
            .periods
            .iter()
            .copied()
            .map(school_year_of_month)
            .collect();
        y.dedup();
        y
    }

    /// The cohort that entered grade 1 in school year `entry`, grade by grade: its enrolment
    /// in grade g at the start of school year `entry + g - 1` (after September's newcomers).
    pub fn cohort_path(&self, unit: &Unit, entry: i32) -> Vec<(u8, u32)> {
        let mut by = [0u32; 9];
        let mut seen = [false; 9];
        for m in self.of(unit).filter(|m| m.month.month() == 9) {
            let g = school_year_of_month(m.month) - entry;
            if let Ok(g @ 0..=8) = usize::try_from(g) {
                by[g] += m.start[g] + m.entered[g];
                seen[g] = true;
            }
        }
        (1..=9u8)
            .zip(by)
            .zip(seen)
            .filter(|(_, s)| *s)
            .map(|(x, _)| x)
            .collect()
    }

    /// The consolidation rate of every cohort whose grade-1 and grade-9 years are both in the
    /// history, by the school year it reached grade 9.
    pub fn consolidation_by_year(
        &self,
        unit: &Unit,
        adjusted: bool,
        targets: &Targets,
    ) -> Vec<(i32, Figure)> {
        self.school_years()
            .into_iter()
            .filter_map(|y| {
                self.cohort(unit, y)
                    .map(|c| (y, c.consolidation_rate(adjusted, targets)))
            })
            .collect()
    }

    /// A unit's dropouts of a school year by grade, as the definition counts them, with the
    /// enrolment each is a share of.
    pub fn dropouts_by_grade(
        &self,
        unit: &Unit,
        year: i32,
        def: DropoutDefinition,
    ) -> (ByGrade, ByGrade) {
        let mut out = [0u32; 9];
        let mut base = [0u32; 9];
        let Some((from, _)) = self.year_months(year) else {
            return (out, base);
        };
        for m in self
            .of(unit)
            .filter(|m| school_year_of_month(m.month) == year)
        {
            for g in 0..9 {
                out[g] += m.dropped_out[g]
                    + if def.suspended_count {
                        m.suspended[g]
                    } else {
                        0
                    }
                    + if def.deaths_count { m.died[g] } else { 0 };
                if m.month == from {
                    base[g] += m.start[g] + m.entered[g];
                }
            }
        }
        (out, base)
    }
}

/// One month of a unit's trend.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MonthTotals {
    pub month: NaiveDate,
    /// New suspected dropouts.
    pub suspected: u32,
    pub dropped_out: u32,
    pub returned: u32,
    /// Enrolled at the end of the month.
    pub enrolled: u32,
}
