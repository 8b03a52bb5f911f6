//! What a timing model is told about address translation: the physical
//! address each instruction was fetched from, the page size of each TLB
//! fill, and the PTE reads of walks that end in a page fault.

mod common;

use common::*;
use riscv_core::encode::{reg::*, Asm};
use riscv_core::platform::RAM_BASE;
use sim_core::{AccessKind, MemAccess, Privilege, Retired, StopReason, TimingSink, TrapEvent};

const PT_ROOT: u64 = RAM_BASE + 0x40_0000;
const PT_L1: u64 = PT_ROOT + 0x1000;
const PT_L0: u64 = PT_ROOT + 0x2000;
/// VA 0xc000_0000 maps RAM_BASE with a 1 GiB page: an alias of the 4 KiB
/// pages that map RAM_BASE at VA RAM_BASE.
const ALIAS: u64 = 0xc000_0000;
/// Mapped by one 2 MiB page.
const MEGAPAGE: u64 = RAM_BASE + 0x20_0000;
/// Unmapped at the root (VA 1 GiB) and at the last level (l0 entry 300).
const UNMAPPED_ROOT: u64 = 0x4000_0000;
const UNMAPPED_LEAF: u64 = RAM_BASE + 300 * 0x1000;

const V: u64 = 1;
const RW: u64 = 2 | 4;
const X: u64 = 8;
const AD: u64 = 64 | 128;

#[derive(Debug, PartialEq)]
enum Event {
    Retire { pc: u64, paddr: u64 },
    PteRead(u64),
    Fill { vaddr: u64, fetch: bool, size: u64 },
    Fault { cause: u64, tval: u64 },
}

#[derive(Default)]
struct Recorder(Vec<Event>);

impl TimingSink for Recorder {
    sim_core::same_sink_for_every_hart!();

    fn retire(&mut self, _hart: usize, inst: &Retired) {
        if inst.privilege == Privilege::Supervisor {
            self.0.push(Event::Retire {
                pc: inst.pc,
                paddr: inst.paddr,
            });
        }
    }
    fn mem_access(&mut self, _hart: usize, access: &MemAccess) {
        if access.kind == AccessKind::PageWalk {
            self.0.push(Event::PteRead(access.paddr));
        }
    }
    fn tlb_fill(&mut self, _hart: usize, vaddr: u64, fetch: bool, _p: Privilege, size: u64) {
        self.0.push(Event::Fill { vaddr, fetch, size });
    }
    fn trap(&mut self, _hart: usize, trap: &TrapEvent) {
        self.0.push(Event::Fault {
            cause: trap.cause,
            tval: trap.tval,
        });
    }
}

fn pte(pa: u64, flags: u64) -> u64 {
    (pa >> 12) << 10 | flags
}

fn run() -> Vec<Event> {
    let mut sink = Recorder::default();
    let (_, stop) = run_full(
        1,
        &mut sink,
        |m| {
            let mut put = |addr: u64, value: u64| assert!(m.bus.write(addr, 8, value));
            put(PT_ROOT, pte(0, V | RW | AD)); // the finisher, 1 GiB
            put(PT_ROOT + 2 * 8, pte(PT_L1, V));
            put(PT_ROOT + 3 * 8, pte(RAM_BASE, V | RW | X | AD)); // ALIAS
            put(PT_L1, pte(PT_L0, V));
            put(PT_L1 + 8, pte(MEGAPAGE, V | RW | AD));
            for i in (0..512u64).filter(|&i| i != 300) {
                put(PT_L0 + i * 8, pte(RAM_BASE + i * 0x1000, V | RW | X | AD));
            }
        },
        |a: &mut Asm| {
            let (s_entry, handler, alias) = (a.label(), a.label(), a.label());
            a.la(T0, handler);
            a.csrw(0x305, T0); // mtvec
            open_pmp(a);
            a.li(T0, ((8u64 << 60) | (PT_ROOT >> 12)) as i64);
            a.csrw(0x180, T0); // satp: Sv39
            a.sfence_vma(ZERO, ZERO);
            mret_to(a, 1, s_entry);
            // Page faults are taken in M-mode, which skips the load.
            a.align(4);
            a.bind(handler);
            a.csrr(T0, 0x341);
            a.addi(T0, T0, 4);
            a.csrw(0x341, T0);
            a.mret();
            a.bind(s_entry);
            a.li(T1, (MEGAPAGE + 0x1000) as i64);
            a.ld(T2, T1, 0);
            a.li(T1, UNMAPPED_ROOT as i64);
            a.ld(T2, T1, 0);
            a.li(T1, UNMAPPED_LEAF as i64);
            a.ld(T2, T1, 0);
            // Go on at the alias of this code.
            a.la(T0, alias);
            a.li(T1, (ALIAS - RAM_BASE) as i64);
            a.add(T0, T0, T1);
            a.jalr(ZERO, T0, 0);
            a.bind(alias);
            a.addi(T2, T2, 1);
            a.addi(T2, T2, 1);
            exit(a, 0);
        },
    );
    assert_eq!(stop, StopReason::Exited(0));
    sink.0
}

