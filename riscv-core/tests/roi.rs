//! The region of interest: the guest marks it through sim-control, the
//! machine snapshots every hart's always-on counters at its ends, and the
//! counts inside it (instructions per privilege, U-mode exceptions and
//! ecalls, interrupts from U, user interrupts delivered and sent, the
//! workload hart's cycles, the guest's reports) come out exact.

mod common;

use common::uintr::*;
use common::*;
use riscv_core::encode::{reg::*, Asm};
use riscv_core::machine::Machine;
use riscv_core::platform::{CLINT_BASE, SIMCTL_BASE};
use sim_core::{Privilege, StopReason};

const ROI_BEGIN: i32 = 0x00;
const ROI_END: i32 = 0x08;
const REPORT_SYSCALLS: i32 = 0x38;
const REPORT_ROUNDS: i32 = 0x40;
const REPORT_CONCURRENCY: i32 = 0x48;
const MTIMECMP0: u64 = CLINT_BASE + 0x4000;
/// Exit "syscall" number the test's S-mode handler understands.
const EXIT: i64 = 93;

/// Instructions from `from` up to (not including) `to`: the test
/// assembler emits 4-byte instructions unless asked for compressed ones.
fn insns(from: u64, to: u64) -> u64 {
    assert!(to >= from && (to - from).is_multiple_of(4));
    (to - from) / 4
}

fn user() -> usize {
    Privilege::User.index()
}

/// Addresses the host needs to work out the exact expected counts.
#[derive(Default)]
struct Marks {
    after_begin: u64,
    after_end: u64,
    /// Straight-line lengths of the handlers' paths taken in the region.
    s_syscall_path: u64,
    m_timer_path: u64,
    u_handler_len: u64,
}

const ECALLS_IN_ROI: u64 = 5;

/// U-mode: two ecalls before the region, then inside it five ecalls, a
/// machine timer interrupt, two UIPI sends to itself (both delivered), one
/// rejected send, and the reports; one ecall after the region, then exit.
fn full_program(a: &mut Asm, marks: &mut Marks) {
    let m_handler = a.label();
    let s_handler = a.label();
    let user_code = a.label();
    let u_handler = a.label();
    // M: machine timer interrupts on (taken from U and S whatever mstatus.MIE).
    a.li(T0, 1 << 7);
    a.csrs(0x304, T0);
    boot_to_s_receiver(a, m_handler, s_handler, u_handler, 0, true);
    sret_to_user(a, user_code);

    a.bind(user_code);
    a.li(T6, SIMCTL_BASE as i64);
    a.li(S4, MTIMECMP0 as i64);
    a.li(A7, 0);
    a.li(S5, 40); // reports, set up before the region
    a.li(S6, 10);
    a.li(S7, 4);
    a.ecall();
    a.ecall();
    a.sd(ZERO, T6, ROI_BEGIN);
    marks.after_begin = a.here();
    for _ in 0..ECALLS_IN_ROI {
        a.ecall();
    }
    a.sd(ZERO, S4, 0); // mtimecmp = 0: the timer fires at once, from U
    a.li(A0, 0);
    a.uipi_send(A0); // delivered
    a.nop();
    a.uipi_send(A0); // delivered again
    a.nop();
    a.li(A0, 1);
    a.uipi_send(A0); // invalid sender entry: rejected
    a.sd(S5, T6, REPORT_SYSCALLS);
    a.sd(S6, T6, REPORT_ROUNDS);
    a.sd(S7, T6, REPORT_CONCURRENCY);
    a.sd(ZERO, T6, ROI_END);
    marks.after_end = a.here();
    a.ecall();
    a.li(A7, EXIT);
    a.ecall();

    // U handler: acknowledge the vector and return.
    a.align(4);
    a.bind(u_handler);
    let start = a.here();
    a.uipi_write(ZERO);
    a.uret();
    marks.u_handler_len = insns(start, a.here());

    // S handler: exit on a7 == EXIT, else skip the ecall and return.
    a.align(4);
    a.bind(s_handler);
    let start = a.here();
    let done = a.label();
    a.li(T0, EXIT);
    a.beq(A7, T0, done);
    a.csrr(T0, SEPC);
    a.addi(T0, T0, 4);
    a.csrw(SEPC, T0);
    a.sret();
    marks.s_syscall_path = insns(start, a.here());
    a.bind(done);
    exit(a, 0);

    // M handler: a timer interrupt disarms the timer; anything else fails.
    a.align(4);
    a.bind(m_handler);
    let start = a.here();
    let fail = a.label();
    a.csrr(T0, 0x342); // mcause
    a.bge(T0, ZERO, fail);
    a.li(T0, MTIMECMP0 as i64);
    a.li(T1, -1);
    a.sd(T1, T0, 0);
    a.mret();
    marks.m_timer_path = insns(start, a.here());
    a.bind(fail);
    exit(a, 77);
}

fn run_full_program() -> (Machine, Marks) {
    let mut marks = Marks::default();
    let (m, stop) = run_asm(1, |a| full_program(a, &mut marks));
    assert_eq!(stop, StopReason::Exited(0));
    (m, marks)
}

