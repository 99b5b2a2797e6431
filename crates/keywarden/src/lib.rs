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

/// Scans a file's bytes and returns its records, or `None` for a binary file.
///
/// Text behind a UTF-16 byte-order mark is scanned decoded, and its raw bytes are scanned
/// too: the two bytes `FF FE` in front of ASCII text would otherwise turn every secret in
/// it into CJK characters and hide it. Real UTF-16 text has a NUL beside every ASCII
/// character, so its raw bytes find nothing more.
pub fn scan_content(scanner: &Scanner, path: &str, bytes: &[u8]) -> Option<Vec<Record>> {
    let text = content::classify(bytes);
    let decoded = text.is_decoded();
    let content::Content::Text(text) = text else {
        return None;
    };
    let findings = scanner.scan(&text, Some(path));
    let mut found = records(scanner, path, &text, findings);
    if decoded {
        let raw = scanner.scan(bytes, Some(path));
        for r in records(scanner, path, bytes, raw) {
            if !found
                .iter()
                .any(|f| f.finding.fingerprint == r.finding.fingerprint)
            {
                found.push(r);
            }
        }
    }
    Some(found)
}

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
