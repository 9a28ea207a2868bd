//! The board's progress page: one self-contained HTML page (inline CSS and SVG, no script, no
//! network requests). For the government and each mission a trend chart (inline SVG) shows
//! the score at every snapshot, and a table beside it holds the same figures for screen readers
//! and for print; each department has its table, its chart, and what changed between its
//! snapshots. A missing snapshot breaks a line (it is never drawn as zero). Laid out to print
//! on A4 without losing a column. Written with maud: every value from a declaration goes
//! through [`HtmlText`] or [`HtmlCode`], which also replace control characters and reordering
//! marks.

use std::fmt::Write;

use maud::{Markup, html};

use super::{
    CommitmentMove, DepartmentPoint, DepartmentSeries, GovernmentPoint, ProgressReport, Status,
    Step, show_change, show_point,
};
use crate::render::escape::{HtmlCode, HtmlText};
use crate::score::{Band, ScoredFinding, show};

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
th, td { border: 1px solid var(--line); padding: 0.25rem 0.35rem; text-align: left; vertical-align: top; overflow-wrap: break-word; }
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
svg.trend .gap { font-size: 10px; font-style: italic; }
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
  /* On paper the columns take the width their words need: a heading or a date is never
     broken in the middle ("Departme/nts", "2023-09-/30"). */
  table { font-size: 7.5pt; table-layout: auto; }
  th, td { overflow-wrap: normal; }
  th[scope=row] { white-space: nowrap; }
  thead { display: table-header-group; }
  tr, figure { break-inside: avoid; }
  h2 { break-after: avoid; }
  .charts { grid-template-columns: repeat(3, 1fr); }
  .rag-green, .rag-amber, .rag-red { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
"#;

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

fn rag(score: Option<f64>, band: Option<Band>) -> Markup {
    match (score, band) {
        (Some(_), Some(b)) => {
            let label = b.label();
            let mut title = label.to_string();
            if let Some(first) = title.get_mut(0..1) {
                first.make_ascii_uppercase();
            }
            html! { span class={ "rag rag-" (label) } { (HtmlText(&show(score))) " " (title) } }
        }
        _ => html! { "N/A" },
    }
}

fn change(c: Option<f64>) -> Markup {
    let text = show_change(c);
    html! {
        @match c {
            Some(x) if x > 0.05 => { span class="up" { "\u{25B2} " (text) } }
            Some(x) if x < -0.05 => { span class="down" { "\u{25BC} " (text) } }
            _ => { (text) }
        }
    }
}

pub fn render(report: &ProgressReport) -> String {
    let body = html! {
        a class="skip" href="#main" { "Skip to the report" } "\n"
        (header(report))
        "\n"
        main id="main" {
            "\n"
            (government(report))
            @for d in &report.departments {
                (department(report, d))
            }
            (targets(report))
            (comparing(report))
        }
        "\n"
        footer {
            p {
                "Made by " (HtmlText(&report.tool))
                " from the declarations named in each department's table. The same figures are in "
                code { "roadmap-lint progress --format json" } "."
            }
        }
        "\n"
    };
    crate::render::page::document(html! { "Progress against the roadmap" }, STYLE, body)
}

/// The title, what the page covers, and links to each section.
fn header(report: &ProgressReport) -> Markup {
    let span = match (report.snapshots.first(), report.snapshots.last()) {
        (Some(a), Some(b)) if a.label != b.label => {
            html! { "from " (HtmlText(&a.label)) " to " (HtmlText(&b.label)) }
        }
        (Some(a), _) => html! { "at " (HtmlText(&a.label)) },
        _ => html! { "no snapshot" },
    };
    html! {
        header {
            "\n"
            h1 { "Progress against the roadmap" } "\n"
            p class="meta" {
                (report.departments.len()) " departments, " (report.snapshots.len()) " snapshots " (span)
                ". Each snapshot is judged on its own date; score = checks passed / checks applicable; changes are in percentage points."
            }
            "\n"
            nav aria-label="Contents" {
                ul {
                    li { a href="#government" { "Government" } }
                    @for d in &report.departments {
                        li { a href={ "#" (HtmlText(&anchor(&d.organisation))) } { (HtmlText(&d.organisation)) } }
                    }
                    li { a href="#comparing" { "Comparing snapshots" } }
                }
            }
            "\n"
        }
    }
}

/// Where a trend chart puts things: 0-100% upwards, the snapshots evenly across.
struct Axes {
    snapshots: usize,
}

impl Axes {
    const W: f64 = 360.0;
    const H: f64 = 200.0;
    const LEFT: f64 = 42.0;
    const RIGHT: f64 = 14.0;
    const TOP: f64 = 18.0;
    const BOTTOM: f64 = 40.0;
    /// Room between the axis and the first and last snapshots, so that the figure over a dot
    /// never runs into the axis labels (`100%`) or the edge.
    const INSET: f64 = 34.0;
    /// The width a snapshot's label takes (ten characters at 12 px), with a gap.
    const LABEL: f64 = 74.0;

    /// The horizontal position of snapshot `i`.
    fn x(&self, i: usize) -> f64 {
        let n = self.snapshots;
        let start = Self::LEFT + Self::INSET;
        let width = Self::W - Self::LEFT - Self::RIGHT - 2.0 * Self::INSET;
        if n == 1 {
            start + width / 2.0
        } else {
            start + width * i as f64 / (n - 1) as f64
        }
    }

    /// The vertical position of a score.
    fn y(&self, v: f64) -> f64 {
        Self::TOP + (Self::H - Self::TOP - Self::BOTTOM) * (1.0 - v.clamp(0.0, 100.0) / 100.0)
    }
}

/// A number of a chart's geometry, to one decimal place.
fn at(v: f64) -> String {
    format!("{v:.1}")
}

/// A trend chart: one value per snapshot (`None`: no figure, which breaks the line), 0-100%,
/// with the RAG band thresholds dashed.
fn chart(
    id: &str,
    caption: &str,
    labels: &[String],
    values: &[Option<f64>],
    gaps: &[&str],
    report: &ProgressReport,
) -> Markup {
    let axes = Axes {
        snapshots: labels.len().max(1),
    };
    let described: Vec<String> = labels
        .iter()
        .zip(values)
        .enumerate()
        .map(|(i, (l, v))| match v {
            Some(_) => format!("{}: {}", l, show(*v)),
            None => format!("{l}: {}", gap_word(gaps, i)),
        })
        .collect();
    html! {
        figure {
            figcaption id={ (HtmlText(id)) "-cap" } { (HtmlText(caption)) }
            svg class="trend" viewBox={ "0 0 " (Axes::W) " " (Axes::H) } role="img"
                aria-labelledby={ (HtmlText(id)) "-title " (HtmlText(id)) "-desc" } {
                title id={ (HtmlText(id)) "-title" } { (HtmlText(caption)) ": score at each snapshot" }
                desc id={ (HtmlText(id)) "-desc" } { (HtmlText(&described.join("; "))) }
                (chart_grid(&axes, report))
                (chart_line(&axes, values))
                (chart_points(&axes, values, gaps))
                (chart_labels(&axes, labels))
            }
        }
        "\n"
    }
}

/// The 0%, 50% and 100% lines with their labels, and the RAG thresholds dashed.
fn chart_grid(axes: &Axes, report: &ProgressReport) -> Markup {
    let right = Axes::W - Axes::RIGHT;
    html! {
        @for g in [0.0, 50.0, 100.0] {
            line class="grid" x1=(Axes::LEFT) x2=(right) y1=(at(axes.y(g))) y2=(at(axes.y(g))) {}
            text class="axis" x=(Axes::LEFT - 4.0) y=(at(axes.y(g) + 4.0)) text-anchor="end" { (g) "%" }
        }
        @for b in [report.bands.green, report.bands.amber] {
            line class="band" x1=(Axes::LEFT) x2=(right) y1=(at(axes.y(b))) y2=(at(axes.y(b))) {}
        }
    }
}

/// Segments between consecutive snapshots that both have a figure.
fn chart_line(axes: &Axes, values: &[Option<f64>]) -> Markup {
    let mut path = String::new();
    let mut pen_down = false;
    for (i, v) in values.iter().enumerate() {
        match v {
            Some(v) => {
                let _ = write!(
                    path,
                    "{}{:.1},{:.1} ",
                    if pen_down { "L" } else { "M" },
                    axes.x(i),
                    axes.y(*v)
                );
                pen_down = true;
            }
            None => pen_down = false,
        }
    }
    html! {
        @if !path.is_empty() {
            path class="line" d=(path.trim_end()) {}
        }
    }
}

/// What stands at snapshot `i` of a chart that has no figure there.
fn gap_word<'a>(gaps: &[&'a str], i: usize) -> &'a str {
    gaps.get(i).copied().unwrap_or("no figure")
}

