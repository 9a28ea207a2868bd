//! Hover: on a key, what the field means (its description in the JSON Schema, its allowed
//! values) and which rules read it; on a finding, the commitment it serves, the rule's
//! documentation, and the deadline with the days left when the finding has one.

use lsp_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind, Position, Range};

use super::outline::{self, parse_line};
use super::position::Lines;
use super::{Loaded, Server, fields, lock};
use crate::date::Date;
use crate::finding::Finding;
use crate::node::{DocPath, Segment};

pub fn hover(server: &Server, params: HoverParams) -> Option<Hover> {
    let at = params.text_document_position_params;
    let (text, findings, as_of) = {
        let ws = lock(&server.workspace);
        let doc = ws.open.get(&at.text_document.uri).filter(|d| d.ours)?;
        let analysis = ws.analyses.get(&at.text_document.uri);
        (
            doc.text.clone(),
            analysis.map(|a| a.findings.clone()).unwrap_or_default(),
            analysis.map_or_else(|| server.as_of(), |a| a.as_of),
        )
    };
    let loaded = server.loaded();
    let lines = Lines::new(&text);
    let mut sections = Vec::new();
    let mut range: Option<Range> = None;
    if let Some((key_range, text)) = key_hover(&loaded, &text, &lines, at.position) {
        sections.push(text);
        range = Some(key_range);
    }
    for f in findings
        .iter()
        .filter(|f| contains(&lines.range(&f.location), at.position))
    {
        sections.push(finding_hover(&loaded, f, as_of));
        range = range.or(Some(lines.range(&f.location)));
    }
    if sections.is_empty() {
        return None;
    }
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: sections.join("\n\n---\n\n"),
        }),
        range,
    })
}

fn contains(range: &Range, p: Position) -> bool {
    range.start <= p && p <= range.end
}

/// The kind of the YAML document spanning `range` of the lines: its top-level `kind:`.
pub fn kind_in(lines: &[&str], range: &std::ops::Range<usize>) -> Option<String> {
    lines[range.clone()].iter().find_map(|l| {
        let v = l.strip_prefix("kind:")?;
        let v = v.split('#').next()?.trim().trim_matches(['"', '\'']);
        crate::schema::kind(v).map(|k| k.name.to_string())
    })
}

/// The key under the cursor, with its full path, and the document's kind.
pub fn key_at(text: &str, lines: &Lines, p: Position) -> Option<(Range, Vec<Segment>, String)> {
    let all: Vec<&str> = crate::source::lines(text).collect();
    let line_no = p.line as usize;
    let line = parse_line(all.get(line_no)?);
    let key = line.key?;
    let column = lines.char_column(p);
    let width = key.chars().count();
    if column < line.content || column > line.content + width {
        return None;
    }
    let (_, range) = outline::document_of(&all, line_no);
    let kind = kind_in(&all, &range)?;
    let mut path = outline::container(&all, range.start, line_no, line.content, false);
    path.push(Segment::Key(key));
    let start = lines.at_char(line_no, line.content);
    let end = lines.at_char(line_no, line.content + width);
    Some((Range::new(start, end), path, kind))
}

fn key_hover(loaded: &Loaded, text: &str, lines: &Lines, p: Position) -> Option<(Range, String)> {
    let (range, path, kind) = key_at(text, lines, p)?;
    let root = fields::schema(&kind)?;
    let node = fields::at(root, &path)?;
    let mut out = format!("**`{}`**", DocPath(path.clone()));
    match fields::description(root, node) {
        Some(d) => out.push_str(&format!("\n\n{d}")),
        None if path
            .last()
            .is_some_and(|s| matches!(s, Segment::Key(k) if k.starts_with("x_"))) =>
        {
            out.push_str("\n\nA key for the department's own use: no rule reads it.");
        }
        None => {}
    }
    let values = fields::values(root, node);
    if !values.is_empty() {
        let shown: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
        out.push_str(&format!("\n\nAllowed values: {}", shown.join(", ")));
    }
    let readers = loaded.words.readers(loaded.linter.rules(), &kind, &path);
    out.push_str(&commitments_reading(loaded.linter.rules(), &readers));
    if !readers.is_empty() {
        out.push_str("\n\nRead by:");
        for (id, title) in readers {
            out.push_str(&format!("\n- `{id}`: {title}"));
        }
    }
    Some((range, out))
}

