use chrono::{NaiveDate, NaiveDateTime};
use uuid::Uuid;

use super::plan::ApplyError;
use super::read::{parse_class, parse_grade};
use super::*;
use crate::crosscheck::{read_table, ColumnMapping, RememberedMapping};
use crate::ledger::Ledger;
use crate::model::{Division, School, SchoolKind, SpecialGroup, Status};
use crate::rules::id_number::IdNumber;

fn now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 23)
        .unwrap()
        .and_hms_opt(10, 0, 0)
        .unwrap()
}

fn townships() -> Vec<Division> {
    [
        ("445224100", "惠城镇"),
        ("445224101", "华湖镇"),
        ("445224200", "东港街道"),
    ]
    .iter()
    .map(|(c, n)| Division {
        code: c.to_string(),
        name: n.to_string(),
    })
    .collect()
}

fn school(name: &str, code: &str, kind: SchoolKind) -> School {
    School {
        id: Uuid::from_u128(u128::from(code.parse::<u64>().unwrap())),
        name: name.into(),
        code: Some(code.into()),
        kind,
        township_code: "445224100".into(),
    }
}

fn id(birth: (i32, u32, u32), seq: u16) -> IdNumber {
    IdNumber::compose(
        "445224",
        NaiveDate::from_ymd_opt(birth.0, birth.1, birth.2).unwrap(),
        seq,
    )
    .unwrap()
}

struct Ids(u128);
impl Ids {
    fn next(&mut self) -> Uuid {
        self.0 += 1;
        Uuid::from_u128(self.0)
    }
}

const HEADER: &str = "姓名,性别,出生日期,民族,身份证件类型,身份证件号,全国学籍号,学校标识码,学校名称,年级,班级,户口所在地,是否留守儿童,成员1姓名,成员1关系,成员1联系电话,成员1身份证件号";

fn row(name: &str, idn: &IdNumber, code: &str, school: &str, grade: &str, class: &str) -> String {
    format!(
        "{name},{},{},汉族,居民身份证,{idn},G{idn},{code},{school},{grade},{class},广东省揭阳市惠来县惠城镇南门村,非留守,{name}父,父亲,13800138000,445224198001011234",
        crate::model::Labelled::zh(idn.sex()),
        idn.birth_date()
    )
}

fn roll(name: &str, csv: &str) -> RollFile {
    let t = read_table(csv.as_bytes()).unwrap();
    let m = ColumnMapping::detect(&t, &RememberedMapping::new());
    read_roll(name, &t, &m, 2026)
}

fn apply(ledger: &mut Ledger, plan: &RollPlan, ids: &mut Ids) -> crate::casework::ChangeSet {
    let set = plan
        .change_set(
            ledger,
            &[],
            &vec![Some(ConflictChoice::TakeFile); plan.conflicts.len()],
            "测试员",
            &mut || ids.next(),
        )
        .unwrap();
    let mut schools = ledger.schools().to_vec();
    schools.extend(set.schools.iter().cloned());
    ledger.set_schools(schools);
    let batch = ledger
        .prepare_batch(set.children.clone(), plan.now)
        .unwrap();
    ledger.apply_batch(batch);
    set
}

#[test]
fn every_header_of_the_national_export_and_its_variants_is_recognised() {
    use RollField::*;
    let cases: &[(&str, Option<RollField>)] = &[
        ("姓名", Some(Name)),
        ("学生姓名", Some(Name)),
        ("性别", Some(Sex)),
        ("出生日期", Some(BirthDate)),
        ("民族", Some(Ethnicity)),
        ("身份证件类型", Some(IdType)),
        ("身份证件号", Some(IdNumber)),
        ("身份证件号码", Some(IdNumber)),
        ("身份证号", Some(IdNumber)),
        ("全国学籍号", Some(StudentNumber)),
        ("学籍号", Some(StudentNumber)),
        ("学籍辅号", Some(AuxNumber)),
        ("学校标识码", Some(SchoolCode)),
        ("学校名称", Some(SchoolName)),
        ("年级", Some(Grade)),
        ("班级", Some(Class)),
        ("班级名称", Some(Class)),
        ("入学年月", Some(EnteredOn)),
        ("户口所在地", Some(Hukou)),
        ("户口所在地区县以下详细地址", Some(Hukou)),
        ("现住址", Some(Residence)),
        ("就读方式", Some(Attendance)),
        ("是否留守儿童", Some(LeftBehind)),
        ("是否进城务工人员随迁子女", Some(Migrant)),
        ("是否孤儿", Some(Orphan)),
        ("随班就读", Some(RegularClass)),
        ("残疾类型", Some(Disability)),
        ("成员1姓名", Some(GuardianName)),
        ("成员1关系", Some(GuardianRelation)),
        ("成员1联系电话", Some(GuardianPhone)),
        ("成员1身份证件号", Some(GuardianId)),
        ("成员2身份证件号", None),
        ("成员2姓名", None),
        ("监护人身份证号码", Some(GuardianId)),
        ("父亲身份证号", Some(GuardianId)),
        ("*身份证件号（必填）", Some(IdNumber)),
        ("备注", None),
    ];
    for (h, f) in cases {
        assert_eq!(recognise(h), *f, "{h}");
    }
}

