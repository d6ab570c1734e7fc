//! One sheet of a 学籍 export read into rows, with every row that cannot be imported listed
//! with its file, sheet, row number and the reason.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::reason::RollReason;
use super::RollField;
use crate::crosscheck::mapping::ColumnMapping;
use crate::crosscheck::roster::{
    clean_name, parse_birth_date, parse_disability, parse_sex, read_id,
};
use crate::crosscheck::table::{is_total_row, RawTable};
use crate::model::{DisabilityCategory, Guardian, NoIdReason, Relation, Sex, ETHNICITIES};
use crate::rules::id_number::IdNumber;
use csv::StringRecord;

/// One student of the export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RollRow {
    /// Row number in the spreadsheet, as the user sees it.
    pub line: usize,
    pub id_number: Option<IdNumber>,
    /// Set when the child has no resident ID (a passport, a 港澳台 document, none).
    pub no_id_reason: Option<NoIdReason>,
    pub name: String,
    pub sex: Sex,
    pub birth_date: NaiveDate,
    pub ethnicity: String,
    /// 全国学籍号 as written (G + ID number, or a J/L temporary number).
    pub student_number: Option<String>,
    pub school_code: Option<String>,
    pub school_name: String,
    pub grade: u8,
    pub class_name: String,
    pub hukou: String,
    pub residence: String,
    /// `None` when the file has no such column or leaves it empty: the ledger keeps its own.
    pub left_behind: Option<bool>,
    pub migrant: Option<bool>,
    pub orphan: Option<bool>,
    pub regular_class: Option<bool>,
    pub disability: Option<DisabilityCategory>,
    pub guardian: Option<Guardian>,
}

impl RollRow {
    /// What identifies the child across files: the ID number, else the 学籍号.
    pub fn key(&self) -> String {
        match (&self.id_number, &self.student_number) {
            (Some(n), _) => n.to_string(),
            (None, Some(s)) => s.clone(),
            (None, None) => format!("{}|{}", self.name, self.birth_date),
        }
    }
}

/// A row that cannot be imported, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RollProblem {
    pub file: String,
    pub sheet: Option<String>,
    pub line: usize,
    pub name: String,
    pub reason: RollReason,
    /// The row's 学校标识码, else its school name, as written (for the count per school).
    #[serde(default)]
    pub school: String,
}

impl RollProblem {
    /// "文件“x.xlsx”工作表“Sheet1”第12行".
    pub fn place(&self) -> String {
        self.place_in(crate::model::Lang::Zh)
    }

    /// Where the row is, in either language.
    pub fn place_in(&self, lang: crate::model::Lang) -> String {
        use crate::model::Lang;
        match (&self.sheet, lang) {
            (Some(s), Lang::Zh) => format!("“{}”工作表“{}”第{}行", self.file, s, self.line),
            (None, Lang::Zh) => format!("“{}”第{}行", self.file, self.line),
            (Some(s), Lang::En) => format!("“{}”, sheet “{}”, line {}", self.file, s, self.line),
            (None, Lang::En) => format!("“{}”, line {}", self.file, self.line),
        }
    }
}

/// One file (one sheet) of the export, read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RollFile {
    pub file: String,
    pub sheet: Option<String>,
    pub format: String,
    pub rows: Vec<RollRow>,
    pub problems: Vec<RollProblem>,
    /// Empty rows and 合计/小计 lines: neither students nor problems.
    pub skipped_lines: usize,
}

/// Rows in a compact binary form, to hand from one thread to another (the page's worker).
pub fn rows_to_bytes(rows: &[RollRow]) -> Vec<u8> {
    postcard::to_allocvec(rows).unwrap_or_default()
}

pub fn rows_from_bytes(bytes: &[u8]) -> Result<Vec<RollRow>, String> {
    postcard::from_bytes(bytes).map_err(|e| format!("名册行无法读取：{e}"))
}

struct Columns(Vec<Option<usize>>);

impl Columns {
    fn of(mapping: &ColumnMapping<RollField>) -> Self {
        Columns(
            RollField::all()
                .iter()
                .map(|f| mapping.column_of(*f))
                .collect(),
        )
    }
    fn get(&self, f: RollField) -> Option<usize> {
        let i = RollField::all().iter().position(|x| *x == f)?;
        self.0.get(i).copied().flatten()
    }
}

