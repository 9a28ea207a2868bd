//! The department declarations a run's proposals are checked against.

use rhai::Dynamic;

use crate::engine::Mapping;
use crate::node::Node;
use crate::schema;
use crate::source::SourceFile;

/// The organisation (`field` "id") or the name of a document, by its kind's row in
/// [`schema::KINDS`].
pub(super) fn identity(root: &Node, kind: &str, field: &str) -> Option<String> {
    let kind = schema::kind(kind)?;
    let path = if field == "id" {
        kind.organisation
    } else {
        kind.title
    };
    kind.text_at(root, path)
}

/// A proposal's department declaration: the current declaration of the organisation its
/// `proposal.organisation` names, in the workspace (see [`super::context`]). A proposal rule
/// sees it as `ctx.declaration`, and its index as `ctx.declaration_ref`, which `relate`
/// accepts to label a path in it.
pub(super) struct Declaration {
    pub(super) organisation: String,
    pub(super) document: usize,
    pub(super) source: SourceFile,
    pub(super) root: Node,
    pub(super) value: Dynamic,
}

/// Give a proposal's `ctx` its department declaration (`()` when the run has none).
pub(super) fn with_declaration(
    ctx: Dynamic,
    kind: &str,
    organisation: Option<&str>,
    declarations: &[Declaration],
) -> Dynamic {
    if kind != "proposal" {
        return ctx;
    }
    let mut map = ctx
        .try_cast::<Mapping>()
        .map(|m| m.map().clone())
        .unwrap_or_default();
    let found = declarations
        .iter()
        .position(|d| Some(d.organisation.as_str()) == organisation);
    let (value, reference) = match found {
        Some(i) => (declarations[i].value.clone(), Dynamic::from_int(i as i64)),
        None => (Dynamic::UNIT, Dynamic::UNIT),
    };
    map.insert("declaration".into(), value);
    map.insert("declaration_ref".into(), reference);
    Dynamic::from(Mapping::new(map))
}
