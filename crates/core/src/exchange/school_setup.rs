//! 学校安装文件: what a county gives a school so that the school's installation starts from
//! the county's own record instead of typing — the school as the county lists it (same id,
//! same 学校标识码, so its reports are recognised), where it is, the county's 控辍保学
//! settings, and optionally the school's children from the county's ledger.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Envelope, UnitRef};
use crate::casework::CaseworkSettings;
use crate::ledger::Ledger;
use crate::model::{Child, Division, Installation, Level, School};

pub const SCHOOL_SETUP_KIND: &str = "school-setup";

/// The payload of a school set-up file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SchoolSetup {
    pub school: School,
    /// Province, prefecture, county and the school's township.
    pub divisions: Vec<Division>,
    pub settings: CaseworkSettings,
    /// The school's children as the county's ledger has them; empty when not included.
    pub children: Vec<Child>,
    pub made_by: String,
    pub made_at: NaiveDateTime,
    /// The county's public key (age1…): the school's reports are sealed to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub county_key: Option<String>,
}

/// Why a set-up file cannot be made or used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SchoolSetupError {
    #[error("本县没有这所学校")]
    NoSchool,
    #[error("学校“{0}”所在乡镇不在本县乡镇名单中，请先在“学校”页核实")]
    NoTownship(String),
    #[error("安装文件中的学校信息不完整：{0}")]
    Invalid(#[from] crate::model::SchoolError),
    #[error("安装文件中的学校信息不完整：缺少学校所在乡镇")]
    NoSchoolTownship,
    #[error("安装文件中的学校信息不完整：行政区划不完整，或含有其他学校的学生")]
    Inconsistent,
}

impl crate::model::Localized for SchoolSetupError {
    fn en(&self) -> String {
        match self {
            SchoolSetupError::NoSchool => "The county has no such school".into(),
            SchoolSetupError::NoTownship(s) => format!(
                "The township of “{s}” is not among the county's townships: check it on the Schools page"
            ),
            SchoolSetupError::Invalid(e) => {
                format!("The set-up file's school is incomplete: {}", e.en())
            }
            SchoolSetupError::NoSchoolTownship => {
                "The set-up file's school is incomplete: it has no township".into()
            }
            SchoolSetupError::Inconsistent => {
                "The set-up file is incomplete: its divisions are missing, or it holds pupils of another school".into()
            }
        }
    }
}

impl SchoolSetup {
    /// The file for one school of a county installation.
    pub fn for_school(
        county: &Installation,
        ledger: &Ledger,
        settings: &CaseworkSettings,
        school_id: Uuid,
        with_children: bool,
        (made_by, made_at): (&str, NaiveDateTime),
    ) -> Result<SchoolSetup, SchoolSetupError> {
        let school = ledger.school(school_id).ok_or(SchoolSetupError::NoSchool)?;
        let township = county
            .townships
            .iter()
            .find(|t| t.code == school.township_code)
            .ok_or_else(|| SchoolSetupError::NoTownship(school.name.clone()))?;
        let mut divisions: Vec<Division> = county
            .divisions
            .iter()
            .filter(|d| d.code.len() <= 6)
            .cloned()
            .collect();
        divisions.push(township.clone());
        let children = if with_children {
            ledger
                .children()
                .iter()
                .filter(|c| c.school_id == Some(school_id))
                .cloned()
                .collect()
        } else {
            Vec::new()
        };
        Ok(SchoolSetup {
            school: school.clone(),
            divisions,
            settings: settings.clone(),
            children,
            made_by: made_by.to_string(),
            made_at,
            county_key: None,
        })
    }

    /// The envelope: from the county to the school.
    pub fn envelope(&self, county: &Installation) -> Envelope {
        Envelope::new(
            SCHOOL_SETUP_KIND,
            UnitRef::of(county),
            Some(UnitRef::school(&self.school)),
            None,
            self.made_at,
            &self.made_by,
            None,
        )
    }

