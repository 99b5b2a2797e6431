//! SARIF 2.1.0, the format code-scanning dashboards (GitHub code scanning among them) read.
//!
//! A log holds one run. Its `tool.driver.rules` lists *every* rule the scan used, in
//! [`Scanner::rules`](keywarden_engine::Scanner::rules) order, not only those with findings:
//! a result's `ruleIndex` then means the same rule in every log of the same rule set, and a
//! dashboard learns each rule's severity and remediation once. Each [`Record`] becomes one
//! result:
//!
//! - `level` from the record's severity: critical and high are `error`, medium `warning`,
//!   low `note`; the rule's `security-severity` (critical 9.5, high 8.0, medium 5.5,
//!   low 3.0) lets GitHub rank alerts the same way.
//! - the location is the path relative to `%SRCROOT%`, percent-encoded as a URI reference,
//!   and a region in Unicode scalar values (`columnKind` is `unicodeCodePoints`).
//! - `partialFingerprints["keywarden/v1"]` is the engine's [`fingerprint`]: it depends on
//!   the rule and the secret only, so an alert survives lines moving around it.
//!   `keywarden/v1/path` adds the path, to tell apart copies of one secret in two files.
//! - the message shows the secret only as [`Redaction`] allows; the region's snippet (the
//!   secret itself) appears only with [`Redaction::Off`].
//! - history findings carry their commit in `properties`, and, when the caller names the
//!   repository, each introducing commit is listed in the run's `versionControlProvenance`.
//! - a finding in a commit message (its path is the commit id) points at an artifact named
//!   by the commit id with no `%SRCROOT%` base, since it is not a file, and carries a logical
//!   location of kind `commitMessage`.
//!
//! # Example
//! ```
//! use keywarden_engine::{RuleSet, Scanner};
//! use keywarden_report::sarif::{SarifLog, ToolInfo};
//! use keywarden_report::Redaction;
//!
//! let scanner = Scanner::new(RuleSet::builtin()?)?;
//! let tool = ToolInfo::new("keywarden", "0.1.0", "https://example.invalid/keywarden");
//! let log = SarifLog::new(&tool, scanner.rules())
//!     .redaction(Redaction::Full)
//!     .to_value(&[]);
//! assert_eq!(log["version"], "2.1.0");
//! assert_eq!(log["runs"][0]["results"].as_array().map(Vec::len), Some(0));
//! # Ok::<(), keywarden_engine::RuleError>(())
//! ```

use std::collections::{HashMap, HashSet};
use std::io::{self, Write};

use keywarden_engine::{Confidence, Rule, Severity, fingerprint};
use serde_json::{Map, Value, json};

use crate::{Record, Redaction};

/// The `version` of every log written here.
pub const SARIF_VERSION: &str = "2.1.0";

/// The `$schema` of every log written here: the one GitHub's documentation names.
pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The `uriBaseId` that file paths are relative to: the root of the scan.
pub const SRCROOT: &str = "%SRCROOT%";

/// The `partialFingerprints` key of the path-independent fingerprint.
pub const FINGERPRINT_KEY: &str = "keywarden/v1";

/// The `partialFingerprints` key of the fingerprint that also covers the path.
pub const PATH_FINGERPRINT_KEY: &str = "keywarden/v1/path";

/// What a dashboard shows as the tool that produced the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolInfo {
    /// The tool's name, `keywarden`.
    pub name: String,
    /// Its version; callers pass `env!("CARGO_PKG_VERSION")` of the binary, so the log names
    /// the build that produced it rather than this library's.
    pub version: String,
    /// An absolute URI about the tool. The schema requires an absolute URI here, so a
    /// relative one makes the log invalid.
    pub information_uri: String,
}

impl ToolInfo {
    /// Describes a tool.
    pub fn new(
        name: impl Into<String>,
        version: impl Into<String>,
        information_uri: impl Into<String>,
    ) -> ToolInfo {
        ToolInfo {
            name: name.into(),
            version: version.into(),
            information_uri: information_uri.into(),
        }
    }
}

/// The repository a scan read, for the run's `versionControlProvenance`.
///
/// SARIF requires `repositoryUri` in each entry, so without one there is no entry at all;
/// history findings still carry their commit in their `properties`. Each entry maps the
/// repository root to `%SRCROOT%`, so give one only when record paths are relative to the
/// repository root (as in history scans and scans of a whole checkout).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VersionControl {
    /// Absolute URI of the repository, such as its `https://` clone URL, or a `file://` URI
    /// of a local repository without a remote.
    pub repository_uri: String,
    /// The commit that was checked out or that the history walk started from.
    pub revision_id: Option<String>,
    /// The branch scanned.
    pub branch: Option<String>,
}

