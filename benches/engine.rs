//! Engine throughput beside a `memchr` floor over the same bytes, in the same run.
//!
//! Inputs:
//! - `realistic`: up to 16 MiB of real Rust source from the cargo registry (code nobody
//!   here wrote), falling back to this repository's sources when there is none;
//! - `no-hit`: prose built from words that contain no rule keyword, so the scan is the
//!   keyword pass alone;
//! - `hit-dense`: the labeled corpus's positives repeated, secrets on nearly every line.
//!
//! The floor counts newlines with `memchr`: one SIMD pass, the least any scanner does.

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use keywarden_engine::{RuleSet, Scanner};

const TARGET: usize = 16 << 20;

fn collect(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect(&p, ext, out);
        } else if p.extension().is_some_and(|x| x == ext) {
            out.push(p);
        }
    }
}

fn concat(files: &[PathBuf], limit: usize) -> Vec<u8> {
    let mut buf = Vec::new();
    for f in files {
        if buf.len() >= limit {
            break;
        }
        if let Ok(bytes) = std::fs::read(f) {
            buf.extend_from_slice(&bytes);
            buf.push(b'\n');
        }
    }
    buf
}

fn realistic() -> (String, Vec<u8>) {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    let mut files = Vec::new();
    if let Some(home) = home {
        collect(&home.join("registry/src"), "rs", &mut files);
    }
    let (name, mut buf) = if files.is_empty() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        collect(&root.join("crates"), "rs", &mut files);
        (
            "realistic (own sources)".to_string(),
            concat(&files, TARGET),
        )
    } else {
        (
            "realistic (cargo registry)".to_string(),
            concat(&files, TARGET),
        )
    };
    while !buf.is_empty() && buf.len() < TARGET / 4 {
        buf.extend_from_within(..);
    }
    (name, buf)
}

fn no_hit(scanner: &Scanner) -> Vec<u8> {
    const WORDS: &[&str] = &[
        "market", "order", "price", "fill", "limit", "spread", "venue", "quote", "ladder", "risk",
        "margin", "ledger", "account", "balance", "trade", "cancel", "amend", "queue", "depth",
        "symbol", "tick", "latency", "route", "match", "engine", "level", "update", "stream",
    ];
    let mut buf = Vec::with_capacity(TARGET);
    let mut x: u32 = 0x9E37_79B9;
    while buf.len() < TARGET {
        for _ in 0..12 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            buf.extend_from_slice(WORDS[x as usize % WORDS.len()].as_bytes());
            buf.push(b' ');
        }
        buf.push(b'\n');
    }
    assert_eq!(
        scanner.keyword_hits(&buf),
        0,
        "the no-hit text must hold no keyword"
    );
    buf
}

fn hit_dense() -> Vec<u8> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus/positives");
    let mut files = Vec::new();
    for ext in [
        "env",
        "yml",
        "yaml",
        "properties",
        "py",
        "java",
        "ts",
        "js",
        "json",
        "sh",
    ] {
        collect(&root, ext, &mut files);
    }
    let mut buf = concat(&files, usize::MAX);
    while !buf.is_empty() && buf.len() < 4 << 20 {
        buf.extend_from_within(..);
    }
    buf
}

fn floor(bytes: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', bytes).count()
}

fn bench(c: &mut Criterion) {
    let scanner = Scanner::new(RuleSet::builtin().expect("built-in rules")).expect("scanner");
    let (name, real) = realistic();
    let inputs = [
        (name, real),
        ("no-hit".into(), no_hit(&scanner)),
        ("hit-dense".into(), hit_dense()),
    ];
    for (name, bytes) in &inputs {
        let mut g = c.benchmark_group(format!("engine/{name}"));
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.sample_size(10);
        g.bench_function("keywarden", |b| {
            b.iter(|| scanner.scan(black_box(bytes), None).len())
        });
        g.bench_function("memchr-floor", |b| b.iter(|| floor(black_box(bytes))));
        g.finish();
    }
    c.bench_function("compile/builtin-rules", |b| {
        b.iter(|| Scanner::new(RuleSet::builtin().expect("rules")).expect("scanner"))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
