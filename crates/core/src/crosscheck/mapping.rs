//! Which column of a roster holds what: recognised from the usual Chinese headers, set by
//! hand where not, and remembered per department.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::table::RawTable;
use crate::model::{labelled_enum, Labelled};

labelled_enum! {
    /// What a roster column can hold.
    RosterField {
        IdNumber = ("id-number", "身份证号", "ID number"),
        Name = ("name", "姓名", "Name"),
        Sex = ("sex", "性别", "Sex"),
        BirthDate = ("birth-date", "出生日期", "Date of birth"),
        Hukou = ("hukou", "户籍地址", "Registered address"),
        Residence = ("residence", "现住址", "Current address"),
        Guardian = ("guardian", "监护人", "Guardian"),
        Phone = ("phone", "联系电话", "Phone"),
        Category = ("category", "人员类别", "Category"),
        Disability = ("disability", "残疾类别", "Disability category"),
    }
}

/// Headers as departments write them, after [`clean_header`].
const SYNONYMS: &[(RosterField, &[&str])] = &[
    (
        RosterField::IdNumber,
        &[
            "身份证号",
            "身份证号码",
            "公民身份号码",
            "公民身份证号码",
            "公民身份证号",
            "居民身份证号",
            "居民身份证号码",
            "证件号码",
            "证件号",
            "身份证件号码",
            "身份证件号",
            "身份证",
            "儿童身份证号",
            "学生身份证号",
            "身份证号/证件号",
            "idnumber",
        ],
    ),
    (
        RosterField::Name,
        &[
            "姓名",
            "儿童姓名",
            "学生姓名",
            "残疾人姓名",
            "名字",
            "人员姓名",
            "救助对象姓名",
            "name",
        ],
    ),
    (RosterField::Sex, &["性别", "sex", "gender"]),
    (
        RosterField::BirthDate,
        &[
            "出生日期",
            "出生年月",
            "出生年月日",
            "生日",
            "出生时间",
            "birthdate",
        ],
    ),
    (
        RosterField::Hukou,
        &[
            "户籍地址",
            "户籍地",
            "户籍所在地",
            "户口所在地",
            "户籍住址",
            "住址",
            "户籍详址",
            "家庭住址",
        ],
    ),
    (
        RosterField::Residence,
        &[
            "现住址",
            "现居住地",
            "现居住地址",
            "居住地址",
            "实际居住地",
            "现住地址",
        ],
    ),
    (
        RosterField::Guardian,
        &["监护人", "监护人姓名", "户主姓名", "联系人", "家长姓名"],
    ),
    (
        RosterField::Phone,
        &[
            "联系电话",
            "电话",
            "手机",
            "手机号",
            "手机号码",
            "监护人电话",
            "监护人联系电话",
            "联系方式",
            "家长电话",
        ],
    ),
    (
        RosterField::Category,
        &[
            "人员类别",
            "类别",
            "救助类别",
            "保障类别",
            "困境类型",
            "儿童类别",
            "对象类别",
            "监测对象类别",
        ],
    ),
    (
        RosterField::Disability,
        &["残疾类别", "残疾类型", "残疾种类", "残疾等级及类别"],
    ),
];

