//! The government's figures: in each place (overall, each mission, each commitment) the
//! unweighted mean of the departments' figures there. Departments none of whose documents could
//! be scored do not count.
//!
//! The means are kept as running sums, fed one department at a time, so a run of many
//! organisations never holds every department's scores to average them at the end.

use std::collections::{BTreeMap, BTreeSet};

use super::{Bands, Department, GovCommitment, Government, MissionScore, Model, Value};
use crate::run::Run;

/// A running mean of the departments' values in one place, with and without waivers. The sums
/// are taken in the order the departments come, as one mean over a list would take them.
#[derive(Debug, Default, Clone, Copy)]
struct Mean {
    score: (f64, f64),
    without_waivers: (f64, f64),
    /// Departments with a score here (not N/A).
    scored: usize,
}

impl Mean {
    fn add(&mut self, v: &Value) {
        if let Some(s) = v.score {
            self.score.0 += s;
            self.score.1 += 1.0;
            self.scored += 1;
        }
        if let Some(s) = v.without_waivers {
            self.without_waivers.0 += s;
            self.without_waivers.1 += 1.0;
        }
    }

    fn value(&self, bands: &Bands) -> Value {
        let of = |(sum, n): (f64, f64)| (n > 0.0).then(|| sum / n);
        Value::new(of(self.score), of(self.without_waivers), bands)
    }
}

/// The government's figures, added to one department at a time.
#[derive(Debug, Default)]
pub(super) struct GovernmentSums {
    overall: Mean,
    missions: BTreeMap<u32, Mean>,
    commitments: BTreeMap<u32, Mean>,
    /// Departments of the top-75 list the run holds, and those of them that were scored: what
    /// the portfolio reads (other organisations are not remembered).
    listed_in_run: BTreeSet<String>,
    listed_scored: BTreeSet<String>,
}

impl GovernmentSums {
    /// Count a department's figures (when any of its documents was scored).
    pub(super) fn add(&mut self, department: &Department, model: &Model) {
        let listed = model
            .top75
            .iter()
            .any(|s| s.department == department.organisation);
        if listed {
            self.listed_in_run.insert(department.organisation.clone());
        }
        if department.documents.is_empty() {
            return;
        }
        if listed {
            self.listed_scored.insert(department.organisation.clone());
        }
        self.overall.add(&department.score);
        for m in &department.missions {
            self.missions.entry(m.number).or_default().add(&m.score);
        }
        for c in &department.commitments {
            self.commitments.entry(c.number).or_default().add(&c.score);
        }
    }

    /// The government's figures, once every department is counted.
    pub(super) fn finish(
        self,
        run: &Run,
        model: &Model,
        scored_doc: &BTreeMap<usize, String>,
    ) -> Government {
        let bands = model.bands;
        let at = |sums: &BTreeMap<u32, Mean>, n: u32| sums.get(&n).copied().unwrap_or_default();
        let missions = model
            .missions
            .iter()
            .map(|m| MissionScore {
                number: m.number,
                score: at(&self.missions, m.number).value(&bands),
            })
            .collect();
        let commitments = model
            .missions
            .iter()
            .flat_map(|m| &m.commitments)
            .map(|c| {
                let mean = at(&self.commitments, c.number);
                GovCommitment {
                    number: c.number,
                    score: mean.value(&bands),
                    departments: mean.scored,
                }
            })
            .collect();
        let departments = super::portfolio::Departments {
            in_run: &self.listed_in_run,
            scored: &self.listed_scored,
        };
        Government {
            score: self.overall.value(&bands),
            departments_scored: self.overall.scored,
            missions,
            commitments,
            portfolio: super::portfolio::portfolio(run, model, scored_doc, departments),
        }
    }
}
