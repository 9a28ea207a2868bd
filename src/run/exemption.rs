//! A pack's `exemptions`, applied in one place: before a rule runs on a document, whether its
//! commitment's exemption reaches the document's organisation (a proposal's organisation for a
//! proposal). The register's flag decides for an organisation it lists; for one it does not
//! list, the exemption's `unregistered` path of the organisation's declaration (a proposal's
//! department declaration); an `except` code is never exempt. A rule an exemption reaches is
//! not applicable with the exemption's reason, and is not called.

use crate::node::{DocPath, Node, Value};
use crate::pack::{Exemption, Organisations, Rule};

/// The reason the rule does not judge the organisation, when one of its pack's exemptions
/// reaches it. `declaration` is the organisation's department declaration, when the run has it.
/// Portfolio rules judge the whole government and are never exempted.
pub(super) fn exempt<'e>(
    rule: &Rule,
    exemptions: &'e [Exemption],
    organisation: Option<&str>,
    register: &Organisations,
    declaration: Option<&Node>,
) -> Option<&'e str> {
    if rule.portfolio {
        return None;
    }
    exempt_from(
        (&rule.id, rule.commitment),
        exemptions,
        organisation,
        register,
        declaration,
    )
}

/// [`exempt`] for a per-document rule, by its id and commitment.
fn exempt_from<'e>(
    (id, commitment): (&str, Option<u32>),
    exemptions: &'e [Exemption],
    organisation: Option<&str>,
    register: &Organisations,
    declaration: Option<&Node>,
) -> Option<&'e str> {
    exemptions
        .iter()
        .filter(|e| Some(e.commitment) == commitment)
        .filter(|e| !e.except_rules.iter().any(|r| r == id))
        .find(|e| reaches(e, organisation, register, declaration))
        .map(|e| e.reason.as_str())
}

/// Whether the exemption reaches the organisation.
fn reaches(
    e: &Exemption,
    organisation: Option<&str>,
    register: &Organisations,
    declaration: Option<&Node>,
) -> bool {
    if organisation.is_some_and(|code| e.except.iter().any(|x| x == code)) {
        return false;
    }
    match organisation.and_then(|code| register.get(code)) {
        Some(listed) => listed.flag(&e.register) == Some(true),
        None => e
            .unregistered
            .as_deref()
            .and_then(|p| DocPath::parse(p).ok())
            .zip(declaration)
            .is_some_and(|(path, root)| {
                let found = root.resolve(&path);
                found.complete && matches!(found.node.value, Value::Bool(true))
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn register() -> Organisations {
        let json = serde_json::json!([
            { "code": "NHSBSA", "name": "NHS BSA", "type": "health_body", "health_body": true, "one_login_exempt": true },
            { "code": "DHSC", "name": "Health", "type": "ministerial_department", "health_body": true, "one_login_exempt": false },
            { "code": "DWP", "name": "Work", "type": "ministerial_department", "health_body": false, "one_login_exempt": false },
        ]);
        let mut map = rhai::Map::new();
        map.insert(
            "organisations".into(),
            rhai::serde::to_dynamic(&json).expect("data"),
        );
        Organisations::from_packs([&map])
    }

    fn root(text: &str) -> Node {
        let docs = crate::load::yaml::parse(text, &crate::pack::pack_yaml_limits());
        docs.into_iter()
            .next()
            .and_then(|d| d.root)
            .expect("parses")
    }

    fn exemption() -> Exemption {
        Exemption {
            commitment: 3,
            register: "one_login_exempt".into(),
            unregistered: Some("organisation.health_body".into()),
            except: vec!["DHSC".into()],
            except_rules: vec!["about-the-register".into()],
            reason: "health bodies are exempt".into(),
        }
    }

    fn decide(rule: (&str, u32), org: Option<&str>, decl: Option<&Node>) -> Option<String> {
        let list = [exemption()];
        exempt_from((rule.0, Some(rule.1)), &list, org, &register(), decl).map(str::to_string)
    }

    #[test]
    fn the_register_decides_for_an_organisation_it_lists() {
        let c3 = ("c3-rule", 3);
        // Its declaration says otherwise: the register wins.
        let denies = root("organisation: { id: NHSBSA, health_body: false }");
        assert_eq!(
            decide(c3, Some("NHSBSA"), Some(&denies)).as_deref(),
            Some("health bodies are exempt")
        );
        let claims = root("organisation: { id: DWP, health_body: true }");
        assert_eq!(decide(c3, Some("DWP"), Some(&claims)), None);
        assert_eq!(
            decide(c3, Some("NHSBSA"), None).as_deref(),
            Some("health bodies are exempt")
        );
    }

    #[test]
    fn an_unlisted_organisation_is_judged_by_its_declaration() {
        let c3 = ("c3-rule", 3);
        let says = root("organisation: { id: LOCALNHS, health_body: true }");
        assert!(decide(c3, Some("LOCALNHS"), Some(&says)).is_some());
        let not = root("organisation: { id: LOCALNHS, health_body: false }");
        assert_eq!(decide(c3, Some("LOCALNHS"), Some(&not)), None);
        let quoted = root("organisation: { id: LOCALNHS, health_body: 'true' }");
        assert_eq!(decide(c3, Some("LOCALNHS"), Some(&quoted)), None);
        let silent = root("organisation: { id: LOCALNHS }");
        assert_eq!(decide(c3, Some("LOCALNHS"), Some(&silent)), None);
        // A proposal whose department's declaration the run does not have.
        assert_eq!(decide(c3, Some("LOCALNHS"), None), None);
    }

    #[test]
    fn an_excepted_code_other_commitments_and_excepted_rules_are_never_exempt() {
        let says = root("organisation: { id: DHSC, health_body: true }");
        assert_eq!(decide(("c3-rule", 3), Some("DHSC"), Some(&says)), None);
        assert_eq!(decide(("c4-rule", 4), Some("NHSBSA"), None), None);
        assert_eq!(
            decide(("about-the-register", 3), Some("NHSBSA"), None),
            None
        );
    }
}
