//! Arbitrary text as `.keywarden.toml`: `Config::parse`, then `.policy()` and its
//! queries, and `apply_rules` on the built-in rule set and a scanner built from it.
//!
//! Configs that name rule files (`[rules] files`) are parsed and compiled but not
//! applied, since applying reads those paths from disk.
#![no_main]

use std::path::Path;
use std::sync::LazyLock;

use keywarden_engine::{RuleSet, Scanner};
use keywarden_policy::Config;
use libfuzzer_sys::fuzz_target;

static ROOT: LazyLock<tempfile::TempDir> =
    LazyLock::new(|| tempfile::tempdir().expect("a temporary folder"));

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let config = match Config::parse(Path::new(".keywarden.toml"), ROOT.path(), text) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    let _ = config.max_file_size();
    if let Ok(policy) = config.policy() {
        let _ = policy.skips_path("src/main.rs");
        let _ = policy.allows("jwt", "src/main.rs", text, text);
        let _ = policy.allows(
            "generic-secret",
            text,
            "s3cr3t-value",
            "token = s3cr3t-value",
        );
        let _ = policy.relative(Path::new("src/main.rs"));
    }
    let Some(has_rules) = rule_sections_without_files(text) else {
        return;
    };
    if !has_rules {
        // No `[rules]` or `[[rule]]`: nothing to apply, and compiling the built-in rule
        // set for nothing would slow the fuzzer down a hundredfold.
        return;
    }
    let mut set = RuleSet::builtin().expect("built-in rules compile");
    match config.apply_rules(&mut set) {
        Ok(()) => {
            // The keyword automaton of the result. (Scanning with it would build the
            // built-in regexes the text hits, anew for every input: a hundredfold
            // slowdown for what the `engine` and `rules` targets already cover.)
            let _ = Scanner::new(set);
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});

/// `None` if the config names rule files (`rules.files`, as TOML sees the keys), else
/// whether it has a `[rules]` or `[[rule]]` section for `apply_rules` to apply.
fn rule_sections_without_files(text: &str) -> Option<bool> {
    let value = text.parse::<toml::Table>().ok()?;
    let rules = value.get("rules");
    if rules
        .and_then(|r| r.as_table())
        .is_some_and(|r| r.contains_key("files"))
    {
        return None;
    }
    Some(rules.is_some() || value.contains_key("rule"))
}
