//! History-scan tests against scratch repositories built with the git CLI.

mod common;

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{Repo, SECRET, git_in, on_job};
use keywarden_git::history::{self, Attribution, HistoryOptions, HistoryReport};
use keywarden_git::{FindingLocation, HistoryError, Job};

fn scan(repo: &Repo, opts: &HistoryOptions) -> HistoryReport<u32> {
    history::scan(&repo.path, opts, on_job).expect("history scan")
}

/// `(commit id, path or "<message>", line)` of every finding.
fn found(report: &HistoryReport<u32>) -> Vec<(String, String, u32)> {
    report
        .findings
        .iter()
        .map(|f| {
            let path = match &f.location {
                FindingLocation::Blob { display_path, .. } => display_path.clone(),
                FindingLocation::CommitMessage => "<message>".to_owned(),
                _ => "<other>".to_owned(),
            };
            (f.commit.id.clone(), path, f.finding)
        })
        .collect()
}

fn no_messages() -> HistoryOptions {
    HistoryOptions::default().with_commit_messages(false)
}

#[test]
fn attributes_each_line_to_the_commit_that_introduced_it() {
    let repo = Repo::new();
    let c1 = repo.commit_file("config.env", format!("A=1\nKEY1={SECRET}\n"), "first");
    let c2 = repo.commit_file("other.txt", format!("{SECRET} two\n"), "second");
    let c3 = repo.commit_file(
        "config.env",
        format!("A=1\nKEY1={SECRET}\nB=2\nKEY3={SECRET}\n"),
        "third",
    );
    let report = scan(&repo, &no_messages());
    assert_eq!(
        found(&report),
        [
            (c3.clone(), "config.env".to_owned(), 4),
            (c2.clone(), "other.txt".to_owned(), 1),
            (c1.clone(), "config.env".to_owned(), 2),
        ]
    );
    let s = &report.summary;
    assert_eq!((s.commits, s.blobs_scanned, s.messages_scanned), (3, 3, 0));
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    assert!(!s.is_shallow);

    let first = report.findings.last().expect("a finding");
    assert_eq!(first.commit.author_name, "Ada Author");
    assert_eq!(first.commit.author_email, "ada@example.com");
    assert_eq!(first.commit.summary, "first");
    assert_eq!(first.commit.date, "2023-11-15T00:14:20+02:00");
    match &first.location {
        FindingLocation::Blob { blob_id, .. } => {
            assert_eq!(
                *blob_id,
                repo.git(&["rev-parse", &format!("{c1}:config.env")])
            );
        }
        other => panic!("unexpected location {other:?}"),
    }
}

#[test]
fn without_added_line_filtering_whole_blobs_are_attributed() {
    let repo = Repo::new();
    let c1 = repo.commit_file("f.txt", format!("{SECRET}\n"), "one");
    let c2 = repo.commit_file("f.txt", format!("{SECRET}\nmore\n"), "two");
    let report = scan(&repo, &no_messages().with_only_added_lines(false));
    assert_eq!(
        found(&report),
        [(c2, "f.txt".to_owned(), 1), (c1, "f.txt".to_owned(), 1)]
    );
}

#[test]
fn secret_added_then_deleted_is_still_found() {
    let repo = Repo::new();
    repo.commit_file("app.py", "print('hi')\n", "start");
    let leak = repo.commit_file(
        "app.py",
        format!("print('hi')\ntoken = '{SECRET}'\n"),
        "leak",
    );
    repo.commit_file("app.py", "print('hi')\n", "remove the token");
    repo.git(&["rm", "-q", "app.py"]);
    repo.commit("delete the file");
    let report = scan(&repo, &no_messages());
    assert_eq!(found(&report), [(leak, "app.py".to_owned(), 2)]);
    // The reverted content is the same blob as the first one: scanned once.
    assert_eq!(report.summary.blobs_scanned, 2);
}

