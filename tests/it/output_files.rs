//! Files the tool writes: every `--output`/`-o` goes through one atomic writer that never
//! writes through a link, into a pipe or device, or over an input of the same run; and a report
//! that cannot be written whole to standard output is `output-unwritable` and exit 2 in every
//! command.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{assert_exit, root};

const DECLARATION: &str = "fixtures/examples/dwp-compliant.yaml";
const PROPOSAL: &str = "fixtures/examples/proposal-clean.yaml";

fn command(args: &[&str]) -> Command {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin("roadmap-lint"));
    c.current_dir(root())
        .args(args)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .stdin(Stdio::null());
    c
}

/// Run to the end, or kill it and fail after `limit` (a run blocked on a pipe never ends).
fn finish_within(mut c: Command, limit: Duration) -> Output {
    let mut child = c
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "still running after {limit:?}; stderr:\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// What a run said: `check` reports its tool problems with its findings, on standard output.
fn said(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The ways each command names its output file.
fn writers(target: &Path) -> Vec<Vec<String>> {
    let t = target.display().to_string();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    vec![
        s(&[
            "check",
            "--no-config",
            DECLARATION,
            "--output",
            &format!("sarif={t}"),
        ]),
        s(&["score", "--no-config", DECLARATION, "-o", &t]),
        s(&["progress", "--no-config", DECLARATION, "-o", &t]),
        s(&["review", "--no-config", PROPOSAL, "-o", &t]),
        s(&["init", "--organisation", "DWP", "--force", "-o", &t]),
    ]
}

/// A repository can ship `roadmap-lint.sarif -> ../victim`: every command refuses to write
/// through the link, says why, exits 2, and leaves both the link and what it names as they were.
#[cfg(unix)]
#[test]
fn an_output_that_is_a_link_is_refused_and_its_target_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "precious").unwrap();
    let link = dir.path().join("roadmap-lint.sarif");
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    for args in writers(&link) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = finish_within(command(&args), Duration::from_secs(60));
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", said(&out));
        let err = said(&out);
        if args[0] == "init" {
            assert!(err.contains("symbolic link"), "{args:?}: {err}");
        } else {
            assert!(err.contains("output-unwritable"), "{args:?}: {err}");
            assert!(err.contains("symbolic link"), "{args:?}: {err}");
            assert!(err.contains("roadmap-lint.sarif"), "{args:?}: {err}");
        }
        assert_eq!(
            std::fs::read_to_string(&victim).unwrap(),
            "precious",
            "{args:?}"
        );
        assert!(
            std::fs::symlink_metadata(&link).unwrap().is_symlink(),
            "{args:?}"
        );
    }
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 2, "no temporary files left");
}

/// A repository can ship a folder that is a link out of it (`out -> /elsewhere`): a report
/// named through it (`-o out/report.sarif`) is refused by every command, and nothing is written
/// where the link leads. A link that stays inside the current folder is followed.
#[cfg(unix)]
#[test]
fn an_output_through_a_linked_folder_leading_out_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (workspace, elsewhere) = (dir.path().join("ws"), dir.path().join("elsewhere"));
    std::fs::create_dir_all(workspace.join("real")).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, workspace.join("out")).unwrap();
    std::os::unix::fs::symlink("real", workspace.join("inside")).unwrap();
    // The same commands as elsewhere, run from the workspace, inputs named from the crate.
    let run = |target: &str| {
        writers(Path::new(target)).into_iter().map(|args| {
            let args: Vec<String> = args
                .into_iter()
                .map(|a| match a.as_str() {
                    DECLARATION | PROPOSAL => root().join(&a).display().to_string(),
                    _ => a,
                })
                .collect();
            let mut c = command(&args.iter().map(String::as_str).collect::<Vec<_>>());
            c.current_dir(&workspace);
            (args, finish_within(c, Duration::from_secs(60)))
        })
    };
    for (args, out) in run("out/report.sarif") {
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", said(&out));
        let err = said(&out);
        assert!(
            err.contains("the folder out is a symbolic link")
                && err.contains("outside the current folder"),
            "{args:?}: {err}"
        );
        if args[0] != "init" {
            assert!(err.contains("output-unwritable"), "{args:?}: {err}");
        }
        assert_eq!(
            std::fs::read_dir(&elsewhere).unwrap().count(),
            0,
            "{args:?}"
        );
    }
    // The link out is gone (the folder scan would not follow it either, and says so).
    std::fs::remove_file(workspace.join("out")).unwrap();
    for (args, out) in run("inside/report.sarif") {
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{args:?}: {}",
            said(&out)
        );
        assert!(workspace.join("real/report.sarif").is_file(), "{args:?}");
        std::fs::remove_file(workspace.join("real/report.sarif")).unwrap();
    }
}

