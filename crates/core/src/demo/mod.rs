//! A deterministic synthetic county for demos, training and benchmarks: real townships and
//! codes from the division table, invented schools and children with plausible proportions.
//! The same seed always gives the same county.

mod casework;
pub mod history;
mod names;
pub mod rolls;
pub mod rosters;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use rand::{seq::IndexedRandom, Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use uuid::Uuid;

use crate::divisions::DivisionTable;
use crate::installation::Records;
use crate::model::{
    Address, Child, DisabilityCategory, Division, Guardian, Installation, Level, NoIdReason,
    Relation, School, SchoolKind, Sex, SpecialGroup, Status,
};
use crate::rules::id_number::IdNumber;
use crate::rules::school_age::{entry_year, school_year_of};

/// 湖南省湘西土家族苗族自治州泸溪县: a rural county of about 310,000 people with Miao and
/// Tujia majorities, the default demo.
pub const DEFAULT_COUNTY: &str = "433122";
/// 武溪镇, the county seat of 泸溪县.
pub const DEFAULT_SEAT: &str = "433122107";
pub const DEFAULT_CHILDREN: usize = 30_000;
pub const DEFAULT_SEED: u64 = 2026;

/// What to generate.
#[derive(Debug, Clone)]
pub struct DemoParams {
    pub seed: u64,
    pub county_code: String,
    /// Township of the county seat, which has the most schools and children; the first
    /// township when `None` or not in the county.
    pub seat: Option<String>,
    pub children: usize,
    /// The day the demo is "now": ages and school years are counted from it.
    pub today: NaiveDate,
    pub operator: String,
}

impl DemoParams {
    pub fn new(today: NaiveDate) -> Self {
        Self {
            seed: DEFAULT_SEED,
            county_code: DEFAULT_COUNTY.to_string(),
            seat: Some(DEFAULT_SEAT.to_string()),
            children: DEFAULT_CHILDREN,
            today,
            operator: "演示用户".to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DemoError {
    #[error("行政区划表中没有县级代码“{0}”")]
    UnknownCounty(String),
    #[error("县“{0}”在行政区划表中没有乡镇")]
    NoTownships(String),
}

impl crate::model::Localized for DemoError {
    fn en(&self) -> String {
        match self {
            DemoError::UnknownCounty(c) => format!("The division table has no county code “{c}”"),
            DemoError::NoTownships(c) => {
                format!("The county “{c}” has no townships in the division table")
            }
        }
    }
}

/// The generated county.
#[derive(Debug, Clone)]
pub struct DemoCounty {
    pub installation: Installation,
    pub schools: Vec<School>,
    pub children: Vec<Child>,
    pub casework: Records,
}

impl DemoCounty {
    /// The demo county as a county installation's backup holds it: its settings as the app
    /// makes them for the demo (the demo's school calendar), everything else as generated.
    pub fn into_backup(self, today: NaiveDate, made_at: NaiveDateTime) -> crate::exchange::Backup {
        let mut settings =
            crate::casework::CaseworkSettings::for_unit(self.installation.short_name());
        settings.calendar = demo_calendar(today);
        let audit = loaded_audit(
            &self.installation,
            self.schools.len(),
            self.children.len(),
            made_at,
        );
        crate::installation::WholeInstallation {
            installation: self.installation,
            settings,
            schools: self.schools,
            children: self.children,
            records: self.casework,
            mappings: Default::default(),
            roll_mapping: Default::default(),
            roll_follow_up: Default::default(),
        }
        .into_backup(vec![audit])
    }
}

/// Births in China by year (millions, National Bureau of Statistics), to shape cohort sizes.
const BIRTHS: [(i32, f64); 12] = [
    (2009, 15.9),
    (2010, 15.9),
    (2011, 16.0),
    (2012, 16.4),
    (2013, 16.4),
    (2014, 16.9),
    (2015, 16.6),
    (2016, 17.9),
    (2017, 17.2),
    (2018, 15.2),
    (2019, 14.7),
    (2020, 12.0),
];

/// The demo's school calendar: the usual holidays and vacations of the current school year.
pub fn demo_calendar(today: NaiveDate) -> crate::casework::attendance::SchoolCalendar {
    crate::casework::attendance::SchoolCalendar::usual_around(today)
}

/// The audit entry of loading the demo county: in the browser and in its backup file alike.
pub fn loaded_audit(
    installation: &Installation,
    schools: usize,
    children: usize,
    at: NaiveDateTime,
) -> crate::model::AuditEntry {
    crate::model::AuditEntry {
        at,
        operator: installation.operator.clone(),
        action: crate::model::AuditAction::Import,
        subject: "installation".into(),
        summary: format!(
            "载入演示数据：{}，{schools}所学校，{children}名儿童",
            installation.unit_name()
        ),
        changes: Vec::new(),
        lines: Vec::new(),
    }
}

/// Generates a whole county at once.
pub fn generate(p: &DemoParams, table: &DivisionTable) -> Result<DemoCounty, DemoError> {
    let mut g = Generator::new(p.clone(), table)?;
    let mut children = g.next_children(p.children);
    let mut casework = g.casework(&mut children, &crate::casework::CaseworkSettings::default());
    casework.history = history::history(&g.schools, &children, p.today, p.seed);
    Ok(DemoCounty {
        installation: g.installation,
        schools: g.schools,
        children,
        casework,
    })
}

/// Generates a county in batches, so a browser can show progress between them. The
/// children are the same as from [`generate`] whatever the batch sizes.
pub struct Generator {
    pub installation: Installation,
    pub schools: Vec<School>,
    params: DemoParams,
    rng: ChaCha8Rng,
    now: NaiveDateTime,
    issued: std::collections::HashSet<IdNumber>,
    /// Where migrant children are registered: (area code, full place name).
    migrant_places: Vec<(String, String)>,
    made: usize,
}

impl Generator {
    pub fn new(params: DemoParams, table: &DivisionTable) -> Result<Self, DemoError> {
        let county = table
            .get(&params.county_code)
            .filter(|d| d.code.len() == 6)
            .ok_or_else(|| DemoError::UnknownCounty(params.county_code.clone()))?;
        let mut townships: Vec<Division> = table.children_of(&county.code);
        if townships.is_empty() {
            return Err(DemoError::NoTownships(county.name.clone()));
        }
        // The seat goes first: it gets the special school and a larger share of children.
        if let Some(i) = params
            .seat
            .as_ref()
            .and_then(|s| townships.iter().position(|t| &t.code == s))
        {
            let seat = townships.remove(i);
            townships.insert(0, seat);
        }
        let migrant_places = names::MIGRANT_AREAS
            .iter()
            .map(|code| {
                let place: String = table.path(code).iter().map(|d| d.name.as_str()).collect();
                (code.to_string(), place)
            })
            .collect();
        let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
        let now = params.today.and_hms_opt(8, 0, 0).unwrap_or_default();
        let schools = make_schools(&mut rng, &townships, params.children, &county.code);
        let installation = Installation {
            level: Level::County,
            divisions: table.path(&county.code),
            townships,
            school_id: None,
            operator: params.operator.clone(),
            created_at: now,
            demo: true,
        };
        Ok(Self {
            installation,
            schools,
            params,
            rng,
            now,
            issued: Default::default(),
            migrant_places,
            made: 0,
        })
    }

    /// How many children are still to come.
    pub fn remaining(&self) -> usize {
        self.params.children - self.made
    }

    /// Once every child is made: last year's enrolment, the 小升初 leak, and the casework.
    pub fn casework(
        &self,
        children: &mut [Child],
        settings: &crate::casework::CaseworkSettings,
    ) -> Records {
        casework::casework(
            self.params.seed,
            self.params.today,
            &self.schools,
            children,
            settings,
        )
    }

    pub fn next_children(&mut self, n: usize) -> Vec<Child> {
        let n = n.min(self.remaining());
        self.made += n;
        let mut gen = ChildGen {
            rng: &mut self.rng,
            p: &self.params,
            now: self.now,
            townships: &self.installation.townships,
            schools: &self.schools,
            issued: &mut self.issued,
            migrant_places: &self.migrant_places,
        };
        (0..n).map(|_| gen.child()).collect()
    }
}

fn uuid(rng: &mut ChaCha8Rng) -> Uuid {
    uuid::Builder::from_random_bytes(rng.random()).into_uuid()
}

/// Township weight: towns (镇, 街道) are bigger than 乡; farms (林场, 农场) are small.
fn township_weight(d: &Division) -> f64 {
    if d.name.ends_with("林场") || d.name.ends_with("农场") || d.name.contains("开发区") {
        0.15
    } else if d.name.ends_with('乡') {
        0.6
    } else {
        1.0
    }
}

fn make_schools(
    rng: &mut ChaCha8Rng,
    towns: &[Division],
    children: usize,
    county: &str,
) -> Vec<School> {
    let mut schools = Vec::new();
    let mut code_seq = 0u32;
    let mut add = |rng: &mut ChaCha8Rng, name: String, kind: SchoolKind, town: &Division| {
        code_seq += 1;
        schools.push(School {
            id: uuid(rng),
            name,
            code: Some(format!("21{}{:04}", &county[2..6], code_seq)),
            kind,
            township_code: town.code.clone(),
        });
    };
    // One school per ~1,000 children, at least two per township that has people.
    let target = (children / 1000).max(towns.len() * 2);
    let total_weight: f64 = towns.iter().map(township_weight).sum();
    let seat = &towns[0];
    add(
        rng,
        format!("{}特殊教育学校", short(seat)),
        SchoolKind::Special,
        seat,
    );
    for (i, t) in towns.iter().enumerate() {
        let w = township_weight(t);
        let name = short(t);
        if w < 0.5 {
            add(
                rng,
                format!("{name}九年一贯制学校"),
                SchoolKind::NineYear,
                t,
            );
            continue;
        }
        let share = ((target as f64) * w / total_weight).round().max(2.0) as usize;
        add(rng, format!("{name}中心小学"), SchoolKind::Primary, t);
        add(rng, format!("{name}中学"), SchoolKind::Junior, t);
        let mut made = 2;
        let mut n = 2;
        while made < share {
            let kind = match made % 4 {
                0 => SchoolKind::NineYear,
                3 => SchoolKind::TeachingPoint,
                _ => SchoolKind::Primary,
            };
            let label = match kind {
                SchoolKind::NineYear => format!("{name}第{}九年一贯制学校", names::ordinal(n)),
                SchoolKind::TeachingPoint => {
                    format!(
                        "{name}{}村教学点",
                        names::VILLAGES.choose(rng).copied().unwrap_or("新")
                    )
                }
                _ => format!("{name}第{}小学", names::ordinal(n)),
            };
            add(rng, label, kind, t);
            made += 1;
            n += 1;
        }
        if i == 0 {
            add(
                rng,
                format!("{name}第{}中学", names::ordinal(n)),
                SchoolKind::Complete,
                t,
            );
        }
    }
    schools
}

/// Name without the 镇/乡/街道 suffix for school names: "武溪镇" → "武溪".
fn short(d: &Division) -> &str {
    for suffix in ["街道", "镇", "乡"] {
        if let Some(s) = d.name.strip_suffix(suffix) {
            if s.chars().count() >= 2 {
                return s;
            }
        }
    }
    &d.name
}

struct ChildGen<'a> {
    rng: &'a mut ChaCha8Rng,
    p: &'a DemoParams,
    now: NaiveDateTime,
    townships: &'a [Division],
    schools: &'a [School],
    issued: &'a mut std::collections::HashSet<IdNumber>,
    migrant_places: &'a [(String, String)],
}

impl<'a> ChildGen<'a> {
    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p.clamp(0.0, 1.0))
    }

