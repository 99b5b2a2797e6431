//! Staged-changes tests against scratch repositories built with the git CLI.

mod common;

use common::{Repo, SECRET, cache_tree_record, fake_engine, git_in, rewrite_index};
use keywarden_git::staged::{self, ChangeKind, SkipReason, StagedChanges, StagedOptions};
use keywarden_git::{StagedError, StagedFile};

/// The staged changes, checked against those of the same index without its cache-tree:
/// narrowing the comparison by the cache-tree must not change any result.
fn changes(repo: &Repo) -> StagedChanges {
    let with = staged::changes(&repo.path, &StagedOptions::default()).expect("staged changes");
    let index = repo.path.join(".git/index");
    if index.exists() {
        let stripped = repo.tmp.path().join("index-without-cache-tree");
        rewrite_index(&index, &stripped, |state| {
            state.remove_tree();
        });
        let opts = StagedOptions::default().with_index_file(&stripped);
        let without = staged::changes(&repo.path, &opts).expect("without the cache-tree");
        assert_eq!(
            summary(&with),
            summary(&without),
            "the cache-tree changed the result"
        );
    }
    with
}

/// Everything [`staged::changes`] returns, as text to compare.
fn summary(c: &StagedChanges) -> String {
    format!(
        "files {:?}\nskipped {:?}\ndeleted {} unborn {}",
        c.files, c.skipped, c.deleted, c.unborn_head
    )
}

fn file<'a>(changes: &'a StagedChanges, path: &str) -> &'a StagedFile {
    changes
        .files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("{path} not among {:?}", paths(changes)))
}

fn paths(changes: &StagedChanges) -> Vec<String> {
    changes
        .files
        .iter()
        .map(|f| f.display_path.clone())
        .collect()
}

fn skipped(changes: &StagedChanges) -> Vec<(String, SkipReason)> {
    changes
        .skipped
        .iter()
        .map(|s| (s.display_path.clone(), s.reason.clone()))
        .collect()
}

/// Secret lines the fake engine finds among the changed lines, as a pre-commit hook would.
fn reported(file: &StagedFile) -> Vec<u32> {
    fake_engine(&file.content)
        .into_iter()
        .filter(|&line| file.is_changed_line(line))
        .collect()
}

#[test]
fn first_commit_without_head_reports_everything_staged() {
    let repo = Repo::new();
    repo.write("a.txt", "one\ntwo\nthree");
    repo.write("dir/b.txt", format!("x\n{SECRET}\n"));
    repo.git(&["add", "."]);
    let c = changes(&repo);
    assert!(c.unborn_head);
    assert_eq!(paths(&c), ["a.txt", "dir/b.txt"]);
    let a = file(&c, "a.txt");
    assert_eq!(a.kind, ChangeKind::Added);
    assert_eq!(a.changed_lines, [1, 2, 3]);
    assert_eq!(a.content, b"one\ntwo\nthree");
    let b = file(&c, "dir/b.txt");
    assert_eq!(b.changed_lines, [1, 2]);
    assert_eq!(reported(b), [2]);
    assert!(c.skipped.is_empty());
    assert_eq!(c.deleted, 0);
}

#[test]
fn empty_index_before_first_commit_is_empty() {
    let repo = Repo::new();
    let c = changes(&repo);
    assert!(c.unborn_head);
    assert!(c.files.is_empty() && c.skipped.is_empty());
}

#[test]
fn new_modified_and_deleted_files() {
    let repo = Repo::new();
    repo.write("keep.txt", "a\nb\nc\nd\n");
    repo.write("gone.txt", format!("{SECRET}\n"));
    repo.git(&["add", "."]);
    repo.commit("base");

    repo.write("keep.txt", format!("a\nB {SECRET}\nc\nd\ne\n"));
    repo.write("new.txt", "fresh\n");
    repo.git(&["add", "keep.txt", "new.txt"]);
    repo.git(&["rm", "-q", "gone.txt"]);

    let c = changes(&repo);
    assert!(!c.unborn_head);
    assert_eq!(paths(&c), ["keep.txt", "new.txt"]);
    let keep = file(&c, "keep.txt");
    assert_eq!(keep.kind, ChangeKind::Modified);
    assert_eq!(keep.changed_lines, [2, 5]);
    assert_eq!(reported(keep), [2]);
    assert_eq!(file(&c, "new.txt").changed_lines, [1]);
    assert_eq!(c.deleted, 1);
}

