//! Earlier declarations of the same organisation, for the rules that judge a change over time
//! ("increase mobile access", emissions that fall, services that move towards great). A
//! department document's rules see, as `ctx.previous`, the latest valid declaration of its
//! organisation whose own `as_of` is before its own; `()` when there is none, and those rules
//! then say they could not judge.
//!
//! One rule decides a declaration's previous declaration, the same in every command and in the
//! language server ([`Histories::previous`]): the latest earlier declaration of its
//! organisation given with `--previous FILE`; else its own file's version at `--previous-rev
//! REV`; else the latest earlier declaration of its organisation in the workspace (current
//! files, dated snapshot folders, other documents of the run). Dates are the documents' own
//! `as_of`, never `--as-of`, which only moves the day rules judge on. Each earlier declaration
//! knows where it came from ([`Origin`]), and a finding that compares with it names it.

pub mod git;

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use rhai::Dynamic;

use crate::date::Date;
use crate::diag::ToolDiagnostic;
use crate::finding::Severity;
use crate::load::{self, Input, Limits};
use crate::node::Node;
use crate::schema;

/// Where an earlier declaration came from, as findings that compare with it name it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum Origin {
    /// A file of the workspace or of the run, by its path relative to the workspace root.
    File { path: String },
    /// A file given with `--previous`, as named.
    Given { path: String },
    /// A file's version at a git revision.
    Git {
        revision: String,
        commit: String,
        path: String,
    },
}

/// How an earlier declaration's value is had: already made, or read on first use from its
/// text (so that a workspace's history costs nothing until a rule asks for it).
#[derive(Debug)]
struct Lazy {
    cell: OnceLock<Dynamic>,
    text: Option<Arc<[u8]>>,
    reread: Option<Arc<crate::workspace::Entry>>,
    limits: Limits,
}

impl Lazy {
    fn value(&self, document: usize) -> Dynamic {
        self.cell
            .get_or_init(|| {
                let bytes = match (&self.text, &self.reread) {
                    (Some(b), _) => Some(b.clone()),
                    (None, Some(entry)) => entry.bytes(self.limits.max_file_bytes),
                    (None, None) => None,
                };
                bytes
                    .and_then(|b| {
                        let text = std::str::from_utf8(&b).ok()?.to_string();
                        let docs = load::yaml::parse(&text, &self.limits);
                        let root = docs.into_iter().find(|d| d.index == document)?.root?;
                        Some(crate::engine::to_dynamic(&root))
                    })
                    .unwrap_or(Dynamic::UNIT)
            })
            .clone()
    }
}

/// One earlier declaration.
#[derive(Debug, Clone)]
pub struct Earlier {
    /// Its own `as_of`.
    pub as_of: Date,
    /// Where it was read, as shown in reports.
    pub file: String,
    pub document: usize,
    /// Its file holds several documents (so what compares with it names which).
    pub several: bool,
    pub origin: Origin,
    /// The hash of its file's content, when known: with its origin, what a cached outcome
    /// that compared with it is keyed by.
    pub source_hash: Option<crate::hash::ContentHash>,
    value: Arc<Lazy>,
}

impl Earlier {
    /// An earlier declaration whose value is at hand.
    pub fn new(
        as_of: Date,
        file: String,
        document: usize,
        origin: Origin,
        value: Dynamic,
    ) -> Earlier {
        let cell = OnceLock::new();
        let _ = cell.set(value);
        Earlier {
            as_of,
            file,
            document,
            several: false,
            origin,
            source_hash: None,
            value: Arc::new(Lazy {
                cell,
                text: None,
                reread: None,
                limits: Limits::default(),
            }),
        }
    }

    /// An earlier declaration read from `text` when first used.
    pub fn from_text(
        as_of: Date,
        file: String,
        document: usize,
        origin: Origin,
        text: Arc<[u8]>,
        limits: &Limits,
    ) -> Earlier {
        Earlier {
            as_of,
            file,
            document,
            several: false,
            origin,
            source_hash: Some(crate::hash::ContentHash::of(&text)),
            value: Arc::new(Lazy {
                cell: OnceLock::new(),
                text: Some(text),
                reread: None,
                limits: limits.clone(),
            }),
        }
    }

