//! The `keywarden` command: flags, wiring and exit codes. The work is in the libraries.

use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand, ValueEnum};
use keywarden::files::{self, Outcome, WalkOptions};
use keywarden_engine::{RuleSet, Scanner};
use keywarden_policy::{Baseline, BaselineEntry, Config, Policy};
use keywarden_report::sarif::{SarifLog, ToolInfo};
use keywarden_report::{Record, Redaction, Summary, TextWriter, write_json_line};

/// Where SARIF logs point users for more about the tool.
const INFORMATION_URI: &str = env!("CARGO_PKG_REPOSITORY");

/// Exit code when secrets were found.
const EXIT_FINDINGS: u8 = 1;
/// Exit code for usage and I/O errors.
const EXIT_ERROR: u8 = 2;

#[derive(Parser)]
#[command(
    name = "keywarden",
    version,
    about = "Find secrets in files, staged changes and git history"
)]
struct Cli {
    /// More logging on stderr (-v debug, -vv trace). Secrets are never logged.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Scan files and folders (default: the current folder); `-` reads standard input.
    Scan {
        /// Files or folders to scan; `-` for standard input.
        paths: Vec<PathBuf>,
        #[command(flatten)]
        output: OutputArgs,
        #[command(flatten)]
        rules: RuleArgs,
        /// Skip files larger than this many bytes [default: 10485760, or the config's].
        #[arg(long, value_name = "BYTES")]
        max_file_size: Option<u64>,
        /// Worker threads (0: one per core; at most 64).
        #[arg(short = 'j', long, default_value_t = 0, value_parser = parse_threads)]
        threads: usize,
        /// Also scan files that .gitignore and .ignore files exclude.
        #[arg(long)]
        no_ignore: bool,
    },
    /// Scan what is staged for the next commit (the pre-commit hook): only added or
    /// changed lines, read from the index.
    Staged {
        /// The repository (default: the one around the current folder).
        #[arg(long, default_value = ".")]
        repo: PathBuf,
        #[command(flatten)]
        output: OutputArgs,
        #[command(flatten)]
        rules: RuleArgs,
        /// Skip staged files larger than this many bytes [default: 10485760, or the config's].
        #[arg(long, value_name = "BYTES")]
        max_file_size: Option<u64>,
    },
    /// Scan every commit of the repository's history (CI): each distinct blob once, in
    /// parallel, with the commit, author and date that introduced each finding.
    History {
        /// The repository (default: the one around the current folder).
        #[arg(default_value = ".")]
        repo: PathBuf,
        /// Only these commits: a revision range or branch (`main..feature`, `v1.2..`).
        #[arg(long, value_name = "SPEC", conflicts_with = "since")]
        rev: Option<String>,
        /// Only commits after REV (`REV..HEAD`), as for a pull request.
        #[arg(long, value_name = "REV")]
        since: Option<String>,
        /// Stop after this many commits (newest first).
        #[arg(long, value_name = "N")]
        max_commits: Option<usize>,
        #[command(flatten)]
        output: OutputArgs,
        #[command(flatten)]
        rules: RuleArgs,
        /// Skip blobs larger than this many bytes [default: 10485760, or the config's].
        #[arg(long, value_name = "BYTES")]
        max_file_size: Option<u64>,
        /// Worker threads (0: one per core; at most 64).
        #[arg(short = 'j', long, default_value_t = 0, value_parser = parse_threads)]
        threads: usize,
        /// Progress bar on stderr: always, never, or when stderr is a terminal outside CI.
        #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
        progress: ColorArg,
    },
    /// Scan a commit message file (the commit-msg hook).
    CommitMsg {
        /// The message file git passes to the hook.
        file: PathBuf,
        #[command(flatten)]
        output: OutputArgs,
        #[command(flatten)]
        rules: RuleArgs,
    },
    /// Install the pre-commit and commit-msg hooks into the repository (core.hooksPath
    /// respected).
    InstallHook {
        /// The repository (default: the one around the current folder).
        #[arg(long, default_value = ".")]
        repo: PathBuf,
        /// Keep an existing hook that is not keywarden's and run it after keywarden.
        #[arg(long)]
        chain: bool,
        /// Replace an existing hook that is not keywarden's.
        #[arg(long, conflicts_with = "chain")]
        force: bool,
    },
    /// Write a commented example .keywarden.toml in the current folder.
    Init {
        /// Overwrite an existing .keywarden.toml.
        #[arg(long)]
        force: bool,
    },
    /// List the rules (built-in and from --rules files).
    Rules {
        /// Output format.
        #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
        format: RulesFormat,
        #[command(flatten)]
        rules: RuleArgs,
    },
}

