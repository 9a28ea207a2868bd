//! `roadmap-lint server`: a Language Server Protocol server over standard input and output, so
//! that an editor shows the linter's findings as the user types, explains fields and findings
//! on hover, completes keys and values, and offers fixes; and, in a rule pack's scripts, shows
//! the pack loader's diagnostics as the author types, with the rule API on hover and completion.
//!
//! It is built on the [`Linter`] API, with rust-analyzer's two protocol crates: `lsp-types`
//! (the protocol's messages as Rust types) and `lsp-server` (JSON-RPC messages and the
//! initialize handshake over crossbeam channels). Both are synchronous: the server is a loop
//! over a channel and one worker thread, with no async runtime to bring in or reason about, and
//! they are maintained with rust-analyzer, which exercises them against every major editor.
//! The stdio transport is our own ([`transport`]), to bound the size of a message.
//!
//! The modules: [`transport`] (framing), this one (the main loop: requests and notifications),
//! [`workspace`] (documents and files), [`check`] (the checking worker and publishing),
//! [`diagnostics`] (findings as LSP diagnostics), [`position`] (UTF-16 positions), [`hover`],
//! [`actions`] (code actions), [`completion`], and their helpers [`fields`] (the JSON Schema by
//! path) and [`outline`] (where the cursor is in a YAML document); for a pack's `.rhai` files,
//! [`rule_files`] (diagnostics of the text as typed) and [`rule_api`] (hover and completion).
//!
//! The library never prints: everything goes to the client through the connection.

// `lsp_types::Uri` caches parts of itself in cells, so clippy calls it a mutable key; its
// ordering and hash read only its text, which never changes.
#![allow(clippy::mutable_key_type)]

pub mod actions;
pub mod check;
pub mod completion;
pub mod diagnostics;
pub mod fields;
pub mod handshake;
pub mod hover;
pub mod outline;
pub mod position;
pub mod rule_api;
pub mod rule_files;
pub mod transport;
pub mod workspace;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::Duration;

use crossbeam_channel::{Sender, select};
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument,
    DidSaveTextDocument, Notification as _,
};
use lsp_types::request::{CodeActionRequest, Completion, HoverRequest, Request as _};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, CompletionOptions, Diagnostic,
    HoverProviderCapability, InitializeParams, SaveOptions, ServerCapabilities,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, Uri,
};

use crate::Linter;
use crate::config::Config;
use crate::date::Date;
use crate::diag::ToolDiagnostic;
use crate::run::Options;

use check::{DEBOUNCE, Job};
use workspace::{Open, Workspace};

/// The settings of a workspace folder, as the command line merges the config file and its
/// flags (`src/cli/settings.rs`), so the server reads a config as `check` does.
pub struct Configured {
    pub options: Options,
    /// The config file read, if any.
    pub config: Option<Config>,
    /// The config file that was found, even when it could not be read.
    pub config_file: Option<PathBuf>,
    /// Problems with the config file (the options are then those without it).
    pub problems: Vec<ToolDiagnostic>,
    /// Where the workspace starts, and which of its files are read, as for every command.
    pub root: Option<crate::workspace::Root>,
    pub selection: crate::workspace::Selection,
    /// Whether the workspace on disk is read (`--no-workspace`: only the open documents).
    pub scan: bool,
}

/// How to read the settings of a workspace folder (none when the editor opened no folder).
pub type Configure = Box<dyn Fn(Option<&Path>) -> Configured + Send + Sync>;

/// What a workspace's settings load: the linter with its packs, and what is known of them.
pub struct Loaded {
    pub linter: Linter,
    pub words: fields::RuleWords,
    pub config_file: Option<PathBuf>,
    /// Problems with the config and the packs, found once when they were loaded.
    pub static_tool: Vec<ToolDiagnostic>,
    /// The evaluation date the settings fix (`--as-of`, or the config's `as_of`).
    pub as_of: Option<Date>,
    pub root: Option<crate::workspace::Root>,
    pub selection: crate::workspace::Selection,
    pub scan: bool,
    /// Each workspace file's documents, by content, kept while the settings stand.
    pub meta: Arc<crate::workspace::MemoryStore>,
    /// What portfolio rules kept of the files outside a check, kept while the settings stand.
    pub outside: Arc<crate::run::OutsideCache>,
}

