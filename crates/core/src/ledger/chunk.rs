//! How children are packed for storage: chunks of up to [`CHUNK_SIZE`] records, each encoded
//! as one compact binary value. See docs/storage.md for why.

use crate::model::Child;

/// Children per stored chunk.
pub const CHUNK_SIZE: usize = 1000;

/// Version of the chunk encoding, the first byte of every chunk.
pub const CHUNK_FORMAT: u8 = 1;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChunkError {
    #[error("数据块为空")]
    Empty,
    #[error("数据块格式版本{0}无法识别（本程序支持版本{CHUNK_FORMAT}），请升级程序")]
    UnknownFormat(u8),
    #[error("数据块已损坏：{0}")]
    Corrupt(String),
}

pub fn encode_chunk(children: &[Child]) -> Result<Vec<u8>, ChunkError> {
    let out = vec![CHUNK_FORMAT];
    postcard::to_extend(children, out).map_err(|e| ChunkError::Corrupt(e.to_string()))
}

pub fn decode_chunk(bytes: &[u8]) -> Result<Vec<Child>, ChunkError> {
    match bytes.split_first() {
        None => Err(ChunkError::Empty),
        Some((&CHUNK_FORMAT, body)) => {
            postcard::from_bytes(body).map_err(|e| ChunkError::Corrupt(e.to_string()))
        }
        Some((&v, _)) => Err(ChunkError::UnknownFormat(v)),
    }
}
