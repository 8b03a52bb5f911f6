//! Full-timing speed: synthetic event streams fed through the whole model.
//! `cargo bench -p models`; criterion's elements/s are retired
//! instructions per host second (DESIGN.md section 11 asks >= 100 M).
//!
//! - `loop`: what the core reports for a program, built on the fly: a 16-instruction loop
//!   body (loads striding over 256 KiB, a store, ALU work, an inner
//!   branch taken every other iteration, the loop branch), a syscall
//!   (trap, 40 kernel instructions, sret) every ~10 000 instructions.
//! - `machine`: the real functional core (riscv-core) running a loop
//!   program (loads and stores over 1 MiB, data-dependent branches) with
//!   the model as its sink, against the same run with no timing.
//! - `random`: every instruction's class, address and branch outcome drawn
//!   at random (3/4 of accesses in 16 KiB, the rest over 4 MiB, a page walk
//!   every 512 accesses), pre-generated and streamed from memory: a worst
//!   case for the model's and the host's caches and predictors.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use models::{Preset, TimingModel};
use sim_core::{
    AccessKind, InstClass, MemAccess, Operands, Privilege, Reg, Retired, TimingSink, TrapEvent,
};

use riscv_core::encode::{reg::*, Asm};
use riscv_core::machine::{Machine, MachineConfig};
use riscv_core::platform::{UartOutput, RAM_BASE};
use sim_core::{NullSink, RunLimits, StopReason};

#[path = "support/loop_program.rs"]
mod loop_program;
use loop_program::run_loop;

enum Event {
    Retire(Retired),
    Mem(MemAccess),
    Trap(TrapEvent),
    Return(Privilege, Privilege),
    Fill(u64),
}

/// The `random` stream of about `n` instructions.
fn random_stream(n: usize) -> (Vec<Event>, u64) {
    let mut events = Vec::with_capacity(n * 2);
    let mut x = 0x1234_5678_9abc_def1u64;
    let mut rand = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut insts = 0u64;
    let mut pc = 0x1_0000u64;
    let mut mode = Privilege::User;
    while (insts as usize) < n {
        let r = rand();
        let class = match r % 10 {
            0..=3 => InstClass::Alu,
            4 | 5 => InstClass::Load,
            6 => InstClass::Store,
            7 | 8 => InstClass::Branch,
            _ => InstClass::Jump,
        };
        if matches!(class, InstClass::Load | InstClass::Store) {
            // 3/4 of accesses in a 16 KiB hot set, the rest over 4 MiB.
            let span = if r & 0x300 != 0 { 16 << 10 } else { 4 << 20 };
            let off = (rand() % span) & !7;
            let vaddr = if mode == Privilege::User {
                0x40_0000 + off
            } else {
                0x8100_0000 + off
            };
            if rand() % 512 == 0 {
                events.push(Event::Mem(MemAccess {
                    kind: AccessKind::PageWalk,
                    pc,
                    vaddr: 0x8000_1000,
                    paddr: 0x8000_1000,
                    size: 8,
                    data: 0,
                    privilege: Privilege::Supervisor,
                }));
                events.push(Event::Fill(vaddr));
            }
            events.push(Event::Mem(MemAccess {
                kind: if class == InstClass::Load {
                    AccessKind::Load
                } else {
                    AccessKind::Store
                },
                pc,
                vaddr,
                paddr: 0x8000_0000 + (vaddr & 0x3ff_ffff),
                size: 8,
                data: 0,
                privilege: mode,
            }));
        }
        let taken = match class {
            InstClass::Branch => r & 0x7000 != 0,
            InstClass::Jump => true,
            _ => false,
        };
        let next_pc = if taken { pc.wrapping_sub(64) } else { pc + 4 };
        events.push(Event::Retire(Retired {
            pc,
            paddr: pc,
            raw: 0,
            len: 4,
            class,
            privilege: mode,
            taken,
            next_pc,
            // Registers drawn from x1..x8, so some loads feed the next op.
            operands: Operands {
                dest: Some(Reg::int(((r >> 20) & 7) as u8 + 1)),
                srcs: [Some(Reg::int(((r >> 23) & 7) as u8 + 1)), None, None],
            },
        }));
        insts += 1;
        pc = if taken && pc < 0x1_0100 { pc } else { next_pc };
        if pc > 0x1_4000 && mode == Privilege::User {
            pc = 0x1_0000;
        }
        if insts.is_multiple_of(2000) {
            if mode == Privilege::User {
                events.push(Event::Trap(TrapEvent {
                    interrupt: false,
                    cause: 8,
                    from: Privilege::User,
                    to: Privilege::Supervisor,
                    pc,
                    tval: 0,
                }));
                mode = Privilege::Supervisor;
                pc = 0x8020_0000;
            } else {
                events.push(Event::Return(Privilege::Supervisor, Privilege::User));
                mode = Privilege::User;
                pc = 0x1_0000;
            }
        }
    }
    (events, insts)
}

