//! The board report: one self-contained HTML page (inline CSS, inline SVG, a few lines of
//! inline script for the filters, no network requests). Everything taken from a declaration is
//! escaped. Colour never carries meaning alone: every RAG cell also says green, amber or red.

use std::fmt::Write as _;

use super::{Band, ScoreReport, Value, show};
use crate::finding::Severity;
use crate::run::Run;

/// Text from a document or a pack, escaped for HTML.
pub fn esc(text: &str) -> String {
    crate::render::escape::html(text).into_owned()
}

fn band_of(v: &Value) -> (&'static str, &'static str) {
    match v.band {
        Some(Band::Green) => ("green", "Green"),
        Some(Band::Amber) => ("amber", "Amber"),
        Some(Band::Red) => ("red", "Red"),
        None => ("na", "N/A"),
    }
}

/// A score with its RAG label, e.g. `82% Green`, and the without-waivers figure when it differs.
fn score_cell(v: &Value) -> String {
    let (class, label) = band_of(v);
    let mut s = match v.score {
        Some(_) => format!(
            "<span class=\"rag rag-{class}\"><span class=\"num\">{}</span> <span class=\"lbl\">{label}</span></span>",
            esc(&show(v.score))
        ),
        None => {
            format!("<span class=\"rag rag-{class}\"><span class=\"lbl\">{label}</span></span>")
        }
    };
    if let (Some(a), Some(b)) = (v.score, v.without_waivers)
        && (a - b).abs() > 1e-9
    {
        let _ = write!(
            s,
            " <span class=\"nowaive\">({} without waivers)</span>",
            esc(&show(Some(b)))
        );
    }
    s
}

fn delta_text(change: Option<f64>) -> String {
    match change {
        Some(c) if c > 0.05 => format!(
            "<span class=\"delta up\" title=\"up since the baseline\">&#9650; +{c:.1}</span>"
        ),
        Some(c) if c < -0.05 => format!(
            "<span class=\"delta down\" title=\"down since the baseline\">&#9660; {c:.1}</span>"
        ),
        Some(_) => {
            "<span class=\"delta same\" title=\"unchanged since the baseline\">&#9644; 0.0</span>"
                .to_string()
        }
        None => String::new(),
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
    let mut h = String::new();
    let gov = &report.government;
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Roadmap for Digital and Data: compliance report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<a class=\"skip\" href=\"#main\">Skip to the report</a>\n<header>\n<h1>Compliance with the 2022-25 Roadmap for Digital and Data</h1>\n<p class=\"meta\">Evaluated as of {}. Produced by {}. Scores are checks passed over checks that applied; see the scoring model in docs/scoring.md.</p>\n<nav aria-label=\"Report sections\"><ul><li><a href=\"#summary\">Summary</a></li><li><a href=\"#heatmap\">Departments by commitment</a></li><li><a href=\"#missions\">Missions by department</a></li><li><a href=\"#findings\">Findings</a></li><li><a href=\"#top75-missing\">Top-75 services not yet great</a></li></ul></nav>\n</header>\n<main id=\"main\">\n",
        esc(report
            .as_of
            .as_deref()
            .unwrap_or("each declaration's own date")),
        esc(&report.tool)
    );
    summary(&mut h, report);
    heatmap(&mut h, report);
    missions(&mut h, report);
    findings(&mut h, report, run, doc_link);
    top75_missing(&mut h, report);
    let _ = write!(
        h,
        "</main>\n<footer><p>{} departments scored; {} not scored. Colours follow the RAG bands: green at {}% or more, amber at {}% or more, red below; N/A means nothing applied.</p></footer>\n<script>{SCRIPT}</script>\n</body>\n</html>\n",
        gov.departments_scored,
        report.not_scored.len(),
        report.bands.green,
        report.bands.amber
    );
    h
}

