//! Errors of rule loading and compilation.

use thiserror::Error;

/// Why a rule or rule file could not be used.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum RuleError {
    /// The file is not valid TOML or does not fit the rule schema.
    #[error("{origin}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
    Parse {
        /// File name or `built-in:<name>`.
        origin: String,
        /// 1-based line of the problem, when known.
        line: Option<usize>,
        /// What is wrong.
        message: String,
    },
    /// A rule breaks a schema constraint.
    #[error("rule `{rule}`: {why}")]
    Invalid {
        /// The rule id.
        rule: String,
        /// What to change.
        why: String,
    },
    /// A pattern does not compile or lacks its `secret` group.
    #[error("rule `{rule}`, pattern {index}: {message}")]
    Regex {
        /// The rule id.
        rule: String,
        /// 0-based index into the rule's `patterns`.
        index: usize,
        /// The regex compiler's message.
        message: String,
    },
    /// Two rules share an id.
    #[error("rule id `{0}` is defined twice; ids must be unique")]
    DuplicateId(String),
    /// The rule set could not build its keyword automaton.
    #[error("cannot build the keyword automaton: {0}")]
    Automaton(String),
}
