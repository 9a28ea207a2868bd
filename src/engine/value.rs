//! Documents as Rhai values that every rule can share.
//!
//! Rhai passes arguments by value, so handing each rule a plain `Map` of a 250-line declaration
//! meant a deep copy of the whole tree per rule call (and Rhai then walked the copy again to
//! check its size). A [`Mapping`] is a map behind an `Arc`: copying it is a reference count, and
//! a rule that writes into it gets its own copy of that one level first (copy on write), so no
//! rule can change what another rule sees. Lists stay ordinary Rhai arrays, so every array
//! function works on them; their items are cheap to copy because the mappings inside are shared.
//!
//! To scripts a `Mapping` looks like a map: `type_of` says `"map"`, properties and `[]` read
//! keys (a missing key is `()`), and the map functions rules use are registered for it.

use std::cell::Cell;
use std::sync::Arc;

use rhai::{Array, Dynamic, Engine, EvalAltResult, INT, ImmutableString, Map, Position};

use crate::node::{Node, Value};

/// A read-mostly map shared between rule calls; see the module documentation.
#[derive(Debug, Clone, Default)]
pub struct Mapping {
    map: Arc<Map>,
    /// Memory rules have put into this map (and the maps inside it) by writing to it.
    added: usize,
    /// The deepest nesting of a value rules have written into it.
    nested: usize,
    /// Where the map is in its document (`services[3]`), for a document's maps; `None` for the
    /// root and for maps that are not part of a document. `path(item, key)` starts from it.
    path: Option<ImmutableString>,
}

impl Mapping {
    pub fn new(map: Map) -> Self {
        Mapping {
            map: Arc::new(map),
            added: 0,
            nested: 0,
            path: None,
        }
    }

    /// The map's path in its document: empty for the root, and for maps of no document.
    pub fn path(&self) -> &str {
        self.path.as_ref().map_or("", |p| p.as_str())
    }

    pub fn get(&self, key: &str) -> Option<&Dynamic> {
        self.map.get(key)
    }

    /// The entries.
    pub fn map(&self) -> &Map {
        &self.map
    }

    /// The map, for writing: copied first when it is shared, and the copy charged to the
    /// evaluation's memory budget.
    fn make_mut(&mut self) -> Result<&mut Map, Box<EvalAltResult>> {
        if Arc::strong_count(&self.map) > 1 {
            self.charge(self.map.len().saturating_mul(ENTRY_COST))?;
        }
        Ok(Arc::make_mut(&mut self.map))
    }

    fn charge(&mut self, bytes: usize) -> Result<(), Box<EvalAltResult>> {
        charge(bytes)?;
        self.added = self.added.saturating_add(bytes);
        Ok(())
    }
}

/// What one map entry or list item costs in memory besides its content, roughly (a key, a
/// `Dynamic`, the map's own bookkeeping).
const ENTRY_COST: usize = 64;

/// The start of the error a rule gets when it goes over its memory budget.
pub const MEMORY_LIMIT: &str = "Memory written into document maps";

thread_local! {
    /// (memory charged so far, limit) for the evaluation running on this thread.
    static MEMORY: Cell<(usize, usize)> = const { Cell::new((0, usize::MAX)) };
}

thread_local! {
    /// The path of the document map the running evaluation read last: the item it was judging
    /// when it failed, for the diagnostic.
    static LAST_ITEM: std::cell::RefCell<Option<ImmutableString>> = const {
        std::cell::RefCell::new(None)
    };
}

/// Start counting an evaluation's writes into document maps against `limit` bytes (and forget
/// the item the last evaluation read).
pub fn begin(limit: usize) {
    MEMORY.with(|m| m.set((0, limit)));
    LAST_ITEM.with(|l| l.borrow_mut().take());
}

/// Note that the evaluation read from `m`, when it is a map inside a document.
fn read_from(m: &Mapping) {
    if let Some(path) = &m.path {
        LAST_ITEM.with(|l| {
            if let Ok(mut last) = l.try_borrow_mut() {
                *last = Some(path.clone());
            }
        });
    }
}

/// The document path of the map the evaluation read last (`services[3].performance`).
pub fn last_item() -> Option<String> {
    LAST_ITEM.with(|l| l.borrow().as_ref().map(ToString::to_string))
}

