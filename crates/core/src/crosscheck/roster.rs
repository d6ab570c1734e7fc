//! A department's roster read into rows the cross-check can match, with every row that
//! cannot be used listed with its line number and the reason.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::mapping::{ColumnMapping, RosterField};
use super::table::RawTable;
use crate::model::crosscheck::Department;
use crate::model::{DisabilityCategory, Labelled, Sex, SpecialGroup};
use crate::rules::id_number::{normalize, IdNumber, IdProblem};

impl Department {
    /// The special group every child of this department's roster belongs to, when the
    /// roster itself does not say (civil affairs rosters say it per row).
    pub fn group(self) -> Option<SpecialGroup> {
        match self {
            Department::Police | Department::CivilAffairs => None,
            Department::RuralRevitalisation => Some(SpecialGroup::PovertyRelief),
            Department::DisabledFederation => Some(SpecialGroup::Disabled),
        }
    }
}

/// One usable row of a roster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RosterRow {
    /// Row number in the spreadsheet, as the user sees it.
    pub line: usize,
    pub id_number: Option<IdNumber>,
    /// The ID as written, when it could not be read (shown beside the problem).
    pub id_written: String,
    /// Why the ID could not be used; the row is then matched by name and birth date.
    pub id_problem: Option<String>,
    pub name: String,
    pub sex: Option<Sex>,
    /// As written in the roster, else from the ID number.
    pub birth_date: Option<NaiveDate>,
    pub hukou: String,
    pub residence: String,
    pub guardian: String,
    pub phone: String,
    pub group: Option<SpecialGroup>,
    pub disability: Option<DisabilityCategory>,
}

/// A row that cannot be used, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectedRow {
    pub line: usize,
    pub reason: String,
}

/// A department's roster, read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Roster {
    pub department: Department,
    pub rows: Vec<RosterRow>,
    pub rejected: Vec<RejectedRow>,
    /// Rows with no content at all (spacing) and totals lines (合计).
    pub blank_lines: usize,
}

impl Roster {
    /// Rows with an ID that could not be used, still matched by name and birth date.
    pub fn id_problems(&self) -> impl Iterator<Item = &RosterRow> {
        self.rows.iter().filter(|r| r.id_problem.is_some())
    }
}

/// Reads a table with its column mapping into a roster.
pub fn build_roster(table: &RawTable, mapping: &ColumnMapping, department: Department) -> Roster {
    let col = |f| mapping.column_of(f);
    let cols = Columns {
        id: col(RosterField::IdNumber),
        name: col(RosterField::Name),
        sex: col(RosterField::Sex),
        birth: col(RosterField::BirthDate),
        hukou: col(RosterField::Hukou),
        residence: col(RosterField::Residence),
        guardian: col(RosterField::Guardian),
        phone: col(RosterField::Phone),
        category: col(RosterField::Category),
        disability: col(RosterField::Disability),
    };
    let mut roster = Roster {
        department,
        rows: Vec::with_capacity(table.rows.len()),
        rejected: Vec::new(),
        blank_lines: 0,
    };
    for (i, record) in table.rows.iter().enumerate().skip(mapping.header_row + 1) {
        let line = table.first_line + i;
        if record.iter().all(|c| c.trim().is_empty()) || super::table::is_total_row(record) {
            roster.blank_lines += 1;
            continue;
        }
        match read_row(record, &cols, department, line) {
            Ok(row) => roster.rows.push(row),
            Err(reason) => roster.rejected.push(RejectedRow { line, reason }),
        }
    }
    roster
}

struct Columns {
    id: Option<usize>,
    name: Option<usize>,
    sex: Option<usize>,
    birth: Option<usize>,
    hukou: Option<usize>,
    residence: Option<usize>,
    guardian: Option<usize>,
    phone: Option<usize>,
    category: Option<usize>,
    disability: Option<usize>,
}

fn read_row(
    record: &csv::StringRecord,
    cols: &Columns,
    department: Department,
    line: usize,
) -> Result<RosterRow, String> {
    let cell = |c: Option<usize>| {
        c.and_then(|c| record.get(c))
            .map(|s| s.trim().trim_start_matches(['\'', '`']).trim())
            .unwrap_or("")
    };
    let id_written = cell(cols.id);
    let (id_number, id_problem) = read_id(id_written);
    let id_problem = id_problem.map(|p| p.to_string());
    let name = clean_name(cell(cols.name));
    let birth_written = cell(cols.birth);
    let birth_entered = if birth_written.is_empty() {
        None
    } else {
        Some(parse_birth_date(birth_written).ok_or_else(|| {
            format!("出生日期“{birth_written}”无法识别（应如 2015-03-08 或 2015年3月8日）")
        })?)
    };
    let birth_date = birth_entered.or(id_number.as_ref().map(IdNumber::birth_date));
    if id_number.is_none() && (name.is_empty() || birth_date.is_none()) {
        let why = id_problem
            .clone()
            .unwrap_or_else(|| "没有身份证号".to_string());
        let missing = match (name.is_empty(), birth_date.is_none()) {
            (true, true) => "姓名和出生日期",
            (true, false) => "姓名",
            _ => "出生日期",
        };
        return Err(format!("{why}；又没有{missing}，无法按姓名和出生日期比对"));
    }
    let sex_written = cell(cols.sex);
    let sex = match sex_written {
        "" => id_number.as_ref().map(IdNumber::sex),
        s => Some(parse_sex(s).ok_or_else(|| format!("性别“{s}”无法识别（应为男或女）"))?),
    };
    let category = cell(cols.category);
    let group = match department.group() {
        Some(g) => Some(g),
        None if department == Department::CivilAffairs => {
            Some(parse_group(category).ok_or_else(|| {
                format!("人员类别“{category}”无法识别（应为孤儿、事实无人抚养儿童、困境儿童、低保或特困）")
            })?)
        }
        None => None,
    };
    let disability = match cell(cols.disability) {
        "" => None,
        d => Some(parse_disability(d).ok_or_else(|| {
            format!("残疾类别“{d}”无法识别（应为视力、听力、言语、肢体、智力、精神或多重）")
        })?),
    };
    Ok(RosterRow {
        line,
        id_written: if id_problem.is_some() {
            id_written.to_string()
        } else {
            String::new()
        },
        id_number,
        id_problem,
        name,
        sex,
        birth_date,
        hukou: cell(cols.hukou).to_string(),
        residence: cell(cols.residence).to_string(),
        guardian: cell(cols.guardian).to_string(),
        phone: cell(cols.phone).to_string(),
        group,
        disability,
    })
}

