//! 学籍名册 (`StudentRoll`): the students' export of the national 学籍 system
//! (全国中小学生学籍信息管理系统) read into the children's ledger. The file is read by the
//! same table reader as every other spreadsheet; its columns are recognised from the
//! system's own headers; a dry run ([`plan`]) says what would change, school by school,
//! and its [`RollPlan::change_set`] lands in one transaction.

pub mod plan;
pub mod read;
pub mod reason;
pub mod schools;
pub mod stream;
#[cfg(test)]
mod tests;

pub use plan::{
    plan, ApplyError, Changed, Conflict, ConflictChoice, ImportField, MissingDecision, Movement,
    NewSchool, PlanFile, Planning, RollEntry, RollFollowUp, RollPlan, SchoolRef, SchoolSummary,
};
pub use read::{read_roll, rows_from_bytes, rows_to_bytes, RollFile, RollProblem, RollRow};
pub use reason::RollReason;
pub use stream::{stream_records, stream_roll, RollColumns, RollEvent, RollFromRecords, TableNews};

use crate::crosscheck::mapping::{clean_header, HeaderField};
use crate::model::{labelled_enum, Labelled};

labelled_enum! {
    /// What a column of the 学籍 export can hold.
    RollField {
        Name = ("name", "姓名", "Name"),
        Sex = ("sex", "性别", "Sex"),
        BirthDate = ("birth-date", "出生日期", "Date of birth"),
        Ethnicity = ("ethnicity", "民族", "Ethnicity"),
        IdType = ("id-type", "身份证件类型", "ID document type"),
        IdNumber = ("id-number", "身份证件号", "ID number"),
        StudentNumber = ("student-number", "全国学籍号", "National student number"),
        AuxNumber = ("aux-number", "学籍辅号", "Auxiliary student number"),
        SchoolCode = ("school-code", "学校标识码", "School code"),
        SchoolName = ("school-name", "学校名称", "School"),
        Grade = ("grade", "年级", "Grade"),
        Class = ("class", "班级", "Class"),
        EnteredOn = ("entered-on", "入学年月", "Entered"),
        Hukou = ("hukou", "户口所在地", "Registered address"),
        Residence = ("residence", "现住址", "Current address"),
        Attendance = ("attendance", "就读方式", "Day or boarding"),
        LeftBehind = ("left-behind", "是否留守儿童", "Left-behind child"),
        Migrant = ("migrant", "是否进城务工人员随迁子女", "Migrant worker's child"),
        Orphan = ("orphan", "是否孤儿", "Orphan"),
        RegularClass = ("regular-class", "随班就读", "Disabled, in a regular class"),
        Disability = ("disability", "残疾类型", "Disability"),
        GuardianName = ("guardian-name", "成员1姓名", "Guardian"),
        GuardianRelation = ("guardian-relation", "成员1关系", "Guardian's relation"),
        GuardianPhone = ("guardian-phone", "成员1联系电话", "Guardian's phone"),
        GuardianId = ("guardian-id", "成员1身份证件号", "Guardian's ID (not imported)"),
    }
}

impl RollField {
    pub fn all() -> &'static [RollField] {
        <RollField as Labelled>::ALL
    }
}