#[test]
fn a_rename_yields_a_single_finding() {
    let repo = Repo::new();
    let added = repo.commit_file("old.txt", format!("x\n{SECRET}\n"), "add");
    repo.git(&["mv", "old.txt", "new.txt"]);
    repo.commit("rename");
    let report = scan(&repo, &no_messages());
    assert_eq!(found(&report), [(added.clone(), "old.txt".to_owned(), 2)]);
    assert_eq!(report.summary.blobs_scanned, 1);

    // Every introduction, on request: the rename commit introduced the blob at new.txt,
    // but its secret line was not added there (the rename source had it).
    let every = no_messages().with_attribution(Attribution::EveryIntroduction);
    assert_eq!(
        found(&scan(&repo, &every)),
        [(added, "old.txt".to_owned(), 2)]
    );
}

#[test]
fn rename_with_an_edit_reports_only_the_new_line() {
    let repo = Repo::new();
    let body: String = (1..=20).map(|n| format!("line {n}\n")).collect();
    let first = repo.commit_file("a.txt", format!("{body}{SECRET} old\n"), "add");
    repo.git(&["mv", "a.txt", "b.txt"]);
    repo.write("b.txt", format!("{body}{SECRET} old\n{SECRET} new\n"));
    repo.git(&["add", "b.txt"]);
    let moved = repo.commit("move and edit");
    let report = scan(&repo, &no_messages());
    assert_eq!(
        found(&report),
        [
            (moved, "b.txt".to_owned(), 22),
            (first, "a.txt".to_owned(), 21),
        ]
    );
}

#[test]
fn every_introduction_reports_copies_in_other_commits() {
    let repo = Repo::new();
    let a = repo.commit_file("a.txt", format!("{SECRET}\n"), "a");
    let b = repo.commit_file("b.txt", format!("{SECRET}\n"), "b, same content");
    let first = scan(&repo, &no_messages());
    assert_eq!(found(&first), [(a.clone(), "a.txt".to_owned(), 1)]);
    let every = scan(
        &repo,
        &no_messages().with_attribution(Attribution::EveryIntroduction),
    );
    assert_eq!(
        found(&every),
        [(b, "b.txt".to_owned(), 1), (a, "a.txt".to_owned(), 1)]
    );
    assert_eq!(every.summary.blobs_scanned, 1);
}

#[test]
fn same_blob_at_two_paths_in_one_commit_is_reported_at_both() {
    let repo = Repo::new();
    repo.write("one.txt", format!("{SECRET}\n"));
    repo.write("two.txt", format!("{SECRET}\n"));
    repo.git(&["add", "."]);
    let c = repo.commit("two copies");
    let report = scan(&repo, &no_messages());
    assert_eq!(
        found(&report),
        [
            (c.clone(), "one.txt".to_owned(), 1),
            (c, "two.txt".to_owned(), 1)
        ]
    );
    assert_eq!(report.summary.blobs_scanned, 1);
}

#[test]
fn commit_messages_are_scanned() {
    let repo = Repo::new();
    repo.commit_file("a.txt", "a\n", "harmless");
    let leaky = repo.commit_file("b.txt", "b\n", &format!("oops\n\nthe key is {SECRET}"));
    let report = scan(&repo, &HistoryOptions::default());
    assert_eq!(found(&report), [(leaky, "<message>".to_owned(), 3)]);
    assert_eq!(report.summary.messages_scanned, 2);
    assert_eq!(report.findings[0].commit.summary, "oops");
}

