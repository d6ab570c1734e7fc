//! Passphrase encryption in the age format (https://age-encryption.org/v1, scrypt recipient).

use std::io::{Read, Write};

use age::secrecy::SecretString;

use super::BundleError;

const MAGIC: &[u8] = b"age-encryption.org/v1";

pub fn is_encrypted(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC)
}

/// scrypt work factor (log2 N) of report bundles. A backup is one file (see
/// [`BACKUP_WORK_FACTOR`]); a county opens forty to two hundred
/// reports at a time, so each costs about 2^14 — 16 to 32 times less, measured ≈0.1 s in the
/// browser — at the price of cheaper guesses for someone holding a lost file.
pub const REPORT_WORK_FACTOR: u8 = 14;

/// Encrypts with age's passphrase recipient at [`BACKUP_WORK_FACTOR`].
pub fn encrypt(plain: &[u8], passphrase: &str) -> Result<Vec<u8>, BundleError> {
    encrypt_with(plain, passphrase, BACKUP_WORK_FACTOR)
}

/// Encrypts with a fixed scrypt work factor (see [`REPORT_WORK_FACTOR`]).
pub fn encrypt_report(plain: &[u8], passphrase: &str) -> Result<Vec<u8>, BundleError> {
    encrypt_with(plain, passphrase, REPORT_WORK_FACTOR)
}

/// Fewest characters of a passphrase (口令) that seals a file.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// Whether a passphrase may seal a file: the one rule for backups, reports, reviews and
/// set-up files, checked by the pages before they start and by [`encrypt`] itself.
pub fn check_passphrase(passphrase: &str) -> Result<(), BundleError> {
    if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(BundleError::WeakPassphrase);
    }
    Ok(())
}

fn encrypt_with(plain: &[u8], passphrase: &str, log_n: u8) -> Result<Vec<u8>, BundleError> {
    check_passphrase(passphrase)?;
    let mut recipient = age::scrypt::Recipient::new(SecretString::from(passphrase.to_owned()));
    recipient.set_work_factor(log_n);
    let encryptor =
        age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
            .map_err(|e| BundleError::Corrupt(e.to_string()))?;
    let mut out = Vec::with_capacity(plain.len() + 256);
    let mut w = encryptor
        .wrap_output(&mut out)
        .map_err(|e| BundleError::Corrupt(e.to_string()))?;
    w.write_all(plain)
        .map_err(|e| BundleError::Corrupt(e.to_string()))?;
    w.finish()
        .map_err(|e| BundleError::Corrupt(e.to_string()))?;
    Ok(out)
}

/// scrypt work factor of backups and set-up files: one file, opened once, ≈0.5 s in the
/// browser of an office PC (64 MiB of memory).
pub const BACKUP_WORK_FACTOR: u8 = 16;

/// The highest work factor read: what BaoXue writes, with room for a backup made by an
/// earlier version (which took age's tuned default, ≈1 s on the writing machine). Anything
/// above is refused before deriving a key — 2^21 keeps a page busy for minutes.
pub const MAX_WORK_FACTOR: u8 = 18;

/// The longest header BaoXue writes is ≈150 bytes: one scrypt stanza.
const MAX_HEADER: usize = 1024;

/// Checks an age header before the age crate sees it: one scrypt stanza of the canonical
/// shape, a work factor BaoXue could have written, a header of sane length. Returns the work
/// factor.
pub fn check_header(bytes: &[u8]) -> Result<u8, BundleError> {
    let bad = |why: &str| BundleError::Corrupt(format!("加密文件头无效：{why}"));
    let head = &bytes[..bytes.len().min(MAX_HEADER)];
    let Some(end) = head.windows(5).position(|w| w == b"\n--- ") else {
        return Err(if bytes.len() > MAX_HEADER {
            bad("文件头过长，不是保学写的加密文件")
        } else {
            BundleError::Truncated("加密文件头不完整".into())
        });
    };
    let header = std::str::from_utf8(&head[..end]).map_err(|_| bad("含有非文本字节"))?;
    let mut lines = header.split('\n');
    if lines.next() != Some("age-encryption.org/v1") {
        return Err(bad("版本行不是 age-encryption.org/v1"));
    }
    let stanza = lines.next().unwrap_or_default();
    let args: Vec<&str> = stanza.split(' ').collect();
    let ["->", "scrypt", salt, log_n] = args.as_slice() else {
        return Err(bad("不是用口令（scrypt）加密的文件，或含有多余的接收方"));
    };
    let base64 = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
    };
    if salt.len() != 22 || !base64(salt) {
        return Err(bad("盐值不是22个字符的base64"));
    }
    let body: Vec<&str> = lines.collect();
    if body.len() != 1 || body[0].len() != 43 || !base64(body[0]) {
        return Err(bad("密钥块长度不对，或含有多余的接收方"));
    }
    let digits_ok =
        !log_n.is_empty() && log_n.len() <= 2 && log_n.bytes().all(|b| b.is_ascii_digit());
    let n: u8 = match log_n.parse() {
        Ok(n) if digits_ok && !log_n.starts_with('0') => n,
        _ => return Err(bad("加密强度（scrypt 工作因子）不是1到2位的数字")),
    };
    if n > MAX_WORK_FACTOR {
        return Err(BundleError::ExcessiveWork {
            found: n,
            max: MAX_WORK_FACTOR,
        });
    }
    Ok(n)
}

pub fn decrypt(bytes: &[u8], passphrase: &str) -> Result<Vec<u8>, BundleError> {
    check_header(bytes)?;
    let decryptor = age::Decryptor::new(bytes).map_err(corrupt)?;
    let mut identity = age::scrypt::Identity::new(SecretString::from(passphrase.to_owned()));
    identity.set_max_work_factor(MAX_WORK_FACTOR);
    let mut reader = decryptor
        .decrypt(std::iter::once(&identity as &dyn age::Identity))
        .map_err(|e| match e {
            age::DecryptError::DecryptionFailed | age::DecryptError::NoMatchingKeys => {
                BundleError::WrongPassphrase
            }
            other => corrupt(other),
        })?;
    let mut out = Vec::new();
    reader
        .read_to_end(&mut out)
        .map_err(|e| BundleError::Corrupt(format!("加密内容不完整或被改动（详情：{e}）")))?;
    Ok(out)
}

/// The age crate's errors are English: say what is wrong in Chinese, its text as a detail.
fn corrupt(e: age::DecryptError) -> BundleError {
    use age::DecryptError as E;
    let what = match &e {
        E::InvalidHeader | E::UnknownFormat => "加密文件头无效",
        E::InvalidMac => "加密文件头的校验码不对，文件被改动过",
        E::ExcessiveWork { .. } => "加密强度过高",
        E::Io(_) => "加密文件不完整",
        _ => "加密文件无法解开",
    };
    // age's own words may run over several lines; the message is one.
    let detail = e
        .to_string()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    BundleError::Corrupt(format!("{what}（详情：{detail}）"))
}

#[cfg(test)]
#[test]
fn a_damaged_file_is_said_in_one_line() {
    let said = corrupt(age::DecryptError::UnknownFormat).to_string();
    assert!(
        said.starts_with("加密文件已损坏或被改动：加密文件头无效（详情："),
        "{said}"
    );
    assert!(!said.contains('\n'), "{said}");
}