#[test]
fn unchanged_repository_has_nothing_staged() {
    let repo = Repo::new();
    repo.commit_file("a.txt", "a\n", "base");
    repo.write("a.txt", format!("{SECRET}\n"));
    let c = changes(&repo);
    assert!(
        c.files.is_empty(),
        "worktree-only edits are not staged: {:?}",
        paths(&c)
    );
}

#[test]
fn partially_staged_file_is_judged_on_staged_content() {
    let repo = Repo::new();
    repo.commit_file("app.cfg", "name=x\nport=1\n", "base");
    // Stage a harmless change, then add a secret only in the work tree.
    repo.write("app.cfg", "name=y\nport=1\n");
    repo.git(&["add", "app.cfg"]);
    repo.write("app.cfg", format!("name=y\nport=1\ntoken={SECRET}\n"));
    let c = changes(&repo);
    let f = file(&c, "app.cfg");
    assert_eq!(f.content, b"name=y\nport=1\n");
    assert_eq!(f.changed_lines, [1]);
    assert!(reported(f).is_empty());

    // And the other way round: the secret is staged, the work tree has it removed.
    repo.write("app.cfg", format!("name=y\ntoken={SECRET}\n"));
    repo.git(&["add", "app.cfg"]);
    repo.write("app.cfg", "name=y\n");
    let c = changes(&repo);
    assert_eq!(reported(file(&c, "app.cfg")), [2]);
}

#[test]
fn pure_rename_yields_no_lines() {
    let repo = Repo::new();
    let content = format!("line 1\nline 2\n{SECRET}\nline 4\n");
    repo.commit_file("old/name.txt", &content, "base");
    repo.git(&["mv", "old/name.txt", "new-name.txt"]);
    let c = changes(&repo);
    let f = file(&c, "new-name.txt");
    assert_eq!(
        f.kind,
        ChangeKind::Renamed {
            from: "old/name.txt".into()
        }
    );
    assert!(f.changed_lines.is_empty());
    assert!(reported(f).is_empty());
    assert_eq!(c.deleted, 0, "the source is consumed by the rename");
}

#[test]
fn rename_with_a_changed_line_yields_only_that_line() {
    let repo = Repo::new();
    let lines: Vec<String> = (1..=20).map(|n| format!("line {n}")).collect();
    let mut content = lines.join("\n");
    content.push('\n');
    repo.commit_file("src.txt", &content, "base");
    repo.git(&["mv", "src.txt", "dst.txt"]);
    let mut edited = lines.clone();
    edited[9] = format!("line 10 {SECRET}");
    repo.write("dst.txt", edited.join("\n") + "\n");
    repo.git(&["add", "dst.txt"]);
    let c = changes(&repo);
    let f = file(&c, "dst.txt");
    assert_eq!(
        f.kind,
        ChangeKind::Renamed {
            from: "src.txt".into()
        }
    );
    assert_eq!(f.changed_lines, [10]);
    assert_eq!(reported(f), [10]);
}

#[test]
fn renames_can_be_reported_as_new_files() {
    let repo = Repo::new();
    repo.commit_file("a.txt", "1\n2\n", "base");
    repo.git(&["mv", "a.txt", "b.txt"]);
    let opts = StagedOptions::default().with_detect_renames(false);
    let c = staged::changes(&repo.path, &opts).expect("staged");
    let f = file(&c, "b.txt");
    assert_eq!(f.kind, ChangeKind::Added);
    assert_eq!(f.changed_lines, [1, 2]);
    assert_eq!(c.deleted, 1);
}

#[test]
fn mode_change_yields_no_lines() {
    let repo = Repo::new();
    repo.commit_file("run.sh", format!("#!/bin/sh\necho {SECRET}\n"), "base");
    repo.git(&["update-index", "--chmod=+x", "run.sh"]);
    let c = changes(&repo);
    let f = file(&c, "run.sh");
    assert_eq!(f.kind, ChangeKind::Modified);
    assert!(f.changed_lines.is_empty());
    assert!(reported(f).is_empty());
}

