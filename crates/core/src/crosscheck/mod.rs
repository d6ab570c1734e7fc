//! 四查三比对 (`CrossCheck`): another department's roster against the children's ledger.
//! Rows are matched by ID number, else by name and birth date with a confidence; what
//! comes out are the lists a county acts on, each finding with a stable key so a
//! reviewer's decision is remembered and next month's run shows only what is new or changed.

pub mod actions;
pub mod mapping;
pub mod matching;
pub mod roster;
pub mod session;
pub mod table;
#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime};
use uuid::Uuid;

pub use crate::model::crosscheck::{CrossCheckDecision, Department, FindingKind, Verdict};
pub use csv::StringRecord;
pub use mapping::{ColumnMapping, RememberedMapping, RosterField};
pub use roster::{build_roster, RejectedRow, Roster, RosterRow};
pub use session::{Action, CheckSummary, Mappings, Session, SessionError};
pub use table::{read_table, RawTable, TableError, TableHead};

use crate::ledger::Ledger;
use crate::model::{Child, Labelled, SpecialGroup};
use crate::rules::school_age::is_school_age;

/// Where a finding stands against remembered decisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingState {
    New,
    /// Decided before, but the data behind it changed since.
    Changed(Verdict),
    Decided(Verdict),
}

impl FindingState {
    pub fn is_open(self) -> bool {
        !matches!(self, FindingState::Decided(_))
    }
}

/// One entry of one list.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub kind: FindingKind,
    /// Stable across runs: department, kind and the person.
    pub key: String,
    /// Changes when the data behind the finding changes.
    pub fingerprint: String,
    /// Index in `Roster::rows`.
    pub row: Option<usize>,
    pub child_id: Option<Uuid>,
    /// For matches by name and birth date.
    pub confidence: Option<u8>,
    /// The group to add to the ledger, for special-group children not yet flagged.
    pub missing_group: Option<SpecialGroup>,
    /// What is wrong.
    pub detail: FindingDetail,
    pub state: FindingState,
}

/// What is wrong with one finding, with the values a reviewer compares: said in Chinese
/// (`Display`, as the exported list writes it) and English (`Localized`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum FindingDetail {
    #[default]
    Nothing,
    /// The same ID number as an earlier row of the roster.
    SameIdAs {
        line: usize,
        name: String,
        same_name: bool,
    },
    /// Different ID numbers, close names and birth dates.
    IdsDiffer {
        roster: String,
        ledger: String,
    },
    /// The ledger's child has no ID number.
    LedgerHasNoId,
    /// The roster's ID number cannot be read (why, as the roster reader says it).
    RosterIdProblem(String),
    RosterHasNoId,
    /// Of compulsory-school age, and not in the ledger.
    NotInLedger(Department),
    NameAndBirthDisagree {
        names: Option<(String, String)>,
        births: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
    },
    Group {
        group: SpecialGroup,
        missing: bool,
        status: crate::model::Status,
    },
    /// In school here, not on the police roster.
    NotOnPoliceRoster {
        hukou: String,
    },
}

