//! keywarden's detection engine: finds secrets in bytes.
//!
//! The engine knows nothing of git, files or output formats. It compiles a [`RuleSet`]
//! (the built-in rules of `patterns/`, plus any rule files) into a [`Scanner`], which
//! scans `&[u8]` and returns [`Finding`]s with rule id, byte and line spans, entropy,
//! confidence and a stable fingerprint.
//!
//! # How a scan decides
//! 1. **Keywords.** One Aho-Corasick pass finds every rule's keywords at once. No hit, no
//!    further work: clean input costs that one pass (a DFA walked on four segments at
//!    once, see `keywords.rs`).
//! 2. **Regexes near hits.** Each rule's regexes (linear-time regex-automata) run only in
//!    windows around its keyword hits, and each has a `secret` capture group.
//! 3. **Judgement.** Placeholders and references (`${VAR}`, `<API_KEY>`, `changeme`,
//!    `xxxx`, SOPS `ENC[...]` values, sequential runs) are dropped; the secret's entropy
//!    is compared with what a random string of its own alphabet and length scores;
//!    structural validators confirm JWTs (decodable header with `alg`) and GitHub tokens
//!    (CRC32 checksum).
//! 4. **Overlaps.** When rules find the same secret, the more specific rule wins.
//!
//! # Example
//! ```
//! use keywarden_engine::{RuleSet, Scanner};
//!
//! let scanner = Scanner::new(RuleSet::builtin()?)?;
//! let clean = scanner.scan(b"fn main() { println!(\"hello\"); }", Some("main.rs"));
//! assert!(clean.is_empty());
//! # Ok::<(), keywarden_engine::RuleError>(())
//! ```
#![deny(missing_docs)]

mod error;
pub mod filter;
mod keywords;
mod rule;
mod ruleset;
mod scanner;
pub mod score;
pub mod validate;

pub use error::RuleError;
pub use rule::{Confidence, DEFAULT_WINDOW, Rule, RuleFile, RuleSpec, Severity, Validator};
pub use ruleset::{BUILTIN_RULE_FILES, RuleSet};
pub use scanner::{Finding, Scanner, fingerprint};
