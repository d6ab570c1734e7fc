use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use proptest::prelude::*;

use super::matching::{birth_similarity, confidence, fold_name, name_similarity};
use super::roster::parse_birth_date;
use super::*;
use crate::demo::rosters::{disabled_roster, police_roster, DemoRoster};
use crate::demo::{generate, DemoCounty, DemoParams};
use crate::divisions::DivisionTable;
use crate::model::Sex;
use crate::rules::id_number::IdNumber;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

fn table() -> DivisionTable {
    DivisionTable::parse(include_str!("../../../../public/divisions.tsv")).unwrap()
}

fn county(n: usize) -> (DemoParams, DemoCounty, Ledger) {
    let mut p = DemoParams::new(today());
    p.children = n;
    let c = generate(&p, &table()).unwrap();
    let l = Ledger::new(
        c.schools.clone(),
        &c.installation.townships,
        c.children.clone(),
    );
    (p, c, l)
}

fn read(bytes: &[u8], department: Department) -> (RawTable, ColumnMapping, Roster) {
    let t = read_table(bytes).unwrap();
    let m = ColumnMapping::detect(&t, &RememberedMapping::new());
    let r = build_roster(&t, &m, department);
    (t, m, r)
}

fn gbk(text: &str) -> Vec<u8> {
    encoding_rs::GB18030.encode(text).0.into_owned()
}

#[test]
fn gbk_csv_with_a_title_row_is_decoded_and_its_header_found() {
    let text = "泸溪县公安局 户籍信息表,,,\n序号,姓名,公民身份号码,出生日期\n1,向 丽,433122 20150308 0021,2015年3月8日\n";
    let bytes = gbk(text);
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the test file is really GBK"
    );
    let (t, m, r) = read(&bytes, Department::Police);
    assert!(t.format.contains("GB18030"), "{}", t.format);
    assert_eq!(m.header_row, 1);
    assert_eq!(m.column_of(RosterField::Name), Some(1));
    assert_eq!(m.column_of(RosterField::IdNumber), Some(2));
    assert_eq!(r.rows.len(), 1);
    assert_eq!(r.rows[0].line, 3);
    assert_eq!(r.rows[0].name, "向丽");
    assert_eq!(r.rows[0].birth_date, NaiveDate::from_ymd_opt(2015, 3, 8));
}

#[test]
fn utf8_with_bom_and_utf16_tab_separated_are_read() {
    let id = IdNumber::compose("433122", d(2015, 3, 8), 1).unwrap();
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend(format!("姓名,身份证号\n张三,{id}\n").as_bytes());
    let (t, _, r) = read(&bytes, Department::Police);
    assert!(t.format.contains("UTF-8"));
    assert_eq!(r.rows[0].name, "张三");

    let mut utf16 = vec![0xFF, 0xFE];
    for u in format!("姓名\t身份证号\r\n李四\t{id}\r\n").encode_utf16() {
        utf16.extend(u.to_le_bytes());
    }
    let (t, _, r) = read(&utf16, Department::Police);
    assert!(t.format.contains("制表符"), "{}", t.format);
    assert_eq!(r.rows[0].name, "李四");
}

#[test]
fn xlsx_written_by_a_spreadsheet_library_is_read_with_true_row_numbers() {
    let (p, c, _) = county(600);
    let roster = police_roster(&table(), &p, &c.installation, &c.children, 20).unwrap();
    let bytes = roster.to_xlsx().unwrap();
    let (t, m, r) = read(&bytes, Department::Police);
    assert_eq!(t.format, "xlsx");
    assert_eq!(t.sheet.as_deref(), Some("花名册"));
    assert_eq!(m.header_row, 1, "the merged title row is skipped");
    assert_eq!(r.rows.len() + r.rejected.len(), roster.rows.len());
    // Row numbers are those Excel shows: title on 1, headers on 2, data from 3.
    assert_eq!(r.rows[0].line, 3);
    let (_, _, from_csv) = read(&roster.to_gb18030_csv(), Department::Police);
    assert_eq!(
        from_csv.rows, r.rows,
        "CSV and xlsx of one roster read the same"
    );
}