fn charge(bytes: usize) -> Result<(), Box<EvalAltResult>> {
    MEMORY.with(|m| {
        let (used, limit) = m.get();
        let used = used.saturating_add(bytes);
        m.set((used, limit));
        if used > limit {
            Err(Box::new(EvalAltResult::ErrorDataTooLarge(
                format!("{MEMORY_LIMIT} (more than {limit} bytes in one evaluation)"),
                Position::NONE,
            )))
        } else {
            Ok(())
        }
    })
}

/// The memory a value holds of its own: strings, lists and plain maps in full, the values
/// curried into function pointers and captured by closures, and of a document map only what
/// rules wrote into it (the rest is the document's, shared). Used to price writes into document
/// maps and what `collect` keeps. Walked with an explicit stack: a rule can nest lists thousands
/// deep. A value shared with itself (a closure that captures itself) would be walked for ever:
/// the walk stops at [`MAX_WALK`] items and prices the value as unbounded.
pub fn held_cost(value: &Dynamic) -> usize {
    shape(value).map_or(usize::MAX, |s| s.cost)
}

/// Most items [`shape`] visits before it calls a value unbounded: more than Rhai's limits let
/// one array and one map hold together.
pub const MAX_WALK: usize = 250_000;

/// Deepest nesting of a value that leaves a rule (returned by `collect`, kept by a library
/// module, a rule's metadata): dropping, copying or showing a value recurses once per level,
/// and outside the sandbox's threads the stack is a few megabytes.
pub const MAX_NESTING: usize = 1_000;

/// What [`shape`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub cost: usize,
    pub depth: usize,
}

/// The cost and nesting depth of a value, or `None` past [`MAX_WALK`] items.
pub fn shape(value: &Dynamic) -> Option<Shape> {
    let mut cost = 0usize;
    let mut deepest = 0usize;
    let mut visited = 0usize;
    let mut stack: Vec<(Dynamic, usize)> = vec![(value.clone(), 1)];
    while let Some((v, depth)) = stack.pop() {
        visited += 1;
        if visited > MAX_WALK {
            return None;
        }
        deepest = deepest.max(depth);
        cost = cost.saturating_add(ENTRY_COST);
        if let Some(m) = v.read_lock::<Mapping>() {
            // The document's own values are its, shared; what rules wrote is priced and
            // measured when it is written.
            cost = cost.saturating_add(m.added);
            deepest = deepest.max(depth.saturating_add(m.nested));
        } else if let Some(s) = v.read_lock::<ImmutableString>() {
            cost = cost.saturating_add(s.len());
        } else if let Some(a) = v.read_lock::<Array>() {
            stack.extend(a.iter().map(|item| (item.clone(), depth + 1)));
        } else if let Some(m) = v.read_lock::<Map>() {
            for (k, item) in m.iter() {
                cost = cost.saturating_add(k.len());
                stack.push((item.clone(), depth + 1));
            }
        } else if let Some(f) = v.read_lock::<rhai::FnPtr>() {
            stack.extend(f.curry().iter().map(|item| (item.clone(), depth + 1)));
        }
    }
    Some(Shape {
        cost,
        depth: deepest,
    })
}

/// A document as Rhai values: mappings become [`Mapping`]s (each knowing its path in the
/// document), lists arrays, null `()`.
pub fn to_dynamic(node: &Node) -> Dynamic {
    let mut path = String::new();
    converted(node, &mut path)
}

/// [`to_dynamic`] of the node at `path` (a buffer, as it was when the call returns).
fn converted(node: &Node, path: &mut String) -> Dynamic {
    match &node.value {
        Value::Null => Dynamic::UNIT,
        Value::Bool(b) => Dynamic::from_bool(*b),
        Value::Int(i) => Dynamic::from_int(*i),
        Value::Float(f) => Dynamic::from_float(*f),
        Value::Str(s) => Dynamic::from(s.clone()),
        Value::Seq(items) => {
            let base = path.len();
            let mut array = Array::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                use std::fmt::Write;
                let _ = write!(path, "[{i}]");
                array.push(converted(item, path));
                path.truncate(base);
            }
            Dynamic::from_array(array)
        }
        Value::Map(entries) => {
            let base = path.len();
            let own = (!path.is_empty()).then(|| ImmutableString::from(path.as_str()));
            let mut map = Map::new();
            for e in entries {
                if base > 0 {
                    path.push('.');
                }
                path.push_str(&e.key);
                map.insert(e.key.as_str().into(), converted(&e.value, path));
                path.truncate(base);
            }
            let mut m = Mapping::new(map);
            m.path = own;
            Dynamic::from(m)
        }
    }
}