/// Reads a sheet with its column mapping. `school_year` (the September it starts) turns a
/// cohort like "2020级" into a grade.
pub fn read_roll(
    file: &str,
    table: &RawTable,
    mapping: &ColumnMapping<RollField>,
    school_year: i32,
) -> RollFile {
    let mut reading = RollReading::new(file, table, mapping, school_year);
    for record in &table.rows {
        reading.push(record);
    }
    reading.finish()
}

/// A sheet read into rows as its rows come, for a reader that hands them on in batches
/// while it reads the rest ([`read_roll`] reads a whole table).
pub struct RollReading {
    cols: Columns,
    header_row: usize,
    school_year: i32,
    first_line: usize,
    /// Records given so far, the header and anything above it included.
    given: usize,
    out: RollFile,
}

impl RollReading {
    /// The file's name, its sheet, format and first line as `table` has them (its rows are
    /// not read).
    pub fn new(
        file: &str,
        table: &RawTable,
        mapping: &ColumnMapping<RollField>,
        school_year: i32,
    ) -> Self {
        RollReading {
            cols: Columns::of(mapping),
            header_row: mapping.header_row,
            school_year,
            first_line: table.first_line,
            given: 0,
            out: RollFile {
                file: file.to_string(),
                sheet: table.sheet.clone(),
                format: table.format.clone(),
                rows: Vec::new(),
                problems: Vec::new(),
                skipped_lines: 0,
            },
        }
    }

    /// The sheet's next record, from its first row on.
    pub fn push(&mut self, record: &StringRecord) {
        let i = self.given;
        self.given += 1;
        if i <= self.header_row {
            return;
        }
        let line = self.first_line + i;
        if record.iter().all(|c| c.trim().is_empty()) || is_total_row(record) {
            self.out.skipped_lines += 1;
            return;
        }
        let cols = &self.cols;
        let cell = |f: RollField| {
            cols.get(f)
                .and_then(|c| record.get(c))
                .map(|s| s.trim().trim_start_matches(['\'', '`']).trim())
                .unwrap_or("")
        };
        match read_row(&cell, line, self.school_year) {
            Ok(row) => self.out.rows.push(row),
            Err(reason) => self.out.problems.push(RollProblem {
                file: self.out.file.clone(),
                sheet: self.out.sheet.clone(),
                line,
                name: clean_name(cell(RollField::Name)),
                reason,
                school: match cell(RollField::SchoolCode) {
                    "" => cell(RollField::SchoolName).to_string(),
                    code => code.to_string(),
                },
            }),
        }
    }

    /// Rows read since the last call.
    pub fn take_rows(&mut self) -> Vec<RollRow> {
        std::mem::take(&mut self.out.rows)
    }

    /// Rows read and not yet taken.
    pub fn pending(&self) -> usize {
        self.out.rows.len()
    }

    /// The file as read: its problems and skipped lines, and the rows not taken.
    pub fn finish(self) -> RollFile {
        self.out
    }
}