    fn pick_weighted<T: Copy>(&mut self, items: &[(T, f64)]) -> T {
        let total: f64 = items.iter().map(|x| x.1).sum();
        let mut r = self.rng.random_range(0.0..total);
        for (v, w) in items {
            if r < *w {
                return *v;
            }
            r -= w;
        }
        items[items.len() - 1].0
    }

    fn township(&mut self) -> &'a Division {
        let weights: Vec<(usize, f64)> = self
            .townships
            .iter()
            .enumerate()
            .map(|(i, t)| (i, township_weight(t) * if i == 0 { 2.5 } else { 1.0 }))
            .collect();
        &self.townships[self.pick_weighted(&weights)]
    }

    fn birth_date(&mut self) -> NaiveDate {
        // Cohorts of grades 1–9 in the current school year, weighted by national births.
        let year = school_year_of(self.p.today);
        let cohorts: Vec<(i32, f64)> = (1..=9)
            .map(|grade| {
                let entry = year - grade + 1;
                let w = BIRTHS
                    .iter()
                    .find(|b| b.0 == entry - 6)
                    .map(|b| b.1)
                    .unwrap_or(15.0);
                (entry, w)
            })
            .collect();
        let entry = self.pick_weighted(&cohorts);
        // Born between 1 September of entry-7 and 31 August of entry-6.
        let start = NaiveDate::from_ymd_opt(entry - 7, 9, 1).unwrap_or_default();
        let d = start + Duration::days(self.rng.random_range(0..365));
        debug_assert_eq!(entry_year(d), entry);
        d
    }

