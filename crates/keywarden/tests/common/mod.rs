//! The harness of keywarden's command-line tests: runs the built binary in scratch folders
//! and scratch git repositories (made with the `git` CLI), makes fake secrets at run time,
//! and checks SARIF logs against the official schema.
//!
//! Every test works in its own temporary folder. `HOME` and `XDG_CONFIG_HOME` point into
//! it and git reads no system or global config, so nothing of the machine running the tests
//! (a global gitignore, a `.keywarden.toml` in `/tmp`) can change a result.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use serde_json::Value;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_keywarden");

/// How long one run of the binary may take before the test fails (a hang is a bug).
const TIMEOUT: Duration = Duration::from_secs(120);

/// The fields of a JSON Lines finding, as the README documents them.
pub const JSON_FIELDS: [&str; 13] = [
    "path",
    "line",
    "column",
    "end_line",
    "end_column",
    "rule_id",
    "title",
    "severity",
    "confidence",
    "entropy",
    "fingerprint",
    "secret",
    "redacted",
];

/// The fields a history finding adds.
pub const COMMIT_FIELDS: [&str; 5] = ["commit", "author", "email", "date", "message"];

// ---------------------------------------------------------------------------------------
// Fake secrets, made at run time so that no test file holds one.

/// A deterministic generator (splitmix64): the same seed gives the same fake secret, so a
/// failure can be replayed.
pub struct Gen(u64);

impl Gen {
    pub fn new(seed: u64) -> Gen {
        Gen(seed ^ 0x4b57_4152_4445_4e21)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// `len` characters drawn from `alphabet`.
    pub fn string(&mut self, len: usize, alphabet: &str) -> String {
        let chars: Vec<char> = alphabet.chars().collect();
        (0..len)
            .map(|_| chars[(self.next() % chars.len() as u64) as usize])
            .collect()
    }
}

pub const ALNUM: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// A fake Telegram bot token: a ten-digit bot id, `:AA`, 33 random characters.
pub fn telegram_token(seed: u64) -> String {
    let mut g = Gen::new(seed);
    let bot_id = format!("{}{}", g.string(1, "6789"), g.string(9, "0123456789"));
    let tail = g.string(33, ALNUM);
    format!("{bot_id}:AA{tail}")
}

/// A fake Binance API key: 64 random letters and digits.
pub fn binance_key(seed: u64) -> String {
    Gen::new(seed).string(64, ALNUM)
}

/// A line assigning a fake bot token, as in a `.env` file; the token starts at column 20.
pub fn token_line(token: &str) -> String {
    format!("TELEGRAM_BOT_TOKEN={token}")
}

/// The column (1-based, in characters) where `token_line` puts the token.
pub const TOKEN_COLUMN: u64 = 20;

/// Shannon entropy in bits per character, as the README defines the `entropy` field.
pub fn shannon(s: &str) -> f64 {
    let mut counts: BTreeMap<char, usize> = BTreeMap::new();
    for c in s.chars() {
        *counts.entry(c).or_default() += 1;
    }
    let n = s.chars().count() as f64;
    counts
        .values()
        .map(|&k| {
            let p = k as f64 / n;
            -p * p.log2()
        })
        .sum()
}

// ---------------------------------------------------------------------------------------
// Scratch folders.

/// A temporary folder with a `home/` for `HOME` and a `work/` to scan. `work/` holds a
/// `.git` folder (an empty repository), so config discovery stops there.
pub struct Sandbox {
    pub tmp: tempfile::TempDir,
    /// The folder tests write into and run keywarden in.
    pub root: PathBuf,
}

impl Sandbox {
    /// A sandbox whose `work/` is an empty git repository.
    pub fn new() -> Sandbox {
        let sb = Sandbox::bare_folder();
        git_in(&sb.root, &["init", "-q", "-b", "main"]);
        sb
    }