#[test]
fn headers_are_recognised_from_the_usual_names_and_remembered() {
    for (h, f) in [
        ("公民身份号码", Some(RosterField::IdNumber)),
        ("身份证号码（必填）", Some(RosterField::IdNumber)),
        ("证件号码", Some(RosterField::IdNumber)),
        ("监护人身份证号", None),
        ("户主姓名", Some(RosterField::Guardian)),
        ("儿童姓名", Some(RosterField::Name)),
        ("出生年月", Some(RosterField::BirthDate)),
        ("户籍所在地", Some(RosterField::Hukou)),
        ("监护人联系电话", Some(RosterField::Phone)),
        ("残疾类别", Some(RosterField::Disability)),
        ("序号", None),
    ] {
        assert_eq!(mapping::recognise(h), f, "{h}");
    }
    let t = read_table("编号,学生,生日\n1,王五,2016-01-02\n".as_bytes()).unwrap();
    let m = ColumnMapping::detect(&t, &RememberedMapping::new());
    assert!(m.missing().is_some(), "学生 is not recognised by itself");
    let mut m = m;
    m.set(1, Some(RosterField::Name));
    let remembered = m.to_remember(&t);
    let again = ColumnMapping::detect(&t, &remembered);
    assert_eq!(again.column_of(RosterField::Name), Some(1));
    assert_eq!(again.column_of(RosterField::BirthDate), Some(2));
    assert!(again.missing().is_none());
}

#[test]
fn bad_rows_are_listed_with_line_and_reason_never_dropped() {
    let text = "姓名,身份证号,出生日期,性别\n\
        甲,43312220150308002X,,男\n\
        乙,4.33122E+17,,女\n\
        丙,433122201503080021,2015-03-08,女\n\
        ,123,,\n\
        丁,,2015-13-40,女\n\
        戊,433122201503080013,2015-03-08,未知\n\
        ,,,\n\
        己,433122150308002,,女\n";
    let (_, _, r) = read(text.as_bytes(), Department::Police);
    let lines: Vec<usize> = r.rejected.iter().map(|x| x.line).collect();
    // 甲: wrong check digit but name and birth date from… no birth: rejected? It has no
    // birth date column value and an invalid ID, so it cannot be matched.
    assert_eq!(lines, vec![2, 3, 5, 6, 7], "{:#?}", r.rejected);
    assert!(r.rejected[1].reason.contains("科学计数法"));
    assert!(r.rejected[3].reason.contains("出生日期"));
    assert!(r.rejected[4].reason.contains("性别"));
    assert_eq!(r.blank_lines, 1);
    // A wrong check digit with a birth date is kept and matched by name.
    let kept: Vec<&str> = r.rows.iter().map(|x| x.name.as_str()).collect();
    assert_eq!(kept, vec!["丙", "己"]);
    assert!(r.rows[0].id_problem.is_some());
    // A 15-digit number becomes 18 digits.
    assert_eq!(
        r.rows[1].id_number.as_ref().map(|n| n.as_str().len()),
        Some(18)
    );
}

#[test]
fn dates_in_the_ways_spreadsheets_write_them() {
    let d = NaiveDate::from_ymd_opt(2015, 3, 8);
    for s in [
        "2015-03-08",
        "2015/3/8",
        "2015.03.08",
        "20150308",
        "2015年3月8日",
        "2015-03-08 00:00:00",
        "42071",
    ] {
        assert_eq!(parse_birth_date(s), d, "{s}");
    }
    assert_eq!(parse_birth_date("2015-02-30"), None);
    assert_eq!(parse_birth_date("不详"), None);
}

