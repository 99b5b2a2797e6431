//! The bounded scanning pipeline.
//!
//! Three kinds of work run at once:
//!
//! * **Diffing** ([`Differ`]): each selected commit is diffed against its first parent.
//!   Commits are independent of each other, so with more than one thread they are handed out
//!   in chunks of consecutive commits (which share most trees, so a thread's caches serve
//!   them) to up to `threads` diffing threads, each with its own repository handle and caches.
//!   With one thread, or a history of a single chunk, the calling thread diffs.
//! * **Merging** (the calling thread): the per-commit results are taken in commit order, oldest
//!   first, whatever order the diffing threads finish in, so the first introduction of every
//!   blob, the path it is handed over with and the order of the recorded errors are those of a
//!   walk on one thread. The first time a blob id is seen, its id and path are queued.
//! * **Scanning**: `threads` workers take batches of ids off a bounded queue, read the blobs
//!   themselves and run the callback, which therefore never runs on more than `threads`
//!   threads at once.
//!
//! Memory does not grow with the history beyond the introduction table: at most `threads`
//! blobs are being scanned, the queue holds a fixed number of ids and paths, and the diffs of
//! a fixed number of commits wait to be merged.

use std::any::Any;
use std::collections::HashMap;
use std::sync::mpsc::{Receiver, Sender, SyncSender, TrySendError, channel, sync_channel};
use std::sync::{Arc, Mutex};

use gix::ObjectId;
use gix::bstr::BString;

use super::diff::{CommitDiff, Differ};
use super::select::Walked;
use super::{
    Attribution, BlobJob, CommitInfo, HistoryError, HistoryOptions, Introductions, Job,
    LineFinding, MessageJob, ObjectIssue, issue,
};
use crate::util;

/// Tasks per batch on the scanning queue: one send and at most one wake-up per batch.
const BATCH: usize = 16;

/// Queued batches per scanning thread.
const QUEUE_PER_THREAD: usize = 4;

/// Consecutive commits per diffing work item.
const CHUNK: usize = 8;

