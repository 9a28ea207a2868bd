//! The rule sandbox: each hostile rule under fixtures/hostile-rules/<case>/ runs with `--rules`
//! next to the built-in pack on a good declaration, under the limits of tests/limited. Each
//! attempt must be stopped with one diagnostic that names the rule, its file and line, and the
//! built-in rules must still produce their findings.

use std::time::Duration;

use crate::harness::{CPU_SECONDS, Diag, GOOD, GOOD_RULE, diags, lint_with, truncate};

/// A second good file: a broken rule gives one diagnostic however many documents it fails on.
const GOOD_2: &str = "fixtures/examples/dwp-compliant.yaml";

pub(crate) struct Stopped {
    pub(crate) diag: Diag,
    pub(crate) elapsed: Duration,
}

/// Run the hostile pack `case`; expect one diagnostic with `code` naming the rule, at `line`
/// of its script (when given), and the built-in finding on the good file.
pub(crate) fn stopped(case: &str, code: &str, line: Option<u64>, extra: &[&str]) -> Stopped {
    stopped_within(case, code, line, extra, CPU_SECONDS)
}

/// As [`stopped`], with a CPU budget of `cpu` seconds for the whole run.
pub(crate) fn stopped_within(
    case: &str,
    code: &str,
    line: Option<u64>,
    extra: &[&str],
    cpu: u64,
) -> Stopped {
    let pack = format!("fixtures/hostile-rules/{case}");
    let rule_id = format!("hostile-{case}");
    let mut args = vec![
        "check",
        "--format",
        "json",
        "--as-of",
        "2024-06-01",
        "--rules",
        &pack,
    ];
    args.extend_from_slice(extra);
    args.extend([GOOD, GOOD_2]);
    let outcome = lint_with(&args, None, cpu);
    assert_eq!(
        outcome.code,
        2,
        "a rule that fails is a tool error (exit 2)\n{}",
        truncate(&outcome.stdout)
    );
    let all = diags(&outcome.json());
    assert!(
        all.iter().any(|d| d.file == GOOD && d.code == GOOD_RULE),
        "the built-in rule `{GOOD_RULE}` still reports on {GOOD}: {all:#?}"
    );
    let mine: Vec<Diag> = all.into_iter().filter(|d| d.file.contains(&pack)).collect();
    assert_eq!(mine.len(), 1, "one diagnostic for the rule: {mine:#?}");
    let diag = mine.into_iter().next().unwrap();
    assert_eq!(diag.code, code, "{diag:#?}");
    assert!(
        diag.file == format!("{pack}/{rule_id}.rhai"),
        "the diagnostic names the rule's file: {diag:#?}"
    );
    assert!(
        diag.message.contains(&rule_id) || matches!(code, "rule-syntax" | "rule-unknown-function"),
        "the message names the rule (load-time diagnostics name it by its file): {diag:#?}"
    );
    if let Some(line) = line {
        assert_eq!(diag.line, Some(line), "{diag:#?}");
    }
    Stopped {
        diag,
        elapsed: outcome.elapsed,
    }
}

/// The line of `fn check(doc, ctx) {` in the generated hostile rules.
const CHECK_LINE: u64 = 24;
/// A limit stops a rule without a position; a rule with a loop is pointed at its first loop.
const FIRST_LOOP: u64 = 25;

#[test]
fn an_infinite_loop_is_stopped_by_the_operation_limit() {
    let s = stopped("infinite-loop", "rule-limit", Some(FIRST_LOOP), &[]);
    assert!(
        s.diag.message.contains("Too many operations"),
        "{:?}",
        s.diag
    );
}

#[test]
fn the_operation_limit_is_configurable() {
    let s = stopped(
        "infinite-loop",
        "rule-limit",
        Some(FIRST_LOOP),
        &["--max-operations", "1000"],
    );
    assert!(
        s.diag.message.contains("Too many operations"),
        "{:?}",
        s.diag
    );
}

