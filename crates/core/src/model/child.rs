//! A school-age child (适龄儿童少年) and the vocabularies of the record.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::id_number::IdNumber;
use super::{labelled_enum, FieldChange, Labelled, Lang};

labelled_enum! {
    /// 性别.
    Sex {
        Male = ("m", "男", "Male"),
        Female = ("f", "女", "Female"),
    }
}

labelled_enum! {
    /// 学段: stage of compulsory education.
    Stage {
        Primary = ("primary", "小学", "Primary"),
        Junior = ("junior", "初中", "Junior secondary"),
    }
}

impl Stage {
    /// Stage of a grade 1–9 (6+3 system).
    pub fn of_grade(grade: u8) -> Option<Stage> {
        match grade {
            1..=6 => Some(Stage::Primary),
            7..=9 => Some(Stage::Junior),
            _ => None,
        }
    }
}

labelled_enum! {
    /// 就学状态: schooling status.
    Status {
        InSchool = ("in-school", "在校就读", "In school"),
        RegularClass = ("regular-class", "随班就读", "In a regular class (disabled)"),
        SpecialSchool = ("special-school", "特教学校就读", "In a special school"),
        HomeTeaching = ("home-teaching", "送教上门", "Taught at home"),
        Suspended = ("suspended", "休学", "Suspended studies"),
        Deferred = ("deferred", "延缓入学", "Deferred entry"),
        StudyingElsewhere = ("elsewhere", "外出就读", "Studying elsewhere"),
        SuspectedDropout = ("suspected", "疑似辍学", "Suspected dropout"),
        Dropout = ("dropout", "辍学", "Dropped out"),
        Graduated = ("graduated", "已毕业", "Graduated"),
        Deceased = ("deceased", "死亡", "Deceased"),
        Abroad = ("abroad", "出国(境)", "Abroad"),
        MovedAway = ("moved-away", "户籍迁出", "Registration moved away"),
    }
}

impl Status {
    /// Counts as enrolled in the indicators: a disabled child taught at home or in a special
    /// school is enrolled.
    pub fn counts_as_enrolled(self) -> bool {
        matches!(
            self,
            Status::InSchool | Status::RegularClass | Status::SpecialSchool | Status::HomeTeaching
        )
    }

    /// The child is attached to a school (has a 学籍 there).
    pub fn needs_school(self) -> bool {
        self.counts_as_enrolled() || matches!(self, Status::Suspended)
    }

    /// Still in the jurisdiction's care: not graduated, dead, abroad or moved away.
    pub fn is_active(self) -> bool {
        !matches!(
            self,
            Status::Graduated | Status::Deceased | Status::Abroad | Status::MovedAway
        )
    }

    /// Needs attention from the 控辍保学 office.
    pub fn is_concern(self) -> bool {
        matches!(self, Status::SuspectedDropout | Status::Dropout)
    }

    /// Status changes a person may make directly on the child's record. Becoming a suspect
    /// or a dropout, and leaving either, goes through the casework (flag, verification,
    /// closing) so that the ledgers of suspects and cases always agree with the children's
    /// ledger. A death is final.
    pub fn can_change_to(self, next: Status) -> Result<(), StatusChangeError> {
        use Status::*;
        if self == next {
            return Ok(());
        }
        match (self, next) {
            (Deceased, _) => Err(StatusChangeError::Final(self)),
            (SuspectedDropout, _) => Err(StatusChangeError::SuspectNeedsVerification),
            (Dropout, _) => Err(StatusChangeError::DropoutNeedsClosing),
            (_, SuspectedDropout) => Err(StatusChangeError::FlagInstead),
            (_, Dropout) => Err(StatusChangeError::NeedsVerification),
            _ => Ok(()),
        }
    }
}

/// A status change that the rules do not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatusChangeError {
    #[error("“{}”是最终状态，不能再更改", .0.zh())]
    Final(Status),
    #[error("只有“疑似辍学”的学生经核查后才能认定为“辍学”，请到疑似辍学台账办理核查")]
    NeedsVerification,
    #[error("请在儿童页面“标记为疑似辍学”，以便列入疑似辍学台账并留下原因")]
    FlagInstead,
    #[error("疑似辍学学生的状态由核查结果改变，请到疑似辍学台账办理核查")]
    SuspectNeedsVerification,
    #[error("辍学学生的状态在一人一案销号时改变，请到辍学台账办理销号")]
    DropoutNeedsClosing,
}

