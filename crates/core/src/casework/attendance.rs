//! School days and runs of unexcused absence over them.

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// Which days are school days: Monday to Friday, less holidays and vacations, plus the
/// weekend days made school days by a holiday swap (调休上课).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SchoolCalendar {
    /// Holidays and vacations, first and last day included.
    pub closed: Vec<(NaiveDate, NaiveDate)>,
    /// Weekend days with classes.
    pub make_up: Vec<NaiveDate>,
}

/// A line of the calendar settings that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("第{line}行“{text}”不是日期或日期段（例：2026-10-01 至 2026-10-07）")]
pub struct CalendarLineError {
    pub line: usize,
    pub text: String,
}

impl SchoolCalendar {
    pub fn is_school_day(&self, d: NaiveDate) -> bool {
        if self.make_up.contains(&d) {
            return true;
        }
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
            && !self.closed.iter().any(|(a, b)| (*a..=*b).contains(&d))
    }

    /// The school day before `d` (looking back at most a year).
    pub fn previous_school_day(&self, d: NaiveDate) -> NaiveDate {
        let mut p = d;
        for _ in 0..366 {
            p = p.pred_opt().unwrap_or(p);
            if self.is_school_day(p) {
                return p;
            }
        }
        p
    }

    /// The school day on or before `d`.
    pub fn school_day_on_or_before(&self, d: NaiveDate) -> NaiveDate {
        if self.is_school_day(d) {
            d
        } else {
            self.previous_school_day(d)
        }
    }

    /// Length and first day of the run of consecutive school days of unexcused absence that
    /// ends on `last` (0 when `last` itself is not such a day). `unexcused` holds the child's
    /// days of unexcused absence. Holidays inside a run do not break it.
    pub fn unexcused_run(&self, unexcused: &[NaiveDate], last: NaiveDate) -> (u32, NaiveDate) {
        let mut days = 0;
        let mut first = last;
        let mut d = last;
        while unexcused.contains(&d) {
            days += 1;
            first = d;
            d = self.previous_school_day(d);
        }
        (days, first)
    }

    /// Reads the settings' text: closed days, one date or "date 至 date" (or "~", "-", "到")
    /// per line; make-up days, one date per line.
    pub fn parse(closed: &str, make_up: &str) -> Result<Self, CalendarLineError> {
        let date = |s: &str| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
        let mut cal = SchoolCalendar::default();
        for (i, line) in closed.lines().enumerate() {
            let t = line.trim();
            if t.is_empty() {
                continue;
            }
            let err = || CalendarLineError {
                line: i + 1,
                text: t.to_string(),
            };
            let parts: Vec<&str> = t.splitn(2, ['至', '~', '到', '—']).collect();
            let range = match parts.as_slice() {
                [one] => date(one).map(|d| (d, d)),
                [a, b] => date(a).zip(date(b)).filter(|(a, b)| a <= b),
                _ => None,
            };
            cal.closed.push(range.ok_or_else(err)?);
        }
        for (i, line) in make_up.lines().enumerate() {
            let t = line.trim();
            if t.is_empty() {
                continue;
            }
            cal.make_up.push(date(t).ok_or(CalendarLineError {
                line: i + 1,
                text: t.to_string(),
            })?);
        }
        Ok(cal)
    }

    /// The settings' text back from the calendar.
    pub fn to_text(&self) -> (String, String) {
        let closed = self
            .closed
            .iter()
            .map(|(a, b)| {
                if a == b {
                    a.to_string()
                } else {
                    format!("{a} 至 {b}")
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        let make_up = self
            .make_up
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join("\n");
        (closed, make_up)
    }
}