#[test]
fn binary_files_are_skipped() {
    let repo = Repo::new();
    let mut data = b"\x89PNG\r\n\x1a\n\0\0\0".to_vec();
    data.extend_from_slice(SECRET.as_bytes());
    repo.write("img.png", &data);
    // NUL after the 8000-byte probe: text.
    let mut late = vec![b'a'; 8000];
    late.extend_from_slice(b"\n\0");
    repo.write("late-nul.txt", &late);
    repo.git(&["add", "."]);
    let c = changes(&repo);
    assert_eq!(skipped(&c), [("img.png".to_owned(), SkipReason::Binary)]);
    assert_eq!(paths(&c), ["late-nul.txt"]);
    assert_eq!(c.skipped_count(|r| *r == SkipReason::Binary), 1);
}

#[test]
fn submodules_are_skipped() {
    let sub = Repo::new();
    sub.commit_file("inner.txt", format!("{SECRET}\n"), "inner");
    let repo = Repo::new();
    repo.commit_file("top.txt", "top\n", "base");
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
    let c = changes(&repo);
    assert_eq!(paths(&c), [".gitmodules"]);
    assert_eq!(
        skipped(&c),
        [("vendored".to_owned(), SkipReason::Submodule)]
    );

    // A bare gitlink added by plumbing, without .gitmodules, is skipped too.
    let head = sub.git(&["rev-parse", "HEAD"]);
    let cacheinfo = format!("160000,{head},other-link");
    repo.git(&["update-index", "--add", "--cacheinfo", &cacheinfo]);
    let c = changes(&repo);
    assert_eq!(c.skipped_count(|r| *r == SkipReason::Submodule), 2);
}

#[test]
fn intent_to_add_entries_are_skipped() {
    let repo = Repo::new();
    repo.commit_file("base.txt", "base\n", "base");
    repo.write("later.txt", format!("{SECRET}\n"));
    repo.git(&["add", "-N", "later.txt"]);
    let c = changes(&repo);
    assert!(c.files.is_empty(), "{:?}", paths(&c));
    assert_eq!(
        skipped(&c),
        [("later.txt".to_owned(), SkipReason::IntentToAdd)]
    );
    assert_eq!(c.deleted, 0);
}

#[test]
fn symlink_target_text_is_the_content() {
    let repo = Repo::new();
    repo.write("real-secret.txt", format!("{SECRET}\n"));
    std::os::unix::fs::symlink("real-secret.txt", repo.path.join("link")).expect("symlink");
    repo.git(&["add", "link"]);
    let c = changes(&repo);
    let f = file(&c, "link");
    assert!(f.is_symlink);
    assert_eq!(f.content, b"real-secret.txt");
    assert_eq!(f.changed_lines, [1]);
    assert!(reported(f).is_empty(), "the link is not followed");
}

#[test]
fn oversize_files_are_skipped() {
    let repo = Repo::new();
    repo.write("big.txt", format!("{}\n{SECRET}\n", "x".repeat(2000)));
    repo.write("small.txt", "tiny\n");
    repo.git(&["add", "."]);
    let opts = StagedOptions::default().with_max_file_size(1000);
    let c = staged::changes(&repo.path, &opts).expect("staged");
    assert_eq!(paths(&c), ["small.txt"]);
    assert_eq!(
        skipped(&c),
        [("big.txt".to_owned(), SkipReason::TooLarge { size: 2013 })]
    );
}

#[test]
fn oversize_head_version_makes_all_lines_new() {
    let repo = Repo::new();
    repo.commit_file("f.txt", "y\n".repeat(1000), "big base");
    repo.write("f.txt", format!("y\n{SECRET}\n"));
    repo.git(&["add", "f.txt"]);
    let opts = StagedOptions::default().with_max_file_size(100);
    let c = staged::changes(&repo.path, &opts).expect("staged");
    assert_eq!(file(&c, "f.txt").changed_lines, [1, 2]);
}