    /// A sandbox whose `work/` is a plain folder, not in any repository.
    pub fn bare_folder() -> Sandbox {
        let tmp = tempfile::tempdir().expect("temp dir");
        let root = tmp.path().join("work");
        std::fs::create_dir_all(&root).expect("mkdir work");
        std::fs::create_dir_all(tmp.path().join("home/.config")).expect("mkdir home");
        Sandbox { tmp, root }
    }

    pub fn home(&self) -> PathBuf {
        self.tmp.path().join("home")
    }

    pub fn path(&self, rel: impl AsRef<Path>) -> PathBuf {
        self.root.join(rel)
    }

    /// Writes `rel` (creating folders) under the work folder.
    pub fn write(&self, rel: impl AsRef<Path>, content: impl AsRef<[u8]>) -> PathBuf {
        let path = self.root.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("mkdir -p");
        }
        std::fs::write(&path, content).expect("write file");
        path
    }

    pub fn read(&self, rel: impl AsRef<Path>) -> String {
        std::fs::read_to_string(self.root.join(rel)).expect("read file")
    }

    /// keywarden with `args`, run in the work folder.
    pub fn kw<S: AsRef<OsStr>>(&self, args: &[S]) -> Kw {
        self.kw_in(&self.root, args)
    }

    /// keywarden with `args`, run in `dir`.
    pub fn kw_in<S: AsRef<OsStr>>(&self, dir: &Path, args: &[S]) -> Kw {
        let mut cmd = Command::new(BIN);
        cmd.current_dir(dir).args(args);
        hermetic(&mut cmd, &self.home());
        Kw { cmd, stdin: None }
    }

    /// keywarden with `args`, run in the work folder as `nobody` through `setpriv`, for
    /// tests that need permission bits to count when they run as root. The binary is
    /// linked (or copied) into the sandbox, which is opened to everyone, so `nobody` can
    /// run it wherever the build lives; what the sandbox holds keeps its own modes.
    pub fn kw_as_nobody(&self, args: &[&str]) -> Kw {
        let bin = self.tmp.path().join("keywarden-as-nobody");
        if !bin.exists() && std::fs::hard_link(BIN, &bin).is_err() {
            std::fs::copy(BIN, &bin).expect("copy the binary");
        }
        set_mode(&bin, 0o755);
        set_mode(self.tmp.path(), 0o755);
        let mut cmd = Command::new("setpriv");
        cmd.current_dir(&self.root)
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&bin)
            .args(args);
        hermetic(&mut cmd, &self.home());
        Kw { cmd, stdin: None }
    }

    /// Runs git in the work folder; panics with git's output if it fails.
    pub fn git(&self, args: &[&str]) -> String {
        let out = self.git_cmd(args).run();
        assert_eq!(
            out.code, 0,
            "git {args:?} failed:\n{}{}",
            out.stdout, out.stderr
        );
        out.stdout.trim().to_string()
    }

    /// A git command in the work folder, to run with [`Kw::run`] when it may fail.
    pub fn git_cmd(&self, args: &[&str]) -> Kw {
        let mut cmd = git_command(&self.root, args);
        hermetic(&mut cmd, &self.home());
        Kw { cmd, stdin: None }
    }

    /// Writes `rel`, stages it and commits it as `message`; returns the commit id.
    pub fn commit_file(&self, rel: &str, content: impl AsRef<[u8]>, message: &str) -> String {
        self.write(rel, content);
        self.git(&["add", "--", rel]);
        self.commit(message)
    }

    /// Commits what is staged (hooks skipped) and returns the commit id.
    pub fn commit(&self, message: &str) -> String {
        self.git(&["commit", "-q", "--no-verify", "-m", message]);
        self.git(&["rev-parse", "HEAD"])
    }
}

/// Author and committer dates, one a minute apart, so commit order is stable.
static CLOCK: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The author every scratch commit has.
pub const AUTHOR: &str = "Ada Author";
pub const AUTHOR_EMAIL: &str = "ada@example.invalid";

