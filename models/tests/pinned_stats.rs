//! Pins the model's exact numbers: a fixed, varied event stream (three
//! harts, every event kind, all three modes, coherence traffic, walks,
//! flushes, uncached and misaligned accesses, register operands with
//! load-use pairs, physical fetch addresses that change under a fixed pc,
//! superpage fills and walks that end in a page fault) goes through the
//! model under
//! the presets and a few overrides that reach every replacement policy,
//! and the digest of the whole stats tree must not move. Speed work on the
//! model must leave every counter bit-identical; a change that is meant to
//! move the numbers updates the digests here (the failure prints the tree).

use models::{Preset, TimingModel};
use sim_core::{
    AccessKind, InstClass, MemAccess, Operands, Privilege, Reg, Retired, Stats, TimingSink,
    TrapEvent, UintrEvent,
};

use Privilege::{Machine, Supervisor, User};

#[path = "support/digest.rs"]
mod digest;
use digest::digest;

const RAM: u64 = 0x8000_0000;
const RAM_SIZE: u64 = 64 << 20;
const PAGE_TABLES: u64 = RAM + 0x10_0000;
const SHARED: u64 = RAM + 0x20_0000;
const DEVICE: u64 = 0x1000_0000;

/// xorshift64: the stream must be the same on every platform.
struct Rand(u64);

