//! The whole model on hand-built event streams: costs, cache and TLB
//! accounting, coherence, prediction, traps, UINTR, stats and determinism.

use models::{Preset, TimingModel};
use sim_core::{
    AccessKind, InstClass, MemAccess, Operands, Privilege, Reg, Retired, TimingSink, TrapEvent,
    UintrEvent,
};

use Privilege::{Machine, Supervisor, User};

/// rocket-fpga with round numbers and LRU everywhere, so tests can
/// compute cycles by hand.
fn preset(extra: &[&str]) -> Preset {
    let mut p = Preset::load("rocket-fpga").unwrap();
    p.apply_overrides([
        "l1i.replacement=lru",
        "l1d.replacement=lru",
        "l2.replacement=lru",
        "l1d.size_kib=1", // 4 sets x 4 ways x 64 B
        "l1d.hit_latency=2",
        "l1d.writeback_cycles=5",
        "l2.hit_latency=20",
        "l2.writeback_cycles=7",
        "dram.latency=100",
        "core.load=1",
        "core.store=1",
        "core.alu=1",
        "core.branch=1",
        "core.jump=1",
        "core.taken_redirect=1",
        "core.mispredict_penalty=3",
        "core.pipeline_flush=5",
        "trap.entry_cycles=2",
        "trap.xret_cycles=4",
        "mmu.walk_latency=30",
    ])
    .unwrap();
    p.apply_overrides(extra.iter().copied()).unwrap();
    p
}

fn retire(m: &mut TimingModel, hart: usize, pc: u64, class: InstClass, mode: Privilege) {
    retire_taken(m, hart, pc, class, mode, false);
}

fn retire_taken(
    m: &mut TimingModel,
    hart: usize,
    pc: u64,
    class: InstClass,
    mode: Privilege,
    taken: bool,
) {
    m.retire(
        hart,
        &Retired {
            pc,
            paddr: pc,
            raw: 0,
            len: 4,
            class,
            privilege: mode,
            taken,
            next_pc: if taken { pc - 16 } else { pc + 4 },
            operands: Operands::default(),
        },
    );
}

/// `dest <- f(srcs)`.
fn ops(dest: Option<Reg>, srcs: &[Reg]) -> Operands {
    let mut o = Operands {
        dest,
        srcs: [None; 3],
    };
    for (slot, &r) in o.srcs.iter_mut().zip(srcs) {
        *slot = Some(r);
    }
    o
}

/// An instruction of `class` with register operands retired at `pc`.
fn retire_ops(m: &mut TimingModel, pc: u64, class: InstClass, mode: Privilege, operands: Operands) {
    m.retire(
        0,
        &Retired {
            pc,
            paddr: pc,
            raw: 0,
            len: 4,
            class,
            privilege: mode,
            taken: false,
            next_pc: pc + 4,
            operands,
        },
    );
}

/// An access on its own (made for an instruction at pc 0, never fetched).
fn access(m: &mut TimingModel, hart: usize, kind: AccessKind, addr: u64, mode: Privilege) {
    access_for(m, hart, 0, kind, addr, mode);
}

/// An access made for the instruction at `pc`.
fn access_for(
    m: &mut TimingModel,
    hart: usize,
    pc: u64,
    kind: AccessKind,
    addr: u64,
    mode: Privilege,
) {
    m.mem_access(
        hart,
        &MemAccess {
            kind,
            pc,
            vaddr: addr,
            paddr: addr,
            size: 8,
            data: 0,
            privilege: mode,
        },
    );
}

/// A load at `addr` retired at `pc` (both in one instruction).
fn load(m: &mut TimingModel, hart: usize, pc: u64, addr: u64, mode: Privilege) {
    access_for(m, hart, pc, AccessKind::Load, addr, mode);
    retire(m, hart, pc, InstClass::Load, mode);
}

fn store(m: &mut TimingModel, hart: usize, pc: u64, addr: u64, mode: Privilege) {
    access_for(m, hart, pc, AccessKind::Store, addr, mode);
    retire(m, hart, pc, InstClass::Store, mode);
}

/// A satp write as the core reports it: the switch, then the CSR
/// instruction (kernel code) retires.
fn switch(m: &mut TimingModel, hart: usize, asid: u64) {
    m.address_space_switch(hart, asid);
    retire(m, hart, 0x8020_0000, InstClass::Csr, Supervisor);
}

fn get(m: &TimingModel, name: &str) -> u64 {
    m.stats()
        .get(name)
        .unwrap_or_else(|| panic!("no stat {name}"))
}