/// A dot and its figure at each snapshot that has one; where it has none, why (`not yet
/// joined`, `missing`, `no figure`), small, just above the 0% line: never on a score's line,
/// where it would read as one.
fn chart_points(axes: &Axes, values: &[Option<f64>], gaps: &[&str]) -> Markup {
    html! {
        @for (i, v) in values.iter().enumerate() {
            @if let Some(v) = v {
                circle class="dot" cx=(at(axes.x(i))) cy=(at(axes.y(*v))) r="4" {}
                text x=(at(axes.x(i))) y=(at(axes.y(*v) - 8.0)) text-anchor="middle" { (HtmlText(&show(Some(*v)))) }
            } @else {
                text class="axis gap" x=(at(axes.x(i))) y=(at(axes.y(0.0) - 5.0)) text-anchor="middle" { (gap_word(gaps, i)) }
            }
        }
    }
}

/// Snapshot labels, centred under their snapshots: every one when they fit side by side, else
/// every second (third, ...) counted back from the last, which is always shown.
fn chart_labels(axes: &Axes, labels: &[String]) -> Markup {
    let n = axes.snapshots;
    let spacing = if n > 1 {
        axes.x(1) - axes.x(0)
    } else {
        Axes::W
    };
    // A whole number of snapshots, at least 1, at most n: the cast cannot lose anything.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let step = ((Axes::LABEL / spacing).ceil() as usize).clamp(1, n.max(1));
    html! {
        @for (i, l) in labels.iter().enumerate() {
            @if (n - 1 - i).is_multiple_of(step) {
                text class="axis" x=(at(axes.x(i))) y=(at(Axes::H - Axes::BOTTOM + 16.0)) text-anchor="middle" { (HtmlText(l)) }
            }
        }
    }
}

