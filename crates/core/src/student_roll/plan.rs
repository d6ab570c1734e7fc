//! The dry run of a 学籍 import: which children are new, which change (field by field), which
//! are unchanged, who is in the ledger but not in the export, what cannot be imported, and
//! where a change made by hand since the last import meets a different value in the file.
//! Nothing changes until [`RollPlan::change_set`] is committed.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDateTime;
use uuid::Uuid;

use super::read::{RollFile, RollProblem, RollRow};
use super::reason::RollReason;
use crate::casework::{ChangeSet, Transfer};
use crate::ledger::Ledger;
use crate::model::AuditLine;
use crate::model::{
    grade_label, labelled_enum, township_in, Address, AuditAction, AuditEntry, Child, Division,
    FieldChange, Labelled, Lang, RollStamp, School, SchoolKind, SpecialGroup, Status,
};

labelled_enum! {
    /// What the export says happened to a child, in the field's words.
    Movement {
        Entrant = ("entrant", "新生入学", "New entrant"),
        New = ("new", "新增（转入或补录）", "New (transferred in or added)"),
        Promoted = ("promoted", "升级", "Moved up a grade"),
        PrimaryToJunior = ("primary-to-junior", "小升初", "Primary to junior"),
        Transfer = ("transfer", "县内转学", "Transfer within the county"),
        Updated = ("updated", "信息更新", "Details updated"),
    }
}

labelled_enum! {
    /// The fields the import sets, compared one by one.
    ImportField {
        Name = ("name", "姓名", "Name"),
        IdNumber = ("id-number", "身份证号", "ID number"),
        Sex = ("sex", "性别", "Sex"),
        BirthDate = ("birth-date", "出生日期", "Date of birth"),
        Ethnicity = ("ethnicity", "民族", "Ethnicity"),
        StudentNumber = ("student-number", "学籍号", "Student number"),
        School = ("school", "学校", "School"),
        Grade = ("grade", "年级", "Grade"),
        Class = ("class", "班级", "Class"),
        Hukou = ("hukou", "户籍地", "Registered address"),
        Residence = ("residence", "现居住地", "Current address"),
        Guardian = ("guardian", "监护人", "Guardian"),
        Groups = ("groups", "重点群体", "Special groups"),
        Disability = ("disability", "残疾类别", "Disability"),
    }
}

/// The groups the 学籍 export speaks for; others (poverty, low income…) come from other
/// departments and are left as they are.
const ROLL_GROUPS: [SpecialGroup; 4] = [
    SpecialGroup::LeftBehind,
    SpecialGroup::Migrant,
    SpecialGroup::Orphan,
    SpecialGroup::Disabled,
];

/// A school of the plan: one the installation has, or one the files bring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SchoolRef {
    Existing(Uuid),
    New(usize),
}

/// A school named in the files that the county does not have yet.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSchool {
    /// Its id is fixed now; its township is the guess until a person chooses.
    pub school: School,
    pub grades: Vec<u8>,
}

/// One child the import adds or changes.
#[derive(Debug, Clone, PartialEq)]
pub struct RollEntry {
    /// The child as the import leaves it.
    pub child: Child,
    pub existing: bool,
    pub movement: Movement,
    /// What changed, as the audit records it (in Chinese).
    pub changes: Vec<FieldChange>,
    /// What changed, for the preview to say in either language ([`RollPlan::say_change`]).
    pub changed: Vec<Changed>,
    pub school: SchoolRef,
    pub from_school: Option<Uuid>,
    pub file: String,
    pub line: usize,
}

/// One thing an import changes about a child.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Changed {
    Field(ImportField),
    Status,
}

/// A field changed by hand since the last import that the file would set otherwise.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    /// Index in [`RollPlan::entries`].
    pub entry: usize,
    pub field: ImportField,
    pub ledger: String,
    pub file: String,
}

/// A person's choice for one conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConflictChoice {
    KeepLedger,
    TakeFile,
}

/// Counts per school, for the preview.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchoolSummary {
    pub name: String,
    pub new: usize,
    pub changed: usize,
    pub unchanged: usize,
    pub missing: usize,
    pub problems: usize,
}

/// The dry run.
#[derive(Debug, Clone, PartialEq)]
pub struct RollPlan {
    pub files: Vec<String>,
    pub entries: Vec<RollEntry>,
    pub unchanged: usize,
    pub new_schools: Vec<NewSchool>,
    /// Per school, existing ones by id, new ones by index.
    pub schools: Vec<(SchoolRef, SchoolSummary)>,
    /// Children at a school of these files, in school by the ledger, not in the export.
    pub missing: Vec<Uuid>,
    pub problems: Vec<RollProblem>,
    pub conflicts: Vec<Conflict>,
    pub now: NaiveDateTime,
}

/// Why a plan cannot be applied as it stands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApplyError {
    #[error("请为新学校“{0}”选择所在乡镇")]
    NoTownship(String),
    #[error("还有{0}处冲突未选择保留哪个值")]
    Undecided(usize),
    #[error("没有可导入的学生")]
    Nothing,
}

impl crate::model::Localized for ApplyError {
    fn en(&self) -> String {
        match self {
            ApplyError::NoTownship(s) => format!("Choose the township of the new school “{s}”"),
            ApplyError::Undecided(n) => {
                format!("{n} conflicts still need a choice of which value to keep")
            }
            ApplyError::Nothing => "There are no pupils to import".into(),
        }
    }
}

/// Makes the dry run. `files` pairs each file with the school chosen for it: the school of
/// an export with no school column, or a school installation's own school (then a row of
/// another school is a problem, not a new school).
pub fn plan(
    ledger: &Ledger,
    townships: &[Division],
    files: &[(&RollFile, Option<Uuid>)],
    now: NaiveDateTime,
    new_id: &mut dyn FnMut() -> Uuid,
) -> RollPlan {
    let mut planning = Planning::start(ledger, townships, files, now);
    while !planning.step(ledger, usize::MAX, new_id) {}
    planning.finish(ledger)
}

