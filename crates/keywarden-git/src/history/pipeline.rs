//! The bounded scanning pipeline.
//!
//! The calling thread diffs the selected commits (oldest first) and records where each blob
//! was introduced. The first time a blob id is seen, its id and representative path are put
//! on a bounded queue; worker threads take them off, read the blob themselves, and run the
//! callback. At most `threads` blobs plus the queue's ids are in memory at once.

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};

use gix::ObjectId;
use gix::bstr::BString;
use gix::object::tree::diff::Change;

use super::select::Walked;
use super::{
    Attribution, BlobJob, CommitInfo, HistoryError, HistoryOptions, Introductions, Job,
    LineFinding, MessageJob, ObjectIssue, commit_info, issue,
};
use crate::util;

/// Queue slots per worker thread.
const QUEUE_PER_THREAD: usize = 8;

/// Upper bound for [`HistoryOptions::threads`].
pub(super) const MAX_THREADS: usize = 256;

/// Work for the scanning threads.
enum Task {
    Blob {
        id: ObjectId,
        path: BString,
    },
    Message {
        commit: u32,
        info: Arc<CommitInfo>,
        message: Vec<u8>,
    },
}

/// Counters kept by each worker and summed up.
#[derive(Debug, Default)]
pub(super) struct Stats {
    pub(super) messages_scanned: usize,
    pub(super) blobs_scanned: usize,
    pub(super) bytes_scanned: u64,
    pub(super) skipped_binary: usize,
    pub(super) skipped_too_large: usize,
}

impl Stats {
    fn add(&mut self, other: &Stats) {
        self.messages_scanned += other.messages_scanned;
        self.blobs_scanned += other.blobs_scanned;
        self.bytes_scanned += other.bytes_scanned;
        self.skipped_binary += other.skipped_binary;
        self.skipped_too_large += other.skipped_too_large;
    }
}

/// What one worker produced.
struct WorkerOutput<T> {
    stats: Stats,
    errors: Vec<ObjectIssue>,
    blob_findings: Vec<(ObjectId, Vec<T>)>,
    message_findings: Vec<(u32, Arc<CommitInfo>, Vec<T>)>,
}

/// Everything the pipeline produced.
pub(super) struct Outcome<T> {
    pub(super) stats: Stats,
    pub(super) errors: Vec<ObjectIssue>,
    pub(super) skipped_submodules: usize,
    pub(super) introductions: Introductions,
    pub(super) blob_findings: Vec<(ObjectId, Vec<T>)>,
    pub(super) message_findings: Vec<(u32, Arc<CommitInfo>, Vec<T>)>,
}