/// Chunks each diffing thread may be ahead of the merge.
const CHUNKS_AHEAD_PER_THREAD: usize = 4;

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
    let (sender, receiver) = sync_channel::<Vec<Task>>(threads * QUEUE_PER_THREAD);
    // Only the workers own the receiver: if they all die (a panicking callback), it is
    // dropped and the merger's next send fails instead of blocking forever.
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

        let mut merger = Merger::new(sender, opts);
        let chunks = commits.len().div_ceil(CHUNK);
        let diff_threads = threads.min(chunks).max(1);
        let caches = Mutex::new(rename_caches(repo, opts, diff_threads, &mut merger.errors));
        let new_differ = |_thread: usize| {
            let cache = match caches.lock() {
                Ok(mut caches) => caches.pop().flatten(),
                Err(poisoned) => poisoned.into_inner().pop().flatten(),
            };
            Differ::new(shared.to_thread_local(), opts, cache)
        };
        let diff_chunk = |differ: &mut Differ<'_>, chunk: usize| {
            let start = (chunk * CHUNK).min(commits.len());
            let end = (start + CHUNK).min(commits.len());
            differ.diff_chunk(&commits[start..end])
        };
        let diffed = in_order(diff_threads, chunks, new_differ, diff_chunk, &mut merger);
        let Merged {
            introductions,
            mut errors,
            skipped_submodules,
        } = merger.finish();

        let outputs = join_all(workers);
        match diffed {
            Ok(()) => {}
            Err(InOrderFailure::Panic(panic)) => std::panic::resume_unwind(panic),
            Err(InOrderFailure::Thread(source)) => return Err(HistoryError::Thread { source }),
        }
        let mut stats = Stats::default();
        let mut blob_findings = Vec::new();
        let mut message_findings = Vec::new();
        for output in outputs {
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

/// One resource cache for rename tracking per diffing thread, or none at all if renames are
/// not tracked or the cache cannot be prepared (then diffs still work, without renames).
fn rename_caches(
    repo: &gix::Repository,
    opts: &HistoryOptions,
    count: usize,
    errors: &mut Vec<ObjectIssue>,
) -> Vec<Option<gix::diff::blob::Platform>> {
    let none = || (0..count).map(|_| None).collect();
    if !opts.detect_renames {
        return none();
    }
    let mut caches = Vec::with_capacity(count);
    for _ in 0..count {
        match repo.diff_resource_cache_for_tree_diff() {
            Ok(cache) => caches.push(Some(cache)),
            Err(err) => {
                let git_dir = repo.git_dir().display();
                errors.push(issue(git_dir, "preparing rename tracking", &err));
                return none();
            }
        }
    }
    caches
}

/// Takes the results of [`in_order`] in item order.
trait InOrderSink<R> {
    /// Take the result of item `item`. Returning `false` stops the work.
    fn take(&mut self, item: usize, result: R) -> bool;

    /// Called before waiting for the next result.
    fn waiting(&mut self) {}
}

/// Why [`in_order`] stopped early.
enum InOrderFailure {
    /// `work` or `init` panicked on a thread; the caller re-raises the panic.
    Panic(Box<dyn Any + Send>),
    /// A thread could not be started.
    Thread(std::io::Error),
}

/// An item index and its result, or the panic that stopped the thread working on it.
type ItemResult<R> = (usize, std::thread::Result<R>);

/// Run `work` on the items `0..items` on `threads` threads, each with its own state made by
/// `init` (given the thread's number), and hand the results to `sink` on the calling thread in
/// item order, whatever order the threads finish them in. Only
/// [`CHUNKS_AHEAD_PER_THREAD`] items per thread are handed out beyond the next one to take,
/// so at most that many results wait. With one thread the calling thread does the work.
///
/// A panic of `init` or `work` on a thread is returned as [`InOrderFailure::Panic`] once the
/// other threads have finished their current item; with one thread it unwinds directly.
fn in_order<S, R>(
    threads: usize,
    items: usize,
    init: impl Fn(usize) -> S + Sync,
    work: impl Fn(&mut S, usize) -> R + Sync,
    sink: &mut impl InOrderSink<R>,
) -> Result<(), InOrderFailure>
where
    R: Send,
{
    if threads <= 1 {
        let mut state = init(0);
        for item in 0..items {
            if !sink.take(item, work(&mut state, item)) {
                break;
            }
        }
        return Ok(());
    }
    let (item_sender, item_receiver) = channel::<usize>();
    let item_receiver = Mutex::new(item_receiver);
    let (result_sender, results) = channel::<ItemResult<R>>();
    std::thread::scope(|scope| {
        for n in 0..threads {
            let result_sender = result_sender.clone();
            let (item_receiver, init, work) = (&item_receiver, &init, &work);
            let spawned = std::thread::Builder::new()
                .name(format!("keywarden-diff-{n}"))
                .spawn_scoped(scope, move || {
                    work_items(n, init, work, item_receiver, &result_sender);
                });
            if let Err(source) = spawned {
                // The threads started end once no more items can come.
                drop(item_sender);
                return Err(InOrderFailure::Thread(source));
            }
        }
        drop(result_sender);

        let ahead = threads * CHUNKS_AHEAD_PER_THREAD;
        let (mut handed_out, mut next) = (0, 0);
        // Results that came before the one to take next.
        let mut early: HashMap<usize, R> = HashMap::new();
        while next < items {
            while handed_out < items && handed_out < next + ahead {
                // The receiver lives as long as this scope, so this cannot fail.
                let _ = item_sender.send(handed_out);
                handed_out += 1;
            }
            if let Some(result) = early.remove(&next) {
                if !sink.take(next, result) {
                    break;
                }
                next += 1;
                continue;
            }
            sink.waiting();
            match results.recv() {
                Ok((item, Ok(result))) => {
                    early.insert(item, result);
                }
                Ok((_, Err(panic))) => return Err(InOrderFailure::Panic(panic)),
                // Every thread is gone; each one reports its panic before it goes.
                Err(_) => break,
            }
        }
        // The threads end once no more items can come; the scope then joins them.
        drop(item_sender);
        Ok(())
    })
}

/// One thread of [`in_order`]: work on the items handed out until there are no more. A panic
/// is caught and sent on, so that the calling thread does not wait for a result that will
/// never come.
fn work_items<S, R>(
    thread: usize,
    init: &(impl Fn(usize) -> S + Sync),
    work: &(impl Fn(&mut S, usize) -> R + Sync),
    items: &Mutex<Receiver<usize>>,
    results: &Sender<ItemResult<R>>,
) {
    use std::panic::{AssertUnwindSafe, catch_unwind};

    let mut state = match catch_unwind(AssertUnwindSafe(|| init(thread))) {
        Ok(state) => state,
        Err(panic) => {
            let _ = results.send((usize::MAX, Err(panic)));
            return;
        }
    };
    loop {
        // A poisoned lock only means another thread panicked while holding it, outside the
        // work; that cannot happen, but keep going if it does.
        let item = match items.lock() {
            Ok(guard) => guard.recv(),
            Err(poisoned) => poisoned.into_inner().recv(),
        };
        let Ok(item) = item else {
            return;
        };
        let result = catch_unwind(AssertUnwindSafe(|| work(&mut state, item)));
        let panicked = result.is_err();
        if results.send((item, result)).is_err() || panicked {
            return;
        }
    }
}

impl InOrderSink<Vec<CommitDiff>> for Merger<'_> {
    fn take(&mut self, chunk: usize, diffs: Vec<CommitDiff>) -> bool {
        for (offset, diff) in diffs.into_iter().enumerate() {
            if !self.merge(chunk * CHUNK + offset, diff) {
                // The workers are gone; nothing more can be scanned.
                return false;
            }
        }
        true
    }

    fn waiting(&mut self) {
        // Let idle scanning threads have what is batched while the diffs come in.
        self.offer_batch();
    }
}

