//! What a run judges its inputs against beyond the inputs themselves, all from the workspace's
//! catalogue ([`crate::workspace::Catalogue`]), which always holds the run's own inputs too:
//!
//! - each declaration's previous declaration, by the one rule of [`crate::history`];
//! - each proposal's department declaration: its organisation's current declaration;
//! - for portfolio rules, the current declaration of every organisation the run does not
//!   check itself, whose `collect` values join those of the inputs.
//!
//! So a file gets the same findings whether it is checked alone, with its whole folder, or
//! open in an editor: what it is compared with never depends on what else was named.

use std::sync::Arc;

use crate::date::Date;
use crate::history::{Histories, History};
use crate::load::{Input, Limits};
use crate::workspace::{Catalogue, MetaStore, NoStore, Workspace, key_of};

use super::*;

/// The context of one run.
pub(super) struct Context {
    pub(super) catalogue: Arc<Catalogue>,
    pub(super) histories: Histories,
    /// The catalogue index of each input (`None`: it could not be read when catalogued).
    pub(super) entries: Vec<Option<usize>>,
    /// Each input's name as reports show it.
    names: Vec<String>,
}

/// Standard input read once, into bytes the run and its catalogue share.
pub(super) fn materialise(inputs: &[Input], limits: &Limits) -> Vec<Input> {
    inputs
        .iter()
        .map(|input| match input {
            Input::Stdin { name } => {
                use std::io::Read;
                let mut bytes = Vec::new();
                let _ = std::io::stdin()
                    .lock()
                    .take(limits.max_file_bytes.saturating_add(1))
                    .read_to_end(&mut bytes);
                Input::Bytes {
                    name: name.clone(),
                    bytes: Arc::from(bytes.into_boxed_slice()),
                }
            }
            other => other.clone(),
        })
        .collect()
}

/// The key of an input in the catalogue.
pub(super) fn input_key(input: &Input) -> String {
    match input {
        Input::File(p) => key_of(p),
        other => other.display_name(),
    }
}

impl Context {
    /// The context of a run over `inputs`: the options' workspace with the inputs added.
    pub(super) fn new(inputs: &[Input], options: &Options) -> Context {
        let store: &dyn MetaStore = options
            .meta_store
            .as_deref()
            .map_or(&NoStore as &dyn MetaStore, |s| s as &dyn MetaStore);
        let catalogue = match &options.workspace {
            Some(ws)
                if inputs
                    .iter()
                    .all(|i| ws.catalogue.index_of(&input_key(i)).is_some()) =>
            {
                ws.catalogue.clone()
            }
            Some(ws) => {
                let mut ws: Workspace = (**ws).clone();
                ws.add_inputs(&with_bytes(inputs), store);
                ws.catalogue
            }
            None => {
                let mut ws = Workspace::of_texts(&[], options.limits.clone());
                ws.add_inputs(&with_bytes(inputs), store);
                ws.catalogue
            }
        };
        let entries = inputs
            .iter()
            .map(|i| catalogue.index_of(&input_key(i)))
            .collect();
        let histories = Histories {
            given: options.history.clone(),
            revision: options.revision_history.clone(),
            workspace: Some(Arc::new(History::of_catalogue(&catalogue, &options.limits))),
        };
        Context {
            catalogue,
            histories,
            entries,
            names: inputs.iter().map(Input::display_name).collect(),
        }
    }

    /// The organisations the run's proposals name.
    fn proposal_organisations(&self) -> std::collections::BTreeSet<String> {
        self.entries
            .iter()
            .flatten()
            .flat_map(|&i| &self.catalogue.entries[i].meta.docs)
            .filter(|d| d.kind.as_deref() == Some("proposal"))
            .filter_map(|d| d.organisation.clone())
            .collect()
    }

