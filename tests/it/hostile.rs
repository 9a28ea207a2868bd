//! Hostile inputs: each case runs the real binary on one hostile input next to a good
//! declaration, under a memory cap (1 GiB of address space), a CPU cap and a wall-clock guard.
//! A crash, an abort (an allocation refused by the cap) or a hang fails the test. Each case must
//! give exactly one diagnostic for the hostile input, and the good file's finding must still
//! appear.

use std::fs;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::harness::{CPU_SECONDS, Diag, GOOD, GOOD_RULE, diags, lint_with, root, truncate};

/// Check `hostile` next to the good file; expect exactly one diagnostic with `code` for it (at
/// `at`, a line and column, when given), and the good file's finding. Returns the diagnostic.
fn expect_one(hostile: &str, code: &str, at: Option<(u64, u64)>, extra: &[&str]) -> Diag {
    expect_one_cpu(hostile, code, at, extra, CPU_SECONDS)
}

fn expect_one_cpu(
    hostile: &str,
    code: &str,
    at: Option<(u64, u64)>,
    extra: &[&str],
    cpu: u64,
) -> Diag {
    check_one(hostile, code, at, extra, cpu, true)
}

/// As [`expect_one`], without the good file (for limits so low that it would trip them too).
fn expect_alone(hostile: &str, code: &str, at: Option<(u64, u64)>, extra: &[&str]) -> Diag {
    check_one(hostile, code, at, extra, CPU_SECONDS, false)
}

fn check_one(
    hostile: &str,
    code: &str,
    at: Option<(u64, u64)>,
    extra: &[&str],
    cpu: u64,
    with_good: bool,
) -> Diag {
    let mut args = vec!["check", "--format", "json", "--as-of", "2024-06-01"];
    args.extend_from_slice(extra);
    args.push(hostile);
    if with_good {
        args.push(GOOD);
    }
    let outcome = lint_with(&args, None, cpu);
    let report = outcome.json();
    let all = diags(&report);
    if with_good {
        let good: Vec<&Diag> = all.iter().filter(|d| d.file == GOOD).collect();
        assert!(
            good.iter().any(|d| d.code == GOOD_RULE),
            "the good file's `{GOOD_RULE}` finding is missing: {all:#?}"
        );
    }
    let mut mine: Vec<Diag> = all.into_iter().filter(|d| d.file != GOOD).collect();
    assert_eq!(
        mine.len(),
        1,
        "expected one diagnostic for {hostile}, got {mine:#?}"
    );
    let d = mine.remove(0);
    assert_eq!(d.code, code, "{d:#?}");
    assert!(
        d.file.starts_with(hostile),
        "the diagnostic names the file (or one under the directory): {d:#?}"
    );
    if let Some((line, column)) = at {
        assert_eq!((d.line, d.column), (Some(line), Some(column)), "{d:#?}");
    }
    assert!(!d.message.is_empty());
    assert!(
        outcome.code == 1 || outcome.code == 2,
        "a run with findings or tool errors exits 1 or 2, got {}",
        outcome.code
    );
    d
}

fn fixture(name: &str) -> String {
    format!("fixtures/hostile/{name}")
}

/// A temporary directory inside the crate, so that relative paths can be passed.
fn scratch() -> tempfile::TempDir {
    let base = root().join("target").join("hostile-scratch");
    fs::create_dir_all(&base).expect("scratch dir");
    tempfile::tempdir_in(base).expect("temp dir")
}

fn relative(path: &Path) -> String {
    path.strip_prefix(root())
        .expect("inside the crate")
        .display()
        .to_string()
}

#[test]
fn billion_laughs_is_stopped_by_the_alias_budget() {
    let d = expect_one(&fixture("alias-bomb.yaml"), "yaml-alias-limit", None, &[]);
    assert!(d.message.contains("10000"), "{d:?}");
}

#[test]
fn the_alias_budget_is_configurable() {
    // lol1 alone adds 9 aliases of 10 nodes each: 90 nodes.
    let d = expect_one(
        &fixture("alias-bomb.yaml"),
        "yaml-alias-limit",
        // The fourth alias on line 3 (each adds 10 nodes) goes over.
        Some((3, 35)),
        &["--max-alias-nodes", "30"],
    );
    assert!(d.message.contains("more than 30 nodes"), "{d:?}");
}