#[test]
fn names_are_scored_by_variant_characters_and_sound() {
    assert_eq!(super::matching::fold_name("劉麗華"), "刘丽华");
    assert_eq!(name_similarity("刘丽", "刘丽"), 100);
    assert_eq!(name_similarity("劉麗", "刘丽"), 95);
    assert!(name_similarity("张丽", "张莉") >= 80);
    assert!(name_similarity("张丽", "王丽") <= 40, "a different surname");
    assert_eq!(name_similarity("王小明", "王明"), 60);
    assert_eq!(name_similarity("王小明", "李红"), 0);
    assert_eq!(birth_similarity(d(2015, 3, 8), d(2015, 8, 3)), 70);
    assert_eq!(birth_similarity(d(2015, 3, 8), d(2015, 3, 9)), 50);
    assert_eq!(
        confidence(
            ("张丽", "张丽"),
            (d(2015, 3, 8), d(2015, 3, 8)),
            (None, Sex::Female)
        ),
        100
    );
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn ids(result: &CrossCheckResult, roster: &Roster, kind: FindingKind) -> HashSet<String> {
    result
        .findings
        .iter()
        .filter(|f| f.kind == kind)
        .filter_map(|f| f.row)
        .filter_map(|i| roster.rows[i].id_number.as_ref().map(|n| n.to_string()))
        .collect()
}

fn check(
    l: &Ledger,
    demo: &DemoRoster,
    decisions: &HashMap<String, CrossCheckDecision>,
) -> (Roster, CrossCheckResult) {
    let (_, _, roster) = read(&demo.to_gb18030_csv(), demo.department);
    let result = cross_check(l, &roster, decisions, today());
    (roster, result)
}

#[test]
fn the_police_roster_finds_exactly_the_planted_out_of_school_children() {
    let (p, c, l) = county(4_000);
    let demo = police_roster(&table(), &p, &c.installation, &c.children, 300).unwrap();
    let (roster, result) = check(&l, &demo, &HashMap::new());
    assert!(roster.rejected.is_empty(), "{:?}", roster.rejected);
    let planted: HashSet<String> = demo.planted.iter().cloned().collect();
    assert_eq!(planted.len(), 10);
    assert_eq!(ids(&result, &roster, FindingKind::NotInSchool), planted);
    assert!(result.not_school_age > 80, "older children are not listed");
    assert_eq!(result.count(FindingKind::Duplicate, false), 2);
    // Faults planted by the generator: homophones and wrong check digits.
    assert!(result.count(FindingKind::Disagreement, false) >= 1);
    let possible: Vec<&Finding> = result
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::PossibleMatch)
        .collect();
    assert!(!possible.is_empty());
    assert!(possible
        .iter()
        .all(|f| f.confidence >= Some(LIST_CONFIDENCE)));
    // Every child in a school who is not on the police roster is an inflow: migrants,
    // children with no ID.
    let inflow = result.count(FindingKind::Inflow, false);
    let expected = l
        .children()
        .iter()
        .filter(|c| c.status.needs_school())
        .filter(|c| c.hukou.township_code.is_none() || c.id_number.is_none())
        .count();
    assert!(inflow >= expected, "{inflow} < {expected}");
}

#[test]
fn decisions_are_remembered_and_a_change_reopens_them() {
    let (p, c, l) = county(2_000);
    let demo = police_roster(&table(), &p, &c.installation, &c.children, 0).unwrap();
    let (_, first) = check(&l, &demo, &HashMap::new());
    let open = first.findings.iter().filter(|f| f.state.is_open()).count();
    assert_eq!(open, first.findings.len());
    let now = today().and_hms_opt(9, 0, 0).unwrap();
    let decided: HashMap<String, CrossCheckDecision> = first
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::NotInSchool)
        .map(|f| {
            let d = decide(
                f,
                Department::Police,
                Verdict::Explained,
                "在外县就读",
                "王",
                now,
            );
            (d.key.clone(), d)
        })
        .collect();
    assert!(!decided.is_empty());
    let (_, second) = check(&l, &demo, &decided);
    assert_eq!(second.count(FindingKind::NotInSchool, true), 0);
    assert_eq!(second.count(FindingKind::NotInSchool, false), decided.len());

    // Next month's file comes in another order: decisions still hold.
    let mut reordered = demo.clone();
    reordered.rows.reverse();
    let all_decided: HashMap<String, CrossCheckDecision> = first
        .findings
        .iter()
        .map(|f| {
            let d = decide(
                f,
                Department::Police,
                Verdict::Explained,
                "已核实",
                "王",
                now,
            );
            (d.key.clone(), d)
        })
        .collect();
    let (_, again) = check(&l, &reordered, &all_decided);
    assert_eq!(
        again.findings.iter().filter(|f| f.state.is_open()).count(),
        0,
        "{:?}",
        again
            .findings
            .iter()
            .filter(|f| f.state.is_open())
            .map(|f| &f.key)
            .collect::<Vec<_>>()
    );

    // Next month the police roster has a new address for one of them: shown again.
    let mut changed = demo.clone();
    let planted = &demo.planted[0];
    for row in changed.rows.iter_mut().filter(|r| &r[5] == planted) {
        row[6].push_str("（新址）");
    }
    let (_, third) = check(&l, &changed, &decided);
    let reopened: Vec<&Finding> = third
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::NotInSchool && f.state.is_open())
        .collect();
    assert_eq!(reopened.len(), 1);
    assert_eq!(reopened[0].state, FindingState::Changed(Verdict::Explained));
}

