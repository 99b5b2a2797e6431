//! The encryption policy of a repository that uses SOPS: `.sops.yaml` names, by
//! `path_regex` in its `creation_rules`, which files must only be committed encrypted.
//!
//! A file that matches such a rule but carries no SOPS metadata is a finding of its own
//! (`unencrypted-sops-file`), whether or not a secret in it is recognised: the policy says
//! it must not be committed in plaintext.

use std::path::{Path, PathBuf};

use regex_automata::meta::Regex;
use serde::Deserialize;
use thiserror::Error;

/// The id under which policy violations are reported.
pub const UNENCRYPTED_SOPS_RULE: &str = "unencrypted-sops-file";

/// The file SOPS reads its creation rules from.
pub const SOPS_CONFIG_NAME: &str = ".sops.yaml";

/// Why `.sops.yaml` cannot be used.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SopsError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The `.sops.yaml` path.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// Not YAML, or not the shape SOPS expects.
    #[error("{path}: {message}")]
    Parse {
        /// The `.sops.yaml` path.
        path: PathBuf,
        /// What the YAML parser said, with its line and column.
        message: String,
    },
    /// A `path_regex` does not compile.
    #[error("{path}: creation_rules[{index}].path_regex `{regex}`: {message}")]
    Regex {
        /// The `.sops.yaml` path.
        path: PathBuf,
        /// 0-based index of the creation rule.
        index: usize,
        /// The regex.
        regex: String,
        /// The compiler's message.
        message: String,
    },
}

#[derive(Debug, Deserialize)]
struct SopsFile {
    #[serde(default)]
    creation_rules: Vec<CreationRule>,
}

#[derive(Debug, Deserialize)]
struct CreationRule {
    path_regex: Option<String>,
}

/// The creation rules of a `.sops.yaml`, ready to match paths.
#[derive(Debug)]
pub struct SopsRules {
    /// The folder of `.sops.yaml`: paths are matched relative to it.
    pub root: PathBuf,
    rules: Vec<(String, Regex)>,
}

impl SopsRules {
    /// Finds `.sops.yaml` in `start` or its nearest parent, up to the repository root
    /// (a folder with `.git`), and loads it.
    ///
    /// # Errors
    /// [`SopsError`] if a `.sops.yaml` exists but cannot be used.
    pub fn discover(start: &Path) -> Result<Option<SopsRules>, SopsError> {
        let Ok(start) = start.canonicalize() else {
            return Ok(None);
        };
        for dir in start.ancestors() {
            let candidate = dir.join(SOPS_CONFIG_NAME);
            if candidate.is_file() {
                return SopsRules::load(&candidate).map(Some);
            }
            if dir.join(".git").exists() {
                break;
            }
        }
        Ok(None)
    }

    /// Loads a `.sops.yaml`.
    ///
    /// # Errors
    /// [`SopsError`] naming the file and, for YAML errors, the line.
    pub fn load(path: &Path) -> Result<SopsRules, SopsError> {
        let text = std::fs::read_to_string(path).map_err(|source| SopsError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let file: SopsFile = serde_yaml_ng::from_str(&text).map_err(|e| SopsError::Parse {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        let mut rules = Vec::new();
        for (index, rule) in file.creation_rules.iter().enumerate() {
            let Some(regex) = &rule.path_regex else {
                continue;
            };
            let compiled = Regex::new(regex).map_err(|e| SopsError::Regex {
                path: path.to_path_buf(),
                index,
                regex: regex.clone(),
                message: e.to_string(),
            })?;
            rules.push((regex.clone(), compiled));
        }
        let root = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Ok(SopsRules { root, rules })
    }

    /// The `path_regex` that says `rel_path` (relative to [`SopsRules::root`],
    /// `/`-separated) must be encrypted, if any. Like SOPS, the regex may match anywhere
    /// in the path.
    pub fn requiring(&self, rel_path: &str) -> Option<&str> {
        self.rules
            .iter()
            .find(|(_, r)| r.is_match(rel_path))
            .map(|(s, _)| s.as_str())
    }
}

/// True if `content` carries SOPS metadata: a top-level `sops:` YAML key, a `"sops"`
/// JSON member, or the `sops_*` keys of the dotenv and INI formats.
pub fn is_sops_encrypted(content: &[u8]) -> bool {
    let has = |needle: &[u8]| memchr::memmem::find(content, needle).is_some();
    let yaml = content.starts_with(b"sops:") || has(b"\nsops:");
    yaml || has(b"\"sops\":")
        || has(b"\nsops_version=")
        || has(b"\n[sops]")
        || content.starts_with(b"sops_")
        || content.starts_with(b"[sops]")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(yaml: &str) -> SopsRules {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(SOPS_CONFIG_NAME);
        std::fs::write(&path, yaml).expect("write");
        SopsRules::load(&path).expect("loads")
    }

    #[test]
    fn creation_rules_name_the_files_to_encrypt() {
        let r = rules(
            "creation_rules:\n  - path_regex: .*\\.env$\n    age: age1xyz\n  \
             - path_regex: k8s/secrets/.*\\.yaml$\n",
        );
        assert_eq!(r.requiring("services/api/.env"), Some(".*\\.env$"));
        assert!(r.requiring("k8s/secrets/db.yaml").is_some());
        assert_eq!(r.requiring("k8s/deploy.yaml"), None);
    }

    #[test]
    fn sops_metadata_is_recognised_in_every_format() {
        assert!(is_sops_encrypted(
            b"password: ENC[AES256_GCM,data:x]\nsops:\n  mac: y\n"
        ));
        assert!(is_sops_encrypted(
            b"{\"a\": \"ENC[...]\", \"sops\": {\"mac\": \"y\"}}"
        ));
        assert!(is_sops_encrypted(
            b"A=ENC[AES256_GCM,data:x]\nsops_version=3.8.1\n"
        ));
        assert!(!is_sops_encrypted(b"DB_PASSWORD=hunter2-plain\n"));
    }

    #[test]
    fn a_bad_path_regex_is_named() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(SOPS_CONFIG_NAME);
        std::fs::write(&path, "creation_rules:\n  - path_regex: (unclosed\n").expect("write");
        let err = SopsRules::load(&path).expect_err("bad regex");
        assert!(
            err.to_string().contains("creation_rules[0].path_regex"),
            "{err}"
        );
    }
}