#[test]
fn load_costs_follow_the_hierarchy() {
    let mut m = TimingModel::new(&preset(&[]), 1).unwrap();
    let pc = 0x8000_0000;
    // First fetch misses L1I and L2 (fetch latency 100 - 1 = 99 stall);
    // the load misses L1D and L2: 100 - 2 = 98 stall; plus the class cost.
    load(&mut m, 0, pc, 0x9000_0000, Machine);
    assert_eq!(m.cycles(0), 1 + 99 + 98);
    // Same line, next pc in the same fetch line: hits everywhere.
    load(&mut m, 0, pc + 4, 0x9000_0008, Machine);
    assert_eq!(m.cycles(0), 198 + 1);
    assert_eq!(get(&m, "hart0.l1d.misses.machine"), 1);
    assert_eq!(get(&m, "hart0.l1d.accesses.machine"), 2);
    assert_eq!(get(&m, "hart0.l1i.accesses.machine"), 1);
    assert_eq!(get(&m, "l2.misses.machine"), 2);
    assert_eq!(get(&m, "dram.reads.machine"), 2);
    assert_eq!(get(&m, "hart0.instret.machine"), 2);
    assert_eq!(get(&m, "hart0.stalls.dcache.machine"), 98);
    assert_eq!(get(&m, "hart0.stalls.icache.machine"), 99);
}

#[test]
fn dirty_evictions_are_charged_and_counted() {
    let mut m = TimingModel::new(&preset(&[]), 1).unwrap();
    let pc = 0x8000_0000;
    // Warm the fetch line and fill set 0 of the L1D with four dirty lines
    // (lines 256 bytes apart map to set 0).
    for i in 0..4 {
        store(&mut m, 0, pc, 0x9000_0000 + i * 256, Machine);
    }
    let before = m.cycles(0);
    // A fifth line evicts the first (LRU, dirty): write-back to the L2
    // (5 cycles, the line is in L2: no DRAM write) + an L2 hit? No: the new
    // line misses L2 too: 5 + (100 - 2) + 1.
    load(&mut m, 0, pc, 0x9000_0000 + 4 * 256, Machine);
    assert_eq!(m.cycles(0) - before, 5 + 98 + 1);
    assert_eq!(get(&m, "hart0.l1d.writebacks.machine"), 1);
    // The evicted line is back from the L2: an L2 hit (20 - 2), and it
    // evicts the second dirty line.
    let before = m.cycles(0);
    load(&mut m, 0, pc, 0x9000_0000, Machine);
    assert_eq!(m.cycles(0) - before, 5 + 18 + 1);
    assert_eq!(get(&m, "hart0.l1d.writebacks.machine"), 2);
    assert_eq!(get(&m, "dram.writes.machine"), 0);
}

#[test]
fn a_store_invalidates_other_harts_copies() {
    let mut m = TimingModel::new(&preset(&[]), 2).unwrap();
    let (pc, x) = (0x8000_0000, 0x9000_0040);
    load(&mut m, 1, pc, x, User);
    load(&mut m, 1, pc, x, User);
    assert_eq!(get(&m, "hart1.l1d.misses.user"), 1);
    // Hart 0 writes the line: hart 1 loses its copy.
    store(&mut m, 0, pc, x, Supervisor);
    assert_eq!(get(&m, "hart1.l1d.invalidations.supervisor"), 1);
    let before = m.cycles(1);
    load(&mut m, 1, pc, x, User);
    assert_eq!(get(&m, "hart1.l1d.misses.user"), 2);
    // Served by the shared L2: 20 - 2 stall + 1.
    assert_eq!(m.cycles(1) - before, 19);
    // Hart 1 now writes: hart 0's dirty copy is written back to the L2.
    store(&mut m, 1, pc, x, User);
    assert_eq!(get(&m, "hart0.l1d.invalidations.user"), 1);
    assert_eq!(get(&m, "hart0.l1d.writebacks.user"), 1);
    // Loads on the same hart never invalidate.
    assert_eq!(get(&m, "hart1.l1d.invalidations.user"), 0);
}

#[test]
fn kernel_pollution_shows_in_user_misses() {
    let mut m = TimingModel::new(&preset(&[]), 1).unwrap();
    let pc = 0x8000_0000;
    let user_lines: Vec<u64> = (0..4).map(|i| 0x9000_0000 + i * 256).collect();
    for &a in &user_lines {
        load(&mut m, 0, pc, a, User);
    }
    for &a in &user_lines {
        load(&mut m, 0, pc, a, User);
    }
    assert_eq!(get(&m, "hart0.l1d.misses.user"), 4, "warm: no new misses");
    // The kernel touches four lines of the same set.
    for i in 0..4 {
        load(&mut m, 0, pc, 0xa000_0000 + i * 256, Supervisor);
    }
    for &a in &user_lines {
        load(&mut m, 0, pc, a, User);
    }
    assert_eq!(get(&m, "hart0.l1d.misses.user"), 8);
    assert_eq!(get(&m, "hart0.l1d.misses.supervisor"), 4);
}

