//! SARIF output checked against the official SARIF 2.1.0 schema and against what GitHub
//! code scanning relies on: stable rule indexes, levels, fingerprints, encoded paths and
//! secrets kept out of the log.
//!
//! Findings come from real scans with the built-in rules. The fake secrets are generated
//! at run time, so this file holds no secret-shaped literal for a scanner to trip over.

use std::sync::OnceLock;

use keywarden_engine::{Confidence, Finding, RuleSet, Scanner, Severity};
use keywarden_report::sarif::{
    FINGERPRINT_KEY, PATH_FINGERPRINT_KEY, SarifLog, ToolInfo, VersionControl, write_sarif,
};
use keywarden_report::{CommitInfo, Record, Redaction};
use serde_json::{Value, json};
use support::sarif_schema::{assert_valid_sarif as assert_valid, sarif_errors as schema_errors};

mod support {
    pub mod sarif_schema;
}

/// Rules of the two severities the built-in rules do not use, so every level is covered.
const TEST_RULES: &str = r#"
[[rules]]
id = "test-medium-token"
title = "Test medium token"
severity = "medium"
confidence = "low"
keywords = ["medtok"]
patterns = ['''medtok=(?P<secret>[A-Za-z0-9]{24})''']

[[rules]]
id = "test-low-token"
title = "Test low token"
severity = "low"
confidence = "high"
keywords = ["lowtok"]
patterns = ['''lowtok=(?P<secret>[A-Za-z0-9]{24})''']
"#;

fn scanner() -> &'static Scanner {
    static SCANNER: OnceLock<Scanner> = OnceLock::new();
    SCANNER.get_or_init(|| {
        let mut rules = RuleSet::builtin().expect("built-in rules compile");
        rules
            .add_toml("test-rules", TEST_RULES)
            .expect("test rules compile");
        Scanner::new(rules).expect("scanner builds")
    })
}

fn tool() -> ToolInfo {
    ToolInfo::new("keywarden", "0.1.0", "https://example.invalid/keywarden")
}

/// Checks a log against the schema. With `KEYWARDEN_SARIF_OUT` set to a directory, also
/// writes it there as `<name>.sarif`, for validators outside Rust (the SARIF multitool).
fn check(name: &str, log: &Value) {
    assert_valid(log);
    if let Some(dir) = std::env::var_os("KEYWARDEN_SARIF_OUT") {
        let path = std::path::Path::new(&dir).join(format!("{name}.sarif"));
        let text = serde_json::to_string_pretty(log).expect("serialises");
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    }
}

/// A deterministic string of `len` characters of `alphabet`; secret-shaped but made up.
fn fake(seed: u64, len: usize, alphabet: &[u8]) -> String {
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..len)
        .map(|_| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            char::from(alphabet[((state >> 33) % alphabet.len() as u64) as usize])
        })
        .collect()
}

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const HEX: &[u8] = b"0123456789abcdef";

fn telegram_token(seed: u64) -> String {
    let bot_id = fake(seed + 1, 9, b"123456789");
    format!("{bot_id}:AA{}", fake(seed, 33, ALNUM))
}

fn binance_key(seed: u64) -> String {
    fake(seed, 64, ALNUM)
}

fn api_hash(seed: u64) -> String {
    fake(seed, 32, HEX)
}

/// Scans `input` as the file `path` and turns the findings into records, as the binary does.
fn scan(path: &str, input: &str, commit: Option<&CommitInfo>) -> Vec<Record> {
    let scanner = scanner();
    scanner
        .scan(input.as_bytes(), Some(path))
        .into_iter()
        .map(|finding| {
            let rule = &scanner.rules()[finding.rule_index];
            let line_text = input.lines().nth(finding.line - 1).map(str::to_string);
            Record {
                path: path.to_string(),
                title: rule.title().to_string(),
                severity: rule.severity(),
                line_text,
                line_offset: 0,
                commit: commit.cloned(),
                finding,
            }
        })
        .collect()
}

fn commit(n: u8) -> CommitInfo {
    CommitInfo {
        id: fake(u64::from(n) + 100, 40, HEX),
        author: "Ada Lovelace".into(),
        email: "ada@example.invalid".into(),
        date: "2024-03-01T12:34:56+01:00".into(),
        summary: format!("Add settings, part {n}"),
    }
}