/// Alias bombs priced in bytes, not nodes: one long anchored text aliased thousands of times
/// (each alias used to be a deep copy: a 170 KB file needed 2 GB), anchors nested in anchors
/// (each level copies the level below), and the same spread over many documents (the budget is
/// the file's, not each document's). Every shape and size stays under the memory cap, gives one
/// `yaml-alias-limit`, and leaves the good file's findings in the report.
#[test]
fn alias_byte_bombs_of_every_shape_are_stopped() {
    let dir = scratch();
    let long = |n: usize| "x".repeat(n);
    let mut cases: Vec<(String, String)> = Vec::new();
    // (length of the anchored text, aliases): files of 90 KB to 1 MB. A text longer than 64 KiB
    // is refused on its own (`yaml-value-too-long`, below).
    for (size, copies) in [(20_000, 10_000), (60_000, 10_000), (60_000, 135_000)] {
        let mut text = format!("kind: department\nname: &a \"{}\"\nitems:\n", long(size));
        text.push_str(&"  - *a\n".repeat(copies));
        cases.push((format!("scalar-{size}-{copies}"), text));
        // A flow list of aliases on one line.
        let mut text = format!("kind: department\nname: &a \"{}\"\nitems: [", long(size));
        text.push_str(&vec!["*a"; copies].join(", "));
        text.push_str("]\n");
        cases.push((format!("flow-{size}-{copies}"), text));
    }
    // Anchors nested in anchors: every level doubles the one below.
    let mut nested = format!("a0: &a0 \"{}\"\n", long(50_000));
    for i in 1..40 {
        nested.push_str(&format!("a{i}: &a{i} [*a{}, *a{}]\n", i - 1, i - 1));
    }
    cases.push(("nested".into(), nested));
    // A list anchored once and aliased as a whole, many times.
    let mut list = String::from("base: &l\n");
    for i in 0..2_000 {
        list.push_str(&format!("  - item-{i}-{}\n", long(40)));
    }
    list.push_str("copies:\n");
    list.push_str(&"  - *l\n".repeat(5_000));
    cases.push(("list".into(), list));
    // Many documents, each under any per-document budget, together over the file's.
    let mut docs = String::new();
    for i in 0..900 {
        docs.push_str(&format!("---\nname: &a{i} \"{}\"\nitems: [", long(2_000)));
        docs.push_str(&vec![format!("*a{i}"); 400].join(", "));
        docs.push_str("]\n");
    }
    let path = dir.path().join("documents.yaml");
    fs::write(&path, docs).unwrap();
    let outcome = lint_with(
        &["check", "--format", "json", &relative(&path), GOOD],
        None,
        CPU_SECONDS,
    );
    let all = diags(&outcome.json());
    assert!(all.iter().any(|d| d.file == GOOD && d.code == GOOD_RULE));
    let bombs: Vec<&Diag> = all
        .iter()
        .filter(|d| d.code == "yaml-alias-limit")
        .collect();
    assert_eq!(bombs.len(), 1, "{bombs:#?}");
    for (name, text) in cases {
        let path = dir.path().join(format!("{name}.yaml"));
        fs::write(&path, text).unwrap();
        let d = expect_one(&relative(&path), "yaml-alias-limit", None, &[]);
        assert!(d.line.is_some(), "{name}: {d:?}");
    }
}

