//! A flush of the decoded-block cache (satp, sfence.vma, PMP writes) keeps
//! each block for a check instead of throwing it away: a block is reused
//! only if decoding it again would give the same thing. These tests change
//! what a flushed block depends on and expect the new behaviour.

mod common;

use common::*;
use riscv_core::encode::{reg::*, Asm};
use sim_core::StopReason;

const INSTRUCTION_ACCESS_FAULT: u64 = 1;

/// `patch`: `addi a0, zero, 1; ret` on a page of its own.
fn patch_fn(a: &mut Asm, patch: riscv_core::encode::Label) {
    a.align(4096);
    a.bind(patch);
    a.addi(A0, ZERO, 1);
    a.ret();
}

/// Calls the function at `patch` (`body`, page-aligned), stores `word` at
/// byte `offset` of it, runs sfence.vma (no fence.i), calls it again;
/// returns a0 after each call.
fn call_patch_sfence_call(word: i64, offset: i32, body: fn(&mut Asm)) -> Vec<u64> {
    let (mut m, stop) = run_asm(1, |a| {
        let patch = a.label();
        a.li(S0, DATA as i64);
        a.la(S1, patch);
        a.call(patch);
        record(a, A0);
        a.li(T1, word);
        a.sw(T1, S1, offset);
        a.sfence_vma(ZERO, ZERO);
        a.call(patch);
        record(a, A0);
        exit(a, 0);
        a.align(4096);
        a.bind(patch);
        body(a);
    });
    assert_eq!(stop, StopReason::Exited(0));
    results_at(&mut m, 2)
}

#[test]
fn code_stored_before_an_sfence_is_decoded_again() {
    // No fence.i: the store is seen because sfence.vma flushed the block
    // and its bits no longer match (what a decode after the flush sees).
    // The new first instruction: addi a0, zero, 42.
    let results = call_patch_sfence_call(0x02a0_0513, 0, |a| {
        a.addi(A0, ZERO, 1);
        a.ret();
    });
    assert_eq!(results, vec![1, 42]);
}

#[test]
fn a_store_past_a_blocks_first_instruction_is_seen_after_an_sfence() {
    // The reuse check compares the whole block with RAM, not its start.
    // The new second instruction: addi a0, a0, 41.
    let results = call_patch_sfence_call(0x0295_0513, 4, |a| {
        a.addi(A0, ZERO, 1);
        a.addi(A0, A0, 1);
        a.ret();
    });
    assert_eq!(results, vec![2, 42]);
}

/// Calls the function `patch` puts on a page of its own 100 times, with
/// sfence.vma after each call; checks it returned 1 and that its blocks
/// were reused, not decoded again, after the flushes (at least
/// `blocks_per_call` reused per call after the first).
fn reused_over_flushes(patch: fn(&mut Asm, riscv_core::encode::Label), blocks_per_call: u64) {
    let (mut m, stop) = run_asm(1, |a| {
        let at = a.label();
        let again = a.label();
        a.li(S0, DATA as i64);
        a.li(S2, 100);
        a.bind(again);
        a.call(at);
        a.sfence_vma(ZERO, ZERO);
        a.addi(S2, S2, -1);
        a.bne(S2, ZERO, again);
        record(a, A0);
        exit(a, 0);
        patch(a, at);
    });
    assert_eq!(stop, StopReason::Exited(0));
    assert_eq!(results_at(&mut m, 1), vec![1]);
    let stats = m.stats();
    let built = stats.get("hart0.decode.blocks_built").unwrap();
    let reused = stats.get("hart0.decode.blocks_reused").unwrap();
    assert!(
        reused >= blocks_per_call * 99,
        "built {built}, reused {reused}"
    );
    assert!(built < 20, "built {built}, reused {reused}");
}

#[test]
fn unchanged_blocks_are_reused_after_flushes() {
    reused_over_flushes(patch_fn, 3);
}

