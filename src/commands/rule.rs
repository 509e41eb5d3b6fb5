//! `cysafe rule`: a rule's documentation at the terminal, or the list of every rule; as
//! JSON for scripts and editors (`--output-format json`).

use std::io::Write;

use serde::Serialize;

use crate::commands::ExitStatus;
use crate::rules::{self, RuleMeta};

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["rule", "all"])))]
pub struct RuleArgs {
    /// The rule's code (CY003) or name (realloc-overwrite).
    pub rule: Option<String>,
    /// List every rule: code, name and one line.
    #[arg(long)]
    pub all: bool,
    /// `text` for people, `json` for scripts (one object, or an array with --all).
    #[arg(long, value_enum, default_value_t = RuleFormat::Text)]
    pub output_format: RuleFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum RuleFormat {
    Text,
    Json,
}

/// A rule as `--output-format json` shows it (ruff's `rule --output-format json` shape).
#[derive(Serialize)]
struct RuleJson {
    code: &'static str,
    name: &'static str,
    severity: &'static str,
    summary: &'static str,
    url: String,
    explanation: &'static str,
}

impl From<&RuleMeta> for RuleJson {
    fn from(rule: &RuleMeta) -> RuleJson {
        RuleJson {
            code: rule.code,
            name: rule.name,
            severity: rule.severity.as_str(),
            summary: rule.summary,
            url: rule.url(),
            explanation: rule.doc,
        }
    }
}

pub fn run(args: &RuleArgs, out: &mut dyn Write) -> std::io::Result<ExitStatus> {
    if args.all {
        match args.output_format {
            RuleFormat::Json => {
                let all: Vec<RuleJson> = rules::ALL.iter().map(|rule| (*rule).into()).collect();
                serde_json::to_writer_pretty(&mut *out, &all)?;
                writeln!(out)?;
            }
            RuleFormat::Text => {
                let width = rules::ALL.iter().map(|r| r.name.len()).max().unwrap_or(0);
                for rule in rules::ALL {
                    writeln!(
                        out,
                        "{}  {:<width$}  {}",
                        rule.code, rule.name, rule.summary
                    )?;
                }
            }
        }
        return Ok(ExitStatus::Success);
    }
    let key = args.rule.as_deref().unwrap_or_default();
    let Some(rule) = rules::by_code_or_name(key) else {
        let _ = writeln!(
            std::io::stderr().lock(),
            "cysafe: unknown rule `{key}`; `cysafe rule --all` lists the rules"
        );
        return Ok(ExitStatus::Error);
    };
    match args.output_format {
        RuleFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &RuleJson::from(rule))?;
            writeln!(out)?;
        }
        RuleFormat::Text => {
            write!(out, "{}", rule.doc)?;
            if !rule.doc.ends_with('\n') {
                writeln!(out)?;
            }
            writeln!(out, "\nDocumentation: {}", rule.url())?;
        }
    }
    Ok(ExitStatus::Success)
}