/// A value longer than 64 KiB is refused where it stands, whatever aliases it: no rule could
/// quote it in a message, and every later stage would copy it.
#[test]
fn a_value_over_64_kib_is_refused_at_its_line() {
    let dir = scratch();
    for (name, text) in [
        (
            "plain",
            format!("kind: department\nname: {}\n", "v".repeat(100_000)),
        ),
        (
            "aliased",
            format!(
                "kind: department\nname: &a \"{}\"\nitems: [{}]\n",
                "v".repeat(100_000),
                vec!["*a"; 10_000].join(", ")
            ),
        ),
    ] {
        let path = dir.path().join(format!("{name}.yaml"));
        fs::write(&path, text).unwrap();
        let outcome = lint_with(
            &["check", "--format", "json", &relative(&path), GOOD],
            None,
            CPU_SECONDS,
        );
        let all = diags(&outcome.json());
        assert!(all.iter().any(|d| d.file == GOOD && d.code == GOOD_RULE));
        let long: Vec<&Diag> = all
            .iter()
            .filter(|d| d.code == "yaml-value-too-long")
            .collect();
        assert_eq!(long.len(), 1, "{name}: {all:#?}");
        assert_eq!((long[0].line, long[0].column), (Some(2), Some(7)), "{name}");
    }
}

/// A genuine file may anchor a long text and reuse it a few times.
#[test]
fn a_long_anchored_text_may_be_reused_a_few_times() {
    let dir = scratch();
    let path = dir.path().join("reuse.yaml");
    let text = format!(
        "schema_version: 1\nkind: department\nas_of: 2025-01-01\norganisation:\n  id: X\n  name: &n \"{}\"\n  type: ministerial\nx_names: [*n, *n, *n]\n",
        "n".repeat(60_000)
    );
    fs::write(&path, text).unwrap();
    let outcome = lint_with(
        &["check", "--format", "json", &relative(&path)],
        None,
        CPU_SECONDS,
    );
    let all = diags(&outcome.json());
    assert!(all.iter().all(|d| d.code != "yaml-alias-limit"), "{all:#?}");
}

#[test]
fn deep_flow_nesting_is_too_deep() {
    let d = expect_one(&fixture("deep-flow.yaml"), "yaml-too-deep", None, &[]);
    assert!(d.message.contains("limit of 64"), "{d:?}");
    expect_one(&fixture("deep-flow-map.yaml"), "yaml-too-deep", None, &[]);
}

#[test]
fn deep_block_nesting_is_too_deep_at_the_65th_level() {
    // `- ` is two columns per level: level 65 opens at column 129.
    let d = expect_one(
        &fixture("deep-block.yaml"),
        "yaml-too-deep",
        Some((2, 129)),
        &[],
    );
    assert!(d.message.contains("limit of 64"), "{d:?}");
}

#[test]
fn the_depth_limit_is_configurable() {
    let d = expect_alone(
        &fixture("deep-block.yaml"),
        "yaml-too-deep",
        Some((2, 7)),
        &["--max-depth", "3"],
    );
    assert!(d.message.contains("limit of 3"), "{d:?}");
    // Above the parser's own bracket limit (255), that limit still stops the file.
    let d = expect_one(
        &fixture("deep-flow.yaml"),
        "yaml-too-deep",
        None,
        &["--max-depth", "10000"],
    );
    assert!(d.message.contains("limit of 255"), "{d:?}");
}

#[test]
fn a_100_mb_file_is_rejected_by_size_without_reading_it_all() {
    let dir = scratch();
    let path = dir.path().join("huge.yaml");
    let mut f = std::io::BufWriter::new(fs::File::create(&path).unwrap());
    let line = b"key_that_repeats: some value that repeats\n";
    let mut written = 0;
    while written < 100 * 1024 * 1024 {
        f.write_all(line).unwrap();
        written += line.len();
    }
    f.flush().unwrap();
    drop(f);
    let d = expect_one(&relative(&path), "input-too-large", Some((1, 1)), &[]);
    assert!(d.message.contains("8388608"), "{d:?}");
}

#[test]
fn the_size_limit_is_configurable() {
    let d = expect_alone(
        &fixture("duplicate-key.yaml"),
        "input-too-large",
        Some((1, 1)),
        &["--max-file-size", "10"],
    );
    assert!(d.message.contains("limit of 10 bytes"), "{d:?}");
    // The largest value is accepted without overflow.
    expect_one(
        &fixture("duplicate-key.yaml"),
        "yaml-duplicate-key",
        Some((3, 1)),
        &["--max-file-size", &u64::MAX.to_string()],
    );
}