impl Loaded {
    fn new(configured: Configured) -> Loaded {
        let as_of = configured.options.as_of;
        let linter = Linter::new(configured.options);
        let mut static_tool = configured.problems;
        static_tool.extend(linter.diagnostics().iter().cloned());
        if let Some(config) = &configured.config {
            static_tool.extend(config.check_rule_ids(&linter.prepared().known));
        }
        Loaded {
            words: fields::RuleWords::new(linter.rules()),
            root: configured.root,
            selection: configured.selection,
            scan: configured.scan,
            meta: Arc::default(),
            outside: Arc::default(),
            linter,
            config_file: configured
                .config
                .as_ref()
                .and_then(|c| c.path.clone())
                .or(configured.config_file),
            static_tool,
            as_of,
        }
    }

    /// Whether a path is a file of the settings: the config file or a file of a rule pack.
    fn owns(&self, path: &Path) -> bool {
        self.config_file.as_deref() == Some(path)
            || self
                .linter
                .options()
                .packs
                .dirs
                .iter()
                .any(|d| std::path::absolute(d).is_ok_and(|d| path.starts_with(d)))
    }
}

/// The server's state, shared by the main loop and the checker.
pub struct Server {
    configure: Configure,
    root: Option<PathBuf>,
    /// `as_of` from the editor's initialization options; it wins over the settings.
    pub client_as_of: Option<Date>,
    loaded: RwLock<Arc<Loaded>>,
    pub workspace: Mutex<Workspace>,
    sender: Sender<Message>,
    /// Messages already shown, so each is shown once.
    told: Mutex<BTreeSet<String>>,
    tool_published: Mutex<BTreeMap<Uri, Vec<Diagnostic>>>,
    /// The tool diagnostics the latest check found.
    dynamic: Mutex<Vec<ToolDiagnostic>>,
}

/// A lock, even when a thread panicked while holding it: the state is plain data, valid between
/// any two statements.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Server {
    /// The loaded settings and packs.
    pub fn loaded(&self) -> Arc<Loaded> {
        self.loaded
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// The evaluation date: the editor's `as_of`, else the settings', else today.
    pub fn as_of(&self) -> Date {
        self.client_as_of
            .or(self.loaded().as_of)
            .unwrap_or_else(Date::today)
    }

    /// Read the settings and packs again, and the declarations on disk (on the worker: loading
    /// packs and scanning a folder take time).
    pub fn reload(&self) {
        let loaded = Arc::new(Loaded::new((self.configure)(self.root.as_deref())));
        *self
            .loaded
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = loaded;
        // The packs may have changed: open rule documents are checked again.
        lock(&self.workspace).rules_checked.clear();
        self.scan();
        self.publish_tool(&[]);
    }

    /// Read the workspace on disk: every declaration and proposal of it, as a check reads them.
    fn scan(&self) {
        let loaded = self.loaded();
        let Some(root) = loaded.root.clone() else {
            return;
        };
        let disk = crate::workspace::Workspace::open(
            root,
            loaded.selection.clone(),
            loaded.linter.options().limits.clone(),
            loaded.scan,
            &*loaded.meta,
        );
        lock(&self.workspace).disk = Some(Arc::new(disk));
    }

    /// Read files of the workspace on disk again (changed, created, deleted or closed).
    fn refresh(&self, paths: &[PathBuf]) {
        let loaded = self.loaded();
        let mut ws = lock(&self.workspace);
        if let Some(disk) = ws.disk.as_mut() {
            Arc::make_mut(disk).refresh(paths, &*loaded.meta);
        }
    }
}

/// How the session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// `exit` after `shutdown`, as the protocol asks.
    Clean,
    /// `exit` without `shutdown`, or the client went away.
    Abrupt,
}

/// Serve one client over standard input and output until it exits.
pub fn serve(configure: Configure) -> std::io::Result<Ending> {
    let transport = transport::stdio()?;
    let ending = serve_on(&transport, configure);
    transport.finish();
    Ok(ending)
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(true),
                })),
                ..TextDocumentSyncOptions::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        completion_provider: Some(CompletionOptions {
            // `.` and `"` for rule files: `ctx.params.`, a path in `lookup("`.
            trigger_characters: Some(vec![
                ":".into(),
                "[".into(),
                ",".into(),
                "-".into(),
                ".".into(),
                "\"".into(),
            ]),
            ..CompletionOptions::default()
        }),
        ..ServerCapabilities::default()
    }
}