    /// What identifies it for the cache: its origin and its file's content; `None` when the
    /// content is not known.
    pub fn identity(&self) -> Option<crate::hash::ContentHash> {
        let mut h = crate::hash::Hasher::new();
        h.part(self.describe()).part(self.source_hash?.0);
        Some(h.finish())
    }

    /// The declaration, as rules see it (`()` when its file can no longer be read as it was).
    pub fn value(&self) -> Dynamic {
        self.value.value(self.document)
    }

    /// What a finding says it compared with: `snapshots/2026-09/dfe.yaml (as_of 2026-09-30)`,
    /// or `declarations/dfe.yaml at main (commit 1a2b3c4d, as_of 2026-09-30)`.
    pub fn describe(&self) -> String {
        let document = if self.document > 0 || self.several {
            format!(", document {}", self.document + 1)
        } else {
            String::new()
        };
        match &self.origin {
            Origin::File { path } | Origin::Given { path } => {
                format!("{path}{document} (as_of {})", self.as_of)
            }
            Origin::Git {
                revision,
                commit,
                path,
            } => {
                let short = commit.get(..10).unwrap_or(commit);
                format!(
                    "{path}{document} at {revision} (commit {short}, as_of {})",
                    self.as_of
                )
            }
        }
    }
}

/// Earlier declarations by organisation, each list in `as_of` order.
#[derive(Debug, Clone, Default)]
pub struct History {
    by_organisation: BTreeMap<String, Vec<Earlier>>,
    /// What was wrong with the files it was read from: a run reports them.
    pub problems: Vec<ToolDiagnostic>,
    /// Whether a run says which of its declarations it compared with nothing: so for
    /// `--previous`, whose files the user named; not for the history `progress` carries from
    /// one snapshot to the next.
    pub given: bool,
    /// Where it was read from, as reports say it (`git main (commit 1a2b3c4d5e)`), when
    /// that is not a set of files.
    pub source: Option<String>,
}

