//! Diffing one commit against its first parent: the files it introduced, its message and the
//! objects that could not be read. A [`Differ`] works on one thread with its own repository
//! handle and caches; commits are independent of each other, so any number of differs can run
//! at once and their results be merged in commit order afterwards.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use gix::ObjectId;
use gix::bstr::BString;
use gix::object::Kind;
use gix::object::tree::diff::Change;
use gix::odb::pack::cache::DecodeEntry;
use gix::odb::pack::cache::lru::MemoryCappedHashmap;

use super::select::Walked;
use super::{CommitInfo, HistoryOptions, ObjectIssue, commit_info, issue};

/// Object cache of a diffing repository handle: the trees of one commit are read again as the
/// parent trees of the next.
const OBJECT_CACHE_BYTES: usize = 4 * 1024 * 1024;

/// Pack delta-base cache of a diffing repository handle. An object stored as a delta of a
/// version that was resolved recently resolves in one step instead of re-applying its whole
/// delta chain (up to 50 deltas in git's defaults). On the benchmark repository (trees 24
/// deltas deep on average) it cut the CPU time of the tree diffs by more than half; larger
/// caches, up to 32 MiB of objects and 16 MiB of bases, measured no faster and cost resident
/// memory per diffing thread.
const PACK_CACHE_BYTES: usize = 8 * 1024 * 1024;

/// Every this many chunks, a differ diffs one chunk in the order it found slower, to notice
/// when the other one has become the faster.
const REPROBE_EVERY: usize = 16;

/// Give `repo` the caches that make consecutive tree diffs cheap. Returns the counter of the
/// delta-chain links the pack cache did not have.
fn add_caches(repo: &mut gix::Repository) -> Arc<AtomicU64> {
    repo.object_cache_size_if_unset(OBJECT_CACHE_BYTES);
    let misses = Arc::new(AtomicU64::new(0));
    let counter = Arc::clone(&misses);
    repo.objects.set_pack_cache(move || {
        Box::new(CountingPackCache {
            inner: MemoryCappedHashmap::new(PACK_CACHE_BYTES),
            misses: Arc::clone(&counter),
        })
    });
    misses
}

/// A pack delta-base cache that counts its misses. Resolving a delta looks up each link of its
/// chain until one is cached, so the misses count the links that had to be decompressed and
/// applied: the cost that the order of reading decides.
struct CountingPackCache {
    inner: MemoryCappedHashmap,
    misses: Arc<AtomicU64>,
}

impl DecodeEntry for CountingPackCache {
    fn put(&mut self, pack_id: u32, offset: u64, data: &[u8], kind: Kind, compressed_size: usize) {
        self.inner.put(pack_id, offset, data, kind, compressed_size);
    }

    fn get(&mut self, pack_id: u32, offset: u64, out: &mut Vec<u8>) -> Option<(Kind, usize)> {
        let found = self.inner.get(pack_id, offset, out);
        if found.is_none() {
            self.misses.fetch_add(1, Ordering::Relaxed);
        }
        found
    }
}

/// The order in which the commits of a chunk are diffed. The diffs are the same either way;
/// the cost is not. gix caches only the object a delta chain resolves to, not the links on the
/// way, so reading an object is cheap when the neighbour its delta is based on was read just
/// before. `git fast-import` stores each version as a delta of the previous one (oldest
/// first wins); `git gc`, `git repack` and the packs a clone receives mostly store the newest
/// version whole and older ones as deltas of newer ones (newest first wins).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    OldestFirst,
    NewestFirst,
}

/// What diffing one commit produced.
#[derive(Debug, Default)]
pub(super) struct CommitDiff {
    /// The commit's metadata and message, if messages are scanned and it has one.
    pub(super) message: Option<(Arc<CommitInfo>, Vec<u8>)>,
    /// The files the commit introduced, in the order the diff found them.
    pub(super) introduced: Vec<Introduced>,
    /// Objects that could not be read, in the order they were met.
    pub(super) errors: Vec<ObjectIssue>,
}

/// A file a commit's diff introduced.
#[derive(Debug)]
pub(super) struct Introduced {
    pub(super) path: BString,
    pub(super) id: ObjectId,
    pub(super) base: Option<ObjectId>,
    pub(super) is_submodule: bool,
}

/// Diffs commits against their first parents on one thread, with its own repository handle.
///
/// Chunks of consecutive commits are diffed in the [`Order`] that has needed fewer delta-chain
/// links per commit on this thread: the first chunk oldest first, the second newest first,
/// then the cheaper one, and the other one again every [`REPROBE_EVERY`] chunks.
pub(super) struct Differ<'a> {
    repo: gix::Repository,
    opts: &'a HistoryOptions,
    /// For rename tracking; `None` if it could not be prepared.
    cache: Option<gix::diff::blob::Platform>,
    /// Delta-chain links the pack cache did not have, so far.
    misses: Arc<AtomicU64>,
    /// Links per commit in the chunks diffed oldest first, and newest first (a moving
    /// average).
    cost: [Option<f64>; 2],
    chunks: usize,
}

