//! The man page `docs/roadmap-lint.1` is generated from the command-line definition. This test
//! fails when it drifts; `UPDATE_GENERATED=1 cargo test --test man_page` rewrites it.

use clap::CommandFactory;

const PATH: &str = "docs/roadmap-lint.1";

/// The main page, then each command's synopsis, description and options as sections of it.
fn man_page() -> String {
    let cmd = roadmap_lint::cli::Cli::command();
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd.clone())
        .render(&mut out)
        .expect("render to memory");
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
}