impl std::fmt::Display for FindingDetail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use FindingDetail::*;
        match self {
            Nothing => Ok(()),
            SameIdAs {
                line,
                name,
                same_name,
            } => write!(
                f,
                "与第{line}行（{name}）身份证号相同{}",
                if *same_name {
                    "，重复登记"
                } else {
                    "，姓名不同，可能有一行身份证号录错"
                }
            ),
            IdsDiffer { roster, ledger } => {
                write!(
                    f,
                    "身份证号不同（名册{roster}，台账{ledger}），姓名和出生日期相近"
                )
            }
            LedgerHasNoId => f.write_str("台账中此人没有身份证号，按姓名和出生日期比对"),
            RosterIdProblem(p) => write!(f, "{p}；按姓名和出生日期比对"),
            RosterHasNoId => f.write_str("名册没有身份证号，按姓名和出生日期比对"),
            NotInLedger(d) => write!(f, "{}在义务教育年龄，台账中没有此人", d.zh()),
            NameAndBirthDisagree { names, births } => {
                let mut parts = Vec::new();
                if let Some((r, l)) = names {
                    parts.push(format!("姓名：名册“{r}”，台账“{l}”"));
                }
                if let Some((r, l)) = births {
                    parts.push(format!("出生日期：名册{r}，台账{l}"));
                }
                f.write_str(&parts.join("；"))
            }
            Group {
                group,
                missing,
                status,
            } => write!(
                f,
                "{}{}；{}",
                group.zh(),
                if *missing {
                    "（台账未标记）"
                } else {
                    ""
                },
                status.zh()
            ),
            NotOnPoliceRoster { hukou } if hukou.is_empty() => f.write_str("户籍名册中没有此人"),
            NotOnPoliceRoster { hukou } => write!(f, "户籍名册中没有此人；台账户籍地：{hukou}"),
        }
    }
}

impl crate::model::Localized for FindingDetail {
    fn en(&self) -> String {
        use FindingDetail::*;
        match self {
            Nothing => String::new(),
            SameIdAs { line, name, same_name } => format!(
                "Same ID number as row {line} ({name}){}",
                if *same_name { ": entered twice" } else { ", another name: one row's ID number may be mistyped" }
            ),
            IdsDiffer { roster, ledger } => format!(
                "Different ID numbers (roster {roster}, ledger {ledger}); names and birth dates close"
            ),
            LedgerHasNoId => "The ledger's child has no ID number: compared by name and birth date".into(),
            RosterIdProblem(p) => format!("{p}; compared by name and birth date"),
            RosterHasNoId => "The roster has no ID number: compared by name and birth date".into(),
            NotInLedger(d) => format!("{}: of compulsory-school age, not in the ledger", d.en()),
            NameAndBirthDisagree { names, births } => {
                let mut parts = Vec::new();
                if let Some((r, l)) = names {
                    parts.push(format!("name: roster “{r}”, ledger “{l}”"));
                }
                if let Some((r, l)) = births {
                    parts.push(format!("birth date: roster {r}, ledger {l}"));
                }
                parts.join("; ")
            }
            Group { group, missing, status } => format!(
                "{}{}; {}",
                group.en(),
                if *missing { " (not flagged in the ledger)" } else { "" },
                status.en()
            ),
            NotOnPoliceRoster { hukou } if hukou.is_empty() => "Not on the household register".into(),
            NotOnPoliceRoster { hukou } => {
                format!("Not on the household register; registered in the ledger at {hukou}")
            }
        }
    }
}

/// What a run found, with counts for the summary line.
#[derive(Debug, Clone, Default)]
pub struct CrossCheckResult {
    pub findings: Vec<Finding>,
    pub matched_by_id: usize,
    pub matched_by_name: usize,
    /// Roster rows not of compulsory-school age on the day of the check.
    pub not_school_age: usize,
}

impl CrossCheckResult {
    pub fn count(&self, kind: FindingKind, open_only: bool) -> usize {
        self.findings
            .iter()
            .filter(|f| f.kind == kind && (!open_only || f.state.is_open()))
            .count()
    }
}

/// Lowest confidence at which a name-and-birth-date match is listed for confirmation.
pub const LIST_CONFIDENCE: u8 = 70;
/// Names must be at least this alike (the same sound) to be offered as one person.
const NAME_SIMILARITY: u8 = 80;

fn fingerprint(parts: &[&str]) -> String {
    crate::digest::sha256_hex(parts.join("\u{1f}").as_bytes())[..16].to_string()
}

fn person_key(r: &RosterRow) -> String {
    match &r.id_number {
        Some(n) => n.as_str().to_string(),
        None => format!(
            "{}|{}",
            r.name,
            r.birth_date.map(|d| d.to_string()).unwrap_or_default()
        ),
    }
}

