//! The checker: a worker thread that checks the workspace when asked, after a pause in typing,
//! and publishes what it found. The main loop goes on answering requests meanwhile.
//!
//! A change asks for a check [`DEBOUNCE`] later; a newer change pushes it back, so a burst of
//! typing costs one check. Opening or saving a document asks for one at once. A check reads the
//! open documents as typed and the declarations on disk in one run of the linter, the way
//! `roadmap-lint check` would read the workspace, so a proposal finds its department's
//! declaration, a declaration's change reaches the proposals that refer to it, and portfolio
//! rules see every department. A document that changed while its check ran gets nothing from
//! it: the check its change asked for publishes instead.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError};
use lsp_server::{Message, Notification};
use lsp_types::notification::{Notification as _, PublishDiagnostics};
use lsp_types::{Diagnostic, PublishDiagnosticsParams, Uri};

use super::diagnostics;
use super::position::Lines;
use super::workspace::{Analysis, Declared};
use super::{Server, lock};
use std::sync::Arc;

/// How long after a change the check starts: long enough to take a burst of keystrokes (and
/// an editor's change storm on paste) as one check, short enough that the diagnostics of a
/// declaration are out within 50 ms of the change (a check of one declaration takes a few
/// milliseconds; see docs/benchmarks.md).
pub const DEBOUNCE: Duration = Duration::from_millis(20);

/// What the main loop asks of the checker.
pub enum Job {
    /// Check after this delay (a later request moves an earlier one).
    Check(Duration),
    /// Read the settings, the packs and the declarations on disk again, then check.
    Reload,
    Stop,
}

