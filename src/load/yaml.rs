//! YAML text into spanned [`Node`] trees, one per document, with the defences a linter of
//! untrusted files needs: a nesting limit, a budget for alias expansion, and diagnostics for
//! duplicate keys, merge keys, complex keys and foreign tags. The parser is driven event by event
//! with an explicit stack, so no input can recurse deeply in our code.

use crate::diag::Code;
use std::collections::HashMap;
use std::collections::hash_map::Entry as KeyEntry;

use saphyr_parser::{Event, Parser, ScalarStyle, Span as YSpan, Tag};

use super::scalar::{core_scalar, number_out_of_range, out_of_range, resolve_plain};
use super::{Limits, Problem, tag};
use crate::node::{Entry, Held, Node, Value, Weight};
use crate::source::Span;

/// One YAML document of a file. `root` is `None` when the document could not be built; its
/// problems say why.
#[derive(Debug)]
pub struct ParsedDoc {
    pub index: usize,
    pub root: Option<Node>,
    pub problems: Vec<Problem>,
}

/// What anchors and aliases have copied in a file so far. The budgets are the file's, not each
/// document's: a file of a thousand documents must not get a thousand budgets.
#[derive(Debug, Clone, Copy, Default)]
struct Spent {
    /// Nodes added by aliases.
    alias_nodes: usize,
    /// Memory taken by every copy, anchors' and aliases' (see [`Weight::cost`]).
    memory: usize,
    /// Memory the file's trees hold once loaded and handed to the rules, by the model of
    /// [`Held`]: every node built, copied by an alias or kept for an anchor.
    held: usize,
}

enum Frame {
    Seq {
        items: Vec<Node>,
        start: usize,
        anchor: usize,
    },
    Map {
        entries: Vec<Entry>,
        /// Each key given so far, with where it was first given, once the map is large enough
        /// for an index to beat a scan of its entries ([`first_given`]).
        keys: Option<HashMap<String, Span>>,
        pending: Option<(String, Span)>,
        start: usize,
        anchor: usize,
    },
}

struct Builder<'l> {
    limits: &'l Limits,
    text: &'l str,
    /// A (char offset, byte offset) pair at or before the last scalar, to map offsets cheaply.
    cursor: (usize, usize),
    stack: Vec<Frame>,
    anchors: HashMap<usize, (Node, Weight)>,
    /// What anchors and aliases have copied so far in this file.
    spent: Spent,
    /// Most memory copies may take in this file (see [`copy_budget`]).
    budget: usize,
    /// Most memory the file's trees may hold (see [`memory_budget`]).
    memory_budget: usize,
    root: Option<Node>,
    problems: Problems,
}

/// The problems of one document, capped: a file of a million duplicate keys or tags gets
/// [`MAX_PROBLEMS`] diagnostics and one note, not a million diagnostics.
#[derive(Default)]
struct Problems {
    list: Vec<Problem>,
    dropped: usize,
}

/// Most problems reported for one document.
pub const MAX_PROBLEMS: usize = 100;

/// Longest value (a scalar) in bytes. A value any longer is a problem at its first character:
/// rules quote values in their messages, and a rule's strings are capped at 1 MiB.
pub const MAX_SCALAR_BYTES: usize = 64 * 1024;

/// Most documents read from one file.
pub const MAX_DOCUMENTS: usize = 1_000;

impl Problems {
    fn push(&mut self, problem: Problem) {
        if self.list.len() < MAX_PROBLEMS {
            self.list.push(problem);
        } else {
            self.dropped += 1;
        }
    }

    /// The problems, with a note saying how many were left out. A fatal problem (one that
    /// stopped the document) is always kept.
    fn into_vec(mut self, fatal: Option<Problem>) -> Vec<Problem> {
        if self.dropped > 0
            && let Some(last) = self.list.last().map(|p| p.span)
        {
            self.list.push(
                Problem::new(
                    Code::YamlTooManyProblems,
                    format!(
                        "{} more problems in this document are not shown",
                        self.dropped
                    ),
                    last,
                )
                .severity(crate::finding::Severity::Info)
                .label("the last problem shown")
                .help(format!(
                    "only the first {MAX_PROBLEMS} problems of a document are reported; fix \
                     these and run again"
                )),
            );
        }
        self.list.extend(fatal);
        self.list
    }
}

