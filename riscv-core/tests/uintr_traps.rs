//! User-level interrupts, second part of the test list: CSR
//! access rules from every mode, delivery of a USIP set by the kernel,
//! interaction with traps, the descheduled-receiver rule, and the events
//! seen by timing sinks and the commit log.

mod common;

use common::uintr::*;
use common::*;
use riscv_core::commit_log::CommitLog;
use riscv_core::encode::{reg::*, Asm};

use sim_core::{StopReason, TimingSink, UintrEvent};

const SIP: u16 = 0x144;
const OTHER: u64 = 6;

/// Trap handler that counts in s3, skips the faulting instruction and
/// returns with `ret` (sret or mret).
fn counting_handler(a: &mut Asm, epc: u16, ret: fn(&mut Asm)) {
    a.addi(S3, S3, 1);
    a.csrr(T0, epc);
    a.addi(T0, T0, 4);
    a.csrw(epc, T0);
    ret(a);
}

const U_CSRS: [u16; 8] = [USTATUS, UIE, UTVEC, 0x040, UEPC, UCAUSE, 0x043, UIP];
const S_CSRS: [u16; 5] = [0x102, SIDELEG, SUIST, SUIRS, SUICFG];

/// For every UINTR CSR: a read, then a write of the value read, each
/// followed by recording the trap count (s3) and resetting it.
fn access_all(a: &mut Asm) {
    for csr in U_CSRS.iter().chain(S_CSRS.iter()) {
        a.li(S3, 0);
        a.li(T1, 0);
        a.csrr(T1, *csr);
        record(a, S3);
        a.li(S3, 0);
        a.csrw(*csr, T1);
        record(a, S3);
    }
}

#[test]
fn uintr_csr_access_rules_from_u_s_and_m() {
    let (mut m, stop) = run_asm(1, |a| {
        let m_handler = a.label();
        let s_handler = a.label();
        let s_code = a.label();
        let u_code = a.label();
        a.li(S0, DATA as i64);
        a.la(T0, m_handler);
        a.csrw(0x305, T0);
        open_pmp(a);
        a.li(T0, 1 << 2); // illegal instructions from S/U go to S
        a.csrs(0x302, T0);
        access_all(a); // M
        mret_to(a, 1, s_code);
        a.bind(s_code);
        a.la(T0, s_handler);
        a.csrw(STVEC, T0);
        access_all(a); // S
        sret_to_user(a, u_code);
        a.bind(u_code);
        access_all(a); // U
        exit(a, 0); // bare mode, PMP open: U reaches the finisher
        a.align(4);
        a.bind(s_handler);
        counting_handler(a, SEPC, Asm::sret);
        a.align(4);
        a.bind(m_handler);
        counting_handler(a, 0x341, Asm::mret);
    });
    assert_eq!(stop, StopReason::Exited(0));
    let per_mode = 2 * (U_CSRS.len() + S_CSRS.len());
    let r = results_at(&mut m, 3 * per_mode);
    for (mode, name) in ["M", "S", "U"].iter().enumerate() {
        let chunk = &r[mode * per_mode..(mode + 1) * per_mode];
        for (i, csr) in U_CSRS.iter().chain(S_CSRS.iter()).enumerate() {
            let expected = u64::from(*name == "U" && S_CSRS.contains(csr));
            assert_eq!(chunk[2 * i], expected, "read of {csr:#x} from {name}");
            assert_eq!(chunk[2 * i + 1], expected, "write of {csr:#x} from {name}");
        }
    }
}

/// U handler: records ucause, uepc and the pending bits, clears the
/// pending bits and uip.USIP, counts in s2, returns with uret.
fn u_handler_body(a: &mut Asm) {
    a.csrr(T0, UCAUSE);
    record(a, T0);
    a.csrr(T0, UEPC);
    record(a, T0);
    a.uipi_read(T0);
    record(a, T0);
    a.uipi_write(ZERO);
    a.csrci(UIP, 1);
    a.addi(S2, S2, 1);
    a.uret();
}