fn summary(h: &mut String, report: &ScoreReport) {
    let gov = &report.government;
    let gov_delta = report
        .comparison
        .as_ref()
        .map(|c| delta_text(c.government.change))
        .unwrap_or_default();
    let _ = write!(
        h,
        "<section id=\"summary\" aria-labelledby=\"summary-h\">\n<h2 id=\"summary-h\">Government score</h2>\n<div class=\"headline\"><p class=\"big\">{}{gov_delta}</p><p>across {} departments scored</p></div>\n",
        score_cell(&gov.score),
        gov.departments_scored
    );
    // Commitment 1: great services against the target.
    let p = &gov.portfolio;
    let _ = writeln!(
        h,
        "<h3>Commitment 1: top 75 services at a 'great' standard</h3>"
    );
    if p.available {
        let target = p.target.unwrap_or(50);
        let listed = p.listed.max(1) as f64;
        let w = 600.0;
        let great_w = w * (p.great as f64 / listed).min(1.0);
        let target_x = w * (target as f64 / listed).min(1.0);
        let _ = write!(
            h,
            "<p><strong>{} of {} top-75 services are great; {} are required.</strong></p>\n<svg class=\"portfolio-bar\" viewBox=\"0 0 640 60\" role=\"img\" aria-label=\"{} great services of {}, target {}\"><title>{} great of {}; target {}</title><rect x=\"0\" y=\"10\" width=\"{w}\" height=\"24\" fill=\"#f3f2f1\" stroke=\"#505a5f\"/><rect x=\"0\" y=\"10\" width=\"{great_w:.1}\" height=\"24\" fill=\"#00703c\"/><line x1=\"{target_x:.1}\" x2=\"{target_x:.1}\" y1=\"4\" y2=\"40\" stroke=\"#0b0c0c\" stroke-width=\"3\"/><text x=\"{target_x:.1}\" y=\"56\" text-anchor=\"middle\" font-size=\"13\" fill=\"#0b0c0c\">target {}</text></svg>\n",
            p.great, p.listed, target, p.great, p.listed, target, p.great, p.listed, target, target
        );
        if !p.missing.is_empty() {
            let _ = writeln!(
                h,
                "<p><a href=\"#top75-missing\">{} top-75 services not yet great</a> are listed at the end of the report.</p>",
                p.missing.len()
            );
        }
    } else {
        h.push_str("<p>The commitment 1 portfolio rule was not part of this run, so the count of great services is not known.</p>\n");
    }
    // Departments table: missions and overall.
    let _ = write!(
        h,
        "<h3>Departments by mission</h3>\n<div class=\"wide\"><table class=\"departments\"><caption>Each department's score by mission and overall</caption><thead><tr><th scope=\"col\">Department</th>"
    );
    for m in &report.missions {
        let _ = write!(
            h,
            "<th scope=\"col\"><abbr title=\"{}\">Mission {}</abbr></th>",
            esc(&m.title),
            m.number
        );
    }
    h.push_str("<th scope=\"col\">Overall</th></tr></thead><tbody>\n");
    for d in &report.departments {
        let _ = write!(h, "<tr><th scope=\"row\">{}</th>", dept_name(d));
        if d.documents.is_empty() {
            let _ = writeln!(
                h,
                "<td colspan=\"{}\">Not scored (errors): its declaration has syntax or schema errors</td></tr>",
                report.missions.len() + 1
            );
            continue;
        }
        for m in &report.missions {
            let v = d
                .missions
                .iter()
                .find(|x| x.number == m.number)
                .map(|x| &x.score);
            let _ = write!(
                h,
                "<td data-label=\"Mission {}\">{}</td>",
                m.number,
                v.map_or_else(|| score_cell(&Value::NA), score_cell)
            );
        }
        let delta = report
            .comparison
            .as_ref()
            .and_then(|c| {
                c.departments
                    .iter()
                    .find(|x| x.organisation == d.organisation)
            })
            .map(|x| delta_text(x.overall.change))
            .unwrap_or_default();
        let _ = writeln!(
            h,
            "<td data-label=\"Overall\">{}{delta}</td></tr>",
            score_cell(&d.score)
        );
    }
    let _ = write!(h, "<tr><th scope=\"row\">Government</th>");
    for m in &report.missions {
        let v = gov
            .missions
            .iter()
            .find(|x| x.number == m.number)
            .map(|x| &x.score);
        let _ = write!(
            h,
            "<td data-label=\"Mission {}\">{}</td>",
            m.number,
            v.map_or_else(|| score_cell(&Value::NA), score_cell)
        );
    }
    let _ = writeln!(
        h,
        "<td data-label=\"Overall\">{}</td></tr>\n</tbody></table></div>",
        score_cell(&gov.score)
    );
    if !report.not_scored.is_empty() {
        h.push_str("<h3>Not scored (errors)</h3><ul>\n");
        for n in &report.not_scored {
            let _ = writeln!(
                h,
                "<li>{} ({}): {}</li>",
                esc(n.organisation.as_deref().unwrap_or("unknown organisation")),
                esc(&n.file),
                esc(&n.reason)
            );
        }
        h.push_str("</ul>\n");
    }
    h.push_str("</section>\n");
}

/// The top-75 services not counted as great, at the end of the report.
fn top75_missing(h: &mut String, report: &ScoreReport) {
    let p = &report.government.portfolio;
    if !p.available {
        return;
    }
    if !p.missing.is_empty() {
        let _ = write!(
            h,
            "<section id=\"top75-missing\" aria-labelledby=\"top75-missing-h\">\n<h2 id=\"top75-missing-h\">Top-75 services not yet great ({})</h2>\n<table><caption>Top-75 services not counted as great, and why</caption><thead><tr><th scope=\"col\">Department</th><th scope=\"col\">Service</th><th scope=\"col\">Why</th></tr></thead><tbody>\n",
            p.missing.len()
        );
        for m in &p.missing {
            let why = match m.status.as_str() {
                "not_great" => "declared, below the 'great' thresholds",
                "not_declared" => "not in its department's declaration",
                "department_not_scored" => {
                    "its department's declaration could not be scored (errors)"
                }
                "department_not_in_run" => "its department has no declaration in this report",
                other => other,
            };
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&m.service.department),
                esc(&m.service.name),
                esc(why)
            );
        }
        h.push_str("</tbody></table></section>\n");
    }
}

