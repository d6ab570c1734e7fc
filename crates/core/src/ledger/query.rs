//! Search, filter, sort and page the children's ledger in memory.

use memchr::memmem::Finder;
use uuid::Uuid;

use super::Ledger;
use crate::model::{Child, SpecialGroup, Stage, Status};

/// Column to sort the list by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    /// Township, school, grade, class, name: the order of a paper ledger.
    #[default]
    Ledger,
    Name,
    IdNumber,
    BirthDate,
    Grade,
    Status,
    Updated,
}

/// What the list shows: every field is a filter that must hold, `None` means any.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChildQuery {
    /// Part of a name, ID number or 学籍号.
    pub text: String,
    pub township: Option<String>,
    pub school: Option<Uuid>,
    pub grade: Option<u8>,
    pub stage: Option<Stage>,
    pub status: Option<Status>,
    pub group: Option<SpecialGroup>,
    pub sort: SortKey,
    pub descending: bool,
}

impl Ledger {
    /// Township a child belongs to for the ledger: the school's, else where the child lives,
    /// else where registered.
    pub fn township_of<'a>(&'a self, child: &'a Child) -> Option<&'a str> {
        child
            .school_id
            .and_then(|id| self.school(id))
            .map(|s| s.township_code.as_str())
            .or(child.residence.township_code.as_deref())
            .or(child.hukou.township_code.as_deref())
    }

    /// Positions of the matching children, in the requested order.
    pub fn query(&self, q: &ChildQuery) -> Vec<u32> {
        let text = q.text.trim();
        let text_hits = (!text.is_empty()).then(|| self.search_index().matching(text));
        let keep = |(i, c): (usize, &Child)| {
            text_hits.as_ref().is_none_or(|h| h[i]) && {
                q.status.is_none_or(|s| c.status == s)
                    && q.grade.is_none_or(|g| c.grade == Some(g))
                    && q.stage.is_none_or(|s| c.stage() == Some(s))
                    && q.school.is_none_or(|s| c.school_id == Some(s))
                    && q.group.is_none_or(|g| c.groups.contains(&g))
                    && q.township
                        .as_deref()
                        .is_none_or(|t| self.township_of(c) == Some(t))
            }
        };
        let children = self.children();
        if q.sort == SortKey::Ledger {
            // Already sorted once: filtering keeps the order.
            let mut hits: Vec<u32> = self
                .ledger_order()
                .iter()
                .copied()
                .filter(|i| keep((*i as usize, &children[*i as usize])))
                .collect();
            if q.descending {
                hits.reverse();
            }
            return hits;
        }
        let mut hits: Vec<u32> = (0..children.len() as u32)
            .filter(|i| keep((*i as usize, &children[*i as usize])))
            .collect();
        self.sort(&mut hits, q.sort);
        if q.descending {
            hits.reverse();
        }
        hits
    }

    fn sort(&self, hits: &mut [u32], key: SortKey) {
        let c = |i: &u32| &self.children()[*i as usize];
        match key {
            // Served from the cached ledger order in `query`.
            SortKey::Ledger => {}
            SortKey::Name => {
                let rank = self.name_rank();
                hits.sort_unstable_by_key(|i| rank[*i as usize]);
            }
            SortKey::IdNumber => hits.sort_by(|a, b| c(a).id_number.cmp(&c(b).id_number)),
            SortKey::BirthDate => hits.sort_by_key(|i| c(i).birth_date),
            SortKey::Grade => hits.sort_by_key(|i| c(i).grade),
            SortKey::Status => hits.sort_by_key(|i| c(i).status),
            SortKey::Updated => hits.sort_by_key(|i| c(i).updated_at),
        }
    }

    /// One page of a query result.
    pub fn page<'a>(&'a self, hits: &[u32], page: usize, size: usize) -> Vec<&'a Child> {
        hits.iter()
            .skip(page * size)
            .take(size)
            .filter_map(|i| self.children().get(*i as usize))
            .collect()
    }
}

/// Name, ID number and 学籍号 of every child, upper-cased, in one buffer: a search is one
/// substring scan over it instead of three per child.
#[derive(Debug, Clone, Default)]
pub(crate) struct SearchIndex {
    text: Vec<u8>,
    /// Where each child's entry starts in `text`.
    starts: Vec<u32>,
}

impl SearchIndex {
    pub(crate) fn build(children: &[Child]) -> Self {
        let mut text = Vec::with_capacity(children.len() * 48);
        let mut starts = Vec::with_capacity(children.len());
        for c in children {
            starts.push(text.len() as u32);
            // Newlines separate entries, so a name may not contain one.
            text.extend(c.name.to_uppercase().replace('\n', " ").bytes());
            text.push(b'\n');
            if let Some(id) = &c.id_number {
                text.extend(id.as_str().bytes());
            }
            text.push(b'\n');
            if let Some(sn) = &c.student_number {
                text.extend(sn.to_uppercase().replace('\n', " ").bytes());
            }
            text.push(b'\n');
        }
        Self { text, starts }
    }

    /// Marks the children whose name, ID number or 学籍号 contains `query` (any case).
    fn matching(&self, query: &str) -> Vec<bool> {
        let mut hit = vec![false; self.starts.len()];
        let upper = query.to_uppercase();
        if upper.contains('\n') {
            return hit;
        }
        for pos in Finder::new(upper.as_bytes()).find_iter(&self.text) {
            let child = self.starts.partition_point(|s| *s as usize <= pos) - 1;
            hit[child] = true;
        }
        hit
    }
}