impl History {
    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.by_organisation.is_empty()
    }

    /// Add a declaration. Of two of one organisation with the same date, the first added stays
    /// (input order, as for the declarations proposals are checked against).
    pub fn add(&mut self, organisation: &str, earlier: Earlier) {
        let list = self
            .by_organisation
            .entry(organisation.to_string())
            .or_default();
        match list.binary_search_by(|e| e.as_of.cmp(&earlier.as_of)) {
            Ok(_) => {}
            Err(at) => list.insert(at, earlier),
        }
    }

    /// Warnings for the declarations given with `--previous` that no declaration of the run
    /// can be compared with: their organisation is not in the run, or every declaration of it
    /// in the run is dated on or before theirs. `declared` holds each department declaration
    /// of the run as (organisation, its own `as_of`).
    pub fn unused(&self, declared: &[(&str, Date)]) -> Vec<ToolDiagnostic> {
        let mut latest_of: BTreeMap<&str, Date> = BTreeMap::new();
        for &(organisation, day) in declared {
            let latest = latest_of.entry(organisation).or_insert(day);
            *latest = (*latest).max(day);
        }
        let mut out = Vec::new();
        for (organisation, list) in &self.by_organisation {
            let latest = latest_of.get(organisation.as_str()).copied();
            for e in list {
                let why = match latest {
                    None => format!("no declaration of {organisation} is in this run"),
                    Some(d) if d <= e.as_of => format!(
                        "it is dated {}, and no declaration of {organisation} in this run is later (the latest is {d})",
                        e.as_of
                    ),
                    Some(_) => continue,
                };
                out.push(
                    ToolDiagnostic::new(
                        crate::diag::Code::PreviousInvalid,
                        format!(
                            "{} was given with --previous but compared with nothing: {why}",
                            crate::run::place(&e.file, e.document)
                        ),
                    )
                    .severity(Severity::Warning)
                    .file(e.file.clone())
                    .help("`--previous` takes a declaration of an organisation checked in this run, dated before the one checked"),
                );
            }
        }
        out
    }

    /// The latest declaration of `organisation` dated before `day`.
    pub fn before(&self, organisation: &str, day: Date) -> Option<&Earlier> {
        let list = self.by_organisation.get(organisation)?;
        let at = list.partition_point(|e| e.as_of < day);
        at.checked_sub(1).map(|i| &list[i])
    }

    /// The valid department declarations of the inputs (`--previous`): a file that cannot be
    /// read, or a document that is not a valid declaration, is a diagnostic; the others count.
    pub fn from_inputs(inputs: &[Input], limits: &Limits) -> History {
        let mut history = History {
            given: true,
            ..History::default()
        };
        let mut diags = Vec::new();
        for input in inputs {
            let loaded = match load::load(input, limits) {
                Ok(l) => l,
                Err(e) => {
                    diags.push(ToolDiagnostic::from(e));
                    continue;
                }
            };
            let before = diags.len();
            // Why a document cannot be compared with: its first error, at its line.
            let problem = |p: &load::Problem, doc: Option<usize>| {
                let place = match doc {
                    Some(d) => crate::run::place(&loaded.source.name, d),
                    None => loaded.source.name.clone(),
                };
                ToolDiagnostic::new(
                    crate::diag::Code::PreviousInvalid,
                    format!(
                        "{place} cannot be compared with: {} ({})",
                        p.message,
                        p.code.id()
                    ),
                )
                .severity(Severity::Warning)
                .at(&loaded.source, p.span)
                .label(p.label.clone().unwrap_or_else(|| "here".into()))
                .help(format!(
                    "{}; `--previous` takes earlier declarations of the organisations checked",
                    p.help
                ))
            };
            if let Some(p) = loaded
                .problems
                .iter()
                .find(|p| p.severity == Severity::Error)
            {
                diags.push(problem(p, None));
                continue;
            }
            for doc in &loaded.docs {
                if let Some(p) = doc.problems.iter().find(|p| p.severity == Severity::Error) {
                    diags.push(problem(p, Some(doc.index)));
                    continue;
                }
                let Some(root) = &doc.root else { continue };
                match declaration(root) {
                    Some((organisation, as_of)) => history.add(
                        &organisation,
                        Earlier::new(
                            as_of,
                            loaded.source.name.clone(),
                            doc.index,
                            Origin::Given {
                                path: loaded.source.name.clone(),
                            },
                            crate::engine::to_dynamic(root),
                        ),
                    ),
                    None => diags.push(
                        ToolDiagnostic::new(
                            crate::diag::Code::PreviousInvalid,
                            format!(
                                "{} is not a valid department declaration with an `as_of` date, so it cannot be compared with",
                                crate::run::place(&loaded.source.name, doc.index)
                            ),
                        )
                        .severity(Severity::Warning)
                        .file(loaded.source.name.clone())
                        .help("`--previous` takes earlier declarations of the organisations checked; run `roadmap-lint check` on it to see what is wrong"),
                    ),
                }
            }
            if diags.len() == before && loaded.docs.iter().all(|d| d.root.is_none()) {
                diags.push(
                    ToolDiagnostic::new(
                        crate::diag::Code::PreviousInvalid,
                        format!("{} holds no declaration", loaded.source.name),
                    )
                    .severity(Severity::Warning)
                    .file(loaded.source.name.clone())
                    .help("`--previous` takes earlier declarations of the organisations checked"),
                );
            }
        }
        history.problems = diags;
        history
    }
}

impl History {
    /// Every valid, dated department declaration of a catalogue, each read when first used.
    pub fn of_catalogue(catalogue: &crate::workspace::Catalogue, limits: &Limits) -> History {
        let mut history = History::default();
        for organisation in catalogue.organisations() {
            // Highest-ranked first, so that of one date the one that ranks highest stays.
            for d in catalogue.declarations_of(organisation).iter().rev() {
                if !d.valid {
                    continue;
                }
                let entry = &catalogue.entries[d.entry];
                history.add(
                    organisation,
                    Earlier {
                        as_of: d.as_of,
                        file: entry.name.clone(),
                        document: d.document,
                        several: entry.meta.docs.len() > 1,
                        source_hash: Some(entry.hash),
                        origin: Origin::File {
                            path: entry.rel.clone(),
                        },
                        value: Arc::new(Lazy {
                            cell: OnceLock::new(),
                            text: match &entry.text {
                                crate::workspace::Text::Memory(b) => Some(b.clone()),
                                crate::workspace::Text::File(_) => None,
                            },
                            reread: Some(entry.clone()),
                            limits: limits.clone(),
                        }),
                    },
                );
            }
        }
        history
    }
}