fn feed(model: &mut TimingModel, events: &[Event]) {
    for e in events {
        match e {
            Event::Retire(r) => model.retire(0, r),
            Event::Mem(m) => model.mem_access(0, m),
            Event::Trap(t) => model.trap(0, t),
            Event::Return(from, to) => model.trap_return(0, *from, *to),
            Event::Fill(v) => model.tlb_fill(0, *v, false, Privilege::User, 4096),
        }
    }
}

fn bench(c: &mut Criterion) {
    const TRIPS: u64 = 100_000;
    let mut probe = TimingModel::new(&Preset::load("rocket-fpga").unwrap(), 1).unwrap();
    let insts = run_loop(&mut probe, TRIPS);
    let mut group = c.benchmark_group("timing_model/loop");
    group.throughput(Throughput::Elements(insts));
    group.sample_size(20);
    for preset in Preset::names() {
        let p = Preset::load(preset).expect("built-in preset");
        let mut model = TimingModel::new(&p, 1).expect("valid preset");
        group.bench_function(format!("{preset}/{insts}-insts"), |b| {
            b.iter(|| run_loop(&mut model, TRIPS))
        });
    }
    group.finish();

    {
        let (events, insts) = random_stream(1_000_000);
        let mut group = c.benchmark_group("timing_model/random");
        group.throughput(Throughput::Elements(insts));
        group.sample_size(20);
        for preset in Preset::names() {
            let p = Preset::load(preset).expect("built-in preset");
            let mut model = TimingModel::new(&p, 1).expect("valid preset");
            group.bench_function(format!("{preset}/{}-events", events.len()), |b| {
                b.iter(|| feed(&mut model, &events))
            });
        }
        group.finish();
    }
}

/// A pseudo-random read-modify-write over 1 MiB with a data-dependent
/// branch, then an exit through the test finisher.
fn machine_program(iterations: i64) -> Vec<u8> {
    let mut a = Asm::new(RAM_BASE);
    a.li(S1, iterations);
    a.li(S2, (RAM_BASE + 0x10_0000) as i64);
    a.li(S3, 0x2545);
    a.li(S4, 6364136223846793005);
    let top = a.label();
    let skip = a.label();
    a.bind(top);
    a.mul(S3, S3, S4);
    a.addi(S3, S3, 1);
    a.srli(T0, S3, 44);
    a.andi(T0, T0, -8); // an 8-byte slot in 1 MiB
    a.add(T0, T0, S2);
    a.ld(T1, T0, 0);
    a.srli(T2, S3, 20);
    a.andi(T2, T2, 1);
    a.beqz(T2, skip);
    a.addi(T1, T1, 1);
    a.bind(skip);
    a.sd(T1, T0, 0);
    a.addi(S1, S1, -1);
    a.bnez(S1, top);
    a.li(T6, 0x10_0000);
    a.li(T5, 0x5555);
    a.sw(T5, T6, 0);
    a.finish().expect("assembles")
}

fn run_machine<S: TimingSink>(image: &[u8], sink: &mut S) -> u64 {
    let mut c = MachineConfig::default();
    c.platform.ram_size = 16 << 20;
    c.platform.uart_output = UartOutput::Buffer;
    let mut m = Machine::new(c).expect("machine");
    m.load_raw(image, RAM_BASE).expect("loads");
    m.boot(RAM_BASE).expect("boots");
    let stop = m.run(
        sink,
        RunLimits {
            max_instructions: Some(100_000_000),
        },
    );
    assert_eq!(stop, StopReason::Exited(0));
    m.instret()
}

fn bench_machine(c: &mut Criterion) {
    let image = machine_program(1_000_000);
    let insts = run_machine(&image, &mut NullSink);
    let mut group = c.benchmark_group("timing_model/machine");
    group.throughput(Throughput::Elements(insts));
    group.sample_size(10);
    group.bench_function("functional-only", |b| {
        b.iter(|| run_machine(&image, &mut NullSink))
    });
    for preset in Preset::names() {
        let p = Preset::load(preset).expect("built-in preset");
        group.bench_function(format!("{preset}/{insts}-insts"), |b| {
            b.iter(|| {
                let mut model = TimingModel::new(&p, 1).expect("valid preset");
                model.set_cacheable_range(RAM_BASE, 16 << 20);
                run_machine(&image, &mut model)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench, bench_machine);
criterion_main!(benches);