#[test]
fn unbounded_recursion_is_stopped_by_the_call_depth_limit() {
    let s = stopped("unbounded-recursion", "rule-limit", None, &[]);
    assert!(s.diag.message.contains("Stack overflow"), "{:?}", s.diag);
    // It points at a call in the script, not at the top of the file.
    assert!(s.diag.line.unwrap() > 20, "{:?}", s.diag);
}

#[test]
fn a_string_grown_without_bound_is_stopped_by_the_size_limit() {
    let s = stopped("string-growth", "rule-limit", Some(FIRST_LOOP + 1), &[]);
    assert!(s.diag.message.contains("string too large"), "{:?}", s.diag);
}

#[test]
fn a_two_gigabyte_string_is_refused_before_it_is_made() {
    let s = stopped("huge-pad", "rule-limit", Some(CHECK_LINE), &[]);
    assert!(s.diag.message.contains("string too large"), "{:?}", s.diag);
}

#[test]
fn a_billion_element_array_is_refused_before_it_is_made() {
    let s = stopped("huge-array-pad", "rule-limit", Some(CHECK_LINE), &[]);
    assert!(s.diag.message.contains("too large"), "{:?}", s.diag);
}

#[test]
fn an_array_grown_without_bound_is_stopped() {
    // Rhai measures an array's size after each push, so the loop slows as the array grows;
    // the size, operation or time limit stops it, whichever comes first on this machine.
    let s = stopped(
        "array-growth",
        "rule-limit",
        Some(FIRST_LOOP + 1),
        &["--rule-timeout", "1000"],
    );
    let m = &s.diag.message;
    assert!(
        m.contains("too large") || m.contains("Too many operations") || m.contains("time limit"),
        "{:?}",
        s.diag
    );
}

#[test]
fn import_is_refused_when_the_pack_loads() {
    let s = stopped("import-module", "rule-syntax", Some(25), &[]);
    assert!(s.diag.message.contains("import"), "{:?}", s.diag);
}

#[test]
fn eval_is_refused_when_the_pack_loads() {
    let s = stopped("eval-call", "rule-syntax", Some(25), &[]);
    assert!(s.diag.message.contains("eval"), "{:?}", s.diag);
}

#[test]
fn there_is_no_file_api() {
    // Caught when the pack loads: the function is neither a helper nor a Rhai function.
    for case in ["open-file", "read-string"] {
        let s = stopped(case, "rule-unknown-function", Some(25), &[]);
        assert!(s.diag.message.contains("is not a helper"), "{:?}", s.diag);
    }
}

#[test]
fn there_is_no_environment_api() {
    let s = stopped("env-var", "rule-unknown-function", Some(25), &[]);
    assert!(
        s.diag.message.contains("`env` is not a helper"),
        "{:?}",
        s.diag
    );
}

#[test]
fn bad_types_and_arithmetic_are_errors_not_crashes() {
    for (case, line, text) in [
        ("unit-arithmetic", 26, "Function not found"),
        ("method-on-number", 26, "Function not found: trim"),
        ("integer-overflow", 26, "overflow"),
        ("division-by-zero", 26, "Division by zero"),
        ("huge-index", 26, "out of bounds"),
        ("report-non-string", 25, "Function not found: report"),
    ] {
        let s = stopped(case, "rule-error", Some(line), &[]);
        assert!(s.diag.message.contains(text), "{case}: {:?}", s.diag);
    }
}

#[test]
fn comparing_unit_with_a_number_is_an_error_at_the_operator() {
    // Rhai defines `() > 1` as false: a rule comparing a missing value with a threshold would
    // run to the end and never fire. It is an error of the rule, at its line, naming both
    // types; the other rules still run.
    let s = stopped("unit-compare", "rule-type-mismatch", Some(26), &[]);
    assert!(
        s.diag
            .message
            .contains("`>` compares `()` (a missing value) with a number `1`"),
        "{:?}",
        s.diag
    );
}

