//! Other departments' rosters for the demo county, as they arrive at a county bureau: a
//! title row above the headers, each department's own column names, and the usual faults
//! (IDs with spaces or a lower-case x, a wrong check digit, a name typed with a homophone, a
//! person entered twice). Planted among them: school-age children registered in the county
//! who are in no school — what the cross-check must find.

use chrono::NaiveDate;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{DemoError, DemoParams, Generator};
use crate::crosscheck::Department;
use crate::divisions::DivisionTable;
use crate::model::{Child, Installation, Labelled, SpecialGroup, Status};
use crate::rules::school_age::is_school_age;

/// A roster as a department sends it.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoRoster {
    pub department: Department,
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// ID numbers of the school-age children in no school's ledger.
    pub planted: Vec<String>,
}

/// Same-sounding characters for typing faults in given names.
const HOMOPHONES: &[(char, char)] = &[
    ('丽', '莉'),
    ('军', '君'),
    ('华', '桦'),
    ('静', '婧'),
    ('涛', '滔'),
    ('婷', '庭'),
    ('杰', '洁'),
    ('明', '铭'),
    ('文', '雯'),
    ('芳', '方'),
];

fn with_homophone(name: &str) -> Option<String> {
    let chars: Vec<char> = name.chars().collect();
    let i = (1..chars.len())
        .rev()
        .find(|i| HOMOPHONES.iter().any(|(a, _)| *a == chars[*i]))?;
    let mut out = chars.clone();
    out[i] = HOMOPHONES.iter().find(|(a, _)| *a == chars[i])?.1;
    Some(out.into_iter().collect())
}

fn address(inst: &Installation, c: &Child) -> String {
    let town = c
        .hukou
        .township_code
        .as_deref()
        .and_then(|t| inst.township_name(t))
        .unwrap_or("");
    let county: String = inst.divisions.iter().map(|d| d.name.as_str()).collect();
    format!("{county}{town}{}", c.hukou.detail)
}

/// Children of school age registered in the county, in no school: made by the demo
/// generator with another seed, so they look like the rest.
fn out_of_school(
    table: &DivisionTable,
    params: &DemoParams,
    ledger: &[Child],
    n: usize,
) -> Result<Vec<Child>, DemoError> {
    let mut p = params.clone();
    p.seed = params.seed.wrapping_mul(31).wrapping_add(7);
    p.children = n * 3 + 50;
    let mut g = Generator::new(p, table)?;
    let known: std::collections::HashSet<&str> = ledger
        .iter()
        .filter_map(|c| c.id_number.as_ref().map(|n| n.as_str()))
        .collect();
    // A roster row with an ID is offered as "possibly the same person" as a ledger child
    // with no ID of the same birth date or name; planted children must not look like one.
    let no_id: Vec<&Child> = ledger.iter().filter(|c| c.id_number.is_none()).collect();
    let look_alike = |c: &Child| {
        let name = crate::crosscheck::matching::fold_name(&c.name);
        no_id.iter().any(|l| {
            l.birth_date == c.birth_date || crate::crosscheck::matching::fold_name(&l.name) == name
        })
    };
    let made = g.next_children(n * 3 + 50);
    Ok(made
        .into_iter()
        .filter(|c| c.hukou.township_code.is_some())
        .filter(|c| !look_alike(c))
        .filter(|c| {
            c.id_number
                .as_ref()
                .is_some_and(|i| !known.contains(i.as_str()))
        })
        .filter(|c| is_school_age(c.birth_date, params.today))
        .take(n)
        .collect())
}

