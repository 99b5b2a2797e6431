//! Locate the directory git runs hooks from, for installing a pre-commit hook.
//!
//! Git looks for hooks in `core.hooksPath` if it is set, and in `hooks/` inside the *common*
//! git directory otherwise, which is shared by all linked work trees. A relative
//! `core.hooksPath` is relative to the directory hooks run in: the root of the current work
//! tree, or the git directory of a bare repository.

use std::path::{Path, PathBuf};

use crate::util::{self, OpenFailure};

/// Errors of [`hooks_dir`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HooksError {
    /// The repository could not be found or opened.
    #[error("cannot open a git repository at {path}")]
    Open {
        /// The path that was given.
        path: PathBuf,
        /// What went wrong.
        #[source]
        source: gix::Error,
    },
    /// The repository uses an object format this build cannot read.
    #[error("repository at {path} uses object format {format}; only sha1 is supported")]
    UnsupportedObjectFormat {
        /// The path that was given.
        path: PathBuf,
        /// The configured `extensions.objectFormat`.
        format: String,
    },
    /// `core.hooksPath` is set but cannot be interpolated (e.g. `~` without a home directory).
    #[error("invalid core.hooksPath in repository {path}")]
    HooksPath {
        /// The repository's git directory.
        path: PathBuf,
        /// What went wrong.
        #[source]
        source: gix::Error,
    },
}

/// Return the directory git runs the hooks of the repository at `repo_path` from.
///
/// The directory may not exist yet. `core.hooksPath` is honoured (with `~` expanded, and
/// relative values resolved against the work tree root, or the git directory of a bare
/// repository); otherwise it is `hooks/` in the common git directory, so a linked work tree
/// shares the hooks of its main repository. Only values from trusted configuration files are
/// used, as git does for repositories owned by someone else.
pub fn hooks_dir(repo_path: &Path) -> Result<PathBuf, HooksError> {
    let repo = util::open_repo(repo_path).map_err(|err| match err {
        OpenFailure::Open(source) => HooksError::Open {
            path: repo_path.to_owned(),
            source,
        },
        OpenFailure::UnsupportedObjectFormat(format) => HooksError::UnsupportedObjectFormat {
            path: repo_path.to_owned(),
            format,
        },
    })?;
    let configured = repo
        .config_snapshot()
        .trusted_path("core.hooksPath")
        .map_err(|source| HooksError::HooksPath {
            path: repo.git_dir().to_owned(),
            source,
        })?;
    let dir = match configured {
        Some(path) if path.as_os_str().is_empty() => repo.common_dir().join("hooks"),
        Some(path) if path.is_relative() => {
            let base = repo.workdir().unwrap_or_else(|| repo.git_dir());
            base.join(path)
        }
        Some(path) => path,
        None => repo.common_dir().join("hooks"),
    };
    log::debug!(
        "hooks directory of {}: {}",
        repo_path.display(),
        dir.display()
    );
    Ok(dir)
}
