//! History scans of a repository whose only pack file was cut short (issue 4): objects that
//! can still be read are scanned, those that cannot are reported as issues naming the
//! truncated pack, the scan returns instead of panicking, and nothing in the repository is
//! written.

mod common;

use std::path::PathBuf;

use common::{Repo, SECRET, fingerprint, on_job};
use keywarden_git::history::{self, HistoryOptions, HistoryReport};

/// Commits in [`packed_repo`], each adding one file with [`SECRET`] on its first line.
const COMMITS: usize = 5;

/// 3,000 characters that zlib cannot shrink much, so that each blob takes room in the pack.
fn filler(seed: u64) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut out = String::with_capacity(3000);
    for n in 0..3000 {
        // xorshift64
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.push(char::from(ALPHABET[(state % 64) as usize]));
        if n % 60 == 59 {
            out.push('\n');
        }
    }
    out
}

/// A repository of [`COMMITS`] commits repacked into one pack, no loose objects left, and
/// the path of that pack.
fn packed_repo() -> (Repo, PathBuf) {
    let repo = Repo::new();
    for n in 0..COMMITS {
        let content = format!("{SECRET} {n}\n{}", filler(n as u64));
        repo.commit_file(
            &format!("dir{n}/file{n}.txt"),
            content,
            &format!("commit {n}"),
        );
    }
    repo.git(&["repack", "-q", "-a", "-d"]);
    repo.git(&["prune-packed"]);
    let packs: Vec<PathBuf> = std::fs::read_dir(repo.path.join(".git/objects/pack"))
        .expect("pack folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "pack"))
        .collect();
    assert_eq!(packs.len(), 1, "{packs:?}");
    let loose = std::fs::read_dir(repo.path.join(".git/objects"))
        .expect("objects folder")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().len() == 2)
        .count();
    assert_eq!(loose, 0, "every object is in the pack");
    let pack = packs.into_iter().next().expect("one pack");
    (repo, pack)
}

/// Cut `pack` to `new_len(its length)` bytes; its index (`.idx`) is left as it was.
fn truncate(pack: &std::path::Path, new_len: impl FnOnce(u64) -> u64) {
    use std::os::unix::fs::PermissionsExt;
    let len = std::fs::metadata(pack).expect("pack size").len();
    // git writes packs read-only.
    std::fs::set_permissions(pack, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(pack)
        .expect("open the pack");
    file.set_len(new_len(len)).expect("truncate the pack");
}

/// Scan `repo`, checking that the scan leaves it as it was.
fn scan(repo: &Repo) -> HistoryReport<u32> {
    let before = fingerprint(&repo.path);
    let report = history::scan(
        &repo.path,
        &HistoryOptions::default().with_commit_messages(false),
        on_job,
    )
    .expect("a truncated pack is reported per object, not as a failed scan");
    assert!(
        before == fingerprint(&repo.path),
        "the scan changed the repository"
    );
    report
}

/// The paths of the blobs with findings.
fn found_paths(report: &HistoryReport<u32>) -> Vec<String> {
    report
        .findings
        .iter()
        .filter_map(|f| match &f.location {
            keywarden_git::FindingLocation::Blob { display_path, .. } => Some(display_path.clone()),
            _ => None,
        })
        .collect()
}

/// Assert that the scan reported issues, each naming the pack as the problem, and at least
/// one saying that the pack is truncated.
#[track_caller]
fn truncation_is_reported(report: &HistoryReport<u32>) {
    issues_name_the_pack(report);
    let errors = &report.summary.errors;
    assert!(
        errors.iter().any(|e| e.message.contains("truncated")),
        "{errors:?}"
    );
}

/// Assert that the scan reported issues, each naming the pack as the problem.
#[track_caller]
fn issues_name_the_pack(report: &HistoryReport<u32>) {
    let errors = &report.summary.errors;
    assert!(!errors.is_empty(), "the truncation is reported");
    for e in errors {
        assert!(
            e.message.to_lowercase().contains("pack"),
            "the issue names the pack: {e:?}"
        );
    }
}

/// Assert that a scan of `repo` reports no issue and finds every commit's secret.
#[track_caller]
fn scanned_whole(repo: &Repo) {
    let report = scan(repo);
    let errors = &report.summary.errors;
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(found_paths(&report).len(), COMMITS);
}

#[test]
fn intact_pack_is_scanned_whole() {
    let (repo, _) = packed_repo();
    scanned_whole(&repo);
}

#[test]
fn pack_cut_in_half_is_reported_per_object() {
    let (repo, pack) = packed_repo();
    truncate(&pack, |len| len / 2);
    let report = scan(&repo);
    truncation_is_reported(&report);
    assert!(
        found_paths(&report).len() < COMMITS,
        "objects past the cut cannot have been scanned"
    );
}

#[test]
fn pack_ending_inside_its_last_object_is_reported_and_the_rest_scanned() {
    // The index is intact and lists every object; the pack lost its 20-byte trailer and the
    // last byte of the last object.
    let (repo, pack) = packed_repo();
    truncate(&pack, |len| len - 21);
    let report = scan(&repo);
    truncation_is_reported(&report);
    // The scan goes on past the unreadable object: the other commits are scanned.
    assert!(!found_paths(&report).is_empty());
}

#[test]
fn pack_cut_inside_its_header_is_reported() {
    // Not even the pack header is whole: no commit can be read, HEAD included.
    for len in [0, 8, 12] {
        let (repo, pack) = packed_repo();
        truncate(&pack, |_| len);
        let report = scan(&repo);
        issues_name_the_pack(&report);
        assert!(report.findings.is_empty());
        assert_eq!(report.summary.blobs_scanned, 0);
    }
}

#[test]
fn pack_missing_only_its_trailer_is_read_whole() {
    // Known gap, pinned: gix does not compare a pack's trailing checksum with the one its
    // index records (git refuses such a pack: "packfile ... does not match index"). Every
    // object is still whole and inflates with its own checks, so nothing is missed.
    let (repo, pack) = packed_repo();
    truncate(&pack, |len| len - 20);
    scanned_whole(&repo);
}
