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
    seal(plain, std::iter::once(&recipient as &dyn age::Recipient))
}

/// Writes `plain` as an age file for `recipients`.
fn seal<'a>(
    plain: &[u8],
    recipients: impl Iterator<Item = &'a dyn age::Recipient>,
) -> Result<Vec<u8>, BundleError> {
    let failed = |e: &dyn std::fmt::Display| BundleError::Corrupt(e.to_string());
    let encryptor = age::Encryptor::with_recipients(recipients).map_err(|e| failed(&e))?;
    let mut out = Vec::with_capacity(plain.len() + 512);
    let mut w = encryptor.wrap_output(&mut out).map_err(|e| failed(&e))?;
    w.write_all(plain).map_err(|e| failed(&e))?;
    w.finish().map_err(|e| failed(&e))?;
    Ok(out)
}

/// scrypt work factor of backups and set-up files: one file, opened once, ≈0.5 s in the
/// browser of an office PC (64 MiB of memory).
pub const BACKUP_WORK_FACTOR: u8 = 16;

/// The highest work factor read: what BaoXue writes, with room for a backup made by an
/// earlier version (which took age's tuned default, ≈1 s on the writing machine). Anything
/// above is refused before deriving a key — 2^21 keeps a page busy for minutes.
pub const MAX_WORK_FACTOR: u8 = 18;

/// The longest header BaoXue writes: one scrypt stanza (≈150 bytes), or a few X25519 ones
/// (≈100 bytes each).
const MAX_HEADER: usize = 1024;

/// Most offices a file is sealed to: the receiver, the sender's own copy, and room to spare.
const MAX_KEY_STANZAS: usize = 8;

/// How a file BaoXue wrote is sealed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sealed {
    /// With a passphrase, at this scrypt work factor.
    Passphrase(u8),
    /// To offices' keys: this many recipients.
    Keys(usize),
}

/// Checks an age header before the age crate sees it: one scrypt stanza of the canonical
/// shape with a work factor BaoXue could have written, or a few X25519 stanzas; a header of
/// sane length.
pub fn check_header(bytes: &[u8]) -> Result<Sealed, BundleError> {
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
    let base64 = |s: &str, len: usize| {
        s.len() == len
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
    };
    let lines: Vec<&str> = lines.collect();
    if lines.first().is_some_and(|l| !l.starts_with("-> scrypt ")) {
        return check_key_stanzas(&lines).map(Sealed::Keys);
    }
    let args: Vec<&str> = lines
        .first()
        .copied()
        .unwrap_or_default()
        .split(' ')
        .collect();
    let ["->", "scrypt", salt, log_n] = args.as_slice() else {
        return Err(bad("不是用口令（scrypt）或单位密钥（X25519）加密的文件"));
    };
    if !base64(salt, 22) {
        return Err(bad("盐值不是22个字符的base64"));
    }
    if lines.len() != 2 || !base64(lines[1], 43) {
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
    Ok(Sealed::Passphrase(n))
}

/// The stanzas of a file sealed to keys: X25519 ones of the canonical shape, and at most
/// one that the age crate adds to keep readers honest (`…-grease`, random arguments and a
/// short body). Returns how many X25519 recipients there are.
fn check_key_stanzas(lines: &[&str]) -> Result<usize, BundleError> {
    let bad = |why: &str| BundleError::Corrupt(format!("加密文件头无效：{why}"));
    let base64 = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
    };
    let (mut keys, mut grease) = (0, 0);
    let mut i = 0;
    while i < lines.len() {
        let args: Vec<&str> = lines[i].split(' ').collect();
        let body_end = lines[i + 1..]
            .iter()
            .position(|l| l.starts_with("-> "))
            .map_or(lines.len(), |n| i + 1 + n);
        let body = &lines[i + 1..body_end];
        match args.as_slice() {
            ["->", "X25519", share] => {
                if share.len() != 43
                    || !base64(share)
                    || body.len() != 1
                    || body[0].len() != 43
                    || !base64(body[0])
                {
                    return Err(bad("接收方密钥块长度不对"));
                }
                keys += 1;
            }
            ["->", tag, ..] if tag.ends_with("-grease") && args.len() <= 6 => {
                // age writes 0–100 bytes: at most two full lines and a short one.
                if body.len() > 3 || body.iter().any(|l| l.len() > 64 || !base64(l)) {
                    return Err(bad("附加块过长"));
                }
                grease += 1;
            }
            _ => return Err(bad("含有保学不写的接收方")),
        }
        i = body_end;
    }
    if keys == 0 || keys > MAX_KEY_STANZAS || grease > 1 {
        return Err(bad("接收方的数目或格式不对"));
    }
    Ok(keys)
}

