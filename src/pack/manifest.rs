//! `pack.yaml`: a policy pack's name, version, commitments and parameters.

use std::collections::BTreeMap;

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub name: String,
    pub version: String,
    pub description: String,
    /// The policy the pack encodes, as a citation.
    #[serde(default)]
    pub source: Option<String>,
    /// Where a rule's documentation can be read online; `{id}` is replaced by the rule id.
    #[serde(default)]
    pub help_uri: Option<String>,
    #[serde(default)]
    pub missions: Vec<Mission>,
    #[serde(default)]
    pub parameters: BTreeMap<String, Parameter>,
    /// Folder of rule fixtures, relative to the pack folder (default `fixtures`).
    #[serde(default)]
    pub fixtures: Option<String>,
    /// Data files shipped with the pack, by name: rules see them as `ctx.data.NAME`.
    #[serde(default)]
    pub data: BTreeMap<String, String>,
    /// The JSON Schema of each `x_` key the pack's rules read, by its path (`services[].x_dwp`):
    /// inline, or the path of a schema file of the pack (see [`super::fields`]).
    #[serde(default)]
    pub fields: BTreeMap<String, yaml_serde::Value>,
    /// The organisations (codes such as `DWP`) or organisation types (from the organisations
    /// register) whose documents the pack's rules judge; empty: every organisation.
    #[serde(default)]
    pub applies_to: Vec<String>,
    /// What `review` needs to know of the pack's policy.
    #[serde(default)]
    pub review: ReviewPolicy,
    /// What `score` needs to know of the pack's rules.
    #[serde(default)]
    pub score: ScorePolicy,
    /// Organisations a commitment's rules do not judge, declared once for every rule of the
    /// commitment (checked when the packs load, applied by the run: see `run::exemption`).
    #[serde(default)]
    pub exemptions: Vec<Exemption>,
}

/// An exemption from every rule of one commitment, for the organisations a boolean field of the
/// organisations register marks.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exemption {
    /// The commitment whose rules it reaches.
    pub commitment: u32,
    /// The boolean field of a register entry that says whether an organisation is exempt
    /// (`one_login_exempt`).
    pub register: String,
    /// For an organisation the register does not list: the path of its declaration to read
    /// instead (`organisation.health_body`); a proposal reads its department's declaration.
    /// Absent: an unlisted organisation is never exempt.
    #[serde(default)]
    pub unregistered: Option<String>,
    /// Organisation codes that are never exempt, whatever the register or declaration says.
    #[serde(default)]
    pub except: Vec<String>,
    /// Rules of the commitment the exemption does not reach (one that checks the register
    /// itself, say).
    #[serde(default)]
    pub except_rules: Vec<String>,
    /// Why: a rule it reaches is not applicable with this reason.
    pub reason: String,
}

/// What a review needs of the pack's policy: the strategic commitments a spend-control
/// proposal answers, and who owns the conditions of an approval and when they fall due.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewPolicy {
    /// Each answer under `proposal.strategic_commitments`, and the commitment it serves, in the
    /// order reviews list them.
    #[serde(default)]
    pub strategic_commitments: Vec<StrategicCommitment>,
    /// The roles that own conditions (a proposal rule's `owner` names one).
    #[serde(default)]
    pub owners: Vec<OwnerRole>,
    /// When conditions fall due (a proposal rule's `due` names one).
    #[serde(default)]
    pub due: Vec<DueTerm>,
    /// The owner and due term of a condition whose rule names none.
    #[serde(default)]
    pub condition_defaults: Option<ConditionDefaults>,
}

impl ReviewPolicy {
    pub fn owner(&self, role: &str) -> Option<&OwnerRole> {
        self.owners.iter().find(|o| o.role == role)
    }

    pub fn due_term(&self, term: &str) -> Option<&DueTerm> {
        self.due.iter().find(|d| d.term == term)
    }
}

/// A role that owns conditions: its key, its title in reports, and where a proposal names
/// the person who holds it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OwnerRole {
    pub role: String,
    pub title: String,
    /// The proposal's path that names the role's holder, when the format has one.
    #[serde(default)]
    pub named_at: Option<String>,
}

/// When a condition falls due: a term, its words, and the integer parameter giving the days
/// after the decision.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DueTerm {
    pub term: String,
    pub text: String,
    pub days: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConditionDefaults {
    pub owner: String,
    pub due: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StrategicCommitment {
    pub answer: String,
    pub commitment: u32,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScorePolicy {
    /// The portfolio rule whose results carry commitment 1's government-wide facts (how many
    /// top-75 services are great): it passes each great service's path, `services[N]...`.
    #[serde(default)]
    pub portfolio_rule: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mission {
    pub number: u32,
    pub title: String,
    #[serde(default = "one")]
    pub weight: f64,
    pub commitments: Vec<Commitment>,
}

fn one() -> f64 {
    1.0
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Commitment {
    pub number: u32,
    pub text: String,
    #[serde(default = "one")]
    pub weight: f64,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ParamType {
    Date,
    Number,
    Integer,
    Boolean,
    String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Parameter {
    #[serde(rename = "type")]
    pub kind: ParamType,
    pub default: yaml_serde::Value,
    pub rationale: String,
    /// The least value a number or integer parameter may take (a `--param`, the config or a
    /// department's target below it is an error).
    #[serde(default)]
    pub minimum: Option<f64>,
    /// The greatest value a number or integer parameter may take.
    #[serde(default)]
    pub maximum: Option<f64>,
    /// The document fields this parameter is the threshold of (`services[].performance.
    /// user_satisfaction_pct`), for a rule that judges them through a library function whose
    /// report paths the field reader cannot follow. `init` and the format reference show the
    /// parameter beside each of them.
    #[serde(default)]
    pub fields: Vec<String>,
}

impl ParamType {
    pub fn name(self) -> &'static str {
        match self {
            ParamType::Date => "date",
            ParamType::Number => "number",
            ParamType::Integer => "integer",
            ParamType::Boolean => "boolean",
            ParamType::String => "string",
        }
    }
}
