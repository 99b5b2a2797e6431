//! The human report: findings grouped by file, each with its line (secret redacted) and
//! the match underlined, then a summary.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::time::Duration;

use crate::{Record, Redaction};

/// Counts for the closing summary of a scan.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// What was scanned, e.g. `files` or `blobs`.
    pub unit: &'static str,
    /// How many of them were scanned.
    pub scanned: u64,
    /// Bytes scanned.
    pub bytes: u64,
    /// Skipped as binary.
    pub skipped_binary: u64,
    /// Skipped as larger than the limit.
    pub skipped_large: u64,
    /// Could not be read.
    pub errors: u64,
    /// Commits walked (history scans).
    pub commits: Option<u64>,
    /// Wall-clock time.
    pub elapsed: Duration,
}

/// Writes the text report.
#[derive(Debug, Clone, Copy)]
pub struct TextWriter {
    /// Use ANSI colours (only on a terminal).
    pub color: bool,
    /// How much of each secret to show.
    pub redaction: Redaction,
}

/// Where a record's secrets live: its path, and its commit for history findings.
type Source<'a> = (&'a str, Option<&'a str>);

/// Bytes around a finding within which other secrets may appear on its shown line (the
/// line is kept up to 1 KiB around each secret, see `Record::line_offset`).
const NEAR: usize = 3072;

const MAX_SHOWN_LINE: usize = 160;

/// Pieces of other secrets shorter than this are not masked on a shown line: a short line
/// of a multi-line secret (`-----END`) says nothing, and masking it would garble the line.
const MIN_MASKED_CHARS: usize = 8;

/// The file (and commit) a record was found in.
fn source(r: &Record) -> (&str, Option<&str>) {
    (&r.path, r.commit.as_ref().map(|c| c.id.as_str()))
}

impl TextWriter {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    /// Writes all records, grouped by path in the order given, then the summary.
    ///
    /// # Errors
    /// The writer's I/O error.
    pub fn write(
        &self,
        out: &mut dyn Write,
        records: &[Record],
        summary: &Summary,
    ) -> io::Result<()> {
        // Every secret found in each file (each commit's copy of it, for history), by
        // position: a line can hold several, and the line shown for one must not print
        // the others. Only those near a finding can be on the part of the line shown.
        let mut secrets: BTreeMap<Source<'_>, Vec<(usize, &str)>> = BTreeMap::new();
        for r in records {
            secrets
                .entry(source(r))
                .or_default()
                .push((r.finding.secret_span.start, &r.finding.secret));
        }
        for list in secrets.values_mut() {
            list.sort_unstable();
        }
        let mut last_path: Option<&str> = None;
        let mut near: Vec<&str> = Vec::new();
        for r in records {
            if last_path != Some(r.path.as_str()) {
                if last_path.is_some() {
                    writeln!(out)?;
                }
                writeln!(out, "{}", self.paint("1;4", &sanitize(&r.path)))?;
                last_path = Some(&r.path);
            }
            let all = secrets.get(&source(r)).map_or(&[][..], Vec::as_slice);
            let at = r.finding.secret_span.start;
            let lo = all.partition_point(|(s, _)| *s + NEAR < at);
            let hi = all.partition_point(|(s, _)| *s <= at + NEAR);
            near.clear();
            near.extend(all[lo..hi].iter().map(|(_, secret)| *secret));
            self.write_record(out, r, &near)?;
        }
        if !records.is_empty() {
            writeln!(out)?;
        }
        self.write_summary(out, records, summary)
    }