#[test]
fn merge_in_progress() {
    let repo = Repo::new();
    repo.commit_file("shared.txt", "base\n", "base");
    repo.git(&["checkout", "-q", "-b", "topic"]);
    repo.commit_file("shared.txt", "topic side\n", "topic edit");
    repo.commit_file(
        "topic-only.txt",
        format!("from topic {SECRET}\n"),
        "topic file",
    );
    repo.git(&["checkout", "-q", "main"]);
    repo.commit_file("shared.txt", "main side\n", "main edit");
    assert!(
        !repo.git_status(&["merge", "-q", "topic"]),
        "the merge must conflict"
    );
    assert!(repo.path.join(".git/MERGE_HEAD").exists());

    // Unresolved: the conflicted path is skipped, the cleanly merged file is staged.
    let c = changes(&repo);
    assert_eq!(paths(&c), ["topic-only.txt"]);
    assert_eq!(reported(file(&c, "topic-only.txt")), [1]);
    assert_eq!(
        skipped(&c),
        [("shared.txt".to_owned(), SkipReason::Conflicted)]
    );

    // Resolved: compared with HEAD (main's side).
    repo.write("shared.txt", format!("main side\nresolved {SECRET}\n"));
    repo.git(&["add", "shared.txt"]);
    let c = changes(&repo);
    assert!(c.skipped.is_empty());
    assert_eq!(paths(&c), ["shared.txt", "topic-only.txt"]);
    assert_eq!(file(&c, "shared.txt").changed_lines, [2]);
}

#[test]
fn linked_worktree_uses_its_own_index() {
    let repo = Repo::new();
    repo.commit_file("a.txt", "a\n", "base");
    let wt = repo.tmp.path().join("linked");
    let wt_str = wt.to_str().expect("utf-8 temp path");
    repo.git(&["worktree", "add", "-q", "-b", "side", wt_str]);
    std::fs::write(wt.join("a.txt"), format!("a\n{SECRET}\n")).expect("write");
    git_in(&wt, &["add", "a.txt"]);

    let in_linked = staged::changes(&wt, &StagedOptions::default()).expect("linked");
    assert_eq!(reported(file(&in_linked, "a.txt")), [2]);
    // The main work tree's index is untouched by the linked one.
    assert!(changes(&repo).files.is_empty());
    // From a sub-directory of the linked work tree too.
    std::fs::create_dir(wt.join("sub")).expect("mkdir");
    let from_sub = staged::changes(&wt.join("sub"), &StagedOptions::default()).expect("sub");
    assert_eq!(paths(&from_sub), ["a.txt"]);
}

#[test]
fn hooks_path_setting_does_not_affect_reading() {
    let repo = Repo::new();
    repo.git(&["config", "core.hooksPath", ".githooks"]);
    repo.commit_file("a.txt", "a\n", "base");
    repo.write("a.txt", format!("a\n{SECRET}\n"));
    repo.git(&["add", "a.txt"]);
    assert_eq!(reported(file(&changes(&repo), "a.txt")), [2]);
}

#[test]
fn explicit_index_file_like_git_index_file() {
    let repo = Repo::new();
    repo.commit_file("a.txt", "a\n", "base");
    repo.write("a.txt", format!("a\n{SECRET}\n"));
    // Stage into a separate index, as `git commit <path>` does for its hooks.
    let out = std::process::Command::new("git")
        .current_dir(&repo.path)
        .args(["add", "a.txt"])
        .env("GIT_INDEX_FILE", ".git/alt-index")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("git add");
    assert!(out.status.success());
    assert!(
        changes(&repo).files.is_empty(),
        "the main index has nothing staged"
    );
    let opts = StagedOptions::default().with_index_file(".git/alt-index");
    let c = staged::changes(&repo.path, &opts).expect("alt index");
    assert_eq!(reported(file(&c, "a.txt")), [2]);

    let missing = StagedOptions::default().with_index_file("no-such-index");
    let err = staged::changes(&repo.path, &missing).expect_err("missing index");
    assert!(matches!(err, StagedError::Index { .. }), "{err:?}");
    assert!(err.to_string().contains("no-such-index"), "{err}");
}

#[test]
fn non_utf8_paths_are_kept_as_bytes() {
    let repo = Repo::new();
    use std::os::unix::ffi::OsStrExt;
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.txt");
    std::fs::write(repo.path.join(name), format!("{SECRET}\n")).expect("write");
    repo.git(&["add", "."]);
    let c = changes(&repo);
    assert_eq!(c.files.len(), 1);
    assert_eq!(c.files[0].path, b"caf\xe9.txt".as_slice());
    assert_eq!(c.files[0].display_path, "caf\u{fffd}.txt");
}

#[test]
fn bare_repository_has_no_staged_changes() {
    let repo = Repo::bare();
    let err = staged::changes(&repo.path, &StagedOptions::default()).expect_err("bare");
    assert!(matches!(err, StagedError::Bare { .. }), "{err:?}");
}

