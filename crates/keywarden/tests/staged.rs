//! `keywarden staged`: what is about to be committed, judged on the index. Scratch
//! repositories are made with the `git` CLI.

mod common;

use common::*;

fn staged_json(sb: &Sandbox) -> Run {
    sb.kw(&["staged", "--format", "json"]).run()
}

#[test]
fn the_first_commit_has_no_head_and_is_scanned_whole() {
    let sb = Sandbox::new();
    let token = telegram_token(60);
    sb.write("bot/.env", format!("PORT=1\n{}\n", token_line(&token)));
    sb.write("README.md", "hello\n");
    sb.git(&["add", "."]);
    let run = staged_json(&sb);
    run.code(1);
    assert_eq!(
        run.locations(),
        [loc("bot/.env", 2, 20, "telegram-bot-token")]
    );
    assert!(!run.stdout.contains(&token[4..]), "redacted by default");

    let text = sb.kw(&["staged"]).run();
    text.code(1);
    assert!(
        text.stdout.contains("scanned 2 staged files"),
        "{}",
        text.stdout
    );
}

#[test]
fn only_added_lines_are_reported_with_staged_line_numbers() {
    let sb = Sandbox::new();
    let (old, new) = (telegram_token(61), telegram_token(62));
    sb.commit_file("bot.env", format!("{}\n", token_line(&old)), "old token");

    // Three lines above the old token, a new token on line 6.
    sb.write(
        "bot.env",
        format!(
            "# bot\nA=1\nB=2\n{}\nC=3\n{}\n",
            token_line(&old),
            token_line(&new)
        ),
    );
    sb.git(&["add", "bot.env"]);
    let run = staged_json(&sb);
    run.code(1);
    assert_eq!(
        run.locations(),
        [loc("bot.env", 6, 20, "telegram-bot-token")]
    );

    // Only moving the old token around adds no secret.
    sb.write("bot.env", format!("# moved\n\n{}\n", token_line(&old)));
    sb.git(&["add", "bot.env"]);
    staged_json(&sb).code(0);

    // Changing the line that holds it does report it (the line is new).
    sb.write("bot.env", format!("export {}\n", token_line(&old)));
    sb.git(&["add", "bot.env"]);
    let run = staged_json(&sb);
    run.code(1);
    assert_eq!(
        run.locations(),
        [loc("bot.env", 1, 27, "telegram-bot-token")]
    );
}

#[test]
fn a_partially_staged_file_is_judged_on_its_staged_content() {
    let sb = Sandbox::new();
    sb.commit_file("app.env", "PORT=1\n", "start");
    let token = telegram_token(63);

    // The secret is only in the work tree: nothing staged adds it.
    sb.write("app.env", "PORT=1\nHOST=a\n");
    sb.git(&["add", "app.env"]);
    sb.write(
        "app.env",
        format!("PORT=1\nHOST=a\n{}\n", token_line(&token)),
    );
    staged_json(&sb).code(0);

    // The secret is staged, then removed from the work tree: the commit would add it.
    sb.write("app.env", format!("X=0\nPORT=1\n{}\n", token_line(&token)));
    sb.git(&["add", "app.env"]);
    sb.write("app.env", "PORT=1\n");
    let run = staged_json(&sb);
    run.code(1);
    assert_eq!(
        run.locations(),
        [loc("app.env", 3, 20, "telegram-bot-token")]
    );
}

#[test]
fn a_deleted_file_reports_nothing() {
    let sb = Sandbox::new();
    let token = telegram_token(64);
    sb.commit_file("bot.env", format!("{}\n", token_line(&token)), "token");
    sb.git(&["rm", "-q", "bot.env"]);
    let run = sb.kw(&["staged"]).run();
    run.code(0);
    assert!(run.stdout.ends_with("no secrets found\n"), "{}", run.stdout);
}

#[test]
fn exit_codes() {
    let sb = Sandbox::new();
    // Nothing staged in an empty repository.
    sb.kw(&["staged"]).run().code(0);
    sb.commit_file("a.txt", "a\n", "a");
    sb.kw(&["staged"]).run().code(0);
    sb.write("b.txt", "b\n");
    sb.git(&["add", "b.txt"]);
    sb.kw(&["staged"]).run().code(0);

    let not_repo = Sandbox::bare_folder();
    let run = not_repo.kw(&["staged"]).run();
    run.code(2);
    assert!(run.stderr.contains("keywarden: error: "), "{}", run.stderr);
    assert!(run.stderr.contains("git"), "{}", run.stderr);

    // --repo names another repository.
    let token = telegram_token(65);
    sb.write("c.env", format!("{}\n", token_line(&token)));
    sb.git(&["add", "c.env"]);
    let mut kw = not_repo.kw(&["staged", "--format", "json", "--repo"]);
    kw.cmd.arg(&sb.root);
    let run = kw.run();
    run.code(1);
    assert_eq!(run.locations(), [loc("c.env", 1, 20, "telegram-bot-token")]);

    sb.kw(&["staged", "--format", "yaml"]).run().code(2);
}

