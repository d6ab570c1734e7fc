//! School age (适龄): a child who is 6 by 31 August enters grade 1 that September;
//! compulsory education normally ends at grade 9 or age 16.

use chrono::{Datelike, NaiveDate};

/// Year in which a school year starts (September). 2026-11-23 is in school year 2026.
pub fn school_year_of(date: NaiveDate) -> i32 {
    if date.month() >= 9 {
        date.year()
    } else {
        date.year() - 1
    }
}

/// The September in which a child born on `birth` enters grade 1: the year they are 6 by
/// 31 August.
pub fn entry_year(birth: NaiveDate) -> i32 {
    if (birth.month(), birth.day()) <= (8, 31) {
        birth.year() + 6
    } else {
        birth.year() + 7
    }
}

/// The grade a child of this birth date should be in during `school_year`: 0 or less
/// before school, 10 or more after grade 9.
pub fn expected_grade(birth: NaiveDate, school_year: i32) -> i32 {
    school_year - entry_year(birth) + 1
}

/// Age in whole years on `on`.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> i32 {
    let mut age = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

/// Of compulsory-education age on `on`: expected in grades 1–9 this school year and
/// not yet 16.
pub fn is_school_age(birth: NaiveDate, on: NaiveDate) -> bool {
    let grade = expected_grade(birth, school_year_of(on));
    (1..=9).contains(&grade) && age_on(birth, on) < 16
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn six_by_the_end_of_august_enters_that_september() {
        assert_eq!(entry_year(d(2020, 8, 31)), 2026);
        assert_eq!(entry_year(d(2020, 9, 1)), 2027);
        assert_eq!(expected_grade(d(2020, 8, 31), 2026), 1);
        assert_eq!(expected_grade(d(2020, 9, 1), 2026), 0);
        assert_eq!(expected_grade(d(2012, 3, 1), 2026), 9);
    }

    #[test]
    fn school_year_turns_in_september() {
        assert_eq!(school_year_of(d(2026, 8, 31)), 2025);
        assert_eq!(school_year_of(d(2026, 9, 1)), 2026);
        assert_eq!(school_year_of(d(2026, 11, 23)), 2026);
    }

    #[test]
    fn school_age_window() {
        let today = d(2026, 11, 23);
        assert!(is_school_age(d(2020, 8, 31), today));
        assert!(!is_school_age(d(2020, 9, 1), today));
        assert!(is_school_age(d(2011, 9, 1), today)); // grade 9, age 15
        assert!(!is_school_age(d(2011, 8, 31), today)); // would be in grade 10
        assert_eq!(age_on(d(2011, 11, 24), today), 14);
        assert_eq!(age_on(d(2011, 11, 23), today), 15);
    }
}
