//! Privileged architecture end to end: traps and their CSRs, delegation,
//! vectored mode, nested traps, xRET, interrupts and WFI, PMP, Sv39 page
//! faults, MPRV/SUM/MXR.

mod common;

use common::*;
use riscv_core::encode::{reg::*, Asm};
use riscv_core::platform::RAM_BASE;
use sim_core::StopReason;

const MSTATUS: u16 = 0x300;
const MEDELEG: u16 = 0x302;
const MIDELEG: u16 = 0x303;
const MIE: u16 = 0x304;
const MTVEC: u16 = 0x305;
const MEPC: u16 = 0x341;
const MCAUSE: u16 = 0x342;
const MTVAL: u16 = 0x343;
const MIP: u16 = 0x344;
const STVEC: u16 = 0x105;
const SEPC: u16 = 0x141;
const SCAUSE: u16 = 0x142;
const STVAL: u16 = 0x143;
const SATP: u16 = 0x180;
const CLINT_MTIMECMP: u64 = 0x200_4000;
const CLINT_MTIME: u64 = 0x200_bff8;
const INTERRUPT: u64 = 1 << 63;

/// Handler that records mcause, mepc, mtval and exits 0.
fn record_and_exit_m(a: &mut Asm) {
    a.csrr(T0, MCAUSE);
    record(a, T0);
    a.csrr(T0, MEPC);
    record(a, T0);
    a.csrr(T0, MTVAL);
    record(a, T0);
    exit(a, 0);
}

#[test]
fn illegal_instruction_traps_with_the_bits_in_mtval() {
    let mut fault_pc = 0;
    let (mut m, stop) = run_asm(1, |a| {
        let handler = a.label();
        a.li(S0, DATA as i64);
        a.la(T0, handler);
        a.csrw(MTVEC, T0);
        fault_pc = a.here();
        a.word(0xffff_ffff); // reserved encoding
        exit(a, 1);
        a.align(4);
        a.bind(handler);
        record_and_exit_m(a);
    });
    assert_eq!(stop, StopReason::Exited(0));
    assert_eq!(results_at(&mut m, 3), vec![2, fault_pc, 0xffff_ffff]);
}

/// A jump to the last bytes of the address space (nothing is there)
/// takes an instruction access fault with the address in mtval; building
/// the block there must not overflow past the top.
#[test]
fn a_fetch_at_the_top_of_the_address_space_is_an_access_fault() {
    for target in [u64::MAX - 1, u64::MAX - 3, 0xffff_ffff_ffff_f000] {
        let (mut m, stop) = run_asm(1, |a| {
            let handler = a.label();
            a.li(S0, DATA as i64);
            a.la(T0, handler);
            a.csrw(MTVEC, T0);
            a.li(T1, target as i64);
            a.jalr(RA, T1, 0);
            exit(a, 1);
            a.align(4);
            a.bind(handler);
            record_and_exit_m(a);
        });
        assert_eq!(stop, StopReason::Exited(0), "{target:#x}");
        assert_eq!(
            results_at(&mut m, 3),
            vec![1, target, target],
            "{target:#x}"
        );
    }
}

#[test]
fn nonexistent_csr_and_csr_from_user_are_illegal() {
    let (mut m, stop) = run_asm(1, |a| {
        let handler = a.label();
        let user = a.label();
        a.li(S0, DATA as i64);
        a.la(T0, handler);
        a.csrw(MTVEC, T0);
        open_pmp(a);
        a.csrr(T1, 0x7ff); // no such CSR: traps, handler skips it
        mret_to(a, 0, user);
        a.bind(user);
        a.csrr(T1, MSTATUS); // M CSR from U: illegal
        a.ecall(); // then ecall from U (cause 8)
        exit(a, 1);
        a.align(4);
        a.bind(handler);
        a.csrr(T0, MCAUSE);
        record(a, T0);
        a.csrr(T0, MTVAL);
        record(a, T0);
        a.csrr(T0, MCAUSE);
        a.li(T1, 8);
        let done = a.label();
        a.beq(T0, T1, done);
        a.csrr(T0, MEPC);
        a.addi(T0, T0, 4);
        a.csrw(MEPC, T0);
        a.mret();
        a.bind(done);
        exit(a, 0);
    });
    assert_eq!(stop, StopReason::Exited(0));
    let r = results_at(&mut m, 6);
    // csrr t1, 0x7ff = csrrs x6, 0x7ff, x0 = 0x7ff02373
    assert_eq!(r[0], 2);
    assert_eq!(r[1], 0x7ff0_2373);
    assert_eq!(r[2], 2);
    assert_eq!(r[3], 0x3000_2373);
    assert_eq!(r[4], 8);
    assert_eq!(r[5], 0);
}