/// The workspace folder the client names: its first workspace folder, else its root URI.
#[allow(deprecated)] // `root_uri`: older clients send only that
fn root_of(params: &InitializeParams) -> Option<PathBuf> {
    params
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .map(|f| &f.uri)
        .or(params.root_uri.as_ref())
        .and_then(workspace::uri_path)
        .filter(|p| p.is_dir())
}

fn serve_on(transport: &transport::Transport, configure: Configure) -> Ending {
    let connection = &transport.connection;
    let Some((id, params)) = handshake::start(connection) else {
        return Ending::Abrupt;
    };
    let params: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let root = root_of(&params);
    let client_as_of = params
        .initialization_options
        .as_ref()
        .and_then(|o| o.get("as_of"))
        .and_then(serde_json::Value::as_str)
        .and_then(Date::parse);
    let loaded = Loaded::new(configure(root.as_deref()));
    let server = Arc::new(Server {
        configure,
        root: root.clone(),
        client_as_of,
        loaded: RwLock::new(Arc::new(loaded)),
        workspace: Mutex::new(Workspace {
            root,
            ..Workspace::default()
        }),
        sender: connection.sender.clone(),
        told: Mutex::new(BTreeSet::new()),
        tool_published: Mutex::new(BTreeMap::new()),
        dynamic: Mutex::new(Vec::new()),
    });
    let result = serde_json::json!({
        "capabilities": capabilities(),
        "serverInfo": { "name": "roadmap-lint", "version": env!("CARGO_PKG_VERSION") },
    });
    if handshake::finish(connection, id, result).is_none() {
        return Ending::Abrupt;
    }
    server.publish_tool(&[]);
    watch_files(&server, &params);

    let (jobs, job_queue) = crossbeam_channel::unbounded::<Job>();
    let worker = {
        let server = server.clone();
        // The stack rule code needs (`engine::budget`): checks run rules on this thread.
        std::thread::Builder::new()
            .name("roadmap-lint-check".into())
            .stack_size(crate::engine::budget::STACK_BYTES)
            .spawn(move || {
                crate::engine::budget::mark_large_stack();
                check::work(&server, &job_queue, || server.scan())
            })
    };
    let Ok(worker) = worker else {
        return Ending::Abrupt;
    };
    let ending = main_loop(&server, transport, &jobs);
    let _ = jobs.send(Job::Stop);
    let _ = worker.join();
    ending
}

fn main_loop(server: &Server, transport: &transport::Transport, jobs: &Sender<Job>) -> Ending {
    let connection = &transport.connection;
    let mut shut_down = false;
    loop {
        select! {
            recv(connection.receiver) -> message => {
                let Ok(message) = message else { return Ending::Abrupt };
                match message {
                    Message::Request(request) if shut_down => {
                        respond_error(server, request.id, ErrorCode::InvalidRequest, "the server is shutting down");
                    }
                    Message::Request(request) if request.method == "shutdown" => {
                        shut_down = true;
                        let _ = jobs.send(Job::Stop);
                        let _ = server.sender.send(Response::new_ok(request.id, ()).into());
                    }
                    Message::Request(request) => handle_request(server, request),
                    Message::Notification(n) if n.method == "exit" => {
                        return if shut_down { Ending::Clean } else { Ending::Abrupt };
                    }
                    Message::Notification(n) if !shut_down => handle_notification(server, jobs, n),
                    Message::Notification(_) | Message::Response(_) => {}
                }
            }
            recv(transport.refused) -> refused => {
                let Ok(refused) = refused else { continue };
                let text = match refused {
                    transport::Refused::TooLarge(n) => format!(
                        "roadmap-lint: a message of {n} bytes was ignored: messages are limited to {} bytes",
                        transport::MAX_MESSAGE
                    ),
                    transport::Refused::Malformed(e) => format!("roadmap-lint: a message that is not JSON-RPC was ignored: {e}"),
                };
                server.show_message(lsp_types::MessageType::WARNING, text);
            }
        }
    }
}