/// Diff `commits` (oldest first) and scan what they introduce with `on_job`.
pub(super) fn run<T, F>(
    repo: &gix::Repository,
    commits: &[Walked],
    opts: &HistoryOptions,
    on_job: &F,
) -> Result<Outcome<T>, HistoryError>
where
    T: LineFinding,
    F: Fn(Job<'_>) -> Vec<T> + Sync,
{
    let threads = match opts.threads {
        0 => std::thread::available_parallelism().map_or(1, usize::from),
        n => n,
    }
    .min(MAX_THREADS);
    let shared = repo.clone().into_sync();
    let (sender, receiver) = sync_channel::<Task>(threads * QUEUE_PER_THREAD);
    // Only the workers own the receiver: if they all die (a panicking callback), it is
    // dropped and the producer's next send fails instead of blocking forever.
    let receiver = Arc::new(Mutex::new(receiver));

    std::thread::scope(|scope| {
        let mut workers = Vec::with_capacity(threads);
        for n in 0..threads {
            let rx = Arc::clone(&receiver);
            let shared = &shared;
            let spawned = std::thread::Builder::new()
                .name(format!("keywarden-scan-{n}"))
                .spawn_scoped(scope, move || {
                    worker(shared.to_thread_local(), &rx, opts, on_job)
                });
            match spawned {
                Ok(handle) => workers.push(handle),
                Err(source) => {
                    drop(sender);
                    join_all(workers);
                    return Err(HistoryError::Thread { source });
                }
            }
        }

        drop(receiver);
        let mut producer = Producer {
            repo,
            opts,
            sender,
            introductions: Introductions::default(),
            errors: Vec::new(),
            skipped_submodules: 0,
        };
        producer.diff_all(commits);
        let Producer {
            introductions,
            mut errors,
            skipped_submodules,
            sender,
            ..
        } = producer;
        drop(sender);

        let mut stats = Stats::default();
        let mut blob_findings = Vec::new();
        let mut message_findings = Vec::new();
        for output in join_all(workers) {
            stats.add(&output.stats);
            errors.extend(output.errors);
            blob_findings.extend(output.blob_findings);
            message_findings.extend(output.message_findings);
        }
        Ok(Outcome {
            stats,
            errors,
            skipped_submodules,
            introductions,
            blob_findings,
            message_findings,
        })
    })
}

/// Join the workers, re-raising a panic of the callback on the calling thread.
fn join_all<T>(
    workers: Vec<std::thread::ScopedJoinHandle<'_, WorkerOutput<T>>>,
) -> Vec<WorkerOutput<T>> {
    workers
        .into_iter()
        .map(|handle| match handle.join() {
            Ok(output) => output,
            Err(panic) => std::panic::resume_unwind(panic),
        })
        .collect()
}

/// Take tasks off the queue until it is closed and empty.
fn worker<T, F>(
    repo: gix::Repository,
    receiver: &Mutex<Receiver<Task>>,
    opts: &HistoryOptions,
    on_job: &F,
) -> WorkerOutput<T>
where
    T: LineFinding,
    F: Fn(Job<'_>) -> Vec<T> + Sync,
{
    let mut out = WorkerOutput {
        stats: Stats::default(),
        errors: Vec::new(),
        blob_findings: Vec::new(),
        message_findings: Vec::new(),
    };
    loop {
        // A poisoned lock only means another worker panicked; that panic is re-raised when
        // the workers are joined, so keep draining.
        let task = match receiver.lock() {
            Ok(guard) => guard.recv(),
            Err(poisoned) => poisoned.into_inner().recv(),
        };
        let Ok(task) = task else {
            return out;
        };
        match task {
            Task::Blob { id, path } => scan_blob(&repo, id, &path, opts, on_job, &mut out),
            Task::Message {
                commit,
                info,
                message,
            } => {
                out.stats.messages_scanned += 1;
                let findings = on_job(Job::CommitMessage(MessageJob {
                    commit: &info,
                    message: &message,
                }));
                if !findings.is_empty() {
                    out.message_findings.push((commit, info, findings));
                }
            }
        }
    }
}

fn scan_blob<T, F>(
    repo: &gix::Repository,
    id: ObjectId,
    path: &BString,
    opts: &HistoryOptions,
    on_job: &F,
    out: &mut WorkerOutput<T>,
) where
    T: LineFinding,
    F: Fn(Job<'_>) -> Vec<T> + Sync,
{
    let size = match repo.find_header(id) {
        Ok(header) => header.size(),
        Err(err) => {
            out.errors.push(issue(id, "reading blob", &err));
            return;
        }
    };
    if size > opts.max_file_size {
        out.stats.skipped_too_large += 1;
        return;
    }
    let blob = match repo.find_blob(id) {
        Ok(blob) => blob,
        Err(err) => {
            out.errors.push(issue(id, "reading blob", &err));
            return;
        }
    };
    if crate::is_binary(&blob.data) {
        out.stats.skipped_binary += 1;
        return;
    }
    out.stats.blobs_scanned += 1;
    out.stats.bytes_scanned += blob.data.len() as u64;
    let hex = id.to_string();
    let display = util::display_path(path.as_ref());
    let findings = on_job(Job::Blob(BlobJob {
        id: &hex,
        path: path.as_ref(),
        display_path: &display,
        content: &blob.data,
    }));
    if !findings.is_empty() {
        out.blob_findings.push((id, findings));
    }
}

/// The diffing side of the pipeline.
struct Producer<'a> {
    repo: &'a gix::Repository,
    opts: &'a HistoryOptions,
    sender: SyncSender<Task>,
    introductions: Introductions,
    errors: Vec<ObjectIssue>,
    skipped_submodules: usize,
}

/// A file a commit's diff introduced.
struct Introduced {
    path: BString,
    id: ObjectId,
    base: Option<ObjectId>,
    is_submodule: bool,
}

impl Producer<'_> {
    fn diff_all(&mut self, commits: &[Walked]) {
        let mut cache = match self.repo.diff_resource_cache_for_tree_diff() {
            Ok(cache) => Some(cache),
            Err(err) => {
                // Rename tracking needs it; without it, diffs still work.
                self.errors.push(issue(
                    self.repo.git_dir().display(),
                    "preparing rename tracking",
                    &err,
                ));
                None
            }
        };
        for (idx, walked) in commits.iter().enumerate() {
            let idx = u32::try_from(idx).unwrap_or(u32::MAX);
            if !self.diff_commit(idx, walked, cache.as_mut()) {
                // The workers are gone; nothing more can be scanned.
                return;
            }
            if let Some(cache) = cache.as_mut() {
                cache.clear_resource_cache_keep_allocation();
            }
        }
    }

    /// Diff one commit and queue what it introduced. Returns `false` if the queue closed.
    fn diff_commit(
        &mut self,
        idx: u32,
        walked: &Walked,
        cache: Option<&mut gix::diff::blob::Platform>,
    ) -> bool {
        let repo = self.repo;
        let commit = match repo.find_commit(walked.id) {
            Ok(commit) => commit,
            Err(err) => {
                self.errors.push(issue(walked.id, "reading commit", &err));
                return true;
            }
        };
        if self.opts.scan_commit_messages {
            let message = commit.message_raw_sloppy().to_vec();
            if !message.is_empty() {
                let info = Arc::new(commit_info(&commit));
                let task = Task::Message {
                    commit: idx,
                    info,
                    message,
                };
                if self.sender.send(task).is_err() {
                    return false;
                }
            }
        }
        let tree = match commit.tree() {
            Ok(tree) => tree,
            Err(err) => {
                self.errors
                    .push(issue(walked.id, "reading tree of commit", &err));
                return true;
            }
        };
        let parent_tree = match walked.first_parent {
            None => repo.empty_tree(),
            Some(parent) => match repo.find_commit(parent).and_then(|p| p.tree()) {
                Ok(tree) => tree,
                Err(err) => {
                    // Scan everything the commit has rather than nothing.
                    self.errors
                        .push(issue(parent, "reading parent commit tree", &err));
                    repo.empty_tree()
                }
            },
        };
        let introduced = match self.introduced(&parent_tree, &tree, cache) {
            Ok(introduced) => introduced,
            Err(err) => {
                self.errors.push(issue(walked.id, "diffing commit", &err));
                return true;
            }
        };
        for item in introduced {
            if item.is_submodule {
                self.skipped_submodules += 1;
                continue;
            }
            let keep_later = self.opts.attribution == Attribution::EveryIntroduction;
            let is_new =
                self.introductions
                    .record(item.id, idx, item.path.as_ref(), item.base, keep_later);
            if is_new {
                let task = Task::Blob {
                    id: item.id,
                    path: item.path,
                };
                if self.sender.send(task).is_err() {
                    return false;
                }
            }
        }
        true
    }

    /// The files `tree` introduces relative to `parent`. With rename tracking first; if that
    /// fails (it reads blobs, which may be corrupt), once more without.
    fn introduced(
        &mut self,
        parent: &gix::Tree<'_>,
        tree: &gix::Tree<'_>,
        cache: Option<&mut gix::diff::blob::Platform>,
    ) -> gix::Result<Vec<Introduced>> {
        if self.opts.detect_renames
            && let Some(cache) = cache
        {
            let mut out = Vec::new();
            let rewrites = Some(gix::diff::Rewrites::default());
            let result = parent
                .changes()?
                .options(|o| {
                    o.track_path().track_rewrites(rewrites);
                })
                .for_each_to_obtain_tree_with_cache(tree, cache, |change| {
                    out.extend(introduced(change));
                    Ok(std::ops::ControlFlow::Continue(()))
                });
            match result {
                Ok(_) => return Ok(out),
                Err(err) => {
                    self.errors
                        .push(issue(tree.id, "tracking renames in tree", &err));
                }
            }
        }
        let mut out = Vec::new();
        parent
            .changes()?
            .options(|o| {
                o.track_path().track_rewrites(None);
            })
            .for_each_to_obtain_tree(tree, |change| {
                out.extend(introduced(change));
                Ok(std::ops::ControlFlow::Continue(()))
            })?;
        Ok(out)
    }
}

/// The file a change introduces, if any.
fn introduced(change: Change<'_, '_, '_>) -> Option<Introduced> {
    let comparable = |mode: gix::object::tree::EntryMode, id: gix::Id<'_>| {
        mode.is_blob_or_symlink().then(|| id.detach())
    };
    let (path, mode, id, base) = match change {
        Change::Deletion { .. } => return None,
        Change::Addition {
            location,
            entry_mode,
            id,
            ..
        } => (location, entry_mode, id, None),
        Change::Modification {
            location,
            previous_entry_mode,
            previous_id,
            entry_mode,
            id,
        } => (
            location,
            entry_mode,
            id,
            comparable(previous_entry_mode, previous_id),
        ),
        Change::Rewrite {
            source_entry_mode,
            source_id,
            location,
            entry_mode,
            id,
            ..
        } => (
            location,
            entry_mode,
            id,
            comparable(source_entry_mode, source_id),
        ),
    };
    if mode.is_tree() {
        return None;
    }
    Some(Introduced {
        path: path.to_owned(),
        id: id.detach(),
        base,
        is_submodule: mode.is_commit(),
    })
}