#[derive(clap::Args)]
struct OutputArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// How much of each secret to show.
    #[arg(long, value_enum, default_value_t = RedactArg::Prefix)]
    redact: RedactArg,
    /// Print secrets in full (same as --redact none).
    #[arg(long, conflicts_with = "redact")]
    show_secrets: bool,
    /// Colour in text output.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    color: ColorArg,
    /// Do not report findings recorded in this baseline file.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Record the findings of this scan in a baseline file (then exit 0).
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
}

#[derive(clap::Args)]
struct RuleArgs {
    /// Extra rule file (TOML, same schema as patterns/); may be repeated.
    #[arg(long = "rules", value_name = "FILE")]
    rule_files: Vec<PathBuf>,
    /// Do not load the built-in rules.
    #[arg(long)]
    no_builtin: bool,
    /// Repository config (default: .keywarden.toml found from the current folder up to
    /// the repository root).
    #[arg(long, value_name = "PATH")]
    config: Option<PathBuf>,
    /// Ignore any .keywarden.toml.
    #[arg(long, conflicts_with = "config")]
    no_config: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// Findings grouped by file, for people.
    Text,
    /// JSON Lines: one object per finding.
    Json,
    /// One SARIF 2.1.0 log, for code-scanning dashboards.
    Sarif,
}

#[derive(Clone, Copy, ValueEnum)]
enum RulesFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum RedactArg {
    /// Mask the whole secret.
    Full,
    /// Show the first four characters.
    Prefix,
    /// Show the secret.
    None,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorArg {
    Auto,
    Always,
    Never,
}

/// An error for the user: what went wrong and what to do, exit code 2.
struct Failure(String);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure(e.to_string())
    }
}

/// Most worker threads `-j` accepts. More only add contention: the parallel directory walk's
/// idle threads spin until it ends, 1.8 s of CPU for a folder of a few files at 256 threads
/// on two cores, minutes at thousands.
const MAX_THREADS: usize = 64;