impl super::Localized for StatusChangeError {
    fn en(&self) -> String {
        match self {
            StatusChangeError::Final(s) => format!("“{}” is final and cannot change", s.en()),
            StatusChangeError::NeedsVerification => "Only a suspected dropout, once verified, becomes a dropout: verify it on the suspects ledger".into(),
            StatusChangeError::FlagInstead => "Use “Flag as suspected dropout” on the child's page, so that the suspect is listed with its reason".into(),
            StatusChangeError::SuspectNeedsVerification => "A suspect's status changes with its verification: verify it on the suspects ledger".into(),
            StatusChangeError::DropoutNeedsClosing => "A dropout's status changes when the case is closed: close it on the dropout cases ledger".into(),
        }
    }
}

labelled_enum! {
    /// 重点群体: groups checked first and most often. Several may hold.
    SpecialGroup {
        Orphan = ("orphan", "孤儿", "Orphan"),
        Unsupported = ("unsupported", "事实无人抚养儿童", "De facto unsupported child"),
        Disabled = ("disabled", "残疾儿童", "Disabled child"),
        InDifficulty = ("difficulty", "困境儿童", "Child in difficulty"),
        LeftBehind = ("left-behind", "农村留守儿童", "Rural left-behind child"),
        Migrant = ("migrant", "随迁子女/流动儿童", "Migrant child"),
        PovertyRelief = ("poverty", "脱贫家庭/建档立卡", "Formerly poor family"),
        LowIncome = ("low-income", "低保/特困家庭", "Low-income family"),
    }
}

labelled_enum! {
    /// 残疾类别.
    DisabilityCategory {
        Visual = ("visual", "视力", "Visual"),
        Hearing = ("hearing", "听力", "Hearing"),
        Speech = ("speech", "言语", "Speech"),
        Physical = ("physical", "肢体", "Physical"),
        Intellectual = ("intellectual", "智力", "Intellectual"),
        Mental = ("mental", "精神", "Mental"),
        Multiple = ("multiple", "多重", "Multiple"),
    }
}

labelled_enum! {
    /// 监护人关系.
    Relation {
        Father = ("father", "父亲", "Father"),
        Mother = ("mother", "母亲", "Mother"),
        Grandparent = ("grandparent", "祖父母", "Grandparent (paternal)"),
        MaternalGrandparent = ("maternal-grandparent", "外祖父母", "Grandparent (maternal)"),
        Relative = ("relative", "其他亲属", "Other relative"),
        Other = ("other", "其他", "Other"),
    }
}

labelled_enum! {
    /// Why a child has no ID number; the record is kept with another key.
    NoIdReason {
        NoHukou = ("no-hukou", "无户口", "No household registration"),
        ForeignBorn = ("foreign-born", "境外出生", "Born abroad"),
        NotIssued = ("not-issued", "尚未办理", "Not yet issued"),
        Other = ("other", "其他", "Other"),
    }
}

/// 民族: the 56 ethnic groups of GB/T 3304, in its order.
pub const ETHNICITIES: [&str; 56] = [
    "汉族",
    "蒙古族",
    "回族",
    "藏族",
    "维吾尔族",
    "苗族",
    "彝族",
    "壮族",
    "布依族",
    "朝鲜族",
    "满族",
    "侗族",
    "瑶族",
    "白族",
    "土家族",
    "哈尼族",
    "哈萨克族",
    "傣族",
    "黎族",
    "傈僳族",
    "佤族",
    "畲族",
    "高山族",
    "拉祜族",
    "水族",
    "东乡族",
    "纳西族",
    "景颇族",
    "柯尔克孜族",
    "土族",
    "达斡尔族",
    "仫佬族",
    "羌族",
    "布朗族",
    "撒拉族",
    "毛南族",
    "仡佬族",
    "锡伯族",
    "阿昌族",
    "普米族",
    "塔吉克族",
    "怒族",
    "乌孜别克族",
    "俄罗斯族",
    "鄂温克族",
    "德昂族",
    "保安族",
    "裕固族",
    "京族",
    "塔塔尔族",
    "独龙族",
    "鄂伦春族",
    "赫哲族",
    "门巴族",
    "珞巴族",
    "基诺族",
];

/// A place: a township of the county (9-digit code) when known, and the rest as written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Address {
    pub township_code: Option<String>,
    /// Village and beyond, or a whole address outside the county.
    pub detail: String,
}

