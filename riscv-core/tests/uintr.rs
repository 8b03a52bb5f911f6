//! User-level interrupts (UINTR.md): CSR access rules, UIPI, the UINTC,
//! delivery in U-mode without a privilege change, and the security rules.

mod common;

use common::uintr::*;
use common::*;
use riscv_core::encode::{reg::*, Asm};

use sim_core::StopReason;

/// U-mode handler: records ucause, uepc and the pending bits, clears
/// them, counts the interrupt in s2 and returns with uret.
fn u_handler_body(a: &mut Asm) {
    a.csrr(T0, UCAUSE);
    record(a, T0);
    a.csrr(T0, UEPC);
    record(a, T0);
    a.uipi_read(T0);
    record(a, T0);
    a.uipi_write(ZERO);
    a.addi(S2, S2, 1);
    a.uret();
}

#[test]
fn u_mode_sends_to_itself_and_handles_it_without_a_trap() {
    let mut after_send = 0;
    let (mut m, stop) = run_asm(1, |a| {
        let m_handler = a.label();
        let s_handler = a.label();
        let user = a.label();
        let u_handler = a.label();
        boot_to_s_receiver(a, m_handler, s_handler, u_handler, 0, true);
        sret_to_user(a, user);
        a.bind(user);
        a.li(S2, 0);
        a.li(A0, 0);
        a.uipi_send(A0);
        after_send = a.here();
        a.nop();
        record(a, S2); // the handler ran exactly once
        a.ecall(); // to S: done
        a.align(4);
        a.bind(u_handler);
        u_handler_body(a);
        a.align(4);
        a.bind(s_handler);
        a.csrr(T0, SCAUSE);
        record(a, T0);
        exit(a, 0);
        bind_m_handler_failing(a, m_handler);
    });
    assert_eq!(stop, StopReason::Exited(0));
    let r = results_at(&mut m, 5);
    assert_eq!(r[0], INTERRUPT, "ucause: user software interrupt");
    assert_eq!(r[1], after_send, "taken at the next instruction boundary");
    assert_eq!(r[2], 1 << VECTOR, "pending bit of the vector");
    assert_eq!(r[3], 1, "one delivery");
    assert_eq!(r[4], 8, "then an ordinary ecall from U");
    let stats = m.stats();
    assert_eq!(stats.get("hart0.uintr.delivered"), Some(1));
    assert_eq!(stats.get("hart0.uintr.sent"), Some(1));
    // no trap to S or M for the delivery: only the final ecall
    assert_eq!(stats.get("hart0.exceptions.from_user"), Some(1));
    assert_eq!(stats.get("hart0.interrupts.from_user"), Some(0));
}

#[test]
fn send_to_invalid_entry_or_beyond_the_table_has_no_effect() {
    let (mut m, stop) = run_asm(1, |a| {
        let m_handler = a.label();
        let s_handler = a.label();
        let user = a.label();
        let u_handler = a.label();
        boot_to_s_receiver(a, m_handler, s_handler, u_handler, 0, true);
        sret_to_user(a, user);
        a.bind(user);
        a.li(S2, 0);
        a.li(A0, 1); // invalid entry
        a.uipi_send(A0);
        a.li(A0, 512); // beyond a one-page table
        a.uipi_send(A0);
        a.li(A0, -1);
        a.uipi_send(A0);
        a.nop();
        a.uipi_read(T0);
        record(a, T0); // nothing pending
        record(a, S2); // no handler ran
        a.ecall();
        a.align(4);
        a.bind(u_handler);
        u_handler_body(a);
        a.align(4);
        a.bind(s_handler);
        exit(a, 0);
        bind_m_handler_failing(a, m_handler);
    });
    assert_eq!(stop, StopReason::Exited(0));
    assert_eq!(results_at(&mut m, 2), vec![0, 0]);
    assert_eq!(m.stats().get("hart0.uintr.send_rejected"), Some(3));
}

#[test]
fn u_mode_cannot_touch_supervisor_uintr_state() {
    // From U: suist/suirs/suicfg/sideleg are illegal; the UINTC itself is
    // not reachable (PMP could allow it, the test's S-mode maps nothing for
    // U, so a direct store to WRITE_LOW would be the kernel's to forbid).
    let (mut m, stop) = run_asm(1, |a| {
        let m_handler = a.label();
        let s_handler = a.label();
        let user = a.label();
        let u_handler = a.label();
        boot_to_s_receiver(a, m_handler, s_handler, u_handler, 0, true);
        a.li(S3, 0);
        sret_to_user(a, user);
        a.bind(user);
        a.csrr(T0, SUIST);
        a.csrr(T0, SUIRS);
        a.csrw(SUICFG, ZERO);
        a.csrw(SIDELEG, ZERO);
        a.csrr(T0, UIP); // allowed
        a.ecall();
        a.align(4);
        a.bind(u_handler);
        a.uret();
        a.align(4);
        a.bind(s_handler);
        a.csrr(T0, SCAUSE);
        record(a, T0);
        a.li(T1, 8);
        let done = a.label();
        a.beq(T0, T1, done);
        a.csrr(T0, SEPC);
        a.addi(T0, T0, 4);
        a.csrw(SEPC, T0);
        a.sret();
        a.bind(done);
        exit(a, 0);
        bind_m_handler_failing(a, m_handler);
    });
    assert_eq!(stop, StopReason::Exited(0));
    assert_eq!(results_at(&mut m, 5), vec![2, 2, 2, 2, 8]);
}