#[test]
fn an_endless_stdin_is_cut_at_the_size_limit() {
    let bytes = b"k: v\n".repeat(20 * 1024 * 1024);
    let outcome = lint_with(
        &[
            "check",
            "--format",
            "json",
            "--as-of",
            "2024-06-01",
            "-",
            GOOD,
        ],
        Some(bytes),
        CPU_SECONDS,
    );
    let all = diags(&outcome.json());
    assert!(all.iter().any(|d| d.file == GOOD && d.code == GOOD_RULE));
    let mine: Vec<&Diag> = all.iter().filter(|d| d.file == "<stdin>").collect();
    assert_eq!(mine.len(), 1, "{mine:#?}");
    assert_eq!(mine[0].code, "input-too-large");
}

#[test]
fn very_long_lines_and_keys() {
    let dir = scratch();
    // A 6 MB value on one line: refused as too long, where it starts.
    let long_value = dir.path().join("long-value.yaml");
    fs::write(
        &long_value,
        format!("note: \"{}\"\n", "x".repeat(6 * 1024 * 1024)),
    )
    .unwrap();
    let d = expect_one(
        &relative(&long_value),
        "yaml-value-too-long",
        Some((1, 7)),
        &[],
    );
    assert!(d.message.len() < 500, "the message stays short: {d:?}");
    // The human report does not print the 6 MB line, even though the label is at its start.
    let outcome = lint_with(
        &[
            "check",
            "--color",
            "never",
            "--as-of",
            "2024-06-01",
            &relative(&long_value),
        ],
        None,
        CPU_SECONDS,
    );
    assert!(
        outcome
            .stdout
            .contains("at line 1, column 7: the line is too long to show"),
        "{}",
        truncate(&outcome.stdout)
    );
    assert!(outcome.stdout.len() < 10_000, "{}", outcome.stdout.len());
    // A 60 KB key (a longer one is refused as a value too long): YAML caps implicit keys at
    // 1024 characters, so this is a syntax error at the colon.
    let long_key = dir.path().join("long-key.yaml");
    let key = "k".repeat(60_000);
    fs::write(&long_key, format!("{key}: 1\n{key}: 2\n")).unwrap();
    let d = expect_one(&relative(&long_key), "yaml-syntax", Some((1, 60_001)), &[]);
    assert!(d.message.len() < 200, "the message stays short: {d:?}");
    // A 1000-character key given twice: the message shows the key shortened.
    let dup_key = dir.path().join("dup-long-key.yaml");
    let key = "k".repeat(1000);
    fs::write(&dup_key, format!("{key}: 1\n{key}: 2\n")).unwrap();
    let d = expect_one(&relative(&dup_key), "yaml-duplicate-key", Some((2, 1)), &[]);
    assert!(d.message.len() < 200, "the message stays short: {d:?}");
    // The human report of a long line finishes too (it used to panic inside miette).
    let outcome = lint_with(
        &[
            "check",
            "--color",
            "never",
            "--as-of",
            "2024-06-01",
            &relative(&long_key),
        ],
        None,
        CPU_SECONDS,
    );
    assert_eq!(outcome.code, 1);
    assert!(
        outcome.stdout.contains("yaml-syntax"),
        "{}",
        truncate(&outcome.stdout)
    );
    // miette cannot draw a label 60,000 columns to the right; the place is given in words.
    assert!(
        outcome
            .stdout
            .contains("at line 1, column 60001: the line is too long to show"),
        "{}",
        truncate(&outcome.stdout)
    );
    assert!(
        outcome.stdout.len() < 10_000,
        "the megabyte line is not printed"
    );
}

#[test]
fn binary_files_are_reported_once() {
    expect_one(&fixture("binary.yaml"), "input-binary", Some((1, 8)), &[]);
}

#[test]
fn invalid_utf8_points_at_the_first_bad_byte() {
    expect_one(
        &fixture("invalid-utf8.yaml"),
        "input-encoding",
        Some((4, 13)),
        &[],
    );
}

#[test]
fn utf16_with_a_byte_order_mark_is_named() {
    let d = expect_one(
        &fixture("utf16-bom.yaml"),
        "input-encoding",
        Some((1, 1)),
        &[],
    );
    assert!(d.message.contains("UTF-16"), "{d:?}");
}

