//! `asyncsim plot`: turns a sweep's results into the paper outputs —
//! figures (SVG + PNG), `summary.csv`, `summary.json`, `report.md` and,
//! with `--latex`, `report.tex`.

use super::results_path::results_file;
use anyhow::{bail, Context, Result};
use clap::Args;
use reports::plot::plot_all;
use reports::results_file::read_results;
use reports::summary::summarize;
use std::path::{Path, PathBuf};

#[derive(Args, Debug)]
pub struct PlotArgs {
    /// A sweep's output directory (or its results.jsonl).
    pub results: PathBuf,
    /// Where to write the outputs (default: beside the results).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Also write the tables as LaTeX (report.tex).
    #[arg(long)]
    pub latex: bool,
}

pub fn run(args: PlotArgs) -> Result<u8> {
    let file = results_file(&args.results);
    if !file.is_file() {
        bail!("no results at {}", file.display());
    }
    let out = match &args.out {
        Some(dir) => dir.clone(),
        None => file.parent().unwrap_or(Path::new(".")).to_owned(),
    };
    let written = write_reports(&file, &out, args.latex)?;
    for path in written {
        println!("wrote {}", path.display());
    }
    Ok(0)
}

/// Reads `file` and writes every report into `out`; returns the files.
pub fn write_reports(file: &Path, out: &Path, latex: bool) -> Result<Vec<PathBuf>> {
    let records = read_results(file)?;
    if records.is_empty() {
        bail!("{} holds no results", file.display());
    }
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let summary = summarize(&records);
    let mut written = Vec::new();
    let mut write = |name: &str, text: String| -> Result<()> {
        let path = out.join(name);
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
        written.push(path);
        Ok(())
    };
    write("summary.csv", summary.to_csv())?;
    write("summary.json", summary.to_json())?;
    write("report.md", summary.to_markdown())?;
    if latex {
        write("report.tex", summary.to_latex())?;
    }
    written.extend(plot_all(&summary, out).context("cannot draw the figures")?);
    Ok(written)
}