impl Rand {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// How the stream reports what the model may take either way.
#[derive(Clone, Copy)]
struct Options {
    /// Accesses name their instruction's pc (the model may charge them at
    /// once), or a pc never fetched (the model must queue them).
    pcs_known: bool,
    /// Accesses of a misaligned access split into bytes: beyond 8, more
    /// than the model queues for one instruction.
    pieces: u64,
    /// Each quantum's events go to its hart's part of the model
    /// (`for_hart`, as a running hart's do), not to the whole model.
    parts: bool,
}

const PINNED: Options = Options {
    pcs_known: true,
    pieces: 9,
    parts: false,
};

/// No instruction is fetched from this line.
const UNFETCHED_PC: u64 = 0xdead_0000_0000;

/// What one hart is doing in the stream.
struct HartStream {
    mode: Privilege,
    pc: u64,
    /// Where the current loop started (taken branches jump back here).
    loop_start: u64,
    /// Base of this hart's private data.
    data: u64,
    asid: u64,
    /// Reports fetches as `MemAccess::Fetch` instead of through pcs.
    fetch_events: bool,
    /// The register the last load wrote, if any (its consumer may follow).
    loaded: Option<Reg>,
}

fn code_base(mode: Privilege, hart: usize) -> u64 {
    match mode {
        User => 0x1_0000 + hart as u64 * 0x8_0000,
        Supervisor => RAM + 0x40_0000,
        Machine => RAM,
    }
}

/// A virtual address of a user page maps to a physical one by a fixed
/// per-ASID offset (the model only needs them consistent).
fn physical(vaddr: u64, mode: Privilege, asid: u64) -> u64 {
    if mode == User {
        RAM + 0x100_0000 + ((vaddr + asid * 0x40_0000) & 0x1ff_ffff)
    } else {
        vaddr
    }
}

fn access(
    m: &mut impl TimingSink,
    hart: usize,
    kind: AccessKind,
    pc: u64,
    vaddr: u64,
    paddr: u64,
    mode: Privilege,
) {
    m.mem_access(
        hart,
        &MemAccess {
            kind,
            pc,
            vaddr,
            paddr,
            size: 8,
            data: 0,
            privilege: mode,
        },
    );
}

/// A page walk of three PTE reads, then the fill, as the core reports a
/// TLB miss of its own.
fn walk(
    m: &mut impl TimingSink,
    r: &mut Rand,
    hart: usize,
    vaddr: u64,
    fetch: bool,
    mode: Privilege,
) {
    for level in 0..3 {
        let pte = PAGE_TABLES + level * 0x1000 + ((vaddr >> (12 + 9 * (2 - level))) & 0x1ff) * 8;
        access(m, hart, AccessKind::PageWalk, vaddr, pte, pte, mode);
    }
    // Mostly base pages, some 2 MiB and 1 GiB superpages.
    let page_size = match r.below(8) {
        0 => 1 << 21,
        1 => 1 << 30,
        _ => 1 << 12,
    };
    if r.below(4) == 0 {
        // A walk of a page the model's TLB still holds, or not: both paths.
        m.tlb_fill(hart, vaddr & !0xfff, fetch, mode, page_size);
    } else {
        m.tlb_fill(hart, vaddr, fetch, mode, page_size);
    }
}

/// A walk that ends in a page fault: PTE reads, then the trap, no fill.
fn faulting_walk(m: &mut impl TimingSink, r: &mut Rand, hart: usize, vaddr: u64, mode: Privilege) {
    for level in 0..=r.below(3) {
        let pte = PAGE_TABLES + level * 0x1000 + ((vaddr >> (12 + 9 * (2 - level))) & 0x1ff) * 8;
        access(m, hart, AccessKind::PageWalk, vaddr, pte, pte, mode);
    }
}

/// Operands of an instruction of `class`: a few registers, so that a
/// consumer often reads what the load before it wrote.
fn operands(r: &mut Rand, class: InstClass, loaded: Option<Reg>) -> Operands {
    let float = matches!(
        class,
        InstClass::FpArith | InstClass::FpDivSqrt | InstClass::FpLoad
    );
    let reg = |r: &mut Rand| {
        let index = 1 + r.below(6) as u8;
        if float && r.below(2) == 0 {
            Reg::float(index)
        } else {
            Reg::int(index)
        }
    };
    let mut srcs = [None; 3];
    for (i, s) in srcs.iter_mut().enumerate() {
        *s = match r.below(4) {
            0 if i < 2 => loaded,
            1 | 2 if i < 2 => Some(reg(r)),
            _ => None,
        };
    }
    let dest = match class {
        InstClass::Store | InstClass::FpStore | InstClass::Branch | InstClass::Fence => None,
        _ if r.below(10) == 0 => None,
        _ => Some(reg(r)),
    };
    Operands { dest, srcs }
}

/// One instruction of `hart`, with whatever events precede its retirement.
fn step(m: &mut impl TimingSink, r: &mut Rand, harts: &mut [HartStream], hart: usize, o: Options) {
    let h = &mut harts[hart];
    let mode = h.mode;
    let pc = h.pc;
    let access_pc = if o.pcs_known { pc } else { UNFETCHED_PC };
    let translated = mode != Machine;
    if h.fetch_events {
        access(
            m,
            hart,
            AccessKind::Fetch,
            pc,
            pc,
            physical(pc, mode, h.asid),
            mode,
        );
    }
    if translated && r.below(400) == 0 {
        walk(m, r, hart, pc, true, mode);
    }
    let roll = r.below(100);
    let class = match roll {
        0..=39 => InstClass::Alu,
        40..=54 => InstClass::Load,
        55..=62 => InstClass::Store,
        63..=74 => InstClass::Branch,
        75..=79 => InstClass::Jump,
        80..=82 => InstClass::Mul,
        83 => InstClass::Div,
        84 => InstClass::Amo,
        85 => InstClass::Csr,
        86 => InstClass::Fence,
        87 => InstClass::FpArith,
        88 => InstClass::FpDivSqrt,
        89 => InstClass::FpLoad,
        90 => InstClass::FpStore,
        91 => InstClass::Uintr,
        _ => InstClass::System,
    };
    let mut taken = false;
    let len = if r.below(3) == 0 { 2 } else { 4 };
    let mut next_pc = pc + len;
    match class {
        InstClass::Load
        | InstClass::Store
        | InstClass::Amo
        | InstClass::FpLoad
        | InstClass::FpStore => {
            let kind = match class {
                InstClass::Load | InstClass::FpLoad => AccessKind::Load,
                InstClass::Store | InstClass::FpStore => AccessKind::Store,
                _ => AccessKind::Amo,
            };
            let where_ = r.below(100);
            let vaddr = match where_ {
                // Hot private data, a warm 256 KiB, a cold 16 MiB.
                0..=59 => h.data + (r.below(8 << 10) & !7),
                60..=79 => h.data + (r.below(256 << 10) & !7),
                80..=89 => h.data + (r.below(16 << 20) & !7),
                // Lines every hart reads and writes.
                90..=97 => SHARED + (r.below(4 << 10) & !7),
                // A device register.
                _ => DEVICE + r.below(0x100) * 8,
            };
            let paddr = if (DEVICE..DEVICE + 0x1000).contains(&vaddr) {
                vaddr
            } else {
                physical(vaddr, mode, h.asid)
            };
            if translated && r.below(64) == 0 {
                if r.below(8) == 0 {
                    // A page fault: the handler runs in the kernel.
                    faulting_walk(m, r, hart, vaddr, mode);
                    let to = if mode == User { Supervisor } else { Machine };
                    m.trap(hart, &trap(false, 13, mode, to, pc));
                    h.mode = to;
                    h.pc = code_base(to, hart) + r.below(0x400) * 4;
                    h.loop_start = h.pc;
                    h.loaded = None;
                    return;
                }
                walk(m, r, hart, vaddr, false, mode);
            }
            // Now and then a misaligned access split into bytes (more
            // accesses than the model queues for one instruction).
            let pieces = if r.below(200) == 0 { o.pieces } else { 1 };
            for i in 0..pieces {
                access(m, hart, kind, access_pc, vaddr + i, paddr + i, mode);
            }
        }
        InstClass::Branch => {
            // Loops: mostly taken back to the loop start, sometimes
            // data-dependent.
            taken = if r.below(4) == 0 {
                r.below(2) == 0
            } else {
                pc - h.loop_start < 0x80
            };
            if taken {
                next_pc = h.loop_start;
            } else if pc - h.loop_start >= 0x80 {
                h.loop_start = next_pc;
            }
        }
        InstClass::Jump => {
            taken = true;
            next_pc = code_base(mode, hart) + (r.below(64 << 10) & !3);
            h.loop_start = next_pc;
        }
        InstClass::Uintr => match r.below(4) {
            0 => m.uintr(
                hart,
                UintrEvent::Send {
                    receiver: r.below(4) as u16,
                    delivered_to_active: r.below(2) == 0,
                },
            ),
            1 => m.uintr(hart, UintrEvent::SendRejected),
            2 => {
                // The send reads the sender table (physical, no TLB).
                access(
                    m,
                    hart,
                    AccessKind::TableRead,
                    access_pc,
                    SHARED + 0x800,
                    SHARED + 0x800,
                    mode,
                );
                m.uintr(
                    hart,
                    UintrEvent::Send {
                        receiver: 0,
                        delivered_to_active: true,
                    },
                );
            }
            _ => {}
        },
        InstClass::Csr if mode == Supervisor && r.below(8) == 0 => {
            h.asid = r.below(6);
            m.address_space_switch(hart, h.asid);
        }
        InstClass::System => {
            match (mode, r.below(6)) {
                (User, 0..=3) => {
                    // ecall: the trap, then kernel code.
                    m.trap(hart, &trap(false, 8, User, Supervisor, pc));
                    h.mode = Supervisor;
                    h.loaded = None;
                    h.pc = code_base(Supervisor, hart) + r.below(0x4000) * 4;
                    h.loop_start = h.pc;
                    return;
                }
                (User, _) => {
                    m.uintr(hart, UintrEvent::Return);
                }
                (Supervisor, 0..=2) => {
                    m.trap_return(hart, Supervisor, User);
                    h.mode = User;
                    next_pc = code_base(User, hart) + r.below(0x4000) * 4;
                    h.loop_start = next_pc;
                }
                (Supervisor, 3) => {
                    let (vaddr, asid) = match r.below(3) {
                        0 => (None, None),
                        1 => (Some(h.data + r.below(1 << 20)), None),
                        _ => (Some(h.data), Some(h.asid)),
                    };
                    m.tlb_flush(hart, vaddr, asid);
                }
                (Supervisor, 4) => {
                    m.wait_for_interrupt(hart);
                    m.idle(hart, r.below(500));
                }
                (Machine, 0..=1) => {
                    m.trap_return(hart, Machine, Supervisor);
                    h.mode = Supervisor;
                    next_pc = code_base(Supervisor, hart);
                    h.loop_start = next_pc;
                }
                _ => {}
            }
        }
        _ => {}
    }
    // Interrupts arrive between instructions, now and then.
    if r.below(3000) == 0 {
        let to = if r.below(4) == 0 { Machine } else { Supervisor };
        m.trap(hart, &trap(true, 5, h.mode, to, pc));
        h.mode = to;
        if to == Supervisor && r.below(3) == 0 {
            m.uintr(hart, UintrEvent::Delivered);
            h.mode = User;
        }
        h.pc = code_base(h.mode, hart);
        h.loop_start = h.pc;
        h.loaded = None;
        return;
    }
    let operands = operands(r, class, h.loaded);
    h.loaded = match class {
        InstClass::Load | InstClass::FpLoad | InstClass::Amo => operands.dest,
        _ => None,
    };
    m.retire(
        hart,
        &Retired {
            pc,
            paddr: physical(pc, mode, h.asid),
            raw: 0x13,
            len: len as u8,
            class,
            privilege: mode,
            taken,
            next_pc,
            operands,
        },
    );
    h.pc = next_pc;
}

fn trap(interrupt: bool, cause: u64, from: Privilege, to: Privilege, pc: u64) -> TrapEvent {
    TrapEvent {
        interrupt,
        cause,
        from,
        to,
        pc,
        tval: 0,
    }
}

/// The whole stream through a model of `preset`; returns its stats after
/// a warm-up and a reset (warm caches, fresh counters).
fn run(preset: &Preset, o: Options) -> Stats {
    let mut m = TimingModel::new(preset, 3).unwrap();
    m.set_cacheable_range(RAM, RAM_SIZE);
    let mut r = Rand(0x9e37_79b9_7f4a_7c15);
    let mut harts: Vec<HartStream> = (0..3)
        .map(|h| HartStream {
            mode: Machine,
            pc: RAM,
            loop_start: RAM,
            data: RAM + 0x80_0000 + h as u64 * 0x100_0000,
            asid: 0,
            fetch_events: h == 2,
            loaded: None,
        })
        .collect();
    // Quanta of varying length, like the machine's interleaving.
    let hart_at = |i: u32| (i / 700 + i / 1900) as usize % 3;
    const STEPS: u32 = 300_000;
    const RESET_AT: u32 = 100_000;
    let mut i = 0;
    while i < STEPS {
        if i == RESET_AT {
            m.reset_stats();
        }
        let hart = hart_at(i);
        let end = (i + 1..STEPS)
            .find(|&j| hart_at(j) != hart || j == RESET_AT)
            .unwrap_or(STEPS);
        if o.parts {
            let mut part = m.for_hart(hart);
            for _ in i..end {
                step(&mut part, &mut r, &mut harts, hart, o);
            }
        } else {
            for _ in i..end {
                step(&mut m, &mut r, &mut harts, hart, o);
            }
        }
        i = end;
    }
    m.stats()
}

fn preset(name: &str, overrides: &[&str]) -> Preset {
    let mut p = Preset::load(name).unwrap();
    p.apply_overrides(overrides.iter().copied()).unwrap();
    p
}

fn check(p: &Preset, expected: u64) {
    let stats = run(p, PINNED);
    // The stream reaches what it means to reach.
    for name in [
        "hart0.l1d.invalidations.user",
        "hart1.ptw.walks.supervisor",
        "hart2.l1i.misses.user",
        "hart0.uncached_accesses.user",
        "hart1.instret.machine",
        "hart1.uintr.delivered.user",
        "hart2.tlb.flushes.supervisor",
        "l2.writebacks.user",
        "dram.writes.supervisor",
        "hart0.core.load_use_stalls.user",
        "hart1.stalls.load_use.supervisor",
        "hart2.traps.exceptions.user",
    ] {
        assert!(stats.get(name).unwrap() > 0, "{}: {name} is 0", p.name);
    }
    assert_eq!(
        digest(&stats),
        expected,
        "{} moved; its stats now:\n{:#}",
        p.name,
        stats.to_json()
    );
}

#[test]
fn rocket_fpga_is_pinned() {
    check(&preset("rocket-fpga", &[]), 0x801c83373c80bdd3);
}

#[test]
fn sifive_u74_is_pinned() {
    check(&preset("sifive-u74", &[]), 0xd1e7a357500aba7a);
}

/// LRU caches, ASIDs, a bimodal predictor and small caches (many
/// evictions and write-backs) on the Rocket preset.
#[test]
fn lru_caches_with_asids_are_pinned() {
    let p = preset(
        "rocket-fpga",
        &[
            "l1i.replacement=lru",
            "l1d.replacement=lru",
            "l2.replacement=lru",
            "l1d.size_kib=4",
            "l1d.ways=2",
            "l2.size_kib=64",
            "mmu.asid_bits=4",
            "bpred.kind=bimodal",
            "itlb.replacement=random",
            "dtlb.ways=4",
            "dtlb.entries=16",
            "dtlb.replacement=lru",
        ],
    );
    check(&p, 0x5a678973d0134ecc);
}

/// Tree-PLRU L1s, 32-byte lines, a 3-way LRU L2 on the U74 preset.
#[test]
fn plru_and_odd_ways_are_pinned() {
    let mut p = preset(
        "sifive-u74",
        &[
            "l1i.replacement=plru",
            "l1d.replacement=plru",
            "l1i.line_bytes=32",
            "l2.replacement=lru",
            "itlb.replacement=lru",
        ],
    );
    // No single override step gets from 16 ways to 3 validly.
    p.l2.ways = 3;
    p.l2.size_kib = 192;
    check(&p, 0x8c0d0acf30593ca6);
}

/// An access is charged when it is reported if its instruction's fetch
/// is done, else queued until the instruction retires (its fetch first:
/// the two may meet in the L2). Both give the same numbers: the stream
/// with its pcs gives what the stream that forces every access into the
/// queue gives, under policies that would show an order change.
#[test]
fn charging_accesses_at_once_changes_nothing() {
    for p in [
        preset("rocket-fpga", &[]),
        preset(
            "sifive-u74",
            &[
                "l1d.replacement=lru",
                "l2.replacement=lru",
                "l1d.size_kib=4",
            ],
        ),
    ] {
        let queued = run(
            &p,
            Options {
                pcs_known: false,
                pieces: 8,
                parts: false,
            },
        );
        let at_once = run(
            &p,
            Options {
                pcs_known: true,
                pieces: 8,
                parts: false,
            },
        );
        assert_eq!(digest(&at_once), digest(&queued), "{}", p.name);
    }
    // The pcs do reach the model: with more accesses than it queues, the
    // queue charges the last one first, out of order, which shows under
    // random replacement (the victims drawn change).
    let p = preset("rocket-fpga", &[]);
    let overflow = |pcs_known| {
        run(
            &p,
            Options {
                pcs_known,
                pieces: 9,
                parts: false,
            },
        )
    };
    assert_ne!(digest(&overflow(true)), digest(&overflow(false)));
}

/// A running hart's events go to its part of the model (`for_hart`), held
/// for its whole quantum; the numbers are those of the same events given
/// to the whole model, under every pinned configuration's kind of preset.
#[test]
fn a_harts_part_counts_what_the_whole_model_counts() {
    for p in [
        preset("rocket-fpga", &[]),
        preset("sifive-u74", &["l1d.replacement=plru", "mmu.asid_bits=4"]),
    ] {
        let whole = run(&p, PINNED);
        let parts = run(
            &p,
            Options {
                parts: true,
                ..PINNED
            },
        );
        assert_eq!(parts, whole, "{}", p.name);
    }
}
