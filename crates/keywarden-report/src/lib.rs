//! Report writers for keywarden findings: a readable text report, JSON Lines for
//! machines and (in [`sarif`]) SARIF 2.1.0 for code-scanning dashboards.
//!
//! Writers take [`Record`]s (a finding plus where it was found) and never print a secret
//! in full unless the caller passes [`Redaction::Off`].
#![deny(missing_docs)]

mod json;
pub mod sarif;
mod text;

use keywarden_engine::{Finding, Severity};

pub use json::{json_value, write_json_line};
pub use text::{Summary, TextWriter};

/// Where a finding came from in git history.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CommitInfo {
    /// Full commit id in hex.
    pub id: String,
    /// Author name.
    pub author: String,
    /// Author email.
    pub email: String,
    /// Author date, RFC 3339.
    pub date: String,
    /// First line of the commit message.
    pub summary: String,
}

/// A finding with its location and the context a report needs.
#[derive(Debug, Clone)]
pub struct Record {
    /// Path relative to the scan root, `/`-separated; `-` for standard input, the commit id
    /// for a commit message.
    pub path: String,
    /// What the engine found.
    pub finding: Finding,
    /// The rule's title.
    pub title: String,
    /// The rule's severity.
    pub severity: Severity,
    /// The source line that holds the start of the secret, for text output.
    pub line_text: Option<String>,
    /// Characters of the line cut from the front of `line_text` (0 when it starts the
    /// line): long lines are kept only around the secret, so that a 100 MB one-line file
    /// with many findings does not hold a copy of the line per finding.
    pub line_offset: usize,
    /// The commit that introduced it, for history scans.
    pub commit: Option<CommitInfo>,
}

/// How much of a secret a report shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Redaction {
    /// Nothing: `********`.
    Full,
    /// The first few characters, then a fixed mask (the default: enough to recognise
    /// which key it is, far too little to use it).
    #[default]
    Prefix,
    /// The whole secret. Only when the user asked for it.
    Off,
}

/// Characters of the secret shown by [`Redaction::Prefix`].
pub const PREFIX_CHARS: usize = 4;
const MASK: &str = "********";

impl Redaction {
    /// The secret as this level shows it. The mask has a fixed length, so a redacted
    /// report does not leak the secret's length either.
    pub fn apply(self, secret: &str) -> String {
        match self {
            Redaction::Off => secret.to_string(),
            Redaction::Full => MASK.to_string(),
            Redaction::Prefix => {
                let count = secret.chars().count();
                // Short secrets show nothing: four characters of an eight-character
                // password are half of it.
                if count < 3 * PREFIX_CHARS {
                    return MASK.to_string();
                }
                let prefix: String = secret.chars().take(PREFIX_CHARS).collect();
                format!("{prefix}{MASK}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_levels() {
        let s = "ghp_R4nd0mB0dyOfThirtyCharsXyz1234abcdef";
        assert_eq!(Redaction::Off.apply(s), s);
        assert_eq!(Redaction::Full.apply(s), "********");
        assert_eq!(Redaction::Prefix.apply(s), "ghp_********");
        assert_eq!(Redaction::Prefix.apply("short-pass"), "********");
    }
}
