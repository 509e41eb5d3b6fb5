//! The checking thread: the session hands it one job per document version and goes on
//! reading messages; a newer edit cancels the job of the version it replaces, which stops
//! at its next checkpoint (between the steps of the analysis and before each function)
//! and yields nothing.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;

use crossbeam_channel::{unbounded, Receiver, Sender};
use lsp_types::Url;

use crate::analyze::{AnalysisCache, Incremental};
use crate::checker::{Checker, FileCheck};
use crate::ownership::summary::{ProjectSummaries, Summaries};

/// Set once the result of a job is no longer wanted; shared by the session and the job.
#[derive(Clone, Debug, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Release);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }
}

/// Called at every checkpoint of every check, with the file, the version being checked
/// and its token, before the token is read. For tests that must hold a check at a known
/// point until it is cancelled, so that cancellation is proven without timing.
pub type CheckpointHook = Arc<dyn Fn(&Path, i32, &CancelToken) + Send + Sync>;

/// One version of one document to check, with everything the check reads: the worker
/// shares nothing with the session while it runs.
pub(super) struct Job {
    pub uri: Url,
    /// Tells this job from any other of the session, of the same version included (a
    /// configuration reload checks the same text again).
    pub generation: u64,
    pub version: i32,
    pub path: PathBuf,
    pub text: String,
    pub tree: tree_sitter::Tree,
    pub project: ProjectSummaries,
    pub context: Vec<String>,
    pub checker: Arc<Checker>,
    pub token: CancelToken,
    /// What the last check of the document lowered and analyzed; handed back in [`Done`].
    pub cache: AnalysisCache,
}

/// A finished job: the check, or `None` when it was cancelled before its end.
pub(super) struct Done {
    pub uri: Url,
    pub generation: u64,
    pub version: i32,
    pub checked: Option<(FileCheck, Summaries)>,
    pub cache: AnalysisCache,
}

pub(super) struct Worker {
    pub jobs: Sender<Job>,
    pub done: Receiver<Done>,
}

impl Worker {
    /// Starts the thread; it ends when the session drops its sender of jobs.
    pub fn start(checkpoint: Option<CheckpointHook>) -> Worker {
        let (jobs, queued) = unbounded::<Job>();
        let (finished, done) = unbounded();
        thread::Builder::new()
            .name("cysafe-check".to_string())
            .spawn(move || {
                for mut job in queued {
                    let checked = run(&mut job, checkpoint.as_ref());
                    let done = Done {
                        uri: job.uri,
                        generation: job.generation,
                        version: job.version,
                        checked,
                        cache: job.cache,
                    };
                    if finished.send(done).is_err() {
                        break;
                    }
                }
            })
            .expect("the system can start a thread");
        Worker { jobs, done }
    }
}

fn run(job: &mut Job, checkpoint: Option<&CheckpointHook>) -> Option<(FileCheck, Summaries)> {
    let (path, version, token) = (&job.path, job.version, &job.token);
    let cancelled = || {
        if let Some(hook) = checkpoint {
            hook(path, version, token);
        }
        token.is_cancelled()
    };
    // A job queued behind others may be moot before it starts.
    if cancelled() {
        return None;
    }
    let context: Vec<&str> = job.context.iter().map(String::as_str).collect();
    let incremental = Incremental {
        cancelled: Some(&cancelled),
        cache: Some(&mut job.cache),
    };
    job.checker
        .check_parsed_until(
            path,
            &job.text,
            &job.tree,
            &job.project,
            &context,
            incremental,
        )
        .ok()
}