    fn child(&mut self) -> Child {
        let id = uuid(self.rng);
        let sex = if self.chance(0.53) {
            Sex::Male
        } else {
            Sex::Female
        };
        let birth_date = self.birth_date();
        let grade = (school_year_of(self.p.today) - entry_year(birth_date) + 1).clamp(1, 9) as u8;
        let hukou_town = self.township();
        let migrant = self.chance(0.03);
        let origin = self
            .migrant_places
            .choose(self.rng)
            .cloned()
            .unwrap_or_default();
        let residence_town = if self.chance(0.92) {
            hukou_town
        } else {
            self.township()
        };
        let parents_away = !migrant && self.chance(0.32);

        let surname = *names::SURNAMES.choose(self.rng).unwrap_or(&"向");
        let given = names::given(self.rng, sex);
        let name = format!("{surname}{given}");

        // Special groups.
        let mut groups = Vec::new();
        let poverty = self.chance(0.16);
        if poverty {
            groups.push(SpecialGroup::PovertyRelief);
        }
        if self.chance(if poverty { 0.18 } else { 0.03 }) {
            groups.push(SpecialGroup::LowIncome);
        }
        let orphan = self.chance(0.002);
        if orphan {
            groups.push(SpecialGroup::Orphan);
        } else if self.chance(0.004) {
            groups.push(SpecialGroup::Unsupported);
        }
        let disability = if self.chance(0.013) {
            groups.push(SpecialGroup::Disabled);
            Some(self.pick_weighted(&[
                (DisabilityCategory::Intellectual, 0.34),
                (DisabilityCategory::Physical, 0.2),
                (DisabilityCategory::Hearing, 0.12),
                (DisabilityCategory::Speech, 0.08),
                (DisabilityCategory::Visual, 0.1),
                (DisabilityCategory::Mental, 0.06),
                (DisabilityCategory::Multiple, 0.1),
            ]))
        } else {
            None
        };
        if self.chance(0.01) || orphan {
            groups.push(SpecialGroup::InDifficulty);
        }
        if parents_away && self.chance(0.8) {
            groups.push(SpecialGroup::LeftBehind);
        }
        if migrant {
            groups.push(SpecialGroup::Migrant);
        }

        // Schooling status: concerns are likelier in junior grades and vulnerable families.
        let risk = 1.0
            + if grade >= 7 { 3.5 } else { 0.0 }
            + if poverty { 1.0 } else { 0.0 }
            + if parents_away { 0.8 } else { 0.0 };
        let status = if let Some(cat) = disability {
            let severe = matches!(
                cat,
                DisabilityCategory::Multiple | DisabilityCategory::Intellectual
            );
            self.pick_weighted(&[
                (Status::RegularClass, 0.62),
                (Status::SpecialSchool, 0.18),
                (Status::HomeTeaching, if severe { 0.2 } else { 0.06 }),
                (Status::Suspended, 0.02),
                // Disabled children leave school more often than others: the rate a county must watch.
                (Status::Dropout, 0.015),
            ])
        } else {
            self.pick_weighted(&[
                (Status::InSchool, 0.96),
                (Status::StudyingElsewhere, 0.012),
                (Status::Suspended, 0.002),
                (Status::Deferred, if grade == 1 { 0.01 } else { 0.0 }),
                (Status::SuspectedDropout, 0.0015 * risk),
                (Status::Dropout, 0.0009 * risk),
                (Status::Abroad, 0.0002),
                (Status::MovedAway, 0.0006),
                (Status::Deceased, 0.0001),
            ])
        };

        let school = match status {
            Status::SpecialSchool => self.schools.iter().find(|s| s.kind == SchoolKind::Special),
            s if s.needs_school() || s == Status::SuspectedDropout || s == Status::Dropout => {
                self.school_for(residence_town, grade)
            }
            _ => None,
        };
        let in_grade =
            school.is_some() || matches!(status, Status::SuspectedDropout | Status::Dropout);

        // ID number: most issued in this county; migrants' elsewhere; a few have none.
        let no_id = self.chance(if migrant { 0.05 } else { 0.008 });
        let id_number = if no_id {
            None
        } else {
            let area = if migrant {
                origin.0.as_str()
            } else {
                &self.p.county_code[..6]
            };
            // Real numbers are unique: draw sequences until one is free.
            (0..50).find_map(|_| {
                let base = self.rng.random_range(0..500u16) * 2;
                let seq = if sex == Sex::Male { base + 1 } else { base };
                IdNumber::compose(area, birth_date, seq)
                    .ok()
                    .filter(|id| self.issued.insert(id.clone()))
            })
        };
        let no_id_reason = id_number.is_none().then(|| {
            self.pick_weighted(&[
                (NoIdReason::NoHukou, 0.5),
                (NoIdReason::NotIssued, 0.35),
                (NoIdReason::ForeignBorn, 0.1),
                (NoIdReason::Other, 0.05),
            ])
        });
        let student_number = match (&id_number, school.is_some() || in_grade) {
            (Some(id), true) => Some(format!("G{id}")),
            (None, true) => Some(format!(
                "L{}{:06}",
                birth_date.format("%Y%m%d"),
                self.rng.random_range(0..1_000_000)
            )),
            _ => None,
        };

        let relation = if parents_away {
            if self.chance(0.7) {
                Relation::Grandparent
            } else {
                Relation::MaternalGrandparent
            }
        } else if orphan {
            Relation::Relative
        } else if self.chance(0.55) {
            Relation::Father
        } else {
            Relation::Mother
        };
        let guardian_surname = match relation {
            Relation::Father | Relation::Grandparent => surname,
            _ => *names::SURNAMES.choose(self.rng).unwrap_or(&"田"),
        };
        let guardian = Guardian {
            name: format!("{guardian_surname}{}", names::adult_given(self.rng)),
            relation,
            phone: format!(
                "1{}{:09}",
                [3, 5, 7, 8, 9].choose(self.rng).copied().unwrap_or(3),
                self.rng.random_range(0..1_000_000_000u32)
            ),
        };
        let ethnicity = self
            .pick_weighted(&[
                ("苗族", 0.58),
                ("土家族", 0.2),
                ("汉族", 0.2),
                ("侗族", 0.01),
                ("瑶族", 0.01),
            ])
            .to_string();
        let village = *names::VILLAGES.choose(self.rng).unwrap_or(&"新");
        let detail = format!("{village}村{}组", self.rng.random_range(1..12));
        let updated_at = self.now - Duration::days(self.rng.random_range(0..400));
        Child {
            id,
            id_number,
            no_id_reason,
            name,
            sex,
            birth_date,
            ethnicity,
            hukou: if migrant {
                Address {
                    township_code: None,
                    detail: origin.1.clone(),
                }
            } else {
                Address {
                    township_code: Some(hukou_town.code.clone()),
                    detail: detail.clone(),
                }
            },
            residence: Address {
                township_code: Some(residence_town.code.clone()),
                detail,
            },
            guardian,
            parents_away,
            student_number,
            school_id: school.map(|s| s.id),
            grade: in_grade.then_some(grade),
            class_name: if in_grade {
                format!(
                    "{}班",
                    self.rng.random_range(1..=if grade <= 6 { 3 } else { 5 })
                )
            } else {
                String::new()
            },
            status,
            groups,
            disability,
            note: String::new(),
            previous_year: None,
            roll: None,
            revision: 1,
            updated_at: if updated_at.year() < 2000 {
                self.now
            } else {
                updated_at
            },
        }
    }

