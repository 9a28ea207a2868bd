//! The machine-readable score report (`score --format json`). It is also the baseline format:
//! save it and pass it to `--baseline` later. Versioned by [`super::SCORE_REPORT_VERSION`].

use super::ScoreReport;

pub fn render(report: &ScoreReport) -> String {
    let mut out = Vec::new();
    match write(report, &mut out) {
        Ok(()) => String::from_utf8_lossy(&out).into_owned(),
        Err(e) => format!("{{\"error\": \"{e}\"}}\n"),
    }
}

/// Write the report as [`render`] makes it, without holding its text: a score of many
/// organisations runs to a gigabyte of JSON.
pub fn write(report: &ScoreReport, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    crate::render::escape::json_pretty(&mut *out, report)?;
    out.write_all(b"\n")
}