/// A name from the document, cut short for a message (a key may be megabytes long).
pub(super) fn shorten(text: &str) -> String {
    const MAX: usize = 60;
    match text.char_indices().nth(MAX) {
        None => text.to_string(),
        Some((cut, _)) => format!("{}…", &text[..cut]),
    }
}

fn span_of(s: &YSpan) -> Span {
    Span::new(s.start.index(), s.end.index())
}

/// The first problem (of error severity) of a YAML file the tool reads for itself with a
/// general-purpose reader (a pack's `pack.yaml` and data files, a `--weights` file): read
/// first with the declarations' own parser and limits, so that nesting, aliases, tags,
/// duplicate keys and long values are judged the same way everywhere, in time linear in the
/// file, before the other reader sees it (on nested brackets, it took seconds per 20 KB).
pub fn first_error(text: &str, limits: &Limits) -> Option<Problem> {
    parse(text, limits)
        .into_iter()
        .flat_map(|d| d.problems)
        .find(|p| p.severity == crate::finding::Severity::Error)
}

/// Parse every document of `text`. Stops at the first syntax error or exceeded limit, keeping
/// the documents completed before it.
pub fn parse(text: &str, limits: &Limits) -> Vec<ParsedDoc> {
    let mut docs = Vec::new();
    let mut parser = Parser::new_from_str(text);
    let mut current: Option<Builder> = None;
    // What aliases have added in the documents finished so far, and where the last one left
    // its cursor: each document takes up the text where the one before ended (a cursor back at
    // the start of the file for every document made a file of many documents quadratic).
    let mut spent = Spent::default();
    let mut cursor = (0, 0);
    loop {
        let (event, yspan) = match parser.next_event() {
            None => break,
            Some(Ok(ev)) => ev,
            Some(Err(err)) => {
                let at = err.marker().index();
                let problem = if err.info() == PARSER_FLOW_LIMIT {
                    // The scanner reads ahead through brackets before it hands us events, so its
                    // own cap (255 levels) can fire before our depth limit sees the nesting.
                    too_deep(
                        limits.max_depth.min(PARSER_FLOW_DEPTH),
                        Span::new(at, at + 1),
                    )
                } else {
                    Problem::new(
                        Code::YamlSyntax,
                        format!("YAML syntax error: {}", err.info()),
                        Span::new(at, at + 1),
                    )
                    .label("the parser stopped here")
                    .help(
                        "check the indentation and the brackets or quotes opened before this \
                         point; every key needs a `:` and a space after it",
                    )
                };
                let builder = current
                    .take()
                    .unwrap_or_else(|| Builder::new(limits, text, spent, cursor));
                docs.push(builder.finish(docs.len(), Some(problem)));
                return docs;
            }
        };
        let span = span_of(&yspan);
        match event {
            Event::StreamStart | Event::Nothing => {}
            Event::StreamEnd => break,
            Event::DocumentStart(_) if docs.len() >= MAX_DOCUMENTS => {
                // Each document costs a report entry and a schema check; a 7.8 MB file of
                // `--- 1` lines is 1.3 million documents, which exhausted 1 GiB.
                let problem = Problem::new(
                    Code::YamlTooManyDocuments,
                    format!("file holds more than {MAX_DOCUMENTS} documents"),
                    Span::new(span.start, span.start + 1),
                )
                .label("this document is one too many")
                .help(
                    "split the file; a declaration file normally holds one document, and the \
                     documents after this one are not read",
                );
                docs.push(
                    Builder::new(limits, text, spent, cursor).finish(docs.len(), Some(problem)),
                );
                return docs;
            }
            Event::DocumentStart(_) => current = Some(Builder::new(limits, text, spent, cursor)),
            Event::DocumentEnd => {
                if let Some(builder) = current.take() {
                    spent = builder.spent;
                    cursor = builder.cursor;
                    docs.push(builder.finish(docs.len(), None));
                }
            }
            other => {
                let builder =
                    current.get_or_insert_with(|| Builder::new(limits, text, spent, cursor));
                if let Err(problem) = builder.event(other, span) {
                    let builder = current.take().expect("builder exists");
                    docs.push(builder.finish(docs.len(), Some(*problem)));
                    return docs;
                }
            }
        }
    }
    if let Some(builder) = current.take() {
        docs.push(builder.finish(docs.len(), None));
    }
    docs
}

