//! `.keywarden.toml`: parsing, validation and the compiled [`Policy`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use keywarden_engine::{RuleError, RuleSet, RuleSpec, Severity};
use regex_automata::meta::Regex;
use serde::Deserialize;
use thiserror::Error;

/// The file name looked for at the repository root.
pub const CONFIG_FILE_NAME: &str = ".keywarden.toml";

/// Why a config file cannot be used.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read config {path}: {source}")]
    Read {
        /// The config path.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// Not TOML, or an unknown or mistyped key.
    #[error("{path}:{line}: {message}")]
    Parse {
        /// The config path.
        path: PathBuf,
        /// 1-based line of the problem.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A value is well-formed TOML but unusable (bad glob, bad regex, unknown rule id).
    #[error(
        "{}{}: {message}",
        .path.display(),
        .line.map(|l| format!(":{l}")).unwrap_or_default()
    )]
    Invalid {
        /// The config path.
        path: PathBuf,
        /// 1-based line of the value, when it can be found in the text.
        line: Option<usize>,
        /// What is wrong and where.
        message: String,
    },
    /// A rule added by the config does not compile.
    #[error("{path}: {source}")]
    Rule {
        /// The config path.
        path: PathBuf,
        /// The rule error.
        #[source]
        source: RuleError,
    },
}

/// An allowlist: findings matching any entry are not reported.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Allowlist {
    /// Path globs, relative to the repository root (`corpus/**`, `**/*.lock`).
    #[serde(default)]
    pub paths: Vec<String>,
    /// Regexes matched against the secret.
    #[serde(default)]
    pub secrets: Vec<String>,
    /// Regexes matched against the line that holds the secret.
    #[serde(default)]
    pub lines: Vec<String>,
    /// Words that, found in the secret (case-insensitive), allow it.
    #[serde(default)]
    pub stopwords: Vec<String>,
}

/// Changes to one built-in rule.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleOverride {
    /// New minimum entropy (fraction of random, 0..1).
    pub min_entropy: Option<f64>,
    /// New severity.
    pub severity: Option<Severity>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesSection {
    #[serde(default)]
    disable: Vec<String>,
    #[serde(default)]
    files: Vec<PathBuf>,
    #[serde(default)]
    overrides: BTreeMap<String, RuleOverride>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScanSection {
    max_file_size: Option<u64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    scan: ScanSection,
    #[serde(default)]
    rules: RulesSection,
    #[serde(default, rename = "rule")]
    custom_rules: Vec<RuleSpec>,
    #[serde(default)]
    allowlist: Allowlist,
    #[serde(default, rename = "rule-allowlist")]
    rule_allowlists: BTreeMap<String, Allowlist>,
}

/// A parsed `.keywarden.toml`.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Where it was read from (empty for the default config).
    pub path: PathBuf,
    /// The folder allowlist paths are relative to.
    pub root: PathBuf,
    raw: RawConfig,
    /// The text it was parsed from, to name the line of a bad value.
    text: String,
}

