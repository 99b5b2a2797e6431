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

const MAX_SHOWN_LINE: usize = 160;

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
        let mut last_path: Option<&str> = None;
        for r in records {
            if last_path != Some(r.path.as_str()) {
                if last_path.is_some() {
                    writeln!(out)?;
                }
                writeln!(out, "{}", self.paint("1;4", &r.path))?;
                last_path = Some(&r.path);
            }
            self.write_record(out, r)?;
        }
        if !records.is_empty() {
            writeln!(out)?;
        }
        self.write_summary(out, records, summary)
    }

    fn write_record(&self, out: &mut dyn Write, r: &Record) -> io::Result<()> {
        let f = &r.finding;
        let sev = match r.severity.as_str() {
            "critical" | "high" => self.paint("1;31", r.severity.as_str()),
            _ => self.paint("33", r.severity.as_str()),
        };
        let shown = self.redaction.apply(&f.secret);
        writeln!(
            out,
            "  {}:{}:{}  {}  {}  [{sev}, {} confidence]  {}",
            r.path,
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
                c.author, c.email, c.date, c.summary
            )?;
        }
        if let Some(line) = &r.line_text {
            let (before, secret_shown, after) = self.line_parts(line, f.column, &f.secret, &shown);
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

    /// Splits the line around the secret, replaces the secret by its shown form and
    /// trims long lines to a readable window around it.
    fn line_parts(
        &self,
        line: &str,
        column: usize,
        secret: &str,
        shown: &str,
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
        let from = start.saturating_sub(room);
        let to = (end + room).min(chars.len());
        let mut before: String = chars[from..start].iter().collect();
        let mut after: String = chars[end..to].iter().collect();
        if from > 0 {
            before.insert(0, '…');
        }
        if to < chars.len() {
            after.push('…');
        }
        (sanitize(&before), shown_first_line, sanitize(&after))
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
            .map(|c| format!("{c} commits, "))
            .unwrap_or_default();
        writeln!(
            out,
            "scanned {commits}{} {}, {} in {:.2}s; skipped {} binary, {} too large; {} errors",
            s.scanned,
            s.unit,
            human_bytes(s.bytes),
            s.elapsed.as_secs_f64(),
            s.skipped_binary,
            s.skipped_large,
            s.errors,
        )?;
        if records.is_empty() {
            writeln!(out, "{}", self.paint("32", "no secrets found"))
        } else {
            let rules: Vec<String> = by_rule.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            let total = self.paint("1;31", &format!("{} findings", records.len()));
            writeln!(out, "{total} ({})", rules.join(", "))
        }
    }
}

/// Replaces control characters so a hostile file cannot drive the terminal.
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
