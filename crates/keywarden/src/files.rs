//! Scanning files and folders: a parallel walk that honours `.gitignore`, skips `.git/`,
//! binary and oversized files, and keeps going past unreadable ones.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use ignore::{WalkBuilder, WalkState};
use keywarden_engine::Scanner;
use keywarden_report::{Record, Summary};

/// Default size above which files are skipped: generated or vendored data, not config.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// Decides from a display path whether a file is skipped (path allowlists).
pub type PathFilter = Arc<dyn Fn(&str) -> bool + Send + Sync>;

/// How to walk.
#[derive(Clone)]
pub struct WalkOptions {
    /// Files larger than this are skipped and counted (default 10 MiB).
    pub max_file_size: u64,
    /// Worker threads; 0 picks one per core (default 0).
    pub threads: usize,
    /// Honour `.gitignore`, `.ignore` and git's exclude files (default true).
    pub respect_ignore_files: bool,
    /// Paths for which this returns true are not read at all (default none).
    pub skip: Option<PathFilter>,
    /// A check run on every scanned text file beside the engine (default none).
    pub check: Option<crate::sops::FileCheck>,
}

impl Default for WalkOptions {
    fn default() -> Self {
        WalkOptions {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            threads: 0,
            respect_ignore_files: true,
            skip: None,
            check: None,
        }
    }
}

/// What a walk found.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Findings, sorted by path, line and column.
    pub records: Vec<Record>,
    /// Counts for the report's summary.
    pub summary: Summary,
    /// One message per file or folder that could not be read.
    pub errors: Vec<String>,
    /// Things the user should know that do not fail the scan: one message per file
    /// skipped for its size, which may hold a secret nobody looked at.
    pub warnings: Vec<String>,
}

#[derive(Default)]
struct Counters {
    files: AtomicU64,
    bytes: AtomicU64,
    binary: AtomicU64,
    large: AtomicU64,
}

/// Scans every file under `paths` (files or folders) with `scanner`.
pub fn scan_paths(scanner: &Scanner, paths: &[PathBuf], opts: &WalkOptions) -> Outcome {
    let started = Instant::now();
    let Some((first, rest)) = paths.split_first() else {
        // Still "files": a scan of standard input alone merges into this summary.
        let summary = Summary {
            unit: "files",
            ..Summary::default()
        };
        return Outcome {
            summary,
            ..Outcome::default()
        };
    };
    let mut builder = WalkBuilder::new(first);
    for p in rest {
        builder.add(p);
    }
    builder
        .hidden(false)
        .parents(opts.respect_ignore_files)
        .ignore(opts.respect_ignore_files)
        .git_ignore(opts.respect_ignore_files)
        .git_global(opts.respect_ignore_files)
        .git_exclude(opts.respect_ignore_files)
        .require_git(false)
        .follow_links(false)
        .threads(opts.threads)
        .filter_entry(|e| e.file_name() != ".git");

    let counters = Counters::default();
    let records = Mutex::new(Vec::new());
    let errors = Mutex::new(Vec::new());
    let warnings = Mutex::new(Vec::new());
    builder.build_parallel().run(|| {
        let (counters, records, errors) = (&counters, &records, &errors);
        let warnings = &warnings;
        Box::new(move |entry| {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    push(errors, e.to_string());
                    return WalkState::Continue;
                }
            };
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                return WalkState::Continue;
            }
            let display = display_path(entry.path());
            if opts.skip.as_ref().is_some_and(|skip| skip(&display)) {
                return WalkState::Continue;
            }
            match scan_file(scanner, entry.path(), &display, opts, counters) {
                Ok(Scanned::Records(found)) if !found.is_empty() => {
                    records.lock().expect("no panics").extend(found)
                }
                Ok(Scanned::Records(_)) => {}
                Ok(Scanned::TooLarge(size)) => push(
                    warnings,
                    format!(
                        "{display}: not scanned, {size} bytes is over the size limit of {} \
                         (raise it with --max-file-size or [scan] max_file_size)",
                        opts.max_file_size
                    ),
                ),
                Err(e) => push(errors, e),
            }
            WalkState::Continue
        })
    });

    let mut records = records.into_inner().expect("no worker panicked");
    records.sort_by(|a, b| {
        (&a.path, a.finding.line, a.finding.column).cmp(&(
            &b.path,
            b.finding.line,
            b.finding.column,
        ))
    });
    let mut errors = errors.into_inner().expect("no worker panicked");
    errors.sort();
    let mut warnings = warnings.into_inner().expect("no worker panicked");
    warnings.sort();
    let summary = Summary {
        unit: "files",
        scanned: counters.files.load(Ordering::Relaxed),
        bytes: counters.bytes.load(Ordering::Relaxed),
        skipped_binary: counters.binary.load(Ordering::Relaxed),
        skipped_large: counters.large.load(Ordering::Relaxed),
        errors: errors.len() as u64,
        commits: None,
        elapsed: started.elapsed(),
    };
    Outcome {
        records,
        summary,
        errors,
        warnings,
    }
}

/// What became of one walked file.
enum Scanned {
    Records(Vec<Record>),
    /// Skipped for its size, in bytes.
    TooLarge(u64),
}

fn push(errors: &Mutex<Vec<String>>, message: String) {
    errors.lock().expect("no worker panicked").push(message);
}

fn scan_file(
    scanner: &Scanner,
    path: &Path,
    display: &str,
    opts: &WalkOptions,
    counters: &Counters,
) -> Result<Scanned, String> {
    let meta = path
        .metadata()
        .map_err(|e| format!("{display}: cannot read metadata: {e}"))?;
    if meta.len() > opts.max_file_size {
        counters.large.fetch_add(1, Ordering::Relaxed);
        return Ok(Scanned::TooLarge(meta.len()));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("{display}: cannot read: {e}"))?;
    let mut records = scan_bytes(scanner, display, &bytes, counters);
    if let Some(check) = &opts.check {
        records.extend(check(display, &bytes));
    }
    Ok(Scanned::Records(records))
}

fn scan_bytes(scanner: &Scanner, display: &str, bytes: &[u8], counters: &Counters) -> Vec<Record> {
    let Some(records) = crate::scan_content(scanner, display, bytes) else {
        counters.binary.fetch_add(1, Ordering::Relaxed);
        log::trace!("{display}: skipped as binary");
        return Vec::new();
    };
    counters.files.fetch_add(1, Ordering::Relaxed);
    counters
        .bytes
        .fetch_add(bytes.len() as u64, Ordering::Relaxed);
    records
}

/// Scans one in-memory input (standard input) under the name `display`.
pub fn scan_input(scanner: &Scanner, display: &str, bytes: &[u8]) -> Outcome {
    let started = Instant::now();
    let counters = Counters::default();
    let records = scan_bytes(scanner, display, bytes, &counters);
    let summary = Summary {
        unit: "files",
        scanned: counters.files.load(Ordering::Relaxed),
        bytes: counters.bytes.load(Ordering::Relaxed),
        skipped_binary: counters.binary.load(Ordering::Relaxed),
        elapsed: started.elapsed(),
        ..Summary::default()
    };
    Outcome {
        records,
        summary,
        ..Outcome::default()
    }
}

/// The path as reports show it: lossy UTF-8, `/`-separated, without a leading `./`.
pub fn display_path(path: &Path) -> String {
    let s = keywarden_policy::slash_path(path);
    match s.strip_prefix("./") {
        Some(rest) if !rest.is_empty() => rest.to_string(),
        _ => s,
    }
}
