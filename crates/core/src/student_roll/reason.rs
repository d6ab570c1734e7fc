//! Why a row of a 学籍 export or a school list is not imported, said in either language.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::model::id_number::IdProblem;
use crate::model::{Labelled, Localized, SchoolError, Sex};

/// Why one row is not imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RollReason {
    NoName,
    IdNumber(IdProblem),
    /// Neither an ID number nor a national student number: no way to tell who it is.
    NoIdentity,
    BadBirthDate(String),
    BirthDisagrees {
        written: NaiveDate,
        in_id: NaiveDate,
    },
    NoBirthDate,
    NoSex,
    BadSex(String),
    SexDisagrees {
        written: String,
        in_id: Sex,
    },
    NoGrade,
    BadGrade(String),
    BadSchoolCode(String),
    BadDisability(String),
    /// A file chosen for one school holds a pupil of another.
    NotThisSchool {
        chosen: String,
        written: String,
    },
    /// No school in the row and none chosen for the file.
    NoSchool,
    /// The same child in two schools' files.
    InTwoSchools {
        here: String,
        there: String,
        file: String,
        line: usize,
    },
    /// The same child twice in one school's files: the later row.
    Repeated {
        file: String,
        line: usize,
        key: String,
    },
    /// The ledger has the child as deceased.
    Deceased,
    NoSchoolName,
    BadSchoolKind(String),
    UnknownTownship(String),
    School(SchoolError),
}

impl std::fmt::Display for RollReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use RollReason::*;
        match self {
            NoName => f.write_str("没有姓名"),
            IdNumber(p) => write!(f, "{p}"),
            NoIdentity => f.write_str("既没有身份证件号，也没有全国学籍号，无法确定是哪名学生"),
            BadBirthDate(b) => {
                write!(f, "出生日期“{b}”无法识别（应如 2015-03-08 或 2015年3月8日）")
            }
            BirthDisagrees { written, in_id } => {
                write!(f, "出生日期{written}与身份证件号中的{in_id}不一致")
            }
            NoBirthDate => f.write_str("没有出生日期"),
            NoSex => f.write_str("没有性别"),
            BadSex(s) => write!(f, "性别“{s}”无法识别（应为男或女）"),
            SexDisagrees { written, in_id } => {
                write!(f, "性别“{written}”与身份证件号（{}）不一致", in_id.zh())
            }
            NoGrade => f.write_str("没有年级"),
            BadGrade(g) => {
                write!(f, "年级“{g}”无法识别（应为一年级至九年级，或如“2020级”）")
            }
            BadSchoolCode(c) => write!(f, "学校标识码“{c}”应为10位数字"),
            BadDisability(d) => write!(
                f,
                "残疾类型“{d}”无法识别（应为视力、听力、言语、肢体、智力、精神或多重）"
            ),
            NotThisSchool { chosen, written } => {
                write!(f, "不是“{chosen}”的学生（名册中的学校为“{written}”），未导入")
            }
            NoSchool => f.write_str("没有学校标识码或学校名称，且未为该文件选择学校"),
            InTwoSchools {
                here,
                there,
                file,
                line,
            } => write!(
                f,
                "同一名学生同时在“{here}”和“{there}”的名册中（另见{file}第{line}行），请核实在哪所学校就读"
            ),
            Repeated { file, line, key } => {
                write!(f, "与{file}第{line}行是同一名学生（{key}），重复的一行未导入")
            }
            Deceased => f.write_str("台账中该儿童已登记为死亡，请核实后在学籍系统中处理"),
            NoSchoolName => f.write_str("没有学校名称"),
            BadSchoolKind(k) => write!(f, "学校类型“{k}”无法识别"),
            UnknownTownship(t) => write!(f, "所在乡镇“{t}”不是本县的乡镇，也无法从校名判断"),
            School(e) => write!(f, "{e}"),
        }
    }
}

impl Localized for RollReason {
    fn en(&self) -> String {
        use RollReason::*;
        match self {
            NoName => "No name".into(),
            IdNumber(p) => p.en(),
            NoIdentity => {
                "Neither an ID number nor a national student number: no way to tell who it is"
                    .into()
            }
            BadBirthDate(b) => {
                format!("The birth date “{b}” is not understood (write it as 2015-03-08)")
            }
            BirthDisagrees { written, in_id } => {
                format!("The birth date {written} disagrees with {in_id} in the ID number")
            }
            NoBirthDate => "No birth date".into(),
            NoSex => "No sex".into(),
            BadSex(s) => format!("The sex “{s}” is not understood (male or female)"),
            SexDisagrees { written, in_id } => format!(
                "The sex “{written}” disagrees with the ID number ({})",
                Labelled::en(*in_id)
            ),
            NoGrade => "No grade".into(),
            BadGrade(g) => format!(
                "The grade “{g}” is not understood (grades 1 to 9, or the year of entry such as 2020)"
            ),
            BadSchoolCode(c) => format!("A school code has 10 digits, not “{c}”"),
            BadDisability(d) => format!(
                "The disability “{d}” is not understood (sight, hearing, speech, physical, intellectual, mental or multiple)"
            ),
            NotThisSchool { chosen, written } => format!(
                "Not a pupil of “{chosen}” (the file says “{written}”): not imported"
            ),
            NoSchool => {
                "No school code or school name, and no school chosen for the file".into()
            }
            InTwoSchools {
                here,
                there,
                file,
                line,
            } => format!(
                "The same pupil is in the files of both “{here}” and “{there}” (see {file}, line {line}): check which school they attend"
            ),
            Repeated { file, line, key } => format!(
                "The same pupil as {file}, line {line} ({key}): the repeated row is not imported"
            ),
            Deceased => {
                "The ledger records this child as deceased: check, and correct it in the national system"
                    .into()
            }
            NoSchoolName => "No school name".into(),
            BadSchoolKind(k) => format!("The school type “{k}” is not understood"),
            UnknownTownship(t) => format!(
                "The township “{t}” is not one of the county's, and the school's name does not tell"
            ),
            School(e) => e.en(),
        }
    }
}
