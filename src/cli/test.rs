//! `roadmap-lint test` and `roadmap-lint new`: the rule author's commands.

use std::path::PathBuf;

use clap::Args;

use super::args::ColorChoice;
use super::output;
use crate::Exit;
use crate::render::escape::terminal_line;

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Pack folders to test. Default: every pack under `rules/` in the current directory.
    #[arg(value_name = "PACK_DIR")]
    pub packs: Vec<PathBuf>,
    /// Test only this rule.
    #[arg(long = "rule", value_name = "ID")]
    pub rule: Option<String>,
    /// Also report, per rule, the calls that record a result (`report`, `pass`, ...) that no
    /// fixture reached.
    #[arg(long)]
    pub coverage: bool,
    /// Colour in the report.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The new rule's id: kebab-case, naming the problem, such as `api-catalogue-entry-missing`.
    #[arg(value_name = "RULE_ID")]
    pub id: String,
    /// The number of the commitment the rule serves (from the pack's pack.yaml).
    #[arg(long, value_name = "N")]
    pub commitment: u32,
    /// The pack folder to add the rule to; its `pack.yaml` is created when missing.
    #[arg(long, value_name = "DIR", default_value = "rules/roadmap-2022-25")]
    pub pack: PathBuf,
    /// Overwrite an existing rule and its fixtures.
    #[arg(long)]
    pub force: bool,
    /// The kind of document the rule judges.
    #[arg(long, value_enum, default_value = "department")]
    pub kind: NewKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum NewKind {
    /// A department's declaration.
    Department,
    /// A spend-control proposal.
    Proposal,
}

pub fn run(args: TestArgs) -> Exit {
    let style = output::style(args.color);
    match crate::testing::test_packs_with(&args.packs, args.rule.as_deref(), args.coverage) {
        Ok(packs) => {
            output::print(&crate::testing::render(&packs, style));
            crate::testing::exit_code(&packs)
        }
        Err(d) => output::fail(&[d], output::err_style(args.color)),
    }
}

pub fn new_rule(args: NewArgs) -> Exit {
    let request = crate::scaffold::Request {
        id: args.id,
        commitment: args.commitment,
        pack: args.pack,
        force: args.force,
        kind: match args.kind {
            NewKind::Department => "department",
            NewKind::Proposal => "proposal",
        }
        .to_string(),
    };
    match crate::scaffold::create(&request) {
        Ok(created) => {
            let shown = |p: &std::path::Path| terminal_line(&p.display().to_string()).into_owned();
            let mut text = String::new();
            for f in created
                .manifest
                .iter()
                .chain([&created.rule])
                .chain(&created.fixtures)
            {
                text.push_str(&format!("created {}\n", shown(f)));
            }
            text.push_str(&format!(
                "next: write the check in {} (helpers: docs/rule-api.md), adapt both fixtures, then run `roadmap-lint test {} --rule {}`\n",
                shown(&created.rule),
                shown(&request.pack),
                request.id
            ));
            output::print(&text);
            Exit::Clean
        }
        Err(d) => output::fail(&[d], output::err_style(ColorChoice::Never)),
    }
}
