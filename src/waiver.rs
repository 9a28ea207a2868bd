//! Waivers: a declaration's own, approved and time-limited exemptions from rule findings
//! (`waivers:` in a document). A waiver names a rule and a document path; it covers the findings
//! of that rule at that path or inside it. A waived finding stays in the report, marked waived
//! with the waiver's note. The waivers themselves are checked: an expired one is an error (and
//! waives nothing), one that matches nothing is a warning, and one about to expire is a warning.
//!
//! Applied per document in `run.rs`, right after the document's findings are resolved, so every
//! reporter and the exit code see the same waived flags.

use crate::date::Date;
use crate::finding::{Finding, Severity, WaiverNote};
use crate::node::{DocPath, Node, Value};
use crate::source::SourceFile;

/// How waivers are treated in a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaiverSettings {
    /// `false` with `--no-waivers`: waivers are ignored entirely, the raw picture is shown.
    pub enabled: bool,
    /// A waiver expiring within this many days of the evaluation date is a warning.
    pub warning_days: i64,
    /// Whether a waiver naming a rule that no loaded pack has is a warning. A command that
    /// loads only part of the rules on purpose (such as `review`) turns this off.
    pub flag_unknown_rules: bool,
}

pub const DEFAULT_WARNING_DAYS: i64 = 30;

impl Default for WaiverSettings {
    fn default() -> Self {
        WaiverSettings {
            enabled: true,
            warning_days: DEFAULT_WARNING_DAYS,
            flag_unknown_rules: true,
        }
    }
}

/// Codes of the findings about waivers themselves.
pub const EXPIRED: &str = "waiver-expired";
pub const UNUSED: &str = "waiver-unused";
pub const EXPIRING: &str = "waiver-expiring";
pub const BAD_PATH: &str = "waiver-path-invalid";

/// One waiver as declared.
#[derive(Debug, Clone)]
pub struct Waiver {
    /// Index in the document's `waivers` list.
    pub index: usize,
    pub rule: String,
    pub path: Result<DocPath, String>,
    pub path_text: String,
    pub reason: String,
    pub approved_by: String,
    pub expires: Option<Date>,
    pub expires_text: String,
}

impl Waiver {
    fn note(&self) -> WaiverNote {
        WaiverNote {
            reason: self.reason.clone(),
            approved_by: self.approved_by.clone(),
            expires: self.expires_text.clone(),
        }
    }

    fn covers(&self, f: &Finding) -> bool {
        let Ok(path) = &self.path else {
            return false;
        };
        f.rule == self.rule && DocPath::parse(&f.path).is_ok_and(|p| p.starts_with(path))
    }
}

/// The waivers a document declares. The schema has already checked their shape; anything
/// missing here is read as empty.
pub fn read(root: &Node) -> Vec<Waiver> {
    let Some(Node {
        value: Value::Seq(items),
        ..
    }) = root.get("waivers")
    else {
        return Vec::new();
    };
    let text = |item: &Node, key: &str| {
        item.get(key)
            .and_then(Node::as_str)
            .unwrap_or_default()
            .to_string()
    };
    items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let path_text = text(item, "path");
            let expires_text = text(item, "expires");
            Waiver {
                index,
                rule: text(item, "rule"),
                path: DocPath::parse(&path_text),
                path_text,
                reason: text(item, "reason"),
                approved_by: text(item, "approved_by"),
                expires: Date::parse(&expires_text),
                expires_text,
            }
        })
        .collect()
}

/// What became of a waiver's rule on the document, which decides whether "matches nothing" can
/// be said of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleState {
    /// The rule ran on the document: a waiver that matched nothing is stale.
    Ran,
    /// The rule did not run here (switched off, for another kind, broken) or reports later
    /// (portfolio rules): say nothing.
    Silent,
    /// No loaded rule has the id: likely a typo.
    Unknown,
}

/// Everything about one document that waiver checks need.
pub struct DocContext<'a> {
    pub root: &'a Node,
    pub source: &'a SourceFile,
    pub document: usize,
    pub as_of: Date,
}

/// Apply a document's waivers to its findings (all of which belong to that document) and return
/// the findings about the waivers themselves. `rule_state` says what became of a rule on this
/// document, to decide whether a waiver that matched nothing is worth a warning.
pub fn apply(
    doc: &DocContext,
    findings: &mut [Finding],
    settings: WaiverSettings,
    rule_state: &dyn Fn(&str) -> RuleState,
) -> Vec<Finding> {
    if !settings.enabled {
        return Vec::new();
    }
    let mut out = Vec::new();
    for w in read(doc.root) {
        apply_one(doc, &w, findings, settings, rule_state, &mut out);
    }
    out
}

