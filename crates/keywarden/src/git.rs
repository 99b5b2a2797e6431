//! Scans of git content: staged changes (the pre-commit hook) and commit messages (the
//! commit-msg hook). Git access itself is in `keywarden-git`.

use std::path::Path;
use std::time::Instant;

use keywarden_engine::Scanner;
use keywarden_git::{SkipReason, StagedOptions};
use keywarden_report::Summary;

use crate::content::{self, Content};
use crate::files::Outcome;

/// Scans what is staged in the repository at `repo`: only lines added or changed
/// relative to `HEAD` are reported, with their line numbers in the staged file.
///
/// `GIT_INDEX_FILE`, which git sets for `git commit -a` and `git commit <paths>`, is
/// honoured, so the hook sees the index the commit is made from.
///
/// # Errors
/// The git error (no repository, bare repository, unreadable index) as a message.
pub fn scan_staged(scanner: &Scanner, repo: &Path, max_file_size: u64) -> Result<Outcome, String> {
    let started = Instant::now();
    let mut opts = StagedOptions::default().with_max_file_size(max_file_size);
    if let Some(index) = std::env::var_os("GIT_INDEX_FILE") {
        opts = opts.with_index_file(index);
    }
    let changes = keywarden_git::staged::changes(repo, &opts).map_err(|e| error_chain(&e))?;
    let mut summary = Summary {
        unit: "staged files",
        ..Summary::default()
    };
    summary.skipped_binary = changes.skipped_count(|r| matches!(r, SkipReason::Binary)) as u64;
    summary.skipped_large =
        changes.skipped_count(|r| matches!(r, SkipReason::TooLarge { .. })) as u64;
    let mut records = Vec::new();
    for file in &changes.files {
        if file.changed_lines.is_empty() {
            continue;
        }
        let text = match content::classify(&file.content) {
            Content::Binary => {
                summary.skipped_binary += 1;
                continue;
            }
            Content::Text(t) => t,
        };
        summary.scanned += 1;
        summary.bytes += file.content.len() as u64;
        let mut findings = scanner.scan(&text, Some(&file.display_path));
        // A secret counts as staged when any of its lines is new: a private key block
        // whose middle line changed is still a new secret.
        findings.retain(|f| (f.line..=f.end_line).any(|l| file.is_changed_line(l as u32)));
        records.extend(crate::records(scanner, &file.display_path, &text, findings));
    }
    summary.elapsed = started.elapsed();
    Ok(Outcome {
        records,
        summary,
        errors: Vec::new(),
    })
}

/// Scans a commit message file, ignoring the comment lines git strips (`#` at the
/// start of a line), and reports findings under the name `display`.
pub fn scan_commit_message(scanner: &Scanner, display: &str, message: &[u8]) -> Outcome {
    let mut outcome = crate::files::scan_input(scanner, display, message);
    outcome
        .records
        .retain(|r| !r.line_text.as_deref().unwrap_or("").starts_with('#'));
    outcome.summary.unit = "commit messages";
    outcome
}

/// The error and its sources, joined with `: `, so the user sees the root cause.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut message = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    message
}
