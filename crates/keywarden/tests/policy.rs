//! Repository policy through the command: `.keywarden.toml` (discovery, `--config`,
//! `--no-config`, allowlists, rule changes, errors), `keywarden init`, inline allow markers
//! and baselines.

mod common;

use common::*;

/// Two fake secrets of different rules, one per line: a bot token on line 1 and a Binance
/// key on line 2.
fn two_secrets(seed: u64) -> (String, String, String) {
    let token = telegram_token(seed);
    let key = binance_key(seed + 1);
    let text = format!("{}\nBINANCE_API_KEY={key}\n", token_line(&token));
    (text, token, key)
}

fn rules_found(run: &Run) -> Vec<String> {
    run.json()
        .iter()
        .map(|v| format!("{}:{}", v["path"].as_str().unwrap_or(""), v["rule_id"]))
        .map(|s| s.replace('"', ""))
        .collect()
}

#[test]
fn config_is_discovered_from_the_current_folder_up_to_the_repository_root() {
    let sb = Sandbox::new();
    sb.write(
        ".keywarden.toml",
        "[allowlist]\npaths = [\"fixtures/**\"]\n",
    );
    let (text, _, _) = two_secrets(30);
    sb.write("fixtures/bot.env", &text);
    sb.write("app/deep/er/bot.env", &text);

    // From the root and from a subfolder, the root's config applies; paths are relative
    // to the config's folder whatever the current folder.
    let run = sb.kw(&["scan", "--format", "json"]).run();
    run.code(1);
    assert_eq!(
        rules_found(&run),
        [
            "app/deep/er/bot.env:telegram-bot-token",
            "app/deep/er/bot.env:binance-api-key"
        ]
    );
    let deep = sb.path("app/deep/er");
    let run = sb.kw_in(&deep, &["scan", "--format", "json"]).run();
    run.code(1);
    assert_eq!(
        rules_found(&run),
        ["bot.env:telegram-bot-token", "bot.env:binance-api-key"]
    );
    let run = sb
        .kw_in(&deep, &["scan", "--format", "json", "../../../fixtures"])
        .run();
    run.code(0);

    // A nearer config wins. (Without the Binance rule, the generic rule would take the key.)
    sb.write(
        "app/.keywarden.toml",
        "[rules]\ndisable = [\"binance-api-key\", \"generic-secret\"]\n",
    );
    let run = sb.kw_in(&deep, &["scan", "--format", "json"]).run();
    run.code(1);
    assert_eq!(rules_found(&run), ["bot.env:telegram-bot-token"]);

    // A config above the repository root is not the repository's.
    let outside = Sandbox::new();
    std::fs::write(
        outside.tmp.path().join(".keywarden.toml"),
        "[rules]\ndisable = [\"telegram-bot-token\"]\n",
    )
    .expect("write");
    outside.write("bot.env", &text);
    let run = outside.kw(&["scan", "--format", "json"]).run();
    run.code(1);
    assert_eq!(
        rules_found(&run),
        ["bot.env:telegram-bot-token", "bot.env:binance-api-key"]
    );
}

#[test]
fn config_flag_and_no_config() {
    let sb = Sandbox::new();
    let (text, _, _) = two_secrets(32);
    sb.write("bot.env", &text);
    sb.write(
        ".keywarden.toml",
        "[rules]\ndisable = [\"telegram-bot-token\"]\n",
    );
    let elsewhere = sb.tmp.path().join("ci.toml");
    let disable = "[rules]\ndisable = [\"binance-api-key\", \"generic-secret\"]\n";
    std::fs::write(&elsewhere, disable).expect("write");

    let run = sb.kw(&["scan", "--format", "json"]).run();
    assert_eq!(rules_found(&run), ["bot.env:binance-api-key"]);
    let run = sb
        .kw(&["scan", "--format", "json", "--config"])
        .run_with_arg(&elsewhere);
    assert_eq!(rules_found(&run), ["bot.env:telegram-bot-token"]);
    let run = sb.kw(&["scan", "--format", "json", "--no-config"]).run();
    assert_eq!(
        rules_found(&run),
        ["bot.env:telegram-bot-token", "bot.env:binance-api-key"]
    );

    let run = sb.kw(&["scan", "--config", "missing.toml"]).run();
    run.code(2);
    assert!(
        run.stderr.contains("cannot read config missing.toml"),
        "{}",
        run.stderr
    );
    sb.kw(&["scan", "--config", "x.toml", "--no-config"])
        .run()
        .code(2);
}