#[test]
fn interrupt_for_inactive_receiver_waits_for_reactivation() {
    // The receiver entry is inactive (descheduled): the SEND only records
    // the pending bit. When the "kernel" (S) reactivates it and returns to
    // U, the interrupt is delivered.
    let (mut m, stop) = run_asm(1, |a| {
        let m_handler = a.label();
        let s_handler = a.label();
        let user = a.label();
        let u_handler = a.label();
        let second = a.label();
        boot_to_s_receiver(a, m_handler, s_handler, u_handler, 0, false);
        a.li(S4, 0);
        sret_to_user(a, user);
        a.bind(user);
        a.li(S2, 0);
        a.li(A0, 0);
        a.uipi_send(A0);
        a.nop();
        a.nop();
        record(a, S2); // not delivered while inactive
        a.ecall(); // ask the kernel to reschedule us
        a.bind(second);
        a.nop();
        record(a, S2); // delivered after reactivation
        a.ecall();
        a.align(4);
        a.bind(u_handler);
        u_handler_body(a);
        a.align(4);
        a.bind(s_handler);
        let finish = a.label();
        a.bnez(S4, finish);
        a.li(S4, 1);
        a.li(T0, (entry(RECEIVER) + 0x18) as i64);
        a.li(T1, 1);
        a.sd(T1, T0, 0); // SET_ACTIVE
        sret_to_user(a, second);
        a.bind(finish);
        exit(a, 0);
        bind_m_handler_failing(a, m_handler);
    });
    assert_eq!(stop, StopReason::Exited(0));
    let r = results_at(&mut m, 5);
    assert_eq!(r[0], 0);
    assert_eq!(r[1], INTERRUPT);
    assert_eq!(r[3], 1 << VECTOR);
    assert_eq!(r[4], 1);
}

#[test]
fn two_harts_sender_and_receiver_none_lost_none_duplicated() {
    // Hart 1 (receiver) loops in U counting interrupts; hart 0 (sender)
    // sends N times, each time waiting until the receiver has consumed the
    // previous one (a shared counter), then checks the count.
    const N: i64 = 50;
    let counter = DATA + 0x800;
    let (mut m, stop) = run_asm(2, |a| {
        let m_handler = a.label();
        let s_handler = a.label();
        let sender = a.label();
        let receiver = a.label();
        let u_handler = a.label();
        // both harts: same sender table; receiver entry bound to hart 1
        boot_to_s_receiver(a, m_handler, s_handler, u_handler, 1, true);
        // the hart id is still in a0, where the boot ROM put it
        let is_sender = a.label();
        a.beqz(A0, is_sender);
        sret_to_user(a, receiver);
        a.bind(is_sender);
        sret_to_user(a, sender);
        // receiver (hart 1): spin forever; the handler counts
        a.bind(receiver);
        let spin = a.label();
        a.bind(spin);
        a.j(spin);
        a.align(4);
        a.bind(u_handler);
        a.uipi_write(ZERO);
        a.li(T0, counter as i64);
        a.li(T1, 1);
        a.amoadd_d(ZERO, T0, T1, false, true);
        a.uret();
        // sender (hart 0)
        a.bind(sender);
        a.li(S1, 0);
        a.li(S5, counter as i64);
        let again = a.label();
        let wait = a.label();
        a.bind(again);
        a.li(A0, 0);
        a.uipi_send(A0);
        a.addi(S1, S1, 1);
        a.bind(wait);
        a.ld(T0, S5, 0);
        a.bne(T0, S1, wait);
        a.li(T1, N);
        a.bne(S1, T1, again);
        // a few more rounds of waiting: no duplicate may arrive
        a.li(T2, 5000);
        let settle = a.label();
        a.bind(settle);
        a.addi(T2, T2, -1);
        a.bnez(T2, settle);
        a.ld(T0, S5, 0);
        a.li(S0, DATA as i64);
        record(a, T0);
        exit(a, 0);
        a.align(4);
        a.bind(s_handler);
        exit(a, 66);
        bind_m_handler_failing(a, m_handler);
    });
    assert_eq!(stop, StopReason::Exited(0));
    assert_eq!(results_at(&mut m, 1), vec![N as u64]);
    let s = m.stats();
    assert_eq!(s.get("hart1.uintr.delivered"), Some(N as u64));
    assert_eq!(s.get("hart0.uintr.sent"), Some(N as u64));
}
