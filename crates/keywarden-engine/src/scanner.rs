//! The scanner: one keyword pass over the input, regexes only near the hits.
//!
//! # Cost
//! A scan is one Aho-Corasick pass over the input for the keywords of every rule at once
//! (an interleaved DFA walk, see [`crate::keywords`]). Input with no keyword hit costs that
//! pass and nothing more. Each hit opens a window of `window` bytes on either side for
//! the rules that own the keyword; overlapping windows of a rule are merged, so no byte is
//! searched twice by the same rule. Regexes (regex-automata, linear time) run only inside
//! those windows, so time grows linearly with the input and with the number of hits,
//! and the rule count only matters through the keywords they add to the automaton.

use std::ops::Range;

use regex_automata::{Anchored, Input};
use sha2::{Digest, Sha256};

use crate::error::RuleError;
use crate::filter;
use crate::keywords::{Hit, Keywords};
use crate::rule::{Confidence, Rule, Validator};
use crate::ruleset::RuleSet;
use crate::score;
use crate::validate::{self, Verdict};

/// A secret found in the input.
///
/// Positions are in bytes of the scanned input; lines and columns are 1-based, columns
/// count Unicode scalar values (a UTF-8 BOM at the start of the input is not counted).
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// Id of the rule that found it.
    pub rule_id: String,
    /// Index of that rule in [`Scanner::rules`].
    pub rule_index: usize,
    /// Byte span of the whole match (context included).
    pub span: Range<usize>,
    /// Byte span of the secret itself.
    pub secret_span: Range<usize>,
    /// Line of the first byte of the secret.
    pub line: usize,
    /// Column of the first character of the secret.
    pub column: usize,
    /// Line of the last byte of the secret.
    pub end_line: usize,
    /// Column just past the last character of the secret (exclusive, as in SARIF).
    pub end_column: usize,
    /// The secret bytes, lossily decoded. Redact before showing it to anyone.
    pub secret: String,
    /// Shannon entropy of the secret in bits per character.
    pub entropy: f64,
    /// How sure the engine is.
    pub confidence: Confidence,
    /// Stable across line moves and file edits: see [`fingerprint`].
    pub fingerprint: String,
}