fn government(report: &ProgressReport) -> Markup {
    html! {
        section id="government" aria-labelledby="government-h" {
            h2 id="government-h" { "Government" } "\n"
            p {
                "The mean over the departments scored at each snapshot. " em { "Like for like" }
                " is the change over only the departments scored at both this snapshot and the one before, so a department joining or missing does not move it. In the charts, the dashed lines are the green and amber thresholds, and a gap is a snapshot without a figure."
            }
            "\n"
            @if report.snapshots.is_empty() {
                p { "No department declaration could be placed in a snapshot." }
            } @else {
                (government_charts(report))
                (government_table(report))
                "\n"
                ul class="changes" {
                    @for g in &report.government {
                        (government_changes(g))
                    }
                }
                "\n"
            }
        }
        "\n"
    }
}

/// The government's overall trend and each mission's.
fn government_charts(report: &ProgressReport) -> Markup {
    let labels: Vec<String> = report
        .government
        .iter()
        .map(|g| g.snapshot.clone())
        .collect();
    let overall: Vec<Option<f64>> = report.government.iter().map(|g| g.score).collect();
    let mission = |k: usize| -> Vec<Option<f64>> {
        report
            .government
            .iter()
            .map(|g| g.missions.get(k).and_then(|p| p.score))
            .collect()
    };
    html! {
        div class="charts" {
            "\n"
            (chart("chart-gov", "Government overall", &labels, &overall, &[], report))
            @for (k, m) in report.missions.iter().enumerate() {
                (chart(
                    &format!("chart-m{}", m.number),
                    &format!("Mission {}: {}", m.number, m.title),
                    &labels,
                    &mission(k),
                    &[],
                    report,
                ))
            }
        }
        "\n"
    }
}

/// The figures of the government's charts, one row a snapshot.
fn government_table(report: &ProgressReport) -> Markup {
    let total = report.departments.len();
    html! {
        table {
            "\n"
            caption { "Government scores at each snapshot (the figures of the charts)" } "\n"
            thead {
                tr {
                    th scope="col" { "Snapshot" }
                    th scope="col" { "Overall" }
                    @for m in &report.missions {
                        th scope="col" class="num" {
                            abbr title={ "Mission " (m.number) ": " (HtmlText(&m.title)) } { "M" (m.number) }
                        }
                    }
                    th scope="col" { "Departments" }
                    th scope="col" { "Change" }
                    th scope="col" { "Since first" }
                    th scope="col" { "Like for like" }
                }
            }
            "\n"
            tbody {
                "\n"
                @for g in &report.government {
                    tr {
                        th scope="row" { (HtmlText(&g.snapshot)) }
                        td { (rag(g.score, g.band)) }
                        @for m in &g.missions {
                            td class="num" { (HtmlText(&show(m.score))) }
                        }
                        td { (g.departments_scored.len()) " of " (total) }
                        td { (change(g.change)) }
                        td { (change(g.change_since_first)) }
                        td { (like_for_like(g)) }
                    }
                    "\n"
                }
            }
        }
    }
}

