//! The board report: one self-contained HTML page (inline CSS, inline SVG, a few lines of
//! inline script for the filters, no network requests), written with maud, which escapes every
//! spliced value. Everything taken from a declaration goes through
//! [`HtmlText`](crate::render::escape::HtmlText) (or `HtmlCode`), which also replaces control
//! characters and reordering marks. Colour never carries meaning alone: every RAG cell also says
//! green, amber or red.

use maud::{Markup, PreEscaped, html};

use super::{Band, Department, ScoreReport, ScoredFinding, Value, show};
use crate::finding::Severity;
use crate::render::escape::{HtmlCode, HtmlText};
use crate::run::Run;

fn band_of(v: &Value) -> (&'static str, &'static str) {
    match v.band {
        Some(Band::Green) => ("green", "Green"),
        Some(Band::Amber) => ("amber", "Amber"),
        Some(Band::Red) => ("red", "Red"),
        None if v.disabled => ("na", "Disabled by config"),
        None => ("na", "N/A"),
    }
}

/// A score with its RAG label, e.g. `82% Green`, and the without-waivers figure when it differs.
fn score_cell(v: &Value) -> Markup {
    let (class, label) = band_of(v);
    // Only where the waivers change the figure as shown: 86% and 86% is no difference.
    let without = match (v.score, v.without_waivers) {
        (Some(_), Some(b)) if v.waivers_matter() => Some(b),
        _ => None,
    };
    html! {
        span class={ "rag rag-" (class) } {
            @if v.score.is_some() {
                span class="num" { (HtmlText(&show(v.score))) } " "
            }
            span class="lbl" { (label) }
        }
        @if let Some(b) = without {
            " " span class="nowaive" { "(" (HtmlText(&show(Some(b)))) " without waivers)" }
        }
    }
}

fn delta_text(change: Option<f64>) -> Markup {
    html! {
        @match change {
            Some(c) if c > 0.05 => {
                span class="delta up" title="up since the baseline" { "\u{25B2} +" (format!("{c:.1}")) }
            }
            Some(c) if c < -0.05 => {
                span class="delta down" title="down since the baseline" { "\u{25BC} " (format!("{c:.1}")) }
            }
            Some(_) => {
                span class="delta same" title="unchanged since the baseline" { "\u{25AC} 0.0" }
            }
            None => {}
        }
    }
}

