//! The organisations register, as `applies_to` reads it: each organisation's code and type
//! (`ministerial_department`, `health_body`, ...). It is fed from a pack's data file named
//! `organisations` (a list of maps with `code` and `type`, and optionally `parent`), so a rule
//! or pack can say it judges an organisation by its code (`DWP`) or by its type.

use std::collections::BTreeMap;

use rhai::{Array, Dynamic, Map};

/// Organisation codes and their types.
#[derive(Debug, Clone, Default)]
pub struct Organisations {
    types: BTreeMap<String, String>,
}

impl Organisations {
    /// The register the loaded packs' `organisations` data files hold (the first pack's entry
    /// for a code wins).
    pub fn from_packs<'a>(data: impl IntoIterator<Item = &'a Map>) -> Organisations {
        let mut types = BTreeMap::new();
        for map in data {
            let Some(list) = map
                .get("organisations")
                .and_then(|v| v.read_lock::<Array>())
            else {
                continue;
            };
            for entry in list.iter() {
                let field = |e: &Dynamic, key: &str| -> Option<String> {
                    let m = e.read_lock::<Map>()?;
                    m.get(key)?.clone().into_string().ok()
                };
                if let (Some(code), Some(kind)) = (field(entry, "code"), field(entry, "type")) {
                    types.entry(code).or_insert(kind);
                }
            }
        }
        Organisations { types }
    }

    /// The type of the organisation with this code, when the register knows it.
    pub fn type_of(&self, code: &str) -> Option<&str> {
        self.types.get(code).map(String::as_str)
    }

    /// Every code the register knows.
    pub fn codes(&self) -> impl Iterator<Item = &str> {
        self.types.keys().map(String::as_str)
    }

    /// Every type the register knows.
    pub fn kinds(&self) -> std::collections::BTreeSet<&str> {
        self.types.values().map(String::as_str).collect()
    }

    pub fn is_empty(&self) -> bool {
        self.types.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_types_from_a_data_file() {
        let mut data = Map::new();
        let json = serde_json::json!([
            { "code": "DWP", "name": "Department for Work and Pensions", "type": "ministerial_department" },
            { "code": "NHSE", "name": "NHS England", "type": "health_body", "parent": "DHSC" },
        ]);
        data.insert(
            "organisations".into(),
            rhai::serde::to_dynamic(&json).unwrap(),
        );
        let register = Organisations::from_packs([&data]);
        assert_eq!(register.type_of("NHSE"), Some("health_body"));
        assert_eq!(register.type_of("HMRC"), None);
    }
}
