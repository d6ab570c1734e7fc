//! Administrative units (GB/T 2260 divisions), schools, and the installation's own unit.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::labelled_enum;

labelled_enum! {
    /// Level of the unit a BaoXue installation works for.
    Level {
        School = ("school", "学校", "School"),
        Township = ("township", "乡镇", "Township"),
        County = ("county", "县/区", "County"),
        Prefecture = ("prefecture", "市/州", "Prefecture"),
        Province = ("province", "省", "Province"),
    }
}

impl Level {
    /// Length of the division code that identifies a unit of this level (a school sits in
    /// a township).
    pub fn division_code_len(self) -> usize {
        match self {
            Level::Province => 2,
            Level::Prefecture => 4,
            Level::County => 6,
            Level::Township | Level::School => 9,
        }
    }
}

/// One administrative division from the GB/T 2260 table (and its 9-digit township codes).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Division {
    pub code: String,
    pub name: String,
}

labelled_enum! {
    /// 学校类型.
    SchoolKind {
        Primary = ("primary", "小学", "Primary school"),
        Junior = ("junior", "初中", "Junior secondary"),
        NineYear = ("nine-year", "九年一贯制", "Nine-year school"),
        Complete = ("complete", "完全中学", "Complete secondary"),
        Special = ("special", "特殊教育学校", "Special education school"),
        TeachingPoint = ("point", "教学点", "Teaching point"),
    }
}

impl SchoolKind {
    /// Grades a school of this kind normally teaches.
    pub fn grades(self) -> std::ops::RangeInclusive<u8> {
        match self {
            SchoolKind::Primary => 1..=6,
            SchoolKind::TeachingPoint => 1..=4,
            SchoolKind::Junior | SchoolKind::Complete => 7..=9,
            SchoolKind::NineYear | SchoolKind::Special => 1..=9,
        }
    }
}

/// A school (学校) under a township.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct School {
    pub id: Uuid,
    pub name: String,
    /// 学校标识码: 10 digits, optional.
    pub code: Option<String>,
    pub kind: SchoolKind,
    /// 9-digit code of the township the school is in.
    pub township_code: String,
}

/// Problems with a school as entered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum SchoolError {
    #[error("学校名称不能为空")]
    EmptyName,
    #[error("学校标识码应为10位数字，实际为“{0}”")]
    Code(String),
    #[error("请选择学校所在乡镇")]
    NoTownship,
    #[error("本县已有同名学校“{0}”")]
    DuplicateName(String),
    #[error("学校标识码“{0}”已被其他学校使用")]
    DuplicateCode(String),
}

impl super::Localized for SchoolError {
    fn en(&self) -> String {
        match self {
            SchoolError::EmptyName => "The school needs a name".into(),
            SchoolError::Code(c) => format!("A school code has 10 digits, not “{c}”"),
            SchoolError::NoTownship => "Choose the school's township".into(),
            SchoolError::DuplicateName(n) => format!("The county already has a school named “{n}”"),
            SchoolError::DuplicateCode(c) => {
                format!("The school code “{c}” is already used by another school")
            }
        }
    }
}

impl School {
    /// Checks one school against the others of the installation.
    pub fn validate(&self, others: &[School]) -> Result<(), SchoolError> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err(SchoolError::EmptyName);
        }
        if let Some(code) = &self.code {
            if code.len() != 10 || !code.bytes().all(|b| b.is_ascii_digit()) {
                return Err(SchoolError::Code(code.clone()));
            }
        }
        if self.township_code.len() != 9 {
            return Err(SchoolError::NoTownship);
        }
        for other in others.iter().filter(|o| o.id != self.id) {
            if other.name.trim() == name {
                return Err(SchoolError::DuplicateName(name.to_string()));
            }
            if other.code.is_some() && other.code == self.code {
                return Err(SchoolError::DuplicateCode(
                    other.code.clone().unwrap_or_default(),
                ));
            }
        }
        Ok(())
    }
}

/// The township of the county an address or a school's name names, and the text after it:
/// the longest full name found ("惠城镇"), else a name without its 镇/乡/街道 ending
/// ("惠城第一小学") of at least two characters.
pub fn township_in<'a, 't>(
    text: &'t str,
    townships: &'a [Division],
) -> Option<(&'a Division, &'t str)> {
    let full = townships
        .iter()
        .filter_map(|d| {
            text.find(d.name.as_str())
                .map(|at| (d, at + d.name.len(), d.name.len()))
        })
        .max_by_key(|(_, _, len)| *len);
    let found = full.or_else(|| {
        townships
            .iter()
            .filter_map(|d| {
                let stem = ["街道办事处", "街道", "镇", "乡"]
                    .iter()
                    .find_map(|end| d.name.strip_suffix(end))
                    .unwrap_or(&d.name);
                (stem.chars().count() >= 2)
                    .then(|| text.find(stem).map(|at| (d, at + stem.len(), stem.len())))
                    .flatten()
            })
            .max_by_key(|(_, _, len)| *len)
    });
    found.map(|(d, end, _)| (d, text[end..].trim_start_matches(['，', ',', ' '])))
}

/// Which unit this browser works for, chosen once at first start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Installation {
    pub level: Level,
    /// Path from province down to the unit's division: province, prefecture, county,
    /// and township for township and school level.
    pub divisions: Vec<Division>,
    /// Townships of the county (9-digit codes), from the division table.
    pub townships: Vec<Division>,
    /// For a school-level installation: the school itself.
    pub school_id: Option<Uuid>,
    /// Name of the person operating this installation (经办人), used in the audit trail.
    pub operator: String,
    pub created_at: NaiveDateTime,
    /// Set when the data is the synthetic demo county.
    pub demo: bool,
}

impl Installation {
    /// Full name of the unit, e.g. "湖南省湘西土家族苗族自治州泸溪县".
    pub fn unit_name(&self) -> String {
        self.divisions
            .iter()
            .filter(|d| d.name != "市辖区" && d.name != "县")
            .map(|d| d.name.as_str())
            .collect()
    }

    /// Short name: the last division's name.
    pub fn short_name(&self) -> &str {
        self.divisions.last().map(|d| d.name.as_str()).unwrap_or("")
    }

    pub fn township_name(&self, code: &str) -> Option<&str> {
        self.townships
            .iter()
            .find(|t| t.code == code)
            .map(|t| t.name.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn school(name: &str, code: Option<&str>) -> School {
        School {
            id: Uuid::new_v4(),
            name: name.into(),
            code: code.map(Into::into),
            kind: SchoolKind::Primary,
            township_code: "433122100".into(),
        }
    }

    #[test]
    fn school_codes_are_ten_digits_and_names_unique() {
        assert!(school("武溪镇中心小学", Some("2143001234"))
            .validate(&[])
            .is_ok());
        assert_eq!(
            school("x", Some("21430")).validate(&[]),
            Err(SchoolError::Code("21430".into()))
        );
        assert_eq!(
            school("  ", None).validate(&[]),
            Err(SchoolError::EmptyName)
        );
        let a = school("武溪镇中心小学", Some("2143001234"));
        let b = school("武溪镇中心小学", None);
        assert_eq!(
            b.validate(std::slice::from_ref(&a)),
            Err(SchoolError::DuplicateName("武溪镇中心小学".into()))
        );
        let c = school("浦市镇中学", Some("2143001234"));
        assert_eq!(
            c.validate(&[a]),
            Err(SchoolError::DuplicateCode("2143001234".into()))
        );
    }
}
