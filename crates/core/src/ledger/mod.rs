//! The children's ledger (适龄儿童台账) held in memory: the one place that knows every child,
//! keeps the indexes, checks uniqueness, and prepares each change with its audit entry.

pub mod chunk;
pub mod query;

use std::collections::HashMap;

use crate::rules::id_number::IdNumber;
use crate::rules::name_order::name_key;
use chrono::NaiveDateTime;
use uuid::Uuid;

use crate::model::{
    AuditAction, AuditEntry, Child, ChildNames, ChildProblem, Labelled, School, SpecialGroup,
    Stage, Status,
};
use chunk::{encode_chunk, ChunkError, CHUNK_SIZE};

/// All children and schools of an installation.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    children: Vec<Child>,
    by_id: HashMap<Uuid, usize>,
    /// By [`IdNumber::key`](crate::rules::id_number::IdNumber::key).
    by_id_number: HashMap<u64, usize>,
    by_student_number: HashMap<String, usize>,
    schools: Vec<School>,
    school_index: HashMap<Uuid, usize>,
    /// Township names by 9-digit code.
    townships: HashMap<String, String>,
    /// Township codes in the installation's order, for the ledger order.
    township_rank: HashMap<String, usize>,
    /// Positions of all children in ledger order, computed when first needed after a change.
    ledger_order: std::sync::OnceLock<Vec<u32>>,
    /// Each child's place among all by name in pinyin order, likewise.
    name_rank: std::sync::OnceLock<Vec<u32>>,
    /// Text search index, likewise.
    search_index: std::sync::OnceLock<query::SearchIndex>,
}

/// A change checked and encoded, ready to be written in one transaction and then applied.
#[derive(Debug, Clone)]
pub struct PreparedChildSave {
    pub child: Child,
    pub slot: usize,
    /// Which stored chunk holds the child, and that chunk's new bytes.
    pub chunk_no: u32,
    pub chunk_bytes: Vec<u8>,
    pub audit: AuditEntry,
    /// Facts to show that do not block saving.
    pub warnings: Vec<ChildProblem>,
}

/// A batch being encoded, chunk by chunk; see [`Ledger::begin_batch`].
#[derive(Debug)]
pub struct BatchEncoding {
    slots: Vec<(usize, Child)>,
    /// Each touched chunk, with the changes (indices into `slots`) that fall in it.
    to_encode: Vec<(u32, Vec<usize>)>,
    chunks: Vec<(u32, Vec<u8>)>,
    next_new: usize,
}

impl BatchEncoding {
    /// Chunks encoded, of how many.
    pub fn progress(&self) -> (usize, usize) {
        (self.chunks.len(), self.to_encode.len())
    }

    /// Encodes up to `count` more chunks; true when all are encoded. `ledger` is the one the
    /// batch was begun on.
    pub fn step(&mut self, ledger: &Ledger, count: usize) -> Result<bool, SaveError> {
        let end = self
            .chunks
            .len()
            .saturating_add(count)
            .min(self.to_encode.len());
        for i in self.chunks.len()..end {
            let (no, changed) = &mut self.to_encode[i];
            let start = *no as usize * CHUNK_SIZE;
            let stop = (start + CHUNK_SIZE).min(self.next_new);
            let have = ledger.children.len();
            let mut members = ledger.children[start.min(have)..stop.min(have)].to_vec();
            changed.sort_by_key(|k| self.slots[*k].0);
            for k in changed.iter() {
                let (slot, c) = &self.slots[*k];
                let i = slot - start;
                if i < members.len() {
                    members[i] = c.clone();
                } else {
                    members.push(c.clone());
                }
            }
            self.chunks.push((*no, encode_chunk(&members)?));
        }
        Ok(self.chunks.len() == self.to_encode.len())
    }

    pub fn finish(self) -> PreparedBatch {
        PreparedBatch {
            children: self.slots,
            chunks: self.chunks,
        }
    }
}

