//! Language-server benchmark: how long an editor waits for diagnostics after a change, and how
//! much memory the server holds. `bench/lsp.sh` builds the release binary and a corpus, then
//! runs this:
//!
//! ```sh
//! cargo run --release --example lsp_bench -- --bin target/release/roadmap-lint \
//!     --corpus target/bench/lsp-corpus --changes 50 --open 50
//! ```
//!
//! Three measurements, each with a fresh server: (1) a workspace of one 250-line declaration,
//! changed `--changes` times, timing each `didChange` until the `publishDiagnostics` of that
//! version (the 20 ms pause the server waits for typing to stop is included); (2) the same
//! with every declaration of the corpus in the workspace folder, one of them open; (3) the
//! resident memory of a server with `--open` declarations open and checked; (4) a rule of the
//! built-in pack, open in a folder holding a copy of the pack, changed `--changes` times: the
//! server loads and lints the whole pack with the text as typed at each change.

// A command-line program: it reports on standard output.
#![allow(clippy::print_stdout, clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

struct Server {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    next_id: i64,
}

impl Server {
    fn start(bin: &Path, root: &Path) -> Server {
        let mut child = Command::new(bin)
            .arg("server")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let (tx, incoming) = channel();
        std::thread::spawn(move || {
            loop {
                let mut length = 0;
                loop {
                    let mut line = String::new();
                    if out.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    if line.trim().is_empty() {
                        break;
                    }
                    if let Some(n) = line.trim().strip_prefix("Content-Length: ") {
                        length = n.parse().unwrap();
                    }
                }
                let mut body = vec![0; length];
                out.read_exact(&mut body).unwrap();
                if tx.send(serde_json::from_slice(&body).unwrap()).is_err() {
                    return;
                }
            }
        });
        let mut server = Server {
            child,
            stdin,
            incoming,
            next_id: 0,
        };
        server.request(
            "initialize",
            json!({ "processId": null, "rootUri": uri(root), "capabilities": {},
                    "initializationOptions": { "as_of": "2025-06-30" } }),
        );
        server.notify("initialized", json!({}));
        server
    }

    fn send(&mut self, message: Value) {
        let body = serde_json::to_vec(&message).unwrap();
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        self.stdin.write_all(&body).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        self.until(|m| m["id"] == json!(id) && m.get("method").is_none())
    }

    fn until(&mut self, pick: impl Fn(&Value) -> bool) -> Value {
        loop {
            let m = self
                .incoming
                .recv_timeout(Duration::from_secs(120))
                .unwrap();
            if pick(&m) {
                return m;
            }
        }
    }

    /// Wait for the diagnostics of a document at a version.
    fn published(&mut self, uri: &str, version: i64) {
        self.until(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == json!(version)
        });
    }

    fn open(&mut self, path: &Path) -> (String, String) {
        let uri = uri(path);
        let text = std::fs::read_to_string(path).unwrap();
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "yaml", "version": 1, "text": text } }),
        );
        (uri, text)
    }

    fn rss_kib(&self) -> (u64, u64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.split_whitespace().next()?.parse().ok())
                .unwrap_or(0)
        };
        (field("VmRSS:"), field("VmHWM:"))
    }

    fn stop(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let _ = self.child.wait();
    }
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// Time `changes` edits of one open declaration, each to its diagnostics.
fn latency(bin: &Path, root: &Path, file: &Path, changes: usize) -> Vec<Duration> {
    latency_of(bin, root, file, changes, |text, i| {
        text.replacen("  name: ", &format!("  name: Edit {i} of "), 1)
    })
}

/// Time `changes` edits of one open document (`edit` makes the `i`th text), each to its
/// diagnostics.
fn latency_of(
    bin: &Path,
    root: &Path,
    file: &Path,
    changes: usize,
    edit: impl Fn(&str, usize) -> String,
) -> Vec<Duration> {
    let mut server = Server::start(bin, root);
    let (uri, text) = server.open(file);
    server.published(&uri, 1);
    let mut times = Vec::new();
    for i in 0..changes {
        let version = i as i64 + 2;
        let edited = edit(&text, i);
        let started = Instant::now();
        server.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": edited }] }),
        );
        server.published(&uri, version);
        times.push(started.elapsed());
    }
    server.stop();
    times.sort();
    times
}

