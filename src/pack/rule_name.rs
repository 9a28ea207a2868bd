//! A rule's id with the commitment and mission it serves, held once per rule and shared by
//! every result of it: a run of many small files holds millions of results, and each carries
//! one pointer to its rule's name instead of the id and two numbers of its own.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// A rule's id (it reads as `&str`), the commitment it serves and that commitment's mission.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RuleName(Arc<Parts>);

#[derive(Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
struct Parts {
    id: Box<str>,
    commitment: Option<u32>,
    mission: Option<u32>,
}

impl RuleName {
    pub fn new(id: &str, commitment: Option<u32>, mission: Option<u32>) -> RuleName {
        RuleName(Arc::new(Parts {
            id: id.into(),
            commitment,
            mission,
        }))
    }

    /// The commitment the rule serves (`None` for a cross-check).
    pub fn commitment(&self) -> Option<u32> {
        self.0.commitment
    }

    /// The mission of that commitment.
    pub fn mission(&self) -> Option<u32> {
        self.0.mission
    }
}

impl Deref for RuleName {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0.id
    }
}

impl fmt::Display for RuleName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.id)
    }
}

#[cfg(test)]
mod tests {
    use super::RuleName;

    #[test]
    fn a_rule_name_reads_as_its_id_and_orders_by_it() {
        let a = RuleName::new("cloud-first", Some(12), Some(4));
        let b = RuleName::new("data-owner", None, None);
        assert_eq!(&*a, "cloud-first");
        assert_eq!(a.to_string(), "cloud-first");
        assert_eq!((a.commitment(), a.mission()), (Some(12), Some(4)));
        assert!(a < b);
        assert_eq!(std::mem::size_of::<RuleName>(), 8);
    }
}
