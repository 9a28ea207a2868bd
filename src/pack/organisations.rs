//! The organisations register: the government's organisations by code, with each one's name,
//! type (`ministerial_department`, `health_body`, ...), parent department and flags
//! (`health_body`, `one_login_exempt`). It is fed from a pack's data file named `organisations`
//! (`schemas/organisations.schema.json`, checked when the pack loads), and read by a rule's or
//! pack's `applies_to` (by code or type), a pack's `exemptions` (by flag), the targets file
//! (a target's organisation must be in the run or the register) and `init`.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use jsonschema::{Draft, Validator};
use rhai::{Array, Map};
use serde_json::Value as Json;

use crate::diag::{Code, ToolDiagnostic};
use crate::node::Node;
use crate::source::SourceFile;

/// The schema of a pack's `organisations` data file.
pub const SCHEMA: &str = include_str!("../../schemas/organisations.schema.json");

/// The name a pack gives its register under `data:` in `pack.yaml`.
pub const DATA_NAME: &str = "organisations";

/// One organisation of the register.
#[derive(Debug, Clone, PartialEq)]
pub struct Organisation {
    pub code: String,
    pub name: String,
    /// Its type, such as `executive_agency`.
    pub kind: String,
    pub parent: Option<String>,
    /// Its boolean fields (`health_body`, `one_login_exempt`, and any a pack adds).
    pub flags: BTreeMap<String, bool>,
}

impl Organisation {
    /// The value of a boolean field, when the entry gives it.
    pub fn flag(&self, name: &str) -> Option<bool> {
        self.flags.get(name).copied()
    }
}

/// The organisations the loaded packs' registers hold, by code.
#[derive(Debug, Clone, Default)]
pub struct Organisations {
    by_code: BTreeMap<String, Organisation>,
}

impl Organisations {
    /// The register the loaded packs' `organisations` data files hold (the first pack's entry
    /// for a code wins). An entry without a code or type is left out (the load-time schema
    /// check has reported it).
    pub fn from_packs<'a>(data: impl IntoIterator<Item = &'a Map>) -> Organisations {
        let mut by_code = BTreeMap::new();
        for map in data {
            let Some(list) = map.get(DATA_NAME).and_then(|v| v.read_lock::<Array>()) else {
                continue;
            };
            for entry in list.iter() {
                if let Some(org) = entry.read_lock::<Map>().and_then(|m| organisation(&m)) {
                    by_code.entry(org.code.clone()).or_insert(org);
                }
            }
        }
        Organisations { by_code }
    }

    /// The organisation with this code, when the register knows it.
    pub fn get(&self, code: &str) -> Option<&Organisation> {
        self.by_code.get(code)
    }

    /// The type of the organisation with this code, when the register knows it.
    pub fn type_of(&self, code: &str) -> Option<&str> {
        self.get(code).map(|o| o.kind.as_str())
    }

    /// Whether the register knows the code.
    pub fn contains(&self, code: &str) -> bool {
        self.by_code.contains_key(code)
    }

    /// Every code the register knows.
    pub fn codes(&self) -> impl Iterator<Item = &str> {
        self.by_code.keys().map(String::as_str)
    }

    /// Every type the register knows.
    pub fn kinds(&self) -> std::collections::BTreeSet<&str> {
        self.by_code.values().map(|o| o.kind.as_str()).collect()
    }

    pub fn is_empty(&self) -> bool {
        self.by_code.is_empty()
    }
}

/// One entry of a data file, as rules see it.
fn organisation(m: &Map) -> Option<Organisation> {
    let text = |key: &str| m.get(key)?.clone().into_string().ok();
    let flags = m
        .iter()
        .filter_map(|(k, v)| v.as_bool().ok().map(|b| (k.to_string(), b)))
        .collect();
    Some(Organisation {
        code: text("code")?,
        name: text("name").unwrap_or_default(),
        kind: text("type")?,
        parent: text("parent"),
        flags,
    })
}

fn validator() -> &'static (Json, Validator) {
    static CELL: OnceLock<(Json, Validator)> = OnceLock::new();
    CELL.get_or_init(|| {
        #[allow(clippy::unwrap_used)] // embedded, and checked by the tests: cannot fail
        let json: Json = serde_json::from_str(SCHEMA).unwrap();
        #[allow(clippy::unwrap_used)]
        let validator = jsonschema::options()
            .with_draft(Draft::Draft202012)
            .build(&json)
            .unwrap();
        (json, validator)
    })
}

