//! Tests for locating the hooks directory.

mod common;

use std::path::{Path, PathBuf};

use common::{Repo, git_in};
use keywarden_git::{HooksError, hooks_dir};

/// Compare paths after resolving symlinks of the longest existing prefix.
fn norm(path: &Path) -> PathBuf {
    let mut existing = path.to_owned();
    let mut rest = Vec::new();
    while !existing.exists() {
        rest.push(existing.file_name().expect("file name").to_owned());
        existing.pop();
    }
    let mut out = existing.canonicalize().expect("canonicalize");
    out.extend(rest.into_iter().rev());
    out
}

fn assert_same(actual: &Path, expected: &Path) {
    assert_eq!(
        norm(actual),
        norm(expected),
        "{} vs {}",
        actual.display(),
        expected.display()
    );
}

/// Where git itself says the hooks are, asked from `dir`.
fn git_says(dir: &Path) -> PathBuf {
    dir.join(git_in(dir, &["rev-parse", "--git-path", "hooks"]))
}

/// Check `hooks_dir(dir)` against both git's answer and `expected`.
fn check(dir: &Path, expected: &Path) {
    let ours = hooks_dir(dir).expect("hooks dir");
    assert_same(&ours, expected);
    assert_same(&ours, &git_says(dir));
}

#[test]
fn default_is_hooks_in_the_git_dir() {
    let repo = Repo::new();
    check(&repo.path, &repo.path.join(".git/hooks"));
    // From a sub-directory as well.
    std::fs::create_dir(repo.path.join("sub")).expect("mkdir");
    check(&repo.path.join("sub"), &repo.path.join(".git/hooks"));
}

#[test]
fn relative_hooks_path_is_resolved_against_the_work_tree_root() {
    let repo = Repo::new();
    repo.git(&["config", "core.hooksPath", ".githooks"]);
    std::fs::create_dir(repo.path.join("sub")).expect("mkdir");
    check(&repo.path.join("sub"), &repo.path.join(".githooks"));
}

#[test]
fn absolute_and_home_relative_hooks_paths() {
    let repo = Repo::new();
    let elsewhere = repo.tmp.path().join("shared-hooks");
    repo.git(&[
        "config",
        "core.hooksPath",
        elsewhere.to_str().expect("utf-8 path"),
    ]);
    check(&repo.path, &elsewhere);

    repo.git(&["config", "core.hooksPath", "~/my-hooks"]);
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .expect("HOME is set");
    check(&repo.path, &home.join("my-hooks"));
}

#[test]
fn linked_worktree_shares_the_main_hooks() {
    let repo = Repo::new();
    repo.commit_file("a.txt", "a\n", "base");
    let wt = repo.tmp.path().join("linked");
    repo.git(&[
        "worktree",
        "add",
        "-q",
        "-b",
        "side",
        wt.to_str().expect("utf-8 path"),
    ]);
    check(&wt, &repo.path.join(".git/hooks"));

    // A relative core.hooksPath is relative to the linked work tree's own root.
    git_in(&wt, &["config", "core.hooksPath", "hooks-here"]);
    check(&wt, &wt.join("hooks-here"));
    check(&repo.path, &repo.path.join("hooks-here"));
}

#[test]
fn bare_repository_hooks() {
    let repo = Repo::bare();
    check(&repo.path, &repo.path.join("hooks"));
    repo.git(&["config", "core.hooksPath", "custom"]);
    check(&repo.path, &repo.path.join("custom"));
}

#[test]
fn not_a_repository() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let err = hooks_dir(tmp.path()).expect_err("no repository");
    assert!(matches!(err, HooksError::Open { .. }), "{err:?}");
}