#[test]
fn slow_work_under_the_operation_limit_is_stopped_by_the_clock() {
    let s = stopped(
        "slow-under-op-limit",
        "rule-limit",
        Some(FIRST_LOOP + 2),
        &["--rule-timeout", "300"],
    );
    assert!(
        s.diag.message.contains("ran longer than its time limit"),
        "{:?}",
        s.diag
    );
    // Two documents, 300 ms each at most before the rule is disabled; generous for CI.
    assert!(s.elapsed < Duration::from_secs(60), "{:?}", s.elapsed);
}

#[test]
fn builtin_rule_files_show_as_rules_pack_file() {
    let outcome = lint_with(&["rules", "--format", "json"], None, CPU_SECONDS);
    let rules = outcome.json();
    let rules = rules.as_array().expect("a list of rules");
    assert!(!rules.is_empty());
    for r in rules {
        let file = r["file"].as_str().expect("file");
        let pack = r["pack"].as_str().expect("pack");
        assert!(
            file.starts_with(&format!("rules/{pack}/")) && file.ends_with(".rhai"),
            "{file}"
        );
    }
    assert!(!outcome.stdout.contains(env!("CARGO_MANIFEST_DIR")));
}

#[test]
fn slow_operations_cannot_carry_a_rule_far_past_its_deadline() {
    // Each copy of a 24,000-item array takes a millisecond or so (90,000 items before lists were limited to 25,000). When the clock was read every 4,096
    // operations, this rule ran 20 s of CPU past a 300 ms limit; the CPU budget of 5 s (for
    // two documents, in a debug build) now kills the run if the deadline check is that coarse.
    let s = stopped_within(
        "clone-big-array",
        "rule-limit",
        Some(FIRST_LOOP + 2),
        &["--rule-timeout", "300"],
        5,
    );
    assert!(
        s.diag.message.contains("ran longer than its time limit"),
        "{:?}",
        s.diag
    );
}

#[test]
fn deeply_nested_expressions_are_refused_at_compile_time() {
    let s = stopped("deep-expression", "rule-syntax", Some(25), &[]);
    assert!(
        s.diag.message.contains("maximum complexity"),
        "{:?}",
        s.diag
    );
}

#[test]
fn an_alias_bomb_in_a_pack_data_file_is_refused() {
    let pack = "fixtures/hostile-rules/data-alias-bomb";
    let outcome = lint_with(
        &[
            "check",
            "--format",
            "json",
            "--as-of",
            "2024-06-01",
            "--rules",
            pack,
            GOOD,
        ],
        None,
        CPU_SECONDS,
    );
    assert_eq!(outcome.code, 2);
    let all = diags(&outcome.json());
    assert!(all.iter().any(|d| d.file == GOOD && d.code == GOOD_RULE));
    let mine: Vec<&Diag> = all.iter().filter(|d| d.file.starts_with(pack)).collect();
    assert_eq!(mine.len(), 1, "{mine:#?}");
    assert_eq!(mine[0].code, "pack-data");
    assert_eq!(mine[0].file, format!("{pack}/bomb.yaml"));
    // Read by the declarations' parser first: the same alias budget as a declaration.
    assert!(
        mine[0].message.contains("aliases expand to more than"),
        "{:?}",
        mine[0]
    );
    assert!(mine[0].line.is_some(), "{:?}", mine[0]);
}

#[test]
fn a_flood_of_megabyte_findings_is_capped() {
    // Each `report` copies its message out of the engine: without a cap on findings and on
    // message length this rule exhausted 1 GiB within its operation budget.
    // A generous clock and CPU budget, so that the cap (not the time limit) stops it even in a
    // slow debug build: 10,000 findings of 8 KiB each stay far below the 1 GiB memory cap.
    let s = stopped_within(
        "report-flood",
        "rule-limit",
        Some(FIRST_LOOP + 2),
        &["--rule-timeout", "120000"],
        60,
    );
    // Each finding's message and help are cut to 4,096 characters: the findings cap, or the
    // memory they take first.
    assert!(
        s.diag
            .message
            .contains("Number of findings (more than 10000")
            || s.diag
                .message
                .contains("held more memory than the sandbox's limit"),
        "{:?}",
        s.diag
    );
}

