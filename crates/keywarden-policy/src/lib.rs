//! Repository policy for keywarden: what a team decides about its own repository.
//!
//! - [`Config`]: `.keywarden.toml`, which adds rules, disables or tunes built-in ones and
//!   allowlists by path glob, secret or line regex and stopword, globally or per rule.
//! - [`Policy`]: the compiled config, asked about each finding.
//! - Inline allows: a line holding `keywarden:allow` (or the markers other scanners'
//!   users already have in their code, `gitleaks:allow` and `pragma: allowlist secret`)
//!   is not reported.
//! - [`sops`]: the encryption policy of `.sops.yaml`, and SOPS metadata detection.
//! - [`Baseline`]: findings recorded once and suppressed afterwards, matched by
//!   fingerprint and path, never by line, and never storing a secret.
#![deny(missing_docs)]

mod baseline;
mod config;
pub mod sops;

pub use baseline::{Baseline, BaselineEntry, BaselineError};
pub use config::{Allowlist, CONFIG_FILE_NAME, Config, ConfigError, Policy, RuleOverride};

/// Comment markers that allow the line they are on.
pub const INLINE_ALLOW_MARKERS: &[&str] = &[
    "keywarden:allow",
    "gitleaks:allow",
    "pragma: allowlist secret",
];

/// True if `line` carries an inline allow marker.
pub fn has_inline_allow(line: &str) -> bool {
    INLINE_ALLOW_MARKERS.iter().any(|m| line.contains(m))
}

/// A path as reports and globs see it: lossy UTF-8 with `/` separators.
///
/// Only on Windows is `\` a separator; on Unix it is an ordinary file-name character, and
/// turning `back\slash.env` into `back/slash.env` would name a file that does not exist.
pub fn slash_path(path: &std::path::Path) -> String {
    let s = path.to_string_lossy();
    if cfg!(windows) {
        s.replace('\\', "/")
    } else {
        s.into_owned()
    }
}
