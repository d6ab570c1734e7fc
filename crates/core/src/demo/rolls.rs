//! The national 学籍 system's students' export for a synthetic county, as a county bureau
//! receives it: one file per school or one for the county, with the system's own headers.
//! For the tests and the benchmark of the 学籍 import on a county set up from scratch — and
//! next school year's export, in which children move up, change school, move to junior
//! school, graduate, or are missing.

use chrono::Datelike;
use uuid::Uuid;

use super::rosters::{gb18030_csv, xlsx};
use crate::model::{
    Address, Child, Installation, Labelled, Relation, School, SchoolKind, SpecialGroup, Status,
};
use crate::rules::id_number::IdNumber;

/// The columns of the national export, in its order.
pub const HEADERS: [&str; 25] = [
    "姓名",
    "性别",
    "出生日期",
    "民族",
    "身份证件类型",
    "身份证件号",
    "全国学籍号",
    "学籍辅号",
    "学校标识码",
    "学校名称",
    "年级",
    "班级",
    "入学年月",
    "户口所在地",
    "现住址",
    "就读方式",
    "是否留守儿童",
    "是否进城务工人员随迁子女",
    "是否孤儿",
    "随班就读",
    "残疾类型",
    "成员1姓名",
    "成员1关系",
    "成员1联系电话",
    "成员1身份证件号",
];

const GRADE_NAMES: [&str; 9] = [
    "一年级",
    "二年级",
    "三年级",
    "四年级",
    "五年级",
    "六年级",
    "七年级",
    "八年级",
    "九年级",
];

/// One export file.
#[derive(Debug, Clone, PartialEq)]
pub struct RollExport {
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl RollExport {
    pub fn to_xlsx(&self) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
        xlsx("学生信息", &self.title, &self.headers, &self.rows)
    }

    pub fn to_gb18030_csv(&self) -> Vec<u8> {
        gb18030_csv(&self.title, &self.headers, &self.rows)
    }
}

/// The export of the children in school at `schools` (all schools when empty).
pub fn export(
    inst: &Installation,
    all_schools: &[School],
    children: &[Child],
    schools: &[Uuid],
    school_year: i32,
) -> RollExport {
    let title = match schools {
        [one] => all_schools
            .iter()
            .find(|s| s.id == *one)
            .map(|s| format!("{}学生信息", s.name))
            .unwrap_or_default(),
        _ => format!("{}学生信息", inst.unit_name()),
    };
    let place = |a: &Address| -> String {
        match a
            .township_code
            .as_deref()
            .and_then(|c| inst.township_name(c))
        {
            Some(t) => format!("{}{t}{}", inst.unit_name(), a.detail),
            None => a.detail.clone(),
        }
    };
    let rows = children
        .iter()
        .filter(|c| c.status.needs_school())
        .filter(|c| {
            c.school_id
                .is_some_and(|s| schools.is_empty() || schools.contains(&s))
        })
        .filter_map(|c| {
            let school = all_schools.iter().find(|s| Some(s.id) == c.school_id)?;
            let grade = c.grade.filter(|g| (1..=9).contains(g))?;
            let class_no = c.class_name.trim_end_matches('班');
            let grade_name = GRADE_NAMES[usize::from(grade - 1)];
            let id = c
                .id_number
                .as_ref()
                .map(|n| n.to_string())
                .unwrap_or_default();
            let yes = |b: bool| if b { "是" } else { "否" }.to_string();
            let disability = c.disability.map(|d| format!("{}残疾", d.zh()));
            let entered = school_year - i32::from(if grade >= 7 { grade - 7 } else { grade - 1 });
            Some(vec![
                c.name.clone(),
                c.sex.zh().to_string(),
                c.birth_date.format("%Y-%m-%d").to_string(),
                c.ethnicity.clone(),
                if c.id_number.is_some() {
                    "居民身份证"
                } else {
                    "其他"
                }
                .to_string(),
                id.clone(),
                c.student_number
                    .clone()
                    .unwrap_or_else(|| student_number(c)),
                String::new(),
                school.code.clone().unwrap_or_default(),
                school.name.clone(),
                grade_name.to_string(),
                format!("{}({class_no})班", grade_name.trim_end_matches("年级")),
                format!("{entered}-09"),
                place(&c.hukou),
                place(&c.residence),
                "走读".to_string(),
                if c.groups.contains(&SpecialGroup::LeftBehind) {
                    "双亲留守"
                } else {
                    "非留守"
                }
                .to_string(),
                yes(c.groups.contains(&SpecialGroup::Migrant)),
                yes(c.groups.contains(&SpecialGroup::Orphan)),
                match (c.status, &disability) {
                    (Status::RegularClass, Some(d)) => format!("{d}人随班就读"),
                    _ => "非随班就读".to_string(),
                },
                disability.unwrap_or_else(|| "无".into()),
                c.guardian.name.clone(),
                c.guardian.relation.zh().to_string(),
                c.guardian.phone.clone(),
                guardian_id(c),
            ])
        })
        .collect();
    RollExport {
        title,
        headers: HEADERS.iter().map(|h| h.to_string()).collect(),
        rows,
    }
}

