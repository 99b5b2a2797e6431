//! `staged` and `history` only read: every file of the repository, work tree and `.git`
//! alike, keeps its content, mode and modification time.

mod common;

use common::*;

#[test]
fn staged_and_history_change_nothing_in_the_repository() {
    let sb = Sandbox::new();
    let (t1, t2, t3) = (
        telegram_token(110),
        telegram_token(111),
        telegram_token(112),
    );
    sb.commit_file("README.md", "hello\n", "Start");
    sb.commit_file("old.env", format!("{}\n", token_line(&t1)), "Add");
    sb.git(&["rm", "-q", "old.env"]);
    sb.commit(&format!("Remove\n\n{}", token_line(&t2)));
    sb.commit_file("app.env", "PORT=1\n", "App");
    sb.git(&["tag", "v1"]);
    // A partially staged file, an untracked one and a fresh index entry.
    sb.write("app.env", format!("PORT=1\n{}\n", token_line(&t3)));
    sb.git(&["add", "app.env"]);
    sb.write("app.env", "PORT=2\n");
    sb.write("untracked.env", format!("{}\n", token_line(&t3)));
    sb.write("new.txt", "new\n");
    sb.git(&["add", "new.txt"]);
    sb.kw(&["install-hook"]).run().code(0);
    let repo = sb.root.clone();
    // Another repository's index, passed the way git passes it to hooks.
    let alt_index = sb.path(".git/index");

    let before = snapshot(&repo);
    assert!(before.keys().any(|p| p.starts_with(".git/objects")));
    let runs: [&[&str]; 8] = [
        &["staged"],
        &["staged", "--format", "json"],
        &["staged", "--format", "sarif"],
        &["history"],
        &["history", "--format", "json", "--rev", "v1"],
        &["history", "--format", "sarif", "--max-commits", "2"],
        &["history", "--since", "HEAD~2", "-j", "1"],
        &["history", "--progress", "always"],
    ];
    for args in runs {
        let run = sb.kw(args).env("GIT_INDEX_FILE", &alt_index).run();
        assert_eq!(run.code, 1, "{args:?}: {}", run.stderr);
        assert_unchanged(&before, &snapshot(&repo), &format!("{args:?}"));
    }
    // Run from a subfolder and with --repo from outside, too.
    let sub = sb.path("docs");
    std::fs::create_dir(&sub).expect("mkdir");
    let before = snapshot(&repo);
    // (From a subfolder, staged sees only that subfolder: see the ignored test
    // `staged_from_a_subfolder_sees_the_whole_index`. Here only its read-only-ness counts.)
    let run = sb.kw_in(&sub, &["staged"]).run();
    assert_ne!(run.code, 2, "{}", run.stderr);
    sb.kw_in(&sub, &["history"]).run().code(1);
    let mut kw = sb.kw_in(sb.tmp.path(), &["staged", "--repo"]);
    kw.cmd.arg(&repo);
    kw.run().code(1);
    let mut kw = sb.kw_in(sb.tmp.path(), &["history"]);
    kw.cmd.arg(&repo);
    kw.run().code(1);
    assert_unchanged(
        &before,
        &snapshot(&repo),
        "staged and history from elsewhere",
    );
}