/// The dry run made a slice of rows at a time, so that a page can draw between slices
/// (200,000 rows take seconds); [`plan`] makes it at once. The ledger is lent to each call.
/// Each row is first given its school, then, once the children written twice are known,
/// compared with the ledger.
pub struct Planning<'f> {
    out: RollPlan,
    files: Vec<(&'f RollFile, Option<Uuid>)>,
    summaries: BTreeMap<SchoolKey, SchoolSummary>,
    schools: SchoolResolver,
    /// Rows given their school so far: the next is `files[resolving.0].rows[resolving.1]`.
    resolving: (usize, usize),
    rows: Vec<(&'f RollFile, &'f RollRow, SchoolRef)>,
    /// Where each child's rows are, by [`RollRow::key`].
    by_key: HashMap<String, Vec<usize>>,
    /// Rows that are problems, found once every row has its school.
    rejected: Option<HashSet<usize>>,
    seen: HashSet<Uuid>,
    next: usize,
    total_rows: usize,
}

impl<'f> Planning<'f> {
    pub fn start(
        ledger: &Ledger,
        townships: &[Division],
        files: &[(&'f RollFile, Option<Uuid>)],
        now: NaiveDateTime,
    ) -> Self {
        let out = RollPlan {
            files: files.iter().map(|(f, _)| f.file.clone()).collect(),
            entries: Vec::new(),
            unchanged: 0,
            new_schools: Vec::new(),
            schools: Vec::new(),
            missing: Vec::new(),
            problems: Vec::new(),
            conflicts: Vec::new(),
            now,
        };
        let total_rows = files.iter().map(|(f, _)| f.rows.len()).sum();
        Planning {
            out,
            files: files.to_vec(),
            summaries: BTreeMap::new(),
            schools: SchoolResolver::new(ledger, townships),
            resolving: (0, 0),
            rows: Vec::with_capacity(total_rows),
            by_key: HashMap::with_capacity(total_rows),
            rejected: None,
            seen: HashSet::new(),
            next: 0,
            total_rows,
        }
    }

    /// Work done, of how much: each row is given its school, then compared.
    pub fn progress(&self) -> (usize, usize) {
        let resolved: usize = self.files[..self.resolving.0.min(self.files.len())]
            .iter()
            .map(|(f, _)| f.rows.len())
            .sum::<usize>()
            + self.resolving.1;
        (resolved + self.next, 2 * self.total_rows)
    }

    /// Gives up to `count` more rows their school; a row with no school is a problem.
    fn resolve(&mut self, count: usize, new_id: &mut dyn FnMut() -> Uuid) {
        let mut left = count;
        while left > 0 {
            let (f, r) = self.resolving;
            let Some(&(file, chosen)) = self.files.get(f) else {
                return;
            };
            if r == 0 {
                self.out.problems.extend(file.problems.iter().cloned());
            }
            let Some(row) = file.rows.get(r) else {
                self.resolving = (f + 1, 0);
                continue;
            };
            self.resolving.1 += 1;
            left -= 1;
            let schools = &mut self.schools;
            // A file chosen for one school holds only that school's pupils.
            if let Some(c) =
                chosen.filter(|_| row.school_code.is_some() || !row.school_name.trim().is_empty())
            {
                if schools.lookup(row, None) != Some(SchoolRef::Existing(c)) {
                    self.out.problems.push(problem(
                        file,
                        row,
                        RollReason::NotThisSchool {
                            chosen: schools.name(SchoolRef::Existing(c)).to_string(),
                            written: row
                                .school_code
                                .clone()
                                .unwrap_or_else(|| row.school_name.clone()),
                        },
                    ));
                    continue;
                }
            }
            match schools.resolve(row, chosen, new_id) {
                Some(s) => {
                    self.by_key
                        .entry(row.key())
                        .or_default()
                        .push(self.rows.len());
                    self.rows.push((file, row, s));
                }
                None => self
                    .out
                    .problems
                    .push(problem(file, row, RollReason::NoSchool)),
            }
        }
    }

    /// The same child twice: in one school, the later rows are problems; in two schools, all.
    fn reject_repeated(&mut self) -> HashSet<usize> {
        let rows = &self.rows;
        let schools = &self.schools;
        let mut rejected: HashSet<usize> = HashSet::new();
        let mut lists: Vec<&Vec<usize>> = self.by_key.values().filter(|l| l.len() > 1).collect();
        // In file order, whatever the map's order.
        lists.sort_unstable_by_key(|l| l[0]);
        for list in lists {
            let first = list[0];
            let (ff, fr, fs) = rows[first];
            let two_schools = list.iter().any(|i| rows[*i].2 != fs);
            for &i in list {
                let (file, row, s) = rows[i];
                if two_schools {
                    let other = list.iter().find(|j| rows[**j].2 != s).map(|j| rows[*j]);
                    if let Some((of, or, os)) = other {
                        self.out.problems.push(problem(
                            file,
                            row,
                            RollReason::InTwoSchools {
                                here: schools.name(s).to_string(),
                                there: schools.name(os).to_string(),
                                file: of.file.clone(),
                                line: or.line,
                            },
                        ));
                    }
                    rejected.insert(i);
                } else if i != first {
                    self.out.problems.push(problem(
                        file,
                        row,
                        RollReason::Repeated {
                            file: ff.file.clone(),
                            line: fr.line,
                            key: row.key(),
                        },
                    ));
                    rejected.insert(i);
                }
            }
        }
        self.by_key = HashMap::new();
        rejected
    }

    /// Does up to `count` more rows' work; true when every row is compared.
    pub fn step(
        &mut self,
        ledger: &Ledger,
        count: usize,
        new_id: &mut dyn FnMut() -> Uuid,
    ) -> bool {
        if self.rejected.is_none() {
            self.resolve(count, new_id);
            if self.resolving.0 < self.files.len() {
                return false;
            }
            self.rejected = Some(self.reject_repeated());
            return self.rows.is_empty();
        }
        let end = self.next.saturating_add(count).min(self.rows.len());
        let now = self.out.now;
        let Planning {
            out,
            summaries,
            schools,
            rows,
            rejected,
            seen,
            ..
        } = self;
        for (i, (file, row, school)) in rows.iter().enumerate().take(end).skip(self.next) {
            if rejected.as_ref().is_some_and(|r| r.contains(&i)) {
                continue;
            }
            if let SchoolRef::New(n) = school {
                let grades = &mut schools.new[*n].grades;
                if !grades.contains(&row.grade) {
                    grades.push(row.grade);
                }
            }
            let existing = row
                .id_number
                .as_ref()
                .and_then(|n| ledger.child_by_id_number(n))
                .or_else(|| {
                    row.student_number
                        .as_ref()
                        .and_then(|s| ledger.child_by_student_number(s))
                });
            if let Some(c) = existing {
                seen.insert(c.id);
                if c.status == Status::Deceased {
                    out.problems.push(problem(file, row, RollReason::Deceased));
                    continue;
                }
            }
            let school_id = schools.id(*school);
            let mut proposed = merge(existing, row, school_id, &schools.townships, now, new_id);
            // The stamp holds what the file said, also where the ledger's value is kept.
            proposed.roll = Some(stamp(&proposed, now));
            let summary = summaries
                .entry(SchoolKey(*school))
                .or_insert_with(|| SchoolSummary {
                    name: schools.name(*school),
                    ..Default::default()
                });
            let Some(old) = existing else {
                summary.new += 1;
                let movement = if row.grade == 1 {
                    Movement::Entrant
                } else {
                    Movement::New
                };
                out.entries.push(RollEntry {
                    changes: Vec::new(),
                    changed: Vec::new(),
                    child: proposed,
                    existing: false,
                    movement,
                    school: *school,
                    from_school: None,
                    file: file.file.clone(),
                    line: row.line,
                });
                continue;
            };
            // Field by field: the file wins unless the field was changed by hand since the last
            // import and the file changed it too — then a person chooses.
            let mut result = proposed;
            let mut changes = Vec::new();
            let mut changed = Vec::new();
            let mut conflicts = Vec::new();
            for f in ImportField::ALL.iter().copied() {
                let (l, n) = (field_key(old, f), field_key(&result, f));
                if l == n {
                    continue;
                }
                let stamp = old
                    .roll
                    .as_ref()
                    .and_then(|s| s.fields.get(f as usize))
                    .copied();
                let hand_changed = stamp.is_some_and(|s| s != hash(&l));
                let file_changed = stamp.is_none_or(|s| s != hash(&n));
                if hand_changed && !file_changed {
                    // The file says what it said last time; the hand change is newer.
                    copy_field(old, &mut result, f);
                    continue;
                }
                let change = FieldChange {
                    field: f.zh().to_string(),
                    before: field_text(old, f, schools),
                    after: field_text(&result, f, schools),
                };
                if hand_changed {
                    conflicts.push((f, change.before.clone(), change.after.clone()));
                }
                changes.push(change);
                changed.push(Changed::Field(f));
            }
            if old.status != result.status {
                changed.push(Changed::Status);
                changes.push(FieldChange {
                    field: "就学状态".into(),
                    before: old.status.zh().into(),
                    after: result.status.zh().into(),
                });
            }
            if changes.is_empty() {
                summary.unchanged += 1;
                out.unchanged += 1;
                continue;
            }
            summary.changed += 1;
            let old_stage = old.stage();
            let movement = if old.school_id != school_id && old.school_id.is_some() {
                if old.grade == Some(6) && row.grade == 7 && old_stage.is_some() {
                    Movement::PrimaryToJunior
                } else {
                    Movement::Transfer
                }
            } else if old.grade.is_some_and(|g| g + 1 == row.grade) {
                Movement::Promoted
            } else {
                Movement::Updated
            };
            let entry = out.entries.len();
            out.conflicts
                .extend(conflicts.into_iter().map(|(field, ledger, file)| Conflict {
                    entry,
                    field,
                    ledger,
                    file,
                }));
            out.entries.push(RollEntry {
                changes,
                changed,
                child: result,
                existing: true,
                movement,
                school: *school,
                from_school: old.school_id.filter(|s| Some(*s) != school_id),
                file: file.file.clone(),
                line: row.line,
            });
        }

        self.next = end;
        self.next == self.rows.len()
    }

    /// The dry run, once every row is compared: who is missing, problems by school.
    pub fn finish(self, ledger: &Ledger) -> RollPlan {
        let Planning {
            mut out,
            files,
            mut summaries,
            schools,
            rows,
            seen,
            ..
        } = self;
        // Not in the export: children of these schools, in school by the ledger.
        let covered: HashSet<Uuid> = rows
            .iter()
            .filter_map(|(_, _, s)| match s {
                SchoolRef::Existing(id) => Some(*id),
                SchoolRef::New(_) => None,
            })
            .collect();
        for c in ledger.children() {
            if c.status.needs_school()
                && c.school_id.is_some_and(|s| covered.contains(&s))
                && !seen.contains(&c.id)
            {
                out.missing.push(c.id);
                if let Some(s) = c.school_id {
                    summaries
                        .entry(SchoolKey(SchoolRef::Existing(s)))
                        .or_insert_with(|| SchoolSummary {
                            name: schools.name(SchoolRef::Existing(s)),
                            ..Default::default()
                        })
                        .missing += 1;
                }
            }
        }
        // Problem rows by school: the school as the row names it, else the file's.
        for p in &out.problems {
            let chosen = files
                .iter()
                .find(|(f, _)| f.file == p.file)
                .and_then(|(_, c)| *c);
            let school = schools
                .lookup_text(&p.school)
                .or(chosen.map(SchoolRef::Existing));
            if let Some(s) = school {
                summaries
                    .entry(SchoolKey(s))
                    .or_insert_with(|| SchoolSummary {
                        name: schools.name(s),
                        ..Default::default()
                    })
                    .problems += 1;
            }
        }
        out.new_schools = schools.new;
        for ns in &mut out.new_schools {
            ns.grades.sort_unstable();
            ns.school.kind = kind_of(&ns.school.name, &ns.grades);
        }
        out.schools = summaries.into_iter().map(|(k, v)| (k.0, v)).collect();
        out
    }
}

/// Orders school summaries: existing schools first, in id order, then new ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct SchoolKey(SchoolRef);

impl Ord for SchoolKey {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let rank = |s: &SchoolRef| match s {
            SchoolRef::Existing(id) => (0, *id, 0),
            SchoolRef::New(n) => (1, Uuid::nil(), *n),
        };
        rank(&self.0).cmp(&rank(&other.0))
    }
}

impl PartialOrd for SchoolKey {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

fn problem(file: &RollFile, row: &RollRow, reason: RollReason) -> RollProblem {
    RollProblem {
        file: file.file.clone(),
        sheet: file.sheet.clone(),
        line: row.line,
        name: row.name.clone(),
        reason,
        school: row
            .school_code
            .clone()
            .unwrap_or_else(|| row.school_name.clone()),
    }
}

/// Finds schools by 学校标识码, else by name; names new ones.
struct SchoolResolver {
    /// Names of the ledger's schools.
    known: HashMap<Uuid, String>,
    townships: Vec<Division>,
    new: Vec<NewSchool>,
    /// Every school, known and new, by 学校标识码 and by name.
    by_code: HashMap<String, SchoolRef>,
    by_name: HashMap<String, SchoolRef>,
}

impl SchoolResolver {
    fn new(ledger: &Ledger, townships: &[Division]) -> Self {
        let mut r = SchoolResolver {
            known: ledger
                .schools()
                .iter()
                .map(|s| (s.id, s.name.clone()))
                .collect(),
            townships: townships.to_vec(),
            new: Vec::new(),
            by_code: HashMap::new(),
            by_name: HashMap::new(),
        };
        for s in ledger.schools() {
            if let Some(c) = &s.code {
                r.by_code.insert(c.clone(), SchoolRef::Existing(s.id));
            }
            r.by_name
                .insert(s.name.trim().to_string(), SchoolRef::Existing(s.id));
        }
        r
    }

