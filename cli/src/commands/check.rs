//! `asyncsim check --baseline FILE RESULTS`: the regression gate. Exit 0
//! if every checked metric of every baseline point holds, 1 if any moved
//! (or a baseline point is missing or failed), 2 if an input is unusable.

use super::results_path::results_file;
use anyhow::{bail, Result};
use clap::Args;
use reports::baseline::{check, Tolerance};
use reports::results_file::read_results;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// The baseline results (a results.jsonl or a sweep directory).
    #[arg(long)]
    pub baseline: PathBuf,
    /// The results to check (a results.jsonl or a sweep directory).
    pub results: PathBuf,
    /// Allowed relative change (0.01 = 1 %); exact by default, since the
    /// simulator is deterministic.
    #[arg(long, default_value_t = 0.0)]
    pub tolerance: f64,
    /// List every checked value, not only those that moved.
    #[arg(long)]
    pub all: bool,
}

pub fn run(args: CheckArgs) -> Result<u8> {
    if !(args.tolerance >= 0.0 && args.tolerance.is_finite()) {
        bail!("--tolerance must be a non-negative number");
    }
    let load = |path: &PathBuf, what: &str| -> Result<_> {
        let file = results_file(path);
        if !file.is_file() {
            bail!("no {what} at {}", file.display());
        }
        let records = read_results(&file)?;
        if records.is_empty() {
            bail!("the {what} {} holds no results", file.display());
        }
        Ok(records)
    };
    let baseline = load(&args.baseline, "baseline")?;
    let results = load(&args.results, "results")?;
    let report = check(
        &baseline,
        &results,
        Tolerance {
            relative: args.tolerance,
        },
    );
    print!("{}", report.render(args.all));
    Ok(if report.passed() { 0 } else { 1 })
}
