//! `cysafe server`: the language server, over stdio (LSP 3.17, on the `lsp-server` and
//! `lsp-types` crates).
//!
//! One thread owns the session: it applies each notification as it arrives, and once no
//! message has come for [`Session::debounce`] hands each document an edit left dirty to
//! the checking thread ([`worker`]), so a burst of keystrokes is checked once, at its last
//! version. An edit that arrives while its document is being checked cancels that check,
//! which stops before its next function; a result that still arrives for a version older
//! than the document's is dropped, so no diagnostic is ever published for a version older
//! than the one last published. Every handler runs under `catch_unwind`: a panic answers
//! that request with an error (or is logged) and the session goes on. Checking goes
//! through [`Checker`], as `cysafe check` does, on the text `check` would read from the
//! saved file ([`crate::source::decode_text`]) and the tree each document keeps
//! reparsing incrementally.

mod document;
pub mod position;
pub mod transport;
mod worker;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crossbeam_channel::select;
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as notif, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOptions, CodeActionOrCommand, CodeActionParams,
    CodeActionProviderCapability, CodeDescription, DiagnosticOptions, DiagnosticRelatedInformation,
    DiagnosticServerCapabilities, DiagnosticSeverity, DidChangeTextDocumentParams,
    DidChangeWatchedFilesParams, DidChangeWatchedFilesRegistrationOptions,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, DidSaveTextDocumentParams,
    DocumentDiagnosticParams, DocumentDiagnosticReport, DocumentDiagnosticReportResult,
    FileSystemWatcher, FullDocumentDiagnosticReport, GlobPattern, InitializeParams,
    InitializeResult, Location, MessageType, NumberOrString, PositionEncodingKind,
    PublishDiagnosticsParams, Registration, RegistrationParams,
    RelatedFullDocumentDiagnosticReport, ServerCapabilities, ServerInfo, ShowMessageParams,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, TextEdit, Url, WorkspaceEdit,
};
use serde_json::Value;

use crate::checker::{Checker, CheckerOptions, FileCheck, FileOutcome};
use crate::config::ConfigError;
use crate::diagnostic::{Applicability, Diagnostic, Fix, Span};
use crate::fix::apply_fixes;
use crate::noqa::suppression_fix;
use crate::ownership::summary::{ModuleExports, ProjectSummaries};
use crate::rules::Severity;
use crate::source::{decode_text, SourceError};
use document::Document;
use position::{Encoding, Lines};
pub use worker::{CancelToken, CheckpointHook};
use worker::{Done, Job, Worker};

/// The code action kind of "apply every safe fix of the file".
pub const FIX_ALL_KIND: &str = "source.fixAll.cysafe";

/// Runs the server on stdin/stdout until the client says `exit` (or closes stdin).
pub fn run_stdio() -> anyhow::Result<()> {
    let transport = transport::stdio();
    let result = serve(&transport.incoming, &transport.outgoing);
    drop(transport.outgoing);
    let _ = transport.writer.join();
    // The reader blocks on stdin, which the client closes after `exit`: not joined.
    result
}

/// How long the session waits, after the last message, before checking what changed.
const DEFAULT_DEBOUNCE: Duration = Duration::from_millis(20);

/// Serves one client over a pair of channels until it says `exit` (or goes away).
pub fn serve(
    incoming: &crossbeam_channel::Receiver<transport::Incoming>,
    outgoing: &crossbeam_channel::Sender<Message>,
) -> anyhow::Result<()> {
    serve_with(incoming, outgoing, ServeOptions::default())
}

/// What [`serve_with`] can be given besides the channels.
#[derive(Default)]
pub struct ServeOptions {
    /// Called at each checkpoint of each check (see [`CheckpointHook`]); tests use it
    /// to hold a check until a newer edit cancels it.
    pub checkpoint: Option<CheckpointHook>,
}

/// [`serve`], with [`ServeOptions`].
pub fn serve_with(
    incoming: &crossbeam_channel::Receiver<transport::Incoming>,
    outgoing: &crossbeam_channel::Sender<Message>,
    options: ServeOptions,
) -> anyhow::Result<()> {
    let Some(mut session) = initialize(incoming, outgoing, options)? else {
        return Ok(());
    };
    let served = session.serve(incoming);
    // A check still running is moot; the thread ends at its next checkpoint.
    session.cancel_all();
    served
}

