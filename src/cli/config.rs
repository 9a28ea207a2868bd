//! `roadmap-lint config --show`: the config file a run in this folder would use, and the
//! settings in force once the files it extends are read (`extends:`), written as a config file
//! would write them.

use std::path::PathBuf;

use clap::Args;

use super::args::ColorChoice;
use super::output;
use crate::Exit;
use crate::config::{self, Config};
use crate::render::escape::terminal_text;

#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// Print the settings in force: this config's keys over those of the files it extends.
    #[arg(long)]
    pub show: bool,
    /// Config file. Default: `.roadmap-lint.yaml` in the working directory or the nearest
    /// folder above it, up to the repository's root.
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
}

pub fn run(args: ConfigArgs) -> Exit {
    let style = output::err_style(ColorChoice::Auto);
    let path = args.config.clone().or_else(|| {
        std::env::current_dir()
            .ok()
            .and_then(|d| config::discover(&d))
    });
    let Some(path) = path else {
        output::print("# no config file: a run here uses the defaults\n");
        return Exit::Clean;
    };
    let config = match Config::load(&path) {
        Ok(c) => c,
        Err(diagnostics) => return output::fail(&diagnostics, style),
    };
    let mut text = format!("# config: {}\n", crate::load::shown(&path));
    for file in &config.extended {
        text.push_str(&format!("# extends: {}\n", crate::load::shown(file)));
    }
    if !args.show {
        output::print(&terminal_text(&text));
        return Exit::Clean;
    }
    let settings = match &config.settings {
        serde_json::Value::Object(map) if !map.is_empty() => {
            yaml_serde::to_string(&config.settings).unwrap_or_default()
        }
        _ => "# (no settings: every default applies)\n".to_string(),
    };
    text.push_str(&settings);
    if !text.ends_with('\n') {
        text.push('\n');
    }
    output::print(&terminal_text(&text));
    Exit::Clean
}