trait RunWithArg {
    fn run_with_arg(self, arg: &std::path::Path) -> Run;
}

impl RunWithArg for Kw {
    fn run_with_arg(mut self, arg: &std::path::Path) -> Run {
        self.cmd.arg(arg);
        self.run()
    }
}

#[test]
fn allowlists_by_path_secret_line_and_stopword() {
    let sb = Sandbox::new();
    let (t1, t2, t3, t4) = (
        telegram_token(40),
        telegram_token(41),
        telegram_token(42),
        telegram_token(43),
    );
    // The stopword is spliced into a token so that the token is still found without it.
    let sandboxed = format!("{}SandBox{}", &t4[..16], &t4[23..]);
    sb.write("tests/fixtures/bot.env", format!("{}\n", token_line(&t1)));
    sb.write(
        "src/bot.env",
        format!(
            "{}\n{}  # documented example\n{}\n{}\n",
            token_line(&t2),
            token_line(&t3),
            token_line(&sandboxed),
            token_line(&t4),
        ),
    );
    let all = sb.kw(&["scan", "--format", "json", "--no-config"]).run();
    assert_eq!(
        all.locations(),
        [
            loc("src/bot.env", 1, 20, "telegram-bot-token"),
            loc("src/bot.env", 2, 20, "telegram-bot-token"),
            loc("src/bot.env", 3, 20, "telegram-bot-token"),
            loc("src/bot.env", 4, 20, "telegram-bot-token"),
            loc("tests/fixtures/bot.env", 1, 20, "telegram-bot-token"),
        ]
    );

    let suffix = &t2[t2.len() - 6..];
    let cases = [
        ("paths = [\"tests/**\"]", "tests/fixtures/bot.env", 1),
        (&*format!("secrets = ['{suffix}$']"), "src/bot.env", 1),
        ("lines = ['documented example']", "src/bot.env", 2),
        ("stopwords = [\"sandbox\"]", "src/bot.env", 3),
    ];
    for (entry, path, line) in cases {
        sb.write(".keywarden.toml", format!("[allowlist]\n{entry}\n"));
        let run = sb.kw(&["scan", "--format", "json"]).run();
        run.code(1);
        let expected: Vec<_> = all
            .locations()
            .into_iter()
            .filter(|l| !(l.0 == path && l.1 == line))
            .collect();
        assert_eq!(run.locations(), expected, "allowlist entry {entry}");
    }

    // Everything allowed: exit 0.
    sb.write(
        ".keywarden.toml",
        "[allowlist]\npaths = [\"tests/**\", \"src/*.env\"]\n",
    );
    sb.kw(&["scan"]).run().code(0);
}

#[test]
fn a_per_rule_allowlist_only_covers_its_rule() {
    let sb = Sandbox::new();
    let token = telegram_token(44);
    let key = binance_key(45);
    sb.write(
        "conf/app.env",
        format!(
            "{}  # test_fixture\nBINANCE_API_KEY={key}  # test_fixture\n",
            token_line(&token)
        ),
    );
    sb.write(
        ".keywarden.toml",
        "[rule-allowlist.telegram-bot-token]\nlines = ['test_fixture']\n\n\
         [rule-allowlist.binance-api-key]\npaths = [\"docs/**\"]\n",
    );
    let run = sb.kw(&["scan", "--format", "json"]).run();
    run.code(1);
    assert_eq!(
        run.locations(),
        [loc("conf/app.env", 2, 17, "binance-api-key")]
    );

    std::fs::rename(sb.path("conf"), sb.path("docs")).expect("mv");
    let run = sb.kw(&["scan", "--format", "json"]).run();
    run.code(0);
}

