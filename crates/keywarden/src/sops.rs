//! The `unencrypted-sops-file` check: a file that `.sops.yaml` says must be encrypted,
//! scanned or staged without SOPS metadata.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use keywarden_engine::{Confidence, Finding, Severity, fingerprint};
use keywarden_policy::sops::{SopsRules, UNENCRYPTED_SOPS_RULE, is_sops_encrypted};
use keywarden_report::Record;

/// A check run on every scanned file's content, beside the engine: `(path, content)`
/// to extra records.
pub type FileCheck = Arc<dyn Fn(&str, &[u8]) -> Vec<Record> + Send + Sync>;

/// The title of `unencrypted-sops-file` findings.
pub const TITLE: &str = "File that .sops.yaml requires to be encrypted is in plaintext";

/// Builds the check for `rules`. Paths given to it are relative to `base` (the current
/// folder for `scan`, the work tree root for `staged`) and are matched relative to the
/// folder of `.sops.yaml`, as SOPS does.
pub fn check(rules: SopsRules, base: &Path) -> FileCheck {
    let root = rules
        .root
        .canonicalize()
        .unwrap_or_else(|_| rules.root.clone());
    let base = base.canonicalize().unwrap_or_else(|_| PathBuf::from(base));
    Arc::new(move |display: &str, content: &[u8]| {
        let abs = base.join(display);
        let rel = keywarden_policy::slash_path(abs.strip_prefix(&root).unwrap_or(&abs));
        match rules.requiring(&rel) {
            Some(regex) if !is_sops_encrypted(content) => vec![record(display, regex)],
            _ => Vec::new(),
        }
    })
}

fn record(display: &str, regex: &str) -> Record {
    Record {
        path: display.to_string(),
        finding: Finding {
            rule_id: UNENCRYPTED_SOPS_RULE.to_string(),
            // Not an engine rule: reports look it up by id.
            rule_index: usize::MAX,
            span: 0..0,
            secret_span: 0..0,
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 1,
            secret: String::new(),
            entropy: 0.0,
            confidence: Confidence::High,
            fingerprint: fingerprint(UNENCRYPTED_SOPS_RULE, display.as_bytes()),
        },
        title: format!("{TITLE} (path_regex `{regex}`): encrypt it with sops"),
        severity: Severity::High,
        line_text: None,
        line_offset: 0,
        commit: None,
    }
}
