//! One sweep point, run in-process: boot the bundled firmware and kernel
//! with the point's workload, design, concurrency and rounds on its number
//! of harts, run to the end under a budget, and return the metrics of the
//! region of interest (or why there are none). Nothing is printed, so
//! points can run on many threads at once.
//!
//! A point's `overrides` are timing-model settings (`--set key=value`),
//! except keys starting with `param.`, which go to the guest's command line
//! (`--set param.kind=write` runs the benchmark with `kind=write`), and
//! `machine.quantum`, the machine's quantum (as `asyncsim run --quantum`;
//! by default the preset's cross-hart latency).

use super::timing::{build_model, cycle_model, fit_machine};
use super::workload::{verdict, WorkloadRequest};
use reports::grid::SweepSpec;
use reports::record::PointConfig;
use riscv_core::machine::{Machine, MachineConfig};
use riscv_core::platform::UartOutput;
use sim_core::{NullSink, RunLimits};
use std::collections::BTreeMap;

/// Instructions a point may take by default before it is stopped as runaway.
pub const POINT_BUDGET: u64 = 4_000_000_000;
/// Override keys with this prefix are guest command-line parameters.
pub const PARAM_PREFIX: &str = "param.";
/// The override key of the machine's quantum.
pub const QUANTUM_KEY: &str = "machine.quantum";

/// Fails on a preset or override the simulator does not know, by
/// building every preset x override-set model of the grid once.
pub fn check_presets(spec: &SweepSpec) -> anyhow::Result<()> {
    for preset in &spec.presets {
        for set in &spec.sets {
            build_model(preset, &model_sets(set), 0, 1, 1 << 20)?;
            quantum(set).map_err(|e| anyhow::anyhow!(e))?;
        }
    }
    Ok(())
}

/// The timing-model overrides of a point ("key=value"), without the guest
/// parameters and the quantum.
fn model_sets(overrides: &BTreeMap<String, String>) -> Vec<String> {
    overrides
        .iter()
        .filter(|(k, _)| !k.starts_with(PARAM_PREFIX) && *k != QUANTUM_KEY)
        .map(|(k, v)| format!("{k}={v}"))
        .collect()
}

/// The quantum a point's overrides set, if they do.
fn quantum(overrides: &BTreeMap<String, String>) -> Result<Option<u64>, String> {
    overrides
        .get(QUANTUM_KEY)
        .map(|v| parse_quantum(v))
        .transpose()
}

/// The value of a `machine.quantum` setting.
pub fn parse_quantum(value: &str) -> Result<u64, String> {
    match value.trim().parse::<u64>() {
        Ok(q) if q >= 1 => Ok(q),
        _ => Err(format!(
            "--set {QUANTUM_KEY}={value}: expected a whole number of at least 1 (cycles, or instructions without a timing preset)"
        )),
    }
}

/// The guest parameters of a point's overrides ("key=value", the
/// `param.` prefix taken off).
fn guest_params(overrides: &BTreeMap<String, String>) -> Vec<String> {
    overrides
        .iter()
        .filter_map(|(k, v)| Some(format!("{}={v}", k.strip_prefix(PARAM_PREFIX)?)))
        .collect()
}

/// Fails on a `param.` setting a workload of the grid does not read, or
/// one of its designs cannot take, before any point runs.
pub fn check_guest_params(spec: &SweepSpec) -> anyhow::Result<()> {
    for workload in spec.workloads.iter().filter_map(|w| workloads::workload(w)) {
        for design in spec.designs.iter().filter(|d| workload.runs(d)) {
            for set in &spec.sets {
                WorkloadRequest::new(workload.name, design, 1, 1, &guest_params(set))?;
            }
        }
    }
    Ok(())
}

/// Runs `point` with an instruction `budget`; its metrics by name, or a
/// one-line reason.
pub fn run_point(
    point: &PointConfig,
    budget: u64,
) -> Result<BTreeMap<String, serde_json::Value>, String> {
    let params = guest_params(&point.overrides);
    let request = WorkloadRequest::new(
        &point.workload,
        &point.design,
        point.concurrency,
        point.rounds,
        &params,
    )
    .map_err(|e| e.to_string())?;
    let mut config = MachineConfig::default();
    config.platform.harts = point.harts as usize;
    config.platform.bootargs = request.bootargs(point.harts);
    config.platform.uart_output = UartOutput::Buffer;
    let config_ram = config.platform.ram_size;
    let mut machine = Machine::new(config).map_err(|e| format!("cannot build the machine: {e}"))?;
    let boot = |machine: &mut Machine| -> Result<(), String> {
        let kernel = machine
            .load_elf(workloads::kernel())
            .map_err(|e| e.to_string())?;
        let firmware = machine
            .load_elf(workloads::firmware())
            .map_err(|e| e.to_string())?;
        machine.set_next_stage(kernel.entry);
        machine.boot(firmware.entry).map_err(|e| e.to_string())
    };
    boot(&mut machine)?;
    let sets = model_sets(&point.overrides);
    let limits = RunLimits {
        max_instructions: Some(budget),
    };
    let model = build_model(
        &point.preset,
        &sets,
        point.seed,
        point.harts as usize,
        config_ram,
    )
    .map_err(|e| e.to_string())?;
    fit_machine(&mut machine, model.as_ref(), quantum(&point.overrides)?);
    let stop = match model {
        Some(mut model) => machine.run(&mut model, limits),
        None => machine.run(&mut NullSink, limits),
    };
    let cycle_model = cycle_model(&point.preset, &sets, point.seed);
    let metrics = verdict(&stop, machine.roi(), &request, &cycle_model).map_err(|(_, why)| {
        // The guest's last words say why it failed.
        let output = String::from_utf8_lossy(&machine.bus.uart.take_output()).into_owned();
        let last: Vec<&str> = output.lines().rev().take(3).collect();
        if last.is_empty() {
            why
        } else {
            let mut tail: Vec<&str> = last.into_iter().rev().collect();
            tail.retain(|l| !l.trim().is_empty());
            format!("{why}; guest output ends: {}", tail.join(" | "))
        }
    })?;
    let mut map: BTreeMap<String, serde_json::Value> = match serde_json::to_value(&metrics) {
        Ok(serde_json::Value::Object(map)) => map.into_iter().collect(),
        _ => return Err("metrics did not serialize to an object".into()),
    };
    if !machine.roi_sink_counters().is_empty() {
        // The timing model's counters over the region (caches, TLBs,
        // stalls, by privilege mode).
        map.insert("model".into(), machine.roi_sink_counters().to_json());
    }
    Ok(map)
}