#[test]
fn rules_are_disabled_overridden_and_added() {
    let sb = Sandbox::new();
    let (text, _, _) = two_secrets(46);
    let internal = format!("itk_{}", Gen::new(47).string(32, ALNUM));
    sb.write("app.env", format!("{text}INTERNAL={internal}\n"));
    sb.write(
        ".keywarden.toml",
        r#"
[rules]
# Without the Binance rule, the generic one would take the key.
disable = ["binance-api-key", "generic-secret"]

[rules.overrides.telegram-bot-token]
severity = "low"

[[rule]]
id = "internal-service-token"
title = "Internal service token"
severity = "high"
keywords = ["itk_"]
patterns = ['(?P<secret>itk_[A-Za-z0-9]{32})']
"#,
    );
    let run = sb.kw(&["scan", "--format", "json"]).run();
    run.code(1);
    assert_eq!(
        run.locations(),
        [
            loc("app.env", 1, 20, "telegram-bot-token"),
            loc("app.env", 3, 10, "internal-service-token"),
        ]
    );
    let found = run.json();
    assert_eq!(found[0]["severity"], "low");
    assert_eq!(found[1]["severity"], "high");
    assert_eq!(found[1]["title"], "Internal service token");

    let rules = sb.kw(&["rules"]).run();
    rules.code(0);
    assert!(
        !rules.stdout.contains("binance-api-key "),
        "{}",
        rules.stdout
    );
    assert!(
        rules
            .stdout
            .lines()
            .any(|l| l.starts_with("telegram-bot-token ") && l.contains(" low ")),
        "{}",
        rules.stdout
    );
    assert!(rules.stdout.contains("internal-service-token"));
}

#[test]
fn an_invalid_config_exits_2_naming_the_file_and_line() {
    let sb = Sandbox::new();
    sb.write("bot.env", format!("{}\n", token_line(&telegram_token(48))));
    let cases = [
        // A type error on line 4.
        (
            "[scan]\n\n[allowlist]\npaths = \"tests/**\"\n",
            ".keywarden.toml:4:",
        ),
        // A misspelt key on line 2.
        ("[allowlist]\npath = [\"a\"]\n", ".keywarden.toml:2:"),
        // Not TOML at all, line 3.
        (
            "[rules]\ndisable = []\nthis is not toml\n",
            ".keywarden.toml:3:",
        ),
    ];
    for (text, expected) in cases {
        sb.write(".keywarden.toml", text);
        for args in [
            &["scan"][..],
            &["rules"],
            &["scan", "--config", ".keywarden.toml"],
        ] {
            let run = sb.kw(args).run();
            run.code(2);
            // A discovered file is named by its absolute path, --config's as given.
            let first = run.stderr.lines().next().unwrap_or("");
            assert!(
                first.starts_with("keywarden: error: ") && first.contains(expected),
                "{args:?} with {text:?}: {}",
                run.stderr
            );
            assert_eq!(run.stdout, "");
        }
    }

    // Well-formed TOML with unusable values: named by section and value.
    let cases = [
        (
            "[allowlist]\nsecrets = ['(unclosed']\n",
            "allowlist.secrets: bad regex `(unclosed`",
        ),
        (
            "[rule-allowlist.jwt]\npaths = ['a/[b']\n",
            "rule-allowlist.jwt.paths: bad glob `a/[b`",
        ),
        ("[rules]\ndisable = ['no-such-rule']\n", "`no-such-rule`"),
        (
            "[rules.overrides.jwt]\nmin_entropy = 2.0\n",
            "min_entropy must be between 0 and 1",
        ),
    ];
    for (text, expected) in cases {
        sb.write(".keywarden.toml", text);
        let run = sb.kw(&["scan"]).run();
        run.code(2);
        assert!(
            run.stderr.starts_with("keywarden: error: ")
                && run.stderr.contains(".keywarden.toml")
                && run.stderr.contains(expected),
            "{text:?}: {}",
            run.stderr
        );
    }
}

