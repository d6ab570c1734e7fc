//! How children are packed for storage: chunks of up to [`CHUNK_SIZE`] records, each encoded
//! as one compact binary value (postcard) after a format byte. See docs/storage.md for why.
//!
//! postcard is not self-describing: a field added to [`Child`] changes the encoding. Each
//! change raises [`CHUNK_FORMAT`] and keeps the previous shape here, so old chunks still
//! decode (the atuin pattern: `enum Version`, with a `LATEST`).

use chrono::{NaiveDate, NaiveDateTime};
use serde::Deserialize;
use uuid::Uuid;

use crate::model::{
    Address, Child, DisabilityCategory, Guardian, NoIdReason, PreviousYear, Sex, SpecialGroup,
    Status,
};
use crate::rules::id_number::IdNumber;

/// Children per stored chunk.
pub const CHUNK_SIZE: usize = 1000;

/// Version of the chunk encoding written now, the first byte of every chunk.
/// 1: the first child record. 2: adds `previous_year` (for the 小升初 check).
/// 3: adds `roll` (what the last 学籍 import said).
pub const CHUNK_FORMAT: u8 = 3;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChunkError {
    #[error("数据块为空")]
    Empty,
    #[error("数据块格式版本{0}无法识别（本程序支持版本1–{CHUNK_FORMAT}），请升级程序")]
    UnknownFormat(u8),
    #[error("数据块已损坏：{0}")]
    Corrupt(String),
}

impl crate::model::Localized for ChunkError {
    fn en(&self) -> String {
        match self {
            ChunkError::Empty => "The data chunk is empty".into(),
            ChunkError::UnknownFormat(v) => format!(
                "Data chunk format {v} is not recognised (this program reads 1–{CHUNK_FORMAT}); please update"
            ),
            ChunkError::Corrupt(d) => format!("The data chunk is damaged: {d}"),
        }
    }
}

pub fn encode_chunk(children: &[Child]) -> Result<Vec<u8>, ChunkError> {
    let out = vec![CHUNK_FORMAT];
    postcard::to_extend(children, out).map_err(|e| ChunkError::Corrupt(e.to_string()))
}

pub fn decode_chunk(bytes: &[u8]) -> Result<Vec<Child>, ChunkError> {
    let corrupt = |e: postcard::Error| ChunkError::Corrupt(e.to_string());
    match bytes.split_first() {
        None => Err(ChunkError::Empty),
        Some((&CHUNK_FORMAT, body)) => postcard::from_bytes(body).map_err(corrupt),
        Some((2, body)) => Ok(postcard::from_bytes::<Vec<ChildV2>>(body)
            .map_err(corrupt)?
            .into_iter()
            .map(Child::from)
            .collect()),
        Some((1, body)) => Ok(postcard::from_bytes::<Vec<ChildV1>>(body)
            .map_err(corrupt)?
            .into_iter()
            .map(Child::from)
            .collect()),
        Some((&v, _)) => Err(ChunkError::UnknownFormat(v)),
    }
}

/// The child record of chunk format 1.
#[derive(Debug, Clone, PartialEq, Deserialize, serde::Serialize)]
pub struct ChildV1 {
    pub id: Uuid,
    pub id_number: Option<IdNumber>,
    pub no_id_reason: Option<NoIdReason>,
    pub name: String,
    pub sex: Sex,
    pub birth_date: NaiveDate,
    pub ethnicity: String,
    pub hukou: Address,
    pub residence: Address,
    pub guardian: Guardian,
    pub parents_away: bool,
    pub student_number: Option<String>,
    pub school_id: Option<Uuid>,
    pub grade: Option<u8>,
    pub class_name: String,
    pub status: Status,
    pub groups: Vec<SpecialGroup>,
    pub disability: Option<DisabilityCategory>,
    pub note: String,
    pub revision: u32,
    pub updated_at: NaiveDateTime,
}

impl From<ChildV1> for Child {
    fn from(c: ChildV1) -> Self {
        Child {
            id: c.id,
            id_number: c.id_number,
            no_id_reason: c.no_id_reason,
            name: c.name,
            sex: c.sex,
            birth_date: c.birth_date,
            ethnicity: c.ethnicity,
            hukou: c.hukou,
            residence: c.residence,
            guardian: c.guardian,
            parents_away: c.parents_away,
            student_number: c.student_number,
            school_id: c.school_id,
            grade: c.grade,
            class_name: c.class_name,
            status: c.status,
            groups: c.groups,
            disability: c.disability,
            note: c.note,
            previous_year: None,
            roll: None,
            revision: c.revision,
            updated_at: c.updated_at,
        }
    }
}

/// The child record of chunk format 2: format 1 with `previous_year` before `revision`.
#[derive(Debug, Clone, PartialEq, Deserialize, serde::Serialize)]
pub struct ChildV2 {
    pub id: Uuid,
    pub id_number: Option<IdNumber>,
    pub no_id_reason: Option<NoIdReason>,
    pub name: String,
    pub sex: Sex,
    pub birth_date: NaiveDate,
    pub ethnicity: String,
    pub hukou: Address,
    pub residence: Address,
    pub guardian: Guardian,
    pub parents_away: bool,
    pub student_number: Option<String>,
    pub school_id: Option<Uuid>,
    pub grade: Option<u8>,
    pub class_name: String,
    pub status: Status,
    pub groups: Vec<SpecialGroup>,
    pub disability: Option<DisabilityCategory>,
    pub note: String,
    pub previous_year: Option<PreviousYear>,
    pub revision: u32,
    pub updated_at: NaiveDateTime,
}

impl From<ChildV2> for Child {
    fn from(c: ChildV2) -> Self {
        Child {
            id: c.id,
            id_number: c.id_number,
            no_id_reason: c.no_id_reason,
            name: c.name,
            sex: c.sex,
            birth_date: c.birth_date,
            ethnicity: c.ethnicity,
            hukou: c.hukou,
            residence: c.residence,
            guardian: c.guardian,
            parents_away: c.parents_away,
            student_number: c.student_number,
            school_id: c.school_id,
            grade: c.grade,
            class_name: c.class_name,
            status: c.status,
            groups: c.groups,
            disability: c.disability,
            note: c.note,
            previous_year: c.previous_year,
            roll: None,
            revision: c.revision,
            updated_at: c.updated_at,
        }
    }
}
