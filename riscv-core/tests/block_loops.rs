//! A block that jumps or branches back to its own start is rerun at once,
//! without a cache lookup (`Block::loop_pc`). These tests check that the
//! rerun stops exactly where running block by block would: at the
//! instruction budget, and never past an instruction that asks the
//! machine to look (an xRET back to its own block).

mod common;

use common::*;
use riscv_core::encode::{reg::*, Asm};
use riscv_core::machine::Machine;
use sim_core::{NullSink, StopReason};

const MSTATUS: u16 = 0x300;
const MIE: u16 = 0x304;
const MTVEC: u16 = 0x305;
const MEPC: u16 = 0x341;
const MINSTRET: u16 = 0xb02;
const CLINT_MSIP: u64 = 0x200_0000;
const CLINT_MTIMECMP: u64 = 0x200_4000;
const CLINT_MTIME: u64 = 0x200_bff8;

/// `li a0, 0; li a1, 0; li a2, -1`, then the 3-instruction loop
/// `addi a0, a0, 1; addi a1, a1, 2; bne a1, a2, loop` (never left).
fn tight_loop(a: &mut Asm) {
    a.li(A0, 0);
    a.li(A1, 0);
    a.li(A2, -1);
    let top = a.label();
    a.bind(top);
    a.addi(A0, A0, 1);
    a.addi(A1, A1, 2);
    a.bne(A1, A2, top);
}

/// Runs `build` with the given quantum (a quantum of 1 gives every
/// instruction a turn of its own, so no block is ever rerun) until it
/// exits or has run `budget` instructions.
fn run_with(budget: u64, quantum: u64, build: impl FnOnce(&mut Asm)) -> (Machine, StopReason) {
    let mut config = config(1);
    config.quantum = quantum;
    run_configured(config, budget, &mut NullSink, |_| {}, build)
}

#[test]
fn a_tight_loop_stops_at_the_exact_budget() {
    // (a0, a1, pc) after `budget` instructions (with the boot stub's).
    let state = |budget: u64, quantum: u64| {
        let (m, stop) = run_with(budget, quantum, tight_loop);
        assert_eq!(stop, StopReason::InstructionBudget(budget));
        let hart = &m.harts[0];
        assert_eq!(hart.retired, budget);
        (hart.x[A0 as usize], hart.x[A1 as usize], hart.pc)
    };
    for budget in 100..106 {
        // A quantum of 1 runs one instruction per turn: the reference.
        let want = state(budget, 1);
        // Three instructions later, one more pass.
        let (a0, a1, pc) = state(budget + 3, 1);
        assert_eq!((a0, a1, pc), (want.0 + 1, want.1 + 2, want.2));
        // Turns that end at every point of a pass.
        for quantum in [2, 3, 7, 1000] {
            assert_eq!(
                state(budget, quantum),
                want,
                "budget {budget}, quantum {quantum}"
            );
        }
    }
}

/// A tight loop counting in s2 until a timer interrupt `ticks` mtime
/// ticks away; the handler records s2 and minstret, and exits.
fn timer_in_a_tight_loop(a: &mut Asm, ticks: i32) {
    let handler = a.label();
    let body = a.label();
    a.li(S0, DATA as i64);
    a.la(T0, handler);
    a.csrw(MTVEC, T0);
    a.li(T1, CLINT_MTIME as i64);
    a.ld(T0, T1, 0);
    a.addi(T0, T0, ticks);
    a.li(T1, CLINT_MTIMECMP as i64);
    a.sd(T0, T1, 0);
    a.li(T0, 1 << 7);
    a.csrw(MIE, T0); // MTIE
    a.li(S2, 0);
    a.csrsi(MSTATUS, 8); // MIE
    a.bind(body);
    a.addi(S2, S2, 1);
    a.addi(S3, S3, 3);
    a.j(body);
    a.bind(handler);
    a.csrr(T2, MINSTRET);
    record(a, S2);
    record(a, T2);
    exit(a, 0);
}

#[test]
fn a_timer_interrupt_stops_a_tight_loop_where_single_steps_would() {
    for ticks in [1, 2, 5, 13] {
        let mut seen = Vec::new();
        for quantum in [1, 3, 1000] {
            let (mut m, stop) = run_with(1_000_000, quantum, |a| timer_in_a_tight_loop(a, ticks));
            assert_eq!(
                stop,
                StopReason::Exited(0),
                "ticks {ticks}, quantum {quantum}"
            );
            seen.push(results_at(&mut m, 2));
        }
        assert!(seen[0][0] > 0, "the loop ran");
        assert!(
            seen.iter().all(|r| *r == seen[0]),
            "ticks {ticks}: {seen:?}"
        );
    }
}

#[test]
fn an_mret_back_to_its_own_block_is_not_rerun_past_an_interrupt() {
    // `again: mret` with mepc = again: the first mret sets MIE from MPIE,
    // and the machine-software interrupt pending since before must be
    // taken right after it, not after further mrets of a rerun block.
    let (mut m, stop) = run_asm(1, |a| {
        let handler = a.label();
        let again = a.label();
        a.li(S0, DATA as i64);
        a.la(T0, handler);
        a.csrw(MTVEC, T0);
        a.li(T0, 8);
        a.csrw(MIE, T0); // MSIE
        a.li(T1, CLINT_MSIP as i64);
        a.li(T0, 1);
        a.sw(T0, T1, 0); // msip[0] = 1, masked by mstatus.MIE = 0
        a.li(T0, 3 << 11 | 1 << 7);
        a.csrs(MSTATUS, T0); // MPP = M, MPIE = 1
        a.la(T0, again);
        a.csrw(MEPC, T0);
        a.csrr(S2, MINSTRET);
        a.bind(again);
        a.mret();
        a.bind(handler);
        a.csrr(T2, MINSTRET);
        a.sub(T2, T2, S2);
        record(a, T2);
        exit(a, 0);
    });
    assert_eq!(stop, StopReason::Exited(0));
    // The `csrr s2` itself, then a single mret.
    assert_eq!(results_at(&mut m, 1), vec![2]);
}
