//! History scanning for CI: every blob introduced by the selected commits, scanned once.
//!
//! [`scan`] selects commits (all references and `HEAD` by default, or a revision spec such as
//! `A..B`, optionally capped to the newest N), and for each commit diffs its tree against its
//! **first parent** (root commits and shallow-clone boundary commits against the empty tree;
//! merge commits therefore only contribute what differs from their first parent, which
//! includes the content brought in from the other side and any conflict resolution).
//!
//! Every *distinct* blob those diffs introduce is handed exactly once to the caller's
//! callback, together with one representative path, on a bounded pool of threads: only the
//! blobs being scanned are in memory at any time (a small queue of ids and paths feeds the
//! workers, who read the blobs themselves). Commit messages are handed to the same callback.
//! The diffs themselves run on up to as many threads again, in chunks of consecutive commits,
//! and are merged in commit order, so what is reported does not depend on the thread count.
//!
//! The callback returns line-anchored results ([`LineFinding`]); the crate attributes them
//! to the commits and paths that introduced the blob:
//!
//! * With [`Attribution::FirstIntroduction`] (the default) a blob is attributed only to the
//!   oldest selected commit that introduced it (commits are processed in reverse topological
//!   order, parents first), at every path that commit introduced it under. A pure rename, a
//!   revert or a cherry-pick re-introducing the same content is thus reported once.
//! * With [`Attribution::EveryIntroduction`] every introducing `(commit, path)` is reported.
//! * With [`HistoryOptions::only_added_lines`] (the default) a result is attributed to an
//!   introduction only if its line was added by that commit, relative to the parent's version
//!   of the file (or of the rename source), so a secret is not reported again each time
//!   another line of its file changes. A secret added and later deleted is still found: it is
//!   in the blob of the commit that added it.
//!
//! Binary blobs, blobs larger than [`HistoryOptions::max_file_size`] and submodules are
//! skipped and counted. Unreadable or corrupt objects are recorded in
//! [`HistorySummary::errors`] and the scan goes on: an unreadable blob is skipped, a commit
//! whose tree cannot be diffed contributes nothing, a missing parent makes the commit be
//! diffed against the empty tree, and a walk that hits an unreadable commit keeps the commits
//! it reached. Shallow clones scan what exists; their boundary commits are diffed against the
//! empty tree. SHA-256 repositories are refused with
//! [`HistoryError::UnsupportedObjectFormat`].
//!
//! Memory: besides the blobs being scanned, the scan keeps the selected commit ids, and per
//! distinct blob its id, the index of its first introducing commit, an interned path and the
//! id of the version it replaced (roughly 80 bytes a blob), plus the results the callback
//! returned. Each diffing thread adds its object caches (at most 12 MiB) and the diffs of at
//! most 32 commits waiting to be merged.

mod diff;
mod intro;
mod pipeline;
mod select;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use gix::ObjectId;
use gix::bstr::{BStr, BString, ByteSlice};

use crate::util::{self, OpenFailure};
use intro::{Introduction, Introductions};

/// Which commits to scan.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Revisions {
    /// Every commit reachable from any reference or from `HEAD` (like `git log --all`).
    #[default]
    All,
    /// A single revision spec as `git rev-parse` understands it: `A..B` (reachable from `B`
    /// but not `A`), `A...B`, a branch, tag or commit (it and its ancestors), `^A`, `A^@`,
    /// `A^!`. "Everything since `REV`" is `REV..HEAD`.
    Spec(String),
}

/// To which introductions of a blob its results are attributed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Attribution {
    /// Only to the oldest selected commit that introduced the blob (at every path it
    /// introduced it under).
    #[default]
    FirstIntroduction,
    /// To every selected commit and path that introduced the blob.
    EveryIntroduction,
}