#[test]
fn a_confirmed_name_match_is_used_next_time_and_a_rejected_one_is_not_offered_again() {
    let (p, c, l) = county(3_000);
    let demo = police_roster(&table(), &p, &c.installation, &c.children, 0).unwrap();
    let (roster, first) = check(&l, &demo, &HashMap::new());
    let possible: Vec<&Finding> = first
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::PossibleMatch)
        .collect();
    assert!(!possible.is_empty());
    let now = today().and_hms_opt(9, 0, 0).unwrap();
    let same: HashMap<_, _> = possible
        .iter()
        .map(|f| {
            let d = decide(f, Department::Police, Verdict::SamePerson, "", "王", now);
            (d.key.clone(), d)
        })
        .collect();
    let (_, second) = check(&l, &demo, &same);
    assert_eq!(second.count(FindingKind::PossibleMatch, false), 0);
    assert_eq!(second.matched_by_name, possible.len());
    assert_eq!(
        second.count(FindingKind::NotInSchool, false),
        first.count(FindingKind::NotInSchool, false)
    );

    let different: HashMap<_, _> = possible
        .iter()
        .map(|f| {
            let d = decide(
                f,
                Department::Police,
                Verdict::DifferentPerson,
                "",
                "王",
                now,
            );
            (d.key.clone(), d)
        })
        .collect();
    let (_, third) = check(&l, &demo, &different);
    // Not the same person: each is now a registered child in no school (if of school age).
    let rows: HashSet<usize> = possible.iter().filter_map(|f| f.row).collect();
    let listed = third
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::NotInSchool)
        .filter(|f| f.row.is_some_and(|r| rows.contains(&r)))
        .count();
    let school_age = rows
        .iter()
        .filter(|r| {
            roster.rows[**r]
                .birth_date
                .is_some_and(|b| crate::rules::school_age::is_school_age(b, today()))
        })
        .count();
    assert_eq!(listed, school_age);
}

#[test]
fn the_disabled_roster_lists_group_members_and_the_flags_missing_in_the_ledger() {
    let (p, c, l) = county(6_000);
    let demo = disabled_roster(&table(), &p, &c.installation, &c.children).unwrap();
    let (roster, result) = check(&l, &demo, &HashMap::new());
    assert!(roster.rejected.is_empty(), "{:?}", roster.rejected);
    let groups: Vec<&Finding> = result
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::Group)
        .collect();
    let flagged_in_ledger = l
        .children()
        .iter()
        .filter(|c| c.groups.contains(&SpecialGroup::Disabled) && c.id_number.is_some())
        .count();
    let missing = groups.iter().filter(|f| f.missing_group.is_some()).count();
    assert_eq!(missing, 3, "the unflagged children the roster adds");
    assert_eq!(groups.len(), flagged_in_ledger + missing);
    let planted: HashSet<String> = demo.planted.iter().cloned().collect();
    assert_eq!(ids(&result, &roster, FindingKind::NotInSchool), planted);
    assert_eq!(
        result.count(FindingKind::Inflow, false),
        0,
        "only the police roster covers everyone"
    );
}