/// Headers as the 学籍 system and schools' own sheets write them, after [`clean_header`].
const SYNONYMS: &[(RollField, &[&str])] = &[
    (RollField::Name, &["姓名", "学生姓名", "名字"]),
    (RollField::Sex, &["性别", "学生性别"]),
    (
        RollField::BirthDate,
        &["出生日期", "出生年月", "出生年月日", "生日"],
    ),
    (RollField::Ethnicity, &["民族"]),
    (
        RollField::IdType,
        &["身份证件类型", "证件类型", "身份证类型", "身份证件种类"],
    ),
    (
        RollField::IdNumber,
        &[
            "身份证件号",
            "身份证件号码",
            "身份证号",
            "身份证号码",
            "证件号码",
            "证件号",
            "公民身份号码",
            "学生身份证号",
            "学生身份证件号",
        ],
    ),
    (
        RollField::StudentNumber,
        &[
            "全国学籍号",
            "学籍号",
            "学籍号码",
            "全国学籍号码",
            "学生学籍号",
        ],
    ),
    (RollField::AuxNumber, &["学籍辅号", "辅号"]),
    (
        RollField::SchoolCode,
        &["学校标识码", "学校代码", "学校识别码", "学校编码"],
    ),
    (
        RollField::SchoolName,
        &["学校名称", "学校", "所在学校", "就读学校", "学校全称"],
    ),
    (
        RollField::Grade,
        &["年级", "年级名称", "所在年级", "现年级", "当前年级"],
    ),
    (
        RollField::Class,
        &["班级", "班级名称", "班号", "所在班级", "班级号"],
    ),
    (
        RollField::EnteredOn,
        &["入学年月", "入学日期", "入学时间", "入校年月"],
    ),
    (
        RollField::Hukou,
        &[
            "户口所在地",
            "户籍所在地",
            "户口所在地区",
            "户籍地址",
            "户籍地",
            "户口地址",
        ],
    ),
    (
        RollField::Residence,
        &["现住址", "家庭住址", "居住地址", "现居住地址", "家庭地址"],
    ),
    (RollField::Attendance, &["就读方式", "是否住校"]),
    (
        RollField::LeftBehind,
        &["是否留守儿童", "留守儿童", "是否留守"],
    ),
    (
        RollField::Migrant,
        &[
            "是否进城务工人员随迁子女",
            "进城务工人员随迁子女",
            "随迁子女",
            "是否随迁子女",
        ],
    ),
    (RollField::Orphan, &["是否孤儿", "孤儿"]),
    (RollField::RegularClass, &["随班就读", "是否随班就读"]),
    (
        RollField::Disability,
        &["残疾类型", "残疾类别", "残疾人类型", "是否残疾"],
    ),
    (
        RollField::GuardianName,
        &["成员1姓名", "监护人姓名", "监护人", "家长姓名"],
    ),
    (
        RollField::GuardianRelation,
        &["成员1关系", "监护人关系", "与学生关系", "关系"],
    ),
    (
        RollField::GuardianPhone,
        &[
            "成员1联系电话",
            "成员1电话",
            "联系电话",
            "监护人电话",
            "监护人联系电话",
            "家长电话",
            "手机号码",
        ],
    ),
    (
        RollField::GuardianId,
        &[
            "成员1身份证件号",
            "成员1身份证号",
            "监护人身份证号",
            "监护人身份证件号",
        ],
    ),
];

impl HeaderField for RollField {
    fn recognise(header: &str) -> Option<Self> {
        recognise(header)
    }
}

/// The field a 学籍 header names. Family members other than the first are not imported;
/// a family member's ID number is never taken for the child's.
pub fn recognise(header: &str) -> Option<RollField> {
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
    let member = h.starts_with("成员")
        || ["监护人", "父亲", "母亲", "家长"]
            .iter()
            .any(|p| h.contains(p));
    if member {
        if h.starts_with("成员") && !h.starts_with("成员1") {
            return None;
        }
        return if h.contains("身份") || h.contains("证件") {
            Some(RollField::GuardianId)
        } else if h.contains("电话") || h.contains("手机") {
            Some(RollField::GuardianPhone)
        } else if h.contains("关系") {
            Some(RollField::GuardianRelation)
        } else if h.contains("姓名") {
            Some(RollField::GuardianName)
        } else {
            None
        };
    }
    if h.contains("学籍号") {
        return Some(RollField::StudentNumber);
    }
    if h.contains("身份证件类型") || h.contains("证件类型") {
        return Some(RollField::IdType);
    }
    if h.contains("身份证") || h.contains("证件号") {
        return Some(RollField::IdNumber);
    }
    if h.contains("随班就读") {
        return Some(RollField::RegularClass);
    }
    if h.contains("残疾") {
        return Some(RollField::Disability);
    }
    if h.contains("留守") {
        return Some(RollField::LeftBehind);
    }
    if h.contains("随迁") {
        return Some(RollField::Migrant);
    }
    if h.contains("户口") || h.contains("户籍") {
        return Some(RollField::Hukou);
    }
    None
}