#[test]
fn page_walks_go_through_the_caches_and_tlbs_are_asid_aware() {
    let mut m = TimingModel::new(&preset(&["mmu.asid_bits=16"]), 1).unwrap();
    switch(&mut m, 0, 1);
    let (pc, va) = (0x1_0000, 0x40_0000);
    // The code page was walked for (no PTE reads reported: walks = 1).
    m.tlb_fill(0, pc, true, User, 4096);
    // Reported walk: 3 PTE reads, then the fill, then the load.
    for pte in [0x8800_0000u64, 0x8800_1000, 0x8800_2000] {
        access(&mut m, 0, AccessKind::PageWalk, pte, Supervisor);
    }
    m.tlb_fill(0, va, false, User, 4096);
    load(&mut m, 0, pc, va, User);
    assert_eq!(get(&m, "hart0.dtlb.misses.user"), 1);
    assert_eq!(get(&m, "hart0.dtlb.accesses.user"), 1);
    assert_eq!(get(&m, "hart0.ptw.walks.user"), 2);
    assert_eq!(get(&m, "hart0.ptw.accesses.user"), 3);
    // The PTE reads went through the L1D: 3 walk + 1 data access.
    assert_eq!(get(&m, "hart0.l1d.accesses.user"), 4);
    // Each PTE read missed to DRAM: its whole latency stalls.
    assert_eq!(get(&m, "hart0.stalls.tlb.user"), 300);
    // Same page again: a hit. The core's TLB lost it and walked again:
    // the model's TLB still has it, so no walk is charged.
    load(&mut m, 0, pc, va + 8, User);
    access(&mut m, 0, AccessKind::PageWalk, 0x8800_2000, Supervisor);
    m.tlb_fill(0, va, false, User, 4096);
    load(&mut m, 0, pc, va + 16, User);
    assert_eq!(get(&m, "hart0.dtlb.misses.user"), 1);
    assert_eq!(get(&m, "hart0.ptw.walks.user"), 2);
    // A page the core did not walk for: fixed walk latency.
    load(&mut m, 0, pc, va + 0x1000, User);
    assert_eq!(get(&m, "hart0.dtlb.misses.user"), 2);
    assert_eq!(get(&m, "hart0.ptw.fixed_latency.user"), 1);
    assert_eq!(get(&m, "hart0.stalls.tlb.user"), 330);
    // Another address space misses (data and code); coming back hits
    // (entries are tagged by ASID).
    switch(&mut m, 0, 2);
    load(&mut m, 0, pc, va, User);
    assert_eq!(get(&m, "hart0.dtlb.misses.user"), 3);
    assert_eq!(get(&m, "hart0.itlb.misses.user"), 2);
    switch(&mut m, 0, 1);
    load(&mut m, 0, pc, va, User);
    assert_eq!(get(&m, "hart0.dtlb.misses.user"), 3);
    assert_eq!(get(&m, "hart0.itlb.misses.user"), 2);
    // sfence.vma of that ASID only.
    m.tlb_flush(0, None, Some(1));
    load(&mut m, 0, pc, va, User);
    assert_eq!(get(&m, "hart0.dtlb.misses.user"), 4);
    assert_eq!(get(&m, "hart0.tlb.flushes.user"), 1);
    // Machine mode never translates.
    load(&mut m, 0, pc, 0x1234_0000, Machine);
    assert_eq!(get(&m, "hart0.dtlb.accesses.machine"), 0);
}

#[test]
fn without_asids_a_switch_flushes_the_tlbs() {
    let mut m = TimingModel::new(&preset(&["mmu.asid_bits=0"]), 1).unwrap();
    let (pc, va) = (0x8000_0000, 0x40_0000);
    m.tlb_fill(0, va, false, User, 4096);
    load(&mut m, 0, pc, va, User);
    load(&mut m, 0, pc, va, User);
    assert_eq!(get(&m, "hart0.dtlb.misses.user"), 1);
    switch(&mut m, 0, 7);
    load(&mut m, 0, pc, va, User);
    assert_eq!(get(&m, "hart0.dtlb.misses.user"), 2);
    // The first fetch (no ITLB fill) and, after the flush, the fetch and
    // the load.
    assert_eq!(get(&m, "hart0.ptw.fixed_latency.user"), 3);
}

#[test]
fn user_fetches_use_the_itlb() {
    let mut m = TimingModel::new(&preset(&[]), 1).unwrap();
    m.tlb_fill(0, 0x1_0000, true, User, 4096);
    for i in 0..8 {
        retire(&mut m, 0, 0x1_0000 + 4 * i, InstClass::Alu, User);
    }
    assert_eq!(get(&m, "hart0.itlb.misses.user"), 1);
    assert_eq!(get(&m, "hart0.itlb.accesses.user"), 1);
    // 8 instructions in two 16-instruction lines? 32 bytes: one line.
    assert_eq!(get(&m, "hart0.l1i.accesses.user"), 1);
    retire(&mut m, 0, 0x2_0000, InstClass::Alu, User);
    assert_eq!(get(&m, "hart0.itlb.misses.user"), 2);
    assert_eq!(get(&m, "hart0.ptw.fixed_latency.user"), 1);
}