/// Builds a SARIF log from records.
///
/// Reusable: the settings are read by [`to_value`](Self::to_value) and
/// [`write`](Self::write), which can be called for any number of record lists.
#[derive(Debug, Clone)]
pub struct SarifLog<'a> {
    tool: &'a ToolInfo,
    rules: &'a [Rule],
    redaction: Redaction,
    version_control: Option<&'a VersionControl>,
    source_root: Option<String>,
}

impl<'a> SarifLog<'a> {
    /// A log of `tool` over `rules`, the rules of the scanner that produced the records
    /// ([`Scanner::rules`](keywarden_engine::Scanner::rules)), in that order.
    pub fn new(tool: &'a ToolInfo, rules: &'a [Rule]) -> SarifLog<'a> {
        SarifLog {
            tool,
            rules,
            redaction: Redaction::default(),
            version_control: None,
            source_root: None,
        }
    }

    /// How much of each secret messages show; the default is [`Redaction::Prefix`].
    pub fn redaction(mut self, redaction: Redaction) -> SarifLog<'a> {
        self.redaction = redaction;
        self
    }

    /// The repository scanned, listed in `versionControlProvenance` together with the
    /// commits that introduced history findings; none by default.
    pub fn version_control(mut self, vc: &'a VersionControl) -> SarifLog<'a> {
        self.version_control = Some(vc);
        self
    }

    /// The absolute directory the scanned paths are relative to, written as the run's
    /// `originalUriBaseIds` entry for `%SRCROOT%`; absent by default, which leaves
    /// `%SRCROOT%` for the consumer to resolve (GitHub takes the repository root).
    ///
    /// Either `/`-separated or a Windows path; a relative path is taken as it is, which
    /// makes the entry invalid, so pass an absolute one.
    pub fn source_root(mut self, dir: &str) -> SarifLog<'a> {
        self.source_root = Some(dir_file_uri(dir));
        self
    }

    /// The whole log as JSON.
    pub fn to_value(&self, records: &[Record]) -> Value {
        let mut index: HashMap<&str, usize> = HashMap::new();
        for (i, rule) in self.rules.iter().enumerate() {
            index.entry(rule.id()).or_insert(i);
        }
        let mut descriptors: Vec<Value> = self.rules.iter().map(rule_descriptor).collect();
        // A record of a rule missing from `rules` (a caller mixing rule sets) still gets a
        // descriptor, appended, so that every ruleIndex points at its own rule.
        for r in records {
            let id = r.finding.rule_id.as_str();
            if !index.contains_key(id) {
                index.insert(id, descriptors.len());
                descriptors.push(descriptor(id, &r.title, r.severity, r.finding.confidence));
            }
        }

        let results: Vec<Value> = records
            .iter()
            .map(|r| self.result(r, index.get(r.finding.rule_id.as_str()).copied()))
            .collect();

        let mut driver = Map::new();
        driver.insert("name".into(), self.tool.name.clone().into());
        driver.insert("version".into(), self.tool.version.clone().into());
        driver.insert("semanticVersion".into(), self.tool.version.clone().into());
        driver.insert(
            "informationUri".into(),
            self.tool.information_uri.clone().into(),
        );
        driver.insert("rules".into(), descriptors.into());

        let mut run = Map::new();
        run.insert("tool".into(), json!({ "driver": driver }));
        if let Some(vcp) = self.provenance(records) {
            run.insert("versionControlProvenance".into(), vcp);
        }
        if let Some(root) = &self.source_root {
            run.insert(
                "originalUriBaseIds".into(),
                json!({ SRCROOT: { "uri": root } }),
            );
        }
        run.insert("results".into(), results.into());
        run.insert("columnKind".into(), "unicodeCodePoints".into());
        if self.redaction != Redaction::Off {
            // SARIF's way to say which strings stand for removed sensitive data.
            run.insert("redactionTokens".into(), json!([Redaction::Full.apply("")]));
        }
        run.insert(
            "properties".into(),
            json!({ "redaction": redaction_name(self.redaction) }),
        );

        json!({
            "$schema": SARIF_SCHEMA,
            "version": SARIF_VERSION,
            "runs": [run],
        })
    }

    /// Writes the log as indented JSON followed by a newline.
    ///
    /// # Errors
    /// The writer's I/O error.
    pub fn write(&self, out: &mut dyn Write, records: &[Record]) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, &self.to_value(records))?;
        out.write_all(b"\n")
    }

    fn result(&self, r: &Record, rule_index: Option<usize>) -> Value {
        let f = &r.finding;
        let shown = self.redaction.apply(&f.secret);
        let message_commit = r.commit.as_ref().filter(|c| c.id == r.path);
        let text = match (&r.commit, message_commit) {
            (Some(c), Some(_)) => format!(
                "{} found in the message of commit {}: '{shown}'. {NEXT_STEP}",
                r.title,
                short_id(&c.id)
            ),
            (Some(c), None) => format!(
                "{} found: '{shown}', added in commit {}. {NEXT_STEP}",
                r.title,
                short_id(&c.id)
            ),
            (None, _) => format!("{} found: '{shown}'. {NEXT_STEP}", r.title),
        };

        // Engine findings are located (1-based); a hand-built record may leave 0s, which
        // the schema's minimum of 1 would reject, so those become line 1, column 1.
        let mut region = json!({
            "startLine": f.line.max(1),
            "startColumn": f.column.max(1),
            "endLine": f.end_line.max(f.line).max(1),
            "endColumn": f.end_column.max(1),
        });
        if self.redaction == Redaction::Off
            && let Value::Object(map) = &mut region
        {
            map.insert("snippet".into(), json!({ "text": f.secret }));
        }

        let mut location = Map::new();
        let artifact = match message_commit {
            Some(c) => json!({
                "uri": encode_path(&c.id, false),
                "description": { "text": format!("Message of commit {}", c.id) },
            }),
            None => artifact_location(&r.path),
        };
        location.insert(
            "physicalLocation".into(),
            json!({ "artifactLocation": artifact, "region": region }),
        );
        if let Some(c) = message_commit {
            location.insert(
                "logicalLocations".into(),
                json!([{
                    "name": c.id,
                    "fullyQualifiedName": format!("commit/{}/message", c.id),
                    "kind": "commitMessage",
                }]),
            );
        }

        let mut properties = Map::new();
        properties.insert("severity".into(), r.severity.as_str().into());
        properties.insert("confidence".into(), f.confidence.as_str().into());
        properties.insert(
            "entropy".into(),
            json!((f.entropy * 1000.0).round() / 1000.0),
        );
        if let Some(c) = &r.commit {
            properties.insert("commit".into(), c.id.clone().into());
            properties.insert("author".into(), c.author.clone().into());
            properties.insert("email".into(), c.email.clone().into());
            properties.insert("date".into(), c.date.clone().into());
            properties.insert("summary".into(), c.summary.clone().into());
        }

        let mut result = Map::new();
        result.insert("ruleId".into(), f.rule_id.clone().into());
        if let Some(i) = rule_index {
            result.insert("ruleIndex".into(), i.into());
        }
        result.insert("level".into(), level(r.severity).into());
        result.insert("message".into(), json!({ "text": text }));
        result.insert("locations".into(), json!([location]));
        result.insert(
            "partialFingerprints".into(),
            json!({
                FINGERPRINT_KEY: f.fingerprint,
                // SHA-256 of the secret's fingerprint, NUL, the path: still irreversible.
                PATH_FINGERPRINT_KEY: fingerprint(&f.fingerprint, r.path.as_bytes()),
            }),
        );
        result.insert("properties".into(), properties.into());
        result.into()
    }

    /// The scanned revision, then each commit that introduced a finding, in record order.
    fn provenance(&self, records: &[Record]) -> Option<Value> {
        let vc = self.version_control?;
        let mut entries = Vec::new();
        let mut seen: HashSet<&str> = HashSet::new();
        // Each entry says the repository root is %SRCROOT%, which lets a consumer turn a
        // result's path into a path in the repository.
        let root = json!({ "uriBaseId": SRCROOT });
        let mut head = Map::new();
        head.insert("repositoryUri".into(), vc.repository_uri.clone().into());
        if let Some(rev) = &vc.revision_id {
            head.insert("revisionId".into(), rev.clone().into());
            seen.insert(rev);
        }
        if let Some(branch) = &vc.branch {
            head.insert("branch".into(), branch.clone().into());
        }
        head.insert("mappedTo".into(), root.clone());
        entries.push(Value::Object(head));
        for c in records.iter().filter_map(|r| r.commit.as_ref()) {
            if seen.insert(&c.id) {
                entries.push(json!({
                    "repositoryUri": vc.repository_uri,
                    "revisionId": c.id,
                    "mappedTo": root,
                }));
            }
        }
        Some(entries.into())
    }
}

