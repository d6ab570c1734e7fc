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
    let files: Vec<PlanFile> = files
        .iter()
        .map(|(roll, school)| PlanFile {
            roll,
            school: *school,
            whole: true,
        })
        .collect();
    Planning::start(ledger, townships, now).finish(ledger, &files, new_id)
}

/// A file as the dry run is lent it.
#[derive(Debug, Clone, Copy)]
pub struct PlanFile<'f> {
    pub roll: &'f RollFile,
    /// The school chosen for it, as for [`plan`].
    pub school: Option<Uuid>,
    /// Every row of it is read.
    pub whole: bool,
}

/// The dry run made a slice of rows at a time, while the rows are still being read, so that
/// a page can draw between slices (200,000 rows take seconds) and compare what has come
/// while the rest is read; [`plan`] makes it at once. The ledger and the files are lent to
/// each call, and a file's rows may grow between calls. Each row is given its school and
/// compared with the ledger as it comes; once every row is in, the children written twice
/// are left out and the rest is counted.
pub struct Planning {
    out: RollPlan,
    schools: SchoolResolver,
    /// The next row to take: `files[next.0].rows[next.1]`.
    next: (usize, usize),
    /// Rows taken, by file and row, with their school and what comparing them found.
    rows: Vec<Taken>,
    /// Each child's first row, by [`RollRow::key`].
    first: HashMap<String, usize>,
    /// Rows of a child met before: (its first row, this row).
    repeats: Vec<(usize, usize)>,
    /// Rows with no school of theirs, by file.
    unplaced: Vec<(usize, RollProblem)>,
}

struct Taken {
    file: usize,
    row: usize,
    school: SchoolRef,
    found: Found,
}

/// What comparing one row with the ledger found; counted once the row is known not to be
/// written twice.
enum Found {
    Deceased(Uuid),
    Unchanged(Uuid),
    /// An entry of the plan, with the ledger's child it changes.
    Entry(Option<Uuid>),
}

impl Planning {
    pub fn start(ledger: &Ledger, townships: &[Division], now: NaiveDateTime) -> Self {
        Planning {
            out: RollPlan {
                files: Vec::new(),
                entries: Vec::new(),
                unchanged: 0,
                new_schools: Vec::new(),
                schools: Vec::new(),
                missing: Vec::new(),
                problems: Vec::new(),
                conflicts: Vec::new(),
                now,
            },
            schools: SchoolResolver::new(ledger, townships),
            next: (0, 0),
            rows: Vec::new(),
            first: HashMap::new(),
            repeats: Vec::new(),
            unplaced: Vec::new(),
        }
    }

    /// Rows taken so far.
    pub fn progress(&self) -> usize {
        self.rows.len() + self.unplaced.len()
    }

    /// Takes up to `count` more of the rows the files hold now, each given its school and
    /// compared; true when every row they hold is taken. A file is taken once the one before
    /// it is whole, so rows keep the files' order; the files lent must be the same, in the
    /// same order, with the same schools, as far as the rows taken go.
    pub fn step(
        &mut self,
        ledger: &Ledger,
        files: &[PlanFile],
        count: usize,
        new_id: &mut dyn FnMut() -> Uuid,
    ) -> bool {
        let mut left = count;
        loop {
            let (f, r) = self.next;
            let Some(file) = files.get(f) else {
                return true;
            };
            let Some(row) = file.roll.rows.get(r) else {
                if file.whole {
                    self.next = (f + 1, 0);
                    continue;
                }
                return true;
            };
            if left == 0 {
                return false;
            }
            left -= 1;
            self.next.1 += 1;
            self.take(ledger, f, file, r, row, new_id);
        }
    }

