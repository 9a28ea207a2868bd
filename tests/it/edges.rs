//! What the tests of values at their edges share (numbers in `numbers`, dates in `dates`): the
//! shipped examples, and each of them with one value replaced, checked together with the
//! declarations a proposal is checked against.

use roadmap_lint::Run;

/// The shipped examples that load (declarations and proposals).
pub const EXAMPLES: [&str; 6] = [
    "dwp-compliant.yaml",
    "hmrc-needs-work.yaml",
    "moj-broken.yaml",
    "proposal-clean.yaml",
    "proposal-not-ready.yaml",
    "proposal-with-conditions.yaml",
];

/// Each example's name and text.
pub fn examples() -> Vec<(String, String)> {
    let dir = crate::harness::root().join("fixtures/examples");
    EXAMPLES
        .iter()
        .map(|name| {
            (
                name.to_string(),
                std::fs::read_to_string(dir.join(name)).unwrap(),
            )
        })
        .collect()
}

/// The byte ranges of the plain scalars written as values on a line (after `: `, `- `, `, ` or
/// an opening bracket, up to a space, comma or closing bracket), outside comments, for which
/// `keep` holds.
pub fn values(line: &str, keep: impl Fn(&str) -> bool) -> Vec<(usize, usize)> {
    let code = line.split(" #").next().unwrap_or("");
    let bytes = code.as_bytes();
    let ends = |b: u8| matches!(b, b' ' | b',' | b'}' | b']');
    let mut out = Vec::new();
    let mut i = 2;
    while i < bytes.len() {
        let after_separator =
            bytes[i - 1] == b' ' && matches!(bytes[i - 2], b':' | b'-' | b',' | b'[' | b'{');
        if after_separator && !ends(bytes[i]) {
            let end = (i..bytes.len())
                .find(|&j| ends(bytes[j]))
                .unwrap_or(bytes.len());
            if keep(&code[i..end]) {
                out.push((i, end));
            }
            i = end;
        }
        i += 1;
    }
    out
}

/// The files checked with a variant of example `n`: itself, and for a proposal the declarations
/// it may be checked against.
fn with_declarations(files: &[(String, String)], n: usize) -> Vec<(String, String)> {
    let mut inputs = vec![files[n].clone()];
    if files[n].0.starts_with("proposal") {
        inputs.extend(
            files
                .iter()
                .filter(|(f, _)| !f.starts_with("proposal"))
                .cloned(),
        );
    }
    inputs
}

/// One example with one value replaced.
pub struct Variant<'a> {
    /// The example's file name.
    pub name: &'a str,
    /// The line changed, from 1.
    pub line: usize,
    /// The value written there now.
    pub value: &'a str,
    /// The files to check: the changed example first.
    pub inputs: Vec<(String, String)>,
    /// Where, for a failure message: `file:line: `value` in `the line as it was``.
    pub place: String,
}

/// Calls `check` with every variant of the examples: each value that `find` finds on a line is
/// replaced, in turn, by each of the values `replacements` gives for it (called with how many
/// places came before). Returns how many places were found.
pub fn each_variant<'v>(
    files: &[(String, String)],
    find: impl Fn(&str) -> Vec<(usize, usize)>,
    replacements: impl Fn(usize) -> Vec<&'v str>,
    mut check: impl FnMut(Variant),
) -> usize {
    let mut places = 0;
    for (n, (name, text)) in files.iter().enumerate() {
        let lines: Vec<&str> = text.split('\n').collect();
        for (at, line) in lines.iter().enumerate() {
            for (start, end) in find(line) {
                for value in replacements(places) {
                    let mut changed = lines.clone();
                    let replaced = format!("{}{value}{}", &line[..start], &line[end..]);
                    changed[at] = &replaced;
                    let mut inputs = with_declarations(files, n);
                    inputs[0].1 = changed.join("\n");
                    check(Variant {
                        name,
                        line: at + 1,
                        value,
                        inputs,
                        place: format!("{name}:{}: `{value}` in `{}`", at + 1, line.trim()),
                    });
                }
                places += 1;
            }
        }
    }
    places
}

/// The rules that failed to run (`rule-error`) in a run, each after `place`.
pub fn rule_errors(run: &Run, place: &str) -> Vec<String> {
    run.diagnostics()
        .iter()
        .filter(|d| d.code == "rule-error")
        .map(|d| format!("{place}: {}", d.message))
        .collect()
}