/// Writes a SARIF log of `records` found with `rules` (the scanner's rules, in order).
///
/// Shorthand for [`SarifLog::new`] with a redaction level and [`SarifLog::write`].
///
/// # Errors
/// The writer's I/O error.
pub fn write_sarif(
    out: &mut dyn Write,
    records: &[Record],
    rules: &[Rule],
    tool: &ToolInfo,
    redaction: Redaction,
) -> io::Result<()> {
    SarifLog::new(tool, rules)
        .redaction(redaction)
        .write(out, records)
}

/// The result level of a severity: what GitHub turns into error, warning and note.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

/// The `security-severity` of a severity: a CVSS-like score in a string, which GitHub maps
/// back to critical (9.0 and up), high (7.0), medium (4.0) and low.
pub fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
    }
}

/// The rule's `name`: its id in PascalCase (`telegram-bot-token` is `TelegramBotToken`),
/// the form SARIF tools expect of a rule name. A rule whose name would only differ from its
/// id in case (`jwt`) gets no `name`, as the SARIF specification asks.
pub fn rule_name(id: &str) -> String {
    id.split('-')
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// What to do next, in each result's message; the rule's help has the steps in full.
const NEXT_STEP: &str = "Revoke it at the issuer, then remove it from the code and history.";

/// Tags every rule carries; CWE-798 is "Use of Hard-coded Credentials", which GitHub shows.
const TAGS: [&str; 3] = ["security", "secret", "external/cwe/cwe-798"];

fn rule_descriptor(rule: &Rule) -> Value {
    descriptor(
        rule.id(),
        rule.title(),
        rule.severity(),
        rule.spec().confidence,
    )
}

fn descriptor(id: &str, title: &str, severity: Severity, confidence: Confidence) -> Value {
    let mut descriptor = json!({
        "id": id,
        "shortDescription": { "text": title },
        "fullDescription": {
            "text": format!(
                "{title} committed to a repository or its history. {}",
                impact(severity)
            ),
        },
        "help": { "text": help_text(id, title), "markdown": help_markdown(id, title) },
        "defaultConfiguration": { "level": level(severity) },
        "properties": {
            "security-severity": security_severity(severity),
            "tags": TAGS,
            "precision": confidence.as_str(),
            "severity": severity.as_str(),
        },
    });
    // SARIF wants a name that differs from the id; a one-word id (`jwt`) has none to give,
    // and SARIF then asks for no name at all.
    let name = rule_name(id);
    if !name.eq_ignore_ascii_case(id)
        && let Value::Object(map) = &mut descriptor
    {
        map.insert("name".into(), name.into());
    }
    descriptor
}

fn impact(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => {
            "A leak can give access to money, production systems or signing keys."
        }
        Severity::High => "A leak can give access to a service or its data.",
        Severity::Medium => "A leak can be exploited by someone with more context.",
        Severity::Low => "A leak is rarely exploitable on its own.",
    }
}

