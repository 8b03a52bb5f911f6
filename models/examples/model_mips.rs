//! Full-timing speed outside criterion: runs the benchmark's `loop`
//! program (about 44 M instructions) through a preset's model and prints
//! instructions per wall-clock second. On a shared machine, run it under
//! `perf stat -e task-clock` and divide by CPU time instead.
//!
//! `cargo run --release -p models --example model_mips -- rocket-fpga`

#[path = "../benches/support/loop_program.rs"]
mod loop_program;

use models::{Preset, TimingModel};

fn main() {
    let name = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "rocket-fpga".into());
    let preset = match Preset::load(&name) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let mut model = TimingModel::new(&preset, 1).expect("built-in presets are valid");
    let start = std::time::Instant::now();
    let insts = loop_program::run_loop(&mut model, 3_000_000);
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{name}: {insts} instructions in {secs:.3} s = {:.1} MIPS (wall); {} simulated cycles",
        insts as f64 / secs / 1e6,
        model.cycles(0)
    );
}
