//! `keywarden history`: every commit of a scratch repository, findings attributed to the
//! commit that introduced them, revision ranges, bare repositories and commit messages.

mod common;

use common::*;
use serde_json::Value;

fn history(sb: &Sandbox, extra: &[&str]) -> Run {
    let mut args = vec!["history", "--format", "json"];
    args.extend_from_slice(extra);
    sb.kw(&args).run()
}

/// (path, line, commit) of each finding.
fn found(run: &Run) -> Vec<(String, u64, String)> {
    run.json()
        .iter()
        .map(|v| {
            (
                v["path"].as_str().expect("path").to_string(),
                v["line"].as_u64().expect("line"),
                v["commit"].as_str().expect("commit").to_string(),
            )
        })
        .collect()
}

fn at(path: &str, line: u64, commit: &str) -> (String, u64, String) {
    (path.to_string(), line, commit.to_string())
}

#[test]
fn a_finding_is_attributed_to_the_commit_that_introduced_it() {
    let sb = Sandbox::new();
    sb.commit_file("README.md", "hello\n", "Start");
    let token = telegram_token(70);
    let added = sb.commit_file(
        "bot/.env",
        format!("PORT=1\n{}\n", token_line(&token)),
        "Add bot config\n\nWith a body.",
    );
    sb.commit_file(
        "bot/.env",
        format!("# moved down\nPORT=1\n{}\n", token_line(&token)),
        "Tweak",
    );
    sb.commit_file("README.md", "hello again\n", "Docs");

    let run = history(&sb, &[]);
    run.code(1);
    let all = run.json();
    assert_eq!(all.len(), 1, "{}", run.stdout);
    let v = &all[0];
    let mut keys: Vec<&str> = v
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    let mut expected: Vec<&str> = JSON_FIELDS.iter().chain(&COMMIT_FIELDS).copied().collect();
    expected.sort_unstable();
    assert_eq!(keys, expected);

    assert_eq!(v["path"], "bot/.env");
    assert_eq!(
        (v["line"].as_u64(), v["column"].as_u64()),
        (Some(2), Some(20))
    );
    assert_eq!(v["rule_id"], "telegram-bot-token");
    assert_eq!(v["commit"], added.as_str());
    assert_eq!(v["author"], AUTHOR);
    assert_eq!(v["email"], AUTHOR_EMAIL);
    assert_eq!(
        v["date"],
        sb.git(&["log", "-1", "--format=%aI", &added]).as_str()
    );
    assert_eq!(v["message"], "Add bot config");
    assert_eq!(v["secret"], format!("{}********", &token[..4]));
    assert_eq!(
        v["fingerprint"],
        keywarden_engine::fingerprint("telegram-bot-token", token.as_bytes())
    );

    let text = sb.kw(&["history"]).run();
    text.code(1);
    assert!(
        text.stdout.contains(&format!(
            "    commit {}  {AUTHOR} <{AUTHOR_EMAIL}>  ",
            &added[..12]
        )),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("scanned 4 commits, "),
        "{}",
        text.stdout
    );
}

#[test]
fn a_secret_added_then_deleted_is_still_found() {
    let sb = Sandbox::new();
    let token = telegram_token(71);
    let added = sb.commit_file("old.env", format!("{}\n", token_line(&token)), "Add");
    sb.git(&["rm", "-q", "old.env"]);
    sb.commit("Remove the token");
    sb.commit_file("new.env", "TOKEN=${TOKEN}\n", "Use the environment");
    assert!(!sb.path("old.env").exists());

    // The work tree is clean, the history is not.
    sb.kw(&["scan"]).run().code(0);
    let run = history(&sb, &[]);
    run.code(1);
    assert_eq!(found(&run), [at("old.env", 1, &added)]);
}

