//! Where each blob was introduced, stored compactly: paths are interned, and the common case
//! of a single introduction needs no extra allocation.

use std::collections::HashMap;

use gix::ObjectId;
use gix::bstr::{BStr, BString};

/// One place a blob was introduced.
#[derive(Debug, Clone, Copy)]
pub(super) struct Introduction {
    /// Index of the commit in processing order (oldest first).
    pub(super) commit: u32,
    /// Interned path, see [`Introductions::path`].
    pub(super) path: u32,
    /// The blob this one replaced at the path (or the rename source), if it was content.
    pub(super) base: Option<ObjectId>,
}

#[derive(Debug)]
struct Slot {
    first: Introduction,
    more: Vec<Introduction>,
}

/// Introductions by blob id.
#[derive(Debug, Default)]
pub(super) struct Introductions {
    blobs: gix::hashtable::HashMap<ObjectId, Slot>,
    path_ids: HashMap<BString, u32>,
    paths: Vec<BString>,
}

impl Introductions {
    /// Record that commit `commit` introduced `blob` at `path`. Returns `true` if the blob was
    /// not seen before. Later commits' introductions are only kept if `keep_later` is set;
    /// further paths of the first introducing commit always are.
    pub(super) fn record(
        &mut self,
        blob: ObjectId,
        commit: u32,
        path: &BStr,
        base: Option<ObjectId>,
        keep_later: bool,
    ) -> bool {
        let path = self.intern(path);
        let intro = Introduction { commit, path, base };
        match self.blobs.entry(blob) {
            gix::hashtable::hash_map::Entry::Occupied(mut slot) => {
                let slot = slot.get_mut();
                if keep_later || slot.first.commit == commit {
                    slot.more.push(intro);
                }
                false
            }
            gix::hashtable::hash_map::Entry::Vacant(slot) => {
                slot.insert(Slot {
                    first: intro,
                    more: Vec::new(),
                });
                true
            }
        }
    }

    /// The introductions of `blob`, the first one first.
    pub(super) fn get(&self, blob: &ObjectId) -> impl Iterator<Item = &Introduction> {
        self.blobs
            .get(blob)
            .into_iter()
            .flat_map(|slot| std::iter::once(&slot.first).chain(&slot.more))
    }

    /// The path interned as `id`.
    pub(super) fn path(&self, id: u32) -> &BStr {
        self.paths
            .get(id as usize)
            .map_or_else(|| BStr::new(""), |p| p.as_ref())
    }

    fn intern(&mut self, path: &BStr) -> u32 {
        if let Some(&id) = self.path_ids.get(path) {
            return id;
        }
        let id = u32::try_from(self.paths.len()).unwrap_or(u32::MAX);
        self.paths.push(path.to_owned());
        self.path_ids.insert(path.to_owned(), id);
        id
    }
}
