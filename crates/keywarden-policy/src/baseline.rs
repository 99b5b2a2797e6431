//! Baselines: findings accepted once, suppressed afterwards.
//!
//! Entries are matched by fingerprint (a hash of rule id and secret) and path, never by
//! line, so editing a file does not revive old findings; the file holds no secret.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Why a baseline cannot be read or written.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum BaselineError {
    /// The file could not be read or written.
    #[error("cannot access baseline {path}: {source}")]
    Io {
        /// The baseline path.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file is not a keywarden baseline.
    #[error("{path}: not a keywarden baseline ({message}); write one with --write-baseline {path}")]
    Format {
        /// The baseline path.
        path: PathBuf,
        /// What the JSON parser said.
        message: String,
    },
    /// The file is a baseline of a version this keywarden does not read.
    #[error("{path}: baseline version {version} is not supported (expected 1)")]
    Version {
        /// The baseline path.
        path: PathBuf,
        /// The version found.
        version: u32,
    },
}

/// One accepted finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct BaselineEntry {
    /// The finding's fingerprint.
    pub fingerprint: String,
    /// The rule that found it (for people reading the file).
    pub rule_id: String,
    /// Where it was found.
    pub path: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    version: u32,
    findings: Vec<BaselineEntry>,
}

/// A set of accepted findings.
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    entries: BTreeSet<(String, String)>,
}

impl Baseline {
    /// Reads a baseline file.
    ///
    /// # Errors
    /// [`BaselineError`] if it cannot be read, is not a baseline or has another version.
    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let bytes = std::fs::read(path).map_err(|source| BaselineError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let file: BaselineFile =
            serde_json::from_slice(&bytes).map_err(|e| BaselineError::Format {
                path: path.to_path_buf(),
                message: e.to_string(),
            })?;
        if file.version != 1 {
            return Err(BaselineError::Version {
                path: path.to_path_buf(),
                version: file.version,
            });
        }
        let entries = file
            .findings
            .into_iter()
            .map(|e| (e.fingerprint, e.path))
            .collect();
        Ok(Baseline { entries })
    }

    /// True if this finding is in the baseline.
    pub fn contains(&self, fingerprint: &str, path: &str) -> bool {
        self.entries
            .contains(&(fingerprint.to_string(), path.to_string()))
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True if there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Writes `entries` as a baseline file (sorted, deduplicated).
    ///
    /// # Errors
    /// [`BaselineError::Io`] if the file cannot be written.
    pub fn write(
        path: &Path,
        entries: impl IntoIterator<Item = BaselineEntry>,
    ) -> Result<(), BaselineError> {
        let findings: BTreeSet<BaselineEntry> = entries.into_iter().collect();
        let file = BaselineFile {
            version: 1,
            findings: findings.into_iter().collect(),
        };
        let io = |source| BaselineError::Io {
            path: path.to_path_buf(),
            source,
        };
        let mut out = std::fs::File::create(path).map_err(io)?;
        serde_json::to_writer_pretty(&mut out, &file).map_err(|e| io(e.into()))?;
        out.write_all(b"\n").map_err(io)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_matches_by_fingerprint_and_path() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("baseline.json");
        let entry = BaselineEntry {
            fingerprint: "00ff".into(),
            rule_id: "jwt".into(),
            path: "src/a.py".into(),
        };
        Baseline::write(&path, [entry.clone(), entry]).expect("writes");
        let b = Baseline::load(&path).expect("reads");
        assert_eq!(b.len(), 1);
        assert!(b.contains("00ff", "src/a.py"));
        assert!(!b.contains("00ff", "src/b.py"));
    }

    #[test]
    fn garbage_is_a_clear_error() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("baseline.json");
        std::fs::write(&path, "not json").expect("writes");
        let err = Baseline::load(&path).expect_err("garbage");
        assert!(
            err.to_string().contains("not a keywarden baseline"),
            "{err}"
        );
        std::fs::write(&path, r#"{"version": 9, "findings": []}"#).expect("writes");
        let err = Baseline::load(&path).expect_err("version");
        assert!(err.to_string().contains("version 9"), "{err}");
    }
}