#[test]
fn grades_and_classes_as_schools_write_them() {
    for (s, g) in [
        ("一年级", 1),
        ("1", 1),
        ("六年级", 6),
        ("初一", 7),
        ("初三", 9),
        ("七年级", 7),
        ("初中二年级", 8),
        ("小学三年级", 3),
        ("2020级", 7),
        ("2026级", 1),
    ] {
        assert_eq!(parse_grade(s, 2026, false), Some(g), "{s}");
    }
    assert_eq!(parse_grade("2024级", 2026, true), Some(9));
    assert_eq!(parse_grade("十年级", 2026, false), None);
    assert_eq!(parse_grade("高一", 2026, false), None);
    assert_eq!(parse_grade("2015级", 2026, false), None);
    for (s, g, c) in [
        ("1班", 1, "1班"),
        ("三(2)班", 3, "2班"),
        ("3（12）班", 3, "12班"),
        ("301", 3, "1班"),
        ("一班", 1, "1班"),
        ("十二班", 5, "12班"),
        ("(3)班", 2, "3班"),
        ("火箭班", 4, "火箭班"),
    ] {
        assert_eq!(parse_class(s, g), c, "{s}");
    }
}

#[test]
fn title_rows_a_total_line_and_blank_rows_are_not_students() {
    let a = id((2018, 3, 8), 11);
    let csv = format!(
        "惠城镇第一小学学生名册\n{HEADER}\n{}\n,,,\n合计,1人\n",
        row(
            "王小明",
            &a,
            "2144522401",
            "惠城镇第一小学",
            "三年级",
            "三(2)班"
        )
    );
    let f = roll("一小.csv", &csv);
    assert_eq!(f.rows.len(), 1);
    assert!(f.problems.is_empty(), "{:?}", f.problems);
    assert_eq!(f.skipped_lines, 2);
    let r = &f.rows[0];
    assert_eq!(r.line, 3);
    assert_eq!((r.grade, r.class_name.as_str()), (3, "2班"));
    assert_eq!(
        r.id_number.as_ref(),
        Some(&a),
        "the child's ID, not the guardian's"
    );
    assert_eq!(
        r.guardian.as_ref().map(|g| g.name.as_str()),
        Some("王小明父")
    );
    assert_eq!(r.left_behind, Some(false));
}

#[test]
fn each_problem_row_says_where_and_why_in_chinese() {
    let good = id((2018, 3, 8), 11);
    let mut bad_check = good.to_string();
    bad_check.replace_range(17.., if bad_check.ends_with('1') { "2" } else { "1" });
    let boy = id((2017, 5, 1), 13);
    let csv = [
        HEADER.to_string(),
        row("甲", &good, "2144522401", "惠城镇第一小学", "三年级", "1班"),
        row("乙", &good, "2144522401", "惠城镇第一小学", "三年级", "1班"),
        row(
            "丙",
            &IdNumber::parse(&good.to_string()).unwrap(),
            "2144522401",
            "惠城镇第一小学",
            "三年级",
            "1班",
        )
        .replace(&good.to_string(), &bad_check),
        row("丁", &boy, "2144522401", "惠城镇第一小学", "十年级", "1班"),
        row("戊", &boy, "2144522401", "惠城镇第一小学", "三年级", "1班")
            .replacen(",男,", ",女,", 1),
        row("己", &boy, "2144522401", "惠城镇第一小学", "三年级", "1班").replacen(
            "2017-05-01",
            "2017-06-01",
            1,
        ),
    ]
    .join("\n");
    let f = roll("一小.csv", &csv);
    let reasons: Vec<String> = f
        .problems
        .iter()
        .map(|p| format!("{}:{}", p.line, p.reason))
        .collect();
    assert!(
        reasons
            .iter()
            .any(|r| r.starts_with("4:") && r.contains("校验位")),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.starts_with("5:") && r.contains("年级“十年级”")),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.starts_with("6:") && r.contains("性别")),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.starts_with("7:") && r.contains("出生日期")),
        "{reasons:?}"
    );
    assert_eq!(f.problems[0].place(), "“一小.csv”第4行");

    // The same ID twice in one file; the same child in two schools' files.
    let ledger = Ledger::new(vec![], &townships(), vec![]);
    let other = format!(
        "{HEADER}\n{}",
        row("甲", &good, "2144522402", "华湖镇中心小学", "三年级", "1班")
    );
    let g = roll("华湖.csv", &other);
    let p = plan(
        &ledger,
        &townships(),
        &[(&f, None), (&g, None)],
        now(),
        &mut || Uuid::from_u128(7),
    );
    let text: Vec<String> = p.problems.iter().map(|p| p.reason.to_string()).collect();
    assert!(
        text.iter()
            .any(|t| t.contains("同时在“惠城镇第一小学”和“华湖镇中心小学”")),
        "{text:?}"
    );
    let one = p
        .schools
        .iter()
        .find(|(_, x)| x.name == "惠城镇第一小学")
        .map(|(_, x)| x.clone())
        .unwrap();
    assert_eq!(
        one.problems, 6,
        "four bad rows, and both copies of the child in two schools' files: {one:?}"
    );
    assert!(
        p.entries
            .iter()
            .all(|e| e.child.id_number.as_ref() != Some(&good)),
        "neither copy is imported"
    );
}

