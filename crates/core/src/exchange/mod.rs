//! BaoXue bundles: the files that carry data between installations and levels (and backups),
//! described in docs/bundle-format.md. A bundle is JSON with an envelope and a payload; the
//! envelope holds the SHA-256 of the payload's exact text. Bundles with personal data are
//! encrypted as a whole with a passphrase in the age format (scrypt), which the `age` and
//! `rage` command-line tools can also open.

mod backup;
mod crypto;
pub mod filing;
pub mod holdings;
pub mod landing;
mod refusal;
pub use refusal::Refusal;
pub mod report;
pub mod rollup;
pub mod school_setup;
#[cfg(test)]
mod test_county;
#[cfg(test)]
mod tests;

pub use backup::{Backup, BACKUP_KIND};
pub use crypto::{
    check_header, check_passphrase, check_public_key, decrypt, decrypt_with_key, encrypt,
    encrypt_report, encrypt_to, is_encrypted, OfficeKey, Sealed, BACKUP_WORK_FACTOR,
    MAX_WORK_FACTOR, MIN_PASSPHRASE_CHARS, REPORT_WORK_FACTOR,
};

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// The format name every bundle carries.
pub const FORMAT: &str = "baoxue-bundle";
/// Highest bundle format version this program reads and the one it writes.
pub const FORMAT_VERSION: u32 = 1;
/// Lowest version read: no BaoXue ever wrote a version 0.
pub const MIN_FORMAT_VERSION: u32 = 1;

/// A unit as named in an envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UnitRef {
    /// "school", "township", "county", "prefecture" or "province".
    pub level: String,
    /// Division code, or 学校标识码 / id for a school.
    pub code: String,
    pub name: String,
}

/// What every bundle says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Envelope {
    pub format: String,
    pub format_version: u32,
    /// The payload's kind, e.g. "backup".
    pub kind: String,
    pub from_unit: UnitRef,
    pub to_unit: Option<UnitRef>,
    /// Reporting period ("2026-11", "2026Q4", …); none for a backup.
    pub period: Option<String>,
    pub created_at: NaiveDateTime,
    pub created_by: String,
    pub app_version: String,
    /// SHA-256 (hex) of the payload's JSON text exactly as written in the file.
    pub content_sha256: String,
    /// `content_sha256` of the previous bundle of the same sender, kind and receiver.
    pub previous_sha256: Option<String>,
    /// The sender's public key (age1…), so that what comes back can be sealed to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_key: Option<String>,
}

impl UnitRef {
    /// The unit an installation works for.
    pub fn of(installation: &crate::model::Installation) -> UnitRef {
        use crate::model::Labelled;
        UnitRef {
            level: installation.level.key().into(),
            code: installation
                .divisions
                .last()
                .map(|d| d.code.clone())
                .unwrap_or_default(),
            name: installation.unit_name(),
        }
    }

    /// A school, named by its 学校标识码 (or its id when it has none).
    pub fn school(school: &crate::model::School) -> UnitRef {
        Self::school_of(school.id, school.code.as_deref(), &school.name)
    }

    /// A school from its id, 学校标识码 and name (also as a report names it).
    pub fn school_of(id: uuid::Uuid, code: Option<&str>, name: &str) -> UnitRef {
        UnitRef {
            level: "school".into(),
            code: code.map_or_else(|| id.to_string(), str::to_string),
            name: name.to_string(),
        }
    }

    /// The county above an installation (its own unit when it is a county).
    pub fn county_of(installation: &crate::model::Installation) -> Option<UnitRef> {
        let at = installation
            .divisions
            .iter()
            .position(|d| d.code.len() == 6)?;
        Some(UnitRef {
            level: "county".into(),
            code: installation.divisions[at].code.clone(),
            name: installation.divisions[..=at]
                .iter()
                .map(|d| d.name.as_str())
                .collect(),
        })
    }
}

impl Envelope {
    /// A new envelope; the format, version and hash are filled in by `write_bundle`.
    pub fn new(
        kind: &str,
        from_unit: UnitRef,
        to_unit: Option<UnitRef>,
        period: Option<String>,
        created_at: NaiveDateTime,
        created_by: &str,
        previous_sha256: Option<String>,
    ) -> Envelope {
        Envelope {
            format: FORMAT.into(),
            format_version: FORMAT_VERSION,
            kind: kind.into(),
            from_unit,
            to_unit,
            period,
            created_at,
            created_by: created_by.into(),
            app_version: env!("CARGO_PKG_VERSION").into(),
            content_sha256: String::new(),
            previous_sha256,
            from_key: None,
        }
    }
}

