//! Passphrase encryption in the age format (https://age-encryption.org/v1, scrypt recipient).

use std::io::{Read, Write};

use age::secrecy::SecretString;

use super::BundleError;

const MAGIC: &[u8] = b"age-encryption.org/v1";

pub fn is_encrypted(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC)
}

pub fn encrypt(plain: &[u8], passphrase: &str) -> Result<Vec<u8>, BundleError> {
    if passphrase.chars().count() < 8 {
        return Err(BundleError::WeakPassphrase);
    }
    let encryptor = age::Encryptor::with_user_passphrase(SecretString::from(passphrase.to_owned()));
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
