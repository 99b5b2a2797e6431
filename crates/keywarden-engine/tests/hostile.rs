//! Hostile input: bytes an attacker, a broken tool or an unlucky file could put in front
//! of the scanner, and rule files written to hurt.
//!
//! None of these tests measures time. Inputs that would take minutes or hours if some
//! step were quadratic (one 20 MB line, a million keyword hits, tens of thousands of
//! findings on one line) are checked to complete and to find exactly what they should.
//!
//! Secrets come from the built-in rules' own examples at run time, so this file holds
//! none (keywarden scans its own repository).

use std::sync::LazyLock;

use keywarden_engine::{Finding, RuleSet, Scanner};

static BUILTIN: LazyLock<Scanner> = LazyLock::new(|| {
    Scanner::new(RuleSet::builtin().expect("built-in rules compile")).expect("automaton builds")
});

/// A scanner of one rule file.
fn custom(text: &str) -> Scanner {
    let mut set = RuleSet::new();
    set.add_toml("hostile.toml", text)
        .expect("the rule file compiles");
    Scanner::new(set).expect("automaton builds")
}

/// The first example of a built-in rule and the finding of that rule in it.
fn example(rule_id: &str) -> (Vec<u8>, Finding) {
    let rule = BUILTIN
        .rules()
        .iter()
        .find(|r| r.id() == rule_id)
        .unwrap_or_else(|| panic!("no built-in rule {rule_id}"));
    let text = rule.spec().examples[0].clone().into_bytes();
    let finding = BUILTIN
        .scan(&text, None)
        .into_iter()
        .find(|f| f.rule_id == rule_id)
        .unwrap_or_else(|| panic!("{rule_id}: its first example is not found"));
    (text, finding)
}

/// The one-line example of a specific (prefix-based) built-in rule, trimmed.
fn one_line_example(rule_id: &str) -> (Vec<u8>, Finding) {
    let (text, finding) = example(rule_id);
    assert!(
        !text.contains(&b'\n'),
        "{rule_id}: example has several lines"
    );
    (text, finding)
}

/// Every finding is inside the input and describes its own bytes.
fn assert_well_formed(input: &[u8], findings: &[Finding]) {
    for f in findings {
        assert!(
            f.span.start <= f.secret_span.start
                && f.secret_span.start < f.secret_span.end
                && f.secret_span.end <= f.span.end
                && f.span.end <= input.len(),
            "{f:?} in {} bytes",
            input.len()
        );
        assert_eq!(
            f.secret,
            String::from_utf8_lossy(&input[f.secret_span.clone()])
        );
        assert!(
            f.line >= 1 && f.column >= 1 && f.end_line >= f.line,
            "{f:?}"
        );
    }
    assert!(
        findings
            .windows(2)
            .all(|w| (w[0].secret_span.start, w[0].rule_index)
                <= (w[1].secret_span.start, w[1].rule_index)),
        "findings out of input order"
    );
}

/// The findings of `rule_id`, as (secret span, secret).
fn of_rule(findings: &[Finding], rule_id: &str) -> Vec<(std::ops::Range<usize>, String)> {
    findings
        .iter()
        .filter(|f| f.rule_id == rule_id)
        .map(|f| (f.secret_span.clone(), f.secret.clone()))
        .collect()
}

/// Bytes that no keyword and no secret alphabet contains: invalid UTF-8 (stray
/// continuation bytes, truncated sequences, overlong forms, surrogates), NUL, controls.
const GARBAGE: &[u8] = b"\xff\xfe\x00\x80\xbf\xc0\xc1\xc3\x28\xe2\x82\xed\xa0\x80\
    \xf0\x9f\x92\x01\x1b\x7f\x00\xf8\x88\x80\x80\x80";

// ---------------------------------------------------------------------------------------
// Encodings and odd bytes around secrets
// ---------------------------------------------------------------------------------------