#[test]
fn a_new_county_gets_its_children_and_schools_and_the_same_file_again_changes_nothing() {
    let mut ids = Ids(100);
    let mut ledger = Ledger::new(vec![], &townships(), vec![]);
    let csv = [
        HEADER.to_string(),
        row(
            "王小明",
            &id((2018, 3, 8), 11),
            "2144522401",
            "惠城镇第一小学",
            "三年级",
            "1班",
        ),
        row(
            "李小红",
            &id((2020, 1, 2), 22),
            "2144522401",
            "惠城镇第一小学",
            "一年级",
            "2班",
        ),
        row(
            "陈大山",
            &id((2013, 7, 9), 31),
            "2144522409",
            "华湖中学",
            "初一",
            "1班",
        ),
    ]
    .join("\n");
    let f = roll("county.csv", &csv);
    let p = plan(&ledger, &townships(), &[(&f, None)], now(), &mut || {
        ids.next()
    });
    assert_eq!(p.count(false), 3);
    assert_eq!(p.new_schools.len(), 2);
    let first = &p.new_schools[0].school;
    assert_eq!(
        (first.kind, first.township_code.as_str()),
        (SchoolKind::Primary, "445224100")
    );
    let second = &p.new_schools[1].school;
    assert_eq!(
        (second.kind, second.township_code.as_str()),
        (SchoolKind::Junior, "445224101"),
        "华湖 from the name"
    );
    assert_eq!(p.count_movement(Movement::Entrant), 1);
    let set = apply(&mut ledger, &p, &mut ids);
    assert_eq!(set.schools.len(), 2);
    assert_eq!(
        set.audit.len(),
        4,
        "one per new school, and the children's entries packed one per school"
    );
    assert!(set.audit.iter().all(|a| a.summary.contains("学籍名册")));
    for c in &set.children {
        let about: Vec<_> = set
            .audit
            .iter()
            .filter_map(|a| a.about(&c.id.to_string()))
            .collect();
        assert_eq!(about.len(), 1, "one entry per child");
        assert!(
            about[0].summary.starts_with("据学籍名册“county.csv”第")
                && about[0].summary.contains(&c.name),
            "{}",
            about[0].summary
        );
        let school = set
            .audit
            .iter()
            .find(|a| a.about(&c.id.to_string()).is_some());
        assert_eq!(
            school.map(|a| a.subject.clone()),
            c.school_id.map(|id| id.to_string()),
            "packed under the child's school"
        );
    }
    let c = ledger.child_by_id_number(&id((2018, 3, 8), 11)).unwrap();
    assert_eq!(c.hukou.township_code.as_deref(), Some("445224100"));
    assert_eq!(c.hukou.detail, "南门村");
    assert_eq!(c.status, Status::InSchool);
    assert!(c.problems().is_empty(), "{:?}", c.problems());

    let again = plan(&ledger, &townships(), &[(&f, None)], now(), &mut || {
        ids.next()
    });
    assert!(
        again.entries.is_empty() && again.new_schools.is_empty(),
        "{:?}",
        again.entries
    );
    assert_eq!(again.unchanged, 3);
    assert_eq!(
        again.change_set(&ledger, &[], &[], "测试员", &mut || ids.next()),
        Err(ApplyError::Nothing)
    );
}

