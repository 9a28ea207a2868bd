//! Rule paths into spans: a finding points at the nearest part of its path that exists.

use crate::finding::{Finding, Related};
use crate::node::{DocPath, Node};
use crate::source::SourceFile;

use super::*;

/// Resolve a rule's finding into a location in the document. A path that does not exist points
/// at its nearest existing parent, and says what is missing.
pub(super) fn resolve(
    p: &Pending,
    root: &Node,
    source: &SourceFile,
    document: usize,
    declarations: &[Declaration],
) -> Finding {
    let path = DocPath::parse(&p.raw.path).unwrap_or_default();
    let resolved = root.resolve(&path);
    let label = if resolved.complete {
        None
    } else {
        let missing = path.prefix(resolved.found + 1).to_string();
        Some(format!("`{missing}` is missing here"))
    };
    // A related path with a target points into the declaration given as `ctx.declaration_ref`.
    let related = p
        .raw
        .related
        .iter()
        .filter_map(|(target, rpath, message)| {
            let rp = DocPath::parse(rpath).unwrap_or_default();
            let (file, document, location) = match target {
                None => (
                    source.name.clone(),
                    document,
                    source.locate(root.resolve(&rp).span),
                ),
                Some(i) => {
                    let d = declarations.get(*i)?;
                    (
                        d.source.name.clone(),
                        d.document,
                        d.source.locate(d.root.resolve(&rp).span),
                    )
                }
            };
            Some(Related {
                file,
                document,
                path: rpath.clone(),
                message: message.clone(),
                location,
            })
        })
        .collect();
    Finding {
        rule: p.rule.id.clone(),
        commitment: p.rule.commitment,
        mission: p.rule.mission,
        severity: p.raw.severity,
        file: source.name.clone(),
        document,
        path: path.to_string(),
        location: source.locate(resolved.span),
        message: p.raw.message.clone(),
        label,
        help: p.raw.help.clone(),
        waived: false,
        waiver: None,
        related,
        targets: Vec::new(),
        source: 0,
    }
}
