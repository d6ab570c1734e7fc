use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use chrono::NaiveDate;

use super::*;

fn table() -> Table {
    Table {
        title: "泸溪县适龄儿童台账".into(),
        columns: vec![
            ("姓名", 10.0),
            ("身份证号", 21.0),
            ("出生日期", 12.0),
            ("备注", 20.0),
            ("年级", 6.0),
        ],
        rows: vec![
            vec![
                "田小花".into(),
                "43312220150308001X".into(),
                NaiveDate::from_ymd_opt(2015, 3, 8).unwrap().into(),
                "=HYPERLINK(\"http://x\",\"点我\")".into(),
                Cell::Number(5.0),
            ],
            vec![
                "A, \"B\"".into(),
                Cell::Empty,
                Cell::Empty,
                "+1-2".into(),
                Cell::Empty,
            ],
            vec![
                "@SUM(1)".into(),
                Cell::Empty,
                Cell::Empty,
                "-3".into(),
                Cell::Empty,
            ],
        ],
    }
}

#[test]
fn csv_has_a_bom_quotes_and_defuses_formulas() {
    let csv = String::from_utf8(to_csv(&table())).unwrap();
    assert!(csv.starts_with('\u{FEFF}'));
    let lines: Vec<&str> = csv.trim_start_matches('\u{FEFF}').split("\r\n").collect();
    assert_eq!(lines[0], "姓名,身份证号,出生日期,备注,年级");
    assert_eq!(
        lines[1],
        "田小花,\t43312220150308001X,2015-03-08,\"'=HYPERLINK(\"\"http://x\"\",\"\"点我\"\")\",5"
    );
    assert_eq!(lines[2], "\"A, \"\"B\"\"\",,,'+1-2,");
    assert_eq!(lines[3], "'@SUM(1),,,'-3,");
}

#[test]
fn xlsx_keeps_text_as_text_and_dates_as_dates() {
    let created = NaiveDate::from_ymd_opt(2026, 11, 23)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap();
    let bytes = to_xlsx(&table(), "导出：2026-11-23，共3人", created).unwrap();
    assert_eq!(&bytes[..2], b"PK");
    let mut wb: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let sheet = wb.worksheet_range("泸溪县适龄儿童台账").unwrap();
    assert_eq!(
        sheet.get_value((0, 0)),
        Some(&Data::String("泸溪县适龄儿童台账".into()))
    );
    assert_eq!(
        sheet.get_value((2, 1)),
        Some(&Data::String("身份证号".into()))
    );
    assert_eq!(
        sheet.get_value((3, 1)),
        Some(&Data::String("43312220150308001X".into()))
    );
    assert!(
        matches!(sheet.get_value((3, 2)), Some(Data::DateTime(_))),
        "{:?}",
        sheet.get_value((3, 2))
    );
    // The formula-like text is a plain string, not a formula.
    assert_eq!(
        sheet.get_value((3, 3)),
        Some(&Data::String("=HYPERLINK(\"http://x\",\"点我\")".into()))
    );
    let formulas = wb.worksheet_formula("泸溪县适龄儿童台账").unwrap();
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "no formula anywhere"
    );
    assert_eq!(sheet.get_value((3, 4)), Some(&Data::Float(5.0)));
}

#[test]
fn ledger_tables_have_a_row_per_record() {
    use crate::casework::CaseworkSettings;
    use crate::demo::{generate, DemoParams};
    use crate::divisions::DivisionTable;
    use crate::ledger::{query::ChildQuery, Ledger};
    let table = DivisionTable::parse(include_str!("../../../../public/divisions.tsv")).unwrap();
    let mut p = DemoParams::new(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
    p.children = 2_000;
    let county = generate(&p, &table).unwrap();
    let l = Ledger::new(
        county.schools,
        &county.installation.townships,
        county.children,
    );
    let b = county.casework.casebook(CaseworkSettings::default());
    let hits = l.query(&ChildQuery::default());
    let t = children_table(&l, &hits, "台账");
    assert_eq!(t.rows.len(), 2_000);
    assert!(t.rows.iter().all(|r| r.len() == t.columns.len()));
    let s = suspects_table(&l, &b, "疑似");
    assert_eq!(s.rows.len(), b.suspects().count());
    assert!(s.rows.iter().all(|r| r.len() == s.columns.len()));
    let c = cases_table(&l, &b, "案件");
    assert_eq!(c.rows.len(), b.cases().count());
    assert!(c.rows.iter().all(|r| r.len() == c.columns.len()));
    // Round trip through xlsx: every row arrives.
    let bytes = to_xlsx(
        &t,
        "",
        NaiveDate::from_ymd_opt(2026, 11, 23)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap(),
    )
    .unwrap();
    let mut wb: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(wb.worksheet_range("台账").unwrap().height(), 2_003);
}

#[test]
fn formulas_hidden_behind_blanks_or_full_width_signs_are_defused_too() {
    for s in [
        " =1+1",
        "\u{3000}=cmd|'/C calc'!A0",
        "\u{200B}@SUM(A1)",
        "＋1",
        "－1",
        "＠A1",
        "\n=1",
        "\u{FEFF}=1",
    ] {
        assert!(looks_like_formula(s), "{s:?}");
    }
    for s in ["田小花", "1+1", "a=b", "<script>alert(1)</script>", "(=)"] {
        assert!(!looks_like_formula(s), "{s:?}");
    }
}