/// 全国学籍号: G and the ID number, or a temporary L number for a child without one.
fn student_number(c: &Child) -> String {
    match &c.id_number {
        Some(n) => format!("G{n}"),
        None => format!("L{}", &c.id.simple().to_string()[..18]).to_uppercase(),
    }
}

/// A parent's ID number: the child's area, born 28 years earlier — never the child's.
fn guardian_id(c: &Child) -> String {
    let area = c
        .id_number
        .as_ref()
        .map(|n| n.area_code().to_string())
        .unwrap_or_else(|| "433122".into());
    let birth = c
        .birth_date
        .with_year(c.birth_date.year() - 28)
        .unwrap_or(c.birth_date);
    IdNumber::compose(&area, birth, 11)
        .map(|n| n.to_string())
        .unwrap_or_default()
}

/// Next school year, as the 学籍 system will have it: who moved where.
#[derive(Debug, Clone, PartialEq)]
pub struct NextYear {
    /// The children as next year's export lists them (the missing child kept out).
    pub children: Vec<Child>,
    /// Moved from the first to the second primary school of `schools`.
    pub transferred: Option<Child>,
    /// In school by the ledger, left out of the export.
    pub missing: Option<Child>,
    /// Finished grade 6 at a primary of `schools`, now in grade 7 at a junior school.
    pub to_junior: Vec<Child>,
    /// Finished grade 9: in no export any more.
    pub graduated: Vec<Child>,
    /// New in grade 1.
    pub entrants: Vec<Child>,
}

/// Moves the children of `schools` one school year on. Grade 6 pupils of a primary go to a
/// junior school of `schools` (the first one), grade 9 pupils graduate; the first grade-3
/// pupil of the first primary moves to the second primary; the first grade-4 pupil of the
/// first primary is missing from the export; each primary takes `entrants` new pupils.
pub fn next_year(
    schools: &[School],
    children: &[Child],
    entrants: usize,
    mut new_id: impl FnMut() -> Uuid,
) -> NextYear {
    let ids: Vec<Uuid> = schools.iter().map(|s| s.id).collect();
    let primaries: Vec<&School> = schools
        .iter()
        .filter(|s| s.kind == SchoolKind::Primary)
        .collect();
    let junior = schools.iter().find(|s| s.kind == SchoolKind::Junior);
    let mut out = NextYear {
        children: Vec::new(),
        transferred: None,
        missing: None,
        to_junior: Vec::new(),
        graduated: Vec::new(),
        entrants: Vec::new(),
    };
    for c in children
        .iter()
        .filter(|c| c.status.needs_school() && c.school_id.is_some_and(|s| ids.contains(&s)))
    {
        let Some(grade) = c.grade else { continue };
        let mut n = c.clone();
        n.grade = Some(grade + 1);
        let school = schools.iter().find(|s| Some(s.id) == c.school_id);
        let first_primary = primaries.first().map(|s| s.id) == c.school_id;
        if grade == 9 {
            out.graduated.push(c.clone());
            continue;
        }
        if grade == 6 && school.is_some_and(|s| s.kind == SchoolKind::Primary) {
            let Some(j) = junior else {
                out.graduated.push(c.clone());
                continue;
            };
            n.school_id = Some(j.id);
            n.class_name = "1班".into();
            out.to_junior.push(n.clone());
        } else if first_primary && grade == 3 && out.transferred.is_none() && primaries.len() > 1 {
            n.school_id = primaries.get(1).map(|s| s.id);
            out.transferred = Some(n.clone());
        } else if first_primary && grade == 4 && out.missing.is_none() {
            out.missing = Some(c.clone());
            continue;
        }
        out.children.push(n);
    }
    // New entrants: born in the year that makes them 6 by 31 August, numbered after the
    // children already there.
    for (k, p) in primaries.iter().enumerate() {
        let Some(model) = out
            .children
            .iter()
            .find(|c| c.school_id == Some(p.id) && c.grade == Some(2))
            .cloned()
        else {
            continue;
        };
        for i in 0..entrants {
            let mut c = model.clone();
            c.id = new_id();
            c.birth_date = c
                .birth_date
                .with_year(c.birth_date.year() + 1)
                .unwrap_or(c.birth_date);
            let area = model
                .id_number
                .as_ref()
                .map(|n| n.area_code().to_string())
                .unwrap_or_else(|| "433122".into());
            c.id_number = IdNumber::compose(&area, c.birth_date, (900 + k * 10 + i) as u16).ok();
            c.sex = c.id_number.as_ref().map(|n| n.sex()).unwrap_or(c.sex);
            c.student_number = c.id_number.as_ref().map(|n| format!("G{n}"));
            c.name = format!(
                "{}新{}",
                c.name.chars().next().unwrap_or('王'),
                ["一", "二", "三", "四", "五"][i % 5]
            );
            c.grade = Some(1);
            c.class_name = "1班".into();
            c.groups.clear();
            c.disability = None;
            c.status = Status::InSchool;
            c.guardian.relation = Relation::Mother;
            out.entrants.push(c.clone());
            out.children.push(c);
        }
    }
    out
}
