//! Functional-mode speed of the emulator (instructions per host second):
//! a tight 5-instruction ALU loop, and a branchy, memory-heavy loop.
//! `cargo bench -p riscv-core`; criterion reports elements/s = instructions/s.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use riscv_core::encode::{reg::*, Asm};
use riscv_core::machine::{Machine, MachineConfig};
use riscv_core::platform::{UartOutput, RAM_BASE};
use sim_core::{NullSink, RunLimits, StopReason};

const FINISHER: i64 = 0x10_0000;

fn exit(a: &mut Asm) {
    a.li(T6, FINISHER);
    a.li(T5, 0x5555);
    a.sw(T5, T6, 0);
}

/// 5 instructions per iteration: addi, xor, add, addi, bne.
pub fn alu_loop(iterations: i64) -> Vec<u8> {
    let mut a = Asm::new(RAM_BASE);
    a.li(S1, iterations);
    a.li(A0, 1);
    a.li(A1, 0x1234);
    let top = a.label();
    a.bind(top);
    a.addi(A0, A0, 3);
    a.xor(A1, A1, A0);
    a.add(A2, A1, A0);
    a.addi(S1, S1, -1);
    a.bnez(S1, top);
    exit(&mut a);
    a.finish().unwrap()
}

/// Pseudo-random read-modify-write over 1 MiB with data-dependent branches.
pub fn memory_loop(iterations: i64) -> Vec<u8> {
    let mut a = Asm::new(RAM_BASE);
    a.li(S1, iterations);
    a.li(S2, (RAM_BASE + 0x10_0000) as i64); // array base
    a.li(S3, 0x12345); // LCG state
    a.li(S4, 1103515245);
    a.li(S5, 12345);
    let top = a.label();
    let odd = a.label();
    let join = a.label();
    a.bind(top);
    a.mul(S3, S3, S4);
    a.add(S3, S3, S5);
    a.srli(T0, S3, 16);
    a.andi(T0, T0, 0x7f8); // 8-byte slot within 2 KiB ...
    a.slli(T1, S3, 1);
    a.srli(T1, T1, 55); // ... plus one of 512 2 KiB chunks (1 MiB in all)
    a.slli(T1, T1, 11);
    a.add(T0, T0, T1);
    a.add(T0, T0, S2);
    a.ld(T2, T0, 0);
    a.andi(T3, S3, 1);
    a.bnez(T3, odd);
    a.addi(T2, T2, 1);
    a.j(join);
    a.bind(odd);
    a.xor(T2, T2, S3);
    a.bind(join);
    a.sd(T2, T0, 0);
    a.addi(S1, S1, -1);
    a.bnez(S1, top);
    exit(&mut a);
    a.finish().unwrap()
}

fn run(image: &[u8]) -> u64 {
    let mut c = MachineConfig::default();
    c.platform.ram_size = 16 << 20;
    c.platform.uart_output = UartOutput::Buffer;
    let mut m = Machine::new(c).unwrap();
    m.load_raw(image, RAM_BASE).unwrap();
    m.boot(RAM_BASE).unwrap();
    let stop = m.run(
        &mut NullSink,
        RunLimits {
            max_instructions: Some(100_000_000),
        },
    );
    assert_eq!(stop, StopReason::Exited(0));
    m.instret()
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("functional");
    group.sample_size(10);
    for (name, image) in [
        ("alu_loop", alu_loop(2_000_000)),
        ("memory_loop", memory_loop(500_000)),
    ] {
        let insns = run(&image);
        group.throughput(Throughput::Elements(insns));
        group.bench_function(name, |b| b.iter(|| run(&image)));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
