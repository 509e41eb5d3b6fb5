use std::io::Write;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

use cysafe::commands::{self, ExitStatus};
use cysafe::output::ClosedPipeTolerant;

/// mimalloc for the Rust side: the analysis allocates many small short-lived vectors and
/// maps, which glibc's `malloc` serves noticeably slower (see README, "The corpus").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    Check(Box<commands::check::CheckArgs>),
    /// Print the ownership graph of a file, function or class as Graphviz DOT.
    Graph(commands::graph::GraphArgs),
    /// Print a rule's documentation, or list every rule (--all).
    Rule(commands::rule::RuleArgs),
    /// Print syntax trees, or list the files that do not parse (--check).
    Parse(commands::parse::ParseArgs),
    /// Run the language server on stdin/stdout: editors start it as `cysafe server`.
    Server(commands::server::ServerArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(CompletionsArgs),
    /// Print cysafe's man page (roff, for `man -l -`), or write one page per subcommand.
    Man(ManArgs),
}

#[derive(Debug, clap::Args)]
struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

#[derive(Debug, clap::Args)]
struct ManArgs {
    /// Write cysafe.1, cysafe-check.1, ... into this folder (a man1 folder) instead.
    #[arg(long, value_name = "DIR")]
    dir: Option<std::path::PathBuf>,
}

fn man(args: &ManArgs, out: &mut dyn Write) -> std::io::Result<ExitStatus> {
    match &args.dir {
        None => clap_mangen::Man::new(Cli::command()).render(out)?,
        Some(dir) => {
            std::fs::create_dir_all(dir)?;
            clap_mangen::generate_to(Cli::command(), dir)?;
        }
    }
    Ok(ExitStatus::Success)
}

fn main() -> ExitCode {
    // SAFETY: first thing in `main`, on one thread, before any tree-sitter object exists.
    unsafe { cysafe::allocator::use_mimalloc_in_tree_sitter() };
    let cli = Cli::parse();
    // The server writes from its own thread: standard output must not be locked here.
    if let Command::Server(args) = &cli.command {
        return match commands::server::run(args) {
            Ok(status) => ExitCode::from(status as u8),
            Err(_) => ExitCode::from(ExitStatus::Error as u8),
        };
    }
    let stdout = std::io::stdout();
    // A reader that goes away (`| head -1`, `| true`) must not turn the exit status into
    // 0 or 141: the rest of the output is dropped and the run ends as it would have.
    let mut out = std::io::BufWriter::new(ClosedPipeTolerant::new(stdout.lock()));
    let result = match &cli.command {
        Command::Check(args) => commands::check::run(args, &mut out),
        Command::Graph(args) => commands::graph::run(args, &mut out),
        Command::Rule(args) => commands::rule::run(args, &mut out),
        Command::Parse(args) => commands::parse::run(args, &mut out),
        Command::Server(_) => unreachable!("the server ran above"),
        Command::Completions(args) => {
            clap_complete::generate(args.shell, &mut Cli::command(), "cysafe", &mut out);
            Ok(ExitStatus::Success)
        }
        Command::Man(args) => man(args, &mut out),
    };
    let status = result.and_then(|status| out.flush().map(|()| status));
    match status {
        Ok(status) => ExitCode::from(status as u8),
        Err(error) => {
            let _ = writeln!(std::io::stderr().lock(), "cysafe: {error}");
            ExitCode::from(ExitStatus::Error as u8)
        }
    }
}
