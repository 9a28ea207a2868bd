//! Worker threads for a run (`--jobs`), and the parse-only pass the benchmark uses as its floor.
//! Output never depends on the number of threads: files are evaluated in parallel, but their
//! outcomes are gathered in input order and the findings sorted before anything is printed.

use rayon::prelude::*;

use crate::load::{self, Input, Limits};

/// Cap the worker threads of everything that runs in parallel afterwards (evaluation and report
/// rendering) at `jobs`, and never more than [`useful_threads`] for `inputs` files; `None` or
/// `0` keeps rayon's default (one per core, or `RAYON_NUM_THREADS`). Call it once, before any
/// parallel work. If the global pool is already built, nothing changes: fewer or more threads
/// is a matter of speed, never of output.
pub fn set_jobs(jobs: Option<usize>, inputs: usize) {
    let threads = jobs
        .filter(|&n| n > 0)
        .map_or(0, |n| n.min(useful_threads(inputs)));
    let _ = pool(threads).build_global();
}

/// A pool of `threads` workers, each with the stack rule code needs
/// ([`crate::engine::budget::STACK_BYTES`]), and no more than the address space has room for
/// ([`crate::engine::budget::threads_that_fit`]). `0` is rayon's default number (one per core,
/// or `RAYON_NUM_THREADS`).
pub fn pool(threads: usize) -> rayon::ThreadPoolBuilder {
    let wanted = if threads == 0 {
        std::env::var("RAYON_NUM_THREADS")
            .ok()
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|&n| n > 0)
            .unwrap_or_else(|| {
                std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
            })
    } else {
        threads
    };
    rayon::ThreadPoolBuilder::new()
        .num_threads(wanted.min(crate::engine::budget::threads_that_fit()).max(1))
        .stack_size(crate::engine::budget::STACK_BYTES)
        .start_handler(|_| crate::engine::budget::mark_large_stack())
}

/// The most threads worth starting for `inputs` files: one per file (a file is the unit of
/// work), and at most four per core. `--jobs 4096` on one file started 4,096 threads.
pub fn useful_threads(inputs: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    inputs.clamp(1, cores.saturating_mul(4).max(1))
}

/// What the parse-only pass read.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ParseCount {
    pub files: usize,
    pub documents: usize,
    pub nodes: usize,
    /// Files that could not be read, and documents with problems.
    pub problems: usize,
}

/// Read and parse every input into spanned trees, in parallel, and drop them: no schema, no
/// rules, no report. The benchmark's floor for `check` (a hidden `check --parse-only`).
pub fn parse_only(inputs: &[Input], limits: &Limits) -> ParseCount {
    inputs
        .par_iter()
        .map(|input| match load::load(input, limits) {
            Err(_) => ParseCount {
                files: 1,
                problems: 1,
                ..ParseCount::default()
            },
            Ok(file) => ParseCount {
                files: 1,
                documents: file.docs.len(),
                nodes: file
                    .docs
                    .iter()
                    .filter_map(|d| d.root.as_ref())
                    .map(count_nodes)
                    .sum(),
                problems: file.problems.len()
                    + file.docs.iter().filter(|d| !d.problems.is_empty()).count(),
            },
        })
        .reduce(ParseCount::default, |a, b| ParseCount {
            files: a.files + b.files,
            documents: a.documents + b.documents,
            nodes: a.nodes + b.nodes,
            problems: a.problems + b.problems,
        })
}

fn count_nodes(node: &crate::node::Node) -> usize {
    use crate::node::Value;
    let mut count = 0;
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        count += 1;
        match &n.value {
            Value::Seq(items) => stack.extend(items.iter()),
            Value::Map(entries) => stack.extend(entries.iter().map(|e| &e.value)),
            _ => {}
        }
    }
    count
}
