//! `keywarden commit-msg` and `keywarden install-hook`, then the installed hooks under a
//! real `git commit`.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use common::*;

fn is_executable(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o111 == 0o111)
}

#[test]
fn commit_msg_reports_a_secret_in_the_message() {
    let sb = Sandbox::new();
    let token = telegram_token(90);
    sb.write(
        "MSG",
        format!("Deploy the bot\n\nUses {} now.\n", token_line(&token)),
    );
    let run = sb.kw(&["commit-msg", "--format", "json", "MSG"]).run();
    run.code(1);
    assert_eq!(
        run.locations(),
        [loc("MSG", 3, 5 + TOKEN_COLUMN, "telegram-bot-token")]
    );
    assert!(!run.stdout.contains(&token[4..]));

    let text = sb.kw(&["commit-msg", "MSG"]).run();
    text.code(1);
    assert!(
        text.stdout.contains("scanned 1 commit message,"),
        "{}",
        text.stdout
    );

    sb.write(
        "CLEAN",
        "Deploy the bot\n\nReads the token from the environment.\n",
    );
    sb.kw(&["commit-msg", "CLEAN"]).run().code(0);
    let run = sb.kw(&["commit-msg", "MISSING"]).run();
    run.code(2);
    assert!(
        run.stderr.contains("cannot read commit message MISSING"),
        "{}",
        run.stderr
    );
}

#[test]
fn commit_msg_ignores_comment_lines() {
    let sb = Sandbox::new();
    let token = telegram_token(91);
    sb.write(
        "MSG",
        format!(
            "Deploy the bot\n\n# Please enter the commit message.\n# {}\n#{}\n",
            token_line(&token),
            token_line(&token)
        ),
    );
    sb.kw(&["commit-msg", "MSG"]).run().code(0);

    // Git keeps a line that only starts with spaces before `#`: so does keywarden.
    sb.write("MSG", format!("Deploy\n\n  # {}\n", token_line(&token)));
    let run = sb.kw(&["commit-msg", "--format", "json", "MSG"]).run();
    run.code(1);
    assert_eq!(
        run.locations(),
        [loc("MSG", 3, 4 + TOKEN_COLUMN, "telegram-bot-token")]
    );
}

/// `git commit -v` puts the staged diff in the message file below a scissors line, and git
/// drops everything below it, but commit-msg scanned it: removing a secret was blocked
/// because the diff's `-` line holds the secret being removed.
#[test]
fn commit_msg_ignores_the_verbose_diff_below_the_scissors_line() {
    let sb = Sandbox::new();
    let token = telegram_token(92);
    sb.write(
        "MSG",
        format!(
            "Remove the bot token\n\n\
             # Please enter the commit message for your changes. Lines starting\n\
             # with '#' will be ignored, and an empty message aborts the commit.\n\
             #\n\
             # ------------------------ >8 ------------------------\n\
             # Do not modify or remove the line above.\n\
             # Everything below it will be ignored.\n\
             diff --git a/bot.env b/bot.env\n\
             --- a/bot.env\n\
             +++ b/bot.env\n\
             @@ -1,2 +1 @@\n\
             \x20PORT=1\n\
             -{}\n",
            token_line(&token)
        ),
    );
    sb.kw(&["commit-msg", "MSG"]).run().code(0);

    // Above the scissors line the message is still scanned.
    let message = sb.read("MSG");
    sb.write("MSG", format!("{}\n{message}", token_line(&token)));
    let run = sb.kw(&["commit-msg", "--format", "json", "MSG"]).run();
    run.code(1);
    assert_eq!(
        run.locations(),
        [loc("MSG", 1, TOKEN_COLUMN, "telegram-bot-token")]
    );
}