#[test]
fn ecall_from_user_delegated_to_supervisor() {
    let mut ecall_pc = 0;
    let (mut m, stop) = run_asm(1, |a| {
        let s_entry = a.label();
        let s_handler = a.label();
        let user = a.label();
        let m_handler = a.label();
        a.li(S0, DATA as i64);
        a.la(T0, m_handler);
        a.csrw(MTVEC, T0);
        open_pmp(a);
        a.li(T0, 1 << 8); // delegate ecall from U
        a.csrw(MEDELEG, T0);
        mret_to(a, 1, s_entry);
        // S-mode: set stvec, drop to U with sret
        a.bind(s_entry);
        a.la(T0, s_handler);
        a.csrw(STVEC, T0);
        a.la(T0, user);
        a.csrw(SEPC, T0);
        a.li(T0, 1 << 8);
        a.csrc(0x100, T0); // sstatus.SPP = U
        a.sret();
        a.bind(user);
        ecall_pc = a.here();
        a.ecall();
        exit(a, 3);
        a.align(4);
        a.bind(s_handler);
        a.csrr(T0, SCAUSE);
        record(a, T0);
        a.csrr(T0, SEPC);
        record(a, T0);
        a.csrr(T0, 0x100); // sstatus: SPP must be 0 (came from U)
        record(a, T0);
        exit(a, 0);
        a.align(4);
        a.bind(m_handler);
        exit(a, 2);
    });
    assert_eq!(stop, StopReason::Exited(0));
    let r = results_at(&mut m, 3);
    assert_eq!(r[0], 8);
    assert_eq!(r[1], ecall_pc);
    assert_eq!(r[2] & (1 << 8), 0);
}

#[test]
fn vectored_timer_interrupt_and_wfi_wakeup() {
    let (mut m, stop) = run_asm(1, |a| {
        let vector_table = a.label();
        let timer = a.label();
        a.li(S0, DATA as i64);
        a.la(T0, vector_table);
        a.ori(T0, T0, 1); // vectored mode
        a.csrw(MTVEC, T0);
        // mtimecmp = mtime + 50
        a.li(T1, CLINT_MTIME as i64);
        a.ld(T2, T1, 0);
        a.addi(T2, T2, 50);
        a.li(T1, CLINT_MTIMECMP as i64);
        a.sd(T2, T1, 0);
        a.li(T0, 1 << 7);
        a.csrw(MIE, T0); // MTIE
        a.csrsi(MSTATUS, 8); // MIE
        let wait = a.label();
        a.bind(wait);
        a.wfi();
        a.j(wait);
        a.align(64);
        a.bind(vector_table);
        for i in 0..16 {
            if i == 7 {
                a.j(timer);
            } else {
                a.j(vector_table); // any other vector: spin (budget fails the test)
            }
        }
        a.bind(timer);
        a.csrr(T0, MCAUSE);
        record(a, T0);
        a.csrr(T0, MIP);
        record(a, T0);
        exit(a, 0);
    });
    assert_eq!(stop, StopReason::Exited(0));
    let r = results_at(&mut m, 2);
    assert_eq!(r[0], INTERRUPT | 7);
    assert_ne!(r[1] & (1 << 7), 0, "MTIP pending in the handler");
}

#[test]
fn software_interrupt_priority_over_timer() {
    // MSIP and MTIP both pending when MIE turns on: MSI (3) comes first.
    let (mut m, stop) = run_asm(1, |a| {
        let handler = a.label();
        a.li(S0, DATA as i64);
        a.la(T0, handler);
        a.csrw(MTVEC, T0);
        a.li(T1, CLINT_MTIMECMP as i64);
        a.sd(ZERO, T1, 0); // timer already due
        a.li(T1, 0x200_0000); // msip[0]
        a.li(T2, 1);
        a.sw(T2, T1, 0);
        a.li(T0, (1 << 7) | (1 << 3));
        a.csrw(MIE, T0);
        a.csrsi(MSTATUS, 8);
        a.nop();
        exit(a, 5);
        a.align(4);
        a.bind(handler);
        a.csrr(T0, MCAUSE);
        record(a, T0);
        exit(a, 0);
    });
    assert_eq!(stop, StopReason::Exited(0));
    assert_eq!(results_at(&mut m, 1)[0], INTERRUPT | 3);
}