/// A copy of the `division-by-zero` pack in a temporary folder inside the crate, plus `extra`.
fn pack_with(extra: impl FnOnce(&std::path::Path)) -> (tempfile::TempDir, String) {
    let base = crate::harness::root()
        .join("target")
        .join("sandbox-scratch");
    std::fs::create_dir_all(&base).unwrap();
    let dir = tempfile::tempdir_in(base).unwrap();
    let src = crate::harness::root().join("fixtures/hostile-rules/division-by-zero");
    for entry in std::fs::read_dir(src).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    extra(dir.path());
    let rel = dir
        .path()
        .strip_prefix(crate::harness::root())
        .unwrap()
        .display()
        .to_string();
    (dir, rel)
}

/// Run the pack at `pack`; expect the pack refused with `pack-unreadable` mentioning `text`,
/// and the built-in rules still reporting.
fn pack_refused(pack: &str, text: &str) {
    pack_refused_with(pack, "pack-unreadable", text);
}

/// As [`pack_refused`], with the diagnostic's `code`. Returns the report's text.
fn pack_refused_with(pack: &str, code: &str, text: &str) -> String {
    let outcome = lint_with(
        &[
            "check",
            "--format",
            "json",
            "--as-of",
            "2024-06-01",
            "--rules",
            pack,
            GOOD,
        ],
        None,
        CPU_SECONDS,
    );
    assert_eq!(outcome.code, 2);
    let report = outcome.json();
    let all = diags(&report);
    assert!(all.iter().any(|d| d.file == GOOD && d.code == GOOD_RULE));
    let tool: Vec<&Diag> = all.iter().filter(|d| d.file != GOOD).collect();
    assert_eq!(tool.len(), 1, "{tool:#?}");
    assert_eq!(tool[0].code, code);
    assert!(tool[0].message.contains(text), "{:?}", tool[0]);
    outcome.stdout
}

#[test]
fn a_rule_file_that_links_to_dev_zero_is_not_read() {
    // It used to be read to the end: endless, until memory ran out.
    let (_dir, pack) = pack_with(|d| {
        std::os::unix::fs::symlink("/dev/zero", d.join("zero.rhai")).unwrap();
    });
    pack_refused_with(&pack, "pack-outside", "outside the rule pack's folder");
}

#[test]
fn a_rule_file_that_is_a_fifo_is_not_opened() {
    let (_dir, pack) = pack_with(|d| {
        let made = std::process::Command::new("mkfifo")
            .arg(d.join("pipe.rhai"))
            .status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    });
    pack_refused(&pack, "not a regular file");
}

#[test]
fn a_pack_file_over_8_mib_is_refused() {
    let (_dir, pack) = pack_with(|d| {
        std::fs::write(d.join("big.rhai"), "// x\n".repeat(2 * 1024 * 1024)).unwrap();
    });
    pack_refused(&pack, "larger than 8388608 bytes");
}

#[test]
fn a_link_to_a_directory_in_a_pack_is_not_followed() {
    // A link to `/` used to walk the whole file system, reading every `.yaml` on it.
    let (_dir, pack) = pack_with(|d| {
        std::os::unix::fs::symlink("/", d.join("everything")).unwrap();
    });
    pack_refused(&pack, "symbolic link to a directory");
}

#[test]
fn extreme_limit_values_do_not_overflow() {
    // The largest operation limit: the clock still stops an endless loop.
    let s = stopped(
        "infinite-loop",
        "rule-limit",
        Some(FIRST_LOOP),
        &["--max-operations", "10000000000", "--rule-timeout", "300"],
    );
    assert!(s.diag.message.contains("time limit"), "{:?}", s.diag);
    // The longest timeout does not overflow the deadline.
    let s = stopped(
        "division-by-zero",
        "rule-error",
        Some(26),
        &["--rule-timeout", "600000"],
    );
    assert!(s.diag.message.contains("Division by zero"), "{:?}", s.diag);
}