#[test]
fn the_region_counts_exactly_what_ran_inside_it() {
    let (m, marks) = run_full_program();
    let s = m.roi_summary();
    assert_eq!(s.regions, 1);
    assert_eq!(s.workload_hart, Some(0));
    assert_eq!((s.syscalls, s.rounds, s.concurrency), (40, 10, Some(4)));
    assert_eq!(s.warnings, sim_core::RoiWarnings::default());
    let t = s.total();
    assert_eq!(t.exceptions_from[user()], ECALLS_IN_ROI, "ecalls only");
    assert_eq!(t.ecalls_from_user, ECALLS_IN_ROI);
    assert_eq!(t.exceptions_from[1] + t.exceptions_from[2], 0);
    assert_eq!(t.interrupts_from[user()], 1, "the timer");
    assert_eq!(t.interrupts_from[1] + t.interrupts_from[2], 0);
    assert_eq!(t.uintr_delivered, 2);
    assert_eq!(t.uintr_sent, 2);
    assert_eq!(t.uintr_rejected, 1);
    // ecalls trap instead of retiring; the END store is inside.
    let user_insns =
        insns(marks.after_begin, marks.after_end) - ECALLS_IN_ROI + 2 * marks.u_handler_len;
    assert_eq!(t.instret[user()], user_insns);
    assert_eq!(t.instret[1], ECALLS_IN_ROI * marks.s_syscall_path);
    assert_eq!(t.instret[2], marks.m_timer_path);
    // Functional time: a cycle per instruction and per exception (an
    // interrupt is taken between instructions at no cost); no idling.
    assert_eq!(s.workload_cycles, t.instructions() + ECALLS_IN_ROI);
    assert_eq!(s.hart_cycles, vec![s.workload_cycles]);
    // By mode: an exception's cycle goes to the mode that raised it.
    assert_eq!(
        s.workload_cycles_by_mode,
        [t.instret[0] + ECALLS_IN_ROI, t.instret[1], t.instret[2]]
    );
}

#[test]
fn whole_run_counters_include_what_lies_outside_the_region() {
    let (m, _) = run_full_program();
    let c = &m.harts[0].counters;
    assert_eq!(c.ecalls_from_user, ECALLS_IN_ROI + 2 + 1 + 1);
    assert_eq!(c.exceptions_from[user()], c.ecalls_from_user);
    assert_eq!(c.instructions(), m.harts[0].retired);
    let stats = m.stats();
    assert_eq!(stats.get("hart0.exceptions.ecalls_from_user"), Some(9));
    assert_eq!(stats.get("roi.traps"), Some(ECALLS_IN_ROI));
    assert_eq!(stats.get("roi.ecalls"), Some(ECALLS_IN_ROI));
    assert_eq!(stats.get("roi.interrupts"), Some(1));
    assert_eq!(stats.get("roi.uintr.delivered"), Some(2));
    assert_eq!(stats.get("roi.syscalls"), Some(40));
    let per_mode: u64 = ["user", "supervisor", "machine"]
        .iter()
        .map(|p| stats.get(&format!("hart0.instructions.{p}")).unwrap())
        .sum();
    assert_eq!(Some(per_mode), stats.get("hart0.instret"));
}

/// M-mode straight-line code: a stray END, two regions (the second with a
/// second BEGIN inside it) and a stray report between them.
#[test]
fn regions_accumulate_and_stray_marks_are_warnings() {
    let mut lens = (0, 0);
    let (m, stop) = run_asm(1, |a| {
        a.li(T6, SIMCTL_BASE as i64);
        a.li(S5, 3);
        a.sd(ZERO, T6, ROI_END); // no region open: warning
        a.sd(ZERO, T6, ROI_BEGIN);
        let start = a.here();
        for _ in 0..10 {
            a.nop();
        }
        a.sd(S5, T6, REPORT_SYSCALLS);
        a.sd(S5, T6, REPORT_ROUNDS);
        a.sd(ZERO, T6, ROI_END);
        lens.0 = insns(start, a.here());
        for _ in 0..7 {
            a.nop();
        }
        a.sd(S5, T6, REPORT_SYSCALLS); // outside: warning, ignored
        a.sd(ZERO, T6, ROI_BEGIN);
        let start = a.here();
        a.sd(ZERO, T6, ROI_BEGIN); // already open: warning
        a.nop();
        a.sd(S5, T6, REPORT_SYSCALLS);
        a.sd(S5, T6, REPORT_SYSCALLS); // several reports add up
        a.sd(ZERO, T6, ROI_END);
        lens.1 = insns(start, a.here());
        a.sd(ZERO, T6, ROI_END); // warning
        a.sd(ZERO, T6, ROI_BEGIN); // left open: counts nothing
        a.sd(S5, T6, REPORT_SYSCALLS);
        exit(a, 0);
    });
    assert_eq!(stop, StopReason::Exited(0));
    let s = m.roi_summary();
    assert_eq!(s.regions, 2);
    assert_eq!(s.syscalls, 3 + 6);
    assert_eq!(s.rounds, 3);
    assert_eq!(s.concurrency, None);
    let t = s.total();
    assert_eq!(t.instret, [0, 0, lens.0 + lens.1]);
    assert_eq!(s.workload_cycles, lens.0 + lens.1);
    assert_eq!(s.warnings.end_without_begin, 2);
    assert_eq!(s.warnings.begin_while_open, 1);
    assert_eq!(s.warnings.report_outside_region, 1);
    assert!(m.roi().is_open());
}