#[test]
fn init_writes_a_config_that_parses_and_does_not_overwrite() {
    let sb = Sandbox::new();
    let token = telegram_token(49);
    sb.write("bot.env", format!("{}\n", token_line(&token)));

    let run = sb.kw(&["init"]).run();
    run.code(0);
    assert!(
        run.stderr.contains("wrote .keywarden.toml"),
        "{}",
        run.stderr
    );
    let written = sb.read(".keywarden.toml");
    assert!(written.contains("[allowlist]"), "{written}");

    // It parses: scans and the rule listing run with it, and it changes nothing.
    let run = sb.kw(&["scan", "--format", "json"]).run();
    run.code(1);
    assert_eq!(
        run.locations(),
        [loc("bot.env", 1, 20, "telegram-bot-token")]
    );
    sb.kw(&["rules"]).run().code(0);

    // Every example in it parses too, once uncommented.
    let uncommented: String = written
        .lines()
        .map(|l| match l.strip_prefix("# ") {
            Some(rest) if rest.starts_with('[') || rest.contains(" = ") => rest,
            _ => l,
        })
        .map(|l| format!("{l}\n"))
        .collect();
    // The example rule file is the user's to write, and a disabled rule cannot be tuned.
    let uncommented = uncommented
        .replace("files = [\"ci/keywarden-rules.toml\"]", "")
        .replace(
            "disable = [\"generic-secret\"]",
            "disable = [\"jwt-secret\"]",
        );
    let examples = sb.tmp.path().join("examples.toml");
    std::fs::write(&examples, &uncommented).expect("write");
    let mut kw = sb.kw(&["rules", "--config"]);
    kw.cmd.arg(&examples);
    let run = kw.run();
    run.code(0);
    assert!(
        run.stdout.contains("internal-service-token"),
        "{uncommented}"
    );

    // A second init refuses and leaves the file alone.
    sb.write(".keywarden.toml", "# mine\n");
    let run = sb.kw(&["init"]).run();
    run.code(2);
    assert!(run.stderr.contains("already exists"), "{}", run.stderr);
    assert!(run.stderr.contains("--force"), "{}", run.stderr);
    assert_eq!(sb.read(".keywarden.toml"), "# mine\n");

    sb.kw(&["init", "--force"]).run().code(0);
    assert_eq!(sb.read(".keywarden.toml"), written);
}

#[test]
fn inline_allow_markers() {
    let sb = Sandbox::new();
    let tokens: Vec<String> = (50..54).map(telegram_token).collect();
    sb.write(
        "bot.py",
        format!(
            "A = '{}'  # keywarden:allow\nB = '{}'  # gitleaks:allow\n\
             C = '{}'  # pragma: allowlist secret\nD = '{}'\n",
            tokens[0], tokens[1], tokens[2], tokens[3]
        ),
    );
    let run = sb.kw(&["scan", "--format", "json"]).run();
    run.code(1);
    assert_eq!(run.locations(), [loc("bot.py", 4, 6, "telegram-bot-token")]);

    sb.write(
        "only-allowed.py",
        format!("A = '{}'  # keywarden:allow\n", tokens[0]),
    );
    sb.kw(&["scan", "only-allowed.py"]).run().code(0);
}

