//! Time collecting the staged changes of a repository.
//!
//! usage: cargo run --release -p keywarden-git --example staged-bench -- REPO

use std::path::PathBuf;
use std::time::Instant;

use keywarden_git::staged::{self, StagedOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let repo = PathBuf::from(std::env::args().nth(1).ok_or("usage: staged-bench REPO")?);
    let start = Instant::now();
    let changes = staged::changes(&repo, &StagedOptions::default())?;
    let elapsed = start.elapsed();
    let lines: usize = changes.files.iter().map(|f| f.changed_lines.len()).sum();
    println!(
        "files {} ({} changed lines) | skipped {} | deleted {} | elapsed {:.3}s",
        changes.files.len(),
        lines,
        changes.skipped.len(),
        changes.deleted,
        elapsed.as_secs_f64()
    );
    Ok(())
}
