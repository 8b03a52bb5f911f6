//! The real functional core drives the model: the events arrive in the
//! order the model expects and the counts agree with the core's.

use models::{Preset, TimingModel};
use riscv_core::encode::{reg::*, Asm};
use riscv_core::machine::{Machine, MachineConfig};
use riscv_core::platform::{UartOutput, RAM_BASE};
use sim_core::{Privilege, RunLimits, StopReason};

#[path = "support/digest.rs"]
mod digest;
use digest::digest;

const FINISHER: i64 = 0x10_0000;
const ITERATIONS: i64 = 5_000;

/// A loop of 6 instructions: a load and a store to an array walked in
/// 8-byte steps (64 KiB), an add, a counter and the loop branch.
fn program() -> Vec<u8> {
    let mut a = Asm::new(RAM_BASE);
    a.li(S1, ITERATIONS);
    a.li(S2, (RAM_BASE + 0x10_0000) as i64);
    let top = a.label();
    a.bind(top);
    a.ld(T0, S2, 0);
    a.addi(T0, T0, 1);
    a.sd(T0, S2, 0);
    a.addi(S2, S2, 8);
    a.addi(S1, S1, -1);
    a.bnez(S1, top);
    a.li(T6, FINISHER);
    a.li(T5, 0x5555);
    a.sw(T5, T6, 0);
    a.finish().unwrap()
}

fn run(preset: &Preset) -> (TimingModel, u64) {
    run_program(preset, &program())
}

fn run_program(preset: &Preset, program: &[u8]) -> (TimingModel, u64) {
    let mut c = MachineConfig::default();
    c.platform.ram_size = 16 << 20;
    c.platform.uart_output = UartOutput::Buffer;
    let mut m = Machine::new(c).unwrap();
    m.load_raw(program, RAM_BASE).unwrap();
    m.boot(RAM_BASE).unwrap();
    let mut model = TimingModel::new(preset, 1).unwrap();
    model.set_cacheable_range(RAM_BASE, 16 << 20);
    let stop = m.run(
        &mut model,
        RunLimits {
            max_instructions: Some(1_000_000),
        },
    );
    assert_eq!(stop, StopReason::Exited(0));
    (model, m.instret())
}

#[test]
fn counts_agree_with_the_functional_core() {
    let p = Preset::load("rocket-fpga").unwrap();
    let (model, instret) = run(&p);
    let s = model.stats();
    let m = |name: &str| s.get(&format!("{name}.machine")).unwrap();
    assert_eq!(m("hart0.instret"), instret);
    // One load and one store per iteration in RAM; the finisher store and
    // the reset stub's loads from the boot ROM are outside RAM: uncached.
    assert_eq!(m("hart0.l1d.accesses"), 2 * ITERATIONS as u64);
    assert!((1..=4).contains(&m("hart0.uncached_accesses")));
    // 40 KiB walked in 64-byte lines: one miss per line.
    assert_eq!(m("hart0.l1d.misses"), (ITERATIONS as u64 * 8).div_ceil(64));
    assert_eq!(m("hart0.bpred.branches"), ITERATIONS as u64);
    // Gshare warms up one counter per history value on the way to all
    // ones (history_bits + 1 misses), then misses only the loop exit.
    let warm_up = p.bpred.history_bits as u64 + 1;
    assert_eq!(m("hart0.bpred.mispredicts"), warm_up + 1);
    // The loop body sits in one or two fetch lines: few L1I accesses.
    assert!(m("hart0.l1i.accesses") < 2 * ITERATIONS as u64 + 20);
    assert_eq!(s.get("hart0.instret.user"), Some(0));
    assert!(model.cycles_in(0, Privilege::Machine) > instret);
    // No paging in M-mode: no TLB traffic.
    assert_eq!(m("hart0.dtlb.accesses"), 0);
}

#[test]
fn full_runs_are_deterministic() {
    let p = Preset::load("sifive-u74").unwrap();
    let (a, _) = run(&p);
    let (b, _) = run(&p);
    assert_eq!(a.stats(), b.stats());
}

/// Load/consumer pairs (`pairs`, with FP enabled) between a fixed prologue
/// and the finisher store.
fn pairs_program(pairs: impl FnOnce(&mut Asm)) -> Vec<u8> {
    let mut a = Asm::new(RAM_BASE);
    a.li(S2, (RAM_BASE + 0x10_0000) as i64);
    a.li(T0, 0x6000); // mstatus.FS = dirty
    a.csrs(0x300, T0);
    pairs(&mut a);
    a.li(T6, FINISHER);
    a.li(T5, 0x5555);
    a.sw(T5, T6, 0);
    a.finish().unwrap()
}

#[test]
fn the_core_reports_the_operands_that_make_load_use_stalls() {
    let mut p = Preset::load("rocket-fpga").unwrap();
    p.apply_override("core.load_use_stall", "2").unwrap();
    let stalls = |model: &TimingModel| model.stats().get("hart0.core.load_use_stalls.machine");
    // The boot ROM's own loads are in both runs.
    let (base, _) = run_program(&p, &pairs_program(|_| {}));
    let (model, _) = run_program(
        &p,
        &pairs_program(|a| {
            a.ld(T0, S2, 0); // stalls: the addi reads t0
            a.addi(T1, T0, 1);
            a.ld(T0, S2, 0); // independent
            a.addi(T1, T2, 1);
            a.ld(ZERO, S2, 0); // x0 is no dependency
            a.add(T1, ZERO, ZERO);
            a.fld(1, S2, 0); // stalls: an FP load feeding an FP op
            a.fadd_d(2, 1, 1, 0);
            a.lw(T0, S2, 0); // stalls: an FP op reading an x register
            a.fmv_d_x(3, T0);
            a.fld(1, S2, 0); // stalls: the store data is the loaded f1
            a.fsd(1, S2, 8);
            a.amoadd_d(T0, S2, T1, false, false); // stalls: an AMO counts as a load
            a.addi(T2, T0, 0);
        }),
    );
    assert_eq!(stalls(&model).unwrap() - stalls(&base).unwrap(), 5);
    let cycles = |m: &TimingModel| m.stats().get("hart0.stalls.load_use.machine").unwrap();
    assert_eq!(cycles(&model) - cycles(&base), 5 * 2);
}

/// The real core's events pin the model's numbers too (see
/// pinned_stats.rs for the synthetic stream that reaches every event).
#[test]
fn full_runs_are_pinned() {
    for (name, expected) in [
        ("rocket-fpga", 0x63dd7171627cd3bb),
        ("sifive-u74", 0x7d7fe3f704a34f30),
    ] {
        let (model, _) = run(&Preset::load(name).unwrap());
        let stats = model.stats();
        assert_eq!(digest(&stats), expected, "{name}: {:#}", stats.to_json());
    }
}