/// FNV-1a of a name with traditional and variant characters folded.
fn name_hash(name: &str) -> u64 {
    matching::fold_name(name)
        .chars()
        .fold(0xcbf2_9ce4_8422_2325, |h, c| {
            (h ^ u64::from(u32::from(c))).wrapping_mul(0x0100_0000_01b3)
        })
}

/// The ledger by birth date (all children, and those with no ID number) and by folded name,
/// for rows without a usable ID; the name index is built only when such a row comes.
struct NameIndex<'a> {
    ledger: &'a Ledger,
    by_birth: HashMap<NaiveDate, Vec<u32>>,
    by_birth_no_id: HashMap<NaiveDate, Vec<u32>>,
    /// By a hash of the folded name: no copies of 200,000 names; a collision only adds a
    /// candidate that the score then rejects.
    by_name: std::cell::OnceCell<HashMap<u64, Vec<u32>>>,
}

impl<'a> NameIndex<'a> {
    fn new(ledger: &'a Ledger) -> Self {
        let mut by_birth: HashMap<NaiveDate, Vec<u32>> = HashMap::new();
        let mut by_birth_no_id: HashMap<NaiveDate, Vec<u32>> = HashMap::new();
        for (i, c) in ledger.children().iter().enumerate() {
            by_birth.entry(c.birth_date).or_default().push(i as u32);
            if c.id_number.is_none() {
                by_birth_no_id
                    .entry(c.birth_date)
                    .or_default()
                    .push(i as u32);
            }
        }
        Self {
            ledger,
            by_birth,
            by_birth_no_id,
            by_name: Default::default(),
        }
    }

    fn by_name(&self) -> &HashMap<u64, Vec<u32>> {
        self.by_name.get_or_init(|| {
            let mut by_name: HashMap<u64, Vec<u32>> = HashMap::new();
            for (i, c) in self.ledger.children().iter().enumerate() {
                by_name
                    .entry(name_hash(&c.name))
                    .or_default()
                    .push(i as u32);
            }
            by_name
        })
    }

    /// The most likely ledger child for a row, with its confidence.
    fn best(&self, r: &RosterRow, exclude: &HashSet<Uuid>) -> Option<(&'a Child, u8)> {
        let birth = r.birth_date?;
        let none = Vec::new();
        // Two valid, different ID numbers are two people (twins share a birth date and often
        // a sound in their names); and a valid ID carries the birth date, so only a birth date
        // written by hand (no usable ID) is worth looking past.
        let candidates: Box<dyn Iterator<Item = &u32>> = match r.id_number {
            Some(_) => Box::new(self.by_birth_no_id.get(&birth).unwrap_or(&none).iter()),
            None => Box::new(
                self.by_birth
                    .get(&birth)
                    .unwrap_or(&none)
                    .iter()
                    .chain(self.by_name().get(&name_hash(&r.name)).unwrap_or(&none)),
            ),
        };
        candidates
            .filter_map(|i| self.ledger.children().get(*i as usize))
            .filter(|c| !exclude.contains(&c.id))
            .filter(|c| matching::name_similarity(&r.name, &c.name) >= NAME_SIMILARITY)
            .map(|c| {
                let score =
                    matching::confidence((&r.name, &c.name), (birth, c.birth_date), (r.sex, c.sex));
                (c, score)
            })
            .max_by_key(|(_, s)| *s)
    }
}