/// The index git is committing from, not `.git/index`: `GIT_INDEX_FILE` decides.
#[test]
fn git_index_file_is_respected() {
    let sb = Sandbox::new();
    sb.commit_file("app.env", "PORT=1\n", "start");
    let token = telegram_token(66);
    sb.write("app.env", format!("PORT=1\n{}\n", token_line(&token)));
    // Stage into another index only.
    let alt = sb.tmp.path().join("alt-index");
    std::fs::copy(sb.path(".git/index"), &alt).expect("copy index");
    let run = sb
        .git_cmd(&["add", "app.env"])
        .env("GIT_INDEX_FILE", &alt)
        .run();
    run.code(0);

    staged_json(&sb).code(0);
    let run = sb
        .kw(&["staged", "--format", "json"])
        .env("GIT_INDEX_FILE", &alt)
        .run();
    run.code(1);
    assert_eq!(
        run.locations(),
        [loc("app.env", 2, 20, "telegram-bot-token")]
    );
}

/// `git commit -a` and `git commit <path>` commit from a temporary index and tell the hook
/// through `GIT_INDEX_FILE`; the installed hook must block them.
#[test]
fn the_hook_blocks_commit_all_and_commit_with_paths() {
    let sb = Sandbox::new();
    sb.commit_file("app.env", "PORT=1\n", "start");
    sb.kw(&["install-hook"]).run().code(0);
    let head = sb.git(&["rev-parse", "HEAD"]);
    let token = telegram_token(67);
    sb.write("app.env", format!("PORT=1\n{}\n", token_line(&token)));

    for args in [
        &["commit", "-a", "-m", "all"][..],
        &["commit", "-m", "only this path", "app.env"],
    ] {
        // Nothing is staged in .git/index: only the temporary index holds the secret.
        staged_json(&sb).code(0);
        let run = sb.git_cmd(args).run();
        assert_ne!(run.code, 0, "{args:?} went through:\n{}", run.stderr);
        assert!(
            run.stdout.contains("app.env:2:20") || run.stderr.contains("app.env:2:20"),
            "{args:?}: {}{}",
            run.stdout,
            run.stderr
        );
        assert!(
            run.stderr.contains("keywarden blocked this commit"),
            "{}",
            run.stderr
        );
        assert_eq!(
            sb.git(&["rev-parse", "HEAD"]),
            head,
            "{args:?} made a commit"
        );
    }
}

/// Run from a subfolder of the work tree (by hand, or by a tool that runs hooks there),
/// `staged` used to compare only the staged files under that subfolder, since gix's
/// default pathspec for `tree_index_status` is the current folder's prefix: a secret
/// staged elsewhere was missed, with exit 0.
#[test]
fn staged_from_a_subfolder_sees_the_whole_index() {
    let sb = Sandbox::new();
    sb.commit_file("README.md", "hello\n", "start");
    let token = telegram_token(68);
    sb.write("app.env", format!("{}\n", token_line(&token)));
    sb.git(&["add", "app.env"]);
    std::fs::create_dir(sb.path("docs")).expect("mkdir");
    let run = sb
        .kw_in(&sb.path("docs"), &["staged", "--format", "json"])
        .run();
    run.code(1);
    assert_eq!(
        run.locations(),
        [loc("app.env", 1, 20, "telegram-bot-token")]
    );
}

#[test]
fn staged_binary_and_oversized_files_are_skipped_and_counted() {
    let sb = Sandbox::new();
    let line = format!("{}\n", token_line(&telegram_token(69)));
    sb.write("logo.bin", format!("\0\0{line}"));
    sb.write("big.env", format!("{line}{}\n", "#".repeat(2000)));
    sb.git(&["add", "."]);
    let run = sb.kw(&["staged", "--max-file-size", "1000"]).run();
    run.code(0);
    assert!(
        run.stdout.starts_with("scanned 0 staged files, 0 B in ")
            && run
                .stdout
                .contains("; skipped 1 binary, 1 too large; 0 errors\n"),
        "{}",
        run.stdout
    );
    // A hook lets the commit through, but names the file nobody looked into.
    assert!(
        run.stderr.contains("warning: big.env: not scanned")
            && run.stderr.contains("--max-file-size"),
        "{}",
        run.stderr
    );
    let run = sb.kw(&["staged", "--format", "json"]).run();
    run.code(1);
    assert_eq!(
        run.locations(),
        [loc("big.env", 1, 20, "telegram-bot-token")]
    );
}