#[test]
fn branch_prediction_and_redirects() {
    let mut m = TimingModel::new(&preset(&["bpred.kind=bimodal"]), 1).unwrap();
    let pc = 0x8000_0000;
    retire(&mut m, 0, pc, InstClass::Alu, Machine); // warm the fetch line
    let before = m.cycles(0);
    // An always-taken loop branch: one mispredict, then 99 right.
    for _ in 0..100 {
        retire_taken(&mut m, 0, pc + 4, InstClass::Branch, Machine, true);
    }
    assert_eq!(get(&m, "hart0.bpred.branches.machine"), 100);
    assert_eq!(get(&m, "hart0.bpred.mispredicts.machine"), 1);
    // 100 x 1 + 1 x 3 mispredict + 99 x 1 taken redirect.
    assert_eq!(m.cycles(0) - before, 100 + 3 + 99);
    retire_taken(&mut m, 0, pc + 8, InstClass::Jump, Machine, true);
    assert_eq!(get(&m, "hart0.jumps.machine"), 1);
    assert_eq!(get(&m, "hart0.stalls.redirect.machine"), 100);

    let alternating = |kind: &str| {
        let mut m = TimingModel::new(&preset(&[kind, "bpred.history_bits=4"]), 1).unwrap();
        for i in 0..200 {
            retire_taken(&mut m, 0, pc, InstClass::Branch, User, i % 2 == 0);
        }
        get(&m, "hart0.bpred.mispredicts.user")
    };
    assert!(alternating("bpred.kind=bimodal") >= 100);
    assert!(alternating("bpred.kind=gshare") <= 8);
}

#[test]
fn trap_costs_add_up_over_a_known_number_of_traps() {
    let p = preset(&[]);
    let mut m = TimingModel::new(&p, 1).unwrap();
    let traps = 37;
    for i in 0..traps {
        // A user ecall (no retire), three kernel instructions, sret.
        m.trap(
            0,
            &TrapEvent {
                interrupt: i % 10 == 9,
                cause: 8,
                from: User,
                to: Supervisor,
                pc: 0x1_0000,
                tval: 0,
            },
        );
        for k in 0..3 {
            retire(&mut m, 0, 0x8020_0000 + 4 * k, InstClass::Alu, Supervisor);
        }
        m.trap_return(0, Supervisor, User);
        retire(&mut m, 0, 0x8020_000c, InstClass::System, Supervisor);
    }
    let entry = (p.trap.entry_cycles + p.core.pipeline_flush) as u64;
    let xret = (p.trap.xret_cycles + p.core.pipeline_flush) as u64;
    assert_eq!(get(&m, "hart0.traps.exceptions.user"), 34);
    assert_eq!(get(&m, "hart0.traps.interrupts.user"), 3);
    assert_eq!(get(&m, "hart0.traps.returns.supervisor"), traps);
    assert_eq!(
        get(&m, "hart0.traps.cycles.supervisor"),
        traps * (entry + xret)
    );
    // Every trap restarts the fetch stream: one L1I access per trap.
    assert_eq!(get(&m, "hart0.l1i.accesses.supervisor"), traps);
    let fetch_stall = get(&m, "hart0.stalls.icache.supervisor");
    assert_eq!(
        m.cycles(0),
        traps * (entry + xret + 4) + fetch_stall,
        "class costs + trap costs + fetch stalls"
    );
    assert_eq!(get(&m, "hart0.cycles.user"), 0);
}

#[test]
fn uintr_send_and_delivery_costs() {
    let p = preset(&[]);
    let mut m = TimingModel::new(&p, 2).unwrap();
    m.tlb_fill(0, 0x1_0000, true, User, 4096); // paging on, user code page cached
    retire(&mut m, 0, 0x1_0000, InstClass::Alu, User);
    let before = m.cycles(0);
    // SEND: the sender-table read (physical, through the L1D, missing to
    // DRAM), the send, the retire.
    access_for(
        &mut m,
        0,
        0x1_0004,
        AccessKind::TableRead,
        0x8700_0008,
        User,
    );
    m.uintr(
        0,
        UintrEvent::Send {
            receiver: 3,
            delivered_to_active: true,
        },
    );
    retire(&mut m, 0, 0x1_0004, InstClass::Uintr, User);
    let send = (p.uintr.send_store_cycles + p.uintr.interconnect_cycles) as u64;
    assert_eq!(m.cycles(0) - before, p.core.uintr as u64 + send + 98);
    assert_eq!(get(&m, "hart0.dtlb.accesses.user"), 0, "physical access");
    assert_eq!(get(&m, "hart0.uintr.sends.user"), 1);
    assert_eq!(get(&m, "hart0.uintr.cycles.user"), send);
    // Delivery on hart 1, then its uret.
    m.uintr(1, UintrEvent::Delivered);
    m.uintr(1, UintrEvent::Return);
    let xret = (p.trap.xret_cycles + p.core.pipeline_flush) as u64;
    assert_eq!(get(&m, "hart1.uintr.delivered.user"), 1);
    assert_eq!(
        get(&m, "hart1.uintr.cycles.user"),
        p.uintr.delivery_cycles as u64 + xret
    );
    assert_eq!(get(&m, "hart1.traps.exceptions.user"), 0, "not a trap");
    m.uintr(0, UintrEvent::SendRejected);
    assert_eq!(get(&m, "hart0.uintr.rejected.user"), 1);
}