/// The merging side of the pipeline: records introductions in commit order and queues what
/// is new.
struct Merger<'a> {
    opts: &'a HistoryOptions,
    sender: SyncSender<Vec<Task>>,
    /// Tasks not yet handed to the scanning threads.
    batch: Vec<Task>,
    introductions: Introductions,
    errors: Vec<ObjectIssue>,
    skipped_submodules: usize,
}

/// What the merge recorded.
struct Merged {
    introductions: Introductions,
    errors: Vec<ObjectIssue>,
    skipped_submodules: usize,
}

impl<'a> Merger<'a> {
    fn new(sender: SyncSender<Vec<Task>>, opts: &'a HistoryOptions) -> Self {
        Merger {
            opts,
            sender,
            batch: Vec::with_capacity(BATCH),
            introductions: Introductions::default(),
            errors: Vec::new(),
            skipped_submodules: 0,
        }
    }

    /// Record the diff of the commit at index `idx` (oldest first) and queue what it
    /// introduced first. Returns `false` if the queue closed.
    fn merge(&mut self, idx: usize, diff: CommitDiff) -> bool {
        let idx = u32::try_from(idx).unwrap_or(u32::MAX);
        self.errors.extend(diff.errors);
        if let Some((info, message)) = diff.message {
            let task = Task::Message {
                commit: idx,
                info,
                message,
            };
            if !self.queue(task) {
                return false;
            }
        }
        let keep_later = self.opts.attribution == Attribution::EveryIntroduction;
        for item in diff.introduced {
            if item.is_submodule {
                self.skipped_submodules += 1;
                continue;
            }
            let is_new =
                self.introductions
                    .record(item.id, idx, item.path.as_ref(), item.base, keep_later);
            if is_new {
                let task = Task::Blob {
                    id: item.id,
                    path: item.path,
                };
                if !self.queue(task) {
                    return false;
                }
            }
        }
        self.offer_batch()
    }

    /// Add `task` to the batch; send the batch once it is full, waiting for room on the queue.
    /// Returns `false` if the queue closed.
    fn queue(&mut self, task: Task) -> bool {
        self.batch.push(task);
        if self.batch.len() < BATCH {
            return true;
        }
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        self.sender.send(batch).is_ok()
    }

    /// Send a partial batch if the queue has room, so that idle scanning threads get work at
    /// once; if it has none, they are busy and the batch goes on filling. Returns `false` if
    /// the queue closed.
    fn offer_batch(&mut self) -> bool {
        if self.batch.is_empty() {
            return true;
        }
        let batch = std::mem::take(&mut self.batch);
        match self.sender.try_send(batch) {
            Ok(()) => {
                self.batch.reserve(BATCH);
                true
            }
            Err(TrySendError::Full(batch)) => {
                self.batch = batch;
                true
            }
            Err(TrySendError::Disconnected(_)) => false,
        }
    }

