//! `check --profile`: total evaluation time and call count per rule, printed after a run,
//! slowest first. Rules run on several threads, so the totals are atomics indexed like the run's
//! rule list (packs in order, each pack's rules in order).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::pack::RuleSet;

/// Time and calls per rule.
#[derive(Debug, Default)]
pub struct Profile {
    /// (nanoseconds, calls) per rule index.
    slots: Vec<(AtomicU64, AtomicU64)>,
}

impl Profile {
    /// A profile for `rules` rules, all at zero.
    pub fn new(rules: usize) -> Self {
        Profile {
            slots: (0..rules)
                .map(|_| (AtomicU64::new(0), AtomicU64::new(0)))
                .collect(),
        }
    }

    /// Add one call of rule `index` that took `took`.
    pub fn record(&self, index: usize, took: Duration) {
        if let Some((nanos, calls)) = self.slots.get(index) {
            let n = u64::try_from(took.as_nanos()).unwrap_or(u64::MAX);
            nanos.fetch_add(n, Ordering::Relaxed);
            calls.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// (rule index, total time, calls), slowest first; ties by index.
    pub fn totals(&self) -> Vec<(usize, Duration, u64)> {
        let mut rows: Vec<(usize, Duration, u64)> = self
            .slots
            .iter()
            .enumerate()
            .map(|(i, (n, c))| {
                (
                    i,
                    Duration::from_nanos(n.load(Ordering::Relaxed)),
                    c.load(Ordering::Relaxed),
                )
            })
            .collect();
        rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        rows
    }

    /// The table printed to stderr.
    pub fn render(&self, rules: &RuleSet) -> String {
        let ids: Vec<&str> = rules.rules().map(|(_, r)| r.id.as_str()).collect();
        let width = ids.iter().map(|i| i.len()).max().unwrap_or(4).max(4);
        let mut out = format!(
            "{:<width$}  {:>12}  {:>7}  {:>12}\n",
            "rule", "total", "calls", "per call"
        );
        for (i, total, calls) in self.totals() {
            let per = if calls == 0 {
                Duration::ZERO
            } else {
                total / u32::try_from(calls).unwrap_or(u32::MAX)
            };
            out.push_str(&format!(
                "{:<width$}  {:>12}  {:>7}  {:>12}\n",
                ids.get(i).copied().unwrap_or("?"),
                format!("{:.3} ms", total.as_secs_f64() * 1000.0),
                calls,
                format!("{:.3} ms", per.as_secs_f64() * 1000.0),
            ));
        }
        out
    }
}

/// Run `f`, adding its time to rule `index` when profiling is on.
pub fn timed<T>(profile: Option<&Profile>, index: usize, f: impl FnOnce() -> T) -> T {
    match profile {
        None => f(),
        Some(p) => {
            let started = Instant::now();
            let out = f();
            p.record(index, started.elapsed());
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slowest_first() {
        let p = Profile::new(3);
        p.record(0, Duration::from_millis(1));
        p.record(2, Duration::from_millis(5));
        p.record(2, Duration::from_millis(1));
        let t = p.totals();
        assert_eq!((t[0].0, t[0].2), (2, 2));
        assert_eq!((t[1].0, t[2].0), (0, 1));
        assert_eq!(timed(Some(&p), 1, || 7), 7);
        assert_eq!(p.totals()[2].2, 1);
    }
}
