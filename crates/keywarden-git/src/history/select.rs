//! Selecting the commits to scan: all references, or a revision spec.

use gix::ObjectId;
use gix::revision::walk::Sorting;

use super::{HistoryError, HistoryOptions, ObjectIssue, Revisions, issue};

/// A selected commit and the parent its tree is diffed against.
#[derive(Debug, Clone)]
pub(crate) struct Walked {
    pub(crate) id: ObjectId,
    /// `None` for root commits and the boundary commits of a shallow clone.
    pub(crate) first_parent: Option<ObjectId>,
    /// `true` if the commit has more than one (present) parent.
    pub(crate) is_merge: bool,
}

/// The selected commits, newest first in topological order (children before parents).
pub(crate) fn commits(
    repo: &gix::Repository,
    opts: &HistoryOptions,
    errors: &mut Vec<ObjectIssue>,
) -> Result<Vec<Walked>, HistoryError> {
    let (tips, hidden) = match &opts.revisions {
        Revisions::All => (all_tips(repo, errors)?, Vec::new()),
        Revisions::Spec(spec) => spec_tips(repo, spec)?,
    };
    if tips.is_empty() {
        log::debug!("history: no commits to start from");
        return Ok(Vec::new());
    }
    let limit = opts.max_commits.unwrap_or(usize::MAX);
    let err = match walk(repo, &tips, &hidden, Sorting::TopoOrder, limit) {
        Ok(commits) => return Ok(commits),
        Err(WalkFailure::Start(err) | WalkFailure::Midway(err)) => err,
    };
    // A topological walk must see the whole graph before yielding anything, so one unreadable
    // commit spoils it. Fall back to a date-ordered walk, which keeps what it could read.
    errors.push(issue(tips[0], "walking commits in topological order", &err));
    let sorting = Sorting::ByCommitTime(Default::default());
    let walk = start_walk(repo, &tips, &hidden, sorting).map_err(|source| HistoryError::Walk {
        path: repo.git_dir().to_owned(),
        source,
    })?;
    let mut commits = Vec::new();
    for info in walk.take(limit) {
        match info {
            Ok(info) => commits.push(walked(&info)),
            Err(err) => {
                errors.push(issue(tips[0], "walking commits by date", &err));
                break;
            }
        }
    }
    Ok(commits)
}

enum WalkFailure {
    Start(gix::Error),
    Midway(gix::Error),
}

fn start_walk<'repo>(
    repo: &'repo gix::Repository,
    tips: &[ObjectId],
    hidden: &[ObjectId],
    sorting: Sorting,
) -> gix::Result<gix::revision::Walk<'repo>> {
    repo.rev_walk(tips.iter().copied())
        .with_hidden(hidden.iter().copied())
        .sorting(sorting)
        .all()
}

fn walk(
    repo: &gix::Repository,
    tips: &[ObjectId],
    hidden: &[ObjectId],
    sorting: Sorting,
    limit: usize,
) -> Result<Vec<Walked>, WalkFailure> {
    let walk = start_walk(repo, tips, hidden, sorting).map_err(WalkFailure::Start)?;
    let mut out = Vec::new();
    for info in walk.take(limit) {
        out.push(walked(&info.map_err(WalkFailure::Midway)?));
    }
    Ok(out)
}

fn walked(info: &gix::revision::walk::Info<'_>) -> Walked {
    Walked {
        id: info.id,
        first_parent: info.parent_ids.first().copied(),
        is_merge: info.parent_ids.len() > 1,
    }
}

/// Every reference and `HEAD`, peeled to commits. References to other objects are ignored,
/// broken ones recorded.
fn all_tips(
    repo: &gix::Repository,
    errors: &mut Vec<ObjectIssue>,
) -> Result<Vec<ObjectId>, HistoryError> {
    let refs_err = |source| HistoryError::References {
        path: repo.git_dir().to_owned(),
        source,
    };
    let mut tips = Vec::new();
    if let Ok(mut head) = repo.head()
        && !head.is_unborn()
    {
        match head.peel_to_commit() {
            Ok(commit) => tips.push(commit.id),
            Err(err) => errors.push(issue("HEAD", "resolving HEAD", &err)),
        }
    }
    let platform = repo.references().map_err(refs_err)?;
    for reference in platform.all().map_err(refs_err)? {
        let mut reference = match reference {
            Ok(reference) => reference,
            Err(err) => {
                errors.push(issue("refs", "listing references", &err));
                continue;
            }
        };
        let name = reference.name().as_bstr().to_string();
        let id = match reference.peel_to_id() {
            Ok(id) => id,
            Err(err) => {
                errors.push(issue(&name, "resolving reference", &err));
                continue;
            }
        };
        match repo.find_header(id) {
            Ok(header) if header.kind() == gix::object::Kind::Commit => tips.push(id.detach()),
            Ok(header) => {
                log::debug!(
                    "history: ignoring {name}, which points to a {}",
                    header.kind()
                );
            }
            Err(err) => errors.push(issue(id, &format!("reading target of {name}"), &err)),
        }
    }
    tips.sort();
    tips.dedup();
    Ok(tips)
}

/// The tips and hidden tips of a revision spec.
fn spec_tips(
    repo: &gix::Repository,
    spec: &str,
) -> Result<(Vec<ObjectId>, Vec<ObjectId>), HistoryError> {
    use gix::revision::plumbing::Spec;

    let parsed = repo
        .rev_parse(spec)
        .map_err(|source| HistoryError::RevSpec {
            spec: spec.to_owned(),
            source,
        })?
        .detach();
    let commit = |id: ObjectId| -> Result<ObjectId, HistoryError> {
        repo.find_object(id)
            .and_then(|object| object.peel_to_commit())
            .map(|commit| commit.id)
            .map_err(|source| HistoryError::NotACommit {
                spec: spec.to_owned(),
                source,
            })
    };
    let parents = |id: ObjectId| -> Result<Vec<ObjectId>, HistoryError> {
        let id = commit(id)?;
        repo.find_commit(id)
            .map(|c| c.parent_ids().map(|p| p.detach()).collect())
            .map_err(|source| HistoryError::NotACommit {
                spec: spec.to_owned(),
                source,
            })
    };
    Ok(match parsed {
        Spec::Include(id) => (vec![commit(id)?], Vec::new()),
        Spec::Exclude(_) => (Vec::new(), Vec::new()),
        Spec::Range { from, to } => (vec![commit(to)?], vec![commit(from)?]),
        Spec::Merge { theirs, ours } => {
            let (theirs, ours) = (commit(theirs)?, commit(ours)?);
            let hidden = repo
                .merge_base(theirs, ours)
                .ok()
                .flatten()
                .map(|base| vec![base.detach()])
                .unwrap_or_default();
            (vec![theirs, ours], hidden)
        }
        Spec::IncludeOnlyParents(id) => (parents(id)?, Vec::new()),
        Spec::ExcludeParents(id) => (vec![commit(id)?], parents(id)?),
    })
}