/// Records of every severity in files, one path with a space and one not in ASCII.
fn file_records() -> (Vec<Record>, Vec<String>) {
    let secrets = vec![
        telegram_token(1),
        binance_key(2),
        api_hash(3),
        fake(4, 24, ALNUM),
        fake(5, 24, ALNUM),
    ];
    let mut records = Vec::new();
    records.extend(scan(
        "bot/.env",
        &format!("# bot\nTELEGRAM_BOT_TOKEN={}\n", secrets[0]),
        None,
    ));
    records.extend(scan(
        "deploy config/binance settings.env",
        &format!("BINANCE_API_KEY={}\n", secrets[1]),
        None,
    ));
    records.extend(scan(
        "données/télégramme.py",
        &format!("api_id = 2871934\né = 1; api_hash = '{}'\n", secrets[2]),
        None,
    ));
    records.extend(scan(
        "levels.txt",
        &format!("medtok={}\nlowtok={}\n", secrets[3], secrets[4]),
        None,
    ));
    let found: Vec<&str> = records.iter().map(|r| r.finding.rule_id.as_str()).collect();
    assert_eq!(
        found,
        [
            "telegram-bot-token",
            "binance-api-key",
            "telegram-api-hash",
            "test-medium-token",
            "test-low-token"
        ],
        "the scanner must find each fake secret once"
    );
    (records, secrets)
}

fn results(log: &Value) -> &Vec<Value> {
    log["runs"][0]["results"].as_array().expect("results array")
}

fn rules(log: &Value) -> &Vec<Value> {
    log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules array")
}

fn log_of(records: &[Record], redaction: Redaction) -> Value {
    let tool = tool();
    SarifLog::new(&tool, scanner().rules())
        .redaction(redaction)
        .to_value(records)
}

#[test]
fn file_findings_are_schema_valid_and_point_at_their_rules() {
    let (records, _) = file_records();
    let log = log_of(&records, Redaction::Prefix);
    check("files", &log);

    assert_eq!(log["version"], "2.1.0");
    assert_eq!(
        log["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    assert_eq!(log["runs"].as_array().map(Vec::len), Some(1));
    let run = &log["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert_eq!(run["tool"]["driver"]["name"], "keywarden");
    assert_eq!(run["tool"]["driver"]["version"], "0.1.0");
    assert_eq!(
        run["tool"]["driver"]["informationUri"],
        "https://example.invalid/keywarden"
    );

    let rules = rules(&log);
    for (result, record) in results(&log).iter().zip(&records) {
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(result["ruleId"], record.finding.rule_id);
        assert_eq!(rules[index]["id"], record.finding.rule_id);
        assert_eq!(index, record.finding.rule_index);

        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        let f = &record.finding;
        assert_eq!(
            location["region"],
            json!({
                "startLine": f.line,
                "startColumn": f.column,
                "endLine": f.end_line,
                "endColumn": f.end_column,
            })
        );
        assert!(
            result["message"]["text"]
                .as_str()
                .is_some_and(|m| m.starts_with(&record.title)),
            "the message names the rule: {}",
            result["message"]
        );
        assert_eq!(result["properties"]["confidence"], f.confidence.as_str());
        assert!(result["properties"]["entropy"].as_f64().is_some());
    }
}

#[test]
fn paths_are_percent_encoded_uri_references() {
    let (records, _) = file_records();
    let log = log_of(&records, Redaction::Prefix);
    let uris: Vec<&str> = results(&log)
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .expect("uri")
        })
        .collect();
    assert_eq!(
        uris,
        [
            "bot/.env",
            "deploy%20config/binance%20settings.env",
            "donn%C3%A9es/t%C3%A9l%C3%A9gramme.py",
            "levels.txt",
            "levels.txt"
        ]
    );
    // Columns count characters: the secret follows "é = 1; api_hash = '", 19 characters
    // in 20 bytes.
    let region = &results(&log)[2]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 2);
    assert_eq!(region["startColumn"], 20);
}

