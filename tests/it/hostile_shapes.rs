//! Generated hostile shapes: each test makes its inputs with sizes drawn at random within a
//! range, from a seed it prints (set `HOSTILE_SEED` to run the same inputs again), and runs the
//! real binary on them under the harness's limits (1 GiB of address space, a CPU budget, a
//! wall-clock guard). A crash, an abort, a stack overflow or a hang fails the test; each shape
//! must be stopped with its diagnostic at its line, and the good declaration's finding kept.

use std::fs;

use crate::harness::{CPU_SECONDS, Diag, GOOD, GOOD_RULE, diags, lint_with, root, truncate};

/// A small deterministic generator (xorshift64*): the seed is all a failure needs to be
/// repeated.
pub struct Shapes {
    state: u64,
}

impl Shapes {
    /// From `HOSTILE_SEED`, or the clock; printed either way.
    pub fn new(test: &str) -> Shapes {
        let seed = std::env::var("HOSTILE_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(1, |d| d.as_nanos() as u64)
            });
        // The test harness shows a failing test's output: the seed is printed with it.
        #[allow(clippy::print_stdout)]
        {
            println!("{test}: HOSTILE_SEED={seed}");
        }
        Shapes { state: seed | 1 }
    }

    fn next(&mut self) -> u64 {
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        self.state.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `low..=high`.
    pub fn within(&mut self, low: usize, high: usize) -> usize {
        low + (self.next() % (high - low + 1) as u64) as usize
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.within(0, items.len() - 1)]
    }
}

/// A scratch folder under `target/`, removed when dropped.
pub fn scratch() -> tempfile::TempDir {
    tempfile::tempdir_in(root().join("target")).unwrap()
}

/// Check `file` next to the good declaration; the diagnostics about `file`.
fn check(file: &str, extra: &[&str], cpu: u64) -> (i32, Vec<Diag>) {
    let mut args = vec!["check", "--format", "json", "--as-of", "2024-06-01"];
    args.extend_from_slice(extra);
    args.extend([file, GOOD]);
    let outcome = lint_with(&args, None, cpu);
    let all = diags(&outcome.json());
    assert!(
        all.iter().any(|d| d.file == GOOD && d.code == GOOD_RULE),
        "the good file's finding is kept: {}",
        truncate(&outcome.stdout)
    );
    let mine = all.into_iter().filter(|d| d.file == file).collect();
    (outcome.code, mine)
}

const HEAD: &str = "schema_version: 1\nkind: department\nas_of: 2025-01-01\n";

/// A chain of anchors, each a list holding the one before, in a random style: the tree as
/// expanded nests one level deeper per anchor, though no line of the file is deeper than three.
fn alias_chain(shapes: &mut Shapes, links: usize) -> (String, usize) {
    let mut text = format!("{HEAD}x_chain:\n  a0: &a0 [x]\n");
    let flow = *shapes.pick(&[true, false]);
    for i in 1..links {
        if flow {
            text.push_str(&format!("  a{i}: &a{i} [*a{}]\n", i - 1));
        } else {
            text.push_str(&format!("  a{i}: &a{i}\n    - *a{}\n", i - 1));
        }
    }
    // The document is level 1, `x_chain` level 2 and each anchor's list level 3: the alias in
    // anchor 62 copies 62 levels into level 4, one too many at the default limit of 64.
    let first_line_too_deep = if flow { 5 + 62 } else { 5 + 2 * 62 };
    (text, first_line_too_deep)
}

#[test]
fn aliases_cannot_build_a_tree_deeper_than_the_depth_limit() {
    // 1,080 levels passed at the defaults: the limit was checked on the text, not on the tree
    // that aliases expand to.
    let mut shapes = Shapes::new("aliases_cannot_build_a_tree_deeper_than_the_depth_limit");
    let dir = scratch();
    for round in 0..3 {
        let links = shapes.within(70, 1_500);
        let (text, line) = alias_chain(&mut shapes, links);
        let file = dir.path().join(format!("chain{round}.yaml"));
        fs::write(&file, text).unwrap();
        let file = file.display().to_string();
        let (_, mine) = check(&file, &[], CPU_SECONDS);
        assert_eq!(mine.len(), 1, "{links} links: {mine:#?}");
        assert_eq!(mine[0].code, "yaml-too-deep", "{mine:#?}");
        assert_eq!(mine[0].line, Some(line as u64), "{links} links: {mine:#?}");
    }
}