#[test]
fn duplicate_keys() {
    expect_one(
        &fixture("duplicate-key.yaml"),
        "yaml-duplicate-key",
        Some((3, 1)),
        &[],
    );
}

#[test]
fn repeated_keys_stay_linear_and_capped() {
    // 100,000 keys, then the same keys again. The first occurrence of a duplicate used to be
    // found by scanning the entries before it (5 billion comparisons here), and every
    // duplicate was reported.
    let dir = scratch();
    let path = dir.path().join("many-duplicates.yaml");
    let keys: String = (0..100_000).map(|i| format!("k{i}: 1\n")).collect();
    fs::write(&path, keys.repeat(2)).unwrap();
    let outcome = lint_with(
        &[
            "check",
            "--format",
            "json",
            "--as-of",
            "2024-06-01",
            &relative(&path),
        ],
        None,
        CPU_SECONDS,
    );
    let all = diags(&outcome.json());
    assert_eq!(all.len(), 101, "100 problems and one note");
    assert_eq!(all[0].code, "yaml-duplicate-key");
    assert_eq!(all.last().unwrap().code, "yaml-too-many-problems");
    assert!(all.last().unwrap().message.starts_with("99900 more"));
}

#[test]
fn python_object_tags_are_refused() {
    let d = expect_one(&fixture("python-tag.yaml"), "yaml-tag", Some((2, 7)), &[]);
    assert!(d.message.contains("python/object"), "{d:?}");
}

/// A core tag that does not fit its value (`!!null 2025-03-31`, which one YAML reader reads as
/// null and another as a date) and every tag that is not a core one are refused, each with one
/// diagnostic at the tag's line and column and help; nothing tagged is accepted silently.
#[test]
fn tags_that_do_not_fit_or_are_foreign_are_refused() {
    let dir = scratch();
    for (tag, message) in [
        ("!!null 2025-03-31", "`!!null` does not fit this value"),
        ("!!int 2025-03-31", "`!!int` does not fit this value"),
        ("!foo 2025-03-31", "the tag `!foo` is not allowed"),
        ("!!binary aGk=", "the tag `!!binary` is not allowed"),
        (
            "!!python/object:os.system x",
            "the tag `!!python/object:os.system`",
        ),
        (
            "!<tag:yaml.org,2002:timestamp> 2025-03-31",
            "is not allowed",
        ),
    ] {
        let file = dir.path().join("tagged.yaml");
        fs::write(
            &file,
            format!("schema_version: 1\nkind: department\nas_of: {tag}\n"),
        )
        .unwrap();
        let d = expect_one(&relative(&file), "yaml-tag", Some((3, 8)), &[]);
        assert!(d.message.contains(message), "{tag}: {d:?}");
    }
}

#[test]
fn merge_keys_are_refused() {
    expect_one(
        &fixture("merge-key.yaml"),
        "yaml-merge-key",
        Some((3, 3)),
        &[],
    );
}

#[test]
fn a_document_that_is_a_scalar_or_a_list() {
    let d = expect_one(
        &fixture("scalar-document.yaml"),
        "schema-not-a-mapping",
        Some((1, 1)),
        &[],
    );
    assert!(d.message.contains("string"), "{d:?}");
    let d = expect_one(
        &fixture("list-document.yaml"),
        "schema-not-a-mapping",
        Some((1, 1)),
        &[],
    );
    assert!(d.message.contains("list"), "{d:?}");
}

#[test]
fn an_empty_file_is_a_warning() {
    expect_one(&fixture("empty.yaml"), "yaml-empty", Some((1, 1)), &[]);
}

#[test]
fn a_directory_symlink_loop_is_reported_once() {
    let dir = scratch();
    let tree = dir.path().join("tree");
    fs::create_dir_all(tree.join("sub")).unwrap();
    std::os::unix::fs::symlink("..", tree.join("sub").join("back-up")).unwrap();
    let d = expect_one(&relative(&tree), "input-unreadable", None, &[]);
    assert!(d.message.contains("symbolic link loop"), "{d:?}");
    assert!(d.file.ends_with("back-up"), "{d:?}");
}