/// Why a file cannot be read as a bundle. Each says what is wrong and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BundleError {
    #[error("文件不是保学数据包（JSON格式有误，第{line}行第{column}列）：{message}")]
    Json {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("文件不完整（可能在复制时被截断）：{0}")]
    Truncated(String),
    #[error("文件不是保学数据包（format 为“{0}”）")]
    NotABundle(String),
    #[error("数据包格式版本{0}高于本程序支持的版本{FORMAT_VERSION}，请升级保学")]
    NewerFormat(u32),
    #[error("数据包格式版本{0}不是保学写过的版本（本程序读第{MIN_FORMAT_VERSION}到第{FORMAT_VERSION}版），文件可能被改动")]
    UnknownFormat(String),
    #[error("数据包校验失败：内容的SHA-256应为{expected}，实际为{actual}，文件可能被改动或损坏")]
    Checksum { expected: String, actual: String },
    #[error("这是“{found}”数据包，此处需要“{expected}”")]
    WrongKind { expected: String, found: String },
    #[error("数据包内容有误：{0}")]
    Payload(String),
    #[error("口令不正确，或文件不是用口令加密的保学数据包")]
    WrongPassphrase,
    #[error("加密文件已损坏或被改动：{0}")]
    Corrupt(String),
    #[error("该数据包已加密，请输入口令")]
    NeedsPassphrase,
    #[error("口令至少8位（{MIN_PASSPHRASE_CHARS}个字符）")]
    WeakPassphrase,
    #[error("加密强度为2^{found}，超过保学写入的上限2^{max}：文件不是保学写的或已被改动，为免电脑长时间卡住，未解密")]
    ExcessiveWork { found: u8, max: u8 },
    #[error("此文件是加密给接收单位密钥的，不用口令：请在接收单位的保学中打开")]
    SealedToKey,
    #[error("此文件不是加密给本单位的：本单位密钥与文件的接收方不符。请确认文件是发给本单位的；如本单位曾重装，请先从备份恢复")]
    NotForThisOffice,
    #[error("单位密钥无效（{0}…）：应为 age1 开头的公钥")]
    BadKey(String),
}

impl crate::model::Localized for BundleError {
    fn en(&self) -> String {
        use BundleError::*;
        match self {
            Json {
                line,
                column,
                message,
            } => format!("Not a BaoXue bundle (JSON error at line {line}, column {column}): {message}"),
            Truncated(d) => format!("The file is incomplete (perhaps cut off while copying): {d}"),
            NotABundle(f) => format!("Not a BaoXue bundle (format is \"{f}\")"),
            NewerFormat(v) => format!(
                "Bundle format version {v} is newer than this program reads ({FORMAT_VERSION}); please update BaoXue"
            ),
            UnknownFormat(v) => format!(
                "Bundle format version {v} was never written by BaoXue (this program reads {MIN_FORMAT_VERSION} to {FORMAT_VERSION}); the file may have been altered"
            ),
            Checksum { expected, actual } => format!(
                "Checksum failed: the content's SHA-256 should be {expected} but is {actual}; the file may have been altered or damaged"
            ),
            WrongKind { expected, found } => {
                format!("This is a \"{found}\" bundle; \"{expected}\" is needed here")
            }
            Payload(d) => format!("The bundle's content is wrong: {d}"),
            WrongPassphrase => {
                "Wrong passphrase, or the file is not a passphrase-encrypted BaoXue bundle".into()
            }
            Corrupt(d) => format!("The encrypted file is damaged or altered: {d}"),
            NeedsPassphrase => "This bundle is encrypted: please enter its passphrase".into(),
            WeakPassphrase => format!(
                "A passphrase needs at least {MIN_PASSPHRASE_CHARS} characters"
            ),
            ExcessiveWork { found, max } => format!(
                "Encryption work factor 2^{found} exceeds BaoXue's limit of 2^{max}: the file was not written by BaoXue or was altered; not decrypted, so the computer is not tied up"
            ),
            SealedToKey => "This file is sealed to the receiving office's key, not a passphrase: open it in the receiving office's BaoXue".into(),
            NotForThisOffice => "This file is not sealed to this office: its key is not among the file's recipients. Check that the file was sent here; if this office was reinstalled, restore its backup first".into(),
            BadKey(k) => format!("Invalid office key ({k}…): a public key starts with age1"),
        }
    }
}

