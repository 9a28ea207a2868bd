//! The spanned YAML tree that every later stage reads, and document paths such as
//! `technology.systems[2].last_resilience_test` that rules use to point into it.

use std::fmt;

use crate::source::Span;

/// One YAML node with the span of its text.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

/// A key and its value in a mapping. Keys are kept as text, with their own span, so that a
/// finding about an unknown key can point at the key itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_span: Span,
    pub value: Node,
}

impl Node {
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|e| e.key == key).map(|e| &e.value),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A short name for the node's type, as used in messages.
    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Int(_) => "integer",
            Value::Float(_) => "number",
            Value::Str(_) => "string",
            Value::Seq(_) => "list",
            Value::Map(_) => "mapping",
        }
    }

    /// Walk `path` as far as it exists. Returns the deepest node reached, the span to point at,
    /// and how many segments were found. A mapping or list is pointed at through the key that
    /// holds it (its first line), because a whole block makes an unreadable label.
    pub fn resolve(&self, path: &DocPath) -> Resolved<'_> {
        let mut node = self;
        let mut span = first_line_of(self);
        let mut found = 0;
        for segment in &path.0 {
            let next = match (segment, &node.value) {
                (Segment::Key(k), Value::Map(entries)) => entries
                    .iter()
                    .find(|e| &e.key == k)
                    .map(|e| (&e.value, e.key_span)),
                (Segment::Index(i), Value::Seq(items)) => items.get(*i).map(|n| (n, n.span)),
                _ => None,
            };
            let Some((child, key_span)) = next else {
                break;
            };
            span = match child.value {
                Value::Map(_) | Value::Seq(_) => match segment {
                    Segment::Key(_) => key_span,
                    Segment::Index(_) => first_line_of(child),
                },
                _ => child.span,
            };
            node = child;
            found += 1;
        }
        Resolved {
            node,
            span,
            complete: found == path.0.len(),
            found,
        }
    }

    /// What a copy of this subtree costs: its nodes (each key counts as one) and the bytes of
    /// its strings and keys. Alias expansion is priced with it. Walked with an explicit stack,
    /// so no nesting depth can overflow ours.
    pub fn weight(&self) -> Weight {
        let mut weight = Weight::default();
        let mut stack = vec![(self, 0usize)];
        while let Some((node, depth)) = stack.pop() {
            weight.nodes += 1;
            match &node.value {
                Value::Str(s) => {
                    weight.bytes += s.len();
                    weight.strings += 1;
                }
                Value::Seq(items) => {
                    weight.lists += 1;
                    weight.height = weight.height.max(depth + 1);
                    stack.extend(items.iter().map(|item| (item, depth + 1)));
                }
                Value::Map(entries) => {
                    weight.maps += 1;
                    weight.filled_maps += usize::from(!entries.is_empty());
                    weight.height = weight.height.max(depth + 1);
                    for e in entries {
                        weight.nodes += 1;
                        weight.strings += 1;
                        weight.bytes += e.key.len();
                        stack.push((&e.value, depth + 1));
                    }
                }
                _ => {}
            }
        }
        weight
    }
}

/// The cost of a copy of a subtree (see [`Node::weight`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Weight {
    pub nodes: usize,
    pub bytes: usize,
    /// Levels of lists and mappings, the node's own included (0 for a scalar): what a copy
    /// adds to the depth of the place it is copied to.
    pub height: usize,
    /// Mappings, lists and strings among the nodes: what a tree holds beyond its nodes
    /// ([`Weight::held`]).
    pub maps: usize,
    pub filled_maps: usize,
    pub lists: usize,
    pub strings: usize,
}

/// What one node of a tree costs in memory, besides its text: a [`Node`] or an [`Entry`].
pub const NODE_COST: usize = 48;

impl Weight {
    /// The memory a copy takes: its text and its nodes.
    pub fn cost(self) -> usize {
        self.bytes
            .saturating_add(self.nodes.saturating_mul(NODE_COST))
    }

    /// The memory a run holds for a tree of this weight once it is loaded and handed to the
    /// rules: the tree itself and the same values as the rules see them (see [`Held`]).
    pub fn held(self) -> usize {
        Held::NODE
            .saturating_mul(self.nodes)
            .saturating_add(Held::MAP.saturating_mul(self.maps))
            .saturating_add(Held::FILLED_MAP.saturating_mul(self.filled_maps))
            .saturating_add(Held::LIST.saturating_mul(self.lists))
            .saturating_add(Held::STRING.saturating_mul(self.strings))
            .saturating_add(Held::TEXT_BYTE.saturating_mul(self.bytes))
    }
}

/// The memory model of a document: what the run holds, in bytes, for each part of a tree while
/// the document is checked. It covers the spanned tree ([`Node`], [`Entry`]) and the copy the
/// rules read (Rhai values: a map per mapping with its path, an array per list, a string per
/// string), measured with the counting allocator on the shapes of
/// `load::price::tests::the_model_prices_every_shape_at_or_above_its_cost`. The loader adds these
/// up as it builds a file's tree and refuses the file once they pass its budget
/// ([`crate::load::Limits::memory_per_byte`]).
pub struct Held;