#[test]
fn a_block_no_longer_executable_by_pmp_faults() {
    // A locked PMP entry (binding M-mode too) takes X away from the second
    // instruction of `patch` after its block was decoded. The start of a
    // block is checked by its fetch translation anyway; the rest only by
    // the reuse check, which must then decode again (and stop the block
    // before the instruction PMP now denies).
    let (mut m, stop) = run_asm(1, |a| {
        let patch = a.label();
        let handler = a.label();
        a.li(S0, DATA as i64);
        a.la(T0, handler);
        a.csrw(0x305, T0);
        open_pmp(a);
        a.la(S1, patch);
        a.call(patch);
        record(a, A0);
        // Entry 0: NA4 over patch + 4 (its `ret`), R only, locked;
        // entry 1: everything.
        a.addi(T0, S1, 4);
        a.srli(T0, T0, 2);
        a.csrw(0x3b0, T0);
        a.li(T0, -1);
        a.csrw(0x3b1, T0);
        a.li(T0, 0x10 | 1 | 0x80 | (0x1f << 8));
        a.csrw(0x3a0, T0);
        a.call(patch);
        record(a, A0);
        exit(a, 9);
        a.align(4);
        a.bind(handler);
        a.csrr(T0, 0x342);
        record(a, T0);
        a.csrr(T0, 0x343);
        a.sub(T0, T0, S1);
        record(a, T0);
        exit(a, 0);
        patch_fn(a, patch);
    });
    assert_eq!(stop, StopReason::Exited(0));
    assert_eq!(
        results_at(&mut m, 3),
        vec![1, INSTRUCTION_ACCESS_FAULT, 4],
        "first call's result, then the fault's cause and tval - patch"
    );
}

/// `patch`: `addi a0, zero, 1; csrr t0, mscratch; ret` on a page of its
/// own: its first block ends because a CSR op runs alone in its block.
fn patch_with_csr(a: &mut Asm, patch: riscv_core::encode::Label) {
    a.align(4096);
    a.bind(patch);
    a.addi(A0, ZERO, 1);
    a.csrr(T0, 0x340);
    a.ret();
}

/// (blocks built, blocks reused) of a program that calls `patch_with_csr`,
/// stores `word` over its CSR op, runs sfence.vma and calls it again.
fn csr_patch_counts(word: i64) -> (u64, u64) {
    let (m, stop) = run_asm(1, |a| {
        let patch = a.label();
        a.li(S0, DATA as i64);
        a.la(S1, patch);
        a.call(patch);
        a.li(T1, word);
        a.sw(T1, S1, 4);
        a.sfence_vma(ZERO, ZERO);
        a.call(patch);
        record(a, A0);
        exit(a, 0);
        patch_with_csr(a, patch);
    });
    assert_eq!(stop, StopReason::Exited(0));
    let stats = m.stats();
    let count = |name: &str| stats.get(&format!("hart0.decode.{name}")).unwrap();
    (count("blocks_built"), count("blocks_reused"))
}

#[test]
fn blocks_ended_by_a_csr_op_are_reused_after_flushes() {
    reused_over_flushes(patch_with_csr, 5);
}

#[test]
fn the_csr_op_that_ended_a_block_is_part_of_its_reuse_check() {
    // The same CSR op stored again: every block of `patch` is reused.
    let csrr_mscratch = 0x3400_22f3; // csrr t0, mscratch
    let (built_same, reused_same) = csr_patch_counts(csrr_mscratch);
    // An ALU op in its place (addi a0, a0, 5): the first block now runs
    // on through it to the `ret`, so none of the three is reused; the one
    // longer block is decoded instead. (A check of the first block's own
    // bytes alone would reuse it, ended early.)
    let (built, reused) = csr_patch_counts(0x0055_0513);
    assert_eq!(built, built_same + 1);
    assert_eq!(reused, reused_same - 3);
}