#[test]
fn an_invalid_file_is_refused_with_a_reason() {
    assert_eq!(read_table(b"").unwrap_err(), TableError::Empty);
    let (p, c, _) = county(300);
    let xlsx = police_roster(&table(), &p, &c.installation, &c.children, 0)
        .unwrap()
        .to_xlsx()
        .unwrap();
    let truncated = &xlsx[..xlsx.len() / 2];
    assert!(matches!(
        read_table(truncated),
        Err(TableError::Workbook(_))
    ));
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.extend([0u8; 100]);
    assert!(matches!(read_table(&ole), Err(TableError::Workbook(_))));
    let unterminated = "姓名,身份证号\n\"张三,1\n";
    // An unclosed quote runs to the end of the file: one field, no crash.
    assert!(read_table(unterminated.as_bytes()).is_ok());
}

fn id_strategy() -> impl Strategy<Value = IdNumber> {
    (2005i32..2020, 1u32..=12, 1u32..=28, 0u16..999)
        .prop_map(|(y, m, day, seq)| IdNumber::compose("433122", d(y, m, day), seq).unwrap())
}

proptest! {
    #[test]
    fn an_id_written_any_usual_way_reads_as_itself(
        id in id_strategy(),
        spaces in proptest::collection::vec(0usize..18, 0..4),
        full_width in any::<bool>(),
        lower in any::<bool>(),
    ) {
        let mut text: Vec<char> = id.as_str().chars().collect();
        if full_width {
            text = text.into_iter().map(|c| if c.is_ascii_digit() { char::from_u32(c as u32 + 0xFEE0).unwrap() } else { c }).collect();
        }
        for s in spaces {
            text.insert(s.min(text.len()), ' ');
        }
        let mut written: String = text.into_iter().collect();
        if lower { written = written.to_lowercase(); }
        prop_assert_eq!(IdNumber::parse(&written).unwrap(), id.clone());
        let csv = format!("姓名,身份证号\n某,{written}\n");
        let (_, _, r) = read(csv.as_bytes(), Department::Police);
        prop_assert_eq!(r.rows[0].id_number.as_ref(), Some(&id));
    }

    #[test]
    fn name_similarity_is_symmetric_and_full_only_for_the_same_name(
        a in "[张王李刘陈杨赵黄周吴劉陳][丽莉军君华明铭文雯芳]{1,2}",
        b in "[张王李刘陈杨赵黄周吴劉陳][丽莉军君华明铭文雯芳]{1,2}",
    ) {
        prop_assert_eq!(name_similarity(&a, &b), name_similarity(&b, &a));
        prop_assert_eq!(name_similarity(&a, &b) == 100, a == b);
        prop_assert_eq!(name_similarity(&a, &b) >= 95, fold_name(&a) == fold_name(&b));
    }

    #[test]
    fn any_bytes_read_as_a_table_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        if let Ok(t) = read_table(&bytes) {
            let m = ColumnMapping::detect(&t, &RememberedMapping::new());
            let _ = build_roster(&t, &m, Department::CivilAffairs);
        }
    }
}

#[test]
fn flagging_a_registered_child_adds_them_to_both_ledgers_and_the_next_run_knows() {
    use crate::casework::{Actor, Casebook};
    let (p, c, mut l) = county(2_000);
    let demo = police_roster(&table(), &p, &c.installation, &c.children, 0).unwrap();
    let (roster, first) = check(&l, &demo, &HashMap::new());
    let f = first
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::NotInSchool)
        .unwrap();
    let row = &roster.rows[f.row.unwrap()];
    let now = today().and_hms_opt(9, 0, 0).unwrap();
    let actor = Actor { name: "王", now };
    let before = l.len();
    let set = actions::flag_registered(
        &l,
        f,
        row,
        Department::Police,
        &actor,
        uuid::Uuid::new_v4(),
        uuid::Uuid::new_v4(),
    )
    .unwrap();
    let batch = l.prepare_batch(set.children.clone(), now).unwrap();
    l.apply_batch(batch);
    let mut book = Casebook::default();
    book.apply(&set);
    assert_eq!(l.len(), before + 1);
    let child = l
        .child_by_id_number(row.id_number.as_ref().unwrap())
        .unwrap();
    assert_eq!(child.status, crate::model::Status::SuspectedDropout);
    // The roster's address names the township: the child is counted there, not under 未填乡镇.
    let named = c
        .installation
        .townships
        .iter()
        .find(|t| row.hukou.contains(&t.name))
        .expect("the demo roster writes whole addresses");
    assert_eq!(
        child.hukou.township_code.as_deref(),
        Some(named.code.as_str()),
        "{}",
        row.hukou
    );
    assert_eq!(
        book.open_suspect_of(child.id).map(|s| s.child_id),
        Some(child.id)
    );
    // Flagging twice is refused: the child is in the ledger now.
    assert!(matches!(
        actions::flag_registered(
            &l,
            f,
            row,
            Department::Police,
            &actor,
            uuid::Uuid::new_v4(),
            uuid::Uuid::new_v4()
        ),
        Err(actions::ActionError::AlreadyInLedger(..))
    ));
    let (_, second) = check(&l, &demo, book.decisions());
    assert_eq!(
        second.count(FindingKind::NotInSchool, false),
        first.count(FindingKind::NotInSchool, false) - 1
    );
}