impl Session {
    fn serve(
        &mut self,
        incoming: &crossbeam_channel::Receiver<transport::Incoming>,
    ) -> anyhow::Result<()> {
        let mut shutting_down = false;
        loop {
            let debounced = if self.dirty.is_empty() {
                crossbeam_channel::never()
            } else {
                crossbeam_channel::after(self.debounce)
            };
            let done = self.worker.done.clone();
            let message = select! {
                recv(incoming) -> next => match next {
                    Ok(transport::Incoming::Message(message)) => message,
                    Ok(transport::Incoming::Malformed(error)) => {
                        log(&format!("ignored a malformed message: {error}"));
                        continue;
                    }
                    Err(_) => return Ok(()),
                },
                recv(done) -> finished => {
                    if let Ok(finished) = finished {
                        guarded("publishing", || self.finish(finished));
                    }
                    continue;
                },
                recv(debounced) -> _ => {
                    guarded("checking", || self.check_dirty());
                    continue;
                },
            };
            if self.handle(message, &mut shutting_down) {
                return Ok(());
            }
        }
    }

    /// Handles one message; whether it was `exit`.
    fn handle(&mut self, message: Message, shutting_down: &mut bool) -> bool {
        let session = self;
        match message {
            Message::Request(request) => {
                if *shutting_down {
                    session.reply_error(
                        request.id,
                        ErrorCode::InvalidRequest,
                        "the server is shutting down".to_string(),
                    );
                    return false;
                }
                if request.method == req::Shutdown::METHOD {
                    *shutting_down = true;
                    session.send(Response::new_ok(request.id, Value::Null).into());
                    return false;
                }
                let id = request.id.clone();
                let method = request.method.clone();
                let answered = catch_unwind(AssertUnwindSafe(|| session.handle_request(request)));
                if answered.is_err() {
                    session.reply_error(
                        id,
                        ErrorCode::InternalError,
                        format!("cysafe failed on `{method}`; please report this as a bug"),
                    );
                }
            }
            Message::Notification(notification) => {
                if notification.method == notif::Exit::METHOD {
                    return true;
                }
                let method = notification.method.clone();
                guarded(&method, || session.handle_notification(notification));
            }
            Message::Response(_) => {}
        }
        false
    }
}

/// Runs one piece of the session's work; a panic is logged and the session goes on.
fn guarded(what: &str, work: impl FnOnce()) {
    if catch_unwind(AssertUnwindSafe(work)).is_err() {
        log(&format!(
            "cysafe failed while handling `{what}`; the server goes on"
        ));
    }
}

fn log(message: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "cysafe server: {message}");
}

