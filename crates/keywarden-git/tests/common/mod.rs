//! Scratch repositories built with the `git` CLI, and a stand-in for the detection engine.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use keywarden_git::{BlobJob, Job, MessageJob};

/// The marker the fake engine looks for.
pub const SECRET: &str = "FAKE_SECRET";

/// The stand-in engine: 1-based numbers of the lines containing [`SECRET`].
pub fn fake_engine(content: &[u8]) -> Vec<u32> {
    content
        .split(|&b| b == b'\n')
        .enumerate()
        .filter(|(_, line)| line.windows(SECRET.len()).any(|w| w == SECRET.as_bytes()))
        .map(|(idx, _)| idx as u32 + 1)
        .collect()
}

/// The history callback built on [`fake_engine`].
pub fn on_job(job: Job<'_>) -> Vec<u32> {
    match job {
        Job::Blob(BlobJob { content, .. }) => fake_engine(content),
        Job::CommitMessage(MessageJob { message, .. }) => fake_engine(message),
        _ => Vec::new(),
    }
}

/// A scratch repository in a temporary directory.
pub struct Repo {
    pub tmp: tempfile::TempDir,
    /// The work tree (or git dir of a bare repository).
    pub path: PathBuf,
    /// Commit timestamps advance by one minute per commit for a stable order.
    clock: std::cell::Cell<u32>,
}

/// Run git in `dir` with a hermetic environment; panics with git's output on failure.
pub fn git_in(dir: &Path, args: &[&str]) -> String {
    let out = git_command(dir, args, 0).output().expect("run git");
    assert!(
        out.status.success(),
        "git {args:?} in {} failed:\n{}{}",
        dir.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

fn git_command(dir: &Path, args: &[&str], tick: u32) -> Command {
    let mut cmd = Command::new("git");
    let date = format!("{} +0200", 1_700_000_000 + u64::from(tick) * 60);
    cmd.current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "Ada Author")
        .env("GIT_AUTHOR_EMAIL", "ada@example.com")
        .env("GIT_COMMITTER_NAME", "Carl Committer")
        .env("GIT_COMMITTER_EMAIL", "carl@example.com")
        .env("GIT_AUTHOR_DATE", &date)
        .env("GIT_COMMITTER_DATE", &date)
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_WORK_TREE");
    cmd
}

impl Repo {
    /// `git init` a non-bare repository with branch `main`.
    pub fn new() -> Repo {
        Self::init(&[])
    }

    /// `git init --bare`.
    pub fn bare() -> Repo {
        Self::init(&["--bare"])
    }

    pub fn init(extra: &[&str]) -> Repo {
        let tmp = tempfile::tempdir().expect("tempdir");
        let path = tmp.path().join("repo");
        std::fs::create_dir(&path).expect("mkdir");
        let mut args = vec!["init", "-q", "-b", "main"];
        args.extend_from_slice(extra);
        git_in(&path, &args);
        Repo {
            tmp,
            path,
            clock: std::cell::Cell::new(0),
        }
    }

    /// Wrap an existing directory inside `tmp`.
    pub fn at(tmp: tempfile::TempDir, path: PathBuf) -> Repo {
        Repo {
            tmp,
            path,
            clock: std::cell::Cell::new(0),
        }
    }

    pub fn git(&self, args: &[&str]) -> String {
        let tick = self.clock.get();
        self.clock.set(tick + 1);
        let out = git_command(&self.path, args, tick)
            .output()
            .expect("run git");
        assert!(
            out.status.success(),
            "git {args:?} failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// Run git and return whether it succeeded (for commands expected to fail, like
    /// conflicting merges).
    pub fn git_status(&self, args: &[&str]) -> bool {
        let tick = self.clock.get();
        self.clock.set(tick + 1);
        git_command(&self.path, args, tick)
            .output()
            .expect("run git")
            .status
            .success()
    }

    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) {
        let file = self.path.join(rel);
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir).expect("mkdir -p");
        }
        std::fs::write(file, content).expect("write file");
    }

    pub fn remove(&self, rel: &str) {
        std::fs::remove_file(self.path.join(rel)).expect("remove file");
    }

    /// Write, `git add` and commit; returns the new commit id.
    pub fn commit_file(&self, rel: &str, content: impl AsRef<[u8]>, message: &str) -> String {
        self.write(rel, content);
        self.git(&["add", "--", rel]);
        self.commit(message)
    }

    /// Commit what is staged; returns the new commit id.
    pub fn commit(&self, message: &str) -> String {
        self.git(&["commit", "-q", "--allow-empty", "-m", message]);
        self.git(&["rev-parse", "HEAD"])
    }
}

/// A fingerprint of every file, directory and symlink under `root`: path, mode, modification
/// time and content.
pub fn fingerprint(
    root: &Path,
) -> BTreeMap<PathBuf, (u32, Option<std::time::SystemTime>, Vec<u8>)> {
    use std::os::unix::fs::PermissionsExt;

    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read_dir") {
            let entry = entry.expect("dir entry");
            let path = entry.path();
            let meta = std::fs::symlink_metadata(&path).expect("metadata");
            let rel = path.strip_prefix(root).expect("under root").to_owned();
            if meta.file_type().is_symlink() {
                let target = std::fs::read_link(&path).expect("readlink");
                let target = target.into_os_string().into_encoded_bytes();
                out.insert(rel, (0o120000, None, target));
            } else if meta.is_dir() {
                out.insert(
                    rel,
                    (meta.permissions().mode(), meta.modified().ok(), Vec::new()),
                );
                stack.push(path);
            } else {
                let content = std::fs::read(&path).expect("read");
                out.insert(
                    rel,
                    (meta.permissions().mode(), meta.modified().ok(), content),
                );
            }
        }
    }
    out
}

/// Read the index file `src` with gix, let `edit` change it, and write it to `dst` with the
/// cache-tree (`TREE` extension) exactly as `edit` left it: gone if `edit` removed it, forged
/// if `edit` forged it.
pub fn rewrite_index(src: &Path, dst: &Path, edit: impl FnOnce(&mut gix::index::State)) {
    let mut file = gix::index::File::at(src, gix::hash::Kind::Sha1, false, Default::default())
        .expect("read the index");
    edit(&mut file);
    let out = std::fs::File::create(dst).expect("create the index copy");
    let options = gix::index::write::Options {
        extensions: gix::index::write::Extensions::AllUnconditionally,
        ..Default::default()
    };
    file.write_to(std::io::BufWriter::new(out), options)
        .expect("write the index copy");
}

/// The cache-tree record of directory `dir` (`""` for the root), if the index has one.
pub fn cache_tree_record<'a>(
    index: &'a mut gix::index::State,
    dir: &str,
) -> Option<&'a mut gix::index::extension::Tree> {
    let mut node = index.tree_mut()?;
    for name in dir.split('/').filter(|n| !n.is_empty()) {
        node = node
            .children
            .iter_mut()
            .find(|c| c.name.as_slice() == name.as_bytes())?;
    }
    Some(node)
}
