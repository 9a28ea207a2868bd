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
use crate::node::{Node, Value};
use crate::run::Run;

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

/// Check the workspace and publish the findings of every open declaration or proposal.
pub fn check(server: &Server) {
    let (inputs, targets) = lock(&server.workspace).inputs();
    if targets.is_empty() {
        return;
    }
    let as_of = server.as_of();
    let loaded = server.loaded();
    let linter = &loaded.linter;
    let mut options = linter.options().clone();
    options.as_of = Some(as_of);
    options.keep_trees = true;
    let mut run = crate::run::run(&inputs, linter.prepared(), &options);
    drop(inputs);
    let declared = declared(&mut run);
    let dynamic: Vec<crate::diag::ToolDiagnostic> = run
        .diagnostics
        .get(linter.prepared().diagnostics.len()..)
        .unwrap_or_default()
        .to_vec();

    let mut ws = lock(&server.workspace);
    ws.declared = declared;
    let mut fresh: Vec<(Uri, i32, Analysis, Vec<Diagnostic>)> = Vec::new();
    for (uri, name, version) in targets {
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
        let kinds = run
            .documents
            .iter()
            .filter(|d| d.file == name)
            .map(|d| d.kind.clone())
            .collect();
        fresh.push((
            uri,
            version,
            Analysis {
                version,
                findings,
                as_of,
                kinds,
            },
            diags,
        ));
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

/// The ids each organisation's first department declaration gives its services and systems,
/// from the run's trees, which are dropped afterwards.
fn declared(run: &mut Run) -> BTreeMap<String, Declared> {
    let mut out: BTreeMap<String, Declared> = BTreeMap::new();
    let trees = std::mem::take(&mut run.trees);
    for (doc, tree) in run.documents.iter().zip(trees) {
        let (Some(org), Some(root)) = (&doc.organisation, tree) else {
            continue;
        };
        if doc.kind.as_deref() != Some("department") || out.contains_key(org) {
            continue;
        }
        let ids = |list: Option<&Node>| -> Vec<(String, Option<String>)> {
            match list.map(|n| &n.value) {
                Some(Value::Seq(items)) => items
                    .iter()
                    .filter_map(|i| {
                        let id = i.get("id")?.as_str()?.to_string();
                        Some((id, i.get("name").and_then(Node::as_str).map(str::to_string)))
                    })
                    .collect(),
                _ => Vec::new(),
            }
        };
        out.insert(
            org.clone(),
            Declared {
                file: doc.file.clone(),
                services: ids(root.get("services")),
                systems: ids(root.get("technology").and_then(|t| t.get("systems"))),
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
        let loaded = self.loaded();
        let all: Vec<crate::diag::ToolDiagnostic> =
            loaded.static_tool.iter().chain(dynamic).cloned().collect();
        let (by_file, loose) = diagnostics::tool(&all, loaded.config_file.as_deref());
        let mut told = lock(&self.told);
        for text in loose {
            if told.insert(text.clone()) {
                self.show_message(lsp_types::MessageType::WARNING, text);
            }
        }
        drop(told);
        let mut published = lock(&self.tool_published);
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

    /// Tell the user something in the editor's message area.
    pub fn show_message(&self, kind: lsp_types::MessageType, message: String) {
        let _ = self.sender.send(Message::Notification(Notification::new(
            lsp_types::notification::ShowMessage::METHOD.to_string(),
            lsp_types::ShowMessageParams { typ: kind, message },
        )));
    }
}