    /// Send what is left and close the queue.
    fn finish(mut self) -> Merged {
        if !self.batch.is_empty() {
            // If the workers are gone, their panic is re-raised when they are joined.
            let _ = self.sender.send(std::mem::take(&mut self.batch));
        }
        Merged {
            introductions: self.introductions,
            errors: self.errors,
            skipped_submodules: self.skipped_submodules,
        }
    }
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

/// Take batches of tasks off the queue until it is closed and empty.
fn worker<T, F>(
    repo: gix::Repository,
    receiver: &Mutex<Receiver<Vec<Task>>>,
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
        let batch = match receiver.lock() {
            Ok(guard) => guard.recv(),
            Err(poisoned) => poisoned.into_inner().recv(),
        };
        let Ok(batch) = batch else {
            return out;
        };
        for task in batch {
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

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;

    /// Records what it is given; stops after `stop_after` items if set.
    struct Recorder<'a> {
        taken: Vec<(usize, usize)>,
        count: &'a AtomicUsize,
        stop_after: Option<usize>,
    }

    impl<'a> Recorder<'a> {
        fn new(count: &'a AtomicUsize, stop_after: Option<usize>) -> Self {
            Recorder {
                taken: Vec::new(),
                count,
                stop_after,
            }
        }
    }

    impl InOrderSink<(usize, usize)> for Recorder<'_> {
        fn take(&mut self, item: usize, result: (usize, usize)) -> bool {
            self.taken.push((item, result.0));
            self.count.fetch_add(1, Ordering::SeqCst);
            self.stop_after != Some(self.taken.len())
        }
    }

    /// Later items finish sooner, so results arrive out of order.
    fn slow_early_items(items: usize) -> impl Fn(&mut usize, usize) -> (usize, usize) + Sync {
        move |done: &mut usize, item: usize| {
            std::thread::sleep(Duration::from_micros(((items - item) % 5) as u64 * 200));
            *done += 1;
            (item * 10, *done)
        }
    }

    #[test]
    fn in_order_takes_results_in_item_order_within_the_window() {
        for threads in [1, 2, 3, 8] {
            let count = AtomicUsize::new(0);
            let mut sink = Recorder::new(&count, None);
            let slow = slow_early_items(60);
            let work = |done: &mut usize, item: usize| {
                let ahead = threads.max(1) * CHUNKS_AHEAD_PER_THREAD;
                let taken = count.load(Ordering::SeqCst);
                assert!(
                    item < taken + ahead,
                    "item {item} handed out, {taken} taken"
                );
                slow(done, item)
            };
            let outcome = in_order(threads, 60, |_| 0usize, work, &mut sink);
            assert!(outcome.is_ok());
            let expected: Vec<(usize, usize)> = (0..60).map(|i| (i, i * 10)).collect();
            assert_eq!(sink.taken, expected, "{threads} thread(s)");
        }
    }

    #[test]
    fn in_order_stops_when_the_sink_says_so() {
        for threads in [1, 4] {
            let count = AtomicUsize::new(0);
            let mut sink = Recorder::new(&count, Some(5));
            let outcome = in_order(threads, 1000, |_| 0usize, slow_early_items(1000), &mut sink);
            assert!(outcome.is_ok());
            assert_eq!(sink.taken.len(), 5, "{threads} thread(s)");
        }
    }

    #[test]
    fn in_order_returns_the_panic_of_a_thread_instead_of_waiting() {
        let count = AtomicUsize::new(0);
        let mut sink = Recorder::new(&count, None);
        let work = |_: &mut usize, item: usize| {
            assert_ne!(item, 7, "work failed");
            (item, 0)
        };
        match in_order(3, 100, |_| 0usize, work, &mut sink) {
            Err(InOrderFailure::Panic(panic)) => {
                let message = panic.downcast_ref::<String>().expect("a message");
                assert!(message.contains("work failed"), "{message}");
            }
            Err(InOrderFailure::Thread(err)) => panic!("unexpected {err}"),
            Ok(()) => panic!("the panic was lost"),
        }
        assert!(sink.taken.len() <= 7);

        let failing_init = |thread: usize| -> usize {
            assert_ne!(thread, 1, "init failed");
            0
        };
        let outcome = in_order(2, 100, failing_init, |_, item| (item, 0), &mut sink);
        assert!(matches!(outcome, Err(InOrderFailure::Panic(_))));
    }

    #[test]
    fn in_order_on_one_thread_unwinds_on_the_calling_thread() {
        let count = AtomicUsize::new(0);
        let mut sink = Recorder::new(&count, None);
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let work = |_: &mut usize, item: usize| -> (usize, usize) {
                assert_ne!(item, 3, "work failed");
                (item, 0)
            };
            let _ = in_order(1, 10, |_| 0usize, work, &mut sink);
        }));
        assert!(caught.is_err());
    }
}
