//! Git access for keywarden, implemented with [`gix`] (pure Rust, no `git` subprocess).
//!
//! This crate only *reads* repositories and hands out content plus metadata; it knows nothing
//! about secrets. The detection engine is plugged in by the caller:
//!
//! * [`staged`] yields the files staged in the index (pre-commit use), each with its staged
//!   content and the line numbers that differ from `HEAD`.
//! * [`history`] walks commits, hands every distinct blob (and every commit message) exactly
//!   once to a caller-supplied callback running on a bounded pool of threads, and attributes
//!   the callback's line-anchored results to the commits and paths that introduced them.
//! * [`hooks`] locates the directory git runs hooks from.
//!
//! Nothing here writes to the repository: not to the index, the work tree, the object
//! database, or the references.
//!
//! # Example
//!
//! ```no_run
//! use std::path::Path;
//! use keywarden_git::{history, staged, Job};
//!
//! # fn engine(_: &[u8]) -> Vec<u32> { Vec::new() }
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // Pre-commit: scan what is about to be committed, report only changed lines.
//! let opts = staged::StagedOptions::default().with_index_file_from_env();
//! for file in staged::changes(Path::new("."), &opts)?.files {
//!     for line in engine(&file.content) {
//!         if file.is_changed_line(line) {
//!             println!("{}:{line}", file.display_path);
//!         }
//!     }
//! }
//!
//! // CI: scan every blob of the history once, in parallel.
//! let report = history::scan(Path::new("."), &Default::default(), |job| match job {
//!     Job::Blob(blob) => engine(blob.content),
//!     Job::CommitMessage(message) => engine(message.message),
//!     _ => Vec::new(),
//! })?;
//! for finding in &report.findings {
//!     println!("{} {:?} line {}", finding.commit.id, finding.location, finding.finding);
//! }
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

mod cache_tree;
pub mod history;
pub mod hooks;
pub mod staged;
mod util;

pub use history::{
    Attribution, BlobJob, CommitInfo, FindingLocation, HistoryError, HistoryFinding,
    HistoryOptions, HistoryReport, HistorySummary, Job, LineFinding, MessageJob, ObjectIssue,
    Revisions,
};
pub use hooks::{HooksError, hooks_dir};
pub use staged::{
    ChangeKind, SkipReason, SkippedPath, StagedChanges, StagedError, StagedFile, StagedOptions,
};

/// Re-export of the byte-string types used for paths, so callers need not depend on `bstr`.
pub use gix::bstr::{BStr, BString, ByteSlice};

/// How many leading bytes are probed for a NUL byte to classify content as binary
/// (the same heuristic git uses).
pub const BINARY_PROBE_LEN: usize = 8000;

/// The default for the `max_file_size` options: files larger than this are skipped (10 MiB).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// Return `true` if `data` looks binary: it has a NUL byte in its first [`BINARY_PROBE_LEN`]
/// bytes.
pub fn is_binary(data: &[u8]) -> bool {
    let probe = &data[..data.len().min(BINARY_PROBE_LEN)];
    probe.contains(&0)
}
