//! What a YAML file is, told from its bytes without parsing it: a declaration or a proposal
//! (by the `$schema` modeline an editor reads, or by the document's own shape), the tool's own
//! targets file, or other YAML (a CI workflow, a rule pack's `pack.yaml`, an application's
//! settings), which a folder walk skips and counts, never reports.
//!
//! The shape is read from top-level keys only (lines that start in column 0), so a workflow
//! whose job happens to have a nested `kind: department` is not taken for a declaration. The
//! test is deliberately generous for files that look like ours: a document with a top-level
//! `schema_version:` is a declaration being written, even before its `kind` is right, so that a
//! typo in `kind:` is reported rather than the file skipped.

/// What a file is, by its shape.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    /// A department declaration (or a document being written that is one of ours).
    Declaration,
    /// A spend-control proposal.
    Proposal,
    /// The department-level targets file (`kind: targets`).
    Targets,
    /// Anything else.
    Other,
}

impl Shape {
    /// Whether a folder walk checks files of this shape.
    pub fn is_checked(self) -> bool {
        matches!(self, Shape::Declaration | Shape::Proposal)
    }
}

/// The kinds a modeline's schema file names (`.../department.schema.json`).
fn from_schema_url(url: &str) -> Option<Shape> {
    let file = url.rsplit(['/', '\\']).next()?;
    let file = file.split(['?', '#']).next()?;
    match file {
        "department.schema.json" => Some(Shape::Declaration),
        "proposal.schema.json" => Some(Shape::Proposal),
        "targets.schema.json" => Some(Shape::Targets),
        // An assessors' record (`review --record`) is read by the review, not checked.
        "record.schema.json" => Some(Shape::Other),
        _ => None,
    }
}

/// The value of a top-level scalar line `key: value`, without quotes or a trailing comment.
fn scalar(rest: &[u8]) -> &[u8] {
    let end = rest
        .windows(2)
        .position(|w| w == b" #")
        .unwrap_or(rest.len());
    let value = rest[..end].trim_ascii();
    value
        .strip_prefix(b"\"")
        .and_then(|v| v.strip_suffix(b"\""))
        .or_else(|| value.strip_prefix(b"'").and_then(|v| v.strip_suffix(b"'")))
        .unwrap_or(value)
}

/// The shape of a YAML file, from its bytes (any encoding: only ASCII keys are looked at, so
/// a declaration saved in the wrong encoding is still found, and then reported as such).
pub fn shape_of(bytes: &[u8]) -> Shape {
    let mut ours_without_kind = false;
    for line in bytes.split(|&b| b == b'\n' || b == b'\r') {
        if let Some(rest) = line.strip_prefix(b"#") {
            // `# yaml-language-server: $schema=../schemas/department.schema.json`
            let text = String::from_utf8_lossy(rest);
            if let Some(at) = text.find("$schema=")
                && let Some(shape) = from_schema_url(text[at + 8..].trim())
            {
                return shape;
            }
            continue;
        }
        let line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
        if let Some(rest) = line.strip_prefix(b"kind:") {
            match scalar(rest) {
                b"department" => return Shape::Declaration,
                b"proposal" => return Shape::Proposal,
                b"targets" => return Shape::Targets,
                b"record" => return Shape::Other,
                _ => {}
            }
        } else if line.starts_with(b"schema_version:") {
            ours_without_kind = true;
        }
    }
    // A `schema_version` with a misspelt or missing kind: one of ours being written. A known
    // other kind with no `schema_version` (a Kubernetes manifest's `kind: Deployment`) is not.
    if ours_without_kind {
        Shape::Declaration
    } else {
        Shape::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_declarations_from_other_yaml() {
        assert_eq!(
            shape_of(b"schema_version: 1\nkind: department\n"),
            Shape::Declaration
        );
        assert_eq!(
            shape_of(b"kind: \"proposal\" # a request\n"),
            Shape::Proposal
        );
        assert_eq!(shape_of(b"kind: 'targets'\n"), Shape::Targets);
        // The assessors' record of a review is ours, but not checked.
        assert_eq!(
            shape_of(b"schema_version: 1\nkind: record\nproposal: SC-1\n"),
            Shape::Other
        );
        // A misspelt kind in a document that is clearly ours.
        assert_eq!(
            shape_of(b"schema_version: 1\nkind: departmnt\n"),
            Shape::Declaration
        );
        // A workflow with a nested `kind:`, a pack manifest, a Kubernetes manifest.
        assert_eq!(
            shape_of(b"name: CI\non: [push]\njobs:\n  kind: department\n"),
            Shape::Other
        );
        assert_eq!(
            shape_of(b"name: my-pack\nversion: 1.0.0\nmissions: []\n"),
            Shape::Other
        );
        assert_eq!(
            shape_of(b"apiVersion: v1\nkind: Deployment\n"),
            Shape::Other
        );
        // A second document of a file, and Windows line endings.
        assert_eq!(
            shape_of(b"a: 1\r\n---\r\nkind: department\r\n"),
            Shape::Declaration
        );
    }

    #[test]
    fn reads_the_schema_modeline() {
        let text = b"# yaml-language-server: $schema=../schemas/proposal.schema.json\nfoo: 1\n";
        assert_eq!(shape_of(text), Shape::Proposal);
        let text =
            b"# yaml-language-server: $schema=https://example.org/v1/department.schema.json?x=1\n";
        assert_eq!(shape_of(text), Shape::Declaration);
        let text = b"# yaml-language-server: $schema=https://json.schemastore.org/github-workflow.json\nkind: x\n";
        assert_eq!(shape_of(text), Shape::Other);
    }

    #[test]
    fn looks_at_keys_in_any_encoding() {
        // Latin-1 text: not UTF-8, still a declaration by its keys.
        assert_eq!(
            shape_of(b"kind: department\nname: Caf\xe9\n"),
            Shape::Declaration
        );
        assert_eq!(
            shape_of(b"\xEF\xBB\xBFkind: department\n"),
            Shape::Declaration
        );
    }
}
