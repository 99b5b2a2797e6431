//! Time a history scan with a stand-in engine that reports lines containing `FAKE_SECRET`.
//!
//! usage: cargo run --release -p keywarden-git --example history-bench -- REPO [THREADS] [SPEC]
//!
//! Set `NO_RENAMES=1` to turn rename tracking off, `PRINT_FINDINGS=1` to list the findings.
//! Prints the summary, the number of attributed findings, the elapsed time and the peak
//! resident memory. Build a large repository with `benches/make-history-repo.sh` (at the
//! workspace root) first.

use std::path::PathBuf;
use std::time::Instant;

use keywarden_git::history::{self, HistoryOptions, Job};

fn marker_lines(content: &[u8]) -> Vec<u32> {
    let marker = b"FAKE_SECRET";
    content
        .split(|&b| b == b'\n')
        .enumerate()
        .filter(|(_, line)| line.windows(marker.len()).any(|w| w == marker))
        .map(|(idx, _)| u32::try_from(idx + 1).unwrap_or(u32::MAX))
        .collect()
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let repo = PathBuf::from(
        args.next()
            .ok_or("usage: history-bench REPO [THREADS] [SPEC]")?,
    );
    let threads = args.next().map(|t| t.parse()).transpose()?.unwrap_or(0);
    let mut opts = HistoryOptions::default().with_threads(threads);
    if std::env::var_os("NO_RENAMES").is_some() {
        opts = opts.with_detect_renames(false);
    }
    if let Some(spec) = args.next() {
        opts = opts.with_spec(spec);
    }
    let start = Instant::now();
    let report = history::scan(&repo, &opts, |job| match job {
        Job::Blob(blob) => marker_lines(blob.content),
        Job::CommitMessage(msg) => marker_lines(msg.message),
        _ => Vec::new(),
    })?;
    let elapsed = start.elapsed();
    let s = &report.summary;
    println!(
        "commits {} | blobs {} ({:.1} MiB) | messages {} | skipped binary {} too-large {} \
         submodules {} | errors {} | shallow {}",
        s.commits,
        s.blobs_scanned,
        s.bytes_scanned as f64 / (1024.0 * 1024.0),
        s.messages_scanned,
        s.skipped_binary,
        s.skipped_too_large,
        s.skipped_submodules,
        s.errors.len(),
        s.is_shallow
    );
    println!("findings {}", report.findings.len());
    if std::env::var_os("PRINT_FINDINGS").is_some() {
        for f in &report.findings {
            let path = match &f.location {
                history::FindingLocation::Blob { display_path, .. } => display_path.as_str(),
                _ => "<message>",
            };
            println!("{} {} {}", f.commit.id, path, f.finding);
        }
    }
    println!(
        "elapsed {:.2}s, peak RSS {} MiB",
        elapsed.as_secs_f64(),
        peak_rss_kib().map_or("?".to_owned(), |k| (k / 1024).to_string())
    );
    Ok(())
}
