//! Shared set-up of the UINTR tests: CSR numbers, a sender table and a
//! receiver entry built by "kernel" (S-mode) code, and the mode switches.

use super::*;
use riscv_core::encode::Label;
use riscv_core::platform::UINTC_BASE;

pub const USTATUS: u16 = 0x000;
pub const UIE: u16 = 0x004;
pub const UTVEC: u16 = 0x005;
pub const UEPC: u16 = 0x041;
pub const UCAUSE: u16 = 0x042;
pub const UIP: u16 = 0x044;
pub const SIDELEG: u16 = 0x103;
pub const SUIST: u16 = 0x1b0;
pub const SUIRS: u16 = 0x1b1;
pub const SUICFG: u16 = 0x1b2;
pub const SEPC: u16 = 0x141;
pub const STVEC: u16 = 0x105;
pub const SCAUSE: u16 = 0x142;
pub const INTERRUPT: u64 = 1 << 63;
/// The sender table (one page) and the receiver entry used by the tests.
pub const SENDER_TABLE: u64 = RAM_BASE + 0x30_0000;
pub const RECEIVER: u64 = 5;
pub const VECTOR: u64 = 3;

/// Address of UINTC receiver entry `index`.
pub fn entry(index: u64) -> u64 {
    UINTC_BASE + index * 32
}

/// M-mode: PMP open, USIP delegated to S, ecalls and illegal instructions
/// from U delegated to S, then S-mode at `s_entry`.
pub fn boot_to_s(a: &mut Asm, s_entry: Label, m_handler: Label) {
    a.li(S0, DATA as i64);
    a.la(T0, m_handler);
    a.csrw(0x305, T0);
    open_pmp(a);
    a.li(T0, 1); // mideleg.USIP: user software interrupts leave M's hands
    a.csrs(0x303, T0);
    a.li(T0, (1 << 8) | (1 << 2)); // ecalls and illegal instructions from U go to S
    a.csrs(0x302, T0);
    mret_to(a, 1, s_entry);
}

/// S-mode: a sender table whose entry 0 targets RECEIVER/VECTOR (entry 1
/// is invalid), a receiver entry bound to `hart` (active or not), and the
/// thread's suirs/utvec/uie/ustatus set for the U-mode code.
pub fn s_setup_receiver(a: &mut Asm, u_handler: Label, hart: u64, active: bool) {
    a.li(T0, SENDER_TABLE as i64);
    a.li(T1, (1 | (VECTOR << 16) | (RECEIVER << 48)) as i64);
    a.sd(T1, T0, 0);
    a.sd(ZERO, T0, 8);
    a.li(T0, ((1u64 << 63) | (1 << 44) | (SENDER_TABLE >> 12)) as i64);
    a.csrw(SUIST, T0);
    a.li(T0, UINTC_BASE as i64);
    a.csrw(SUICFG, T0);
    a.li(T0, ((1u64 << 63) | RECEIVER) as i64);
    a.csrw(SUIRS, T0);
    a.li(T0, (entry(RECEIVER) + 8) as i64);
    a.li(T1, ((hart << 16) | 2 | active as u64) as i64);
    a.sd(T1, T0, 0); // WRITE_LOW: hartid, 64-bit mode, active
    a.li(T0, 1);
    a.csrw(SIDELEG, T0);
    a.la(T0, u_handler);
    a.csrw(UTVEC, T0);
    a.csrsi(UIE, 1);
    a.csrsi(USTATUS, 1);
}

/// The M-mode trap handler of a test that [`boot_to_s`]: M takes no trap
/// there (U's traps and USIP are delegated), so one ends the test with 77.
pub fn bind_m_handler_failing(a: &mut Asm, m_handler: Label) {
    a.align(4);
    a.bind(m_handler);
    exit(a, 77);
}

/// S-mode: enter U at `target`.
pub fn sret_to_user(a: &mut Asm, target: Label) {
    a.la(T0, target);
    a.csrw(SEPC, T0);
    a.li(T0, 1 << 8);
    a.csrc(0x100, T0);
    a.sret();
}

/// M boots to S ([`boot_to_s`]); S takes its traps at `s_handler` and
/// sets up the receiver ([`s_setup_receiver`]). The program goes on in S.
pub fn boot_to_s_receiver(
    a: &mut Asm,
    m_handler: Label,
    s_handler: Label,
    u_handler: Label,
    hart: u64,
    active: bool,
) {
    let s_entry = a.label();
    boot_to_s(a, s_entry, m_handler);
    a.bind(s_entry);
    a.la(T0, s_handler);
    a.csrw(STVEC, T0);
    s_setup_receiver(a, u_handler, hart, active);
}