impl Address {
    /// An address as written, with the county's township it names (the text after the
    /// township kept as the detail).
    pub fn in_county(text: &str, townships: &[super::Division]) -> Address {
        match super::township_in(text, townships) {
            Some((d, rest)) => Address {
                township_code: Some(d.code.clone()),
                detail: rest.to_string(),
            },
            None => Address {
                township_code: None,
                detail: text.to_string(),
            },
        }
    }
}

/// 监护人.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Guardian {
    pub name: String,
    pub relation: Relation,
    pub phone: String,
}

/// A school-age child (适龄儿童少年): one row of the 适龄儿童台账.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Child {
    pub id: Uuid,
    /// 身份证号; `None` only with a `no_id_reason`.
    pub id_number: Option<IdNumber>,
    pub no_id_reason: Option<NoIdReason>,
    pub name: String,
    pub sex: Sex,
    pub birth_date: NaiveDate,
    pub ethnicity: String,
    /// 户籍地.
    pub hukou: Address,
    /// 现居住地.
    pub residence: Address,
    pub guardian: Guardian,
    /// 父母外出务工.
    pub parents_away: bool,
    /// 学籍号 (national student number).
    pub student_number: Option<String>,
    pub school_id: Option<Uuid>,
    pub grade: Option<u8>,
    pub class_name: String,
    pub status: Status,
    pub groups: Vec<SpecialGroup>,
    pub disability: Option<DisabilityCategory>,
    pub note: String,
    /// Where the child was at the end of the previous school year, for the 小升初 check.
    #[serde(default)]
    pub previous_year: Option<PreviousYear>,
    /// What the last 学籍 import said, to tell a later change by hand from a change in the
    /// next export.
    #[serde(default)]
    pub roll: Option<RollStamp>,
    /// Increases by one with every saved change.
    pub revision: u32,
    pub updated_at: NaiveDateTime,
}

/// The fingerprints of the fields a 学籍 import set, one per field, as the file had them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RollStamp {
    pub imported_at: NaiveDateTime,
    pub fields: Vec<u32>,
}