#[test]
fn every_rule_is_described_even_without_findings() {
    let log = log_of(&[], Redaction::Prefix);
    check("no-findings", &log);
    assert_eq!(results(&log).len(), 0);

    let rules = rules(&log);
    let ids: Vec<&str> = rules
        .iter()
        .map(|r| r["id"].as_str().unwrap_or(""))
        .collect();
    let expected: Vec<&str> = scanner().rules().iter().map(|r| r.id()).collect();
    assert_eq!(
        ids, expected,
        "rules in scanner order, so ruleIndex is stable"
    );

    for (rule, compiled) in rules.iter().zip(scanner().rules()) {
        assert_eq!(rule["shortDescription"]["text"], compiled.title());
        assert!(rule["fullDescription"]["text"].as_str().is_some());
        match rule["name"].as_str() {
            Some(name) => {
                assert!(name.starts_with(|c: char| c.is_ascii_uppercase()));
                assert!(!name.contains('-') && !name.eq_ignore_ascii_case(compiled.id()));
            }
            None => assert!(!compiled.id().contains('-'), "{} has a name", compiled.id()),
        }
        for help in [&rule["help"]["text"], &rule["help"]["markdown"]] {
            let help = help.as_str().expect("help text and markdown");
            for step in [
                "Revoke",
                "rotate",
                "git filter-repo",
                "false positive",
                "allowlist",
            ] {
                assert!(help.contains(step), "help lacks {step:?}: {help}");
            }
        }
        let props = &rule["properties"];
        let score: f64 = props["security-severity"]
            .as_str()
            .expect("security-severity is a string")
            .parse()
            .expect("security-severity is a number");
        assert!((0.0..=10.0).contains(&score));
        let tags: Vec<&str> = props["tags"]
            .as_array()
            .expect("tags")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert!(tags.contains(&"security") && tags.contains(&"secret"));
        assert_eq!(props["precision"], compiled.spec().confidence.as_str());
    }
}

#[test]
fn levels_and_scores_follow_severity() {
    let (records, _) = file_records();
    let log = log_of(&records, Redaction::Prefix);
    let levels: Vec<&str> = results(&log)
        .iter()
        .map(|r| r["level"].as_str().unwrap_or(""))
        .collect();
    // critical, critical, high, medium, low
    assert_eq!(levels, ["error", "error", "error", "warning", "note"]);

    let expected = [
        (Severity::Critical, "error", "9.5"),
        (Severity::High, "error", "8.0"),
        (Severity::Medium, "warning", "5.5"),
        (Severity::Low, "note", "3.0"),
    ];
    for (severity, level, score) in expected {
        let rule = rules(&log)
            .iter()
            .zip(scanner().rules())
            .find(|(_, r)| r.severity() == severity)
            .map(|(descriptor, _)| descriptor)
            .unwrap_or_else(|| panic!("a rule of severity {severity}"));
        assert_eq!(rule["defaultConfiguration"]["level"], level);
        assert_eq!(rule["properties"]["security-severity"], score);
    }
}

#[test]
fn secrets_stay_out_of_the_log_unless_redaction_is_off() {
    let (records, secrets) = file_records();
    for redaction in [Redaction::Full, Redaction::Prefix] {
        let log = log_of(&records, redaction);
        check(&format!("redaction-{redaction:?}"), &log);
        let text = serde_json::to_string(&log).expect("serialises");
        for secret in &secrets {
            assert!(
                !text.contains(secret.as_str()),
                "{redaction:?} leaked a secret"
            );
        }
        assert!(!text.contains("snippet"));
        assert_eq!(log["runs"][0]["redactionTokens"], json!(["********"]));
    }

    let log = log_of(&records, Redaction::Off);
    check("redaction-off", &log);
    assert!(log["runs"][0].get("redactionTokens").is_none());
    for (result, secret) in results(&log).iter().zip(&secrets) {
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert_eq!(region["snippet"]["text"], secret.as_str());
        assert!(
            result["message"]["text"]
                .as_str()
                .is_some_and(|m| m.contains(secret.as_str()))
        );
    }
}