    fn write_record(&self, out: &mut dyn Write, r: &Record, secrets: &[&str]) -> io::Result<()> {
        let f = &r.finding;
        let sev = match r.severity.as_str() {
            "critical" | "high" => self.paint("1;31", r.severity.as_str()),
            _ => self.paint("33", r.severity.as_str()),
        };
        let shown = self.redaction.apply(&f.secret);
        writeln!(
            out,
            "  {}:{}:{}  {}  {}  [{sev}, {} confidence]  {}",
            sanitize(&r.path),
            f.line,
            f.column,
            self.paint("1", &f.rule_id),
            shown,
            f.confidence,
            r.title,
        )?;
        if let Some(c) = &r.commit {
            let short = c.id.get(..12).unwrap_or(&c.id);
            writeln!(
                out,
                "    commit {short}  {} <{}>  {}  {}",
                sanitize(&c.author),
                sanitize(&c.email),
                sanitize(&c.date),
                sanitize(&c.summary)
            )?;
        }
        if let Some(line) = &r.line_text {
            let (before, secret_shown, after) = self.line_parts(
                line,
                f.column.saturating_sub(r.line_offset).max(1),
                &f.secret,
                &shown,
                secrets,
            );
            writeln!(
                out,
                "    {before}{}{after}",
                self.paint("31", &secret_shown)
            )?;
            let pad = " ".repeat(before.chars().count());
            let marks = "^".repeat(secret_shown.chars().count().max(1));
            writeln!(out, "    {pad}{}", self.paint("31", &marks))?;
        }
        Ok(())
    }

    /// Splits the line around the secret, replaces the secret by its shown form, masks
    /// the other `secrets` found in the file wherever they appear on the line, and trims
    /// long lines to a readable window around the secret.
    fn line_parts(
        &self,
        line: &str,
        column: usize,
        secret: &str,
        shown: &str,
        secrets: &[&str],
    ) -> (String, String, String) {
        let chars: Vec<char> = line.trim_end_matches(['\r', '\n']).chars().collect();
        let start = column.saturating_sub(1).min(chars.len());
        let secret_first_line = secret.lines().next().unwrap_or("");
        let end = (start + secret_first_line.chars().count()).min(chars.len());
        let shown_first_line = if secret.contains('\n') && self.redaction == Redaction::Off {
            secret_first_line.to_string()
        } else {
            shown.to_string()
        };
        let room = MAX_SHOWN_LINE.saturating_sub(shown_first_line.chars().count()) / 2;
        // Masked before the window is cut, so a cut never exposes part of a secret.
        let masked = |part: &[char]| -> Vec<char> {
            self.mask(&part.iter().collect::<String>(), secrets)
                .chars()
                .collect()
        };
        let (before, after) = (masked(&chars[..start]), masked(&chars[end..]));
        let from = before.len().saturating_sub(room);
        let to = room.min(after.len());
        let mut shown_before: String = before[from..].iter().collect();
        let mut shown_after: String = after[..to].iter().collect();
        if from > 0 {
            shown_before.insert(0, '…');
        }
        if to < after.len() {
            shown_after.push('…');
        }
        (
            sanitize(&shown_before),
            shown_first_line,
            sanitize(&shown_after),
        )
    }

    /// `text` with each of `secrets` (each line of a multi-line one) replaced by its shown
    /// form, longest first so that a secret holding another is masked whole.
    fn mask(&self, text: &str, secrets: &[&str]) -> String {
        if self.redaction == Redaction::Off {
            return text.to_string();
        }
        let mut parts: Vec<&str> = secrets
            .iter()
            .flat_map(|s| s.lines())
            .map(|l| l.trim_end_matches('\r'))
            .filter(|l| l.chars().count() >= MIN_MASKED_CHARS)
            .collect();
        parts.sort_by_key(|p| std::cmp::Reverse(p.len()));
        parts.dedup();
        let mut masked = text.to_string();
        for part in parts {
            if masked.contains(part) {
                masked = masked.replace(part, &self.redaction.apply(part));
            }
        }
        masked
    }