    /// A school in or near the township that teaches the grade.
    fn school_for(&mut self, town: &Division, grade: u8) -> Option<&'a School> {
        let teaches =
            |s: &&School| s.kind != SchoolKind::Special && s.kind.grades().contains(&grade);
        let local: Vec<&School> = self
            .schools
            .iter()
            .filter(|s| s.township_code == town.code)
            .filter(teaches)
            .collect();
        if let Some(s) = local.choose(self.rng) {
            return Some(*s);
        }
        let any: Vec<&School> = self.schools.iter().filter(teaches).collect();
        any.choose(self.rng).copied()
    }
}

#[cfg(test)]
mod tests;

/// The demo school: the ordinary school of the demo county with the most suspects, so that
/// its monthly report has names on it.
pub fn demo_school(schools: &[School], children: &[Child], casework: &Records) -> Option<Uuid> {
    let school_of: std::collections::HashMap<Uuid, Uuid> = children
        .iter()
        .filter_map(|c| c.school_id.map(|s| (c.id, s)))
        .collect();
    let mut count: std::collections::HashMap<Uuid, usize> = std::collections::HashMap::new();
    for s in &casework.suspects {
        if let Some(school) = school_of.get(&s.child_id) {
            *count.entry(*school).or_default() += 1;
        }
    }
    schools
        .iter()
        .filter(|s| s.kind != crate::model::SchoolKind::Special)
        .max_by_key(|s| {
            (
                count.get(&s.id).copied().unwrap_or(0),
                std::cmp::Reverse(s.id),
            )
        })
        .map(|s| s.id)
}