fn respond_error(server: &Server, id: RequestId, code: ErrorCode, message: &str) {
    let _ = server
        .sender
        .send(Response::new_err(id, code as i32, message.to_string()).into());
}

fn respond<T: serde::Serialize>(server: &Server, id: RequestId, result: T) {
    let response = match serde_json::to_value(result) {
        Ok(value) => Response {
            id,
            response_result: Ok(value),
        },
        Err(e) => Response::new_err(id, ErrorCode::InternalError as i32, e.to_string()),
    };
    let _ = server.sender.send(response.into());
}

fn handle_request(server: &Server, request: Request) {
    let Request { id, method, params } = request;
    macro_rules! answer {
        ($kind:ty, $handler:path) => {
            match serde_json::from_value::<<$kind as lsp_types::request::Request>::Params>(params) {
                Ok(p) => respond(server, id, $handler(server, p)),
                Err(e) => respond_error(server, id, ErrorCode::InvalidParams, &e.to_string()),
            }
        };
    }
    match method.as_str() {
        HoverRequest::METHOD if rule_api::is_rule_request(server, &params) => {
            answer!(HoverRequest, rule_api::hover)
        }
        Completion::METHOD if rule_api::is_rule_request(server, &params) => {
            answer!(Completion, rule_api::complete)
        }
        HoverRequest::METHOD => answer!(HoverRequest, hover::hover),
        CodeActionRequest::METHOD => answer!(CodeActionRequest, actions::code_actions),
        Completion::METHOD => answer!(Completion, completion::complete),
        _ => respond_error(
            server,
            id,
            ErrorCode::MethodNotFound,
            &format!("no method `{method}`"),
        ),
    }
}

fn handle_notification(server: &Server, jobs: &Sender<Job>, n: Notification) {
    match n.method.as_str() {
        DidOpenTextDocument::METHOD => {
            if let Ok(p) = n.extract(DidOpenTextDocument::METHOD) {
                did_open(server, jobs, p);
            }
        }
        DidChangeTextDocument::METHOD => {
            if let Ok(p) = n.extract(DidChangeTextDocument::METHOD) {
                did_change(server, jobs, p);
            }
        }
        DidSaveTextDocument::METHOD => {
            if let Ok(p) = n.extract(DidSaveTextDocument::METHOD) {
                did_save(server, jobs, p);
            }
        }
        DidChangeWatchedFiles::METHOD => {
            if let Ok(p) = n.extract(DidChangeWatchedFiles::METHOD) {
                files_changed(server, jobs, p);
            }
        }
        DidCloseTextDocument::METHOD => {
            if let Ok(p) = n.extract(DidCloseTextDocument::METHOD) {
                did_close(server, jobs, p);
            }
        }
        _ => {}
    }
}

/// Ask the worker to check the open documents after `delay`.
fn check_after(jobs: &Sender<Job>, delay: Duration) {
    let _ = jobs.send(Job::Check(delay));
}

/// A document opened: remember it, and check it at once if it is a declaration or proposal.
fn did_open(server: &Server, jobs: &Sender<Job>, p: lsp_types::DidOpenTextDocumentParams) {
    let doc = p.text_document;
    let rule = rule_files::is_rule_file(&doc.uri);
    let ours = !rule && workspace::is_ours(&doc.text);
    lock(&server.workspace).open.insert(
        doc.uri.clone(),
        Open {
            name: workspace::name_of(&doc.uri),
            text: Arc::from(doc.text),
            version: doc.version,
            ours,
            rule,
        },
    );
    if rule {
        // Its file's diagnostics are now those of its text as typed.
        server.republish_tool();
    }
    if ours || rule {
        check_after(jobs, Duration::ZERO);
    }
}

/// A document changed: keep its new text, and check it after a pause in typing.
fn did_change(server: &Server, jobs: &Sender<Job>, p: lsp_types::DidChangeTextDocumentParams) {
    let mut ws = lock(&server.workspace);
    let Some(doc) = ws.open.get_mut(&p.text_document.uri) else {
        return;
    };
    // Full synchronisation: the last change holds the whole text.
    if let Some(change) = p.content_changes.into_iter().last() {
        doc.text = Arc::from(change.text);
    }
    doc.version = p.text_document.version;
    doc.ours = doc.ours || (!doc.rule && workspace::is_ours(&doc.text));
    if doc.ours || doc.rule {
        check_after(jobs, DEBOUNCE);
    }
}