/// A named pipe as the output is refused at once, never opened (opening it would block until
/// someone reads), and stays a pipe.
#[cfg(unix)]
#[test]
fn an_output_that_is_a_pipe_is_refused_without_hanging() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("report");
    let made = Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    for args in writers(&fifo) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = finish_within(command(&args), Duration::from_secs(60));
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", said(&out));
        assert!(
            said(&out).contains("named pipe"),
            "{args:?}: {}",
            said(&out)
        );
        let kind = std::fs::symlink_metadata(&fifo).unwrap().file_type();
        assert!(kind.is_fifo(), "{args:?}");
    }
}

/// `--output json=IN.yaml IN.yaml` would replace the declaration being checked: refused, and
/// the declaration is left as it was.
#[test]
fn an_output_that_is_an_input_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let input: PathBuf = dir.path().join("in.yaml");
    std::fs::copy(root().join(DECLARATION), &input).unwrap();
    let before = std::fs::read_to_string(&input).unwrap();
    let i = input.display().to_string();
    let runs: [Vec<String>; 3] = [
        vec![
            "check".into(),
            "--no-config".into(),
            i.clone(),
            "--output".into(),
            format!("json={i}"),
        ],
        vec![
            "score".into(),
            "--no-config".into(),
            i.clone(),
            "-o".into(),
            i.clone(),
        ],
        vec![
            "progress".into(),
            "--no-config".into(),
            i.clone(),
            "-o".into(),
            i.clone(),
        ],
    ];
    for args in runs {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = finish_within(command(&args), Duration::from_secs(60));
        assert_exit(&out, 2);
        // The human report wraps long messages: read them as one line.
        let err = said(&out).replace("\n  │ ", " ");
        assert!(err.contains("output-unwritable"), "{args:?}: {err}");
        assert!(err.contains("an input of this run"), "{args:?}: {err}");
        assert_eq!(std::fs::read_to_string(&input).unwrap(), before, "{args:?}");
    }
}

/// On a full disk every command that prints a report says `output-unwritable` and exits 2,
/// as `check` does, instead of exiting 0 or 1 having written nothing.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_on_standard_output_is_a_tool_error_in_every_command() {
    let runs: [&[&str]; 4] = [
        &["score", "--no-config", DECLARATION],
        &["progress", "--no-config", DECLARATION],
        &["review", "--no-config", PROPOSAL],
        &["init", "--organisation", "DWP", "-o", "-"],
    ];
    for args in runs {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let mut c = command(args);
        c.stdout(full);
        let out = c.output().unwrap();
        assert_exit(&out, 2);
        let err = stderr(&out);
        assert!(err.contains("output-unwritable"), "{args:?}: {err}");
        assert!(err.contains("standard output"), "{args:?}: {err}");
    }
}

/// A closed pipe (`| head`) is the reader's choice, not an error.
#[cfg(unix)]
#[test]
fn a_closed_pipe_is_not_an_error() {
    let mut c = command(&["score", "--no-config", DECLARATION]);
    let mut child = c
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(
        !stderr(&out).contains("output-unwritable"),
        "{}",
        stderr(&out)
    );
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
}