fn parse_threads(value: &str) -> Result<usize, String> {
    let n: usize = value
        .parse()
        .map_err(|_| format!("`{value}` is not a number of threads"))?;
    if n > MAX_THREADS {
        return Err(format!(
            "{n} threads is too many: use at most {MAX_THREADS} (0 picks one per core)"
        ));
    }
    Ok(n)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let level = match cli.verbose {
        0 => log::LevelFilter::Warn,
        1 => log::LevelFilter::Debug,
        _ => log::LevelFilter::Trace,
    };
    env_logger::Builder::new()
        .filter_level(level)
        .format_timestamp(None)
        .init();
    let result = match cli.command {
        Command::Scan {
            paths,
            output,
            rules,
            max_file_size,
            threads,
            no_ignore,
        } => {
            let opts = WalkOptions {
                max_file_size: max_file_size.unwrap_or(files::DEFAULT_MAX_FILE_SIZE),
                threads,
                respect_ignore_files: !no_ignore,
                skip: None,
                check: None,
            };
            run_scan(paths, &output, &rules, opts, max_file_size.is_some())
        }
        Command::Staged {
            repo,
            output,
            rules,
            max_file_size,
        } => run_staged(&repo, &output, &rules, max_file_size),
        Command::CommitMsg {
            file,
            output,
            rules,
        } => run_commit_msg(&file, &output, &rules),
        Command::History {
            repo,
            rev,
            since,
            max_commits,
            output,
            rules,
            max_file_size,
            threads,
            progress,
        } => {
            let progress = match progress {
                ColorArg::Always => true,
                ColorArg::Never => false,
                ColorArg::Auto => io::stderr().is_terminal() && std::env::var_os("CI").is_none(),
            };
            let args = keywarden::git::HistoryArgs {
                rev,
                since,
                max_commits,
                max_file_size: max_file_size.unwrap_or(0),
                threads,
                progress,
            };
            run_history(&repo, args, max_file_size.is_some(), &output, &rules)
        }
        Command::InstallHook { repo, chain, force } => run_install_hook(&repo, chain, force),
        Command::Init { force } => run_init(force),
        Command::Rules { format, rules } => run_rules(format, &rules),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(Failure(message)) => {
            eprintln!("keywarden: error: {message}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// The repository config: `--config`, else `.keywarden.toml` found from the current
/// folder up to the repository root, else none.
fn load_config(args: &RuleArgs, start: &Path) -> Result<Option<Config>, Failure> {
    if args.no_config {
        return Ok(None);
    }
    let path = match &args.config {
        Some(p) => p.clone(),
        None => match Config::discover(start) {
            Some(p) => p,
            None => return Ok(None),
        },
    };
    log::debug!("using config {}", path.display());
    Ok(Some(Config::load(&path)?))
}

/// Everything a scan needs besides its input.
/// What the paths of a run's records are relative to.
#[derive(Clone, Copy)]
enum PathsFrom<'a> {
    /// The current folder (`scan`, `commit-msg`).
    CurrentFolder,
    /// A repository's work tree root, canonical (`staged`, `history`); `None` for a bare
    /// repository.
    Repo(Option<&'a Path>),
}

struct Setup {
    scanner: Scanner,
    config: Option<Config>,
    policy: Policy,
    baseline: Option<Baseline>,
    /// Baseline paths are relative to the baseline file's folder (canonical), so that a
    /// baseline matches from any folder and for `scan`, `staged` and `history` alike.
    baseline_dir: Option<PathBuf>,
    cwd: Option<PathBuf>,
}

/// Loads rules, config and baseline; the config is looked for from `start` (the current
/// folder for `scan`, the repository for `staged` and `history`).
fn setup(args: &RuleArgs, output: &OutputArgs, start: &Path) -> Result<Setup, Failure> {
    let config = load_config(args, start)?;
    let scanner = load_scanner(args, config.as_ref())?;
    let policy = match &config {
        Some(c) => c.policy()?,
        None => Policy::default(),
    };
    let baseline = output.baseline.as_deref().map(Baseline::load).transpose()?;
    // Writing a baseline records every current finding: `--baseline F --write-baseline F`
    // refreshes F, and must not drop the entries that F already held.
    let baseline = baseline.filter(|_| output.write_baseline.is_none());
    let baseline_file = output.write_baseline.as_ref().or(output.baseline.as_ref());
    let baseline_dir = baseline_file.and_then(|f| {
        let dir = f.parent().filter(|d| !d.as_os_str().is_empty());
        dir.unwrap_or(Path::new(".")).canonicalize().ok()
    });
    Ok(Setup {
        scanner,
        config,
        policy,
        baseline,
        baseline_dir,
        cwd: std::env::current_dir()
            .ok()
            .and_then(|d| d.canonicalize().ok()),
    })
}

impl Setup {
    /// Drops findings allowed by the config, an inline marker or the baseline; record
    /// paths are relative to the current folder.
    fn filter(&self, records: &mut Vec<Record>) {
        let from = PathsFrom::CurrentFolder;
        self.filter_with(records, from, |p| self.policy.relative(Path::new(p)));
    }

    /// [`Setup::filter`] for findings of the repository whose work tree is `root` (none
    /// for a bare one), whose paths are relative to the repository root, not to the
    /// current folder.
    fn filter_repo(&self, records: &mut Vec<Record>, root: Option<&Path>) {
        let canonical = root.and_then(|r| r.canonicalize().ok());
        let from = PathsFrom::Repo(canonical.as_deref());
        self.filter_with(records, from, |p| self.policy.repo_relative(root, p));
    }

    /// The path a baseline records for a finding at `path`: relative to the baseline's
    /// folder. Paths of a bare repository, and paths that cannot be placed, are kept as
    /// they are.
    fn baseline_key(&self, path: &str, from: PathsFrom) -> String {
        if path == "-" {
            return path.to_string();
        }
        let abs = match from {
            PathsFrom::Repo(Some(root)) => Some(root.join(path)),
            PathsFrom::Repo(None) => None,
            PathsFrom::CurrentFolder if Path::new(path).is_absolute() => Some(PathBuf::from(path)),
            PathsFrom::CurrentFolder => self.cwd.as_ref().map(|cwd| cwd.join(path)),
        };
        let (Some(abs), Some(dir)) = (abs.map(|a| lexical_normal(&a)), &self.baseline_dir) else {
            return path.to_string();
        };
        match abs.strip_prefix(dir) {
            Ok(rel) => keywarden_policy::slash_path(rel),
            Err(_) => keywarden_policy::slash_path(&abs),
        }
    }

    fn filter_with(
        &self,
        records: &mut Vec<Record>,
        from: PathsFrom,
        relative: impl Fn(&str) -> String,
    ) {
        let keep: Vec<bool> = records
            .iter()
            .map(|r| {
                let rel = relative(&r.path);
                let line = r.line_text.as_deref().unwrap_or("");
                let f = &r.finding;
                let allowed = self.policy.allows(&f.rule_id, &rel, &f.secret, line);
                let known = self
                    .baseline
                    .as_ref()
                    .is_some_and(|b| b.contains(&f.fingerprint, &self.baseline_key(&r.path, from)));
                !allowed && !known
            })
            .collect();
        // A suppressed secret is still a secret: mask it on the lines shown for the
        // findings that remain, as the text report masks the reported ones.
        let suppressed: Vec<(String, usize, String)> = records
            .iter()
            .zip(&keep)
            .filter(|(_, k)| !**k)
            .map(|(r, _)| {
                (
                    r.path.clone(),
                    r.finding.line,
                    first_line(&r.finding.secret),
                )
            })
            .filter(|(_, _, s)| s.len() >= 8)
            .collect();
        let mut flags = keep.iter();
        records.retain(|_| *flags.next().expect("one flag per record"));
        for r in records.iter_mut() {
            for (path, line, secret) in &suppressed {
                if *path == r.path
                    && *line == r.finding.line
                    && let Some(text) = &mut r.line_text
                {
                    // Same length, so the finding's column still points into the line.
                    let mask = "*".repeat(secret.chars().count());
                    *text = text.replace(secret.as_str(), &mask);
                }
            }
        }
    }
}

/// `path` with `.` and `a/..` removed without asking the file system: a finding's path may
/// exist only in history.
fn lexical_normal(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or("").to_string()
}

fn load_scanner(args: &RuleArgs, config: Option<&Config>) -> Result<Scanner, Failure> {
    let mut set = if args.no_builtin {
        RuleSet::new()
    } else {
        RuleSet::builtin()?
    };
    if let Some(config) = config {
        config.apply_rules(&mut set)?;
    }
    for path in &args.rule_files {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Failure(format!(
                "cannot read rule file {}: {e}; check the --rules path",
                path.display()
            ))
        })?;
        set.add_toml(&path.display().to_string(), &text)?;
    }
    if set.rules().is_empty() {
        return Err(Failure(
            "no rules to scan with: drop --no-builtin or add --rules FILE".into(),
        ));
    }
    Ok(Scanner::new(set)?)
}

fn run_scan(
    paths: Vec<PathBuf>,
    output: &OutputArgs,
    rule_args: &RuleArgs,
    mut opts: WalkOptions,
    size_given: bool,
) -> Result<u8, Failure> {
    // The config and .sops.yaml belong to what is scanned: look for them from the first
    // path (its folder, for a file), not from wherever keywarden was started.
    let start = match paths.iter().find(|p| p.as_os_str() != "-") {
        Some(p) if p.is_dir() => p.clone(),
        Some(p) => p
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .into(),
        None => PathBuf::from("."),
    };
    let setup = Arc::new(setup(rule_args, output, &start)?);
    let configured_size = setup.config.as_ref().and_then(Config::max_file_size);
    if let (false, Some(size)) = (size_given, configured_size) {
        opts.max_file_size = size;
    }
    let skipper = Arc::clone(&setup);
    opts.skip = Some(Arc::new(move |display: &str| {
        skipper
            .policy
            .skips_path(&skipper.policy.relative(Path::new(display)))
    }));
    opts.check = sops_check(&start, Path::new("."))?;
    let scanner = &setup.scanner;
    let paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths
    };
    let (stdin, paths): (Vec<PathBuf>, Vec<PathBuf>) =
        paths.into_iter().partition(|p| p.as_os_str() == "-");
    let mut not_scannable = Vec::new();
    let mut walkable = Vec::new();
    for p in paths {
        match p.metadata() {
            Err(e) if e.kind() == io::ErrorKind::NotFound && p.symlink_metadata().is_err() => {
                return Err(Failure(format!("{}: no such file or folder", p.display())));
            }
            // Reported here once; the walk would report it a second time.
            Err(e) => not_scannable.push(format!("{}: cannot read: {e}", p.display())),
            Ok(m) if !m.is_file() && !m.is_dir() => not_scannable.push(format!(
                "{}: not a regular file or folder (a device, FIFO or socket); not scanned",
                p.display()
            )),
            Ok(_) => walkable.push(p),
        }
    }
    let mut outcome = files::scan_paths(scanner, &walkable, &opts);
    // Named explicitly, so skipping them silently would pass a scan that did not happen.
    outcome.errors.extend(not_scannable);
    outcome.summary.errors = outcome.errors.len() as u64;
    if !stdin.is_empty() {
        let mut bytes = Vec::new();
        // Bounded like files: an endless stream (`< /dev/zero`) must not exhaust memory.
        io::stdin()
            .take(opts.max_file_size.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read stdin: {e}"))?;
        if bytes.len() as u64 > opts.max_file_size {
            return Err(Failure(format!(
                "standard input is larger than --max-file-size ({} bytes); raise the limit",
                opts.max_file_size
            )));
        }
        let piped = files::scan_input(scanner, "-", &bytes);
        merge(&mut outcome, piped);
    }
    setup.filter(&mut outcome.records);
    let from = PathsFrom::CurrentFolder;
    finish(outcome, output, &setup.scanner, |p| {
        setup.baseline_key(p, from)
    })
}

/// The `unencrypted-sops-file` check of the `.sops.yaml` found from `start`, for paths
/// relative to `base`.
fn sops_check(start: &Path, base: &Path) -> Result<Option<keywarden::sops::FileCheck>, Failure> {
    let rules = keywarden_policy::sops::SopsRules::discover(start)?;
    Ok(rules.map(|r| keywarden::sops::check(r, base)))
}

fn run_staged(
    repo: &Path,
    output: &OutputArgs,
    rule_args: &RuleArgs,
    max_file_size: Option<u64>,
) -> Result<u8, Failure> {
    let setup = setup(rule_args, output, repo)?;
    let limit = max_file_size
        .or_else(|| setup.config.as_ref().and_then(Config::max_file_size))
        .unwrap_or(files::DEFAULT_MAX_FILE_SIZE);
    let root = keywarden::git::worktree_root(repo);
    let check = match &root {
        Some(root) => sops_check(root, root)?,
        None => None,
    };
    let mut outcome = keywarden::git::scan_staged(&setup.scanner, repo, limit, check.as_ref())
        .map_err(Failure)?;
    setup.filter_repo(&mut outcome.records, root.as_deref());
    let canonical = root.and_then(|r| r.canonicalize().ok());
    let from = PathsFrom::Repo(canonical.as_deref());
    finish(outcome, output, &setup.scanner, |p| {
        setup.baseline_key(p, from)
    })
}

fn run_history(
    repo: &Path,
    mut args: keywarden::git::HistoryArgs,
    size_given: bool,
    output: &OutputArgs,
    rule_args: &RuleArgs,
) -> Result<u8, Failure> {
    let setup = setup(rule_args, output, repo)?;
    if !size_given {
        args.max_file_size = setup
            .config
            .as_ref()
            .and_then(Config::max_file_size)
            .unwrap_or(files::DEFAULT_MAX_FILE_SIZE);
    }
    let mut outcome = keywarden::git::scan_history(&setup.scanner, repo, &args).map_err(Failure)?;
    // Before filtering, so a secret of the baseline is masked in its commit's subject too.
    keywarden::git::redact_commit_summaries(&mut outcome.records, redaction(output));
    let root = keywarden::git::worktree_root(repo);
    setup.filter_repo(&mut outcome.records, root.as_deref());
    let canonical = root.and_then(|r| r.canonicalize().ok());
    let from = PathsFrom::Repo(canonical.as_deref());
    finish(outcome, output, &setup.scanner, |p| {
        setup.baseline_key(p, from)
    })
}

fn run_commit_msg(file: &Path, output: &OutputArgs, rule_args: &RuleArgs) -> Result<u8, Failure> {
    let setup = setup(rule_args, output, Path::new("."))?;
    let cannot = |e: io::Error| {
        Failure(format!(
            "cannot read commit message {}: {e}",
            file.display()
        ))
    };
    // A message is small; reading a bounded prefix keeps `/dev/zero` from exhausting memory.
    let mut message = Vec::new();
    std::fs::File::open(file)
        .map_err(cannot)?
        .take(files::DEFAULT_MAX_FILE_SIZE)
        .read_to_end(&mut message)
        .map_err(cannot)?;
    let display = files::display_path(file);
    let mut outcome = keywarden::git::scan_commit_message(&setup.scanner, &display, &message);
    setup.filter(&mut outcome.records);
    let from = PathsFrom::CurrentFolder;
    finish(outcome, output, &setup.scanner, |p| {
        setup.baseline_key(p, from)
    })
}

/// Writes the baseline or the report of a finished scan and picks the exit code.
fn finish(
    outcome: Outcome,
    output: &OutputArgs,
    scanner: &Scanner,
    baseline_key: impl Fn(&str) -> String,
) -> Result<u8, Failure> {
    for e in &outcome.errors {
        eprintln!("keywarden: warning: {e}");
    }
    // Named, so that a secret in a skipped file is not silently let through; a folder of
    // large data files names only the first few.
    const SHOWN: usize = 20;
    for w in outcome.warnings.iter().take(SHOWN) {
        eprintln!("keywarden: warning: {w}");
    }
    if outcome.warnings.len() > SHOWN {
        let more = outcome.warnings.len() - SHOWN;
        eprintln!("keywarden: warning: ... and {more} more files not scanned for their size");
    }
    if let Some(path) = &output.write_baseline {
        write_baseline(path, &outcome.records, baseline_key)?;
        let n = outcome.records.len();
        let findings = if n == 1 { "finding" } else { "findings" };
        eprintln!(
            "keywarden: wrote {n} {findings} to baseline {}",
            path.display()
        );
        // Files that could not be read are missing from the baseline: their secrets would
        // show up as new later, so the run did not do what was asked.
        if !outcome.errors.is_empty() {
            eprintln!(
                "keywarden: error: the baseline is incomplete: {} unreadable (see the \
                 warnings above)",
                outcome.errors.len()
            );
            return Ok(EXIT_ERROR);
        }
        return Ok(0);
    }
    report(&outcome.records, &outcome.summary, output, scanner)?;
    Ok(exit_code(&outcome))
}

fn write_baseline(
    path: &Path,
    records: &[Record],
    key: impl Fn(&str) -> String,
) -> Result<(), Failure> {
    let entries = records.iter().map(|r| BaselineEntry {
        fingerprint: r.finding.fingerprint.clone(),
        rule_id: r.finding.rule_id.clone(),
        path: key(&r.path),
    });
    Ok(Baseline::write(path, entries)?)
}

fn run_install_hook(repo: &Path, chain: bool, force: bool) -> Result<u8, Failure> {
    use keywarden::install::{self, Existing};
    let dir =
        keywarden_git::hooks_dir(repo).map_err(|e| Failure(keywarden::git::error_chain(&e)))?;
    let existing = match (chain, force) {
        (true, _) => Existing::Chain,
        (_, true) => Existing::Overwrite,
        _ => Existing::Refuse,
    };
    let binary = std::env::current_exe().ok();
    for hook in install::install(&dir, binary.as_deref(), existing)? {
        eprintln!("keywarden: installed {}", hook.display());
    }
    Ok(0)
}

const EXAMPLE_CONFIG: &str = include_str!("../example-config.toml");

fn run_init(force: bool) -> Result<u8, Failure> {
    let path = Path::new(keywarden_policy::CONFIG_FILE_NAME);
    if path.exists() && !force {
        return Err(Failure(format!(
            "{} already exists; edit it, or pass --force to replace it",
            path.display()
        )));
    }
    std::fs::write(path, EXAMPLE_CONFIG)
        .map_err(|e| Failure(format!("cannot write {}: {e}", path.display())))?;
    eprintln!("keywarden: wrote {}", path.display());
    Ok(0)
}

fn merge(into: &mut Outcome, other: Outcome) {
    into.records.extend(other.records);
    into.warnings.extend(other.warnings);
    let (s, o) = (&mut into.summary, other.summary);
    s.scanned += o.scanned;
    s.bytes += o.bytes;
    s.skipped_binary += o.skipped_binary;
    s.skipped_large += o.skipped_large;
    s.elapsed += o.elapsed;
}

/// 1 if anything was found, else 2 if something could not be read, else 0.
fn exit_code(outcome: &Outcome) -> u8 {
    if !outcome.records.is_empty() {
        EXIT_FINDINGS
    } else if !outcome.errors.is_empty() {
        EXIT_ERROR
    } else {
        0
    }
}

fn redaction(output: &OutputArgs) -> Redaction {
    if output.show_secrets {
        return Redaction::Off;
    }
    match output.redact {
        RedactArg::Full => Redaction::Full,
        RedactArg::Prefix => Redaction::Prefix,
        RedactArg::None => Redaction::Off,
    }
}

fn report(
    records: &[Record],
    summary: &Summary,
    output: &OutputArgs,
    scanner: &Scanner,
) -> Result<(), Failure> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let redaction = redaction(output);
    let written = match output.format {
        Format::Text => {
            let color = match output.color {
                ColorArg::Always => true,
                ColorArg::Never => false,
                ColorArg::Auto => {
                    io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
                }
            };
            TextWriter { color, redaction }.write(&mut out, records, summary)
        }
        Format::Json => records
            .iter()
            .try_for_each(|r| write_json_line(&mut out, r, redaction)),
        Format::Sarif => {
            let tool = ToolInfo::new("keywarden", env!("CARGO_PKG_VERSION"), INFORMATION_URI);
            SarifLog::new(&tool, scanner.rules())
                .redaction(redaction)
                .write(&mut out, records)
        }
    };
    match written.and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        // A closed pipe (`| head`) is the reader's choice, not an error.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure(format!("cannot write the report: {e}"))),
    }
}

fn run_rules(format: RulesFormat, args: &RuleArgs) -> Result<u8, Failure> {
    let config = load_config(args, Path::new("."))?;
    let scanner = load_scanner(args, config.as_ref())?;
    let mut out = io::stdout().lock();
    let result = match format {
        RulesFormat::Text => scanner.rules().iter().try_for_each(|r| {
            writeln!(
                out,
                "{:<32} {:<9} {}",
                r.id(),
                r.severity().as_str(),
                r.title()
            )
        }),
        RulesFormat::Json => scanner.rules().iter().try_for_each(|r| {
            let v = serde_json::json!({
                "id": r.id(),
                "title": r.title(),
                "severity": r.severity().as_str(),
                "keywords": r.spec().keywords,
            });
            writeln!(out, "{v}")
        }),
    };
    match result {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(Failure(e.to_string())),
        _ => Ok(0),
    }
}