#[test]
fn not_a_repository_is_a_clear_error() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let err = staged::changes(tmp.path(), &StagedOptions::default()).expect_err("no repo");
    assert!(matches!(err, StagedError::Open { .. }), "{err:?}");
    assert!(
        err.to_string().contains(&tmp.path().display().to_string()),
        "{err}"
    );
}

#[test]
fn sha256_repository_is_refused_clearly() {
    let repo = Repo::init(&["--object-format=sha256"]);
    repo.commit_file("a.txt", "a\n", "base");
    let err = staged::changes(&repo.path, &StagedOptions::default()).expect_err("sha256");
    assert!(
        matches!(&err, StagedError::UnsupportedObjectFormat { format, .. } if format == "sha256"),
        "{err:?}"
    );
}

#[test]
fn orphan_branch_compares_with_the_empty_tree() {
    let repo = Repo::new();
    repo.commit_file("a.txt", format!("{SECRET}\n"), "base");
    repo.git(&["checkout", "-q", "--orphan", "fresh"]);
    let c = changes(&repo);
    assert!(c.unborn_head);
    let f = file(&c, "a.txt");
    assert_eq!(f.kind, ChangeKind::Added);
    assert_eq!(reported(f), [1]);
}

#[test]
fn partial_commit_hook_sees_the_temporary_index() {
    let repo = Repo::new();
    repo.write("a.txt", "a\n");
    repo.write("b.txt", "b\n");
    repo.git(&["add", "."]);
    repo.commit("base");
    // b.txt has a staged change; a.txt is only changed in the work tree, with a secret.
    repo.write("b.txt", "b staged\n");
    repo.git(&["add", "b.txt"]);
    repo.write("a.txt", format!("a\n{SECRET}\n"));
    // A pre-commit hook that keeps a copy of the index git hands it, then aborts the commit.
    let hook = repo.path.join(".git/hooks/pre-commit");
    std::fs::create_dir_all(hook.parent().expect("hooks dir")).expect("mkdir");
    std::fs::write(
        &hook,
        "#!/bin/sh\nprintf '%s' \"$GIT_INDEX_FILE\" > hook-index-path\n\
         cp \"$GIT_INDEX_FILE\" hook-index\nexit 1\n",
    )
    .expect("write hook");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    assert!(!repo.git_status(&["commit", "-q", "-m", "partial", "a.txt"]));
    let seen = std::fs::read_to_string(repo.path.join("hook-index-path")).expect("hook ran");
    assert!(
        seen.contains("index"),
        "git named a temporary index: {seen}"
    );

    // What a hook would scan: the temporary index has a.txt from the work tree, not b.txt.
    let c = staged::changes(
        &repo.path,
        &StagedOptions::default().with_index_file("hook-index"),
    )
    .expect("temporary index");
    assert_eq!(paths(&c), ["a.txt"]);
    assert_eq!(reported(file(&c, "a.txt")), [2]);
    // The regular index still has only b.txt staged.
    assert_eq!(paths(&changes(&repo)), ["b.txt"]);

    // `git commit -a` hands the hook the index it is about to write (`.git/index.lock`).
    assert!(!repo.git_status(&["commit", "-q", "-a", "-m", "all"]));
    let c = staged::changes(
        &repo.path,
        &StagedOptions::default().with_index_file("hook-index"),
    )
    .expect("index.lock copy");
    assert_eq!(paths(&c), ["a.txt", "b.txt"]);
}

#[test]
fn index_v4_and_split_index_are_read() {
    let repo = Repo::new();
    repo.commit_file("a.txt", "a\n", "base");
    repo.git(&["update-index", "--index-version", "4"]);
    repo.write("a.txt", format!("a\n{SECRET}\n"));
    repo.git(&["add", "a.txt"]);
    assert_eq!(reported(file(&changes(&repo), "a.txt")), [2]);

    repo.git(&["update-index", "--split-index"]);
    repo.write("b.txt", format!("{SECRET}\n"));
    repo.git(&["add", "b.txt"]);
    let shared = std::fs::read_dir(repo.path.join(".git"))
        .expect("read .git")
        .filter_map(Result::ok)
        .any(|e| e.file_name().to_string_lossy().starts_with("sharedindex."));
    assert!(shared, "git wrote a shared index");
    let c = changes(&repo);
    assert_eq!(paths(&c), ["a.txt", "b.txt"]);
    assert_eq!(reported(file(&c, "b.txt")), [1]);
}

