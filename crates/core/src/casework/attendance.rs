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

/// The lunar holidays of one school year, from the published lunar calendar.
struct LunarYear {
    /// The school year's first year, whose autumn has 中秋.
    year: i32,
    mid_autumn: (u32, u32),
    /// 春节, 清明 (an April day) and 端午 of the second year.
    spring_festival: (u32, u32),
    qingming: u32,
    dragon_boat: (u32, u32),
}

const fn lunar(
    year: i32,
    mid_autumn: (u32, u32),
    spring_festival: (u32, u32),
    qingming: u32,
    dragon_boat: (u32, u32),
) -> LunarYear {
    LunarYear {
        year,
        mid_autumn,
        spring_festival,
        qingming,
        dragon_boat,
    }
}

const LUNAR: [LunarYear; 7] = [
    lunar(2024, (9, 17), (1, 29), 4, (5, 31)),
    lunar(2025, (10, 6), (2, 17), 5, (6, 19)),
    lunar(2026, (9, 25), (2, 6), 5, (6, 9)),
    lunar(2027, (9, 15), (1, 26), 4, (5, 28)),
    lunar(2028, (10, 3), (2, 13), 4, (6, 16)),
    lunar(2029, (9, 22), (2, 3), 5, (6, 5)),
    lunar(2030, (9, 12), (1, 23), 5, (6, 24)),
];

/// A line of the calendar settings that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("第{line}行“{text}”不是日期或日期段（例：2026-10-01 至 2026-10-07）")]
pub struct CalendarLineError {
    pub line: usize,
    pub text: String,
}

impl crate::model::Localized for CalendarLineError {
    fn en(&self) -> String {
        format!(
            "Line {} “{}” is not a date or a span of dates (as 2026-10-01 ~ 2026-10-07)",
            self.line, self.text
        )
    }
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

    /// The usual closed days of school year `year` (September `year` to August `year`+1), to
    /// start from and adjust to the local 校历 and the year's State Council notice: 中秋,
    /// 国庆 (10-01 to 10-07), 元旦, 寒假 (three weeks before 春节 to 元宵 and two days), 清明,
    /// 劳动节 (05-01 to 05-05), 端午 and 暑假 (07-01 to 08-31). No make-up days: those are set
    /// each year. The lunar holidays are known for school years 2024 to 2030; for other
    /// years only the fixed-date ones are given (see [`Self::knows_lunar_holidays`]).
    pub fn usual(year: i32) -> SchoolCalendar {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        let one = |d: Option<NaiveDate>| d.map(|d| (d, d));
        let span = |a: Option<NaiveDate>, b: Option<NaiveDate>| a.zip(b);
        let lunar = LUNAR.iter().find(|l| l.year == year);
        let mut closed: Vec<(NaiveDate, NaiveDate)> = [
            lunar.and_then(|l| one(day(year, l.mid_autumn.0, l.mid_autumn.1))),
            span(day(year, 10, 1), day(year, 10, 7)),
            one(day(year + 1, 1, 1)),
            lunar.and_then(|l| {
                let spring = day(year + 1, l.spring_festival.0, l.spring_festival.1)?;
                Some((
                    spring - chrono::Days::new(21),
                    spring + chrono::Days::new(16),
                ))
            }),
            lunar.and_then(|l| one(day(year + 1, 4, l.qingming))),
            span(day(year + 1, 5, 1), day(year + 1, 5, 5)),
            lunar.and_then(|l| one(day(year + 1, l.dragon_boat.0, l.dragon_boat.1))),
            span(day(year + 1, 7, 1), day(year + 1, 8, 31)),
        ]
        .into_iter()
        .flatten()
        .collect();
        closed.sort();
        // 中秋 inside 国庆 is one closure.
        closed.dedup_by(|b, a| b.0 >= a.0 && b.1 <= a.1);
        SchoolCalendar {
            closed,
            make_up: Vec::new(),
        }
    }

    /// [`Self::usual`] for the school year `day` falls in.
    pub fn usual_around(day: NaiveDate) -> SchoolCalendar {
        Self::usual(crate::rules::school_age::school_year_of(day))
    }

    /// Whether [`Self::usual`] knows 中秋, 春节, 清明 and 端午 for school year `year`.
    pub fn knows_lunar_holidays(year: i32) -> bool {
        LUNAR.iter().any(|l| l.year == year)
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