/// Stable identity of a secret for a rule: the first 16 bytes of
/// SHA-256(`rule_id` NUL `secret`), in hex.
///
/// It does not depend on the path or line, so moving a secret keeps its fingerprint, and
/// it cannot be reversed into the secret, so baselines can store it.
pub fn fingerprint(rule_id: &str, secret: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(rule_id.as_bytes());
    h.update([0]);
    h.update(secret);
    h.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What a keyword of the automaton stands for.
#[derive(Debug, Clone, Copy)]
struct Target {
    rule: usize,
    /// A `file_keywords` entry: it gates the rule for the whole input.
    file_level: bool,
}

/// Matches longer than this (or than four windows of their rule, if that is more) are
/// not secrets and are skipped without resolving their groups. The longest real ones,
/// PEM and PGP private key blocks, take a few KB; a generic `NAME=VALUE` pattern applied
/// to a minified file or a long line of `token=token=...` can match megabytes.
const MAX_MATCH_LEN: usize = 64 * 1024;

/// How far a name is followed left of a match (see `name_start`).
const MAX_NAME_LEN: usize = 256;

/// Scans bytes for secrets with a compiled rule set.
///
/// Build it once and share it: it is `Send + Sync`, and `scan` takes `&self`.
///
/// # Examples
/// ```
/// use keywarden_engine::{RuleSet, Scanner};
///
/// let scanner = Scanner::new(RuleSet::builtin()?)?;
/// let token = ["7391824650", ":AAHk3vR9xLq2mZ8pW4nT6yB0cF5dJ7sG1eU"].concat();
/// let input = format!("TELEGRAM_BOT_TOKEN={token}\n");
/// let findings = scanner.scan(input.as_bytes(), Some("bot/.env"));
/// assert_eq!(findings[0].rule_id, "telegram-bot-token");
/// assert_eq!((findings[0].line, findings[0].column), (1, 20));
/// # Ok::<(), keywarden_engine::RuleError>(())
/// ```
#[derive(Debug)]
pub struct Scanner {
    rules: Vec<Rule>,
    automaton: Keywords,
    targets: Vec<Vec<Target>>,
}

impl Scanner {
    /// Compiles the keyword automaton of a rule set.
    ///
    /// # Errors
    /// [`RuleError::Automaton`] if the automaton cannot be built (too many keywords).
    pub fn new(rules: RuleSet) -> Result<Scanner, RuleError> {
        let rules = rules.into_rules();
        let mut keywords: Vec<Vec<u8>> = Vec::new();
        let mut targets: Vec<Vec<Target>> = Vec::new();
        for (index, rule) in rules.iter().enumerate() {
            let kws = rule.keywords_lower.iter().map(|k| (k, false));
            let fkws = rule.file_keywords_lower.iter().map(|k| (k, true));
            for (kw, file_level) in kws.chain(fkws) {
                let target = Target {
                    rule: index,
                    file_level,
                };
                match keywords.iter().position(|k| k == kw) {
                    Some(p) => targets[p].push(target),
                    None => {
                        keywords.push(kw.clone());
                        targets.push(vec![target]);
                    }
                }
            }
        }
        let automaton = Keywords::new(&keywords).map_err(RuleError::Automaton)?;
        log::debug!(
            "compiled {} rules, {} keywords, automaton {} bytes",
            rules.len(),
            keywords.len(),
            automaton.memory_usage()
        );
        Ok(Scanner {
            rules,
            automaton,
            targets,
        })
    }

    /// The compiled rules, in the order findings refer to by `rule_index`.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// How many keyword occurrences the prefilter sees in `input` (overlapping ones
    /// included): the number of places where regexes may run. For benchmarks and tests.
    pub fn keyword_hits(&self, input: &[u8]) -> usize {
        let mut hits = Vec::new();
        self.automaton.find_all(input, &mut hits);
        hits.len()
    }

    /// Scans `input` and returns its findings in input order.
    ///
    /// `path` is a hint: a path mentioning a rule's file keyword (say `binance`) counts as
    /// the file mentioning it. Nothing is read from disk.
    pub fn scan(&self, input: &[u8], path: Option<&str>) -> Vec<Finding> {
        let windows = self.windows(input, path);
        let mut raw: Vec<Finding> = Vec::new();
        for (index, rule_windows) in windows.iter().enumerate() {
            if !rule_windows.is_empty() {
                self.match_rule(index, rule_windows, input, &mut raw);
            }
        }
        if raw.is_empty() {
            return raw;
        }
        // Two patterns of one rule, or two windows of it, may find the same secret.
        raw.sort_by(|a, b| {
            (a.secret_span.start, a.rule_index, a.secret_span.end).cmp(&(
                b.secret_span.start,
                b.rule_index,
                b.secret_span.end,
            ))
        });
        raw.dedup_by(|a, b| a.rule_index == b.rule_index && a.secret_span == b.secret_span);
        let mut findings = resolve_overlaps(raw, &self.rules);
        findings.sort_by_key(|f| (f.secret_span.start, f.rule_index));
        locate(input, &mut findings);
        findings
    }

    /// Runs the keyword pass and returns, per rule, the merged windows to search (empty
    /// for rules gated out by a missing file keyword).
    fn windows(&self, input: &[u8], path: Option<&str>) -> Vec<Vec<Range<usize>>> {
        let mut windows: Vec<Vec<Range<usize>>> = vec![Vec::new(); self.rules.len()];
        let mut file_ok = vec![false; self.rules.len()];
        let mut hits: Vec<Hit> = Vec::new();
        self.automaton.find_all(input, &mut hits);
        for hit in hits {
            for t in &self.targets[hit.keyword] {
                if t.file_level {
                    file_ok[t.rule] = true;
                    continue;
                }
                let w = self.rules[t.rule].window();
                let range = hit.start.saturating_sub(w)..hit.end.saturating_add(w).min(input.len());
                let list = &mut windows[t.rule];
                match list.last_mut() {
                    Some(last) if range.start <= last.end => {
                        // Hits arrive by end offset, so a longer keyword may start earlier.
                        last.start = last.start.min(range.start);
                        last.end = last.end.max(range.end);
                    }
                    _ => list.push(range),
                }
            }
        }
        let path_lower = path.map(str::to_ascii_lowercase);
        for (index, rule) in self.rules.iter().enumerate() {
            if rule.file_keywords_lower.is_empty() || file_ok[index] || windows[index].is_empty() {
                continue;
            }
            let in_path = path_lower.as_ref().is_some_and(|p| {
                rule.file_keywords_lower
                    .iter()
                    .any(|k| memchr::memmem::find(p.as_bytes(), k).is_some())
            });
            if !in_path {
                windows[index].clear();
            }
        }
        windows
    }

    fn match_rule(
        &self,
        index: usize,
        windows: &[Range<usize>],
        input: &[u8],
        out: &mut Vec<Finding>,
    ) {
        let rule = &self.rules[index];
        let Some(compiled) = rule.compiled() else {
            return;
        };
        let max_match = MAX_MATCH_LEN.max(rule.window().saturating_mul(4));
        for (regex, &group) in compiled.regexes.iter().zip(&compiled.secret_group) {
            let mut caps = regex.create_captures();
            for window in windows {
                let mut at = window.start;
                while at < window.end {
                    // Find the match with the DFAs alone, and resolve capture groups only
                    // over the match itself, and only if it is not absurdly long: groups
                    // need an NFA simulation, far slower than the DFAs, and a pattern that
                    // ends in `{11,}` can match megabytes of a file with no line breaks.
                    let search = Input::new(input).span(at..window.end);
                    let Some(m) = regex.search(&search) else {
                        break;
                    };
                    at = if m.end() > m.start() {
                        m.end()
                    } else {
                        m.end() + 1
                    };
                    if m.len() > max_match {
                        log::debug!(
                            "rule {}: skipped a {}-byte match at {}",
                            rule.id(),
                            m.len(),
                            m.start()
                        );
                        continue;
                    }
                    let exact = Input::new(input).span(m.range()).anchored(Anchored::Yes);
                    regex.search_captures(&exact, &mut caps);
                    let Some(secret) = caps.get_group(group) else {
                        continue;
                    };
                    let secret = secret.range();
                    if secret.is_empty() {
                        continue;
                    }
                    if let Some(finding) = self.judge(index, m.range(), secret, input) {
                        out.push(finding);
                    }
                }
            }
        }
    }

    /// Applies the placeholder filter, the entropy threshold and the validator.
    fn judge(
        &self,
        index: usize,
        span: Range<usize>,
        secret_span: Range<usize>,
        input: &[u8],
    ) -> Option<Finding> {
        let rule = &self.rules[index];
        let secret = &input[secret_span.clone()];
        if !rule.name_excludes_lower.is_empty() {
            let name = &input[name_start(input, span.start)..secret_span.start];
            let name = name.to_ascii_lowercase();
            if rule
                .name_excludes_lower
                .iter()
                .any(|w| memchr::memmem::find(&name, w).is_some())
            {
                return None;
            }
        }
        if rule.spec.placeholder_check.unwrap_or(true) {
            let line = line_around(input, secret_span.start);
            if let Some(why) = filter::reject(secret, line) {
                log::trace!(
                    "rule {} rejected a candidate at {}: {why:?}",
                    rule.id(),
                    span.start
                );
                return None;
            }
        }
        if let Some(min) = rule.spec.min_alphabet
            && score::alphabet_size(secret) < min
        {
            return None;
        }
        if let Some(min) = rule.spec.min_entropy
            && score::relative_entropy(secret) < min
        {
            return None;
        }
        let mut confidence = rule.spec.confidence;
        let verdict = match rule.spec.validate {
            Some(Validator::Jwt) => validate::jwt(secret),
            Some(Validator::GithubChecksum) => validate::github_checksum(secret),
            None => Verdict::Unknown,
        };
        match verdict {
            Verdict::Refuted => return None,
            Verdict::Confirmed(c) => confidence = c,
            Verdict::Unknown => {}
        }
        Some(Finding {
            rule_id: rule.spec.id.clone(),
            rule_index: index,
            span,
            secret_span,
            line: 0,
            column: 0,
            end_line: 0,
            end_column: 0,
            secret: String::from_utf8_lossy(secret).into_owned(),
            entropy: score::shannon(secret),
            confidence,
            fingerprint: fingerprint(&rule.spec.id, secret),
        })
    }
}

/// Extends `start` left over identifier characters, so a match that begins inside a
/// name (`key` of `secret-key`) is judged by the whole name. Names are followed for at
/// most [`MAX_NAME_LEN`] bytes, so a long run of letters costs each match that much and
/// no more.
fn name_start(input: &[u8], start: usize) -> usize {
    let is_name = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.');
    let floor = start.saturating_sub(MAX_NAME_LEN);
    input[floor..start]
        .iter()
        .rposition(|&b| !is_name(b))
        .map_or(floor, |p| floor + p + 1)
}

/// The line (without its terminator) that holds `offset`.
///
/// At most [`LINE_REACH`] bytes on either side are looked at: on a one-line file with
/// many candidates, searching to the real line ends would make the scan quadratic.
fn line_around(input: &[u8], offset: usize) -> &[u8] {
    let low = offset.saturating_sub(LINE_REACH);
    let high = (offset + LINE_REACH).min(input.len());
    let start = memchr::memrchr(b'\n', &input[low..offset]).map_or(low, |p| low + p + 1);
    let end = memchr::memchr(b'\n', &input[offset..high]).map_or(high, |p| offset + p);
    &input[start..end]
}

/// How far [`line_around`] looks for the ends of a line.
const LINE_REACH: usize = 4096;

/// Where secrets of several rules overlap, keeps only the highest-priority rule's
/// findings; rules of equal priority are all kept.
fn resolve_overlaps(mut raw: Vec<Finding>, rules: &[Rule]) -> Vec<Finding> {
    raw.sort_by_key(|f| f.secret_span.start);
    let mut keep = vec![true; raw.len()];
    for i in 0..raw.len() {
        for j in i + 1..raw.len() {
            if raw[j].secret_span.start >= raw[i].secret_span.end {
                break;
            }
            let (pi, pj) = (
                rules[raw[i].rule_index].priority(),
                rules[raw[j].rule_index].priority(),
            );
            if pi > pj {
                keep[j] = false;
            } else if pj > pi {
                keep[i] = false;
            }
        }
    }
    raw.into_iter()
        .zip(keep)
        .filter_map(|(f, k)| k.then_some(f))
        .collect()
}

/// Fills in lines and columns; `findings` must be sorted by secret start.
fn locate(input: &[u8], findings: &mut [Finding]) {
    let bom = if input.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let mut cursor = Cursor::new(input, bom);
    // Ends may come before later starts in input order, so locate them independently.
    let mut ends: Vec<(usize, usize)> = findings
        .iter()
        .enumerate()
        .map(|(i, f)| (f.secret_span.end, i))
        .collect();
    ends.sort_unstable();
    for f in findings.iter_mut() {
        let (line, column) = cursor.advance(f.secret_span.start);
        f.line = line;
        f.column = column;
    }
    let mut cursor = Cursor::new(input, bom);
    for (end, i) in ends {
        let (line, column) = cursor.advance(end);
        findings[i].end_line = line;
        findings[i].end_column = column;
    }
}

/// Walks forward through the input once, keeping line and column, so locating every
/// finding costs one pass over the input, even when thousands sit on one long line.
struct Cursor<'a> {
    input: &'a [u8],
    offset: usize,
    line: usize,
    /// The first counted byte of the current line (past a BOM on line 1).
    line_start: usize,
    /// Characters from `line_start` to `offset`.
    chars: usize,
}