#[test]
fn kernel_set_usip_is_delivered_right_after_sret_to_user() {
    // Twice: once through uip, once through sip bit 0 (the same bit).
    let mut first = 0;
    let mut second_at = 0;
    let (mut m, stop) = run_asm(1, |a| {
        let m_handler = a.label();
        let s_handler = a.label();
        let user = a.label();
        let second = a.label();
        let u_handler = a.label();
        boot_to_s_receiver(a, m_handler, s_handler, u_handler, 0, false);
        a.li(S2, 0);
        a.csrsi(UIP, 1);
        sret_to_user(a, user);
        a.bind(user);
        first = a.here();
        a.nop();
        record(a, S2);
        a.ecall();
        a.bind(second);
        second_at = a.here();
        a.nop();
        record(a, S2);
        exit(a, 0);
        a.align(4);
        a.bind(u_handler);
        u_handler_body(a);
        a.align(4);
        a.bind(s_handler);
        a.csrsi(SIP, 1);
        sret_to_user(a, second);
        bind_m_handler_failing(a, m_handler);
    });
    assert_eq!(stop, StopReason::Exited(0));
    let r = results_at(&mut m, 8);
    assert_eq!(r[0], INTERRUPT);
    assert_eq!(r[1], first, "taken before the first U instruction");
    assert_eq!(r[2], 0, "no UINTC request: only the kernel's USIP");
    assert_eq!(r[3], 1);
    assert_eq!(r[4], INTERRUPT);
    assert_eq!(r[5], second_at, "sip bit 0 is uip.USIP");
    assert_eq!(r[7], 2);
    assert_eq!(m.stats().get("hart0.uintr.delivered"), Some(2));
}

#[test]
fn interrupt_posted_while_in_s_waits_for_the_return_to_u() {
    // U ecalls; the kernel sends to the (active) receiver with a store to
    // the UINTC's SEND register, with sstatus.SIE set, and keeps running
    // in S: nothing is taken until sret, then the U handler runs at once.
    let mut resume = 0;
    let (mut m, stop) = run_asm(1, |a| {
        let m_handler = a.label();
        let s_handler = a.label();
        let user = a.label();
        let back = a.label();
        let u_handler = a.label();
        boot_to_s_receiver(a, m_handler, s_handler, u_handler, 0, true);
        a.li(S2, 0);
        sret_to_user(a, user);
        a.bind(user);
        a.ecall();
        a.bind(back);
        resume = a.here();
        a.nop();
        record(a, S2);
        exit(a, 0);
        a.align(4);
        a.bind(u_handler);
        u_handler_body(a);
        a.align(4);
        a.bind(s_handler);
        a.csrsi(0x100, 2); // sstatus.SIE
        a.li(T0, entry(RECEIVER) as i64);
        a.li(T1, VECTOR as i64);
        a.sd(T1, T0, 0); // SEND
        for _ in 0..20 {
            a.nop();
        }
        record(a, S2); // still in S: not delivered
        a.csrr(T0, UIP);
        record(a, T0); // but pending
        a.csrci(0x100, 2);
        sret_to_user(a, back);
        bind_m_handler_failing(a, m_handler);
    });
    assert_eq!(stop, StopReason::Exited(0));
    let r = results_at(&mut m, 6);
    assert_eq!(r[0], 0);
    assert_eq!(r[1] & 1, 1);
    assert_eq!(r[2], INTERRUPT);
    assert_eq!(r[3], resume, "uepc: the first U instruction after sret");
    assert_eq!(r[4], 1 << VECTOR);
    assert_eq!(r[5], 1);
    let s = m.stats();
    assert_eq!(s.get("hart0.uintr.delivered"), Some(1));
    assert_eq!(s.get("hart0.interrupts.from_user"), Some(0));
    assert_eq!(s.get("hart0.interrupts.from_supervisor"), Some(0));
}

