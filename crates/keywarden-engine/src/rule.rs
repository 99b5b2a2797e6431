//! Rule definitions: the TOML schema of `patterns/*.toml` and its compiled form.
//!
//! A rule file is data written by people, so everything here validates and reports
//! errors with the rule id and pattern index instead of panicking.

use std::fmt;
use std::sync::OnceLock;

use regex_automata::meta::Regex;
use serde::{Deserialize, Serialize};

use crate::error::RuleError;

/// How bad it is when this rule's secret leaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational; rarely exploitable alone.
    Low,
    /// Exploitable with more context.
    Medium,
    /// Grants access to a service or data.
    High,
    /// Grants access to money, production systems or signing keys.
    Critical,
}

impl Severity {
    /// The lowercase name used in rule files and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How sure the engine is that a finding is a real secret.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Generic name plus entropy only.
    Low,
    /// Context (a vendor name near the value) plus entropy.
    #[default]
    Medium,
    /// A vendor prefix plus a checksum or a decodable structure.
    High,
}

impl Confidence {
    /// The lowercase name used in rule files and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An offline structural check a rule can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Validator {
    /// The header must base64url-decode to a JSON object with `alg`; a valid payload
    /// raises confidence.
    Jwt,
    /// GitHub's CRC32 in the last six base62 characters; raises confidence when it holds.
    GithubChecksum,
}

/// One rule as written in a rule file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Stable kebab-case id.
    pub id: String,
    /// One line for humans.
    pub title: String,
    /// Impact of a leak.
    pub severity: Severity,
    /// Confidence of a plain match, before validators adjust it.
    #[serde(default)]
    pub confidence: Confidence,
    /// Literals, one of which must occur within `window` bytes of a match.
    pub keywords: Vec<String>,
    /// Literals, one of which must occur anywhere in the input.
    #[serde(default)]
    pub file_keywords: Vec<String>,
    /// Regexes, each with a named group `secret`.
    pub patterns: Vec<String>,
    /// Minimum entropy as a fraction of a random string's of the same alphabet and length.
    #[serde(default)]
    pub min_entropy: Option<f64>,
    /// Minimum size of the secret's alphabet (see [`crate::score::alphabet_size`]): 52
    /// demands both letter cases, which rejects hex digests posing as base62 keys.
    #[serde(default)]
    pub min_alphabet: Option<usize>,
    /// Structural validation.
    #[serde(default)]
    pub validate: Option<Validator>,
    /// Name-based rules yield to specific ones on the same secret.
    #[serde(default)]
    pub generic: bool,
    /// Among findings on the same secret the highest priority wins (default 50; generic
    /// rules default to 0).
    #[serde(default)]
    pub priority: Option<i32>,
    /// Bytes searched on either side of a keyword hit.
    #[serde(default)]
    pub window: Option<usize>,
    /// Words (ASCII case-insensitive) that reject a match when they occur in its name:
    /// the match text before the secret, extended left over name characters. Lets
    /// `binance-api-key` ignore `BINANCE_SECRET_KEY=` and YAML `secret-key:`.
    #[serde(default)]
    pub name_excludes: Vec<String>,
    /// Run the placeholder and decoy filter on the secret (default true).
    #[serde(default)]
    pub placeholder_check: Option<bool>,
    /// Strings that must produce a finding of this rule.
    #[serde(default)]
    pub examples: Vec<String>,
    /// Strings that must not.
    #[serde(default)]
    pub negative_examples: Vec<String>,
}

/// A rule file: a list of `[[rules]]`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    /// The rules, in file order.
    #[serde(default)]
    pub rules: Vec<RuleSpec>,
}

impl RuleFile {
    /// Parses a rule file; `origin` names it in errors.
    ///
    /// # Errors
    /// [`RuleError::Parse`] with the file name, line and TOML message.
    pub fn parse(origin: &str, text: &str) -> Result<RuleFile, RuleError> {
        toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start));
            RuleError::Parse {
                origin: origin.to_string(),
                line,
                message: e.message().into(),
            }
        })
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

fn syntax_config() -> regex_automata::util::syntax::Config {
    regex_automata::util::syntax::Config::new().utf8(false)
}

/// True if `hir` holds a capture group named `name`.
fn has_group(hir: &regex_syntax::hir::Hir, name: &str) -> bool {
    use regex_syntax::hir::HirKind;
    match hir.kind() {
        HirKind::Capture(c) => c.name.as_deref() == Some(name) || has_group(&c.sub, name),
        HirKind::Concat(v) | HirKind::Alternation(v) => v.iter().any(|h| has_group(h, name)),
        HirKind::Repetition(r) => has_group(&r.sub, name),
        _ => false,
    }
}

/// Builds the regexes of a rule whose patterns already parsed.
fn build(spec: &RuleSpec) -> Result<Compiled, RuleError> {
    let mut regexes = Vec::with_capacity(spec.patterns.len());
    let mut secret_group = Vec::with_capacity(spec.patterns.len());
    for (index, pattern) in spec.patterns.iter().enumerate() {
        let regex_error = |message: String| RuleError::Regex {
            rule: spec.id.clone(),
            index,
            message,
        };
        let regex = Regex::builder()
            .configure(Regex::config().utf8_empty(false))
            .syntax(syntax_config())
            .build(pattern)
            .map_err(|e| regex_error(e.to_string()))?;
        let group = regex
            .group_info()
            .to_index(regex_automata::PatternID::ZERO, "secret")
            .ok_or_else(|| regex_error("the pattern has no named group `secret`".into()))?;
        regexes.push(regex);
        secret_group.push(group);
    }
    Ok(Compiled {
        regexes,
        secret_group,
    })
}