fn json_error(e: serde_json::Error) -> BundleError {
    if e.is_eof() {
        BundleError::Truncated(explain(&e))
    } else {
        BundleError::Json {
            line: e.line(),
            column: e.column(),
            message: explain(&e),
        }
    }
}

/// A JSON reader's error said in Chinese, its English text kept only as the detail.
pub fn explain(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let raw = text.split(" at line ").next().unwrap_or(&text);
    let field = |prefix: &str| {
        raw.strip_prefix(prefix)
            .and_then(|r| r.split('`').next())
            .map(|f| clip(f, 80))
    };
    let what = if let Some(f) = field("missing field `") {
        format!("缺少字段“{f}”")
    } else if let Some(f) = field("duplicate field `") {
        format!("字段“{f}”出现了两次")
    } else if let Some(f) = field("unknown field `") {
        format!("有不认识的字段“{f}”")
    } else if let Some(v) = field("unknown variant `") {
        format!("取值“{v}”不认识")
    } else {
        let known = [
            ("invalid type", "某个字段的类型不对"),
            ("invalid value", "某个字段的取值无效"),
            ("invalid length", "列表的长度不对"),
            ("recursion limit", "嵌套层数过深"),
            ("number out of range", "数字超出范围"),
            ("trailing", "末尾有多余的内容"),
            ("EOF", "文件不完整"),
            ("control character", "文本中有控制字符"),
            ("invalid escape", "文本中的转义字符有误"),
            ("invalid unicode", "文本中的字符编码有误"),
            ("lone leading surrogate", "文本中的字符编码有误"),
            ("premature end", "日期或数字写法不对"),
            ("input contains invalid characters", "日期或数字写法不对"),
            ("input is out of range", "日期不存在或超出范围"),
            ("expected", "JSON格式有误"),
            ("key must be a string", "JSON格式有误"),
        ];
        known
            .iter()
            .find(|(k, _)| raw.contains(k))
            .map_or("内容不符合数据包格式", |(_, v)| v)
            .to_string()
    };
    format!("{what}（详情：{}）", clip(raw, 80))
}

/// A text cut to `max` characters for a message: a hostile file's fields can be megabytes
/// long.
pub(crate) fn clip(text: &str, max: usize) -> String {
    let mut t: String = text.chars().take(max).collect();
    if text.chars().nth(max).is_some() {
        t.push('…');
    }
    t
}

pub use crate::digest::sha256_hex;

/// A whole bundle, for its JSON Schema (docs/bundle-<kind>.schema.json).
#[derive(Serialize, schemars::JsonSchema)]
pub struct Bundle<P> {
    pub envelope: Envelope,
    pub payload: P,
}

/// The JSON Schema of a bundle of payload `P`, pretty-printed.
pub fn schema_of<P: schemars::JsonSchema>(title: &str) -> String {
    let mut schema = schemars::schema_for!(Bundle<P>);
    schema.insert("title".into(), title.into());
    serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n"
}

/// Writes a bundle: the envelope gets the payload's hash; the result is the file's text.
pub fn write_bundle<P: Serialize>(
    mut envelope: Envelope,
    payload: &P,
) -> Result<String, BundleError> {
    let payload =
        serde_json::to_string(payload).map_err(|e| BundleError::Payload(e.to_string()))?;
    envelope.format = FORMAT.into();
    envelope.format_version = FORMAT_VERSION;
    envelope.content_sha256 = sha256_hex(payload.as_bytes());
    let env = serde_json::to_string(&envelope).map_err(|e| BundleError::Payload(e.to_string()))?;
    Ok(format!("{{\"envelope\":{env},\"payload\":{payload}}}"))
}

#[derive(Deserialize)]
struct RawBundle<'a> {
    #[serde(borrow)]
    envelope: &'a RawValue,
    #[serde(borrow)]
    payload: &'a RawValue,
}

