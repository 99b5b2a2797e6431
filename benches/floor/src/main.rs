//! The floor of `keywarden scan PATH...`: the same parallel `ignore` walk with the same
//! settings (`.gitignore`/`.ignore` honoured, hidden files included, `.git/` skipped, links
//! not followed), the same size check from the file's metadata, `std::fs::read` of every
//! file and the same binary probe (a NUL byte in the first 8000 bytes). No detection.
//!
//! usage: walk-read [-j THREADS] [--max-file-size BYTES] PATH...
//!
//! Prints the files read, the bytes of text files (what keywarden's summary calls scanned
//! bytes), the binary files and the skipped large files, so a run can check that both
//! programs read the same set.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};

use ignore::{WalkBuilder, WalkState};

const BINARY_PROBE: usize = 8000;

#[derive(Default)]
struct Counts {
    text_files: AtomicU64,
    text_bytes: AtomicU64,
    binary: AtomicU64,
    large: AtomicU64,
    errors: AtomicU64,
}

fn main() -> ExitCode {
    let mut threads = 0usize;
    let mut max_file_size = 10u64 * 1024 * 1024;
    let mut paths = Vec::new();
    let mut args = std::env::args_os().skip(1);
    while let Some(arg) = args.next() {
        let value = |args: &mut dyn Iterator<Item = std::ffi::OsString>| {
            args.next()
                .and_then(|v| v.into_string().ok())
                .and_then(|v| v.parse::<u64>().ok())
        };
        match arg.to_str() {
            Some("-j") | Some("--threads") => match value(&mut args) {
                Some(n) => threads = n as usize,
                None => return usage(),
            },
            Some("--max-file-size") => match value(&mut args) {
                Some(n) => max_file_size = n,
                None => return usage(),
            },
            _ => paths.push(PathBuf::from(arg)),
        }
    }
    let Some((first, rest)) = paths.split_first() else {
        return usage();
    };
    let mut builder = WalkBuilder::new(first);
    for p in rest {
        builder.add(p);
    }
    builder
        .hidden(false)
        .parents(true)
        .ignore(true)
        .git_ignore(true)
        .git_global(true)
        .git_exclude(true)
        .require_git(false)
        .follow_links(false)
        .threads(threads)
        .filter_entry(|e| e.file_name() != ".git");

    let counts = Counts::default();
    builder.build_parallel().run(|| {
        let counts = &counts;
        Box::new(move |entry| {
            let Ok(entry) = entry else {
                counts.errors.fetch_add(1, Ordering::Relaxed);
                return WalkState::Continue;
            };
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                return WalkState::Continue;
            }
            match entry.path().metadata() {
                Ok(meta) if meta.len() > max_file_size => {
                    counts.large.fetch_add(1, Ordering::Relaxed);
                    return WalkState::Continue;
                }
                Ok(_) => {}
                Err(_) => {
                    counts.errors.fetch_add(1, Ordering::Relaxed);
                    return WalkState::Continue;
                }
            }
            match std::fs::read(entry.path()) {
                Ok(bytes) => {
                    let probe = &bytes[..bytes.len().min(BINARY_PROBE)];
                    if memchr::memchr(0, probe).is_some()
                        && !bytes.starts_with(b"\xFF\xFE")
                        && !bytes.starts_with(b"\xFE\xFF")
                    {
                        counts.binary.fetch_add(1, Ordering::Relaxed);
                    } else {
                        counts.text_files.fetch_add(1, Ordering::Relaxed);
                        counts
                            .text_bytes
                            .fetch_add(bytes.len() as u64, Ordering::Relaxed);
                    }
                }
                Err(_) => {
                    counts.errors.fetch_add(1, Ordering::Relaxed);
                }
            }
            WalkState::Continue
        })
    });
    println!(
        "read {} text files, {} bytes; {} binary, {} too large, {} errors",
        counts.text_files.load(Ordering::Relaxed),
        counts.text_bytes.load(Ordering::Relaxed),
        counts.binary.load(Ordering::Relaxed),
        counts.large.load(Ordering::Relaxed),
        counts.errors.load(Ordering::Relaxed),
    );
    ExitCode::SUCCESS
}

fn usage() -> ExitCode {
    eprintln!("usage: walk-read [-j THREADS] [--max-file-size BYTES] PATH...");
    ExitCode::from(2)
}
