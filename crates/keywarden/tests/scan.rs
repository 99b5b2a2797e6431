//! `keywarden scan`: exit codes, standard input, JSON Lines and text output, redaction,
//! ignore files, skipped files, encodings, unreadable files, symlinks and odd paths.

mod common;

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

use common::*;
use serde_json::Value;

#[test]
fn a_clean_folder_exits_0_and_says_so() {
    let sb = Sandbox::new();
    sb.write(
        "app/settings.env",
        "PORT=8080\nTELEGRAM_BOT_TOKEN=${TELEGRAM_BOT_TOKEN}\n",
    );
    let run = sb.kw(&["scan"]).run();
    run.code(0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", run.stdout);
    assert!(lines[0].starts_with("scanned 1 file, "), "{}", lines[0]);
    assert_eq!(lines[1], "no secrets found");
    assert_eq!(run.stderr, "");
    let run = sb.kw(&["scan", "--format", "json", "."]).run();
    run.code(0);
    assert_eq!(run.stdout, "", "no JSON lines without findings");
}

#[test]
fn json_lines_carry_exactly_the_documented_fields() {
    let sb = Sandbox::new();
    let token = telegram_token(1);
    sb.write(
        "conf/bot.env",
        format!("# bot\nPORT=8080\n{}\n", token_line(&token)),
    );
    let run = sb.kw(&["scan", "--format", "json", "conf"]).run();
    run.code(1);
    let found = run.json();
    assert_eq!(found.len(), 1, "{}", run.stdout);
    let v = &found[0];
    let mut keys: Vec<&str> = v
        .as_object()
        .expect("object")
        .keys()
        .map(|k| k.as_str())
        .collect();
    keys.sort_unstable();
    let mut documented = JSON_FIELDS.to_vec();
    documented.sort_unstable();
    assert_eq!(keys, documented);

    let len = token.chars().count() as u64;
    assert_eq!(v["path"], "conf/bot.env");
    assert_eq!(v["line"], 3);
    assert_eq!(v["column"], TOKEN_COLUMN);
    assert_eq!(v["end_line"], 3);
    assert_eq!(
        v["end_column"],
        TOKEN_COLUMN + len,
        "end_column is exclusive"
    );
    assert_eq!(v["rule_id"], "telegram-bot-token");
    assert_eq!(v["title"], "Telegram bot token");
    assert_eq!(v["severity"], "critical");
    assert_eq!(v["confidence"], "high");
    let entropy = v["entropy"].as_f64().expect("entropy is a number");
    assert!(
        (entropy - shannon(&token)).abs() < 0.001,
        "entropy {entropy}, expected {}",
        shannon(&token)
    );
    let fingerprint = v["fingerprint"].as_str().expect("fingerprint");
    assert_eq!(fingerprint.len(), 32);
    assert!(fingerprint.chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(
        fingerprint,
        keywarden_engine::fingerprint("telegram-bot-token", token.as_bytes())
    );
    assert_eq!(v["secret"], format!("{}********", &token[..4]));
    assert_eq!(v["redacted"], true);
    assert!(!run.stdout.contains(&token[4..]), "the secret leaked");
}

#[test]
fn columns_count_characters_not_bytes() {
    let sb = Sandbox::new();
    let token = telegram_token(2);
    // "é", "ü" and "→" are 2, 2 and 3 bytes but one character each.
    sb.write("notes.txt", format!("é ü → {}\n", token_line(&token)));
    let run = sb.kw(&["scan", "--format", "json", "notes.txt"]).run();
    run.code(1);
    let v = &run.json()[0];
    assert_eq!(v["column"], 6 + TOKEN_COLUMN);
    assert_eq!(v["end_column"], 6 + TOKEN_COLUMN + token.len() as u64);
}

#[test]
fn redaction_levels() {
    let sb = Sandbox::new();
    let token = telegram_token(3);
    sb.write("bot.env", format!("{}\n", token_line(&token)));
    let secret_of = |args: &[&str]| -> (Value, Value) {
        let mut all = vec!["scan", "--format", "json"];
        all.extend_from_slice(args);
        all.push("bot.env");
        let run = sb.kw(&all).run();
        run.code(1);
        let v = run.json().remove(0);
        (v["secret"].clone(), v["redacted"].clone())
    };
    let prefix = format!("{}********", &token[..4]);
    assert_eq!(secret_of(&[]), (prefix.clone().into(), true.into()));
    assert_eq!(
        secret_of(&["--redact", "prefix"]),
        (prefix.into(), true.into())
    );
    assert_eq!(
        secret_of(&["--redact", "full"]),
        ("********".into(), true.into())
    );
    assert_eq!(
        secret_of(&["--redact", "none"]),
        (token.clone().into(), false.into())
    );
    assert_eq!(
        secret_of(&["--show-secrets"]),
        (token.clone().into(), false.into())
    );

    // Text output follows the same levels.
    let text = sb.kw(&["scan", "bot.env"]).run();
    assert!(!text.stdout.contains(&token[4..]), "{}", text.stdout);
    let full = sb.kw(&["scan", "--redact", "full", "bot.env"]).run();
    assert!(!full.stdout.contains(&token[..4]), "{}", full.stdout);
    let shown = sb.kw(&["scan", "--show-secrets", "bot.env"]).run();
    assert!(shown.stdout.contains(&token), "{}", shown.stdout);
}

#[test]
fn text_output_groups_by_file_and_ends_with_the_summary() {
    let sb = Sandbox::new();
    let (t1, t2, t3) = (telegram_token(4), telegram_token(5), binance_key(6));
    sb.write("a.env", format!("{}\n", token_line(&t1)));
    sb.write(
        "b/c.env",
        format!("x=1\n{}\nBINANCE_API_KEY={t3}\n", token_line(&t2)),
    );
    sb.write("clean.txt", "nothing here\n");
    let run = sb.kw(&["scan", "--color", "never"]).run();
    run.code(1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    let headers: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| !l.is_empty() && !l.starts_with(' '))
        .collect();
    assert_eq!(headers.len(), 4, "{}", run.stdout);
    assert_eq!(&headers[..2], ["a.env", "b/c.env"]);
    assert!(
        headers[2].starts_with("scanned 3 files, ")
            && headers[2].ends_with("; skipped 0 binary, 0 too large; 0 errors"),
        "{}",
        headers[2]
    );
    assert_eq!(
        headers[3],
        "3 findings (binance-api-key: 1, telegram-bot-token: 2)"
    );
    assert_eq!(
        lines.last(),
        Some(&headers[3]),
        "the summary ends the report"
    );
    assert!(
        lines.contains(
            &format!(
                "  a.env:1:20  telegram-bot-token  {}********  [critical, high confidence]  \
             Telegram bot token",
                &t1[..4]
            )
            .as_str()
        ),
        "{}",
        run.stdout
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("  b/c.env:2:20  telegram-bot-token"))
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("  b/c.env:3:17  binance-api-key"))
    );
    // The findings of one file sit under its header, before the next file's.
    let pos = |needle: &str| {
        lines
            .iter()
            .position(|l| l.starts_with(needle))
            .expect(needle)
    };
    assert!(pos("a.env") < pos("  a.env:1:20") && pos("  a.env:1:20") < pos("b/c.env"));
    assert!(pos("b/c.env") < pos("  b/c.env:2:20"));
    assert!(!run.stdout.contains('\x1b'), "no colour with --color never");
}

