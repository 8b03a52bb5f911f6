//! `asyncsim sweep`: runs every point of a grid (designs x workloads x
//! concurrency x rounds x harts x presets x override sets x seeds, from
//! flags or a TOML file) in parallel, appending each finished point to
//! `OUT/results.jsonl` at once, then writes the reports and figures.
//!
//! Re-running the same sweep skips points already in results.jsonl, so an
//! interrupted sweep resumes; `--shard K/N` runs one slice of the grid for
//! a cluster job array (`asyncsim merge` joins the slices). A point whose
//! guest fails is recorded with its reason and the others go on.

use super::report::write_reports;
use super::results_path::RESULTS_FILE;
use super::BUILD_ID;
use anyhow::{bail, Context, Result};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use reports::grid::{Shard, SweepSpec};
use reports::record::{Outcome, PointConfig, PointRecord};
use reports::results_file::{read_results, ResultsWriter};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Mutex;

#[derive(Args, Debug)]
pub struct SweepArgs {
    /// Sweep definition (TOML: workloads, designs, concurrency, rounds,
    /// harts, presets, sets, seeds); flags given too replace its lists.
    #[arg(long, value_name = "FILE")]
    pub spec: Option<PathBuf>,
    /// Output directory (results.jsonl, summaries, figures).
    #[arg(long, default_value = "results/sweep")]
    pub out: PathBuf,
    /// Comma-separated designs (default: every design that all the
    /// grid's workloads run).
    #[arg(long, value_delimiter = ',')]
    pub designs: Vec<String>,
    /// Comma-separated workloads.
    #[arg(long, value_delimiter = ',')]
    pub workloads: Vec<String>,
    /// Comma-separated concurrencies.
    #[arg(long, value_delimiter = ',')]
    pub concurrency: Vec<u64>,
    /// Comma-separated round counts.
    #[arg(long, value_delimiter = ',')]
    pub rounds: Vec<u64>,
    /// Comma-separated hart counts.
    #[arg(long, value_delimiter = ',')]
    pub harts: Vec<u32>,
    /// Comma-separated timing presets.
    #[arg(long, value_delimiter = ',')]
    pub presets: Vec<String>,
    /// KEY=VALUE override applied to every point (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Comma-separated seeds of the timing model's random state (random
    /// replacement; `run --seed`); several give error bars.
    #[arg(long, value_delimiter = ',')]
    pub seeds: Vec<u64>,
    /// Run only slice K of N of the grid.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Skip the summaries and figures at the end.
    #[arg(long = "no-report")]
    pub no_report: bool,
    /// Discard results in the output directory that another build of
    /// asyncsim measured (without it, finding any is an error).
    #[arg(long)]
    pub restart: bool,
    /// Also write report.tex.
    #[arg(long)]
    pub latex: bool,
    /// No progress bar (e.g. in CI logs).
    #[arg(long)]
    pub quiet: bool,
    /// Instruction budget per point (a point that exceeds it is recorded
    /// as failed).
    #[arg(long = "max-insns", default_value_t = super::point::POINT_BUDGET)]
    pub max_insns: u64,
    /// A sweep definition compiled in (the main job's), used when no
    /// --spec is given.
    #[arg(skip)]
    pub builtin_spec: Option<&'static str>,
}

/// The default sweep (sweeps/default.toml): what `asyncsim` without a
/// subcommand runs, and what the README's figures show.
pub const DEFAULT_SPEC: &str = include_str!("../../../sweeps/default.toml");

impl SweepArgs {
    /// The main job: the default sweep into `results/`, with reports.
    pub fn main_job() -> SweepArgs {
        SweepArgs {
            spec: None,
            out: PathBuf::from("results"),
            designs: Vec::new(),
            workloads: Vec::new(),
            concurrency: Vec::new(),
            rounds: Vec::new(),
            harts: Vec::new(),
            presets: Vec::new(),
            set: Vec::new(),
            seeds: Vec::new(),
            shard: None,
            jobs: None,
            no_report: false,
            // The main job always shows what this build measures.
            restart: true,
            latex: true,
            quiet: false,
            max_insns: super::point::POINT_BUDGET,
            builtin_spec: Some(DEFAULT_SPEC),
        }
    }
}