#[test]
fn device_accesses_are_uncached() {
    let p = preset(&[]);
    let mut m = TimingModel::new(&p, 1).unwrap();
    m.set_cacheable_range(0x8000_0000, 0x1000_0000);
    retire(&mut m, 0, 0x8000_0000, InstClass::Alu, Machine);
    let before = m.cycles(0);
    store(&mut m, 0, 0x8000_0004, 0x1000_0000, Machine);
    assert_eq!(m.cycles(0) - before, 1 + p.dram.uncached_latency as u64);
    assert_eq!(get(&m, "hart0.uncached_accesses.machine"), 1);
    assert_eq!(get(&m, "hart0.l1d.accesses.machine"), 0);
}

#[test]
fn reset_keeps_caches_warm_and_idle_cycles_count() {
    let mut m = TimingModel::new(&preset(&[]), 1).unwrap();
    load(&mut m, 0, 0x8000_0000, 0x9000_0000, Machine);
    m.reset_stats();
    assert_eq!(m.cycles(0), 0);
    load(&mut m, 0, 0x8000_0000, 0x9000_0000, Machine);
    assert_eq!(get(&m, "hart0.l1d.misses.machine"), 0);
    m.wait_for_interrupt(0);
    m.add_idle_cycles(0, 500);
    assert_eq!(m.cycles(0), 1 + 500);
    assert_eq!(get(&m, "hart0.cycles.total"), 501);
    assert_eq!(get(&m, "hart0.wfi.machine"), 1);
}

#[test]
fn stats_since_a_snapshot_count_only_the_region() {
    let mut m = TimingModel::new(&preset(&[]), 1).unwrap();
    load(&mut m, 0, 0x8000_0000, 0x9000_0000, User);
    let begin = m.stats();
    load(&mut m, 0, 0x8000_0000, 0x9000_0040, User);
    load(&mut m, 0, 0x8000_0000, 0x9000_0040, User);
    let region = m.stats_since(&begin);
    assert_eq!(region.get("hart0.instret.user"), Some(2));
    assert_eq!(region.get("hart0.l1d.misses.user"), Some(1));
    assert_eq!(region.get("hart0.l1i.accesses.user"), Some(0));
    assert_eq!(m.stats().get("hart0.instret.user"), Some(3));
}

/// A pseudo-random stream over every event kind, two harts.
fn random_stream(m: &mut TimingModel, seed: u64) {
    let mut x = seed | 1;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for _ in 0..20_000 {
        let r = next();
        let hart = (r & 1) as usize;
        let mode = [User, Supervisor, Machine][(r >> 1) as usize % 3];
        let addr = 0x8000_0000 + (next() % (1 << 20));
        let pc = 0x8000_0000 + (next() % 4096) * 4;
        match (r >> 8) % 12 {
            0..=3 => retire(m, hart, pc, InstClass::Alu, mode),
            4 | 5 => load(m, hart, pc, addr, mode),
            6 => store(m, hart, pc, addr, mode),
            7 => retire_taken(m, hart, pc, InstClass::Branch, mode, r & 0x10000 != 0),
            8 => m.tlb_fill(
                hart,
                addr,
                r & 0x20000 != 0,
                mode,
                4096 << (9 * ((r >> 50) % 3)),
            ),
            9 => access(m, hart, AccessKind::PageWalk, addr, Supervisor),
            10 => m.address_space_switch(hart, r >> 40),
            _ => m.trap(
                hart,
                &TrapEvent {
                    interrupt: false,
                    cause: 8,
                    from: mode,
                    to: Supervisor,
                    pc,
                    tval: 0,
                },
            ),
        }
    }
}

#[test]
fn same_events_give_identical_stats() {
    for name in Preset::names() {
        let p = Preset::load(name).unwrap();
        let run = |seed| {
            let mut m = TimingModel::new(&p, 2).unwrap();
            random_stream(&mut m, seed);
            m.stats()
        };
        let a = run(99);
        assert_eq!(a, run(99), "{name}");
        assert_ne!(a, run(100), "{name}: the stream matters");
        assert!(a.get("hart1.l1d.misses.user").unwrap() > 0);
        assert!(a.get("hart0.cycles.supervisor").unwrap() > 0);
    }
}

#[test]
fn stats_tree_has_the_documented_names() {
    let m = TimingModel::new(&preset(&[]), 2).unwrap();
    let s = m.stats();
    for name in [
        "hart0.l1d.misses.user",
        "hart1.cycles.user",
        "l2.misses.supervisor",
        "hart0.bpred.mispredicts.user",
        "hart0.itlb.misses.user",
        "hart0.traps.cycles.machine",
        "hart1.uintr.delivered.user",
        "dram.reads.machine",
        "hart0.cycles.total",
    ] {
        assert_eq!(s.get(name), Some(0), "{name}");
    }
    let json = s.to_json();
    assert_eq!(json["hart0"]["l1d"]["misses"]["user"], 0);
}