/// The worker's loop: first the workspace scan, then checks as they are asked for.
pub fn work(server: &Server, jobs: &Receiver<Job>, scan: impl FnOnce()) {
    scan();
    let mut due: Option<Instant> = None;
    loop {
        let job = match due {
            None => jobs.recv().ok(),
            Some(at) => match jobs.recv_timeout(at.saturating_duration_since(Instant::now())) {
                Ok(job) => Some(job),
                Err(RecvTimeoutError::Timeout) => {
                    due = None;
                    check(server);
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => None,
            },
        };
        match job {
            None | Some(Job::Stop) => return,
            Some(Job::Reload) => {
                server.reload();
                due = Some(Instant::now());
            }
            Some(Job::Check(delay)) => {
                let at = Instant::now() + delay;
                // A check asked for at once is not put off by a pending debounce, nor a pending
                // immediate check by a later change: the sooner wins only for immediate ones.
                due = Some(match due {
                    Some(earlier) if delay.is_zero() => earlier.min(at),
                    _ => at,
                });
            }
        }
    }
}

/// Check the open declarations and proposals, over the workspace on disk, and publish their
/// findings.
pub fn check(server: &Server) {
    super::rule_files::check(server);
    let (checked, disk) = {
        let ws = lock(&server.workspace);
        (ws.inputs(), ws.disk.clone())
    };
    if checked.targets.is_empty() {
        return;
    }
    let as_of = server.as_of();
    let loaded = server.loaded();
    let linter = &loaded.linter;
    let mut options = linter.options().clone();
    // The evaluation date `check` would use: the editor's `as_of`, else the settings', else
    // each document's own `as_of` (then today), never a date of the editor's choosing alone.
    options.as_of = server.client_as_of.or(loaded.as_of);
    options.meta_store = Some(loaded.meta.clone());
    options.outside_cache = Some(loaded.outside.clone());
    // The open documents, as typed, in place of their files: the workspace a check on disk
    // would read if they were saved.
    let workspace = disk.map(|d| Arc::new(d.overlay(&checked.overlay, &*loaded.meta)));
    let declared = workspace.as_deref().map(declared).unwrap_or_default();
    options.workspace = workspace;
    let run = crate::run::run(&checked.inputs, linter.prepared(), &options);
    drop(checked.inputs);
    let dynamic: Vec<crate::diag::ToolDiagnostic> = run
        .diagnostics
        .get(linter.prepared().diagnostics.len()..)
        .unwrap_or_default()
        .to_vec();

    let mut ws = lock(&server.workspace);
    ws.declared = declared;
    let mut fresh: Vec<(Uri, i32, Analysis, Vec<Diagnostic>)> = Vec::new();
    for (uri, name, version) in checked.targets {
        // Closed, or changed while this check ran: the check its change asked for publishes.
        let Some(doc) = ws.open.get(&uri).filter(|d| d.version == version) else {
            continue;
        };
        let lines = Lines::new(&doc.text);
        let findings = run.findings_of(&name, None).to_vec();
        let place = |file: &str| {
            let text = run.source(file)?.text.to_string();
            Some((ws.uri_of(file)?, text))
        };
        let diags = findings
            .iter()
            .map(|f| diagnostics::finding(f, &lines, &run, &place))
            .collect();
        fresh.push((uri, version, Analysis { findings, as_of }, diags));
    }
    for (uri, version, analysis, diags) in fresh {
        ws.analyses.insert(uri.clone(), analysis);
        let unchanged = ws
            .published
            .get(&uri)
            .is_some_and(|(v, d)| *v == Some(version) && *d == diags);
        if !unchanged {
            server.publish(&uri, Some(version), diags.clone());
            ws.published.insert(uri, (Some(version), diags));
        }
    }
    drop(ws);
    server.publish_tool(&dynamic);
}

/// The ids each organisation's current declaration gives its services and systems, for
/// completion in proposals.
fn declared(workspace: &crate::workspace::Workspace) -> BTreeMap<String, Declared> {
    let catalogue = &workspace.catalogue;
    let mut out = BTreeMap::new();
    for organisation in catalogue.organisations() {
        let Some(d) = catalogue.current(organisation) else {
            continue;
        };
        let entry = &catalogue.entries[d.entry];
        let Some(meta) = entry.meta.docs.iter().find(|m| m.index == d.document) else {
            continue;
        };
        out.insert(
            organisation.to_string(),
            Declared {
                file: entry.name.clone(),
                services: meta.services.clone(),
                systems: meta.systems.clone(),
            },
        );
    }
    out
}

impl Server {
    /// Send a document's diagnostics to the client.
    pub fn publish(&self, uri: &Uri, version: Option<i32>, diagnostics: Vec<Diagnostic>) {
        let params = PublishDiagnosticsParams {
            uri: uri.clone(),
            diagnostics,
            version,
        };
        let _ = self.sender.send(Message::Notification(Notification::new(
            PublishDiagnostics::METHOD.to_string(),
            params,
        )));
    }

    /// Publish the tool diagnostics (the ones found at start, and `dynamic`, found by the
    /// latest check) on the files they concern, once each; clear files that have none left.
    pub fn publish_tool(&self, dynamic: &[crate::diag::ToolDiagnostic]) {
        dynamic.clone_into(&mut lock(&self.dynamic));
        let loaded = self.loaded();
        let all: Vec<crate::diag::ToolDiagnostic> =
            loaded.static_tool.iter().chain(dynamic).cloned().collect();
        let (mut by_file, loose) = diagnostics::tool(&all, loaded.config_file.as_deref());
        // An open rule document shows what its pack's load finds of its text as typed.
        let typed: BTreeSet<Uri> = lock(&self.workspace)
            .open
            .iter()
            .filter(|(_, d)| d.rule)
            .map(|(u, _)| u.clone())
            .collect();
        by_file.retain(|uri, _| !typed.contains(uri));
        let mut told = lock(&self.told);
        for text in loose {
            if told.insert(text.clone()) {
                self.show_message(lsp_types::MessageType::WARNING, text);
            }
        }
        drop(told);
        let mut published = lock(&self.tool_published);
        published.retain(|uri, _| !typed.contains(uri));
        let gone: BTreeSet<Uri> = published
            .keys()
            .filter(|u| !by_file.contains_key(*u))
            .cloned()
            .collect();
        for uri in gone {
            self.publish(&uri, None, Vec::new());
            published.remove(&uri);
        }
        for (uri, diags) in by_file {
            if published.get(&uri) != Some(&diags) {
                self.publish(&uri, None, diags.clone());
                published.insert(uri, diags);
            }
        }
    }

    /// Publish the tool diagnostics again, those of the latest check with them (when an open
    /// rule document closes, its file's diagnostics are those of its pack's load again).
    pub fn republish_tool(&self) {
        let dynamic = lock(&self.dynamic).clone();
        self.publish_tool(&dynamic);
    }

    /// Tell the user something in the editor's message area.
    pub fn show_message(&self, kind: lsp_types::MessageType, message: String) {
        let _ = self.sender.send(Message::Notification(Notification::new(
            lsp_types::notification::ShowMessage::METHOD.to_string(),
            lsp_types::ShowMessageParams { typ: kind, message },
        )));
    }
}