#[test]
fn type_changes_compare_content_where_it_exists() {
    let repo = Repo::new();
    repo.commit_file("x", "target-one\n", "a file");
    repo.remove("x");
    std::os::unix::fs::symlink("target-one", repo.path.join("x")).expect("symlink");
    repo.git(&["add", "x"]);
    let c = changes(&repo);
    let f = file(&c, "x");
    assert!(f.is_symlink);
    assert_eq!(f.kind, ChangeKind::Modified);
    // "target-one\n" vs "target-one": the line lost its newline, so it is a changed line.
    assert_eq!(f.changed_lines, [1]);
}

// ---------------------------------------------------------------------------------------
// The cache-tree: directories whose record names HEAD's tree are not read or compared.

/// A repository whose one commit has `depth/a/b/c/deep.txt` beside unchanged folders, with
/// the objects loose (one file each) so that single trees can be removed.
fn deep_repo() -> Repo {
    let repo = Repo::new();
    repo.write("top.txt", "top\n");
    repo.write("depth/a/b/c/deep.txt", "one\ntwo\n");
    repo.write("depth/a/b/sibling/s.txt", "sibling\n");
    repo.write("depth/a/other/o.txt", "other\n");
    repo.write("zeta/unrelated/u.txt", "unrelated\n");
    repo.git(&["add", "."]);
    repo.commit("base");
    repo
}

/// The repository's index, read with gix.
fn read_index(repo: &Repo) -> gix::index::File {
    let path = repo.path.join(".git/index");
    gix::index::File::at(path, gix::hash::Kind::Sha1, false, Default::default())
        .expect("read the index")
}

/// Remove the loose object of HEAD's tree at `dir`.
fn remove_head_tree(repo: &Repo, dir: &str) {
    let id = repo.git(&["rev-parse", &format!("HEAD:{dir}")]);
    let object = repo.path.join(".git/objects").join(&id[..2]).join(&id[2..]);
    std::fs::remove_file(&object).expect("remove a loose tree object");
}

/// The index with its cache-tree removed, written beside the repository.
fn index_without_cache_tree(repo: &Repo) -> StagedOptions {
    let stripped = repo.tmp.path().join("index-without-cache-tree");
    rewrite_index(&repo.path.join(".git/index"), &stripped, |state| {
        state.remove_tree();
    });
    StagedOptions::default().with_index_file(stripped)
}

#[test]
fn a_deep_change_is_found_without_reading_unchanged_directories() {
    let repo = deep_repo();
    repo.write("depth/a/b/c/deep.txt", format!("one\ntwo\n{SECRET}\n"));
    repo.git(&["add", "depth/a/b/c/deep.txt"]);
    // git add invalidated the records of depth/a/b/c and above; the others stay valid.
    let mut index = read_index(&repo);
    for (dir, valid) in [
        ("", false),
        ("depth/a/b/c", false),
        ("depth/a/b/sibling", true),
        ("depth/a/other", true),
        ("zeta", true),
    ] {
        let record = cache_tree_record(&mut index, dir).expect("a record");
        assert_eq!(record.num_entries.is_some(), valid, "record of {dir:?}");
    }
    // Trees HEAD has where nothing changed are not needed: without them, only the
    // cache-tree can tell that they are unchanged.
    for dir in [
        "depth/a/b/sibling",
        "depth/a/other",
        "zeta/unrelated",
        "zeta",
    ] {
        remove_head_tree(&repo, dir);
    }

    let c = staged::changes(&repo.path, &StagedOptions::default()).expect("staged");
    assert_eq!(paths(&c), ["depth/a/b/c/deep.txt"]);
    let f = file(&c, "depth/a/b/c/deep.txt");
    assert_eq!(f.kind, ChangeKind::Modified);
    assert_eq!(f.changed_lines, [3]);
    assert_eq!(reported(f), [3]);
    assert_eq!(c.deleted, 0);
    // git diff --cached needs no more trees than keywarden does.
    assert_eq!(
        repo.git(&["diff", "--cached", "--name-only"]),
        "depth/a/b/c/deep.txt"
    );
    // Without the cache-tree every tree of HEAD is read, and the missing ones are an error.
    let err = staged::changes(&repo.path, &index_without_cache_tree(&repo))
        .expect_err("a missing tree without a cache-tree");
    assert!(matches!(err, StagedError::Diff { .. }), "{err:?}");
}