#[test]
fn reported_fetches_replace_pc_derived_ones() {
    let mut m = TimingModel::new(&preset(&[]), 1).unwrap();
    // The core reports a physical fetch: the L1I is looked up by paddr and
    // retires no longer fetch by pc.
    access(&mut m, 0, AccessKind::Fetch, 0x8765_4000, User);
    retire(&mut m, 0, 0x1_0000, InstClass::Alu, User);
    retire(&mut m, 0, 0x9_0000, InstClass::Alu, User);
    assert_eq!(get(&m, "hart0.l1i.accesses.user"), 1);
    assert_eq!(get(&m, "hart0.l1i.misses.user"), 1);
    assert_eq!(get(&m, "hart0.itlb.accesses.user"), 0);
    // fetch stall (100 - 1) + 2 x 1 class cycles.
    assert_eq!(m.cycles(0), 99 + 2);
}

#[test]
fn a_load_feeding_the_next_instruction_stalls() {
    let mut m = TimingModel::new(&preset(&["core.load_use_stall=2"]), 1).unwrap();
    let (pc, x) = (0x8000_0000, 0x9000_0000);
    let (a0, a1, a2) = (Reg::int(10), Reg::int(11), Reg::int(12));
    let ld = |m: &mut TimingModel, pc, dest, mode| {
        access(m, 0, AccessKind::Load, x, mode);
        retire_ops(m, pc, InstClass::Load, mode, ops(Some(dest), &[a2]));
    };
    ld(&mut m, pc, a0, User); // warms the fetch line and the data line
    let before = m.cycles(0);
    // ld a0; add a1, a2, a0: the add waits 2 cycles for a0.
    ld(&mut m, pc + 4, a0, User);
    retire_ops(
        &mut m,
        pc + 8,
        InstClass::Alu,
        User,
        ops(Some(a1), &[a2, a0]),
    );
    assert_eq!(m.cycles(0) - before, 1 + 1 + 2);
    assert_eq!(get(&m, "hart0.core.load_use_stalls.user"), 1);
    assert_eq!(get(&m, "hart0.stalls.load_use.user"), 2);
    // ld a0; add a1, a2, a2: independent, no stall.
    let before = m.cycles(0);
    ld(&mut m, pc + 12, a0, User);
    retire_ops(
        &mut m,
        pc + 16,
        InstClass::Alu,
        User,
        ops(Some(a1), &[a2, a2]),
    );
    assert_eq!(m.cycles(0) - before, 2);
    // ld a0; add a1, a2, a2; add a1, a0, a0: one instruction in between
    // covers the bubble.
    let before = m.cycles(0);
    ld(&mut m, pc + 20, a0, User);
    retire_ops(&mut m, pc + 24, InstClass::Alu, User, ops(Some(a1), &[a2]));
    retire_ops(
        &mut m,
        pc + 28,
        InstClass::Alu,
        User,
        ops(Some(a1), &[a0, a0]),
    );
    assert_eq!(m.cycles(0) - before, 3);
    // A load into x0 has no destination (the core never reports x0), so
    // nothing waits for it, even an instruction that reads no register.
    let before = m.cycles(0);
    access(&mut m, 0, AccessKind::Load, x, User);
    retire_ops(&mut m, pc + 32, InstClass::Load, User, ops(None, &[a2]));
    retire_ops(&mut m, pc + 36, InstClass::Alu, User, ops(Some(a1), &[]));
    assert_eq!(m.cycles(0) - before, 2);
    // The same register number in the other file is another register.
    let before = m.cycles(0);
    ld(&mut m, pc + 40, a0, User);
    retire_ops(
        &mut m,
        pc + 44,
        InstClass::FpArith,
        User,
        ops(Some(Reg::float(1)), &[Reg::float(10)]),
    );
    assert_eq!(m.cycles(0) - before, 1 + 4);
    assert_eq!(get(&m, "hart0.core.load_use_stalls.user"), 1);
    // Counted by the mode the waiting instruction ran at.
    ld(&mut m, pc + 48, a0, Supervisor);
    retire_ops(
        &mut m,
        pc + 52,
        InstClass::Store,
        Supervisor,
        ops(None, &[a2, a0]),
    );
    assert_eq!(get(&m, "hart0.core.load_use_stalls.supervisor"), 1);
    assert_eq!(get(&m, "hart0.stalls.load_use.supervisor"), 2);
}

