//! A forward conditional branch does not end a block: where it is not
//! taken the block runs on, where it is taken the run leaves the block.
//! These tests check that a block with such side exits counts what it
//! retired exactly, is decoded as one block, and stops a hart whose sink's
//! clock reaches its stop where a block used to end (after the branch).

mod common;

use common::*;
use riscv_core::encode::{reg::*, Asm};
use riscv_core::machine::Machine;
use riscv_core::platform::RAM_BASE;
use sim_core::{Retired, TimingSink};

const MINSTRET: u16 = 0xb02;

/// Blocks decoded by a program that runs `body` (straight code, no
/// jumps) once and exits.
fn blocks_built(body: impl FnOnce(&mut Asm)) -> u64 {
    let m = run_ok(|a| {
        body(a);
        exit(a, 0);
    });
    m.stats().get("hart0.decode.blocks_built").unwrap()
}

#[test]
fn branches_not_taken_do_not_split_a_block() {
    // Four forward branches that are never taken, or four ALU ops in
    // their place: as many blocks either way.
    let with_branches = blocks_built(|a| {
        let end = a.label();
        a.li(T0, 1);
        for _ in 0..4 {
            a.addi(A0, A0, 1);
            a.beq(T0, ZERO, end);
        }
        a.bind(end);
    });
    let without = blocks_built(|a| {
        a.li(T0, 1);
        for _ in 0..4 {
            a.addi(A0, A0, 1);
            a.addi(A1, A1, 1);
        }
    });
    assert_eq!(with_branches, without);
}

#[test]
fn a_taken_side_exit_retires_exactly_what_ran() {
    // minstret across a block whose second branch is taken, skipping
    // three instructions, then a loop whose body takes a side exit on
    // alternate passes.
    let mut m = run_ok(|a| {
        let skip = a.label();
        let top = a.label();
        let odd = a.label();
        let next = a.label();
        a.li(S0, DATA as i64);
        a.li(T0, 1);
        a.csrr(S1, MINSTRET);
        a.beq(T0, ZERO, skip); // not taken
        a.addi(A0, ZERO, 1);
        a.bne(T0, ZERO, skip); // taken
        a.addi(A0, A0, 10);
        a.addi(A0, A0, 10);
        a.addi(A0, A0, 10);
        a.bind(skip);
        a.csrr(S2, MINSTRET);
        a.sub(S2, S2, S1);
        record(a, S2); // 4: csrr, beq, addi, bne (not the csrr reading it)
        record(a, A0); // 1
        a.li(A1, 0);
        a.li(A2, 0);
        a.li(A3, 10);
        a.csrr(S1, MINSTRET);
        a.bind(top);
        a.andi(T1, A1, 1);
        a.bne(T1, ZERO, odd); // taken on odd passes
        a.addi(A2, A2, 1);
        a.bind(odd);
        a.addi(A1, A1, 1);
        a.blt(A1, A3, top);
        a.bind(next);
        a.csrr(S2, MINSTRET);
        a.sub(S2, S2, S1);
        record(a, S2); // 1 + 10 passes of 5, less 5 skipped addi = 46
        record(a, A2); // 5 even passes
        exit(a, 0);
    });
    assert_eq!(results_at(&mut m, 4), vec![4, 1, 46, 5]);
}

/// A sink whose clock counts retired instructions, one cycle each.
#[derive(Default)]
struct InstructionClock(u64);

impl TimingSink for InstructionClock {
    sim_core::same_sink_for_every_hart!();

    fn retire(&mut self, _hart: usize, _inst: &Retired) {
        self.0 += 1;
    }
    fn cycles(&self, _hart: usize) -> Option<u64> {
        Some(self.0)
    }
}

#[test]
fn a_sinks_clock_stops_a_hart_right_after_a_branch_not_taken() {
    // [addi, addi, beq (not taken), addi, addi, jal]: one block. A stop at
    // cycle 2 (mid-block, not near a deadline) takes effect at the end of
    // the branch, as when the branch ended a block; a stop at cycle 4, at
    // the block's end.
    let mut a = Asm::new(RAM_BASE);
    let end = a.label();
    a.addi(A0, ZERO, 1);
    a.addi(A0, A0, 1);
    a.beq(A0, ZERO, end);
    a.addi(A0, A0, 1);
    a.addi(A0, A0, 1);
    a.bind(end);
    a.j(end);
    let image = a.finish().unwrap();
    // (stop, instructions retired, pc then): the jal jumps to itself.
    for (stop_at, retired, pc) in [(2, 3, 12), (3, 3, 12), (4, 6, 20)] {
        let mut m = Machine::new(config(1)).unwrap();
        m.load_raw(&image, RAM_BASE).unwrap();
        m.boot(RAM_BASE).unwrap();
        let mut clock = InstructionClock::default();
        let hart = &mut m.harts[0];
        hart.pc = RAM_BASE; // past the reset ROM
        hart.clock.stop_at = stop_at;
        let run = hart.run_block(&mut m.bus, &mut clock, 1000);
        assert_eq!(run.retired, retired, "stop at {stop_at}");
        assert_eq!(hart.pc, RAM_BASE + pc, "stop at {stop_at}");
    }
}
