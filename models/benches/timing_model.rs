//! Full-timing speed: synthetic event streams fed through the whole model.
//! `cargo bench -p models`; criterion's elements/s are retired
//! instructions per host second (DESIGN.md section 11 asks >= 100 M).
//!
//! - `loop`: what the core reports for a program: a 16-instruction loop
//!   body (loads striding over 256 KiB, a store, ALU work, an inner
//!   branch taken every other iteration, the loop branch), a syscall
//!   (trap, kernel code, sret) every 10 000 instructions.
//! - `random`: every instruction's class, address and branch outcome drawn
//!   at random (3/4 of accesses in 16 KiB, the rest over 4 MiB, a page walk
//!   every 512 accesses): a worst case for the model's and the host's
//!   caches and predictors.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use models::{Preset, TimingModel};
use sim_core::{AccessKind, InstClass, MemAccess, Privilege, Retired, TimingSink, TrapEvent};

enum Event {
    Retire(Retired),
    Mem(MemAccess),
    Trap(TrapEvent),
    Return(Privilege, Privilege),
    Fill(u64),
}

fn retired(pc: u64, class: InstClass, mode: Privilege, taken: bool) -> Event {
    Event::Retire(Retired {
        pc,
        raw: 0,
        len: 4,
        class,
        privilege: mode,
        taken,
        next_pc: if taken { pc.wrapping_sub(60) } else { pc + 4 },
    })
}

fn data(kind: AccessKind, vaddr: u64, mode: Privilege) -> Event {
    Event::Mem(MemAccess {
        kind,
        vaddr,
        paddr: 0x8000_0000 + (vaddr & 0x3ff_ffff),
        size: 8,
        data: 0,
        privilege: mode,
    })
}

/// The `loop` stream of about `n` instructions.
fn loop_stream(n: usize) -> (Vec<Event>, u64) {
    use InstClass::*;
    let mut events = Vec::with_capacity(n * 3 / 2);
    let mut insts = 0u64;
    let mut i = 0u64;
    let user = Privilege::User;
    while (insts as usize) < n {
        let base = 0x1_0000;
        let a = 0x40_0000 + (i * 8) % (256 << 10);
        events.push(data(AccessKind::Load, a, user));
        events.push(retired(base, Load, user, false));
        events.push(data(AccessKind::Load, a + 0x10_0000, user));
        events.push(retired(base + 4, Load, user, false));
        for k in 2..6 {
            events.push(retired(base + 4 * k, Alu, user, false));
        }
        events.push(retired(base + 24, Mul, user, false));
        events.push(data(AccessKind::Store, 0x7fff_f000 + (i % 8) * 8, user));
        events.push(retired(base + 28, Store, user, false));
        let odd = i % 2 == 1;
        events.push(retired(base + 32, Branch, user, odd));
        for k in 9..15 {
            if !odd || k > 11 {
                events.push(retired(base + 4 * k, Alu, user, false));
            }
        }
        events.push(retired(base + 60, Branch, user, true));
        insts += if odd { 13 } else { 16 };
        i += 1;
        if i.is_multiple_of(700) {
            events.push(Event::Trap(TrapEvent {
                interrupt: false,
                cause: 8,
                from: user,
                to: Privilege::Supervisor,
                pc: base + 60,
                tval: 0,
            }));
            for k in 0..40 {
                let class = if k % 4 == 0 { Load } else { Alu };
                if class == Load {
                    events.push(data(
                        AccessKind::Load,
                        0x8100_0000 + k * 64,
                        Privilege::Supervisor,
                    ));
                }
                events.push(retired(
                    0x8020_0000 + 4 * k,
                    class,
                    Privilege::Supervisor,
                    false,
                ));
            }
            events.push(Event::Return(Privilege::Supervisor, user));
            events.push(retired(0x8020_00a0, System, Privilege::Supervisor, true));
            insts += 41;
        }
    }
    (events, insts)
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
            raw: 0,
            len: 4,
            class,
            privilege: mode,
            taken,
            next_pc,
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
            Event::Fill(v) => model.tlb_fill(0, *v, false, Privilege::User),
        }
    }
}

fn bench(c: &mut Criterion) {
    for (name, (events, insts)) in [
        ("loop", loop_stream(1_000_000)),
        ("random", random_stream(1_000_000)),
    ] {
        let mut group = c.benchmark_group(format!("timing_model/{name}"));
        group.throughput(Throughput::Elements(insts));
        group.sample_size(20);
        for preset in Preset::names() {
            let p = Preset::load(preset).expect("built-in preset");
            let mut model = TimingModel::new(&p, 1).expect("valid preset");
            group.bench_function(format!("{preset}/{}-events", events.len()), |b| {
                b.iter(|| feed(&mut model, &events))
            });
            assert!(model.cycles(0) > 0);
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
