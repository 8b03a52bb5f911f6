//! The model's shortcuts must never change a number: a repeated hit on
//! the line an L1 set used last (the line filter), on the TLB entry used
//! last, and a store that checks only the harts that may hold its line
//! (the sharer filter). Each test sets up the shortcut, then does what
//! must end it, and checks the counters a stale shortcut would get wrong.

use models::{Preset, TimingModel};
use sim_core::{AccessKind, InstClass, MemAccess, Operands, Privilege, Retired, TimingSink};

use Privilege::{Machine, Supervisor, User};

/// rocket-fpga with a 4-set L1D (1 KiB, 4 ways of 64 B) under `policy`.
fn model(policy: &str, harts: usize) -> TimingModel {
    model_with(policy, harts, &[])
}

fn model_with(policy: &str, harts: usize, extra: &[&str]) -> TimingModel {
    let mut p = Preset::load("rocket-fpga").unwrap();
    p.apply_overrides([
        format!("l1i.replacement={policy}").as_str(),
        format!("l1d.replacement={policy}").as_str(),
        format!("l2.replacement={policy}").as_str(),
        "l1d.size_kib=1",
        "mmu.asid_bits=16",
    ])
    .unwrap();
    p.apply_overrides(extra.iter().copied()).unwrap();
    TimingModel::new(&p, harts).unwrap()
}

const POLICIES: [&str; 3] = ["lru", "plru", "random"];

/// Address of the `n`th line of L1D set 0 (4 sets of 64-byte lines).
fn set0(n: u64) -> u64 {
    0x8010_0000 + n * 4 * 64
}

fn access(m: &mut TimingModel, hart: usize, kind: AccessKind, addr: u64, mode: Privilege) {
    let access = MemAccess {
        kind,
        pc: 0x8000_0000,
        vaddr: addr,
        paddr: addr,
        size: 8,
        data: 0,
        privilege: mode,
    };
    m.mem_access(hart, &access);
    let retired = Retired {
        pc: 0x8000_0000,
        paddr: 0x8000_0000,
        raw: 0,
        len: 4,
        class: match kind {
            AccessKind::Load => InstClass::Load,
            _ => InstClass::Store,
        },
        privilege: mode,
        taken: false,
        next_pc: 0x8000_0004,
        operands: Operands::default(),
    };
    m.retire(hart, &retired);
}

fn load(m: &mut TimingModel, hart: usize, addr: u64, mode: Privilege) {
    access(m, hart, AccessKind::Load, addr, mode);
}

fn store(m: &mut TimingModel, hart: usize, addr: u64, mode: Privilege) {
    access(m, hart, AccessKind::Store, addr, mode);
}

fn get(m: &TimingModel, name: &str) -> u64 {
    m.stats()
        .get(name)
        .unwrap_or_else(|| panic!("no stat {name}"))
}

/// L1D (accesses, misses) of `hart` in `mode`.
fn l1d(m: &TimingModel, hart: usize, mode: Privilege) -> (u64, u64) {
    let n = |what| get(m, &format!("hart{hart}.l1d.{what}.{}", mode.name()));
    (n("accesses"), n("misses"))
}

#[test]
fn another_harts_store_ends_a_filtered_line() {
    for policy in POLICIES {
        let mut m = model(policy, 2);
        let x = set0(1);
        load(&mut m, 1, x, Machine);
        load(&mut m, 1, x + 8, Machine); // a filtered hit
        assert_eq!(l1d(&m, 1, Machine), (2, 1), "{policy}");
        store(&mut m, 0, x, Machine);
        assert_eq!(get(&m, "hart1.l1d.invalidations.machine"), 1, "{policy}");
        load(&mut m, 1, x, Machine);
        assert_eq!(l1d(&m, 1, Machine), (3, 2), "{policy}: stale hit");
        // The dirty copy the storer holds now: a load of the other hart
        // does not invalidate it, a store writes it back.
        store(&mut m, 0, x, Machine);
        store(&mut m, 1, x, Machine);
        assert_eq!(get(&m, "hart0.l1d.invalidations.machine"), 1, "{policy}");
        assert_eq!(get(&m, "hart0.l1d.writebacks.machine"), 1, "{policy}");
        store(&mut m, 0, x, Machine);
        assert_eq!(l1d(&m, 0, Machine), (3, 2), "{policy}: stale hit");
    }
}

