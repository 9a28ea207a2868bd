//! What the review derives from the proposal and the packs' parameters: whether approval is
//! needed, the risk-and-importance rating band by band, and whether the strategic commitments
//! must be answered.

use serde::Serialize;

use super::read::boolean;
use super::summary::Summary;
use crate::node::Node;
use crate::run::Prepared;

/// A risk-and-importance level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Low,
    Medium,
    High,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Low => "low",
            Level::Medium => "medium",
            Level::High => "high",
        }
    }
}

/// The thresholds the derivations use, read from the packs' parameters (after `--param`).
#[derive(Debug, Clone, Default)]
pub struct Thresholds {
    pub public_facing_approval_gbp: Option<i64>,
    pub other_approval_gbp: Option<i64>,
    pub risk_medium_whole_life_gbp: Option<i64>,
    pub risk_high_whole_life_gbp: Option<i64>,
    pub risk_medium_transactions: Option<i64>,
    pub risk_high_transactions: Option<i64>,
}

impl Thresholds {
    pub fn from_prepared(prepared: &Prepared) -> Thresholds {
        let get = |name: &str| {
            prepared
                .pack_ctx
                .values()
                .find_map(|(params, _)| params.get(name).and_then(|v| v.as_int().ok()))
        };
        Thresholds {
            public_facing_approval_gbp: get("public_facing_approval_gbp"),
            other_approval_gbp: get("other_approval_gbp"),
            risk_medium_whole_life_gbp: get("risk_medium_whole_life_gbp"),
            risk_high_whole_life_gbp: get("risk_high_whole_life_gbp"),
            risk_medium_transactions: get("risk_medium_transactions"),
            risk_high_transactions: get("risk_high_transactions"),
        }
    }
}

/// A band's level from a value and its two thresholds: below `medium` is low, from `medium` up
/// to and including `high` is medium, above `high` is high.
pub fn band(value: i64, medium: i64, high: i64) -> Level {
    if value > high {
        Level::High
    } else if value >= medium {
        Level::Medium
    } else {
        Level::Low
    }
}

/// One line of the rating: what was looked at, its level, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Band {
    pub name: &'static str,
    /// `None` when the proposal does not give the fact.
    pub level: Option<Level>,
    pub reason: String,
}

/// The risk-and-importance rating: the highest of its bands.
#[derive(Debug, Clone, Serialize)]
pub struct Rating {
    pub level: Option<Level>,
    pub bands: Vec<Band>,
}

/// Whether the spend needs spend-control approval, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Approval {
    /// `None` when the proposal does not give enough to decide.
    pub required: Option<bool>,
    pub reason: String,
}

/// Whether the strategic commitments must be answered, and which answers are missing.
#[derive(Debug, Clone, Serialize)]
pub struct Answers {
    pub required: bool,
    pub reason: String,
    pub missing: Vec<String>,
    /// Every answer a proposal gives (the packs' strategic commitments).
    #[serde(skip)]
    pub asked: Vec<String>,
}

impl Rating {
    /// The rating as the reports state it.
    pub fn describe(&self) -> String {
        match self.level {
            Some(l) => format!("{} (the highest band)", l.as_str()),
            None => "unknown (a band lacks the fact it needs)".into(),
        }
    }
}

/// Whole pounds with thousands separators: `£24,000,000`.
pub fn gbp(amount: i64) -> String {
    format!("£{}", thousands(amount))
}

/// A whole number with thousands separators.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// Whether the spend needs approval: public-facing spend over `public_facing_approval_gbp`,
/// other spend over `other_approval_gbp`, and any `crypt_key` spend. The whole-life cost is the
/// amount compared.
pub fn approval(summary: &Summary, t: &Thresholds) -> Approval {
    if summary.spend_type.as_deref() == Some("crypt_key") {
        return Approval {
            required: Some(true),
            reason: "crypt_key spend always needs approval".into(),
        };
    }
    let Some(amount) = summary.whole_life_gbp else {
        return Approval {
            required: None,
            reason: "the proposal gives no whole-life cost (`amounts.whole_life_gbp`)".into(),
        };
    };
    let (limit, what, param) = if summary.public_facing == Some(true) {
        (
            t.public_facing_approval_gbp,
            "public-facing spend",
            "public_facing_approval_gbp",
        )
    } else {
        (t.other_approval_gbp, "spend", "other_approval_gbp")
    };
    let Some(limit) = limit else {
        return Approval {
            required: None,
            reason: format!("no pack defines the parameter `{param}`"),
        };
    };
    let required = amount > limit;
    Approval {
        required: Some(required),
        reason: format!(
            "{what} of {} is {} {}",
            gbp(amount),
            if required { "over" } else { "not over" },
            gbp(limit)
        ),
    }
}

