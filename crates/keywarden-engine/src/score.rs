//! Entropy scoring judged against the candidate's own alphabet and length.
//!
//! Shannon entropy alone cannot separate secrets from words: 32 random hex characters
//! score at most 4 bits per character, 64 random base62 characters about 5.3, and a short
//! string cannot reach its alphabet's ceiling at all. So a candidate is compared with what
//! a uniformly random string of the *same* alphabet and length is expected to score, and
//! the rule's threshold is a fraction of that.

/// Shannon entropy of `bytes` in bits per byte (via the `entropy` crate).
pub fn shannon(bytes: &[u8]) -> f64 {
    if bytes.is_empty() {
        return 0.0;
    }
    f64::from(entropy::shannon_entropy(bytes))
}

/// The size of the smallest common alphabet that contains every byte of `bytes`.
///
/// Classes: digits (10), hex letters of one case (6), other lowercase (20), other
/// uppercase (20), `-` `_` (2), `+` `/` `=` (3), any other byte (32).
pub fn alphabet_size(bytes: &[u8]) -> usize {
    let (mut digit, mut lower_hex, mut upper_hex, mut lower, mut upper) =
        (false, false, false, false, false);
    let (mut url, mut b64, mut other) = (false, false, false);
    for &b in bytes {
        match b {
            b'0'..=b'9' => digit = true,
            b'a'..=b'f' => lower_hex = true,
            b'A'..=b'F' => upper_hex = true,
            b'g'..=b'z' => lower = true,
            b'G'..=b'Z' => upper = true,
            b'-' | b'_' => url = true,
            b'+' | b'/' | b'=' => b64 = true,
            _ => other = true,
        }
    }
    let mut size = 0;
    if digit {
        size += 10;
    }
    // Hex letters alone mean a hex alphabet; any other letter means the whole case.
    if lower {
        size += 26;
    } else if lower_hex {
        size += 6;
    }
    if upper {
        size += 26;
    } else if upper_hex {
        size += 6;
    }
    if url {
        size += 2;
    }
    if b64 {
        size += 3;
    }
    if other {
        size += 32;
    }
    size.max(1)
}

/// Expected Shannon entropy (bits per character) of a uniformly random string of
/// length `len` over an alphabet of `alphabet` symbols.
///
/// Uses the Miller-Madow bias of the plug-in estimator, `log2(k) - (k-1)/(2n ln 2)`,
/// which is accurate once `n` is a few times `k`; for short strings the estimate is
/// capped by `log2(n)`, the most `n` distinct characters can score.
pub fn expected_random(alphabet: usize, len: usize) -> f64 {
    if len < 2 {
        return 0.0;
    }
    let k = alphabet as f64;
    let n = len as f64;
    let ceiling = k.log2().min(n.log2());
    let bias = (k - 1.0) / (2.0 * n * std::f64::consts::LN_2);
    // For n not much larger than k the bias formula over-corrects; keep at least 70% of
    // the ceiling, which a random string of that length still reaches in practice.
    (k.log2() - bias).clamp(0.7 * ceiling, ceiling)
}

/// Entropy of `bytes` as a fraction of [`expected_random`] for its alphabet and length.
///
/// About 1.0 for random strings, well below for words, repetitions and sequences.
pub fn relative_entropy(bytes: &[u8]) -> f64 {
    let expected = expected_random(alphabet_size(bytes), bytes.len());
    if expected <= 0.0 {
        return 0.0;
    }
    (shannon(bytes) / expected).min(1.5)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_and_base62_alphabets_are_told_apart() {
        assert_eq!(alphabet_size(b"deadbeef0123"), 16);
        assert_eq!(alphabet_size(b"DEADBEEF0123"), 16);
        assert_eq!(alphabet_size(b"abgXYZ019"), 62);
        assert_eq!(alphabet_size(b"gh-_"), 28);
    }

    #[test]
    fn random_looking_strings_score_near_one() {
        let hex = b"9f86d081884c7d659a2feaa0c55ad015";
        let b62 = b"vD9kq2LmZx81RtPa0WsQe7YuNb3Hc6JfGi4oKl5TyUw2XnMr8SpBd1EjVh0Cg9Fz";
        assert!(relative_entropy(hex) > 0.85, "{}", relative_entropy(hex));
        assert!(relative_entropy(b62) > 0.85, "{}", relative_entropy(b62));
    }

    #[test]
    fn words_and_repeats_score_low() {
        assert!(relative_entropy(b"aaaaaaaaaaaaaaaaaaaaaaaa") < 0.1);
        assert!(relative_entropy(b"passwordpasswordpassword") < 0.75);
    }
}
