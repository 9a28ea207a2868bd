//! `--min-severity`: a display filter. Findings below the lowest severity to show are taken
//! out of a finished run before its reports are written; the exit code is decided before that,
//! on every finding, so hiding warnings never hides a failure that `--fail-on` counts.

use crate::finding::Severity;

use super::Run;

impl Run {
    /// Drop the findings below `min` (waived ones included), keeping each rule result's list
    /// of finding indices pointing at the same findings. A run whose findings went to disk
    /// (JSON-only runs) is left as it is: the command line does not spill when it filters.
    pub fn keep_at_least(&mut self, min: Severity) {
        if self.spill.is_some() {
            return;
        }
        let mut new_index = Vec::with_capacity(self.findings.len());
        let mut kept = 0usize;
        for f in &self.findings {
            if f.severity >= min {
                new_index.push(Some(kept));
                kept += 1;
            } else {
                new_index.push(None);
            }
        }
        self.findings.retain(|f| f.severity >= min);
        for result in &mut self.results {
            result.findings = result
                .findings
                .iter()
                .filter_map(|&i| new_index.get(i).copied().flatten())
                .collect();
        }
    }
}