const STYLE: &str = r#"
:root { --ink:#0b0c0c; --muted:#505a5f; --line:#b1b4b6; --green:#00703c; --amber:#ffdd00; --red:#d4351c; --na:#f3f2f1; --focus:#ffdd00; --link:#1d70b8; }
* { box-sizing: border-box; }
body { font-family: Arial, Helvetica, sans-serif; color: var(--ink); margin: 0; line-height: 1.4; background: #fff; }
a { color: var(--link); }
a:focus, select:focus, button:focus { outline: 3px solid var(--focus); outline-offset: 0; background: var(--focus); color: var(--ink); }
.skip { position: absolute; left: -9999px; }
.skip:focus { left: 1em; top: 1em; }
header, main, footer { max-width: 1200px; margin: 0 auto; padding: 0 1.5rem; }
header { border-bottom: 8px solid var(--link); padding-top: 1rem; }
h1 { font-size: 2rem; margin: 0.5rem 0; }
h2 { font-size: 1.5rem; margin-top: 2.5rem; }
h3 { font-size: 1.2rem; }
.meta { color: var(--muted); }
nav ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 1rem; }
.headline { display: flex; flex-wrap: wrap; gap: 2rem; align-items: center; }
.big { font-size: 3rem; font-weight: bold; margin: 0.5rem 0; }
.rag { display: inline-block; padding: 0 0.3em; border-radius: 2px; white-space: nowrap; }
.rag-green { background: var(--green); color: #fff; }
.rag-amber { background: var(--amber); color: var(--ink); }
.rag-red { background: var(--red); color: #fff; }
.rag-na { background: repeating-linear-gradient(45deg, var(--na), var(--na) 4px, #dcdcdc 4px, #dcdcdc 8px); color: var(--ink); }
.nowaive { color: var(--muted); font-size: 0.9em; }
.delta { font-size: 0.9em; margin-left: 0.3em; }
.delta.up { color: var(--green); } .delta.down { color: var(--red); } .delta.same { color: var(--muted); }
table { border-collapse: collapse; margin: 1rem 0; width: 100%; }
th, td { border: 1px solid var(--line); padding: 0.3rem 0.45rem; text-align: left; vertical-align: top; }
thead th { background: #f3f2f1; }
table.heatmap, table.departments { width: 100%; table-layout: fixed; }
table.heatmap thead th:first-child, table.departments thead th:first-child { width: 10rem; }
th, td { overflow-wrap: break-word; }
.heatmap th, .heatmap td { padding: 0.2rem 0.1rem; }
.heatmap thead th { text-align: center; font-size: 0.85rem; }
.heatmap td { text-align: center; font-size: 0.8rem; }
.heatmap td .lbl { display: block; font-size: 0.68rem; }
.heatmap td.unscored { text-align: left; padding-left: 0.5rem; background: #f3f2f1; }
li, code, p, h4 { overflow-wrap: anywhere; }
.headline > *, details { min-width: 0; max-width: 100%; }
.heatmap td.cell-green { background: var(--green); color: #fff; }
.heatmap td.cell-amber { background: var(--amber); color: var(--ink); }
.heatmap td.cell-red { background: var(--red); color: #fff; }
.heatmap td.cell-na { background: repeating-linear-gradient(45deg, var(--na), var(--na) 4px, #dcdcdc 4px, #dcdcdc 8px); color: var(--ink); }
@media (max-width: 700px) {
  header, main, footer { padding: 0 0.6rem; }
  table { table-layout: fixed; }
  th, td { overflow-wrap: anywhere; }
  h1 { font-size: 1.5rem; }
  .big { font-size: 2.2rem; }
  /* Wide tables become one block per department: its cells in a grid, each labelled. */
  table.heatmap, table.departments, .heatmap tbody, .departments tbody, .heatmap tr, .departments tr { display: block; }
  .heatmap caption, .departments caption { display: block; width: 100%; text-align: left; }
  .heatmap thead, .departments thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
  .heatmap tr, .departments tr { display: grid; grid-template-columns: repeat(auto-fill, minmax(4.2rem, 1fr)); margin-bottom: 0.8rem; }
  .departments tr { grid-template-columns: repeat(auto-fill, minmax(7rem, 1fr)); }
  .heatmap th[scope=row], .departments th[scope=row], .heatmap td.unscored, .departments td[colspan] { grid-column: 1 / -1; }
  .heatmap td::before, .departments td::before { content: attr(data-label); display: block; font-weight: bold; font-size: 0.75rem; }
}
.bars svg { max-width: 100%; height: auto; }
.portfolio-bar { max-width: 640px; }
.filters { display: flex; flex-wrap: wrap; gap: 1.5rem; align-items: end; margin: 1rem 0; padding: 1rem; background: #f3f2f1; }
.filters label { display: block; font-weight: bold; }
.filters select { font-size: 1rem; padding: 0.2rem; max-width: 100%; }
.filters > * { min-width: 0; max-width: 100%; }
.finding { border-left: 5px solid var(--line); padding: 0.2rem 0 0.2rem 1rem; margin: 1rem 0; }
.finding.sev-error { border-color: var(--red); } .finding.sev-warning { border-color: #f47738; } .finding.waived { border-color: var(--muted); }
.finding h4 { margin: 0.2rem 0; font-size: 1rem; }
.sev { font-weight: bold; text-transform: uppercase; font-size: 0.8rem; }
pre.snippet { background: #f8f8f8; border: 1px solid var(--line); padding: 0.5rem; overflow-x: auto; font-size: 0.85rem; margin: 0.4rem 0; }
pre.snippet .ln { color: var(--muted); display: inline-block; min-width: 3.5em; user-select: none; }
pre.snippet mark { background: #fff2a8; color: var(--ink); }
.hidden { display: none; }
footer { color: var(--muted); border-top: 1px solid var(--line); margin-top: 3rem; padding-top: 1rem; padding-bottom: 2rem; }
@media print {
  @page { size: A4; margin: 15mm; }
  body { font-size: 10pt; }
  nav, .filters, .skip { display: none; }
  header, main, footer { max-width: none; padding: 0; }
  h2 { break-before: page; } #summary h2 { break-before: avoid; }
  .finding, tr, .bars figure { break-inside: avoid; }
  .hidden { display: block; }
  /* On paper nothing scrolls: a long line of a snippet wraps. */
  pre.snippet { white-space: pre-wrap; overflow-wrap: anywhere; overflow-x: visible; }
  a { color: var(--ink); text-decoration: none; }
  .heatmap td, .rag { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  thead { display: table-header-group; }
  table.heatmap thead th:first-child, table.departments thead th:first-child { width: 6rem; }
  .heatmap thead th { font-size: 7pt; }
  .heatmap td { font-size: 6.5pt; padding: 1px; }
  .heatmap td .lbl { font-size: 5.5pt; }
  table.departments { font-size: 8pt; }
}
"#;

const SCRIPT: &str = r#"
(function () {
  var mission = document.getElementById('filter-mission');
  var severity = document.getElementById('filter-severity');
  var count = document.getElementById('filter-count');
  function apply() {
    var shown = 0;
    document.querySelectorAll('.finding').forEach(function (el) {
      var ok = (mission.value === 'all' || el.dataset.mission === mission.value) &&
               (severity.value === 'all' || el.dataset.severity === severity.value);
      el.classList.toggle('hidden', !ok);
      if (ok) { shown += 1; }
    });
    document.querySelectorAll('.mission-group').forEach(function (g) {
      g.classList.toggle('hidden', g.querySelectorAll('.finding:not(.hidden)').length === 0);
    });
    count.textContent = shown + ' of ' + document.querySelectorAll('.finding').length + ' findings shown';
  }
  mission.addEventListener('change', apply);
  severity.addEventListener('change', apply);
  apply();
})();
"#;

/// Links to rule documentation, by rule id.
pub type DocLink<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The whole page.
pub fn render(report: &ScoreReport, run: &Run, doc_link: DocLink<'_>) -> String {
    let as_of = report
        .as_of
        .as_deref()
        .unwrap_or("each declaration's own date");
    let body = html! {
        a class="skip" href="#main" { "Skip to the report" } "\n"
        header {
            "\n"
            h1 { "Compliance with the 2022-25 Roadmap for Digital and Data" } "\n"
            p class="meta" {
                "Evaluated as of " (HtmlText(as_of)) ". Produced by " (HtmlText(&report.tool))
                ". Scores are checks passed over checks that applied; see the scoring model in docs/scoring.md."
            }
            "\n"
            p class="meta" { "Using " (HtmlText(&report.provenance.describe())) "." }
            "\n"
            (navigation())
            "\n"
        }
        "\n"
        main id="main" {
            "\n"
            (summary(report))
            (heatmap(report))
            (missions(report))
            (findings(report, run, doc_link))
            (top75_missing(report))
        }
        "\n"
        (footer(report))
        "\n"
        // SCRIPT is this module's own constant script for the filters: trusted.
        script { (PreEscaped(SCRIPT)) } "\n"
    };
    crate::render::page::document(
        html! { "Roadmap for Digital and Data: compliance report" },
        STYLE,
        body,
    )
}

fn navigation() -> Markup {
    html! {
        nav aria-label="Report sections" {
            ul {
                li { a href="#summary" { "Summary" } }
                li { a href="#heatmap" { "Departments by commitment" } }
                li { a href="#missions" { "Missions by department" } }
                li { a href="#findings" { "Findings" } }
                li { a href="#top75-missing" { "Top-75 services not yet great" } }
            }
        }
    }
}

fn footer(report: &ScoreReport) -> Markup {
    html! {
        footer {
            p {
                (report.government.departments_scored) " departments scored; "
                (report.not_scored.len()) " not scored. Colours follow the RAG bands: green at "
                (report.bands.green) "% or more, amber at " (report.bands.amber)
                "% or more, red below; N/A means nothing applied."
            }
        }
    }
}

/// The government's score, commitment 1's great services, the departments by mission, and
/// the declarations that could not be scored.
fn summary(report: &ScoreReport) -> Markup {
    let gov = &report.government;
    let gov_delta = report
        .comparison
        .as_ref()
        .map(|c| delta_text(c.government.change));
    html! {
        section id="summary" aria-labelledby="summary-h" {
            "\n"
            h2 id="summary-h" { "Government score" } "\n"
            div class="headline" {
                p class="big" { (score_cell(&gov.score)) @if let Some(d) = gov_delta { (d) } }
                p { "across " (gov.departments_scored) " departments scored" }
            }
            "\n"
            h3 { "Commitment 1: top 75 services at a 'great' standard" } "\n"
            (great_services(report))
            h3 { "Departments by mission" } "\n"
            (departments_table(report))
            "\n"
            @if !report.not_scored.is_empty() {
                h3 { "Not scored (errors)" }
                ul {
                    "\n"
                    @for n in &report.not_scored {
                        li {
                            (HtmlText(n.organisation.as_deref().unwrap_or("unknown organisation")))
                            " (" (HtmlText(&n.file)) "): " (HtmlCode(&n.reason))
                        }
                        "\n"
                    }
                }
                "\n"
            }
        }
        "\n"
    }
}

/// Commitment 1: how many top-75 services are great, against the target, as a bar.
fn great_services(report: &ScoreReport) -> Markup {
    let p = &report.government.portfolio;
    if !p.available {
        return html! {
            p { "The commitment 1 portfolio rule was not part of this run, so the count of great services is not known." }
            "\n"
        };
    }
    let target = p.target.unwrap_or(50);
    let listed = p.listed.max(1) as f64;
    let w = 600.0;
    let great_w = format!("{:.1}", w * (p.great as f64 / listed).min(1.0));
    let target_x = format!("{:.1}", w * (target as f64 / listed).min(1.0));
    html! {
        p { strong { (p.great) " of " (p.listed) " top-75 services are great; " (target) " are required." } }
        "\n"
        svg class="portfolio-bar" viewBox="0 0 640 60" role="img"
            aria-label={ (p.great) " great services of " (p.listed) ", target " (target) } {
            title { (p.great) " great of " (p.listed) "; target " (target) }
            rect x="0" y="10" width=(w) height="24" fill="#f3f2f1" stroke="#505a5f" {}
            rect x="0" y="10" width=(great_w) height="24" fill="#00703c" {}
            line x1=(target_x) x2=(target_x) y1="4" y2="40" stroke="#0b0c0c" stroke-width="3" {}
            text x=(target_x) y="56" text-anchor="middle" font-size="13" fill="#0b0c0c" { "target " (target) }
        }
        "\n"
        @if !p.missing.is_empty() {
            p {
                a href="#top75-missing" { (p.missing.len()) " top-75 services not yet great" }
                " are listed at the end of the report."
            }
            "\n"
        }
    }
}

/// Each department's score by mission and overall, then the government's.
fn departments_table(report: &ScoreReport) -> Markup {
    let gov = &report.government;
    html! {
        div class="wide" {
            table class="departments" {
                caption { "Each department's score by mission and overall" }
                thead {
                    tr {
                        th scope="col" { "Department" }
                        @for m in &report.missions {
                            th scope="col" { abbr title=(HtmlText(&m.title)) { "Mission " (m.number) } }
                        }
                        th scope="col" { "Overall" }
                    }
                }
                tbody {
                    "\n"
                    @for d in &report.departments {
                        (department_row(report, d)) "\n"
                    }
                    tr {
                        th scope="row" { "Government" }
                        (mission_cells(report, &gov.missions))
                        td data-label="Overall" { (score_cell(&gov.score)) }
                    }
                    "\n"
                }
            }
        }
    }
}

/// A department's row of the departments table.
fn department_row(report: &ScoreReport, d: &Department) -> Markup {
    let delta = report
        .comparison
        .as_ref()
        .and_then(|c| {
            c.departments
                .iter()
                .find(|x| x.organisation == d.organisation)
        })
        .map(|x| delta_text(x.overall.change));
    html! {
        tr {
            th scope="row" { (dept_name(d)) }
            @if d.documents.is_empty() {
                td colspan=(report.missions.len() + 1) {
                    "Not scored (errors): its declaration has syntax or schema errors"
                }
            } @else {
                (mission_cells(report, &d.missions))
                td data-label="Overall" { (score_cell(&d.score)) @if let Some(delta) = delta { (delta) } }
            }
        }
    }
}

/// One cell a mission, in the report's order of missions (N/A where a mission has no score).
fn mission_cells(report: &ScoreReport, scores: &[super::MissionScore]) -> Markup {
    html! {
        @for m in &report.missions {
            td data-label={ "Mission " (m.number) } {
                (score_cell(scores.iter().find(|x| x.number == m.number).map_or(&Value::NA, |x| &x.score)))
            }
        }
    }
}

/// The top-75 services not counted as great, at the end of the report.
fn top75_missing(report: &ScoreReport) -> Markup {
    let p = &report.government.portfolio;
    if !p.available || p.missing.is_empty() {
        return html! {};
    }
    html! {
        section id="top75-missing" aria-labelledby="top75-missing-h" {
            "\n"
            h2 id="top75-missing-h" { "Top-75 services not yet great (" (p.missing.len()) ")" } "\n"
            table {
                caption { "Top-75 services not counted as great, and why" }
                thead {
                    tr { th scope="col" { "Department" } th scope="col" { "Service" } th scope="col" { "Why" } }
                }
                tbody {
                    "\n"
                    @for m in &p.missing {
                        tr {
                            td { (HtmlText(&m.service.department)) }
                            td { (HtmlText(&m.service.name)) }
                            td { (HtmlText(why_not_great(&m.status))) }
                        }
                        "\n"
                    }
                }
            }
        }
        "\n"
    }
}

/// Why a top-75 service is not counted as great, from its status.
fn why_not_great(status: &str) -> &str {
    match status {
        "not_great" => "declared, below the 'great' thresholds",
        "not_declared" => "not in its department's declaration",
        "department_not_scored" => "its department's declaration could not be scored (errors)",
        "department_not_in_run" => "its department has no declaration in this report",
        other => other,
    }
}

fn dept_name(d: &Department) -> Markup {
    html! {
        @match &d.name {
            Some(n) => { (HtmlText(n)) " " span class="meta" { "(" (HtmlText(&d.organisation)) ")" } }
            None => { (HtmlText(&d.organisation)) }
        }
    }
}

fn heatmap(report: &ScoreReport) -> Markup {
    let commitments: Vec<(u32, &str)> = report
        .missions
        .iter()
        .flat_map(|m| m.commitments.iter().map(|c| (c.number, c.text.as_str())))
        .collect();
    html! {
        section id="heatmap" aria-labelledby="heatmap-h" {
            "\n"
            h2 id="heatmap-h" { "Departments by commitment" } "\n"
            p { "Each cell is a department's score for one commitment, with its RAG label. Hatched cells marked N/A had nothing applicable." }
            "\n"
            div class="wide" {
                table class="heatmap" {
                    caption { "Scores by department and commitment" }
                    thead {
                        tr {
                            th scope="col" { "Department" }
                            @for (n, text) in &commitments {
                                th scope="col" { abbr title=(HtmlText(text)) { "C" (n) } }
                            }
                        }
                    }
                    tbody {
                        "\n"
                        @for d in &report.departments {
                            (heatmap_row(d, &commitments)) "\n"
                        }
                    }
                }
            }
            "\n"
        }
        "\n"
    }
}

/// A department's row of the heatmap: one cell a commitment.
fn heatmap_row(d: &Department, commitments: &[(u32, &str)]) -> Markup {
    html! {
        tr {
            th scope="row" { (dept_name(d)) }
            @if d.documents.is_empty() {
                td class="unscored" colspan=(commitments.len()) {
                    "Not scored (errors): its declaration has syntax or schema errors"
                }
            } @else {
                @for (n, _) in commitments {
                    @let v = d.commitments.iter().find(|c| c.number == *n).map_or(Value::NA, |c| c.score);
                    @let (class, label) = band_of(&v);
                    td class={ "cell-" (class) } data-commitment=(n) data-label={ "C" (n) }
                        data-department=(HtmlText(&d.organisation)) {
                        @if v.score.is_some() { (HtmlText(&show(v.score))) }
                        span class="lbl" { (label) }
                    }
                }
            }
        }
    }
}

fn missions(report: &ScoreReport) -> Markup {
    html! {
        section id="missions" aria-labelledby="missions-h" {
            "\n"
            h2 id="missions-h" { "Missions by department" } "\n"
            div class="bars" {
                "\n"
                @for d in &report.departments {
                    (mission_bars(report, d)) "\n"
                }
            }
            "\n"
        }
        "\n"
    }
}

/// A department's missions as a bar chart, described in words for screen readers.
fn mission_bars(report: &ScoreReport, d: &Department) -> Markup {
    if d.documents.is_empty() {
        return html! {
            figure {
                figcaption { h3 { (dept_name(d)) } }
                p { "Not scored (errors): its declaration has syntax or schema errors, so no mission can be scored." }
            }
        };
    }
    let height = 28 * report.missions.len().max(1) + 10;
    let bars: Vec<(u32, usize, Value)> = report
        .missions
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let v = d
                .missions
                .iter()
                .find(|x| x.number == m.number)
                .map_or(Value::NA, |x| x.score);
            (m.number, 5 + 28 * i, v)
        })
        .collect();
    let text = |v: &Value| match v.score {
        Some(_) => format!("{} {}", show(v.score), band_of(v).1),
        None => band_of(v).1.to_string(),
    };
    let desc = bars
        .iter()
        .map(|(n, _, v)| format!("Mission {n}: {}", text(v)))
        .collect::<Vec<_>>()
        .join("; ");
    html! {
        figure {
            figcaption { h3 { (dept_name(d)) } }
            svg viewBox={ "0 0 640 " (height) } width="640" role="img" aria-label=(HtmlText(&desc)) {
                title { (HtmlText(&desc)) }
                @for (n, y, v) in &bars {
                    @let colour = match band_of(v).0 {
                        "green" => "#00703c",
                        "amber" => "#ffdd00",
                        "red" => "#d4351c",
                        _ => "#dcdcdc",
                    };
                    @let width = format!("{:.1}", v.score.unwrap_or(0.0).clamp(0.0, 100.0) * 4.0);
                    text x="0" y=(y + 15) font-size="13" fill="#0b0c0c" { "Mission " (n) }
                    rect x="80" y=(y) width="400" height="20" fill="#f3f2f1" stroke="#b1b4b6" {}
                    rect x="80" y=(y) width=(width) height="20" fill=(colour) {}
                    text x="490" y=(y + 15) font-size="13" fill="#0b0c0c" { (HtmlText(&text(v))) }
                }
            }
        }
    }
}

/// Up to three lines of the file around a finding's line, the line itself marked.
fn snippet(run: &Run, file: &str, line: usize) -> Markup {
    let Some(source) = run.source(file) else {
        return html! {};
    };
    let lines: Vec<&str> = crate::source::lines(&source.text).collect();
    if line == 0 || line > lines.len() {
        return html! {};
    }
    let shown = line.saturating_sub(1).max(1)..=(line + 1).min(lines.len());
    html! {
        pre class="snippet" tabindex="0" {
            code {
                @for n in shown {
                    span class="ln" { (n) }
                    @if n == line {
                        mark { (HtmlText(lines[n - 1])) }
                    } @else {
                        (HtmlText(lines[n - 1]))
                    }
                    "\n"
                }
            }
        }
    }
}

fn findings(report: &ScoreReport, run: &Run, doc_link: DocLink<'_>) -> Markup {
    let mut groups: Vec<(Option<u32>, String)> = report
        .missions
        .iter()
        .map(|m| (Some(m.number), format!("Mission {}: {}", m.number, m.title)))
        .collect();
    groups.push((None, "Format and syntax".to_string()));
    html! {
        section id="findings" aria-labelledby="findings-h" {
            "\n"
            h2 id="findings-h" { "Findings" } "\n"
            (filters(report))
            "\n"
            @for (mission, title) in &groups {
                @let items: Vec<&ScoredFinding> = report
                    .findings
                    .iter()
                    .filter(|f| mission_of(report, f.commitment) == *mission)
                    .collect();
                @if !items.is_empty() {
                    section class="mission-group" aria-label=(HtmlText(title)) {
                        h3 { (HtmlText(title)) } "\n"
                        @for f in items {
                            (finding(f, *mission, run, doc_link)) "\n"
                        }
                    }
                    "\n"
                }
            }
            @if report.findings.is_empty() {
                p { "No findings." } "\n"
            }
        }
        "\n"
    }
}

/// The mission a commitment belongs to.
fn mission_of(report: &ScoreReport, commitment: Option<u32>) -> Option<u32> {
    let c = commitment?;
    report
        .missions
        .iter()
        .find(|m| m.commitments.iter().any(|x| x.number == c))
        .map(|m| m.number)
}

/// The form that filters the findings by mission and severity (the page's script drives it).
fn filters(report: &ScoreReport) -> Markup {
    html! {
        form class="filters" aria-label="Filter findings" onsubmit="return false" {
            "\n"
            div {
                label for="filter-mission" { "Mission" }
                select id="filter-mission" {
                    option value="all" { "All missions" }
                    @for m in &report.missions {
                        option value=(m.number) { "Mission " (m.number) ": " (HtmlText(&m.title)) }
                    }
                }
            }
            "\n"
            div {
                label for="filter-severity" { "Severity" }
                select id="filter-severity" {
                    option value="all" { "All severities" }
                    option value="error" { "Errors" }
                    option value="warning" { "Warnings" }
                    option value="waived" { "Waived" }
                }
            }
            "\n"
            p id="filter-count" role="status" aria-live="polite" {}
            "\n"
        }
    }
}

/// One finding as an article that the filters can show or hide.
fn finding(f: &ScoredFinding, mission: Option<u32>, run: &Run, doc_link: DocLink<'_>) -> Markup {
    let sev = if f.waived {
        "waived"
    } else {
        match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    };
    let url = doc_link(&f.rule);
    let url = url.as_deref().and_then(crate::render::escape::link);
    let waiver = f.waiver.as_ref().filter(|_| f.waived);
    html! {
        article class={ "finding sev-" (sev) @if f.waived { " waived" } }
            data-mission=(mission.map_or_else(|| "none".to_string(), |m| m.to_string()))
            data-severity=(sev) {
            h4 { span class="sev" { (sev) } " " (HtmlCode(&f.message)) }
            p {
                @match url {
                    Some(url) => { a href=(HtmlText(url)) { (HtmlText(&f.rule)) } }
                    None => { (HtmlText(&f.rule)) }
                }
                @if let Some(c) = f.commitment { " (commitment " (c) ")" }
                " in " (HtmlText(&f.organisation)) ": " (HtmlText(&f.file)) " line " (f.line)
                " at " code { (HtmlText(&f.path)) }
            }
            @if let Some(w) = waiver {
                p class="waiver" { strong { "Waived:" } " " (HtmlCode(&w.text())) }
            }
            (snippet(run, &f.file, f.line))
        }
    }
}