/// Options for [`scan`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct HistoryOptions {
    /// Which commits to scan.
    pub revisions: Revisions,
    /// Scan at most this many commits, the newest first (like `git log -n`).
    pub max_commits: Option<usize>,
    /// Blobs larger than this many bytes are skipped.
    pub max_file_size: u64,
    /// Threads running the callback (the callback never runs on more at once), and at most
    /// as many threads diffing commits (the calling thread when `1`); `0` means one per
    /// available core.
    pub threads: usize,
    /// Track renames in each commit's diff, so that a renamed and edited file is compared with
    /// its source for [`only_added_lines`](Self::only_added_lines).
    pub detect_renames: bool,
    /// Attribute a result to an introducing commit only if its line was added by that commit.
    pub only_added_lines: bool,
    /// To which introductions of a blob results are attributed.
    pub attribution: Attribution,
    /// Also hand every commit's message to the callback.
    pub scan_commit_messages: bool,
}

impl HistoryOptions {
    /// Set [`revisions`](Self::revisions).
    pub fn with_revisions(mut self, revisions: Revisions) -> Self {
        self.revisions = revisions;
        self
    }

    /// Scan the commits of revision spec `spec` (see [`Revisions::Spec`]).
    pub fn with_spec(self, spec: impl Into<String>) -> Self {
        self.with_revisions(Revisions::Spec(spec.into()))
    }

    /// Scan the commits made since `rev`: those reachable from `HEAD` but not from `rev`
    /// (the spec `rev..HEAD`).
    pub fn with_since(self, rev: &str) -> Self {
        self.with_spec(format!("{rev}..HEAD"))
    }

    /// Set [`max_commits`](Self::max_commits).
    pub fn with_max_commits(mut self, max: Option<usize>) -> Self {
        self.max_commits = max;
        self
    }

    /// Set [`max_file_size`](Self::max_file_size).
    pub fn with_max_file_size(mut self, bytes: u64) -> Self {
        self.max_file_size = bytes;
        self
    }

    /// Set [`threads`](Self::threads).
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.threads = threads;
        self
    }

    /// Set [`detect_renames`](Self::detect_renames).
    pub fn with_detect_renames(mut self, yes: bool) -> Self {
        self.detect_renames = yes;
        self
    }

    /// Set [`only_added_lines`](Self::only_added_lines).
    pub fn with_only_added_lines(mut self, yes: bool) -> Self {
        self.only_added_lines = yes;
        self
    }

    /// Set [`attribution`](Self::attribution).
    pub fn with_attribution(mut self, attribution: Attribution) -> Self {
        self.attribution = attribution;
        self
    }

    /// Set [`scan_commit_messages`](Self::scan_commit_messages).
    pub fn with_commit_messages(mut self, yes: bool) -> Self {
        self.scan_commit_messages = yes;
        self
    }
}

impl Default for HistoryOptions {
    fn default() -> Self {
        HistoryOptions {
            revisions: Revisions::All,
            max_commits: None,
            max_file_size: crate::DEFAULT_MAX_FILE_SIZE,
            threads: 0,
            detect_renames: true,
            only_added_lines: true,
            attribution: Attribution::FirstIntroduction,
            scan_commit_messages: true,
        }
    }
}

/// A result of the callback that is anchored to a 1-based line of the scanned content.
pub trait LineFinding: Send {
    /// The 1-based line the result is on.
    fn line(&self) -> u32;
}

impl LineFinding for u32 {
    fn line(&self) -> u32 {
        *self
    }
}

impl<T: Send> LineFinding for (u32, T) {
    fn line(&self) -> u32 {
        self.0
    }
}

/// Metadata of a commit.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CommitInfo {
    /// The commit id in hex.
    pub id: String,
    /// The author's name (lossily decoded).
    pub author_name: String,
    /// The author's email (lossily decoded).
    pub author_email: String,
    /// The author date in RFC 3339 / ISO 8601 form with the author's offset, like
    /// `2024-05-01T12:34:56+02:00`; empty if the commit's date cannot be parsed.
    pub date: String,
    /// The first line of the message (lossily decoded).
    pub summary: String,
}