/// The commitments whose rules read a field, each with its number and its words in the
/// roadmap: what a department analyst knows the field by. Empty when no rule reads it.
fn commitments_reading(rules: &crate::pack::RuleSet, readers: &[(String, String)]) -> String {
    let mut seen = std::collections::BTreeMap::new();
    for (id, _) in readers {
        let Some((pack, rule)) = rules.find(id) else {
            continue;
        };
        let Some(number) = rule.commitment else {
            continue;
        };
        if let Some((_, c)) = rules.commitment(pack, number) {
            seen.entry(number)
                .or_insert_with(|| c.text.trim().to_string());
        }
    }
    let mut out = String::new();
    if !seen.is_empty() {
        out.push_str("\n\nCommitments that read it:");
        for (number, text) in seen {
            out.push_str(&format!("\n- Commitment {number}: {text}"));
        }
    }
    out
}

/// The deadline a finding's message names: `(deadline DATE: ...)`, as `report_due` writes it,
/// or `the DATE deadline`.
pub fn deadline(message: &str) -> Option<Date> {
    if let Some(i) = message.find("(deadline ") {
        let start = i + "(deadline ".len();
        return Date::parse(message.get(start..start + 10)?);
    }
    let end = message.find(" deadline")?;
    Date::parse(message.get(end.checked_sub(10)?..end)?)
}

fn finding_hover(loaded: &Loaded, f: &Finding, as_of: Date) -> String {
    let rules = loaded.linter.rules();
    let mut out = format!("**{}**", f.rule);
    if let Some((pack, rule)) = rules.find(&f.rule) {
        out = format!("**{}**: {}", rule.id, rule.title);
        if let Some((mission, commitment)) = rule.commitment.and_then(|n| rules.commitment(pack, n))
        {
            out.push_str(&format!(
                "\n\n**Commitment {}** (mission {}, {}): {}",
                commitment.number, mission.number, mission.title, commitment.text
            ));
        }
    } else if let Some(code) = crate::diag::Code::from_id(&f.rule) {
        out = format!(
            "**{}**: {}\n\n{}",
            code.id(),
            code.title(),
            code.description()
        );
    }
    if let Some(due) = deadline(&f.message) {
        let days = as_of.days_until(due);
        let when = match days {
            0 => "due on the evaluation date".to_string(),
            1 => "1 day left".to_string(),
            n if n > 0 => format!("{n} days left"),
            -1 => "1 day overdue".to_string(),
            n => format!("{} days overdue", -n),
        };
        out.push_str(&format!(
            "\n\n**Deadline** {due}: {when} (evaluated as of {as_of})"
        ));
    }
    if let Some(w) = &f.waiver {
        out.push_str(&waived(w));
    }
    if let Some((_, rule)) = rules.find(&f.rule)
        && !rule.doc.is_empty()
    {
        out.push_str(&format!("\n\n{}", rule.doc));
    }
    out
}

/// A waiver as hover Markdown: its reason and approver are the document's text, escaped so
/// that no image, link or HTML in them renders.
fn waived(w: &crate::finding::WaiverNote) -> String {
    use crate::render::escape::markdown;
    format!(
        "\n\n**Waived** until {}: {} (approved by {})",
        markdown(&w.expires),
        markdown(&w.reason),
        markdown(&w.approved_by)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_waivers_text_is_shown_as_text() {
        let note = crate::finding::WaiverNote {
            reason: "![x](https://example.invalid/p.png) <img src=x> [link](https://e.invalid)"
                .to_string(),
            approved_by: "**A** <b>B</b>".to_string(),
            expires: "2026-01-31".to_string(),
        };
        let shown = waived(&note);
        assert!(!shown.contains("<img") && !shown.contains("<b>"), "{shown}");
        // The brackets are escaped, so no image or link can form.
        assert!(
            shown.contains("\\!\\[x\\]") && shown.contains("\\[link\\]"),
            "{shown}"
        );
        assert!(
            !shown.contains("![x]") && !shown.contains("[link]("),
            "{shown}"
        );
        assert!(shown.contains("2026-01-31"), "{shown}");
    }

    #[test]
    fn reads_the_deadline_of_a_message() {
        assert_eq!(
            deadline("no strategy (deadline 2023-04-30: 75 days overdue)"),
            Date::parse("2023-04-30")
        );
        assert_eq!(
            deadline("confirmed on 2023-07-14, 75 days after the 2023-04-30 deadline"),
            Date::parse("2023-04-30")
        );
        assert_eq!(deadline("no deadline here"), None);
    }
}