#[test]
fn renames_and_deletions_across_pruned_directories() {
    let repo = deep_repo();
    let lines: Vec<String> = (1..=12).map(|n| format!("line {n}")).collect();
    repo.commit_file("depth/a/b/c/long.txt", lines.join("\n") + "\n", "long file");
    // Moved to a new folder with one edit, and a file deleted elsewhere.
    std::fs::create_dir(repo.path.join("moved")).expect("mkdir");
    repo.git(&["mv", "depth/a/b/c/long.txt", "moved/long.txt"]);
    let mut edited = lines.clone();
    edited[4] = format!("line 5 {SECRET}");
    repo.write("moved/long.txt", edited.join("\n") + "\n");
    repo.git(&["add", "moved/long.txt"]);
    repo.git(&["rm", "-q", "depth/a/other/o.txt"]);
    remove_head_tree(&repo, "zeta");
    remove_head_tree(&repo, "depth/a/b/sibling");

    let c = staged::changes(&repo.path, &StagedOptions::default()).expect("staged");
    let f = file(&c, "moved/long.txt");
    assert_eq!(
        f.kind,
        ChangeKind::Renamed {
            from: "depth/a/b/c/long.txt".into()
        }
    );
    assert_eq!(f.changed_lines, [5]);
    assert_eq!(paths(&c), ["moved/long.txt"]);
    assert_eq!(c.deleted, 1, "o.txt");
}

#[test]
fn copies_are_found_when_configured() {
    let repo = Repo::new();
    repo.git(&["config", "status.renames", "copies"]);
    let lines: Vec<String> = (1..=12).map(|n| format!("line {n}")).collect();
    repo.write("src/lib.txt", lines.join("\n") + "\n");
    repo.write("elsewhere/e.txt", "e\n");
    repo.git(&["add", "."]);
    repo.commit("base");
    // The source is modified (a copy source must be among the changed files) and copied.
    repo.write("src/lib.txt", lines.join("\n") + "\nline 13\n");
    let mut copy = lines.clone();
    copy[0] = format!("line 1 {SECRET}");
    repo.write("dst/copy.txt", copy.join("\n") + "\n");
    repo.git(&["add", "."]);
    let c = changes(&repo);
    let f = file(&c, "dst/copy.txt");
    assert_eq!(
        f.kind,
        ChangeKind::Copied {
            from: "src/lib.txt".into()
        }
    );
    assert_eq!(reported(f), [1]);
    assert_eq!(file(&c, "src/lib.txt").changed_lines, [13]);
}

#[test]
fn a_valid_cache_tree_that_names_other_trees_is_compared_entry_by_entry() {
    // `git reset --soft` moves HEAD back and keeps the index, whose cache-tree is valid but
    // names the trees of the commit that was undone: those directories are not HEAD's.
    let repo = deep_repo();
    repo.write("depth/a/b/c/deep.txt", format!("one\n{SECRET}\ntwo\n"));
    repo.write("depth/a/new.txt", "new\n");
    repo.git(&["add", "."]);
    repo.commit("undone");
    repo.git(&["reset", "-q", "--soft", "HEAD~1"]);
    let mut index = read_index(&repo);
    let root = cache_tree_record(&mut index, "").expect("a cache-tree");
    assert!(root.num_entries.is_some(), "git reset --soft kept it valid");
    assert_ne!(root.id.to_string(), repo.git(&["rev-parse", "HEAD^{tree}"]));

    let c = changes(&repo);
    assert_eq!(paths(&c), ["depth/a/b/c/deep.txt", "depth/a/new.txt"]);
    assert_eq!(reported(file(&c, "depth/a/b/c/deep.txt")), [2]);

    // `git write-tree` after `git add` makes records valid again, naming the new trees.
    repo.write("zeta/unrelated/u.txt", format!("unrelated\n{SECRET}\n"));
    repo.git(&["add", "zeta"]);
    repo.git(&["write-tree"]);
    let c = changes(&repo);
    assert_eq!(reported(file(&c, "zeta/unrelated/u.txt")), [2]);
}