/// The like-for-like change and how many departments it covers, or `-`.
fn like_for_like(g: &GovernmentPoint) -> Markup {
    let n = g.like_for_like_departments;
    html! {
        @match g.like_for_like_change {
            Some(c) => { (change(Some(c))) " (" (n) " department" @if n != 1 { "s" } ")" }
            None => "-",
        }
    }
}

/// Who joined, went missing or could not be scored at a snapshot, and its great services.
fn government_changes(g: &GovernmentPoint) -> Markup {
    let snapshot = HtmlText(&g.snapshot);
    html! {
        @if !g.joined.is_empty() {
            li { (snapshot) ": joined: " (HtmlText(&g.joined.join(", "))) }
        }
        @if !g.missing.is_empty() {
            li { (snapshot) ": missing (no declaration, not counted as zero): " (HtmlText(&g.missing.join(", "))) }
        }
        @if !g.not_scored.is_empty() {
            li { (snapshot) ": not scored (errors): " (HtmlText(&g.not_scored.join(", "))) }
        }
        @if let Some(n) = g.great_services {
            li {
                (snapshot) ": " (n) " top-75 services great"
                @if let Some(t) = g.great_target { " (target " (t) ")" }
            }
        }
    }
}

fn department(report: &ProgressReport, d: &DepartmentSeries) -> Markup {
    let id = anchor(&d.organisation);
    let labels: Vec<String> = d.points.iter().map(|p| p.snapshot.clone()).collect();
    let values: Vec<Option<f64>> = d.points.iter().map(|p| p.score).collect();
    let gaps: Vec<&str> = d.points.iter().map(|p| p.status.text()).collect();
    let joined_late = report.snapshots.first().map(|s| s.label.as_str()) != Some(d.joined.as_str());
    html! {
        section id=(HtmlText(&id)) aria-labelledby={ (HtmlText(&id)) "-h" } {
            h2 id={ (HtmlText(&id)) "-h" } {
                (HtmlText(&d.organisation))
                @if let Some(n) = d.name.as_deref() { " " span class="meta" { (HtmlText(n)) } }
            }
            "\n"
            @if joined_late {
                p { "Joined at " (HtmlText(&d.joined)) ": earlier snapshots show it as not yet joined." } "\n"
            }
            div class="charts" {
                (chart(&format!("{id}-chart"), &format!("{} overall", d.organisation), &labels, &values, &gaps, report))
            }
            "\n"
            (department_table(report, d))
            @for s in &d.steps {
                (step(s))
            }
        }
        "\n"
    }
}

/// A department's figures, one row a snapshot.
fn department_table(report: &ProgressReport, d: &DepartmentSeries) -> Markup {
    html! {
        table {
            "\n"
            caption { (HtmlText(&d.organisation)) " at each snapshot" } "\n"
            thead {
                tr {
                    th scope="col" { "Snapshot" }
                    th scope="col" { "Overall" }
                    @for m in &report.missions {
                        th scope="col" class="num" { abbr title={ "Mission " (m.number) } { "M" (m.number) } }
                    }
                    th scope="col" { "Change" }
                    th scope="col" { "Since first" }
                    th scope="col" class="num" { "Findings" }
                }
            }
            "\n"
            tbody {
                "\n"
                @for p in &d.points {
                    (department_row(report, p)) "\n"
                }
            }
        }
        "\n"
    }
}

/// A department's row at one snapshot: its figures, or why it has none.
fn department_row(report: &ProgressReport, p: &DepartmentPoint) -> Markup {
    html! {
        tr {
            th scope="row" { (HtmlText(&p.snapshot)) }
            @if p.status == Status::Scored {
                td { (rag(p.score, p.band)) }
                @for m in &p.missions {
                    td class="num" { (HtmlText(&show(m.score))) }
                }
                td { (change(p.change)) }
                td { (change(p.change_since_first)) }
                td class="num" { (p.findings) }
            } @else {
                td colspan=(report.missions.len() + 4) {
                    span class="status" { (HtmlText(&show_point(p))) }
                    @if let Some(r) = p.reason.as_deref() { ": " (HtmlCode(r)) }
                }
            }
        }
    }
}

/// Commitments whose score moved between two snapshots: `C9 50% to 75% (+25.0)` (numbers
/// only).
fn moves(list: &[CommitmentMove]) -> Markup {
    html! { (super::moves_text(list, "to")) }
}