#[test]
fn losing_another_line_of_the_set_keeps_the_filtered_one() {
    for policy in POLICIES {
        let mut m = model(policy, 2);
        let (a, b) = (set0(1), set0(2));
        load(&mut m, 1, a, Machine);
        load(&mut m, 1, b, Machine); // set 0's recent line
        store(&mut m, 0, a, Machine); // removes A, not B
        load(&mut m, 1, b, Machine);
        assert_eq!(l1d(&m, 1, Machine), (3, 2), "{policy}");
        load(&mut m, 1, a, Machine);
        assert_eq!(l1d(&m, 1, Machine), (4, 3), "{policy}");
    }
}

#[test]
fn a_fill_that_evicts_the_filtered_line_ends_it() {
    for policy in POLICIES {
        let mut m = model(policy, 1);
        // Five lines through a 4-way set: whichever the policy evicts,
        // the lines still there hit and the one gone misses.
        for n in 0..5 {
            load(&mut m, 0, set0(n), Machine);
            load(&mut m, 0, set0(n), Machine);
        }
        assert_eq!(l1d(&m, 0, Machine), (10, 5), "{policy}");
        let mut misses = 5;
        for n in 0..5 {
            load(&mut m, 0, set0(n), Machine);
            load(&mut m, 0, set0(n), Machine);
            let (_, now) = l1d(&m, 0, Machine);
            assert!(now - misses <= 1, "{policy}: a repeated load missed");
            misses = now;
        }
        assert!(misses > 5, "{policy}: 5 lines cannot all stay in 4 ways");
    }
}

#[test]
fn lru_and_plru_victims_see_every_hit() {
    // Two ways (8 sets): A B A B, then C evicts the way used longer ago,
    // A. Each hit moves the recent line to the other way, so each must
    // update the replacement state; one taken for the recent line and
    // skipped would leave B the victim.
    for policy in ["lru", "plru"] {
        let mut m = model_with(policy, 1, &["l1d.ways=2"]);
        let line = |n: u64| 0x8010_0000 + n * 8 * 64;
        for n in [0, 1, 0, 1, 2] {
            load(&mut m, 0, line(n), Machine);
        }
        assert_eq!(l1d(&m, 0, Machine), (5, 3), "{policy}");
        load(&mut m, 0, line(1), Machine);
        assert_eq!(l1d(&m, 0, Machine), (6, 3), "{policy}: B was kept");
        load(&mut m, 0, line(0), Machine);
        assert_eq!(l1d(&m, 0, Machine), (7, 4), "{policy}: A was the victim");
    }
}

#[test]
fn a_filtered_hit_counts_in_the_mode_that_made_it() {
    let mut m = model("random", 1);
    let x = set0(1);
    load(&mut m, 0, x, Machine);
    load(&mut m, 0, x, Supervisor);
    store(&mut m, 0, x, Supervisor);
    assert_eq!(l1d(&m, 0, Machine), (1, 1));
    assert_eq!(l1d(&m, 0, Supervisor), (2, 0));
    // The store made the line dirty through the filter: evicting it
    // writes it back.
    for n in 2..40 {
        load(&mut m, 0, set0(n), Machine);
    }
    assert_eq!(get(&m, "hart0.l1d.writebacks.machine"), 1);
}

#[test]
fn an_sfence_ends_the_recent_tlb_entry() {
    let mut m = model("lru", 1);
    let va = 0x40_0000;
    m.tlb_fill(0, va, false, User, 4096); // counted as the miss
    load(&mut m, 0, va, User);
    load(&mut m, 0, va + 8, User); // the entry used last
    assert_eq!(get(&m, "hart0.dtlb.accesses.user"), 2);
    assert_eq!(get(&m, "hart0.dtlb.misses.user"), 1);
    m.tlb_flush(0, Some(va), None);
    load(&mut m, 0, va, User);
    assert_eq!(get(&m, "hart0.dtlb.misses.user"), 2, "stale TLB hit");
    // A flush of another page keeps the entry (found by a search).
    m.tlb_flush(0, Some(va + 0x1000), None);
    load(&mut m, 0, va, User);
    assert_eq!(get(&m, "hart0.dtlb.misses.user"), 2);
    // An address-space switch: the same page of another ASID misses.
    m.address_space_switch(0, 2);
    load(&mut m, 0, va, User);
    assert_eq!(get(&m, "hart0.dtlb.misses.user"), 3, "stale TLB hit");
    assert_eq!(get(&m, "hart0.dtlb.accesses.user"), 5);
}