fn quantile(sorted: &[Duration], q: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str, default: &str| -> String {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
            .unwrap_or_else(|| default.to_string())
    };
    let bin = PathBuf::from(arg("--bin", "target/release/roadmap-lint"));
    let corpus = std::path::absolute(arg("--corpus", "target/bench/lsp-corpus")).unwrap();
    let changes: usize = arg("--changes", "50").parse().unwrap();
    let open: usize = arg("--open", "50").parse().unwrap();
    let mut files: Vec<PathBuf> = walk(&corpus);
    files.sort();
    assert!(
        !files.is_empty(),
        "no declarations under {}",
        corpus.display()
    );
    let first = &files[0];
    let lines = std::fs::read_to_string(first).unwrap().lines().count();

    // (1) One declaration alone in its folder.
    let alone = std::env::temp_dir().join(format!("lsp-bench-alone-{}", std::process::id()));
    std::fs::create_dir_all(&alone).unwrap();
    let single = alone.join("declaration.yaml");
    std::fs::copy(first, &single).unwrap();
    let one = latency(&bin, &alone, &single, changes);
    let _ = std::fs::remove_dir_all(&alone);
    // (2) The same declaration, open, among every declaration of the corpus.
    let all = latency(&bin, &corpus, first, changes);

    // (3) Memory with `open` declarations open.
    let mut server = Server::start(&bin, &corpus);
    let (idle, _) = server.rss_kib();
    let mut uris = Vec::new();
    for f in files.iter().take(open) {
        uris.push(server.open(f).0);
    }
    for u in &uris {
        server.published(u, 1);
    }
    let (rss, peak) = server.rss_kib();
    server.stop();

    // (4) A rule of the built-in pack, as its author edits it.
    let pack_root = std::env::temp_dir().join(format!("lsp-bench-pack-{}", std::process::id()));
    let pack = pack_root.join("roadmap-2022-25");
    copy_pack(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/roadmap-2022-25"),
        &pack,
    );
    let rules = std::fs::read_dir(&pack)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "rhai")
        })
        .count();
    let rule = latency_of(
        &bin,
        &pack_root,
        &pack.join("one-login-strategy-overdue.rhai"),
        changes,
        |text, i| format!("{text}// edit {i}\n"),
    );
    let _ = std::fs::remove_dir_all(&pack_root);

    println!("| measurement | median | p90 |");
    println!("| --- | --- | --- |");
    println!(
        "| change to diagnostics, 1 declaration of {lines} lines in the folder ({changes} changes) | {:.0} ms | {:.0} ms |",
        quantile(&one, 0.5),
        quantile(&one, 0.9)
    );
    println!(
        "| change to diagnostics, {} declarations in the folder, 1 open ({changes} changes) | {:.0} ms | {:.0} ms |",
        files.len(),
        quantile(&all, 0.5),
        quantile(&all, 0.9)
    );
    println!(
        "| change to diagnostics, a rule of the built-in pack ({rules} rules) ({changes} changes) | {:.0} ms | {:.0} ms |",
        quantile(&rule, 0.5),
        quantile(&rule, 0.9)
    );
    println!();
    println!(
        "All include the server's 20 ms pause after typing. Resident memory: {:.1} MiB after start, {:.1} MiB with {} declarations open and checked (peak {:.1} MiB).",
        idle as f64 / 1024.0,
        rss as f64 / 1024.0,
        uris.len(),
        peak as f64 / 1024.0
    );
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else if path.extension().is_some_and(|e| e == "yaml") {
            out.push(path);
        }
    }
    out
}

/// A pack folder copied, its fixtures left out (the server does not read them).
fn copy_pack(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            if entry.file_name() != "fixtures" {
                copy_pack(&path, &to.join(entry.file_name()));
            }
        } else {
            std::fs::copy(&path, to.join(entry.file_name())).unwrap();
        }
    }
}