impl Config {
    /// Reads and parses a config file; paths in it are relative to its folder.
    ///
    /// # Errors
    /// [`ConfigError`] naming the file, and the line where TOML parsing failed.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        // `--config .keywarden.toml` has an empty parent: the current folder.
        let root = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        Config::parse(path, &root, &text)
    }

    /// Parses config text; `path` names it in errors, `root` anchors its paths.
    ///
    /// # Errors
    /// [`ConfigError::Parse`] with the line of the problem.
    pub fn parse(path: &Path, root: &Path, text: &str) -> Result<Config, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: path.to_path_buf(),
            line: e.span().map_or(1, |s| line_of(text, s.start)),
            message: e.message().to_string(),
        })?;
        Ok(Config {
            path: path.to_path_buf(),
            root: root.to_path_buf(),
            raw,
            text: text.to_string(),
        })
    }

    /// Finds `.keywarden.toml` in `start` or the nearest parent that holds one, stopping
    /// at the repository root (a folder with `.git`).
    pub fn discover(start: &Path) -> Option<PathBuf> {
        let start = start.canonicalize().ok()?;
        for dir in start.ancestors() {
            let candidate = dir.join(CONFIG_FILE_NAME);
            // Anything by that name counts, so a folder or an unreadable file named
            // .keywarden.toml is reported by `load` instead of silently ignored.
            if candidate.symlink_metadata().is_ok() {
                return Some(candidate);
            }
            if dir.join(".git").exists() {
                return None;
            }
        }
        None
    }

    /// The configured file size limit, if any.
    pub fn max_file_size(&self) -> Option<u64> {
        self.raw.scan.max_file_size
    }

    /// Applies the config to a rule set: loads rule files and inline `[[rule]]`s,
    /// disables rules and applies overrides.
    ///
    /// # Errors
    /// [`ConfigError`] for an unknown rule id, an unreadable rule file or a bad rule.
    pub fn apply_rules(&self, set: &mut RuleSet) -> Result<(), ConfigError> {
        let invalid = |message: String| ConfigError::Invalid {
            path: self.path.clone(),
            line: None,
            message,
        };
        let invalid_at = |needle: &str, message: String| ConfigError::Invalid {
            path: self.path.clone(),
            line: self.line_of_value(needle),
            message,
        };
        let rule_err = |source| ConfigError::Rule {
            path: self.path.clone(),
            source,
        };
        for file in &self.raw.rules.files {
            let full = self.root.join(file);
            let text = read_regular_file(&full).map_err(|source| ConfigError::Read {
                path: full.clone(),
                source,
            })?;
            set.add_toml(&full.display().to_string(), &text)
                .map_err(rule_err)?;
        }
        if !self.raw.custom_rules.is_empty() {
            let text = toml::to_string(&keywarden_engine::RuleFile {
                rules: self.raw.custom_rules.clone(),
            })
            .map_err(|e| invalid(format!("cannot re-read [[rule]] tables: {e}")))?;
            set.add_toml(&self.path.display().to_string(), &text)
                .map_err(rule_err)?;
        }
        // A per-rule allowlist for a rule that does not exist is a typo that would leave
        // the findings it meant to silence in place. Built-in ids stay valid when the
        // built-in rules are switched off for this run.
        for id in self.raw.rule_allowlists.keys() {
            let known = id == crate::sops::UNENCRYPTED_SOPS_RULE
                || set.rules().iter().any(|r| r.id() == id)
                || RuleSet::builtin().is_ok_and(|b| b.rules().iter().any(|r| r.id() == id));
            if !known {
                return Err(invalid_at(
                    &format!("rule-allowlist.{id}"),
                    format!(
                        "[rule-allowlist.{id}] names `{id}`, which is not a rule; \
                         see `keywarden rules`"
                    ),
                ));
            }
        }
        for id in &self.raw.rules.disable {
            if !set.remove(id) {
                return Err(invalid_at(
                    id,
                    format!(
                        "rules.disable names `{id}`, which is not a rule; see `keywarden rules`"
                    ),
                ));
            }
        }
        for (id, o) in &self.raw.rules.overrides {
            let header = format!("overrides.{id}");
            let rule = set.get_mut(id).ok_or_else(|| {
                invalid_at(
                    &header,
                    format!("rules.overrides names `{id}`, which is not a rule"),
                )
            })?;
            if let Some(e) = o.min_entropy {
                if !(0.0..=1.0).contains(&e) {
                    return Err(invalid_at(
                        &header,
                        format!("rules.overrides.{id}.min_entropy must be between 0 and 1"),
                    ));
                }
                rule.set_min_entropy(Some(e));
            }
            if let Some(s) = o.severity {
                rule.set_severity(s);
            }
        }
        Ok(())
    }

    /// Compiles the allowlists.
    ///
    /// # Errors
    /// [`ConfigError::Invalid`] naming the bad glob or regex.
    pub fn policy(&self) -> Result<Policy, ConfigError> {
        let global = CompiledAllowlist::new(&self.raw.allowlist, "allowlist", self)?;
        let mut per_rule = BTreeMap::new();
        for (id, list) in &self.raw.rule_allowlists {
            let section = format!("rule-allowlist.{id}");
            per_rule.insert(id.clone(), CompiledAllowlist::new(list, &section, self)?);
        }
        Ok(Policy {
            root_abs: self.root.canonicalize().ok(),
            cwd: std::env::current_dir()
                .ok()
                .and_then(|d| d.canonicalize().ok()),
            global,
            per_rule,
        })
    }
}