#[test]
fn the_deepest_documents_the_limits_allow_do_not_overflow_a_stack() {
    // Past about 9,000 levels a worker thread overflowed its stack with `--max-depth 10000`,
    // the documented maximum. Nesting written out (`- - - x` on one line) and nesting made by
    // aliases (with the alias budget raised, as its help advises).
    let mut shapes = Shapes::new("the_deepest_documents_the_limits_allow_do_not_overflow_a_stack");
    let dir = scratch();
    let depth = shapes.within(9_000, 9_990);
    let written = dir.path().join("written.yaml");
    fs::write(
        &written,
        format!("{HEAD}x_deep:\n  {}x\n", "- ".repeat(depth)),
    )
    .unwrap();
    let links = shapes.within(2_000, 4_000);
    let (text, _) = alias_chain(&mut shapes, links);
    let aliased = dir.path().join("aliased.yaml");
    fs::write(&aliased, text).unwrap();
    for file in [&written, &aliased] {
        let file = file.display().to_string();
        for format in ["json", "human"] {
            let args = [
                "check",
                "--format",
                format,
                "--as-of",
                "2024-06-01",
                "--max-depth",
                "10000",
                "--max-alias-nodes",
                "100000000",
                &file,
                GOOD,
            ];
            let outcome = lint_with(&args, None, CPU_SECONDS * 6);
            assert!(
                outcome.stdout.contains(GOOD_RULE),
                "{file} ({depth} levels, {links} links), {format}: {}",
                truncate(&outcome.stderr)
            );
        }
    }
}

/// A pack whose `pack.yaml` or data file is `text`, with one harmless rule.
fn pack_with(dir: &std::path::Path, manifest: Option<&str>, data: Option<&str>) -> String {
    let pack = dir.join("pack");
    fs::create_dir_all(&pack).unwrap();
    let header = "name: shapes\nversion: 0.0.1\ndescription: generated\ndata:\n  d: d.yaml\n";
    fs::write(pack.join("pack.yaml"), manifest.unwrap_or(header)).unwrap();
    fs::write(pack.join("d.yaml"), data.unwrap_or("a: 1\n")).unwrap();
    fs::copy(
        root().join("fixtures/hostile-rules/fails-on-one/hostile-fails-on-one.rhai"),
        pack.join("hostile-fails-on-one.rhai"),
    )
    .unwrap();
    pack.display().to_string()
}

#[test]
fn pack_files_and_weights_of_nested_brackets_are_read_in_linear_time() {
    // A 200 KB data file of nested brackets took 36.7 s: pack.yaml, data files and --weights
    // were read by a reader that rescans open brackets. They are now read by the declarations'
    // parser first, with its depth limit.
    let mut shapes =
        Shapes::new("pack_files_and_weights_of_nested_brackets_are_read_in_linear_time");
    let dir = scratch();
    let opener = *shapes.pick(&["[", "{", "[a, ", "{a: ", "[[], "]);
    let size = shapes.within(100_000, 300_000);
    let nested = format!("x: {}", opener.repeat(size / opener.len()));
    for (i, target) in ["data", "manifest", "weights"].iter().enumerate() {
        let here = dir.path().join(format!("case{i}"));
        fs::create_dir_all(&here).unwrap();
        let manifest = format!("name: shapes\nversion: 0.0.1\ndescription: generated\n{nested}\n");
        let (pack, extra, expected) = match *target {
            "data" => (pack_with(&here, None, Some(&nested)), vec![], "pack-data"),
            "manifest" => (
                pack_with(&here, Some(&manifest), None),
                vec![],
                "pack-manifest",
            ),
            _ => {
                let weights = here.join("weights.yaml");
                fs::write(&weights, format!("missions:\n  1: 1\n{nested}\n")).unwrap();
                (
                    pack_with(&here, None, None),
                    vec!["--weights".to_string(), weights.display().to_string()],
                    "weights-invalid",
                )
            }
        };
        // Weights are the scores' (`score --weights`).
        let command = if extra.is_empty() { "check" } else { "score" };
        let mut args = vec![command, "--format", "json", "--rules", &pack];
        args.extend(extra.iter().map(String::as_str));
        args.push(GOOD);
        let outcome = lint_with(&args, None, CPU_SECONDS);
        assert!(
            outcome.stdout.contains(expected) || outcome.stderr.contains(expected),
            "{target} ({opener:?} x {size}): {}\n{}",
            truncate(&outcome.stdout),
            truncate(&outcome.stderr)
        );
    }
}