impl<'l> Builder<'l> {
    fn new(limits: &'l Limits, text: &'l str, spent: Spent, cursor: (usize, usize)) -> Self {
        Builder {
            limits,
            text,
            cursor,
            stack: Vec::new(),
            anchors: HashMap::new(),
            spent,
            budget: copy_budget(text),
            memory_budget: memory_budget(text),
            root: None,
            problems: Problems::default(),
        }
    }

    /// The document, or what is left of it after a `fatal` problem stopped it.
    fn finish(self, index: usize, fatal: Option<Problem>) -> ParsedDoc {
        ParsedDoc {
            index,
            root: if fatal.is_none() { self.root } else { None },
            problems: self.problems.into_vec(fatal),
        }
    }

    /// Handle one event. An `Err` stops the file: the tree can no longer be trusted.
    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), Box<Problem>> {
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                let span = match style {
                    ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => self.quoted_span(span),
                    _ => span,
                };
                let value = if text.len() > MAX_SCALAR_BYTES {
                    // Kept out of the tree: no rule could quote it, and every later stage
                    // would copy it.
                    self.problems.push(
                        Problem::new(
                            Code::YamlValueTooLong,
                            format!(
                                "a value of {} bytes is longer than the limit of {MAX_SCALAR_BYTES} bytes",
                                text.len()
                            ),
                            Span::new(span.start, span.start + 1),
                        )
                        .label("this value is too long")
                        .help(
                            "declarations state facts in a few words: shorten it, or link to a \
                             document that holds the full text",
                        ),
                    );
                    Value::Null
                } else {
                    self.scalar(&text, style, tag.as_deref(), span)
                };
                let node = Node { value, span };
                self.hold(own_held(&node), span)?;
                self.complete(node, anchor)
            }
            Event::SequenceStart(anchor, tag) => self.open(false, anchor, tag.as_deref(), span),
            Event::MappingStart(anchor, tag) => self.open(true, anchor, tag.as_deref(), span),
            Event::SequenceEnd | Event::MappingEnd => {
                let node = match self.stack.pop() {
                    Some(Frame::Seq {
                        mut items,
                        start,
                        anchor,
                    }) => (
                        Node {
                            // Vectors grew by doubling; the tree is held while the file is
                            // checked, so no room is kept that nothing will fill.
                            value: Value::Seq({
                                items.shrink_to_fit();
                                items
                            }),
                            span: Span::new(start, span.end.max(start)),
                        },
                        anchor,
                    ),
                    Some(Frame::Map {
                        mut entries,
                        start,
                        anchor,
                        ..
                    }) => (
                        Node {
                            value: Value::Map({
                                entries.shrink_to_fit();
                                entries
                            }),
                            span: Span::new(start, span.end.max(start)),
                        },
                        anchor,
                    ),
                    None => return Ok(()),
                };
                self.hold(own_held(&node.0), node.0.span)?;
                self.complete(node.0, node.1)
            }
            Event::Alias(id) => self.alias(id, span),
            _ => Ok(()),
        }
    }

    /// An alias: a copy of its anchor's value, priced in nodes, memory and depth.
    fn alias(&mut self, id: usize, span: Span) -> Result<(), Box<Problem>> {
        let Some((_, weight)) = self.anchors.get(&id) else {
            return Err(Box::new(
                Problem::new(Code::YamlSyntax, "alias refers to an unknown anchor", span)
                    .help("define the anchor (`&name`) before using it (`*name`)"),
            ));
        };
        // Each alias is a copy of its anchor, priced in nodes and in memory, so that
        // neither many small copies nor a few copies of a long text can make the tree
        // grow faster than the file.
        let weight = *weight;
        self.spent.alias_nodes = self.spent.alias_nodes.saturating_add(weight.nodes);
        if self.spent.alias_nodes > self.limits.max_alias_nodes {
            return Err(Box::new(alias_limit(
                format!(
                    "aliases expand to more than {} nodes (a \"billion laughs\" alias bomb?)",
                    self.limits.max_alias_nodes
                ),
                "raise the limit with `--max-alias-nodes` if this file is genuine",
                span,
            )));
        }
        self.charge(weight, span)?;
        if self.hold(weight.held(), span).is_err() {
            // Over the file's memory budget because of what aliases copy: an alias bomb,
            // reported as one.
            return Err(Box::new(alias_limit(
                format!(
                    "with what aliases copy, the file would take more than {} MiB of memory \
                     to check (an alias byte bomb?)",
                    self.memory_budget >> 20
                ),
                "each copy is held by the tree and by the values the rules read",
                span,
            )));
        }
        // The copy nests as deep as its anchor's value does, from here: the depth limit
        // holds for the tree as expanded, not only as written.
        if self.stack.len().saturating_add(weight.height) > self.limits.max_depth {
            return Err(Box::new(
                too_deep(self.limits.max_depth, Span::new(span.start, span.start + 1))
                    .label("this alias copies a value that nests too deep here"),
            ));
        }
        let Some((node, _)) = self.anchors.get(&id) else {
            return Ok(());
        };
        let mut node = node.clone();
        node.span = span;
        self.complete(node, 0)
    }

    /// The byte offset of character `at` of the text, found from the last one asked for (the
    /// parser's events come in order), or `None` past the end.
    fn byte_of(&mut self, at: usize) -> Option<usize> {
        if at < self.cursor.0 {
            self.cursor = (0, 0);
        }
        let (mut c, mut b) = self.cursor;
        let mut chars = self.text[b..].chars();
        while c < at {
            let ch = chars.next()?;
            c += 1;
            b += ch.len_utf8();
        }
        self.cursor = (c, b);
        Some(b)
    }

    /// A tag as the file writes it, read where its node starts (character `at`).
    fn written_tag(&mut self, tag: &Tag, at: usize) -> String {
        let rest = self.byte_of(at).map_or("", |b| &self.text[b..]);
        tag::written(tag, rest)
    }

    /// The parser's end marker for a quoted scalar lies past any trailing comment; find the
    /// closing quote in the text instead.
    fn quoted_span(&mut self, span: Span) -> Span {
        let Some(b) = self.byte_of(span.start) else {
            return span;
        };
        let mut chars = self.text[b..].chars();
        let Some(quote) = chars.next() else {
            return span;
        };
        let mut len = 1;
        while let Some(ch) = chars.next() {
            len += 1;
            if quote == '"' && ch == '\\' {
                if chars.next().is_some() {
                    len += 1;
                }
            } else if ch == quote {
                if quote == '\'' && chars.clone().next() == Some('\'') {
                    chars.next();
                    len += 1;
                } else {
                    return Span::new(span.start, span.start + len);
                }
            }
        }
        span
    }

    fn check_collection_tag(&mut self, tag: Option<&Tag>, span: Span) {
        if let Some(tag) = tag
            && !(tag.is_yaml_core_schema() && matches!(tag.suffix.as_str(), "map" | "seq"))
        {
            let written = self.written_tag(tag, span.start);
            self.problems.push(tag::foreign(tag, &written, span));
        }
    }

    /// Count a copy of a subtree against the file's copy budget.
    fn charge(&mut self, weight: Weight, span: Span) -> Result<(), Box<Problem>> {
        self.spent.memory = self.spent.memory.saturating_add(weight.cost());
        if self.spent.memory > self.budget {
            return Err(Box::new(alias_limit(
                format!(
                    "anchors and aliases copy more than {} bytes, {COPY_FACTOR} times the \
                     file's size (an alias byte bomb?)",
                    self.budget
                ),
                "an alias copies its anchor's whole value each time it is used",
                span,
            )));
        }
        Ok(())
    }

    /// Count memory the file's trees will hold against the file's memory budget.
    fn hold(&mut self, bytes: usize, span: Span) -> Result<(), Box<Problem>> {
        self.spent.held = self.spent.held.saturating_add(bytes);
        let budget = self.memory_budget;
        if self.spent.held > budget {
            return Err(Box::new(
                Problem::new(
                    Code::InputTooComplex,
                    format!(
                        "the file would take more than {} MiB of memory to check: its budget \
                         is {MEMORY_PER_BYTE} bytes per byte of the file, and {} MiB",
                        budget >> 20,
                        MEMORY_BASE >> 20
                    ),
                    Span::new(span.start, span.start + 1),
                )
                .label("the file goes over its memory budget here")
                .help(
                    "a file of many tiny values (`{a: 1}` mappings, one-character items) costs \
                     far more memory than its size; split it, or write fewer, larger values",
                ),
            ));
        }
        Ok(())
    }

    /// A node is complete: record its anchor and attach it to its parent.
    fn complete(&mut self, node: Node, anchor: usize) -> Result<(), Box<Problem>> {
        if anchor != 0 {
            // The anchor keeps a copy of its value for later aliases: priced like one, so that
            // anchors nested in anchors cannot copy the file once per level.
            let weight = node.weight();
            self.charge(weight, node.span)?;
            self.hold(weight.held(), node.span)?;
            self.anchors.insert(anchor, (node.clone(), weight));
        }
        match self.stack.last_mut() {
            None => {
                self.root = Some(node);
            }
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries,
                keys,
                pending,
                ..
            }) => match pending.take() {
                Some((key, key_span)) => entries.push(Entry {
                    key,
                    key_span,
                    value: node,
                }),
                None => {
                    let key = match &node.value {
                        Value::Str(s) => s.clone(),
                        Value::Int(i) => i.to_string(),
                        Value::Bool(b) => b.to_string(),
                        Value::Float(f) => f.to_string(),
                        Value::Null => {
                            self.problems.push(
                                Problem::new(
                                    Code::YamlComplexKey,
                                    "a mapping key is empty",
                                    node.span,
                                )
                                .help("give every value a key name"),
                            );
                            String::new()
                        }
                        Value::Seq(_) | Value::Map(_) => {
                            self.problems.push(
                                Problem::new(
                                    Code::YamlComplexKey,
                                    "a list or mapping is used as a key",
                                    node.span,
                                )
                                .help("declaration keys are plain names such as `services`"),
                            );
                            String::new()
                        }
                    };
                    if key == "<<" {
                        self.problems.push(
                            Problem::new(
                                Code::YamlMergeKey,
                                "merge keys (`<<`) are not supported",
                                node.span,
                            )
                            .label("merge key")
                            .help(
                                "merge keys are not part of YAML 1.2 and hide where a value \
                                 comes from; write the keys out in full",
                            ),
                        );
                    } else if let Some(first) = first_given(entries, keys, &key, node.span) {
                        self.problems.push(
                            Problem::new(
                                Code::YamlDuplicateKey,
                                format!("duplicate key `{}`", shorten(&key)),
                                node.span,
                            )
                            .label("this key is given again")
                            .help(
                                "YAML keeps only one of the values and silently drops the \
                                 other; remove or rename one of them",
                            )
                            .related(first, "first given here"),
                        );
                    }
                    *pending = Some((key, node.span));
                }
            },
        }
        Ok(())
    }

    /// Resolve a scalar by the YAML 1.2 core schema. Quoted scalars are strings, unless a core
    /// tag says otherwise; a core tag must fit the value it is on, and a number must lie within
    /// [`MAX_NUMBER`] either way.
    fn scalar(&mut self, text: &str, style: ScalarStyle, tag: Option<&Tag>, span: Span) -> Value {
        let value = match tag {
            None if style != ScalarStyle::Plain => return Value::Str(text.to_string()),
            None => resolve_plain(text),
            // The non-specific tag `!`: a string.
            Some(tag) if tag.handle.is_empty() && tag.suffix == "!" => {
                return Value::Str(text.to_string());
            }
            Some(tag) if tag.is_yaml_core_schema() && tag.suffix == "str" => {
                return Value::Str(text.to_string());
            }
            Some(tag) => match core_scalar(tag, &self.written_tag(tag, span.start), text, span) {
                Ok(value) => value,
                Err(problem) => {
                    self.problems.push(problem);
                    return Value::Null;
                }
            },
        };
        if out_of_range(&value, text) {
            self.problems.push(number_out_of_range(text, span));
            return Value::Null;
        }
        value
    }
}