/// The same value with every map, however deep, turned into a [`Mapping`].
pub fn share(value: Dynamic) -> Dynamic {
    if value.is_map() {
        let map = value.cast::<Map>();
        Dynamic::from(Mapping::new(
            map.into_iter().map(|(k, v)| (k, share(v))).collect(),
        ))
    } else if value.is_array() {
        let array = value.cast::<Array>();
        Dynamic::from_array(array.into_iter().map(share).collect())
    } else {
        value
    }
}

/// The same value with every [`Mapping`], however deep, turned back into a plain map: for
/// showing values, and for Rust code that reads what a rule returned.
pub fn unshare(value: &Dynamic) -> Dynamic {
    if let Some(m) = value.read_lock::<Mapping>() {
        Dynamic::from_map(m.map.iter().map(|(k, v)| (k.clone(), unshare(v))).collect())
    } else if let Some(m) = value.read_lock::<Map>() {
        Dynamic::from_map(m.iter().map(|(k, v)| (k.clone(), unshare(v))).collect())
    } else if let Some(a) = value.read_lock::<Array>() {
        Dynamic::from_array(a.iter().map(unshare).collect())
    } else {
        value.clone()
    }
}

/// Hand `at` the entry `key` of a map of either kind (a document's [`Mapping`] or a map a
/// script built), or `None` when `value` is not a map or has no such key.
pub fn with_entry<R>(value: &Dynamic, key: &str, at: impl FnOnce(Option<&Dynamic>) -> R) -> R {
    if let Some(m) = value.read_lock::<Mapping>() {
        read_from(&m);
        return at(m.get(key));
    }
    match value.read_lock::<Map>() {
        Some(m) => at(m.get(key)),
        None => at(None),
    }
}

/// Whether two values are equal, maps of either kind compared by content.
pub fn equal(a: &Dynamic, b: &Dynamic) -> bool {
    fn map_of(v: &Dynamic) -> Option<Map> {
        v.read_lock::<Mapping>()
            .map(|m| (*m.map).clone())
            .or_else(|| v.read_lock::<Map>().map(|m| m.clone()))
    }
    if let (Some(x), Some(y)) = (map_of(a), map_of(b)) {
        return x.len() == y.len()
            && x.iter()
                .zip(y.iter())
                .all(|((kx, vx), (ky, vy))| kx == ky && equal(vx, vy));
    }
    if let (Some(x), Some(y)) = (a.read_lock::<Array>(), b.read_lock::<Array>()) {
        return x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| equal(p, q));
    }
    if a.type_id() != b.type_id() {
        return false;
    }
    // Scalars: Rhai's own display form is exact for every scalar type a document holds.
    a.is_unit() || format!("{a:?}") == format!("{b:?}")
}

/// How a map is shown in messages: the same as Rhai shows a plain map.
fn shown(m: &Mapping, debug: bool) -> String {
    let plain = unshare(&Dynamic::from(m.clone()));
    if debug {
        format!("{plain:?}")
    } else {
        plain.to_string()
    }
}

/// Write `key` into a mapping, refusing to grow it past `max` entries: Rhai's own map-size
/// limit does not see inside a custom type, so the sandbox's limit is applied here.
fn insert(
    m: &mut Mapping,
    key: ImmutableString,
    value: Dynamic,
    max: usize,
) -> Result<(), Box<EvalAltResult>> {
    if m.map.len() >= max && !m.map.contains_key(key.as_str()) {
        return Err(Box::new(EvalAltResult::ErrorDataTooLarge(
            "Size of object map".into(),
            Position::NONE,
        )));
    }
    let (cost, depth) = shape(&value).map_or((usize::MAX, usize::MAX), |s| (s.cost, s.depth));
    if depth > MAX_NESTING {
        return Err(Box::new(EvalAltResult::ErrorDataTooLarge(
            format!(
                "Nesting of a value written into a document map (more than {MAX_NESTING} levels)"
            ),
            Position::NONE,
        )));
    }
    m.charge(key.len().saturating_add(cost))?;
    m.nested = m.nested.max(depth);
    m.make_mut()?.insert(key.as_str().into(), value);
    Ok(())
}

