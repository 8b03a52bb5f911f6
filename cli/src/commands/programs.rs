//! `asyncsim programs`: boots every bundled guest program on the
//! emulator, checks that each one ends as intended (its own checks pass;
//! the fault programs fail with their documented codes), and writes one
//! JSON record per program (stop reason, instructions, host speed) to
//! `<out>/programs.jsonl` plus a Markdown table to `<out>/programs.md`.

use super::mips;
use anyhow::{Context, Result};
use clap::Args;
use riscv_core::machine::{Machine, MachineConfig};
use riscv_core::platform::UartOutput;
use sim_core::{NullSink, RunLimits, StopReason};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Args, Debug)]
pub struct ProgramsArgs {
    /// Output directory.
    #[arg(long, default_value = "results")]
    pub out: PathBuf,
    /// Harts for the multi-hart programs.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub harts: u32,
    /// Instruction budget per program.
    #[arg(long = "max-insns", default_value_t = 2_000_000_000)]
    pub max_insns: u64,
}

impl Default for ProgramsArgs {
    fn default() -> Self {
        Self {
            out: PathBuf::from("results"),
            harts: 4,
            max_insns: 2_000_000_000,
        }
    }
}

/// One program's outcome.
struct Outcome {
    name: &'static str,
    harts: usize,
    stop: StopReason,
    instructions: u64,
    seconds: f64,
    output: String,
}

fn run_one(name: &'static str, elf: &[u8], harts: usize, max_insns: u64) -> Result<Outcome> {
    let mut config = MachineConfig::default();
    config.platform.harts = harts;
    config.platform.uart_output = UartOutput::Buffer;
    let mut machine = Machine::new(config)?;
    let image = machine
        .load_elf(elf)
        .with_context(|| format!("cannot load guest program {name}"))?;
    machine.boot(image.entry)?;
    let start = Instant::now();
    let stop = machine.run(
        &mut NullSink,
        RunLimits {
            max_instructions: Some(max_insns),
        },
    );
    let seconds = start.elapsed().as_secs_f64();
    let output = String::from_utf8_lossy(&machine.bus.uart.take_output()).into_owned();
    Ok(Outcome {
        name,
        harts,
        stop,
        instructions: machine.instret(),
        seconds,
        output,
    })
}

pub fn run(args: ProgramsArgs) -> Result<u8> {
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let mut outcomes = Vec::new();
    for &name in workloads::GUEST_PROGRAMS {
        let elf = workloads::guest_program(name).context("bundled program missing")?;
        let harts = if name.starts_with("smp") {
            args.harts as usize
        } else {
            1
        };
        let o = run_one(name, elf, harts, args.max_insns)?;
        eprintln!(
            "{:<12} {:<40} {:>13} insns {:>8.1} MIPS",
            o.name,
            o.stop.to_string(),
            o.instructions,
            mips(o.instructions, o.seconds)
        );
        outcomes.push(o);
    }
    let jsonl_path = args.out.join("programs.jsonl");
    let mut jsonl = String::new();
    let mut md = String::from(
        "| program | harts | result | instructions | host s | MIPS |\n|---|---:|---|---:|---:|---:|\n",
    );
    for o in &outcomes {
        let record = serde_json::json!({
            "program": o.name,
            "harts": o.harts,
            "stop": o.stop.to_string(),
            "exit_code": o.stop.host_exit_code(),
            "expected_exit_code": workloads::expected_exit_code(o.name),
            "instructions": o.instructions,
            "host_seconds": o.seconds,
            "mips": mips(o.instructions, o.seconds),
            "output": o.output,
        });
        jsonl.push_str(&record.to_string());
        jsonl.push('\n');
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {:.3} | {:.1} |",
            o.name,
            o.harts,
            o.stop,
            o.instructions,
            o.seconds,
            mips(o.instructions, o.seconds)
        );
    }
    write_file(&jsonl_path, jsonl.as_bytes())?;
    write_file(&args.out.join("programs.md"), md.as_bytes())?;
    eprintln!("wrote {} and programs.md", jsonl_path.display());
    let failed = outcomes
        .iter()
        .filter(|o| o.stop != StopReason::Exited(workloads::expected_exit_code(o.name)))
        .count();
    if failed > 0 {
        eprintln!("asyncsim: {failed} program(s) failed");
        return Ok(1);
    }
    Ok(0)
}

fn write_file(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}