    fn write_summary(
        &self,
        out: &mut dyn Write,
        records: &[Record],
        s: &Summary,
    ) -> io::Result<()> {
        let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
        for r in records {
            *by_rule.entry(r.finding.rule_id.as_str()).or_default() += 1;
        }
        let commits = s
            .commits
            .map(|c| format!("{}, ", count(c, "commits")))
            .unwrap_or_default();
        writeln!(
            out,
            "scanned {commits}{}, {} in {:.2}s; skipped {} binary, {} too large; {}",
            count(s.scanned, s.unit),
            human_bytes(s.bytes),
            s.elapsed.as_secs_f64(),
            s.skipped_binary,
            s.skipped_large,
            count(s.errors, "errors"),
        )?;
        if records.is_empty() {
            writeln!(out, "{}", self.paint("32", "no secrets found"))
        } else {
            let rules: Vec<String> = by_rule.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            let total = self.paint("1;31", &count(records.len() as u64, "findings"));
            writeln!(out, "{total} ({})", rules.join(", "))
        }
    }
}

/// `n` and the unit, singular for one (`1 file`, `2 files`, `1 staged file`).
fn count(n: u64, plural: &str) -> String {
    match (n, plural.strip_suffix('s')) {
        (1, Some(singular)) => format!("1 {singular}"),
        _ => format!("{n} {plural}"),
    }
}

/// Replaces control characters so a hostile file, file name or commit cannot drive the
/// terminal.
fn sanitize(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() && c != '\t' {
                '�'
            } else {
                c
            }
        })
        .collect()
}

fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use keywarden_engine::{Confidence, Finding, Severity};

    use super::*;

    /// A record of a secret at `column` of `line` (line 1 of `a.py`).
    fn record(line: &str, secret: &str) -> Record {
        let column = line[..line.find(secret).expect("secret on the line")]
            .chars()
            .count()
            + 1;
        let len = secret.chars().count();
        Record {
            path: "a.py".into(),
            finding: Finding {
                rule_id: "test".into(),
                rule_index: 0,
                span: 0..0,
                secret_span: 0..0,
                line: 1,
                column,
                end_line: 1,
                end_column: column + len,
                secret: secret.into(),
                entropy: 4.0,
                confidence: Confidence::High,
                fingerprint: "00".into(),
            },
            title: "Test".into(),
            severity: Severity::High,
            line_text: Some(line.into()),
            line_offset: 0,
            commit: None,
        }
    }

    fn report(writer: TextWriter, records: &[Record]) -> String {
        let mut out = Vec::new();
        writer
            .write(&mut out, records, &Summary::default())
            .expect("writes to a Vec");
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn the_shown_line_masks_every_secret_found_on_it() {
        // Made up at run time: two keys on one line, then a copy of the first.
        let (k1, k2) = ("K1".repeat(20), "Q2".repeat(20));
        let line = format!("client = Client(\"{k1}\", \"{k2}\")  # was {k1}");
        let records = [record(&line, &k1), record(&line, &k2)];
        for redaction in [Redaction::Prefix, Redaction::Full] {
            let text = report(
                TextWriter {
                    color: false,
                    redaction,
                },
                &records,
            );
            assert!(
                !text.contains(&k1) && !text.contains(&k2),
                "{redaction:?}:\n{text}"
            );
            assert!(!text.contains(&k1[..12]) && !text.contains(&k2[..12]));
        }
        let text = report(
            TextWriter {
                color: false,
                redaction: Redaction::Prefix,
            },
            &records,
        );
        assert!(
            text.contains(
                "    client = Client(\"K1K1********\", \"Q2Q2********\")  # was K1K1********\n"
            ),
            "{text}"
        );
        let shown = report(
            TextWriter {
                color: false,
                redaction: Redaction::Off,
            },
            &records,
        );
        assert!(
            shown.contains(&format!("    client = Client(\"{k1}\", \"{k2}\")")),
            "{shown}"
        );
    }

    #[test]
    fn a_long_line_is_cut_after_masking() {
        let (k1, k2) = ("K1".repeat(20), "Q2".repeat(20));
        let line = format!("a = \"{k1}\"{}\"{k2}\"", " ".repeat(70));
        let writer = TextWriter {
            color: false,
            redaction: Redaction::Prefix,
        };
        let text = report(writer, &[record(&line, &k1), record(&line, &k2)]);
        assert!(
            !text.contains(&k2[..8]) && !text.contains(&k1[..8]),
            "{text}"
        );
    }
}