/// Apply one waiver: an unreadable path or a past expiry is a finding and waives nothing;
/// otherwise it waives the findings it covers, and a waiver that covers none, or expires
/// soon, is a warning.
fn apply_one(
    doc: &DocContext,
    w: &Waiver,
    findings: &mut [Finding],
    settings: WaiverSettings,
    rule_state: &dyn Fn(&str) -> RuleState,
    out: &mut Vec<Finding>,
) {
    let base = format!("waivers[{}]", w.index);
    if let Err(msg) = &w.path {
        out.push(finding(
            doc,
            BAD_PATH,
            Severity::Error,
            &format!("{base}.path"),
            format!("waiver path `{}` cannot be read: {msg}", w.path_text),
            "not a document path",
            "write the path as keys and list indices, such as `technology.systems[2]`",
        ));
        return;
    }
    let days_left = w.expires.map(|e| doc.as_of.days_until(e));
    if let Some(days) = days_left.filter(|d| *d < 0) {
        out.push(finding(
            doc,
            EXPIRED,
            Severity::Error,
            &format!("{base}.expires"),
            format!(
                "waiver of `{}` at `{}` expired on {} ({} before {})",
                w.rule,
                w.path_text,
                w.expires_text,
                days_word(-days),
                doc.as_of
            ),
            "expired",
            "fix the finding it covered, or have a renewed waiver approved with a new expiry date",
        ));
        return;
    }
    let mut used = false;
    for f in findings.iter_mut().filter(|f| !f.waived && w.covers(f)) {
        f.waived = true;
        f.waiver = Some(Box::new(w.note()));
        used = true;
    }
    if !used {
        out.extend(unused(doc, w, &base, rule_state(&w.rule), settings));
    }
    if let Some(days) = days_left.filter(|d| *d <= settings.warning_days) {
        out.push(expiring(doc, w, &base, days));
    }
}

/// A waiver that waived nothing: a warning when its rule ran (its path is likely wrong) or,
/// when the settings ask, when no loaded rule has its id; nothing when the rule did not run.
fn unused(
    doc: &DocContext,
    w: &Waiver,
    base: &str,
    state: RuleState,
    settings: WaiverSettings,
) -> Option<Finding> {
    match state {
        RuleState::Silent => None,
        RuleState::Unknown if !settings.flag_unknown_rules => None,
        RuleState::Ran => Some(finding(
            doc,
            UNUSED,
            Severity::Warning,
            base,
            format!(
                "waiver of `{}` at `{}` matches no finding",
                w.rule, w.path_text
            ),
            "this waiver waives nothing",
            "remove the waiver, or correct its path (the finding's path or a parent of it)",
        )),
        RuleState::Unknown => Some(finding(
            doc,
            UNUSED,
            Severity::Warning,
            &format!("{base}.rule"),
            format!(
                "waiver names the rule `{}`, which no loaded rule has",
                w.rule
            ),
            "unknown rule id",
            "correct the rule id (`roadmap-lint rules` lists them), or remove the waiver",
        )),
    }
}

/// A waiver that expires within the warning period (`days` from the document's date).
fn expiring(doc: &DocContext, w: &Waiver, base: &str, days: i64) -> Finding {
    finding(
        doc,
        EXPIRING,
        Severity::Warning,
        &format!("{base}.expires"),
        format!(
            "waiver of `{}` at `{}` expires on {}, {}",
            w.rule,
            w.path_text,
            w.expires_text,
            match days {
                0 => "today".to_string(),
                d => format!("in {}", days_word(d)),
            }
        ),
        "expires soon",
        "fix the finding before the waiver expires, or seek a renewed waiver",
    )
}

/// Waive one finding that arrives after its document was evaluated (a portfolio rule's), with
/// the first unexpired waiver of its document that covers it. Problems with the waivers
/// themselves were reported when the document was evaluated.
pub fn waive(root: &Node, finding: &mut Finding, as_of: Date) {
    if let Some(w) = read(root)
        .into_iter()
        .find(|w| w.expires.is_some_and(|e| e >= as_of) && w.covers(finding))
    {
        finding.waived = true;
        finding.waiver = Some(Box::new(w.note()));
    }
}

