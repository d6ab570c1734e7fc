//! Search, filter, sort and page the children's ledger in memory.

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
        let raw = q.text.trim();
        let text = raw.to_uppercase();
        let mut hits: Vec<u32> = self
            .children()
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                q.status.is_none_or(|s| c.status == s)
                    && q.grade.is_none_or(|g| c.grade == Some(g))
                    && q.stage.is_none_or(|s| c.stage() == Some(s))
                    && q.school.is_none_or(|s| c.school_id == Some(s))
                    && q.group.is_none_or(|g| c.groups.contains(&g))
                    && q.township
                        .as_deref()
                        .is_none_or(|t| self.township_of(c) == Some(t))
                    && (text.is_empty() || matches_text(c, raw, &text))
            })
            .map(|(i, _)| i as u32)
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
            SortKey::Ledger => hits.sort_by_cached_key(|i| {
                let x = c(i);
                (
                    self.township_of(x).map(str::to_owned),
                    // Children in no school come after the schools of their township.
                    x.school_id
                        .and_then(|id| self.school_rank(id))
                        .unwrap_or(usize::MAX),
                    x.grade,
                    x.class_name.clone(),
                    x.name.clone(),
                )
            }),
            SortKey::Name => hits.sort_by(|a, b| c(a).name.cmp(&c(b).name)),
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

fn matches_text(c: &Child, raw: &str, upper: &str) -> bool {
    c.name.contains(raw)
        || c.name.to_uppercase().contains(upper)
        || c.id_number
            .as_ref()
            .is_some_and(|i| i.as_str().contains(upper))
        || c.student_number
            .as_deref()
            .is_some_and(|s| s.to_uppercase().contains(upper))
}