impl<'a> Differ<'a> {
    /// A differ reading from `repo`, to which it adds its caches; `cache` is the resource
    /// cache for rename tracking.
    pub(super) fn new(
        mut repo: gix::Repository,
        opts: &'a HistoryOptions,
        cache: Option<gix::diff::blob::Platform>,
    ) -> Self {
        let misses = add_caches(&mut repo);
        Differ {
            repo,
            opts,
            cache,
            misses,
            cost: [None, None],
            chunks: 0,
        }
    }

    /// Diff each of `commits` (consecutive, oldest first) against its first parent. The
    /// diffs come in the order of `commits`, whatever order they were made in.
    pub(super) fn diff_chunk(&mut self, commits: &[Walked]) -> Vec<CommitDiff> {
        let order = next_order(self.cost, self.chunks);
        let before = self.misses.load(Ordering::Relaxed);
        let diffs = match order {
            Order::OldestFirst => commits.iter().map(|walked| self.diff(walked)).collect(),
            Order::NewestFirst => {
                let mut diffs: Vec<_> = commits.iter().rev().map(|w| self.diff(w)).collect();
                diffs.reverse();
                diffs
            }
        };
        let links = self.misses.load(Ordering::Relaxed).saturating_sub(before);
        let per_commit = links as f64 / commits.len().max(1) as f64;
        // Smoothed, so that one unusual chunk does not flip the order.
        let cost = &mut self.cost[order as usize];
        *cost = Some(cost.map_or(per_commit, |was| (was + per_commit) / 2.0));
        self.chunks += 1;
        diffs
    }

    /// Diff `walked` against its first parent (or the empty tree).
    fn diff(&mut self, walked: &Walked) -> CommitDiff {
        let mut out = CommitDiff::default();
        self.diff_into(walked, &mut out);
        if let Some(cache) = self.cache.as_mut() {
            cache.clear_resource_cache_keep_allocation();
        }
        out
    }

    fn diff_into(&mut self, walked: &Walked, out: &mut CommitDiff) {
        let Differ {
            repo, opts, cache, ..
        } = self;
        let commit = match repo.find_commit(walked.id) {
            Ok(commit) => commit,
            Err(err) => {
                out.errors.push(issue(walked.id, "reading commit", &err));
                return;
            }
        };
        if opts.scan_commit_messages {
            let message = commit.message_raw_sloppy().to_vec();
            if !message.is_empty() {
                out.message = Some((Arc::new(commit_info(&commit)), message));
            }
        }
        let tree = match commit.tree() {
            Ok(tree) => tree,
            Err(err) => {
                out.errors
                    .push(issue(walked.id, "reading tree of commit", &err));
                return;
            }
        };
        let parent_tree = match walked.first_parent {
            None => repo.empty_tree(),
            Some(parent) => match repo.find_commit(parent).and_then(|p| p.tree()) {
                Ok(tree) => tree,
                Err(err) => {
                    // Scan everything the commit has rather than nothing.
                    out.errors
                        .push(issue(parent, "reading parent commit tree", &err));
                    repo.empty_tree()
                }
            },
        };
        match introduced_files(opts, cache.as_mut(), &parent_tree, &tree, &mut out.errors) {
            Ok(introduced) => out.introduced = introduced,
            Err(err) => out.errors.push(issue(walked.id, "diffing commit", &err)),
        }
    }
}

/// The order for the next chunk, given the costs measured in each order so far and the
/// number of chunks diffed.
fn next_order(cost: [Option<f64>; 2], chunks: usize) -> Order {
    let [Some(oldest), Some(newest)] = cost else {
        return if cost[0].is_none() {
            Order::OldestFirst
        } else {
            Order::NewestFirst
        };
    };
    let (better, worse) = if newest < oldest {
        (Order::NewestFirst, Order::OldestFirst)
    } else {
        (Order::OldestFirst, Order::NewestFirst)
    };
    if chunks.is_multiple_of(REPROBE_EVERY) {
        worse
    } else {
        better
    }
}

/// The files `tree` introduces relative to `parent`. With rename tracking first (if `cache` is
/// given); if that fails (it reads blobs, which may be corrupt), once more without.
fn introduced_files(
    opts: &HistoryOptions,
    cache: Option<&mut gix::diff::blob::Platform>,
    parent: &gix::Tree<'_>,
    tree: &gix::Tree<'_>,
    errors: &mut Vec<ObjectIssue>,
) -> gix::Result<Vec<Introduced>> {
    if opts.detect_renames
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
            Err(err) => errors.push(issue(tree.id, "tracking renames in tree", &err)),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_order_is_tried_then_the_cheaper_one_kept_and_the_other_retried() {
        assert_eq!(next_order([None, None], 0), Order::OldestFirst);
        assert_eq!(next_order([Some(24.0), None], 1), Order::NewestFirst);
        assert_eq!(next_order([Some(24.0), Some(4.5)], 2), Order::NewestFirst);
        assert_eq!(next_order([Some(1.2), Some(4.5)], 2), Order::OldestFirst);
        assert_eq!(next_order([Some(1.2), Some(1.2)], 7), Order::OldestFirst);
        assert_eq!(
            next_order([Some(24.0), Some(4.5)], REPROBE_EVERY),
            Order::OldestFirst
        );
        assert_eq!(
            next_order([Some(1.2), Some(4.5)], 2 * REPROBE_EVERY),
            Order::NewestFirst
        );
    }
}
