//! The man page `docs/roadmap-lint.1` is generated from the command-line definition. This test
//! fails when it drifts; `UPDATE_GENERATED=1 cargo test --test man_page` rewrites it.

use clap::CommandFactory;

const PATH: &str = "docs/roadmap-lint.1";

/// Sections written by hand: what clap cannot know. `\-` is roff for a hyphen.
const EXTRA: &str = r#".SH "EXIT STATUS"
.TP
0
No finding at or above \fB\-\-fail\-on\fR (default: error); for \fBreview\fR, the proposal is ready or approvable with conditions.
.TP
1
Findings at or above \fB\-\-fail\-on\fR; for \fBreview\fR, a proposal that is not ready; for \fBscore\fR, a department below \fB\-\-min\-score\fR or a regression with \fB\-\-fail\-on\-regression\fR; for \fBtest\fR, a failing fixture.
.TP
2
The tool could not do its job: bad arguments, an input that cannot be read, nothing to check, a broken rule pack or config file, or a rule that failed to run.
.SH FILES
.TP
\fB.roadmap\-lint.yaml\fR
The config file: found in the working directory or the nearest folder above it, up to the repository's root (the folder holding \fB.git\fR); \fB\-\-config\fR names another, \fB\-\-no\-config\fR reads none. \fBroadmap\-lint schema config\fR prints its JSON Schema.
.TP
\fBrules/\fIPACK\fB/pack.yaml\fR
A rule pack's manifest; its rules are the \fB*.rhai\fR files beside it, its shared helpers \fBlib/*.rhai\fR, its fixtures \fBfixtures/\fIRULE\-ID\fB/\fR.
.SH ENVIRONMENT
.TP
\fBNO_COLOR\fR
When set and not empty, no colour (unless \fB\-\-color always\fR).
.TP
\fBCLICOLOR_FORCE\fR, \fBFORCE_COLOR\fR
When set and not 0, colour even when the output is not a terminal.
.TP
\fBTERM\fR
\fBdumb\fR turns colour off.
.TP
\fBCOLUMNS\fR
The width of the human report on a terminal (60 to 200; default 100).
.TP
\fBRAYON_NUM_THREADS\fR
The number of worker threads when \fB\-\-jobs\fR is not given.
.SH EXAMPLES
.TP
Check a folder of declarations, failing on warnings too:
\fBroadmap\-lint check \-\-fail\-on warning declarations/\fR
.TP
Write SARIF for code scanning while printing the human report:
\fBroadmap\-lint check \-\-output sarif=results.sarif declarations/\fR
.TP
Review a proposal against its department's declaration, as a page to print:
\fBroadmap\-lint review proposal.yaml \-\-declarations declarations/ \-\-format html > review.html\fR
.TP
Score every department, by mission:
\fBroadmap\-lint score \-\-format html declarations/ > board.html\fR
.TP
Explain a rule, or a built\-in code:
\fBroadmap\-lint explain one\-login\-strategy\-overdue\fR
"#;

/// The main page, the commands listed (each described further down the same page, not in pages
/// of their own), each command's synopsis, description and options, then the sections above.
fn man_page() -> String {
    let cmd = roadmap_lint::internal::cli::Cli::command();
    let man = clap_mangen::Man::new(cmd.clone());
    let mut out = Vec::new();
    man.render_title(&mut out).unwrap();
    man.render_name_section(&mut out).unwrap();
    man.render_synopsis_section(&mut out).unwrap();
    man.render_description_section(&mut out).unwrap();
    man.render_options_section(&mut out).unwrap();
    out.extend_from_slice(b".SH COMMANDS\n");
    for sub in cmd.get_subcommands() {
        let mut about = sub.get_about().map(|a| a.to_string()).unwrap_or_default();
        if !about.ends_with('.') {
            about.push('.');
        }
        out.extend_from_slice(
            format!(
                ".TP\n\\fB{}\\fR\n{} See \\fBROADMAP\\-LINT {}\\fR below.\n",
                sub.get_name().replace('-', "\\-"),
                about.replace('-', "\\-"),
                sub.get_name().to_uppercase().replace('-', "\\-")
            )
            .as_bytes(),
        );
    }
    for sub in cmd.get_subcommands() {
        let name = format!("roadmap-lint {}", sub.get_name());
        let man = clap_mangen::Man::new(sub.clone().bin_name(name.clone()));
        let mut part = Vec::new();
        man.render_synopsis_section(&mut part).unwrap();
        man.render_description_section(&mut part).unwrap();
        man.render_options_section(&mut part).unwrap();
        let part = String::from_utf8(part).unwrap().replace(".SH ", ".SS ");
        out.extend_from_slice(format!(".SH \"{}\"\n", name.to_uppercase()).as_bytes());
        out.extend_from_slice(part.as_bytes());
    }
    out.extend_from_slice(EXTRA.as_bytes());
    man.render_version_section(&mut out).unwrap();
    String::from_utf8(out).expect("roff is text")
}

#[test]
fn man_page_is_up_to_date() {
    let fresh = man_page();
    if std::env::var_os("UPDATE_GENERATED").is_some_and(|v| v == "1") {
        std::fs::create_dir_all("docs").unwrap();
        let tmp = format!("{PATH}.tmp");
        std::fs::write(&tmp, &fresh).unwrap();
        std::fs::rename(&tmp, PATH).unwrap();
        return;
    }
    let current = std::fs::read_to_string(PATH).unwrap_or_default();
    assert!(
        current == fresh,
        "{PATH} is out of date with the command line; run `UPDATE_GENERATED=1 cargo test --test man_page`"
    );
    assert!(fresh.contains("waiver\\-warning\\-days") || fresh.contains("waiver-warning-days"));
    for section in ["EXIT STATUS", "FILES", "ENVIRONMENT", "EXAMPLES"] {
        assert!(
            fresh.contains(&format!(".SH \"{section}\""))
                || fresh.contains(&format!(".SH {section}\n")),
            "{section}"
        );
    }
    // Every command is described in this page: no reference to a page that does not exist.
    assert!(
        !fresh.contains("\\-check(1)"),
        "a reference to a page of its own"
    );
}
