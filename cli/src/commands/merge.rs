//! `asyncsim merge OUT INPUT...`: joins the results of sweep shards (or
//! of interrupted and resumed runs) into `OUT/results.jsonl`, one record
//! per point, in grid-independent key order.

use super::results_path::{results_file, RESULTS_FILE};
use anyhow::{bail, Context, Result};
use clap::Args;
use reports::record::PointRecord;
use reports::results_file::{read_results, write_results};
use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct MergeArgs {
    /// Output directory for the merged results.jsonl.
    pub out: PathBuf,
    /// Sweep directories or results files to merge.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
}

pub fn run(args: MergeArgs) -> Result<u8> {
    let mut merged: BTreeMap<String, PointRecord> = BTreeMap::new();
    for input in &args.inputs {
        let file = results_file(input);
        if !file.is_file() {
            bail!("no results at {}", file.display());
        }
        for record in read_results(&file)? {
            let key = record.config.key();
            match merged.get(&key) {
                Some(seen)
                    if (&seen.config, &seen.outcome) != (&record.config, &record.outcome) =>
                {
                    bail!(
                        "{}: point `{key}` has a different result than in an earlier input \
                     (the simulator is deterministic: were they made by different versions?)",
                        file.display()
                    )
                }
                _ => {
                    merged.insert(key, record);
                }
            }
        }
    }
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let out = args.out.join(RESULTS_FILE);
    let records: Vec<PointRecord> = merged.into_values().collect();
    write_results(&out, &records)?;
    println!("merged {} points into {}", records.len(), out.display());
    Ok(0)
}