#[test]
fn a_baseline_suppresses_known_findings_wherever_they_move() {
    let sb = Sandbox::new();
    let (t1, t2) = (telegram_token(55), telegram_token(56));
    sb.write("bot.env", format!("{}\n", token_line(&t1)));
    sb.write("other.env", format!("a=1\n{}\n", token_line(&t2)));

    let run = sb
        .kw(&["scan", "--write-baseline", "../baseline.json"])
        .run();
    run.code(0);
    assert!(run.stderr.contains("wrote 2 findings"), "{}", run.stderr);
    let baseline = std::fs::read_to_string(sb.tmp.path().join("baseline.json")).expect("read");
    for t in [&t1, &t2] {
        // Not the secret, nor a telling piece of it.
        assert!(
            !baseline.contains(&t[11..]),
            "the baseline holds a secret:\n{baseline}"
        );
        assert!(
            !baseline.contains(&t[..10]),
            "the baseline holds a bot id:\n{baseline}"
        );
    }
    let doc: serde_json::Value = serde_json::from_str(&baseline).expect("JSON");
    assert_eq!(doc["version"], 1);
    let fingerprint = keywarden_engine::fingerprint("telegram-bot-token", t1.as_bytes());
    assert!(baseline.contains(&fingerprint), "{baseline}");

    let with_baseline = ["scan", "--format", "json", "--baseline", "../baseline.json"];
    sb.kw(&with_baseline).run().code(0);

    // Moved to another line: still known. A new secret and a copy in a new file are not.
    let t3 = telegram_token(57);
    sb.write(
        "bot.env",
        format!(
            "# moved\n\nPORT=1\n  {}\n{}\n",
            token_line(&t1),
            token_line(&t3)
        ),
    );
    sb.write("copy.env", format!("{}\n", token_line(&t1)));
    let run = sb.kw(&with_baseline).run();
    run.code(1);
    assert_eq!(
        run.locations(),
        [
            loc("bot.env", 5, 20, "telegram-bot-token"),
            loc("copy.env", 1, 20, "telegram-bot-token"),
        ]
    );
}

#[test]
fn a_corrupt_or_missing_baseline_exits_2_with_a_clear_message() {
    let sb = Sandbox::new();
    sb.write("bot.env", format!("{}\n", token_line(&telegram_token(58))));
    for (text, expected) in [
        ("{ not json", "baseline.json: not a keywarden baseline"),
        (
            "{\"version\": 1}",
            "baseline.json: not a keywarden baseline",
        ),
        (
            "{\"version\": 7, \"findings\": []}",
            "baseline version 7 is not supported",
        ),
    ] {
        std::fs::write(sb.tmp.path().join("baseline.json"), text).expect("write");
        let run = sb.kw(&["scan", "--baseline", "../baseline.json"]).run();
        run.code(2);
        assert!(run.stderr.contains(expected), "{text}: {}", run.stderr);
        assert_eq!(run.stdout, "", "nothing scanned with a bad baseline");
    }
    let run = sb.kw(&["scan", "--baseline", "nope.json"]).run();
    run.code(2);
    assert!(
        run.stderr.contains("cannot access baseline nope.json"),
        "{}",
        run.stderr
    );
}

/// `--baseline F --write-baseline F` (refreshing a baseline) wrote only the findings that
/// F did not already hold, so the next scan reported the old ones again.
#[test]
fn write_baseline_with_baseline_keeps_known_findings() {
    let sb = Sandbox::new();
    sb.write("a.env", format!("{}\n", token_line(&telegram_token(59))));
    sb.kw(&["scan", "--write-baseline", "../baseline.json"])
        .run()
        .code(0);
    sb.write("b.env", format!("{}\n", token_line(&telegram_token(60))));
    let refresh = [
        "scan",
        "--baseline",
        "../baseline.json",
        "--write-baseline",
        "../baseline.json",
    ];
    let run = sb.kw(&refresh).run();
    run.code(0);
    assert!(run.stderr.contains("wrote 2 findings"), "{}", run.stderr);
    let run = sb
        .kw(&["scan", "--format", "json", "--baseline", "../baseline.json"])
        .run();
    run.code(0);
    assert_eq!(run.stdout, "");
}

#[test]
fn the_configured_file_size_limit_applies_unless_the_flag_overrides_it() {
    let sb = Sandbox::new();
    let line = format!("{}\n", token_line(&telegram_token(61)));
    sb.write("big.env", format!("{line}{}\n", "#".repeat(200)));
    sb.write(".keywarden.toml", "[scan]\nmax_file_size = 100\n");
    let run = sb.kw(&["scan"]).run();
    run.code(0);
    assert!(
        run.stdout.contains("skipped 0 binary, 1 too large"),
        "{}",
        run.stdout
    );
    let run = sb
        .kw(&["scan", "--format", "json", "--max-file-size", "1000"])
        .run();
    run.code(1);
    assert_eq!(
        run.locations(),
        [loc("big.env", 1, 20, "telegram-bot-token")]
    );

    // Staged and history read the same setting.
    sb.git(&["add", "big.env"]);
    sb.kw(&["staged"]).run().code(0);
    sb.kw(&["staged", "--max-file-size", "1000"]).run().code(1);
    sb.commit("big");
    sb.kw(&["history"]).run().code(0);
    sb.kw(&["history", "--max-file-size", "1000"]).run().code(1);
}