#[test]
fn install_hook_writes_both_hooks_into_git_hooks() {
    let sb = Sandbox::new();
    let run = sb.kw(&["install-hook"]).run();
    run.code(0);
    for name in ["pre-commit", "commit-msg"] {
        let hook = sb.path(".git/hooks").join(name);
        assert!(is_executable(&hook), "{name} is not executable");
        let text = std::fs::read_to_string(&hook).expect("read hook");
        assert!(
            text.starts_with("#!/bin/sh\n# keywarden-hook v1: "),
            "{text}"
        );
        assert!(
            text.contains(&format!("KEYWARDEN=\"${{KEYWARDEN:-{BIN}}}\"")),
            "the hook calls this binary by default:\n{text}"
        );
        assert!(
            run.stderr.contains(&format!("hooks/{name}")),
            "{}",
            run.stderr
        );
    }
    // Installing again over keywarden's own hooks needs no flag.
    sb.kw(&["install-hook"]).run().code(0);

    let run = Sandbox::bare_folder().kw(&["install-hook"]).run();
    run.code(2);
    assert!(run.stderr.contains("keywarden: error: "), "{}", run.stderr);
}

#[test]
fn install_hook_follows_core_hooks_path() {
    let sb = Sandbox::new();
    sb.git(&["config", "core.hooksPath", "ci/hooks"]);
    // From a subfolder: a relative hooksPath is relative to the work tree root.
    std::fs::create_dir_all(sb.path("src/deep")).expect("mkdir");
    sb.kw_in(&sb.path("src/deep"), &["install-hook"])
        .run()
        .code(0);
    for name in ["pre-commit", "commit-msg"] {
        assert!(is_executable(&sb.path("ci/hooks").join(name)), "{name}");
        assert!(!sb.path(".git/hooks").join(name).exists(), "{name}");
    }

    let absolute = sb.tmp.path().join("shared-hooks");
    sb.git(&[
        "config",
        "core.hooksPath",
        absolute.to_str().expect("UTF-8 temp path"),
    ]);
    sb.kw(&["install-hook"]).run().code(0);
    assert!(is_executable(&absolute.join("pre-commit")));
    assert!(is_executable(&absolute.join("commit-msg")));

    // Git runs them from there: a staged secret is blocked.
    sb.write("bot.env", format!("{}\n", token_line(&telegram_token(93))));
    sb.git(&["add", "bot.env"]);
    let run = sb.git_cmd(&["commit", "-q", "-m", "add"]).run();
    assert_ne!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("keywarden blocked this commit"),
        "{}",
        run.stderr
    );
}

