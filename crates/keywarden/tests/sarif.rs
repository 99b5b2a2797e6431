//! `--format sarif` of scan, staged, history and commit-msg, validated against the official
//! SARIF 2.1.0 schema (`shared/schemas/`), with fingerprints that survive moved lines.

mod common;

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

use common::*;
use serde_json::Value;

fn sarif(sb: &Sandbox, args: &[&str]) -> Value {
    let run = sb.kw(args).run();
    assert!(
        matches!(run.code, 0 | 1),
        "{args:?} exit {}: {}",
        run.code,
        run.stderr
    );
    let log = run.document();
    assert_valid_sarif(&log);
    log
}

fn region(result: &Value) -> &Value {
    &result["locations"][0]["physicalLocation"]["region"]
}

fn uri(result: &Value) -> &Value {
    &result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
}

#[test]
fn scan_sarif_is_valid_and_fingerprints_survive_moved_lines() {
    let sb = Sandbox::new();
    let token = telegram_token(100);
    sb.write("bot/.env", format!("{}\n", token_line(&token)));
    let before = sarif(&sb, &["scan", "--format", "sarif"]);
    let results = sarif_results(&before);
    assert_eq!(results.len(), 1);
    let r = &results[0];
    assert_eq!(r["ruleId"], "telegram-bot-token");
    assert_eq!(r["level"], "error");
    assert_eq!(uri(r), "bot/.env");
    assert_eq!(region(r)["startLine"], 1);
    assert_eq!(region(r)["startColumn"], TOKEN_COLUMN);
    let driver = &before["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "keywarden");
    let index = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
    assert_eq!(driver["rules"][index]["id"], "telegram-bot-token");
    let text = serde_json::to_string(&before).expect("serialises");
    assert!(!text.contains(&token[4..]), "the log holds the secret");

    sb.write(
        "bot/.env",
        format!("# moved\nPORT=1\n\n    {}\n", token_line(&token)),
    );
    let after = sarif(&sb, &["scan", "--format", "sarif"]);
    let moved = &sarif_results(&after)[0];
    assert_eq!(region(moved)["startLine"], 4);
    assert_eq!(region(moved)["startColumn"], 4 + TOKEN_COLUMN);
    assert_eq!(r["partialFingerprints"], moved["partialFingerprints"]);
    assert_eq!(
        r["partialFingerprints"]["keywarden/v1"],
        keywarden_engine::fingerprint("telegram-bot-token", token.as_bytes())
    );
}

#[test]
fn scan_sarif_of_a_clean_tree_odd_paths_and_stdin_is_valid() {
    let sb = Sandbox::new();
    sb.write("clean.txt", "nothing\n");
    let log = sarif(&sb, &["scan", "--format", "sarif"]);
    assert!(sarif_results(&log).is_empty());

    let token = telegram_token(101);
    let line = format!("{}\n", token_line(&token));
    sb.write("deploy config/bot #1.env", &line);
    sb.write(OsStr::from_bytes(b"caf\xe9.env"), &line);
    let log = sarif(&sb, &["scan", "--format", "sarif", "--show-secrets"]);
    let mut uris: Vec<String> = sarif_results(&log)
        .iter()
        .map(|r| uri(r).as_str().expect("uri").to_string())
        .collect();
    uris.sort();
    assert_eq!(uris, ["caf%EF%BF%BD.env", "deploy%20config/bot%20%231.env"]);
    for r in sarif_results(&log) {
        assert_eq!(region(&r)["snippet"]["text"], token.as_str());
    }

    // An absolute path and standard input.
    let mut kw = sb.kw(&["scan", "--format", "sarif", "-"]);
    kw.cmd.arg(sb.path("deploy config"));
    let run = kw.stdin(line).run();
    run.code(1);
    let log = run.document();
    assert_valid_sarif(&log);
    assert_eq!(sarif_results(&log).len(), 2);
}

#[test]
fn staged_sarif_is_valid() {
    let sb = Sandbox::new();
    sb.commit_file("app.env", "PORT=1\n", "start");
    let token = telegram_token(102);
    sb.write(
        "app.env",
        format!("PORT=1\nHOST=a\n{}\n", token_line(&token)),
    );
    sb.git(&["add", "app.env"]);
    let log = sarif(&sb, &["staged", "--format", "sarif"]);
    let results = sarif_results(&log);
    assert_eq!(results.len(), 1);
    assert_eq!(uri(&results[0]), "app.env");
    assert_eq!(region(&results[0])["startLine"], 3);

    sb.git(&["commit", "-q", "--no-verify", "-m", "x"]);
    let log = sarif(&sb, &["staged", "--format", "sarif"]);
    assert!(sarif_results(&log).is_empty());
}

#[test]
fn history_sarif_is_valid_and_carries_commit_ids() {
    let sb = Sandbox::new();
    let (t1, t2) = (telegram_token(103), telegram_token(104));
    let c1 = sb.commit_file("bot.env", format!("{}\n", token_line(&t1)), "Add the bot");
    sb.git(&[
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        &format!("Note\n\n{}", token_line(&t2)),
    ]);
    let c2 = sb.git(&["rev-parse", "HEAD"]);

    let log = sarif(&sb, &["history", "--format", "sarif"]);
    let results = sarif_results(&log);
    assert_eq!(results.len(), 2, "{log:#}");
    let file = results
        .iter()
        .find(|r| uri(r) == "bot.env")
        .expect("the file finding");
    assert_eq!(file["properties"]["commit"], c1.as_str());
    assert_eq!(file["properties"]["author"], AUTHOR);
    assert_eq!(file["properties"]["summary"], "Add the bot");
    assert!(
        file["message"]["text"]
            .as_str()
            .is_some_and(|m| m.contains(&c1[..12])),
        "{file}"
    );

    let message = results
        .iter()
        .find(|r| uri(r) == c2.as_str())
        .expect("the commit message finding");
    assert_eq!(message["properties"]["commit"], c2.as_str());
    let location = &message["locations"][0];
    assert!(location["physicalLocation"]["artifactLocation"]["uriBaseId"].is_null());
    assert_eq!(location["logicalLocations"][0]["kind"], "commitMessage");
    assert_eq!(region(message)["startLine"], 3);

    // Moving the secret in a later commit keeps its fingerprint.
    sb.commit_file(
        "bot.env",
        format!("# moved\n\n{}\n", token_line(&t1)),
        "Move",
    );
    let scanned = sb.kw(&["scan", "--format", "sarif"]).run().document();
    assert_eq!(
        sarif_results(&scanned)[0]["partialFingerprints"],
        file["partialFingerprints"]
    );
}

#[test]
fn commit_msg_sarif_is_valid() {
    let sb = Sandbox::new();
    let token = telegram_token(105);
    sb.write("MSG", format!("Subject\n\n{}\n", token_line(&token)));
    let log = sarif(&sb, &["commit-msg", "--format", "sarif", "MSG"]);
    let results = sarif_results(&log);
    assert_eq!(results.len(), 1);
    assert_eq!(region(&results[0])["startLine"], 3);
}

/// The checks above only mean something if the validator rejects a broken log.
#[test]
fn the_validator_rejects_a_broken_log() {
    let sb = Sandbox::new();
    sb.write("bot.env", format!("{}\n", token_line(&telegram_token(106))));
    let mut log = sarif(&sb, &["scan", "--format", "sarif"]);
    *log.pointer_mut("/runs/0/results/0/level").expect("level") = "fatal".into();
    assert!(!sarif_errors(&log).is_empty());
}