/// Two harts: hart 1 marks the region, so its cycles are the region's;
/// hart 0 keeps running a loop meanwhile and its instructions count too.
#[test]
fn the_hart_that_begins_is_the_workload_hart() {
    let mut len = 0;
    let (m, stop) = run_asm(2, |a| {
        let worker = a.label();
        let spin = a.label();
        a.csrr(T0, 0xf14); // mhartid
        a.bnez(T0, worker);
        a.bind(spin);
        a.addi(T1, T1, 1);
        a.j(spin);
        a.bind(worker);
        a.li(T6, SIMCTL_BASE as i64);
        a.sd(ZERO, T6, ROI_BEGIN);
        let start = a.here();
        for _ in 0..3000 {
            a.nop();
        }
        a.sd(ZERO, T6, ROI_END);
        len = insns(start, a.here());
        exit(a, 0);
    });
    assert_eq!(stop, StopReason::Exited(0));
    let s = m.roi_summary();
    assert_eq!(s.workload_hart, Some(1));
    assert_eq!(s.workload_cycles, len);
    assert_eq!(s.hart_cycles[1], len);
    assert_eq!(s.harts[1].instructions(), len);
    // Hart 0 ran whole quanta meanwhile (its counters are as of its last
    // quantum at each snapshot).
    assert!(s.harts[0].instructions() >= 2000, "{:?}", s.harts[0]);
}

/// Faults from U count as traps but not as ecalls: two ecalls and two
/// illegal instructions inside the region (both delegated to S, which
/// skips them).
#[test]
fn faults_and_ecalls_are_told_apart() {
    let (m, stop) = run_asm(1, |a| {
        let s_entry = a.label();
        let m_handler = a.label();
        let s_handler = a.label();
        let user_code = a.label();
        let done = a.label();
        boot_to_s(a, s_entry, m_handler);
        a.bind(s_entry);
        a.la(T0, s_handler);
        a.csrw(STVEC, T0);
        sret_to_user(a, user_code);
        a.bind(user_code);
        a.li(T6, SIMCTL_BASE as i64);
        a.li(A7, 0);
        a.sd(ZERO, T6, ROI_BEGIN);
        a.ecall();
        a.word(0); // illegal instruction
        a.ecall();
        a.word(0);
        a.sd(ZERO, T6, ROI_END);
        a.li(A7, EXIT);
        a.ecall();
        a.align(4);
        a.bind(s_handler);
        a.li(T0, EXIT);
        a.beq(A7, T0, done);
        a.csrr(T0, SEPC);
        a.addi(T0, T0, 4);
        a.csrw(SEPC, T0);
        a.sret();
        a.bind(done);
        exit(a, 0);
        bind_m_handler_failing(a, m_handler);
    });
    assert_eq!(stop, StopReason::Exited(0));
    let t = m.roi_summary().total();
    assert_eq!(t.exceptions_from[user()], 4);
    assert_eq!(t.ecalls_from_user, 2);
    assert_eq!(t.interrupts_from, [0; 3]);
    // 4 S-handler passes of 6 instructions; in U only the END store
    // retires (ecalls and illegal instructions trap instead).
    assert_eq!(t.instret, [1, 4 * 6, 0]);
}

/// Idle time counts: M-mode waits in WFI inside the region for a timer
/// 50 ticks (5000 cycles at 1 GHz / 10 MHz) away; the idle cycles go to
/// the mode that waited.
#[test]
fn idle_cycles_count_for_the_mode_that_waits() {
    let mut len = 0;
    let (m, stop) = run_asm(1, |a| {
        a.li(T0, 1 << 7);
        a.csrs(0x304, T0); // mie.MTIE; mstatus.MIE stays off: WFI just wakes
        a.li(T6, SIMCTL_BASE as i64);
        a.li(S4, MTIMECMP0 as i64);
        a.li(T1, 50);
        a.sd(ZERO, T6, ROI_BEGIN);
        let start = a.here();
        a.sd(T1, S4, 0); // mtimecmp = 50 ticks
        a.wfi();
        a.sd(ZERO, T6, ROI_END);
        len = insns(start, a.here());
        exit(a, 0);
    });
    assert_eq!(stop, StopReason::Exited(0));
    let s = m.roi_summary();
    let t = s.total();
    assert_eq!(t.instret, [0, 0, len]);
    assert!(
        s.workload_cycles >= 4900 && s.workload_cycles <= 5000,
        "woke at the deadline: {}",
        s.workload_cycles
    );
    assert_eq!(s.workload_cycles_by_mode, [0, 0, s.workload_cycles]);
}