#[test]
fn rev_since_and_max_commits_select_commits() {
    let sb = Sandbox::new();
    let c1 = sb.commit_file("README.md", "hello\n", "one");
    let c2 = sb.commit_file(
        "a.env",
        format!("{}\n", token_line(&telegram_token(72))),
        "two",
    );
    let c3 = sb.commit_file(
        "b.env",
        format!("x=1\n{}\n", token_line(&telegram_token(73))),
        "three",
    );
    sb.commit_file("README.md", "hello again\n", "four");

    let both = [at("a.env", 1, &c2), at("b.env", 2, &c3)];
    let run = history(&sb, &[]);
    run.code(1);
    assert_eq!(found(&run), both);
    assert_eq!(found(&history(&sb, &["--rev", "main"])), both);

    let range = format!("{c1}..{c2}");
    assert_eq!(
        found(&history(&sb, &["--rev", &range])),
        [at("a.env", 1, &c2)]
    );
    let range = format!("{c2}..HEAD");
    assert_eq!(
        found(&history(&sb, &["--rev", &range])),
        [at("b.env", 2, &c3)]
    );
    assert_eq!(
        found(&history(&sb, &["--since", &c2])),
        [at("b.env", 2, &c3)]
    );
    history(&sb, &["--since", &c3]).code(0);

    // Newest first: the last commit adds nothing, the last two add b.env's token.
    history(&sb, &["--max-commits", "1"]).code(0);
    assert_eq!(
        found(&history(&sb, &["--max-commits", "2"])),
        [at("b.env", 2, &c3)]
    );
    let text = sb.kw(&["history", "--max-commits", "2"]).run();
    assert!(
        text.stdout.contains("scanned 2 commits, "),
        "{}",
        text.stdout
    );

    let run = history(&sb, &["--rev", "no-such-branch"]);
    run.code(2);
    assert!(run.stderr.contains("no-such-branch"), "{}", run.stderr);
    assert!(run.stderr.contains("fetch-depth: 0"), "{}", run.stderr);
    let run = history(&sb, &["--since", "origin/no-such-base"]);
    run.code(2);
    assert!(run.stderr.contains("fetch-depth: 0"), "{}", run.stderr);
    history(&sb, &["--rev", "main", "--since", &c1]).code(2);
}

#[test]
fn a_bare_repository_is_scanned() {
    let sb = Sandbox::new();
    let token = telegram_token(74);
    let added = sb.commit_file("bot.env", format!("{}\n", token_line(&token)), "Add");
    let bare = sb.tmp.path().join("mirror.git");
    let mut clone = sb.git_cmd(&["clone", "-q", "--bare", "."]);
    clone.cmd.arg(&bare);
    clone.run().code(0);

    let mut kw = sb.kw_in(sb.tmp.path(), &["history", "--format", "json"]);
    kw.cmd.arg(&bare);
    let run = kw.run();
    run.code(1);
    assert_eq!(found(&run), [at("bot.env", 1, &added)]);

    // Run from inside the bare repository with the default path.
    let run = sb.kw_in(&bare, &["history", "--format", "json"]).run();
    run.code(1);
    assert_eq!(found(&run), [at("bot.env", 1, &added)]);
}

#[test]
fn a_secret_in_a_commit_message_is_reported_with_the_commit_id_as_path() {
    let sb = Sandbox::new();
    sb.commit_file("README.md", "hello\n", "Start");
    let token = telegram_token(75);
    let message = format!(
        "Fix the deploy\n\nIt needed {}\nto work.",
        token_line(&token)
    );
    sb.git(&["commit", "-q", "--allow-empty", "-m", &message]);
    let id = sb.git(&["rev-parse", "HEAD"]);

    let run = history(&sb, &[]);
    run.code(1);
    assert_eq!(found(&run), [at(&id, 3, &id)]);
    let v = &run.json()[0];
    assert_eq!(v["column"], 10 + TOKEN_COLUMN);
    assert_eq!(v["message"], "Fix the deploy");
    assert!(!run.stdout.contains(&token[4..]), "{}", run.stdout);
}

/// The subject of a commit was copied into every finding of the commit unredacted, so a
/// secret in it leaked through `message` (JSON), the commit line (text) and `summary`
/// (SARIF) although the finding itself was redacted.
#[test]
fn a_secret_in_a_commit_subject_is_redacted_in_every_field() {
    let sb = Sandbox::new();
    let (in_subject, in_file) = (telegram_token(76), telegram_token(77));
    sb.write("bot.env", format!("{}\n", token_line(&in_file)));
    sb.git(&["add", "bot.env"]);
    let id = sb.commit(&format!("oops {}", token_line(&in_subject)));

    for format in ["json", "text", "sarif"] {
        let run = sb.kw(&["history", "--format", format]).run();
        run.code(1);
        for token in [&in_subject, &in_file] {
            assert!(
                !run.stdout.contains(&token[4..]),
                "--format {format} leaked a secret:\n{}",
                run.stdout
            );
        }
    }

    let run = history(&sb, &[]);
    let mut found = found(&run);
    found.sort();
    let mut expected = vec![at("bot.env", 1, &id), at(&id, 1, &id)];
    expected.sort();
    assert_eq!(found, expected);
    let masked = format!("oops TELEGRAM_BOT_TOKEN={}********", &in_subject[..4]);
    for v in run.json() {
        assert_eq!(v["message"], masked.as_str(), "{v}");
    }
    let full = sb
        .kw(&["history", "--format", "json", "--redact", "full"])
        .run();
    for v in full.json() {
        assert_eq!(v["message"], "oops TELEGRAM_BOT_TOKEN=********", "{v}");
    }

    // Shown when asked for.
    let shown = history(&sb, &["--show-secrets"]);
    for v in shown.json() {
        assert_eq!(
            v["message"],
            format!("oops {}", token_line(&in_subject)).as_str()
        );
    }
}