fn dept_name(d: &super::Department) -> String {
    match &d.name {
        Some(n) => format!(
            "{} <span class=\"meta\">({})</span>",
            esc(n),
            esc(&d.organisation)
        ),
        None => esc(&d.organisation),
    }
}

fn heatmap(h: &mut String, report: &ScoreReport) {
    let commitments: Vec<(u32, &str)> = report
        .missions
        .iter()
        .flat_map(|m| m.commitments.iter().map(|c| (c.number, c.text.as_str())))
        .collect();
    let _ = write!(
        h,
        "<section id=\"heatmap\" aria-labelledby=\"heatmap-h\">\n<h2 id=\"heatmap-h\">Departments by commitment</h2>\n<p>Each cell is a department's score for one commitment, with its RAG label. Hatched cells marked N/A had nothing applicable.</p>\n<div class=\"wide\"><table class=\"heatmap\"><caption>Scores by department and commitment</caption><thead><tr><th scope=\"col\">Department</th>"
    );
    for (n, text) in &commitments {
        let _ = write!(
            h,
            "<th scope=\"col\"><abbr title=\"{}\">C{n}</abbr></th>",
            esc(text)
        );
    }
    h.push_str("</tr></thead><tbody>\n");
    for d in &report.departments {
        let _ = write!(h, "<tr><th scope=\"row\">{}</th>", dept_name(d));
        if d.documents.is_empty() {
            let _ = writeln!(
                h,
                "<td class=\"unscored\" colspan=\"{}\">Not scored (errors): its declaration has syntax or schema errors</td></tr>",
                commitments.len()
            );
            continue;
        }
        for (n, _) in &commitments {
            let v = d
                .commitments
                .iter()
                .find(|c| c.number == *n)
                .map_or(Value::NA, |c| c.score);
            let (class, label) = band_of(&v);
            let num = if v.score.is_some() {
                show(v.score)
            } else {
                String::new()
            };
            let _ = write!(
                h,
                "<td class=\"cell-{class}\" data-commitment=\"{n}\" data-label=\"C{n}\" data-department=\"{}\">{}<span class=\"lbl\">{label}</span></td>",
                esc(&d.organisation),
                esc(&num)
            );
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody></table></div>\n</section>\n");
}

fn missions(h: &mut String, report: &ScoreReport) {
    let _ = write!(
        h,
        "<section id=\"missions\" aria-labelledby=\"missions-h\">\n<h2 id=\"missions-h\">Missions by department</h2>\n<div class=\"bars\">\n"
    );
    for d in &report.departments {
        if d.documents.is_empty() {
            let _ = writeln!(
                h,
                "<figure><figcaption><h3>{}</h3></figcaption><p>Not scored (errors): its declaration has syntax or schema errors, so no mission can be scored.</p></figure>",
                dept_name(d)
            );
            continue;
        }
        let rows = report.missions.len().max(1);
        let height = 28 * rows + 10;
        let mut desc = Vec::new();
        let mut svg = String::new();
        for (i, m) in report.missions.iter().enumerate() {
            let v = d
                .missions
                .iter()
                .find(|x| x.number == m.number)
                .map_or(Value::NA, |x| x.score);
            let y = 5 + 28 * i;
            let (class, label) = band_of(&v);
            let colour = match class {
                "green" => "#00703c",
                "amber" => "#ffdd00",
                "red" => "#d4351c",
                _ => "#dcdcdc",
            };
            let width = v.score.unwrap_or(0.0).clamp(0.0, 100.0) * 4.0;
            let text = if v.score.is_some() {
                format!("{} {label}", show(v.score))
            } else {
                "N/A".to_string()
            };
            desc.push(format!("Mission {}: {text}", m.number));
            let _ = write!(
                svg,
                "<text x=\"0\" y=\"{}\" font-size=\"13\" fill=\"#0b0c0c\">Mission {}</text><rect x=\"80\" y=\"{y}\" width=\"400\" height=\"20\" fill=\"#f3f2f1\" stroke=\"#b1b4b6\"/><rect x=\"80\" y=\"{y}\" width=\"{width:.1}\" height=\"20\" fill=\"{colour}\"/><text x=\"490\" y=\"{}\" font-size=\"13\" fill=\"#0b0c0c\">{}</text>",
                y + 15,
                m.number,
                y + 15,
                esc(&text)
            );
        }
        let _ = writeln!(
            h,
            "<figure><figcaption><h3>{}</h3></figcaption><svg viewBox=\"0 0 640 {height}\" width=\"640\" role=\"img\" aria-label=\"{}\"><title>{}</title>{svg}</svg></figure>",
            dept_name(d),
            esc(&desc.join("; ")),
            esc(&desc.join("; "))
        );
    }
    h.push_str("</div>\n</section>\n");
}

/// Up to three lines of the file around a finding's line, the line itself marked.
fn snippet(run: &Run, file: &str, line: usize) -> String {
    let Some(source) = run.source(file) else {
        return String::new();
    };
    let lines: Vec<&str> = source.text.lines().collect();
    if line == 0 || line > lines.len() {
        return String::new();
    }
    let mut out = String::from("<pre class=\"snippet\"><code>");
    for n in line.saturating_sub(1).max(1)..=(line + 1).min(lines.len()) {
        let text = esc(lines[n - 1]);
        if n == line {
            let _ = writeln!(out, "<span class=\"ln\">{n}</span><mark>{text}</mark>");
        } else {
            let _ = writeln!(out, "<span class=\"ln\">{n}</span>{text}");
        }
    }
    out.push_str("</code></pre>");
    out
}

fn findings(h: &mut String, report: &ScoreReport, run: &Run, doc_link: DocLink<'_>) {
    let _ = write!(
        h,
        "<section id=\"findings\" aria-labelledby=\"findings-h\">\n<h2 id=\"findings-h\">Findings</h2>\n<form class=\"filters\" aria-label=\"Filter findings\" onsubmit=\"return false\">\n<div><label for=\"filter-mission\">Mission</label><select id=\"filter-mission\"><option value=\"all\">All missions</option>"
    );
    for m in &report.missions {
        let _ = write!(
            h,
            "<option value=\"{}\">Mission {}: {}</option>",
            m.number,
            m.number,
            esc(&m.title)
        );
    }
    h.push_str("</select></div>\n<div><label for=\"filter-severity\">Severity</label><select id=\"filter-severity\"><option value=\"all\">All severities</option><option value=\"error\">Errors</option><option value=\"warning\">Warnings</option><option value=\"waived\">Waived</option></select></div>\n<p id=\"filter-count\" role=\"status\" aria-live=\"polite\"></p>\n</form>\n");
    let mission_of = |c: Option<u32>| -> Option<u32> {
        let c = c?;
        report
            .missions
            .iter()
            .find(|m| m.commitments.iter().any(|x| x.number == c))
            .map(|m| m.number)
    };
    let mut groups: Vec<(Option<u32>, String)> = report
        .missions
        .iter()
        .map(|m| (Some(m.number), format!("Mission {}: {}", m.number, m.title)))
        .collect();
    groups.push((None, "Format and syntax".to_string()));
    for (mission, title) in groups {
        let items: Vec<_> = report
            .findings
            .iter()
            .filter(|f| mission_of(f.commitment) == mission)
            .collect();
        if items.is_empty() {
            continue;
        }
        let _ = writeln!(
            h,
            "<section class=\"mission-group\" aria-label=\"{}\"><h3>{}</h3>",
            esc(&title),
            esc(&title)
        );
        for f in items {
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
            let rule = match url.as_deref().and_then(crate::render::escape::link) {
                Some(url) => format!("<a href=\"{}\">{}</a>", esc(url), esc(&f.rule)),
                None => esc(&f.rule),
            };
            let commitment = f
                .commitment
                .map(|c| format!(" (commitment {c})"))
                .unwrap_or_default();
            let _ = writeln!(
                h,
                "<article class=\"finding sev-{sev}{}\" data-mission=\"{}\" data-severity=\"{sev}\"><h4><span class=\"sev\">{sev}</span> {}</h4><p>{rule}{commitment} in {}: {} line {} at <code>{}</code></p>{}{}</article>",
                if f.waived { " waived" } else { "" },
                mission.map_or_else(|| "none".to_string(), |m| m.to_string()),
                crate::render::escape::html_code(&f.message),
                esc(&f.organisation),
                esc(&f.file),
                f.line,
                esc(&f.path),
                f.waiver
                    .as_ref()
                    .filter(|_| f.waived)
                    .map_or_else(String::new, |w| format!(
                        "<p class=\"waiver\"><strong>Waived:</strong> {}</p>",
                        crate::render::escape::html_code(&w.text())
                    )),
                snippet(run, &f.file, f.line)
            );
        }
        h.push_str("</section>\n");
    }
    if report.findings.is_empty() {
        h.push_str("<p>No findings.</p>\n");
    }
    h.push_str("</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_from_declarations() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
    }
}
