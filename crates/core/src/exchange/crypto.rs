//! Passphrase encryption in the age format (https://age-encryption.org/v1, scrypt recipient).

use std::io::{Read, Write};

use age::secrecy::SecretString;

use super::BundleError;

const MAGIC: &[u8] = b"age-encryption.org/v1";

pub fn is_encrypted(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC)
}

/// scrypt work factor (log2 N) of report bundles. A backup is one file and gets age's default
/// (tuned to about a second on the writing machine); a county opens forty to two hundred
/// reports at a time, so each costs about 2^14 — 16 to 32 times less, measured ≈0.1 s in the
/// browser — at the price of cheaper guesses for someone holding a lost file.
pub const REPORT_WORK_FACTOR: u8 = 14;

/// Encrypts with age's passphrase recipient, its work factor tuned to about a second here.
pub fn encrypt(plain: &[u8], passphrase: &str) -> Result<Vec<u8>, BundleError> {
    encrypt_with(plain, passphrase, None)
}

/// Encrypts with a fixed scrypt work factor (see [`REPORT_WORK_FACTOR`]).
pub fn encrypt_report(plain: &[u8], passphrase: &str) -> Result<Vec<u8>, BundleError> {
    encrypt_with(plain, passphrase, Some(REPORT_WORK_FACTOR))
}

fn encrypt_with(plain: &[u8], passphrase: &str, log_n: Option<u8>) -> Result<Vec<u8>, BundleError> {
    if passphrase.chars().count() < 8 {
        return Err(BundleError::WeakPassphrase);
    }
    let mut recipient = age::scrypt::Recipient::new(SecretString::from(passphrase.to_owned()));
    if let Some(n) = log_n {
        recipient.set_work_factor(n);
    }
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

pub fn decrypt(bytes: &[u8], passphrase: &str) -> Result<Vec<u8>, BundleError> {
    let decryptor = age::Decryptor::new(bytes).map_err(|e| BundleError::Corrupt(e.to_string()))?;
    let identity = age::scrypt::Identity::new(SecretString::from(passphrase.to_owned()));
    let mut reader = decryptor
        .decrypt(std::iter::once(&identity as &dyn age::Identity))
        .map_err(|e| match e {
            age::DecryptError::DecryptionFailed | age::DecryptError::NoMatchingKeys => {
                BundleError::WrongPassphrase
            }
            other => BundleError::Corrupt(other.to_string()),
        })?;
    let mut out = Vec::new();
    reader
        .read_to_end(&mut out)
        .map_err(|e| BundleError::Corrupt(e.to_string()))?;
    Ok(out)
}