/// Runs the cross-check of one roster against the ledger on `today`.
pub fn cross_check(
    ledger: &Ledger,
    roster: &Roster,
    decisions: &HashMap<String, CrossCheckDecision>,
    today: NaiveDate,
) -> CrossCheckResult {
    let dept = roster.department;
    let mut out = CrossCheckResult::default();
    let mut push = |mut f: Finding| {
        f.state = match decisions.get(&f.key) {
            None => FindingState::New,
            Some(d) if d.fingerprint == f.fingerprint => FindingState::Decided(d.verdict),
            Some(d) => FindingState::Changed(d.verdict),
        };
        out.findings.push(f);
    };
    let finding = |kind: FindingKind, key: String, fp: String, row: Option<usize>| Finding {
        kind,
        key: format!("{}/{}/{key}", dept.key(), kind.key()),
        fingerprint: fp,
        row,
        child_id: None,
        confidence: None,
        missing_group: None,
        detail: FindingDetail::Nothing,
        state: FindingState::New,
    };

    // The same ID twice: only the first row is matched.
    let mut first_line: HashMap<&str, usize> = HashMap::with_capacity(roster.rows.len());
    let mut duplicate_rows = vec![false; roster.rows.len()];
    for (i, r) in roster.rows.iter().enumerate() {
        let Some(n) = &r.id_number else { continue };
        if let Some(&first) = first_line.get(n.as_str()) {
            duplicate_rows[i] = true;
            let earlier = &roster.rows[first];
            // Keyed by the number and the name, not the line: next month's file is in
            // another order.
            let mut f = finding(
                FindingKind::Duplicate,
                format!("{}/{}", n.as_str(), r.name),
                fingerprint(&[&r.name, &earlier.name]),
                Some(i),
            );
            f.detail = FindingDetail::SameIdAs {
                line: earlier.line,
                name: earlier.name.clone(),
                same_name: earlier.name == r.name,
            };
            push(f);
        } else {
            first_line.insert(n.as_str(), i);
        }
    }

    // Earlier decisions on name matches, by the roster person they were about.
    let prefix = format!("{}/{}/", dept.key(), FindingKind::PossibleMatch.key());
    let mut earlier: HashMap<&str, Vec<&CrossCheckDecision>> = HashMap::new();
    for d in decisions.values() {
        if let Some((person, _)) = d.key.strip_prefix(&prefix).and_then(|k| k.rsplit_once('/')) {
            earlier.entry(person).or_default().push(d);
        }
    }
    // Ledger children found in the roster, by position.
    let mut matched = vec![false; ledger.len()];
    let mut name_index: Option<NameIndex> = None;
    for (i, r) in roster.rows.iter().enumerate() {
        if duplicate_rows[i] {
            continue;
        }
        let by_id = r
            .id_number
            .as_ref()
            .and_then(|n| ledger.slot_by_id_number(n));
        let child = if let Some(slot) = by_id {
            out.matched_by_id += 1;
            matched[slot] = true;
            ledger.children().get(slot)
        } else {
            let pkey = person_key(r);
            // Earlier decisions on this person come first; then the best candidate by
            // name and birth date, listed for a person to confirm.
            let decided = earlier.get(pkey.as_str()).map(Vec::as_slice).unwrap_or(&[]);
            let confirmed = decided
                .iter()
                .find(|d| d.verdict == Verdict::SamePerson)
                .and_then(|d| d.child_id)
                .and_then(|id| ledger.child(id));
            if let Some(c) = confirmed {
                out.matched_by_name += 1;
                if let Some(slot) = ledger.slot_of(c.id) {
                    matched[slot] = true;
                }
                Some(c)
            } else {
                let rejected: HashSet<Uuid> = decided
                    .iter()
                    .filter(|d| d.verdict == Verdict::DifferentPerson)
                    .filter_map(|d| d.child_id)
                    .collect();
                let index = name_index.get_or_insert_with(|| NameIndex::new(ledger));
                if let Some((c, score)) = index
                    .best(r, &rejected)
                    .filter(|(_, s)| *s >= LIST_CONFIDENCE)
                {
                    let mut f = finding(
                        FindingKind::PossibleMatch,
                        format!("{pkey}/{}", c.id),
                        fingerprint(&[&r.name, &c.name, &c.birth_date.to_string()]),
                        Some(i),
                    );
                    f.child_id = Some(c.id);
                    f.confidence = Some(score);
                    f.detail = match (&r.id_number, &c.id_number) {
                        (Some(a), Some(b)) => FindingDetail::IdsDiffer {
                            roster: a.to_string(),
                            ledger: b.to_string(),
                        },
                        (Some(_), None) => FindingDetail::LedgerHasNoId,
                        _ => match &r.id_problem {
                            Some(p) => FindingDetail::RosterIdProblem(p.clone()),
                            None => FindingDetail::RosterHasNoId,
                        },
                    };
                    push(f);
                    // Until confirmed, the person is neither matched nor listed as out
                    // of school: one question at a time.
                    if let Some(slot) = ledger.slot_of(c.id) {
                        matched[slot] = true;
                    }
                    continue;
                }
                None
            }
        };
        let Some(child) = child else {
            let Some(birth) = r.birth_date else { continue };
            if !is_school_age(birth, today) {
                out.not_school_age += 1;
                continue;
            }
            let mut f = finding(
                FindingKind::NotInSchool,
                person_key(r),
                fingerprint(&[&r.name, &birth.to_string(), &r.hukou]),
                Some(i),
            );
            f.detail = FindingDetail::NotInLedger(dept);
            push(f);
            continue;
        };

        let name_differs = r.name != child.name
            && matching::fold_name(&r.name) != matching::fold_name(&child.name);
        let birth_differs = r.birth_date.is_some_and(|d| d != child.birth_date);
        if (name_differs && !r.name.is_empty()) || birth_differs {
            let detail = FindingDetail::NameAndBirthDisagree {
                names: (name_differs && !r.name.is_empty())
                    .then(|| (r.name.clone(), child.name.clone())),
                births: r
                    .birth_date
                    .filter(|_| birth_differs)
                    .map(|d| (d, child.birth_date)),
            };
            let mut f = finding(
                FindingKind::Disagreement,
                child.id.to_string(),
                fingerprint(&[&r.name, &child.name, &format!("{:?}", r.birth_date)]),
                Some(i),
            );
            f.child_id = Some(child.id);
            f.detail = detail;
            push(f);
        }

        if let Some(group) = r.group {
            let missing = !child.groups.contains(&group)
                || (group == SpecialGroup::Disabled
                    && child.disability.is_none()
                    && r.disability.is_some());
            let mut f = finding(
                FindingKind::Group,
                format!("{}/{}", child.id, group.key()),
                fingerprint(&[
                    child.status.key(),
                    if missing { "missing" } else { "flagged" },
                ]),
                Some(i),
            );
            f.child_id = Some(child.id);
            f.missing_group = missing.then_some(group);
            f.detail = FindingDetail::Group {
                group,
                missing,
                status: child.status,
            };
            push(f);
        }
    }

    if dept == Department::Police {
        for (c, found) in ledger.children().iter().zip(&matched) {
            if *found || !c.status.needs_school() {
                continue;
            }
            let mut f = finding(
                FindingKind::Inflow,
                c.id.to_string(),
                fingerprint(&[&c.name, &c.hukou.detail, c.status.key()]),
                None,
            );
            f.child_id = Some(c.id);
            f.detail = FindingDetail::NotOnPoliceRoster {
                hukou: c.hukou.detail.clone(),
            };
            push(f);
        }
    }
    out
}

/// A new decision on a finding.
pub fn decide(
    finding: &Finding,
    department: Department,
    verdict: Verdict,
    note: &str,
    by: &str,
    at: NaiveDateTime,
) -> CrossCheckDecision {
    CrossCheckDecision {
        key: finding.key.clone(),
        fingerprint: finding.fingerprint.clone(),
        department,
        kind: finding.kind,
        verdict,
        child_id: finding.child_id,
        note: note.trim().to_string(),
        decided_by: by.to_string(),
        decided_at: at,
    }
}
