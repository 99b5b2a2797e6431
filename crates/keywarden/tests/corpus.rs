//! The labeled corpus: every expected finding is reported and nothing else is, decoys
//! included. The headline rules (Binance, Telegram, JWT) are held to 100% recall.

use std::path::Path;

use keywarden::accuracy;
use keywarden_engine::{RuleSet, Scanner};

fn corpus() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../corpus"))
}

#[test]
fn corpus_findings_match_expectations_exactly() {
    let scanner = Scanner::new(RuleSet::builtin().expect("built-in rules")).expect("scanner");
    let eval = accuracy::evaluate(&scanner, corpus()).expect("corpus scans");
    println!("{}", eval.table());
    let total = eval.total();
    assert!(
        total.expected >= 150,
        "the corpus must hold at least 150 labeled positives"
    );
    let show = |v: &[accuracy::Label]| {
        v.iter()
            .map(|(p, l, r)| format!("  {p}:{l} {r}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(
        eval.missed.is_empty() && eval.false_positives.is_empty(),
        "missed {}:\n{}\nfalse positives {}:\n{}",
        eval.missed.len(),
        show(&eval.missed),
        eval.false_positives.len(),
        show(&eval.false_positives)
    );
}

#[test]
fn headline_rules_have_full_recall() {
    let scanner = Scanner::new(RuleSet::builtin().expect("built-in rules")).expect("scanner");
    let eval = accuracy::evaluate(&scanner, corpus()).expect("corpus scans");
    for id in [
        "binance-api-key",
        "binance-secret-key",
        "telegram-bot-token",
        "telegram-api-hash",
        "jwt",
    ] {
        let c = eval
            .per_rule
            .get(id)
            .unwrap_or_else(|| panic!("no corpus cases for {id}"));
        assert!(
            c.expected > 0 && c.recall() == 1.0,
            "{id}: recall {:.3}",
            c.recall()
        );
    }
}
