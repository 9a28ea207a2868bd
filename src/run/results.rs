//! The rule results of a run, kept as the files gave them: one vector a file, never copied into
//! one vector of the whole run. Gathering them into one vector held every result twice for a
//! moment (each file's and the run's), which set the peak memory of a run of many small files.

use super::RuleResult;

/// What each rule concluded about each document, in parts: each part holds the results about
/// documents from its first document up to the next part's.
#[derive(Debug, Default, Clone)]
pub struct Results {
    /// (the first document a part is about, its results), in order of first document.
    parts: Vec<(usize, Vec<RuleResult>)>,
}

impl Results {
    /// A file's results, about the documents from `first_doc` on (its results' `doc` already
    /// counted in the run).
    pub(crate) fn append_part(&mut self, first_doc: usize, results: Vec<RuleResult>) {
        if results.is_empty() {
            return;
        }
        match self.parts.last_mut() {
            Some((first, part)) if *first >= first_doc => {
                // Out of order (not from the gathering of files): keep one part in order.
                part.extend(results);
                *first = (*first).min(first_doc);
            }
            _ => self.parts.push((first_doc, results)),
        }
    }

    /// One more result, put in the part that holds its document's results.
    pub(crate) fn push(&mut self, result: RuleResult) {
        let at = self
            .parts
            .partition_point(|(first, _)| *first <= result.doc());
        match at.checked_sub(1) {
            Some(i) => self.parts[i].1.push(result),
            None => self.parts.insert(0, (result.doc(), vec![result])),
        }
    }

    /// Every result, in order of part.
    pub fn iter(&self) -> impl Iterator<Item = &RuleResult> + Clone {
        self.parts.iter().flat_map(|(_, part)| part.iter())
    }

    pub(crate) fn iter_mut(&mut self) -> impl Iterator<Item = &mut RuleResult> {
        self.parts.iter_mut().flat_map(|(_, part)| part.iter_mut())
    }

    /// How many results there are.
    pub fn len(&self) -> usize {
        self.parts.iter().map(|(_, part)| part.len()).sum()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.parts.iter().all(|(_, part)| part.is_empty())
    }

    /// The last result of the last part.
    #[cfg(test)]
    pub(crate) fn last_mut(&mut self) -> Option<&mut RuleResult> {
        self.parts.last_mut().and_then(|(_, part)| part.last_mut())
    }

    /// Order by document, then rule: each part on its own, as parts never share a document.
    pub(crate) fn sort(&mut self) {
        for (_, part) in &mut self.parts {
            part.sort_by(|a, b| (a.doc(), &a.rule).cmp(&(b.doc(), &b.rule)));
        }
    }
}

/// A reason a rule gave for not applying, shared with the results before it that gave the same:
/// a run of many small files holds millions of results, and most give one of a few reasons.
/// Each worker keeps the reasons it has seen (at most [`REASONS_KEPT`], then it starts again).
pub(crate) fn shared(reason: &str) -> std::sync::Arc<str> {
    use std::cell::RefCell;
    use std::collections::HashSet;
    use std::sync::Arc;
    thread_local! {
        static SEEN: RefCell<HashSet<Arc<str>>> = RefCell::new(HashSet::new());
    }
    SEEN.with(|seen| {
        let mut seen = seen.borrow_mut();
        if let Some(known) = seen.get(reason) {
            return known.clone();
        }
        if seen.len() >= REASONS_KEPT {
            seen.clear();
        }
        let new: Arc<str> = Arc::from(reason);
        seen.insert(new.clone());
        new
    })
}

/// Most reasons a worker keeps for sharing.
const REASONS_KEPT: usize = 4096;

impl<'a> IntoIterator for &'a Results {
    type Item = &'a RuleResult;
    type IntoIter = Box<dyn Iterator<Item = &'a RuleResult> + 'a>;

    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

impl<'a> IntoIterator for &'a mut Results {
    type Item = &'a mut RuleResult;
    type IntoIter = Box<dyn Iterator<Item = &'a mut RuleResult> + 'a>;

    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter_mut())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::Status;

    fn result(doc: usize, rule: &str) -> RuleResult {
        let rule = crate::pack::RuleName::new(rule, None, None);
        RuleResult::new(doc, rule, Status::Applied, Vec::new(), Vec::new())
    }

    fn order(results: &Results) -> Vec<(usize, String)> {
        results
            .iter()
            .map(|r| (r.doc(), r.rule.to_string()))
            .collect()
    }

    #[test]
    fn results_pushed_later_join_their_documents_part_and_sort_with_it() {
        let mut results = Results::default();
        results.append_part(0, vec![result(0, "b"), result(1, "a")]);
        results.append_part(2, vec![result(2, "b")]);
        results.append_part(4, vec![result(4, "a")]);
        // Portfolio rules push results about any document once the files are gathered.
        results.push(result(3, "a"));
        results.push(result(0, "a"));
        results.push(result(5, "z"));
        results.sort();
        assert_eq!(
            order(&results),
            [
                (0, "a"),
                (0, "b"),
                (1, "a"),
                (2, "b"),
                (3, "a"),
                (4, "a"),
                (5, "z")
            ]
            .map(|(d, r)| (d, r.to_string()))
        );
        assert_eq!(results.len(), 7);
        assert!(!results.is_empty());
        assert!(Results::default().is_empty());
    }
}