/// Casework changes to several children, encoded, ready to be written and then applied.
#[derive(Debug, Clone, Default)]
pub struct PreparedBatch {
    pub children: Vec<(usize, Child)>,
    pub chunks: Vec<(u32, Vec<u8>)>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SaveError {
    #[error("{}", .0.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("；"))]
    Invalid(Vec<ChildProblem>),
    #[error("{0}")]
    Chunk(#[from] ChunkError),
    #[error("台账中没有“{0}”，可能已被删除")]
    UnknownChild(String),
    #[error("该记录已被修改（当前第{current}版，您编辑的是第{edited}版），请刷新后重试")]
    Stale { current: u32, edited: u32 },
}

impl crate::model::Localized for SaveError {
    fn en(&self) -> String {
        match self {
            SaveError::Invalid(problems) => problems
                .iter()
                .map(|p| p.en())
                .collect::<Vec<_>>()
                .join("; "),
            SaveError::Chunk(e) => e.en(),
            SaveError::UnknownChild(who) => {
                format!("“{who}” is not in the ledger: it may have been deleted")
            }
            SaveError::Stale { current, edited } => format!(
                "The record was changed meanwhile (now version {current}, you edited version {edited}): reload and try again"
            ),
        }
    }
}

/// Counts for the dashboard.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LedgerSummary {
    pub total: usize,
    pub enrolled: usize,
    pub by_status: Vec<(Status, usize)>,
    pub by_stage: Vec<(Stage, usize)>,
    pub by_group: Vec<(SpecialGroup, usize)>,
    pub without_id: usize,
    pub id_disagreements: usize,
}

impl Ledger {
    pub fn new(
        schools: Vec<School>,
        townships: &[crate::model::Division],
        children: Vec<Child>,
    ) -> Self {
        let mut l = Ledger {
            townships: townships
                .iter()
                .map(|d| (d.code.clone(), d.name.clone()))
                .collect(),
            township_rank: townships
                .iter()
                .enumerate()
                .map(|(i, d)| (d.code.clone(), i))
                .collect(),
            ..Default::default()
        };
        l.set_schools(schools);
        l.children = children;
        l.reindex();
        l
    }

    fn reindex(&mut self) {
        self.by_id.clear();
        self.by_id_number.clear();
        self.by_student_number.clear();
        for (i, c) in self.children.iter().enumerate() {
            self.by_id.insert(c.id, i);
            if let Some(n) = &c.id_number {
                self.by_id_number.insert(n.key(), i);
            }
            if let Some(s) = &c.student_number {
                self.by_student_number.insert(s.clone(), i);
            }
        }
    }

    pub fn set_schools(&mut self, schools: Vec<School>) {
        self.ledger_order = Default::default();
        self.name_rank = Default::default();
        self.school_index = schools.iter().enumerate().map(|(i, s)| (s.id, i)).collect();
        self.schools = schools;
    }

    pub fn children(&self) -> &[Child] {
        &self.children
    }

    pub fn len(&self) -> usize {
        self.children.len()
    }

    pub fn is_empty(&self) -> bool {
        self.children.is_empty()
    }

    pub fn schools(&self) -> &[School] {
        &self.schools
    }

    pub fn school(&self, id: Uuid) -> Option<&School> {
        self.school_index.get(&id).map(|i| &self.schools[*i])
    }

    pub(crate) fn search_index(&self) -> &query::SearchIndex {
        self.search_index
            .get_or_init(|| query::SearchIndex::build(&self.children))
    }