/// The largest file of a kind: a school's month is a few KB, a roll-up a few hundred; only a
/// backup holds a whole county.
fn max_bytes(kind: &str) -> Option<usize> {
    match kind {
        report::MONTHLY_KIND | report::REVIEW_KIND => Some(8 << 20),
        rollup::ROLLUP_KIND | rollup::EVALUATION_KIND => Some(32 << 20),
        _ => None,
    }
}

/// No BaoXue file nests arrays and objects nearly this deep. serde_json limits the depth of the
/// fields it reads, not of unknown ones it skips, so a file could carry 100,000 levels unseen.
const MAX_NESTING: usize = 32;

/// Where (in characters) the text first nests deeper than `MAX_NESTING`, if it does.
fn too_deep(text: &str) -> Option<usize> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (i, b) in text.bytes().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(text[..i].chars().count() + 1);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Reads a bundle's envelope and checks format, version and hash; the payload is returned
/// still as JSON text so each kind parses its own.
pub fn read_bundle(text: &str) -> Result<(Envelope, &str), BundleError> {
    if let Some(at) = too_deep(text) {
        return Err(BundleError::Payload(format!(
            "第{at}个字符处数组或对象嵌套超过{MAX_NESTING}层，保学写的文件不会这样，未读取"
        )));
    }
    let raw: RawBundle = serde_json::from_str(text).map_err(json_error)?;
    let probe: serde_json::Value = serde_json::from_str(raw.envelope.get()).map_err(json_error)?;
    let format = probe.get("format").and_then(|f| f.as_str()).unwrap_or("");
    if format != FORMAT {
        return Err(BundleError::NotABundle(format.to_string()));
    }
    let version = probe.get("format_version").and_then(|v| v.as_u64());
    match version {
        Some(v) if v > u64::from(FORMAT_VERSION) => {
            return Err(BundleError::NewerFormat(
                u32::try_from(v).unwrap_or(u32::MAX),
            ))
        }
        Some(v) if v >= u64::from(MIN_FORMAT_VERSION) => {}
        _ => {
            let found = probe
                .get("format_version")
                .map_or_else(|| "（缺少）".to_string(), |v| v.to_string());
            return Err(BundleError::UnknownFormat(found));
        }
    }
    let envelope: Envelope = serde_json::from_str(raw.envelope.get()).map_err(|e| {
        BundleError::Payload(format!(
            "信封（envelope）第{}行第{}列：{}",
            e.line(),
            e.column(),
            explain(&e)
        ))
    })?;
    let year = chrono::Datelike::year(&envelope.created_at);
    if !(2000..=2100).contains(&year) {
        return Err(BundleError::Payload(format!(
            "数据包的生成时间{}不合理（年份应在2000到2100之间）",
            envelope.created_at
        )));
    }
    if let Some(max) = max_bytes(&envelope.kind).filter(|m| text.len() > *m) {
        return Err(BundleError::Payload(format!(
            "“{}”数据包有{:.1}MB，超过此类文件可能的大小（{}MB），未读取",
            clip(&envelope.kind, 80),
            text.len() as f64 / 1_048_576.0,
            max >> 20
        )));
    }
    let actual = sha256_hex(raw.payload.get().as_bytes());
    if actual != envelope.content_sha256 {
        return Err(BundleError::Checksum {
            expected: envelope.content_sha256.clone(),
            actual,
        });
    }
    Ok((envelope, raw.payload.get()))
}

/// The text of a bundle file: decrypted first when it is encrypted (which needs the
/// passphrase), and checked to be UTF-8.
pub fn bundle_text(bytes: &[u8], passphrase: Option<&str>) -> Result<String, BundleError> {
    let plain = if is_encrypted(bytes) {
        match passphrase.filter(|p| !p.is_empty()) {
            Some(p) => decrypt(bytes, p)?,
            None => return Err(BundleError::NeedsPassphrase),
        }
    } else {
        bytes.to_vec()
    };
    plain_text(plain)
}