// Revocation comes first because a pushed secret is already copied: clones, forks, CI logs
// and caches keep it whatever the repository does next. Allowlisting comes last and only
// for false positives, so that a real secret is never silenced instead of rotated.
fn help_text(id: &str, title: &str) -> String {
    format!(
        "{title} (keywarden rule {id}). Treat a secret that reached a git repository as \
         compromised: clones, forks and CI logs keep it even after it is deleted.\n\
         1. Revoke and rotate the credential at its issuer, and check the issuer's logs for \
         use you do not recognise.\n\
         2. Remove it from the code: read it at run time from the environment or a secret \
         manager.\n\
         3. Purge it from the git history, for example with git filter-repo \
         --replace-text, then force-push and have collaborators clone again.\n\
         4. Only if it is a false positive (a test fixture or a documented example), \
         allowlist it in keywarden's configuration."
    )
}

fn help_markdown(id: &str, title: &str) -> String {
    format!(
        "**{title}** (keywarden rule `{id}`).\n\n\
         Treat a secret that reached a git repository as compromised: clones, forks and CI \
         logs keep it even after it is deleted.\n\n\
         1. **Revoke and rotate** the credential at its issuer, and check the issuer's logs \
         for use you do not recognise.\n\
         2. **Remove it from the code**: read it at run time from the environment or a \
         secret manager.\n\
         3. **Purge it from the git history**, for example with \
         `git filter-repo --replace-text <file listing the secret>`, then force-push and \
         have collaborators clone again. Forks and old clones keep it, which is why \
         step 1 comes first.\n\
         4. **Only if it is a false positive** (a test fixture or a documented example), \
         allowlist it in keywarden's configuration."
    )
}