impl Config {
    /// The 1-based line of the first non-comment line holding `value`, as written or as
    /// a TOML basic string escapes it.
    fn line_of_value(&self, value: &str) -> Option<usize> {
        let escaped = value.replace('\\', "\\\\").replace('"', "\\\"");
        self.text
            .lines()
            .position(|l| {
                !l.trim_start().starts_with('#') && (l.contains(value) || l.contains(&escaped))
            })
            .map(|i| i + 1)
    }
}

/// Reads a rule file named by a config, which must be a regular file (after following
/// links): the config comes with the repository being scanned, and a rule file that is
/// `/dev/zero`, a FIFO or `/dev/stdin` (by path or through a link in the repository)
/// would be read forever or block the scan. (`--config` itself may be a pipe: the user
/// names it.)
fn read_regular_file(path: &Path) -> std::io::Result<String> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file (a folder, device or pipe); name a TOML file",
        ));
    }
    std::fs::read_to_string(path)
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

#[derive(Debug, Default)]
struct CompiledAllowlist {
    paths: GlobSet,
    has_paths: bool,
    secrets: Vec<Regex>,
    lines: Vec<Regex>,
    stopwords: Vec<String>,
}

impl CompiledAllowlist {
    fn new(list: &Allowlist, section: &str, config: &Config) -> Result<Self, ConfigError> {
        let invalid_at = |value: &str, message: String| ConfigError::Invalid {
            path: config.path.clone(),
            line: config.line_of_value(value),
            message,
        };
        let mut globs = GlobSetBuilder::new();
        for g in &list.paths {
            let glob = Glob::new(g)
                .map_err(|e| invalid_at(g, format!("{section}.paths: bad glob `{g}`: {e}")))?;
            globs.add(glob);
        }
        let paths = globs.build().map_err(|e| {
            let first = list.paths.first().map_or("", String::as_str);
            invalid_at(first, format!("{section}.paths: {e}"))
        })?;
        let regexes = |field: &str, list: &[String]| -> Result<Vec<Regex>, ConfigError> {
            list.iter()
                .map(|r| {
                    Regex::new(r).map_err(|e| {
                        // The build error only says "error parsing pattern 0"; the parse
                        // error under it says what and where.
                        let why = std::error::Error::source(&e)
                            .map_or_else(|| e.to_string(), ToString::to_string);
                        let why = why.trim().replace('\n', " ");
                        invalid_at(r, format!("{section}.{field}: bad regex `{r}`: {why}"))
                    })
                })
                .collect()
        };
        Ok(CompiledAllowlist {
            paths,
            has_paths: !list.paths.is_empty(),
            secrets: regexes("secrets", &list.secrets)?,
            lines: regexes("lines", &list.lines)?,
            stopwords: list.stopwords.iter().map(|s| s.to_lowercase()).collect(),
        })
    }

    fn allows_path(&self, rel: &str) -> bool {
        self.has_paths && self.paths.is_match(rel)
    }

    fn allows(&self, rel: &str, secret: &str, line: &str) -> bool {
        if self.allows_path(rel) {
            return true;
        }
        if self.secrets.iter().any(|r| r.is_match(secret))
            || self.lines.iter().any(|r| r.is_match(line))
        {
            return true;
        }
        let lower = secret.to_lowercase();
        self.stopwords.iter().any(|w| lower.contains(w.as_str()))
    }
}

/// A compiled config: asked whether a path is skipped and whether a finding is allowed.
#[derive(Debug, Default)]
pub struct Policy {
    /// The config's folder, canonical.
    root_abs: Option<PathBuf>,
    /// The current folder when the policy was built, canonical.
    cwd: Option<PathBuf>,
    global: CompiledAllowlist,
    per_rule: BTreeMap<String, CompiledAllowlist>,
}

