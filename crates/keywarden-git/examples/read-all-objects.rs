//! The floor of a history scan: read and decompress every object of a repository once, on
//! one thread, with the same gix build (features, object access) keywarden uses, and do
//! nothing with the bytes.
//!
//! usage: cargo run --release -p keywarden-git --example read-all-objects -- REPO
//!
//! Objects are read in object-id order through the object database, as a by-id reader like
//! the history scan reads them (not in pack order). Prints the objects and bytes per kind;
//! `benches/run.sh history` sets this beside `keywarden history` and
//! `git cat-file --batch-all-objects --batch`.

use std::path::PathBuf;
use std::time::Instant;

use gix::objs::Kind;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let repo = PathBuf::from(
        std::env::args_os()
            .nth(1)
            .ok_or("usage: read-all-objects REPO")?,
    );
    let repo = gix::open(repo)?;
    let start = Instant::now();
    // [count, bytes] for blobs, trees, commits, tags.
    let mut totals = [[0u64; 2]; 4];
    for id in repo.objects.iter()? {
        let object = repo.find_object(id?)?;
        let slot = match object.kind {
            Kind::Blob => 0,
            Kind::Tree => 1,
            Kind::Commit => 2,
            Kind::Tag => 3,
        };
        totals[slot][0] += 1;
        totals[slot][1] += object.data.len() as u64;
    }
    let elapsed = start.elapsed();
    let [blobs, trees, commits, tags] = totals;
    println!(
        "blobs {} ({} bytes) | trees {} ({} bytes) | commits {} | tags {} | elapsed {:.2}s",
        blobs[0],
        blobs[1],
        trees[0],
        trees[1],
        commits[0],
        tags[0],
        elapsed.as_secs_f64()
    );
    Ok(())
}