/// A folder scan never leaves the folder named on the command line through a link: a link to
/// `/` scanned the whole machine, and a link to a file elsewhere printed its lines in snippets.
#[cfg(unix)]
#[test]
fn links_out_of_a_scanned_folder_are_not_followed() {
    let top = tempfile::tempdir().unwrap();
    let decl = top.path().join("decl");
    std::fs::create_dir(&decl).unwrap();
    std::fs::copy(crate::harness::root().join(GOOD), decl.join("good.yaml")).unwrap();
    std::fs::write(top.path().join("secret.yaml"), "db_password: hunter2\n").unwrap();
    std::os::unix::fs::symlink("/", decl.join("root")).unwrap();
    std::os::unix::fs::symlink("../secret.yaml", decl.join("x.yaml")).unwrap();
    std::os::unix::fs::symlink("../secret.yaml", decl.join("notes.txt")).unwrap();
    // A link that stays inside is followed as before.
    std::fs::create_dir(decl.join("sub")).unwrap();
    std::os::unix::fs::symlink("../good.yaml", decl.join("sub/again.yaml")).unwrap();
    let out = crate::harness::cli()
        .args(["check", "--no-config", "--format", "json"])
        .arg(&decl)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(!text.contains("hunter2") && !err.contains("hunter2"));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let outside: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| {
            d["message"]
                .as_str()
                .unwrap()
                .contains("outside the folder being checked")
        })
        .map(|d| d["file"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        outside.len(),
        2,
        "the link to / and to the secret: {outside:?}"
    );
    let files: std::collections::BTreeSet<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert_eq!(files.len(), 2, "good.yaml and sub/again.yaml: {files:?}");
}

#[test]
fn an_unreadable_file() {
    let outer = scratch();
    let dir = outer.path().join("locked");
    fs::create_dir(&dir).unwrap();
    let path = dir.join("locked.yaml");
    fs::write(&path, "schema_version: 1\n").unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o000)).unwrap();
    let target = if fs::File::open(&path).is_err() {
        path
    } else {
        // Running as root: permissions do not stop reads. /proc/self/mem is a regular file
        // that every process may open, but reading its first page fails (EIO).
        println!("note: running as root, so chmod 000 does not stop reads; using /proc/self/mem");
        fs::remove_file(&path).unwrap();
        let link = dir.join("proc-mem.yaml");
        std::os::unix::fs::symlink("/proc/self/mem", &link).unwrap();
        link
    };
    let d = expect_one(&relative(&target), "input-unreadable", None, &[]);
    assert!(d.message.contains("cannot read"), "{d:?}");
    // The same file found by walking its directory (as root, the link to /proc leads out of
    // the folder, so the walk refuses it before reading).
    let d = expect_one(&relative(&dir), "input-unreadable", None, &[]);
    assert!(
        d.message.contains("cannot read") || d.message.contains("outside the folder"),
        "{d:?}"
    );
}

#[test]
fn a_fifo_is_refused_without_blocking() {
    let dir = scratch();
    let fifo = dir.path().join("pipe.yaml");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        println!("note: mkfifo is not available; skipping the FIFO case");
        return;
    }
    // Named directly, and found by walking its directory: nobody ever writes to it, so a read
    // would block until the wall-clock guard fails the test.
    for path in [relative(&fifo), relative(dir.path())] {
        let d = expect_one(&path, "input-unreadable", None, &[]);
        assert!(d.message.contains("not a regular file"), "{d:?}");
    }
}

#[test]
fn a_file_of_tiny_keys_just_under_the_size_limit() {
    let dir = scratch();
    let path = dir.path().join("tiny-keys.yaml");
    let mut text = String::with_capacity(8 << 20);
    let mut i = 0u64;
    while text.len() < 7_900_000 {
        text.push_str(&format!("k{i:x}: {i}\n"));
        i += 1;
    }
    fs::write(&path, text).unwrap();
    // About 540,000 keys. Debug builds of the YAML parser are about ten times slower than
    // release builds, so the CPU budget is widened for them; memory stays capped at 1 GiB.
    let cpu = if cfg!(debug_assertions) {
        6 * CPU_SECONDS
    } else {
        CPU_SECONDS
    };
    let d = expect_one_cpu(&relative(&path), "schema-missing-key", None, &[], cpu);
    assert!(d.message.contains("kind"), "{d:?}");
}

