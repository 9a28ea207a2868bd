//! The machine-readable score report (`score --format json`). It is also the baseline format:
//! save it and pass it to `--baseline` later. Versioned by [`super::SCORE_REPORT_VERSION`].

use super::ScoreReport;

pub fn render(report: &ScoreReport) -> String {
    let mut text = crate::render::escape::json_pretty_string(report)
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}
