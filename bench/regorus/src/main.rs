//! `roadmap-lint-regorus-bench POLICY.rego PATH...`: evaluate `data.roadmap.hosting.findings`
//! with regorus over every `*.yaml` file under the paths (each file one input document), on one
//! thread per core like roadmap-lint, and print the number of files and findings. bench/run.sh
//! times it beside `roadmap-lint check --rule hosting-not-cloud-aligned` on the same files.

use std::error::Error;
use std::path::{Path, PathBuf};

fn yaml_files(path: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()?;
        entries.sort();
        for entry in entries {
            yaml_files(&entry, out)?;
        }
    } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
        out.push(path.to_path_buf());
    }
    Ok(())
}

/// Findings of the rule over `files`, with one engine (the policy compiled once).
fn judge(policy: &str, files: &[PathBuf]) -> Result<usize, String> {
    let mut engine = regorus::Engine::new();
    engine
        .add_policy("hosting.rego".into(), policy.into())
        .map_err(|e| e.to_string())?;
    let mut findings = 0;
    for file in files {
        let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
        let input = regorus::Value::from_yaml_str(&text).map_err(|e| e.to_string())?;
        engine.set_input(input);
        let result = engine
            .eval_rule("data.roadmap.hosting.findings".into())
            .map_err(|e| e.to_string())?;
        findings += result.as_set().map_err(|e| e.to_string())?.len();
    }
    Ok(findings)
}

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((policy_path, paths)) = args.split_first() else {
        return Err("usage: roadmap-lint-regorus-bench POLICY.rego PATH...".into());
    };
    let policy = std::fs::read_to_string(policy_path)?;
    let mut files = Vec::new();
    for p in paths {
        yaml_files(Path::new(p), &mut files)?;
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = files.len().div_ceil(threads).max(1);
    let counts: Vec<Result<usize, String>> = std::thread::scope(|s| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .map(|part| s.spawn(|| judge(&policy, part)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err("a worker panicked".into())))
            .collect()
    });
    let mut findings = 0;
    for c in counts {
        findings += c?;
    }
    println!("{} files, {findings} findings", files.len());
    Ok(())
}