fn days_word(n: i64) -> String {
    if n == 1 {
        "1 day".to_string()
    } else {
        format!("{n} days")
    }
}

fn finding(
    doc: &DocContext,
    code: &str,
    severity: Severity,
    path: &str,
    message: String,
    label: &str,
    help: &str,
) -> Finding {
    let docpath = DocPath::parse(path).unwrap_or_default();
    let resolved = doc.root.resolve(&docpath);
    Finding {
        rule: code.to_string(),
        commitment: None,
        mission: None,
        severity,
        file: doc.source.name.clone(),
        document: doc.document,
        path: docpath.to_string(),
        location: doc.source.locate(resolved.span),
        message,
        label: Some(label.to_string()),
        help: Some(help.to_string()),
        waived: false,
        waiver: None,
        related: Vec::new(),
        targets: Vec::new(),
        source: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{Limits, yaml};
    use crate::source::Location;

    fn raw(rule: &str, path: &str) -> Finding {
        Finding {
            rule: rule.into(),
            commitment: Some(9),
            mission: Some(4),
            severity: Severity::Error,
            file: "a.yaml".into(),
            document: 0,
            path: path.into(),
            location: Location::default(),
            message: "m".into(),
            label: None,
            help: None,
            waived: false,
            waiver: None,
            related: Vec::new(),
            targets: Vec::new(),
            source: 0,
        }
    }

    fn run(text: &str, as_of: &str, findings: &mut [Finding]) -> Vec<Finding> {
        let root = yaml::parse(text, &Limits::default())
            .remove(0)
            .root
            .unwrap();
        let source = SourceFile::new("a.yaml", text);
        let doc = DocContext {
            root: &root,
            source: &source,
            document: 0,
            as_of: Date::parse(as_of).unwrap(),
        };
        apply(&doc, findings, WaiverSettings::default(), &|id| match id {
            "r" => RuleState::Ran,
            "off" => RuleState::Silent,
            _ => RuleState::Unknown,
        })
    }

    const ONE: &str = "waivers:\n  - rule: r\n    path: a.b[1]\n    reason: x\n    approved_by: y\n    expires: 2025-06-30\n";

    #[test]
    fn waives_the_path_and_its_children_only() {
        let mut f = vec![
            raw("r", "a.b[1].c"),
            raw("r", "a.b[10]"),
            raw("s", "a.b[1]"),
        ];
        let extra = run(ONE, "2025-01-01", &mut f);
        assert!(extra.is_empty());
        assert!(f[0].waived);
        assert_eq!(f[0].waiver.as_ref().unwrap().approved_by, "y");
        assert!(!f[1].waived, "a.b[10] is not inside a.b[1]");
        assert!(!f[2].waived, "another rule");
    }

    #[test]
    fn expired_waivers_are_errors_and_waive_nothing() {
        let mut f = vec![raw("r", "a.b[1]")];
        let extra = run(ONE, "2025-07-01", &mut f);
        assert!(!f[0].waived);
        assert_eq!(extra.len(), 1);
        assert_eq!(extra[0].rule, EXPIRED);
        assert_eq!(extra[0].severity, Severity::Error);
        assert_eq!(extra[0].path, "waivers[0].expires");
        assert_eq!(extra[0].location.line, 6);
    }

    #[test]
    fn unused_waivers_of_rules_that_did_not_run_are_not_reported() {
        let off = ONE.replace("rule: r", "rule: off");
        assert!(run(&off, "2025-01-01", &mut []).is_empty());
        let typo = ONE.replace("rule: r", "rule: rr");
        let extra = run(&typo, "2025-01-01", &mut []);
        assert_eq!(extra.len(), 1);
        assert_eq!(extra[0].path, "waivers[0].rule");
        assert!(extra[0].message.contains("no loaded rule"));
    }

    #[test]
    fn unused_and_expiring_waivers_are_warnings() {
        let extra = run(ONE, "2025-06-20", &mut []);
        let codes: Vec<&str> = extra.iter().map(|f| f.rule.as_str()).collect();
        assert_eq!(codes, [UNUSED, EXPIRING]);
        assert!(
            extra[1].message.ends_with("in 10 days"),
            "{}",
            extra[1].message
        );
        assert!(extra.iter().all(|f| f.severity == Severity::Warning));
    }
}
