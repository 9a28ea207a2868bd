//! The scores a `check --format json` report carries, taken department by department without
//! the detail of a full score report.

use serde::Serialize;

use super::compute::{Detail, each_department};
use super::{Band, Bands, Department, MissionScore, Model, NotScored, Value};
use crate::run::Run;

/// The scores a `check --format json` report carries: the government's and each
/// department's overall and per-mission score, and the documents not scored (with why).
/// `score --format json` has every figure.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub bands: Bands,
    pub government: SummaryScores,
    pub departments: Vec<SummaryDepartment>,
    pub not_scored: Vec<NotScored>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SummaryScores {
    pub score: Option<f64>,
    pub band: Option<Band>,
    pub missions: Vec<SummaryMission>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SummaryMission {
    pub number: u32,
    pub score: Option<f64>,
    /// Every rule of it was switched off by the config.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub disabled: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct SummaryDepartment {
    pub organisation: String,
    #[serde(flatten)]
    pub scores: SummaryScores,
}

impl Summary {
    /// The summary of a run's scores, computed without the detail a full score report keeps
    /// (findings, rule tallies, losses): what `check --format json` carries. Each department
    /// is summarised as soon as it is scored, so its detail is never held.
    pub fn of_run(run: &Run, model: &Model) -> Summary {
        let mut departments = Vec::new();
        let scoring = each_department(run, model, Detail::Summary, |d| {
            if !d.documents.is_empty() {
                departments.push(SummaryDepartment::of(&d));
            }
        });
        Summary {
            bands: scoring.model.bands,
            government: SummaryScores::of(&scoring.government.score, &scoring.government.missions),
            departments,
            not_scored: scoring.not_scored,
        }
    }
}

impl SummaryScores {
    fn of(score: &Value, missions: &[MissionScore]) -> SummaryScores {
        SummaryScores {
            score: score.score,
            band: score.band,
            missions: missions
                .iter()
                .map(|m| SummaryMission {
                    number: m.number,
                    score: m.score.score,
                    disabled: m.score.disabled,
                })
                .collect(),
        }
    }
}

impl SummaryDepartment {
    fn of(d: &Department) -> SummaryDepartment {
        SummaryDepartment {
            organisation: d.organisation.clone(),
            scores: SummaryScores::of(&d.score, &d.missions),
        }
    }
}