#[test]
fn install_hook_refuses_a_foreign_hook_and_chain_keeps_and_runs_it() {
    let sb = Sandbox::new();
    let ran = sb.tmp.path().join("foreign-ran");
    let foreign = format!(
        "#!/bin/sh\necho ran >> '{}'\nexit \"${{FOREIGN_EXIT:-0}}\"\n",
        ran.display()
    );
    let hook = sb.write(".git/hooks/pre-commit", &foreign);
    set_mode(&hook, 0o755);

    let run = sb.kw(&["install-hook"]).run();
    run.code(2);
    assert!(
        run.stderr
            .contains("pre-commit exists and is not keywarden's"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--chain") && run.stderr.contains("--force"));
    assert_eq!(sb.read(".git/hooks/pre-commit"), foreign, "left alone");
    assert!(
        !sb.path(".git/hooks/commit-msg").exists(),
        "nothing half-installed"
    );

    sb.kw(&["install-hook", "--chain"]).run().code(0);
    assert_eq!(sb.read(".git/hooks/pre-commit.keywarden-chained"), foreign);
    assert!(
        sb.read(".git/hooks/pre-commit")
            .contains("# keywarden-hook v1")
    );

    // A clean commit runs keywarden, then the kept hook.
    sb.write("README.md", "hello\n");
    sb.git(&["add", "README.md"]);
    sb.git(&["commit", "-q", "-m", "clean"]);
    assert_eq!(
        std::fs::read_to_string(&ran).expect("the kept hook ran"),
        "ran\n"
    );

    // The kept hook still decides: its failure blocks the commit.
    sb.write("README.md", "hello again\n");
    sb.git(&["add", "README.md"]);
    let run = sb
        .git_cmd(&["commit", "-q", "-m", "blocked by the other hook"])
        .env("FOREIGN_EXIT", "1")
        .run();
    assert_ne!(run.code, 0, "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&ran).expect("read"), "ran\nran\n");

    // A secret stops the commit before the kept hook runs.
    sb.write("bot.env", format!("{}\n", token_line(&telegram_token(94))));
    sb.git(&["add", "bot.env"]);
    let run = sb.git_cmd(&["commit", "-q", "-m", "secret"]).run();
    assert_ne!(run.code, 0);
    assert!(
        run.stderr.contains("keywarden blocked this commit"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read_to_string(&ran).expect("read"), "ran\nran\n");
}

#[test]
fn install_hook_force_replaces_a_foreign_hook() {
    let sb = Sandbox::new();
    sb.write(".git/hooks/commit-msg", "#!/bin/sh\nexit 0\n");
    sb.kw(&["install-hook", "--force"]).run().code(0);
    assert!(
        sb.read(".git/hooks/commit-msg")
            .contains("# keywarden-hook v1")
    );
    assert!(!sb.path(".git/hooks/commit-msg.keywarden-chained").exists());
    sb.kw(&["install-hook", "--force", "--chain"]).run().code(2);
}

#[test]
fn a_real_commit_with_a_staged_secret_is_blocked_and_a_clean_one_passes() {
    let sb = Sandbox::new();
    sb.kw(&["install-hook"]).run().code(0);
    let token = telegram_token(95);
    sb.write("bot.env", format!("PORT=1\n{}\n", token_line(&token)));
    sb.git(&["add", "bot.env"]);

    let run = sb.git_cmd(&["commit", "-m", "add the bot"]).run();
    assert_ne!(run.code, 0, "the commit went through:\n{}", run.stderr);
    let output = format!("{}{}", run.stdout, run.stderr);
    assert!(output.contains("bot.env:2:20"), "{output}");
    assert!(output.contains("telegram-bot-token"), "{output}");
    assert!(
        run.stderr
            .contains("keywarden blocked this commit: the staged lines above add a secret"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("keywarden:allow"), "{}", run.stderr);
    assert!(!output.contains(&token[4..]), "the hook printed the secret");
    assert_ne!(
        sb.git_cmd(&["rev-parse", "-q", "--verify", "HEAD"])
            .run()
            .code,
        0
    );

    // Fixed: the commit passes.
    sb.write(
        "bot.env",
        "PORT=1\nTELEGRAM_BOT_TOKEN=${TELEGRAM_BOT_TOKEN}\n",
    );
    sb.git(&["add", "bot.env"]);
    let run = sb.git_cmd(&["commit", "-q", "-m", "add the bot"]).run();
    run.code(0);
    assert_eq!(sb.git(&["log", "--format=%s"]), "add the bot");

    // The commit-msg hook blocks a secret in the message.
    let run = sb
        .git_cmd(&[
            "commit",
            "--allow-empty",
            "-m",
            &format!("debug {}", token_line(&token)),
        ])
        .run();
    assert_ne!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("its message carries a secret"),
        "{}",
        run.stderr
    );
    assert_eq!(sb.git(&["rev-list", "--count", "HEAD"]), "1");
}

/// The end-to-end form of the scissors bug: removing a committed secret with
/// `git commit -v` must pass both hooks.
#[test]
fn removing_a_secret_with_commit_verbose_passes_the_hooks() {
    let sb = Sandbox::new();
    let token = telegram_token(96);
    sb.commit_file(
        "bot.env",
        format!("PORT=1\n{}\n", token_line(&token)),
        "oops",
    );
    sb.kw(&["install-hook"]).run().code(0);
    sb.write("bot.env", "PORT=1\n");
    sb.git(&["add", "bot.env"]);
    let run = sb
        .git_cmd(&["commit", "-v", "-q"])
        .env("GIT_EDITOR", "sed -i -e '1s/^/Remove the token/'")
        .run();
    run.code(0);
    assert_eq!(sb.git(&["log", "-1", "--format=%s"]), "Remove the token");
}