#[test]
fn nested_trap_restores_state_with_mret() {
    // A trap taken inside an M-mode handler (after saving mepc) returns
    // correctly; MPIE/MIE follow the spec through trap and mret.
    let (mut m, stop) = run_asm(1, |a| {
        let handler = a.label();
        a.li(S0, DATA as i64);
        a.la(T0, handler);
        a.csrw(MTVEC, T0);
        a.csrsi(MSTATUS, 8); // MIE = 1
        a.ebreak(); // first trap
        a.csrr(T0, MSTATUS); // after mret: MIE restored from MPIE
        record(a, T0);
        exit(a, 0);
        a.align(4);
        a.bind(handler);
        a.csrr(T0, MSTATUS); // in handler: MIE = 0, MPIE = 1, MPP = M
        record(a, T0);
        a.csrr(T0, MCAUSE);
        record(a, T0);
        a.csrr(T0, MEPC);
        a.addi(T0, T0, 4);
        a.csrw(MEPC, T0);
        a.mret();
    });
    assert_eq!(stop, StopReason::Exited(0));
    let r = results_at(&mut m, 3);
    assert_eq!(r[0] & 0x88, 0x80, "MIE cleared, MPIE set in the handler");
    assert_eq!((r[0] >> 11) & 3, 3, "MPP = M");
    assert_eq!(r[1], 3, "breakpoint");
    assert_eq!(r[2] & 0x8, 0x8, "MIE restored by mret");
}

#[test]
fn pmp_denies_supervisor_outside_granted_range() {
    let (mut m, stop) = run_asm(1, |a| {
        let s_entry = a.label();
        let handler = a.label();
        a.li(S0, DATA as i64);
        a.la(T0, handler);
        a.csrw(MTVEC, T0);
        // entry 0: TOR [0, RAM_BASE + 2 MiB) RWX; nothing else
        a.li(T0, ((RAM_BASE + (2 << 20)) >> 2) as i64);
        a.csrw(0x3b0, T0);
        a.li(T0, 0x0f); // TOR RWX
        a.csrw(0x3a0, T0);
        mret_to(a, 1, s_entry);
        a.bind(s_entry);
        a.li(T1, (RAM_BASE + (4 << 20)) as i64);
        a.ld(T2, T1, 0); // outside: load access fault
        exit(a, 9);
        a.align(4);
        a.bind(handler);
        record_and_exit_m(a);
    });
    assert_eq!(stop, StopReason::Exited(0));
    let r = results_at(&mut m, 3);
    assert_eq!(r[0], 5, "load access fault");
    assert_eq!(r[2], RAM_BASE + (4 << 20));
}

/// Builds an Sv39 table in RAM from the host: identity-map the first 2 MiB
/// of RAM with a 4 KiB-page table (so single pages can be changed), and
/// returns the root's physical page number.
struct PageTables {
    root: u64,
    l1: u64,
    l0: u64,
}

const PTE_V: u64 = 1;
const PTE_R: u64 = 2;
const PTE_W: u64 = 4;
const PTE_X: u64 = 8;
const PTE_U: u64 = 16;
const PTE_A: u64 = 64;
const PTE_D: u64 = 128;
const PT_BASE: u64 = RAM_BASE + 0x40_0000;

fn build_tables(
    m: &mut riscv_core::machine::Machine,
    leaf_flags: impl Fn(u64) -> u64,
) -> PageTables {
    let t = PageTables {
        root: PT_BASE,
        l1: PT_BASE + 0x1000,
        l0: PT_BASE + 0x2000,
    };
    // root[2] (VA 0x8000_0000) -> l1; l1[0] -> l0; l0[i] -> RAM page i
    assert!(m.bus.write(t.root + 2 * 8, 8, (t.l1 >> 12) << 10 | PTE_V));
    assert!(m.bus.write(t.l1, 8, (t.l0 >> 12) << 10 | PTE_V));
    for i in 0..512u64 {
        let pa = RAM_BASE + i * 4096;
        assert!(m
            .bus
            .write(t.l0 + i * 8, 8, (pa >> 12) << 10 | leaf_flags(pa)));
    }
    // the finisher page, mapped 1:1 with a 1 GiB superpage at VA 0
    assert!(m
        .bus
        .write(t.root, 8, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D));
    t
}

/// Runs S-mode code under Sv39 with the given leaf flags; M-mode handler
/// records mcause/mepc/mtval.
fn run_sv39(
    leaf_flags: impl Fn(u64) -> u64,
    s_code: impl FnOnce(&mut Asm),
    setup_m: impl FnOnce(&mut Asm),
) -> (riscv_core::machine::Machine, StopReason) {
    run_prepared(
        1,
        |m| {
            build_tables(m, leaf_flags);
        },
        |a| {
            let s_entry = a.label();
            let handler = a.label();
            a.li(S0, DATA as i64);
            a.la(T0, handler);
            a.csrw(MTVEC, T0);
            open_pmp(a);
            a.li(T0, ((8u64 << 60) | (PT_BASE >> 12)) as i64);
            a.csrw(SATP, T0);
            a.sfence_vma(ZERO, ZERO);
            setup_m(a);
            mret_to(a, 1, s_entry);
            a.bind(s_entry);
            s_code(a);
            exit(a, 9);
            a.align(4);
            a.bind(handler);
            record_and_exit_m(a);
        },
    )
}

