//! What one rule concluded about one document. A run of many small files holds millions of
//! these (one per rule and document), so a result is kept small: its rule's name is one shared
//! pointer, its findings a boxed slice, the findings that went to the spill three counts, and
//! the passed checks (which most results do not keep) a box of their own.

use std::sync::Arc;

use super::Mark;
use crate::finding::Severity;
use crate::pack::RuleName;

/// What one rule concluded about one document, for scores and JUnit.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct RuleResult {
    /// Index into [`Run::documents`](super::Run) ([`RuleResult::doc`]).
    doc: u32,
    /// The rule's id (it reads as `&str`), with its commitment and mission.
    pub rule: RuleName,
    pub status: Status,
    /// Indices into [`Run::findings`](super::Run) of the findings this rule raised in the
    /// document.
    pub findings: Box<[usize]>,
    /// The findings it raised whose bodies went to the run's spill, counted by what scores read.
    #[serde(skip)]
    pub spilled: Spilled,
    /// The checks that passed, and a cross-check's evidence: `None` when there are none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checks: Option<Box<Checks>>,
}

/// The checks a rule passed in a document.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Checks {
    /// Paths of the checks that passed.
    pub passed: Vec<String>,
    /// Paths in the proposal's department declaration where a proposal rule's cross-check
    /// passed (`pass_in(ctx.declaration_ref, path)`): the evidence a review shows beside the
    /// proposal's own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
}

impl RuleResult {
    /// A result with these passed checks and findings (and no evidence).
    pub fn new(
        doc: usize,
        rule: RuleName,
        status: Status,
        passed: Vec<String>,
        findings: Vec<usize>,
    ) -> RuleResult {
        let mut result = RuleResult {
            doc: u32::try_from(doc).unwrap_or(u32::MAX),
            rule,
            status,
            findings: findings.into_boxed_slice(),
            spilled: Spilled::default(),
            checks: None,
        };
        result.set_checks(passed, Vec::new());
        result
    }

    /// The index of the document in [`Run::documents`](super::Run).
    pub fn doc(&self) -> usize {
        self.doc as usize
    }

    /// Count the document among a run's, whose first `base` documents come before its file's.
    pub(crate) fn shift_doc(&mut self, base: usize) {
        self.doc = u32::try_from(self.doc() + base).unwrap_or(u32::MAX);
    }

    /// Paths of the checks that passed.
    pub fn passed(&self) -> &[String] {
        self.checks.as_ref().map_or(&[], |c| &c.passed)
    }

    /// Paths of a cross-check's evidence in the proposal's department declaration.
    pub fn evidence(&self) -> &[String] {
        self.checks.as_ref().map_or(&[], |c| &c.evidence)
    }

    /// Replace the passed checks and the evidence.
    pub fn set_checks(&mut self, mut passed: Vec<String>, mut evidence: Vec<String>) {
        passed.shrink_to_fit();
        evidence.shrink_to_fit();
        self.checks = (!passed.is_empty() || !evidence.is_empty())
            .then(|| Box::new(Checks { passed, evidence }));
    }

    /// The commitment the rule serves.
    pub fn commitment(&self) -> Option<u32> {
        self.rule.commitment()
    }

    /// The mission of that commitment.
    pub fn mission(&self) -> Option<u32> {
        self.rule.mission()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", tag = "status", content = "reason")]
pub enum Status {
    Applied,
    NotApplicable(Arc<str>),
    Failed,
}

/// Findings whose bodies went to the spill, counted by how scores count them: unwaived errors
/// (failed checks), waived errors, and the rest (warnings and notes, which pass).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Spilled {
    errors: u32,
    waived: u32,
    others: u32,
}

impl FromIterator<Mark> for Spilled {
    /// The counts of these findings' marks.
    fn from_iter<I: IntoIterator<Item = Mark>>(marks: I) -> Spilled {
        let mut out = Spilled::default();
        for m in marks {
            let count = match (m.severity, m.waived) {
                (Severity::Error, false) => &mut out.errors,
                (Severity::Error, true) => &mut out.waived,
                _ => &mut out.others,
            };
            *count = count.saturating_add(1);
        }
        out
    }
}

impl Spilled {
    /// A mark for each counted finding, as scores read them.
    pub fn marks(self) -> impl Iterator<Item = Mark> {
        let mark = |severity, waived| Mark { severity, waived };
        let repeat = |n: u32, m: Mark| std::iter::repeat_n(m, n as usize);
        repeat(self.errors, mark(Severity::Error, false))
            .chain(repeat(self.waived, mark(Severity::Error, true)))
            .chain(repeat(self.others, mark(Severity::Warning, false)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_result_is_small() {
        assert!(std::mem::size_of::<RuleResult>() <= 72);
    }

    #[test]
    fn spilled_marks_come_back_counted_as_scores_count_them() {
        let m = |severity, waived| Mark { severity, waived };
        let marks = [
            m(Severity::Error, false),
            m(Severity::Info, true),
            m(Severity::Error, true),
            m(Severity::Error, false),
        ];
        let back: Vec<Mark> = marks.into_iter().collect::<Spilled>().marks().collect();
        assert_eq!(
            back,
            [
                m(Severity::Error, false),
                m(Severity::Error, false),
                m(Severity::Error, true),
                m(Severity::Warning, false),
            ]
        );
    }
}