impl Builder<'_> {
    /// A list or mapping starts: check its tag and the depth limit, then push its frame.
    fn open(
        &mut self,
        is_map: bool,
        anchor: usize,
        tag: Option<&Tag>,
        span: Span,
    ) -> Result<(), Box<Problem>> {
        self.check_collection_tag(tag, span);
        if self.stack.len() >= self.limits.max_depth {
            return Err(Box::new(too_deep(
                self.limits.max_depth,
                Span::new(span.start, span.start + 1),
            )));
        }
        let start = span.start;
        self.stack.push(if is_map {
            Frame::Map {
                entries: Vec::new(),
                keys: None,
                pending: None,
                start,
                anchor,
            }
        } else {
            Frame::Seq {
                items: Vec::new(),
                start,
                anchor,
            }
        });
        Ok(())
    }
}

/// Where `key` was first given in a map whose entries so far are `entries`, if it was. Most
/// maps are small: a scan of their entries is cheaper than hashing and copying every key. A map
/// grown past [`INDEXED_FROM`] entries gets an index, so that a file of a million keys stays
/// linear. Merge keys (`<<`) are reported on their own and never count as given.
fn first_given(
    entries: &[Entry],
    index: &mut Option<HashMap<String, Span>>,
    key: &str,
    span: Span,
) -> Option<Span> {
    const INDEXED_FROM: usize = 16;
    let counted = |e: &&Entry| e.key != "<<";
    if index.is_none() && entries.len() >= INDEXED_FROM {
        let mut built = HashMap::with_capacity(entries.len() * 2);
        for e in entries.iter().filter(counted) {
            built.entry(e.key.clone()).or_insert(e.key_span);
        }
        *index = Some(built);
    }
    match index {
        Some(index) => match index.entry(key.to_string()) {
            KeyEntry::Occupied(first) => Some(*first.get()),
            KeyEntry::Vacant(v) => {
                v.insert(span);
                None
            }
        },
        None => entries
            .iter()
            .filter(counted)
            .find(|e| e.key == key)
            .map(|e| e.key_span),
    }
}