impl Held {
    /// Every node, and every key of a mapping: its slot in the tree (48 bytes, and up to as
    /// much again while the list or mapping it is in grows by doubling) and in the rules' copy.
    pub const NODE: usize = 112;
    /// A mapping: the rules' map with its path and its box, and the tree's vector header.
    pub const MAP: usize = 224;
    /// A mapping that holds anything: the rules' map allocates a B-tree leaf of eleven slots
    /// for its first entry.
    pub const FILLED_MAP: usize = 576;
    /// A list: the rules' array and the tree's vector headers.
    pub const LIST: usize = 64;
    /// A string: two allocations (the tree's and the rules' copy).
    pub const STRING: usize = 48;
    /// A byte of a string or key: held twice, rounded up by the allocator.
    pub const TEXT_BYTE: usize = 3;
}

/// For a mapping, the span of its first key; for a list, of its first item; else the node.
fn first_line_of(node: &Node) -> Span {
    match &node.value {
        Value::Map(entries) => entries.first().map_or(node.span, |e| e.key_span),
        Value::Seq(items) => items.first().map_or(node.span, first_line_of),
        _ => node.span,
    }
}

#[derive(Debug)]
pub struct Resolved<'a> {
    pub node: &'a Node,
    pub span: Span,
    /// Whether the whole path exists.
    pub complete: bool,
    /// How many leading segments exist.
    pub found: usize,
}

/// A path into a document: keys and list indices.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct DocPath(pub Vec<Segment>);

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Segment {
    Key(String),
    Index(usize),
}

impl DocPath {
    /// Parse `a.b[2].c`. The empty string is the document root. Keys may hold any character
    /// but `.` and `[`.
    pub fn parse(text: &str) -> Result<DocPath, String> {
        let mut segments = Vec::new();
        let text = text.trim();
        if text.is_empty() {
            return Ok(DocPath(segments));
        }
        for part in text.split('.') {
            let (key, mut rest) = match part.find('[') {
                Some(i) => (&part[..i], &part[i..]),
                None => (part, ""),
            };
            if key.is_empty() && (segments.is_empty() || rest.is_empty()) {
                return Err(format!("empty key in path `{text}`"));
            }
            if !key.is_empty() {
                segments.push(Segment::Key(key.to_string()));
            }
            while !rest.is_empty() {
                let close = rest
                    .find(']')
                    .ok_or_else(|| format!("unclosed `[` in path `{text}`"))?;
                let index = rest[1..close].parse::<usize>().map_err(|_| {
                    format!("`{}` is not a list index in path `{text}`", &rest[1..close])
                })?;
                segments.push(Segment::Index(index));
                rest = &rest[close + 1..];
                if !rest.is_empty() && !rest.starts_with('[') {
                    return Err(format!("unexpected `{rest}` in path `{text}`"));
                }
            }
        }
        Ok(DocPath(segments))
    }

    pub fn push_key(&mut self, key: impl Into<String>) {
        self.0.push(Segment::Key(key.into()));
    }

    pub fn push_index(&mut self, index: usize) {
        self.0.push(Segment::Index(index));
    }

    /// True when `self` equals `other` or lies inside it.
    pub fn starts_with(&self, other: &DocPath) -> bool {
        self.0.starts_with(&other.0)
    }

    pub fn prefix(&self, len: usize) -> DocPath {
        DocPath(self.0[..len.min(self.0.len())].to_vec())
    }

    pub fn last_key(&self) -> Option<&str> {
        self.0.iter().rev().find_map(|s| match s {
            Segment::Key(k) => Some(k.as_str()),
            Segment::Index(_) => None,
        })
    }
}

impl fmt::Display for DocPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Key(k) if i == 0 => write!(f, "{k}")?,
                Segment::Key(k) => write!(f, ".{k}")?,
                Segment::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_paths() {
        let p = DocPath::parse("technology.systems[2].last_resilience_test").unwrap();
        assert_eq!(
            p.0,
            vec![
                Segment::Key("technology".into()),
                Segment::Key("systems".into()),
                Segment::Index(2),
                Segment::Key("last_resilience_test".into()),
            ]
        );
        assert_eq!(p.to_string(), "technology.systems[2].last_resilience_test");
        assert_eq!(DocPath::parse("").unwrap().0.len(), 0);
        assert_eq!(DocPath::parse("a[0][1]").unwrap().to_string(), "a[0][1]");
    }

    #[test]
    fn rejects_malformed_paths() {
        for bad in ["a..b", "a[x]", "a[1", "a[1]b", ".a"] {
            assert!(DocPath::parse(bad).is_err(), "{bad} should not parse");
        }
    }
}
