//! A list of schools read from a spreadsheet (the 学籍 system's school list, or the one this
//! app exports): new schools and changes to known ones, matched by 学校标识码, else by name.

use super::read::RollProblem;
use super::reason::RollReason;
use crate::crosscheck::mapping::{clean_header, ColumnMapping, HeaderField};
use crate::crosscheck::table::{is_total_row, RawTable};
use crate::model::{labelled_enum, township_in, Division, Labelled, School, SchoolKind};
use uuid::Uuid;

labelled_enum! {
    /// The columns of a school list.
    SchoolField {
        Name = ("name", "学校名称", "School"),
        Code = ("code", "学校标识码", "School code"),
        Kind = ("kind", "学校类型", "Type"),
        Township = ("township", "所在乡镇", "Township"),
    }
}

impl HeaderField for SchoolField {
    fn recognise(header: &str) -> Option<Self> {
        let h = clean_header(header);
        match h.as_str() {
            "学校名称" | "学校" | "单位名称" | "学校全称" => Some(SchoolField::Name),
            "学校标识码" | "学校代码" | "标识码" | "学校识别码" => {
                Some(SchoolField::Code)
            }
            "学校类型" | "办学类型" | "学校类别" | "类型" => Some(SchoolField::Kind),
            "所在乡镇" | "乡镇" | "乡镇街道" | "所在乡镇街道" | "所属乡镇" => {
                Some(SchoolField::Township)
            }
            _ => None,
        }
    }
}

/// What a school list would change.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SchoolListPlan {
    pub added: Vec<School>,
    /// Known schools with a changed name, code, kind or township.
    pub changed: Vec<(School, School)>,
    pub unchanged: usize,
    pub problems: Vec<RollProblem>,
}

fn kind_of(s: &str, name: &str) -> Option<SchoolKind> {
    let s = s.trim();
    if s.is_empty() {
        return Some(if name.contains("中学") || name.contains("初中") {
            SchoolKind::Junior
        } else {
            SchoolKind::Primary
        });
    }
    SchoolKind::ALL
        .iter()
        .copied()
        .find(|k| k.zh() == s)
        .or(match s {
            s if s.contains("九年") => Some(SchoolKind::NineYear),
            s if s.contains("完全中学") || s.contains("完中") => Some(SchoolKind::Complete),
            s if s.contains("特殊") || s.contains("特教") => Some(SchoolKind::Special),
            s if s.contains("教学点") => Some(SchoolKind::TeachingPoint),
            s if s.contains("初") || s.contains("中学") => Some(SchoolKind::Junior),
            s if s.contains("小学") => Some(SchoolKind::Primary),
            _ => None,
        })
}

