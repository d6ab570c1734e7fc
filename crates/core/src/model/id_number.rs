//! 公民身份号码 (GB 11643-1999): parsing, the ISO 7064 MOD 11-2 check character, and the
//! legacy 15-digit form.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;
use thiserror::Error;

use super::Sex;

/// Weights of the 17 body digits in the MOD 11-2 check.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check character for each remainder 0..=10.
const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// A valid 18-character citizen ID number (身份证号), stored in canonical form
/// (upper-case `X`, no spaces).
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(try_from = "String", into = "String")]
pub struct IdNumber(String);

/// Why a text is not a valid ID number. Each says what is wrong, for the user.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
pub enum IdNumberError {
    #[error("身份证号应为18位（或旧式15位），实际为{0}位")]
    Length(usize),
    #[error("身份证号第{position}位“{found}”不是数字")]
    NotDigit { position: usize, found: char },
    #[error("身份证号中的出生日期{0}不存在")]
    BirthDate(String),
    #[error("身份证号校验位应为“{expected}”，实际为“{found}”")]
    CheckCharacter { expected: char, found: char },
    #[error("身份证号的地址码“{0}”不是有效的行政区划代码")]
    AreaCode(String),
}

/// Why an ID number as a spreadsheet holds it cannot be used: invalid, or mangled by Excel
/// storing it as a number.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
pub enum IdProblem {
    #[error(
        "身份证号“{0}”被存成了数字（科学计数法），后几位已丢失，请在原表中把该列设为文本后重新导出"
    )]
    Scientific(String),
    #[error("{0}；末尾为000，可能被Excel存成数字而丢失了后几位，请在原表中把该列设为文本")]
    TrailingZeros(IdNumberError),
    #[error("{0}")]
    Invalid(IdNumberError),
}

impl super::Localized for IdProblem {
    fn en(&self) -> String {
        match self {
            IdProblem::Scientific(w) => format!(
                "The ID number “{w}” was stored as a number (scientific notation) and its last digits are lost: make the column text in the original sheet and export it again"
            ),
            IdProblem::TrailingZeros(e) => format!(
                "{}; it ends in 000, so Excel probably stored it as a number and lost its last digits: make the column text in the original sheet",
                e.en()
            ),
            IdProblem::Invalid(e) => e.en(),
        }
    }
}

impl super::Localized for IdNumberError {
    fn en(&self) -> String {
        match self {
            IdNumberError::Length(n) => {
                format!("An ID number has 18 characters (or 15, the old kind), not {n}")
            }
            IdNumberError::NotDigit { position, found } => {
                format!("Character {position} of the ID number, “{found}”, is not a digit")
            }
            IdNumberError::BirthDate(d) => {
                format!("The birth date {d} in the ID number does not exist")
            }
            IdNumberError::CheckCharacter { expected, found } => {
                format!("The ID number's check character should be “{expected}”, not “{found}”")
            }
            IdNumberError::AreaCode(c) => {
                format!("The ID number's area code “{c}” is not a division code")
            }
        }
    }
}

impl IdNumber {
    /// Parses a number as typed or pasted: trims, removes inner spaces, accepts full-width
    /// digits and a lower-case `x`, and converts a 15-digit legacy number to 18 digits.
    pub fn parse(input: &str) -> Result<Self, IdNumberError> {
        // Nearly every number in a roster is already 18 plain characters: no copies then.
        let b = input.as_bytes();
        if b.len() == 18 && b.iter().all(|c| c.is_ascii_digit() || *c == b'X') {
            let chars: [char; 18] = std::array::from_fn(|i| char::from(b[i]));
            return Self::parse_18(&chars);
        }
        let canonical = normalize(input);
        let chars: Vec<char> = canonical.chars().collect();
        match chars.len() {
            18 => Self::parse_18(&chars),
            15 => Self::parse_18(&upgrade_15(&chars)?),
            n => Err(IdNumberError::Length(n)),
        }
    }

