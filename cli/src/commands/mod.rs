pub mod check;
pub mod merge;
mod point;
pub mod programs;
pub mod report;
mod results_path;
pub mod run;
pub mod sweep;
mod timing;
pub mod workload;

/// Millions of guest instructions per host second (0 for an instant run).
pub fn mips(instructions: u64, seconds: f64) -> f64 {
    if seconds > 0.0 {
        instructions as f64 / seconds / 1e6
    } else {
        0.0
    }
}