#[test]
fn fuzz_regressions_never_crash() {
    let dir = root().join("fixtures/hostile/fuzz-regressions");
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("fixtures/hostile/fuzz-regressions exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    for file in files {
        let name = relative(&file);
        let outcome = lint_with(
            &[
                "check",
                "--format",
                "json",
                "--as-of",
                "2024-06-01",
                &name,
                GOOD,
            ],
            None,
            CPU_SECONDS,
        );
        let all = diags(&outcome.json());
        assert!(
            all.iter().any(|d| d.file == GOOD && d.code == GOOD_RULE),
            "{name}: the good file's finding is missing"
        );
        // Human output, too: it resolves every span into the text.
        lint_with(
            &["check", "--color", "never", "--as-of", "2024-06-01", &name],
            None,
            CPU_SECONDS,
        );
    }
}

#[test]
fn declarations_cannot_inject_markup_into_reports() {
    let dir = scratch();
    let path = dir.path().join("script.yaml");
    let source = fs::read_to_string(root().join(GOOD)).unwrap();
    let name_line = source
        .lines()
        .find(|l| l.trim_start().starts_with("name:"))
        .expect("the good file names its organisation");
    let indent = &name_line[..name_line.len() - name_line.trim_start().len()];
    let hostile = source.replacen(
        name_line,
        &format!("{indent}name: \"<script>alert(1)</script>\""),
        1,
    );
    fs::write(&path, hostile).unwrap();
    let name = relative(&path);
    // JSON: the name is a JSON string, read back exactly as written.
    let outcome = lint_with(
        &["check", "--format", "json", "--as-of", "2024-06-01", &name],
        None,
        CPU_SECONDS,
    );
    let report = outcome.json();
    let docs = report["documents"].as_array().expect("documents");
    assert_eq!(docs[0]["name"], "<script>alert(1)</script>", "{docs:?}");
    // Human: a finding on that line shows the snippet, and the markup in it as plain text.
    let wrong_type = source.replacen(
        name_line,
        &format!("{indent}name: [\"<script>alert(1)</script>\"]"),
        1,
    );
    fs::write(&path, wrong_type).unwrap();
    let outcome = lint_with(
        &["check", "--color", "never", "--as-of", "2024-06-01", &name],
        None,
        CPU_SECONDS,
    );
    assert_eq!(outcome.code, 1, "{}", outcome.stdout);
    assert!(
        outcome.stdout.contains("[\"<script>alert(1)</script>\"]"),
        "{}",
        outcome.stdout
    );
}

#[test]
fn relative_inputs_are_shown_relative() {
    let outcome = lint_with(
        &[
            "check",
            "--format",
            "json",
            "--as-of",
            "2024-06-01",
            "fixtures/examples",
        ],
        None,
        CPU_SECONDS,
    );
    let report = outcome.json();
    let root = root().display().to_string();
    assert!(
        !outcome.stdout.contains(&root),
        "no absolute path leaks into the report"
    );
    for f in report["findings"].as_array().unwrap() {
        let file = f["file"].as_str().unwrap();
        assert!(file.starts_with("fixtures/examples/"), "{file}");
    }
}

#[test]
fn control_characters_are_refused_and_never_reach_the_terminal() {
    // An OSC title sequence, a bell, "clear screen" and a colour, raw in a quoted value.
    let d = expect_one(
        &fixture("control-char.yaml"),
        "input-control-char",
        Some((4, 17)),
        &[],
    );
    assert!(d.message.contains("U+001B"), "{d:?}");
    let outcome = lint_with(
        &[
            "check",
            "--color",
            "never",
            "--as-of",
            "2024-06-01",
            &fixture("control-char.yaml"),
        ],
        None,
        CPU_SECONDS,
    );
    assert_eq!(outcome.code, 1);
    assert!(outcome.stdout.contains("input-control-char"));
    assert!(
        !outcome.stdout.contains('\u{1b}') && !outcome.stdout.contains('\u{7}'),
        "no raw control character in the report:\n{}",
        outcome.stdout
    );
    // The snippet shows them as control pictures.
    assert!(
        outcome.stdout.contains("\u{241b}]0;owned\u{2407}"),
        "{}",
        outcome.stdout
    );
}