#[test]
fn each_blob_is_handed_over_once_with_a_path() {
    let repo = Repo::new();
    for n in 0..40 {
        repo.write(&format!("d{}/f{n}.txt", n % 4), format!("file {n}\n"));
    }
    repo.git(&["add", "."]);
    repo.commit("many");
    repo.write("d0/f0.txt", "changed\n");
    repo.git(&["add", "."]);
    repo.git(&["mv", "d1", "moved"]);
    repo.commit("change and move");
    let seen = Mutex::new(Vec::new());
    let messages = AtomicUsize::new(0);
    let report = history::scan(
        &repo.path,
        &HistoryOptions::default().with_threads(3),
        |job| {
            match job {
                Job::Blob(blob) => {
                    let path = blob.display_path.to_owned();
                    seen.lock().expect("lock").push((blob.id.to_owned(), path));
                }
                Job::CommitMessage(_) => {
                    messages.fetch_add(1, Ordering::Relaxed);
                }
                _ => {}
            }
            Vec::<u32>::new()
        },
    )
    .expect("scan");
    let mut seen = seen.into_inner().expect("lock");
    seen.sort();
    let ids: std::collections::BTreeSet<_> = seen.iter().map(|(id, _)| id.clone()).collect();
    assert_eq!(
        seen.len(),
        41,
        "40 files + 1 changed, no duplicates: {seen:?}"
    );
    assert_eq!(ids.len(), 41);
    assert!(
        seen.iter().all(|(_, path)| path.starts_with('d')),
        "first paths are used"
    );
    assert_eq!(messages.load(Ordering::Relaxed), 2);
    assert_eq!(report.summary.blobs_scanned, 41);
    assert!(report.findings.is_empty());
}

#[test]
fn binary_oversize_and_submodules_are_skipped_and_counted() {
    let sub = Repo::new();
    sub.commit_file("inner.txt", "inner\n", "inner");
    let repo = Repo::new();
    repo.write("bin.dat", b"\0\x01\x02FAKE_SECRET");
    repo.write("big.txt", format!("{}\n{SECRET}\n", "y".repeat(5000)));
    repo.write("ok.txt", format!("{SECRET}\n"));
    repo.git(&["add", "."]);
    let sub_url = format!("file://{}", sub.path.display());
    repo.git(&[
        "-c",
        "protocol.file.allow=always",
        "submodule",
        "add",
        "-q",
        &sub_url,
        "vendored",
    ]);
    let c = repo.commit("mixed");
    let report = scan(&repo, &no_messages().with_max_file_size(1000));
    assert_eq!(found(&report), [(c, "ok.txt".to_owned(), 1)]);
    let s = &report.summary;
    assert_eq!(s.skipped_binary, 1);
    assert_eq!(s.skipped_too_large, 1);
    assert_eq!(s.skipped_submodules, 1);
    assert_eq!(s.blobs_scanned, 2, "ok.txt and .gitmodules");
}

#[test]
fn merge_commits_are_diffed_against_their_first_parent() {
    let repo = Repo::new();
    repo.commit_file("base.txt", "base\n", "base");
    repo.git(&["checkout", "-q", "-b", "topic"]);
    let topic = repo.commit_file("topic.txt", format!("{SECRET}\n"), "topic");
    repo.git(&["checkout", "-q", "main"]);
    repo.commit_file("main.txt", "main\n", "main");
    repo.git(&["merge", "-q", "--no-ff", "-m", "merge topic", "topic"]);
    let report = scan(&repo, &no_messages());
    // The merge brings topic.txt relative to its first parent, but the blob was introduced
    // first by the topic commit.
    assert_eq!(found(&report), [(topic, "topic.txt".to_owned(), 1)]);
    assert_eq!(report.summary.commits, 4);
}

#[test]
fn bare_repository() {
    let work = Repo::new();
    let c = work.commit_file("k.txt", format!("{SECRET}\n"), "add");
    let bare = work.tmp.path().join("bare.git");
    let bare_str = bare.to_str().expect("utf-8 path");
    work.git(&["clone", "-q", "--bare", ".", bare_str]);
    let report = history::scan(&bare, &no_messages(), on_job).expect("bare scan");
    assert_eq!(found(&report), [(c, "k.txt".to_owned(), 1)]);
}

