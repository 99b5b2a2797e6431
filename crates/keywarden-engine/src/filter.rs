//! Placeholder and decoy rejection: values that have a secret's shape but are not one.

/// Substrings (lowercase) that mark a value as a placeholder, a reference or a redaction.
const PLACEHOLDER_WORDS: &[&str] = &[
    "xxxx",
    "****",
    "...",
    "example",
    "placeholder",
    "changeme",
    "change_me",
    "change-me",
    "changethis",
    "redacted",
    "dummy",
    "sample",
    "your_",
    "your-",
    "yourkey",
    "yoursecret",
    "yourtoken",
    "insert",
    "replace",
    "fake",
    "mock",
    "notreal",
    "not_real",
    "not-a-real",
    "secret_here",
    "key_here",
    "token_here",
    "environ",
    "getenv",
    "process.env",
    "env(",
    "secretkeyref",
];

/// Character sequences that make up references to other values, not values.
const REFERENCE_MARKERS: &[&str] = &["${", "{{", "}}", "$(", "%(", "#{", "<%", "[[", "]]"];

/// Why a candidate was rejected; `None` means it looks like a real value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejection {
    /// Contains a placeholder word such as `example` or `changeme`.
    Placeholder,
    /// A template or variable reference (`${X}`, `{{ .Values.x }}`, `<API_KEY>`).
    Reference,
    /// A run of sequential or repeated characters (`abcdef`, `123456`, `aaaaaa`).
    Sequence,
    /// An encrypted value: SOPS `ENC[AES256_GCM,...]`, Jasypt `ENC(...)`, OpenSSL `enc`
    /// output (`U2FsdGVkX1`, base64 of `Salted__`), ansible-vault.
    Encrypted,
    /// A password hash (bcrypt, argon2, scrypt, PBKDF2, crypt(3), SCRAM, PostgreSQL md5):
    /// what a server stores instead of the password, not a credential.
    Hash,
}

/// True for values in a known encrypted form.
fn is_encrypted(secret: &[u8]) -> bool {
    secret.starts_with(b"ENC(")
        || secret.starts_with(b"U2FsdGVkX1")
        || secret.starts_with(b"$ANSIBLE_VAULT;")
        || secret.starts_with(b"{cipher}")
}

/// True for values in a password-hash format.
fn is_password_hash(secret: &[u8]) -> bool {
    const PREFIXES: &[&[u8]] = &[
        b"$2a$",
        b"$2b$",
        b"$2y$",
        b"$argon2",
        b"$scrypt$",
        b"$pbkdf2",
        b"$1$",
        b"$5$",
        b"$6$",
        b"$y$",
        b"$7$",
        b"pbkdf2_sha256$",
        b"pbkdf2_sha1$",
        b"argon2$",
        b"bcrypt$",
        b"bcrypt_sha256$",
        b"scrypt$",
        b"SCRAM-SHA-256$",
        b"{SSHA}",
        b"{SHA}",
        b"{bcrypt}",
    ];
    if PREFIXES.iter().any(|p| secret.starts_with(p)) {
        return true;
    }
    // PostgreSQL's md5 scheme: `md5` then 32 hex digits.
    secret.len() == 35
        && secret.starts_with(b"md5")
        && secret[3..].iter().all(|b| b.is_ascii_hexdigit())
}

/// Checks a candidate secret and the line around it for placeholder and decoy marks.
pub fn reject(secret: &[u8], line: &[u8]) -> Option<Rejection> {
    let lower = secret.to_ascii_lowercase();
    if contains_any(&lower, REFERENCE_MARKERS)
        || (secret.first() == Some(&b'<') && secret.last() == Some(&b'>'))
        || (secret.first() == Some(&b'$') && secret.len() > 1 && secret[1].is_ascii_uppercase())
    {
        return Some(Rejection::Reference);
    }
    if contains_any(&lower, PLACEHOLDER_WORDS) {
        return Some(Rejection::Placeholder);
    }
    if memchr::memmem::find(line, b"ENC[AES256_GCM").is_some() || is_encrypted(secret) {
        return Some(Rejection::Encrypted);
    }
    if is_password_hash(secret) {
        return Some(Rejection::Hash);
    }
    if has_run(secret, 6) {
        return Some(Rejection::Sequence);
    }
    // Kubernetes `data:` values and many configs hold base64 of the real value; a
    // base64-wrapped `changeme` is still a placeholder.
    if let Some(decoded) = decoded_text(secret)
        && decoded != secret
    {
        let lower = decoded.to_ascii_lowercase();
        if contains_any(&lower, PLACEHOLDER_WORDS) || contains_any(&lower, REFERENCE_MARKERS) {
            return Some(Rejection::Placeholder);
        }
    }
    None
}