/// Every kind of instruction after a load on the same fetch line waits
/// for it (the model retires these through different paths): a branch, a
/// store with its access, an ALU op, and a load that made no access of
/// its own (its destination is still a loaded value).
#[test]
fn a_load_feeding_any_kind_of_instruction_on_one_fetch_line_stalls() {
    let mut m = TimingModel::new(&preset(&["core.load_use_stall=2"]), 1).unwrap();
    let (pc, x) = (0x8000_0000, 0x9000_0000);
    let (a0, a1, a2) = (Reg::int(10), Reg::int(11), Reg::int(12));
    let ld = |m: &mut TimingModel, pc, dest| {
        access(m, 0, AccessKind::Load, x, User);
        retire_ops(m, pc, InstClass::Load, User, ops(Some(dest), &[a2]));
    };
    ld(&mut m, pc, a0); // warms the fetch line and the data line
    let mut stalls = 0;
    let mut check = |m: &TimingModel, expected_stalls| {
        stalls += expected_stalls;
        assert_eq!(get(m, "hart0.core.load_use_stalls.user"), stalls);
    };
    ld(&mut m, pc + 4, a0);
    retire_ops(
        &mut m,
        pc + 8,
        InstClass::Branch,
        User,
        ops(None, &[a0, a2]),
    );
    check(&m, 1);
    ld(&mut m, pc + 12, a0);
    access(&mut m, 0, AccessKind::Store, x + 8, User);
    retire_ops(
        &mut m,
        pc + 16,
        InstClass::Store,
        User,
        ops(None, &[a2, a0]),
    );
    check(&m, 1);
    ld(&mut m, pc + 20, a0);
    retire_ops(&mut m, pc + 24, InstClass::Load, User, ops(Some(a1), &[a0]));
    check(&m, 1);
    retire_ops(&mut m, pc + 28, InstClass::Alu, User, ops(Some(a2), &[a1]));
    check(&m, 1);
    // A jump that reads no loaded register, then nothing waits.
    ld(&mut m, pc + 32, a0);
    retire_ops(&mut m, pc + 36, InstClass::Jump, User, ops(Some(a1), &[a2]));
    retire_ops(&mut m, pc + 40, InstClass::Alu, User, ops(Some(a1), &[a0]));
    check(&m, 0);
}

#[test]
fn fp_loads_and_amos_count_as_loads_and_a_trap_ends_the_wait() {
    let mut m =
        TimingModel::new(&preset(&["core.load_use_stall=3", "core.fp_arith=4"]), 1).unwrap();
    let (pc, x) = (0x8000_0000, 0x9000_0000);
    let (f1, f2, a0, a1) = (Reg::float(1), Reg::float(2), Reg::int(10), Reg::int(11));
    access(&mut m, 0, AccessKind::Load, x, Machine);
    retire(&mut m, 0, pc, InstClass::Load, Machine); // warm up
                                                     // fld f1; fmadd.d f2, f2, f2, f1 (the third source).
    let before = m.cycles(0);
    access(&mut m, 0, AccessKind::Load, x, Machine);
    retire_ops(
        &mut m,
        pc + 4,
        InstClass::FpLoad,
        Machine,
        ops(Some(f1), &[a1]),
    );
    retire_ops(
        &mut m,
        pc + 8,
        InstClass::FpArith,
        Machine,
        ops(Some(f2), &[f2, f2, f1]),
    );
    assert_eq!(m.cycles(0) - before, 1 + 4 + 3);
    // amoadd.d a0, a1, (a1); addi a1, a0, 1.
    let before = m.cycles(0);
    access(&mut m, 0, AccessKind::Amo, x, Machine);
    retire_ops(
        &mut m,
        pc + 12,
        InstClass::Amo,
        Machine,
        ops(Some(a0), &[a1, a1]),
    );
    retire_ops(
        &mut m,
        pc + 16,
        InstClass::Alu,
        Machine,
        ops(Some(a1), &[a0]),
    );
    // core.amo = 3, the addi 1, the bubble 3.
    assert_eq!(m.cycles(0) - before, 3 + 1 + 3);
    assert_eq!(get(&m, "hart0.core.load_use_stalls.machine"), 2);
    // A load, then an interrupt: the handler's first instruction refetches
    // after the flush and never waits for the load.
    access(&mut m, 0, AccessKind::Load, x, Machine);
    retire_ops(
        &mut m,
        pc + 20,
        InstClass::Load,
        Machine,
        ops(Some(a0), &[a1]),
    );
    m.trap(
        0,
        &TrapEvent {
            interrupt: true,
            cause: 7,
            from: Machine,
            to: Machine,
            pc: pc + 24,
            tval: 0,
        },
    );
    retire_ops(
        &mut m,
        pc + 28,
        InstClass::Alu,
        Machine,
        ops(Some(a1), &[a0]),
    );
    assert_eq!(get(&m, "hart0.core.load_use_stalls.machine"), 2);
}

/// An ALU instruction at virtual `pc` fetched from physical `paddr`.
fn retire_at(m: &mut TimingModel, pc: u64, paddr: u64, mode: Privilege) {
    m.retire(
        0,
        &Retired {
            pc,
            paddr,
            raw: 0,
            len: 4,
            class: InstClass::Alu,
            privilege: mode,
            taken: false,
            next_pc: pc + 4,
            operands: Operands::default(),
        },
    );
}

