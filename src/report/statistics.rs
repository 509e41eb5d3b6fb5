//! `--statistics`: how many diagnostics each rule gave, instead of the diagnostics.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use super::{FileReport, OutputFormat};
use crate::rules::RuleMeta;

#[derive(Serialize)]
struct Count {
    code: &'static str,
    name: &'static str,
    count: usize,
}

/// Counts per rule, in code order: a JSON array for the JSON formats, a table otherwise.
pub fn write_statistics(
    format: OutputFormat,
    files: &[FileReport],
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut counts: BTreeMap<&'static str, (&'static RuleMeta, usize)> = BTreeMap::new();
    for diagnostic in files.iter().flat_map(|file| &file.diagnostics) {
        counts
            .entry(diagnostic.rule.code)
            .or_insert((diagnostic.rule, 0))
            .1 += 1;
    }
    let counts: Vec<Count> = counts
        .into_values()
        .map(|(rule, count)| Count {
            code: rule.code,
            name: rule.name,
            count,
        })
        .collect();
    match format {
        OutputFormat::Json | OutputFormat::JsonLines | OutputFormat::Sarif => {
            serde_json::to_writer_pretty(&mut *out, &counts)?;
            writeln!(out)
        }
        OutputFormat::Full | OutputFormat::Concise | OutputFormat::Github => {
            let width = counts
                .iter()
                .map(|c| c.count.to_string().len())
                .max()
                .unwrap_or(1);
            for count in &counts {
                writeln!(
                    out,
                    "{:>width$}  {}  {}",
                    count.count, count.code, count.name
                )?;
            }
            Ok(())
        }
    }
}
