//! `cysafe rule`: a rule's documentation at the terminal, or the list of every rule.

use std::io::Write;

use crate::commands::ExitStatus;
use crate::rules;

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["rule", "all"])))]
pub struct RuleArgs {
    /// The rule's code (CY003) or name (realloc-overwrite).
    pub rule: Option<String>,
    /// List every rule: code, name and one line.
    #[arg(long)]
    pub all: bool,
}

pub fn run(args: &RuleArgs, out: &mut dyn Write) -> std::io::Result<ExitStatus> {
    if args.all {
        let width = rules::ALL.iter().map(|r| r.name.len()).max().unwrap_or(0);
        for rule in rules::ALL {
            writeln!(
                out,
                "{}  {:<width$}  {}",
                rule.code, rule.name, rule.summary
            )?;
        }
        return Ok(ExitStatus::Success);
    }
    let key = args.rule.as_deref().unwrap_or_default();
    match rules::by_code_or_name(key) {
        Some(rule) => {
            write!(out, "{}", rule.doc)?;
            if !rule.doc.ends_with('\n') {
                writeln!(out)?;
            }
            Ok(ExitStatus::Success)
        }
        None => {
            let _ = writeln!(
                std::io::stderr().lock(),
                "cysafe: unknown rule `{key}`; `cysafe rule --all` lists the rules"
            );
            Ok(ExitStatus::Error)
        }
    }
}