/// The base64 decoding of `s` when it is printable ASCII text, else `None`.
fn decoded_text(s: &[u8]) -> Option<Vec<u8>> {
    if s.len() < 8 || !s.len().is_multiple_of(4) {
        return None;
    }
    let decoded = crate::validate::decode_base64(s)?;
    decoded
        .iter()
        .all(|b| b.is_ascii_graphic() || *b == b' ')
        .then_some(decoded)
}

fn contains_any(haystack: &[u8], needles: &[&str]) -> bool {
    needles
        .iter()
        .any(|n| memchr::memmem::find(haystack, n.as_bytes()).is_some())
}

/// True if `s` holds `len` consecutive alphanumeric bytes that ascend, descend or repeat
/// by one step, ignoring case (`abcdef`, `aBcDeF`, `987654`, `aaaaaa`).
///
/// A random 64-character base62 string holds such a run with probability below 1e-6, and
/// a 64-character hex string about 1e-4, so real keys are almost never lost to this.
fn has_run(s: &[u8], len: usize) -> bool {
    if s.len() < len {
        return false;
    }
    for step in [1i16, -1, 0] {
        let mut run = 1;
        for w in s.windows(2) {
            let same_class = w[0].is_ascii_alphanumeric() && w[1].is_ascii_alphanumeric();
            // Case-folded, so `AbCdEf` counts as the run it is.
            let (a, b) = (w[0].to_ascii_lowercase(), w[1].to_ascii_lowercase());
            if same_class && i16::from(b) - i16::from(a) == step {
                run += 1;
                if run >= len {
                    return true;
                }
            } else {
                run = 1;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_rejected() {
        for p in [
            "your_api_key_here",
            "<API_KEY>",
            "${BINANCE_API_KEY}",
            "{{ .Values.binance.apiKey }}",
            "xxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "changeme",
            "REDACTED",
            "abcdef123456abcdef",
            "os.environ['X']",
        ] {
            assert!(reject(p.as_bytes(), p.as_bytes()).is_some(), "{p}");
        }
    }

    #[test]
    fn random_values_pass() {
        let v = b"vD9kq2LmZx81RtPa0WsQe7YuNb3Hc6JfGi4oKl5TyUw2XnMr8SpBd1EjVh0Cg9Fz";
        assert_eq!(reject(v, v), None);
    }

    #[test]
    fn base64_wrapped_placeholders_are_rejected() {
        // base64("changeme") and base64("REDACTED"), as in a Kubernetes Secret's data.
        assert_eq!(reject(b"Y2hhbmdlbWU=", b""), Some(Rejection::Placeholder));
        assert_eq!(reject(b"UkVEQUNURUQ=", b""), Some(Rejection::Placeholder));
        // base64 of a random-looking password passes.
        assert_eq!(reject(b"VHI0ZDNyITIwMjRwZ3g=", b""), None);
    }

    #[test]
    fn encrypted_values_and_password_hashes_are_not_secrets() {
        for (value, why) in [
            (&b"ENC(Xq3v9aTk2LmZp8Rw)"[..], Rejection::Encrypted),
            (b"U2FsdGVkX19kq3Lm8Zx1RtPa0WsQe7Yu", Rejection::Encrypted),
            (
                b"$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
                Rejection::Hash,
            ),
            (
                b"pbkdf2_sha256$870000$Qm9xT3Zr$Zm9vYmFyYmF6cXV4",
                Rejection::Hash,
            ),
            (b"md59f86d081884c7d659a2feaa0c55ad015", Rejection::Hash),
        ] {
            assert_eq!(
                reject(value, value),
                Some(why),
                "{}",
                String::from_utf8_lossy(value)
            );
        }
    }

    #[test]
    fn mixed_case_sequences_are_rejected() {
        assert_eq!(reject(b"AbCdEfGh12Xq9", b""), Some(Rejection::Sequence));
    }

    #[test]
    fn sops_values_are_encrypted() {
        let line = b"password: ENC[AES256_GCM,data:q8Zr1w==,iv:abc,tag:def,type:str]";
        assert_eq!(reject(b"q8Zr1w", line), Some(Rejection::Encrypted));
    }
}