/// A file of `size` bytes or so: a declaration's head and an `x_` field of `item` repeated.
fn dense(size: usize, open: &str, item: &dyn Fn(usize) -> String) -> String {
    let mut text = format!("{HEAD}{open}");
    let mut i = 0;
    while text.len() < size {
        text.push_str(&item(i));
        i += 1;
    }
    if open.ends_with('[') {
        text.push_str("{}]\n");
    }
    text
}

#[test]
fn files_that_would_cost_more_than_their_memory_budget_are_refused_at_their_line() {
    // A 7 MB list of one-key mappings cost 160 bytes of memory per byte of the file and
    // aborted under a 1 GiB cap; so did a dozen other shapes of tiny values.
    let mut shapes = Shapes::new(
        "files_that_would_cost_more_than_their_memory_budget_are_refused_at_their_line",
    );
    let dir = scratch();
    type Item = fn(usize) -> String;
    let refused: [(&str, &str, Item); 4] = [
        ("one-key mappings", "x_items:\n", |i| {
            format!("  - {{a: {i}}}\n")
        }),
        ("empty mappings", "x_items: [", |_| "{},".to_string()),
        ("nested mappings", "x_items:\n", |i| {
            format!("  - {{a: {{b: {{c: {i}}}}}}}\n")
        }),
        ("block mappings", "x_items:\n", |i| {
            format!("  - a: {i}\n    b: 1\n")
        }),
    ];
    for (name, open, item) in refused {
        let size = shapes.within(2_000_000, 7_900_000);
        let text = dense(size, open, &item);
        let path = dir.path().join("dense.yaml");
        fs::write(&path, &text).unwrap();
        let file = path.display().to_string();
        let cpu = if cfg!(debug_assertions) {
            6 * CPU_SECONDS
        } else {
            CPU_SECONDS
        };
        let (code, mine) = check(&file, &[], cpu);
        assert_eq!(code, 1, "{name}, {size} bytes: {mine:?}");
        let d = mine
            .iter()
            .find(|d| d.code == "input-too-complex")
            .unwrap_or_else(|| panic!("{name}, {size} bytes: no input-too-complex in {mine:?}"));
        // At a line of the list, past the head, where the budget ran out.
        assert!(d.line.is_some_and(|l| l >= 4), "{name}: {d:?}");
        assert!(d.message.contains("MiB of memory"), "{name}: {d:?}");
    }
    // Files as large, of larger values, are within the budget and checked as usual.
    let size = shapes.within(2_000_000, 7_900_000);
    let text = dense(size, "x_notes:\n", &|i| {
        format!("  - note {i}: a line of ordinary text about a service\n")
    });
    let path = dir.path().join("ordinary.yaml");
    fs::write(&path, &text).unwrap();
    let file = path.display().to_string();
    let (_, mine) = check(&file, &[], 6 * CPU_SECONDS);
    assert!(
        mine.iter().all(|d| d.code != "input-too-complex"),
        "{size} bytes of ordinary values: {mine:?}"
    );
}

/// Many documents with long quoted values: each document's parse used to look for its quoted
/// values' closing quotes from the start of the file, so a file of 500 documents of 2 KB took
/// a minute. Now each takes up the text where the one before ended, and the whole file is read
/// within the CPU budget.
#[test]
fn many_documents_of_long_quoted_values_are_read_in_linear_time() {
    let mut shapes = Shapes::new("many_documents_of_long_quoted_values_are_read_in_linear_time");
    let dir = scratch();
    let documents = shapes.within(600, 1_000);
    let length = shapes.within(2_000, 3_500);
    let value = "x".repeat(length);
    let quote = *shapes.pick(&["\"", "'"]);
    let doc = format!(
        "{HEAD}organisation: {{id: DWP, name: {quote}{value}{quote}, type: ministerial}}\nx_note: {quote}{value}{quote}\n"
    );
    let file = dir.path().join("many.yaml");
    fs::write(&file, vec![doc; documents].join("---\n")).unwrap();
    let file = file.display().to_string();
    // One rule: the cost under test is reading the file, not judging it.
    let args = [
        "check",
        "--format",
        "json",
        "--as-of",
        "2025-06-30",
        "--rule",
        GOOD_RULE,
        &file,
    ];
    let outcome = lint_with(&args, None, CPU_SECONDS);
    let report = outcome.json();
    assert_eq!(
        report["summary"]["documents"],
        documents,
        "{documents} documents of {length}: {}",
        truncate(&outcome.stdout)
    );
}