    /// A school by its 学校标识码 or its name.
    fn lookup_text(&self, text: &str) -> Option<SchoolRef> {
        let text = text.trim();
        self.by_code
            .get(text)
            .or_else(|| self.by_name.get(text))
            .copied()
    }

    fn lookup(&self, row: &RollRow, chosen: Option<Uuid>) -> Option<SchoolRef> {
        let name = row.school_name.trim();
        if let Some(s) = row.school_code.as_ref().and_then(|c| self.by_code.get(c)) {
            return Some(*s);
        }
        if let Some(s) = self.by_name.get(name) {
            return Some(*s);
        }
        if row.school_code.is_none() && name.is_empty() {
            return chosen.map(SchoolRef::Existing);
        }
        None
    }

    fn resolve(
        &mut self,
        row: &RollRow,
        chosen: Option<Uuid>,
        new_id: &mut dyn FnMut() -> Uuid,
    ) -> Option<SchoolRef> {
        if let Some(s) = self.lookup(row, chosen) {
            return Some(s);
        }
        let name = row.school_name.trim();
        if name.is_empty() && row.school_code.is_none() {
            return None;
        }
        let name = if name.is_empty() {
            format!("学校{}", row.school_code.clone().unwrap_or_default())
        } else {
            name.to_string()
        };
        let township = township_in(&name, &self.townships)
            .or_else(|| township_in(&row.hukou, &self.townships))
            .map(|(d, _)| d.code.clone())
            .unwrap_or_default();
        let r = SchoolRef::New(self.new.len());
        if let Some(c) = &row.school_code {
            self.by_code.insert(c.clone(), r);
        }
        self.by_name.insert(name.clone(), r);
        self.new.push(NewSchool {
            school: School {
                id: new_id(),
                name,
                code: row.school_code.clone(),
                kind: SchoolKind::Primary,
                township_code: township,
            },
            grades: Vec::new(),
        });
        Some(r)
    }