#[test]
fn next_terms_export_promotes_transfers_moves_to_junior_and_lists_who_is_missing() {
    let mut ids = Ids(100);
    let one = school("惠城镇第一小学", "2144522401", SchoolKind::Primary);
    let two = school("惠城镇第二小学", "2144522402", SchoolKind::Primary);
    let mid = school("惠城镇中学", "2144522403", SchoolKind::Junior);
    let mut ledger = Ledger::new(
        vec![one.clone(), two.clone(), mid.clone()],
        &townships(),
        vec![],
    );
    let (a, b, c, d) = (
        id((2018, 3, 8), 11),
        id((2017, 3, 8), 13),
        id((2014, 3, 8), 15),
        id((2016, 3, 8), 17),
    );
    let term1 = [
        HEADER.to_string(),
        row("甲", &a, "2144522401", "惠城镇第一小学", "二年级", "1班"),
        row("乙", &b, "2144522401", "惠城镇第一小学", "三年级", "1班"),
        row("丙", &c, "2144522401", "惠城镇第一小学", "六年级", "1班"),
        row("丁", &d, "2144522401", "惠城镇第一小学", "四年级", "1班"),
    ]
    .join("\n");
    let f = roll("秋季.csv", &term1);
    let p = plan(&ledger, &townships(), &[(&f, None)], now(), &mut || {
        ids.next()
    });
    apply(&mut ledger, &p, &mut ids);
    assert_eq!(ledger.len(), 4);

    let term2 = [
        HEADER.to_string(),
        row("甲", &a, "2144522401", "惠城镇第一小学", "三年级", "2班"),
        row("乙", &b, "2144522402", "惠城镇第二小学", "三年级", "1班"),
        row("丙", &c, "2144522403", "惠城镇中学", "七年级", "3班"),
        row(
            "戊",
            &id((2020, 5, 5), 19),
            "2144522401",
            "惠城镇第一小学",
            "一年级",
            "1班",
        ),
    ]
    .join("\n");
    let g = roll("春季.csv", &term2);
    let p = plan(&ledger, &townships(), &[(&g, None)], now(), &mut || {
        ids.next()
    });
    let movement = |n: &IdNumber| {
        p.entries
            .iter()
            .find(|e| e.child.id_number.as_ref() == Some(n))
            .map(|e| e.movement)
    };
    assert_eq!(movement(&a), Some(Movement::Promoted));
    assert_eq!(movement(&b), Some(Movement::Transfer));
    assert_eq!(movement(&c), Some(Movement::PrimaryToJunior));
    assert_eq!(p.count_movement(Movement::Entrant), 1);
    let missing = ledger.child_by_id_number(&d).unwrap().id;
    assert_eq!(
        p.missing,
        vec![missing],
        "丁 is in neither file: a person decides"
    );
    let grade = p
        .entries
        .iter()
        .find(|e| e.movement == Movement::Promoted)
        .unwrap();
    assert!(
        grade
            .changes
            .iter()
            .any(|c| c.field == "年级" && c.before == "2年级" && c.after == "3年级"),
        "{:?}",
        grade.changes
    );
    // The preview says each change in either language, as the audit records it in Chinese.
    let old = ledger.child(grade.child.id).unwrap();
    assert_eq!(grade.changed.len(), grade.changes.len());
    for (said, audit) in grade.changed.iter().zip(&grade.changes) {
        let zh = p.say_change(&ledger, old, grade, *said, crate::model::Lang::Zh);
        assert_eq!(
            zh,
            (
                audit.field.clone(),
                audit.before.clone(),
                audit.after.clone()
            )
        );
    }
    let en: Vec<_> = grade
        .changed
        .iter()
        .map(|c| p.say_change(&ledger, old, grade, *c, crate::model::Lang::En))
        .collect();
    assert!(
        en.contains(&("Grade".into(), "Grade 2".into(), "Grade 3".into())),
        "{en:?}"
    );
    let transfer = p
        .entries
        .iter()
        .find(|e| e.movement == Movement::Transfer)
        .unwrap();
    let was = ledger.child(transfer.child.id).unwrap();
    let school = transfer
        .changed
        .iter()
        .map(|c| p.say_change(&ledger, was, transfer, *c, crate::model::Lang::En))
        .find(|(f, ..)| f == "School")
        .unwrap();
    assert_eq!(
        (school.1.as_str(), school.2.as_str()),
        ("惠城镇第一小学", "惠城镇第二小学")
    );
    let one_summary = &p
        .schools
        .iter()
        .find(|(s, _)| *s == SchoolRef::Existing(one.id))
        .unwrap()
        .1;
    assert_eq!(
        (one_summary.new, one_summary.changed, one_summary.missing),
        (1, 1, 1)
    );

    let set = apply(&mut ledger, &p, &mut ids);
    assert_eq!(
        set.transfers.len(),
        1,
        "the transfer is recorded, both ends"
    );
    let t = &set.transfers[0];
    assert_eq!(
        (
            t.from_school,
            t.to_school.as_str(),
            t.confirmed_on.is_some()
        ),
        (Some(one.id), "惠城镇第二小学", true)
    );
    assert_eq!(
        ledger.child_by_id_number(&c).unwrap().school_id,
        Some(mid.id)
    );
    assert_eq!(
        ledger.child_by_id_number(&d).unwrap().status,
        Status::InSchool,
        "nothing is deleted or changed for the missing"
    );
}

#[test]
fn a_change_by_hand_since_the_last_import_is_a_conflict_never_silently_lost() {
    let mut ids = Ids(100);
    let one = school("惠城镇第一小学", "2144522401", SchoolKind::Primary);
    let mut ledger = Ledger::new(vec![one.clone()], &townships(), vec![]);
    let a = id((2018, 3, 8), 11);
    let base = [
        HEADER.to_string(),
        row("甲", &a, "2144522401", "惠城镇第一小学", "三年级", "1班"),
    ]
    .join("\n");
    let f = roll("a.csv", &base);
    let p = plan(&ledger, &townships(), &[(&f, None)], now(), &mut || {
        ids.next()
    });
    apply(&mut ledger, &p, &mut ids);

    // By hand: the class becomes 3班, the guardian's phone changes.
    let mut c = ledger.child_by_id_number(&a).unwrap().clone();
    c.class_name = "3班".into();
    c.guardian.phone = "13900139000".into();
    let saved = ledger.prepare_save(c, "测试员", now()).unwrap();
    ledger.apply(saved);

    // The same file again: the hand changes stand (the file says what it said before).
    let p = plan(&ledger, &townships(), &[(&f, None)], now(), &mut || {
        ids.next()
    });
    assert!(
        p.entries.is_empty() && p.conflicts.is_empty(),
        "{:?}",
        p.entries
    );

    // A new file changes the class too: that is a conflict; the phone is not (the file did not change it).
    let next = base.replace(",1班,", ",2班,");
    let g = roll("b.csv", &next);
    let p = plan(&ledger, &townships(), &[(&g, None)], now(), &mut || {
        ids.next()
    });
    assert_eq!(p.conflicts.len(), 1, "{:?}", p.conflicts);
    let k = &p.conflicts[0];
    assert_eq!(
        (k.field, k.ledger.as_str(), k.file.as_str()),
        (plan::ImportField::Class, "3班", "2班")
    );
    assert_eq!(
        p.change_set(&ledger, &[], &[None], "测试员", &mut || ids.next())
            .unwrap_err(),
        ApplyError::Undecided(1)
    );
    let set = p
        .change_set(
            &ledger,
            &[],
            &[Some(ConflictChoice::KeepLedger)],
            "测试员",
            &mut || ids.next(),
        )
        .unwrap();
    let kept = &set.children[0];
    assert_eq!(
        (kept.class_name.as_str(), kept.guardian.phone.as_str()),
        ("3班", "13900139000")
    );
}