#[test]
fn invalid_utf8_right_against_a_secret() {
    for rule_id in [
        "telegram-bot-token",
        "github-token",
        "jwt",
        "aws-access-key-id",
    ] {
        let (text, base) = one_line_example(rule_id);
        let mut input = GARBAGE.to_vec();
        input.push(b' ');
        let shift = input.len();
        input.extend_from_slice(&text);
        input.push(b' ');
        input.extend_from_slice(GARBAGE);
        let found = BUILTIN.scan(&input, None);
        assert_well_formed(&input, &found);
        let f = found
            .iter()
            .find(|f| f.rule_id == rule_id)
            .unwrap_or_else(|| panic!("{rule_id} lost behind invalid UTF-8"));
        assert_eq!(f.secret, base.secret);
        assert_eq!(f.secret_span.start, base.secret_span.start + shift);
        // Columns count characters: every byte that is not a UTF-8 continuation byte
        // (0x80..=0xBF) starts one.
        let chars_before = input[..f.secret_span.start]
            .iter()
            .filter(|&&b| !(0x80..=0xbf).contains(&b))
            .count();
        assert_eq!((f.line, f.column), (1, chars_before + 1), "{rule_id}");
    }
}

#[test]
fn nul_bytes_around_and_between_secrets() {
    for rule_id in [
        "telegram-bot-token",
        "github-token",
        "jwt",
        "aws-access-key-id",
    ] {
        let (text, base) = one_line_example(rule_id);
        let mut input = b"\0\0\0".to_vec();
        input.extend_from_slice(&text);
        input.extend_from_slice(b"\0\0\0");
        input.extend_from_slice(&text);
        input.push(0);
        let found = BUILTIN.scan(&input, None);
        assert_well_formed(&input, &found);
        let secrets = of_rule(&found, rule_id);
        assert_eq!(
            secrets,
            vec![
                (
                    base.secret_span.start + 3..base.secret_span.end + 3,
                    base.secret.clone()
                ),
                (
                    base.secret_span.start + 6 + text.len()..base.secret_span.end + 6 + text.len(),
                    base.secret.clone()
                ),
            ],
            "{rule_id}"
        );
    }
}

#[test]
fn crlf_line_endings_keep_secrets_lines_and_columns() {
    let mut lf = Vec::new();
    let mut expected = Vec::new();
    for (line, rule_id) in ["telegram-bot-token", "github-token", "jwt"]
        .iter()
        .enumerate()
    {
        let (text, base) = one_line_example(rule_id);
        lf.extend_from_slice(b"# comment\n");
        lf.extend_from_slice(&text);
        lf.push(b'\n');
        expected.push((*rule_id, base.secret, 2 * line + 2, base.column));
    }
    let crlf: Vec<u8> = lf
        .iter()
        .flat_map(|&b| {
            if b == b'\n' {
                vec![b'\r', b'\n']
            } else {
                vec![b]
            }
        })
        .collect();
    for input in [&lf, &crlf] {
        let found = BUILTIN.scan(input, None);
        assert_well_formed(input, &found);
        for (rule_id, secret, line, column) in &expected {
            let f = found
                .iter()
                .find(|f| f.rule_id == *rule_id)
                .unwrap_or_else(|| panic!("{rule_id} lost with CRLF"));
            assert_eq!(
                (&f.secret, f.line, f.column),
                (secret, *line, *column),
                "{rule_id}"
            );
            assert!(
                !f.secret.contains('\r'),
                "{rule_id}: CR taken into the secret"
            );
        }
    }
}

#[test]
fn a_bare_cr_and_a_bom_do_not_shift_columns_wrongly() {
    let (text, base) = one_line_example("github-token");
    let mut input = b"\xEF\xBB\xBF\r\r".to_vec();
    input.extend_from_slice(&text);
    let found = BUILTIN.scan(&input, None);
    assert_well_formed(&input, &found);
    let f = found
        .iter()
        .find(|f| f.rule_id == "github-token")
        .expect("found after a BOM and bare CRs");
    // The BOM is not a column; the two CRs are (they end no line).
    assert_eq!((f.line, f.column), (1, base.column + 2));
}