fn redaction_name(redaction: Redaction) -> &'static str {
    match redaction {
        Redaction::Full => "full",
        Redaction::Prefix => "prefix",
        Redaction::Off => "off",
    }
}

fn short_id(id: &str) -> &str {
    id.get(..12).unwrap_or(id)
}

/// The artifact location of a record's path: relative to `%SRCROOT%`, or a `file` URI for
/// an absolute path (SARIF forbids a base on an absolute URI).
fn artifact_location(path: &str) -> Value {
    if path.starts_with('/') {
        json!({ "uri": format!("file://{}", encode_path(path, true)) })
    } else {
        json!({ "uri": encode_path(path, false), "uriBaseId": SRCROOT })
    }
}

/// A `file` URI for a directory, ending in `/` as SARIF requires of a base URI.
fn dir_file_uri(dir: &str) -> String {
    let mut path = dir.replace('\\', "/");
    if !path.starts_with('/') && path.as_bytes().get(1) == Some(&b':') {
        // A Windows drive path: file:///C:/dir/
        path.insert(0, '/');
    }
    let mut uri = format!("file://{}", encode_path(&path, true));
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// Percent-encodes a `/`-separated path into a URI path: every byte but unreserved
/// characters, sub-delimiters, `@` and `/` (RFC 3986). `:` is encoded unless
/// `colon_ok`, because in the first segment of a relative reference it would read as a
/// scheme (`a:b/c`).
pub(crate) fn encode_path(path: &str, colon_ok: bool) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(path.len());
    for &b in path.as_bytes() {
        let keep = b.is_ascii_alphanumeric()
            || b"-._~/!$&'()*+,;=@".contains(&b)
            || (colon_ok && b == b':');
        if keep {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xF)]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_percent_encoded() {
        assert_eq!(encode_path("src/main.rs", false), "src/main.rs");
        assert_eq!(
            encode_path("app settings/.env", false),
            "app%20settings/.env"
        );
        assert_eq!(encode_path("données/clé", false), "donn%C3%A9es/cl%C3%A9");
        assert_eq!(encode_path("a:b/c#d?e%f", false), "a%3Ab/c%23d%3Fe%25f");
        assert_eq!(encode_path("a\\b", false), "a%5Cb");
        assert_eq!(encode_path("/c:/x y", true), "/c:/x%20y");
    }

    #[test]
    fn absolute_paths_become_file_uris_without_a_base() {
        assert_eq!(
            artifact_location("/srv/app/.env"),
            json!({ "uri": "file:///srv/app/.env" })
        );
        assert_eq!(
            artifact_location("config/app.env"),
            json!({ "uri": "config/app.env", "uriBaseId": "%SRCROOT%" })
        );
    }

    #[test]
    fn source_roots_end_in_a_slash() {
        assert_eq!(dir_file_uri("/work/my repo"), "file:///work/my%20repo/");
        assert_eq!(dir_file_uri("/work/repo/"), "file:///work/repo/");
        assert_eq!(dir_file_uri("C:\\src\\repo"), "file:///C:/src/repo/");
    }

    #[test]
    fn rule_names_are_pascal_case() {
        assert_eq!(rule_name("telegram-bot-token"), "TelegramBotToken");
        assert_eq!(rule_name("jwt"), "Jwt");
        assert_eq!(rule_name("aws-s3-key"), "AwsS3Key");
    }

    #[test]
    fn severities_map_to_levels_and_scores() {
        let all = [
            Severity::Critical,
            Severity::High,
            Severity::Medium,
            Severity::Low,
        ];
        let levels: Vec<_> = all.iter().map(|&s| level(s)).collect();
        assert_eq!(levels, ["error", "error", "warning", "note"]);
        let scores: Vec<_> = all.iter().map(|&s| security_severity(s)).collect();
        assert_eq!(scores, ["9.5", "8.0", "5.5", "3.0"]);
    }

    #[test]
    fn short_ids_survive_short_input() {
        assert_eq!(short_id("abc"), "abc");
        assert_eq!(short_id("0123456789abcdef"), "0123456789ab");
    }
}