#[test]
fn shallow_clone_scans_what_exists() {
    let origin = Repo::new();
    origin.commit_file("a.txt", format!("old {SECRET}\n"), "one");
    origin.commit_file("b.txt", "b\n", "two");
    let tip = origin.commit_file("c.txt", format!("new {SECRET}\n"), "three");
    let clone = origin.tmp.path().join("shallow");
    let url = format!("file://{}", origin.path.display());
    let clone_str = clone.to_str().expect("utf-8 path");
    git_in(
        origin.tmp.path(),
        &["clone", "-q", "--depth", "1", &url, clone_str],
    );
    let report = history::scan(&clone, &no_messages(), on_job).expect("shallow scan");
    assert!(report.summary.is_shallow);
    assert_eq!(report.summary.commits, 1);
    // The boundary commit is diffed against the empty tree: it "introduces" everything.
    assert_eq!(
        found(&report),
        [
            (tip.clone(), "a.txt".to_owned(), 1),
            (tip, "c.txt".to_owned(), 1)
        ]
    );
    assert!(
        report.summary.errors.is_empty(),
        "{:?}",
        report.summary.errors
    );
}

#[test]
fn range_between_two_revisions() {
    let repo = Repo::new();
    let a = repo.commit_file("1.txt", format!("{SECRET} 1\n"), "a");
    let b = repo.commit_file("2.txt", format!("{SECRET} 2\n"), "b");
    let c = repo.commit_file("3.txt", format!("{SECRET} 3\n"), "c");
    let report = scan(&repo, &no_messages().with_spec(format!("{a}..{c}")));
    assert_eq!(
        found(&report),
        [
            (c.clone(), "3.txt".to_owned(), 1),
            (b.clone(), "2.txt".to_owned(), 1)
        ]
    );
    assert_eq!(report.summary.commits, 2);
    // "Since a" spelled as a..HEAD, and a branch name.
    assert_eq!(
        scan(&repo, &no_messages().with_spec(format!("{a}..HEAD")))
            .summary
            .commits,
        2
    );
    assert_eq!(
        scan(&repo, &no_messages().with_since(&b)).summary.commits,
        1
    );
    assert_eq!(
        scan(&repo, &no_messages().with_spec("main"))
            .summary
            .commits,
        3
    );
    assert_eq!(
        scan(&repo, &no_messages().with_spec(format!("{b}^!")))
            .summary
            .commits,
        1
    );
}

#[test]
fn max_commits_keeps_the_newest() {
    let repo = Repo::new();
    repo.commit_file("1.txt", format!("{SECRET} 1\n"), "1");
    let c2 = repo.commit_file("2.txt", format!("{SECRET} 2\n"), "2");
    let c3 = repo.commit_file("3.txt", format!("{SECRET} 3\n"), "3");
    let report = scan(&repo, &no_messages().with_max_commits(Some(2)));
    assert_eq!(report.summary.commits, 2);
    assert_eq!(
        found(&report),
        [(c3, "3.txt".to_owned(), 1), (c2, "2.txt".to_owned(), 1)]
    );
}

#[test]
fn corrupt_loose_object_is_reported_and_the_scan_goes_on() {
    let repo = Repo::new();
    repo.commit_file("fine.txt", format!("{SECRET} fine\n"), "fine");
    let bad = repo.commit_file("bad.txt", format!("{SECRET} bad\n"), "bad");
    let blob = repo.git(&["rev-parse", &format!("{bad}:bad.txt")]);
    let object = repo
        .path
        .join(".git/objects")
        .join(&blob[..2])
        .join(&blob[2..]);
    std::fs::write(&object, b"this is not zlib data at all").expect("corrupt the object");

    let report = scan(&repo, &no_messages());
    let paths: Vec<_> = found(&report).into_iter().map(|(_, p, _)| p).collect();
    assert_eq!(paths, ["fine.txt"]);
    let errors = &report.summary.errors;
    assert!(
        errors.iter().any(|e| e.id == blob),
        "the corrupt blob {blob} is recorded: {errors:?}"
    );
    assert_eq!(report.summary.blobs_scanned, 1);
}

#[test]
fn missing_tree_is_reported_and_other_commits_are_scanned() {
    let repo = Repo::new();
    repo.commit_file("fine.txt", format!("{SECRET}\n"), "fine");
    let broken = repo.commit_file("sub/x.txt", "x\n", "broken");
    let tree = repo.git(&["rev-parse", &format!("{broken}:sub")]);
    let object = repo
        .path
        .join(".git/objects")
        .join(&tree[..2])
        .join(&tree[2..]);
    std::fs::remove_file(&object).expect("remove the tree object");
    let report = scan(&repo, &no_messages());
    assert_eq!(found(&report).len(), 1);
    assert!(!report.summary.errors.is_empty());
    assert!(
        report.summary.errors.iter().any(|e| e.id == broken),
        "{:?}",
        report.summary.errors
    );
}

