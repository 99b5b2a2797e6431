//! Scans of git content: staged changes (the pre-commit hook) and commit messages (the
//! commit-msg hook). Git access itself is in `keywarden-git`.

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use keywarden_engine::Scanner;
use keywarden_git::{SkipReason, StagedOptions};
use keywarden_report::{Redaction, Summary};

use crate::files::Outcome;

/// Scans what is staged in the repository at `repo`: only lines added or changed
/// relative to `HEAD` are reported, with their line numbers in the staged file.
///
/// `GIT_INDEX_FILE`, which git sets for `git commit -a` and `git commit <paths>`, is
/// honoured, so the hook sees the index the commit is made from.
///
/// # Errors
/// The git error (no repository, bare repository, unreadable index) as a message.
pub fn scan_staged(
    scanner: &Scanner,
    repo: &Path,
    max_file_size: u64,
    check: Option<&crate::sops::FileCheck>,
) -> Result<Outcome, String> {
    let started = Instant::now();
    let opts = StagedOptions::default()
        .with_max_file_size(max_file_size)
        .with_index_file_from_env();
    let changes = keywarden_git::staged::changes(repo, &opts).map_err(|e| {
        let hint = match e {
            keywarden_git::StagedError::Open { .. } => "; run it inside a git work tree",
            keywarden_git::StagedError::Bare { .. } => "; staged needs a work tree",
            _ => "",
        };
        format!("{}{hint}", error_chain(&e))
    })?;
    let mut summary = Summary {
        unit: "staged files",
        ..Summary::default()
    };
    summary.skipped_binary = changes.skipped_count(|r| matches!(r, SkipReason::Binary)) as u64;
    summary.skipped_large =
        changes.skipped_count(|r| matches!(r, SkipReason::TooLarge { .. })) as u64;
    let mut records = Vec::new();
    for file in &changes.files {
        if let Some(check) = check {
            records.extend(check(&file.display_path, &file.content));
        }
        if file.changed_lines.is_empty() {
            continue;
        }
        let Some(mut found) = crate::scan_content(scanner, &file.display_path, &file.content)
        else {
            summary.skipped_binary += 1;
            continue;
        };
        summary.scanned += 1;
        summary.bytes += file.content.len() as u64;
        // A secret counts as staged when any of its lines is new: a private key block
        // whose middle line changed is still a new secret.
        found.retain(|r| {
            let f = &r.finding;
            (f.line..=f.end_line).any(|l| file.is_changed_line(l as u32))
        });
        records.extend(found);
    }
    summary.elapsed = started.elapsed();
    let warnings = changes
        .skipped
        .iter()
        .filter_map(|s| match s.reason {
            SkipReason::TooLarge { size } => Some(format!(
                "{}: not scanned, the staged file's {size} bytes are over the size limit of \
                 {max_file_size} (raise it with --max-file-size or [scan] max_file_size)",
                s.display_path
            )),
            _ => None,
        })
        .collect();
    Ok(Outcome {
        records,
        summary,
        errors: Vec::new(),
        warnings,
    })
}

/// The line above the diff that `git commit -v` appends to the message file; git drops it
/// and everything below it.
const SCISSORS: &[u8] = b"# ------------------------ >8 ------------------------";

/// Scans a commit message file, ignoring what git strips from it (comment lines, `#` at
/// the start of a line, and everything from the scissors line of `git commit -v` on), and
/// reports findings under the name `display`.
pub fn scan_commit_message(scanner: &Scanner, display: &str, message: &[u8]) -> Outcome {
    let message = before_scissors(message);
    let mut outcome = crate::files::scan_input(scanner, display, message);
    outcome
        .records
        .retain(|r| r.line_offset > 0 || !r.line_text.as_deref().unwrap_or("").starts_with('#'));
    outcome.summary.unit = "commit messages";
    outcome
}

/// The message up to the scissors line, if it has one: the verbose diff below it holds
/// removed lines too, and removing a secret must not be blocked for showing it.
fn before_scissors(message: &[u8]) -> &[u8] {
    let mut start = 0;
    for line in message.split_inclusive(|&b| b == b'\n') {
        if line.starts_with(SCISSORS) {
            return &message[..start];
        }
        start += line.len();
    }
    message
}

