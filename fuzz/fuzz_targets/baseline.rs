//! Arbitrary bytes as a baseline file: `Baseline::load` must return a value or an error,
//! never panic, and a loaded baseline must answer lookups.
#![no_main]

use std::path::PathBuf;
use std::sync::LazyLock;

use keywarden_policy::{Baseline, BaselineEntry};
use libfuzzer_sys::fuzz_target;

static DIR: LazyLock<tempfile::TempDir> =
    LazyLock::new(|| tempfile::tempdir().expect("a temporary folder"));
static PATH: LazyLock<PathBuf> = LazyLock::new(|| DIR.path().join("baseline.json"));

fuzz_target!(|data: &[u8]| {
    std::fs::write(&*PATH, data).expect("writes the input");
    let Ok(baseline) = Baseline::load(&PATH) else {
        return;
    };
    assert!(!baseline.contains("fuzz-fingerprint-not-in-any-file\0", "\0"));
    // What was loaded survives a write and a reload unchanged in size.
    let len = baseline.len();
    assert_eq!(baseline.is_empty(), len == 0);
    let probe = BaselineEntry {
        fingerprint: "00".repeat(16),
        rule_id: "fuzz".into(),
        path: "fuzz/probe".into(),
    };
    let out = DIR.path().join("rewritten.json");
    Baseline::write(&out, [probe]).expect("writes a baseline");
    let again = Baseline::load(&out).expect("reads its own output");
    assert!(again.contains(&"00".repeat(16), "fuzz/probe"));
});