/// The PTE reads right before event `i`.
fn pte_reads_before(events: &[Event], i: usize) -> Vec<u64> {
    let start = events[..i]
        .iter()
        .rposition(|e| !matches!(e, Event::PteRead(_)))
        .map_or(0, |p| p + 1);
    events[start..i]
        .iter()
        .map(|e| match e {
            Event::PteRead(a) => *a,
            _ => unreachable!(),
        })
        .collect()
}

fn position(events: &[Event], wanted: impl Fn(&Event) -> bool) -> usize {
    events.iter().position(wanted).expect("event reported")
}

#[test]
fn fetches_are_reported_with_their_physical_address() {
    let events = run();
    let mut aliased = 0;
    for e in &events {
        if let Event::Retire { pc, paddr } = *e {
            if pc >= ALIAS {
                aliased += 1;
                assert_eq!(paddr, pc - (ALIAS - RAM_BASE), "{pc:#x}");
            } else {
                assert_eq!(paddr, pc, "identity-mapped {pc:#x}");
            }
        }
    }
    // The two addis, then the exit sequence.
    assert!(aliased >= 4, "{aliased} instructions ran at the alias");
}

#[test]
fn fills_carry_the_page_size_of_the_leaf() {
    let events = run();
    let fill = |vaddr: u64| {
        events.iter().find_map(|e| match *e {
            Event::Fill {
                vaddr: v,
                fetch,
                size,
            } if v == vaddr => Some((fetch, size)),
            _ => None,
        })
    };
    assert_eq!(fill(MEGAPAGE + 0x1000), Some((false, 2 << 20)));
    let code = events
        .iter()
        .find_map(|e| match *e {
            Event::Fill {
                vaddr,
                fetch: true,
                size,
            } if vaddr >= ALIAS => Some(size),
            _ => None,
        })
        .expect("a fetch fill at the alias");
    assert_eq!(code, 1 << 30);
    let first_fetch = events
        .iter()
        .find_map(|e| match *e {
            Event::Fill {
                fetch: true, size, ..
            } => Some(size),
            _ => None,
        })
        .unwrap();
    assert_eq!(first_fetch, 4096);
    // A 2 MiB walk reads two PTEs.
    let i = position(
        &events,
        |e| matches!(e, Event::Fill { vaddr, .. } if *vaddr == MEGAPAGE + 0x1000),
    );
    assert_eq!(pte_reads_before(&events, i), [PT_ROOT + 2 * 8, PT_L1 + 8]);
}

#[test]
fn walks_that_fault_report_their_pte_reads_before_the_trap() {
    let events = run();
    let fault = |tval: u64| {
        let i = position(&events, |e| *e == Event::Fault { cause: 13, tval });
        pte_reads_before(&events, i)
    };
    // An invalid root entry: one read. An invalid leaf: all three.
    assert_eq!(fault(UNMAPPED_ROOT), [PT_ROOT + 8]);
    assert_eq!(
        fault(UNMAPPED_LEAF),
        [PT_ROOT + 2 * 8, PT_L1, PT_L0 + 300 * 8]
    );
    // No fill for either.
    assert!(!events.iter().any(|e| matches!(
        e,
        Event::Fill { vaddr, .. } if *vaddr == UNMAPPED_ROOT || *vaddr == UNMAPPED_LEAF
    )));
}