    fn id(&self, s: SchoolRef) -> Option<Uuid> {
        match s {
            SchoolRef::Existing(id) => Some(id),
            SchoolRef::New(n) => self.new.get(n).map(|n| n.school.id),
        }
    }

    fn name(&self, s: SchoolRef) -> String {
        match s {
            SchoolRef::Existing(id) => self.known.get(&id).cloned().unwrap_or_default(),
            SchoolRef::New(n) => self
                .new
                .get(n)
                .map(|n| n.school.name.clone())
                .unwrap_or_default(),
        }
    }

    fn name_of_id(&self, id: Option<Uuid>) -> String {
        let Some(id) = id else { return String::new() };
        self.known
            .get(&id)
            .cloned()
            .or_else(|| {
                self.new
                    .iter()
                    .find(|n| n.school.id == id)
                    .map(|n| n.school.name.clone())
            })
            .unwrap_or_default()
    }
}

/// The kind of a school from its name and the grades its pupils are in.
fn kind_of(name: &str, grades: &[u8]) -> SchoolKind {
    let (low, high) = (
        grades.iter().any(|g| *g <= 6),
        grades.iter().any(|g| *g >= 7),
    );
    if name.contains("特殊教育") || name.contains("特教") {
        SchoolKind::Special
    } else if name.contains("教学点") {
        SchoolKind::TeachingPoint
    } else if low && high || name.contains("九年一贯") {
        SchoolKind::NineYear
    } else if high || (!low && (name.contains("中学") || name.contains("初中"))) {
        SchoolKind::Junior
    } else {
        SchoolKind::Primary
    }
}

/// The child as the file has it, on top of what the ledger knows that the file does not say.
fn merge(
    existing: Option<&Child>,
    row: &RollRow,
    school_id: Option<Uuid>,
    townships: &[Division],
    now: NaiveDateTime,
    new_id: &mut dyn FnMut() -> Uuid,
) -> Child {
    let mut c = match existing {
        Some(c) => c.clone(),
        None => Child::new_record(new_id(), row.sex, row.birth_date, now),
    };
    c.name = row.name.clone();
    if row.id_number.is_some() {
        c.id_number = row.id_number.clone();
        c.no_id_reason = None;
    } else if c.id_number.is_none() {
        c.no_id_reason = row.no_id_reason;
    }
    c.sex = row.sex;
    c.birth_date = row.birth_date;
    if !row.ethnicity.is_empty() {
        c.ethnicity = row.ethnicity.clone();
    }
    if row.student_number.is_some() {
        c.student_number = row.student_number.clone();
    }
    c.school_id = school_id;
    c.grade = Some(row.grade);
    if !row.class_name.is_empty() {
        c.class_name = row.class_name.clone();
    }
    if !row.hukou.is_empty() {
        c.hukou = Address::in_county(&row.hukou, townships);
    }
    if !row.residence.is_empty() {
        c.residence = Address::in_county(&row.residence, townships);
    }
    if let Some(g) = &row.guardian {
        c.guardian = g.clone();
    }
    let mut set_group = |g: SpecialGroup, on: Option<bool>| match on {
        Some(true) if !c.groups.contains(&g) => c.groups.push(g),
        Some(false) => c.groups.retain(|x| *x != g),
        _ => {}
    };
    set_group(SpecialGroup::LeftBehind, row.left_behind);
    set_group(SpecialGroup::Migrant, row.migrant);
    set_group(SpecialGroup::Orphan, row.orphan);
    if row.disability.is_some() {
        c.disability = row.disability;
        set_group(SpecialGroup::Disabled, Some(true));
    }
    if let Some(away) = row.left_behind {
        c.parents_away = away;
    }
    c.groups.sort_unstable();
    let disabled = c.groups.contains(&SpecialGroup::Disabled) && c.disability.is_some();
    // In the 学籍 of a school of the county: enrolled. Suspects and dropouts keep their
    // status — the 学籍 often keeps a child who stopped coming; only casework changes it.
    c.status = match c.status {
        s if s.is_concern() => s,
        Status::SpecialSchool | Status::HomeTeaching | Status::Suspended => c.status,
        _ if row.regular_class == Some(true) && disabled => Status::RegularClass,
        Status::RegularClass if row.regular_class != Some(false) && disabled => {
            Status::RegularClass
        }
        _ => Status::InSchool,
    };
    c
}

/// A field as stable text, for comparing and for the import stamp.
fn field_key(c: &Child, f: ImportField) -> String {
    let opt = |o: &Option<String>| o.clone().unwrap_or_default();
    let addr = |a: &Address| {
        format!(
            "{}|{}",
            a.township_code.clone().unwrap_or_default(),
            a.detail
        )
    };
    match f {
        ImportField::Name => c.name.clone(),
        ImportField::IdNumber => c
            .id_number
            .as_ref()
            .map(|n| n.to_string())
            .unwrap_or_default(),
        ImportField::Sex => c.sex.key().into(),
        ImportField::BirthDate => c.birth_date.to_string(),
        ImportField::Ethnicity => c.ethnicity.clone(),
        ImportField::StudentNumber => opt(&c.student_number),
        ImportField::School => c.school_id.map(|s| s.to_string()).unwrap_or_default(),
        ImportField::Grade => c.grade.map(|g| g.to_string()).unwrap_or_default(),
        ImportField::Class => c.class_name.clone(),
        ImportField::Hukou => addr(&c.hukou),
        ImportField::Residence => addr(&c.residence),
        ImportField::Guardian => format!(
            "{}|{}|{}",
            c.guardian.name,
            c.guardian.relation.key(),
            c.guardian.phone
        ),
        ImportField::Groups => roll_groups(c),
        ImportField::Disability => c
            .disability
            .map(|d| d.key().to_string())
            .unwrap_or_default(),
    }
}

fn roll_groups(c: &Child) -> String {
    ROLL_GROUPS
        .iter()
        .filter(|g| c.groups.contains(g))
        .map(|g| g.zh())
        .collect::<Vec<_>>()
        .join("、")
}

/// A field as people read it, in Chinese, for the audit.
fn field_text(c: &Child, f: ImportField, schools: &SchoolResolver) -> String {
    let township = |code: &str| {
        schools
            .townships
            .iter()
            .find(|d| d.code == code)
            .map(|d| d.name.clone())
    };
    value_text(c, f, &|id| schools.name_of_id(id), &township, Lang::Zh)
}

/// A field as people read it, in `lang`; schools and townships named by the functions given.
fn value_text(
    c: &Child,
    f: ImportField,
    school: &dyn Fn(Option<Uuid>) -> String,
    township: &dyn Fn(&str) -> Option<String>,
    lang: Lang,
) -> String {
    let addr = |a: &Address| {
        let t = a
            .township_code
            .as_deref()
            .and_then(township)
            .unwrap_or_default();
        format!("{t}{}", a.detail)
    };
    match f {
        ImportField::Sex => c.sex.label(lang).into(),
        ImportField::School => school(c.school_id),
        ImportField::Grade => c.grade.map(|g| grade_label(g, lang)).unwrap_or_default(),
        ImportField::Hukou => addr(&c.hukou),
        ImportField::Residence => addr(&c.residence),
        ImportField::Guardian => {
            if c.guardian.name.is_empty() {
                String::new()
            } else {
                let relation = c.guardian.relation.label(lang);
                match lang {
                    Lang::Zh => format!("{}（{relation}）{}", c.guardian.name, c.guardian.phone),
                    Lang::En => format!("{} ({relation}) {}", c.guardian.name, c.guardian.phone),
                }
            }
        }
        ImportField::Disability => c
            .disability
            .map(|d| d.label(lang).to_string())
            .unwrap_or_default(),
        ImportField::Groups if lang == Lang::En => ROLL_GROUPS
            .iter()
            .filter(|g| c.groups.contains(g))
            .map(|g| g.en())
            .collect::<Vec<_>>()
            .join(", "),
        _ => field_key(c, f),
    }
}

impl RollPlan {
    /// One change of an entry as the preview shows it, in `lang`: what changed, the ledger's
    /// value (`old`, the child as the ledger has it) and the value the import leaves.
    pub fn say_change(
        &self,
        ledger: &Ledger,
        old: &Child,
        entry: &RollEntry,
        change: Changed,
        lang: Lang,
    ) -> (String, String, String) {
        match change {
            Changed::Status => (
                match lang {
                    Lang::Zh => "就学状态",
                    Lang::En => "School status",
                }
                .to_string(),
                old.status.label(lang).to_string(),
                entry.child.status.label(lang).to_string(),
            ),
            Changed::Field(f) => {
                let school = |id: Option<Uuid>| {
                    let Some(id) = id else { return String::new() };
                    ledger
                        .school(id)
                        .map(|s| s.name.clone())
                        .or_else(|| {
                            self.new_schools
                                .iter()
                                .find(|n| n.school.id == id)
                                .map(|n| n.school.name.clone())
                        })
                        .unwrap_or_default()
                };
                let township = |code: &str| {
                    Some(ledger.township_name(code).to_string()).filter(|n| !n.is_empty())
                };
                (
                    f.label(lang).to_string(),
                    value_text(old, f, &school, &township, lang),
                    value_text(&entry.child, f, &school, &township, lang),
                )
            }
        }
    }
}

/// Puts the ledger's value of one field back.
fn copy_field(from: &Child, to: &mut Child, f: ImportField) {
    match f {
        ImportField::Name => to.name = from.name.clone(),
        ImportField::IdNumber => {
            to.id_number = from.id_number.clone();
            to.no_id_reason = from.no_id_reason;
        }
        ImportField::Sex => to.sex = from.sex,
        ImportField::BirthDate => to.birth_date = from.birth_date,
        ImportField::Ethnicity => to.ethnicity = from.ethnicity.clone(),
        ImportField::StudentNumber => to.student_number = from.student_number.clone(),
        ImportField::School => to.school_id = from.school_id,
        ImportField::Grade => to.grade = from.grade,
        ImportField::Class => to.class_name = from.class_name.clone(),
        ImportField::Hukou => to.hukou = from.hukou.clone(),
        ImportField::Residence => to.residence = from.residence.clone(),
        ImportField::Guardian => to.guardian = from.guardian.clone(),
        ImportField::Groups => {
            to.groups.retain(|g| !ROLL_GROUPS.contains(g));
            to.groups
                .extend(from.groups.iter().filter(|g| ROLL_GROUPS.contains(g)));
            to.groups.sort_unstable();
            to.parents_away = from.parents_away;
        }
        ImportField::Disability => to.disability = from.disability,
    }
}

/// FNV-1a: a short, stable fingerprint of a field's text for the import stamp.
fn hash(text: &str) -> u32 {
    text.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// The stamp of what the file said, to tell a later hand change from a change in the file.
fn stamp(c: &Child, now: NaiveDateTime) -> RollStamp {
    RollStamp {
        imported_at: now,
        fields: ImportField::ALL
            .iter()
            .map(|f| hash(&field_key(c, *f)))
            .collect(),
    }
}

impl RollPlan {
    /// Children by the file, new and changed.
    pub fn count(&self, existing: bool) -> usize {
        self.entries
            .iter()
            .filter(|e| e.existing == existing)
            .count()
    }

    pub fn count_movement(&self, m: Movement) -> usize {
        self.entries.iter().filter(|e| e.movement == m).count()
    }

    /// What applying the plan changes, to be written in one transaction. `townships` gives
    /// the township chosen for each new school; `choices` one answer per conflict.
    pub fn change_set(
        &self,
        ledger: &Ledger,
        townships: &[String],
        choices: &[Option<ConflictChoice>],
        operator: &str,
        new_id: &mut dyn FnMut() -> Uuid,
    ) -> Result<ChangeSet, ApplyError> {
        let mut applying = self.begin_apply(townships, choices, operator)?;
        while !applying.step(self, ledger, usize::MAX, new_id) {}
        Ok(applying.finish(self, ledger))
    }

    /// [`RollPlan::change_set`] a slice of children at a time, for a page that draws between
    /// slices: the choices are checked and the new schools made now.
    pub fn begin_apply(
        &self,
        townships: &[String],
        choices: &[Option<ConflictChoice>],
        operator: &str,
    ) -> Result<Applying, ApplyError> {
        let mut set = ChangeSet::default();
        for (i, ns) in self.new_schools.iter().enumerate() {
            let code = townships
                .get(i)
                .cloned()
                .unwrap_or_else(|| ns.school.township_code.clone());
            if code.len() != 9 {
                return Err(ApplyError::NoTownship(ns.school.name.clone()));
            }
            let mut s = ns.school.clone();
            s.township_code = code;
            set.audit.push(AuditEntry {
                at: self.now,
                operator: operator.to_string(),
                action: AuditAction::Import,
                subject: s.id.to_string(),
                summary: format!("据学籍名册新增学校“{}”（{}）", s.name, s.kind.zh()),
                changes: Vec::new(),
                lines: Vec::new(),
            });
            set.schools.push(s);
        }
        let mut keep_ledger: HashMap<usize, Vec<ImportField>> = HashMap::new();
        let mut undecided = 0;
        for (k, conflict) in self.conflicts.iter().enumerate() {
            match choices.get(k).copied().flatten() {
                None => undecided += 1,
                Some(ConflictChoice::KeepLedger) => keep_ledger
                    .entry(conflict.entry)
                    .or_default()
                    .push(conflict.field),
                Some(_) => {}
            }
        }
        if undecided > 0 {
            return Err(ApplyError::Undecided(undecided));
        }
        if self.entries.is_empty() && set.schools.is_empty() && self.missing.is_empty() {
            return Err(ApplyError::Nothing);
        }
        set.roll_follow_up = Some(RollFollowUp::after(self));
        // School by school, so that a school's new children share the ledger's chunks and
        // its audit entry points at a few of them.
        let mut order: Vec<usize> = (0..self.entries.len()).collect();
        order.sort_by_key(|&i| self.entries[i].child.school_id);
        set.children.reserve(order.len());
        Ok(Applying {
            set,
            order,
            next: 0,
            keep_ledger,
            operator: operator.to_string(),
            packed: Vec::new(),
            packed_at: HashMap::new(),
        })
    }
}

/// A plan being turned into its change set; see [`RollPlan::begin_apply`]. The plan and the
/// ledger are lent to each call.
pub struct Applying {
    set: ChangeSet,
    /// Entries in the order their children are added.
    order: Vec<usize>,
    next: usize,
    /// Per entry, the fields whose conflict was decided for the ledger's value.
    keep_ledger: HashMap<usize, Vec<ImportField>>,
    operator: String,
    /// One audit entry per school, a line per child (a 学籍 import touches 200,000
    /// children; one record each takes IndexedDB half a minute).
    packed: Vec<AuditEntry>,
    packed_at: HashMap<Option<Uuid>, usize>,
}

impl Applying {
    /// Entries done, of how many.
    pub fn progress(&self) -> (usize, usize) {
        (self.next, self.order.len())
    }

    /// Takes up to `count` more children into the change set; true when all are in.
    pub fn step(
        &mut self,
        plan: &RollPlan,
        ledger: &Ledger,
        count: usize,
        new_id: &mut dyn FnMut() -> Uuid,
    ) -> bool {
        let end = self.next.saturating_add(count).min(self.order.len());
        for &i in &self.order[self.next..end] {
            let Some(e) = plan.entries.get(i) else {
                continue;
            };
            let mut c = e.child.clone();
            let mut changes = e.changes.clone();
            for field in self.keep_ledger.get(&i).into_iter().flatten() {
                if let Some(old) = ledger.child(c.id) {
                    copy_field(old, &mut c, *field);
                }
                changes.retain(|ch| ch.field != field.zh());
            }
            let summary = if e.existing {
                format!(
                    "据学籍名册“{}”第{}行更新 {}（{}）",
                    e.file,
                    e.line,
                    c.name,
                    e.movement.zh()
                )
            } else {
                format!(
                    "据学籍名册“{}”第{}行新增 {}（{}）",
                    e.file,
                    e.line,
                    c.name,
                    e.movement.zh()
                )
            };
            if e.movement == Movement::Transfer {
                self.set.transfers.push(Transfer {
                    id: new_id(),
                    child_id: c.id,
                    date: plan.now.date(),
                    from_school: e.from_school,
                    to_school: change_after(&changes, ImportField::School.zh()).unwrap_or_default(),
                    confirmed_on: Some(plan.now.date()),
                    recorded_by: self.operator.clone(),
                });
            }
            let packed = &mut self.packed;
            let k = *self.packed_at.entry(c.school_id).or_insert_with(|| {
                packed.push(AuditEntry {
                    at: plan.now,
                    operator: self.operator.clone(),
                    action: AuditAction::Import,
                    subject: c
                        .school_id
                        .map(|id| id.to_string())
                        .unwrap_or_else(|| "installation".to_string()),
                    summary: String::new(),
                    changes: Vec::new(),
                    lines: Vec::new(),
                });
                packed.len() - 1
            });
            packed[k].lines.push(AuditLine {
                subject: c.id.to_string(),
                summary,
                changes,
            });
            self.set.children.push(c);
        }
        self.next = end;
        self.next == self.order.len()
    }

    /// The change set, its audit entries summarised school by school.
    pub fn finish(self, plan: &RollPlan, ledger: &Ledger) -> ChangeSet {
        let Applying {
            mut set,
            mut packed,
            ..
        } = self;
        for p in &mut packed {
            let school = Uuid::parse_str(&p.subject).ok().and_then(|id| {
                ledger
                    .school(id)
                    .or_else(|| set.schools.iter().find(|s| s.id == id))
            });
            let name = school.map(|s| format!("“{}”", s.name)).unwrap_or_default();
            p.summary = format!(
                "据学籍名册“{}”导入{name}学生{}人",
                plan.files.join("、"),
                p.lines.len()
            );
        }
        set.audit.extend(packed);
        set
    }
}

/// Children's entries packed one per school (a 学籍 import touches 200,000 children; one
/// record each takes IndexedDB half a minute); the other entries stay as they are.
fn pack_by_school(
    audit: Vec<AuditEntry>,
    children: &[Child],
    ledger: &Ledger,
    new_schools: &[School],
    summary: impl Fn(&str, usize) -> String,
) -> Vec<AuditEntry> {
    let school_of: HashMap<String, Option<Uuid>> = children
        .iter()
        .map(|c| (c.id.to_string(), c.school_id))
        .collect();
    let (per_child, rest): (Vec<_>, Vec<_>) = audit
        .into_iter()
        .partition(|e| school_of.contains_key(&e.subject));
    let group = |e: &AuditEntry| match school_of.get(&e.subject).copied().flatten() {
        Some(id) => id.to_string(),
        None => "installation".to_string(),
    };
    let name = |key: &str| {
        let school = Uuid::parse_str(key).ok().and_then(|id| {
            ledger
                .school(id)
                .or_else(|| new_schools.iter().find(|s| s.id == id))
        });
        school.map(|s| format!("“{}”", s.name)).unwrap_or_default()
    };
    let mut out = rest;
    out.extend(AuditEntry::pack(per_child, group, |key, n| {
        summary(&name(key), n)
    }));
    out
}

fn change_after(changes: &[FieldChange], field: &str) -> Option<String> {
    changes
        .iter()
        .find(|c| c.field == field)
        .map(|c| c.after.clone())
}

pub use crate::model::RollFollowUp;

labelled_enum! {
    /// What a person decided for a child missing from the export.
    MissingDecision {
        TransferredOut = ("transferred-out", "已转出", "Transferred out"),
        Graduated = ("graduated", "已毕业", "Graduated"),
        Suspect = ("suspect", "列入疑似辍学", "Suspected dropout"),
        Mistake = ("mistake", "名册遗漏，仍在校", "Missing from the file by mistake"),
    }
}

impl RollFollowUp {
    /// The list after an import: who is missing now.
    pub fn after(plan: &RollPlan) -> RollFollowUp {
        RollFollowUp {
            imported_at: Some(plan.now),
            files: plan.files.clone(),
            missing: plan.missing.clone(),
        }
    }

    /// Every missing child in grade 9 has finished compulsory education: graduated, in one
    /// change, each with its audit entry.
    pub fn graduate_grade_nine(
        &self,
        ledger: &Ledger,
        actor: &crate::casework::Actor,
    ) -> ChangeSet {
        let files = self.files.join("、");
        let mut set = ChangeSet::default();
        let mut rest = self.clone();
        for c in self
            .missing
            .iter()
            .filter_map(|id| ledger.child(*id))
            .filter(|c| c.grade == Some(9) && c.status.needs_school())
        {
            let mut g = c.clone();
            g.status = Status::Graduated;
            set.audit.push(AuditEntry {
                at: actor.now,
                operator: actor.name.to_string(),
                action: AuditAction::Update,
                subject: c.id.to_string(),
                summary: format!("{} 九年级，不在学籍名册“{files}”中：已毕业", c.name),
                changes: vec![FieldChange {
                    field: "就学状态".into(),
                    before: c.status.zh().into(),
                    after: g.status.zh().into(),
                }],
                lines: Vec::new(),
            });
            rest.missing.retain(|id| *id != c.id);
            set.children.push(g);
        }
        set.audit = pack_by_school(set.audit, &set.children, ledger, &[], |name, n| {
            format!("{name}九年级{n}人不在学籍名册“{files}”中：已毕业")
        });
        set.roll_follow_up = Some(rest);
        set
    }

    /// Decides for one missing child: the change it makes, and the list without the child.
    /// `to_school` is where a transferred child went.
    pub fn decide(
        &self,
        ledger: &Ledger,
        casebook: &crate::casework::Casebook,
        child_id: Uuid,
        (decision, to_school): (MissingDecision, &str),
        actor: &crate::casework::Actor,
        id: Uuid,
    ) -> Result<ChangeSet, crate::casework::CaseworkError> {
        let child = ledger
            .child(child_id)
            .ok_or(crate::casework::CaseworkError::NoChild)?;
        let files = self.files.join("、");
        let mut set = match decision {
            MissingDecision::TransferredOut => {
                casebook.transfer_out(ledger, child_id, to_school, actor.now.date(), actor, id)?
            }
            MissingDecision::Suspect => casebook.flag_manual(
                ledger,
                child_id,
                &format!("不在学籍名册“{files}”中"),
                actor,
                id,
            )?,
            MissingDecision::Graduated => {
                let mut c = child.clone();
                c.status = Status::Graduated;
                let mut entry = AuditEntry {
                    at: actor.now,
                    operator: actor.name.to_string(),
                    action: AuditAction::Update,
                    subject: child_id.to_string(),
                    summary: format!("{} 不在学籍名册“{files}”中：已毕业", c.name),
                    changes: Vec::new(),
                    lines: Vec::new(),
                };
                entry.changes.push(FieldChange {
                    field: "就学状态".into(),
                    before: child.status.zh().into(),
                    after: c.status.zh().into(),
                });
                ChangeSet {
                    children: vec![c],
                    audit: vec![entry],
                    ..Default::default()
                }
            }
            MissingDecision::Mistake => ChangeSet {
                audit: vec![AuditEntry {
                    at: actor.now,
                    operator: actor.name.to_string(),
                    action: AuditAction::Update,
                    subject: child_id.to_string(),
                    summary: format!(
                        "{} 不在学籍名册“{files}”中：核实为名册遗漏，仍在校",
                        child.name
                    ),
                    changes: Vec::new(),
                    lines: Vec::new(),
                }],
                ..Default::default()
            },
        };
        let mut rest = self.clone();
        rest.missing.retain(|id| *id != child_id);
        set.roll_follow_up = Some(rest);
        Ok(set)
    }
}
