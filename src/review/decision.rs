//! The tool's recommended decision, and why: from the findings that are not waived, whether
//! the proposal gives the facts they are about, whether it could be read, whether a
//! declaration was there to check it against, and whether the need for approval is known.

use serde::Serialize;

use super::criteria::answered;
use super::derive::Approval;
use crate::finding::{Finding, Severity};
use crate::node::Node;

/// The outcome the tool recommends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recommendation {
    Approve,
    ApproveWithConditions,
    NotApproved,
    MoreInformationNeeded,
}

impl Recommendation {
    #[cfg(test)]
    const NAMES: &'static [&'static str] = &[
        "approve",
        "approve_with_conditions",
        "not_approved",
        "more_information_needed",
    ];

    pub fn title(self) -> &'static str {
        match self {
            Recommendation::Approve => "Approve",
            Recommendation::ApproveWithConditions => "Approve with conditions",
            Recommendation::NotApproved => "Not approved",
            Recommendation::MoreInformationNeeded => "More information needed",
        }
    }

    /// The key, as JSON and the record file write it.
    pub fn key(self) -> &'static str {
        match self {
            Recommendation::Approve => "approve",
            Recommendation::ApproveWithConditions => "approve_with_conditions",
            Recommendation::NotApproved => "not_approved",
            Recommendation::MoreInformationNeeded => "more_information_needed",
        }
    }

    pub fn parse(key: &str) -> Option<Recommendation> {
        Some(match key {
            "approve" => Recommendation::Approve,
            "approve_with_conditions" => Recommendation::ApproveWithConditions,
            "not_approved" => Recommendation::NotApproved,
            "more_information_needed" => Recommendation::MoreInformationNeeded,
            _ => return None,
        })
    }

    /// Whether the proposal may go ahead (with or without conditions).
    pub fn approves(self) -> bool {
        matches!(
            self,
            Recommendation::Approve | Recommendation::ApproveWithConditions
        )
    }
}

/// The documented decision rule, as one sentence for the reports.
pub const DECISION_RULE: &str = "an error where the proposal's answer falls short means not approved; otherwise an error about a fact the proposal does not give, a proposal that cannot be read, or a spend whose need for approval cannot be decided means more information needed; otherwise warnings, or no declaration to check the proposal against, mean approve with conditions; otherwise approve";

/// The tool's recommendation, the reasons for it, and the rule it follows.
#[derive(Debug, Clone, Serialize)]
pub struct Decision {
    pub recommendation: Recommendation,
    pub reasons: Vec<String>,
    pub rule: &'static str,
}

/// What the decision is made from.
pub struct Grounds<'a> {
    pub findings: &'a [&'a Finding],
    pub root: &'a Node,
    /// Whether the proposal could be read and its rules ran.
    pub evaluated: bool,
    /// The organisation whose declaration was not given, when none was.
    pub missing_declaration: Option<&'a str>,
    pub approval: &'a Approval,
}

/// Each rule's title once, in order, prefixed (`not met: ...`).
fn titled<'a>(
    findings: impl Iterator<Item = &'a &'a Finding>,
    prefix: &str,
    title: &dyn Fn(&str) -> String,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for f in findings {
        let line = format!("{prefix}: {}", title(&f.rule));
        if !out.contains(&line) {
            out.push(line);
        }
    }
    out
}