/// Register a getter on [`Mapping`] for each of `names`, reading the same as the indexer.
///
/// Rhai reads `m.key` on a custom type by looking for a getter named `key` first; when there is
/// none, it builds an error message, throws it away and tries the indexer. Rules read a document's
/// fields by property on every item they visit, and that detour was most of the cost of a
/// property read. A getter changes nothing a script can see: a missing key is `()` either way,
/// and writes still go through the indexer.
pub fn register_properties(engine: &mut Engine, names: &std::collections::BTreeSet<String>) {
    for name in names {
        let key = ImmutableString::from(name.as_str());
        engine.register_get(name.as_str(), move |m: &mut Mapping| {
            read_from(m);
            m.get(&key).cloned().unwrap_or(Dynamic::UNIT)
        });
    }
}

/// The names scripts read as properties (`x.name`, not followed by `(`), found in their text.
/// Over-counting is harmless (a getter on a key no document has gives `()`, as the indexer
/// would); at most `MAX_PROPERTIES` names are taken.
pub fn property_names<'a>(
    scripts: impl IntoIterator<Item = &'a str>,
) -> std::collections::BTreeSet<String> {
    const MAX_PROPERTIES: usize = 4_096;
    let mut names = std::collections::BTreeSet::new();
    for text in scripts {
        let bytes = text.as_bytes();
        let mut i = 0;
        while let Some(dot) = bytes[i..].iter().position(|&b| b == b'.') {
            let start = i + dot + 1;
            let end = start
                + bytes[start..]
                    .iter()
                    .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                    .count();
            i = end.max(start);
            let name = &text[start..end];
            let called = bytes[end..]
                .iter()
                .find(|b| !b.is_ascii_whitespace())
                .is_some_and(|&b| b == b'(');
            let word = name
                .as_bytes()
                .first()
                .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_');
            if word && !called && names.len() < MAX_PROPERTIES {
                names.insert(name.to_string());
            }
        }
    }
    names
}

/// Register [`Mapping`] and the map functions scripts use on it. `max_entries` is the
/// sandbox's map-size limit.
pub fn register(engine: &mut Engine, max_entries: usize) {
    engine.register_type_with_name::<Mapping>("map");
    // Properties fall back to the indexer, so `m.key` and `m["key"]` both read here.
    engine.register_indexer_get(|m: &mut Mapping, key: ImmutableString| {
        read_from(m);
        m.get(&key).cloned().unwrap_or(Dynamic::UNIT)
    });
    engine.register_indexer_set(
        move |m: &mut Mapping, key: ImmutableString, value: Dynamic| {
            insert(m, key, value, max_entries)
        },
    );
    engine.register_fn("len", |m: &mut Mapping| m.map.len() as INT);
    engine.register_fn("is_empty", |m: &mut Mapping| m.map.is_empty());
    engine.register_fn("contains", |m: &mut Mapping, key: ImmutableString| {
        m.map.contains_key(key.as_str())
    });
    engine.register_fn("get", |m: &mut Mapping, key: ImmutableString| {
        m.get(&key).cloned().unwrap_or(Dynamic::UNIT)
    });
    engine.register_fn(
        "set",
        move |m: &mut Mapping, key: ImmutableString, value: Dynamic| {
            insert(m, key, value, max_entries)
        },
    );
    engine.register_fn(
        "remove",
        |m: &mut Mapping, key: ImmutableString| -> Result<Dynamic, Box<EvalAltResult>> {
            if m.map.contains_key(key.as_str()) {
                Ok(m.make_mut()?.remove(key.as_str()).unwrap_or(Dynamic::UNIT))
            } else {
                Ok(Dynamic::UNIT)
            }
        },
    );
    engine.register_fn("clear", |m: &mut Mapping| *m = Mapping::default());
    engine.register_fn("keys", |m: &mut Mapping| {
        m.map
            .keys()
            .map(|k| Dynamic::from(k.clone()))
            .collect::<Array>()
    });
    engine.register_fn("values", |m: &mut Mapping| {
        m.map.values().cloned().collect::<Array>()
    });
    engine.register_fn("to_map", |m: &mut Mapping| (*m.map).clone());
    engine.register_fn("to_string", |m: &mut Mapping| shown(m, false));
    engine.register_fn("to_debug", |m: &mut Mapping| shown(m, true));
    engine.register_fn("==", |a: Mapping, b: Mapping| {
        equal(&Dynamic::from(a), &Dynamic::from(b))
    });
    engine.register_fn("!=", |a: Mapping, b: Mapping| {
        !equal(&Dynamic::from(a), &Dynamic::from(b))
    });
    engine.register_fn("==", |a: Mapping, b: Map| {
        equal(&Dynamic::from(a), &Dynamic::from_map(b))
    });
    engine.register_fn("!=", |a: Mapping, b: Map| {
        !equal(&Dynamic::from(a), &Dynamic::from_map(b))
    });
    engine.register_fn("==", |a: Map, b: Mapping| {
        equal(&Dynamic::from_map(a), &Dynamic::from(b))
    });
    engine.register_fn("!=", |a: Map, b: Mapping| {
        !equal(&Dynamic::from_map(a), &Dynamic::from(b))
    });
}