/// What changed between two of a department's snapshots.
fn step(s: &Step) -> Markup {
    html! {
        h3 { (HtmlText(&s.from)) " to " (HtmlText(&s.to)) } "\n"
        ul class="changes" {
            @if s.improved.is_empty() && s.regressed.is_empty() {
                li { "No commitment's score moved." }
            }
            @if !s.improved.is_empty() {
                li { strong { "Improved:" } " " (moves(&s.improved)) }
            }
            @if !s.regressed.is_empty() {
                li { strong { "Regressed:" } " " (moves(&s.regressed)) }
            }
            (step_findings("Fixed", &s.fixed))
            (step_findings("Introduced", &s.introduced))
        }
        "\n"
    }
}

/// The findings fixed or introduced between two snapshots.
fn step_findings(what: &str, list: &[ScoredFinding]) -> Markup {
    if list.is_empty() {
        return html! {};
    }
    html! {
        li {
            strong { (what) " (" (list.len()) "):" }
            ul {
                @for f in list {
                    li {
                        code { (HtmlText(&f.rule)) } " at "
                        code { (HtmlText(if f.path.is_empty() { "(document)" } else { &f.path })) }
                        ": " (HtmlCode(&f.message))
                    }
                }
            }
        }
    }
}

/// Department-level targets: where each came from and the snapshots it applied to.
fn targets(report: &ProgressReport) -> Markup {
    if report.targets.is_empty() {
        return html! {};
    }
    html! {
        section id="targets" aria-labelledby="targets-h" {
            h2 id="targets-h" { "Department-level targets" } "\n"
            ul class="changes" {
                @for u in &report.targets {
                    li {
                        (HtmlCode(&u.provenance)) "; applied to "
                        @if u.applied_to.is_empty() {
                            "no snapshot"
                        } @else {
                            (HtmlText(&u.applied_to.join(", ")))
                            @if !u.not_applied_to.is_empty() {
                                "; not to " (HtmlText(&u.not_applied_to.join(", ")))
                                " (judged against the pack's value: compare with care)"
                            }
                        }
                    }
                }
            }
        }
        "\n"
    }
}

/// What a reader should know before comparing snapshots, and the declarations in none.
fn comparing(report: &ProgressReport) -> Markup {
    html! {
        section id="comparing" aria-labelledby="comparing-h" {
            h2 id="comparing-h" { "Comparing snapshots" } "\n"
            ul class="changes" {
                @for n in &report.comparability.notes {
                    li { (HtmlCode(n)) }
                }
                @if !report.comparability.params.is_empty() {
                    li { "Parameters set for every snapshot: " (HtmlText(&report.comparability.params.join(", "))) }
                }
                @for u in &report.unplaced {
                    @let at = match u.document {
                        Some(d) => crate::run::place(&u.file, d),
                        None => u.file.clone(),
                    };
                    li { "In no snapshot: " (HtmlText(&at)) ": " (HtmlCode(&u.reason)) }
                }
            }
        }
        "\n"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// For any number of snapshots, the labels shown never overlap, stay inside the chart, and
    /// include the last snapshot; and no point's figure sits over the axis labels.
    #[test]
    fn chart_labels_never_overlap() {
        for n in 1..=40 {
            let labels: Vec<String> = (0..n)
                .map(|i| format!("2024-{:02}-30", i % 12 + 1))
                .collect();
            let axes = Axes { snapshots: n };
            let svg = chart_labels(&axes, &labels).into_string();
            let xs: Vec<f64> = svg
                .split("x=\"")
                .skip(1)
                .map(|s| s[..s.find('"').unwrap()].parse().unwrap())
                .collect();
            assert!(!xs.is_empty(), "{n} snapshots: no label");
            assert!(
                (xs[xs.len() - 1] - axes.x(n - 1)).abs() < 0.1,
                "{n} snapshots: the last is not labelled"
            );
            for pair in xs.windows(2) {
                assert!(
                    pair[1] - pair[0] >= Axes::LABEL - 0.1,
                    "{n} snapshots: {pair:?}"
                );
            }
            for x in &xs {
                assert!(
                    *x - Axes::LABEL / 2.0 >= Axes::LEFT - 8.0,
                    "{n}: {x} runs off the left"
                );
                assert!(
                    *x + Axes::LABEL / 2.0 <= Axes::W,
                    "{n}: {x} runs off the right"
                );
            }
            assert!(
                axes.x(0) - 16.0 > Axes::LEFT,
                "the first figure clears the axis labels"
            );
        }
    }
}