/// Waits for `initialize`, answers it, and builds the session; `None` when the client
/// leaves first.
fn initialize(
    incoming: &crossbeam_channel::Receiver<transport::Incoming>,
    outgoing: &crossbeam_channel::Sender<Message>,
    options: ServeOptions,
) -> anyhow::Result<Option<Session>> {
    let mut options = Some(options);
    loop {
        let message = match incoming.recv() {
            Ok(transport::Incoming::Message(message)) => message,
            Ok(transport::Incoming::Malformed(error)) => {
                log(&format!("ignored a malformed message: {error}"));
                continue;
            }
            Err(_) => return Ok(None),
        };
        let request = match message {
            Message::Request(request) if request.method == req::Initialize::METHOD => request,
            Message::Request(request) => {
                let response = Response::new_err(
                    request.id,
                    ErrorCode::ServerNotInitialized as i32,
                    "the server is not initialized".to_string(),
                );
                outgoing.send(response.into())?;
                continue;
            }
            Message::Notification(notification) if notification.method == notif::Exit::METHOD => {
                return Ok(None)
            }
            _ => continue,
        };
        let params: InitializeParams = match serde_json::from_value(request.params) {
            Ok(params) => params,
            Err(error) => {
                let response = Response::new_err(
                    request.id,
                    ErrorCode::InvalidParams as i32,
                    format!("bad initialize parameters: {error}"),
                );
                outgoing.send(response.into())?;
                continue;
            }
        };
        let options = options.take().unwrap_or_default();
        let session = Session::new(&params, outgoing.clone(), options);
        let result = InitializeResult {
            capabilities: session.capabilities(),
            server_info: Some(ServerInfo {
                name: "cysafe".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
        };
        outgoing.send(Response::new_ok(request.id, result).into())?;
        return Ok(Some(session));
    }
}

pub struct Session {
    outgoing: crossbeam_channel::Sender<Message>,
    encoding: Encoding,
    root: PathBuf,
    checker: Arc<Checker>,
    documents: HashMap<Url, Document>,
    /// Documents whose text changed since they were last checked.
    dirty: BTreeSet<Url>,
    debounce: Duration,
    worker: Worker,
    /// The job checking each document on the worker (its generation), and the token
    /// that cancels it. Only that job's result is published.
    running: HashMap<Url, (u64, CancelToken)>,
    /// The generation of the last job handed to the worker.
    generation: u64,
    /// What each open `.pyx` exports to the files that cimport it.
    exports: BTreeMap<PathBuf, crate::ownership::summary::Summaries>,
    /// For each open document, what the files on disk it cimports export, as `cysafe
    /// check` of that one file finds them (`Checker::project_on_disk`): read when it is
    /// first checked, again after any save or change on disk. Open documents' own
    /// exports come first.
    on_disk: HashMap<PathBuf, ProjectSummaries>,
    /// Configuration files currently broken, with their message, so that the user is
    /// told once and the diagnostic on the file is cleared when it is fixed.
    broken_configs: BTreeMap<PathBuf, String>,
    watch_registration: bool,
    next_request: i32,
}

impl Session {
    fn new(
        params: &InitializeParams,
        outgoing: crossbeam_channel::Sender<Message>,
        options: ServeOptions,
    ) -> Session {
        let offers_utf8 = params
            .capabilities
            .general
            .as_ref()
            .and_then(|general| general.position_encodings.as_ref())
            .is_some_and(|encodings| encodings.contains(&PositionEncodingKind::UTF8));
        #[allow(deprecated)]
        let root = params
            .workspace_folders
            .as_ref()
            .and_then(|folders| folders.first())
            .map(|folder| folder.uri.clone())
            .or_else(|| params.root_uri.clone())
            .and_then(|uri| uri.to_file_path().ok())
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_default();
        let debounce = params
            .initialization_options
            .as_ref()
            .and_then(|options| options.get("debounceMs"))
            .and_then(Value::as_u64)
            .map_or(DEFAULT_DEBOUNCE, Duration::from_millis);
        let watch_registration = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|workspace| workspace.did_change_watched_files.as_ref())
            .and_then(|watched| watched.dynamic_registration)
            .unwrap_or(false);
        let mut session = Session {
            outgoing,
            encoding: if offers_utf8 {
                Encoding::Utf8
            } else {
                Encoding::Utf16
            },
            checker: Arc::new(new_checker(&root)),
            root,
            documents: HashMap::new(),
            dirty: BTreeSet::new(),
            debounce,
            worker: Worker::start(options.checkpoint),
            running: HashMap::new(),
            generation: 0,
            exports: BTreeMap::new(),
            on_disk: HashMap::new(),
            broken_configs: BTreeMap::new(),
            watch_registration,
            next_request: 0,
        };
        session.register_watchers();
        session
    }

    fn capabilities(&self) -> ServerCapabilities {
        ServerCapabilities {
            position_encoding: Some(match self.encoding {
                Encoding::Utf8 => PositionEncodingKind::UTF8,
                Encoding::Utf16 => PositionEncodingKind::UTF16,
            }),
            text_document_sync: Some(TextDocumentSyncCapability::Options(
                TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                    ..Default::default()
                },
            )),
            code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                code_action_kinds: Some(vec![
                    CodeActionKind::QUICKFIX,
                    CodeActionKind::new(FIX_ALL_KIND),
                ]),
                ..Default::default()
            })),
            diagnostic_provider: Some(DiagnosticServerCapabilities::Options(DiagnosticOptions {
                identifier: Some("cysafe".to_string()),
                inter_file_dependencies: true,
                workspace_diagnostics: false,
                ..Default::default()
            })),
            ..Default::default()
        }
    }

    /// Asks the client to tell of changes to configuration files and `.pxd` files.
    fn register_watchers(&mut self) {
        if !self.watch_registration {
            return;
        }
        let watchers = [
            "**/pyproject.toml",
            "**/cysafe.toml",
            "**/*.pxd",
            "**/*.pyx",
        ]
        .iter()
        .map(|glob| FileSystemWatcher {
            glob_pattern: GlobPattern::String(glob.to_string()),
            kind: None,
        })
        .collect();
        let options = DidChangeWatchedFilesRegistrationOptions { watchers };
        let params = RegistrationParams {
            registrations: vec![Registration {
                id: "cysafe-watched-files".to_string(),
                method: notif::DidChangeWatchedFiles::METHOD.to_string(),
                register_options: serde_json::to_value(options).ok(),
            }],
        };
        self.next_request += 1;
        let request = Request::new(
            RequestId::from(format!("cysafe-{}", self.next_request)),
            req::RegisterCapability::METHOD.to_string(),
            params,
        );
        self.send(request.into());
    }

    fn send(&self, message: Message) {
        // The writer only stops when the client is gone; the loop ends then too.
        let _ = self.outgoing.send(message);
    }

    fn reply_error(&self, id: RequestId, code: ErrorCode, message: String) {
        self.send(Response::new_err(id, code as i32, message).into());
    }

    fn notify<N: lsp_types::notification::Notification>(&self, params: N::Params) {
        self.send(Notification::new(N::METHOD.to_string(), params).into());
    }

    fn handle_request(&mut self, request: Request) {
        let id = request.id.clone();
        let result = match request.method.as_str() {
            req::DocumentDiagnosticRequest::METHOD => {
                parse_params(request).map(|params| self.pull_diagnostics(params))
            }
            req::CodeActionRequest::METHOD => {
                parse_params(request).map(|params| self.code_actions(params))
            }
            method => Err((
                ErrorCode::MethodNotFound,
                format!("cysafe does not handle `{method}`"),
            )),
        };
        match result {
            Ok(value) => self.send(Response::new_ok(id, value).into()),
            Err((code, message)) => self.reply_error(id, code, message),
        }
    }

    fn handle_notification(&mut self, notification: Notification) {
        let method = notification.method.clone();
        let result = match method.as_str() {
            notif::DidOpenTextDocument::METHOD => {
                parse_params(notification).map(|params| self.did_open(params))
            }
            notif::DidChangeTextDocument::METHOD => {
                parse_params(notification).map(|params| self.did_change(params))
            }
            notif::DidSaveTextDocument::METHOD => {
                parse_params(notification).map(|params| self.did_save(params))
            }
            notif::DidCloseTextDocument::METHOD => {
                parse_params(notification).map(|params| self.did_close(params))
            }
            notif::DidChangeWatchedFiles::METHOD => {
                parse_params(notification).map(|params| self.did_change_watched_files(params))
            }
            _ => Ok(()),
        };
        if let Err((_, message)) = result {
            log(&format!("`{method}`: {message}"));
        }
    }

    fn did_open(&mut self, params: DidOpenTextDocumentParams) {
        let document = params.text_document;
        let Ok(path) = document.uri.to_file_path() else {
            log(&format!("not a file, not checked: {}", document.uri));
            return;
        };
        self.documents.insert(
            document.uri.clone(),
            Document::open(path, document.version, document.text),
        );
        // A newly opened file is checked at once: nothing is typed into it yet.
        self.dispatch(&document.uri);
    }

    fn did_change(&mut self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let Some(document) = self.documents.get_mut(&uri) else {
            return;
        };
        document.change(
            params.text_document.version,
            params.content_changes,
            self.encoding,
        );
        // The check of the text this edit replaced is moot.
        self.cancel(&uri);
        self.dirty.insert(uri);
    }

    fn did_save(&mut self, params: DidSaveTextDocumentParams) {
        let uri = params.text_document.uri;
        if let Some(path) = self.documents.get(&uri).map(|d| d.path.clone()) {
            // What the saved file exports on disk may be what another document cimports.
            self.on_disk.clear();
            self.dirty.insert(uri);
            self.mark_dependents(&path);
        }
    }

    fn did_close(&mut self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        if let Some(document) = self.documents.remove(&uri) {
            self.exports.remove(&document.path);
            self.on_disk.remove(&document.path);
        }
        self.cancel(&uri);
        self.dirty.remove(&uri);
        self.notify::<notif::PublishDiagnostics>(PublishDiagnosticsParams {
            uri,
            diagnostics: Vec::new(),
            version: None,
        });
    }

    fn did_change_watched_files(&mut self, params: DidChangeWatchedFilesParams) {
        let mut reload = false;
        for change in params.changes {
            let Ok(path) = change.uri.to_file_path() else {
                continue;
            };
            match path.file_name().and_then(|name| name.to_str()) {
                Some("pyproject.toml" | "cysafe.toml") => reload = true,
                _ => {
                    self.on_disk.clear();
                    self.mark_dependents(&path);
                }
            }
        }
        if reload {
            // A fresh checker reads every configuration again: what it finds broken is
            // told now, what was broken and is no more is cleared, and every document is
            // checked again under it.
            self.checker = Arc::new(new_checker(&self.root));
            let before: Vec<PathBuf> = self.broken_configs.keys().cloned().collect();
            self.broken_configs.clear();
            let paths: Vec<PathBuf> = self.documents.values().map(|d| d.path.clone()).collect();
            for path in paths {
                if let Err(error) = self.checker.config_for(&path) {
                    self.report_config_error(error);
                }
            }
            for path in before {
                if !self.broken_configs.contains_key(&path) {
                    self.publish_config_error(&path, None);
                }
            }
            self.cancel_all();
            self.dirty.extend(self.documents.keys().cloned());
            self.check_dirty();
        }
    }

    /// Marks the open documents that cimport the module at `path` for checking again.
    fn mark_dependents(&mut self, path: &Path) {
        let Some(module) = path.file_stem().and_then(|stem| stem.to_str()) else {
            return;
        };
        for (uri, document) in &self.documents {
            if document.path != path && cimports(&document.text, module) {
                self.dirty.insert(uri.clone());
            }
        }
    }

    /// Hands every document an edit left dirty to the checking thread.
    fn check_dirty(&mut self) {
        let dirty: Vec<Url> = std::mem::take(&mut self.dirty).into_iter().collect();
        for uri in dirty {
            self.dispatch(&uri);
        }
    }

    /// Cancels the check of a document running (or queued) on the worker, if any.
    fn cancel(&mut self, uri: &Url) {
        if let Some((_, token)) = self.running.remove(uri) {
            token.cancel();
        }
    }

    fn cancel_all(&mut self) {
        for (_, (_, token)) in self.running.drain() {
            token.cancel();
        }
    }

    /// Queues the check of a document at its current version on the worker (replacing
    /// any check of it still running).
    fn dispatch(&mut self, uri: &Url) {
        self.dirty.remove(uri);
        self.cancel(uri);
        let Some(path) = self.documents.get(uri).map(|d| d.path.clone()) else {
            return;
        };
        self.read_disk_project(&path);
        let project = self.project_of(&path);
        let context = self.context_of(&path);
        let Some(document) = self.documents.get_mut(uri) else {
            return;
        };
        let Ok(text) = document.source().map(str::to_string) else {
            self.publish_unreadable(uri);
            return;
        };
        let cache = document.cache.take().unwrap_or_default();
        let token = CancelToken::default();
        self.generation += 1;
        let job = Job {
            uri: uri.clone(),
            generation: self.generation,
            version: document.version,
            path,
            text,
            tree: document.tree.clone(),
            project,
            context,
            checker: self.checker.clone(),
            token: token.clone(),
            cache,
        };
        self.running
            .insert(uri.clone(), (self.generation, token.clone()));
        if self.worker.jobs.send(job).is_err() {
            // The worker is gone (it never panics: checks are guarded); check here.
            self.running.remove(uri);
            self.check(uri);
        }
    }

    /// A job the worker finished: published when it is the document's latest job (an
    /// edit, a close, a reload or a check on the session's thread replaces the job and
    /// cancels the old one), dropped otherwise: what it describes is stale.
    fn finish(&mut self, done: Done) {
        // What a job left is keyed by content and holds only what matches the last text
        // it lowered: good for the next check of the document whatever became of the job.
        if let Some(document) = self.documents.get_mut(&done.uri) {
            document.cache.get_or_insert(done.cache);
        }
        let latest = self
            .running
            .get(&done.uri)
            .is_some_and(|(generation, _)| *generation == done.generation);
        if !latest {
            return;
        }
        self.running.remove(&done.uri);
        let Some((check, summaries)) = done.checked else {
            return;
        };
        // A job is replaced before its document's version changes; this is a guard.
        let current = self
            .documents
            .get(&done.uri)
            .is_some_and(|document| document.version == done.version);
        if current {
            self.publish(&done.uri, check, summaries);
        }
    }

    /// The project the other open `.pyx` files make, for the cimports of the one at
    /// `checked` (a module never cimports itself: its own exports are left out, which on a
    /// large file saves rebuilding them on every keystroke).
    fn project_of(&self, checked: &Path) -> ProjectSummaries {
        let mut project = ProjectSummaries::default();
        for (path, summaries) in &self.exports {
            if path == checked {
                continue;
            }
            let relative = path.strip_prefix(&self.root).unwrap_or(path);
            let stem = relative.with_extension("");
            let parts: Vec<&str> = stem
                .components()
                .filter_map(|part| match part {
                    std::path::Component::Normal(name) => name.to_str(),
                    _ => None,
                })
                .collect();
            let mut exports = ModuleExports::default();
            exports.add_file(summaries);
            let exports = std::sync::Arc::new(exports);
            // Every way a cimport may name it: `pkg.utils`, `utils`, `.utils`.
            for first in 0..parts.len() {
                let dotted = parts[first..].join(".");
                project.add_module(&format!(".{dotted}"), exports.clone());
                project.add_module(&dotted, exports.clone());
            }
        }
        if let Some(disk) = self.on_disk.get(checked) {
            project.add_missing(disk);
        }
        project
    }

    /// Reads what the files on disk that `path` cimports export, unless known.
    fn read_disk_project(&mut self, path: &Path) {
        if !self.on_disk.contains_key(path) {
            let project = self.checker.project_on_disk(path);
            self.on_disk.insert(path.to_path_buf(), project);
        }
    }

    /// Checks one document at its current version here, on the session's thread (a
    /// request needs its diagnostics now), and publishes them.
    fn check(&mut self, uri: &Url) {
        self.dirty.remove(uri);
        self.cancel(uri);
        let Some(path) = self.documents.get(uri).map(|d| d.path.clone()) else {
            return;
        };
        self.read_disk_project(&path);
        let project = self.project_of(&path);
        let context = self.context_of(&path);
        let context: Vec<&str> = context.iter().map(String::as_str).collect();
        let Some(document) = self.documents.get(uri) else {
            return;
        };
        let Ok(text) = document.source() else {
            self.publish_unreadable(uri);
            return;
        };
        let (check, summaries) =
            self.checker
                .check_parsed(&document.path, text, &document.tree, &project, &context);
        self.publish(uri, check, summaries);
    }

    /// Keeps the check of a document's current text and publishes its diagnostics.
    fn publish(
        &mut self,
        uri: &Url,
        check: FileCheck,
        summaries: crate::ownership::summary::Summaries,
    ) {
        let Some(document) = self.documents.get_mut(uri) else {
            return;
        };
        let is_pyx = document.path.extension().is_some_and(|ext| ext == "pyx");
        let path = document.path.clone();
        let (diagnostics, config_error) = match check.outcome {
            FileOutcome::Checked(diagnostics) => (diagnostics, None),
            FileOutcome::ConfigError(error) => (Vec::new(), Some(error)),
            FileOutcome::InternalError(message) => {
                log(&format!("{}: internal error: {message}", path.display()));
                (Vec::new(), None)
            }
            FileOutcome::Skipped | FileOutcome::Unreadable(_) => (Vec::new(), None),
        };
        document.diagnostics = Some(diagnostics);
        if is_pyx {
            self.exports.insert(path, summaries);
        }
        if let Some(error) = config_error {
            self.report_config_error(error);
        }
        self.publish_diagnostics(uri);
    }

    /// A document whose text is no source (a NUL outside a comment) is not checked, as
    /// `cysafe check` checks no such file: it exports nothing, and what `check` says of it
    /// is its one diagnostic.
    fn publish_unreadable(&mut self, uri: &Url) {
        let Some(document) = self.documents.get_mut(uri) else {
            return;
        };
        document.diagnostics = Some(Vec::new());
        let path = document.path.clone();
        self.exports.remove(&path);
        self.publish_diagnostics(uri);
    }

    /// Sends the diagnostics of a document's current version.
    fn publish_diagnostics(&self, uri: &Url) {
        let Some(version) = self.documents.get(uri).map(|document| document.version) else {
            return;
        };
        self.notify::<notif::PublishDiagnostics>(PublishDiagnosticsParams {
            uri: uri.clone(),
            diagnostics: self.lsp_diagnostics(uri),
            version: Some(version),
        });
    }

    /// Tells the user of a configuration file that cannot be used, once per message.
    fn report_config_error(&mut self, error: ConfigError) {
        if self.broken_configs.get(&error.path) == Some(&error.message) {
            return;
        }
        self.notify::<notif::ShowMessage>(ShowMessageParams {
            typ: MessageType::ERROR,
            message: format!(
                "cysafe: {}: {} (files it governs are not checked until it is fixed)",
                error.path.display(),
                error.message
            ),
        });
        self.publish_config_error(&error.path, Some(&error.message));
        self.broken_configs.insert(error.path, error.message);
    }

    /// A diagnostic on a configuration file that cannot be used, or none once it can.
    fn publish_config_error(&self, path: &Path, message: Option<&str>) {
        let Ok(uri) = Url::from_file_path(path) else {
            return;
        };
        let diagnostics = message
            .map(|message| lsp_types::Diagnostic {
                range: lsp_types::Range::default(),
                severity: Some(DiagnosticSeverity::ERROR),
                source: Some("cysafe".to_string()),
                message: format!("cysafe cannot use this configuration: {message}"),
                ..Default::default()
            })
            .into_iter()
            .collect();
        self.notify::<notif::PublishDiagnostics>(PublishDiagnosticsParams {
            uri,
            diagnostics,
            version: None,
        });
    }

    /// The current diagnostics of a document, checking it first when an edit is pending.
    fn current(&mut self, uri: &Url) -> Option<&Document> {
        if self.documents.get(uri)?.diagnostics.is_none() {
            self.check(uri);
        }
        self.documents.get(uri)
    }

    fn lsp_diagnostics(&self, uri: &Url) -> Vec<lsp_types::Diagnostic> {
        let Some(document) = self.documents.get(uri) else {
            return Vec::new();
        };
        let lines = Lines::new(&document.text);
        if let Err(error) = document.source() {
            let range = match error {
                SourceError::Binary { offset } => lines.range(
                    Span {
                        start: *offset,
                        end: offset + 1,
                    },
                    self.encoding,
                ),
                _ => lsp_types::Range::default(),
            };
            return vec![lsp_types::Diagnostic {
                range,
                severity: Some(DiagnosticSeverity::ERROR),
                source: Some("cysafe".to_string()),
                message: format!("cysafe cannot check this file: {error}"),
                ..Default::default()
            }];
        }
        document
            .diagnostics
            .iter()
            .flatten()
            .map(|diagnostic| self.lsp_diagnostic(uri, &lines, diagnostic))
            .collect()
    }

    fn lsp_diagnostic(
        &self,
        uri: &Url,
        lines: &Lines<'_>,
        diagnostic: &Diagnostic,
    ) -> lsp_types::Diagnostic {
        let code = diagnostic.rule.code;
        let mut message = diagnostic.message.clone();
        if let Some(help) = &diagnostic.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        let related = diagnostic
            .related
            .iter()
            .filter_map(|related| {
                let (related_uri, range) = match &related.path {
                    None => (uri.clone(), lines.range(related.span, self.encoding)),
                    Some(path) => {
                        let text = self.text_of(path)?;
                        let range = Lines::new(&text).range(related.span, self.encoding);
                        (Url::from_file_path(self.root.join(path)).ok()?, range)
                    }
                };
                Some(DiagnosticRelatedInformation {
                    location: Location::new(related_uri, range),
                    message: related.message.clone(),
                })
            })
            .collect();
        lsp_types::Diagnostic {
            range: lines.range(diagnostic.span, self.encoding),
            severity: Some(match diagnostic.rule.severity {
                Severity::Error => DiagnosticSeverity::ERROR,
                Severity::Warning => DiagnosticSeverity::WARNING,
            }),
            code: Some(NumberOrString::String(code.to_string())),
            code_description: Url::parse(&diagnostic.rule.url())
                .ok()
                .map(|href| CodeDescription { href }),
            source: Some("cysafe".to_string()),
            message,
            related_information: Some(related),
            ..Default::default()
        }
    }

    /// The texts whose cimports a file sees: a `.pyx`'s `.pxd`, open or on disk, as
    /// `cysafe check` reads it.
    fn context_of(&self, path: &Path) -> Vec<String> {
        if path.extension().is_none_or(|ext| ext != "pyx") {
            return Vec::new();
        }
        let pxd = self.root.join(path.with_extension("pxd"));
        let source = match self
            .documents
            .values()
            .find(|document| document.path == pxd)
        {
            Some(document) => document.source().ok().map(str::to_string),
            None => crate::source::read_source(&pxd).ok(),
        };
        source.into_iter().collect()
    }

    /// The text of a file a related site points into: open, or read from disk.
    fn text_of(&self, path: &Path) -> Option<String> {
        let absolute = self.root.join(path);
        self.documents
            .values()
            .find(|document| document.path == absolute)
            .map(|document| document.text.clone())
            .or_else(|| crate::source::read_source(&absolute).ok())
    }

    fn pull_diagnostics(&mut self, params: DocumentDiagnosticParams) -> Value {
        let uri = params.text_document.uri;
        let version = self.current(&uri).map(|document| document.version);
        let items = self.lsp_diagnostics(&uri);
        let report = DocumentDiagnosticReportResult::Report(DocumentDiagnosticReport::Full(
            RelatedFullDocumentDiagnosticReport {
                related_documents: None,
                full_document_diagnostic_report: FullDocumentDiagnosticReport {
                    result_id: version.map(|version| version.to_string()),
                    items,
                },
            },
        ));
        serde_json::to_value(report).unwrap_or(Value::Null)
    }

    fn code_actions(&mut self, params: CodeActionParams) -> Value {
        let uri = params.text_document.uri;
        let encoding = self.encoding;
        let wants = |kind: &str| {
            params.context.only.as_ref().is_none_or(|only| {
                only.iter().any(|asked| {
                    kind == asked.as_str() || kind.starts_with(&format!("{}.", asked.as_str()))
                })
            })
        };
        let wants_quickfix = wants(CodeActionKind::QUICKFIX.as_str());
        let wants_fix_all = wants(FIX_ALL_KIND);
        let Some(document) = self.current(&uri) else {
            return Value::Array(Vec::new());
        };
        let diagnostics = document.diagnostics.clone().unwrap_or_default();
        let text = document.text.clone();
        let lines = Lines::new(&text);
        let start = lines.offset(params.range.start, encoding);
        let end = lines.offset(params.range.end, encoding);
        let mut actions = Vec::new();
        if wants_quickfix {
            for diagnostic in &diagnostics {
                // Any diagnostic the range touches, the cursor's line included.
                if diagnostic.span.start > end || diagnostic.span.end < start {
                    continue;
                }
                let lsp = self.lsp_diagnostic(&uri, &lines, diagnostic);
                let suppression = suppression_fix(&text, diagnostic);
                for fix in diagnostic.fix.iter().chain(suppression.iter()) {
                    actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                        title: fix.message.clone(),
                        kind: Some(CodeActionKind::QUICKFIX),
                        diagnostics: Some(vec![lsp.clone()]),
                        edit: Some(workspace_edit(&uri, &lines, fix, encoding)),
                        is_preferred: Some(
                            fix.applicability == Applicability::Safe
                                || diagnostic.fix.as_ref() == Some(fix),
                        ),
                        ..Default::default()
                    }));
                }
            }
        }
        if wants_fix_all {
            if let Some(fixed) = self.fix_all(&uri) {
                let whole = lsp_types::Range::new(
                    lsp_types::Position::new(0, 0),
                    lines.position(text.len(), encoding),
                );
                let mut changes = HashMap::new();
                changes.insert(uri.clone(), vec![TextEdit::new(whole, fixed)]);
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: "cysafe: apply every safe fix".to_string(),
                    kind: Some(CodeActionKind::new(FIX_ALL_KIND)),
                    edit: Some(WorkspaceEdit::new(changes)),
                    ..Default::default()
                }));
            }
        }
        serde_json::to_value(actions).unwrap_or(Value::Null)
    }

    /// The text with every safe fix applied, round after round as `check --fix` does;
    /// `None` when there is none.
    fn fix_all(&self, uri: &Url) -> Option<String> {
        let document = self.documents.get(uri)?;
        let project = self.project_of(&document.path);
        let mut text = document.text.clone();
        let mut diagnostics = document.diagnostics.clone()?;
        let mut changed = false;
        for _ in 0..10 {
            let safe = diagnostics
                .iter()
                .filter_map(|diagnostic| diagnostic.fix.as_ref())
                .filter(|fix| fix.applicability == Applicability::Safe);
            let (fixed, applied) = apply_fixes(&text, safe);
            if applied == 0 {
                break;
            }
            changed = true;
            text = fixed;
            let Ok(source) = decode_text(&text) else {
                break;
            };
            let context = self.context_of(&document.path);
            let context: Vec<&str> = context.iter().map(String::as_str).collect();
            let (check, _) = self.checker.check_parsed(
                &document.path,
                &source,
                &crate::parse::parse(&source, document.dialect),
                &project,
                &context,
            );
            diagnostics = match check.outcome {
                FileOutcome::Checked(diagnostics) => diagnostics,
                _ => break,
            };
        }
        changed.then_some(text)
    }
}

