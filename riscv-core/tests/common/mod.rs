//! Shared harness of the ISA tests: assemble a program with the test
//! assembler, boot it on a small machine, run it to its exit and inspect
//! registers and memory afterwards.

#![allow(dead_code)]

pub mod elf_writer;
pub mod random_program;
pub mod uintr;

use riscv_core::encode::{reg::*, Asm};
use riscv_core::machine::{Machine, MachineConfig};
use riscv_core::platform::{UartOutput, RAM_BASE};
use sim_core::{NullSink, RunLimits, StopReason, TimingSink};

/// Where test programs keep their results (1 MiB into RAM).
pub const DATA: u64 = RAM_BASE + 0x10_0000;
/// sifive_test finisher.
pub const FINISHER: u64 = 0x10_0000;

pub fn config(harts: usize) -> MachineConfig {
    let mut c = MachineConfig::default();
    c.platform.harts = harts;
    c.platform.ram_size = 16 << 20;
    c.platform.uart_output = UartOutput::Buffer;
    c
}

/// Appends "exit with `code`" through the finisher (clobbers t5, t6).
pub fn exit(a: &mut Asm, code: u32) {
    a.li(T6, FINISHER as i64);
    let value = if code == 0 {
        0x5555
    } else {
        (code << 16) | 0x3333
    };
    a.li(T5, value as i64);
    a.sw(T5, T6, 0);
    let spin = a.label();
    a.bind(spin);
    a.j(spin);
}

/// Assembles `build` at RAM_BASE, boots it on `harts` harts and runs it.
pub fn run_asm_with<S: TimingSink>(
    harts: usize,
    sink: &mut S,
    build: impl FnOnce(&mut Asm),
) -> (Machine, StopReason) {
    run_full(harts, sink, |_| {}, build)
}

/// `prepare` sees the machine after loading, before boot.
pub fn run_full<S: TimingSink>(
    harts: usize,
    sink: &mut S,
    prepare: impl FnOnce(&mut Machine),
    build: impl FnOnce(&mut Asm),
) -> (Machine, StopReason) {
    run_configured(config(harts), 50_000_000, sink, prepare, build)
}

/// The general form: a machine built from `config`, `prepare` after
/// loading and before boot, run until it stops or has run `budget`
/// instructions.
pub fn run_configured<S: TimingSink>(
    config: MachineConfig,
    budget: u64,
    sink: &mut S,
    prepare: impl FnOnce(&mut Machine),
    build: impl FnOnce(&mut Asm),
) -> (Machine, StopReason) {
    let mut a = Asm::new(RAM_BASE);
    build(&mut a);
    let image = a.finish().expect("test program assembles");
    let mut m = Machine::new(config).expect("machine");
    m.load_raw(&image, RAM_BASE).expect("load");
    prepare(&mut m);
    m.boot(RAM_BASE).expect("boot");
    let stop = m.run(
        sink,
        RunLimits {
            max_instructions: Some(budget),
        },
    );
    (m, stop)
}

pub fn run_asm(harts: usize, build: impl FnOnce(&mut Asm)) -> (Machine, StopReason) {
    run_asm_with(harts, &mut NullSink, build)
}

/// Runs a single-hart program that must exit with code 0.
pub fn run_ok(build: impl FnOnce(&mut Asm)) -> Machine {
    let (m, stop) = run_asm(1, build);
    assert_eq!(stop, StopReason::Exited(0), "program did not pass");
    m
}

pub fn read_u64(m: &mut Machine, addr: u64) -> u64 {
    m.bus.read(addr, 8).expect("readable address")
}

/// Runs a batch of test cases, each of which leaves one 64-bit result in
/// a2; returns the results in order. Each case gets fresh a0/a1 (set by
/// the case itself).
pub fn results(cases: &[&dyn Fn(&mut Asm)]) -> Vec<u64> {
    let mut m = run_ok(|a| {
        a.li(S0, DATA as i64);
        for (i, case) in cases.iter().enumerate() {
            a.li(A2, 0);
            case(a);
            let _ = i;
            a.sd(A2, S0, 0);
            a.addi(S0, S0, 8);
        }
        exit(a, 0);
    });
    (0..cases.len())
        .map(|i| read_u64(&mut m, DATA + i as u64 * 8))
        .collect()
}

/// Like `run_asm`, but lets the host prepare memory (page tables, data)
/// after the program is loaded and before it runs.
pub fn run_prepared(
    harts: usize,
    prepare: impl FnOnce(&mut Machine),
    build: impl FnOnce(&mut Asm),
) -> (Machine, StopReason) {
    run_full(harts, &mut NullSink, prepare, build)
}

/// M-mode prologue for programs that drop to S or U: a PMP entry granting
/// RWX on all memory (without one, S/U accesses fail because PMP entries
/// are implemented).
pub fn open_pmp(a: &mut Asm) {
    a.li(T0, -1);
    a.csrw(0x3b0, T0); // pmpaddr0 = all ones: NAPOT over the whole space
    a.li(T0, 0x1f); // A = NAPOT, X W R
    a.csrw(0x3a0, T0); // pmpcfg0
}

/// Appends code that switches from M to `mpp` (0 = U, 1 = S) at `target`.
pub fn mret_to(a: &mut Asm, mpp: u64, target: riscv_core::encode::Label) {
    a.li(T0, 3 << 11);
    a.csrc(0x300, T0); // clear mstatus.MPP
    a.li(T0, (mpp << 11) as i64);
    a.csrs(0x300, T0);
    a.la(T0, target);
    a.csrw(0x341, T0); // mepc
    a.mret();
}

/// Stores `reg` into the next result slot (s0 post-incremented).
pub fn record(a: &mut Asm, reg: u8) {
    a.sd(reg, S0, 0);
    a.addi(S0, S0, 8);
}

pub fn results_at(m: &mut Machine, n: usize) -> Vec<u64> {
    (0..n).map(|i| read_u64(m, DATA + 8 * i as u64)).collect()
}
