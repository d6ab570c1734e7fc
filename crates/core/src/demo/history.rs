//! Thirteen school years of monthly figures for every demo school, so that dropout rates per year,
//! the consolidation rate of a cohort (grade 1 eight years before grade 9) and monthly trends
//! have data at a training session. The last month agrees with today's ledger; one school has
//! one month that does not balance, for the flow check to find. A junior school's newcomers
//! are its township's primary graduates of the summer before, less the 小升初 leak, so that no
//! cohort reads above 100%.

use std::collections::HashMap;

use chrono::{Datelike, Months, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::indicators::history::{school_year_of_month, ByGrade, SchoolMonth};
use crate::model::{Child, School, SchoolKind};

/// How many school years back the demo history starts: five cohorts' consolidation rates
/// need eight years before each of the last five.
pub const YEARS: i32 = 13;

fn poisson(rng: &mut ChaCha8Rng, mean: f64) -> u32 {
    // Knuth's method: fine for the small means of a month at one school.
    let limit = (-mean).exp();
    let mut k = 0;
    let mut p = 1.0;
    loop {
        p *= rng.random::<f64>();
        if p <= limit || k > 10_000 {
            return k;
        }
        k += 1;
    }
}

/// The school's first and last grade.
fn span(kind: SchoolKind) -> (usize, usize) {
    let g = kind.grades();
    (usize::from(*g.start() - 1), usize::from(*g.end() - 1))
}

/// Monthly figures of every school from September `YEARS` school years ago to this month.
// Each grade's figures sit in ten arrays indexed together; a range loop reads clearest.
#[allow(clippy::needless_range_loop)]
pub fn history(
    schools: &[School],
    children: &[Child],
    today: NaiveDate,
    seed: u64,
) -> Vec<SchoolMonth> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x6869_7374);
    let this_month = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap_or(today);
    let current_year = school_year_of_month(this_month);
    let first = NaiveDate::from_ymd_opt(current_year - YEARS + 1, 9, 1).unwrap_or(this_month);
    // Today's county enrolment by grade: how cohorts differ in size (births by year).
    let mut county: ByGrade = [0; 9];
    for c in children.iter().filter(|c| c.status.needs_school()) {
        if let Some(g) = c.grade.filter(|g| (1..=9).contains(g)) {
            county[usize::from(g - 1)] += 1;
        }
    }
    // Today's enrolment of each school by grade: the sizes the cohorts must arrive at.
    let mut today_by_school: HashMap<uuid::Uuid, ByGrade> = HashMap::new();
    for c in children.iter().filter(|c| c.status.needs_school()) {
        if let (Some(id), Some(g)) = (c.school_id, c.grade.filter(|g| (1..=9).contains(g))) {
            today_by_school.entry(id).or_insert([0; 9])[usize::from(g - 1)] += 1;
        }
    }
    // A township's junior schools share its primary graduates by their size today.
    let mut junior_weight: HashMap<&str, u32> = HashMap::new();
    for s in schools.iter().filter(|s| span(s.kind).0 == 6) {
        let now = today_by_school.get(&s.id).copied().unwrap_or_default();
        *junior_weight.entry(&s.township_code).or_default() += now[6..].iter().sum::<u32>() + 1;
    }
    // Primary schools first: their graduates are the junior schools' newcomers.
    let mut order: Vec<(usize, &School)> = schools.iter().enumerate().collect();
    order.sort_by_key(|(_, s)| span(s.kind).0 == 6);
    let mut graduates: HashMap<(&str, i32), u32> = HashMap::new();
    let mut out = Vec::new();
    for (n, school) in order {
        let now = today_by_school.get(&school.id).copied().unwrap_or_default();
        let (low, high) = span(school.kind);
        let town = school.township_code.as_str();
        let share = f64::from(now[6..].iter().sum::<u32>() + 1)
            / f64::from(junior_weight.get(town).copied().unwrap_or(1).max(1));
        // The size a cohort that is in grade `g` in school year `y` will have today.
        // A cohort that has since left the school is as large, relative to the school's top
        // grade today, as that cohort is in the county today.
        let cohort_size = |g: usize, y: i32| -> u32 {
            let today_grade = (g as i32 + (current_year - y)).max(low as i32) as usize;
            if today_grade <= high {
                return now[today_grade];
            }
            let (top, cohort) = (county[high].max(1), county[today_grade.min(8)]);
            (f64::from(now[high]) * f64::from(cohort) / f64::from(top)).round() as u32
        };
        let mut end: ByGrade = [0; 9];
        // Enrolment on the day the history starts: each cohort at its size, plus a little
        // for the losses still to come.
        for (g, e) in end.iter_mut().enumerate().take(high + 1).skip(low) {
            *e = (f64::from(cohort_size(g, current_year - YEARS + 1)) * 1.01).round() as u32;
        }
        let mut month = first;
        // Dropouts still out, by grade: a child comes back to their own cohort.
        let mut out_of_school: ByGrade = [0; 9];
        while month <= this_month {
            let mut m = SchoolMonth {
                school_id: school.id,
                township_code: school.township_code.clone(),
                month,
                start: end,
                entered: [0; 9],
                transferred_in: [0; 9],
                transferred_out: [0; 9],
                graduated: [0; 9],
                died: [0; 9],
                dropped_out: [0; 9],
                returned: [0; 9],
                suspended: [0; 9],
                suspected: [0; 9],
                end: [0; 9],
            };
            let year = school_year_of_month(month);
            if month.month() == 9 {
                // Promotion: every grade moves up; the first grade is filled by newcomers.
                let mut start = [0; 9];
                for g in (low + 1)..=high {
                    start[g] = if month == first { end[g] } else { end[g - 1] };
                }
                m.start = start;
                for g in ((low + 1)..=high).rev() {
                    out_of_school[g] = out_of_school[g - 1];
                }
                out_of_school[low] = 0;
                let intake = graduates.get(&(town, year - 1)).filter(|_| low == 6);
                m.entered[low] = match intake {
                    // About 0.4% finish grade 6 and start no junior school (the leak).
                    Some(&g) => (f64::from(g) * 0.996 * share).floor() as u32,
                    None => (f64::from(cohort_size(low, year)) * 1.01).round() as u32,
                };
            }
            for g in low..=high {
                let n = f64::from(m.start[g] + m.entered[g]);
                let junior = g >= 6;
                m.transferred_in[g] = poisson(&mut rng, n * 0.002);
                m.transferred_out[g] = poisson(&mut rng, n * 0.002).min(m.start[g]);
                m.dropped_out[g] = poisson(&mut rng, n * if junior { 0.0012 } else { 0.0003 });
                m.died[g] = poisson(&mut rng, n * 0.00002);
                m.suspended[g] = poisson(&mut rng, n * 0.0002);
                // Most suspects are back within days; about one in four becomes a dropout.
                m.suspected[g] =
                    m.dropped_out[g] + poisson(&mut rng, n * if junior { 0.0035 } else { 0.001 });
                // About 6% of the cohort's dropouts still out come back each month.
                let back =
                    poisson(&mut rng, f64::from(out_of_school[g]) * 0.06).min(out_of_school[g]);
                m.returned[g] = back;
                out_of_school[g] = out_of_school[g] + m.dropped_out[g] - back;
                if month.month() == 8 && g == high {
                    // The top grade leaves at the end of the school year.
                    let left = m.start[g] + m.entered[g] + m.transferred_in[g] + m.returned[g];
                    let gone = m.transferred_out[g] + m.dropped_out[g] + m.died[g];
                    m.graduated[g] = left.saturating_sub(gone);
                }
                let expected =
                    i64::from(m.start[g] + m.entered[g] + m.transferred_in[g] + m.returned[g])
                        - i64::from(
                            m.transferred_out[g] + m.graduated[g] + m.died[g] + m.dropped_out[g],
                        );
                if month == this_month {
                    // Today's ledger is the truth: the last month's transfers make up the rest.
                    let diff = i64::from(now[g]) - expected;
                    if diff > 0 {
                        m.transferred_in[g] += diff as u32;
                    } else {
                        m.transferred_out[g] += (-diff) as u32;
                    }
                    m.end[g] = now[g];
                } else {
                    m.end[g] = expected.max(0) as u32;
                    if expected < 0 {
                        m.transferred_out[g] =
                            m.transferred_out[g].saturating_sub((-expected) as u32);
                    }
                }
            }
            // Some never come back: they age out of compulsory schooling or leave the county.
            for o in out_of_school.iter_mut() {
                *o -= (f64::from(*o) * 0.03).round() as u32;
            }
            // One school, one month, two pupils the figures do not account for.
            if n == 0 && month == this_month - Months::new(14) {
                m.end[low] += 2;
            }
            if high == 5 && month.month() == 8 {
                *graduates.entry((town, year)).or_default() += m.graduated[5];
            }
            end = m.end;
            out.push(m);
            month = month + Months::new(1);
        }
    }
    out
}