/// The message saphyr-parser's scanner gives when brackets nest more than 255 deep.
const PARSER_FLOW_LIMIT: &str = "recursion limit exceeded";
/// saphyr-parser counts flow (bracket) nesting in a `u8`.
const PARSER_FLOW_DEPTH: usize = 255;

/// How much memory the copies made by anchors and aliases may take in one file, as a multiple of
/// the file's size. A tree costs at most about 24 bytes of memory per byte of text (a flow list
/// of one-digit numbers, 48 bytes a node), so any file may anchor its whole content once; what
/// aliases add is bounded by the same multiple, never by their number.
pub const COPY_FACTOR: usize = 32;
/// The copy budget of a small file.
pub const MIN_COPY_BUDGET: usize = 1 << 20;

/// Most memory the trees of one file may hold, by the model of [`Held`], per byte of the
/// file: with the file's text and the findings, a run stays within 64 bytes per input byte
/// above its base (docs/security.md, "Memory").
pub const MEMORY_PER_BYTE: usize = 48;
/// What any file may hold, however small.
pub const MEMORY_BASE: usize = 4 << 20;

fn memory_budget(text: &str) -> usize {
    text.len()
        .saturating_mul(MEMORY_PER_BYTE)
        .saturating_add(MEMORY_BASE)
}

