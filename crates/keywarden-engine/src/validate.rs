//! Offline structural checks that confirm or refute a candidate.

use base64::Engine as _;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::{DecodePaddingMode, general_purpose};

use crate::rule::Confidence;

/// The verdict of a structural check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The structure holds: report with this confidence.
    Confirmed(Confidence),
    /// The structure is not there: not a secret of this kind.
    Refuted,
    /// The check does not decide; keep the rule's own confidence.
    Unknown,
}

/// base64url that accepts input with or without padding, as JWT producers differ.
const URL_SAFE_LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Checks a JWT: the header must decode to a JSON object with a string `alg`.
///
/// A payload that also decodes to a JSON object confirms with high confidence; an
/// encrypted JWE (five segments) or an opaque payload keeps medium confidence.
pub fn jwt(token: &[u8]) -> Verdict {
    let mut parts = token.split(|&b| b == b'.');
    let (Some(header), Some(payload)) = (parts.next(), parts.next()) else {
        return Verdict::Refuted;
    };
    let Some(header) = decode_json(header) else {
        return Verdict::Refuted;
    };
    if !header.get("alg").is_some_and(serde_json::Value::is_string) {
        return Verdict::Refuted;
    }
    if header.get("alg").and_then(serde_json::Value::as_str) == Some("none") {
        // An unsigned token proves nothing and grants nothing by itself.
        return Verdict::Confirmed(Confidence::Low);
    }
    if decode_json(payload).is_some() {
        Verdict::Confirmed(Confidence::High)
    } else {
        Verdict::Confirmed(Confidence::Medium)
    }
}

fn decode_json(segment: &[u8]) -> Option<serde_json::Map<String, serde_json::Value>> {
    let bytes = URL_SAFE_LENIENT.decode(segment).ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        serde_json::Value::Object(map) => Some(map),
        _ => None,
    }
}

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Checks the CRC32 that GitHub puts in the last six base62 characters of its
/// `ghp_`/`gho_`/`ghu_`/`ghs_`/`ghr_` tokens (computed over the 30 characters before it).
///
/// A token whose checksum holds is confirmed with high confidence; one whose checksum
/// fails is still reported by its prefix, with medium confidence, since older token
/// generations and hand-edited copies exist.
pub fn github_checksum(token: &[u8]) -> Verdict {
    let Some(body) = token.get(4..) else {
        return Verdict::Unknown;
    };
    if body.len() != 36 {
        return Verdict::Unknown;
    }
    let (random, check) = body.split_at(30);
    if encode_base62(crc32fast::hash(random), 6).as_slice() == check {
        Verdict::Confirmed(Confidence::High)
    } else {
        Verdict::Confirmed(Confidence::Medium)
    }
}

/// Encodes `n` in base62 (`0-9A-Za-z`), left-padded with `0` to `width`.
pub fn encode_base62(mut n: u32, width: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(width);
    while n > 0 {
        out.push(BASE62[(n % 62) as usize]);
        n /= 62;
    }
    while out.len() < width {
        out.push(b'0');
    }
    out.reverse();
    out
}

/// Decodes standard or url-safe base64, padded or not; used by rules whose secret is
/// an encoded structure.
pub fn decode_base64(s: &[u8]) -> Option<Vec<u8>> {
    general_purpose::STANDARD
        .decode(s)
        .or_else(|_| general_purpose::STANDARD_NO_PAD.decode(s))
        .or_else(|_| URL_SAFE_LENIENT.decode(s))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(s: &str) -> String {
        general_purpose::URL_SAFE_NO_PAD.encode(s)
    }

    #[test]
    fn jwt_with_json_header_is_confirmed() {
        let t = format!(
            "{}.{}.c2lnbmF0dXJl",
            b64(r#"{"alg":"HS256"}"#),
            b64(r#"{"sub":"1"}"#)
        );
        assert_eq!(jwt(t.as_bytes()), Verdict::Confirmed(Confidence::High));
    }

    #[test]
    fn jwt_without_alg_or_json_is_refuted() {
        let t = format!("{}.{}.c2ln", b64(r#"{"typ":"JWT"}"#), b64("{}"));
        assert_eq!(jwt(t.as_bytes()), Verdict::Refuted);
        assert_eq!(
            jwt(b"eyJhbGciOiJIUzI1NiIsInR5cCI6.eyJzdWIi.abc"),
            Verdict::Refuted
        );
    }

    #[test]
    fn github_checksum_holds_for_a_generated_token() {
        let random = b"R4nd0mB0dyOfThirtyCharsXyz1234";
        let mut token = b"ghp_".to_vec();
        token.extend_from_slice(random);
        token.extend(encode_base62(crc32fast::hash(random), 6));
        assert_eq!(
            github_checksum(&token),
            Verdict::Confirmed(Confidence::High)
        );
        let last = token.len() - 1;
        token[last] = if token[last] == b'a' { b'b' } else { b'a' };
        assert_eq!(
            github_checksum(&token),
            Verdict::Confirmed(Confidence::Medium)
        );
    }
}