    fn parse_18(chars: &[char]) -> Result<Self, IdNumberError> {
        for (i, c) in chars.iter().take(17).enumerate() {
            if !c.is_ascii_digit() {
                return Err(IdNumberError::NotDigit {
                    position: i + 1,
                    found: *c,
                });
            }
        }
        let last = chars[17];
        if !(last.is_ascii_digit() || last == 'X') {
            return Err(IdNumberError::NotDigit {
                position: 18,
                found: last,
            });
        }
        // Province codes run from 11 to 82; a leading 0 is never issued.
        if chars[0] == '0' {
            return Err(IdNumberError::AreaCode(chars[..6].iter().collect()));
        }
        let number = |range: std::ops::Range<usize>| {
            chars[range]
                .iter()
                .fold(0u32, |n, c| n * 10 + c.to_digit(10).unwrap_or(0))
        };
        if NaiveDate::from_ymd_opt(number(6..10) as i32, number(10..12), number(12..14)).is_none() {
            return Err(IdNumberError::BirthDate(chars[6..14].iter().collect()));
        }
        let expected = check_character(&chars[..17]);
        if expected != last {
            return Err(IdNumberError::CheckCharacter {
                expected,
                found: last,
            });
        }
        Ok(Self(chars.iter().collect()))
    }

    /// Builds a valid number from a 6-digit area code, a birth date and a 3-digit sequence
    /// (odd for boys, even for girls), computing the check character.
    pub fn compose(area: &str, birth: NaiveDate, sequence: u16) -> Result<Self, IdNumberError> {
        let body = format!("{area}{}{:03}", birth.format("%Y%m%d"), sequence % 1000);
        let chars: Vec<char> = body.chars().collect();
        if chars.len() != 17 {
            return Err(IdNumberError::Length(chars.len() + 1));
        }
        let mut full = chars.clone();
        full.push(check_character(&chars));
        Self::parse_18(&full)
    }

