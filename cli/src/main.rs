//! `asyncsim`: the command-line front end.

mod commands;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "asyncsim",
    version,
    about = "Cycle-level RISC-V full-system simulator for asynchronous system-call designs"
)]
struct Cli {
    /// Without a subcommand, runs the main job (`programs`).
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run one guest program (ELF) or firmware + kernel on the simulated machine.
    Run(Box<commands::run::RunArgs>),
    /// Run every bundled guest program, check it passes, write results/.
    Programs(commands::programs::ProgramsArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Run(args)) => commands::run::run(*args),
        Some(Command::Programs(args)) => commands::programs::run(args),
        None => commands::programs::run(Default::default()),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("asyncsim: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