impl Policy {
    /// The path relative to the config's folder, as globs see it. Paths outside it are
    /// returned as given.
    ///
    /// Relative paths without `..` are resolved against the current folder without
    /// touching the file system (this runs once per walked file); others are
    /// canonicalized.
    pub fn relative(&self, path: &Path) -> String {
        // Without a config there is nothing to be relative to, and no reason to touch
        // the file system for every walked file.
        if self.root_abs.is_none() {
            let s = crate::slash_path(path);
            return s.strip_prefix("./").map(str::to_string).unwrap_or(s);
        }
        let lexical = !path
            .components()
            .any(|c| matches!(c, std::path::Component::ParentDir));
        let abs = match (&self.cwd, lexical) {
            (_, true) if path.is_absolute() => Some(path.to_path_buf()),
            (Some(cwd), true) => Some(cwd.join(path)),
            _ => path.canonicalize().ok(),
        };
        let rel = match (abs, &self.root_abs) {
            (Some(abs), Some(root)) => abs.strip_prefix(root).map(Path::to_path_buf).unwrap_or(abs),
            _ => path.to_path_buf(),
        };
        let s = crate::slash_path(&rel);
        s.strip_prefix("./").map(str::to_string).unwrap_or(s)
    }

    /// A path from a repository (`/`-separated, relative to the repository root
    /// `repo_root`, as staged and history findings carry it) relative to the config's
    /// folder, as globs see it. The file system is not asked about the path, which may
    /// exist only in history, nor resolved against the current folder. Without a work
    /// tree, or with the config outside it, the path is returned as given.
    pub fn repo_relative(&self, repo_root: Option<&Path>, path: &str) -> String {
        let repo = repo_root.and_then(|r| r.canonicalize().ok());
        let (Some(repo), Some(root)) = (repo, &self.root_abs) else {
            return path.to_string();
        };
        let Ok(prefix) = root.strip_prefix(&repo) else {
            return path.to_string();
        };
        if prefix.as_os_str().is_empty() {
            return path.to_string();
        }
        let prefix = format!("{}/", crate::slash_path(prefix));
        path.strip_prefix(&prefix).unwrap_or(path).to_string()
    }

    /// True if the global allowlist skips this path (relative to the root) entirely.
    pub fn skips_path(&self, rel: &str) -> bool {
        self.global.allows_path(rel)
    }

    /// True if a finding of `rule_id` on `secret`, in `line` of `rel`, is allowed by an
    /// allowlist or an inline marker.
    pub fn allows(&self, rule_id: &str, rel: &str, secret: &str, line: &str) -> bool {
        crate::has_inline_allow(line)
            || self.global.allows(rel, secret, line)
            || self
                .per_rule
                .get(rule_id)
                .is_some_and(|a| a.allows(rel, secret, line))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(Path::new(".keywarden.toml"), Path::new("."), text)
    }

    #[test]
    fn a_rule_allowlist_for_an_unknown_rule_is_an_error_at_its_line() {
        let text = "[allowlist]\npaths = []\n\n[rule-allowlist.jtw]\nsecrets = ['x']\n";
        let config = parse(text).expect("well-formed");
        let mut set = RuleSet::builtin().expect("built-in rules");
        let err = config.apply_rules(&mut set).expect_err("jtw is a typo");
        let msg = err.to_string();
        assert!(msg.starts_with(".keywarden.toml:4:"), "{msg}");
        assert!(msg.contains("`jtw`, which is not a rule"), "{msg}");
        // A real rule, the SOPS pseudo-rule, and a built-in rule in a run without the
        // built-in rules are all accepted.
        for id in ["jwt", crate::sops::UNENCRYPTED_SOPS_RULE] {
            let ok = parse(&format!("[rule-allowlist.{id}]\nsecrets = ['x']\n")).unwrap();
            ok.apply_rules(&mut RuleSet::builtin().unwrap()).expect(id);
            ok.apply_rules(&mut RuleSet::new()).expect(id);
        }
    }