/// The grid of the flags and/or the spec file; flags win per list.
pub fn spec_of(args: &SweepArgs) -> Result<SweepSpec> {
    let mut spec = match (&args.spec, args.builtin_spec) {
        (Some(path), _) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            SweepSpec::from_toml(&text).with_context(|| format!("{}", path.display()))?
        }
        (None, Some(text)) => SweepSpec::from_toml(text).context("the built-in sweep")?,
        (None, None) => SweepSpec {
            workloads: vec!["null".into()],
            designs: Vec::new(),
            concurrency: vec![1, 2, 4, 8, 16, 32, 64],
            rounds: vec![10],
            harts: vec![1],
            presets: vec!["functional".into()],
            sets: vec![BTreeMap::new()],
            seeds: vec![0],
        },
    };
    fn replace<T: Clone>(list: &mut Vec<T>, flag: &[T]) {
        if !flag.is_empty() {
            *list = flag.to_vec();
        }
    }
    replace(&mut spec.workloads, &args.workloads);
    replace(&mut spec.designs, &args.designs);
    replace(&mut spec.concurrency, &args.concurrency);
    replace(&mut spec.rounds, &args.rounds);
    replace(&mut spec.harts, &args.harts);
    replace(&mut spec.presets, &args.presets);
    replace(&mut spec.seeds, &args.seeds);
    if spec.designs.is_empty() {
        // Every design all the grid's workloads run (unknown workloads are
        // reported by `check_names`).
        let grid: Vec<_> = spec
            .workloads
            .iter()
            .filter_map(|w| workloads::workload(w))
            .collect();
        spec.designs = workloads::DESIGNS
            .iter()
            .filter(|d| grid.iter().all(|w| w.runs(d)))
            .map(|d| d.to_string())
            .collect();
        if spec.designs.is_empty() && grid.len() == spec.workloads.len() {
            bail!(
                "no design runs on every workload of the grid ({}): give the designs, in sweeps that pair them",
                spec.workloads.join(", ")
            );
        }
    }
    if !args.set.is_empty() {
        let mut overrides = BTreeMap::new();
        for kv in &args.set {
            let Some((k, v)) = kv.split_once('=') else {
                bail!("--set {kv:?}: expected KEY=VALUE");
            };
            overrides.insert(k.trim().to_string(), v.trim().to_string());
        }
        for set in &mut spec.sets {
            set.extend(overrides.clone());
        }
    }
    spec.validate()?;
    Ok(spec)
}

/// Runs one point: its metrics, or why it failed.
pub type Runner =
    dyn Fn(&PointConfig) -> std::result::Result<BTreeMap<String, serde_json::Value>, String> + Sync;

pub fn run(args: SweepArgs) -> Result<u8> {
    let spec = spec_of(&args)?;
    check_names(&spec)?;
    let budget = args.max_insns;
    let runner = move |point: &PointConfig| super::point::run_point(point, budget);
    sweep(&args, &spec, &runner)
}

/// Fails on a workload or design the simulator does not know, or a
/// workload paired with a design its program does not run, before any
/// point runs (bad input, not failed points).
fn check_names(spec: &SweepSpec) -> Result<()> {
    for w in &spec.workloads {
        if !workloads::WORKLOADS.iter().any(|k| k.name == w) {
            let known: Vec<_> = workloads::WORKLOADS.iter().map(|k| k.name).collect();
            bail!("unknown workload {w:?} (known: {})", known.join(", "));
        }
    }
    for d in &spec.designs {
        if !workloads::DESIGNS.contains(&d.as_str()) {
            bail!(
                "unknown design {d:?} (known: {})",
                workloads::DESIGNS.join(", ")
            );
        }
    }
    let not_run: Vec<String> = spec
        .workloads
        .iter()
        .filter_map(|w| workloads::workload(w))
        .flat_map(|w| spec.designs.iter().map(move |d| (w, d)))
        .filter(|(w, d)| !w.runs(d))
        .map(|(w, d)| super::workload::not_run(w, d))
        .collect();
    if !not_run.is_empty() {
        bail!(
            "the grid pairs workloads with designs they do not run (split it into sweeps that do):\n  {}",
            not_run.join("\n  ")
        );
    }
    for &harts in &spec.harts {
        super::workload::check_harts(harts.into())?;
    }
    super::point::check_guest_params(spec)?;
    super::point::check_presets(spec)
}