#[cfg(test)]
mod tests {
    use rhai::Scope;

    use super::*;
    use crate::engine::{Sandbox, engine};

    fn doc() -> Dynamic {
        let root = crate::load::yaml::parse(
            "organisation:\n  id: DWP\nservices:\n  - id: a\n    phase: live\n  - id: b\n",
            &crate::load::Limits::default(),
        )
        .remove(0)
        .root
        .expect("parses");
        to_dynamic(&root)
    }

    fn eval(script: &str) -> Dynamic {
        let engine = engine(&Sandbox::default());
        let mut scope = Scope::new();
        scope.push("doc", doc());
        engine
            .eval_with_scope::<Dynamic>(&mut scope, script)
            .unwrap_or_else(|e| panic!("{script}: {e}"))
    }

    /// What the rule API documentation promises of a document's maps.
    #[test]
    fn shared_maps_read_like_rhai_maps() {
        for (script, expected) in [
            ("type_of(doc)", "map"),
            ("doc.organisation.id", "DWP"),
            ("doc[\"organisation\"][\"id\"]", "DWP"),
            ("(\"services\" in doc).to_string()", "true"),
            ("(\"nope\" in doc).to_string()", "false"),
            ("doc.nope == ()", "true"),
            ("doc.keys().len().to_string()", "2"),
            ("doc.len().to_string()", "2"),
            ("doc.services[1].id", "b"),
            (
                "doc.services.map(|s| s.id).reduce(|a, b| a + b, \"\")",
                "ab",
            ),
            ("doc.get(\"organisation\").values()[0]", "DWP"),
            ("type_of(doc.to_map())", "map"),
            ("(doc.organisation == #{ id: \"DWP\" }).to_string()", "true"),
            ("lookup(doc, \"services[0].phase\")", "live"),
        ] {
            assert_eq!(eval(script).to_string(), expected, "{script}");
        }
    }

    /// Rhai's map-size limit does not see inside a custom type: the sandbox's limit is applied
    /// when a script adds keys to a document map.
    #[test]
    fn a_shared_map_cannot_grow_past_the_map_limit() {
        let sandbox = Sandbox {
            max_map_size: 10,
            ..Sandbox::default()
        };
        let engine = engine(&sandbox);
        let mut scope = Scope::new();
        scope.push("doc", doc());
        for script in [
            "for i in 0..100 { doc[`k${i}`] = i; }",
            "for i in 0..100 { doc.set(`k${i}`, i); }",
        ] {
            let err = engine
                .eval_with_scope::<Dynamic>(&mut scope, script)
                .expect_err("stops at the limit");
            assert!(
                matches!(*err, EvalAltResult::ErrorDataTooLarge(..)),
                "{script}: {err}"
            );
        }
        // Replacing a key that exists is not growth.
        assert!(
            engine
                .eval_with_scope::<Dynamic>(&mut scope, "doc.organisation = 1; doc.organisation")
                .is_ok()
        );
    }

    /// A rule that writes into a shared map changes its own copy only.
    #[test]
    fn writes_copy_the_map_first() {
        let engine = engine(&Sandbox::default());
        let shared = doc();
        let mut scope = Scope::new();
        scope.push("doc", shared.clone());
        let changed = engine
            .eval_with_scope::<Dynamic>(
                &mut scope,
                "doc.organisation.id = \"HMRC\"; doc.extra = 1; doc.remove(\"services\"); \
                 doc.organisation.id",
            )
            .expect("runs");
        assert_eq!(changed.to_string(), "HMRC");
        assert_eq!(unshare(&shared).to_string(), unshare(&doc()).to_string());
    }
}