/// A blob to scan, handed to the callback of [`scan`].
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct BlobJob<'a> {
    /// The blob id in hex.
    pub id: &'a str,
    /// One path the blob was introduced under (the first one encountered).
    pub path: &'a BStr,
    /// [`path`](Self::path) decoded lossily for display.
    pub display_path: &'a str,
    /// The blob content.
    pub content: &'a [u8],
}

/// A commit message to scan, handed to the callback of [`scan`].
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct MessageJob<'a> {
    /// The commit.
    pub commit: &'a CommitInfo,
    /// The full message (without headers).
    pub message: &'a [u8],
}

/// Content handed to the callback of [`scan`].
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Job<'a> {
    /// A blob introduced by at least one selected commit.
    Blob(BlobJob<'a>),
    /// A selected commit's message.
    CommitMessage(MessageJob<'a>),
}

/// Where an attributed result was found.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FindingLocation {
    /// In a file the commit introduced.
    Blob {
        /// The path the commit introduced the blob under.
        path: BString,
        /// `path` decoded lossily for display.
        display_path: String,
        /// The blob id in hex.
        blob_id: String,
    },
    /// In the commit's message.
    CommitMessage,
}

/// A result of the callback attributed to a commit.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct HistoryFinding<T> {
    /// The commit the result is attributed to.
    pub commit: Arc<CommitInfo>,
    /// Where in that commit.
    pub location: FindingLocation,
    /// What the callback returned.
    pub finding: T,
}

/// An object that could not be read or decoded; the scan went on without it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ObjectIssue {
    /// The id of the object in hex (for a diff, the commit being diffed).
    pub id: String,
    /// What was being done, like `reading blob` or `diffing commit`.
    pub context: String,
    /// The error, with its causes.
    pub message: String,
}

/// Counters and problems of a [`scan`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct HistorySummary {
    /// Commits selected and diffed.
    pub commits: usize,
    /// Commit messages handed to the callback.
    pub messages_scanned: usize,
    /// Distinct blobs handed to the callback.
    pub blobs_scanned: usize,
    /// Bytes of those blobs.
    pub bytes_scanned: u64,
    /// Distinct blobs skipped as binary.
    pub skipped_binary: usize,
    /// Distinct blobs skipped as larger than the size limit.
    pub skipped_too_large: usize,
    /// Submodule entries (gitlinks) introduced by the selected commits, skipped.
    pub skipped_submodules: usize,
    /// `true` if the repository is a shallow clone (history before its boundary is absent).
    pub is_shallow: bool,
    /// Objects that could not be read; the scan went on without them.
    pub errors: Vec<ObjectIssue>,
}

/// The outcome of a [`scan`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct HistoryReport<T> {
    /// Counters and problems.
    pub summary: HistorySummary,
    /// Attributed results, newest commit first (reverse topological order), then by path and
    /// line, commit-message results before blob results of the same commit.
    pub findings: Vec<HistoryFinding<T>>,
}

/// Errors of [`scan`] that prevent scanning at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HistoryError {
    /// The repository could not be found or opened.
    #[error("cannot open a git repository at {path}")]
    Open {
        /// The path that was given.
        path: PathBuf,
        /// What went wrong.
        #[source]
        source: gix::Error,
    },
    /// The repository uses an object format this build cannot read.
    #[error("repository at {path} uses object format {format}; only sha1 is supported")]
    UnsupportedObjectFormat {
        /// The path that was given.
        path: PathBuf,
        /// The configured `extensions.objectFormat`.
        format: String,
    },
    /// The revision spec could not be resolved.
    #[error("cannot resolve revision spec {spec:?}")]
    RevSpec {
        /// The spec that was given.
        spec: String,
        /// What went wrong.
        #[source]
        source: gix::Error,
    },
    /// The revision spec resolved to something that does not lead to commits.
    #[error("revision {spec:?} does not point to a commit")]
    NotACommit {
        /// The spec (or the part of it) that was given.
        spec: String,
        /// What went wrong.
        #[source]
        source: gix::Error,
    },
    /// The references could not be listed.
    #[error("cannot list the references of repository {path}")]
    References {
        /// The repository's git directory.
        path: PathBuf,
        /// What went wrong.
        #[source]
        source: gix::Error,
    },
    /// The commit walk could not be started.
    #[error("cannot walk the commits of repository {path}")]
    Walk {
        /// The repository's git directory.
        path: PathBuf,
        /// What went wrong.
        #[source]
        source: gix::Error,
    },
    /// A worker thread could not be started.
    #[error("cannot start a scanning thread")]
    Thread {
        /// What went wrong.
        #[source]
        source: std::io::Error,
    },
}