#[test]
fn same_secret_on_other_lines_keeps_its_fingerprint() {
    let token = telegram_token(7);
    let before = scan("bot/.env", &format!("TELEGRAM_BOT_TOKEN={token}\n"), None);
    let after = scan(
        "bot/.env",
        &format!("# moved\n\n\nPORT=8080\n  TELEGRAM_BOT_TOKEN={token}\n"),
        None,
    );
    let copy = scan("other/.env", &format!("TELEGRAM_BOT_TOKEN={token}\n"), None);
    let records: Vec<Record> = [before, after, copy].concat();
    assert_eq!(records.len(), 3);
    let log = log_of(&records, Redaction::Prefix);
    check("moved-secret", &log);

    let r = results(&log);
    let fp = |i: usize, key: &str| r[i]["partialFingerprints"][key].clone();
    let line = |i: usize| r[i]["locations"][0]["physicalLocation"]["region"]["startLine"].clone();
    assert_ne!(line(0), line(1), "the secret moved");
    assert_eq!(fp(0, FINGERPRINT_KEY), fp(1, FINGERPRINT_KEY));
    assert_eq!(fp(0, FINGERPRINT_KEY), fp(2, FINGERPRINT_KEY));
    assert_eq!(
        fp(0, FINGERPRINT_KEY),
        json!(records[0].finding.fingerprint)
    );
    assert_eq!(fp(0, PATH_FINGERPRINT_KEY), fp(1, PATH_FINGERPRINT_KEY));
    assert_ne!(fp(0, PATH_FINGERPRINT_KEY), fp(2, PATH_FINGERPRINT_KEY));
}

#[test]
fn history_findings_are_schema_valid_with_their_commits() {
    let (first, second) = (commit(1), commit(2));
    let mut records = scan(
        "bot/.env",
        &format!("TELEGRAM_BOT_TOKEN={}\n", telegram_token(11)),
        Some(&first),
    );
    records.extend(scan(
        "app/binance.yml",
        &format!("binance:\n  api-key: {}\n", binance_key(12)),
        Some(&second),
    ));
    records.extend(scan(
        "bot/old.env",
        &format!("TELEGRAM_BOT_TOKEN={}\n", telegram_token(13)),
        Some(&first),
    ));
    assert_eq!(records.len(), 3);

    // Without a repository URI there is no versionControlProvenance (SARIF requires one).
    let log = log_of(&records, Redaction::Prefix);
    check("history", &log);
    assert!(log["runs"][0].get("versionControlProvenance").is_none());
    for (result, record) in results(&log).iter().zip(&records) {
        let c = record.commit.as_ref().expect("history record");
        let props = &result["properties"];
        assert_eq!(props["commit"], c.id);
        assert_eq!(props["author"], c.author);
        assert_eq!(props["email"], c.email);
        assert_eq!(props["date"], c.date);
        assert_eq!(props["summary"], c.summary);
        assert!(
            result["message"]["text"]
                .as_str()
                .is_some_and(|m| m.contains(&c.id[..12]))
        );
    }

    let vc = VersionControl {
        repository_uri: "https://example.invalid/acme/app.git".into(),
        revision_id: Some(second.id.clone()),
        branch: Some("main".into()),
    };
    let tool = tool();
    let log = SarifLog::new(&tool, scanner().rules())
        .version_control(&vc)
        .to_value(&records);
    check("history-with-repository", &log);
    assert_eq!(
        log["runs"][0]["versionControlProvenance"],
        json!([
            {
                "repositoryUri": vc.repository_uri,
                "revisionId": second.id,
                "branch": "main",
                "mappedTo": { "uriBaseId": "%SRCROOT%" },
            },
            {
                "repositoryUri": vc.repository_uri,
                "revisionId": first.id,
                "mappedTo": { "uriBaseId": "%SRCROOT%" },
            },
        ]),
        "the scanned revision, then each other introducing commit once"
    );
}