/// Decide, by [`DECISION_RULE`]. `title` names a rule for the reasons.
pub fn decide(g: &Grounds, title: &dyn Fn(&str) -> String) -> Decision {
    let live = || g.findings.iter().filter(|f| !f.waived);
    let errors = || live().filter(|f| f.severity == Severity::Error);
    let not_met = titled(errors().filter(|f| answered(g.root, f)), "not met", title);
    // A rule with an answer that falls short is not met, whatever else it found missing.
    let short: Vec<&str> = errors()
        .filter(|f| answered(g.root, f))
        .map(|f| f.rule.as_str())
        .collect();
    let unanswered = titled(
        errors().filter(|f| !answered(g.root, f) && !short.contains(&f.rule.as_str())),
        "not answered",
        title,
    );
    let warnings = titled(
        live().filter(|f| f.severity == Severity::Warning),
        "condition",
        title,
    );
    let decision = |recommendation, reasons| Decision {
        recommendation,
        reasons,
        rule: DECISION_RULE,
    };
    if !g.evaluated {
        let n = live().count();
        return decision(
            Recommendation::MoreInformationNeeded,
            vec![format!(
                "the proposal does not follow the format ({n} {} to correct): it could not be assessed",
                if n == 1 { "problem" } else { "problems" }
            )],
        );
    }
    if !not_met.is_empty() {
        return decision(Recommendation::NotApproved, [not_met, unanswered].concat());
    }
    let mut more = unanswered;
    if g.approval.required.is_none() {
        more.push(format!(
            "whether spend control must approve the spend cannot be decided: {}",
            g.approval.reason
        ));
    }
    if !more.is_empty() {
        return decision(Recommendation::MoreInformationNeeded, more);
    }
    let mut conditions = warnings;
    if let Some(organisation) = g.missing_declaration {
        conditions.push(format!(
            "no declaration of {organisation} was given: the proposal was not checked against it"
        ));
    }
    if !conditions.is_empty() {
        return decision(Recommendation::ApproveWithConditions, conditions);
    }
    let mut reasons = vec!["every criterion that applies is met".to_string()];
    if g.approval.required == Some(false) {
        reasons.push(format!(
            "spend-control approval is not required ({})",
            g.approval.reason
        ));
    }
    decision(Recommendation::Approve, reasons)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{Limits, yaml};

    fn finding(severity: Severity, path: &str, waived: bool) -> Finding {
        Finding {
            rule: "r".into(),
            commitment: None,
            mission: None,
            severity,
            file: "f".into(),
            document: 0,
            path: path.into(),
            location: Default::default(),
            message: String::new(),
            label: None,
            help: None,
            waived,
            waiver: None,
            related: Vec::new(),
            targets: Vec::new(),
            source: 0,
        }
    }

    fn decide_on(
        findings: &[Finding],
        evaluated: bool,
        declared: bool,
        known: bool,
    ) -> Recommendation {
        let root = yaml::parse("proposal:\n  given: true\n", &Limits::default())
            .remove(0)
            .root
            .unwrap();
        let refs: Vec<&Finding> = findings.iter().collect();
        let approval = Approval {
            required: known.then_some(true),
            reason: "r".into(),
        };
        decide(
            &Grounds {
                findings: &refs,
                root: &root,
                evaluated,
                missing_declaration: (!declared).then_some("DWP"),
                approval: &approval,
            },
            &|id| id.to_string(),
        )
        .recommendation
    }

    #[test]
    fn decision_follows_the_documented_rule() {
        use Recommendation::*;
        let given = "proposal.given";
        let missing = "proposal.missing";
        assert_eq!(decide_on(&[], true, true, true), Approve);
        assert_eq!(decide_on(&[], true, false, true), ApproveWithConditions);
        assert_eq!(decide_on(&[], true, true, false), MoreInformationNeeded);
        assert_eq!(decide_on(&[], false, true, true), MoreInformationNeeded);
        let warning = finding(Severity::Warning, given, false);
        let short = finding(Severity::Error, given, false);
        let unsaid = finding(Severity::Error, missing, false);
        assert_eq!(
            decide_on(std::slice::from_ref(&warning), true, true, true),
            ApproveWithConditions
        );
        assert_eq!(
            decide_on(std::slice::from_ref(&unsaid), true, true, true),
            MoreInformationNeeded
        );
        assert_eq!(
            decide_on(&[unsaid.clone(), short.clone()], true, true, true),
            NotApproved
        );
        assert_eq!(
            decide_on(&[warning, short.clone()], true, true, true),
            NotApproved
        );
        // Waived findings do not count; an unanswered warning is a condition.
        assert_eq!(
            decide_on(&[finding(Severity::Error, given, true)], true, true, true),
            Approve
        );
        assert_eq!(
            decide_on(
                &[finding(Severity::Warning, missing, false)],
                true,
                true,
                true
            ),
            ApproveWithConditions
        );
    }

    #[test]
    fn recommendation_keys_round_trip() {
        for name in Recommendation::NAMES {
            assert_eq!(Recommendation::parse(name).unwrap().key(), *name);
        }
    }
}