#[test]
fn rule_files_named_by_the_config_are_relative_to_its_folder() {
    let sb = Sandbox::new();
    sb.write(
        "ci/acme.toml",
        "[[rules]]\nid = \"acme-token\"\ntitle = \"Acme token\"\nseverity = \"low\"\n\
         keywords = [\"acme_\"]\npatterns = ['(?P<secret>acme_[A-Za-z0-9]{24})']\n",
    );
    sb.write(".keywarden.toml", "[rules]\nfiles = [\"ci/acme.toml\"]\n");
    let value = format!("acme_{}", Gen::new(62).string(24, ALNUM));
    sb.write("src/svc.cfg", format!("token: {value}\n"));
    let run = sb
        .kw_in(&sb.path("src"), &["scan", "--format", "json"])
        .run();
    run.code(1);
    assert_eq!(run.locations(), [loc("svc.cfg", 1, 8, "acme-token")]);

    sb.write(
        ".keywarden.toml",
        "[rules]\nfiles = [\"ci/missing.toml\"]\n",
    );
    let run = sb.kw(&["scan"]).run();
    run.code(2);
    assert!(run.stderr.contains("ci/missing.toml"), "{}", run.stderr);
}

/// A well-formed config with an unusable value (a bad regex or glob, an unknown rule id)
/// was reported without a line, unlike a TOML error, leaving the user to hunt for it.
#[test]
fn a_bad_value_in_the_config_is_reported_with_its_line() {
    let sb = Sandbox::new();
    sb.write("bot.env", format!("{}\n", token_line(&telegram_token(63))));
    let cases = [
        (
            "# '(x' in a comment is skipped\n[allowlist]\npaths = [\"ok/**\"]\n\
             secrets = ['^fine$', '(unclosed']\n",
            ":4: allowlist.secrets: bad regex `(unclosed`",
        ),
        (
            "[allowlist]\nlines = [\"a\\\\d(\"]\n",
            ":2: allowlist.lines: bad regex `a\\d(`",
        ),
        (
            "\n[rule-allowlist.jwt]\npaths = ['a/[b']\n",
            ":3: rule-allowlist.jwt.paths: bad glob `a/[b`",
        ),
        (
            "[rules]\ndisable = [\n  \"jwt\",\n  \"no-such-rule\",\n]\n",
            ":4: rules.disable names `no-such-rule`",
        ),
        (
            "[rules.overrides.jwt]\nseverity = \"low\"\n\
             [rules.overrides.nope]\nseverity = \"low\"\n",
            ":3: rules.overrides names `nope`",
        ),
        (
            "[rules]\n\n[rules.overrides.jwt]\nmin_entropy = 2.0\n",
            ":3: rules.overrides.jwt.min_entropy must be between 0 and 1",
        ),
    ];
    for (text, expected) in cases {
        sb.write(".keywarden.toml", text);
        let run = sb.kw(&["scan"]).run();
        run.code(2);
        let first = run.stderr.lines().next().unwrap_or("");
        assert!(
            first.starts_with("keywarden: error: ")
                && first.contains(&format!(".keywarden.toml{expected}")),
            "{text:?}: {}",
            run.stderr
        );
    }
}

