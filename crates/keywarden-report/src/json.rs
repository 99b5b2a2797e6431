//! JSON Lines: one object per finding, fields documented in the README and stable
//! across versions (new fields may be added; none are renamed or removed).

use std::io::{self, Write};

use serde_json::{Value, json};

use crate::{Record, Redaction};

/// The JSON object of one record.
pub fn json_value(record: &Record, redaction: Redaction) -> Value {
    let f = &record.finding;
    let mut v = json!({
        "path": record.path,
        "line": f.line,
        "column": f.column,
        "end_line": f.end_line,
        "end_column": f.end_column,
        "rule_id": f.rule_id,
        "title": record.title,
        "severity": record.severity.as_str(),
        "confidence": f.confidence.as_str(),
        "entropy": (f.entropy * 1000.0).round() / 1000.0,
        "fingerprint": f.fingerprint,
        "secret": redaction.apply(&f.secret),
        "redacted": redaction != Redaction::Off,
    });
    if let (Some(c), Value::Object(map)) = (&record.commit, &mut v) {
        map.insert("commit".into(), c.id.clone().into());
        map.insert("author".into(), c.author.clone().into());
        map.insert("email".into(), c.email.clone().into());
        map.insert("date".into(), c.date.clone().into());
        map.insert("message".into(), c.summary.clone().into());
    }
    v
}

/// Writes one record as a single line of JSON.
///
/// # Errors
/// The writer's I/O error.
pub fn write_json_line(
    out: &mut dyn Write,
    record: &Record,
    redaction: Redaction,
) -> io::Result<()> {
    serde_json::to_writer(&mut *out, &json_value(record, redaction))?;
    out.write_all(b"\n")
}
