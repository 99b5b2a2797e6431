//! Arbitrary rule files: `RuleSet::add_toml`, then `Scanner::new` and scans.
//!
//! The input is the TOML text, optionally followed by a NUL byte and a haystack. A rule
//! that compiles is scanned over the haystack, the rule text itself and every rule's
//! examples and negative examples.
#![no_main]

use keywarden_engine::{RuleSet, Scanner};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (text, haystack) = match data.iter().position(|&b| b == 0) {
        Some(p) => (&data[..p], Some(&data[p + 1..])),
        None => (data, None),
    };
    let Ok(text) = std::str::from_utf8(text) else {
        return;
    };
    let mut set = RuleSet::new();
    if let Err(e) = set.add_toml("fuzz.toml", text) {
        // Errors must render (they are shown to users).
        let _ = e.to_string();
        assert!(
            set.rules().is_empty(),
            "a failed add_toml left rules behind"
        );
        return;
    }
    let examples: Vec<String> = set
        .rules()
        .iter()
        .flat_map(|r| {
            let s = r.spec();
            s.examples.iter().chain(&s.negative_examples).cloned()
        })
        .collect();
    let scanner = match Scanner::new(set) {
        Ok(s) => s,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    if let Some(h) = haystack {
        let _ = scanner.scan(h, Some("fuzz/path"));
    }
    let _ = scanner.scan(text.as_bytes(), None);
    for e in &examples {
        for f in scanner.scan(e.as_bytes(), None) {
            assert!(f.secret_span.end <= e.len() && f.secret_span.start < f.secret_span.end);
        }
    }
});
