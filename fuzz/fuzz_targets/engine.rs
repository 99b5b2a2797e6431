//! Arbitrary bytes through the built-in scanner, without and with a path hint.
//!
//! Beyond "does not panic", every finding is checked against the scanner's documented
//! contract: spans inside the input, the secret inside the match, the secret text and
//! fingerprint taken from those bytes, findings in input order, and lines and columns
//! equal to a naive recount.
#![no_main]

use std::sync::LazyLock;

use keywarden_engine::{Finding, RuleSet, Scanner, fingerprint};
use libfuzzer_sys::fuzz_target;

static SCANNER: LazyLock<Scanner> = LazyLock::new(|| {
    Scanner::new(RuleSet::builtin().expect("built-in rules compile")).expect("automaton builds")
});

fuzz_target!(|data: &[u8]| {
    check(&SCANNER, data, None);
    // The first line (at most 200 bytes, valid UTF-8) as a path hint for the rest.
    if let Some(nl) = data.iter().take(200).position(|&b| b == b'\n')
        && let Ok(path) = std::str::from_utf8(&data[..nl])
    {
        check(&SCANNER, &data[nl + 1..], Some(path));
    }
});

fn check(scanner: &Scanner, input: &[u8], path: Option<&str>) {
    let findings = scanner.scan(input, path);
    let rules = scanner.rules();
    let mut previous: Option<&Finding> = None;
    for f in &findings {
        assert!(f.rule_index < rules.len(), "{f:?}");
        assert_eq!(rules[f.rule_index].id(), f.rule_id);
        assert!(
            f.span.start <= f.secret_span.start
                && f.secret_span.start < f.secret_span.end
                && f.secret_span.end <= f.span.end
                && f.span.end <= input.len(),
            "bad spans {f:?} for {} input bytes",
            input.len()
        );
        let secret = &input[f.secret_span.clone()];
        assert_eq!(f.secret, String::from_utf8_lossy(secret));
        assert_eq!(f.fingerprint, fingerprint(&f.rule_id, secret));
        assert!(f.entropy.is_finite() && f.entropy >= 0.0, "{f:?}");
        assert_eq!(
            (f.line, f.column),
            position(input, f.secret_span.start),
            "start of {f:?}"
        );
        assert_eq!(
            (f.end_line, f.end_column),
            position(input, f.secret_span.end),
            "end of {f:?}"
        );
        if let Some(p) = previous {
            assert!(
                (p.secret_span.start, p.rule_index) <= (f.secret_span.start, f.rule_index),
                "findings out of order: {p:?} then {f:?}"
            );
        }
        previous = Some(f);
    }
}

/// 1-based line and column of byte `offset`, recounted from scratch: columns count UTF-8
/// lead bytes (and bytes that are not continuation bytes), a leading BOM is not counted.
fn position(input: &[u8], offset: usize) -> (usize, usize) {
    let before = &input[..offset];
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let start = if line == 1 && input.starts_with(b"\xEF\xBB\xBF") {
        offset.min(3)
    } else {
        line_start
    };
    let column = 1 + input[start..offset]
        .iter()
        .filter(|&&b| (b as i8) >= -0x40)
        .count();
    (line, column)
}