/// Scan the history of the repository at `repo_path` (work tree, git dir or bare repository).
///
/// `on_job` is called exactly once for each distinct blob introduced by the selected commits
/// (minus binary, oversized and unreadable ones) and, if enabled, once per commit message.
/// It runs on up to [`HistoryOptions::threads`] threads at once and returns the line-anchored
/// results it found in the content; an empty vector means nothing was found.
///
/// A repository without commits (or a spec selecting none) yields an empty report. A spec
/// that does not resolve is an error.
pub fn scan<T, F>(
    repo_path: &Path,
    opts: &HistoryOptions,
    on_job: F,
) -> Result<HistoryReport<T>, HistoryError>
where
    T: LineFinding + Clone,
    F: Fn(Job<'_>) -> Vec<T> + Sync,
{
    let mut repo = util::open_repo(repo_path).map_err(|err| match err {
        OpenFailure::Open(source) => HistoryError::Open {
            path: repo_path.to_owned(),
            source,
        },
        OpenFailure::UnsupportedObjectFormat(format) => HistoryError::UnsupportedObjectFormat {
            path: repo_path.to_owned(),
            format,
        },
    })?;
    // Attribution reads the trees of merge commits' other parents.
    repo.object_cache_size_if_unset(4 * 1024 * 1024);

    let mut summary = HistorySummary::default();
    match repo.is_shallow() {
        Ok(shallow) => summary.is_shallow = shallow,
        Err(err) => summary
            .errors
            .push(issue("shallow", "reading the shallow file", &err)),
    }
    let mut commits = select::commits(&repo, opts, &mut summary.errors)?;
    // Parents first, so the first introduction of a blob is seen first.
    commits.reverse();
    summary.commits = commits.len();
    log::debug!(
        "history: {} commit(s) selected in {} (shallow: {})",
        commits.len(),
        repo.git_dir().display(),
        summary.is_shallow
    );

    let outcome = pipeline::run(&repo, &commits, opts, &on_job)?;
    summary.errors.extend(outcome.errors);
    summary.messages_scanned = outcome.stats.messages_scanned;
    summary.blobs_scanned = outcome.stats.blobs_scanned;
    summary.bytes_scanned = outcome.stats.bytes_scanned;
    summary.skipped_binary = outcome.stats.skipped_binary;
    summary.skipped_too_large = outcome.stats.skipped_too_large;
    summary.skipped_submodules = outcome.skipped_submodules;

    let mut attributed = Vec::new();
    let mut known_infos = HashMap::new();
    for (commit, info, findings) in outcome.message_findings {
        known_infos.insert(commit, Arc::clone(&info));
        for finding in findings {
            attributed.push(Attributed {
                commit,
                info: Arc::clone(&info),
                location: FindingLocation::CommitMessage,
                finding,
            });
        }
    }
    let mut infos = CommitInfos::new(&commits, known_infos);
    attribute_blob_findings(
        &repo,
        opts,
        &commits,
        outcome.blob_findings,
        &outcome.introductions,
        &mut infos,
        &mut summary.errors,
        &mut attributed,
    );
    summary.errors.extend(infos.errors);

    // Newest commit first, then messages before blobs, then by path and line.
    attributed.sort_by(|a, b| {
        b.commit
            .cmp(&a.commit)
            .then_with(|| location_key(&a.location).cmp(&location_key(&b.location)))
            .then_with(|| a.finding.line().cmp(&b.finding.line()))
    });
    let findings = attributed
        .into_iter()
        .map(|a| HistoryFinding {
            commit: a.info,
            location: a.location,
            finding: a.finding,
        })
        .collect();
    log::debug!(
        "history: scanned {} blob(s), {} byte(s), {} message(s); {} error(s)",
        summary.blobs_scanned,
        summary.bytes_scanned,
        summary.messages_scanned,
        summary.errors.len()
    );
    Ok(HistoryReport { summary, findings })
}

/// A finding with its commit's processing index, for sorting.
struct Attributed<T> {
    commit: u32,
    info: Arc<CommitInfo>,
    location: FindingLocation,
    finding: T,
}

fn location_key(location: &FindingLocation) -> (u8, &[u8]) {
    match location {
        FindingLocation::CommitMessage => (0, &[]),
        FindingLocation::Blob { path, .. } => (1, path.as_bytes()),
    }
}

/// Attribute each blob's findings to the introductions selected by the options.
#[allow(clippy::too_many_arguments)]
fn attribute_blob_findings<T: LineFinding + Clone>(
    repo: &gix::Repository,
    opts: &HistoryOptions,
    commits: &[select::Walked],
    blob_findings: Vec<(ObjectId, Vec<T>)>,
    introductions: &Introductions,
    infos: &mut CommitInfos<'_>,
    errors: &mut Vec<ObjectIssue>,
    out: &mut Vec<Attributed<T>>,
) {
    for (blob, findings) in blob_findings {
        let first_commit = introductions.get(&blob).next().map(|i| i.commit);
        let mut content: Option<Option<Vec<u8>>> = None;
        for intro in introductions.get(&blob) {
            let path = introductions.path(intro.path);
            if opts.attribution == Attribution::FirstIntroduction
                && Some(intro.commit) != first_commit
            {
                continue;
            }
            let added = if opts.only_added_lines {
                let bases = bases_of(repo, commits, intro, path);
                if bases.is_empty() {
                    None
                } else {
                    let new = content.get_or_insert_with(|| read_blob(repo, blob, errors));
                    new.as_deref()
                        .and_then(|new| added_against_all(repo, &bases, new, opts, errors))
                }
            } else {
                None
            };
            let info = infos.get(repo, intro.commit);
            for finding in &findings {
                if added
                    .as_ref()
                    .is_some_and(|lines| lines.binary_search(&finding.line()).is_err())
                {
                    continue;
                }
                out.push(Attributed {
                    commit: intro.commit,
                    info: Arc::clone(&info),
                    location: FindingLocation::Blob {
                        path: path.to_owned(),
                        display_path: util::display_path(path),
                        blob_id: blob.to_string(),
                    },
                    finding: finding.clone(),
                });
            }
        }
    }
}

/// The earlier versions an introduced blob is compared with: the first parent's version of
/// the path (or the rename source) and, for merge commits, the other parents' versions of the
/// path, so that content a merge merely carries over from any parent is not new.
fn bases_of(
    repo: &gix::Repository,
    commits: &[select::Walked],
    intro: &Introduction,
    path: &BStr,
) -> Vec<ObjectId> {
    let mut bases: Vec<ObjectId> = intro.base.into_iter().collect();
    let Some(walked) = commits.get(intro.commit as usize) else {
        return bases;
    };
    if !walked.is_merge {
        return bases;
    }
    let Ok(commit) = repo.find_commit(walked.id) else {
        return bases;
    };
    for parent in commit.parent_ids().skip(1) {
        let entry = parent
            .object()
            .and_then(|o| o.peel_to_commit())
            .and_then(|c| c.tree())
            .and_then(|t| t.lookup_entry(path.split(|&b| b == b'/')));
        match entry {
            Ok(Some(entry)) if entry.mode().is_blob_or_symlink() => {
                bases.push(entry.object_id());
            }
            Ok(_) => {}
            Err(err) => log::debug!("history: cannot read parent {parent} of a merge: {err}"),
        }
    }
    bases
}

/// Lines of `new` added relative to every one of `bases`, or `None` to keep every finding
/// (when no base can be compared).
fn added_against_all(
    repo: &gix::Repository,
    bases: &[ObjectId],
    new: &[u8],
    opts: &HistoryOptions,
    errors: &mut Vec<ObjectIssue>,
) -> Option<Vec<u32>> {
    let mut result: Option<Vec<u32>> = None;
    for &base in bases {
        let Some(added) = added_lines_against(repo, base, new, opts, errors) else {
            continue;
        };
        result = Some(match result {
            None => added,
            Some(prev) => prev
                .into_iter()
                .filter(|line| added.binary_search(line).is_ok())
                .collect(),
        });
    }
    result
}

/// Lines of `new` added relative to blob `base`, or `None` if the base cannot be compared
/// (unreadable, too large or binary).
fn added_lines_against(
    repo: &gix::Repository,
    base: ObjectId,
    new: &[u8],
    opts: &HistoryOptions,
    errors: &mut Vec<ObjectIssue>,
) -> Option<Vec<u32>> {
    match repo.find_header(base) {
        Ok(header) if header.size() > opts.max_file_size => return None,
        Ok(_) => {}
        Err(err) => {
            errors.push(issue(base, "reading blob", &err));
            return None;
        }
    }
    let old = read_blob(repo, base, errors)?;
    if crate::is_binary(&old) {
        return None;
    }
    Some(util::added_lines(&old, new))
}

fn read_blob(
    repo: &gix::Repository,
    id: ObjectId,
    errors: &mut Vec<ObjectIssue>,
) -> Option<Vec<u8>> {
    match repo.find_blob(id) {
        Ok(mut blob) => Some(blob.take_data()),
        Err(err) => {
            errors.push(issue(id, "reading blob", &err));
            None
        }
    }
}

/// Build an [`ObjectIssue`].
fn issue(id: impl std::fmt::Display, context: &str, err: &gix::Error) -> ObjectIssue {
    ObjectIssue {
        id: id.to_string(),
        context: context.to_owned(),
        message: util::error_chain(err),
    }
}

/// Lazily built commit metadata, by processing index.
struct CommitInfos<'a> {
    commits: &'a [select::Walked],
    cache: HashMap<u32, Arc<CommitInfo>>,
    errors: Vec<ObjectIssue>,
}

