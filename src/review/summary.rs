//! What the proposal says about itself, as the head of a review shows it, and whether its
//! service is one of the top 75.

use rhai::{Dynamic, Map};
use serde::Serialize;

use super::read::{at, boolean, int, scalar_text, text};
use crate::node::{Node, Value};
use crate::run::Prepared;

/// The service's last assessment against the Service Standard.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Assessment {
    pub phase: Option<String>,
    pub date: Option<String>,
    pub outcome: Option<String>,
}

/// The contract the spend goes through.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Contract {
    pub procurement_route: Option<String>,
    pub supplier: Option<String>,
    pub term_months: Option<i64>,
    pub extension_options_months: Option<i64>,
    pub automatic_extension: Option<bool>,
}

/// What the proposal says about itself, for the summary.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub id: Option<String>,
    pub organisation: Option<String>,
    pub title: Option<String>,
    pub spend_type: Option<String>,
    pub phase: Option<String>,
    pub service: Option<String>,
    pub public_facing: Option<bool>,
    pub new_service: Option<bool>,
    pub whole_life_gbp: Option<i64>,
    pub annual_gbp: Option<i64>,
    pub transactions_per_year: Option<i64>,
    pub vulnerable_users: Option<bool>,
    pub assurance_rating: Option<String>,
    pub business_case_stage: Option<String>,
    pub senior_responsible_owner: Option<String>,
    pub service_owner: Option<String>,
    pub last_assessment: Option<Assessment>,
    pub contract: Option<Contract>,
    /// Whether the service is one of the top 75 (from the pack's list or the declaration).
    pub top75: bool,
}

impl Assessment {
    /// `alpha, met, on 2025-01-22`.
    pub fn describe(&self) -> String {
        let mut parts = vec![
            self.phase
                .clone()
                .unwrap_or_else(|| "phase not stated".into()),
        ];
        parts.push(
            self.outcome
                .as_deref()
                .map_or("outcome not stated".into(), |o| o.replace('_', " ")),
        );
        if let Some(d) = &self.date {
            parts.push(format!("on {d}"));
        }
        parts.join(", ")
    }
}

impl Contract {
    /// `Example Ltd, 18 months + 6 months of extension options, via digital_outcomes`.
    pub fn describe(&self) -> String {
        let mut parts = vec![
            self.supplier
                .clone()
                .unwrap_or_else(|| "supplier not stated".into()),
        ];
        let term = match (self.term_months, self.extension_options_months) {
            (Some(t), Some(e)) if e > 0 => format!("{t} months + {e} months of extension options"),
            (Some(t), _) => format!("{t} months"),
            (None, _) => "term not stated".into(),
        };
        parts.push(term);
        if self.automatic_extension == Some(true) {
            parts.push("extends automatically".into());
        }
        if let Some(route) = &self.procurement_route {
            parts.push(format!("via {route}"));
        }
        parts.join(", ")
    }
}

pub fn summary(root: &Node, top75: bool) -> Summary {
    let s = |p: &str| text(root, &format!("proposal.{p}"));
    let i = |p: &str| int(root, &format!("proposal.{p}"));
    let b = |p: &str| boolean(root, &format!("proposal.{p}"));
    Summary {
        id: s("id"),
        organisation: s("organisation"),
        title: s("title"),
        spend_type: s("spend_type"),
        phase: s("phase"),
        service: s("service"),
        public_facing: b("public_facing"),
        new_service: b("new_service"),
        whole_life_gbp: i("amounts.whole_life_gbp"),
        annual_gbp: i("amounts.annual_gbp"),
        transactions_per_year: i("transactions_per_year"),
        vulnerable_users: b("vulnerable_users"),
        assurance_rating: s("assurance_rating"),
        business_case_stage: s("business_case_stage"),
        senior_responsible_owner: s("senior_responsible_owner"),
        service_owner: s("service_owner"),
        last_assessment: at(root, "proposal.last_assessment").map(|_| Assessment {
            phase: s("last_assessment.phase"),
            date: scalar_text(root, "proposal.last_assessment.date"),
            outcome: s("last_assessment.outcome"),
        }),
        contract: at(root, "proposal.contract").map(|_| Contract {
            procurement_route: s("contract.procurement_route"),
            supplier: s("contract.supplier"),
            term_months: i("contract.term_months"),
            extension_options_months: i("contract.extension_options_months"),
            automatic_extension: b("contract.automatic_extension"),
        }),
        top75,
    }
}

/// Whether `service` of `organisation` is on a pack's top-75 list (`data.top75`).
fn on_top75_list(prepared: &Prepared, organisation: &str, service: &str) -> bool {
    use crate::engine::api::lookup;
    let list = |data: &Map| -> Option<bool> {
        let top75 = Dynamic::from_map(data.clone());
        let departments = lookup(&top75, "top75.departments").ok()?;
        let departments = departments.try_cast::<rhai::Array>()?;
        Some(departments.iter().any(|d| {
            let code = lookup(d, "code").ok();
            let services = lookup(d, "services")
                .ok()
                .and_then(|s| s.try_cast::<rhai::Array>())
                .unwrap_or_default();
            code.and_then(|c| c.into_string().ok()).as_deref() == Some(organisation)
                && services.iter().any(|s| {
                    lookup(s, "id")
                        .ok()
                        .and_then(|i| i.into_string().ok())
                        .as_deref()
                        == Some(service)
                })
        }))
    };
    prepared
        .pack_ctx
        .values()
        .any(|(_, data)| list(data).unwrap_or(false))
}

/// Whether the proposal's service is one of the top 75: flagged so in its department's
/// declaration, or on the pack's list.
pub fn is_top75(
    prepared: &Prepared,
    root: &Node,
    organisation: Option<&str>,
    declaration_root: Option<&Node>,
) -> bool {
    let service = text(root, "proposal.service");
    let declared = match (declaration_root, &service) {
        (Some(decl), Some(service)) => match at(decl, "services") {
            Some(Node {
                value: Value::Seq(items),
                ..
            }) => items.iter().any(|s| {
                text(s, "id").as_deref() == Some(service) && boolean(s, "top75") == Some(true)
            }),
            _ => false,
        },
        _ => false,
    };
    let listed = match (organisation, &service) {
        (Some(o), Some(s)) => on_top75_list(prepared, o, s),
        _ => false,
    };
    declared || listed
}