fn read_row<'r>(
    cell: &dyn Fn(RollField) -> &'r str,
    line: usize,
    school_year: i32,
) -> Result<RollRow, RollReason> {
    let name = clean_name(cell(RollField::Name));
    if name.is_empty() {
        return Err(RollReason::NoName);
    }
    let student_number = {
        let s: String = cell(RollField::StudentNumber)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        (!s.is_empty()).then_some(s)
    };
    let id_type = cell(RollField::IdType);
    let resident_id =
        id_type.is_empty() || id_type.contains("居民身份证") || id_type.contains("户口");
    let id_written = cell(RollField::IdNumber);
    let (mut id_number, mut no_id_reason) = (None, None);
    if resident_id && !id_written.is_empty() {
        match read_id(id_written) {
            (Some(n), _) => id_number = Some(n),
            (None, Some(why)) => return Err(RollReason::IdNumber(why)),
            (None, None) => {}
        }
    }
    // A 学籍号 of G + ID number carries the ID when the ID column is empty.
    if id_number.is_none() {
        if let Some(n) = student_number
            .as_deref()
            .and_then(|s| s.strip_prefix('G'))
            .and_then(|s| IdNumber::parse(s).ok())
        {
            id_number = Some(n);
        }
    }
    if id_number.is_none() {
        if student_number.is_none() {
            return Err(RollReason::NoIdentity);
        }
        no_id_reason = Some(if resident_id {
            NoIdReason::NotIssued
        } else if id_type.contains("港")
            || id_type.contains("澳")
            || id_type.contains("台")
            || id_type.contains("护照")
            || id_type.contains("境外")
        {
            NoIdReason::ForeignBorn
        } else {
            NoIdReason::Other
        });
    }

    let birth_written = cell(RollField::BirthDate);
    let birth_entered = match birth_written {
        "" => None,
        b => Some(parse_birth_date(b).ok_or_else(|| RollReason::BadBirthDate(b.to_string()))?),
    };
    let birth_date = match (birth_entered, &id_number) {
        (Some(b), Some(n)) if b != n.birth_date() => {
            return Err(RollReason::BirthDisagrees {
                written: b,
                in_id: n.birth_date(),
            })
        }
        (Some(b), _) => b,
        (None, Some(n)) => n.birth_date(),
        (None, None) => return Err(RollReason::NoBirthDate),
    };
    let sex = match (cell(RollField::Sex), &id_number) {
        ("", Some(n)) => n.sex(),
        ("", None) => return Err(RollReason::NoSex),
        (s, id) => {
            let sex = parse_sex(s).ok_or_else(|| RollReason::BadSex(s.to_string()))?;
            if let Some(n) = id {
                if n.sex() != sex {
                    return Err(RollReason::SexDisagrees {
                        written: s.to_string(),
                        in_id: n.sex(),
                    });
                }
            }
            sex
        }
    };
    let school_name = cell(RollField::SchoolName).to_string();
    let grade_written = cell(RollField::Grade);
    let junior_school = (school_name.contains("中学") || school_name.contains("初中"))
        && !school_name.contains("小学");
    let grade = parse_grade(grade_written, school_year, junior_school).ok_or_else(|| {
        if grade_written.is_empty() {
            RollReason::NoGrade
        } else {
            RollReason::BadGrade(grade_written.to_string())
        }
    })?;
    let school_code = {
        let c: String = cell(RollField::SchoolCode)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        (!c.is_empty()).then_some(c)
    };
    if let Some(c) = &school_code {
        if c.len() != 10 || !c.bytes().all(|b| b.is_ascii_digit()) {
            return Err(RollReason::BadSchoolCode(c.clone()));
        }
    }
    let guardian_name = clean_name(cell(RollField::GuardianName));
    let guardian = (!guardian_name.is_empty()).then(|| Guardian {
        name: guardian_name,
        relation: parse_relation(cell(RollField::GuardianRelation)),
        phone: cell(RollField::GuardianPhone).to_string(),
    });
    let regular_written = cell(RollField::RegularClass);
    let disability_written = cell(RollField::Disability);
    let disability = match disability_written {
        "" | "无" | "否" | "非残疾" | "正常" => None,
        d => Some(parse_disability(d).ok_or_else(|| RollReason::BadDisability(d.to_string()))?),
    }
    .or_else(|| parse_disability(regular_written));
    Ok(RollRow {
        line,
        id_number,
        no_id_reason,
        name,
        sex,
        birth_date,
        ethnicity: parse_ethnicity(cell(RollField::Ethnicity)),
        student_number,
        school_code,
        school_name,
        grade,
        class_name: parse_class(cell(RollField::Class), grade),
        hukou: cell(RollField::Hukou).to_string(),
        residence: cell(RollField::Residence).to_string(),
        left_behind: yes_no(cell(RollField::LeftBehind)),
        migrant: yes_no(cell(RollField::Migrant)),
        orphan: yes_no(cell(RollField::Orphan)),
        regular_class: match regular_written {
            "" => None,
            s => Some(s.contains("随班就读") && !s.starts_with('非') || s == "是"),
        },
        disability,
        guardian,
    })
}

/// 是/否 as the 学籍 system writes it, also for 留守 (非留守 / 单亲留守 / 双亲留守).
fn yes_no(s: &str) -> Option<bool> {
    match s {
        "" => None,
        s if s.starts_with('非')
            || s.starts_with('否')
            || s.starts_with('不')
            || s == "0"
            || s == "无" =>
        {
            Some(false)
        }
        s if s.starts_with('是') || s == "1" || s.contains("留守") || s.contains("随迁") => {
            Some(true)
        }
        _ => None,
    }
}