/// The demo county as one of its schools sees it: a school installation with the school's
/// children, their casework and the school's monthly figures.
pub fn school_slice(
    county: &Installation,
    schools: &[School],
    children: Vec<Child>,
    casework: Records,
    school_id: Uuid,
) -> Option<(Installation, School, Vec<Child>, Records)> {
    let school = schools.iter().find(|s| s.id == school_id)?.clone();
    let township = county
        .townships
        .iter()
        .find(|t| t.code == school.township_code)?
        .clone();
    let mut installation = county.clone();
    installation.level = crate::model::Level::School;
    installation.divisions.push(township);
    installation.school_id = Some(school_id);
    let children: Vec<Child> = children
        .into_iter()
        .filter(|c| c.school_id == Some(school_id))
        .collect();
    let ours: std::collections::HashSet<Uuid> = children.iter().map(|c| c.id).collect();
    let Records {
        suspects,
        cases,
        transfers,
        plans,
        absences,
        decisions,
        history,
        ..
    } = casework;
    let casework = Records {
        suspects: suspects
            .into_iter()
            .filter(|s| ours.contains(&s.child_id))
            .collect(),
        cases: cases
            .into_iter()
            .filter(|c| ours.contains(&c.child_id))
            .collect(),
        transfers: transfers
            .into_iter()
            .filter(|t| ours.contains(&t.child_id))
            .collect(),
        plans: plans
            .into_iter()
            .filter(|p| ours.contains(&p.child_id))
            .collect(),
        absences: absences
            .into_iter()
            .filter(|a| ours.contains(&a.child_id))
            .collect(),
        decisions,
        history: history
            .into_iter()
            .filter(|m| m.school_id == school_id)
            .collect(),
        ..Default::default()
    };
    Some((installation, school, children, casework))
}
