//! The verdict, from the findings and whether a declaration was found.

use serde::Serialize;

use crate::finding::{Finding, Severity};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Ready,
    ApproveWithConditions,
    NotReady,
}

impl Verdict {
    pub fn title(self) -> &'static str {
        match self {
            Verdict::Ready => "Ready for approval",
            Verdict::ApproveWithConditions => "Approve with conditions",
            Verdict::NotReady => "Not ready",
        }
    }
}

/// The documented verdict rule, as one sentence for the reports.
pub const VERDICT_RULE: &str = "any error makes a proposal not ready; otherwise warnings, or no declaration to check it against, mean approve with conditions; no findings means ready for approval";

/// The verdict from the findings (waived ones do not count) and whether a declaration was found.
pub fn verdict(findings: &[Finding], declared: bool) -> Verdict {
    let live = || findings.iter().filter(|f| !f.waived);
    if live().any(|f| f.severity == Severity::Error) {
        Verdict::NotReady
    } else if live().any(|f| f.severity == Severity::Warning) || !declared {
        Verdict::ApproveWithConditions
    } else {
        Verdict::Ready
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdict_follows_the_documented_rule() {
        let finding = |severity, waived| Finding {
            rule: "r".into(),
            commitment: None,
            mission: None,
            severity,
            file: "f".into(),
            document: 0,
            path: String::new(),
            location: Default::default(),
            message: String::new(),
            label: None,
            help: None,
            waived,
            waiver: None,
            related: Vec::new(),
            targets: Vec::new(),
            source: 0,
        };
        assert_eq!(verdict(&[], true), Verdict::Ready);
        assert_eq!(verdict(&[], false), Verdict::ApproveWithConditions);
        assert_eq!(
            verdict(&[finding(Severity::Warning, false)], true),
            Verdict::ApproveWithConditions
        );
        assert_eq!(
            verdict(
                &[
                    finding(Severity::Warning, false),
                    finding(Severity::Error, false)
                ],
                true
            ),
            Verdict::NotReady
        );
        assert_eq!(
            verdict(&[finding(Severity::Error, true)], true),
            Verdict::Ready
        );
    }
}