/// Reads a school list against the installation's schools.
pub fn read_school_list(
    file: &str,
    table: &RawTable,
    schools: &[School],
    townships: &[Division],
    new_id: &mut dyn FnMut() -> Uuid,
) -> SchoolListPlan {
    let mapping: ColumnMapping<SchoolField> = ColumnMapping::detect(table, &Default::default());
    let col = |f| mapping.column_of(f);
    let mut plan = SchoolListPlan::default();
    let mut known: Vec<School> = schools.to_vec();
    for (i, record) in table.rows.iter().enumerate().skip(mapping.header_row + 1) {
        if record.iter().all(|c| c.trim().is_empty()) || is_total_row(record) {
            continue;
        }
        let line = table.first_line + i;
        let cell = |f| {
            col(f)
                .and_then(|c| record.get(c))
                .map(str::trim)
                .unwrap_or("")
        };
        let name = cell(SchoolField::Name).to_string();
        let problem = |reason: RollReason| RollProblem {
            file: file.to_string(),
            sheet: table.sheet.clone(),
            line,
            name: name.clone(),
            reason,
            school: String::new(),
        };
        if name.is_empty() {
            plan.problems.push(problem(RollReason::NoSchoolName));
            continue;
        }
        let code: String = cell(SchoolField::Code)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let code = (!code.is_empty()).then_some(code);
        let Some(kind) = kind_of(cell(SchoolField::Kind), &name) else {
            plan.problems.push(problem(RollReason::BadSchoolKind(
                cell(SchoolField::Kind).to_string(),
            )));
            continue;
        };
        let written = cell(SchoolField::Township);
        let township = townships
            .iter()
            .find(|t| t.name == written || t.code == written)
            .or_else(|| township_in(written, townships).map(|(d, _)| d))
            .or_else(|| township_in(&name, townships).map(|(d, _)| d));
        let Some(township) = township else {
            plan.problems
                .push(problem(RollReason::UnknownTownship(written.to_string())));
            continue;
        };
        let existing = known
            .iter()
            .find(|s| code.is_some() && s.code == code)
            .or_else(|| known.iter().find(|s| s.name.trim() == name))
            .cloned();
        let school = School {
            id: existing.as_ref().map_or_else(&mut *new_id, |s| s.id),
            name: name.clone(),
            code: code
                .clone()
                .or(existing.as_ref().and_then(|s| s.code.clone())),
            kind,
            township_code: township.code.clone(),
        };
        if let Err(e) = school.validate(&known) {
            plan.problems.push(problem(RollReason::School(e)));
            continue;
        }
        match existing {
            Some(old) if old == school => plan.unchanged += 1,
            Some(old) => {
                known.retain(|s| s.id != old.id);
                known.push(school.clone());
                plan.changed.push((old, school));
            }
            None => {
                known.push(school.clone());
                plan.added.push(school);
            }
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crosscheck::read_table;

    fn towns() -> Vec<Division> {
        [("433122100", "武溪镇"), ("433122101", "浦市镇")]
            .iter()
            .map(|(c, n)| Division {
                code: c.to_string(),
                name: n.to_string(),
            })
            .collect()
    }

    #[test]
    fn a_school_list_adds_new_schools_updates_known_ones_and_says_what_it_cannot_use() {
        let known = School {
            id: Uuid::from_u128(1),
            name: "武溪镇中心小学".into(),
            code: Some("2143122001".into()),
            kind: SchoolKind::Primary,
            township_code: "433122100".into(),
        };
        let csv = "泸溪县学校名单\n序号,所在乡镇,学校名称,学校标识码,学校类型,学生数\n1,武溪镇,武溪镇第一中心小学,2143122001,小学,300\n2,浦市镇,浦市镇中学,2143122002,初级中学,200\n3,,浦市镇第二小学,,,\n4,火星镇,某校,2143122003,小学,1\n5,武溪镇,武溪镇九年制学校,12345,九年一贯制,1\n合计,,,,,501\n";
        let t = read_table(csv.as_bytes()).unwrap();
        let mut n = 10;
        let plan = read_school_list(
            "学校.csv",
            &t,
            std::slice::from_ref(&known),
            &towns(),
            &mut || {
                n += 1;
                Uuid::from_u128(n)
            },
        );
        assert_eq!(plan.changed.len(), 1, "same code, new name");
        assert_eq!(plan.changed[0].1.id, known.id);
        let added: Vec<_> = plan
            .added
            .iter()
            .map(|s| (s.name.as_str(), s.kind, s.township_code.as_str()))
            .collect();
        assert_eq!(
            added,
            vec![
                ("浦市镇中学", SchoolKind::Junior, "433122101"),
                ("浦市镇第二小学", SchoolKind::Primary, "433122101")
            ]
        );
        let reasons: Vec<_> = plan
            .problems
            .iter()
            .map(|p| (p.line, p.reason.to_string()))
            .collect();
        assert_eq!(reasons.len(), 2, "{reasons:?}");
        assert!(reasons[0].1.contains("火星镇"));
        assert!(reasons[1].1.contains("10位数字"));
        // Read back what we export: nothing changes.
        let again = read_school_list(
            "学校.csv",
            &t,
            &[
                plan.changed[0].1.clone(),
                plan.added[0].clone(),
                plan.added[1].clone(),
            ],
            &towns(),
            &mut || Uuid::nil(),
        );
        assert!(again.added.is_empty() && again.changed.is_empty());
        assert_eq!(again.unchanged, 3);
    }
}
