//! The loads' and stores' fast path (the host TLB, `host_tlb.rs`) must
//! never be stale: each test fills it, changes something a cached entry
//! depends on (a PTE and sfence.vma, satp, PMP, MPRV/MPP, SUM/MXR, the
//! privilege, an MMU TLB eviction) and expects what the full checks give:
//! the new mapping or the fault. Also: a store after loads on a clean page
//! sets D, a fast-path store breaks another hart's reservation, stores
//! into code still obey fence.i, and misaligned accesses keep their
//! per-byte semantics.

mod common;

use common::*;
use riscv_core::encode::{reg::*, Asm};
use riscv_core::machine::Machine;
use riscv_core::platform::RAM_BASE;
use sim_core::StopReason;

const MSTATUS: u16 = 0x300;
const SSTATUS: u16 = 0x100;
const MEPC: u16 = 0x341;
const MCAUSE: u16 = 0x342;
const MTVAL: u16 = 0x343;
const SEPC: u16 = 0x141;
const SATP: u16 = 0x180;
const PMPCFG0: u16 = 0x3a0;
const PMPADDR0: u16 = 0x3b0;

const MSTATUS_SPP: i64 = 1 << 8;
const MSTATUS_MPP: i64 = 3 << 11;
const MSTATUS_MPRV: i64 = 1 << 17;
const MSTATUS_SUM: i64 = 1 << 18;
const MSTATUS_MXR: i64 = 1 << 19;

const LOAD_ACCESS_FAULT: u64 = 5;
const STORE_ACCESS_FAULT: u64 = 7;
const ECALL_FROM_S: u64 = 9;
const LOAD_PAGE_FAULT: u64 = 13;
const STORE_PAGE_FAULT: u64 = 15;

const PTE_V: u64 = 1;
const PTE_R: u64 = 2;
const PTE_W: u64 = 4;
const PTE_X: u64 = 8;
const PTE_U: u64 = 16;
const PTE_A: u64 = 64;
const PTE_D: u64 = 128;
const LEAF: u64 = PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D;

/// Page tables live in the identity-mapped first 2 MiB, so S-mode code
/// can rewrite its own PTEs. A second address space follows the first.
const SPACE1: u64 = RAM_BASE + 0x18_0000;
const SPACE2: u64 = RAM_BASE + 0x18_3000;
/// The page the tests play with (identity-mapped: frame A) ...
const PAGE: u64 = RAM_BASE + 0x1a_0000;
/// ... the frame it is remapped to ...
const FRAME_B: u64 = RAM_BASE + 0x1b_0000;
/// ... and a page 256 pages away: the same slot of the MMU's TLB, another
/// of the host TLB's.
const PAGE_SAME_MMU_SLOT: u64 = PAGE - (256 << 12);
const VALUE_A: u64 = 0xaaaa_0001;
const VALUE_B: u64 = 0xbbbb_0002;

fn pte(pa: u64, flags: u64) -> u64 {
    (pa >> 12) << 10 | flags
}

/// Address of the leaf PTE mapping `va` (in the first 2 MiB of RAM) in the
/// space whose root is `root`.
fn leaf_of(root: u64, va: u64) -> u64 {
    root + 0x2000 + ((va - RAM_BASE) >> 12) * 8
}

fn satp(root: u64, asid: u64) -> i64 {
    ((8u64 << 60) | (asid << 44) | (root >> 12)) as i64
}