pub fn decrypt(bytes: &[u8], passphrase: &str) -> Result<Vec<u8>, BundleError> {
    if let Sealed::Keys(_) = check_header(bytes)? {
        return Err(BundleError::SealedToKey);
    }
    let mut identity = age::scrypt::Identity::new(SecretString::from(passphrase.to_owned()));
    identity.set_max_work_factor(MAX_WORK_FACTOR);
    read_all(bytes, &identity, BundleError::WrongPassphrase)
}

/// Opens a file sealed to this office's key.
pub fn decrypt_with_key(bytes: &[u8], key: &OfficeKey) -> Result<Vec<u8>, BundleError> {
    if let Sealed::Passphrase(_) = check_header(bytes)? {
        return Err(BundleError::NeedsPassphrase);
    }
    let identity = key.identity()?;
    read_all(bytes, &identity, BundleError::NotForThisOffice)
}

fn read_all(
    bytes: &[u8],
    identity: &dyn age::Identity,
    refused: BundleError,
) -> Result<Vec<u8>, BundleError> {
    let decryptor = age::Decryptor::new(bytes).map_err(corrupt)?;
    let mut reader = decryptor
        .decrypt(std::iter::once(identity))
        .map_err(|e| match e {
            age::DecryptError::DecryptionFailed | age::DecryptError::NoMatchingKeys => refused,
            other => corrupt(other),
        })?;
    let mut out = Vec::new();
    reader
        .read_to_end(&mut out)
        .map_err(|e| BundleError::Corrupt(format!("加密内容不完整或被改动（详情：{e}）")))?;
    Ok(out)
}

/// 本单位密钥: an office's own age X25519 key pair. Files sealed to its public key open only
/// with its secret key, which never leaves the office except in its encrypted backup or an
/// identity file a person chose to export.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct OfficeKey {
    /// age's secret key, `AGE-SECRET-KEY-1…`: what `age --decrypt -i` reads.
    pub secret: String,
    /// age's recipient, `age1…`: what other offices seal files to.
    pub public: String,
}

impl std::fmt::Debug for OfficeKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OfficeKey")
            .field("public", &self.public)
            .finish_non_exhaustive()
    }
}

impl OfficeKey {
    pub fn generate() -> Self {
        use age::secrecy::ExposeSecret;
        let identity = age::x25519::Identity::generate();
        OfficeKey {
            secret: identity.to_string().expose_secret().to_string(),
            public: identity.to_public().to_string(),
        }
    }

    fn identity(&self) -> Result<age::x25519::Identity, BundleError> {
        self.secret
            .parse()
            .map_err(|_| BundleError::BadKey("本单位密钥".into()))
    }

    /// The key as an age identity file, for `age --decrypt -i` and for safekeeping.
    pub fn identity_file(&self, unit: &str, made: chrono::NaiveDateTime) -> String {
        format!(
            "# 保学 {unit} 本单位密钥，导出于 {made}\n# 没有它（也没有备份）就无人能打开发给本单位的文件。请妥善保管，勿交给他人。\n# public key: {}\n{}\n",
            self.public, self.secret
        )
    }
}

/// Whether `public` is an office's public key (age1…).
pub fn check_public_key(public: &str) -> Result<(), BundleError> {
    public
        .trim()
        .parse::<age::x25519::Recipient>()
        .map(|_| ())
        .map_err(|_| BundleError::BadKey(public.chars().take(20).collect()))
}

/// Seals `plain` to offices' public keys (the receiver's, and the sender's own to read its
/// copy). No scrypt: opening costs a key exchange, not a passphrase derivation.
pub fn encrypt_to(plain: &[u8], public_keys: &[&str]) -> Result<Vec<u8>, BundleError> {
    let recipients = public_keys
        .iter()
        .map(|k| {
            k.trim()
                .parse::<age::x25519::Recipient>()
                .map_err(|_| BundleError::BadKey(k.chars().take(20).collect()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    seal(plain, recipients.iter().map(|r| r as &dyn age::Recipient))
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