/// There is no "unlimited": 0 operations, a timeout past ten minutes, or u64::MAX is refused
/// by the argument parser, with the range in the message.
#[test]
fn limits_out_of_range_are_refused() {
    for (flag, value) in [
        ("--max-operations", "0"),
        ("--max-operations", "18446744073709551615"),
        ("--rule-timeout", "0"),
        ("--rule-timeout", "600001"),
        ("--max-depth", "0"),
    ] {
        let outcome = lint_with(&["check", flag, value, GOOD], None, CPU_SECONDS);
        assert_eq!(outcome.code, 2, "{flag} {value}");
        assert!(
            outcome.stderr.contains(flag) && outcome.stderr.contains("is not in"),
            "{flag} {value}: {}",
            outcome.stderr
        );
    }
}

#[test]
fn a_rule_cannot_hoard_memory_in_document_maps() {
    // Each turn copies a document map and writes a megabyte into it: Rhai's own size checks do
    // not see inside document maps, and 100,000 turns held 100 GB.
    // Either count stops it: the copies written into document maps, or everything the rule
    // holds, as the allocator counts it.
    let s = stopped("map-hoard", "rule-limit", None, &[]);
    assert!(
        s.diag.message.contains("Memory written into document maps")
            || s.diag
                .message
                .contains("held more memory than the sandbox's limit"),
        "{:?}",
        s.diag
    );
}

#[test]
fn what_portfolio_collect_keeps_is_bounded() {
    // 8 MB kept per document over 1,000 documents was 8 GB, and an abort: kept in document
    // maps (`collect-hoard`), and in closures' captured variables, which no size check of
    // Rhai's sees (`collect-closures`).
    let dir = tempfile::tempdir_in(crate::harness::root().join("target")).unwrap();
    let many = dir.path().join("many.yaml");
    let doc = "schema_version: 1\nkind: department\nas_of: 2025-01-01\norganisation:\n  id: X{i}\n  name: Department {i}\n  type: ministerial\n";
    let text: String = (0..1_000)
        .map(|i| format!("---\n{}", doc.replace("{i}", &i.to_string())))
        .collect();
    std::fs::write(&many, text).unwrap();
    let many = many.display().to_string();
    for pack in [
        "fixtures/hostile-rules/collect-hoard",
        "fixtures/hostile-rules/collect-closures",
    ] {
        let outcome = lint_with(
            &["check", "--format", "json", "--rules", pack, &many, GOOD],
            None,
            CPU_SECONDS * 3,
        );
        assert_eq!(outcome.code, 2, "{pack}: {}", truncate(&outcome.stderr));
        let all = diags(&outcome.json());
        assert!(all.iter().any(|d| d.file == GOOD && d.code == GOOD_RULE));
        let mine: Vec<&Diag> = all.iter().filter(|d| d.file.starts_with(pack)).collect();
        assert_eq!(mine.len(), 1, "{mine:#?}");
        assert_eq!(mine[0].code, "rule-limit");
        assert!(
            mine[0].message.contains("from its `collect` calls"),
            "{:?}",
            mine[0]
        );
    }
}

/// A rule that fails on one document fails there only: it still judges the others, the
/// diagnostic names the document, and the report is the same for any number of threads (a
/// failure used to switch the rule off for the rest of the run, so what the others got
/// depended on which file a thread reached first).
#[test]
fn a_rule_failure_touches_only_its_document_and_not_the_order() {
    let pack = "fixtures/hostile-rules/fails-on-one";
    let run = |jobs: &str| {
        lint_with(
            &[
                "check",
                "--format",
                "json",
                "--as-of",
                "2025-01-01",
                "--rules",
                pack,
                "--jobs",
                jobs,
                GOOD,
                GOOD_2,
                GOOD,
                GOOD_2,
            ],
            None,
            CPU_SECONDS,
        )
    };
    let one = run("1");
    assert_eq!(one.code, 2);
    for jobs in ["2", "3"] {
        assert_eq!(
            one.stdout,
            run(jobs).stdout,
            "--jobs {jobs} differs from --jobs 1"
        );
    }
    let all = diags(&one.json());
    let failed: Vec<&Diag> = all.iter().filter(|d| d.code == "rule-error").collect();
    assert_eq!(failed.len(), 1, "{failed:#?}");
    assert!(
        failed[0]
            .message
            .contains(&format!("in {GOOD}, document 1")),
        "the failure names the document: {:?}",
        failed[0]
    );
    let seen = all
        .iter()
        .filter(|d| d.code == "hostile-fails-on-one" && d.file == GOOD_2)
        .count();
    assert_eq!(
        seen, 2,
        "the rule still judged the other declarations: {all:#?}"
    );
}