    #[test]
    fn a_type_error_names_file_and_line() {
        let err = parse("[allowlist]\npaths = \"corpus\"\n").expect_err("paths is a list");
        let msg = err.to_string();
        assert!(msg.starts_with(".keywarden.toml:2:"), "{msg}");
    }

    #[test]
    fn an_unknown_key_is_an_error() {
        let err = parse("[allowlist]\npath = []\n").expect_err("unknown key");
        assert!(err.to_string().contains("unknown field `path`"), "{err}");
    }

    #[test]
    fn a_bad_glob_or_regex_is_named() {
        let c = parse("[allowlist]\nsecrets = [\"(unclosed\"]\n").expect("parses");
        let err = c.policy().expect_err("bad regex");
        assert!(
            err.to_string()
                .contains("allowlist.secrets: bad regex `(unclosed`")
                && err.to_string().contains("unclosed group"),
            "{err}"
        );
    }

    #[test]
    fn allowlists_global_and_per_rule() {
        let c = parse(
            r#"
[allowlist]
paths = ["corpus/**"]
stopwords = ["sandbox"]

[rule-allowlist.jwt]
lines = ["test_fixture"]
"#,
        )
        .expect("parses");
        let p = c.policy().expect("compiles");
        assert!(p.skips_path("corpus/positives/.env"));
        assert!(!p.skips_path("src/main.rs"));
        assert!(p.allows("any", "src/a.py", "abcSANDBOXdef", "x"));
        assert!(p.allows("jwt", "src/a.py", "eyJ", "test_fixture = 'eyJ'"));
        assert!(!p.allows("github-token", "src/a.py", "ghp_", "test_fixture = 'ghp_'"));
        assert!(p.allows("x", "a", "s", "token = 'abc' # gitleaks:allow"));
    }

    #[test]
    fn repository_paths_are_relative_to_the_config_folder_without_the_file_system() {
        let repo = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(repo.path().join("app/sub")).expect("mkdir");
        let at = |dir: &Path| {
            let path = dir.join(CONFIG_FILE_NAME);
            Config::parse(&path, dir, "")
                .expect("parses")
                .policy()
                .expect("compiles")
        };
        let root = Some(repo.path());
        // The file need not exist; the current folder plays no part.
        let top = at(repo.path());
        assert_eq!(top.repo_relative(root, "gone/x.env"), "gone/x.env");
        let app = at(&repo.path().join("app"));
        assert_eq!(app.repo_relative(root, "app/sub/x.env"), "sub/x.env");
        assert_eq!(app.repo_relative(root, "other/x.env"), "other/x.env");
        assert_eq!(app.repo_relative(None, "app/x.env"), "app/x.env");
        assert_eq!(Policy::default().repo_relative(root, "a/b"), "a/b");
    }

    #[test]
    fn disabling_an_unknown_rule_is_an_error() {
        let c = parse("[rules]\ndisable = [\"no-such-rule\"]\n").expect("parses");
        let mut set = RuleSet::builtin().expect("built-in rules");
        let err = c.apply_rules(&mut set).expect_err("unknown id");
        assert!(err.to_string().contains("no-such-rule"), "{err}");
    }

    #[test]
    fn overrides_and_custom_rules_apply() {
        let c = parse(
            r#"
[rules]
disable = ["jwt-secret"]
[rules.overrides.jwt]
severity = "low"

[[rule]]
id = "internal-token"
title = "Internal token"
severity = "high"
keywords = ["itk_"]
patterns = ['(?P<secret>itk_[a-z0-9]{8})']
examples = ["itk_a1b2c3d4"]
"#,
        )
        .expect("parses");
        let mut set = RuleSet::builtin().expect("built-in rules");
        c.apply_rules(&mut set).expect("applies");
        assert!(set.rules().iter().all(|r| r.id() != "jwt-secret"));
        let jwt = set.rules().iter().find(|r| r.id() == "jwt").expect("jwt");
        assert_eq!(jwt.severity(), Severity::Low);
        assert!(set.rules().iter().any(|r| r.id() == "internal-token"));
    }
}
