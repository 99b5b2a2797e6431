//! The history scan diffs commits on several threads; what it reports must not depend on how
//! many there are or on which one finishes first: every blob is attributed to the oldest
//! commit that introduced it, handed over once with the path of that introduction, and the
//! findings come in the same order.

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::{SECRET, fake_engine, git_in};
use keywarden_git::history::{self, Attribution, HistoryOptions, HistoryReport};
use keywarden_git::{FindingLocation, Job};

/// Content introduced again and again, at new paths, in later commits and on a side branch.
fn shared() -> String {
    format!("shared\n{SECRET} shared\n")
}

/// A history of `main` with 120 commits and a 12-commit side branch merged into it, written
/// with `git fast-import` (one pack, like the benchmark repository). Returns the commit ids
/// by name: `main-K` and `side-J`.
fn build(repo: &Path) -> BTreeMap<String, String> {
    git_in(repo, &["init", "-q", "-b", "main"]);
    let mut stream = String::new();
    let mut mark = 0;
    let mut marks = Vec::new();
    let mut commit =
        |stream: &mut String, name: String, extra: &str, files: &[(String, String)]| {
            mark += 1;
            let when = 1_700_000_000 + mark * 60;
            let _ = write!(
                stream,
                "commit refs/heads/{branch}\nmark :{mark}\n\
             author Ada Author <ada@example.com> {when} +0200\n\
             committer Ada Author <ada@example.com> {when} +0200\n\
             data {len}\n{name}\n{extra}",
                branch = name.split('-').next().unwrap_or("main"),
                len = name.len() + 1,
            );
            for (path, content) in files {
                if let Some(rest) = path.strip_prefix("R ") {
                    let _ = writeln!(stream, "R {rest}");
                } else {
                    let _ = write!(
                        stream,
                        "M 100644 inline {path}\ndata {}\n{content}\n",
                        content.len()
                    );
                }
            }
            marks.push((name, mark));
            mark
        };

    let mut fork = 0;
    let mut side_tip = 0;
    for k in 0..120 {
        let mut files = vec![(format!("src/f{}.txt", k % 7), format!("version {k}\n"))];
        if k % 10 == 3 {
            files.push((format!("copies/c{k}.txt"), shared()));
        }
        if k % 5 == 0 {
            // Two contents that keep coming back: reverts re-introduce the same blobs.
            let which = if k % 10 == 0 { "one" } else { "two" };
            files.push(("r.txt".to_owned(), format!("{SECRET} {which}\n")));
        }
        if k == 50 {
            let twice = format!("twice\n{SECRET} twice\n");
            files.push(("dup/a.txt".to_owned(), twice.clone()));
            files.push(("dup/b.txt".to_owned(), twice));
        }
        if k == 60 {
            files.push(("R src/f1.txt moved/f1.txt".to_owned(), String::new()));
        }
        if k % 13 == 7 {
            files.push((format!("keys/k{k}.env"), format!("A=1\nKEY={SECRET}_{k}\n")));
        }
        let extra = if k == 90 {
            format!("merge :{side_tip}\n")
        } else {
            String::new()
        };
        let at = commit(&mut stream, format!("main-{k}"), &extra, &files);
        if k == 30 {
            fork = at;
        }
        if k == 40 {
            for j in 0..12 {
                let extra = if j == 0 {
                    format!("from :{fork}\n")
                } else {
                    String::new()
                };
                let files = [
                    (format!("side/s{j}.txt"), shared()),
                    (format!("side/own{j}.txt"), format!("{SECRET} side {j}\n")),
                ];
                side_tip = commit(&mut stream, format!("side-{j}"), &extra, &files);
            }
        }
    }

    let mut import = Command::new("git")
        .current_dir(repo)
        .args(["fast-import", "--quiet", "--export-marks=marks"])
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .stdin(Stdio::piped())
        .spawn()
        .expect("git fast-import");
    import
        .stdin
        .take()
        .expect("stdin")
        .write_all(stream.as_bytes())
        .expect("write the stream");
    assert!(import.wait().expect("fast-import").success());

    let exported = std::fs::read_to_string(repo.join("marks")).expect("marks");
    let ids: BTreeMap<u64, String> = exported
        .lines()
        .filter_map(|l| {
            let (mark, id) = l.split_once(' ')?;
            Some((mark.strip_prefix(':')?.parse().ok()?, id.to_owned()))
        })
        .collect();
    marks
        .into_iter()
        .map(|(name, mark)| (name, ids[&mark].clone()))
        .collect()
}

/// Everything observable about a scan, in report order.
#[derive(Debug, PartialEq, Eq)]
struct Observed {
    /// `(commit, path or "<message>", blob id, line)` of every finding, in report order.
    findings: Vec<(String, String, String, u32)>,
    /// The path each blob was handed to the callback with.
    handed_over: BTreeMap<String, String>,
    commits: usize,
    blobs_scanned: usize,
    messages_scanned: usize,
    errors: usize,
}