/// A document saved: a config or rule pack file reloads the settings; any other document is
/// checked at once.
fn did_save(server: &Server, jobs: &Sender<Job>, p: lsp_types::DidSaveTextDocumentParams) {
    let path = workspace::uri_path(&p.text_document.uri);
    let settings = |p: &Path| {
        server.loaded().owns(p) || p.file_name().is_some_and(|n| n == crate::config::FILE_NAME)
    };
    if path.as_deref().is_some_and(settings) {
        let _ = jobs.send(Job::Reload);
        return;
    }
    let mut ws = lock(&server.workspace);
    if let Some(doc) = ws.open.get_mut(&p.text_document.uri) {
        if let Some(text) = p.text {
            doc.text = Arc::from(text);
        }
        doc.ours = doc.ours || (!doc.rule && workspace::is_ours(&doc.text));
        if doc.ours || doc.rule {
            check_after(jobs, Duration::ZERO);
        }
    }
}

/// Ask the client to tell the server about YAML files changed outside the editor (a `git
/// pull`, another tool), when it can: the declarations proposals are checked against and the
/// config then stay current without a reload.
fn watch_files(server: &Server, params: &InitializeParams) {
    let dynamic = params
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|d| d.dynamic_registration)
        .unwrap_or(false);
    if !dynamic {
        return;
    }
    let watchers = ["**/*.yaml", "**/*.yml"]
        .into_iter()
        .map(|glob| lsp_types::FileSystemWatcher {
            glob_pattern: lsp_types::GlobPattern::String(glob.into()),
            kind: None,
        })
        .collect();
    let registration = lsp_types::Registration {
        id: "roadmap-lint-watch".into(),
        method: DidChangeWatchedFiles::METHOD.into(),
        register_options: serde_json::to_value(
            lsp_types::DidChangeWatchedFilesRegistrationOptions { watchers },
        )
        .ok(),
    };
    let request = lsp_server::Request::new(
        RequestId::from("roadmap-lint-watch".to_string()),
        "client/registerCapability".into(),
        lsp_types::RegistrationParams {
            registrations: vec![registration],
        },
    );
    let _ = server.sender.send(request.into());
}

/// Files changed on disk: each is read again into the workspace (or left out, when deleted or
/// no longer a declaration or proposal); a change to the config or a pack file reloads the
/// settings; then the open documents are checked again.
fn files_changed(server: &Server, jobs: &Sender<Job>, p: lsp_types::DidChangeWatchedFilesParams) {
    let mut paths = Vec::new();
    for event in p.changes {
        let Some(path) = workspace::uri_path(&event.uri) else {
            continue;
        };
        let settings = server.loaded().owns(&path)
            || path
                .file_name()
                .is_some_and(|n| n == crate::config::FILE_NAME);
        if settings {
            let _ = jobs.send(Job::Reload);
            return;
        }
        paths.push(path);
    }
    if paths.is_empty() {
        return;
    }
    server.refresh(&paths);
    if lock(&server.workspace).open.values().any(|d| d.ours) {
        check_after(jobs, DEBOUNCE);
    }
}

/// A document closed: forget it and its diagnostics; what is on disk now stands for it in the
/// other documents' checks, which run again.
fn did_close(server: &Server, jobs: &Sender<Job>, p: lsp_types::DidCloseTextDocumentParams) {
    let uri = p.text_document.uri;
    let mut ws = lock(&server.workspace);
    let Some(doc) = ws.open.remove(&uri) else {
        return;
    };
    ws.analyses.remove(&uri);
    ws.rules_checked.remove(&uri);
    if ws.published.remove(&uri).is_some() {
        server.publish(&uri, None, Vec::new());
    }
    drop(ws);
    if doc.rule {
        // Its file's diagnostics are those of its pack's load from disk again.
        server.republish_tool();
    }
    if let Some(path) = workspace::uri_path(&uri) {
        server.refresh(&[path]);
    }
    if doc.ours && lock(&server.workspace).open.values().any(|d| d.ours) {
        check_after(jobs, DEBOUNCE);
    }
}
