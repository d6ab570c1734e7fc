//! Runs of unexcused absence over school days.

use chrono::{Datelike, NaiveDate, Weekday};

/// Monday to Friday. (Holidays and make-up days are not modelled yet: a run across a
/// holiday counts the holiday's weekdays as days present.)
pub fn is_school_day(d: NaiveDate) -> bool {
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The school day before `d`.
pub fn previous_school_day(d: NaiveDate) -> NaiveDate {
    let mut p = d.pred_opt().unwrap_or(d);
    while !is_school_day(p) {
        p = p.pred_opt().unwrap_or(p);
    }
    p
}

/// Length and first day of the run of consecutive school days of unexcused absence that ends
/// on `last` (0 when `last` itself is not such a day). `unexcused` holds the child's days of
/// unexcused absence.
pub fn unexcused_run(unexcused: &[NaiveDate], last: NaiveDate) -> (u32, NaiveDate) {
    let mut days = 0;
    let mut first = last;
    let mut d = last;
    while unexcused.contains(&d) {
        days += 1;
        first = d;
        d = previous_school_day(d);
    }
    (days, first)
}