/// The boolean fields a register entry may give (`health_body`, `one_login_exempt`), as the
/// register's schema defines them: what a pack's `exemptions` may name.
pub fn flag_names() -> Vec<&'static str> {
    let (schema, _) = validator();
    schema
        .pointer("/items/properties")
        .and_then(Json::as_object)
        .map(|props| {
            props
                .iter()
                .filter(|(_, p)| p.get("type").and_then(Json::as_str) == Some("boolean"))
                .map(|(name, _)| name.as_str())
                .collect()
        })
        .unwrap_or_default()
}

/// What is wrong with a register's text, each at its line and column: what the schema finds,
/// and a code given twice (the second entry would be ignored).
pub fn check(source: &SourceFile) -> Vec<ToolDiagnostic> {
    let docs = crate::load::yaml::parse(&source.text, &super::pack_yaml_limits());
    let Some(root) = docs.into_iter().next().and_then(|d| d.root) else {
        return Vec::new();
    };
    let (schema, validator) = validator();
    let mut out: Vec<ToolDiagnostic> = crate::schema::problems(validator, schema, &root)
        .into_iter()
        .map(|sp| {
            let mut d = sp.problem.diagnostic(source);
            d.code = Code::PackData;
            d
        })
        .collect();
    out.extend(duplicates(&root, source));
    out
}

/// Codes given by more than one entry.
fn duplicates(root: &Node, source: &SourceFile) -> Vec<ToolDiagnostic> {
    let mut out = Vec::new();
    let crate::node::Value::Seq(items) = &root.value else {
        return out;
    };
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for item in items {
        let Some(code_node) = item.get("code") else {
            continue;
        };
        let Some(code) = code_node.as_str() else {
            continue;
        };
        let line = source.locate(code_node.span).line;
        if let Some(first) = seen.get(code) {
            out.push(
                ToolDiagnostic::new(
                    Code::PackData,
                    format!("organisation `{code}` is already in the register, at line {first}"),
                )
                .at(source, code_node.span)
                .label("given again here")
                .help("give each organisation one entry: this one is ignored"),
            );
        } else {
            seen.insert(code, line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_from_a_data_file() {
        let mut data = Map::new();
        let json = serde_json::json!([
            { "code": "DWP", "name": "Department for Work and Pensions", "type": "ministerial_department" },
            { "code": "NHSE", "name": "NHS England", "type": "health_body", "parent": "DHSC", "one_login_exempt": true },
            { "name": "no code", "type": "other" },
        ]);
        data.insert(DATA_NAME.into(), rhai::serde::to_dynamic(&json).unwrap());
        let register = Organisations::from_packs([&data]);
        assert_eq!(register.type_of("NHSE"), Some("health_body"));
        let nhse = register.get("NHSE").unwrap();
        assert_eq!(nhse.parent.as_deref(), Some("DHSC"));
        assert_eq!(nhse.flag("one_login_exempt"), Some(true));
        assert_eq!(register.get("DWP").unwrap().flag("one_login_exempt"), None);
        assert_eq!(flag_names(), ["health_body", "one_login_exempt"]);
        assert_eq!(register.type_of("HMRC"), None);
        assert_eq!(register.codes().count(), 2);
    }

    #[test]
    fn a_bad_entry_is_a_diagnostic_at_its_line() {
        let text = "# a register\n- { code: DWP, name: Work, type: ministerial_department, health_body: false, one_login_exempt: false }\n- { code: HO, name: Home, type: ministry, health_body: false, one_login_exempt: false }\n- { code: DWP, name: Again, type: other, health_body: false, one_login_exempt: false }\n";
        let source = SourceFile::new("organisations.yaml".to_string(), text);
        let diags = check(&source);
        let lines: Vec<usize> = diags.iter().filter_map(|d| d.line).collect();
        assert!(lines.contains(&3), "{diags:?}");
        assert!(lines.contains(&4), "{diags:?}");
        assert!(diags.iter().all(|d| d.code == Code::PackData));
    }
}
