//! `asyncsim`: the command-line front end.

mod commands;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "asyncsim",
    version = concat!(env!("CARGO_PKG_VERSION"), " (build ", env!("ASYNCSIM_BUILD_ID"), ")"),
    about = "Cycle-level RISC-V full-system simulator for asynchronous system-call designs"
)]
struct Cli {
    /// Without a subcommand, runs the main job: the default sweep
    /// (sweeps/default.toml) into results/, with summaries and figures.
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run one guest program (ELF) or firmware + kernel on the simulated machine.
    Run(Box<commands::run::RunArgs>),
    /// Run every bundled guest program, check it passes, write results/.
    Programs(commands::programs::ProgramsArgs),
    /// Run a grid of points (designs x workloads x concurrency x ...) in
    /// parallel into OUT/results.jsonl, then write summaries and figures.
    Sweep(Box<commands::sweep::SweepArgs>),
    /// Write figures (SVG, PNG), summary.csv/json and report.md of a sweep.
    Plot(commands::report::PlotArgs),
    /// Compare results with a baseline: exit 0 if all hold, 1 on regression.
    Check(commands::check::CheckArgs),
    /// Join the results of sweep shards into one results.jsonl.
    Merge(commands::merge::MergeArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Run(args)) => commands::run::run(*args),
        Some(Command::Programs(args)) => commands::programs::run(args),
        Some(Command::Sweep(args)) => commands::sweep::run(*args),
        Some(Command::Plot(args)) => commands::report::run(args),
        Some(Command::Check(args)) => commands::check::run(args),
        Some(Command::Merge(args)) => commands::merge::run(args),
        None => commands::sweep::run(commands::sweep::SweepArgs::main_job()),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("asyncsim: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