/// `deep_repo` with a secret staged in `depth/a/b/c/deep.txt`, and the index rewritten with
/// every record of the cache-tree made valid by `forge(record, path, HEAD's tree there)`.
/// With `intent_to_add`, `depth/a/b/c/later.txt` is added with `git add -N` first.
fn forged(
    intent_to_add: bool,
    forge: impl Fn(&mut gix::index::extension::Tree, &str, gix::ObjectId),
) -> Repo {
    let repo = deep_repo();
    repo.write("depth/a/b/c/deep.txt", format!("one\ntwo\n{SECRET}\n"));
    repo.git(&["add", "depth/a/b/c/deep.txt"]);
    if intent_to_add {
        repo.write("depth/a/b/c/later.txt", "later\n");
        repo.git(&["add", "-N", "depth/a/b/c/later.txt"]);
    }
    let index = repo.path.join(".git/index");
    let head_tree = |dir: &str| {
        let id = repo.git(&["rev-parse", &format!("HEAD:{dir}")]);
        gix::ObjectId::from_hex(id.as_bytes()).expect("tree id")
    };
    rewrite_index(&index, &index, |state| {
        for dir in ["", "depth", "depth/a", "depth/a/b", "depth/a/b/c"] {
            let record = cache_tree_record(state, dir).expect("a record");
            forge(record, dir, head_tree(dir));
        }
    });
    repo
}

/// The staged changes of a [`forged`] repository, in which the secret staged in
/// `depth/a/b/c/deep.txt` must be found.
fn deep_secret_is_found(repo: &Repo) -> StagedChanges {
    let c = staged::changes(&repo.path, &StagedOptions::default()).expect("staged");
    assert_eq!(paths(&c), ["depth/a/b/c/deep.txt"]);
    assert_eq!(reported(file(&c, "depth/a/b/c/deep.txt")), [3]);
    c
}

/// How many index entries `deep_repo` has under `dir` (`""` for all).
fn entries_under(dir: &str) -> u32 {
    match dir {
        "" => 5,
        "depth" | "depth/a" => 3,
        "depth/a/b" => 2,
        _ => 1,
    }
}

#[test]
fn a_cache_tree_naming_a_tree_head_does_not_have_is_not_trusted() {
    // Valid records with the right counts but ids HEAD does not have there.
    let wrong = gix::ObjectId::from_hex(b"0123456789abcdef0123456789abcdef01234567").expect("id");
    let repo = forged(false, |record, dir, _| {
        record.id = wrong;
        record.num_entries = Some(entries_under(dir));
    });
    deep_secret_is_found(&repo);
}

#[test]
fn a_cache_tree_whose_count_disagrees_with_the_index_is_not_trusted() {
    // Records naming HEAD's trees, as if nothing had changed, but counting one entry too
    // many: the index does not hold what the records describe.
    let repo = forged(false, |record, dir, head| {
        record.id = head;
        record.num_entries = Some(entries_under(dir) + 1);
    });
    deep_secret_is_found(&repo);
}

#[test]
fn a_consistent_cache_tree_naming_heads_trees_is_trusted_as_git_trusts_it() {
    // Records naming HEAD's trees with the right counts, over an entry that differs: a broken
    // or hostile index. git trusts such a record: `git diff --cached` shows nothing and
    // `git commit` writes the recorded tree, so the staged secret is not what gets committed.
    let repo = forged(false, |record, dir, head| {
        record.id = head;
        record.num_entries = Some(entries_under(dir));
    });
    let c = staged::changes(&repo.path, &StagedOptions::default()).expect("staged");
    assert!(c.files.is_empty(), "{:?}", paths(&c));
    assert_eq!(repo.git(&["diff", "--cached", "--name-only"]), "");
    let before = repo.git(&["rev-parse", "HEAD:depth/a/b/c/deep.txt"]);
    repo.git(&["commit", "-q", "--allow-empty", "-m", "as recorded"]);
    assert_eq!(
        repo.git(&["rev-parse", "HEAD:depth/a/b/c/deep.txt"]),
        before,
        "git committed the recorded tree, not the staged entry"
    );
}

#[test]
fn a_cache_tree_over_an_intent_to_add_entry_is_not_trusted() {
    // git never records a valid directory over an entry added with `git add -N`; records
    // that do, even naming HEAD's trees with the right counts, are not trusted.
    let repo = forged(true, |record, dir, head| {
        record.id = head;
        let intent_to_add = u32::from("depth/a/b/c".starts_with(dir));
        record.num_entries = Some(entries_under(dir) + intent_to_add);
    });
    let c = deep_secret_is_found(&repo);
    assert_eq!(
        skipped(&c),
        [("depth/a/b/c/later.txt".to_owned(), SkipReason::IntentToAdd)]
    );
}