    /// All children in ledger order: township, school, grade, class, name; children in no
    /// school after the schools of their township.
    pub(crate) fn ledger_order(&self) -> &[u32] {
        self.ledger_order.get_or_init(|| {
            // Sort compact rows rather than indexes into the children: far fewer cache misses.
            let names = self.name_rank();
            let mut rows: Vec<(usize, usize, u8, &str, u32, u32)> = self
                .children
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let town = self
                        .township_of(c)
                        .and_then(|t| self.township_rank.get(t).copied())
                        .unwrap_or(usize::MAX);
                    let school = c
                        .school_id
                        .and_then(|id| self.school_index.get(&id).copied());
                    (
                        town,
                        school.unwrap_or(usize::MAX),
                        c.grade.unwrap_or(u8::MAX),
                        c.class_name.as_str(),
                        names[i],
                        i as u32,
                    )
                })
                .collect();
            rows.sort_unstable();
            rows.into_iter().map(|r| r.5).collect()
        })
    }

    /// Each child's place by name in pinyin order ([`name_key`]), by position in
    /// [`Ledger::children`].
    pub(crate) fn name_rank(&self) -> &[u32] {
        self.name_rank.get_or_init(|| {
            let mut keyed: Vec<(String, u32)> = self
                .children
                .iter()
                .enumerate()
                .map(|(i, c)| (name_key(&c.name), i as u32))
                .collect();
            keyed.sort_unstable();
            let mut rank = vec![0u32; keyed.len()];
            for (r, (_, i)) in keyed.into_iter().enumerate() {
                rank[i as usize] = r as u32;
            }
            rank
        })
    }

    pub fn child(&self, id: Uuid) -> Option<&Child> {
        self.by_id.get(&id).map(|i| &self.children[*i])
    }

    /// The child with this (normalised) ID number.
    pub fn child_by_id_number(&self, id_number: &IdNumber) -> Option<&Child> {
        self.slot_by_id_number(id_number).map(|i| &self.children[i])
    }

    /// Position in [`Ledger::children`] of the child with this ID number.
    /// The child with this 学籍号.
    pub fn child_by_student_number(&self, number: &str) -> Option<&Child> {
        self.by_student_number
            .get(number)
            .map(|&i| &self.children[i])
    }

    pub fn slot_by_id_number(&self, id_number: &IdNumber) -> Option<usize> {
        self.by_id_number.get(&id_number.key()).copied()
    }

    /// Position in [`Ledger::children`] of a child.
    pub fn slot_of(&self, id: Uuid) -> Option<usize> {
        self.by_id.get(&id).copied()
    }

    /// A township's place in the installation's order (unknown ones last).
    pub fn township_rank(&self, code: &str) -> usize {
        self.township_rank.get(code).copied().unwrap_or(usize::MAX)
    }

    /// The county's townships, in the installation's order.
    pub fn townships(&self) -> Vec<crate::model::Division> {
        let mut v: Vec<_> = self
            .townships
            .iter()
            .map(|(code, name)| crate::model::Division {
                code: code.clone(),
                name: name.clone(),
            })
            .collect();
        v.sort_by_key(|d| self.township_rank(&d.code));
        v
    }

    pub fn township_name(&self, code: &str) -> &str {
        self.townships.get(code).map(String::as_str).unwrap_or("")
    }

    /// Names a child's codes stand for.
    pub fn names_for(&self, c: &Child) -> ChildNames {
        let town = |code: &Option<String>| {
            code.as_deref()
                .map(|c| self.township_name(c).to_string())
                .unwrap_or_default()
        };
        ChildNames {
            school: c
                .school_id
                .and_then(|id| self.school(id))
                .map(|s| s.name.clone())
                .unwrap_or_default(),
            hukou_township: town(&c.hukou.township_code),
            residence_township: town(&c.residence.township_code),
        }
    }

    /// Number of stored chunks the ledger fills.
    pub fn chunk_count(&self) -> u32 {
        self.children.len().div_ceil(CHUNK_SIZE) as u32
    }

    /// Encodes every chunk, for a bulk write (demo load, migration, restore).
    pub fn encode_all(&self) -> Result<Vec<(u32, Vec<u8>)>, ChunkError> {
        self.children
            .chunks(CHUNK_SIZE)
            .enumerate()
            .map(|(i, c)| Ok((i as u32, encode_chunk(c)?)))
            .collect()
    }

    /// Checks a new or edited child against the rules and the rest of the ledger and encodes
    /// the chunk that will hold it. Nothing changes until [`Ledger::apply`].
    pub fn prepare_save(
        &self,
        mut child: Child,
        operator: &str,
        now: NaiveDateTime,
    ) -> Result<PreparedChildSave, SaveError> {
        let existing = self.by_id.get(&child.id).map(|i| (*i, &self.children[*i]));
        let mut problems = child.problems();
        if let Some((_, old)) = existing {
            if old.revision != child.revision {
                return Err(SaveError::Stale {
                    current: old.revision,
                    edited: child.revision,
                });
            }
            if let Err(e) = old.status.can_change_to(child.status) {
                problems.push(e.into());
            }
        } else if child.status == Status::Dropout {
            problems.push(crate::model::StatusChangeError::NeedsVerification.into());
        } else if child.status == Status::SuspectedDropout {
            problems.push(crate::model::StatusChangeError::FlagInstead.into());
        }
        let other =
            |slot: Option<&usize>| slot.copied().filter(|s| Some(*s) != existing.map(|e| e.0));
        if let Some(n) = &child.id_number {
            if let Some(s) = other(self.by_id_number.get(&n.key())) {
                problems.push(ChildProblem::DuplicateIdNumber(
                    n.to_string(),
                    self.describe(s),
                ));
            }
        }
        if let Some(n) = &child.student_number {
            if let Some(s) = other(self.by_student_number.get(n)) {
                problems.push(ChildProblem::DuplicateStudentNumber(
                    n.clone(),
                    self.describe(s),
                ));
            }
        }
        let (warnings, errors): (Vec<_>, Vec<_>) =
            problems.into_iter().partition(|p| p.is_warning());
        if !errors.is_empty() {
            return Err(SaveError::Invalid(errors));
        }

        child.revision += 1;
        child.updated_at = now;
        let slot = existing.map(|e| e.0).unwrap_or(self.children.len());
        let chunk_no = (slot / CHUNK_SIZE) as u32;
        let start = chunk_no as usize * CHUNK_SIZE;
        let end = (start + CHUNK_SIZE).min(self.children.len());
        let mut members: Vec<Child> = self.children[start.min(end)..end].to_vec();
        if slot < end {
            members[slot - start] = child.clone();
        } else {
            members.push(child.clone());
        }
        let chunk_bytes = encode_chunk(&members)?;

        let audit = match existing {
            Some((_, old)) => AuditEntry {
                at: now,
                operator: operator.to_string(),
                action: AuditAction::Update,
                subject: child.id.to_string(),
                summary: format!("修改 {} 的信息", child.name),
                changes: old.diff(&child, &|c| self.names_for(c)),
                lines: Vec::new(),
            },
            None => AuditEntry {
                at: now,
                operator: operator.to_string(),
                action: AuditAction::Create,
                subject: child.id.to_string(),
                summary: format!("新增 {}（{}）", child.name, child.status.zh()),
                changes: child
                    .display_fields(&self.names_for(&child))
                    .into_iter()
                    .filter(|(_, v)| !v.is_empty())
                    .map(|(field, after)| crate::model::FieldChange {
                        field: field.zh().to_string(),
                        before: String::new(),
                        after,
                    })
                    .collect(),
                lines: Vec::new(),
            },
        };
        Ok(PreparedChildSave {
            child,
            slot,
            chunk_no,
            chunk_bytes,
            audit,
            warnings,
        })
    }

    /// Prepares changes the casework made to children (status, school, grade, groups), and
    /// children it added (a registered child found in no school): revisions move on and the
    /// touched chunks are re-encoded. The rules of that work were checked by the casework.
    pub fn prepare_batch(
        &self,
        changed: Vec<Child>,
        now: NaiveDateTime,
    ) -> Result<PreparedBatch, SaveError> {
        let mut encoding = self.begin_batch(changed, now)?;
        while !encoding.step(self, usize::MAX)? {}
        Ok(encoding.finish())
    }

    /// [`Ledger::prepare_batch`] a chunk at a time, for a page that draws between chunks:
    /// the children get their slots now, the chunks are encoded by [`BatchEncoding::step`].
    pub fn begin_batch(
        &self,
        changed: Vec<Child>,
        now: NaiveDateTime,
    ) -> Result<BatchEncoding, SaveError> {
        let mut slots: Vec<(usize, Child)> = Vec::with_capacity(changed.len());
        let mut next_new = self.children.len();
        for mut c in changed {
            match self.by_id.get(&c.id) {
                Some(&slot) => {
                    c.revision = self.children[slot].revision + 1;
                    c.updated_at = now;
                    slots.push((slot, c));
                }
                None => {
                    if let Some(s) = c
                        .id_number
                        .as_ref()
                        .and_then(|n| self.by_id_number.get(&n.key()))
                    {
                        let n = c
                            .id_number
                            .as_ref()
                            .map(|n| n.to_string())
                            .unwrap_or_default();
                        return Err(SaveError::Invalid(vec![ChildProblem::DuplicateIdNumber(
                            n,
                            self.describe(*s),
                        )]));
                    }
                    c.revision = 1;
                    c.updated_at = now;
                    slots.push((next_new, c));
                    next_new += 1;
                }
            }
        }
        // Each touched chunk once, with its changed members: linear in the changes, also for
        // an import of 200,000 new children.
        let mut by_chunk: std::collections::BTreeMap<u32, Vec<usize>> = Default::default();
        for (k, (slot, _)) in slots.iter().enumerate() {
            by_chunk
                .entry((slot / CHUNK_SIZE) as u32)
                .or_default()
                .push(k);
        }
        Ok(BatchEncoding {
            chunks: Vec::with_capacity(by_chunk.len()),
            to_encode: by_chunk.into_iter().collect(),
            slots,
            next_new,
        })
    }

    /// Applies a prepared batch once it is stored.
    pub fn apply_batch(&mut self, batch: PreparedBatch) {
        self.ledger_order = Default::default();
        self.name_rank = Default::default();
        self.search_index = Default::default();
        let added = batch
            .children
            .iter()
            .filter(|(slot, _)| *slot >= self.children.len())
            .count();
        self.children.reserve(added);
        self.by_id.reserve(added);
        self.by_id_number.reserve(added);
        for (slot, c) in batch.children {
            self.put(slot, c);
        }
    }

    /// Puts a child in its slot and keeps the indexes: only what changed is touched, so a
    /// batch of a few children into 200,000 does not rebuild them.
    fn put(&mut self, slot: usize, child: Child) {
        if slot < self.children.len() {
            let old = std::mem::replace(&mut self.children[slot], child);
            if let Some(n) = old.id_number {
                self.by_id_number.remove(&n.key());
            }
            if let Some(s) = old.student_number {
                self.by_student_number.remove(&s);
            }
        } else {
            self.children.push(child);
        }
        let c = &self.children[slot];
        self.by_id.insert(c.id, slot);
        if let Some(n) = &c.id_number {
            self.by_id_number.insert(n.key(), slot);
        }
        if let Some(s) = &c.student_number {
            self.by_student_number.insert(s.clone(), slot);
        }
    }

    /// Applies a prepared save once it is stored.
    pub fn apply(&mut self, p: PreparedChildSave) {
        self.ledger_order = Default::default();
        self.name_rank = Default::default();
        self.search_index = Default::default();
        self.put(p.slot, p.child);
    }

    fn describe(&self, slot: usize) -> String {
        let c = &self.children[slot];
        let school = self.names_for(c).school;
        format!(
            "{}{}",
            c.name,
            if school.is_empty() {
                String::new()
            } else {
                format!("（{school}）")
            }
        )
    }

    pub fn summary(&self) -> LedgerSummary {
        let mut status = HashMap::<Status, usize>::new();
        let mut stage = HashMap::<Stage, usize>::new();
        let mut group = HashMap::<SpecialGroup, usize>::new();
        let mut s = LedgerSummary {
            total: self.children.len(),
            ..Default::default()
        };
        for c in &self.children {
            *status.entry(c.status).or_default() += 1;
            if let Some(st) = c.stage() {
                *stage.entry(st).or_default() += 1;
            }
            for g in &c.groups {
                *group.entry(*g).or_default() += 1;
            }
            if c.status.counts_as_enrolled() {
                s.enrolled += 1;
            }
            if c.id_number.is_none() {
                s.without_id += 1;
            }
            if c.problems().iter().any(|p| p.is_warning()) {
                s.id_disagreements += 1;
            }
        }
        s.by_status = Status::ALL
            .iter()
            .map(|k| (*k, status.get(k).copied().unwrap_or(0)))
            .collect();
        s.by_stage = Stage::ALL
            .iter()
            .map(|k| (*k, stage.get(k).copied().unwrap_or(0)))
            .collect();
        s.by_group = SpecialGroup::ALL
            .iter()
            .map(|k| (*k, group.get(k).copied().unwrap_or(0)))
            .collect();
        s
    }
}

#[cfg(test)]
mod tests;