fn workspace_edit(uri: &Url, lines: &Lines<'_>, fix: &Fix, encoding: Encoding) -> WorkspaceEdit {
    let edits = fix
        .edits
        .iter()
        .map(|edit| TextEdit::new(lines.range(edit.span, encoding), edit.content.clone()))
        .collect();
    let mut changes = HashMap::new();
    changes.insert(uri.clone(), edits);
    WorkspaceEdit::new(changes)
}

fn new_checker(root: &Path) -> Checker {
    Checker::new(CheckerOptions {
        cwd: root.to_path_buf(),
        ..Default::default()
    })
    .expect("no exclude globs to parse")
}

/// Whether a text cimports `module` (`cimport module`, `from .module cimport ...`,
/// `from pkg.module cimport ...`, `from cython.cimports.module import ...`).
fn cimports(text: &str, module: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim_start();
        let named = if let Some(rest) = line.strip_prefix("cimport ") {
            rest
        } else if let Some(rest) = line.strip_prefix("from ") {
            rest.split_whitespace().next().unwrap_or_default()
        } else {
            return false;
        };
        named.split([',', ' ', '.']).any(|part| part == module)
    })
}

fn parse_params<P: serde::de::DeserializeOwned>(
    message: impl Into<Message>,
) -> Result<P, (ErrorCode, String)> {
    let params = match message.into() {
        Message::Request(request) => request.params,
        Message::Notification(notification) => notification.params,
        Message::Response(_) => Value::Null,
    };
    serde_json::from_value(params)
        .map_err(|error| (ErrorCode::InvalidParams, format!("bad parameters: {error}")))
}
