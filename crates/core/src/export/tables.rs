//! The ledgers as tables, with the column headers officials use.

use super::{Cell, Table};
use crate::casework::{Casebook, Verdict};
use crate::ledger::Ledger;
use crate::model::{Child, Labelled};

/// 适龄儿童台账: the children at `positions` (a query result), in that order.
pub fn children_table(l: &Ledger, positions: &[u32], title: &str) -> Table {
    let columns = vec![
        ("序号", 6.0),
        ("姓名", 10.0),
        ("性别", 6.0),
        ("身份证号", 21.0),
        ("无证件原因", 10.0),
        ("出生日期", 12.0),
        ("民族", 8.0),
        ("户籍地", 22.0),
        ("现居住地", 22.0),
        ("监护人", 10.0),
        ("关系", 8.0),
        ("监护人电话", 14.0),
        ("父母外出务工", 8.0),
        ("学籍号", 22.0),
        ("乡镇", 10.0),
        ("学校", 20.0),
        ("年级", 6.0),
        ("班级", 8.0),
        ("学段", 6.0),
        ("就学状态", 12.0),
        ("重点群体", 24.0),
        ("残疾类别", 8.0),
        ("备注", 20.0),
    ];
    let rows = positions
        .iter()
        .filter_map(|i| l.children().get(*i as usize))
        .enumerate()
        .map(|(n, c)| {
            let names = l.names_for(c);
            vec![
                Cell::Number((n + 1) as f64),
                c.name.as_str().into(),
                c.sex.zh().into(),
                c.id_number.as_ref().map(|i| i.to_string()).into(),
                c.no_id_reason.map(|r| r.zh()).into(),
                c.birth_date.into(),
                c.ethnicity.as_str().into(),
                format!("{}{}", names.hukou_township, c.hukou.detail).into(),
                format!("{}{}", names.residence_township, c.residence.detail).into(),
                c.guardian.name.as_str().into(),
                c.guardian.relation.zh().into(),
                c.guardian.phone.as_str().into(),
                (if c.parents_away { "是" } else { "否" }).into(),
                c.student_number.clone().into(),
                l.township_of(c)
                    .map(|t| l.township_name(t).to_string())
                    .into(),
                names.school.into(),
                c.grade
                    .map(|g| Cell::Number(f64::from(g)))
                    .unwrap_or(Cell::Empty),
                c.class_name.as_str().into(),
                c.stage().map(|s| s.zh()).into(),
                c.status.zh().into(),
                c.groups
                    .iter()
                    .map(|g| g.zh())
                    .collect::<Vec<_>>()
                    .join("、")
                    .into(),
                c.disability.map(|d| d.zh()).into(),
                c.note.as_str().into(),
            ]
        })
        .collect();
    Table {
        title: title.to_string(),
        columns,
        rows,
    }
}

fn name_cell(c: Option<&Child>) -> Cell {
    c.map(|c| c.name.as_str()).into()
}

fn id_cell(c: Option<&Child>) -> Cell {
    c.and_then(|c| c.id_number.as_ref())
        .map(|i| i.to_string())
        .into()
}

fn school_cell(l: &Ledger, c: Option<&Child>) -> Cell {
    c.map(|c| l.names_for(c).school).into()
}

fn grade_cell(c: Option<&Child>) -> Cell {
    c.and_then(|c| c.grade)
        .map(|g| Cell::Number(f64::from(g)))
        .unwrap_or(Cell::Empty)
}