/// The work tree root around `start`: the nearest folder holding `.git` (a folder, or a
/// file in linked worktrees).
pub fn worktree_root(start: &Path) -> Option<std::path::PathBuf> {
    let start = start.canonicalize().ok()?;
    start
        .ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
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

/// How to walk history, as the command line says it.
#[derive(Debug, Clone, Default)]
pub struct HistoryArgs {
    /// A revision spec (`A..B`, a branch); all refs when `None`.
    pub rev: Option<String>,
    /// Scan `REV..HEAD`.
    pub since: Option<String>,
    /// Stop after this many commits.
    pub max_commits: Option<usize>,
    /// Skip blobs larger than this.
    pub max_file_size: u64,
    /// Worker threads (0: one per core).
    pub threads: usize,
    /// Show a progress bar on stderr.
    pub progress: bool,
}

/// Scans every blob that the selected commits introduced, once each, in parallel, and
/// every commit message; findings carry the commit that introduced them.
///
/// # Errors
/// The git error (no repository, a revision that does not resolve) as a message.
pub fn scan_history(scanner: &Scanner, repo: &Path, args: &HistoryArgs) -> Result<Outcome, String> {
    use std::sync::atomic::{AtomicU64, Ordering};

    use keywarden_git::{HistoryOptions, Job};
    use keywarden_report::{CommitInfo, Record};

    let started = Instant::now();
    let mut opts = HistoryOptions::default()
        .with_max_commits(args.max_commits)
        .with_max_file_size(args.max_file_size)
        .with_threads(args.threads);
    if let Some(rev) = &args.rev {
        opts = opts.with_spec(rev.clone());
    }
    if let Some(since) = &args.since {
        opts = opts.with_since(since);
    }
    let bar = args.progress.then(progress_bar);
    let bytes = AtomicU64::new(0);
    let report = keywarden_git::history::scan(repo, &opts, |job| {
        let (display, content) = match job {
            Job::Blob(b) => (b.display_path.to_string(), b.content),
            Job::CommitMessage(m) => (m.commit.id.clone(), m.message),
            _ => return Vec::new(),
        };
        let done = bytes.fetch_add(content.len() as u64, Ordering::Relaxed);
        if let Some(bar) = &bar {
            bar.inc(1);
            bar.set_message(human(done + content.len() as u64));
        }
        crate::scan_content(scanner, &display, content)
            .unwrap_or_default()
            .into_iter()
            .map(|r| (r.finding.line as u32, r))
            .collect::<Vec<(u32, Record)>>()
    })
    .map_err(|e| {
        let hint = match e {
            keywarden_git::HistoryError::Open { .. } => "; pass the path of a git repository",
            // Most often a pull request's base branch that a shallow CI checkout lacks.
            keywarden_git::HistoryError::RevSpec { .. } => {
                "; check the name with `git rev-parse`, and fetch the branch if it is \
                 remote (in CI, a full clone: `fetch-depth: 0`)"
            }
            _ => "",
        };
        format!("{}{hint}", error_chain(&e))
    })?;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }

    let mut records: Vec<Record> = report
        .findings
        .into_iter()
        .map(|hf| {
            let (_, mut record) = hf.finding;
            if let keywarden_git::FindingLocation::Blob { display_path, .. } = &hf.location {
                record.path = display_path.clone();
            }
            let c = &hf.commit;
            record.commit = Some(CommitInfo {
                id: c.id.clone(),
                author: c.author_name.clone(),
                email: c.author_email.clone(),
                date: c.date.clone(),
                summary: c.summary.clone(),
            });
            record
        })
        .collect();
    records.sort_by(|a, b| {
        // Borrowed, not cloned: the comparator runs n log n times.
        fn key(r: &Record) -> (Option<&str>, &str, usize) {
            (
                r.commit.as_ref().map(|c| c.date.as_str()),
                r.path.as_str(),
                r.finding.line,
            )
        }
        key(a).cmp(&key(b))
    });
    let s = &report.summary;
    if s.is_shallow {
        log::warn!("the repository is a shallow clone: only the history it holds was scanned");
    }
    let summary = Summary {
        unit: "blobs",
        scanned: s.blobs_scanned as u64,
        bytes: s.bytes_scanned,
        skipped_binary: s.skipped_binary as u64,
        skipped_large: s.skipped_too_large as u64,
        errors: s.errors.len() as u64,
        commits: Some(s.commits as u64),
        elapsed: started.elapsed(),
    };
    let errors = s
        .errors
        .iter()
        .map(|e| format!("object {}: {}: {}", e.id, e.context, e.message))
        .collect();
    Ok(Outcome {
        records,
        summary,
        errors,
        warnings: Vec::new(),
    })
}

/// Masks, in the commit subjects that history records carry, every secret found in the
/// same commit (its message included) as `redaction` shows secrets.
///
/// Each record of a commit carries the commit's subject; a secret pasted into the subject
/// would otherwise be printed in full beside its own redacted finding, in every format.
pub fn redact_commit_summaries(records: &mut [keywarden_report::Record], redaction: Redaction) {
    if redaction == Redaction::Off {
        return;
    }
    let mut secrets: HashMap<String, Vec<String>> = HashMap::new();
    for r in records.iter() {
        if let Some(c) = &r.commit {
            secrets
                .entry(c.id.clone())
                .or_default()
                .push(r.finding.secret.clone());
        }
    }
    for list in secrets.values_mut() {
        // Longest first, so a secret that contains another is masked whole.
        list.sort_by_key(|s| std::cmp::Reverse(s.len()));
        list.dedup();
    }
    for r in records.iter_mut() {
        let Some(c) = &mut r.commit else { continue };
        for secret in secrets.get(&c.id).into_iter().flatten() {
            if !secret.is_empty() && c.summary.contains(secret.as_str()) {
                c.summary = c.summary.replace(secret.as_str(), &redaction.apply(secret));
            }
        }
    }
}

fn progress_bar() -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new_spinner();
    let style = indicatif::ProgressStyle::with_template(
        "{spinner} {pos} blobs, {msg} scanned, {per_sec} [{elapsed_precise}]",
    )
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner());
    bar.set_style(style);
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

fn human(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}