#[test]
fn exception_in_user_handler_goes_to_s_and_uret_still_returns() {
    // The U handler executes an ecall and an illegal instruction (a read
    // of suist); both go to S (medeleg) with sepc inside the handler; S
    // skips them and returns; uepc survives and uret resumes the
    // interrupted code.
    let mut after_send = 0;
    let mut h_ecall = 0;
    let mut h_illegal = 0;
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
        record(a, S2);
        exit(a, 0);
        a.align(4);
        a.bind(u_handler);
        a.uipi_write(ZERO);
        h_ecall = a.here();
        a.ecall();
        h_illegal = a.here();
        a.csrr(T0, SUIST);
        a.csrr(T0, UEPC);
        record(a, T0);
        a.csrr(T0, UCAUSE);
        record(a, T0);
        a.addi(S2, S2, 1);
        a.uret();
        a.align(4);
        a.bind(s_handler);
        a.csrr(T0, SCAUSE);
        record(a, T0);
        a.csrr(T0, SEPC);
        record(a, T0);
        a.addi(T0, T0, 4);
        a.csrw(SEPC, T0);
        a.sret();
        bind_m_handler_failing(a, m_handler);
    });
    assert_eq!(stop, StopReason::Exited(0));
    let r = results_at(&mut m, 7);
    assert_eq!(&r[..4], &[8, h_ecall, 2, h_illegal]);
    assert_eq!(r[4], after_send, "uepc preserved across the S traps");
    assert_eq!(r[5], INTERRUPT, "ucause preserved");
    assert_eq!(r[6], 1, "uret returned to the interrupted code");
    let s = m.stats();
    assert_eq!(s.get("hart0.exceptions.from_user"), Some(2));
    assert_eq!(s.get("hart0.uintr.delivered"), Some(1));
}

/// S-mode: WRITE_LOW of entry `index` (hart 0, 64-bit mode, `active`).
fn s_bind_entry(a: &mut Asm, index: u64, active: bool) {
    a.li(T0, (entry(index) + 8) as i64);
    a.li(T1, (2 | active as u64) as i64);
    a.sd(T1, T0, 0);
}

/// S-mode: suirs <- enabled `index`.
fn s_set_suirs(a: &mut Asm, index: u64) {
    a.li(T0, ((1u64 << 63) | index) as i64);
    a.csrw(SUIRS, T0);
}

#[test]
fn interrupt_for_descheduled_receiver_does_not_reach_the_next_thread() {
    // Thread A (entry 5) is descheduled: the kernel deactivates it and
    // runs thread B (entry 6) on the same hart. B sends to A (sender table
    // entry 0): B must not be interrupted and its own entry stays clear.
    // When the kernel switches back to A, A gets the interrupt.
    let mut a_resume = 0;
    let (mut m, stop) = run_asm(1, |a| {
        let m_handler = a.label();
        let s_handler = a.label();
        let thread_a = a.label();
        let thread_b = a.label();
        let u_handler = a.label();
        boot_to_s_receiver(a, m_handler, s_handler, u_handler, 0, true);
        a.li(S2, 0);
        // switch to thread B: deactivate A, B's entry active, suirs = B
        a.li(T0, (entry(RECEIVER) + 0x18) as i64);
        a.sd(ZERO, T0, 0);
        s_bind_entry(a, OTHER, true);
        s_set_suirs(a, OTHER);
        sret_to_user(a, thread_b);
        // thread B
        a.bind(thread_b);
        a.li(A0, 0);
        a.uipi_send(A0);
        for _ in 0..10 {
            a.nop();
        }
        record(a, S2); // B was not interrupted
        a.uipi_read(T0);
        record(a, T0); // B's own entry has nothing pending
        a.ecall(); // yield: the kernel switches back to A
                   // thread A
        a.bind(thread_a);
        a_resume = a.here();
        a.nop();
        record(a, S2);
        exit(a, 0);
        a.align(4);
        a.bind(u_handler);
        u_handler_body(a);
        a.align(4);
        a.bind(s_handler);
        a.li(T0, (entry(OTHER) + 0x18) as i64);
        a.sd(ZERO, T0, 0); // deactivate B
        s_set_suirs(a, RECEIVER);
        a.li(T0, (entry(RECEIVER) + 0x18) as i64);
        a.li(T1, 1);
        a.sd(T1, T0, 0); // reactivate A
        sret_to_user(a, thread_a);
        bind_m_handler_failing(a, m_handler);
    });
    assert_eq!(stop, StopReason::Exited(0));
    let r = results_at(&mut m, 6);
    assert_eq!(r[0], 0, "B not interrupted");
    assert_eq!(r[1], 0, "B's entry untouched");
    assert_eq!(r[2], INTERRUPT, "A interrupted after the switch back");
    assert_eq!(r[3], a_resume);
    assert_eq!(r[4], 1 << VECTOR, "A's request");
    assert_eq!(r[5], 1);
    assert_eq!(m.stats().get("hart0.uintr.delivered"), Some(1));
}