/// A grade as written: 一年级, 初一, 七年级, 小学三年级, 初中二年级, 3, 2020级.
pub fn parse_grade(s: &str, school_year: i32, junior_school: bool) -> Option<u8> {
    let s = s.trim();
    if let Some(year) = s
        .strip_suffix('级')
        .and_then(|y| y.trim().parse::<i32>().ok())
    {
        if (1990..=2100).contains(&year) {
            let g = school_year - year + 1 + if junior_school { 6 } else { 0 };
            return u8::try_from(g).ok().filter(|g| (1..=9).contains(g));
        }
    }
    let (junior, rest) = if let Some(r) = s.strip_prefix("初中").or_else(|| s.strip_prefix('初'))
    {
        (true, r)
    } else if let Some(r) = s.strip_prefix("小学") {
        (false, r)
    } else {
        (false, s)
    };
    let rest = rest.trim_end_matches("年级").trim_end_matches('年');
    let n = match rest {
        "一" => 1,
        "二" => 2,
        "三" => 3,
        "四" => 4,
        "五" => 5,
        "六" => 6,
        "七" => 7,
        "八" => 8,
        "九" => 9,
        r => r.parse::<u8>().ok()?,
    };
    let g = if junior && n <= 3 { n + 6 } else { n };
    (1..=9).contains(&g).then_some(g)
}

/// A class as "3班": from 1班, 三(2)班, (2)班, 301 (grade 3, class 1), 一班.
pub fn parse_class(s: &str, grade: u8) -> String {
    let s = s.trim();
    if s.is_empty() {
        return String::new();
    }
    // The number in brackets wins: 三(2)班, 3（2）班.
    let inner = s
        .split(['(', '（'])
        .nth(1)
        .and_then(|r| r.split([')', '）']).next());
    let digits = |t: &str| -> Option<u32> {
        let d: String = t.chars().filter(|c| c.is_ascii_digit()).collect();
        d.parse().ok()
    };
    let number = inner.and_then(digits).or_else(|| {
        let body = s.trim_end_matches('班');
        let d: String = body.chars().filter(|c| c.is_ascii_digit()).collect();
        match d.len() {
            // 301: grade 3, class 01.
            3 | 4
                if d.starts_with(&grade.to_string())
                    && body.chars().all(|c| c.is_ascii_digit()) =>
            {
                d[grade.to_string().len()..].parse().ok()
            }
            0 => chinese_number(body),
            _ => d.parse().ok(),
        }
    });
    match number {
        Some(n) if n > 0 => format!("{n}班"),
        _ => s.to_string(),
    }
}

fn chinese_number(s: &str) -> Option<u32> {
    let digit = |c: char| {
        "一二三四五六七八九"
            .chars()
            .position(|d| d == c)
            .map(|p| p as u32 + 1)
    };
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        ['十'] => Some(10),
        [d] => digit(*d),
        ['十', d] => Some(10 + digit(*d)?),
        [t, '十'] => Some(10 * digit(*t)?),
        [t, '十', d] => Some(10 * digit(*t)? + digit(*d)?),
        _ => None,
    }
}

/// 民族 as in GB/T 3304; "汉" and "01" are read too.
fn parse_ethnicity(s: &str) -> String {
    if s.is_empty() {
        return String::new();
    }
    if let Ok(n) = s.parse::<usize>() {
        if let Some(e) = n.checked_sub(1).and_then(|i| ETHNICITIES.get(i)) {
            return e.to_string();
        }
    }
    ETHNICITIES
        .iter()
        .find(|e| **e == s || e.trim_end_matches('族') == s)
        .map(|e| e.to_string())
        .unwrap_or_else(|| s.to_string())
}

fn parse_relation(s: &str) -> Relation {
    match s {
        s if s.contains("父") && !s.contains("祖") => Relation::Father,
        s if s.contains("母") && !s.contains("祖") => Relation::Mother,
        s if s.contains("外祖") || s.contains("外公") || s.contains("外婆") => {
            Relation::MaternalGrandparent
        }
        s if s.contains("祖") || s.contains("爷") || s.contains("奶") => Relation::Grandparent,
        "" => Relation::Other,
        s if s.contains("叔")
            || s.contains("姑")
            || s.contains("舅")
            || s.contains("姨")
            || s.contains("兄")
            || s.contains("姐")
            || s.contains("亲") =>
        {
            Relation::Relative
        }
        _ => Relation::Other,
    }
}