#[test]
fn a_school_without_a_school_column_is_the_one_chosen_for_its_file_and_groups_come_from_the_flags()
{
    let mut ids = Ids(100);
    let one = school("惠城镇第一小学", "2144522401", SchoolKind::Primary);
    let ledger = Ledger::new(vec![one.clone()], &townships(), vec![]);
    let a = id((2016, 4, 4), 21);
    let csv = format!(
        "姓名,身份证件号,年级,班级,是否留守儿童,是否进城务工人员随迁子女,是否孤儿,随班就读,残疾类型\n甲,{a},五年级,501,双亲留守,否,是,智力残疾人随班就读,智力残疾\n"
    );
    let f = roll("一小.csv", &csv);
    assert!(f.problems.is_empty(), "{:?}", f.problems);
    let none = plan(&ledger, &townships(), &[(&f, None)], now(), &mut || {
        ids.next()
    });
    assert!(none.problems[0]
        .reason
        .to_string()
        .contains("未为该文件选择学校"));
    let p = plan(
        &ledger,
        &townships(),
        &[(&f, Some(one.id))],
        now(),
        &mut || ids.next(),
    );
    let c = &p.entries[0].child;
    assert_eq!(c.school_id, Some(one.id));
    assert_eq!(c.class_name, "1班");
    assert_eq!(
        c.groups,
        vec![
            SpecialGroup::Orphan,
            SpecialGroup::Disabled,
            SpecialGroup::LeftBehind
        ]
        .into_iter()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect::<Vec<_>>()
    );
    assert_eq!(c.status, Status::RegularClass);
    assert!(c.parents_away);
}

#[test]
fn new_schools_need_a_township_before_anything_is_applied() {
    let mut ids = Ids(100);
    let ledger = Ledger::new(vec![], &townships(), vec![]);
    let csv = format!(
        "{HEADER}\n{}",
        row(
            "甲",
            &id((2018, 3, 8), 11),
            "2144522499",
            "县实验学校",
            "三年级",
            "1班"
        )
        .replace("惠城镇南门村", "某地")
    );
    let f = roll("x.csv", &csv);
    let p = plan(&ledger, &townships(), &[(&f, None)], now(), &mut || {
        ids.next()
    });
    assert_eq!(
        p.new_schools[0].school.township_code, "",
        "nothing to guess from"
    );
    assert_eq!(
        p.change_set(&ledger, &[], &[], "测试员", &mut || ids.next())
            .unwrap_err(),
        ApplyError::NoTownship("县实验学校".into())
    );
    let set = p
        .change_set(
            &ledger,
            &["445224200".into()],
            &[],
            "测试员",
            &mut || ids.next(),
        )
        .unwrap();
    assert_eq!(set.schools[0].township_code, "445224200");
}

#[test]
fn a_child_missing_from_the_export_is_decided_by_a_person_through_the_casework() {
    use crate::casework::{Actor, Casebook, CaseworkSettings};
    let mut ids = Ids(100);
    let one = school("惠城镇第一小学", "2144522401", SchoolKind::Primary);
    let mut ledger = Ledger::new(vec![one.clone()], &townships(), vec![]);
    let (a, b, c) = (
        id((2018, 3, 8), 11),
        id((2017, 3, 8), 13),
        id((2016, 3, 8), 15),
    );
    let all = [
        HEADER.to_string(),
        row("甲", &a, "2144522401", "惠城镇第一小学", "三年级", "1班"),
        row("乙", &b, "2144522401", "惠城镇第一小学", "四年级", "1班"),
        row("丙", &c, "2144522401", "惠城镇第一小学", "五年级", "1班"),
    ];
    let f = roll("秋.csv", &all.join("\n"));
    let p = plan(&ledger, &townships(), &[(&f, None)], now(), &mut || {
        ids.next()
    });
    apply(&mut ledger, &p, &mut ids);
    let g = roll("春.csv", &all[..3].join("\n"));
    let p = plan(&ledger, &townships(), &[(&g, None)], now(), &mut || {
        ids.next()
    });
    let set = apply(&mut ledger, &p, &mut ids);
    let follow = set
        .roll_follow_up
        .expect("the list of who is missing comes with the import");
    let missing = ledger.child_by_id_number(&c).unwrap().id;
    assert_eq!(follow.missing, vec![missing]);

    let book = Casebook::new(
        CaseworkSettings::default(),
        vec![],
        vec![],
        vec![],
        vec![],
        vec![],
    );
    let actor = Actor {
        name: "测试员",
        now: now(),
    };
    let flagged = follow
        .decide(
            &ledger,
            &book,
            missing,
            (MissingDecision::Suspect, ""),
            &actor,
            ids.next(),
        )
        .unwrap();
    assert_eq!(flagged.children[0].status, Status::SuspectedDropout);
    assert_eq!(flagged.suspects.len(), 1);
    assert!(flagged.roll_follow_up.as_ref().unwrap().missing.is_empty());
    let kept = follow
        .decide(
            &ledger,
            &book,
            missing,
            (MissingDecision::Mistake, ""),
            &actor,
            ids.next(),
        )
        .unwrap();
    assert!(kept.children.is_empty() && kept.audit[0].summary.contains("名册遗漏"));
    let moved = follow.decide(
        &ledger,
        &book,
        missing,
        (MissingDecision::TransferredOut, ""),
        &actor,
        ids.next(),
    );
    assert!(moved.is_err(), "a transfer names the school it went to");
    let none_in_nine = follow.graduate_grade_nine(&ledger, &actor);
    assert!(none_in_nine.children.is_empty(), "丙 is in grade 5");
    assert_eq!(none_in_nine.roll_follow_up.unwrap().missing, vec![missing]);
}