#[test]
fn uipi_write_and_activate_touch_only_the_own_entrys_pending_and_active() {
    // U (with ustatus.UIE clear, so nothing is delivered) deactivates its
    // entry, writes pending bits that look like a Hartid/Mode, then
    // reactivates it. S reads the entry back: Hartid and Mode are those
    // the kernel set, and the neighbouring entry is unchanged.
    let (mut m, stop) = run_asm(1, |a| {
        let m_handler = a.label();
        let s_handler = a.label();
        let user = a.label();
        let u_handler = a.label();
        boot_to_s_receiver(a, m_handler, s_handler, u_handler, 0, true);
        a.csrci(USTATUS, 1);
        s_bind_entry(a, OTHER, false);
        a.li(S4, 0);
        sret_to_user(a, user);
        a.bind(user);
        a.uipi_deactivate();
        a.li(A0, (7 << 16) | 0x13);
        a.uipi_write(A0);
        a.ecall(); // S reads the entry back
        a.uipi_activate();
        a.ecall(); // and again
        a.align(4);
        a.bind(u_handler);
        exit(a, 55);
        a.align(4);
        a.bind(s_handler);
        a.li(T0, (entry(RECEIVER) + 8) as i64);
        a.ld(T1, T0, 0);
        record(a, T1); // READ_LOW
        a.ld(T1, T0, 8);
        record(a, T1); // READ_HIGH
        a.li(T0, (entry(OTHER) + 8) as i64);
        a.ld(T1, T0, 0);
        record(a, T1);
        a.ld(T1, T0, 8);
        record(a, T1);
        let done = a.label();
        a.bnez(S4, done);
        a.li(S4, 1);
        a.csrr(T0, SEPC);
        a.addi(T0, T0, 4);
        a.csrw(SEPC, T0);
        a.sret();
        a.bind(done);
        exit(a, 0);
        bind_m_handler_failing(a, m_handler);
    });
    assert_eq!(stop, StopReason::Exited(0));
    let r = results_at(&mut m, 8);
    let pending = (7 << 16) | 0x13;
    // after DEACTIVATE + WRITE: hart 0, 64-bit, inactive; pending = value
    assert_eq!(&r[..4], &[2, pending, 2, 0]);
    // after ACTIVATE: only Active changed
    assert_eq!(&r[4..], &[3, pending, 2, 0]);
}

/// Records the UINTR events a core reports.
#[derive(Default)]
struct UintrRecorder {
    events: Vec<(usize, UintrEvent)>,
}

impl TimingSink for UintrRecorder {
    sim_core::same_sink_for_every_hart!();

    fn uintr(&mut self, hart: usize, event: UintrEvent) {
        self.events.push((hart, event));
    }
}

/// U sends to itself, handles it, returns with uret, then sends through
/// an invalid sender-table entry; exits from U.
fn send_handle_reject(a: &mut Asm) {
    let s_entry = a.label();
    let m_handler = a.label();
    let user = a.label();
    let u_handler = a.label();
    boot_to_s(a, s_entry, m_handler);
    a.bind(s_entry);
    s_setup_receiver(a, u_handler, 0, true);
    sret_to_user(a, user);
    a.bind(user);
    a.li(A0, 0);
    a.uipi_send(A0);
    a.nop();
    a.li(A0, 1);
    a.uipi_send(A0);
    exit(a, 0);
    a.align(4);
    a.bind(u_handler);
    a.uipi_write(ZERO);
    a.uret();
    bind_m_handler_failing(a, m_handler);
}