fn git_command(dir: &Path, args: &[&str]) -> Command {
    let tick = CLOCK.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    // 2024-01-02T03:04:05+02:00 plus one minute per command.
    let date = format!("{} +0200", 1_704_157_445 + tick * 60);
    let mut cmd = Command::new("git");
    cmd.current_dir(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", AUTHOR)
        .env("GIT_AUTHOR_EMAIL", AUTHOR_EMAIL)
        .env("GIT_COMMITTER_NAME", "Carl Committer")
        .env("GIT_COMMITTER_EMAIL", "carl@example.invalid")
        .env("GIT_AUTHOR_DATE", &date)
        .env("GIT_COMMITTER_DATE", &date);
    cmd
}

/// Runs git in `dir` outside any sandbox home; panics if it fails.
pub fn git_in(dir: &Path, args: &[&str]) -> String {
    let mut cmd = git_command(dir, args);
    hermetic(&mut cmd, Path::new("/nonexistent-home"));
    let out = Kw { cmd, stdin: None }.run();
    assert_eq!(
        out.code, 0,
        "git {args:?} failed:\n{}{}",
        out.stdout, out.stderr
    );
    out.stdout.trim().to_string()
}

/// No setting of the machine or of the outer git process reaches the command.
fn hermetic(cmd: &mut Command, home: &Path) {
    for var in [
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_OBJECT_DIRECTORY",
        "GIT_ALTERNATE_OBJECT_DIRECTORIES",
        "GIT_CEILING_DIRECTORIES",
        "GIT_COMMON_DIR",
        "GIT_EDITOR",
        "KEYWARDEN",
        "NO_COLOR",
        "RUST_LOG",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_TERMINAL_PROMPT", "0");
}

// ---------------------------------------------------------------------------------------
// Running commands.

/// A command to run: keywarden or git.
pub struct Kw {
    pub cmd: Command,
    stdin: Option<Vec<u8>>,
}

/// What a run produced.
#[derive(Debug)]
pub struct Run {
    /// The exit code (-1 if killed by a signal).
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Kw {
    pub fn env(mut self, key: &str, value: impl AsRef<OsStr>) -> Kw {
        self.cmd.env(key, value);
        self
    }

    pub fn stdin(mut self, bytes: impl Into<Vec<u8>>) -> Kw {
        self.stdin = Some(bytes.into());
        self
    }

    /// Runs to completion; fails the test if it takes longer than two minutes.
    pub fn run(mut self) -> Run {
        let mut out = tempfile::tempfile().expect("stdout file");
        let mut err = tempfile::tempfile().expect("stderr file");
        self.cmd
            .stdout(Stdio::from(out.try_clone().expect("dup")))
            .stderr(Stdio::from(err.try_clone().expect("dup")));
        match &self.stdin {
            Some(bytes) => {
                let mut input = tempfile::tempfile().expect("stdin file");
                input.write_all(bytes).expect("write stdin");
                input.rewind().expect("rewind stdin");
                self.cmd.stdin(Stdio::from(input));
            }
            None => {
                self.cmd.stdin(Stdio::null());
            }
        }
        let mut child = self.cmd.spawn().expect("start the command");
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait") {
                break status;
            }
            if started.elapsed() > TIMEOUT {
                let _ = child.kill();
                let _ = child.wait();
                panic!("{:?} did not finish in {TIMEOUT:?}", self.cmd);
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        let read = |f: &mut std::fs::File| {
            let mut bytes = Vec::new();
            f.rewind().expect("rewind");
            f.read_to_end(&mut bytes).expect("read output");
            String::from_utf8_lossy(&bytes).into_owned()
        };
        Run {
            code: status.code().unwrap_or(-1),
            stdout: read(&mut out),
            stderr: read(&mut err),
        }
    }
}

impl Run {
    /// Asserts the exit code, showing the output if it differs.
    #[track_caller]
    pub fn code(&self, expected: i32) -> &Run {
        assert_eq!(
            self.code, expected,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// The JSON Lines of stdout.
    #[track_caller]
    pub fn json(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .map(|l| {
                serde_json::from_str(l)
                    .unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}\n{}", self.stderr))
            })
            .collect()
    }

    /// Stdout as one JSON document (SARIF).
    #[track_caller]
    pub fn document(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }

    /// The path of each JSON finding, in output order.
    #[track_caller]
    pub fn paths(&self) -> Vec<String> {
        self.locations()
            .into_iter()
            .map(|(path, ..)| path)
            .collect()
    }

    /// (path, line, column, rule id) of each JSON finding, in output order.
    #[track_caller]
    pub fn locations(&self) -> Vec<(String, u64, u64, String)> {
        self.json()
            .iter()
            .map(|v| {
                (
                    v["path"].as_str().expect("path").to_string(),
                    v["line"].as_u64().expect("line"),
                    v["column"].as_u64().expect("column"),
                    v["rule_id"].as_str().expect("rule_id").to_string(),
                )
            })
            .collect()
    }
}

/// `(path, line, column, rule id)` as [`Run::locations`] returns it.
pub fn loc(path: &str, line: u64, column: u64, rule: &str) -> (String, u64, u64, String) {
    (path.to_string(), line, column, rule.to_string())
}

/// True if this process can read a file whatever its permission bits (root can).
pub fn permission_bits_are_ignored(dir: &Path) -> bool {
    let probe = dir.join(".permission-probe");
    std::fs::write(&probe, "x").expect("write probe");
    set_mode(&probe, 0o000);
    let readable = std::fs::read(&probe).is_ok();
    std::fs::remove_file(&probe).expect("remove probe");
    readable
}

pub fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

// ---------------------------------------------------------------------------------------
// Read-only checks.

/// Everything observable about a file: kind, mode, size, mtime and content (or target).
#[derive(Debug, PartialEq, Eq)]
pub struct FileState {
    pub mode: u32,
    pub len: u64,
    pub modified: SystemTime,
    pub content: Vec<u8>,
}

/// Every entry under `root`, `.git` included, keyed by relative path.
pub fn snapshot(root: &Path) -> BTreeMap<PathBuf, FileState> {
    use std::os::unix::fs::PermissionsExt;
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read dir") {
            let path = entry.expect("dir entry").path();
            let meta = std::fs::symlink_metadata(&path).expect("metadata");
            let content = if meta.is_dir() {
                stack.push(path.clone());
                Vec::new()
            } else if meta.file_type().is_symlink() {
                std::fs::read_link(&path)
                    .expect("read link")
                    .into_os_string()
                    .into_encoded_bytes()
            } else {
                std::fs::read(&path).expect("read file")
            };
            let state = FileState {
                mode: meta.permissions().mode(),
                len: meta.len(),
                modified: meta.modified().expect("mtime"),
                content,
            };
            let rel = path.strip_prefix(root).expect("under root").to_path_buf();
            out.insert(rel, state);
        }
    }
    out
}

/// Asserts two snapshots are equal, naming what differs.
#[track_caller]
pub fn assert_unchanged(
    before: &BTreeMap<PathBuf, FileState>,
    after: &BTreeMap<PathBuf, FileState>,
    what: &str,
) {
    let added: Vec<_> = after.keys().filter(|k| !before.contains_key(*k)).collect();
    let removed: Vec<_> = before.keys().filter(|k| !after.contains_key(*k)).collect();
    let changed: Vec<_> = before
        .iter()
        .filter(|(k, v)| after.get(*k).is_some_and(|a| a != *v))
        .map(|(k, _)| k)
        .collect();
    assert!(
        added.is_empty() && removed.is_empty() && changed.is_empty(),
        "{what} changed the repository: added {added:?}, removed {removed:?}, \
         changed {changed:?}"
    );
}

// ---------------------------------------------------------------------------------------
// SARIF.

#[path = "../../../keywarden-report/tests/support/sarif_schema.rs"]
mod sarif_schema;
// Not every test binary checks SARIF.
#[allow(unused_imports)]
pub use sarif_schema::{assert_valid_sarif, sarif_errors};

/// The results of the log's only run.
#[track_caller]
pub fn sarif_results(log: &Value) -> Vec<Value> {
    assert_eq!(log["runs"].as_array().map(Vec::len), Some(1), "one run");
    log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .clone()
}