#[test]
fn packed_and_loose_objects_are_read() {
    let repo = Repo::new();
    let c1 = repo.commit_file("a.txt", format!("{SECRET} a\n"), "a");
    repo.git(&["gc", "-q"]);
    let c2 = repo.commit_file("b.txt", format!("{SECRET} b\n"), "b");
    assert!(
        repo.path
            .join(".git/objects/pack")
            .read_dir()
            .expect("pack dir")
            .count()
            > 0
    );
    let report = scan(&repo, &no_messages());
    assert_eq!(
        found(&report),
        [(c2, "b.txt".to_owned(), 1), (c1, "a.txt".to_owned(), 1)]
    );
}

#[test]
fn empty_repository_and_repository_without_commits() {
    let empty = Repo::new();
    let report = scan(&empty, &HistoryOptions::default());
    assert_eq!(report.summary.commits, 0);
    assert!(report.findings.is_empty() && report.summary.errors.is_empty());

    // Staged content but no commit yet: still nothing in history.
    empty.write("a.txt", format!("{SECRET}\n"));
    empty.git(&["add", "a.txt"]);
    assert_eq!(scan(&empty, &HistoryOptions::default()).summary.commits, 0);

    // Asking for HEAD explicitly is an error that names the spec.
    let err = history::scan(&empty.path, &no_messages().with_spec("HEAD"), on_job)
        .expect_err("unborn HEAD");
    assert!(matches!(err, HistoryError::RevSpec { .. }), "{err:?}");
    assert!(err.to_string().contains("HEAD"), "{err}");

    let bare = Repo::bare();
    assert_eq!(scan(&bare, &HistoryOptions::default()).summary.commits, 0);
}

#[test]
fn unknown_revision_is_a_clear_error() {
    let repo = Repo::new();
    repo.commit_file("a.txt", "a\n", "a");
    let err = history::scan(
        &repo.path,
        &no_messages().with_spec("no-such-branch"),
        on_job,
    )
    .expect_err("bad spec");
    assert!(matches!(err, HistoryError::RevSpec { .. }), "{err:?}");
    assert!(err.to_string().contains("no-such-branch"), "{err}");
}

#[test]
fn detached_head_commits_are_included() {
    let repo = Repo::new();
    repo.commit_file("a.txt", "a\n", "a");
    repo.git(&["checkout", "-q", "--detach"]);
    let detached = repo.commit_file("d.txt", format!("{SECRET}\n"), "only on a detached HEAD");
    let report = scan(&repo, &no_messages());
    assert_eq!(found(&report), [(detached, "d.txt".to_owned(), 1)]);
    assert_eq!(report.summary.commits, 2);
}

#[test]
fn all_references_are_walked() {
    let repo = Repo::new();
    repo.commit_file("a.txt", "a\n", "a");
    repo.git(&["checkout", "-q", "-b", "side"]);
    let side = repo.commit_file("s.txt", format!("{SECRET}\n"), "side");
    repo.git(&["checkout", "-q", "main"]);
    repo.git(&["tag", "-a", "-m", "annotated", "v1", &side]);
    repo.git(&["branch", "-D", "-q", "side"]);
    // Only the annotated tag keeps the side commit alive now; a tag on a blob is ignored.
    let blob = repo.git(&["rev-parse", "HEAD:a.txt"]);
    repo.git(&["tag", "blob-tag", &blob]);
    let report = scan(&repo, &no_messages());
    assert_eq!(found(&report), [(side, "s.txt".to_owned(), 1)]);
    assert!(
        report.summary.errors.is_empty(),
        "{:?}",
        report.summary.errors
    );
}

