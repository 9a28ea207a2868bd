//! The shared harness: [`cli`] for a plain run of the real binary, and [`lint_with`] for a run
//! under resource limits (1 GiB of address space, a CPU budget, and a wall-clock guard against
//! hangs), where a crash, an abort (an allocation refused by the cap), a panic or a hang fails
//! the calling test.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The documented cost ceiling of one run over one hostile input.
pub const MEMORY_LIMIT: u64 = 1 << 30;
pub const CPU_SECONDS: u64 = 10;
/// A guard against hangs (a blocked read uses no CPU). Generous: CI machines are shared.
pub const WALL_LIMIT: Duration = Duration::from_secs(120);

pub const GOOD: &str = "fixtures/examples/hmrc-needs-work.yaml";
pub const GOOD_RULE: &str = "one-login-strategy-overdue";

#[repr(C)]
struct RLimit {
    cur: u64,
    max: u64,
}

unsafe extern "C" {
    fn setrlimit(resource: i32, limit: *const RLimit) -> i32;
}

/// Linux resource numbers (asm-generic/resource.h).
const RLIMIT_CPU: i32 = 0;
const RLIMIT_AS: i32 = 9;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The binary, with colour off, a fixed width, and none of the colour-forcing variables a
/// developer's shell may set.
pub fn cli() -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("roadmap-lint").expect("the binary is built");
    c.env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("FORCE_COLOR");
    c
}

/// Assert a finished command's exit code, showing what it printed when it is not the one
/// expected.
pub fn assert_exit(out: &std::process::Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

pub struct Outcome {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    /// Wall-clock time of the run.
    pub elapsed: Duration,
}

impl Outcome {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                truncate(&self.stdout),
                self.stderr
            )
        })
    }
}

pub fn truncate(s: &str) -> &str {
    match s.char_indices().nth(2000) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// Run the binary under the limits. `cpu` is the CPU budget in seconds.
pub fn lint_with(args: &[&str], stdin: Option<Vec<u8>>, cpu: u64) -> Outcome {
    // Without the cache: a hostile input checked again (the same fixture in two tests, or in
    // two runs of the suite) would be answered from the cache, and never reach the limits it
    // is there to test.
    let mut args = args.to_vec();
    if matches!(
        args.first(),
        Some(&("check" | "score" | "review" | "progress"))
    ) {
        args.insert(1, "--no-cache");
    }
    let args = &args[..];
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_roadmap-lint"));
    cmd.args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // SAFETY: setrlimit is async-signal-safe and touches only the child's own limits.
    unsafe {
        cmd.pre_exec(move || {
            let limits = [
                (RLIMIT_AS, MEMORY_LIMIT),
                // The soft limit sends SIGXCPU; the hard limit, one second later, SIGKILL.
                (RLIMIT_CPU, cpu),
            ];
            for (resource, value) in limits {
                let max = if resource == RLIMIT_CPU {
                    value + 1
                } else {
                    value
                };
                if setrlimit(resource, &RLimit { cur: value, max }) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
            }
            Ok(())
        });
    }
    let mut child = cmd.spawn().expect("the binary starts");
    let feeder = stdin.map(|bytes| {
        let mut pipe = child.stdin.take().expect("stdin is piped");
        // The tool stops reading at its size limit; a broken pipe is then expected.
        std::thread::spawn(move || {
            let _ = pipe.write_all(&bytes);
        })
    });
    let mut out = child.stdout.take().expect("stdout is piped");
    let mut err = child.stderr.take().expect("stderr is piped");
    let reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        s
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the binary") {
            break status;
        }
        if started.elapsed() > WALL_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`roadmap-lint {}` hung for {WALL_LIMIT:?}", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    if let Some(f) = feeder {
        let _ = f.join();
    }
    let stdout = String::from_utf8_lossy(&reader.join().unwrap_or_default()).into_owned();
    let stderr = String::from_utf8_lossy(&err_reader.join().unwrap_or_default()).into_owned();
    let code = match (status.code(), status.signal()) {
        (Some(code), _) => code,
        (None, Some(signal)) => panic!(
            "`roadmap-lint {}` was killed by signal {signal} (6: abort, e.g. memory over 1 GiB; \
             24: over {cpu} s of CPU)\nstderr:\n{}",
            args.join(" "),
            truncate(&stderr)
        ),
        _ => panic!("no exit status"),
    };
    assert!(
        matches!(code, 0..=2),
        "exit code {code} is not in the documented contract\nstderr:\n{stderr}"
    );
    assert!(
        !stderr.contains("panicked"),
        "the binary panicked:\n{stderr}"
    );
    Outcome {
        code,
        stdout,
        stderr,
        elapsed: started.elapsed(),
    }
}

/// One diagnostic, from either list of the JSON report.
#[derive(Debug)]
pub struct Diag {
    pub code: String,
    pub file: String,
    pub line: Option<u64>,
    pub column: Option<u64>,
    pub message: String,
}

pub fn diags(report: &Value) -> Vec<Diag> {
    let mut all = Vec::new();
    for f in report["findings"].as_array().expect("findings") {
        all.push(Diag {
            code: f["rule"].as_str().unwrap_or_default().to_string(),
            file: f["file"].as_str().unwrap_or_default().to_string(),
            line: f["line"].as_u64(),
            column: f["column"].as_u64(),
            message: f["message"].as_str().unwrap_or_default().to_string(),
        });
    }
    for d in report["diagnostics"].as_array().expect("diagnostics") {
        all.push(Diag {
            code: d["code"].as_str().unwrap_or_default().to_string(),
            file: d["file"].as_str().unwrap_or_default().to_string(),
            line: d["line"].as_u64(),
            column: d["column"].as_u64(),
            message: d["message"].as_str().unwrap_or_default().to_string(),
        });
    }
    all
}

/// Content hashes (`sha256:` and 64 hex digits) replaced by `sha256:<hash>`: a pack's hash
/// changes with every edit of its rules, which a snapshot of a report should not track.
pub fn scrub_hashes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("sha256:") {
        let (before, after) = rest.split_at(at + 7);
        out.push_str(before);
        let hex = after.bytes().take_while(u8::is_ascii_hexdigit).count();
        if hex == 64 {
            out.push_str("<hash>");
            rest = &after[64..];
        } else {
            rest = after;
        }
    }
    out.push_str(rest);
    out
}