/// The risk-and-importance rating: the highest of the whole-life-cost band, the
/// transaction-volume band, and medium for a top-75 service or vulnerable users.
pub fn rating(summary: &Summary, t: &Thresholds) -> Rating {
    let mut bands = Vec::new();
    bands.push(
        match (
            summary.whole_life_gbp,
            t.risk_medium_whole_life_gbp,
            t.risk_high_whole_life_gbp,
        ) {
            (Some(v), Some(m), Some(h)) => {
                let level = band(v, m, h);
                let reason = match level {
                    Level::Low => format!("{} is under {}", gbp(v), gbp(m)),
                    Level::Medium => format!("{} is from {} to {}", gbp(v), gbp(m), gbp(h)),
                    Level::High => format!("{} is over {}", gbp(v), gbp(h)),
                };
                Band {
                    name: "whole-life cost",
                    level: Some(level),
                    reason,
                }
            }
            (None, _, _) => Band {
                name: "whole-life cost",
                level: None,
                reason: "not given (`amounts.whole_life_gbp`)".into(),
            },
            _ => Band {
                name: "whole-life cost",
                level: None,
                reason:
                    "no pack defines `risk_medium_whole_life_gbp` and `risk_high_whole_life_gbp`"
                        .into(),
            },
        },
    );
    bands.push(
        match (
            summary.transactions_per_year,
            t.risk_medium_transactions,
            t.risk_high_transactions,
        ) {
            (Some(v), Some(m), Some(h)) => {
                let level = band(v, m, h);
                let (v, m, h) = (thousands(v), thousands(m), thousands(h));
                let reason = match level {
                    Level::Low => format!("{v} is under {m}"),
                    Level::Medium => format!("{v} is from {m} to {h}"),
                    Level::High => format!("{v} is over {h}"),
                };
                Band {
                    name: "transactions a year",
                    level: Some(level),
                    reason,
                }
            }
            (None, _, _) => Band {
                name: "transactions a year",
                level: None,
                reason: "not given (`transactions_per_year`)".into(),
            },
            _ => Band {
                name: "transactions a year",
                level: None,
                reason: "no pack defines `risk_medium_transactions` and `risk_high_transactions`"
                    .into(),
            },
        },
    );
    let mut why = Vec::new();
    if summary.top75 {
        why.push("a top-75 service");
    }
    if summary.vulnerable_users == Some(true) {
        why.push("vulnerable users");
    }
    bands.push(if why.is_empty() {
        Band {
            name: "service and users",
            level: Some(Level::Low),
            reason: "not a top-75 service; no vulnerable users declared".into(),
        }
    } else {
        Band {
            name: "service and users",
            level: Some(Level::Medium),
            reason: why.join(" with "),
        }
    });
    // An unknown band could be the highest, unless a known one is already high.
    let known = bands.iter().filter_map(|b| b.level).max();
    let level = if bands.iter().any(|b| b.level.is_none()) && known != Some(Level::High) {
        None
    } else {
        known
    };
    Rating { level, bands }
}