/// Every example of every built-in rule, with hostile bytes on the lines before and
/// after it, still yields its rule's findings, shifted by exactly the prefix.
#[test]
fn every_rule_example_survives_garbage_before_and_after() {
    let mut failures = Vec::new();
    for rule in BUILTIN.rules() {
        for (i, text) in rule.spec().examples.iter().enumerate() {
            let base = of_rule(&BUILTIN.scan(text.as_bytes(), None), rule.id());
            let lines = 1 + text.bytes().filter(|&b| b == b'\n').count();
            for (prefix, suffix) in [
                ([GARBAGE, b"\n"].concat(), [b"\n", GARBAGE].concat()),
                (
                    [GARBAGE, b"\r\n", GARBAGE, b"\r\n"].concat(),
                    [b"\r\n", GARBAGE].concat(),
                ),
                (b"\0\n".to_vec(), b"\n\0".to_vec()),
            ] {
                let input = [prefix.as_slice(), text.as_bytes(), suffix.as_slice()].concat();
                let found = BUILTIN.scan(&input, None);
                assert_well_formed(&input, &found);
                let shifted: Vec<_> = base
                    .iter()
                    .map(|(span, s)| {
                        (
                            span.start + prefix.len()..span.end + prefix.len(),
                            s.clone(),
                        )
                    })
                    .collect();
                let got = of_rule(&found, rule.id());
                if got != shifted {
                    failures.push(format!(
                        "{} example {i}, {} garbage bytes before: {got:?}, not {shifted:?}",
                        rule.id(),
                        prefix.len()
                    ));
                }
                let prefix_lines = prefix.iter().filter(|&&b| b == b'\n').count();
                for f in found.iter().filter(|f| f.rule_id == rule.id()) {
                    if f.line <= prefix_lines || f.line > prefix_lines + lines {
                        failures.push(format!("{} example {i}: line {}", rule.id(), f.line));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every prefix and every suffix of some examples: keywords and secrets cut by the start
/// or the end of the input, and windows clamped at both ends.
#[test]
fn examples_cut_at_every_byte_keep_findings_in_bounds() {
    for rule_id in [
        "telegram-bot-token",
        "github-token",
        "jwt",
        "binance-api-key",
        "generic-secret",
    ] {
        let (text, base) = example(rule_id);
        for cut in 0..=text.len() {
            for input in [&text[..cut], &text[cut..]] {
                let found = BUILTIN.scan(input, None);
                assert_well_formed(input, &found);
            }
        }
        // The whole example, starting at offset 0 and ending at the last byte, is found.
        let whole = BUILTIN.scan(&text, None);
        assert!(of_rule(&whole, rule_id).contains(&(base.secret_span.clone(), base.secret)));
    }
}

// ---------------------------------------------------------------------------------------
// Size: long lines, keyword floods, many findings on one line
// ---------------------------------------------------------------------------------------

const MB: usize = 1024 * 1024;

/// One 20 MB line with a secret at its very end and no newline anywhere.
#[test]
fn a_secret_at_the_end_of_a_20_mb_line_without_newline() {
    let (text, base) = one_line_example("telegram-bot-token");
    // Filler with no keyword, but with the separators that patterns look for.
    let filler = b"0.5, 1.25, -3, \"ok\", [7], (8); ";
    let mut input = Vec::with_capacity(20 * MB + text.len());
    while input.len() < 20 * MB {
        input.extend_from_slice(filler);
    }
    let shift = input.len();
    input.extend_from_slice(&text);
    let found = BUILTIN.scan(&input, None);
    assert_well_formed(&input, &found);
    assert_eq!(
        of_rule(&found, "telegram-bot-token"),
        vec![(
            base.secret_span.start + shift..base.secret_span.end + shift,
            base.secret.clone()
        )]
    );
    let f = &found[found.len() - 1];
    assert_eq!((f.line, f.column), (1, shift + base.column));
}

/// The same with the line made of name characters (`a-z0-9_.-`): a name followed left
/// from each match must not run back over the whole line.
#[test]
fn a_secret_after_20_mb_of_name_characters() {
    let (text, base) = one_line_example("github-token");
    let mut input = b"a1_b2.c3-".repeat(20 * MB / 9);
    input.push(b' ');
    let shift = input.len();
    input.extend_from_slice(&text);
    input.push(b'\n');
    let found = BUILTIN.scan(&input, Some("src/deep.rs"));
    assert_well_formed(&input, &found);
    assert_eq!(
        of_rule(&found, "github-token"),
        vec![(
            base.secret_span.start + shift..base.secret_span.end + shift,
            base.secret
        )]
    );
}

/// `token=` a million times on one line: every occurrence is a keyword hit of the
/// generic rule, and the windows merge into one 6 MB window in which a `NAME=VALUE`
/// pattern matches the whole line. That is not a secret, and the scan must not spend
/// per-hit work on it; a real secret after it is still found.
#[test]
fn a_million_keyword_hits_on_one_line() {
    let (text, base) = one_line_example("telegram-bot-token");
    let mut input = b"token=".repeat(1_000_000);
    assert_eq!(
        BUILTIN.keyword_hits(&input),
        1_000_000 * BUILTIN.keyword_hits(b"token=")
    );
    let found = BUILTIN.scan(&input, None);
    assert_eq!(found, Vec::new(), "token=token=... holds no secret");

    input.push(b' ');
    let shift = input.len();
    input.extend_from_slice(&text);
    let found = BUILTIN.scan(&input, None);
    assert_well_formed(&input, &found);
    assert!(
        of_rule(&found, "telegram-bot-token").contains(&(
            base.secret_span.start + shift..base.secret_span.end + shift,
            base.secret
        )),
        "{found:?}"
    );
}

/// The same flood, one hit per line: a million lines, each a tiny window.
#[test]
fn a_million_keyword_hits_on_a_million_lines() {
    let (text, base) = one_line_example("github-token");
    let mut input = b"password=\n".repeat(1_000_000);
    let shift = input.len();
    input.extend_from_slice(&text);
    let found = BUILTIN.scan(&input, None);
    assert_well_formed(&input, &found);
    let f = found
        .iter()
        .find(|f| f.rule_id == "github-token")
        .expect("the token after the flood is found");
    assert_eq!(f.secret_span.start, base.secret_span.start + shift);
    assert_eq!(f.line, 1_000_001);
}

/// Regression (scanner quadratic in findings per line): columns were counted from the
/// start of the line for every finding, and the placeholder filter took the whole line
/// for every candidate, so 60,000 findings on one 1.4 MB line cost 10^11 steps; this
/// test ran for over four minutes before the fix, under two seconds after.
#[test]
fn many_findings_on_one_line_are_located_in_one_pass() {
    let scanner = custom(
        r#"
[[rules]]
id = "flood"
title = "flood"
severity = "low"
keywords = ["kwq_"]
window = 64
placeholder_check = true
patterns = ['(?P<secret>kwq_[0-9a-f]{16})']
examples = ["kwq_0123456789abcdef"]
"#,
    );
    let n = 60_000;
    let mut input = Vec::new();
    let mut expected = Vec::new();
    for i in 0..n {
        // Multi-byte characters between findings, so columns differ from byte offsets.
        let secret = format!(
            "kwq_{:016x}",
            (i as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15)
        );
        if keywarden_engine::filter::reject(secret.as_bytes(), b"").is_none() {
            // Each record is "é kwq_<16 hex> ": 23 characters, the secret at the 3rd.
            expected.push((secret.clone(), 23 * i + 3));
        }
        input.extend_from_slice(format!("é {secret} ").as_bytes());
    }
    assert!(
        expected.len() > n - 100,
        "the filter rejects few random values"
    );
    let found = scanner.scan(&input, None);
    let got: Vec<(String, usize)> = found.iter().map(|f| (f.secret.clone(), f.column)).collect();
    assert_eq!(got, expected);
    for f in &found {
        assert_eq!((f.line, f.end_line, f.end_column), (1, 1, f.column + 20));
    }
}

/// Regression (scanner quadratic in matches after a run of name characters): the name
/// of each match was followed left over every identifier character, back to the start
/// of a run that may be the whole input (100,000 matches on a 1.6 MB run: over four
/// minutes before the fix).
#[test]
fn name_excludes_do_not_walk_back_over_a_long_name() {
    let scanner = custom(
        r#"
[[rules]]
id = "letters"
title = "letters"
severity = "low"
keywords = ["q"]
window = 32
placeholder_check = false
name_excludes = ["public"]
patterns = ['(?P<secret>q[a-p]{15})']
examples = ["qabcdefghijklmno"]
"#,
    );
    let block = b"qabcdefghijklmno";
    let input = block.repeat(100_000);
    let found = scanner.scan(&input, None);
    assert_eq!(found.len(), 100_000);
    // A name right before the match still rejects it.
    let found = scanner.scan(b"public_qabcdefghijklmno", None);
    assert!(found.is_empty(), "{found:?}");
}

/// Regression (giant matches resolved with the NFA): a pattern ending in `{12,}` matched
/// the whole of a long line and its capture groups were resolved by an NFA simulation
/// over all of it. Matches that long are not secrets and are skipped.
#[test]
fn a_match_of_megabytes_is_skipped() {
    let scanner = custom(
        r#"
[[rules]]
id = "long-value"
title = "long value"
severity = "low"
keywords = ["lv="]
placeholder_check = false
patterns = ['lv=(?P<secret>[0-9a-z=]{12,})']
examples = ["lv=0a1b2c3d4e5f"]
"#,
    );
    // One value of 4 MB, with keyword hits all along it, so the window is the whole
    // line and the pattern matches all of it.
    let mut input = b"lv=".to_vec();
    input.extend(b"0123456789abcdefghijklmnopqrstuvwxyz=lv=".repeat(4 * MB / 40));
    let found = scanner.scan(&input, None);
    assert_well_formed(&input, &found);
    assert_eq!(found, Vec::new(), "a 4 MB value is not a secret");
    // A short value next to it is still found.
    let found = scanner.scan(b"x lv=0a1b2c3d4e5f9 y", None);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].secret, "0a1b2c3d4e5f9");
}

// ---------------------------------------------------------------------------------------
// Windows
// ---------------------------------------------------------------------------------------

fn windowed(window: usize) -> Scanner {
    custom(&format!(
        r#"
[[rules]]
id = "windowed"
title = "windowed"
severity = "low"
keywords = ["kwd"]
window = {window}
placeholder_check = false
patterns = ['(?:^|[^0-9a-z])(?P<secret>s3[0-9a-z]{{10,}})(?:[^0-9a-z]|$)']
examples = ["kwd s3abcdefghijklmnopqrstuvwxyz0123"]
"#
    ))
}

const SECRET32: &[u8] = b"s3q8w7e6r5t4y3u2i1o0p9a8s7d6f5g4";

#[test]
fn a_window_at_the_very_start_and_end_of_the_input() {
    let scanner = windowed(40);
    // Keyword at offset 0, secret ending at the last byte.
    let input = [b"kwd ".as_slice(), SECRET32].concat();
    let found = scanner.scan(&input, None);
    assert_eq!(
        of_rule(&found, "windowed"),
        vec![(4..36, String::from_utf8_lossy(SECRET32).into_owned())]
    );
    // Secret at offset 0, keyword ending at the last byte.
    let input = [SECRET32, b" kwd".as_slice()].concat();
    let found = scanner.scan(&input, None);
    assert_eq!(of_rule(&found, "windowed").len(), 1);
    // Nothing but the keyword, and the keyword cut short.
    for input in [b"kwd".as_slice(), b"kw", b"wd", b"", b"k"] {
        assert!(scanner.scan(input, None).is_empty());
    }
}

/// A secret that the window boundary cuts is not reported cut short: guards around the
/// secret look at the real neighbouring bytes, not at the window's edge.
#[test]
fn a_secret_split_by_the_window_boundary_is_not_reported_truncated() {
    let input = [b"kwd          ".as_slice(), SECRET32, b" tail"].concat();
    // The window reaches 30 bytes past the keyword: 20 bytes into the secret, enough
    // for the pattern's `{10,}`, but the guard after the secret sees the next byte.
    assert!(windowed(30).scan(&input, None).is_empty());
    // Wide enough: found whole.
    let found = windowed(64).scan(&input, None);
    assert_eq!(
        of_rule(&found, "windowed"),
        vec![(13..45, String::from_utf8_lossy(SECRET32).into_owned())]
    );
    // The same on the left: the keyword after the secret, the window starting inside it.
    let input = [b"head ".as_slice(), SECRET32, b"          kwd"].concat();
    assert!(windowed(30).scan(&input, None).is_empty());
    assert_eq!(windowed(64).scan(&input, None).len(), 1);
}

/// Two keyword hits whose windows only together cover the secret: windows merge, so it
/// is found whole.
#[test]
fn a_secret_across_two_merged_windows_is_found_whole() {
    let input = [b"kwd ".as_slice(), SECRET32, b" kwd".as_slice()].concat();
    let found = windowed(20).scan(&input, None);
    assert_eq!(
        of_rule(&found, "windowed"),
        vec![(4..36, String::from_utf8_lossy(SECRET32).into_owned())]
    );
}

#[test]
fn a_huge_window_does_not_overflow() {
    let scanner = windowed(usize::try_from(i64::MAX).expect("64-bit"));
    let input = [b"kwd ".as_slice(), SECRET32].concat();
    assert_eq!(scanner.scan(&input, None).len(), 1);
}

// ---------------------------------------------------------------------------------------
// Hostile rule files
// ---------------------------------------------------------------------------------------

fn rule_with_pattern(pattern: &str) -> String {
    format!(
        r#"
[[rules]]
id = "hostile"
title = "hostile"
severity = "low"
keywords = ["a"]
placeholder_check = false
patterns = ['''{pattern}''']
"#
    )
}

/// Patterns that backtracking engines take exponential time on compile here into
/// linear-time automata and scan hostile input to completion with the right answer.
#[test]
fn catastrophic_looking_patterns_run_in_linear_time() {
    // 50,000 `a`s then `!`: each pattern wants a `b` and never gets it; then the same
    // with the `b` there.
    let mut miss = b"a".repeat(50_000);
    miss.push(b'!');
    let mut hit = b"a".repeat(50_000);
    hit.push(b'b');
    for pattern in [
        "(?P<secret>(a+)+)b",
        "(?P<secret>(a|aa)+)b",
        "(?P<secret>(a|a?)+)b",
        "(?P<secret>(a*)*)b",
        "(?P<secret>(a+a+)+)b",
        "(?P<secret>(.*a){12})b",
        "(?P<secret>(?:a|[a-z]|\\w)+)b",
        "(?P<secret>(a{1,10}){1,10})b",
    ] {
        let mut set = RuleSet::new();
        set.add_toml("hostile.toml", &rule_with_pattern(pattern))
            .unwrap_or_else(|e| panic!("{pattern}: {e}"));
        let scanner = Scanner::new(set).expect("automaton builds");
        assert!(
            scanner.scan(&miss, None).is_empty(),
            "{pattern} matched without b"
        );
        let found = scanner.scan(&hit, None);
        assert!(!found.is_empty(), "{pattern} did not match");
        assert_eq!(found.last().expect("a finding").secret_span.end, 50_000);
    }
}

/// Repetition counts that would expand into gigabytes of automaton are refused with an
/// error naming the rule and pattern, quickly and without allocating them.
#[test]
fn huge_repetition_counts_are_errors_not_hangs() {
    for pattern in [
        "(?P<secret>a{1000000})",
        "(?P<secret>(a{1000}){1000})",
        "(?P<secret>((a{100}){100}){100})",
        "(?P<secret>[a-z0-9]{65535}{65535})",
        "(?P<secret>\\w{100000})",
        "(?P<secret>(?:\\p{L}|\\p{N}){50000})",
        "(?P<secret>a{4294967295})",
        "(?P<secret>a{4294967296})",
        "(?P<secret>a{0,4294967295})",
    ] {
        let err = RuleSet::new()
            .add_toml("hostile.toml", &rule_with_pattern(pattern))
            .expect_err(pattern);
        let msg = err.to_string();
        assert!(
            msg.starts_with("rule `hostile`, pattern 0: "),
            "{pattern}: {msg}"
        );
    }
}

#[test]
fn deep_nesting_is_an_error() {
    let deep = format!("(?P<secret>{}a{})", "(".repeat(10_000), ")".repeat(10_000));
    let err = RuleSet::new()
        .add_toml("hostile.toml", &rule_with_pattern(&deep))
        .expect_err("nesting limit");
    assert!(err.to_string().contains("pattern 0"), "{err}");
    let deep = format!("(?P<secret>a{})", "*".repeat(10_000));
    // Stacked repetition operators are a parse error or a harmless regex, never a crash.
    let _ = RuleSet::new().add_toml("hostile.toml", &rule_with_pattern(&deep));
}

/// Patterns that can match the empty string, or only the empty secret, neither loop
/// forever nor report empty secrets.
#[test]
fn empty_matches_and_empty_secrets() {
    for pattern in [
        "(?P<secret>a*)",
        "(?P<secret>)",
        "(?P<secret>b*)a*",
        "(?P<secret>\\b)",
    ] {
        let mut set = RuleSet::new();
        set.add_toml("hostile.toml", &rule_with_pattern(pattern))
            .unwrap_or_else(|e| panic!("{pattern}: {e}"));
        let scanner = Scanner::new(set).expect("automaton builds");
        let input = b"xa ya a\xffa\n".repeat(10_000);
        for f in scanner.scan(&input, None) {
            assert!(!f.secret_span.is_empty(), "{pattern}: {f:?}");
        }
    }
}

/// A rule file with thousands of keywords builds its automaton and scans.
#[test]
fn many_keywords_build_and_scan() {
    let keywords: Vec<String> = (0..20_000u32)
        .map(|i| format!("\"kw{:08x}\"", i.wrapping_mul(2_654_435_761)))
        .collect();
    let scanner = custom(&format!(
        r#"
[[rules]]
id = "many"
title = "many"
severity = "low"
keywords = [{}]
placeholder_check = false
patterns = ['(?P<secret>kw[0-9a-f]{{8}})']
"#,
        keywords.join(", ")
    ));
    let input = "x kw9e3779b1 y kwzzzzzzzz z".as_bytes();
    assert_eq!(scanner.keyword_hits(input), 1);
    assert_eq!(scanner.scan(input, None).len(), 1);
}

/// Rule files that are not what they claim fail with an error, not a panic.
#[test]
fn malformed_rule_files_are_errors() {
    // A valid rule up to its last line; each case appends what breaks it.
    const RULE: &str = "[[rules]]\ntitle = \"t\"\nseverity = \"low\"\n";
    let with = |rest: &str| format!("{RULE}{rest}");
    let ok_id = "id = \"x\"\nkeywords = [\"a\"]\n";
    let cases = [
        "[[rules]]\nid = \"x\"".to_string(),
        with("id = \"\"\nkeywords = [\"a\"]\npatterns = ['(?P<secret>a)']"),
        with("id = \"x\"\nkeywords = [\"\"]\npatterns = ['(?P<secret>a)']"),
        with(&format!("{ok_id}patterns = ['(?P<secret>a)']\nwindow = -1")),
        with(&format!(
            "{ok_id}patterns = ['(?P<secret>a)']\nmin_entropy = nan"
        )),
        with(&format!("{ok_id}patterns = ['(?<=a)(?P<secret>a)']")),
        with(&format!("{ok_id}patterns = ['(?P<secret>a)(?P<secret>b)']")),
        "\u{feff}[[rules]]".to_string(),
        "[[rules]]\n\0".to_string(),
        "rules = 5".to_string(),
    ];
    for text in &cases {
        let text = text.as_str();
        let mut set = RuleSet::new();
        let err = set.add_toml("hostile.toml", text).expect_err(text);
        assert!(!err.to_string().is_empty());
        assert!(set.rules().is_empty(), "{text}: rules left behind");
    }
}
