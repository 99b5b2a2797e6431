//! Helpers shared by the staged and history scanners: opening repositories, line diffs.

use std::path::Path;

use gix::bstr::{BStr, ByteSlice};
use gix::diff::blob::{Algorithm, Diff, InternedInput};

/// Why a repository could not be opened.
#[derive(Debug)]
pub(crate) enum OpenFailure {
    /// gix could not open or discover the repository.
    Open(gix::Error),
    /// The repository uses an object format this build does not support (e.g. SHA-256).
    UnsupportedObjectFormat(String),
}

/// Discover and open the repository containing `path` (its work tree, a sub-directory of it,
/// a `.git` directory or a bare repository).
///
/// Repositories whose object format is not SHA-1 are refused with a precise reason instead of
/// the generic configuration error gix reports for them.
pub(crate) fn open_repo(path: &Path) -> Result<gix::Repository, OpenFailure> {
    let repo = match gix::discover(path) {
        Ok(repo) => repo,
        Err(err) => {
            return Err(match configured_object_format(path) {
                Some(format) if !format.eq_ignore_ascii_case("sha1") => {
                    OpenFailure::UnsupportedObjectFormat(format)
                }
                _ => OpenFailure::Open(err),
            });
        }
    };
    match repo.object_hash() {
        gix::hash::Kind::Sha1 => Ok(repo),
        #[allow(unreachable_patterns)]
        other => Err(OpenFailure::UnsupportedObjectFormat(other.to_string())),
    }
}

/// The `extensions.objectFormat` of the repository containing `path`, read from its (common)
/// git directory's `config` file alone, for explaining why opening it failed.
fn configured_object_format(path: &Path) -> Option<String> {
    let (location, _trust) = gix::discover::upwards(path).ok()?;
    let (git_dir, _) = location.into_repository_and_work_tree_directories();
    let common_dir = match gix::discover::path::from_plain_file(&git_dir.join("commondir")) {
        Some(Ok(dir)) if dir.is_relative() => git_dir.join(dir),
        Some(Ok(dir)) => dir,
        _ => git_dir,
    };
    let config = gix::config::File::from_path_no_includes(
        common_dir.join("config"),
        gix::config::Source::Local,
    )
    .ok()?;
    let format = config.string("extensions.objectFormat")?;
    Some(format.to_str_lossy().into_owned())
}

/// Render a git path for humans: lossy UTF-8.
pub(crate) fn display_path(path: &BStr) -> String {
    path.to_str_lossy().into_owned()
}

/// Number of lines in `data` (a final line without a newline counts).
pub(crate) fn line_count(data: &[u8]) -> usize {
    let newlines = data.iter().filter(|&&b| b == b'\n').count();
    newlines + usize::from(data.last().is_some_and(|&b| b != b'\n'))
}

/// All 1-based line numbers of `data`.
pub(crate) fn all_lines(data: &[u8]) -> Vec<u32> {
    let count = u32::try_from(line_count(data)).unwrap_or(u32::MAX);
    (1..=count).collect()
}

/// The 1-based line numbers of `new` that a line diff from `old` marks as added.
///
/// Inputs too large for the diff algorithm fall back to "every line is new", which errs on
/// the side of scanning more.
pub(crate) fn added_lines(old: &[u8], new: &[u8]) -> Vec<u32> {
    // imara-diff asserts fewer than i32::MAX tokens per side; bytes bound lines.
    let limit = i32::MAX as usize;
    if old.len() >= limit || new.len() >= limit {
        return all_lines(new);
    }
    if old.is_empty() {
        return all_lines(new);
    }
    let input = InternedInput::new(old, new);
    let mut diff = Diff::compute(Algorithm::Histogram, &input);
    diff.postprocess_lines(&input);
    (0..input.after.len())
        .filter_map(|idx| {
            let idx = u32::try_from(idx).ok()?;
            diff.is_added(idx).then(|| idx.saturating_add(1))
        })
        .collect()
}

/// Render an error and its whole `source()` chain on one line.
pub(crate) fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut out = err.to_string();
    let mut source = err.source();
    while let Some(inner) = source {
        let text = inner.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = inner.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_lines() {
        assert_eq!(line_count(b""), 0);
        assert_eq!(line_count(b"a"), 1);
        assert_eq!(line_count(b"a\n"), 1);
        assert_eq!(line_count(b"a\nb"), 2);
        assert_eq!(line_count(b"\n\n"), 2);
    }

    #[test]
    fn added_lines_of_a_modification() {
        assert_eq!(added_lines(b"a\nb\nc\n", b"a\nB\nc\nd\n"), vec![2, 4]);
        assert_eq!(added_lines(b"a\nb\n", b"a\nb\n"), Vec::<u32>::new());
        assert_eq!(added_lines(b"", b"x\ny"), vec![1, 2]);
        assert_eq!(added_lines(b"x\ny\n", b""), Vec::<u32>::new());
    }
}
