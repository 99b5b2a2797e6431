//! Diffing one commit against its first parent: the files it introduced, its message and the
//! objects that could not be read. A [`Differ`] works on one thread with its own repository
//! handle and caches; commits are independent of each other, so any number of differs can run
//! at once and their results be merged in commit order afterwards.

use std::sync::Arc;

use gix::ObjectId;
use gix::bstr::BString;
use gix::object::tree::diff::Change;

use super::select::Walked;
use super::{CommitInfo, HistoryOptions, ObjectIssue, commit_info, issue};

/// Object cache of a diffing repository handle: the trees of one commit are read again as the
/// parent trees of the next.
const OBJECT_CACHE_BYTES: usize = 4 * 1024 * 1024;

/// Pack delta-base cache of a diffing repository handle: a tree stored as a delta of another
/// version that was resolved recently (the previous version, when `git fast-import` wrote the
/// pack) resolves in one step instead of re-applying its whole delta chain (up to 50 deltas
/// in git's defaults). On the benchmark repository (trees 24 deltas deep on average) it cut
/// the CPU time of the tree diffs by more than half; larger caches, up to 32 MiB of objects
/// and 16 MiB of bases, measured no faster and cost resident memory per diffing thread.
const PACK_CACHE_BYTES: usize = 8 * 1024 * 1024;

/// Give `repo` the caches that make consecutive tree diffs cheap, unless it has them already.
pub(super) fn add_caches(repo: &mut gix::Repository) {
    repo.object_cache_size_if_unset(OBJECT_CACHE_BYTES);
    if !repo.objects.has_pack_cache() {
        repo.objects.set_pack_cache(|| {
            Box::new(gix::odb::pack::cache::lru::MemoryCappedHashmap::new(
                PACK_CACHE_BYTES,
            ))
        });
    }
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
pub(super) struct Differ<'a> {
    repo: gix::Repository,
    opts: &'a HistoryOptions,
    /// For rename tracking; `None` if it could not be prepared.
    cache: Option<gix::diff::blob::Platform>,
}

impl<'a> Differ<'a> {
    /// A differ reading from `repo`; `cache` is the resource cache for rename tracking.
    pub(super) fn new(
        repo: gix::Repository,
        opts: &'a HistoryOptions,
        cache: Option<gix::diff::blob::Platform>,
    ) -> Self {
        Differ { repo, opts, cache }
    }

    /// Diff `walked` against its first parent (or the empty tree).
    pub(super) fn diff(&mut self, walked: &Walked) -> CommitDiff {
        let mut out = CommitDiff::default();
        self.diff_into(walked, &mut out);
        if let Some(cache) = self.cache.as_mut() {
            cache.clear_resource_cache_keep_allocation();
        }
        out
    }

    fn diff_into(&mut self, walked: &Walked, out: &mut CommitDiff) {
        let Differ { repo, opts, cache } = self;
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
