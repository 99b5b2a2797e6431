//! Narrowing the comparison of the index with `HEAD` by the index's cache-tree extension.
//!
//! Git records in the index, for each directory, the id of the tree object its entries make
//! and how many entries it holds (the `TREE` extension, or cache-tree). `git add` and every
//! other change to the index invalidate the record of each directory above the changed path;
//! `git commit`, `git read-tree` and `git reset` write valid records again. A directory whose
//! record is valid and names the tree `HEAD` has at that path is unchanged, so neither its
//! entries nor its subtrees in `HEAD` need to be read: that is how `git diff --cached` and
//! `git commit` stay fast on large indexes, and what [`narrow`] does.
//!
//! A record is trusted only as far as git trusts it, and only where it is consistent with the
//! index it was read from: it must be valid, name exactly the tree `HEAD` has at its path,
//! count exactly the index entries under that path (git's own cache-tree traversal takes that
//! many entries on the record's word), and those entries must all be plain staged entries
//! (no conflict stages, no intent-to-add), which git never records in a valid directory.
//! Anywhere else, `HEAD`'s tree is read and compared entry by entry as before.
//!
//! What remains trusted, as git trusts it: a record that is valid, counts right and names
//! `HEAD`'s tree, while the entries under it say otherwise (an index written by a broken or
//! hostile tool). `git diff --cached` shows nothing there either, and `git commit` writes the
//! recorded tree, that is `HEAD`'s, so what the entries say is not what is committed.

use std::ops::Range;

use gix::ObjectId;
use gix::bstr::{BStr, BString, ByteSlice, ByteVec};
use gix::index::entry::{Flags, Mode, Stage, Stat};
use gix::index::extension::Tree as CacheTree;
use gix::objs::tree::EntryKind;
use gix::validate::path::component;

/// The parts of `HEAD` and of the index that the cache-tree does not prove equal.
pub(crate) struct Narrowed {
    /// `HEAD`'s entries outside the directories proven unchanged.
    pub head: gix::index::State,
    /// The index's entries outside the directories proven unchanged, in index order.
    pub index: gix::index::State,
    /// How many index entries were left out as unchanged.
    pub pruned_entries: usize,
    /// How many tree objects of `HEAD` were read.
    pub trees_read: usize,
}

/// A path in `HEAD` that gix would refuse to put into an index.
#[derive(Debug, thiserror::Error)]
#[error("the path \"{path}\" in HEAD is invalid")]
struct InvalidPath {
    path: BString,
    #[source]
    source: component::Error,
}

/// Split `index` and `HEAD`'s tree `head_tree` into what the index's cache-tree proves
/// unchanged and the rest, reading only the trees of `HEAD` that the rest needs.
///
/// Returns `None` if the index has no cache-tree (compare everything then).
///
/// # Errors
///
/// A tree of `HEAD` that cannot be read or decoded, or a path in it that gix's own conversion
/// of a tree into an index (`index_from_tree`) would refuse, as configured by
/// `core.protectNTFS`, `core.protectHFS` and `gitoxide.core.protectWindows`.
pub(crate) fn narrow(
    repo: &gix::Repository,
    head_tree: ObjectId,
    index: &gix::index::State,
) -> Result<Option<Narrowed>, gix::Error> {
    let Some(root) = index.tree() else {
        return Ok(None);
    };
    let mut walk = Walk {
        repo,
        index,
        validate: protect_options(repo),
        head: gix::index::State::new(repo.object_hash()),
        pruned: Vec::new(),
        trees_read: 0,
        path: BString::default(),
    };
    walk.run(head_tree, root)?;

    let Walk {
        head,
        mut pruned,
        trees_read,
        ..
    } = walk;
    // Ascending and disjoint for any tree git writes; sorted and merged here so that a
    // malformed one (unsorted or repeated names) cannot make a range run backwards.
    pruned.sort_by_key(|r| r.start);
    let mut kept = gix::index::State::new(repo.object_hash());
    let mut next = 0;
    let mut pruned_entries = 0;
    for range in pruned
        .into_iter()
        .chain(std::iter::once(index.entries().len()..usize::MAX))
    {
        for entry in index.entries().get(next..range.start).unwrap_or_default() {
            kept.dangerously_push_entry(
                entry.stat,
                entry.id,
                entry.flags,
                entry.mode,
                entry.path(index),
            );
        }
        let end = range.end.min(index.entries().len());
        pruned_entries += end.saturating_sub(range.start.max(next));
        next = next.max(end);
    }
    Ok(Some(Narrowed {
        head,
        index: kept,
        pruned_entries,
        trees_read,
    }))
}