/// The police's 户籍 roster of the county's children: everyone registered here and still
/// living (the ledger's own children), the planted ones, and `older` children just outside
/// school age, as police rosters by birth year include them.
pub fn police_roster(
    table: &DivisionTable,
    params: &DemoParams,
    inst: &Installation,
    ledger: &[Child],
    older: usize,
) -> Result<DemoRoster, DemoError> {
    let mut rng = ChaCha8Rng::seed_from_u64(params.seed ^ 0x7075_6c69_6365);
    let planted_n = (ledger.len() / 400).max(8);
    let planted = out_of_school(table, params, ledger, planted_n)?;
    let county = inst.short_name();
    let headers = [
        "序号",
        "姓名",
        "性别",
        "民族",
        "出生日期",
        "公民身份号码",
        "户籍地址",
        "户主姓名",
        "与户主关系",
    ];
    let mut rows = Vec::new();
    let row = |c: &Child, rng: &mut ChaCha8Rng, fault: bool| -> Option<Vec<String>> {
        let id = c.id_number.as_ref()?;
        let mut name = c.name.clone();
        let mut id_text = id.as_str().to_string();
        if fault {
            match rng.random_range(0..4) {
                0 => id_text = format!("{} {} {}", &id_text[..6], &id_text[6..14], &id_text[14..]),
                1 => id_text = id_text.to_lowercase(),
                2 => name = with_homophone(&name).unwrap_or(name),
                _ => {
                    // A wrong check digit: the row can only be matched by name and birth date.
                    let last = if id_text.ends_with('0') { '1' } else { '0' };
                    id_text.pop();
                    id_text.push(last);
                }
            }
        }
        Some(vec![
            String::new(),
            name,
            c.sex.zh().to_string(),
            c.ethnicity.clone(),
            c.birth_date.format("%Y-%m-%d").to_string(),
            id_text,
            address(inst, c),
            c.guardian.name.clone(),
            c.guardian.relation.zh().to_string(),
        ])
    };
    for c in ledger {
        let registered_here = c.hukou.township_code.is_some()
            && !matches!(
                c.status,
                Status::MovedAway | Status::Deceased | Status::Abroad
            );
        if registered_here {
            let fault = rng.random_bool(0.005);
            rows.extend(row(c, &mut rng, fault));
        }
    }
    for c in &planted {
        rows.extend(row(c, &mut rng, false));
    }
    // Two people entered twice, as happens when two police stations both list a child.
    for i in 0..2 {
        if let Some(row) = rows.get(i * 97 + 11).cloned() {
            rows.push(row);
        }
    }
    // Children just older than school age: the roster is by birth year.
    let mut p = params.clone();
    p.today = params
        .today
        .checked_sub_months(chrono::Months::new(12 * 4))
        .unwrap_or(params.today);
    p.seed = params.seed.wrapping_add(99);
    p.children = older;
    let mut g = Generator::new(p, table)?;
    for c in g.next_children(older) {
        if !is_school_age(c.birth_date, params.today) && c.hukou.township_code.is_some() {
            rows.extend(row(&c, &mut rng, false));
        }
    }
    // Shuffle as a police export is ordered by address, not by our ledger.
    rows.sort_by(|a, b| a[6].cmp(&b[6]).then(a[4].cmp(&b[4])));
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = (i + 1).to_string();
    }
    Ok(DemoRoster {
        department: Department::Police,
        title: format!("{county}公安局 适龄人口户籍信息表"),
        headers: headers.iter().map(|h| h.to_string()).collect(),
        rows,
        planted: planted
            .iter()
            .filter_map(|c| c.id_number.as_ref().map(|n| n.to_string()))
            .collect(),
    })
}

/// The disabled persons' federation's roster of disabled children: those the ledger knows,
/// a few the ledger has not flagged, and a few in no school at all.
pub fn disabled_roster(
    table: &DivisionTable,
    params: &DemoParams,
    inst: &Installation,
    ledger: &[Child],
) -> Result<DemoRoster, DemoError> {
    let mut rng = ChaCha8Rng::seed_from_u64(params.seed ^ 0x6469_7361);
    let mut chosen: Vec<&Child> = ledger
        .iter()
        .filter(|c| c.groups.contains(&SpecialGroup::Disabled))
        .collect();
    let unflagged: Vec<&Child> = ledger
        .iter()
        .filter(|c| !c.groups.contains(&SpecialGroup::Disabled) && c.id_number.is_some())
        .collect();
    let extra = (ledger.len() / 2000).max(3);
    chosen.extend(unflagged.choose_multiple(&mut rng, extra));
    let planted = out_of_school(table, params, ledger, (ledger.len() / 5000).max(2))?;
    let categories = ["智力", "肢体", "听力", "言语", "视力", "精神", "多重"];
    let mut rows = Vec::new();
    let mut push = |c: &Child, rng: &mut ChaCha8Rng| {
        let Some(id) = &c.id_number else { return };
        let category = c
            .disability
            .map(|d| d.zh())
            .unwrap_or_else(|| categories.choose(rng).copied().unwrap_or("智力"));
        rows.push(vec![
            c.name.clone(),
            c.sex.zh().to_string(),
            id.to_string(),
            format!("{category}残疾"),
            format!("{}级", rng.random_range(1..=4)),
            c.guardian.name.clone(),
            c.guardian.phone.clone(),
            address(inst, c),
        ]);
    };
    for c in &chosen {
        push(c, &mut rng);
    }
    for c in &planted {
        push(c, &mut rng);
    }
    Ok(DemoRoster {
        department: Department::DisabledFederation,
        title: format!("{}残联 持证残疾儿童花名册", inst.short_name()),
        headers: [
            "残疾人姓名",
            "性别",
            "身份证号",
            "残疾类别",
            "残疾等级",
            "监护人",
            "联系电话",
            "住址",
        ]
        .iter()
        .map(|h| h.to_string())
        .collect(),
        rows,
        planted: planted
            .iter()
            .filter_map(|c| c.id_number.as_ref().map(|n| n.to_string()))
            .collect(),
    })
}