#[test]
fn control_characters_in_file_names_are_escaped() {
    let dir = scratch();
    let path = dir.path().join("evil\u{1b}[2J.yaml");
    fs::write(&path, "kind: department\nkind: proposal\n").unwrap();
    let outcome = lint_with(
        &[
            "check",
            "--format",
            "json",
            "--as-of",
            "2024-06-01",
            &relative(dir.path()),
        ],
        None,
        CPU_SECONDS,
    );
    let all = diags(&outcome.json());
    assert_eq!(all.len(), 1, "{all:#?}");
    assert!(all[0].file.ends_with("evil\\u{1b}[2J.yaml"), "{:?}", all[0]);
    let outcome = lint_with(
        &[
            "check",
            "--color",
            "never",
            "--as-of",
            "2024-06-01",
            &relative(dir.path()),
        ],
        None,
        CPU_SECONDS,
    );
    assert!(!outcome.stdout.contains('\u{1b}'), "{}", outcome.stdout);
}

#[test]
fn a_directory_tree_two_thousand_levels_deep() {
    // Loop detection used to resolve each directory's canonical path (a `stat` per component),
    // which made this walk take minutes.
    let dir = scratch();
    let mut deep = dir.path().join("deep");
    for _ in 0..1990 {
        deep.push("a");
    }
    fs::create_dir_all(&deep).unwrap();
    fs::write(deep.join("x.yaml"), "kind: department\nkind: proposal\n").unwrap();
    let d = expect_one(
        &relative(&dir.path().join("deep")),
        "yaml-duplicate-key",
        Some((2, 1)),
        &[],
    );
    assert!(d.file.ends_with("/a/x.yaml"), "{}", d.file.len());
}

#[test]
fn a_million_documents_in_one_file() {
    // 1.3 million `--- 1` documents (7.8 MB) exhausted 1 GiB: now the first 1,000 are read.
    let dir = scratch();
    let path = dir.path().join("many-documents.yaml");
    fs::write(&path, "--- 1\n".repeat(1_300_000)).unwrap();
    let outcome = lint_with(
        &[
            "check",
            "--format",
            "json",
            "--as-of",
            "2024-06-01",
            &relative(&path),
            GOOD,
        ],
        None,
        CPU_SECONDS,
    );
    let all = diags(&outcome.json());
    assert!(all.iter().any(|d| d.file == GOOD && d.code == GOOD_RULE));
    let mine: Vec<&Diag> = all.iter().filter(|d| d.file != GOOD).collect();
    assert_eq!(mine.len(), 1001, "one per document read, and one note");
    let last = mine
        .iter()
        .find(|d| d.code == "yaml-too-many-documents")
        .expect("the limit is reported");
    assert_eq!((last.line, last.column), (Some(1001), Some(1)), "{last:?}");
}

#[test]
fn two_hundred_thousand_unknown_keys() {
    // Each unknown key was a finding, found by scanning the mapping: 500,000 took two minutes.
    let dir = scratch();
    let path = dir.path().join("unknown-keys.yaml");
    let keys: String = (0..200_000).map(|i| format!("x{i}: 1\n")).collect();
    fs::write(
        &path,
        format!("schema_version: 1\nkind: department\n{keys}"),
    )
    .unwrap();
    let outcome = lint_with(
        &[
            "check",
            "--format",
            "json",
            "--as-of",
            "2024-06-01",
            &relative(&path),
        ],
        None,
        CPU_SECONDS,
    );
    let all = diags(&outcome.json());
    assert_eq!(all.len(), 101, "100 problems and one note");
    let note = all
        .iter()
        .find(|d| d.code == "schema-too-many-problems")
        .expect("a note");
    assert!(note.message.starts_with("199901 more"), "{note:?}");
}
