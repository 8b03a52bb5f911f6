//! `asyncsim run`: boot an ELF (or firmware + kernel) and run it to the end.

use super::point::{parse_quantum, PARAM_PREFIX, QUANTUM_KEY};
use super::timing::{fit_machine, model_for_run};
use anyhow::{anyhow, bail, Context, Result};
use clap::{Args, ValueEnum};
use models::TimingModel;
use riscv_core::commit_log::CommitLog;
use riscv_core::hart::MisalignedPolicy;
use riscv_core::machine::{Machine, MachineConfig};
use riscv_core::platform::UartOutput;
use sim_core::{NullSink, RunLimits, StopReason};
use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Args, Debug)]
pub struct RunArgs {
    /// Guest ELF to load and boot (same as --kernel without --bios).
    pub elf: Option<PathBuf>,
    /// Number of harts.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub harts: u32,
    /// DRAM size in MiB.
    #[arg(long = "mem-mib", default_value_t = 128, value_parser = clap::value_parser!(u64).range(1..=16384))]
    pub mem_mib: u64,
    /// Stop after this many instructions (all harts together).
    #[arg(long = "max-insns")]
    pub max_insns: Option<u64>,
    /// Write a Spike-compatible commit log to FILE.
    #[arg(long = "log-commits", value_name = "FILE")]
    pub log_commits: Option<PathBuf>,
    /// Firmware ELF started first in M-mode (like QEMU -bios).
    #[arg(long, value_name = "FILE", requires = "kernel")]
    pub bios: Option<PathBuf>,
    /// Kernel ELF loaded beside the firmware (like QEMU -kernel).
    #[arg(long, value_name = "FILE")]
    pub kernel: Option<PathBuf>,
    /// Send UART output to FILE instead of stdout.
    #[arg(long = "uart-output", value_name = "FILE")]
    pub uart_output: Option<PathBuf>,
    /// Misaligned loads/stores: emulate them or trap to the guest.
    #[arg(long, value_enum, default_value_t = Misaligned::Emulate)]
    pub misaligned: Misaligned,
    /// Instructions per hart before switching to the next hart (default
    /// 1000); with a timing --preset, cycles of simulated time per round of
    /// turns (default: the preset's cross-hart latency, the fewest cycles
    /// in which one hart can affect another).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub quantum: Option<u64>,
    /// Kernel command line placed in the device tree (/chosen/bootargs).
    #[arg(long, default_value = "")]
    pub bootargs: String,
    /// Load the kernel/program as a raw binary at this address (hex ok)
    /// instead of parsing it as ELF.
    #[arg(long = "raw-addr", value_name = "ADDR", value_parser = parse_addr)]
    pub raw_addr: Option<u64>,
    /// Print the run's statistics tree as JSON on stdout at the end (add
    /// --uart-output FILE to keep the guest's output out of stdout). With
    /// --workload: print the region-of-interest metrics as one JSON object
    /// (the guest's output then goes to stderr unless --uart-output).
    #[arg(long)]
    pub json: bool,
    /// Run a benchmark workload (e.g. `null`) on the bundled firmware and
    /// kernel and print its region-of-interest metrics.
    #[arg(long, value_name = "NAME", conflicts_with_all = ["elf", "bios", "kernel", "bootargs", "raw_addr"])]
    pub workload: Option<String>,
    /// Syscall design of the workload (sync, async-uintr, async-poll,
    /// batch, async-trapnotify, adaptive, ipc-sync, ipc-uintr).
    #[arg(long, value_name = "D", requires = "workload")]
    pub design: Option<String>,
    /// Submitting coroutines per process (default 1).
    #[arg(long, value_name = "C", requires = "workload", value_parser = clap::value_parser!(u64).range(1..))]
    pub concurrency: Option<u64>,
    /// Rounds the workload runs (default 10).
    #[arg(long, value_name = "R", requires = "workload", value_parser = clap::value_parser!(u64).range(1..))]
    pub rounds: Option<u64>,
    /// Extra KEY=VALUE for the workload's command line (repeatable).
    #[arg(long = "param", value_name = "KEY=VALUE", requires = "workload")]
    pub params: Vec<String>,
    /// Timing model preset (`functional` = none: 1 cycle per instruction;
    /// others from models/presets, e.g. rocket-fpga, sifive-u74).
    #[arg(long, default_value = super::timing::FUNCTIONAL)]
    pub preset: String,
    /// KEY=VALUE override of a preset setting (repeatable), e.g.
    /// `--set l1d.size_kib=64`.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub sets: Vec<String>,
    /// Seed of the timing model's random state (random replacement),
    /// mixed into the preset's own; 0 keeps the preset's. A sweep point's
    /// `seed` is this.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Misaligned {
    Emulate,
    Trap,
}

fn parse_addr(s: &str) -> std::result::Result<u64, String> {
    let t = s.trim();
    let parsed = match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(&hex.replace('_', ""), 16),
        None => t.replace('_', "").parse(),
    };
    parsed.map_err(|_| format!("not an address: {s:?}"))
}