    /// One row: its school, then the ledger's child it updates or the child it adds.
    fn take(
        &mut self,
        ledger: &Ledger,
        f: usize,
        file: &PlanFile,
        r: usize,
        row: &RollRow,
        new_id: &mut dyn FnMut() -> Uuid,
    ) {
        let (chosen, file) = (file.school, file.roll);
        let schools = &mut self.schools;
        // A file chosen for one school holds only that school's pupils.
        if let Some(c) =
            chosen.filter(|_| row.school_code.is_some() || !row.school_name.trim().is_empty())
        {
            if schools.lookup(row, None) != Some(SchoolRef::Existing(c)) {
                let reason = RollReason::NotThisSchool {
                    chosen: schools.name(SchoolRef::Existing(c)).to_string(),
                    written: row
                        .school_code
                        .clone()
                        .unwrap_or_else(|| row.school_name.clone()),
                };
                self.unplaced.push((f, problem(file, row, reason)));
                return;
            }
        }
        let Some(school) = schools.resolve(row, chosen, new_id) else {
            self.unplaced
                .push((f, problem(file, row, RollReason::NoSchool)));
            return;
        };
        let at = self.rows.len();
        match self.first.entry(row.key()) {
            std::collections::hash_map::Entry::Occupied(first) => {
                self.repeats.push((*first.get(), at))
            }
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(at);
            }
        }
        let now = self.out.now;
        let found = match compare(ledger, &self.schools, file, row, school, now, new_id) {
            Compared::Deceased(id) => Found::Deceased(id),
            Compared::Unchanged(id) => Found::Unchanged(id),
            Compared::Entry(entry, conflicts) => {
                let index = self.out.entries.len();
                let existing = entry.existing.then_some(entry.child.id);
                self.out
                    .conflicts
                    .extend(conflicts.into_iter().map(|(field, ledger, file)| Conflict {
                        entry: index,
                        field,
                        ledger,
                        file,
                    }));
                self.out.entries.push(entry);
                Found::Entry(existing)
            }
        };
        self.rows.push(Taken {
            file: f,
            row: r,
            school,
            found,
        });
    }

    /// The same child twice: in one school, the later rows are problems; in two schools, all.
    fn reject_repeated(&mut self, files: &[PlanFile]) -> HashSet<usize> {
        let rows = &self.rows;
        let schools = &self.schools;
        let at = |i: usize| {
            let t = &rows[i];
            let roll = files[t.file].roll;
            (roll, &roll.rows[t.row], t.school)
        };
        let mut rejected: HashSet<usize> = HashSet::new();
        // Each child's rows, in file order.
        let mut grouped: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (first, i) in std::mem::take(&mut self.repeats) {
            grouped.entry(first).or_insert_with(|| vec![first]).push(i);
        }
        for list in grouped.values() {
            let first = list[0];
            let (ff, fr, fs) = at(first);
            let two_schools = list.iter().any(|i| rows[*i].school != fs);
            for &i in list {
                let (file, row, s) = at(i);
                if two_schools {
                    let other = list.iter().find(|j| rows[**j].school != s).map(|j| at(*j));
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
        rejected
    }

    /// The dry run, once every file is whole: the rows not taken yet are taken, the children
    /// written twice left out, who is missing found, and problems counted by school.
    pub fn finish(
        mut self,
        ledger: &Ledger,
        files: &[PlanFile],
        new_id: &mut dyn FnMut() -> Uuid,
    ) -> RollPlan {
        let files: Vec<PlanFile> = files
            .iter()
            .map(|f| PlanFile { whole: true, ..*f })
            .collect();
        let files = &files[..];
        self.step(ledger, files, usize::MAX, new_id);
        self.out.files = files.iter().map(|f| f.roll.file.clone()).collect();
        // Each file's own problems, then its rows with no school of theirs.
        let mut unplaced = std::mem::take(&mut self.unplaced).into_iter().peekable();
        for (i, file) in files.iter().enumerate() {
            self.out.problems.extend(file.roll.problems.iter().cloned());
            while let Some((_, p)) = unplaced.next_if(|(f, _)| *f == i) {
                self.out.problems.push(p);
            }
        }
        let rejected = self.reject_repeated(files);
        let Planning {
            mut out,
            mut schools,
            rows,
            ..
        } = self;
        let mut summaries: BTreeMap<SchoolKey, SchoolSummary> = BTreeMap::new();
        let mut seen: HashSet<Uuid> = HashSet::new();
        let mut covered: HashSet<Uuid> = HashSet::new();
        // The entries of rows left out, by index in `out.entries`.
        let mut dropped: HashSet<usize> = HashSet::new();
        let mut entry = 0;
        for (i, taken) in rows.into_iter().enumerate() {
            if let SchoolRef::Existing(id) = taken.school {
                covered.insert(id);
            }
            let is_entry = matches!(taken.found, Found::Entry(_));
            if rejected.contains(&i) {
                if is_entry {
                    dropped.insert(entry);
                    entry += 1;
                }
                continue;
            }
            entry += usize::from(is_entry);
            let file = files[taken.file].roll;
            let row = &file.rows[taken.row];
            if let SchoolRef::New(n) = taken.school {
                let grades = &mut schools.new[n].grades;
                if !grades.contains(&row.grade) {
                    grades.push(row.grade);
                }
            }
            match taken.found {
                Found::Deceased(id) => {
                    seen.insert(id);
                    out.problems.push(problem(file, row, RollReason::Deceased));
                }
                Found::Unchanged(id) => {
                    seen.insert(id);
                    summary_of(&mut summaries, &schools, taken.school).unchanged += 1;
                    out.unchanged += 1;
                }
                Found::Entry(existing) => {
                    let summary = summary_of(&mut summaries, &schools, taken.school);
                    match existing {
                        Some(id) => {
                            seen.insert(id);
                            summary.changed += 1;
                        }
                        None => summary.new += 1,
                    }
                }
            }
        }
        if !dropped.is_empty() {
            // Entries renumbered without those left out, and their conflicts with them.
            let mut at = Vec::with_capacity(out.entries.len());
            let mut kept = 0;
            for i in 0..out.entries.len() {
                at.push((!dropped.contains(&i)).then_some(kept));
                kept += usize::from(!dropped.contains(&i));
            }
            let mut i = 0;
            out.entries.retain(|_| {
                i += 1;
                !dropped.contains(&(i - 1))
            });
            out.conflicts.retain_mut(|c| match at[c.entry] {
                Some(n) => {
                    c.entry = n;
                    true
                }
                None => false,
            });
        }
        // Not in the export: children of these schools, in school by the ledger.
        for c in ledger.children() {
            if c.status.needs_school()
                && c.school_id.is_some_and(|s| covered.contains(&s))
                && !seen.contains(&c.id)
            {
                out.missing.push(c.id);
                if let Some(s) = c.school_id {
                    summary_of(&mut summaries, &schools, SchoolRef::Existing(s)).missing += 1;
                }
            }
        }
        // Problem rows by school: the school as the row names it, else the file's.
        for p in &out.problems {
            let chosen = files
                .iter()
                .find(|f| f.roll.file == p.file)
                .and_then(|f| f.school);
            let school = schools
                .lookup_text(&p.school)
                .or(chosen.map(SchoolRef::Existing));
            if let Some(s) = school {
                summary_of(&mut summaries, &schools, s).problems += 1;
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

fn summary_of<'s>(
    summaries: &'s mut BTreeMap<SchoolKey, SchoolSummary>,
    schools: &SchoolResolver,
    school: SchoolRef,
) -> &'s mut SchoolSummary {
    summaries
        .entry(SchoolKey(school))
        .or_insert_with(|| SchoolSummary {
            name: schools.name(school),
            ..Default::default()
        })
}

/// One row compared with the ledger: the child it adds, or the ledger's child and what the
/// file changes about it, field by field. The file wins unless the field was changed by hand
/// since the last import and the file changed it too — then a person chooses.
fn compare(
    ledger: &Ledger,
    schools: &SchoolResolver,
    file: &RollFile,
    row: &RollRow,
    school: SchoolRef,
    now: NaiveDateTime,
    new_id: &mut dyn FnMut() -> Uuid,
) -> Compared {
    let existing = row
        .id_number
        .as_ref()
        .and_then(|n| ledger.child_by_id_number(n))
        .or_else(|| {
            row.student_number
                .as_ref()
                .and_then(|s| ledger.child_by_student_number(s))
        });
    if let Some(c) = existing.filter(|c| c.status == Status::Deceased) {
        return Compared::Deceased(c.id);
    }
    let school_id = schools.id(school);
    let mut proposed = merge(existing, row, school_id, &schools.townships, now, new_id);
    // The stamp holds what the file said, also where the ledger's value is kept.
    proposed.roll = Some(stamp(&proposed, now));
    let Some(old) = existing else {
        let movement = if row.grade == 1 {
            Movement::Entrant
        } else {
            Movement::New
        };
        let entry = RollEntry {
            changes: Vec::new(),
            changed: Vec::new(),
            child: proposed,
            existing: false,
            movement,
            school,
            from_school: None,
            file: file.file.clone(),
            line: row.line,
        };
        return Compared::Entry(entry, Vec::new());
    };
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
        return Compared::Unchanged(old.id);
    }
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
    let entry = RollEntry {
        changes,
        changed,
        child: result,
        existing: true,
        movement,
        school,
        from_school: old.school_id.filter(|s| Some(*s) != school_id),
        file: file.file.clone(),
        line: row.line,
    };
    Compared::Entry(entry, conflicts)
}

/// One row compared: a conflict is (field, the ledger's value, the file's).
// A return value, moved once into the plan: boxing it would cost an allocation per row.
#[allow(clippy::large_enum_variant)]
enum Compared {
    Deceased(Uuid),
    Unchanged(Uuid),
    Entry(RollEntry, Vec<(ImportField, String, String)>),
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
    let mut s = String::new();
    write_field(c, f, &mut s);
    s
}

/// [`hash`] of [`field_key`], without making the text: the stamp hashes 14 fields a row.
fn field_hash(c: &Child, f: ImportField) -> u32 {
    let mut h = Fnv(FNV_START);
    write_field(c, f, &mut h);
    h.0
}

/// Writes [`field_key`]'s text.
fn write_field(c: &Child, f: ImportField, out: &mut impl std::fmt::Write) {
    let addr = |a: &Address, out: &mut dyn std::fmt::Write| {
        let _ = write!(
            out,
            "{}|{}",
            a.township_code.as_deref().unwrap_or_default(),
            a.detail
        );
    };
    let _ = match f {
        ImportField::Name => out.write_str(&c.name),
        ImportField::IdNumber => match &c.id_number {
            Some(n) => write!(out, "{n}"),
            None => Ok(()),
        },
        ImportField::Sex => out.write_str(c.sex.key()),
        ImportField::BirthDate => write!(out, "{}", c.birth_date),
        ImportField::Ethnicity => out.write_str(&c.ethnicity),
        ImportField::StudentNumber => {
            out.write_str(c.student_number.as_deref().unwrap_or_default())
        }
        ImportField::School => match c.school_id {
            Some(s) => write!(out, "{s}"),
            None => Ok(()),
        },
        ImportField::Grade => match c.grade {
            Some(g) => write!(out, "{g}"),
            None => Ok(()),
        },
        ImportField::Class => out.write_str(&c.class_name),
        ImportField::Hukou => {
            addr(&c.hukou, out);
            Ok(())
        }
        ImportField::Residence => {
            addr(&c.residence, out);
            Ok(())
        }
        ImportField::Guardian => write!(
            out,
            "{}|{}|{}",
            c.guardian.name,
            c.guardian.relation.key(),
            c.guardian.phone
        ),
        ImportField::Groups => {
            let mut r = Ok(());
            for (i, g) in ROLL_GROUPS
                .iter()
                .filter(|g| c.groups.contains(g))
                .enumerate()
            {
                r = r.and(out.write_str(if i == 0 { "" } else { "、" }));
                r = r.and(out.write_str(g.zh()));
            }
            r
        }
        ImportField::Disability => out.write_str(c.disability.map(|d| d.key()).unwrap_or_default()),
    };
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
    let mut h = Fnv(FNV_START);
    h.add(text);
    h.0
}

const FNV_START: u32 = 0x811c_9dc5;

/// FNV-1a over the bytes written to it.
struct Fnv(u32);

impl Fnv {
    fn add(&mut self, text: &str) {
        self.0 = text
            .bytes()
            .fold(self.0, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193));
    }
}

impl std::fmt::Write for Fnv {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.add(s);
        Ok(())
    }
}

/// The stamp of what the file said, to tell a later hand change from a change in the file.
fn stamp(c: &Child, now: NaiveDateTime) -> RollStamp {
    RollStamp {
        imported_at: now,
        fields: ImportField::ALL.iter().map(|f| field_hash(c, *f)).collect(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Guardian, Relation, Sex};
    use chrono::NaiveDate;

    /// The stamp's hashes, made without the text, are those of the text: stamps already in
    /// ledgers keep telling hand changes from the file's.
    #[test]
    fn a_field_hashed_as_written_is_the_hash_of_its_text() {
        let day = NaiveDate::from_ymd_opt(2016, 3, 8).unwrap();
        let now = day.and_hms_opt(8, 0, 0).unwrap();
        let bare = Child::new_record(Uuid::from_u128(1), Sex::Female, day, now);
        let mut full = bare.clone();
        full.name = "王小明".into();
        full.id_number = crate::rules::id_number::IdNumber::compose("445224", day, 2).ok();
        full.ethnicity = "汉族".into();
        full.student_number = Some("G445224".into());
        full.school_id = Some(Uuid::from_u128(7));
        full.grade = Some(3);
        full.class_name = "2班".into();
        full.hukou.township_code = Some("445224100".into());
        full.hukou.detail = "南门村".into();
        full.residence.detail = "县城".into();
        full.guardian = Guardian {
            name: "王父".into(),
            relation: Relation::Father,
            phone: "13800138000".into(),
        };
        full.groups = vec![SpecialGroup::LeftBehind, SpecialGroup::Orphan];
        for c in [&bare, &full] {
            for f in ImportField::ALL.iter().copied() {
                assert_eq!(field_hash(c, f), hash(&field_key(c, f)), "{f:?}");
            }
        }
        assert_eq!(field_key(&full, ImportField::Groups), "农村留守儿童、孤儿");
        assert_eq!(field_key(&full, ImportField::Hukou), "445224100|南门村");
    }
}