/// An ID cell read: the number, or why it cannot be used (nothing when empty).
pub(crate) fn read_id(written: &str) -> (Option<IdNumber>, Option<IdProblem>) {
    if written.is_empty() {
        return (None, None);
    }
    let upper = written.to_ascii_uppercase();
    let scientific = upper.contains('E')
        && upper
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, 'E' | '.' | '+'));
    if scientific || (upper.contains('.') && normalize(written).len() >= 15) {
        return (None, Some(IdProblem::Scientific(written.to_string())));
    }
    let digits = normalize(written);
    // Excel keeps 15 significant digits: an 18-digit ID stored as a number ends in zeros.
    match IdNumber::parse(written) {
        Ok(n) => (Some(n), None),
        Err(e) if digits.len() == 18 && digits.ends_with("000") => {
            (None, Some(IdProblem::TrailingZeros(e)))
        }
        Err(e) => (None, Some(IdProblem::Invalid(e))),
    }
}

/// Names as departments write them: no spaces inside (some systems pad two-character
/// names: "王  芳"), the middle dot of ethnic names kept.
pub fn clean_name(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}')
        .map(|c| match c {
            '.' | '．' | '•' | '・' => '·',
            c => c,
        })
        .collect()
}

pub(crate) fn parse_sex(s: &str) -> Option<Sex> {
    match s.trim() {
        "男" | "男性" | "1" | "M" | "m" | "male" | "Male" => Some(Sex::Male),
        "女" | "女性" | "2" | "F" | "f" | "female" | "Female" => Some(Sex::Female),
        _ => None,
    }
}

/// Dates as written in Chinese spreadsheets: 2015-03-08, 2015/3/8, 2015.03.08, 20150308,
/// 2015年3月8日, with a time after it, or an Excel serial number.
pub fn parse_birth_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let s = s.split([' ', 'T']).next().unwrap_or(s);
    let mut parts = s
        .split(['-', '/', '.', '年', '月', '日'])
        .filter(|p| !p.is_empty());
    let num = |p: &str| p.parse::<u32>().ok();
    let (first, second, third, fourth) = (parts.next()?, parts.next(), parts.next(), parts.next());
    match (second, third, fourth) {
        (Some(m), Some(d), None) => NaiveDate::from_ymd_opt(num(first)? as i32, num(m)?, num(d)?),
        (None, None, None) if first.len() == 8 => NaiveDate::from_ymd_opt(
            num(first.get(..4)?)? as i32,
            num(first.get(4..6)?)?,
            num(first.get(6..)?)?,
        ),
        // An Excel date serial (days since 1899-12-30) that lost its date format.
        (None, None, None) if first.len() == 5 => NaiveDate::from_ymd_opt(1899, 12, 30)?
            .checked_add_days(chrono::Days::new(u64::from(num(first)?))),
        _ => None,
    }
}

fn parse_group(s: &str) -> Option<SpecialGroup> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if s.contains("孤儿") {
        Some(SpecialGroup::Orphan)
    } else if s.contains("无人抚养") {
        Some(SpecialGroup::Unsupported)
    } else if s.contains("困境") {
        Some(SpecialGroup::InDifficulty)
    } else if s.contains("低保") || s.contains("特困") || s.contains("低收入") {
        Some(SpecialGroup::LowIncome)
    } else if s.contains("留守") {
        Some(SpecialGroup::LeftBehind)
    } else {
        SpecialGroup::from_label(s)
    }
}

pub(crate) fn parse_disability(s: &str) -> Option<DisabilityCategory> {
    let s = s.trim();
    if s.contains("多重") {
        return Some(DisabilityCategory::Multiple);
    }
    DisabilityCategory::ALL
        .iter()
        .copied()
        .find(|d| s.contains(d.zh()))
        .or_else(|| {
            // 残联 writes "一级智力" or "智力残疾"; also "视力残疾" etc. — covered above.
            if s.contains("语言") {
                Some(DisabilityCategory::Speech)
            } else {
                None
            }
        })
}
