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
    /// SOPS-encrypted value.
    Encrypted,
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
    if memchr::memmem::find(line, b"ENC[AES256_GCM").is_some() {
        return Some(Rejection::Encrypted);
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
/// by one step (`abcdef`, `987654`, `aaaaaa`).
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
            if same_class && i16::from(w[1]) - i16::from(w[0]) == step {
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
    fn sops_values_are_encrypted() {
        let line = b"password: ENC[AES256_GCM,data:q8Zr1w==,iv:abc,tag:def,type:str]";
        assert_eq!(reject(b"q8Zr1w", line), Some(Rejection::Encrypted));
    }
}