/// What is wrong with a child's record as entered. `Warning`s are shown but do not block
/// saving: they are facts a clerk must see (e.g. a birth date that disagrees with the ID).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChildProblem {
    #[error("姓名不能为空")]
    NoName,
    #[error("{0}")]
    IdNumber(#[from] super::id_number::IdNumberError),
    #[error("没有身份证号时须说明原因")]
    NoIdWithoutReason,
    #[error("出生日期 {entered} 与身份证号中的 {from_id} 不一致")]
    BirthDateDisagrees {
        entered: NaiveDate,
        from_id: NaiveDate,
    },
    #[error("性别“{}”与身份证号（{}）不一致", .entered.zh(), .from_id.zh())]
    SexDisagrees { entered: Sex, from_id: Sex },
    #[error("就学状态“{}”须选择学校", .0.zh())]
    NoSchool(Status),
    #[error("年级应为1–9，实际为{0}")]
    Grade(u8),
    #[error("标记为残疾儿童时须选择残疾类别")]
    DisabilityWithoutCategory,
    #[error("“{}”状态只适用于残疾儿童", .0.zh())]
    StatusNeedsDisability(Status),
    #[error("监护人电话“{0}”不是有效的号码")]
    Phone(String),
    #[error("学籍号“{0}”已属于{1}")]
    DuplicateStudentNumber(String, String),
    #[error("身份证号“{0}”已属于{1}")]
    DuplicateIdNumber(String, String),
    #[error("{0}")]
    Status(#[from] StatusChangeError),
}

impl super::Localized for ChildProblem {
    fn en(&self) -> String {
        match self {
            ChildProblem::NoName => "The name must not be empty".into(),
            ChildProblem::IdNumber(e) => e.en(),
            ChildProblem::NoIdWithoutReason => "Without an ID number, say why".into(),
            ChildProblem::BirthDateDisagrees { entered, from_id } => {
                format!("The birth date {entered} disagrees with {from_id} in the ID number")
            }
            ChildProblem::SexDisagrees { entered, from_id } => format!(
                "Sex “{}” disagrees with the ID number ({})",
                entered.en(),
                from_id.en()
            ),
            ChildProblem::NoSchool(s) => format!("Status “{}” needs a school", s.en()),
            ChildProblem::Grade(g) => format!("The grade should be 1–9, not {g}"),
            ChildProblem::DisabilityWithoutCategory => {
                "A disabled child needs a disability category".into()
            }
            ChildProblem::StatusNeedsDisability(s) => {
                format!("Status “{}” is only for disabled children", s.en())
            }
            ChildProblem::Phone(p) => format!("The guardian's phone “{p}” is not a valid number"),
            ChildProblem::DuplicateStudentNumber(n, who) => {
                format!("Student number “{n}” already belongs to {who}")
            }
            ChildProblem::DuplicateIdNumber(n, who) => {
                format!("ID number “{n}” already belongs to {who}")
            }
            ChildProblem::Status(e) => e.en(),
        }
    }
}

impl ChildProblem {
    /// Disagreements with the ID number are warnings; everything else blocks saving.
    pub fn is_warning(&self) -> bool {
        matches!(
            self,
            ChildProblem::BirthDateDisagrees { .. } | ChildProblem::SexDisagrees { .. }
        )
    }
}

impl Child {
    /// A new record of which only the id, sex and birth date are known yet: in school, with
    /// no school, name or addresses (an import fills in what its source says).
    pub fn new_record(id: Uuid, sex: Sex, birth_date: NaiveDate, now: NaiveDateTime) -> Child {
        Child {
            id,
            id_number: None,
            no_id_reason: None,
            name: String::new(),
            sex,
            birth_date,
            ethnicity: String::new(),
            hukou: Address::default(),
            residence: Address::default(),
            guardian: Guardian {
                name: String::new(),
                relation: Relation::Other,
                phone: String::new(),
            },
            parents_away: false,
            student_number: None,
            school_id: None,
            grade: None,
            class_name: String::new(),
            status: Status::InSchool,
            groups: Vec::new(),
            disability: None,
            note: String::new(),
            previous_year: None,
            roll: None,
            revision: 0,
            updated_at: now,
        }
    }

    /// The stage of the child's grade, if in one.
    pub fn stage(&self) -> Option<Stage> {
        self.grade.and_then(Stage::of_grade)
    }

    /// Checks the record on its own. Uniqueness against other children is the ledger's job.
    pub fn problems(&self) -> Vec<ChildProblem> {
        let mut out = Vec::new();
        if self.name.trim().is_empty() {
            out.push(ChildProblem::NoName);
        }
        match &self.id_number {
            Some(id) => {
                if id.birth_date() != self.birth_date {
                    out.push(ChildProblem::BirthDateDisagrees {
                        entered: self.birth_date,
                        from_id: id.birth_date(),
                    });
                }
                if id.sex() != self.sex {
                    out.push(ChildProblem::SexDisagrees {
                        entered: self.sex,
                        from_id: id.sex(),
                    });
                }
            }
            None if self.no_id_reason.is_none() => out.push(ChildProblem::NoIdWithoutReason),
            None => {}
        }
        if self.status.needs_school() && self.school_id.is_none() {
            out.push(ChildProblem::NoSchool(self.status));
        }
        if let Some(g) = self.grade {
            if !(1..=9).contains(&g) {
                out.push(ChildProblem::Grade(g));
            }
        }
        let disabled = self.groups.contains(&SpecialGroup::Disabled);
        if disabled && self.disability.is_none() {
            out.push(ChildProblem::DisabilityWithoutCategory);
        }
        if matches!(
            self.status,
            Status::RegularClass | Status::HomeTeaching | Status::SpecialSchool
        ) && !disabled
        {
            out.push(ChildProblem::StatusNeedsDisability(self.status));
        }
        let phone = self.guardian.phone.trim();
        if !phone.is_empty() && !is_phone(phone) {
            out.push(ChildProblem::Phone(phone.to_string()));
        }
        out
    }

    /// Field-by-field differences, for the audit trail, labelled in Chinese.
    pub fn diff(&self, after: &Child, names: &dyn Fn(&Child) -> ChildNames) -> Vec<FieldChange> {
        let (b, a) = (
            self.display_fields(&names(self)),
            after.display_fields(&names(after)),
        );
        b.into_iter()
            .zip(a)
            .filter(|(x, y)| x.1 != y.1)
            .map(|(x, y)| FieldChange {
                field: x.0.zh().to_string(),
                before: x.1,
                after: y.1,
            })
            .collect()
    }

    /// Every field as (field, text) — the order of the form.
    pub fn display_fields(&self, names: &ChildNames) -> Vec<(ChildField, String)> {
        self.display_fields_in(names, Lang::Zh)
    }

    /// The record's fields as a page shows them in `lang` (the audit keeps Chinese).
    pub fn display_fields_in(&self, names: &ChildNames, lang: Lang) -> Vec<(ChildField, String)> {
        let opt = |o: &Option<String>| o.clone().unwrap_or_default();
        let yes_no = |b: bool| match (b, lang) {
            (true, Lang::Zh) => "是",
            (false, Lang::Zh) => "否",
            (true, Lang::En) => "Yes",
            (false, Lang::En) => "No",
        };
        let list_sep = if lang == Lang::Zh { "、" } else { ", " };
        vec![
            (ChildField::Name, self.name.clone()),
            (
                ChildField::IdNumber,
                self.id_number
                    .as_ref()
                    .map(|i| i.to_string())
                    .unwrap_or_default(),
            ),
            (
                ChildField::NoIdReason,
                self.no_id_reason
                    .map(|r| r.label(lang).to_string())
                    .unwrap_or_default(),
            ),
            (ChildField::Sex, self.sex.label(lang).to_string()),
            (ChildField::BirthDate, self.birth_date.to_string()),
            (ChildField::Ethnicity, self.ethnicity.clone()),
            (
                ChildField::Hukou,
                format!("{}{}", names.hukou_township, self.hukou.detail),
            ),
            (
                ChildField::Residence,
                format!("{}{}", names.residence_township, self.residence.detail),
            ),
            (ChildField::Guardian, self.guardian.name.clone()),
            (
                ChildField::GuardianRelation,
                self.guardian.relation.label(lang).to_string(),
            ),
            (ChildField::GuardianPhone, self.guardian.phone.clone()),
            (
                ChildField::ParentsAway,
                yes_no(self.parents_away).to_string(),
            ),
            (ChildField::StudentNumber, opt(&self.student_number)),
            (ChildField::School, names.school.clone()),
            (
                ChildField::Grade,
                self.grade.map(|g| g.to_string()).unwrap_or_default(),
            ),
            (ChildField::Class, self.class_name.clone()),
            (ChildField::Status, self.status.label(lang).to_string()),
            (
                ChildField::Groups,
                self.groups
                    .iter()
                    .map(|g| g.label(lang))
                    .collect::<Vec<_>>()
                    .join(list_sep),
            ),
            (
                ChildField::Disability,
                self.disability
                    .map(|d| d.label(lang).to_string())
                    .unwrap_or_default(),
            ),
            (ChildField::Note, self.note.clone()),
        ]
    }
}

labelled_enum! {
    /// The fields of a child's record, as people name them.
    ChildField {
        Name = ("name", "姓名", "Name"),
        IdNumber = ("id-number", "身份证号", "ID number"),
        NoIdReason = ("no-id-reason", "无身份证号原因", "Reason for no ID"),
        Sex = ("sex", "性别", "Sex"),
        BirthDate = ("birth-date", "出生日期", "Birth date"),
        Ethnicity = ("ethnicity", "民族", "Ethnicity"),
        Hukou = ("hukou", "户籍地", "Household registration"),
        Residence = ("residence", "现居住地", "Residence"),
        Guardian = ("guardian", "监护人", "Guardian"),
        GuardianRelation = ("guardian-relation", "监护人关系", "Relation"),
        GuardianPhone = ("guardian-phone", "监护人电话", "Guardian's phone"),
        ParentsAway = ("parents-away", "父母外出务工", "Parents away for work"),
        StudentNumber = ("student-number", "学籍号", "Student number"),
        School = ("school", "学校", "School"),
        Grade = ("grade", "年级", "Grade"),
        Class = ("class", "班级", "Class"),
        Status = ("status", "就学状态", "Status"),
        Groups = ("groups", "重点群体", "Special groups"),
        Disability = ("disability", "残疾类别", "Disability"),
        Note = ("note", "备注", "Note"),
    }
}

/// Enrollment at the end of a school year (学年末在籍情况).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PreviousYear {
    /// The school year, by the year it started (2025 = 2025–2026).
    pub school_year: i32,
    pub school_id: Option<Uuid>,
    pub grade: Option<u8>,
}