#[test]
fn sv39_store_to_read_only_page_is_a_store_page_fault() {
    let target = DATA + 0x800;
    let (mut m, stop) = run_sv39(
        move |pa| {
            let ro = pa == (target & !0xfff);
            PTE_V | PTE_R | PTE_X | PTE_A | if ro { 0 } else { PTE_W | PTE_D }
        },
        |a| {
            a.li(T1, target as i64);
            a.ld(T2, T1, 0); // readable
            a.sd(T2, T1, 0); // store page fault
        },
        |_| {},
    );
    assert_eq!(stop, StopReason::Exited(0));
    let r = results_at(&mut m, 3);
    assert_eq!(r[0], 15);
    assert_eq!(r[2], target);
}

#[test]
fn sv39_fetch_from_non_executable_page_is_an_instruction_page_fault() {
    let page = RAM_BASE + 0x8000;
    let (mut m, stop) = run_sv39(
        move |pa| {
            let nx = pa == page;
            PTE_V | PTE_R | PTE_W | PTE_A | PTE_D | if nx { 0 } else { PTE_X }
        },
        |a| {
            a.li(T1, page as i64);
            a.jalr(ZERO, T1, 0);
        },
        |_| {},
    );
    assert_eq!(stop, StopReason::Exited(0));
    let r = results_at(&mut m, 3);
    assert_eq!(r[0], 12);
    assert_eq!(r[1], page);
    assert_eq!(r[2], page);
}

#[test]
fn sv39_unmapped_load_is_a_load_page_fault_with_tval() {
    let (mut m, stop) = run_sv39(
        |_| PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D,
        |a| {
            a.li(T1, 0x4000_1234); // root[1] is invalid
            a.ld(T2, T1, 0);
        },
        |_| {},
    );
    assert_eq!(stop, StopReason::Exited(0));
    let r = results_at(&mut m, 3);
    assert_eq!(r[0], 13);
    assert_eq!(r[2], 0x4000_1234);
}

#[test]
fn sv39_user_page_needs_sum_for_supervisor_loads() {
    let upage = DATA + 0x1000;
    let flags = move |pa: u64| {
        PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D | if pa == upage { PTE_U } else { 0 }
    };
    // With SUM = 1 the load works and the program reaches the fault below.
    let (mut m, stop) = run_sv39(
        flags,
        |a| {
            a.li(T1, upage as i64);
            a.ld(T2, T1, 0); // ok with SUM
            a.li(T0, 1 << 18);
            a.csrc(0x100, T0); // clear SUM
            a.ld(T2, T1, 0); // now a load page fault
        },
        |a| {
            a.li(T0, 1 << 18);
            a.csrs(MSTATUS, T0);
        },
    );
    assert_eq!(stop, StopReason::Exited(0));
    let r = results_at(&mut m, 3);
    assert_eq!(r[0], 13);
    assert_eq!(r[2], upage);
}

#[test]
fn sv39_sets_accessed_and_dirty_bits() {
    let (mut m, stop) = run_sv39(
        |pa| {
            if pa == DATA + 0x2000 {
                PTE_V | PTE_R | PTE_W
            } else {
                PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D
            }
        },
        |a| {
            a.li(T1, (DATA + 0x2000) as i64);
            a.sd(T1, T1, 0);
            a.ecall(); // to the M handler: ends the run
        },
        |_| {},
    );
    assert_eq!(stop, StopReason::Exited(0));
    let pte_addr = PT_BASE + 0x2000 + ((DATA + 0x2000 - RAM_BASE) >> 12) * 8;
    let pte = read_u64(&mut m, pte_addr);
    assert_eq!(pte & (PTE_A | PTE_D), PTE_A | PTE_D);
}