impl History {
    /// Every valid, dated department declaration under the workspace `root` as committed at
    /// `revision` (`--previous-rev`), each read when first used and named by commit and path.
    /// `Err`: the root is in no repository, or the revision names no commit. Files that cannot
    /// be read at the revision are [`History::problems`].
    pub fn at_revision(
        root: &std::path::Path,
        revision: &str,
        filter: &git::Filter,
        limits: &Limits,
    ) -> Result<History, ToolDiagnostic> {
        let mut repo = git::Repo::open(root)?;
        let commit = repo.resolve(revision)?;
        let (blobs, problems) = repo.files_at(&commit, filter);
        let mut history = History {
            problems,
            source: Some(format!("git {revision} (commit {})", commit.short())),
            ..History::default()
        };
        for blob in blobs {
            let meta = crate::workspace::catalogue::FileMeta::read(&blob.path, &blob.bytes, limits);
            for doc in &meta.docs {
                let (true, true, Some(organisation), Some(as_of)) =
                    (doc.valid, doc.is_department(), &doc.organisation, doc.as_of)
                else {
                    continue;
                };
                let mut earlier = Earlier::from_text(
                    as_of,
                    format!("{} at {}", blob.path, commit.short()),
                    doc.index,
                    Origin::Git {
                        revision: revision.to_string(),
                        commit: commit.id.clone(),
                        path: blob.path.clone(),
                    },
                    blob.bytes.clone(),
                    limits,
                );
                earlier.several = meta.docs.len() > 1;
                history.add(organisation, earlier);
            }
        }
        Ok(history)
    }
}

/// Where a run's previous declarations come from, in the order [`Histories::previous`]
/// consults them.
#[derive(Debug, Clone, Default)]
pub struct Histories {
    /// `--previous FILE`.
    pub given: Option<Arc<History>>,
    /// `--previous-rev REV`: each checked file's version at REV.
    pub revision: Option<Arc<History>>,
    /// The workspace's declarations (and the run's own).
    pub workspace: Option<Arc<History>>,
}

impl Histories {
    /// The one rule: the latest earlier declaration of `organisation` given with
    /// `--previous`; else the one at `--previous-rev`; else the latest earlier one in the
    /// workspace.
    pub fn previous(&self, organisation: &str, day: Date) -> Option<&Earlier> {
        [&self.given, &self.revision, &self.workspace]
            .into_iter()
            .flatten()
            .find_map(|h| h.before(organisation, day))
    }

    /// What the run's history is read from, as reports say it.
    pub fn describe(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.given.as_ref().is_some_and(|h| !h.is_empty()) {
            out.push("--previous".to_string());
        }
        if let Some(h) = &self.revision {
            out.push(h.source.clone().unwrap_or_else(|| "--previous-rev".into()));
        }
        if self.workspace.is_some() {
            out.push("workspace".to_string());
        }
        out
    }
}

/// The organisation and own `as_of` of a valid department declaration.
pub fn declaration(root: &Node) -> Option<(String, Date)> {
    if schema::kind_of(root).ok() != Some("department") {
        return None;
    }
    let as_of = declared_as_of(root)?;
    let organisation =
        schema::kind("department")?.text_at(root, schema::kind("department")?.organisation)?;
    schema::validate("department", root)
        .is_empty()
        .then_some((organisation, as_of))
}

/// A document's own `as_of`.
pub fn declared_as_of(root: &Node) -> Option<Date> {
    root.get("as_of")
        .and_then(Node::as_str)
        .and_then(Date::parse)
}