/// The sweep itself, with the point runner given (tests may pass others).
pub fn sweep(args: &SweepArgs, spec: &SweepSpec, runner: &Runner) -> Result<u8> {
    let shard = match &args.shard {
        Some(text) => Shard::parse(text)?,
        None => Shard::ALL,
    };
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create the output directory {}", args.out.display()))?;
    let file = args.out.join(RESULTS_FILE);
    let existing = read_results(&file)?;
    let stale = existing
        .iter()
        .filter(|r| r.build.as_deref() != Some(BUILD_ID))
        .count();
    let done: BTreeSet<String> = if stale == 0 {
        existing.iter().map(|r| r.config.key()).collect()
    } else if args.restart {
        std::fs::remove_file(&file).with_context(|| format!("cannot remove {}", file.display()))?;
        if !args.quiet {
            eprintln!(
                "sweep: {stale} points in {} came from another build of asyncsim; starting over",
                file.display()
            );
        }
        BTreeSet::new()
    } else {
        bail!(
            "{}: {stale} of its {} points came from another build of asyncsim (this is \
             build {BUILD_ID}); results of two builds must not be mixed: use another --out \
             directory, or --restart to discard them",
            file.display(),
            existing.len()
        );
    };
    let points: Vec<PointConfig> = shard
        .select(spec.points())
        .into_iter()
        .filter(|p| !done.contains(&p.key()))
        .collect();
    let writer = Mutex::new(ResultsWriter::open(&file)?);
    let total = points.len();
    if !args.quiet {
        eprintln!(
            "sweep: {total} points to run ({} already in {})",
            done.len(),
            file.display()
        );
    }
    let bar = if args.quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(total as u64).with_style(
            ProgressStyle::with_template(
                "{bar:40} {pos}/{len} points, {elapsed} elapsed, ETA {eta} {msg}",
            )
            .expect("a valid template"),
        )
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.unwrap_or(0))
        .build()
        .context("cannot start worker threads")?;
    let failures = Mutex::new(Vec::new());
    let write_error = Mutex::new(None);
    pool.install(|| {
        points.par_iter().for_each(|point| {
            let outcome = match runner(point) {
                Ok(metrics) => Outcome::Ok { metrics },
                Err(reason) => {
                    failures
                        .lock()
                        .unwrap()
                        .push(format!("{}: {reason}", point.key()));
                    Outcome::Failed { reason }
                }
            };
            let record = PointRecord {
                config: point.clone(),
                outcome,
                build: Some(BUILD_ID.to_owned()),
            };
            if let Err(e) = writer.lock().unwrap().append(&record) {
                write_error.lock().unwrap().get_or_insert(e);
            }
            bar.inc(1);
        });
    });
    bar.finish_and_clear();
    if let Some(e) = write_error.into_inner().unwrap() {
        return Err(e.into());
    }
    let failures = failures.into_inner().unwrap();
    for f in &failures {
        eprintln!("sweep: point failed: {f}");
    }
    if !args.no_report {
        for path in write_reports(&file, &args.out, args.latex)? {
            if !args.quiet {
                eprintln!("wrote {}", path.display());
            }
        }
    }
    println!(
        "sweep: {} points run, {} failed; results in {}",
        total,
        failures.len(),
        file.display()
    );
    Ok(if failures.is_empty() { 0 } else { 1 })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every sweep the repository ships parses and names only workloads,
    /// designs, presets and settings the simulator knows.
    #[test]
    fn the_shipped_sweeps_are_valid() {
        for (name, text) in [
            ("default", DEFAULT_SPEC),
            ("ci-quick", include_str!("../../../sweeps/ci-quick.toml")),
            (
                "worker-placement",
                include_str!("../../../sweeps/worker-placement.toml"),
            ),
            ("quantum", include_str!("../../../sweeps/quantum.toml")),
        ] {
            let spec = SweepSpec::from_toml(text).unwrap_or_else(|e| panic!("{name}: {e}"));
            check_names(&spec).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(!spec.points().is_empty(), "{name}");
        }
    }

    #[test]
    fn the_main_job_is_the_default_sweep_into_results() {
        let args = SweepArgs::main_job();
        assert_eq!(args.out, PathBuf::from("results"));
        let spec = spec_of(&args).unwrap();
        assert_eq!(spec, SweepSpec::from_toml(DEFAULT_SPEC).unwrap());
        assert_eq!(spec.designs.len(), 6);
    }

    /// Without designs, a grid takes every design all its workloads run.
    #[test]
    fn the_default_designs_are_those_every_workload_runs() {
        let designs = |workloads: &[&str]| {
            let args = SweepArgs {
                workloads: workloads.iter().map(|w| w.to_string()).collect(),
                builtin_spec: None,
                ..SweepArgs::main_job()
            };
            spec_of(&args).unwrap().designs
        };
        assert_eq!(designs(&["ipc"]), ["ipc-sync"]);
        assert_eq!(designs(&["echo", "null"]), ["sync"]);
        assert_eq!(designs(&["null", "seed"]).len(), 6);
        let args = SweepArgs {
            workloads: vec!["ipc".into(), "ipcu".into()],
            builtin_spec: None,
            ..SweepArgs::main_job()
        };
        let error = spec_of(&args).unwrap_err().to_string();
        assert!(
            error.contains("no design runs on every workload"),
            "{error}"
        );
    }
}
