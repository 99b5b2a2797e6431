//! `keywarden install-hook`: writes the pre-commit and commit-msg hooks into the
//! repository's hooks folder (`core.hooksPath` respected), without clobbering a hook
//! that is not ours unless told to.

use std::path::{Path, PathBuf};

/// The hook scripts of `hooks/`, embedded.
pub const HOOKS: &[(&str, &str)] = &[
    ("pre-commit", include_str!("../../../hooks/pre-commit")),
    ("commit-msg", include_str!("../../../hooks/commit-msg")),
];

/// The line every keywarden hook carries; a hook holding it may be replaced freely.
const MARKER: &str = "# keywarden-hook v1";
/// Suffix under which `--chain` keeps a previous hook; our hook runs it after itself.
pub const CHAINED_SUFFIX: &str = ".keywarden-chained";

/// What to do with an existing hook that is not keywarden's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Stop with an error (the default).
    Refuse,
    /// Keep it as `<hook>.keywarden-chained` and run it after keywarden.
    Chain,
    /// Replace it.
    Overwrite,
}

/// Installs the hooks into `hooks_dir`. `binary` becomes the hooks' default
/// `KEYWARDEN` (so hooks work where PATH differs, as in GUI git clients).
///
/// # Errors
/// A message naming the hook that is in the way, or the I/O error.
pub fn install(
    hooks_dir: &Path,
    binary: Option<&Path>,
    existing: Existing,
) -> Result<Vec<PathBuf>, String> {
    std::fs::create_dir_all(hooks_dir)
        .map_err(|e| format!("cannot create hooks folder {}: {e}", hooks_dir.display()))?;
    // Check every hook before writing any, so a refusal leaves nothing half-installed.
    for (name, _) in HOOKS {
        let target = hooks_dir.join(name);
        if existing == Existing::Refuse && is_foreign(&target) {
            return Err(format!(
                "{} exists and is not keywarden's; pass --chain to keep it and run it after \
                 keywarden, or --force to replace it",
                target.display()
            ));
        }
    }
    let mut written = Vec::new();
    for (name, text) in HOOKS {
        let target = hooks_dir.join(name);
        if existing == Existing::Chain && is_foreign(&target) {
            let kept = hooks_dir.join(format!("{name}{CHAINED_SUFFIX}"));
            if kept.exists() {
                return Err(format!(
                    "{} already exists; remove it or use --force",
                    kept.display()
                ));
            }
            std::fs::rename(&target, &kept)
                .map_err(|e| format!("cannot move {} aside: {e}", target.display()))?;
        }
        let text = match binary {
            Some(b) => text.replacen(
                "KEYWARDEN=\"${KEYWARDEN:-keywarden}\"",
                &format!("KEYWARDEN=\"${{KEYWARDEN:-{}}}\"", shell_quote_free(b)),
                1,
            ),
            None => text.to_string(),
        };
        std::fs::write(&target, text)
            .map_err(|e| format!("cannot write {}: {e}", target.display()))?;
        make_executable(&target)?;
        written.push(target);
    }
    Ok(written)
}

fn is_foreign(hook: &Path) -> bool {
    match std::fs::read_to_string(hook) {
        Ok(text) => !text.contains(MARKER),
        // Unreadable or binary: not ours. Missing: nothing in the way.
        Err(e) => e.kind() != std::io::ErrorKind::NotFound,
    }
}

/// The path if it needs no shell quoting inside double quotes, else plain `keywarden`.
fn shell_quote_free(p: &Path) -> String {
    let s = p.to_string_lossy();
    if s.chars().any(|c| matches!(c, '"' | '$' | '`' | '\\' | '}')) {
        "keywarden".into()
    } else {
        s.into_owned()
    }
}

#[cfg(unix)]
fn make_executable(p: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| format!("cannot make {} executable: {e}", p.display()))
}

#[cfg(not(unix))]
fn make_executable(_: &Path) -> Result<(), String> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_foreign_hook_then_chains_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let foreign = dir.path().join("pre-commit");
        std::fs::write(&foreign, "#!/bin/sh\necho theirs\n").expect("write");
        let err = install(dir.path(), None, Existing::Refuse).expect_err("refuses");
        assert!(err.contains("--chain"), "{err}");
        assert!(
            !dir.path().join("commit-msg").exists(),
            "nothing half-installed"
        );

        install(
            dir.path(),
            Some(Path::new("/opt/kw/keywarden")),
            Existing::Chain,
        )
        .expect("chains");
        let kept = std::fs::read_to_string(dir.path().join("pre-commit.keywarden-chained"));
        assert_eq!(kept.expect("kept"), "#!/bin/sh\necho theirs\n");
        let ours = std::fs::read_to_string(&foreign).expect("ours");
        assert!(ours.contains(MARKER) && ours.contains("${KEYWARDEN:-/opt/kw/keywarden}"));

        // Re-installing over our own hook needs no flag.
        install(dir.path(), None, Existing::Refuse).expect("replaces its own hook");
    }
}