fn observe(repo: &Path, opts: &HistoryOptions) -> Observed {
    let handed_over = Mutex::new(BTreeMap::new());
    let report: HistoryReport<u32> = history::scan(repo, opts, |job| match job {
        Job::Blob(blob) => {
            let previous = handed_over
                .lock()
                .expect("lock")
                .insert(blob.id.to_owned(), blob.display_path.to_owned());
            assert!(previous.is_none(), "blob {} handed over twice", blob.id);
            // Uneven work per blob shuffles which thread finishes what first.
            let spin = blob.id.bytes().map(u64::from).sum::<u64>() % 4;
            std::thread::sleep(Duration::from_micros(spin * 150));
            fake_engine(blob.content)
        }
        Job::CommitMessage(message) => fake_engine(message.message),
        _ => Vec::new(),
    })
    .expect("scan");
    let findings = report
        .findings
        .iter()
        .map(|f| match &f.location {
            FindingLocation::Blob {
                display_path,
                blob_id,
                ..
            } => (
                f.commit.id.clone(),
                display_path.clone(),
                blob_id.clone(),
                f.finding,
            ),
            _ => (
                f.commit.id.clone(),
                "<message>".to_owned(),
                String::new(),
                f.finding,
            ),
        })
        .collect();
    let s = &report.summary;
    Observed {
        findings,
        handed_over: handed_over.into_inner().expect("lock"),
        commits: s.commits,
        blobs_scanned: s.blobs_scanned,
        messages_scanned: s.messages_scanned,
        errors: s.errors.len(),
    }
}

#[test]
fn attribution_and_order_do_not_depend_on_the_thread_count() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let repo = tmp.path().join("repo");
    std::fs::create_dir(&repo).expect("mkdir");
    let ids = build(&repo);

    for attribution in [
        Attribution::FirstIntroduction,
        Attribution::EveryIntroduction,
    ] {
        let opts = HistoryOptions::default().with_attribution(attribution);
        let one = observe(&repo, &opts.clone().with_threads(1));
        assert_eq!((one.commits, one.errors), (132, 0));
        for threads in [2, 3, 4, 8] {
            for round in 0..3 {
                let many = observe(&repo, &opts.clone().with_threads(threads));
                assert_eq!(
                    many, one,
                    "{attribution:?}, {threads} threads, round {round}"
                );
            }
        }
    }

    // The oldest introduction wins, at every path of that commit.
    let first = observe(&repo, &HistoryOptions::default().with_threads(4));
    let blob_findings = |path_prefix: &str| -> Vec<(String, String)> {
        first
            .findings
            .iter()
            .filter(|(_, path, _, _)| path.starts_with(path_prefix))
            .map(|(commit, path, _, _)| (commit.clone(), path.clone()))
            .collect()
    };
    assert_eq!(
        blob_findings("copies/"),
        [(ids["main-3"].clone(), "copies/c3.txt".to_owned())]
    );
    assert!(
        blob_findings("side/s").is_empty(),
        "side copies of an older blob"
    );
    assert_eq!(
        blob_findings("dup/"),
        [
            (ids["main-50"].clone(), "dup/a.txt".to_owned()),
            (ids["main-50"].clone(), "dup/b.txt".to_owned()),
        ]
    );
    assert_eq!(
        blob_findings("r.txt"),
        [
            (ids["main-5"].clone(), "r.txt".to_owned()),
            (ids["main-0"].clone(), "r.txt".to_owned()),
        ]
    );
    assert!(blob_findings("moved/").is_empty(), "a rename is not new");
    assert_eq!(blob_findings("side/own").len(), 12);
    assert_eq!(blob_findings("keys/").len(), 9);
}

#[test]
fn the_callback_runs_on_at_most_the_given_number_of_threads() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let repo = tmp.path().join("repo");
    std::fs::create_dir(&repo).expect("mkdir");
    build(&repo);
    for threads in [1, 2, 3] {
        let running = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        let report = history::scan(
            &repo,
            &HistoryOptions::default().with_threads(threads),
            |job| {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                std::thread::sleep(Duration::from_micros(200));
                running.fetch_sub(1, Ordering::SeqCst);
                match job {
                    Job::Blob(blob) => fake_engine(blob.content),
                    _ => Vec::new(),
                }
            },
        )
        .expect("scan");
        assert!(report.summary.blobs_scanned > 100);
        let most = most.load(Ordering::SeqCst);
        assert!(
            most <= threads,
            "{most} callbacks at once with {threads} thread(s)"
        );
        if threads == 1 {
            assert_eq!(most, 1);
        }
    }
}
