//! Prints per-rule precision and recall of the built-in rules on a labeled corpus.
//!
//! `cargo run --release -p keywarden --example accuracy -- [CORPUS_DIR]` (default
//! `corpus`). Exits 1 if anything was missed or falsely reported.

use std::path::PathBuf;
use std::process::ExitCode;

use keywarden::accuracy;
use keywarden_engine::{RuleSet, Scanner};

fn main() -> ExitCode {
    let dir = std::env::args_os()
        .nth(1)
        .map_or_else(|| PathBuf::from("corpus"), PathBuf::from);
    let scanner = match RuleSet::builtin().and_then(Scanner::new) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("accuracy: {e}");
            return ExitCode::from(2);
        }
    };
    match accuracy::evaluate(&scanner, &dir) {
        Ok(eval) => {
            print!("{}", eval.table());
            for (p, l, r) in &eval.missed {
                println!("missed  {p}:{l}  {r}");
            }
            for (p, l, r) in &eval.false_positives {
                println!("false positive  {p}:{l}  {r}");
            }
            let t = eval.total();
            if t.missed == 0 && t.false_positives == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(e) => {
            eprintln!("accuracy: {e}");
            ExitCode::from(2)
        }
    }
}
