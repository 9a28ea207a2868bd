//! The deterministic order of a run's findings and diagnostics, whatever the number of threads.

use super::*;

/// Deterministic order: findings by file, document, line, column, rule; diagnostics by file and
/// line. Indices held by results are remapped.
pub(super) fn sort(run: &mut Run) {
    let mut order: Vec<usize> = (0..run.findings.len()).collect();
    order.sort_by(|&a, &b| run.findings[a].sort_key().cmp(&run.findings[b].sort_key()));
    let mut new_index = vec![0; order.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = new;
    }
    // Put each finding in its place by following the permutation's cycles, in place: a second
    // vector of every finding would double the peak memory of a large run.
    let mut placed = vec![false; order.len()];
    for start in 0..order.len() {
        let mut at = start;
        while !placed[at] {
            placed[at] = true;
            let from = order[at];
            if from == start {
                break;
            }
            run.findings.swap(at, from);
            at = from;
        }
    }
    for r in &mut run.results {
        for i in &mut r.findings {
            *i = new_index[*i];
        }
        r.findings.sort_unstable();
    }
    run.results.sort();
    run.diagnostics.sort_by(|a, b| {
        (&a.file, a.line, a.column, &a.code, &a.message)
            .cmp(&(&b.file, b.line, b.column, &b.code, &b.message))
    });
}
