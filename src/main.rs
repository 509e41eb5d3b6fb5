use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use cysafe::commands::{self, ExitStatus};

/// Finds memory-ownership bugs in Cython code.
#[derive(Debug, Parser)]
#[command(name = "cysafe", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check files and folders for memory-ownership bugs.
    Check(commands::check::CheckArgs),
    /// Print the ownership graph of a file, function or class as Graphviz DOT.
    Graph(commands::graph::GraphArgs),
    /// Print a rule's documentation, or list every rule (--all).
    Rule(commands::rule::RuleArgs),
    /// Print syntax trees, or list the files that do not parse (--check).
    Parse(commands::parse::ParseArgs),
    /// Run the language server on stdin/stdout: editors start it as `cysafe server`.
    Server(commands::server::ServerArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The server writes from its own thread: standard output must not be locked here.
    if let Command::Server(args) = &cli.command {
        return match commands::server::run(args) {
            Ok(status) => ExitCode::from(status as u8),
            Err(_) => ExitCode::from(ExitStatus::Error as u8),
        };
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let result = match &cli.command {
        Command::Check(args) => commands::check::run(args, &mut out),
        Command::Graph(args) => commands::graph::run(args, &mut out),
        Command::Rule(args) => commands::rule::run(args, &mut out),
        Command::Parse(args) => commands::parse::run(args, &mut out),
        Command::Server(_) => unreachable!("the server ran above"),
    };
    let status = result.and_then(|status| out.flush().map(|()| status));
    match status {
        Ok(status) => ExitCode::from(status as u8),
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("cysafe: {error}");
            ExitCode::from(ExitStatus::Error as u8)
        }
    }
}