#[test]
fn sha256_repository_is_refused_clearly() {
    let repo = Repo::init(&["--object-format=sha256"]);
    repo.commit_file("a.txt", "a\n", "base");
    let err = history::scan(&repo.path, &no_messages(), on_job).expect_err("sha256");
    assert!(
        matches!(&err, HistoryError::UnsupportedObjectFormat { format, .. } if format == "sha256"),
        "{err:?}"
    );
    assert!(err.to_string().contains("sha256"), "{err}");
}

#[test]
fn merge_carrying_over_a_parent_line_is_not_a_new_finding() {
    let repo = Repo::new();
    let body: String = (1..=10).map(|n| format!("line {n}\n")).collect();
    repo.commit_file("f.txt", &body, "base");
    repo.git(&["checkout", "-q", "-b", "topic"]);
    let topic = repo.commit_file(
        "f.txt",
        body.replace("line 2\n", &format!("{SECRET}\n")),
        "t",
    );
    repo.git(&["checkout", "-q", "main"]);
    repo.commit_file(
        "f.txt",
        body.replace("line 9\n", "line nine\n"),
        "main edit",
    );
    // Auto-merged: the merge result is a blob neither parent has.
    repo.git(&["merge", "-q", "--no-ff", "-m", "merge topic", "topic"]);
    let report = scan(&repo, &no_messages());
    assert_eq!(found(&report), [(topic, "f.txt".to_owned(), 2)]);
}

#[test]
fn lines_written_in_a_merge_resolution_belong_to_the_merge() {
    let repo = Repo::new();
    repo.commit_file("f.txt", "base\n", "base");
    repo.git(&["checkout", "-q", "-b", "topic"]);
    repo.commit_file("f.txt", "topic\n", "t");
    repo.git(&["checkout", "-q", "main"]);
    repo.commit_file("f.txt", "main\n", "m");
    assert!(!repo.git_status(&["merge", "-q", "topic"]));
    repo.write(
        "f.txt",
        format!("main\ntopic\n{SECRET} from the resolution\n"),
    );
    repo.git(&["add", "f.txt"]);
    let merge = repo.commit("merge with resolution");
    let report = scan(&repo, &no_messages());
    assert_eq!(found(&report), [(merge, "f.txt".to_owned(), 3)]);
}

#[test]
fn missing_commit_object_is_reported_and_newer_commits_are_scanned() {
    let repo = Repo::new();
    repo.commit_file("a.txt", format!("{SECRET} a\n"), "a");
    let lost = repo.commit_file("b.txt", format!("{SECRET} b\n"), "b");
    let newest = repo.commit_file("c.txt", format!("{SECRET} c\n"), "c");
    let object = repo
        .path
        .join(".git/objects")
        .join(&lost[..2])
        .join(&lost[2..]);
    std::fs::remove_file(&object).expect("remove the commit object");
    let report = scan(&repo, &no_messages());
    assert!(!report.summary.errors.is_empty());
    let found = found(&report);
    assert!(
        found.contains(&(newest, "c.txt".to_owned(), 1)),
        "the newest commit is still scanned: {found:?}"
    );
}

#[test]
fn a_panicking_callback_propagates_instead_of_hanging() {
    let repo = Repo::new();
    for n in 0..50 {
        repo.write(&format!("f{n}.txt"), format!("{n}\n"));
    }
    repo.git(&["add", "."]);
    repo.commit("many files");
    let result = std::panic::catch_unwind(|| {
        history::scan(
            &repo.path,
            &no_messages().with_threads(2),
            |_job| -> Vec<u32> { panic!("engine bug") },
        )
    });
    let panic = result.expect_err("the panic reaches the caller");
    assert_eq!(panic.downcast_ref::<&str>(), Some(&"engine bug"));
}

#[test]
fn absurd_thread_counts_are_capped() {
    let repo = Repo::new();
    let c = repo.commit_file("a.txt", format!("{SECRET}\n"), "a");
    let report = scan(&repo, &no_messages().with_threads(usize::MAX));
    assert_eq!(found(&report), [(c, "a.txt".to_owned(), 1)]);
}