#[test]
fn a_county_export_written_by_a_spreadsheet_writer_lands_whole_and_next_year_moves_as_made() {
    use crate::demo::rolls::{export, next_year};
    use crate::demo::{generate, DemoParams};
    use crate::divisions::DivisionTable;
    let table = DivisionTable::parse(include_str!("../../../../public/divisions.tsv")).unwrap();
    let mut p = DemoParams::new(now().date());
    p.county_code = "445224".into();
    p.children = 3000;
    let county = generate(&p, &table).unwrap();
    let inst = &county.installation;
    let year = crate::rules::school_age::school_year_of(now().date());
    let picked: Vec<School> = county
        .schools
        .iter()
        .filter(|s| s.kind == SchoolKind::Primary)
        .take(2)
        .cloned()
        .collect();
    let mut ids = Ids(1 << 64);
    let mut ledger = Ledger::new(vec![], &inst.townships, vec![]);
    let mut files = Vec::new();
    for (i, s) in picked.iter().enumerate() {
        let e = export(inst, &county.schools, &county.children, &[s.id], year);
        let bytes = if i == 0 {
            e.to_xlsx().unwrap()
        } else {
            e.to_gb18030_csv()
        };
        let t = read_table(&bytes).unwrap();
        let m = ColumnMapping::detect(&t, &RememberedMapping::new());
        assert_eq!(m.header_row, 1, "the title row is skipped");
        files.push(read_roll(&s.name, &t, &m, year));
    }
    let inputs: Vec<(&RollFile, Option<Uuid>)> = files.iter().map(|f| (f, None)).collect();
    let plan1 = plan(&ledger, &inst.townships, &inputs, now(), &mut || ids.next());
    let expected: usize = picked
        .iter()
        .map(|s| {
            county
                .children
                .iter()
                .filter(|c| c.status.needs_school() && c.school_id == Some(s.id))
                .count()
        })
        .sum();
    assert!(
        plan1.problems.is_empty(),
        "{:?}",
        &plan1.problems[..plan1.problems.len().min(3)]
    );
    assert_eq!(plan1.count(false), expected);
    assert_eq!(plan1.new_schools.len(), 2);
    for ns in &plan1.new_schools {
        let original = picked.iter().find(|s| s.code == ns.school.code).unwrap();
        assert_eq!(
            ns.school.township_code, original.township_code,
            "{} placed in its township from its name",
            ns.school.name
        );
        assert_eq!(ns.school.kind, SchoolKind::Primary);
    }
    apply(&mut ledger, &plan1, &mut ids);
    let stored: Vec<&crate::model::Child> = ledger.children().iter().collect();
    let originals: std::collections::HashMap<_, _> = county
        .children
        .iter()
        .filter_map(|c| c.id_number.clone().map(|n| (n, c)))
        .collect();
    assert!(
        stored.iter().any(|c| c.id_number.is_none()),
        "children without an ID number come by their 学籍号"
    );
    for c in stored.iter().filter(|c| c.id_number.is_some()) {
        let o = originals[c.id_number.as_ref().unwrap()];
        assert_eq!(
            (
                &c.name,
                c.grade,
                &c.class_name,
                c.hukou.township_code.as_ref()
            ),
            (
                &o.name,
                o.grade,
                &o.class_name,
                o.hukou.township_code.as_ref()
            ),
            "{}",
            c.name
        );
    }

    // Next year, from one file for the county.
    let junior = county
        .schools
        .iter()
        .find(|s| s.kind == SchoolKind::Junior && s.township_code == picked[0].township_code)
        .unwrap()
        .clone();
    let mut all = picked.clone();
    all.push(junior);
    let mut seq = 0;
    let next = next_year(&all, &county.children, 3, || {
        seq += 1;
        Uuid::from_u128(seq)
    });
    let e = export(
        inst,
        &county.schools,
        &next.children,
        &all.iter().map(|s| s.id).collect::<Vec<_>>(),
        year,
    );
    let t = read_table(&e.to_xlsx().unwrap()).unwrap();
    let m = ColumnMapping::detect(&t, &RememberedMapping::new());
    let f = read_roll("next.xlsx", &t, &m, year);
    let p2 = plan(&ledger, &inst.townships, &[(&f, None)], now(), &mut || {
        ids.next()
    });
    assert!(p2.problems.is_empty(), "{:?}", p2.problems);
    assert_eq!(p2.count_movement(Movement::Transfer), 1);
    assert_eq!(
        p2.count_movement(Movement::PrimaryToJunior),
        next.to_junior.len()
    );
    assert_eq!(p2.count_movement(Movement::Entrant), next.entrants.len());
    let missing = next.missing.unwrap();
    let missing_id = ledger
        .child_by_id_number(missing.id_number.as_ref().unwrap())
        .unwrap()
        .id;
    assert!(p2.missing.contains(&missing_id));
    assert_eq!(p2.new_schools.len(), 1, "the junior school is new");
    let set = apply(&mut ledger, &p2, &mut ids);
    let follow = set.roll_follow_up.unwrap();
    let actor = crate::casework::Actor {
        name: "测试员",
        now: now(),
    };
    let done = follow.graduate_grade_nine(&ledger, &actor);
    assert_eq!(
        done.children.len(),
        next.graduated
            .iter()
            .filter(|c| c.school_id.is_some_and(|s| ledger.school(s).is_some()))
            .count()
    );
    assert!(done
        .children
        .iter()
        .all(|c| c.status == Status::Graduated && c.grade == Some(9)));
    assert_eq!(
        done.roll_follow_up.unwrap().missing,
        vec![missing_id],
        "only the missing child is left to decide"
    );
}

