//! Hostile repository policy files: a `.keywarden.toml` and baseline come with the
//! repository being scanned, so a pull request can make them anything.

use std::path::Path;

use keywarden_engine::RuleSet;
use keywarden_policy::{Baseline, Config};

fn config_with_rule_file(dir: &Path, name: &str) -> Config {
    let path = dir.join(".keywarden.toml");
    std::fs::write(&path, format!("[rules]\nfiles = [\"{name}\"]\n")).expect("writes");
    Config::load(&path).expect("the config itself is fine")
}

/// Regression (rule file read forever): `rules.files` pointing, through a link in the
/// repository, at `/dev/zero` made `apply_rules` read zeros until memory ran out.
#[cfg(unix)]
#[test]
fn a_rule_file_linked_to_a_device_is_an_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("rules.toml")).expect("link");
    let config = config_with_rule_file(dir.path(), "rules.toml");
    let err = config
        .apply_rules(&mut RuleSet::new())
        .expect_err("a device is not a rule file");
    let msg = err.to_string();
    assert!(
        msg.contains("rules.toml") && msg.contains("not a regular file"),
        "{msg}"
    );
    // The same by absolute path, and a folder.
    let config = config_with_rule_file(dir.path(), "/dev/zero");
    assert!(config.apply_rules(&mut RuleSet::new()).is_err());
    std::fs::create_dir(dir.path().join("rules.d")).expect("mkdir");
    let config = config_with_rule_file(dir.path(), "rules.d");
    let err = config
        .apply_rules(&mut RuleSet::new())
        .expect_err("a folder");
    assert!(err.to_string().contains("not a regular file"), "{err}");
}

#[test]
fn a_regular_rule_file_still_loads() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("rules.toml"),
        "[[rules]]\nid = \"r\"\ntitle = \"t\"\nseverity = \"low\"\nkeywords = [\"k\"]\n\
            patterns = ['(?P<secret>k[0-9]{4})']\n",
    )
    .expect("writes");
    let config = config_with_rule_file(dir.path(), "rules.toml");
    let mut set = RuleSet::new();
    config.apply_rules(&mut set).expect("loads");
    assert_eq!(set.rules().len(), 1);
}

/// Config text that is not what a config should be: errors, never panics.
#[test]
fn hostile_config_text_is_an_error_or_harmless() {
    let deep = format!("a = {}1{}", "[".repeat(100_000), "]".repeat(100_000));
    let long_key = format!("{} = 1", "k".repeat(1_000_000));
    for text in [
        deep.as_str(),
        long_key.as_str(),
        "[allowlist]\npaths = [\"{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{\"]",
        "[allowlist]\npaths = [\"**/**/**/**/**/**/**/**/**/**/**/**/**/**/**/**/**/**/**/**/a\"]",
        "[allowlist]\nsecrets = [\"(a{1000}){1000}\"]",
        "[allowlist]\nlines = [\"((((((((((((((((((((((((((((((a))))))))))))))))))))))))))))))\"]",
        "[rules.overrides.jwt]\nmin_entropy = nan",
        "[rules.overrides.jwt]\nmin_entropy = inf",
        "[scan]\nmax_file_size = -1",
        "[scan]\nmax_file_size = 18446744073709551616",
        "[[rule]]\nid = \"x\"\ntitle = \"t\"\nseverity = \"low\"\nkeywords = [\"k\"]\n\
            patterns = ['(?P<secret>k{100000}{100000})']",
        "\u{0}",
        "\u{feff}[allowlist]",
    ] {
        let Ok(config) = Config::parse(Path::new(".keywarden.toml"), Path::new("."), text) else {
            continue;
        };
        if let Ok(policy) = config.policy() {
            let _ = policy.allows("jwt", "src/a.rs", "secret", "line");
        }
        let mut set = RuleSet::builtin().expect("built-in rules");
        let _ = config.apply_rules(&mut set);
    }
}

/// Baselines that are not baselines: errors naming the file, never panics or stack
/// overflows.
#[test]
fn hostile_baselines_are_errors() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("baseline.json");
    let deep = format!("{}{}", "[".repeat(1_000_000), "]".repeat(1_000_000));
    let deep_object = "{\"findings\":".repeat(100_000);
    for bytes in [
        deep.as_bytes(),
        deep_object.as_bytes(),
        b"{\"version\": 1e999, \"findings\": []}",
        b"{\"version\": -1, \"findings\": []}",
        b"{\"version\": 4294967297, \"findings\": []}",
        b"{\"version\": 1, \"findings\": [{\"fingerprint\": \"\xff\xfe\",\
            \x20\"rule_id\": \"x\", \"path\": \"p\"}]}",
        b"{\"version\": 1, \"findings\": [{\"fingerprint\": \"\\ud800\",\
            \x20\"rule_id\": \"x\", \"path\": \"p\"}]}",
        b"{\"version\": 1, \"findings\": {}}",
        b"{\"version\": 1, \"findings\": [], \"extra\": true}",
        b"\xef\xbb\xbf{\"version\": 1, \"findings\": []}",
        b"",
        b"\0",
    ] {
        std::fs::write(&path, bytes).expect("writes");
        let err = Baseline::load(&path).expect_err("not a baseline");
        assert!(err.to_string().contains("baseline.json"), "{err}");
    }
}