    /// The department declaration of each organisation a proposal of the run names: its
    /// current declaration, parsed.
    pub(super) fn declarations(&self, limits: &Limits) -> Vec<Declaration> {
        let mut out = Vec::new();
        for organisation in self.proposal_organisations() {
            let Some(d) = self.catalogue.current(&organisation) else {
                continue;
            };
            let entry = &self.catalogue.entries[d.entry];
            let Some(bytes) = entry.bytes(limits.max_file_bytes) else {
                continue;
            };
            let Ok(text) = std::str::from_utf8(&bytes) else {
                continue;
            };
            // Named as the run names it when it is one of the inputs.
            let name = self
                .entries
                .iter()
                .position(|e| *e == Some(d.entry))
                .map_or_else(|| entry.name.clone(), |i| self.names[i].clone());
            let source = crate::source::SourceFile::new(name, text.to_string());
            let docs = crate::load::yaml::parse(&source.text, limits);
            if let Some(root) = docs
                .into_iter()
                .find(|doc| doc.index == d.document)
                .and_then(|doc| doc.root)
            {
                out.push(Declaration {
                    organisation,
                    document: d.document,
                    value: crate::engine::to_dynamic(&root),
                    source,
                    root,
                });
            }
        }
        out
    }

    /// The size of some entries' files, in bytes.
    pub(super) fn bytes_of(&self, entries: &[usize]) -> usize {
        entries
            .iter()
            .filter_map(|&e| match &self.catalogue.entries[e].text {
                crate::workspace::Text::File(p) => std::fs::metadata(p).ok().map(|m| m.len()),
                crate::workspace::Text::Memory(b) => Some(b.len() as u64),
            })
            .fold(0usize, |sum, n| {
                sum.saturating_add(usize::try_from(n).unwrap_or(usize::MAX))
            })
    }

    /// The date portfolio rules judge the portfolio on: `--as-of`, else the options' portfolio
    /// date (a `progress` snapshot's), else the latest `as_of` among the run's documents and
    /// the workspace's current declarations, else today. The latest date is the state of the
    /// portfolio, the same whichever files of the workspace a command names.
    pub(super) fn portfolio_date(&self, options: &Options) -> Date {
        options
            .as_of
            .or(options.portfolio_as_of)
            .or_else(|| {
                let inputs = self
                    .entries
                    .iter()
                    .flatten()
                    .flat_map(|&i| &self.catalogue.entries[i].meta.docs)
                    .filter(|d| d.valid)
                    .filter_map(|d| d.as_of);
                let currents = self.catalogue.currents().into_iter().map(|d| d.as_of);
                inputs.chain(currents).max()
            })
            .unwrap_or_else(Date::today)
    }

    /// For portfolio rules, each organisation's latest valid declaration dated on or before
    /// the portfolio date, where it is not one of the run's inputs: catalogue indices, in
    /// catalogue order.
    pub(super) fn portfolio_entries(&self, date: Date) -> Vec<usize> {
        let inputs: std::collections::BTreeSet<usize> =
            self.entries.iter().flatten().copied().collect();
        let mut out: Vec<usize> = self
            .catalogue
            .organisations()
            .filter_map(|o| {
                self.catalogue
                    .declarations_of(o)
                    .iter()
                    .rev()
                    .find(|d| d.valid && d.as_of <= date)
            })
            .map(|d| d.entry)
            .filter(|e| !inputs.contains(e))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// Inputs as the catalogue takes them: bytes in memory where the input is held there.
fn with_bytes(inputs: &[Input]) -> Vec<(Input, Option<Arc<[u8]>>)> {
    inputs
        .iter()
        .map(|i| match i {
            Input::Bytes { bytes, .. } => (i.clone(), Some(bytes.clone())),
            _ => (i.clone(), None),
        })
        .collect()
}

impl Declaration {
    /// How the run records it.
    pub(super) fn used(&self) -> DeclarationUsed {
        DeclarationUsed {
            organisation: self.organisation.clone(),
            file: self.source.name.clone(),
            document: self.document,
            source: Arc::new(crate::source::SourceFile::new(
                self.source.name.clone(),
                self.source.text.clone(),
            )),
        }
    }
}
