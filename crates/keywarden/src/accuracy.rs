//! Accuracy against a labeled corpus: which expected findings were found, missed, and
//! which findings nobody expected (false positives).
//!
//! The corpus lists expected findings in `expected.tsv` (`path<TAB>line<TAB>rule_id`,
//! paths relative to the corpus folder, `#` comments); every other finding is a false
//! positive, decoy files included.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use keywarden_engine::Scanner;

use crate::files::{self, WalkOptions};

/// One labeled or reported finding: path relative to the corpus, line, rule id.
pub type Label = (String, usize, String);

/// Per-rule counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    /// Labeled in the corpus.
    pub expected: usize,
    /// Labeled and reported.
    pub found: usize,
    /// Labeled, not reported.
    pub missed: usize,
    /// Reported, not labeled.
    pub false_positives: usize,
}

impl Counts {
    /// found / (found + false positives); 1.0 when nothing was reported.
    pub fn precision(&self) -> f64 {
        ratio(self.found, self.found + self.false_positives)
    }

    /// found / expected; 1.0 when nothing was expected.
    pub fn recall(&self) -> f64 {
        ratio(self.found, self.expected)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

/// The outcome of a corpus run.
#[derive(Debug, Default)]
pub struct Evaluation {
    /// Counts per rule id.
    pub per_rule: BTreeMap<String, Counts>,
    /// Expected findings that were not reported.
    pub missed: Vec<Label>,
    /// Reported findings that were not expected.
    pub false_positives: Vec<Label>,
}

impl Evaluation {
    /// Counts over all rules.
    pub fn total(&self) -> Counts {
        self.per_rule.values().fold(Counts::default(), |mut t, c| {
            t.expected += c.expected;
            t.found += c.found;
            t.missed += c.missed;
            t.false_positives += c.false_positives;
            t
        })
    }

    /// A table of the counts, one rule a line, then the total.
    pub fn table(&self) -> String {
        let mut out = format!(
            "{:<32} {:>8} {:>6} {:>6} {:>6} {:>9} {:>7}\n",
            "rule", "expected", "found", "missed", "fp", "precision", "recall"
        );
        let rows = self.per_rule.iter().map(|(k, v)| (k.as_str(), v.clone()));
        for (rule, c) in rows.chain([("TOTAL", self.total())]) {
            out.push_str(&format!(
                "{rule:<32} {:>8} {:>6} {:>6} {:>6} {:>9.3} {:>7.3}\n",
                c.expected,
                c.found,
                c.missed,
                c.false_positives,
                c.precision(),
                c.recall()
            ));
        }
        out
    }
}

/// Reads `expected.tsv`.
///
/// # Errors
/// A message naming the file and line of a malformed entry.
pub fn read_labels(path: &Path) -> Result<BTreeSet<Label>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut labels = BTreeSet::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = || {
            format!(
                "{}:{}: expected path<TAB>line<TAB>rule_id",
                path.display(),
                n + 1
            )
        };
        let mut cols = line.split('\t');
        let (Some(p), Some(l), Some(r)) = (cols.next(), cols.next(), cols.next()) else {
            return Err(bad());
        };
        let l = l.trim().parse().map_err(|_| bad())?;
        labels.insert((p.to_string(), l, r.trim().to_string()));
    }
    Ok(labels)
}

/// Scans the `positives` and `decoys` folders of `corpus` (no config, no ignore files)
/// and compares with its `expected.tsv`.
///
/// # Errors
/// A message if the labels cannot be read or a corpus file cannot be scanned.
pub fn evaluate(scanner: &Scanner, corpus: &Path) -> Result<Evaluation, String> {
    let expected = read_labels(&corpus.join("expected.tsv"))?;
    let opts = WalkOptions {
        respect_ignore_files: false,
        ..WalkOptions::default()
    };
    let roots = [corpus.join("positives"), corpus.join("decoys")];
    let outcome = files::scan_paths(scanner, &roots, &opts);
    if let Some(e) = outcome.errors.first() {
        return Err(e.clone());
    }
    let prefix = format!("{}/", files::display_path(corpus).trim_end_matches('/'));
    let reported: BTreeSet<Label> = outcome
        .records
        .iter()
        .map(|r| {
            let rel = r.path.strip_prefix(&prefix).unwrap_or(&r.path).to_string();
            (rel, r.finding.line, r.finding.rule_id.clone())
        })
        .collect();
    let mut eval = Evaluation::default();
    for label in &expected {
        let c = eval.per_rule.entry(label.2.clone()).or_default();
        c.expected += 1;
        if reported.contains(label) {
            c.found += 1;
        } else {
            c.missed += 1;
            eval.missed.push(label.clone());
        }
    }
    for label in reported.difference(&expected) {
        eval.per_rule
            .entry(label.2.clone())
            .or_default()
            .false_positives += 1;
        eval.false_positives.push(label.clone());
    }
    Ok(eval)
}