/// An instruction fetched at physical `addr` by `hart` (no data access).
fn fetch(m: &mut TimingModel, hart: usize, addr: u64) {
    let retired = Retired {
        pc: addr,
        paddr: addr,
        raw: 0,
        len: 4,
        class: InstClass::Alu,
        privilege: Machine,
        taken: false,
        next_pc: addr + 4,
        operands: Operands::default(),
    };
    m.retire(hart, &retired);
}

fn invalidations(m: &TimingModel, hart: usize, cache: &str) -> u64 {
    get(m, &format!("hart{hart}.{cache}.invalidations.machine"))
}

#[test]
fn a_store_finds_every_copy_the_sharer_table_tracks() {
    // Line sizes equal, and the L1I's larger or smaller than the L1D's
    // (the table's buckets must cover the larger line).
    for (l1i, l1d) in [(64, 64), (128, 32), (32, 128)] {
        let (i, d) = (
            format!("l1i.line_bytes={l1i}"),
            format!("l1d.line_bytes={l1d}"),
        );
        let mut m = model_with("lru", 4, &[&i, &d]);
        let x = 0x8020_0000;
        // Hart 1 holds X's line as data, hart 2 as code (fetched from
        // the far end of a 128-byte line), hart 3 as both.
        load(&mut m, 1, x, Machine);
        fetch(&mut m, 2, x + 120);
        load(&mut m, 3, x + 8, Machine);
        fetch(&mut m, 3, x);
        let what = format!("{l1i}/{l1d}");
        store(&mut m, 0, x, Machine);
        assert_eq!(invalidations(&m, 1, "l1d"), 1, "{what}");
        assert_eq!(invalidations(&m, 3, "l1d"), 1, "{what}");
        assert_eq!(invalidations(&m, 3, "l1i"), 1, "{what}");
        // X + 120 is in X's L1I line only if that line is 128 bytes.
        assert_eq!(invalidations(&m, 2, "l1i"), u64::from(l1i == 128), "{what}");
        // Copies gone: a second store finds none.
        store(&mut m, 0, x, Machine);
        assert_eq!(invalidations(&m, 1, "l1d"), 1, "{what}");
        assert_eq!(invalidations(&m, 3, "l1i"), 1, "{what}");
        // They come back with the next loads and fetches (fetching
        // elsewhere first: a fetch of the line just fetched is no access).
        load(&mut m, 1, x, Machine);
        fetch(&mut m, 3, 0x8000_0000);
        fetch(&mut m, 3, x);
        store(&mut m, 2, x, Machine);
        assert_eq!(invalidations(&m, 0, "l1d"), 1, "{what}: the dirty copy");
        assert_eq!(invalidations(&m, 1, "l1d"), 2, "{what}");
        assert_eq!(invalidations(&m, 3, "l1i"), 2, "{what}");
    }
}

#[test]
fn a_line_evicted_and_refilled_is_found_again() {
    let mut m = model("lru", 2);
    let a = set0(0);
    load(&mut m, 1, a, Machine);
    // Four more lines of the set push A out of hart 1's L1D.
    for n in 1..5 {
        load(&mut m, 1, set0(n), Machine);
    }
    store(&mut m, 0, a, Machine);
    assert_eq!(invalidations(&m, 1, "l1d"), 0, "A was evicted");
    // Another line of the set is still there: stores to it find it.
    store(&mut m, 0, set0(4), Machine);
    assert_eq!(invalidations(&m, 1, "l1d"), 1);
    load(&mut m, 1, a, Machine);
    store(&mut m, 0, a + 16, Machine);
    assert_eq!(invalidations(&m, 1, "l1d"), 2, "A refilled");
}