    /// The school's installation, as its first start would have made it, operated by
    /// `operator`.
    pub fn installation(
        &self,
        operator: &str,
        now: NaiveDateTime,
    ) -> Result<Installation, SchoolSetupError> {
        self.school
            .validate(&[])
            .map_err(SchoolSetupError::Invalid)?;
        let township = self
            .divisions
            .last()
            .filter(|d| d.code == self.school.township_code && d.code.len() == 9)
            .ok_or(SchoolSetupError::NoSchoolTownship)?;
        if self.divisions.len() < 3
            || self
                .children
                .iter()
                .any(|c| c.school_id != Some(self.school.id))
        {
            return Err(SchoolSetupError::Inconsistent);
        }
        Ok(Installation {
            level: Level::School,
            divisions: self.divisions.clone(),
            townships: vec![township.clone()],
            school_id: Some(self.school.id),
            operator: operator.to_string(),
            created_at: now,
            demo: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::super::holdings::{Inbox, ReportState};
    use super::super::report::{MonthlyReport, MONTHLY_KIND};
    use super::super::test_county::{county, d};
    use super::super::{bundle_text, decrypt, encrypt, read_payload, write_bundle};
    use super::*;

    #[test]
    fn a_school_installed_from_the_countys_file_is_the_countys_school_and_its_report_counts() {
        let k = county("433122", 3_000);
        let school =
            k.c.schools
                .iter()
                .find(|s| s.code.is_some())
                .unwrap()
                .clone();
        let settings = k.book.settings.clone();
        let at = d(2026, 12, 1).and_hms_opt(9, 0, 0).unwrap();
        let setup = SchoolSetup::for_school(
            &k.c.installation,
            &k.ledger,
            &settings,
            school.id,
            true,
            ("县学籍办", at),
        )
        .unwrap();
        let mine = k
            .ledger
            .children()
            .iter()
            .filter(|c| c.school_id == Some(school.id))
            .count();
        assert_eq!(setup.children.len(), mine);
        let file = encrypt(
            write_bundle(setup.envelope(&k.c.installation), &setup)
                .unwrap()
                .as_bytes(),
            "学校安装口令123",
        )
        .unwrap();
        assert!(decrypt(&file, "wrong-passphrase").is_err());

        // The school's first start.
        let text = bundle_text(&file, Some("学校安装口令123")).unwrap();
        let (env, got) = read_payload::<SchoolSetup>(&text, SCHOOL_SETUP_KIND).unwrap();
        assert_eq!(
            env.to_unit.as_ref().map(|u| u.code.clone()),
            school.code.clone()
        );
        let inst = got.installation("李老师", at).unwrap();
        assert_eq!(inst.level, Level::School);
        assert_eq!(inst.school_id, Some(school.id));
        assert_eq!(inst.townships[0].code, school.township_code);
        assert!(inst.unit_name().starts_with(&k.c.installation.unit_name()));
        assert_eq!(got.settings, settings);

        // Its monthly report, from its own ledger, is the county's school's.
        let ledger = Ledger::new(
            vec![got.school.clone()],
            &inst.townships,
            got.children.clone(),
        );
        let r =
            MonthlyReport::build(&ledger, &k.book, &k.history, school.id, d(2026, 11, 1)).unwrap();
        let bundle = write_bundle(
            Envelope::new(
                MONTHLY_KIND,
                UnitRef::school(&got.school),
                Some(UnitRef::of(&k.c.installation)),
                Some(r.period.clone()),
                at,
                "李老师",
                None,
            ),
            &r,
        )
        .unwrap();
        let (env, report) = read_payload::<MonthlyReport>(&bundle, MONTHLY_KIND).unwrap();
        let mut inbox = Inbox::default();
        let ours = k.c.schools.iter().find(|s| report.school.is(s));
        let plan = inbox
            .plan(&env, &report, &UnitRef::of(&k.c.installation), ours)
            .unwrap();
        assert!(
            plan.warnings
                .iter()
                .all(|w| !w.to_string().contains("名单")),
            "{:?}",
            plan.warnings
        );
        assert!(inbox.apply(&plan, env, report, at, "县控辍办", &BTreeMap::new()));
        let c = inbox.completeness(
            std::slice::from_ref(&school),
            &r.period,
            d(2026, 12, 5),
            d(2026, 12, 2),
        );
        assert!(matches!(c[0].state, ReportState::Reported { .. }));
    }

    #[test]
    fn a_tampered_set_up_file_with_another_schools_children_is_refused() {
        let k = county("433122", 1_000);
        let school = k.c.schools[0].clone();
        let at = d(2026, 12, 1).and_hms_opt(9, 0, 0).unwrap();
        let mut setup = SchoolSetup::for_school(
            &k.c.installation,
            &k.ledger,
            &k.book.settings,
            school.id,
            false,
            ("县", at),
        )
        .unwrap();
        assert!(setup.children.is_empty());
        let other = k
            .ledger
            .children()
            .iter()
            .find(|c| c.school_id.is_some() && c.school_id != Some(school.id))
            .unwrap();
        setup.children.push(other.clone());
        assert!(matches!(
            setup.installation("李", at),
            Err(SchoolSetupError::Inconsistent)
        ));
        assert_eq!(
            SchoolSetup::for_school(
                &k.c.installation,
                &k.ledger,
                &k.book.settings,
                Uuid::nil(),
                false,
                ("县", at)
            ),
            Err(SchoolSetupError::NoSchool)
        );
    }
}
