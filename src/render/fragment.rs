//! A value rendered once as the bytes the JSON report prints for it at its place in the
//! report, so that a report can copy them instead of rendering them again (findings kept on
//! disk, and findings kept in the cache between runs).
//!
//! The JSON report is pretty-printed (two spaces per level) through [`super::escape`]: a value
//! rendered at the top level and then indented by its depth is byte for byte what the report
//! writer prints there, because a pretty-printed JSON text has raw line breaks only between
//! tokens (a line break inside a string is always escaped).

/// `value` as the JSON report prints it at `depth` levels of nesting (an element of the
/// report's `findings` array is at depth 2).
pub fn json_at_depth<T: serde::Serialize + ?Sized>(
    value: &T,
    depth: usize,
) -> serde_json::Result<Vec<u8>> {
    let mut flat = Vec::new();
    super::escape::json_pretty(&mut flat, value)?;
    if depth == 0 {
        return Ok(flat);
    }
    let indent = "  ".repeat(depth);
    let lines = flat.iter().filter(|&&b| b == b'\n').count();
    let mut out = Vec::with_capacity(flat.len() + lines * indent.len());
    for &b in &flat {
        out.push(b);
        if b == b'\n' {
            out.extend_from_slice(indent.as_bytes());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_indented_fragment_is_what_the_whole_prints() {
        let inner = serde_json::json!({ "a": [1, { "b": "x\ny" }], "c": "\u{85}" });
        let whole = serde_json::json!({ "list": [inner.clone(), inner.clone()] });
        let mut printed = Vec::new();
        super::super::escape::json_pretty(&mut printed, &whole).unwrap();
        let one = json_at_depth(&inner, 2).unwrap();
        let mut built = b"{\n  \"list\": [\n    ".to_vec();
        built.extend_from_slice(&one);
        built.extend_from_slice(b",\n    ");
        built.extend_from_slice(&one);
        built.extend_from_slice(b"\n  ]\n}");
        assert_eq!(
            String::from_utf8(built).unwrap(),
            String::from_utf8(printed).unwrap()
        );
    }
}