/// Header text without spaces, line breaks, asterisks, bracketed notes ("（必填）") and case.
pub fn clean_header(header: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in header.chars() {
        match c {
            '(' | '（' | '[' | '【' => depth += 1,
            ')' | '）' | ']' | '】' => depth = (depth - 1).max(0),
            _ if depth > 0 => {}
            c if c.is_whitespace() || c == '*' || c == '\u{3000}' || c == '：' || c == ':' => {}
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// What a column of a spreadsheet can hold, for one kind of spreadsheet (a department's
/// roster, the 学籍 export), recognised from its header.
pub trait HeaderField: Copy + Eq + 'static {
    /// The field a header names, if it is one of the usual ones.
    fn recognise(header: &str) -> Option<Self>;
}

impl HeaderField for RosterField {
    fn recognise(header: &str) -> Option<Self> {
        recognise(header)
    }
}

/// The field a header names, from the usual headers; a guardian's or head of household's
/// ID number is not the child's.
pub fn recognise(header: &str) -> Option<RosterField> {
    let h = clean_header(header);
    if h.is_empty() {
        return None;
    }
    if let Some((field, _)) = SYNONYMS
        .iter()
        .find(|(_, names)| names.contains(&h.as_str()))
    {
        return Some(*field);
    }
    let someone_else = ["监护人", "父亲", "母亲", "户主", "家长", "联系人"]
        .iter()
        .any(|p| h.contains(p));
    if h.contains("身份") || h.contains("证件号") {
        return (!someone_else).then_some(RosterField::IdNumber);
    }
    if h.contains("电话") || h.contains("手机") {
        return Some(RosterField::Phone);
    }
    if someone_else && h.contains("姓名") {
        return Some(RosterField::Guardian);
    }
    if h.contains("姓名") {
        return Some(RosterField::Name);
    }
    if h.contains("出生") {
        return Some(RosterField::BirthDate);
    }
    if h.contains("残疾") && (h.contains("类") || h.contains("种")) {
        return Some(RosterField::Disability);
    }
    if h.contains("户籍") || h.contains("户口") {
        return Some(RosterField::Hukou);
    }
    if h.contains("居住") || h.contains("现住") {
        return Some(RosterField::Residence);
    }
    if h.contains("类别") || h.contains("类型") {
        return Some(RosterField::Category);
    }
    None
}

/// Choices a reviewer made for one kind of spreadsheet's headers, by cleaned header text;
/// `None` means "do not import this column".
pub type RememberedMapping<F = RosterField> = BTreeMap<String, Option<F>>;

/// Where the header row is and which column holds which field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnMapping<F = RosterField> {
    /// Index in [`RawTable::rows`] of the header row.
    pub header_row: usize,
    pub columns: Vec<Option<F>>,
}

impl<F: HeaderField> ColumnMapping<F> {
    /// Finds the header row (the first of the first 20 rows naming at least two known
    /// fields — rosters often start with a title row) and maps each column, remembered
    /// choices first.
    pub fn detect(table: &RawTable, remembered: &RememberedMapping<F>) -> ColumnMapping<F> {
        let map_row = |row: &csv::StringRecord| -> Vec<Option<F>> {
            let mut seen = Vec::new();
            row.iter()
                .map(|h| {
                    let field = match remembered.get(&clean_header(h)) {
                        Some(choice) => *choice,
                        None => F::recognise(h),
                    };
                    // One column per field: the first wins (e.g. 户籍地址 before 住址).
                    field.filter(|f| {
                        let new = !seen.contains(f);
                        seen.push(*f);
                        new
                    })
                })
                .collect()
        };
        let found = table.rows.iter().take(20).enumerate().find_map(|(i, row)| {
            let columns = map_row(row);
            (columns.iter().flatten().count() >= 2).then_some(ColumnMapping {
                header_row: i,
                columns,
            })
        });
        found.unwrap_or_else(|| ColumnMapping {
            header_row: 0,
            columns: table.rows.first().map(map_row).unwrap_or_default(),
        })
    }

    /// Each column of the header row with its header, the first `samples` values under it
    /// (joined by "；") and its field, for a person to check.
    pub fn preview(
        &self,
        table: &RawTable,
        samples: usize,
    ) -> Vec<(usize, String, String, Option<F>)> {
        let headers = table.rows.get(self.header_row);
        let width = headers.map(|h| h.len()).unwrap_or(0);
        (0..width)
            .map(|c| {
                let header = headers.and_then(|h| h.get(c)).unwrap_or("").to_string();
                let sample: Vec<&str> = table
                    .rows
                    .iter()
                    .skip(self.header_row + 1)
                    .filter_map(|r| r.get(c))
                    .filter(|v| !v.trim().is_empty())
                    .take(samples)
                    .collect();
                (
                    c,
                    header,
                    sample.join("；"),
                    self.columns.get(c).copied().flatten(),
                )
            })
            .collect()
    }

    pub fn column_of(&self, field: F) -> Option<usize> {
        self.columns.iter().position(|c| *c == Some(field))
    }

    /// Sets one column; another column holding the same field is cleared.
    pub fn set(&mut self, column: usize, field: Option<F>) {
        if column >= self.columns.len() {
            self.columns.resize(column + 1, None);
        }
        if let Some(f) = field {
            for c in self.columns.iter_mut() {
                if *c == Some(f) {
                    *c = None;
                }
            }
        }
        self.columns[column] = field;
    }

    /// What to remember for this department: every header with the choice made for it.
    pub fn to_remember(&self, table: &RawTable) -> RememberedMapping<F> {
        let Some(headers) = table.rows.get(self.header_row) else {
            return RememberedMapping::new();
        };
        headers
            .iter()
            .zip(self.columns.iter())
            .map(|(h, f)| (clean_header(h), *f))
            .filter(|(h, _)| !h.is_empty())
            .collect()
    }
}

impl ColumnMapping<RosterField> {
    /// Whether rows can be matched at all: an ID column, or name and birth date.
    pub fn missing(&self) -> Option<&'static str> {
        let has = |f| self.column_of(f).is_some();
        if has(RosterField::IdNumber) || (has(RosterField::Name) && has(RosterField::BirthDate)) {
            None
        } else {
            Some("请指定“身份证号”列，或同时指定“姓名”和“出生日期”列，否则无法比对")
        }
    }
}

impl RosterField {
    pub fn all() -> &'static [RosterField] {
        <RosterField as Labelled>::ALL
    }
}