#[test]
fn mprv_makes_machine_loads_use_translation() {
    // M-mode with MPRV=1, MPP=S loads through the page table: an unmapped
    // address faults (cause 13) although M-mode itself is untranslated.
    let (mut m, stop) = run_prepared(
        1,
        |m| {
            build_tables(m, |_| PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D);
        },
        |a| {
            let handler = a.label();
            a.li(S0, DATA as i64);
            a.la(T0, handler);
            a.csrw(MTVEC, T0);
            open_pmp(a);
            a.li(T0, ((8u64 << 60) | (PT_BASE >> 12)) as i64);
            a.csrw(SATP, T0);
            a.li(T0, (1 << 17) | (1 << 11)); // MPRV, MPP = S
            a.csrs(MSTATUS, T0);
            a.li(T1, 0x4000_0000);
            a.ld(T2, T1, 0);
            exit(a, 9);
            a.align(4);
            a.bind(handler);
            a.li(T0, 1 << 17);
            a.csrc(MSTATUS, T0);
            record_and_exit_m(a);
        },
    );
    assert_eq!(stop, StopReason::Exited(0));
    let r = results_at(&mut m, 3);
    assert_eq!(r[0], 13);
    assert_eq!(r[2], 0x4000_0000);
}

#[test]
fn mideleg_routes_supervisor_timer_to_s_mode() {
    // M sets STIP (software-writable without Sstc); delegated, S takes it.
    let (mut m, stop) = run_asm(1, |a| {
        let s_entry = a.label();
        let s_handler = a.label();
        a.li(S0, DATA as i64);
        open_pmp(a);
        a.li(T0, 1 << 5);
        a.csrw(MIDELEG, T0);
        a.csrw(MIE, T0); // STIE
        a.csrs(MIP, T0); // STIP
        a.la(T0, s_handler);
        a.csrw(STVEC, T0);
        mret_to(a, 1, s_entry);
        a.bind(s_entry);
        a.csrsi(0x100, 2); // sstatus.SIE -> interrupt now
        a.nop();
        exit(a, 9);
        a.align(4);
        a.bind(s_handler);
        a.csrr(T0, SCAUSE);
        record(a, T0);
        a.csrr(T0, STVAL);
        record(a, T0);
        exit(a, 0);
    });
    assert_eq!(stop, StopReason::Exited(0));
    let r = results_at(&mut m, 2);
    assert_eq!(r[0], INTERRUPT | 5);
    assert_eq!(r[1], 0);
}

#[test]
fn wfi_resumes_on_a_pending_enabled_interrupt_even_with_mie_off() {
    // mstatus.MIE = 0, mie.MTIE = 1: the timer interrupt is not taken, but
    // WFI must end once it is pending, and execution continues after it.
    let (mut m, stop) = run_asm(1, |a| {
        a.li(S0, DATA as i64);
        a.li(T1, CLINT_MTIME as i64);
        a.ld(T2, T1, 0);
        a.addi(T2, T2, 100);
        a.li(T1, CLINT_MTIMECMP as i64);
        a.sd(T2, T1, 0);
        a.li(T0, 1 << 7);
        a.csrw(MIE, T0);
        a.wfi();
        a.csrr(T0, MIP);
        record(a, T0);
        exit(a, 0);
    });
    assert_eq!(stop, StopReason::Exited(0));
    assert_ne!(
        results_at(&mut m, 1)[0] & (1 << 7),
        0,
        "MTIP pending after wake-up"
    );
}

#[test]
fn pmp_finer_than_a_page_stops_fetch_mid_block() {
    // S-mode may execute only [RAM_BASE, boundary): the instruction at the
    // boundary, in the same page and the same straight-line run, faults.
    let mut boundary = 0;
    let (mut m, stop) = run_asm(1, |a| {
        let s_entry = a.label();
        let handler = a.label();
        a.li(S0, DATA as i64);
        a.la(T0, handler);
        a.csrw(MTVEC, T0);
        let pmp_top = a.label();
        a.la(T0, pmp_top);
        a.srli(T0, T0, 2);
        a.csrw(0x3b0, T0); // pmpaddr0 = boundary (TOR, RWX below)
        a.li(T0, -1);
        a.csrw(0x3b1, T0); // pmpaddr1 = everything above: RW only
        a.li(T0, 0x0f | (0x0b << 8)); // entry0 TOR RWX, entry1 TOR RW
        a.csrw(0x3a0, T0);
        mret_to(a, 1, s_entry);
        a.align(16);
        a.bind(s_entry);
        a.nop();
        a.nop();
        a.bind(pmp_top); // 4-byte aligned: TOR granularity
        boundary = a.here();
        a.nop(); // not executable for S
        exit(a, 9);
        a.align(4);
        a.bind(handler);
        record_and_exit_m(a);
    });
    assert_eq!(stop, StopReason::Exited(0));
    let r = results_at(&mut m, 3);
    assert_eq!(r[0], 1, "instruction access fault");
    assert_eq!(r[1], boundary);
}