/// The roster for a department (police's takes `older` extra rows beyond school age).
pub fn roster_for(
    department: Department,
    table: &DivisionTable,
    params: &DemoParams,
    inst: &Installation,
    ledger: &[Child],
    older: usize,
) -> Result<DemoRoster, DemoError> {
    match department {
        Department::DisabledFederation => disabled_roster(table, params, inst, ledger),
        _ => police_roster(table, params, inst, ledger, older),
    }
}

impl DemoRoster {
    /// As CSV in GB18030, the way Excel on a Chinese Windows saves "CSV (逗号分隔)".
    pub fn to_gb18030_csv(&self) -> Vec<u8> {
        gb18030_csv(&self.title, &self.headers, &self.rows)
    }

    /// As an xlsx workbook with the title row merged above the headers, IDs as text.
    pub fn to_xlsx(&self) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
        xlsx("花名册", &self.title, &self.headers, &self.rows)
    }

    /// The day the roster was made, for its file name.
    pub fn file_name(&self, today: NaiveDate, ext: &str) -> String {
        format!(
            "{}_{}.{ext}",
            self.title.replace(' ', "_"),
            today.format("%Y%m%d")
        )
    }
}

/// The ledger as a plain GB18030 CSV (ID, name, sex, birth date, school, grade): what a school
/// roster export looks like, for the benchmark against a spreadsheet analyst's tools.
pub fn ledger_csv(schools: &[crate::model::School], children: &[Child]) -> Vec<u8> {
    let names: std::collections::HashMap<_, _> =
        schools.iter().map(|s| (s.id, s.name.as_str())).collect();
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(["身份证号", "姓名", "性别", "出生日期", "学校", "年级"]);
    for c in children {
        let _ = w.write_record([
            c.id_number
                .as_ref()
                .map(|n| n.to_string())
                .unwrap_or_default(),
            c.name.clone(),
            c.sex.zh().to_string(),
            c.birth_date.to_string(),
            c.school_id
                .and_then(|s| names.get(&s).copied())
                .unwrap_or("")
                .to_string(),
            c.grade.map(|g| g.to_string()).unwrap_or_default(),
        ]);
    }
    let utf8 = w.into_inner().unwrap_or_default();
    encoding_rs::GB18030
        .encode(&String::from_utf8_lossy(&utf8))
        .0
        .into_owned()
}

/// A sheet as Excel in China saves "CSV": GB18030, a title line above the headers.
pub(crate) fn gb18030_csv(title: &str, headers: &[String], rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut first = vec![title.to_string()];
    first.resize(headers.len(), String::new());
    let _ = w.write_record(&first);
    let _ = w.write_record(headers);
    for r in rows {
        let _ = w.write_record(r);
    }
    let utf8 = w.into_inner().unwrap_or_default();
    let text = String::from_utf8_lossy(&utf8);
    encoding_rs::GB18030.encode(&text).0.into_owned()
}

/// A workbook of one sheet: the title merged above the headers, every cell as text.
pub(crate) fn xlsx(
    sheet_name: &str,
    title: &str,
    headers: &[String],
    rows: &[Vec<String>],
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(sheet_name)?;
    let last = headers.len().saturating_sub(1) as u16;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    sheet.merge_range(0, 0, 0, last, title, &bold)?;
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(1, c as u16, h, &bold)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(r as u32 + 2, c as u16, v)?;
        }
    }
    book.save_to_buffer()
}