#[test]
fn a_file_for_one_school_takes_only_that_schools_pupils() {
    let mut ids = Ids(100);
    let one = school("惠城镇第一小学", "2144522401", SchoolKind::Primary);
    let ledger = Ledger::new(vec![one.clone()], &townships(), vec![]);
    let csv = [
        HEADER.to_string(),
        row(
            "甲",
            &id((2018, 3, 8), 11),
            "2144522401",
            "惠城第一小学",
            "三年级",
            "1班",
        ),
        row(
            "乙",
            &id((2017, 3, 8), 13),
            "2144522402",
            "华湖镇中心小学",
            "四年级",
            "1班",
        ),
    ]
    .join("\n");
    let f = roll("本校.csv", &csv);
    let p = plan(
        &ledger,
        &townships(),
        &[(&f, Some(one.id))],
        now(),
        &mut || ids.next(),
    );
    assert_eq!(p.count(false), 1, "the school's own pupil, by its code");
    assert!(
        p.new_schools.is_empty(),
        "a school installation adds no other school"
    );
    assert!(
        p.problems[0]
            .reason
            .to_string()
            .contains("不是“惠城镇第一小学”的学生"),
        "{:?}",
        p.problems
    );
}

#[test]
fn rows_handed_between_threads_arrive_as_read_and_a_cut_batch_is_refused() {
    let mut csv = format!("{HEADER}\n");
    for seq in 0..30 {
        let idn = id((2015, 3, 1 + seq % 28), 100 + u16::try_from(seq).unwrap());
        csv += &row(
            &format!("学生{seq}"),
            &idn,
            "2144522401",
            "惠城镇第一小学",
            "三年级",
            "2班",
        );
        csv += "\n";
    }
    // Text that looks like a formula or markup travels as text.
    let idn = id((2015, 6, 1), 900);
    csv += &row(
        "=cmd|'/C calc'!A0<script>",
        &idn,
        "2144522401",
        "惠城镇第一小学",
        "三年级",
        "2班",
    );
    csv += "\n";
    let file = roll("一小.csv", &csv);
    assert_eq!(file.rows.len(), 31);
    let bytes = rows_to_bytes(&file.rows);
    assert_eq!(rows_from_bytes(&bytes).unwrap(), file.rows);
    let cut = &bytes[..bytes.len() / 2];
    let err = rows_from_bytes(cut).unwrap_err();
    assert!(err.contains("名册行无法读取"), "{err}");
}

/// Every reason a row is not imported says itself in both languages, and the English has no
/// Chinese but what the file itself wrote.
#[test]
fn row_reasons_are_said_in_both_languages() {
    use crate::model::id_number::{IdNumberError, IdProblem};
    use crate::model::{Lang, Localized, SchoolError, Sex};
    let han = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    let day = chrono::NaiveDate::from_ymd_opt(2015, 3, 8).unwrap();
    let bad_id = IdNumberError::CheckCharacter {
        expected: 'X',
        found: '1',
    };
    let all = [
        RollReason::NoName,
        RollReason::IdNumber(IdProblem::Scientific("4.4E+17".into())),
        RollReason::IdNumber(IdProblem::TrailingZeros(bad_id.clone())),
        RollReason::IdNumber(IdProblem::Invalid(bad_id)),
        RollReason::NoIdentity,
        RollReason::BadBirthDate("2015/13/40".into()),
        RollReason::BirthDisagrees {
            written: day,
            in_id: day.succ_opt().unwrap(),
        },
        RollReason::NoBirthDate,
        RollReason::NoSex,
        RollReason::BadSex("x".into()),
        RollReason::SexDisagrees {
            written: "M".into(),
            in_id: Sex::Female,
        },
        RollReason::NoGrade,
        RollReason::BadGrade("13".into()),
        RollReason::BadSchoolCode("123".into()),
        RollReason::BadDisability("?".into()),
        RollReason::NotThisSchool {
            chosen: "A".into(),
            written: "B".into(),
        },
        RollReason::NoSchool,
        RollReason::InTwoSchools {
            here: "A".into(),
            there: "B".into(),
            file: "f.xlsx".into(),
            line: 3,
        },
        RollReason::Repeated {
            file: "f.xlsx".into(),
            line: 3,
            key: "k".into(),
        },
        RollReason::Deceased,
        RollReason::NoSchoolName,
        RollReason::BadSchoolKind("?".into()),
        RollReason::UnknownTownship("Mars".into()),
        RollReason::School(SchoolError::EmptyName),
    ];
    for r in &all {
        assert!(han(&r.say(Lang::Zh)), "{r:?}");
        assert!(!han(&r.say(Lang::En)), "{}", r.en());
        // It crosses to and from the page's worker.
        let back: RollReason = serde_json::from_str(&serde_json::to_string(r).unwrap()).unwrap();
        assert_eq!(&back, r);
    }
    assert_eq!(
        RollReason::IdNumber(IdProblem::Invalid(IdNumberError::Length(5))).to_string(),
        "身份证号应为18位（或旧式15位），实际为5位"
    );
}