    /// The number as one integer (17 digits, then the check character as 0–10): a cheap,
    /// unique key for indexes of 200,000 children.
    pub fn key(&self) -> u64 {
        self.0.bytes().enumerate().fold(0u64, |k, (i, b)| {
            let value = if b == b'X' { 10 } else { u64::from(b - b'0') };
            if i < 17 {
                k * 10 + value
            } else {
                k * 11 + value
            }
        })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// 6-digit area code of the place the number was issued (GB/T 2260).
    pub fn area_code(&self) -> &str {
        &self.0[..6]
    }

    pub fn birth_date(&self) -> NaiveDate {
        // Validated at construction; the fallback is unreachable.
        let n = |r: std::ops::Range<usize>| self.0.get(r).and_then(|s| s.parse().ok()).unwrap_or(0);
        NaiveDate::from_ymd_opt(n(6..10) as i32, n(10..12), n(12..14)).unwrap_or_default()
    }

    /// The 17th digit: odd for male, even for female.
    pub fn sex(&self) -> Sex {
        let digit = self.0.as_bytes()[16] - b'0';
        if digit % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for IdNumber {
    type Error = IdNumberError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<IdNumber> for String {
    fn from(value: IdNumber) -> Self {
        value.0
    }
}

/// The check character for 17 body digits (ISO 7064 MOD 11-2).
pub fn check_character(body: &[char]) -> char {
    let sum: u32 = body
        .iter()
        .zip(WEIGHTS)
        .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
        .sum();
    CHECK[(sum % 11) as usize]
}

/// Removes spaces (also full-width and non-breaking), maps full-width digits and letters
/// to ASCII, and upper-cases `x`.
pub fn normalize(input: &str) -> String {
    input
        .chars()
        .filter_map(|c| {
            let c = match c {
                '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
                    char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
                }
                other => other,
            };
            if c.is_whitespace() || c == '\u{3000}' || c == '-' {
                None
            } else {
                Some(c.to_ascii_uppercase())
            }
        })
        .collect()
}

/// A 15-digit number (before 1999) has a 2-digit year of birth in the 1900s and no check
/// character: insert "19" and compute the check.
fn upgrade_15(chars: &[char]) -> Result<Vec<char>, IdNumberError> {
    for (i, c) in chars.iter().enumerate() {
        if !c.is_ascii_digit() {
            return Err(IdNumberError::NotDigit {
                position: i + 1,
                found: *c,
            });
        }
    }
    let mut body: Vec<char> = Vec::with_capacity(18);
    body.extend_from_slice(&chars[..6]);
    body.extend(['1', '9']);
    body.extend_from_slice(&chars[6..15]);
    let check = check_character(&body);
    body.push(check);
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_the_gb_example() {
        let id = IdNumber::parse("11010519491231002X").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id.area_code(), "110105");
        assert_eq!(
            id.birth_date(),
            NaiveDate::from_ymd_opt(1949, 12, 31).unwrap()
        );
        assert_eq!(id.sex(), Sex::Female);
    }

    #[test]
    fn normalizes_what_people_type() {
        let id = IdNumber::parse(" 110105 19491231 002x ").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        let full_width = "１１０１０５１９４９１２３１００２ｘ";
        assert_eq!(
            IdNumber::parse(full_width).unwrap().as_str(),
            "11010519491231002X"
        );
    }

    #[test]
    fn rejects_a_wrong_check_character() {
        assert_eq!(
            IdNumber::parse("110105194912310021"),
            Err(IdNumberError::CheckCharacter {
                expected: 'X',
                found: '1'
            })
        );
    }

    #[test]
    fn rejects_impossible_birth_dates_and_lengths() {
        // 2023-02-29 does not exist; the check character is computed so only the date fails.
        let body: Vec<char> = "43312220230229001".chars().collect();
        let mut s: String = body.iter().collect();
        s.push(check_character(&body));
        assert_eq!(
            IdNumber::parse(&s),
            Err(IdNumberError::BirthDate("20230229".into()))
        );
        assert_eq!(
            IdNumber::parse("1101051949"),
            Err(IdNumberError::Length(10))
        );
        assert!(matches!(
            IdNumber::parse("1101051949123100A2"),
            Err(IdNumberError::NotDigit { position: 17, .. })
        ));
    }

    #[test]
    fn upgrades_legacy_15_digit_numbers() {
        // 15-digit 110105491231002 → 11010519491231002X
        let id = IdNumber::parse("110105491231002").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert!(IdNumber::parse("11010549123100A").is_err());
        // 15 digits with an impossible date
        assert!(matches!(
            IdNumber::parse("110105491331002"),
            Err(IdNumberError::BirthDate(_))
        ));
    }

    #[test]
    fn compose_makes_valid_numbers_with_the_right_sex() {
        let d = NaiveDate::from_ymd_opt(2015, 3, 8).unwrap();
        let boy = IdNumber::compose("433122", d, 13).unwrap();
        let girl = IdNumber::compose("433122", d, 14).unwrap();
        assert_eq!(boy.sex(), Sex::Male);
        assert_eq!(girl.sex(), Sex::Female);
        assert_eq!(boy.birth_date(), d);
    }

    proptest! {
        #[test]
        fn every_composed_number_parses_and_any_single_digit_change_is_caught(
            area in 110000u32..660000, days in 0i64..20000, seq in 0u16..1000, pos in 0usize..17, delta in 1u32..10
        ) {
            let birth = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap() + chrono::Duration::days(days);
            let id = IdNumber::compose(&format!("{area:06}"), birth, seq).unwrap();
            prop_assert_eq!(IdNumber::parse(id.as_str()).unwrap(), id.clone());
            let mut chars: Vec<char> = id.as_str().chars().collect();
            let d = chars[pos].to_digit(10).unwrap();
            chars[pos] = char::from_digit((d + delta) % 10, 10).unwrap();
            let changed: String = chars.into_iter().collect();
            // MOD 11-2 catches every single-digit substitution.
            prop_assert!(IdNumber::parse(&changed).is_err());
        }

        #[test]
        fn keys_are_unique_and_keep_the_number(
            a in 110000u32..660000, days in 0i64..20000, s1 in 0u16..1000, s2 in 0u16..1000
        ) {
            let birth = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap() + chrono::Duration::days(days);
            let x = IdNumber::compose(&format!("{a:06}"), birth, s1).unwrap();
            let y = IdNumber::compose(&format!("{a:06}"), birth, s2).unwrap();
            prop_assert_eq!(x.key() == y.key(), x == y);
            let body: u64 = x.as_str()[..17].parse().unwrap();
            prop_assert_eq!(x.key() / 11, body);
        }
    }
}