/// Whether the strategic commitments must be answered: a high rating, or an assurance rating
/// of `control`.
pub fn answers(root: &Node, summary: &Summary, rating: &Rating, strategic: &[String]) -> Answers {
    let mut why = Vec::new();
    if rating.level == Some(Level::High) {
        why.push("the rating is high".to_string());
    }
    if summary.assurance_rating.as_deref() == Some("control") {
        why.push("the assurance rating is control".to_string());
    }
    let required = !why.is_empty();
    let missing = strategic
        .iter()
        .filter(|key| boolean(root, &format!("proposal.strategic_commitments.{key}")).is_none())
        .cloned()
        .collect();
    Answers {
        required,
        reason: if required {
            why.join(" and ")
        } else {
            "the rating is not high and the assurance rating is not control".into()
        },
        missing,
        asked: strategic.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn thresholds() -> Thresholds {
        Thresholds {
            public_facing_approval_gbp: Some(100_000),
            other_approval_gbp: Some(1_000_000),
            risk_medium_whole_life_gbp: Some(20_000_000),
            risk_high_whole_life_gbp: Some(50_000_000),
            risk_medium_transactions: Some(100_000),
            risk_high_transactions: Some(1_000_000),
        }
    }

    fn level_of(rating: &Rating, name: &str) -> Option<Level> {
        rating.bands.iter().find(|b| b.name == name).unwrap().level
    }

    #[test]
    fn whole_life_band_boundaries() {
        let t = thresholds();
        let rate = |v| {
            level_of(
                &rating(
                    &Summary {
                        whole_life_gbp: Some(v),
                        ..Summary::default()
                    },
                    &t,
                ),
                "whole-life cost",
            )
        };
        assert_eq!(rate(19_999_999), Some(Level::Low));
        assert_eq!(rate(20_000_000), Some(Level::Medium));
        assert_eq!(rate(50_000_000), Some(Level::Medium));
        assert_eq!(rate(50_000_001), Some(Level::High));
    }

    #[test]
    fn transaction_band_boundaries() {
        let t = thresholds();
        let rate = |v| {
            level_of(
                &rating(
                    &Summary {
                        transactions_per_year: Some(v),
                        ..Summary::default()
                    },
                    &t,
                ),
                "transactions a year",
            )
        };
        assert_eq!(rate(99_999), Some(Level::Low));
        assert_eq!(rate(100_000), Some(Level::Medium));
        assert_eq!(rate(1_000_000), Some(Level::Medium));
        assert_eq!(rate(1_000_001), Some(Level::High));
    }

    #[test]
    fn rating_is_the_highest_band_and_top75_or_vulnerable_users_is_medium() {
        let t = thresholds();
        let low = Summary {
            whole_life_gbp: Some(1),
            transactions_per_year: Some(1),
            ..Summary::default()
        };
        assert_eq!(rating(&low, &t).level, Some(Level::Low));
        let top75 = Summary {
            top75: true,
            ..low.clone()
        };
        assert_eq!(rating(&top75, &t).level, Some(Level::Medium));
        let vulnerable = Summary {
            vulnerable_users: Some(true),
            ..low.clone()
        };
        assert_eq!(rating(&vulnerable, &t).level, Some(Level::Medium));
        let high = Summary {
            transactions_per_year: Some(2_000_000),
            ..vulnerable
        };
        assert_eq!(rating(&high, &t).level, Some(Level::High));
        // An unknown band leaves the rating unknown, unless a known band is already high.
        let unknown = Summary {
            whole_life_gbp: Some(1),
            ..Summary::default()
        };
        assert_eq!(rating(&unknown, &t).level, None);
        let known_high = Summary {
            whole_life_gbp: Some(60_000_000),
            ..Summary::default()
        };
        assert_eq!(rating(&known_high, &t).level, Some(Level::High));
    }

    #[test]
    fn approval_thresholds_are_exclusive() {
        let t = thresholds();
        let public = |v| Summary {
            public_facing: Some(true),
            whole_life_gbp: Some(v),
            ..Summary::default()
        };
        assert_eq!(approval(&public(100_000), &t).required, Some(false));
        assert_eq!(approval(&public(100_001), &t).required, Some(true));
        let other = |v| Summary {
            public_facing: Some(false),
            whole_life_gbp: Some(v),
            ..Summary::default()
        };
        assert_eq!(approval(&other(1_000_000), &t).required, Some(false));
        assert_eq!(approval(&other(1_000_001), &t).required, Some(true));
        let crypt = Summary {
            spend_type: Some("crypt_key".into()),
            whole_life_gbp: Some(1),
            ..Summary::default()
        };
        assert_eq!(approval(&crypt, &t).required, Some(true));
        assert_eq!(approval(&Summary::default(), &t).required, None);
    }

    #[test]
    fn money_is_written_with_separators() {
        assert_eq!(gbp(24_000_000), "£24,000,000");
        assert_eq!(gbp(999), "£999");
        assert_eq!(thousands(100_000), "100,000");
    }
}
