//! "Did you mean": the closest of the names a user could have meant.

/// Edit distance (insertions, deletions, substitutions) between two strings, in characters.
pub fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// The candidate closest to `word`, when it is close enough to be a likely typo: one edit for
/// a word of up to three characters, two up to eight, a third of a longer word; or a candidate
/// that starts with the word.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = match word.chars().count() {
        0..=3 => 1,
        4..=8 => 2,
        n => n / 3,
    };
    candidates
        .into_iter()
        .map(|c| {
            let d = if c.starts_with(word) && !word.is_empty() {
                1
            } else {
                distance(word, c)
            };
            (d, c)
        })
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c)
}

/// The help text for an unknown name: "did you mean `x`?", or the list of names when none is
/// close (at most `shown` of them, then how many more).
pub fn help(word: &str, what: &str, candidates: &[&str]) -> String {
    if let Some(best) = closest(word, candidates.iter().copied()) {
        return format!("did you mean `{best}`?");
    }
    const SHOWN: usize = 8;
    let mut names: Vec<&str> = candidates.to_vec();
    names.sort_unstable();
    let more = names.len().saturating_sub(SHOWN);
    names.truncate(SHOWN);
    let tail = if more > 0 {
        format!(", and {more} more")
    } else {
        String::new()
    };
    if names.is_empty() {
        format!("there are no {what}s")
    } else {
        format!("the {what}s are: {}{tail}", names.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_likely_typo() {
        assert_eq!(distance("kitten", "sitting"), 3);
        let ids = [
            "one-login-strategy-overdue",
            "one-login-onboarding-not-started",
        ];
        assert_eq!(
            closest("one-login-strategy-overdu", ids),
            Some("one-login-strategy-overdue")
        );
        assert_eq!(
            closest("deadlin_2025", ["deadline_2025", "x"]),
            Some("deadline_2025")
        );
        assert_eq!(closest("zzz", ids), None);
        assert_eq!(
            help("deadlin_2025", "parameter", &["deadline_2025"]),
            "did you mean `deadline_2025`?"
        );
        assert!(help("qq", "parameter", &["a", "b"]).starts_with("the parameters are: a, b"));
    }
}