#[test]
fn not_a_repository_exits_2() {
    let sb = Sandbox::bare_folder();
    sb.write("bot.env", format!("{}\n", token_line(&telegram_token(78))));
    let run = sb.kw(&["history"]).run();
    run.code(2);
    assert!(
        run.stderr.starts_with("keywarden: error: "),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("pass the path of a git repository"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout, "");
    sb.kw(&["history", "no-such-folder"]).run().code(2);

    // An empty repository has no history to scan.
    let empty = Sandbox::new();
    let run = empty.kw(&["history"]).run();
    run.code(0);
    assert!(
        run.stdout.starts_with("scanned 0 commits, "),
        "{}",
        run.stdout
    );
}

#[test]
fn history_honours_the_config_and_baseline() {
    let sb = Sandbox::new();
    let (t1, t2) = (telegram_token(79), telegram_token(80));
    sb.commit_file(
        "fixtures/bot.env",
        format!("{}\n", token_line(&t1)),
        "fixture",
    );
    let c2 = sb.commit_file("app/bot.env", format!("{}\n", token_line(&t2)), "app");
    sb.write(
        ".keywarden.toml",
        "[allowlist]\npaths = [\"fixtures/**\"]\n",
    );
    let run = history(&sb, &[]);
    run.code(1);
    assert_eq!(found(&run), [at("app/bot.env", 1, &c2)]);

    sb.kw(&["history", "--write-baseline", "../baseline.json"])
        .run()
        .code(0);
    history(&sb, &["--baseline", "../baseline.json"]).code(0);
    let _: Value = serde_json::from_str(
        &std::fs::read_to_string(sb.tmp.path().join("baseline.json")).expect("read"),
    )
    .expect("JSON");
}

/// Run from a subfolder, history matched allowlist globs against its repository paths
/// taken as relative to the current folder: `x.env` at the root was judged as `sub/x.env`
/// when `sub/x.env` existed, so `paths = ["sub/**"]` hid a secret at the root.
#[test]
fn history_from_a_subfolder_matches_allowlists_on_repository_paths() {
    let sb = Sandbox::new();
    let (t1, t2) = (telegram_token(81), telegram_token(82));
    sb.write(".keywarden.toml", "[allowlist]\npaths = [\"sub/**\"]\n");
    sb.write("sub/x.env", "PORT=1\n");
    sb.write("x.env", format!("{}\n", token_line(&t1)));
    sb.write("sub/gone.env", format!("{}\n", token_line(&t2)));
    sb.git(&["add", "."]);
    let c = sb.commit("files");
    sb.git(&["rm", "-q", "sub/gone.env"]);
    sb.commit("remove");

    let sub = sb.path("sub");
    for (dir, args) in [
        (&sb.root, &["history", "--format", "json"][..]),
        (&sub, &["history", "--format", "json"]),
        (&sub, &["history", "--format", "json", ".."]),
    ] {
        let run = sb.kw_in(dir, args).run();
        run.code(1);
        assert_eq!(
            found(&run),
            [at("x.env", 1, &c)],
            "{args:?} in {}",
            dir.display()
        );
    }

    // Staged findings too (from the root, where git runs hooks).
    sb.write("x.env", format!("{}\n", token_line(&t2)));
    sb.write("sub/x.env", format!("{}\n", token_line(&t1)));
    sb.git(&["add", "."]);
    let run = sb.kw(&["staged", "--format", "json"]).run();
    run.code(1);
    assert_eq!(run.locations(), [loc("x.env", 1, 20, "telegram-bot-token")]);
}

/// The commit line of the text report printed the author and subject as they were, so a
/// commit could carry escape sequences to the terminal of whoever scanned the history.
#[test]
fn text_output_neutralises_control_characters_in_commits() {
    let sb = Sandbox::new();
    sb.write("bot.env", format!("{}\n", token_line(&telegram_token(83))));
    sb.git(&["add", "bot.env"]);
    let run = sb
        .git_cmd(&["commit", "-q", "-m", "deploy \x1b[2J\x1b]0;pwned\x07"])
        .env("GIT_AUTHOR_NAME", "Mallory \x1b[31m")
        .run();
    run.code(0);
    let run = sb.kw(&["history", "--color", "never"]).run();
    run.code(1);
    assert!(
        !run.stdout.contains('\x1b') && !run.stdout.contains('\x07'),
        "{:?}",
        run.stdout
    );
    assert!(run.stdout.contains("deploy \u{fffd}[2J"), "{}", run.stdout);
}

/// `keywarden history REPO` run from outside REPO used to look for `.keywarden.toml` from
/// the current folder, so the repository's own allowlist was ignored.
#[test]
fn history_of_another_folder_uses_that_repositorys_config() {
    let sb = Sandbox::new();
    let (t1, t2) = (telegram_token(81), telegram_token(82));
    sb.commit_file(
        "fixtures/bot.env",
        format!("{}\n", token_line(&t1)),
        "fixture",
    );
    let c2 = sb.commit_file("app/bot.env", format!("{}\n", token_line(&t2)), "app");
    sb.write(
        ".keywarden.toml",
        "[allowlist]\npaths = [\"fixtures/**\"]\n",
    );
    let outside = sb.tmp.path();
    let repo = sb.root.to_string_lossy().into_owned();
    let run = sb
        .kw_in(outside, &["history", "--format", "json", &repo])
        .run();
    run.code(1);
    assert_eq!(found(&run), [at("app/bot.env", 1, &c2)]);
}

/// A sandbox of three commits, each adding a fake bot token and 3 KiB of hex filler,
/// repacked into one pack with no loose objects; returns the pack's path.
fn packed_sandbox() -> (Sandbox, std::path::PathBuf) {
    let sb = Sandbox::new();
    for n in 0..3u64 {
        let filler = Gen::new(n).string(3000, "0123456789abcdef");
        let content = format!("{}\n{filler}\n", token_line(&telegram_token(90 + n)));
        sb.commit_file(&format!("svc{n}/bot.env"), content, &format!("svc {n}"));
    }
    sb.git(&["repack", "-q", "-a", "-d"]);
    sb.git(&["prune-packed"]);
    let pack = std::fs::read_dir(sb.path(".git/objects/pack"))
        .expect("pack folder")
        .map(|e| e.expect("entry").path())
        .find(|p| p.extension().is_some_and(|e| e == "pack"))
        .expect("a pack");
    (sb, pack)
}

/// Cut `pack` to `len` bytes, leaving its index as it was.
fn truncate_pack(pack: &std::path::Path, len: u64) {
    set_mode(pack, 0o644);
    let file = std::fs::OpenOptions::new().write(true).open(pack);
    file.expect("open the pack").set_len(len).expect("truncate");
}

/// Issue 4: a truncated pack is reported object by object, like any unreadable object: the
/// scan goes on, each unreadable object is a warning naming the truncated pack, and the exit
/// code says what was found: 1 if anything readable holds a secret, else 2 (the scan was
/// not complete). Nothing panics and the repository is not written.
#[test]
fn truncated_pack_is_reported_and_the_exit_code_says_what_was_found() {
    let (sb, pack) = packed_sandbox();
    let len = std::fs::metadata(&pack).expect("pack size").len();
    history(&sb, &[]).code(1);

    // The pack ends inside its last object (its index intact): the rest is scanned.
    truncate_pack(&pack, len - 21);
    let before = snapshot(&sb.root);
    let run = history(&sb, &[]);
    run.code(1);
    assert!(!found(&run).is_empty());
    assert!(
        run.stderr.contains("keywarden: warning: object ") && run.stderr.contains("truncated"),
        "{}",
        run.stderr
    );
    assert_unchanged(&before, &snapshot(&sb.root), "history of a truncated pack");

    // Cut in half: no tree can be read, so no blob is scanned and nothing is found.
    truncate_pack(&pack, len / 2);
    let before = snapshot(&sb.root);
    let run = history(&sb, &[]);
    run.code(2);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("truncated"), "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert_unchanged(&before, &snapshot(&sb.root), "history of a half pack");

    // Not even the pack header: HEAD cannot be resolved.
    truncate_pack(&pack, 8);
    let run = sb.kw(&["history"]).run();
    run.code(2);
    assert!(run.stderr.contains("resolving HEAD"), "{}", run.stderr);
    assert!(run.stderr.to_lowercase().contains("pack"), "{}", run.stderr);
}
