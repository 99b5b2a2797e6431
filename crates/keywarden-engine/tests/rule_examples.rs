//! Every built-in rule's `examples` must produce a finding of that rule, and none of its
//! `negative_examples` may, when scanned with the whole built-in rule set (so overlap
//! resolution between rules is part of what is checked).

use keywarden_engine::{BUILTIN_RULE_FILES, RuleSet, Scanner};

#[test]
fn every_builtin_rule_matches_its_examples_and_not_its_negatives() {
    let scanner = Scanner::new(RuleSet::builtin().expect("built-in rules compile"))
        .expect("automaton builds");
    let mut failures = Vec::new();
    for rule in scanner.rules() {
        let spec = rule.spec();
        if spec.examples.is_empty() {
            failures.push(format!("{}: has no examples", spec.id));
        }
        for (i, example) in spec.examples.iter().enumerate() {
            let found = scanner.scan(example.as_bytes(), None);
            if !found.iter().any(|f| f.rule_id == spec.id) {
                let got: Vec<_> = found.iter().map(|f| f.rule_id.as_str()).collect();
                failures.push(format!("{}: example {i} not found (got {got:?})", spec.id));
            }
        }
        for (i, negative) in spec.negative_examples.iter().enumerate() {
            let found = scanner.scan(negative.as_bytes(), None);
            if found.iter().any(|f| f.rule_id == spec.id) {
                failures.push(format!("{}: negative example {i} matched", spec.id));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "rule example failures:\n{}",
        failures.join("\n")
    );
}

#[test]
fn builtin_rules_are_present_and_unique() {
    assert!(!BUILTIN_RULE_FILES.is_empty());
    let set = RuleSet::builtin().expect("built-in rules compile");
    for id in [
        "binance-api-key",
        "binance-secret-key",
        "telegram-bot-token",
        "jwt",
    ] {
        assert!(set.rules().iter().any(|r| r.id() == id), "missing {id}");
    }
}

#[test]
fn a_duplicate_rule_id_is_rejected() {
    let mut set = RuleSet::builtin().expect("built-in rules compile");
    let text = r#"
[[rules]]
id = "jwt"
title = "again"
severity = "low"
keywords = ["x"]
patterns = ['(?P<secret>x)']
"#;
    let err = set.add_toml("extra.toml", text).expect_err("duplicate id");
    assert!(err.to_string().contains("`jwt`"), "{err}");
}

#[test]
fn a_pattern_without_secret_group_names_rule_and_index() {
    let text = r#"
[[rules]]
id = "bad-rule"
title = "bad"
severity = "low"
keywords = ["x"]
patterns = ['(?P<secret>x)', 'y+']
"#;
    let err = RuleSet::new()
        .add_toml("bad.toml", text)
        .expect_err("no secret group");
    let msg = err.to_string();
    assert!(
        msg.contains("bad-rule") && msg.contains("pattern 1"),
        "{msg}"
    );
}

#[test]
fn a_toml_error_names_file_and_line() {
    let err = RuleSet::new()
        .add_toml("broken.toml", "[[rules]]\nid = \n")
        .expect_err("bad toml");
    assert!(err.to_string().starts_with("broken.toml:2"), "{err}");
}

#[test]
fn a_user_regex_too_big_to_build_is_an_error_up_front() {
    let text = r#"
[[rules]]
id = "huge"
title = "huge"
severity = "low"
keywords = ["x"]
patterns = ['(?P<secret>(?:x[a-z]{100}){100}){100}']
"#;
    let err = RuleSet::new()
        .add_toml("huge.toml", text)
        .expect_err("exceeds size limit");
    assert!(err.to_string().contains("rule `huge`, pattern 0"), "{err}");
}