/// Names the child's codes stand for, resolved by the caller (the ledger knows schools and
/// townships).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChildNames {
    pub school: String,
    pub hukou_township: String,
    pub residence_township: String,
}

/// A mainland mobile (11 digits from 1) or a landline with area code.
pub fn is_phone(s: &str) -> bool {
    let digits: String = s.chars().filter(|c| *c != '-' && *c != ' ').collect();
    digits.bytes().all(|b| b.is_ascii_digit())
        && ((digits.len() == 11 && digits.starts_with('1'))
            || (digits.starts_with('0') && (10..=12).contains(&digits.len())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enrolled_statuses_include_home_teaching_and_special_school() {
        let enrolled: Vec<_> = Status::ALL
            .iter()
            .filter(|s| s.counts_as_enrolled())
            .collect();
        assert_eq!(
            enrolled,
            [
                &Status::InSchool,
                &Status::RegularClass,
                &Status::SpecialSchool,
                &Status::HomeTeaching
            ]
        );
        assert!(!Status::Suspended.counts_as_enrolled());
        assert!(!Status::SuspectedDropout.counts_as_enrolled());
    }

    #[test]
    fn direct_status_changes_leave_suspects_and_dropouts_to_the_casework() {
        use Status::*;
        use StatusChangeError as E;
        assert_eq!(InSchool.can_change_to(Dropout), Err(E::NeedsVerification));
        assert_eq!(
            InSchool.can_change_to(SuspectedDropout),
            Err(E::FlagInstead)
        );
        assert_eq!(
            SuspectedDropout.can_change_to(Dropout),
            Err(E::SuspectNeedsVerification)
        );
        assert_eq!(
            SuspectedDropout.can_change_to(InSchool),
            Err(E::SuspectNeedsVerification)
        );
        assert_eq!(Dropout.can_change_to(InSchool), Err(E::DropoutNeedsClosing));
        assert_eq!(Deceased.can_change_to(InSchool), Err(E::Final(Deceased)));
        assert!(Deceased.can_change_to(Deceased).is_ok());
        assert!(
            Dropout.can_change_to(Dropout).is_ok(),
            "editing other fields of a dropout is fine"
        );
        // Ordinary changes are free.
        assert!(InSchool.can_change_to(Suspended).is_ok());
        assert!(Suspended.can_change_to(InSchool).is_ok());
        assert!(InSchool.can_change_to(MovedAway).is_ok());
        assert!(Deferred.can_change_to(InSchool).is_ok());
    }

    #[test]
    fn labels_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::from_key(s.key()), Some(*s));
            assert_eq!(Status::from_label(s.zh()), Some(*s));
        }
        assert_eq!(ETHNICITIES.len(), 56);
    }

    #[test]
    fn phones() {
        assert!(is_phone("13912345678"));
        assert!(is_phone("0743-4221234"));
        assert!(!is_phone("12345"));
        assert!(!is_phone("1391234567a"));
    }

    #[test]
    fn every_problem_with_a_childs_record_is_said_in_english_too() {
        use crate::model::id_number::IdNumberError;
        use crate::model::Localized;
        let d = NaiveDate::from_ymd_opt(2015, 3, 8).unwrap();
        let id_errors = [
            IdNumberError::Length(17),
            IdNumberError::NotDigit {
                position: 3,
                found: 'a',
            },
            IdNumberError::BirthDate("20150230".into()),
            IdNumberError::CheckCharacter {
                expected: 'X',
                found: '1',
            },
            IdNumberError::AreaCode("999999".into()),
        ];
        let status = [
            StatusChangeError::Final(Status::Deceased),
            StatusChangeError::NeedsVerification,
            StatusChangeError::FlagInstead,
            StatusChangeError::SuspectNeedsVerification,
            StatusChangeError::DropoutNeedsClosing,
        ];
        let mut problems = vec![
            ChildProblem::NoName,
            ChildProblem::NoIdWithoutReason,
            ChildProblem::BirthDateDisagrees {
                entered: d,
                from_id: d,
            },
            ChildProblem::SexDisagrees {
                entered: Sex::Male,
                from_id: Sex::Female,
            },
            ChildProblem::NoSchool(Status::InSchool),
            ChildProblem::Grade(10),
            ChildProblem::DisabilityWithoutCategory,
            ChildProblem::StatusNeedsDisability(Status::HomeTeaching),
            ChildProblem::Phone("123".into()),
            ChildProblem::DuplicateStudentNumber("G1".into(), "Li".into()),
            ChildProblem::DuplicateIdNumber("4331".into(), "Li".into()),
        ];
        problems.extend(id_errors.into_iter().map(ChildProblem::IdNumber));
        problems.extend(status.into_iter().map(ChildProblem::Status));
        for p in &problems {
            let en = p.en();
            assert!(
                !en.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{p}: {en}"
            );
            assert_ne!(en, p.to_string());
        }
        let save = crate::ledger::SaveError::Invalid(problems);
        assert!(save.en().contains("; "));
    }
}