/// A bundle's text, sealed to this office's `key` or with a passphrase: whichever the file
/// says it is.
pub fn open_text(
    bytes: &[u8],
    key: Option<&OfficeKey>,
    passphrase: Option<&str>,
) -> Result<String, BundleError> {
    if is_encrypted(bytes) {
        if let Sealed::Keys(_) = check_header(bytes)? {
            let key = key.ok_or(BundleError::NotForThisOffice)?;
            return plain_text(decrypt_with_key(bytes, key)?);
        }
    }
    bundle_text(bytes, passphrase)
}

/// Most text a compressed bundle may unpack to: a 200,000-child backup is ≈ 160 MB.
pub const MAX_UNPACKED: u64 = 400 * 1024 * 1024;

/// A bundle's text gzip-compressed, as a backup is before it is encrypted: the JSON of a
/// county's children shrinks several times (encrypted bytes would not shrink at all).
pub fn compress(text: &str) -> Vec<u8> {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(
        Vec::with_capacity(text.len() / 4),
        flate2::Compression::fast(),
    );
    // Writing into a Vec cannot fail.
    let _ = gz.write_all(text.as_bytes());
    gz.finish().unwrap_or_default()
}

/// The text of a bundle's plain (decrypted) bytes, unpacked first when gzip-compressed —
/// to at most [`MAX_UNPACKED`], so a small file cannot unpack into all of memory.
pub fn plain_text(plain: Vec<u8>) -> Result<String, BundleError> {
    plain_text_within(plain, MAX_UNPACKED)
}

fn plain_text_within(plain: Vec<u8>, max: u64) -> Result<String, BundleError> {
    let plain = if plain.starts_with(&[0x1f, 0x8b]) {
        use std::io::Read;
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(plain.as_slice())
            .take(max + 1)
            .read_to_end(&mut out)
            .map_err(|e| {
                BundleError::Payload(format!("压缩的内容不完整或已损坏，无法解压（{e}）"))
            })?;
        if out.len() as u64 > max {
            return Err(BundleError::Payload(format!(
                "解压后超过{}MB，保学写的文件不会这样大，未读取",
                max / 1024 / 1024
            )));
        }
        out
    } else {
        plain
    };
    String::from_utf8(plain).map_err(|e| {
        BundleError::Payload(format!(
            "不是UTF-8文本：第{}个字节起无法读取",
            e.utf8_error().valid_up_to() + 1
        ))
    })
}

/// Checks the chain of reports among some bundles: within each sender, kind and receiver,
/// oldest first, each must name the one before it. Returns each break (indexes into `bundles`
/// of the file and the one it should follow).
pub fn chain_breaks(bundles: &[Envelope]) -> Vec<(usize, usize)> {
    let mut order: Vec<usize> = (0..bundles.len()).collect();
    order.sort_by_key(|&i| bundles[i].created_at);
    let mut last: std::collections::HashMap<(&str, &str, &str), usize> =
        std::collections::HashMap::new();
    let mut out = Vec::new();
    for i in order {
        let e = &bundles[i];
        let key = (
            e.from_unit.code.as_str(),
            e.kind.as_str(),
            e.to_unit.as_ref().map_or("", |u| u.code.as_str()),
        );
        if let Some(&before) = last.get(&key) {
            if e.previous_sha256.as_deref() != Some(bundles[before].content_sha256.as_str()) {
                out.push((i, before));
            }
        }
        last.insert(key, i);
    }
    out
}

/// Reads a bundle of one kind and parses its payload.
pub fn read_payload<P: for<'de> Deserialize<'de>>(
    text: &str,
    kind: &str,
) -> Result<(Envelope, P), BundleError> {
    let (envelope, payload) = read_bundle(text)?;
    if envelope.kind != kind {
        return Err(BundleError::WrongKind {
            expected: kind.into(),
            found: envelope.kind,
        });
    }
    let p = serde_json::from_str(payload).map_err(|e| {
        // Read again, only on failure, to name the field: payload.children[3].birth_date.
        let mut reader = serde_json::Deserializer::from_str(payload);
        let path = serde_path_to_error::deserialize::<_, P>(&mut reader)
            .err()
            .map(|p| p.path().to_string())
            .filter(|p| p != ".")
            .map_or_else(String::new, |p| format!("字段payload.{}，", clip(&p, 80)));
        BundleError::Payload(format!(
            "{path}第{}行第{}列：{}",
            e.line(),
            e.column(),
            explain(&e)
        ))
    })?;
    Ok((envelope, p))
}