impl<'a> Cursor<'a> {
    fn new(input: &'a [u8], bom: usize) -> Cursor<'a> {
        Cursor {
            input,
            offset: bom.min(input.len()),
            line: 1,
            line_start: bom.min(input.len()),
            chars: 0,
        }
    }

    /// Moves forward to `to` and returns its 1-based line and column.
    fn advance(&mut self, to: usize) -> (usize, usize) {
        let to = to.max(self.offset);
        let count = |bytes: &[u8]| bytes.iter().filter(|&&b| (b as i8) >= -0x40).count();
        match memchr::memrchr(b'\n', &self.input[self.offset..to]) {
            Some(last) => {
                let newlines = memchr::memchr_iter(b'\n', &self.input[self.offset..to]).count();
                self.line += newlines;
                self.line_start = self.offset + last + 1;
                self.chars = count(&self.input[self.line_start..to]);
            }
            None => self.chars += count(&self.input[self.offset..to]),
        }
        self.offset = to;
        (self.line, self.chars + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scanner_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Scanner>();
        assert_send_sync::<Finding>();
    }

    #[test]
    fn fingerprint_ignores_position() {
        assert_eq!(fingerprint("r", b"abc"), fingerprint("r", b"abc"));
        assert_ne!(fingerprint("r", b"abc"), fingerprint("s", b"abc"));
        assert_eq!(fingerprint("r", b"abc").len(), 32);
    }

    #[test]
    fn columns_count_characters_and_skip_a_bom() {
        let input = "\u{FEFF}é=SECRET\nx";
        let mut f = vec![Finding {
            rule_id: "r".into(),
            rule_index: 0,
            span: 0..0,
            secret_span: 6..12,
            line: 0,
            column: 0,
            end_line: 0,
            end_column: 0,
            secret: String::new(),
            entropy: 0.0,
            confidence: Confidence::Low,
            fingerprint: String::new(),
        }];
        locate(input.as_bytes(), &mut f);
        assert_eq!(
            (f[0].line, f[0].column, f[0].end_line, f[0].end_column),
            (1, 3, 1, 9)
        );
    }
}