#[test]
fn commit_message_findings_are_schema_valid() {
    let c = commit(3);
    let message = format!(
        "Fix the bot\n\nIt works with TELEGRAM_BOT_TOKEN={} now\n",
        telegram_token(21)
    );
    let records = scan(&c.id, &message, Some(&c));
    assert_eq!(records.len(), 1);
    let vc = VersionControl {
        repository_uri: "file:///srv/git/app".into(),
        ..VersionControl::default()
    };
    let tool = tool();
    let log = SarifLog::new(&tool, scanner().rules())
        .version_control(&vc)
        .to_value(&records);
    check("commit-message", &log);

    let location = &results(&log)[0]["locations"][0];
    let artifact = &location["physicalLocation"]["artifactLocation"];
    assert_eq!(artifact["uri"], c.id);
    assert!(
        artifact.get("uriBaseId").is_none(),
        "a commit message is not a file under the source root"
    );
    assert_eq!(location["logicalLocations"][0]["kind"], "commitMessage");
    assert_eq!(location["logicalLocations"][0]["name"], c.id);
    assert_eq!(location["physicalLocation"]["region"]["startLine"], 3);
    assert!(
        results(&log)[0]["message"]["text"]
            .as_str()
            .is_some_and(|m| m.contains("message of commit"))
    );
    assert_eq!(results(&log)[0]["properties"]["commit"], c.id);
}

#[test]
fn source_root_becomes_the_srcroot_base() {
    let (records, _) = file_records();
    let tool = tool();
    let log = SarifLog::new(&tool, scanner().rules())
        .source_root("/home/ci/work/my app")
        .to_value(&records);
    check("source-root", &log);
    assert_eq!(
        log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"],
        "file:///home/ci/work/my%20app/"
    );
}

#[test]
fn a_rule_missing_from_the_rule_list_gets_a_descriptor() {
    let finding = Finding {
        rule_id: "custom-token".into(),
        rule_index: 0,
        span: 0..10,
        secret_span: 4..10,
        line: 1,
        column: 5,
        end_line: 1,
        end_column: 11,
        secret: fake(31, 6, ALNUM),
        entropy: 2.5,
        confidence: Confidence::Low,
        fingerprint: keywarden_engine::fingerprint("custom-token", b"x"),
    };
    let record = Record {
        path: "a.txt".into(),
        finding,
        title: "Custom token".into(),
        severity: Severity::Medium,
        line_text: None,
        line_offset: 0,
        commit: None,
    };
    let log = log_of(&[record], Redaction::Prefix);
    check("unknown-rule", &log);
    let index = results(&log)[0]["ruleIndex"].as_u64().expect("ruleIndex") as usize;
    assert_eq!(index, scanner().rules().len());
    assert_eq!(rules(&log)[index]["id"], "custom-token");
    assert_eq!(rules(&log)[index]["properties"]["security-severity"], "5.5");
}

#[test]
fn write_sarif_writes_the_log_as_json() {
    let (records, _) = file_records();
    let mut out = Vec::new();
    write_sarif(
        &mut out,
        &records,
        scanner().rules(),
        &tool(),
        Redaction::Prefix,
    )
    .expect("writes to a Vec");
    assert!(out.ends_with(b"}\n"));
    let parsed: Value = serde_json::from_slice(&out).expect("the output is JSON");
    assert_eq!(parsed, log_of(&records, Redaction::Prefix));
}

/// The schema checks above are only worth something if the validator rejects bad logs.
#[test]
fn the_validator_rejects_broken_logs() {
    let (records, _) = file_records();
    let good = log_of(&records, Redaction::Prefix);
    assert_valid(&good);
    let errors_with = |pointer: &str, value: Value| {
        let mut log = good.clone();
        *log.pointer_mut(pointer)
            .unwrap_or_else(|| panic!("{pointer} is in the log")) = value;
        schema_errors(&log)
    };
    let location = "/runs/0/results/1/locations/0/physicalLocation";

    assert!(!errors_with("/runs/0/results/0/level", json!("critical")).is_empty());
    assert!(!errors_with(&format!("{location}/region/startLine"), json!(0)).is_empty());
    assert!(!errors_with("/runs/0/tool/driver/informationUri", json!("keywarden")).is_empty());
    let errors = errors_with(
        &format!("{location}/artifactLocation/uri"),
        json!("deploy config/binance settings.env"),
    );
    assert!(
        errors.iter().any(|e| e.contains("uri-reference")),
        "an unencoded space must fail uri-reference: {errors:?}"
    );
}