/// Moves `--set param.KEY=VALUE` to the workload's parameters (as
/// `--param KEY=VALUE`) and `--set machine.quantum=N` to `--quantum`, as
/// a sweep does, so that a sweep's flags rerun one of its points
/// unchanged.
fn take_sweep_settings(args: &mut RunArgs) -> Result<()> {
    let quantum_set = format!("{QUANTUM_KEY}=");
    let (quanta, sets): (Vec<String>, Vec<String>) = std::mem::take(&mut args.sets)
        .into_iter()
        .partition(|s| s.trim_start().starts_with(&quantum_set));
    for set in quanta {
        let value = &set.trim_start()[quantum_set.len()..];
        let quantum = parse_quantum(value).map_err(|e| anyhow!(e))?;
        if let Some(given) = args.quantum.filter(|&q| q != quantum) {
            bail!("--set {set} and --quantum {given} disagree");
        }
        args.quantum = Some(quantum);
    }
    let (params, model): (Vec<String>, Vec<String>) = sets
        .into_iter()
        .partition(|s| s.trim_start().starts_with(PARAM_PREFIX));
    args.sets = model;
    if let Some(first) = params.first() {
        if args.workload.is_none() {
            bail!("--set {first}: `param.` settings are a workload's command line (give --workload, or --bootargs)");
        }
    }
    let params = params
        .iter()
        .map(|s| s.trim_start()[PARAM_PREFIX.len()..].to_string());
    args.params.extend(params);
    Ok(())
}

fn read_file(path: &PathBuf) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

pub fn run(mut args: RunArgs) -> Result<u8> {
    take_sweep_settings(&mut args)?;
    if args.workload.is_some() {
        return super::workload::run(&args);
    }
    let (bios, kernel) = match (&args.elf, &args.bios, &args.kernel) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
            bail!("give either a positional ELF or --kernel/--bios, not both")
        }
        (Some(elf), None, None) => (None, elf.clone()),
        (None, bios, Some(kernel)) => (bios.clone(), kernel.clone()),
        (None, _, None) => bail!("nothing to run: give an ELF (or --kernel)"),
    };
    let uart = match &args.uart_output {
        Some(p) => UartOutput::File(p.clone()),
        None => UartOutput::Stdout,
    };
    let mut machine = build_machine(&args, args.bootargs.clone(), uart)?;

    let kernel_bytes = read_file(&kernel)?;
    let kernel_elf = match args.raw_addr {
        Some(addr) => machine.load_raw(&kernel_bytes, addr),
        None => machine.load_elf(&kernel_bytes),
    }
    .with_context(|| format!("cannot load {}", kernel.display()))?;
    let entry = match &bios {
        Some(bios) => {
            let bytes = read_file(bios)?;
            let fw = machine
                .load_elf(&bytes)
                .with_context(|| format!("cannot load {}", bios.display()))?;
            machine.set_next_stage(kernel_elf.entry);
            fw.entry
        }
        None => kernel_elf.entry,
    };
    machine.boot(entry)?;

    let mut model = model_for_run(&args)?;
    fit_machine(&mut machine, model.as_ref(), args.quantum);
    let (stop, secs) = execute(&mut machine, &args, model.as_mut())?;
    print_summary(&machine, &stop, secs);
    if args.json {
        let mut stats = machine.stats();
        if let Some(model) = &model {
            stats.merge_prefixed("model", &model.stats());
        }
        println!("{}", serde_json::to_string_pretty(&stats.to_json())?);
    }
    if let StopReason::InstructionBudget(_) = stop {
        eprintln!(
            "asyncsim: the guest did not stop within --max-insns; raise it or check the guest"
        );
    }
    Ok(stop.host_exit_code() as u8)
}

/// The machine `args` describe (harts, memory, misaligned policy), with
/// the given command line and UART destination. The quantum comes with
/// the timing model (`fit_machine`).
pub fn build_machine(args: &RunArgs, bootargs: String, uart: UartOutput) -> Result<Machine> {
    let mut config = MachineConfig::default();
    config.platform.harts = args.harts as usize;
    config.platform.ram_size = args.mem_mib << 20;
    config.platform.bootargs = bootargs;
    config.platform.uart_output = uart;
    config.misaligned = match args.misaligned {
        Misaligned::Emulate => MisalignedPolicy::Emulate,
        Misaligned::Trap => MisalignedPolicy::Trap,
    };
    Machine::new(config).context("cannot build the machine")
}

/// Runs a booted machine to its end under `args`' budget (and commit log,
/// if asked, or the timing `model`) and flushes the guest's output;
/// returns why it stopped and the host seconds it took.
pub fn execute(
    machine: &mut Machine,
    args: &RunArgs,
    model: Option<&mut TimingModel>,
) -> Result<(StopReason, f64)> {
    let limits = RunLimits {
        max_instructions: args.max_insns,
    };
    let start = Instant::now();
    let stop = match (&args.log_commits, model) {
        (Some(_), Some(_)) => bail!("--log-commits and a timing --preset cannot be combined yet"),
        (None, Some(model)) => machine.run(model, limits),
        (Some(path), None) => {
            let file =
                File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
            let mut log = CommitLog::new(BufWriter::new(file));
            let stop = machine.run(&mut log, limits);
            log.finish()
                .with_context(|| format!("cannot write {}", path.display()))?;
            stop
        }
        (None, None) => machine.run(&mut NullSink, limits),
    };
    let secs = start.elapsed().as_secs_f64();
    machine.flush_output();
    Ok((stop, secs))
}

/// The summary line on stderr: stop reason, instructions, host speed.
pub fn print_summary(machine: &Machine, stop: &StopReason, secs: f64) {
    let insns = machine.instret();
    let mips = super::mips(insns, secs);
    eprintln!("asyncsim: {stop}; {insns} instructions in {secs:.3} s ({mips:.1} MIPS)");
}