impl<'a> CommitInfos<'a> {
    fn new(commits: &'a [select::Walked], known: HashMap<u32, Arc<CommitInfo>>) -> Self {
        CommitInfos {
            commits,
            cache: known,
            errors: Vec::new(),
        }
    }

    fn get(&mut self, repo: &gix::Repository, idx: u32) -> Arc<CommitInfo> {
        if let Some(info) = self.cache.get(&idx) {
            return Arc::clone(info);
        }
        let id = self
            .commits
            .get(idx as usize)
            .map(|c| c.id)
            .unwrap_or_else(|| ObjectId::null(repo.object_hash()));
        let info = match repo.find_commit(id) {
            Ok(commit) => commit_info(&commit),
            Err(err) => {
                self.errors.push(issue(id, "reading commit", &err));
                bare_commit_info(id)
            }
        };
        let info = Arc::new(info);
        self.cache.insert(idx, Arc::clone(&info));
        info
    }
}

/// Metadata of `commit`; undecodable parts are left empty.
pub(crate) fn commit_info(commit: &gix::Commit<'_>) -> CommitInfo {
    let mut info = bare_commit_info(commit.id);
    if let Ok(author) = commit.author() {
        info.author_name = author.name.trim().to_str_lossy().into_owned();
        info.author_email = author.email.trim().to_str_lossy().into_owned();
        info.date = author
            .time()
            .ok()
            .and_then(|t| t.format(gix::date::time::format::ISO8601_STRICT).ok())
            .unwrap_or_default();
    }
    if let Ok(message) = commit.message() {
        info.summary = message.summary().to_str_lossy().into_owned();
    }
    info
}

fn bare_commit_info(id: ObjectId) -> CommitInfo {
    CommitInfo {
        id: id.to_string(),
        author_name: String::new(),
        author_email: String::new(),
        date: String::new(),
        summary: String::new(),
    }
}