/// The state of the joint walk over `HEAD`'s trees and the cache-tree.
struct Walk<'a> {
    repo: &'a gix::Repository,
    index: &'a gix::index::State,
    validate: component::Options,
    /// `HEAD`'s entries outside the pruned directories, in tree (that is, index) order.
    head: gix::index::State,
    /// The ranges of index entries proven unchanged.
    pruned: Vec<Range<usize>>,
    trees_read: usize,
    /// The path being visited; a directory's has a trailing `/` unless it is the root.
    path: BString,
}

/// A tree of `HEAD` being walked: its entries, the next one to visit, its cache-tree record
/// and the length of its path (with the trailing `/`).
struct Frame<'a> {
    entries: Vec<(BString, EntryKind, ObjectId)>,
    next: usize,
    record: Option<&'a CacheTree>,
    path_len: usize,
}

impl<'a> Walk<'a> {
    /// Walk `HEAD`'s tree `root` and the cache-tree `record` together, depth first in tree
    /// order (with an explicit stack: a repository's nesting depth is not bounded).
    fn run(&mut self, root: ObjectId, record: &'a CacheTree) -> Result<(), gix::Error> {
        let mut stack: Vec<Frame<'a>> = self.enter(root, Some(record))?.into_iter().collect();
        while let Some(frame) = stack.last_mut() {
            let Some((name, kind, id)) = frame.entries.get(frame.next) else {
                stack.pop();
                continue;
            };
            frame.next += 1;
            let (kind, id) = (*kind, *id);
            self.path.truncate(frame.path_len);
            self.path.push_str(name);
            let mode = match kind {
                EntryKind::Tree => {
                    let child = frame.record.and_then(|r| child(r, name.as_bstr()));
                    self.path.push(b'/');
                    stack.extend(self.enter(id, child)?);
                    continue;
                }
                EntryKind::Blob => Mode::FILE,
                EntryKind::BlobExecutable => Mode::FILE_EXECUTABLE,
                EntryKind::Link => Mode::SYMLINK,
                EntryKind::Commit => Mode::COMMIT,
            };
            self.head.dangerously_push_entry(
                Stat::default(),
                id,
                Flags::empty(),
                mode,
                self.path.as_bstr(),
            );
        }
        Ok(())
    }

    /// Start on `HEAD`'s tree `id` at [`path`](Self::path): record its entries as unchanged
    /// if `record` proves them so, else read it.
    fn enter(
        &mut self,
        id: ObjectId,
        record: Option<&'a CacheTree>,
    ) -> Result<Option<Frame<'a>>, gix::Error> {
        if let Some(range) = record.and_then(|r| self.unchanged_range(id, r)) {
            self.pruned.push(range);
            return Ok(None);
        }
        let tree = self.repo.find_tree(id)?;
        self.trees_read += 1;
        let mut entries = Vec::new();
        for entry in tree.iter() {
            let entry = entry?.inner;
            let kind = entry.mode.kind();
            let mode = (kind == EntryKind::Link).then_some(component::Mode::Symlink);
            if let Err(source) = gix::validate::path::component(entry.filename, mode, self.validate)
            {
                let mut path = self.path.clone();
                path.push_str(entry.filename);
                return Err(gix::Error::from_error(InvalidPath { path, source }));
            }
            entries.push((entry.filename.to_owned(), kind, entry.oid.to_owned()));
        }
        Ok(Some(Frame {
            entries,
            next: 0,
            record,
            path_len: self.path.len(),
        }))
    }

    /// The range of index entries under [`path`](Self::path) if `record` proves them equal to
    /// `HEAD`'s tree `id` (see the module documentation for what is checked).
    fn unchanged_range(&self, id: ObjectId, record: &CacheTree) -> Option<Range<usize>> {
        let count = usize::try_from(record.num_entries?).ok()?;
        if record.id != id || count == 0 {
            return None;
        }
        let range = self.index.prefixed_entries_range(self.path.as_bstr())?;
        let entries = &self.index.entries()[range.clone()];
        let plain = |e: &gix::index::Entry| {
            e.stage() == Stage::Unconflicted && !e.flags.contains(Flags::INTENT_TO_ADD)
        };
        (entries.len() == count && entries.iter().all(plain)).then_some(range)
    }
}

/// The record of the sub-directory `name` of `record` (gix keeps them sorted by name).
fn child<'a>(record: &'a CacheTree, name: &BStr) -> Option<&'a CacheTree> {
    let found = record
        .children
        .binary_search_by(|c| c.name.as_bstr().cmp(name))
        .ok()?;
    record.children.get(found)
}

/// The path checks gix applies when it turns a tree into an index, as configured.
fn protect_options(repo: &gix::Repository) -> component::Options {
    let config = repo.config_snapshot();
    component::Options {
        protect_windows: config
            .boolean("gitoxide.core.protectWindows")
            .unwrap_or(cfg!(windows)),
        protect_hfs: config
            .boolean("core.protectHFS")
            .unwrap_or(cfg!(target_os = "macos")),
        protect_ntfs: config.boolean("core.protectNTFS").unwrap_or(true),
    }
}