/// What a just-built node holds itself: a scalar, or a list or mapping without its items and
/// keys (they were counted as they were built).
fn own_held(node: &Node) -> usize {
    match &node.value {
        Value::Str(s) => Held::NODE + Held::STRING + Held::TEXT_BYTE.saturating_mul(s.len()),
        Value::Seq(_) => Held::NODE + Held::LIST,
        // Its keys were counted as the scalars they were built from.
        Value::Map(entries) if entries.is_empty() => Held::NODE + Held::MAP,
        Value::Map(_) => Held::NODE + Held::MAP + Held::FILLED_MAP,
        _ => Held::NODE,
    }
}

fn copy_budget(text: &str) -> usize {
    text.len().saturating_mul(COPY_FACTOR).max(MIN_COPY_BUDGET)
}

fn alias_limit(message: String, raise: &str, span: Span) -> Problem {
    Problem::new(Code::YamlAliasLimit, message, span)
        .label("expanding this alias goes over the limit")
        .help(format!(
            "write the values out instead of repeating them through aliases; {raise}"
        ))
}

fn too_deep(limit: usize, span: Span) -> Problem {
    Problem::new(
        Code::YamlTooDeep,
        format!("nesting is deeper than the limit of {limit} levels"),
        span,
    )
    .label("this level is one too many")
    .help(
        "declarations need only a few levels; raise the limit with `--max-depth` if this file is \
         genuine (brackets `[` `{` cannot nest more than 255 levels whatever the limit)",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(text: &str, limits: &Limits) -> Vec<&'static str> {
        parse(text, limits)
            .iter()
            .flat_map(|d| d.problems.iter().map(|p| p.code.id()))
            .collect()
    }

    #[test]
    fn brackets_past_the_parser_cap_are_too_deep() {
        let text = format!("{}{}", "[".repeat(300), "]".repeat(300));
        let docs = parse(&text, &Limits::default());
        let p = &docs[0].problems[0];
        assert_eq!(p.code, "yaml-too-deep");
        assert!(p.message.contains("limit of 64"), "{}", p.message);
        let generous = Limits {
            max_depth: 1000,
            ..Limits::default()
        };
        let docs = parse(&text, &generous);
        assert!(docs[0].problems[0].message.contains("limit of 255"));
    }

    #[test]
    fn problems_are_capped_with_one_note() {
        let text = "a: 1\n".repeat(MAX_PROBLEMS + 51);
        let codes = codes(&text, &Limits::default());
        assert_eq!(codes.len(), MAX_PROBLEMS + 1);
        assert_eq!(codes[MAX_PROBLEMS], "yaml-too-many-problems");
        let docs = parse(&text, &Limits::default());
        assert!(
            docs[0].problems[MAX_PROBLEMS]
                .message
                .starts_with("50 more")
        );
        // A capped document still parses: duplicate keys are not fatal.
        assert!(docs[0].root.is_some());
    }

    #[test]
    fn a_fatal_problem_survives_the_cap() {
        let mut text = "a: 1\n".repeat(MAX_PROBLEMS + 5);
        text.push_str("b: [unclosed\n");
        let codes = codes(&text, &Limits::default());
        assert_eq!(codes.last(), Some(&"yaml-syntax"));
        assert!(codes.contains(&"yaml-too-many-problems"));
    }

    #[test]
    fn long_keys_are_shortened_in_messages() {
        let key = "k".repeat(500);
        let text = format!("{key}: 1\n{key}: 2\n");
        let docs = parse(&text, &Limits::default());
        let message = &docs[0].problems[0].message;
        assert!(message.chars().count() < 100, "{message}");
        assert!(message.contains('…'));
        assert_eq!(shorten("short"), "short");
    }

    #[test]
    fn documents_past_the_limit_are_not_read() {
        let text = "--- 1\n".repeat(MAX_DOCUMENTS + 500);
        let docs = parse(&text, &Limits::default());
        assert_eq!(docs.len(), MAX_DOCUMENTS + 1);
        let last = &docs[MAX_DOCUMENTS];
        assert!(last.root.is_none());
        assert_eq!(last.problems[0].code, "yaml-too-many-documents");
        assert_eq!(last.problems[0].span.start, MAX_DOCUMENTS * 6);
    }

    #[test]
    fn the_first_occurrence_of_a_duplicate_key_is_related() {
        let docs = parse("x: 1\ny: 2\nx: 3\n", &Limits::default());
        let p = &docs[0].problems[0];
        assert_eq!(p.code, "yaml-duplicate-key");
        assert_eq!(p.related[0].0, Span::new(0, 1));
    }

    /// Small maps are scanned and large ones indexed: duplicates are found either way, each
    /// related to the first occurrence, and merge keys never count as given.
    #[test]
    fn duplicates_are_found_in_small_and_large_maps() {
        let mut lines: Vec<String> = (0..40).map(|i| format!("k{i}: {i}")).collect();
        lines.insert(5, "k2: again".into());
        lines.insert(30, "k3: again".into());
        lines.insert(35, "k3: thrice".into());
        lines.insert(1, "<<: {}".into());
        lines.insert(20, "<<: {}".into());
        let text = lines.join("\n") + "\n";
        let docs = parse(&text, &Limits::default());
        let first_of = |key: &str| {
            let at = text.find(&format!("{key}: ")).unwrap();
            Span::new(at, at + key.len())
        };
        let dups: Vec<(&str, Span)> = docs[0]
            .problems
            .iter()
            .filter(|p| p.code == "yaml-duplicate-key")
            .map(|p| (p.message.as_str(), p.related[0].0))
            .collect();
        assert_eq!(
            dups,
            [
                ("duplicate key `k2`", first_of("k2")),
                ("duplicate key `k3`", first_of("k3")),
                ("duplicate key `k3`", first_of("k3")),
            ]
        );
        let merges = docs[0]
            .problems
            .iter()
            .filter(|p| p.code == "yaml-merge-key")
            .count();
        assert_eq!(merges, 2);
    }
}
