//! Passwords and secret tokens. Pure functions apart from the operating system's random source.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::RngCore;
use sha2::{Digest, Sha256};

pub const MIN_PASSWORD_CHARS: usize = 10;
pub const MAX_PASSWORD_CHARS: usize = 128;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("密码至少需要{MIN_PASSWORD_CHARS}个字符")]
    TooShort,
    #[error("密码不能超过{MAX_PASSWORD_CHARS}个字符")]
    TooLong,
    #[error("密码须同时包含字母和数字")]
    TooSimple,
    #[error("密码处理失败")]
    Hashing,
}

/// Minimal strength rule for staff passwords (project rule; 等保 2.0 asks for complexity).
pub fn check_password_strength(password: &str) -> Result<(), PasswordError> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(PasswordError::TooShort);
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(PasswordError::TooLong);
    }
    let has_letter = password.chars().any(|c| c.is_alphabetic());
    let has_digit = password.chars().any(|c| c.is_ascii_digit());
    if !(has_letter && has_digit) {
        return Err(PasswordError::TooSimple);
    }
    Ok(())
}

/// Argon2id with the crate's default (OWASP-recommended) parameters, PHC string output.
pub fn hash_password(password: &str) -> Result<String, PasswordError> {
    let mut salt_bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut salt_bytes);
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|_| PasswordError::Hashing)?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|_| PasswordError::Hashing)
}

pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash that costs as much to check as a real one, so that a login for an unknown user takes
/// as long as one for a known user (no account enumeration by timing).
pub const DUMMY_PASSWORD_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$3k8Zz6O0s9VPiY5b5ks0Qn2o7f0aoa0yYB4xYjlNBXQ";

/// A fresh random secret (session id, CSRF token, API token): 32 bytes as hex.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// What the database keeps of a secret: its SHA-256, so a leaked table cannot be replayed.
pub fn secret_digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Constant-time comparison of two tokens.
pub fn tokens_equal(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn a_hashed_password_verifies_and_a_wrong_one_does_not() {
        let hash = hash_password("correct horse 42").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse 42", &hash));
        assert!(!verify_password("correct horse 43", &hash));
    }

    #[test]
    fn the_dummy_hash_parses_and_matches_nothing_typed() {
        assert!(PasswordHash::new(DUMMY_PASSWORD_HASH).is_ok());
        assert!(!verify_password("", DUMMY_PASSWORD_HASH));
    }

    #[test]
    fn weak_passwords_are_refused_with_a_reason() {
        assert_eq!(
            check_password_strength("short1"),
            Err(PasswordError::TooShort)
        );
        assert_eq!(
            check_password_strength("onlyletterslong"),
            Err(PasswordError::TooSimple)
        );
        assert_eq!(
            check_password_strength(&"a1".repeat(65)),
            Err(PasswordError::TooLong)
        );
        assert!(check_password_strength("梅州法治2026abc").is_ok());
    }

    #[test]
    fn secrets_are_random_and_digests_stable() {
        assert_ne!(new_secret(), new_secret());
        assert_eq!(new_secret().len(), 64);
        assert_eq!(secret_digest("x"), secret_digest("x"));
        assert!(tokens_equal("abc", "abc"));
        assert!(!tokens_equal("abc", "abd"));
        assert!(!tokens_equal("abc", "abcd"));
    }
}