#[test]
fn exit_code_2_for_a_missing_path_a_bad_flag_and_bad_rule_files() {
    let sb = Sandbox::new();
    let token = telegram_token(7);
    sb.write("bot.env", format!("{}\n", token_line(&token)));

    let run = sb.kw(&["scan", "bot.env", "no-such-dir"]).run();
    run.code(2);
    assert!(
        run.stderr.contains("no-such-dir: no such file or folder"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout, "", "nothing is scanned when a path is missing");

    for bad in [
        &["scan", "--bogus"][..],
        &["scan", "--format", "xml"],
        &["scan", "--redact", "some"],
        &["scan", "--max-file-size", "big"],
        &["scan", "-j", "many"],
        &["frobnicate"],
    ] {
        let run = sb.kw(bad).run();
        run.code(2);
        assert!(run.stderr.starts_with("error: "), "{bad:?}: {}", run.stderr);
        assert_eq!(run.stdout, "");
    }

    // Thousands of threads once made the walk spin for minutes: refused up front.
    for cmd in ["scan", "history"] {
        let run = sb.kw(&[cmd, "-j", "10000", "."]).run();
        run.code(2);
        assert!(
            run.stderr.contains("use at most 64"),
            "{cmd}: {}",
            run.stderr
        );
    }
    sb.kw(&["scan", "-j", "64", "bot.env"]).run().code(1);
    let run = sb
        .kw(&["scan", "--redact", "full", "--show-secrets", "bot.env"])
        .run();
    run.code(2);
    assert!(run.stderr.contains("cannot be used with"), "{}", run.stderr);

    let run = sb.kw(&["scan", "--rules", "missing-rules.toml", "."]).run();
    run.code(2);
    assert!(
        run.stderr
            .contains("cannot read rule file missing-rules.toml"),
        "{}",
        run.stderr
    );

    sb.write("not-toml.toml", "[[rules]\nid = \n");
    let run = sb.kw(&["scan", "--rules", "not-toml.toml", "."]).run();
    run.code(2);
    assert!(run.stderr.contains("not-toml.toml"), "{}", run.stderr);

    sb.write(
        "bad-regex.toml",
        "[[rules]]\nid = \"broken\"\ntitle = \"Broken\"\nseverity = \"high\"\n\
         keywords = [\"brk\"]\npatterns = ['(?P<secret>brk(']\n",
    );
    let run = sb.kw(&["scan", "--rules", "bad-regex.toml", "."]).run();
    run.code(2);
    assert!(run.stderr.contains("broken"), "{}", run.stderr);
    assert_eq!(run.stdout, "");
}

#[test]
fn a_rules_file_adds_rules() {
    let sb = Sandbox::new();
    sb.write(
        "extra.toml",
        "[[rules]]\nid = \"acme-token\"\ntitle = \"Acme token\"\nseverity = \"low\"\n\
         keywords = [\"acme_\"]\npatterns = ['(?P<secret>acme_[A-Za-z0-9]{24})']\n",
    );
    let value = format!("acme_{}", Gen::new(8).string(24, ALNUM));
    sb.write("svc.cfg", format!("token: {value}\n"));
    let run = sb
        .kw(&[
            "scan",
            "--format",
            "json",
            "--rules",
            "extra.toml",
            "svc.cfg",
        ])
        .run();
    run.code(1);
    assert_eq!(run.locations(), [loc("svc.cfg", 1, 8, "acme-token")]);
    assert_eq!(run.json()[0]["severity"], "low");
    assert_eq!(run.json()[0]["title"], "Acme token");
}

#[test]
fn stdin_is_read_for_a_dash() {
    let sb = Sandbox::new();
    let (t1, t2) = (telegram_token(9), telegram_token(10));
    let run = sb
        .kw(&["scan", "--format", "json", "-"])
        .stdin(format!("a=1\n{}\n", token_line(&t1)))
        .run();
    run.code(1);
    assert_eq!(run.locations(), [loc("-", 2, 20, "telegram-bot-token")]);

    sb.write("file.env", format!("{}\n", token_line(&t2)));
    let run = sb
        .kw(&["scan", "--format", "json", "file.env", "-"])
        .stdin(format!("{}\n", token_line(&t1)))
        .run();
    run.code(1);
    let mut found = run.locations();
    found.sort();
    assert_eq!(
        found,
        [
            loc("-", 1, 20, "telegram-bot-token"),
            loc("file.env", 1, 20, "telegram-bot-token")
        ]
    );
}

/// The summary of a scan of standard input alone said "scanned 1 , 10 B": the unit came
/// from the empty walk it was merged into.
#[test]
fn stdin_alone_summary_names_its_unit() {
    let sb = Sandbox::new();
    let clean = sb.kw(&["scan", "-"]).stdin("PORT=8080\n").run();
    clean.code(0);
    assert!(
        clean.stdout.starts_with("scanned 1 file, 10 B in "),
        "{}",
        clean.stdout
    );
    let run = sb
        .kw(&["scan", "-"])
        .stdin(format!("{}\n", token_line(&telegram_token(23))))
        .run();
    run.code(1);
    assert!(run.stdout.contains("\nscanned 1 file, "), "{}", run.stdout);
}

#[test]
fn gitignore_and_ignore_files_are_honoured_and_dot_git_is_skipped() {
    for in_repo in [true, false] {
        let sb = if in_repo {
            Sandbox::new()
        } else {
            Sandbox::bare_folder()
        };
        let token = |seed| format!("{}\n", token_line(&telegram_token(seed)));
        sb.write(".gitignore", "ignored.env\nbuild/\n");
        sb.write(".ignore", "private/\n");
        sb.write("kept.env", token(11));
        sb.write("ignored.env", token(12));
        sb.write("build/out.env", token(13));
        sb.write("private/x.env", token(14));
        sb.write(".git/leak.env", token(15));
        sb.write("sub/.git/leak.env", token(16));

        let run = sb.kw(&["scan", "--format", "json"]).run();
        run.code(1);
        assert_eq!(
            run.locations(),
            [loc("kept.env", 1, 20, "telegram-bot-token")],
            "in a repository: {in_repo}"
        );

        let run = sb.kw(&["scan", "--format", "json", "--no-ignore"]).run();
        run.code(1);
        let paths: Vec<String> = run.locations().into_iter().map(|l| l.0).collect();
        assert_eq!(
            paths,
            ["build/out.env", "ignored.env", "kept.env", "private/x.env"],
            "--no-ignore still skips .git/ (in a repository: {in_repo})"
        );
    }
}

#[test]
fn binary_and_oversized_files_are_skipped_and_counted() {
    let sb = Sandbox::new();
    let line = format!("{}\n", token_line(&telegram_token(17)));
    let mut binary = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    binary.extend_from_slice(line.as_bytes());
    sb.write("logo.png", &binary);
    // 1000 bytes: at the limit, scanned. 1001 bytes: over it, skipped.
    let at_limit = format!("{line}{}", "#".repeat(1000 - line.len()));
    let over_limit = format!("{at_limit}#");
    sb.write("at-limit.env", &at_limit);
    sb.write("over-limit.env", &over_limit);

    let run = sb
        .kw(&["scan", "--format", "json", "--max-file-size", "1000"])
        .run();
    run.code(1);
    assert_eq!(
        run.locations(),
        [loc("at-limit.env", 1, 20, "telegram-bot-token")]
    );

    let run = sb.kw(&["scan", "--max-file-size", "1000"]).run();
    let summary = run.stdout.lines().rev().nth(1).expect("summary line");
    assert!(summary.starts_with("scanned 1 file, "), "{summary}");
    assert!(
        summary.ends_with("skipped 1 binary, 1 too large; 0 errors"),
        "{summary}"
    );

    // Without findings the skipped files do not change the exit code.
    std::fs::remove_file(sb.path("at-limit.env")).expect("rm");
    let run = sb.kw(&["scan", "--max-file-size", "1000"]).run();
    run.code(0);
    assert!(
        run.stdout.contains("skipped 1 binary, 1 too large"),
        "{}",
        run.stdout
    );
    // ... but the skipped file is named, and how to scan it said.
    assert!(
        run.stderr.contains(
            "warning: over-limit.env: not scanned, 1001 bytes is over the size limit of 1000"
        ) && run.stderr.contains("--max-file-size"),
        "{}",
        run.stderr
    );

    // The default limit (10 MiB) scans the 1001-byte file.
    let run = sb.kw(&["scan", "--format", "json"]).run();
    run.code(1);
    assert_eq!(
        run.locations(),
        [loc("over-limit.env", 1, 20, "telegram-bot-token")]
    );
}

#[test]
fn crlf_bom_utf16_and_invalid_utf8_files_are_scanned() {
    let sb = Sandbox::new();
    let token = telegram_token(18);
    let line = token_line(&token);
    sb.write("crlf.env", format!("a=1\r\n{line}\r\nb=2\r\n"));
    sb.write("bom.env", format!("\u{feff}{line}\n"));
    let utf16 = |le: bool| {
        let mut bytes = if le {
            vec![0xFF, 0xFE]
        } else {
            vec![0xFE, 0xFF]
        };
        for unit in format!("x=1\n{line}\n").encode_utf16() {
            bytes.extend(if le {
                unit.to_le_bytes()
            } else {
                unit.to_be_bytes()
            });
        }
        bytes
    };
    sb.write("utf16le.env", utf16(true));
    sb.write("utf16be.env", utf16(false));
    // A byte-order mark in front of text that is not UTF-16 must not hide it.
    for (name, bom) in [
        ("fake-bom-le.env", b"\xff\xfe"),
        ("fake-bom-be.env", b"\xfe\xff"),
    ] {
        let mut bytes = bom.to_vec();
        bytes.extend_from_slice(format!("\n{line}\n").as_bytes());
        sb.write(name, bytes);
    }
    let mut invalid = b"caf\xe9 \xff\xfe\n".to_vec();
    invalid.extend_from_slice(format!("{line}\n").as_bytes());
    // An invalid byte before the secret on its line counts as one character.
    invalid.extend_from_slice(b"\xe9");
    invalid.extend_from_slice(format!("{line}\n").as_bytes());
    sb.write("latin1.env", invalid);
    let mut nul = format!("{line}\n").into_bytes();
    nul.extend_from_slice(b"\0\0\0");
    sb.write("nul.env", nul);

    let run = sb.kw(&["scan", "--format", "json", "--show-secrets"]).run();
    run.code(1);
    let end = TOKEN_COLUMN + token.len() as u64;
    let found: Vec<(String, u64, u64, u64)> = run
        .json()
        .iter()
        .map(|v| {
            assert_eq!(v["secret"], token.as_str(), "{v}");
            (
                v["path"].as_str().expect("path").to_string(),
                v["line"].as_u64().expect("line"),
                v["column"].as_u64().expect("column"),
                v["end_column"].as_u64().expect("end_column"),
            )
        })
        .collect();
    let expected = [
        ("bom.env", 1, TOKEN_COLUMN, end),
        ("crlf.env", 2, TOKEN_COLUMN, end),
        ("fake-bom-be.env", 2, TOKEN_COLUMN, end),
        ("fake-bom-le.env", 2, TOKEN_COLUMN, end),
        ("latin1.env", 2, TOKEN_COLUMN, end),
        ("latin1.env", 3, TOKEN_COLUMN + 1, end + 1),
        ("utf16be.env", 2, TOKEN_COLUMN, end),
        ("utf16le.env", 2, TOKEN_COLUMN, end),
    ];
    let expected: Vec<(String, u64, u64, u64)> = expected
        .iter()
        .map(|&(p, l, c, e)| (p.to_string(), l, c, e))
        .collect();
    assert_eq!(found, expected);

    let text = sb.kw(&["scan"]).run();
    assert!(
        text.stdout.contains("skipped 1 binary, 0 too large"),
        "the NUL-containing file is binary: {}",
        text.stdout
    );
    assert!(
        !text.stdout.contains('\r'),
        "no carriage return in the shown lines"
    );
}

/// A file that cannot be read is reported on stderr and the scan goes on. Root reads
/// whatever the permission bits say, so as root the scan runs again as `nobody` (through
/// `setpriv`), which cannot read a mode-000 file.
#[test]
fn an_unreadable_file_is_reported_and_the_scan_goes_on() {
    let sb = Sandbox::new();
    let token = telegram_token(19);
    sb.write("readable.env", format!("{}\n", token_line(&token)));
    let locked = sb.write(
        "locked.env",
        format!("{}\n", token_line(&telegram_token(20))),
    );
    set_mode(&locked, 0o000);

    let as_root = permission_bits_are_ignored(&sb.root);
    let run_scan = |args: &[&str]| -> Run {
        if !as_root {
            return sb.kw(args).run();
        }
        sb.kw_as_nobody(args).run()
    };
    if as_root {
        // First, what root itself sees: the file is read like any other.
        let run = sb.kw(&["scan", "--format", "json"]).run();
        run.code(1);
        assert_eq!(
            run.json().len(),
            2,
            "root reads mode-000 files: {}",
            run.stdout
        );
        assert_eq!(run.stderr, "");
    }

    let run = run_scan(&["scan", "--format", "json"]);
    run.code(1);
    assert_eq!(
        run.locations(),
        [loc("readable.env", 1, 20, "telegram-bot-token")]
    );
    assert!(
        run.stderr
            .contains("keywarden: warning: locked.env: cannot read: Permission denied"),
        "{}",
        run.stderr
    );

    // A baseline written without the unreadable file is incomplete: that is an error.
    let run = run_scan(&["scan", "--write-baseline", "/dev/null"]);
    run.code(2);
    assert!(
        run.stderr.contains("wrote 1 finding to baseline")
            && run
                .stderr
                .contains("the baseline is incomplete: 1 unreadable"),
        "{}",
        run.stderr
    );

    let run = run_scan(&["scan", "locked.env"]);
    run.code(2);
    assert!(run.stdout.contains("; 1 error\n"), "{}", run.stdout);
    assert!(
        run.stderr.contains("locked.env: cannot read"),
        "{}",
        run.stderr
    );

    // An unreadable folder too.
    set_mode(&locked, 0o644);
    std::fs::remove_file(&locked).expect("rm");
    sb.write(
        "vault/keys.env",
        format!("{}\n", token_line(&telegram_token(27))),
    );
    set_mode(&sb.path("vault"), 0o000);
    let run = run_scan(&["scan", "--format", "json"]);
    // A file named inside it is reported once, not by both the path check and the walk.
    let inside = run_scan(&["scan", "vault/keys.env"]);
    set_mode(&sb.path("vault"), 0o755);
    run.code(1);
    assert_eq!(
        run.locations(),
        [loc("readable.env", 1, 20, "telegram-bot-token")]
    );
    assert!(
        run.stderr.contains("vault: Permission denied"),
        "{}",
        run.stderr
    );
    inside.code(2);
    assert!(inside.stdout.contains("; 1 error\n"), "{}", inside.stdout);
    assert_eq!(
        inside.stderr.matches("Permission denied").count(),
        1,
        "{}",
        inside.stderr
    );
}

#[test]
fn symlink_loops_do_not_hang_and_links_are_not_followed() {
    let sb = Sandbox::new();
    let token = telegram_token(21);
    sb.write("real/bot.env", format!("{}\n", token_line(&token)));
    let link = |target: &str, name: &str| {
        std::os::unix::fs::symlink(target, sb.path(name)).expect("symlink");
    };
    link("..", "real/up");
    link(".", "real/here");
    link("loop-b", "loop-a");
    link("loop-a", "loop-b");
    link("self", "self");
    link("real", "alias");

    let run = sb.kw(&["scan", "--format", "json"]).run();
    run.code(1);
    assert_eq!(
        run.locations(),
        [loc("real/bot.env", 1, 20, "telegram-bot-token")],
        "found once, not again through a link"
    );
    assert_eq!(run.stderr, "");

    let run = sb.kw(&["scan", "loop-a"]).run();
    run.code(2);
    assert!(run.stderr.contains("loop-a"), "{}", run.stderr);
}

#[test]
fn a_path_with_non_utf8_bytes_is_scanned_and_shown_lossily() {
    let sb = Sandbox::new();
    let name = OsStr::from_bytes(b"caf\xe9-\xff.env");
    let token = telegram_token(22);
    sb.write(name, format!("x=1\n{}\n", token_line(&token)));

    let run = sb.kw(&["scan", "--format", "json"]).run();
    run.code(1);
    assert_eq!(
        run.locations(),
        [loc("caf\u{fffd}-\u{fffd}.env", 2, 20, "telegram-bot-token")]
    );

    let run = sb
        .kw(&[
            OsStr::new("scan"),
            OsStr::new("--format"),
            OsStr::new("json"),
            name,
        ])
        .run();
    run.code(1);
    assert_eq!(
        run.locations(),
        [loc("caf\u{fffd}-\u{fffd}.env", 2, 20, "telegram-bot-token")]
    );

    let run = sb.kw(&["scan"]).run();
    run.code(1);
    assert!(
        run.stdout.contains("caf\u{fffd}-\u{fffd}.env:2:20"),
        "{}",
        run.stdout
    );
}

/// The text report showed each finding's line with only that finding's secret masked, so
/// a line holding two (`Client(api_key, secret_key)`, or a token and its copy) printed the
/// other in full under the default redaction.
#[test]
fn text_output_masks_every_secret_on_a_shown_line() {
    let sb = Sandbox::new();
    let (k1, k2) = (binance_key(24), binance_key(25));
    let token = telegram_token(26);
    sb.write(
        "trade.py",
        format!(
            "from binance.client import Client\nclient = Client(\"{k1}\", \"{k2}\")\n\
             {}  # same as {token}\n",
            token_line(&token)
        ),
    );
    let run = sb.kw(&["scan", "--format", "json", "trade.py"]).run();
    run.code(1);
    assert_eq!(
        run.locations(),
        [
            loc("trade.py", 2, 18, "binance-api-key"),
            loc("trade.py", 2, 86, "binance-secret-key"),
            loc("trade.py", 3, 20, "telegram-bot-token"),
            loc("trade.py", 3, 78, "telegram-bot-token"),
        ]
    );
    for args in [
        &["scan", "trade.py"][..],
        &["scan", "--redact", "full", "trade.py"],
    ] {
        let run = sb.kw(args).run();
        run.code(1);
        for secret in [&k1, &k2, &token] {
            assert!(
                !run.stdout.contains(&secret[4..16]),
                "{args:?} leaked a secret:\n{}",
                run.stdout
            );
        }
    }
    let run = sb.kw(&["scan", "trade.py"]).run();
    assert!(
        run.stdout.contains(&format!(
            "    client = Client(\"{}********\", \"{}********\")\n",
            &k1[..4],
            &k2[..4]
        )),
        "{}",
        run.stdout
    );
    let shown = sb.kw(&["scan", "--show-secrets", "trade.py"]).run();
    for secret in [&k1, &k2, &token] {
        assert!(shown.stdout.contains(secret.as_str()), "{}", shown.stdout);
    }
}

/// The text report printed file names as they were, so a file named with an escape
/// sequence (git allows it) could drive the terminal of whoever scanned the repository.
#[test]
fn text_output_neutralises_control_characters_in_file_names() {
    let sb = Sandbox::new();
    sb.write(
        "evil\x1b[2J\x1b]0;pwned\x07.env",
        format!("{}\n", token_line(&telegram_token(28))),
    );
    let run = sb.kw(&["scan", "--color", "never"]).run();
    run.code(1);
    assert!(
        !run.stdout.contains('\x1b') && !run.stdout.contains('\x07'),
        "{:?}",
        run.stdout
    );
    assert!(run.stdout.contains("evil\u{fffd}[2J"), "{}", run.stdout);
    // JSON escapes them, and keeps the name as it is.
    let run = sb.kw(&["scan", "--format", "json"]).run();
    assert_eq!(run.json()[0]["path"], "evil\x1b[2J\x1b]0;pwned\x07.env");
}

/// A FIFO or device named on the command line was skipped silently with exit 0: a scan
/// that did not happen passed.
#[test]
fn a_named_device_is_an_error_not_a_silent_pass() {
    let sb = Sandbox::new();
    let run = sb.kw(&["scan", "/dev/zero"]).run();
    run.code(2);
    assert!(
        run.stderr.contains("not a regular file or folder"),
        "{}",
        run.stderr
    );
}

/// `scan -` read all of standard input whatever its size: `< /dev/zero` grew without
/// bound. It is now held to --max-file-size.
#[test]
fn stdin_over_the_size_limit_is_refused() {
    let sb = Sandbox::new();
    let run = sb
        .kw(&["scan", "--max-file-size", "100", "-"])
        .stdin(vec![b'a'; 1000])
        .run();
    run.code(2);
    assert!(
        run.stderr.contains("larger than --max-file-size"),
        "{}",
        run.stderr
    );
}

#[cfg(unix)]
#[test]
fn a_backslash_in_a_unix_file_name_is_kept() {
    let sb = Sandbox::new();
    let token = telegram_token(31);
    sb.write("dir/back\\slash.env", format!("{}\n", token_line(&token)));
    let run = sb.kw(&["scan", "--format", "json", "."]).run();
    run.code(1);
    assert_eq!(run.paths(), ["dir/back\\slash.env"]);
}