/// A secret file outside every pack: its text must never reach a report.
fn secret() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("id_rsa");
    std::fs::write(&path, "TOP-SECRET-KEY-MATERIAL\n").unwrap();
    (dir, path)
}

/// Every file a pack reads (its manifest, rules and data files) must resolve inside the pack's
/// folder: a link to any other file on the machine used to be read, and a data file's text
/// reached `ctx.data` and then finding messages and the SARIF that CI uploads.
#[test]
fn pack_files_that_link_outside_the_pack_are_refused() {
    let (_keep, secret) = secret();
    type Make<'a> = Box<dyn Fn(&std::path::Path) + 'a>;
    let cases: [(&str, Make); 3] = [
        (
            "data",
            Box::new(|d: &std::path::Path| {
                let manifest = d.join("pack.yaml");
                let text = std::fs::read_to_string(&manifest).unwrap();
                std::fs::write(&manifest, format!("{text}data:\n  keys: keys.yaml\n")).unwrap();
                std::os::unix::fs::symlink(&secret, d.join("keys.yaml")).unwrap();
            }),
        ),
        (
            "rule",
            Box::new(|d: &std::path::Path| {
                std::os::unix::fs::symlink(&secret, d.join("stolen.rhai")).unwrap();
            }),
        ),
        (
            "manifest",
            Box::new(|d: &std::path::Path| {
                std::fs::remove_file(d.join("pack.yaml")).unwrap();
                std::os::unix::fs::symlink(&secret, d.join("pack.yaml")).unwrap();
            }),
        ),
    ];
    for (what, make) in cases {
        let (_dir, pack) = pack_with(|d| make(d));
        let report = pack_refused_with(&pack, "pack-outside", "outside the rule pack's folder");
        assert!(
            !report.contains("TOP-SECRET"),
            "{what}: the secret's text reached the report"
        );
    }
}

/// `test` reads fixtures under the same rules: a fixture that is a FIFO, a link to
/// `/dev/stdin` (git can store one) or a link out of the pack is refused, never opened, and the
/// command ends.
#[test]
fn test_refuses_fixtures_that_are_not_files_of_the_pack() {
    let (_keep, secret) = secret();
    let (_dir, pack) = pack_with(|d| {
        let fixtures = d.join("fixtures/hostile-division-by-zero");
        std::fs::create_dir_all(&fixtures).unwrap();
        let made = std::process::Command::new("mkfifo")
            .arg(fixtures.join("pipe.yaml"))
            .status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo");
        std::os::unix::fs::symlink("/dev/stdin", fixtures.join("stdin.yaml")).unwrap();
        std::os::unix::fs::symlink(&secret, fixtures.join("secret.yaml")).unwrap();
    });
    // Opening the FIFO would block until the wall-clock guard, with no writer at its other end.
    let outcome = lint_with(&["test", &pack], None, CPU_SECONDS);
    assert_eq!(outcome.code, 1, "{}", truncate(&outcome.stdout));
    for name in ["pipe.yaml", "stdin.yaml", "secret.yaml"] {
        assert!(
            outcome.stdout.contains(name),
            "{name} is named in the report:\n{}",
            truncate(&outcome.stdout)
        );
    }
    assert!(!outcome.stdout.contains("TOP-SECRET"));
}