#[test]
fn the_l1i_is_physically_tagged() {
    let mut m = TimingModel::new(&preset(&["mmu.asid_bits=16"]), 1).unwrap();
    let code = 0x8123_4000; // one physical code page
    switch(&mut m, 0, 1);
    m.tlb_fill(0, 0x1_0000, true, User, 4096);
    retire_at(&mut m, 0x1_0000, code, User);
    assert_eq!(get(&m, "hart0.l1i.misses.user"), 1);
    // The same page mapped at another address of another process (a
    // shared library): its lines are already in the L1I.
    switch(&mut m, 0, 2);
    m.tlb_fill(0, 0x7_0000, true, User, 4096);
    let before = m.cycles(0);
    retire_at(&mut m, 0x7_0000, code, User);
    retire_at(&mut m, 0x7_0004, code + 4, User);
    assert_eq!(get(&m, "hart0.l1i.misses.user"), 1);
    assert_eq!(get(&m, "hart0.l1i.accesses.user"), 2);
    assert_eq!(m.cycles(0) - before, 2, "two L1I hits");
    // The same virtual address in a third process, another physical page:
    // a miss (100 - 1 stall).
    switch(&mut m, 0, 3);
    m.tlb_fill(0, 0x7_0000, true, User, 4096);
    let before = m.cycles(0);
    retire_at(&mut m, 0x7_0000, code + 0x1000, User);
    assert_eq!(get(&m, "hart0.l1i.misses.user"), 2);
    assert_eq!(m.cycles(0) - before, 1 + 99);
}

#[test]
fn a_superpage_fill_covers_the_whole_superpage() {
    let mut m = TimingModel::new(&preset(&[]), 1).unwrap();
    let (pc, base) = (0x8000_0000, 0x4000_0000);
    // One walk of a 2 MiB page (a single PTE read: a leaf at level 1).
    access(&mut m, 0, AccessKind::PageWalk, 0x8800_0000, Supervisor);
    m.tlb_fill(0, base + 0x1234, false, Supervisor, 2 << 20);
    // Loads all over the superpage hit the DTLB: no more walks.
    for off in [0, 0x1000, 0x10_0000, 0x1f_f000, 0x1f_fff8] {
        load(&mut m, 0, pc, base + off, Supervisor);
    }
    assert_eq!(get(&m, "hart0.dtlb.accesses.supervisor"), 5);
    assert_eq!(get(&m, "hart0.dtlb.misses.supervisor"), 1, "the fill only");
    // The core's TLB keeps 4 KiB pieces and walks again for another one:
    // the model's TLB has the superpage, so no walk is charged.
    access(&mut m, 0, AccessKind::PageWalk, 0x8800_0000, Supervisor);
    m.tlb_fill(0, base + 0x5_0000, false, Supervisor, 2 << 20);
    assert_eq!(get(&m, "hart0.ptw.walks.supervisor"), 1);
    // Past its end: a miss.
    load(&mut m, 0, pc, base + 0x20_0000, Supervisor);
    assert_eq!(get(&m, "hart0.dtlb.misses.supervisor"), 2);
}

#[test]
fn a_walk_that_faults_is_charged_through_the_caches() {
    let mut m = TimingModel::new(&preset(&[]), 1).unwrap();
    let pc = 0x8000_0000;
    retire(&mut m, 0, pc, InstClass::Alu, User); // warm the fetch line
    let before = m.cycles(0);
    // A load's walk reads two PTEs, the second invalid: a page fault.
    access(&mut m, 0, AccessKind::PageWalk, 0x8800_0000, Supervisor);
    access(&mut m, 0, AccessKind::PageWalk, 0x8800_1000, Supervisor);
    m.trap(
        0,
        &TrapEvent {
            interrupt: false,
            cause: 13,
            from: User,
            to: Supervisor,
            pc: pc + 4,
            tval: 0x1234_5000,
        },
    );
    // Each PTE read misses to DRAM (100), then the trap entry (2 + 5).
    assert_eq!(m.cycles(0) - before, 100 + 100 + 7);
    assert_eq!(get(&m, "hart0.ptw.walks.user"), 1);
    assert_eq!(get(&m, "hart0.ptw.accesses.user"), 2);
    assert_eq!(get(&m, "hart0.stalls.tlb.user"), 200);
    assert_eq!(get(&m, "hart0.dtlb.misses.user"), 0, "nothing was filled");
    // The handler retries after fixing the PTE: the walk reads the now
    // cached PTEs (L1D hits) and fills.
    access(&mut m, 0, AccessKind::PageWalk, 0x8800_0000, Supervisor);
    access(&mut m, 0, AccessKind::PageWalk, 0x8800_1000, Supervisor);
    m.tlb_fill(0, 0x1234_5000, false, User, 4096);
    assert_eq!(get(&m, "hart0.ptw.walks.user"), 2);
    assert_eq!(get(&m, "hart0.stalls.tlb.user"), 204);
}