/// A baselined secret on the same line as a reported one was printed almost in full in
/// the text report's context line: only reported secrets were masked there.
#[test]
fn a_baselined_secret_is_masked_on_a_reported_line() {
    let sb = Sandbox::new();
    let (key, token) = (binance_key(91), telegram_token(92));
    sb.write("t.env", format!("BINANCE_API_KEY={key}\n"));
    sb.kw(&["scan", "--write-baseline", "bl.json", "t.env"])
        .run()
        .code(0);
    sb.write(
        "t.env",
        format!("BINANCE_API_KEY={key} TELEGRAM_BOT_TOKEN={token}\n"),
    );
    for redact in ["prefix", "full"] {
        let run = sb
            .kw(&[
                "scan",
                "--baseline",
                "bl.json",
                "--redact",
                redact,
                "--color",
                "never",
                "t.env",
            ])
            .run();
        run.code(1);
        assert!(run.stdout.contains("telegram-bot-token"), "{}", run.stdout);
        assert!(
            !run.stdout.contains(&key[..12]),
            "baselined key shown:\n{}",
            run.stdout
        );
        assert!(
            !run.stdout.contains(&key[40..]),
            "baselined key shown:\n{}",
            run.stdout
        );
    }
}

/// `keywarden scan REPO` from outside REPO looked for `.keywarden.toml` from the current
/// folder, so the scanned repository's own config was ignored.
#[test]
fn scan_of_another_folder_uses_its_config() {
    let sb = Sandbox::new();
    let token = telegram_token(93);
    sb.write("a.env", format!("{}\n", token_line(&token)));
    sb.write(
        ".keywarden.toml",
        "[rules]\ndisable = [\"telegram-bot-token\"]\n",
    );
    let repo = sb.root.to_string_lossy().into_owned();
    sb.kw_in(sb.tmp.path(), &["scan", &repo]).run().code(0);
}

/// A folder named `.keywarden.toml` was ignored without a word.
#[test]
fn a_config_that_is_a_folder_is_an_error() {
    let sb = Sandbox::new();
    std::fs::create_dir(sb.path(".keywarden.toml")).expect("mkdir");
    let run = sb.kw(&["scan", "."]).run();
    run.code(2);
    assert!(run.stderr.contains(".keywarden.toml"), "{}", run.stderr);
}

/// Baseline paths are relative to the baseline file's folder: one written by `scan .` at the
/// repository root once stopped matching from a subfolder, with an absolute path, and in
/// `history`, because it recorded paths relative to wherever it was run.
#[test]
fn a_baseline_matches_from_any_folder_and_in_every_command() {
    let sb = Sandbox::new();
    let (t1, t2) = (telegram_token(91), telegram_token(92));
    sb.write("app/bot.env", format!("{}\n", token_line(&t1)));
    sb.write("top.env", format!("{}\n", token_line(&t2)));
    sb.git(&["add", "."]);
    sb.commit("secrets");
    sb.kw(&["scan", ".", "--write-baseline", "kw-baseline.json"])
        .run()
        .code(0);
    let text = sb.read("kw-baseline.json");
    assert!(
        text.contains("\"app/bot.env\"") && text.contains("\"top.env\""),
        "{text}"
    );

    let app = sb.path("app");
    let root = sb.root.display().to_string();
    sb.kw_in(&app, &["scan", "--baseline", "../kw-baseline.json"])
        .run()
        .code(0);
    sb.kw_in(&app, &["scan", "..", "--baseline", "../kw-baseline.json"])
        .run()
        .code(0);
    sb.kw(&["scan", &root, "--baseline", "kw-baseline.json"])
        .run()
        .code(0);
    sb.kw(&["history", "--baseline", "kw-baseline.json"])
        .run()
        .code(0);
    sb.kw_in(&app, &["history", "--baseline", "../kw-baseline.json"])
        .run()
        .code(0);

    // A new secret is still reported, under its path relative to where keywarden runs.
    let t3 = telegram_token(93);
    sb.write("app/new.env", format!("{}\n", token_line(&t3)));
    let run = sb
        .kw_in(
            &app,
            &[
                "scan",
                "--format",
                "json",
                "--baseline",
                "../kw-baseline.json",
            ],
        )
        .run();
    run.code(1);
    assert_eq!(run.paths(), ["new.env"]);
}
