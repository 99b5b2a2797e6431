//! Nothing this crate does may write to a repository: not the index, the work tree, the object
//! database or the references.

mod common;

use common::{Repo, SECRET, fingerprint, on_job};
use keywarden_git::history::{self, HistoryOptions};
use keywarden_git::staged::{self, StagedOptions};

#[test]
fn scanning_leaves_every_file_untouched() {
    let repo = Repo::new();
    repo.commit_file("a.txt", format!("a\n{SECRET}\n"), "one");
    repo.git(&["gc", "-q"]);
    repo.commit_file("b.txt", "b\n", "two (loose)");
    repo.git(&["mv", "b.txt", "c.txt"]);
    repo.commit("rename");
    // Staged, partially staged, intent-to-add, untracked and worktree-only states.
    repo.write("a.txt", format!("a\n{SECRET}\nstaged\n"));
    repo.git(&["add", "a.txt"]);
    repo.write("a.txt", "worktree only\n");
    repo.write("ita.txt", "later\n");
    repo.git(&["add", "-N", "ita.txt"]);
    repo.write("untracked.txt", format!("{SECRET}\n"));
    let wt = repo.tmp.path().join("linked");
    repo.git(&[
        "worktree",
        "add",
        "-q",
        "-b",
        "side",
        wt.to_str().expect("utf-8 path"),
    ]);
    std::fs::write(wt.join("c.txt"), "linked change\n").expect("write");
    common::git_in(&wt, &["add", "c.txt"]);
    // Make the index stat data look racy, which tempts index refreshes.
    std::thread::sleep(std::time::Duration::from_millis(20));

    let before = fingerprint(repo.tmp.path());

    let staged = staged::changes(&repo.path, &StagedOptions::default()).expect("staged");
    assert!(!staged.files.is_empty());
    let linked = staged::changes(&wt, &StagedOptions::default()).expect("staged in linked");
    assert!(!linked.files.is_empty());
    let report = history::scan(&repo.path, &HistoryOptions::default(), on_job).expect("scan");
    assert!(!report.findings.is_empty());
    history::scan(&wt, &HistoryOptions::default().with_spec("side"), on_job).expect("scan");
    keywarden_git::hooks_dir(&repo.path).expect("hooks dir");
    keywarden_git::hooks_dir(&wt).expect("hooks dir");

    let after = fingerprint(repo.tmp.path());
    let changed: Vec<_> = before
        .iter()
        .filter(|(path, value)| after.get(*path) != Some(*value))
        .map(|(path, _)| path.display().to_string())
        .chain(
            after
                .keys()
                .filter(|path| !before.contains_key(*path))
                .map(|path| format!("new: {}", path.display())),
        )
        .collect();
    assert!(changed.is_empty(), "files changed by reading: {changed:?}");
    assert!(before.len() > 20, "the fingerprint covers the repository");
}