#[test]
fn timing_sink_sees_send_delivered_return_rejected_in_order() {
    let mut sink = UintrRecorder::default();
    let (_, stop) = run_asm_with(1, &mut sink, send_handle_reject);
    assert_eq!(stop, StopReason::Exited(0));
    assert_eq!(
        sink.events,
        vec![
            (
                0,
                UintrEvent::Send {
                    receiver: RECEIVER as u16,
                    delivered_to_active: true
                }
            ),
            (0, UintrEvent::Delivered),
            (0, UintrEvent::Return),
            (0, UintrEvent::SendRejected),
        ]
    );
}

#[test]
fn commit_log_shows_user_csr_writes() {
    let mut log = CommitLog::new(Vec::new());
    let (_, stop) = run_asm_with(1, &mut log, send_handle_reject);
    assert_eq!(stop, StopReason::Exited(0));
    let text = String::from_utf8(log.finish().unwrap()).unwrap();
    // csrw utvec, t0 = csrrw x0, 0x005, x5
    let csrw_utvec = format!("(0x{:08x})", (0x005 << 20) | (5 << 15) | (1 << 12) | 0x73);
    let line = text
        .lines()
        .find(|l| l.contains(&csrw_utvec))
        .expect("csrw utvec is logged");
    assert!(line.contains(" c5_utvec 0x"), "{line}");
    assert!(line.starts_with("core   0: 1 "), "written from S: {line}");
}

#[test]
fn send_from_another_hart_while_receiver_is_in_s_waits_for_sret() {
    // Hart 0 (receiver) traps to S and waits there for hart 1 to send
    // from U; the request is pending in S but only taken after sret.
    // Flags: hart 0 is in S (in_s), hart 1 has sent (in_s + 8).
    let in_s = DATA + 0x800;
    let mut resume = 0;
    let (mut m, stop) = run_asm(2, |a| {
        let m_handler = a.label();
        let s_handler = a.label();
        let receiver = a.label();
        let back = a.label();
        let sender = a.label();
        let u_handler = a.label();
        boot_to_s_receiver(a, m_handler, s_handler, u_handler, 0, true);
        a.li(S2, 0);
        let is_receiver = a.label();
        a.beqz(A0, is_receiver); // a0 = hart id from the boot ROM
        sret_to_user(a, sender);
        a.bind(is_receiver);
        sret_to_user(a, receiver);
        // hart 1, U: wait until hart 0 is in S, send, flag it, spin
        a.bind(sender);
        a.li(S5, in_s as i64);
        let wait_s = a.label();
        a.bind(wait_s);
        a.ld(T0, S5, 0);
        a.beqz(T0, wait_s);
        a.li(A0, 0);
        a.uipi_send(A0);
        a.li(T1, 1);
        a.sd(T1, S5, 8);
        let spin = a.label();
        a.bind(spin);
        a.j(spin);
        // hart 0, U
        a.bind(receiver);
        a.ecall();
        a.bind(back);
        resume = a.here();
        a.nop();
        record(a, S2);
        exit(a, 0);
        a.align(4);
        a.bind(u_handler);
        u_handler_body(a);
        a.align(4);
        // hart 0, S
        a.bind(s_handler);
        a.li(S5, in_s as i64);
        a.li(T1, 1);
        a.sd(T1, S5, 0);
        let wait_sent = a.label();
        a.bind(wait_sent);
        a.ld(T0, S5, 8);
        a.beqz(T0, wait_sent);
        for _ in 0..20 {
            a.nop();
        }
        record(a, S2);
        a.csrr(T0, UIP);
        record(a, T0);
        sret_to_user(a, back);
        bind_m_handler_failing(a, m_handler);
    });
    assert_eq!(stop, StopReason::Exited(0));
    let r = results_at(&mut m, 6);
    assert_eq!(r[0], 0, "not taken in S");
    assert_eq!(r[1] & 1, 1, "pending while in S");
    assert_eq!(r[2], INTERRUPT);
    assert_eq!(r[3], resume);
    assert_eq!(r[4], 1 << VECTOR);
    assert_eq!(r[5], 1);
    let s = m.stats();
    assert_eq!(s.get("hart0.uintr.delivered"), Some(1));
    assert_eq!(s.get("hart1.uintr.sent"), Some(1));
}