#[test]
fn adding_a_group_from_the_disabled_roster_sets_the_flag_and_category() {
    use crate::casework::{Actor, Casebook};
    let (p, c, mut l) = county(6_000);
    let demo = disabled_roster(&table(), &p, &c.installation, &c.children).unwrap();
    let (roster, first) = check(&l, &demo, &HashMap::new());
    let missing: Vec<(&Finding, Option<crate::model::DisabilityCategory>)> = first
        .findings
        .iter()
        .filter(|f| f.missing_group.is_some())
        .map(|f| (f, roster.rows[f.row.unwrap()].disability))
        .collect();
    assert_eq!(missing.len(), 3);
    let now = today().and_hms_opt(9, 0, 0).unwrap();
    let set = actions::add_group(
        &l,
        &missing,
        Department::DisabledFederation,
        &Actor { name: "王", now },
    )
    .unwrap();
    l.apply_batch(l.prepare_batch(set.children.clone(), now).unwrap());
    let mut book = Casebook::default();
    book.apply(&set);
    for (f, d) in &missing {
        let c = l.child(f.child_id.unwrap()).unwrap();
        assert!(c.groups.contains(&SpecialGroup::Disabled));
        assert_eq!(c.disability, *d);
    }
    let (_, second) = check(&l, &demo, book.decisions());
    assert_eq!(
        second
            .findings
            .iter()
            .filter(|f| f.missing_group.is_some())
            .count(),
        0
    );
}

#[test]
fn an_old_xls_roster_written_by_xlwt_is_read_and_a_number_typed_id_is_reported() {
    // crates/core/tests/fixtures/make_xls.py wrote it.
    let bytes = include_bytes!("../../tests/fixtures/roster.xls");
    let (t, m, r) = read(bytes, Department::CivilAffairs);
    assert_eq!(t.format, "xls");
    assert_eq!(t.sheet.as_deref(), Some("困境儿童"));
    assert_eq!(m.header_row, 1);
    let names: Vec<&str> = r.rows.iter().map(|x| x.name.as_str()).collect();
    assert_eq!(names, vec!["向小雨", "田浩"]);
    assert_eq!(r.rows[0].group, Some(SpecialGroup::Orphan));
    assert_eq!(r.rows[1].group, Some(SpecialGroup::Unsupported));
    let reasons: Vec<(usize, &str)> = r
        .rejected
        .iter()
        .map(|x| (x.line, x.reason.as_str()))
        .collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert_eq!(reasons[0].0, 5);
    assert!(reasons[0].1.contains("科学计数法"), "{}", reasons[0].1);
    assert!(reasons[0].1.contains("没有出生日期"), "{}", reasons[0].1);
    assert_eq!(reasons[1].0, 6);
    assert!(reasons[1].1.contains("人员类别“未知类别”"));
}

#[test]
fn a_birth_date_stored_as_an_excel_date_reads_as_that_day() {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    sheet.write_string(0, 0, "姓名").unwrap();
    sheet.write_string(0, 1, "出生日期").unwrap();
    sheet.write_string(1, 0, "向丽").unwrap();
    let day = rust_xlsxwriter::ExcelDateTime::from_ymd(2015, 3, 8).unwrap();
    sheet
        .write_datetime_with_format(1, 1, &day, &format)
        .unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let (_, _, r) = read(&bytes, Department::Police);
    assert_eq!(r.rows[0].birth_date, Some(d(2015, 3, 8)));
}

