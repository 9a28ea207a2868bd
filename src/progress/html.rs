//! The board's progress page: one self-contained HTML page (inline CSS and SVG, no script, no
//! network requests). For the government and each mission a trend chart (inline SVG) shows
//! the score at every snapshot, and a table beside it holds the same figures for screen readers
//! and for print; each department has its table, its chart, and what changed between its
//! snapshots. A missing snapshot breaks a line (it is never drawn as zero). Laid out to print
//! on A4 without losing a column. Every value from a declaration is escaped.

use std::fmt::Write;

use super::{DepartmentSeries, ProgressReport, Status, Step, show_change, show_point};
use crate::render::escape::html as h;
use crate::score::{Band, show};

const STYLE: &str = r#"
:root { --ink:#0b0c0c; --muted:#505a5f; --line:#b1b4b6; --green:#00703c; --amber:#ffdd00; --red:#d4351c; --link:#1d70b8; --focus:#ffdd00; }
* { box-sizing: border-box; }
body { font-family: Arial, Helvetica, sans-serif; color: var(--ink); margin: 0; line-height: 1.4; background: #fff; }
a { color: var(--link); }
a:focus { outline: 3px solid var(--focus); background: var(--focus); color: var(--ink); }
.skip { position: absolute; left: -9999px; }
.skip:focus { left: 1em; top: 1em; }
header, main, footer { max-width: 1200px; margin: 0 auto; padding: 0 1.5rem; }
header { border-bottom: 8px solid var(--link); padding-top: 1rem; }
h1 { font-size: 2rem; margin: 0.5rem 0; }
h2 { font-size: 1.5rem; margin-top: 2.5rem; }
h3 { font-size: 1.15rem; margin-top: 1.5rem; }
code { font-family: "Courier New", monospace; background: #f3f2f1; padding: 0 0.2em; }
.meta { color: var(--muted); }
nav ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; }
table { border-collapse: collapse; margin: 1rem 0; width: 100%; table-layout: fixed; }
caption { text-align: left; font-weight: bold; padding: 0.3rem 0; }
th, td { border: 1px solid var(--line); padding: 0.25rem 0.35rem; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
thead th { background: #f3f2f1; }
td.num, th.num { text-align: right; }
.rag { display: inline-block; padding: 0 0.3em; border-radius: 2px; }
.rag-green { background: var(--green); color: #fff; }
.rag-amber { background: var(--amber); color: var(--ink); }
.rag-red { background: var(--red); color: #fff; }
.status { font-style: italic; color: var(--muted); }
.up { color: var(--green); } .down { color: var(--red); }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 1rem; }
figure { margin: 0; break-inside: avoid; }
figcaption { font-weight: bold; margin-bottom: 0.3rem; }
svg.trend { width: 100%; height: auto; display: block; }
svg.trend .grid { stroke: #dcdcdc; stroke-width: 1; }
svg.trend .band { stroke: var(--muted); stroke-width: 1; stroke-dasharray: 4 3; }
svg.trend .line { stroke: var(--link); stroke-width: 2.5; fill: none; }
svg.trend .dot { fill: var(--link); }
svg.trend text { font-size: 12px; fill: var(--ink); }
svg.trend .axis { fill: var(--muted); }
ul.changes { padding-left: 1.2rem; }
ul.changes li { margin: 0.2rem 0; overflow-wrap: anywhere; }
footer { color: var(--muted); border-top: 1px solid var(--line); margin-top: 3rem; padding-top: 1rem; padding-bottom: 2rem; }
@media (max-width: 700px) {
  header, main, footer { padding: 0 0.6rem; }
  h1 { font-size: 1.5rem; }
  table { font-size: 0.72rem; }
  th, td { padding: 0.15rem 0.2rem; }
}
@media print {
  @page { size: A4; margin: 12mm; }
  body { font-size: 8.5pt; }
  nav, .skip { display: none; }
  header, main, footer { max-width: none; padding: 0; }
  table { font-size: 7.5pt; }
  thead { display: table-header-group; }
  tr, figure { break-inside: avoid; }
  h2 { break-after: avoid; }
  .charts { grid-template-columns: repeat(3, 1fr); }
  .rag-green, .rag-amber, .rag-red { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
"#;

/// Text from a declaration or a pack, escaped.
fn e(s: &str) -> String {
    h(s).into_owned()
}

/// An id for an anchor, from an organisation id (any character outside `[A-Za-z0-9-]` is
/// written as its code point).
fn anchor(org: &str) -> String {
    let mut out = String::from("dept-");
    for c in org.chars() {
        if c.is_ascii_alphanumeric() || c == '-' {
            out.push(c);
        } else {
            let _ = write!(out, "_{:x}", u32::from(c));
        }
    }
    out
}

fn rag(score: Option<f64>, band: Option<Band>) -> String {
    match (score, band) {
        (Some(_), Some(b)) => {
            let label = b.label();
            let mut title = label.to_string();
            if let Some(first) = title.get_mut(0..1) {
                first.make_ascii_uppercase();
            }
            format!(
                "<span class=\"rag rag-{label}\">{} {title}</span>",
                e(&show(score))
            )
        }
        _ => "N/A".into(),
    }
}

fn change(c: Option<f64>) -> String {
    let text = show_change(c);
    match c {
        Some(x) if x > 0.05 => format!("<span class=\"up\">&#9650; {text}</span>"),
        Some(x) if x < -0.05 => format!("<span class=\"down\">&#9660; {text}</span>"),
        _ => text,
    }
}

pub fn render(report: &ProgressReport) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Progress against the roadmap</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<a class=\"skip\" href=\"#main\">Skip to the report</a>\n<header>\n<h1>Progress against the roadmap</h1>\n"
    );
    let span = match (report.snapshots.first(), report.snapshots.last()) {
        (Some(a), Some(b)) if a.label != b.label => {
            format!("from {} to {}", e(&a.label), e(&b.label))
        }
        (Some(a), _) => format!("at {}", e(&a.label)),
        _ => "no snapshot".into(),
    };
    let _ = writeln!(
        out,
        "<p class=\"meta\">{} departments, {} snapshots {span}. Each snapshot is judged on its own date; score = checks passed / checks applicable; changes are in percentage points.</p>",
        report.departments.len(),
        report.snapshots.len()
    );
    out.push_str(
        "<nav aria-label=\"Contents\"><ul><li><a href=\"#government\">Government</a></li>",
    );
    for d in &report.departments {
        let _ = write!(
            out,
            "<li><a href=\"#{}\">{}</a></li>",
            anchor(&d.organisation),
            e(&d.organisation)
        );
    }
    out.push_str("<li><a href=\"#comparing\">Comparing snapshots</a></li></ul></nav>\n</header>\n<main id=\"main\">\n");
    government(&mut out, report);
    for d in &report.departments {
        department(&mut out, report, d);
    }
    notes(&mut out, report);
    let _ = write!(
        out,
        "</main>\n<footer><p>Made by {} from the declarations named in each department's table. The same figures are in <code>roadmap-lint progress --format json</code>.</p></footer>\n</body>\n</html>\n",
        e(&report.tool)
    );
    out
}

/// A trend chart: one value per snapshot (`None`: no figure, which breaks the line), 0-100%,
/// with the RAG band thresholds dashed.
fn chart(
    out: &mut String,
    id: &str,
    caption: &str,
    labels: &[String],
    values: &[Option<f64>],
    report: &ProgressReport,
) {
    const W: f64 = 360.0;
    const H: f64 = 200.0;
    const LEFT: f64 = 42.0;
    const RIGHT: f64 = 14.0;
    const TOP: f64 = 18.0;
    const BOTTOM: f64 = 40.0;
    let n = labels.len().max(1);
    let x = |i: usize| {
        if n == 1 {
            LEFT + (W - LEFT - RIGHT) / 2.0
        } else {
            LEFT + (W - LEFT - RIGHT) * i as f64 / (n - 1) as f64
        }
    };
    let y = |v: f64| TOP + (H - TOP - BOTTOM) * (1.0 - v.clamp(0.0, 100.0) / 100.0);
    let described: Vec<String> = labels
        .iter()
        .zip(values)
        .map(|(l, v)| match v {
            Some(_) => format!("{}: {}", l, show(*v)),
            None => format!("{l}: no figure"),
        })
        .collect();
    let _ = write!(
        out,
        "<figure><figcaption id=\"{id}-cap\">{}</figcaption><svg class=\"trend\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\"><title id=\"{id}-title\">{}: score at each snapshot</title><desc id=\"{id}-desc\">{}</desc>",
        e(caption),
        e(caption),
        e(&described.join("; "))
    );
    for g in [0.0, 50.0, 100.0] {
        let _ = write!(
            out,
            "<line class=\"grid\" x1=\"{LEFT}\" x2=\"{}\" y1=\"{:.1}\" y2=\"{:.1}\"/><text class=\"axis\" x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{g}%</text>",
            W - RIGHT,
            y(g),
            y(g),
            LEFT - 4.0,
            y(g) + 4.0
        );
    }
    for b in [report.bands.green, report.bands.amber] {
        let _ = write!(
            out,
            "<line class=\"band\" x1=\"{LEFT}\" x2=\"{}\" y1=\"{:.1}\" y2=\"{:.1}\"/>",
            W - RIGHT,
            y(b),
            y(b)
        );
    }
    // Segments between consecutive snapshots that both have a figure.
    let mut path = String::new();
    let mut pen_down = false;
    for (i, v) in values.iter().enumerate() {
        match v {
            Some(v) => {
                let _ = write!(
                    path,
                    "{}{:.1},{:.1} ",
                    if pen_down { "L" } else { "M" },
                    x(i),
                    y(*v)
                );
                pen_down = true;
            }
            None => pen_down = false,
        }
    }
    if !path.is_empty() {
        let _ = write!(out, "<path class=\"line\" d=\"{}\"/>", path.trim_end());
    }
    for (i, v) in values.iter().enumerate() {
        if let Some(v) = v {
            let _ = write!(
                out,
                "<circle class=\"dot\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                x(i),
                y(*v),
                x(i),
                y(*v) - 8.0,
                e(&show(Some(*v)))
            );
        } else {
            let _ = write!(
                out,
                "<text class=\"axis\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">none</text>",
                x(i),
                y(50.0)
            );
        }
    }
    // Snapshot labels, every one when they fit, else the first, the last and some between.
    let step = n.div_ceil(6);
    for (i, l) in labels.iter().enumerate() {
        if i % step == 0 || i + 1 == n {
            // The end labels are anchored inwards, so that they stay inside the chart.
            let anchor = match (i, n) {
                (_, 1) => "middle",
                (0, _) => "start",
                (i, n) if i + 1 == n => "end",
                _ => "middle",
            };
            let at = match anchor {
                "start" => x(i) - 6.0,
                "end" => x(i) + 6.0,
                _ => x(i),
            };
            let _ = write!(
                out,
                "<text class=\"axis\" x=\"{at:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\">{}</text>",
                H - BOTTOM + 16.0,
                e(l)
            );
        }
    }
    out.push_str("</svg></figure>\n");
}

fn government(out: &mut String, report: &ProgressReport) {
    out.push_str("<section id=\"government\" aria-labelledby=\"government-h\"><h2 id=\"government-h\">Government</h2>\n<p>The mean over the departments scored at each snapshot. <em>Like for like</em> is the change over only the departments scored at both this snapshot and the one before, so a department joining or missing does not move it. In the charts, the dashed lines are the green and amber thresholds, and a gap is a snapshot without a figure.</p>\n");
    if report.snapshots.is_empty() {
        out.push_str("<p>No department declaration could be placed in a snapshot.</p></section>\n");
        return;
    }
    let labels: Vec<String> = report
        .government
        .iter()
        .map(|g| g.snapshot.clone())
        .collect();
    out.push_str("<div class=\"charts\">\n");
    let overall: Vec<Option<f64>> = report.government.iter().map(|g| g.score).collect();
    chart(
        out,
        "chart-gov",
        "Government overall",
        &labels,
        &overall,
        report,
    );
    for (k, m) in report.missions.iter().enumerate() {
        let values: Vec<Option<f64>> = report
            .government
            .iter()
            .map(|g| g.missions.get(k).and_then(|p| p.score))
            .collect();
        chart(
            out,
            &format!("chart-m{}", m.number),
            &format!("Mission {}: {}", m.number, m.title),
            &labels,
            &values,
            report,
        );
    }
    out.push_str("</div>\n<table>\n<caption>Government scores at each snapshot (the figures of the charts)</caption>\n<thead><tr><th scope=\"col\">Snapshot</th><th scope=\"col\">Overall</th>");
    for m in &report.missions {
        let _ = write!(
            out,
            "<th scope=\"col\" class=\"num\"><abbr title=\"Mission {}: {}\">M{}</abbr></th>",
            m.number,
            e(&m.title),
            m.number
        );
    }
    out.push_str("<th scope=\"col\">Departments</th><th scope=\"col\">Change</th><th scope=\"col\">Since first</th><th scope=\"col\">Like for like</th></tr></thead>\n<tbody>\n");
    let total = report.departments.len();
    for g in &report.government {
        let _ = write!(
            out,
            "<tr><th scope=\"row\">{}</th><td>{}</td>",
            e(&g.snapshot),
            rag(g.score, g.band)
        );
        for m in &g.missions {
            let _ = write!(out, "<td class=\"num\">{}</td>", e(&show(m.score)));
        }
        let like = match g.like_for_like_change {
            Some(c) => format!(
                "{} ({} department{})",
                change(Some(c)),
                g.like_for_like_departments,
                if g.like_for_like_departments == 1 {
                    ""
                } else {
                    "s"
                }
            ),
            None => "-".into(),
        };
        let _ = writeln!(
            out,
            "<td>{} of {total}</td><td>{}</td><td>{}</td><td>{like}</td></tr>",
            g.departments_scored.len(),
            change(g.change),
            change(g.change_since_first)
        );
    }
    out.push_str("</tbody></table>\n<ul class=\"changes\">");
    for g in &report.government {
        if !g.joined.is_empty() {
            let _ = write!(
                out,
                "<li>{}: joined: {}</li>",
                e(&g.snapshot),
                e(&g.joined.join(", "))
            );
        }
        if !g.missing.is_empty() {
            let _ = write!(
                out,
                "<li>{}: missing (no declaration, not counted as zero): {}</li>",
                e(&g.snapshot),
                e(&g.missing.join(", "))
            );
        }
        if !g.not_scored.is_empty() {
            let _ = write!(
                out,
                "<li>{}: not scored (errors): {}</li>",
                e(&g.snapshot),
                e(&g.not_scored.join(", "))
            );
        }
        if let Some(n) = g.great_services {
            let target = g
                .great_target
                .map_or_else(String::new, |t| format!(" (target {t})"));
            let _ = write!(
                out,
                "<li>{}: {n} top-75 services great{target}</li>",
                e(&g.snapshot)
            );
        }
    }
    out.push_str("</ul>\n</section>\n");
}

fn department(out: &mut String, report: &ProgressReport, d: &DepartmentSeries) {
    let id = anchor(&d.organisation);
    let name = d.name.as_deref().map_or_else(String::new, |n| {
        format!(" <span class=\"meta\">{}</span>", e(n))
    });
    let _ = writeln!(
        out,
        "<section id=\"{id}\" aria-labelledby=\"{id}-h\"><h2 id=\"{id}-h\">{}{name}</h2>",
        e(&d.organisation)
    );
    if report.snapshots.first().map(|s| s.label.as_str()) != Some(d.joined.as_str()) {
        let _ = writeln!(
            out,
            "<p>Joined at {}: earlier snapshots show it as not yet joined.</p>",
            e(&d.joined)
        );
    }
    let labels: Vec<String> = d.points.iter().map(|p| p.snapshot.clone()).collect();
    let values: Vec<Option<f64>> = d.points.iter().map(|p| p.score).collect();
    out.push_str("<div class=\"charts\">");
    chart(
        out,
        &format!("{id}-chart"),
        &format!("{} overall", d.organisation),
        &labels,
        &values,
        report,
    );
    out.push_str("</div>\n");
    let _ = write!(
        out,
        "<table>\n<caption>{} at each snapshot</caption>\n<thead><tr><th scope=\"col\">Snapshot</th><th scope=\"col\">Overall</th>",
        e(&d.organisation)
    );
    for m in &report.missions {
        let _ = write!(
            out,
            "<th scope=\"col\" class=\"num\"><abbr title=\"Mission {}\">M{}</abbr></th>",
            m.number, m.number
        );
    }
    out.push_str("<th scope=\"col\">Change</th><th scope=\"col\">Since first</th><th scope=\"col\" class=\"num\">Findings</th></tr></thead>\n<tbody>\n");
    for p in &d.points {
        let _ = write!(out, "<tr><th scope=\"row\">{}</th>", e(&p.snapshot));
        if p.status == Status::Scored {
            let _ = write!(out, "<td>{}</td>", rag(p.score, p.band));
            for m in &p.missions {
                let _ = write!(out, "<td class=\"num\">{}</td>", e(&show(m.score)));
            }
            let _ = writeln!(
                out,
                "<td>{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
                change(p.change),
                change(p.change_since_first),
                p.findings
            );
        } else {
            let cols = report.missions.len() + 4;
            let _ = writeln!(
                out,
                "<td colspan=\"{cols}\"><span class=\"status\">{}</span>{}</td></tr>",
                e(&show_point(p)),
                p.reason.as_deref().map_or_else(String::new, |r| format!(
                    ": {}",
                    crate::render::escape::html_code(r)
                ))
            );
        }
    }
    out.push_str("</tbody></table>\n");
    for s in &d.steps {
        step(out, s);
    }
    out.push_str("</section>\n");
}

fn step(out: &mut String, s: &Step) {
    let _ = writeln!(
        out,
        "<h3>{} to {}</h3>\n<ul class=\"changes\">",
        e(&s.from),
        e(&s.to)
    );
    let moves = |list: &[super::CommitmentMove]| -> String {
        list.iter()
            .map(|m| {
                format!(
                    "C{} {} to {} ({})",
                    m.number,
                    e(&show(m.before)),
                    e(&show(m.after)),
                    show_change(Some(m.change))
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    if s.improved.is_empty() && s.regressed.is_empty() {
        out.push_str("<li>No commitment's score moved.</li>");
    }
    if !s.improved.is_empty() {
        let _ = write!(
            out,
            "<li><strong>Improved:</strong> {}</li>",
            moves(&s.improved)
        );
    }
    if !s.regressed.is_empty() {
        let _ = write!(
            out,
            "<li><strong>Regressed:</strong> {}</li>",
            moves(&s.regressed)
        );
    }
    for (what, list) in [("Fixed", &s.fixed), ("Introduced", &s.introduced)] {
        if list.is_empty() {
            continue;
        }
        let _ = write!(out, "<li><strong>{what} ({}):</strong><ul>", list.len());
        for f in list {
            let _ = write!(
                out,
                "<li><code>{}</code> at <code>{}</code>: {}</li>",
                e(&f.rule),
                e(if f.path.is_empty() {
                    "(document)"
                } else {
                    &f.path
                }),
                e(&f.message)
            );
        }
        out.push_str("</ul></li>");
    }
    out.push_str("</ul>\n");
}

fn notes(out: &mut String, report: &ProgressReport) {
    if !report.targets.is_empty() {
        out.push_str("<section id=\"targets\" aria-labelledby=\"targets-h\"><h2 id=\"targets-h\">Department-level targets</h2>\n<ul class=\"changes\">");
        for u in &report.targets {
            let applied = if u.applied_to.is_empty() {
                "no snapshot".to_string()
            } else {
                u.applied_to.join(", ")
            };
            let _ = write!(out, "<li>{}; applied to {}", e(&u.provenance), e(&applied));
            if !u.not_applied_to.is_empty() && !u.applied_to.is_empty() {
                let _ = write!(
                    out,
                    "; not to {} (judged against the pack's value: compare with care)",
                    e(&u.not_applied_to.join(", "))
                );
            }
            out.push_str("</li>");
        }
        out.push_str("</ul></section>\n");
    }
    out.push_str("<section id=\"comparing\" aria-labelledby=\"comparing-h\"><h2 id=\"comparing-h\">Comparing snapshots</h2>\n<ul class=\"changes\">");
    for n in &report.comparability.notes {
        let _ = write!(out, "<li>{}</li>", crate::render::escape::html_code(n));
    }
    if !report.comparability.params.is_empty() {
        let _ = write!(
            out,
            "<li>Parameters set for every snapshot: {}</li>",
            e(&report.comparability.params.join(", "))
        );
    }
    for u in &report.unplaced {
        let at = match u.document {
            Some(d) => crate::run::place(&u.file, d),
            None => u.file.clone(),
        };
        let _ = write!(out, "<li>In no snapshot: {}: {}</li>", e(&at), e(&u.reason));
    }
    out.push_str("</ul></section>\n");
}