/// Builds a space at `root` (root, l1, l0 in three pages): the first 2 MiB
/// of RAM mapped 1:1 with 4 KiB pages with `flags(pa)`, except `remap`
/// (va, pa) pairs, and VA 0..1 GiB 1:1 (the finisher) with a gigapage.
fn build_space(m: &mut Machine, root: u64, flags: impl Fn(u64) -> u64, remap: &[(u64, u64)]) {
    let (l1, l0) = (root + 0x1000, root + 0x2000);
    let mut w = |addr: u64, value: u64| assert!(m.bus.write(addr, 8, value));
    w(root + 2 * 8, pte(l1, PTE_V));
    w(l1, pte(l0, PTE_V));
    for i in 0..512u64 {
        let va = RAM_BASE + i * 4096;
        let pa = remap
            .iter()
            .find(|&&(v, _)| v == va)
            .map_or(va, |&(_, p)| p);
        w(l0 + i * 8, pte(pa, flags(va)));
    }
    w(root, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
}

fn write_frames(m: &mut Machine) {
    assert!(m.bus.write(PAGE, 8, VALUE_A));
    assert!(m.bus.write(FRAME_B, 8, VALUE_B));
}

/// M-mode trap handler: records mcause, mepc, mtval and exits 0.
fn record_trap_and_exit(a: &mut Asm) {
    a.csrr(T0, MCAUSE);
    record(a, T0);
    a.csrr(T0, MEPC);
    record(a, T0);
    a.csrr(T0, MTVAL);
    record(a, T0);
    exit(a, 0);
}

/// Runs `s_code` in S-mode under SPACE1 (built by `prepare`); `m_setup`
/// runs in M-mode just before the switch. Traps go to M, which records
/// them and exits 0; falling off the end of `s_code` exits 9.
fn run_s(
    prepare: impl FnOnce(&mut Machine),
    m_setup: impl FnOnce(&mut Asm),
    s_code: impl FnOnce(&mut Asm),
) -> (Machine, StopReason) {
    run_prepared(
        1,
        |m| {
            write_frames(m);
            prepare(m);
        },
        |a| {
            let s_entry = a.label();
            let handler = a.label();
            a.li(S0, DATA as i64);
            a.la(T0, handler);
            a.csrw(0x305, T0); // mtvec
            open_pmp(a);
            a.li(T0, satp(SPACE1, 0));
            a.csrw(SATP, T0);
            a.sfence_vma(ZERO, ZERO);
            m_setup(a);
            mret_to(a, 1, s_entry);
            a.bind(s_entry);
            s_code(a);
            exit(a, 9);
            a.align(4);
            a.bind(handler);
            record_trap_and_exit(a);
        },
    )
}

fn identity(m: &mut Machine) {
    build_space(m, SPACE1, |_| LEAF, &[]);
}

/// A PTE rewritten by S-mode and fenced: loads and stores use the new
/// frame, whichever form of sfence.vma covers the page.
fn remap_and_fence(fence: impl FnOnce(&mut Asm)) {
    let (mut m, stop) = run_s(
        identity,
        |_| {},
        |a| {
            a.li(S1, PAGE as i64);
            a.ld(T1, S1, 0);
            record(a, T1);
            a.sd(T1, S1, 8); // a store entry for the page too
            a.li(T2, leaf_of(SPACE1, PAGE) as i64);
            a.li(T3, pte(FRAME_B, LEAF) as i64);
            a.sd(T3, T2, 0);
            fence(a);
            a.ld(T1, S1, 0);
            record(a, T1);
            a.li(T1, 0x5151);
            a.sd(T1, S1, 16);
            a.ecall();
        },
    );
    assert_eq!(stop, StopReason::Exited(0));
    let r = results_at(&mut m, 3);
    assert_eq!(r[0], VALUE_A);
    assert_eq!(r[1], VALUE_B, "load after the fence sees the new frame");
    assert_eq!(r[2], ECALL_FROM_S);
    assert_eq!(
        read_u64(&mut m, FRAME_B + 16),
        0x5151,
        "store went to the new frame"
    );
    assert_eq!(read_u64(&mut m, PAGE + 16), 0, "not to the old one");
}

#[test]
fn pte_change_then_sfence_vma_of_the_address() {
    remap_and_fence(|a| a.sfence_vma(S1, ZERO));
}

#[test]
fn pte_change_then_sfence_vma_of_the_asid() {
    // rs2 = x3 holding 0: the non-global entries of ASID 0.
    remap_and_fence(|a| {
        a.li(GP, 0);
        a.sfence_vma(ZERO, GP);
    });
}

#[test]
fn pte_change_then_sfence_vma_of_everything() {
    remap_and_fence(|a| a.sfence_vma(ZERO, ZERO));
}

#[test]
fn write_permission_removed_and_fenced_faults_the_next_store() {
    let (mut m, stop) = run_s(
        identity,
        |_| {},
        |a| {
            a.li(S1, PAGE as i64);
            a.li(T1, 1);
            a.sd(T1, S1, 0);
            a.sd(T1, S1, 8);
            a.li(T2, leaf_of(SPACE1, PAGE) as i64);
            a.li(T3, pte(PAGE, LEAF & !PTE_W) as i64);
            a.sd(T3, T2, 0);
            a.sfence_vma(S1, ZERO);
            a.ld(T1, S1, 0); // still readable
            record(a, T1);
            a.sd(T1, S1, 16); // store page fault
        },
    );
    assert_eq!(stop, StopReason::Exited(0));
    let r = results_at(&mut m, 4);
    assert_eq!(r[0], 1);
    assert_eq!(r[1], STORE_PAGE_FAULT);
    assert_eq!(r[3], PAGE + 16);
}

#[test]
fn page_unmapped_and_fenced_faults_the_next_load() {
    let (mut m, stop) = run_s(
        identity,
        |_| {},
        |a| {
            a.li(S1, PAGE as i64);
            a.ld(T1, S1, 0);
            a.ld(T1, S1, 8);
            a.li(T2, leaf_of(SPACE1, PAGE) as i64);
            a.sd(ZERO, T2, 0);
            a.sfence_vma(ZERO, ZERO);
            a.ld(T1, S1, 24);
        },
    );
    assert_eq!(stop, StopReason::Exited(0));
    let r = results_at(&mut m, 3);
    assert_eq!(r[0], LOAD_PAGE_FAULT);
    assert_eq!(r[2], PAGE + 24);
}

#[test]
fn an_mmu_tlb_eviction_drops_the_host_entry_too() {
    // Without a fence the MMU may keep using an old translation, but once
    // its TLB has dropped the entry (here: evicted by a page that uses the
    // same slot), it walks again and sees the new PTE. The fast path must
    // do what the MMU does: it may not outlive the MMU's entry.
    let (mut m, stop) = run_s(
        identity,
        |_| {},
        |a| {
            a.li(S1, PAGE as i64);
            a.ld(T1, S1, 0);
            record(a, T1);
            a.li(T2, leaf_of(SPACE1, PAGE) as i64);
            a.li(T3, pte(FRAME_B, LEAF) as i64);
            a.sd(T3, T2, 0);
            a.ld(T1, S1, 0); // no fence: both TLBs still hold frame A
            record(a, T1);
            a.li(T4, PAGE_SAME_MMU_SLOT as i64);
            a.ld(T1, T4, 0); // evicts the page's MMU TLB entry
            a.ld(T1, S1, 0); // walks again: frame B
            record(a, T1);
            a.ecall();
        },
    );
    assert_eq!(stop, StopReason::Exited(0));
    assert_eq!(
        results_at(&mut m, 4),
        vec![VALUE_A, VALUE_A, VALUE_B, ECALL_FROM_S]
    );
}

#[test]
fn satp_switches_drop_bare_and_paged_entries() {
    // S-mode reads the page under Bare (frame A), then under space 1
    // (ASID 1, the page is frame B), then under space 2 (ASID 2, never used
    // before: frame A again). Neither switch needs a fence for this.
    let (mut m, stop) = run_s(
        |m| {
            build_space(m, SPACE1, |_| LEAF, &[(PAGE, FRAME_B)]);
            build_space(m, SPACE2, |_| LEAF, &[]);
        },
        |a| {
            a.csrw(SATP, ZERO);
        },
        |a| {
            a.li(S1, PAGE as i64);
            a.ld(T1, S1, 0);
            a.ld(T1, S1, 0);
            record(a, T1);
            a.li(T0, satp(SPACE1, 1));
            a.csrw(SATP, T0);
            a.ld(T1, S1, 0);
            a.ld(T1, S1, 0);
            record(a, T1);
            a.li(T0, satp(SPACE2, 2));
            a.csrw(SATP, T0);
            a.ld(T1, S1, 0);
            record(a, T1);
            a.ecall();
        },
    );
    assert_eq!(stop, StopReason::Exited(0));
    assert_eq!(
        results_at(&mut m, 4),
        vec![VALUE_A, VALUE_B, VALUE_A, ECALL_FROM_S]
    );
}

#[test]
fn store_after_loads_on_a_clean_page_sets_dirty() {
    let flags = |va: u64| {
        if va == PAGE {
            PTE_V | PTE_R | PTE_W
        } else {
            LEAF
        }
    };
    let (mut m, stop) = run_s(
        |m| build_space(m, SPACE1, flags, &[]),
        |_| {},
        |a| {
            a.li(S1, PAGE as i64);
            a.li(S2, leaf_of(SPACE1, PAGE) as i64);
            a.ld(T1, S1, 0);
            a.ld(T1, S1, 8); // a load entry exists now
            a.ld(T2, S2, 0);
            record(a, T2);
            a.sd(T1, S1, 16);
            a.ld(T2, S2, 0);
            record(a, T2);
            a.ecall();
        },
    );
    assert_eq!(stop, StopReason::Exited(0));
    let r = results_at(&mut m, 2);
    assert_eq!(r[0] & (PTE_A | PTE_D), PTE_A, "loads set A only");
    assert_eq!(r[1] & (PTE_A | PTE_D), PTE_A | PTE_D, "the store set D");
}

#[test]
fn mxr_cleared_faults_loads_from_an_execute_only_page() {
    let flags = |va: u64| {
        if va == PAGE {
            PTE_V | PTE_X | PTE_A
        } else {
            LEAF
        }
    };
    let (mut m, stop) = run_s(
        |m| build_space(m, SPACE1, flags, &[]),
        |a| {
            a.li(T0, MSTATUS_MXR);
            a.csrs(MSTATUS, T0);
        },
        |a| {
            a.li(S1, PAGE as i64);
            a.ld(T1, S1, 0);
            a.ld(T1, S1, 0);
            record(a, T1);
            a.li(T0, MSTATUS_MXR);
            a.csrc(SSTATUS, T0);
            a.ld(T1, S1, 8);
        },
    );
    assert_eq!(stop, StopReason::Exited(0));
    let r = results_at(&mut m, 4);
    assert_eq!(r[0], VALUE_A);
    assert_eq!(r[1], LOAD_PAGE_FAULT);
    assert_eq!(r[3], PAGE + 8);
}

#[test]
fn sum_cleared_faults_stores_to_a_user_page() {
    let flags = |va: u64| if va == PAGE { LEAF | PTE_U } else { LEAF };
    let (mut m, stop) = run_s(
        |m| build_space(m, SPACE1, flags, &[]),
        |a| {
            a.li(T0, MSTATUS_SUM);
            a.csrs(MSTATUS, T0);
        },
        |a| {
            a.li(S1, PAGE as i64);
            a.sd(ZERO, S1, 0);
            a.sd(ZERO, S1, 8);
            a.li(T0, MSTATUS_SUM);
            a.csrc(SSTATUS, T0);
            a.sd(ZERO, S1, 16);
        },
    );
    assert_eq!(stop, StopReason::Exited(0));
    let r = results_at(&mut m, 3);
    assert_eq!(r[0], STORE_PAGE_FAULT);
    assert_eq!(r[2], PAGE + 16);
}

#[test]
fn user_mode_cannot_use_supervisor_entries() {
    // S reads a supervisor page, then drops to U (sret), which reads it.
    // The U code has a page of its own, with the U bit.
    const U_CODE: u64 = RAM_BASE + 0x1000;
    let flags = |va: u64| if va == U_CODE { LEAF | PTE_U } else { LEAF };
    let mut u_entry_at = 0;
    let (mut m, stop) = run_s(
        |m| build_space(m, SPACE1, flags, &[]),
        |_| {},
        |a| {
            let u_entry = a.label();
            a.li(S1, PAGE as i64);
            a.ld(T1, S1, 0);
            a.ld(T1, S1, 0);
            record(a, T1);
            a.li(T0, MSTATUS_SPP);
            a.csrc(SSTATUS, T0);
            a.la(T0, u_entry);
            a.csrw(SEPC, T0);
            a.sret();
            a.align(4096);
            a.bind(u_entry);
            u_entry_at = a.here();
            a.ld(T1, S1, 0); // load page fault (no U bit)
        },
    );
    assert_eq!(u_entry_at, U_CODE);
    assert_eq!(stop, StopReason::Exited(0));
    let r = results_at(&mut m, 4);
    assert_eq!(r[0], VALUE_A);
    assert_eq!(r[1], LOAD_PAGE_FAULT);
    assert_eq!(r[3], PAGE);
}

#[test]
fn mprv_and_mpp_changes_switch_machine_loads_between_spaces() {
    // M-mode loads of PAGE: physical (frame A) without MPRV, through space
    // 1 (frame B) with MPRV and MPP = S, a page fault with MPP = U (the
    // page has no U bit).
    let (mut m, stop) = run_prepared(
        1,
        |m| {
            write_frames(m);
            build_space(m, SPACE1, |_| LEAF, &[(PAGE, FRAME_B)]);
        },
        |a| {
            let handler = a.label();
            a.li(S0, DATA as i64);
            a.la(T0, handler);
            a.csrw(0x305, T0);
            open_pmp(a);
            a.li(T0, satp(SPACE1, 0));
            a.csrw(SATP, T0);
            a.li(S1, PAGE as i64);
            a.li(S2, MSTATUS_MPRV);
            a.li(S3, MSTATUS_MPP);
            a.li(S4, 1 << 11); // MPP = S
            a.csrc(MSTATUS, S3);
            a.csrs(MSTATUS, S4);
            a.ld(T1, S1, 0);
            a.ld(T1, S1, 0);
            record(a, T1);
            a.csrs(MSTATUS, S2);
            a.ld(T1, S1, 0);
            a.ld(T1, S1, 0);
            record(a, T1);
            a.csrc(MSTATUS, S2);
            a.ld(T1, S1, 0);
            record(a, T1);
            a.csrs(MSTATUS, S2);
            a.ld(T1, S1, 0);
            record(a, T1);
            a.csrc(MSTATUS, S3); // MPP = U
            a.ld(T1, S1, 8);
            exit(a, 9);
            a.align(4);
            a.bind(handler);
            a.csrc(MSTATUS, S2);
            record_trap_and_exit(a);
        },
    );
    assert_eq!(stop, StopReason::Exited(0));
    let r = results_at(&mut m, 7);
    assert_eq!(&r[..4], &[VALUE_A, VALUE_B, VALUE_A, VALUE_B]);
    assert_eq!(r[4], LOAD_PAGE_FAULT);
    assert_eq!(r[6], PAGE + 8);
}

#[test]
fn mprv_without_pmp_entries_makes_machine_loads_fault() {
    // No PMP entry is active, satp is Bare: M-mode loads go straight to
    // RAM, until MPRV with MPP = U makes them user loads, which PMP
    // (implemented, no entry matching) denies.
    let (mut m, stop) = run_asm(1, |a| {
        let handler = a.label();
        a.li(S0, DATA as i64);
        a.la(T0, handler);
        a.csrw(0x305, T0);
        a.li(S1, PAGE as i64);
        a.li(S2, MSTATUS_MPRV);
        a.ld(T1, S1, 0);
        a.ld(T1, S1, 0);
        record(a, T1);
        a.li(T0, MSTATUS_MPP);
        a.csrc(MSTATUS, T0); // MPP = U
        a.csrs(MSTATUS, S2);
        a.ld(T1, S1, 8);
        exit(a, 9);
        a.align(4);
        a.bind(handler);
        record_trap_and_exit(a);
    });
    assert_eq!(stop, StopReason::Exited(0));
    let r = results_at(&mut m, 4);
    assert_eq!(r[0], 0);
    assert_eq!(r[1], LOAD_ACCESS_FAULT);
    assert_eq!(r[3], PAGE + 8);
}

/// PMP entry 0: NAPOT over PAGE's 4 KiB with `perms` (and `lock`), entry
/// 1: everything, RWX.
fn pmp_guard_page(a: &mut Asm, perms: u64, lock: bool) {
    a.li(T0, ((PAGE >> 2) | 0x1ff) as i64);
    a.csrw(PMPADDR0, T0);
    a.li(T0, -1);
    a.csrw(PMPADDR0 + 1, T0);
    let cfg0 = 0x18 | perms | if lock { 0x80 } else { 0 };
    a.li(T0, (cfg0 | (0x1f << 8)) as i64);
    a.csrw(PMPCFG0, T0);
}

#[test]
fn locked_pmp_entry_written_in_m_mode_faults_the_next_store() {
    let (mut m, stop) = run_asm(1, |a| {
        let handler = a.label();
        a.li(S0, DATA as i64);
        a.la(T0, handler);
        a.csrw(0x305, T0);
        // An active PMP entry: M-mode's accesses go through host TLB
        // entries (not straight to RAM).
        open_pmp(a);
        a.li(S1, PAGE as i64);
        a.sd(ZERO, S1, 0);
        a.sd(ZERO, S1, 8);
        a.ld(T1, S1, 8);
        pmp_guard_page(a, 1, true); // R only, locked: binds M too
        a.ld(T1, S1, 0);
        record(a, T1);
        a.sd(ZERO, S1, 16);
        exit(a, 9);
        a.align(4);
        a.bind(handler);
        record_trap_and_exit(a);
    });
    assert_eq!(stop, StopReason::Exited(0));
    let r = results_at(&mut m, 4);
    assert_eq!(r[0], 0);
    assert_eq!(r[1], STORE_ACCESS_FAULT);
    assert_eq!(r[3], PAGE + 16);
}

#[test]
fn pmp_rewritten_by_the_trap_handler_faults_supervisor_loads() {
    // S reads the page, ecalls; M takes all permissions on it away and
    // returns; S's next read is a load access fault.
    let (mut m, stop) = run_prepared(
        1,
        |m| {
            write_frames(m);
            identity(m);
        },
        |a| {
            let s_entry = a.label();
            let handler = a.label();
            let fault = a.label();
            a.li(S0, DATA as i64);
            a.la(T0, handler);
            a.csrw(0x305, T0);
            open_pmp(a);
            a.li(T0, satp(SPACE1, 0));
            a.csrw(SATP, T0);
            mret_to(a, 1, s_entry);
            a.bind(s_entry);
            a.li(S1, PAGE as i64);
            a.ld(T1, S1, 0);
            a.ld(T1, S1, 0);
            record(a, T1);
            a.ecall();
            a.ld(T1, S1, 8); // load access fault
            exit(a, 9);
            a.align(4);
            a.bind(handler);
            a.csrr(T0, MCAUSE);
            a.li(T1, ECALL_FROM_S as i64);
            a.bne(T0, T1, fault);
            pmp_guard_page(a, 0, false);
            a.csrr(T0, MEPC);
            a.addi(T0, T0, 4);
            a.csrw(MEPC, T0);
            a.mret();
            a.bind(fault);
            record_trap_and_exit(a);
        },
    );
    assert_eq!(stop, StopReason::Exited(0));
    let r = results_at(&mut m, 4);
    assert_eq!(r[0], VALUE_A);
    assert_eq!(r[1], LOAD_ACCESS_FAULT);
    assert_eq!(r[3], PAGE + 8);
}

#[test]
fn pmp_finer_than_a_page_keeps_checking_each_access() {
    // S may use the first half of the page only: a load there must not
    // let the second half through.
    let (mut m, stop) = run_s(
        identity,
        |a| {
            a.li(T0, ((PAGE >> 2) | 0xff) as i64); // 2 KiB
            a.csrw(PMPADDR0, T0);
            a.li(T0, ((PAGE >> 2) | 0x1ff) as i64); // 4 KiB
            a.csrw(PMPADDR0 + 1, T0);
            a.li(T0, -1);
            a.csrw(PMPADDR0 + 2, T0);
            a.li(T0, 0x1b | (0x18 << 8) | (0x1f << 16)); // RW, none, RWX
            a.csrw(PMPCFG0, T0);
        },
        |a| {
            a.li(S1, PAGE as i64);
            a.ld(T1, S1, 0);
            a.ld(T1, S1, 0);
            record(a, T1);
            a.li(S2, (PAGE + 0x800) as i64);
            a.ld(T1, S2, 0);
        },
    );
    assert_eq!(stop, StopReason::Exited(0));
    let r = results_at(&mut m, 4);
    assert_eq!(r[0], VALUE_A);
    assert_eq!(r[1], LOAD_ACCESS_FAULT);
    assert_eq!(r[3], PAGE + 0x800);
}

#[test]
fn misaligned_access_across_into_an_unmapped_page_faults_on_its_byte() {
    let next = PAGE + 0x1000;
    let (mut m, stop) = run_s(
        |m| {
            identity(m);
            // unmap the page after PAGE
            assert!(m.bus.write(leaf_of(SPACE1, next), 8, 0));
            assert!(m.bus.write(PAGE + 0xff8, 8, 0x8877_6655_4433_2211));
        },
        |_| {},
        |a| {
            a.li(S1, (PAGE + 0xff0) as i64);
            a.ld(T1, S1, 8); // an entry for the page
            a.lw(T1, S1, 9); // misaligned, inside the page
            record(a, T1);
            a.ld(T1, S1, 0xc); // misaligned, across: faults on `next`
        },
    );
    assert_eq!(stop, StopReason::Exited(0));
    let r = results_at(&mut m, 4);
    assert_eq!(r[0], 0x5544_3322);
    assert_eq!(r[1], LOAD_PAGE_FAULT);
    assert_eq!(r[3], next);
}

#[test]
fn fast_path_store_of_another_hart_breaks_a_reservation() {
    // Hart 0 reserves X and waits; hart 1, whose store entry for X's page
    // is warm, stores to X; hart 0's SC must fail.
    const X: u64 = DATA + 0x200;
    const FLAG1: u64 = DATA + 0x400;
    const FLAG2: u64 = DATA + 0x600;
    let (mut m, stop) = run_asm(2, |a| {
        let hart1 = a.label();
        a.li(S0, DATA as i64);
        a.li(S2, X as i64);
        a.li(S3, FLAG1 as i64);
        a.li(S4, FLAG2 as i64);
        a.csrr(T0, 0xf14);
        a.bnez(T0, hart1);
        // hart 0
        let wait2 = a.label();
        a.lr_d(T0, S2, false, false);
        a.li(T1, 1);
        a.sd(T1, S3, 0);
        a.bind(wait2);
        a.ld(T1, S4, 0);
        a.beqz(T1, wait2);
        a.addi(T0, T0, 1);
        a.sc_d(T2, S2, T0, false, false);
        record(a, T2);
        exit(a, 0);
        // hart 1
        a.bind(hart1);
        let wait1 = a.label();
        a.sd(ZERO, S2, 0x100); // warms its store entry for the page
        a.bind(wait1);
        a.ld(T1, S3, 0);
        a.beqz(T1, wait1);
        a.li(T1, 7);
        a.sd(T1, S2, 0);
        a.li(T1, 1);
        a.sd(T1, S4, 0);
        let park = a.label();
        a.bind(park);
        a.j(park);
    });
    assert_eq!(stop, StopReason::Exited(0));
    assert_eq!(read_u64(&mut m, DATA), 1, "SC failed");
    assert_eq!(read_u64(&mut m, X), 7, "hart 1's value stands");
    let h1 = &m.harts[1];
    assert!(
        h1.mmu
            .host()
            .store_offset(X, 8, h1.privilege, &h1.csr, RAM_BASE)
            .is_some(),
        "hart 1 stores through the fast path"
    );
}

#[test]
fn stores_into_code_take_effect_at_fence_i() {
    // `patch` returns 1; the program runs it (decoding its block), stores
    // `addi a0, zero, 42` over its first instruction through a warm store
    // entry, runs fence.i and calls it again.
    let mut patch_addr = 0;
    let mut m = run_ok(|a| {
        let patch = a.label();
        let scratch = a.label();
        a.li(S0, DATA as i64);
        a.la(S1, patch);
        a.la(S2, scratch);
        a.call(patch);
        record(a, A0);
        a.sw(ZERO, S2, 0); // a store entry for the code page
        a.li(T1, 0x02a0_0513); // addi a0, zero, 42
        a.sw(T1, S1, 0);
        a.fence_i();
        a.call(patch);
        record(a, A0);
        exit(a, 0);
        a.align(4);
        a.bind(patch);
        patch_addr = a.here();
        a.addi(A0, ZERO, 1); // one 4-byte instruction
        a.ret();
        a.align(4);
        a.bind(scratch);
        a.word(0);
    });
    assert_eq!(results_at(&mut m, 2), vec![1, 42]);
    let h = &m.harts[0];
    assert!(h
        .mmu
        .host()
        .store_offset(patch_addr, 4, h.privilege, &h.csr, RAM_BASE)
        .is_some());
}

// ---- fetches: a block built or kept again after a flush ------------------

const INSTRUCTION_PAGE_FAULT: u64 = 12;
/// A page of code (identity-mapped: it returns 1) ...
const CODE_A: u64 = RAM_BASE + 0x1c_0000;
/// ... the frame it is remapped to (it returns 2) ...
const CODE_B: u64 = RAM_BASE + 0x1d_0000;
/// ... and a page of code (a bare `ret`) in the same slot of the MMU's
/// fetch TLB as `CODE_A`.
const CODE_SAME_MMU_SLOT: u64 = CODE_A - (256 << 12);
const ADDI_A0_1: u64 = 0x0010_0513;
const ADDI_A0_2: u64 = 0x0020_0513;
const RET: u64 = 0x0000_8067;

/// The identity space, with `CODE_A` returning 1, `CODE_B` returning 2
/// and `CODE_SAME_MMU_SLOT` returning at once.
fn identity_with_code(m: &mut Machine) {
    identity(m);
    for (at, addi) in [(CODE_A, ADDI_A0_1), (CODE_B, ADDI_A0_2)] {
        assert!(m.bus.write(at, 4, addi));
        assert!(m.bus.write(at + 4, 4, RET));
    }
    assert!(m.bus.write(CODE_SAME_MMU_SLOT, 4, RET));
}

/// Runs `s_code` in S-mode under the identity space with the code pages
/// (`identity_with_code`); returns the first four results it recorded
/// (its trap's mcause, mepc and mtval follow what it recorded itself).
fn run_with_code(s_code: impl FnOnce(&mut Asm)) -> Vec<u64> {
    let (mut m, stop) = run_s(identity_with_code, |_| {}, s_code);
    assert_eq!(stop, StopReason::Exited(0));
    results_at(&mut m, 4)
}

/// S-mode code: calls `CODE_A` (through s1) and records a0.
fn call_code_a(a: &mut Asm) {
    a.jalr(RA, S1, 0);
    record(a, A0);
}

/// S-mode code: points `CODE_A`'s PTE at `pte_value`.
fn set_code_a_pte(a: &mut Asm, pte_value: u64) {
    a.li(T2, leaf_of(SPACE1, CODE_A) as i64);
    a.li(T3, pte_value as i64);
    a.sd(T3, T2, 0);
}

#[test]
fn code_page_remapped_and_fenced_runs_from_the_new_frame() {
    // Every form of sfence.vma that covers the page flushes the decoded
    // blocks and the page's fetch entry: the next call translates again
    // and decodes the new frame's code, not the kept block of the old one.
    let fences: [fn(&mut Asm); 3] = [
        |a| a.sfence_vma(S1, ZERO),
        |a| a.sfence_vma(ZERO, ZERO),
        |a| a.sfence_vma(ZERO, T4),
    ];
    for (i, fence) in fences.into_iter().enumerate() {
        let results = run_with_code(|a| {
            a.li(S1, CODE_A as i64);
            a.li(T4, 0); // the ASID of SPACE1 as run_s sets it
            call_code_a(a);
            call_code_a(a);
            set_code_a_pte(a, pte(CODE_B, LEAF));
            fence(a);
            call_code_a(a);
            a.ecall();
        });
        assert_eq!(results, vec![1, 1, 2, ECALL_FROM_S], "fence {i}");
    }
}

#[test]
fn execute_permission_removed_and_fenced_faults_the_next_fetch() {
    let results = run_with_code(|a| {
        a.li(S1, CODE_A as i64);
        call_code_a(a);
        set_code_a_pte(a, pte(CODE_A, LEAF & !PTE_X));
        a.sfence_vma(S1, ZERO);
        call_code_a(a);
    });
    assert_eq!(results, vec![1, INSTRUCTION_PAGE_FAULT, CODE_A, CODE_A]);
}

#[test]
fn an_mmu_tlb_eviction_drops_the_host_fetch_entry_too() {
    // Without sfence.vma the MMU may keep the old translation of a code
    // page; fence.i drops the decoded blocks but not translations, so the
    // block is checked again through the fetch entry: frame A while the
    // MMU's entry lives, frame B once a fetch from a page of the same MMU
    // slot has evicted it (the MMU walks again and sees the new PTE).
    let results = run_with_code(|a| {
        a.li(S1, CODE_A as i64);
        a.li(S2, CODE_SAME_MMU_SLOT as i64);
        call_code_a(a);
        set_code_a_pte(a, pte(CODE_B, LEAF));
        a.fence_i();
        call_code_a(a);
        a.jalr(RA, S2, 0); // evicts CODE_A's MMU TLB entry
        a.fence_i();
        call_code_a(a);
        a.ecall();
    });
    assert_eq!(results, vec![1, 1, 2, ECALL_FROM_S]);
}

#[test]
fn user_mode_cannot_use_supervisor_fetch_entries() {
    // S runs CODE_A (a supervisor page) and then sret's to it in U-mode:
    // the fetch faults, though S's entry for the page is warm.
    let results = run_with_code(|a| {
        a.li(S1, CODE_A as i64);
        call_code_a(a);
        a.li(T0, MSTATUS_SPP);
        a.csrc(SSTATUS, T0);
        a.csrw(SEPC, S1);
        a.sret();
    });
    assert_eq!(results, vec![1, INSTRUCTION_PAGE_FAULT, CODE_A, CODE_A]);
}