#[test]
fn traditional_characters_of_any_name_fold_to_the_ledgers_simplified_ones() {
    for (a, b) in [
        ("王凱", "王凯"),
        ("李夢瑤", "李梦瑶"),
        ("陳悅", "陈悦"),
        ("張澤軒", "张泽轩"),
        ("劉詩語", "刘诗语"),
        ("趙銘陽", "赵铭阳"),
        ("吳喆", "吴哲"),
    ] {
        assert_eq!(fold_name(a), fold_name(b), "{a} / {b}");
        assert_eq!(name_similarity(a, b), 95, "{a} / {b}");
    }
    assert!(
        name_similarity("王凯", "王楷") < 95,
        "a different name stays different"
    );
}

/// An xlsx as a program (not Excel) writes it: an 18-digit ID number in a number cell, all
/// its digits in the file.
fn xlsx_with_number_id(id: &str) -> Vec<u8> {
    use std::io::Write;
    let files = [
        ("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/data.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_string()),
        ("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string()),
        ("xl/workbook.xml", r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="名册" sheetId="1" r:id="rId7"/></sheets></workbook>"#.to_string()),
        ("xl/_rels/workbook.xml.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/data.xml"/></Relationships>"#.to_string()),
        ("xl/worksheets/data.xml", format!(r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c><c r="B1" t="inlineStr"><is><t>身份证号</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>王小明</t></is></c><c r="B2"><v>{id}</v></c></row><row r="3"><c r="A3" t="inlineStr"><is><t>李小红</t></is></c><c r="B3"><v>4.30122201503081E+17</v></c></row></sheetData></worksheet>"#)),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, body) in files {
        zip.start_file(name, opts).unwrap();
        zip.write_all(body.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn an_xlsx_id_in_a_number_cell_with_all_18_digits_is_read_whole_and_one_excel_cut_is_still_reported(
) {
    let id = IdNumber::compose("433122", NaiveDate::from_ymd_opt(2015, 3, 8).unwrap(), 123)
        .unwrap()
        .to_string();
    assert!(!id.ends_with('X'));
    let (_, _, roster) = read(&xlsx_with_number_id(&id), Department::Police);
    assert_eq!(roster.rows.len(), 1, "{:?}", roster.rejected);
    assert_eq!(
        roster.rows[0].id_number.as_ref().map(|n| n.to_string()),
        Some(id)
    );
    assert_eq!(roster.rejected.len(), 1);
    assert!(
        roster.rejected[0].reason.contains("科学计数法"),
        "Excel's own cut stays reported: {:?}",
        roster.rejected
    );
}

#[test]
fn a_mapping_previews_each_column_with_its_samples_and_field() {
    let t =
        read_table("名册\n姓名,身份证号,备注\n王芳,,\n,433122201503080011,x\n李明,,\n".as_bytes())
            .unwrap();
    let m = ColumnMapping::detect(&t, &RememberedMapping::new());
    let p = m.preview(&t, 2);
    assert_eq!(
        p[0],
        (
            0,
            "姓名".into(),
            "王芳；李明".into(),
            Some(RosterField::Name)
        )
    );
    assert_eq!(
        p[1],
        (
            1,
            "身份证号".into(),
            "433122201503080011".into(),
            Some(RosterField::IdNumber)
        )
    );
    assert_eq!(p[2], (2, "备注".into(), "x".into(), None));
    assert_eq!(m.preview(&t, 1)[0].2, "王芳");
}

#[test]
fn a_table_head_chooses_the_same_columns_as_the_whole_table_and_knows_its_size() {
    let mut csv = String::from("某县2026年户籍人口名册\n姓名,身份证号,户籍地址\n");
    for i in 0..500 {
        csv.push_str(&format!("张{i},44522420180308{i:04},南门村\n"));
    }
    let table = read_table(csv.as_bytes()).unwrap();
    let head = table.head();
    assert_eq!(head.total_rows, 502);
    assert!(head.rows.len() < 100);
    let small = head.to_table();
    let remembered = RememberedMapping::new();
    assert_eq!(
        ColumnMapping::<RosterField>::detect(&small, &remembered),
        ColumnMapping::<RosterField>::detect(&table, &remembered)
    );
    assert_eq!(
        ColumnMapping::<RosterField>::detect(&small, &remembered).preview(&small, 3),
        ColumnMapping::<RosterField>::detect(&table, &remembered).preview(&table, 3)
    );
    assert_eq!(
        (small.format, small.first_line),
        (table.format, table.first_line)
    );
}

#[test]
fn a_session_reads_remembers_its_columns_checks_acts_and_refuses_what_it_cannot_do() {
    use crate::casework::{Actor, Casebook};
    use crate::model::{Lang, Localized};
    let (p, c, mut l) = county(6_000);
    let demo = disabled_roster(&table(), &p, &c.installation, &c.children).unwrap();
    let mut mappings = Mappings::new();
    let table_read = read_table(&demo.to_gb18030_csv()).unwrap();
    // Read as the police's roster by mistake, then changed to the 残联's.
    let mut s = Session::read(Department::Police, "残联.csv".into(), table_read, &mappings);
    let now = today().and_hms_opt(9, 0, 0).unwrap();
    let actor = Actor { name: "王", now };
    let ids = (uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
    assert_eq!(
        s.act(&l, 0, Action::Same, "", &actor, ids).unwrap_err(),
        SessionError::NotChecked
    );
    assert!(s.summary().is_none());
    let mut book = Casebook::default();
    s.check(&l, book.decisions(), today(), &mut mappings);
    assert!(mappings.contains_key(Department::Police.key()));
    assert!(s.change_department(Department::DisabledFederation, &mappings));
    assert!(!s.change_department(Department::DisabledFederation, &mappings));
    assert!(s.result.is_none(), "the other department's results go");
    s.check(&l, book.decisions(), today(), &mut mappings);
    assert!(mappings.contains_key(Department::DisabledFederation.key()));

    let summary = s.summary().unwrap();
    assert_eq!(summary.rows, demo.rows.len());
    assert!(
        summary.to_string().starts_with("残联（残疾儿童）名册"),
        "{summary}"
    );
    assert!(summary.say(Lang::En).contains("matched by ID number"));
    assert_eq!(
        s.open_counts()[FindingKind::ALL
            .iter()
            .position(|k| *k == FindingKind::Group)
            .unwrap()],
        s.listed(FindingKind::Group, false).len()
    );
    // Missing group flags are listed first.
    let groups = s.listed(FindingKind::Group, false);
    let result = s.result.as_ref().unwrap();
    assert!(result.findings[groups[0]].missing_group.is_some());
    assert!(s.can_add_all_groups());

    // "Checked" needs a note; a finding that is gone is stale.
    assert_eq!(
        s.act(&l, groups[0], Action::Checked, " ", &actor, ids)
            .unwrap_err(),
        SessionError::NeedNote
    );
    assert!(SessionError::NeedNote.say(Lang::En).is_ascii());
    assert_eq!(
        s.act(&l, usize::MAX, Action::Checked, "看过", &actor, ids)
            .unwrap_err(),
        SessionError::Stale
    );
    // Flagging a group finding is the wrong action, said in both languages.
    let wrong = s
        .act(&l, groups[0], Action::Flag, "", &actor, ids)
        .unwrap_err();
    assert!(matches!(wrong, SessionError::Action(_)), "{wrong:?}");
    assert!(wrong.say(Lang::En).is_ascii(), "{}", wrong.say(Lang::En));

    let set = s.add_all_groups(&l, &actor).unwrap();
    assert_eq!(set.children.len(), 3);
    l.apply_batch(l.prepare_batch(set.children.clone(), now).unwrap());
    book.apply(&set);
    s.recheck(&l, book.decisions(), today());
    assert!(!s.can_add_all_groups());
    let result = s.result.as_ref().unwrap();
    assert!(s
        .listed(FindingKind::Group, true)
        .iter()
        .all(|i| result.findings[*i].missing_group.is_none()));

    // Setting a column by hand asks for a new check.
    s.set_field(0, None);
    assert!(s.roster.is_none() && s.result.is_none());
}