#[test]
fn a_dry_run_and_its_change_set_made_a_row_at_a_time_equal_those_made_at_once() {
    let one = school("惠城镇第一小学", "2144522401", SchoolKind::Primary);
    let mut ledger = Ledger::new(vec![one], &townships(), vec![]);
    let (a, b, c) = (
        id((2018, 3, 8), 11),
        id((2017, 3, 8), 13),
        id((2014, 3, 8), 15),
    );
    let term1 = [
        HEADER.to_string(),
        row("甲", &a, "2144522401", "惠城镇第一小学", "二年级", "1班"),
        row("乙", &b, "2144522401", "惠城镇第一小学", "三年级", "1班"),
    ]
    .join("\n");
    let f = roll("秋季.csv", &term1);
    let mut ids = Ids(100);
    let p = plan(&ledger, &townships(), &[(&f, None)], now(), &mut || {
        ids.next()
    });
    apply(&mut ledger, &p, &mut ids);

    // Promoted, moved to a new school, new, and a row written twice.
    let term2 = [
        HEADER.to_string(),
        row("甲", &a, "2144522401", "惠城镇第一小学", "三年级", "2班"),
        row("乙", &b, "2144522409", "华湖镇中心小学", "四年级", "1班"),
        row("丙", &c, "2144522401", "惠城镇第一小学", "六年级", "1班"),
        row("丙", &c, "2144522401", "惠城镇第一小学", "六年级", "1班"),
    ]
    .join("\n");
    let g = roll("春季.csv", &term2);
    let files = [(&g, None)];
    let mut at_once_ids = Ids(500);
    let at_once = plan(&ledger, &townships(), &files, now(), &mut || {
        at_once_ids.next()
    });
    let mut sliced_ids = Ids(500);
    // Rows compared as they are read: the file grows between slices, and the rows taken so
    // far never run ahead of the rows there are.
    let mut growing = RollFile {
        rows: Vec::new(),
        problems: Vec::new(),
        ..g.clone()
    };
    let mut planning = Planning::start(&ledger, &townships(), now());
    let mut slices = 0;
    for half in g.rows.chunks(2) {
        growing.rows.extend(half.iter().cloned());
        let lent = PlanFile {
            roll: &growing,
            school: None,
            whole: false,
        };
        while !planning.step(&ledger, &[lent], 1, &mut || sliced_ids.next()) {
            slices += 1;
        }
        assert_eq!(planning.progress(), growing.rows.len());
    }
    growing.problems = g.problems.clone();
    assert_eq!(slices, 2, "a slice of one row, then the next");
    let lent = PlanFile {
        roll: &growing,
        school: None,
        whole: true,
    };
    let sliced = planning.finish(&ledger, &[lent], &mut || sliced_ids.next());
    assert_eq!(sliced, at_once);
    assert_eq!(sliced.problems.len(), 1, "{:?}", sliced.problems);

    let towns = vec!["445224101".to_string()];
    let choices = vec![Some(ConflictChoice::TakeFile); at_once.conflicts.len()];
    let whole = at_once
        .change_set(&ledger, &towns, &choices, "测试员", &mut || {
            at_once_ids.next()
        })
        .unwrap();
    let mut applying = sliced.begin_apply(&towns, &choices, "测试员").unwrap();
    while !applying.step(&sliced, &ledger, 1, &mut || sliced_ids.next()) {}
    assert_eq!(applying.progress(), (3, 3));
    let stepped = applying.finish(&sliced, &ledger);
    assert_eq!(stepped, whole);
    // One entry for the new school, one per school for its children, a line per child.
    assert_eq!(whole.audit.len(), 3);
    let lines: usize = whole.audit.iter().map(|e| e.lines.len()).sum();
    assert_eq!(lines, 3);

    // The batch encoded a chunk at a time equals the one encoded at once.
    let batch = ledger.prepare_batch(whole.children.clone(), now()).unwrap();
    let mut encoding = ledger.begin_batch(whole.children.clone(), now()).unwrap();
    while !encoding.step(&ledger, 1).unwrap() {}
    let stepped = encoding.finish();
    assert_eq!(stepped.chunks, batch.chunks);
    assert_eq!(stepped.children, batch.children);
}
