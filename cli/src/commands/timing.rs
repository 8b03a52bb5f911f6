//! The timing model a run uses: none (functional: a cycle per instruction
//! plus idle time) or a `models` preset with `--set key=value` overrides.

use anyhow::{anyhow, Result};
use models::{ModelError, Preset, TimingModel};
use riscv_core::platform::RAM_BASE;

/// Makes `machine`'s harts what `model` times: as many satp.ASID bits as
/// its MMU has (a preset without ASIDs reads 0 there, so the guest kernel
/// flushes on every address-space switch, as on that core). Sets the
/// quantum: `quantum` if given, else with a model its cross-hart latency
/// (no hart then runs further ahead of another than one hart can affect
/// another; a longer one lets a polling hart see requests late or a
/// woken one run early, by up to the quantum), else the machine's
/// default of 1000 instructions.
pub fn fit_machine(
    machine: &mut riscv_core::machine::Machine,
    model: Option<&TimingModel>,
    quantum: Option<u64>,
) {
    if let Some(model) = model {
        machine.set_asid_bits(model.preset().mmu.asid_bits);
    }
    if let Some(q) = quantum.or(model.map(|m| m.preset().cross_hart_latency())) {
        machine.set_quantum(q);
    }
}

/// The preset name that means "no timing model".
pub const FUNCTIONAL: &str = "functional";

/// Every preset name, functional first.
pub fn preset_names() -> Vec<&'static str> {
    let mut names = vec![FUNCTIONAL];
    names.extend(Preset::names());
    names
}

/// The model for `preset` with `sets` ("key=value") applied, for a machine
/// of `harts` harts and `ram_size` bytes of RAM; `None` for functional.
pub fn build_model(
    preset: &str,
    sets: &[String],
    seed: u64,
    harts: usize,
    ram_size: u64,
) -> Result<Option<TimingModel>> {
    if preset == FUNCTIONAL {
        if let Some(set) = sets.first() {
            return Err(anyhow!(
                "--set {set}: the functional preset has no settings (pick a --preset: {})",
                preset_names().join(", ")
            ));
        }
        return Ok(None);
    }
    let mut p = Preset::load(preset).map_err(|e| match e {
        // The model knows its presets; "functional" is the CLI's.
        ModelError::UnknownPreset { name, .. } => anyhow!(
            "unknown preset `{name}` (known: {})",
            preset_names().join(", ")
        ),
        e => anyhow!("{e}"),
    })?;
    p.apply_overrides(sets.iter().map(String::as_str))
        .map_err(|e| anyhow!("{e}"))?;
    p.reseed(seed);
    let mut model = TimingModel::new(&p, harts).map_err(|e| anyhow!("{e}"))?;
    model.set_cacheable_range(RAM_BASE, ram_size);
    Ok(Some(model))
}

/// The model of a run's `--preset`/`--set` for its harts and memory.
pub fn model_for_run(args: &super::run::RunArgs) -> Result<Option<TimingModel>> {
    build_model(
        &args.preset,
        &args.sets,
        args.seed,
        args.harts as usize,
        args.mem_mib << 20,
    )
}

/// What `cycles` means in a result: the model (with its settings and a
/// seed other than 0), or the functional clock.
pub fn cycle_model(preset: &str, sets: &[String], seed: u64) -> String {
    if preset == FUNCTIONAL {
        return reports::roi_metrics::FUNCTIONAL_CYCLE_MODEL.to_string();
    }
    let mut model = format!("timing model: preset {preset}");
    if !sets.is_empty() {
        model += &format!(" with {}", sets.join(" "));
    }
    if seed != 0 {
        model += &format!(", seed {seed}");
    }
    model
}