/// 疑似辍学学生台账, newest first.
pub fn suspects_table(l: &Ledger, b: &Casebook, title: &str) -> Table {
    let columns = vec![
        ("序号", 6.0),
        ("姓名", 10.0),
        ("身份证号", 21.0),
        ("学校", 20.0),
        ("年级", 6.0),
        ("班级", 8.0),
        ("列入原因", 40.0),
        ("列入日期", 12.0),
        ("列入人", 10.0),
        ("核查日期", 12.0),
        ("核查方式", 16.0),
        ("核查结论", 12.0),
        ("非真实辍学原因", 14.0),
        ("核查依据", 30.0),
    ];
    let mut suspects: Vec<_> = b.suspects().collect();
    suspects.sort_by(|a, b| b.flagged_on.cmp(&a.flagged_on).then(a.id.cmp(&b.id)));
    let rows = suspects
        .into_iter()
        .enumerate()
        .map(|(n, s)| {
            let c = l.child(s.child_id);
            let v = s.verification.as_ref();
            vec![
                Cell::Number((n + 1) as f64),
                name_cell(c),
                id_cell(c),
                school_cell(l, c),
                grade_cell(c),
                c.map(|c| c.class_name.as_str()).into(),
                s.trigger.zh().into(),
                s.flagged_on.into(),
                s.flagged_by.as_str().into(),
                v.map(|v| v.date).into(),
                v.map(|v| {
                    v.methods
                        .iter()
                        .map(|m| m.zh())
                        .collect::<Vec<_>>()
                        .join("、")
                })
                .into(),
                v.map(|v| match v.verdict {
                    Verdict::Confirmed => "确认辍学",
                    Verdict::NotReal { .. } => "非真实辍学",
                })
                .unwrap_or("待核查")
                .into(),
                v.and_then(|v| match &v.verdict {
                    Verdict::NotReal { reason, school } if school.is_empty() => {
                        Some(reason.zh().to_string())
                    }
                    Verdict::NotReal { reason, school } => {
                        Some(format!("{}（{school}）", reason.zh()))
                    }
                    Verdict::Confirmed => None,
                })
                .into(),
                v.map(|v| v.evidence.as_str()).into(),
            ]
        })
        .collect();
    Table {
        title: title.to_string(),
        columns,
        rows,
    }
}

