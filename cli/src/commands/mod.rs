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

/// Fingerprint of the sources this binary's results depend on (see
/// build.rs): results of two builds with the same id are comparable.
pub const BUILD_ID: &str = env!("ASYNCSIM_BUILD_ID");

/// Millions of guest instructions per host second (0 for an instant run).
pub fn mips(instructions: u64, seconds: f64) -> f64 {
    if seconds > 0.0 {
        instructions as f64 / seconds / 1e6
    } else {
        0.0
    }
}
