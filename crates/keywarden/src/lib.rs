//! The glue behind the `keywarden` command: reading files and folders, and turning engine
//! findings into report records. Kept out of `main.rs` so it can be tested without argv.
#![deny(missing_docs)]

pub mod accuracy;
pub mod content;
pub mod files;
pub mod git;
pub mod install;
pub mod sops;

use keywarden_engine::{Finding, Scanner};
use keywarden_report::Record;

/// Turns engine findings on `input` into report records for `path`.
pub fn records(scanner: &Scanner, path: &str, input: &[u8], findings: Vec<Finding>) -> Vec<Record> {
    findings
        .into_iter()
        .map(|finding| {
            let rule = &scanner.rules()[finding.rule_index];
            let (line_text, line_offset) =
                content::line_window(input, &finding.secret_span, finding.column);
            Record {
                path: path.to_string(),
                title: rule.title().to_string(),
                severity: rule.severity(),
                line_text: Some(line_text),
                line_offset,
                commit: None,
                finding,
            }
        })
        .collect()
}