/// 辍学学生台账 (一人一案): open and reopened cases first.
pub fn cases_table(l: &Ledger, b: &Casebook, title: &str) -> Table {
    let columns = vec![
        ("序号", 6.0),
        ("姓名", 10.0),
        ("身份证号", 21.0),
        ("学校", 20.0),
        ("年级", 6.0),
        ("辍学时间", 12.0),
        ("辍学原因", 16.0),
        ("包保责任人", 30.0),
        ("劝返时限", 12.0),
        ("帮扶措施", 20.0),
        ("劝返次数", 8.0),
        ("最近劝返", 30.0),
        ("法律程序", 36.0),
        ("台账状态", 10.0),
        ("销号日期", 12.0),
        ("销号情形", 24.0),
        ("既往辍学次数", 8.0),
    ];
    let mut cases: Vec<_> = b.cases().collect();
    cases.sort_by(|a, b| {
        (a.closure.is_some(), b.left_on, a.id).cmp(&(b.closure.is_some(), a.left_on, b.id))
    });
    let rows = cases
        .into_iter()
        .enumerate()
        .map(|(n, k)| {
            let c = l.child(k.child_id);
            vec![
                Cell::Number((n + 1) as f64),
                name_cell(c),
                id_cell(c),
                school_cell(l, c),
                grade_cell(c),
                k.left_on.into(),
                k.cause.zh().into(),
                k.responsible
                    .iter()
                    .map(|p| format!("{}（{}）", p.name, p.role.zh()))
                    .collect::<Vec<_>>()
                    .join("、")
                    .into(),
                k.deadline.into(),
                k.support
                    .iter()
                    .map(|s| s.zh())
                    .collect::<Vec<_>>()
                    .join("、")
                    .into(),
                Cell::Number(k.attempts.len() as f64),
                k.attempts
                    .last()
                    .map(|a| format!("{} {} {}", a.date, a.way.zh(), a.result.zh()))
                    .into(),
                k.legal_steps
                    .iter()
                    .map(|s| {
                        format!(
                            "{} {}{}",
                            s.date,
                            s.kind.zh(),
                            s.serial
                                .as_ref()
                                .map(|x| format!("（{x}）"))
                                .unwrap_or_default()
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("；")
                    .into(),
                k.state().zh().into(),
                k.closure.as_ref().map(|c| c.date).into(),
                k.closure.as_ref().map(|c| c.outcome.zh()).into(),
                Cell::Number(k.history.len() as f64),
            ]
        })
        .collect();
    Table {
        title: title.to_string(),
        columns,
        rows,
    }
}

/// One list of a cross-check (四查三比对), as the clerk hands it on.
pub fn crosscheck_table(
    l: &Ledger,
    roster: &crate::crosscheck::Roster,
    findings: &[&crate::crosscheck::Finding],
    title: &str,
) -> Table {
    use crate::crosscheck::FindingState;
    let columns = vec![
        ("序号", 6.0),
        ("处理情况", 16.0),
        ("名册行号", 8.0),
        ("姓名（名册）", 12.0),
        ("身份证号（名册）", 21.0),
        ("出生日期（名册）", 12.0),
        ("户籍地址（名册）", 30.0),
        ("监护人（名册）", 10.0),
        ("台账姓名", 10.0),
        ("台账身份证号", 21.0),
        ("学校", 20.0),
        ("年级", 6.0),
        ("就学状态", 12.0),
        ("匹配可信度", 10.0),
        ("说明", 44.0),
    ];
    let rows = findings
        .iter()
        .enumerate()
        .map(|(n, f)| {
            let r = f.row.and_then(|i| roster.rows.get(i));
            let c = f.child_id.and_then(|id| l.child(id));
            let state = match f.state {
                FindingState::New => "待处理".to_string(),
                FindingState::Changed(v) => format!("有变化（曾{}）", v.zh()),
                FindingState::Decided(v) => v.zh().to_string(),
            };
            vec![
                Cell::Number((n + 1) as f64),
                state.into(),
                r.map(|r| Cell::Number(r.line as f64))
                    .unwrap_or(Cell::Empty),
                r.map(|r| r.name.as_str()).into(),
                r.map(|r| match &r.id_number {
                    Some(n) => n.to_string(),
                    None => r.id_written.clone(),
                })
                .into(),
                r.and_then(|r| r.birth_date).into(),
                r.map(|r| r.hukou.as_str()).into(),
                r.map(|r| r.guardian.as_str()).into(),
                name_cell(c),
                id_cell(c),
                school_cell(l, c),
                grade_cell(c),
                c.map(|c| c.status.zh()).into(),
                f.confidence
                    .map(|p| Cell::Number(f64::from(p)))
                    .unwrap_or(Cell::Empty),
                f.detail.to_string().into(),
            ]
        })
        .collect();
    Table {
        title: title.to_string(),
        columns,
        rows,
    }
}

/// The rows of a roster that could not be used, or only by name, with the reason.
pub fn roster_problems_table(roster: &crate::crosscheck::Roster, title: &str) -> Table {
    let mut rows: Vec<(usize, String, String)> = roster
        .rejected
        .iter()
        .map(|r| (r.line, "未导入".to_string(), r.reason.clone()))
        .chain(roster.id_problems().map(|r| {
            (
                r.line,
                "按姓名和出生日期比对".to_string(),
                format!("{}：{}", r.name, r.id_problem.clone().unwrap_or_default()),
            )
        }))
        .collect();
    rows.sort_by_key(|r| r.0);
    Table {
        title: title.to_string(),
        columns: vec![("名册行号", 10.0), ("处理", 22.0), ("原因", 80.0)],
        rows: rows
            .into_iter()
            .map(|(line, what, why)| vec![Cell::Number(line as f64), what.into(), why.into()])
            .collect(),
    }
}

/// A monthly report's lists (学校月报名单), one row per entry; a zero report has none.
pub fn monthly_report_table(r: &crate::exchange::report::MonthlyReport) -> Table {
    let columns = vec![
        ("学校", 20.0),
        ("月份", 9.0),
        ("版本", 6.0),
        ("名单", 14.0),
        ("姓名", 10.0),
        ("身份证号", 21.0),
        ("性别", 6.0),
        ("出生日期", 12.0),
        ("年级", 6.0),
        ("日期", 12.0),
        ("情况", 40.0),
    ];
    let rows = r
        .entries()
        .map(|(list, e)| {
            vec![
                Cell::from(r.school.name.clone()),
                r.period.clone().into(),
                Cell::Number(f64::from(r.version)),
                list.zh().to_string().into(),
                e.name.clone().into(),
                e.id_number.clone().unwrap_or_default().into(),
                e.sex.zh().to_string().into(),
                Cell::Date(e.birth_date),
                e.grade.map_or(Cell::Empty, |g| Cell::Number(f64::from(g))),
                Cell::Date(e.date),
                e.detail.clone().into(),
            ]
        })
        .collect();
    Table {
        title: format!("{}{}月报名单", r.school.name, r.period),
        columns,
        rows,
    }
}

/// A roll-up's parts and total (汇总表), one row per school or county.
pub fn rollup_table(r: &crate::exchange::rollup::RollUp) -> Table {
    let columns = vec![
        ("单位", 22.0),
        ("代码", 14.0),
        ("应报学校", 9.0),
        ("已报学校", 9.0),
        ("零报告", 8.0),
        ("学生", 9.0),
        ("在读", 9.0),
        ("疑似辍学", 9.0),
        ("辍学", 8.0),
        ("本月新增疑似", 10.0),
        ("本月确认辍学", 10.0),
        ("本月复学", 9.0),
    ];
    let row = |f: &crate::exchange::rollup::UnitFigures| {
        let n = |v: u32| Cell::Number(f64::from(v));
        vec![
            f.unit
                .as_ref()
                .map(|u| u.name.clone())
                .unwrap_or_default()
                .into(),
            f.unit
                .as_ref()
                .map(|u| u.code.clone())
                .unwrap_or_default()
                .into(),
            n(f.schools_expected),
            n(f.schools_reported),
            n(f.zero_reports),
            n(f.children),
            n(f.enrolled),
            n(f.suspected),
            n(f.dropouts),
            n(f.new_suspects),
            n(f.confirmed_dropouts),
            n(f.returns),
        ]
    };
    let mut rows: Vec<Vec<Cell>> = r.parts.iter().map(row).collect();
    let mut total = row(&r.totals);
    total[0] = format!("合计：{}", r.unit.name).into();
    rows.push(total);
    Table {
        title: format!("{}{}汇总", r.unit.name, r.period),
        columns,
        rows,
    }
}

/// The county's schools as a list another office (or next year's set-up) can read back:
/// the columns [`crate::student_roll::schools::read_school_list`] recognises.
pub fn schools_table(l: &Ledger, title: &str) -> Table {
    let mut counts = std::collections::HashMap::new();
    for c in l.children() {
        if let Some(s) = c.school_id {
            *counts.entry(s).or_insert(0usize) += 1;
        }
    }
    let mut schools: Vec<_> = l.schools().iter().collect();
    schools.sort_by_key(|s| (l.township_rank(&s.township_code), s.kind, s.name.clone()));
    Table {
        title: title.to_string(),
        columns: vec![
            ("序号", 6.0),
            ("所在乡镇", 12.0),
            ("学校名称", 24.0),
            ("学校标识码", 14.0),
            ("学校类型", 12.0),
            ("学生数", 8.0),
        ],
        rows: schools
            .iter()
            .enumerate()
            .map(|(n, s)| {
                vec![
                    Cell::Number((n + 1) as f64),
                    l.township_name(&s.township_code).to_string().into(),
                    s.name.as_str().into(),
                    s.code.clone().into(),
                    s.kind.zh().into(),
                    Cell::Number(counts.get(&s.id).copied().unwrap_or(0) as f64),
                ]
            })
            .collect(),
    }
}
