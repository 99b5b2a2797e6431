//! The official SARIF 2.1.0 schema as a test oracle, shared by this crate's SARIF tests and
//! the command-line tests of `keywarden` (which include this file by path).
//!
//! The schema is read from `../shared/schemas/` beside the repository; nothing is fetched.

use std::sync::{Arc, OnceLock};

use jsonschema::Validator;
use serde_json::{Value, json};

/// Where the schema is, from either crate's manifest folder (both sit in `crates/`).
const SCHEMA_PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/schemas/sarif-schema-2.1.0.json"
);

/// The schema (draft-04, as its `$schema` says), with formats checked.
///
/// Draft-04 has no `uri-reference` format, so the validator would skip the one format that
/// checks `artifactLocation.uri`; it is registered here with the crate's own draft-07 check.
fn validator() -> &'static Validator {
    static VALIDATOR: OnceLock<Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let text = std::fs::read_to_string(SCHEMA_PATH)
            .unwrap_or_else(|e| panic!("read the SARIF schema at {SCHEMA_PATH}: {e}"));
        let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
        assert_eq!(schema["$schema"], "http://json-schema.org/draft-04/schema#");
        let uri_ref = Arc::new(
            jsonschema::draft7::options()
                .should_validate_formats(true)
                .build(&json!({ "format": "uri-reference" }))
                .expect("uri-reference schema"),
        );
        jsonschema::draft4::options()
            .should_validate_formats(true)
            .with_format("uri-reference", move |s| uri_ref.is_valid(&json!(s)))
            .build(&schema)
            .expect("the SARIF schema compiles without fetching anything")
    })
}

/// The schema errors of a log, one line each.
pub fn sarif_errors(log: &Value) -> Vec<String> {
    validator()
        .iter_errors(log)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

/// Asserts a log is valid SARIF 2.1.0, printing the errors and the log if not.
#[track_caller]
pub fn assert_valid_sarif(log: &Value) {
    let errors = sarif_errors(log);
    assert!(
        errors.is_empty(),
        "the log breaks the SARIF schema:\n{}\n{}",
        errors.join("\n"),
        serde_json::to_string_pretty(log).unwrap_or_default()
    );
}