/// Default bytes searched on each side of a keyword hit.
pub const DEFAULT_WINDOW: usize = 256;
const DEFAULT_PRIORITY: i32 = 50;

/// A rule's compiled regexes.
#[derive(Debug)]
pub(crate) struct Compiled {
    pub(crate) regexes: Vec<Regex>,
    /// Index of the `secret` group in each regex.
    pub(crate) secret_group: Vec<usize>,
}

/// A rule ready to scan with.
///
/// Its patterns are checked when the rule is made, but the regexes of built-in rules are
/// only built the first time a scan has a keyword hit for them: building all of them
/// costs more than a typical pre-commit scan, and most scans need few.
#[derive(Debug)]
pub struct Rule {
    pub(crate) spec: RuleSpec,
    compiled: OnceLock<Option<Compiled>>,
    pub(crate) keywords_lower: Vec<Vec<u8>>,
    pub(crate) file_keywords_lower: Vec<Vec<u8>>,
    pub(crate) name_excludes_lower: Vec<Vec<u8>>,
}

impl Rule {
    /// Compiles a rule, checking its id, keywords and every pattern.
    ///
    /// # Errors
    /// [`RuleError::Invalid`] or [`RuleError::Regex`] naming the rule and pattern index.
    pub fn compile(spec: RuleSpec) -> Result<Rule, RuleError> {
        Rule::check(spec, true)
    }

    /// As [`Rule::compile`] without parsing the patterns: for the built-in rules, whose
    /// tests parse and build every pattern. Parsing them all costs about 10 ms, most of a
    /// pre-commit hook's start-up, and a scan parses only the patterns it needs.
    pub(crate) fn compile_builtin(spec: RuleSpec) -> Result<Rule, RuleError> {
        Rule::check(spec, false)
    }

    fn check(spec: RuleSpec, parse_patterns: bool) -> Result<Rule, RuleError> {
        let invalid = |why: &str| RuleError::Invalid {
            rule: spec.id.clone(),
            why: why.into(),
        };
        if spec.id.is_empty()
            || !spec
                .id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(invalid(
                "the id must be kebab-case: lowercase letters, digits and '-'",
            ));
        }
        if spec.keywords.is_empty() || spec.keywords.iter().any(|k| k.is_empty()) {
            return Err(invalid("add at least one non-empty keyword"));
        }
        if spec.patterns.is_empty() {
            return Err(invalid("add at least one pattern"));
        }
        if let Some(e) = spec.min_entropy
            && !(0.0..=1.0).contains(&e)
        {
            return Err(invalid("min_entropy is a fraction between 0 and 1"));
        }
        let patterns = if parse_patterns {
            &spec.patterns[..]
        } else {
            &[]
        };
        for (index, pattern) in patterns.iter().enumerate() {
            let regex_error = |message: String| RuleError::Regex {
                rule: spec.id.clone(),
                index,
                message,
            };
            let hir = regex_automata::util::syntax::parse_with(pattern, &syntax_config())
                .map_err(|e| regex_error(e.to_string()))?;
            if !has_group(&hir, "secret") {
                return Err(regex_error(
                    "the pattern has no named group `secret`".into(),
                ));
            }
        }
        let lower = |v: &[String]| {
            v.iter()
                .map(|k| k.to_ascii_lowercase().into_bytes())
                .collect()
        };
        Ok(Rule {
            keywords_lower: lower(&spec.keywords),
            file_keywords_lower: lower(&spec.file_keywords),
            name_excludes_lower: lower(&spec.name_excludes),
            spec,
            compiled: OnceLock::new(),
        })
    }

    /// Compiles a rule and builds its regexes now, so that an error surfaces here rather
    /// than as a rule that silently finds nothing. Used for user rule files.
    ///
    /// # Errors
    /// As [`Rule::compile`], plus regexes that parse but cannot be built (size limits).
    pub fn compile_eager(spec: RuleSpec) -> Result<Rule, RuleError> {
        let rule = Rule::compile(spec)?;
        let compiled = build(&rule.spec)?;
        rule.compiled
            .set(Some(compiled))
            .expect("a new rule has no regexes yet");
        Ok(rule)
    }

    /// The regexes, built on first use. `None` if building failed, which the built-in
    /// rules' tests rule out and [`Rule::compile_eager`] reports up front.
    pub(crate) fn compiled(&self) -> Option<&Compiled> {
        self.compiled
            .get_or_init(|| match build(&self.spec) {
                Ok(c) => Some(c),
                Err(e) => {
                    log::error!("{e}; the rule is skipped");
                    None
                }
            })
            .as_ref()
    }

    /// The stable id.
    pub fn id(&self) -> &str {
        &self.spec.id
    }

    /// The human title.
    pub fn title(&self) -> &str {
        &self.spec.title
    }

    /// The severity.
    pub fn severity(&self) -> Severity {
        self.spec.severity
    }

    /// The rule as written, with examples.
    pub fn spec(&self) -> &RuleSpec {
        &self.spec
    }

    pub(crate) fn window(&self) -> usize {
        self.spec.window.unwrap_or(DEFAULT_WINDOW)
    }

    pub(crate) fn priority(&self) -> i32 {
        self.spec.priority.unwrap_or(if self.spec.generic {
            0
        } else {
            DEFAULT_PRIORITY
        })
    }

    /// Overrides the minimum entropy (used by repository configs).
    pub fn set_min_entropy(&mut self, min_entropy: Option<f64>) {
        self.spec.min_entropy = min_entropy;
    }

    /// Overrides the severity (used by repository configs).
    pub fn set_severity(&mut self, severity: Severity) {
        self.spec.severity = severity;
    }
}
