//! Trap entry, xRET and interrupt selection (privileged spec 1.12 plus the
//! N extension's user-level traps used by UINTR).
//!
//! Delegation: M -> S through medeleg/mideleg, S -> U through
//! sedeleg/sideleg. A trap delegated to U (only when the hart runs in U)
//! changes no privilege: it saves uepc/ucause/utval and UIE, and jumps to
//! utvec.

use crate::csr::{
    CsrFile, MIP_USIP, MSTATUS_MIE, MSTATUS_MPIE, MSTATUS_MPP, MSTATUS_MPP_SHIFT, MSTATUS_MPRV,
    MSTATUS_SIE, MSTATUS_SPIE, MSTATUS_SPP, MSTATUS_UIE, MSTATUS_UPIE,
};
use crate::trap::{InterruptCause, Trap, INTERRUPT_BIT};
use sim_core::Privilege;

/// Where a trap is handled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target {
    User,
    Supervisor,
    Machine,
}

/// Interrupt priority order of the spec (then the user software interrupt).
const PRIORITY: [InterruptCause; 7] = [
    InterruptCause::MachineExternal,
    InterruptCause::MachineSoftware,
    InterruptCause::MachineTimer,
    InterruptCause::SupervisorExternal,
    InterruptCause::SupervisorSoftware,
    InterruptCause::SupervisorTimer,
    InterruptCause::UserSoftware,
];

/// Whether an interrupt with mideleg and sideleg set is a user-level one.
fn user_delegated_int(csr: &CsrFile) -> bool {
    csr.mideleg & csr.sideleg & MIP_USIP != 0
}

fn target(csr: &CsrFile, trap: Trap, from: Privilege) -> Target {
    match trap {
        Trap::Exception(e) => {
            let bit = 1u64 << (e.cause as u64);
            if from == Privilege::Machine || csr.medeleg & bit == 0 {
                Target::Machine
            } else if from == Privilege::User && csr.sedeleg & bit != 0 {
                Target::User
            } else {
                Target::Supervisor
            }
        }
        Trap::Interrupt(i) => {
            let bit = i.mask();
            if from == Privilege::Machine || csr.mideleg & bit == 0 {
                Target::Machine
            } else if from == Privilege::User && bit == MIP_USIP && user_delegated_int(csr) {
                Target::User
            } else {
                Target::Supervisor
            }
        }
    }
}

/// Handler address: vectored mode (1) sends interrupts to base + 4*cause.
fn vector(tvec: u64, trap: Trap) -> u64 {
    let base = tvec & !3;
    match trap {
        Trap::Interrupt(i) if tvec & 3 == 1 => base.wrapping_add(4 * i as u64),
        _ => base,
    }
}

/// Takes `trap` raised at `pc` while running at `from`: picks the handling
/// level by delegation, saves xepc/xcause/xtval and the interrupt-enable
/// stack, and returns (handler pc, new privilege).
pub fn take_trap(csr: &mut CsrFile, trap: Trap, pc: u64, from: Privilege) -> (u64, Privilege) {
    let (cause, tval) = match trap {
        Trap::Exception(e) => (e.cause as u64, e.tval),
        Trap::Interrupt(i) => (INTERRUPT_BIT | i as u64, 0),
    };
    let pc = pc & !1;
    match target(csr, trap, from) {
        Target::User => {
            csr.uepc = pc;
            csr.ucause = cause;
            csr.utval = tval;
            let uie = csr.mstatus & MSTATUS_UIE != 0;
            csr.mstatus &= !(MSTATUS_UIE | MSTATUS_UPIE);
            if uie {
                csr.mstatus |= MSTATUS_UPIE;
            }
            (vector(csr.utvec, trap), Privilege::User)
        }
        Target::Supervisor => {
            csr.sepc = pc;
            csr.scause = cause;
            csr.stval = tval;
            let sie = csr.mstatus & MSTATUS_SIE != 0;
            csr.mstatus &= !(MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP);
            if sie {
                csr.mstatus |= MSTATUS_SPIE;
            }
            if from != Privilege::User {
                csr.mstatus |= MSTATUS_SPP;
            }
            (vector(csr.stvec, trap), Privilege::Supervisor)
        }
        Target::Machine => {
            csr.mepc = pc;
            csr.mcause = cause;
            csr.mtval = tval;
            let mie = csr.mstatus & MSTATUS_MIE != 0;
            csr.mstatus &= !(MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP);
            if mie {
                csr.mstatus |= MSTATUS_MPIE;
            }
            csr.mstatus |= (from as u64) << MSTATUS_MPP_SHIFT;
            (vector(csr.mtvec, trap), Privilege::Machine)
        }
    }
}

/// mret: privilege <- MPP, MIE <- MPIE, MPIE <- 1, MPP <- U; MPRV is
/// cleared when returning below M.
pub fn mret(csr: &mut CsrFile) -> (u64, Privilege) {
    let to = csr.mpp();
    let mpie = csr.mstatus & MSTATUS_MPIE != 0;
    csr.mstatus &= !(MSTATUS_MIE | MSTATUS_MPP);
    csr.mstatus |= MSTATUS_MPIE;
    if mpie {
        csr.mstatus |= MSTATUS_MIE;
    }
    if to != Privilege::Machine {
        csr.mstatus &= !MSTATUS_MPRV;
    }
    (csr.mepc, to)
}

/// sret: privilege <- SPP, SIE <- SPIE, SPIE <- 1, SPP <- U. SPP is never
/// M, so MPRV is always cleared (spec 1.12).
pub fn sret(csr: &mut CsrFile) -> (u64, Privilege) {
    let to = if csr.mstatus & MSTATUS_SPP != 0 {
        Privilege::Supervisor
    } else {
        Privilege::User
    };
    let spie = csr.mstatus & MSTATUS_SPIE != 0;
    csr.mstatus &= !(MSTATUS_SIE | MSTATUS_SPP | MSTATUS_MPRV);
    csr.mstatus |= MSTATUS_SPIE;
    if spie {
        csr.mstatus |= MSTATUS_SIE;
    }
    (csr.sepc, to)
}

/// uret: pc <- uepc, UIE <- UPIE, UPIE <- 1 (no privilege change).
pub fn uret(csr: &mut CsrFile) -> u64 {
    let upie = csr.mstatus & MSTATUS_UPIE != 0;
    csr.mstatus &= !MSTATUS_UIE;
    csr.mstatus |= MSTATUS_UPIE;
    if upie {
        csr.mstatus |= MSTATUS_UIE;
    }
    csr.uepc
}

fn highest(bits: u64) -> Option<InterruptCause> {
    PRIORITY.into_iter().find(|i| bits & i.mask() != 0)
}

/// The interrupt to take now at `privilege`, if any. Interrupts for a higher
/// level come first: M-level (not delegated) ones are enabled below M or
/// with MIE; S-level (mideleg) ones below S or in S with SIE; the user
/// software interrupt delegated on to U (sideleg) only in U with UIE and
/// uie.USIE.
pub fn pending_interrupt(csr: &CsrFile, privilege: Privilege) -> Option<InterruptCause> {
    let pending = csr.mip_value() & csr.mie;
    if pending == 0 {
        return None;
    }
    let m_enabled = privilege < Privilege::Machine || csr.mstatus & MSTATUS_MIE != 0;
    if m_enabled {
        if let Some(i) = highest(pending & !csr.mideleg) {
            return Some(i);
        }
    }
    let user_level = if user_delegated_int(csr) { MIP_USIP } else { 0 };
    let s_enabled = privilege < Privilege::Supervisor
        || (privilege == Privilege::Supervisor && csr.mstatus & MSTATUS_SIE != 0);
    if s_enabled {
        if let Some(i) = highest(pending & csr.mideleg & !user_level) {
            return Some(i);
        }
    }
    if privilege == Privilege::User && csr.mstatus & MSTATUS_UIE != 0 && pending & user_level != 0 {
        return Some(InterruptCause::UserSoftware);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csr::num::*;
    use crate::csr::*;
    use crate::trap::{Exception, ExceptionCause};
    use Privilege::*;

    fn exc(cause: ExceptionCause, tval: u64) -> Trap {
        Trap::Exception(Exception::new(cause, tval))
    }

    fn csrs() -> CsrFile {
        let mut c = CsrFile::new(0);
        c.write(MTVEC, 0x1000, Machine).unwrap();
        c.write(STVEC, 0x2000, Machine).unwrap();
        c.write(UTVEC, 0x3000, Machine).unwrap();
        c
    }

    #[test]
    fn exception_goes_to_m_by_default() {
        let mut c = csrs();
        c.mstatus |= MSTATUS_MIE;
        let (pc, p) = take_trap(
            &mut c,
            exc(ExceptionCause::LoadPageFault, 0xdead),
            0x400,
            User,
        );
        assert_eq!((pc, p), (0x1000, Machine));
        assert_eq!((c.mepc, c.mcause, c.mtval), (0x400, 13, 0xdead));
        assert_eq!(c.mstatus & MSTATUS_MIE, 0);
        assert_ne!(c.mstatus & MSTATUS_MPIE, 0);
        assert_eq!(c.mpp(), User);
    }

    #[test]
    fn delegated_exception_goes_to_s_only_from_s_or_u() {
        let mut c = csrs();
        c.write(MEDELEG, 1 << 8 | 1 << 2, Machine).unwrap();
        c.mstatus |= MSTATUS_SIE;
        let (pc, p) = take_trap(&mut c, exc(ExceptionCause::EcallFromU, 0), 0x500, User);
        assert_eq!((pc, p), (0x2000, Supervisor));
        assert_eq!((c.sepc, c.scause, c.stval), (0x500, 8, 0));
        assert_eq!(c.mstatus & (MSTATUS_SIE | MSTATUS_SPP), 0);
        assert_ne!(c.mstatus & MSTATUS_SPIE, 0);
        // From S: SPP = 1.
        let (_, p) = take_trap(
            &mut c,
            exc(ExceptionCause::IllegalInstruction, 7),
            0x600,
            Supervisor,
        );
        assert_eq!(p, Supervisor);
        assert_ne!(c.mstatus & MSTATUS_SPP, 0);
        assert_eq!(c.mstatus & MSTATUS_SPIE, 0, "SIE was already 0");
        // From M: never delegated.
        let (pc, p) = take_trap(
            &mut c,
            exc(ExceptionCause::IllegalInstruction, 7),
            0x700,
            Machine,
        );
        assert_eq!((pc, p), (0x1000, Machine));
        assert_eq!(c.mpp(), Machine);
        assert_eq!(c.mepc, 0x700);
        assert_eq!(c.sepc, 0x600, "S state untouched");
    }

    #[test]
    fn exception_delegated_to_u_via_sedeleg() {
        let mut c = csrs();
        c.write(MEDELEG, 1 << 3, Machine).unwrap();
        c.write(SEDELEG, 1 << 3, Supervisor).unwrap();
        c.mstatus |= MSTATUS_UIE;
        let (pc, p) = take_trap(&mut c, exc(ExceptionCause::Breakpoint, 0x44), 0x804, User);
        assert_eq!((pc, p), (0x3000, User));
        assert_eq!((c.uepc, c.ucause, c.utval), (0x804, 3, 0x44));
        assert_eq!(c.mstatus & MSTATUS_UIE, 0);
        assert_ne!(c.mstatus & MSTATUS_UPIE, 0);
        // From S the same exception stops at S.
        let (_, p) = take_trap(
            &mut c,
            exc(ExceptionCause::Breakpoint, 0),
            0x900,
            Supervisor,
        );
        assert_eq!(p, Supervisor);
        // Without medeleg, sedeleg alone does nothing.
        c.write(MEDELEG, 0, Machine).unwrap();
        let (_, p) = take_trap(&mut c, exc(ExceptionCause::Breakpoint, 0), 0x900, User);
        assert_eq!(p, Machine);
    }

    #[test]
    fn vectored_interrupts_direct_exceptions() {
        let mut c = csrs();
        c.write(MTVEC, 0x1001, Machine).unwrap();
        c.write(STVEC, 0x2001, Machine).unwrap();
        c.write(UTVEC, 0x3001, Machine).unwrap();
        c.mtval = 99;
        let (pc, _) = take_trap(
            &mut c,
            Trap::Interrupt(InterruptCause::MachineTimer),
            0x10,
            User,
        );
        assert_eq!(pc, 0x1000 + 4 * 7);
        assert_eq!(c.mcause, INTERRUPT_BIT | 7);
        assert_eq!(c.mtval, 0, "xtval = 0 for interrupts");
        let (pc, _) = take_trap(&mut c, exc(ExceptionCause::EcallFromU, 0), 0x10, User);
        assert_eq!(pc, 0x1000, "exceptions use the base");
        c.write(MIDELEG, MIP_SEIP | MIP_USIP, Machine).unwrap();
        let (pc, p) = take_trap(
            &mut c,
            Trap::Interrupt(InterruptCause::SupervisorExternal),
            0x10,
            User,
        );
        assert_eq!((pc, p), (0x2000 + 4 * 9, Supervisor));
        assert_eq!(c.scause, INTERRUPT_BIT | 9);
        c.write(SIDELEG, 1, Supervisor).unwrap();
        let (pc, p) = take_trap(
            &mut c,
            Trap::Interrupt(InterruptCause::UserSoftware),
            0x20,
            User,
        );
        assert_eq!((pc, p), (0x3000, User));
        assert_eq!((c.uepc, c.ucause, c.utval), (0x20, INTERRUPT_BIT, 0));
    }

    #[test]
    fn nested_traps_and_returns() {
        let mut c = csrs();
        c.write(MEDELEG, 1 << 8, Machine).unwrap();
        c.mstatus |= MSTATUS_SIE | MSTATUS_MIE;
        // U ecall -> S; then S faults into M; mret back to S; sret to U.
        let (_, p) = take_trap(&mut c, exc(ExceptionCause::EcallFromU, 0), 0x100, User);
        assert_eq!(p, Supervisor);
        let (_, p) = take_trap(&mut c, exc(ExceptionCause::LoadAccessFault, 8), 0x2004, p);
        assert_eq!(p, Machine);
        assert_eq!(c.mpp(), Supervisor);
        assert_eq!(c.mstatus & MSTATUS_MIE, 0);
        assert_ne!(c.mstatus & MSTATUS_MPIE, 0);
        c.mepc += 4;
        let (pc, p) = mret(&mut c);
        assert_eq!((pc, p), (0x2008, Supervisor));
        assert_ne!(c.mstatus & MSTATUS_MIE, 0);
        assert_eq!(c.mpp(), User);
        c.sepc += 4;
        let (pc, p) = sret(&mut c);
        assert_eq!((pc, p), (0x104, User));
        assert_ne!(c.mstatus & MSTATUS_SIE, 0, "SIE restored from SPIE");
        assert_ne!(c.mstatus & MSTATUS_SPIE, 0);
        assert_eq!(c.mstatus & MSTATUS_SPP, 0);
    }

    #[test]
    fn mret_mprv_rules() {
        let mut c = csrs();
        c.mstatus |= MSTATUS_MPRV | MSTATUS_MPP; // MPP = M
        c.mepc = 0x80;
        let (pc, p) = mret(&mut c);
        assert_eq!((pc, p), (0x80, Machine));
        assert_ne!(c.mstatus & MSTATUS_MPRV, 0, "MPRV kept when returning to M");
        assert_eq!(c.mpp(), User);
        let (_, p) = mret(&mut c);
        assert_eq!(p, User);
        assert_eq!(c.mstatus & MSTATUS_MPRV, 0, "MPRV cleared when leaving M");
        assert_ne!(c.mstatus & MSTATUS_MIE, 0, "MIE <- MPIE (1)");
        c.mstatus |= MSTATUS_MPRV | MSTATUS_SPP;
        let (_, p) = sret(&mut c);
        assert_eq!(p, Supervisor);
        assert_eq!(c.mstatus & MSTATUS_MPRV, 0, "sret clears MPRV");
    }

    #[test]
    fn uret_restores_uie() {
        let mut c = csrs();
        c.uepc = 0x1234;
        c.mstatus |= MSTATUS_UPIE;
        assert_eq!(uret(&mut c), 0x1234);
        assert_ne!(c.mstatus & MSTATUS_UIE, 0);
        assert_ne!(c.mstatus & MSTATUS_UPIE, 0);
        c.mstatus &= !(MSTATUS_UPIE);
        uret(&mut c);
        assert_eq!(c.mstatus & MSTATUS_UIE, 0);
        assert_ne!(c.mstatus & MSTATUS_UPIE, 0);
    }

    #[test]
    fn interrupt_priority_order() {
        let mut c = csrs();
        c.write(MIE, u64::MAX, Machine).unwrap();
        c.set_external_interrupts(true, true, true, true);
        c.write(MIP, MIP_SSIP | MIP_STIP, Machine).unwrap();
        let order = [
            (MIP_MEIP, InterruptCause::MachineExternal),
            (MIP_MSIP, InterruptCause::MachineSoftware),
            (MIP_MTIP, InterruptCause::MachineTimer),
            (MIP_SEIP, InterruptCause::SupervisorExternal),
            (MIP_SSIP, InterruptCause::SupervisorSoftware),
            (MIP_STIP, InterruptCause::SupervisorTimer),
        ];
        for (k, &(_, cause)) in order.iter().enumerate() {
            assert_eq!(pending_interrupt(&c, User), Some(cause), "step {k}");
            c.mie &= !cause.mask();
        }
        assert_eq!(pending_interrupt(&c, User), None);
        // USI not delegated: an M-level interrupt after all others.
        c.mie = MIP_USIP | MIP_STIP;
        c.set_usip(true);
        assert_eq!(
            pending_interrupt(&c, User),
            Some(InterruptCause::SupervisorTimer)
        );
        c.mie = MIP_USIP;
        assert_eq!(
            pending_interrupt(&c, User),
            Some(InterruptCause::UserSoftware)
        );
    }

    #[test]
    fn m_level_before_s_level_even_if_delegated_bit_higher() {
        let mut c = csrs();
        c.write(MIE, u64::MAX, Machine).unwrap();
        c.write(MIDELEG, MIP_SEIP, Machine).unwrap();
        c.set_external_interrupts(false, true, false, true);
        assert_eq!(
            pending_interrupt(&c, User),
            Some(InterruptCause::MachineTimer)
        );
        c.mie &= !MIP_MTIP;
        assert_eq!(
            pending_interrupt(&c, User),
            Some(InterruptCause::SupervisorExternal)
        );
    }

    #[test]
    fn enable_rules_per_privilege() {
        let mut c = csrs();
        c.write(MIE, MIP_MTIP | MIP_SSIP, Machine).unwrap();
        c.write(MIDELEG, MIP_SSIP, Machine).unwrap();
        c.set_external_interrupts(false, true, false, false);
        // M-level: taken in M only with MIE, always below M.
        assert_eq!(pending_interrupt(&c, Machine), None);
        assert_eq!(
            pending_interrupt(&c, Supervisor),
            Some(InterruptCause::MachineTimer)
        );
        c.mstatus |= MSTATUS_MIE;
        assert_eq!(
            pending_interrupt(&c, Machine),
            Some(InterruptCause::MachineTimer)
        );
        c.set_external_interrupts(false, false, false, false);
        c.write(MIP, MIP_SSIP, Machine).unwrap();
        // S-level: never in M; in S only with SIE; always in U.
        assert_eq!(pending_interrupt(&c, Machine), None);
        assert_eq!(pending_interrupt(&c, Supervisor), None);
        assert_eq!(
            pending_interrupt(&c, User),
            Some(InterruptCause::SupervisorSoftware)
        );
        c.mstatus |= MSTATUS_SIE;
        assert_eq!(
            pending_interrupt(&c, Supervisor),
            Some(InterruptCause::SupervisorSoftware)
        );
        // Pending but not enabled in mie.
        c.mie = 0;
        assert_eq!(pending_interrupt(&c, User), None);
    }

    #[test]
    fn user_interrupt_rules() {
        let mut c = csrs();
        c.write(MIDELEG, MIP_USIP, Machine).unwrap();
        c.write(SIDELEG, 1, Supervisor).unwrap();
        c.set_usip(true);
        c.mstatus |= MSTATUS_SIE;
        assert_eq!(pending_interrupt(&c, User), None, "uie.USIE clear");
        c.write(UIE, 1, User).unwrap();
        assert_eq!(pending_interrupt(&c, User), None, "ustatus.UIE clear");
        c.write(USTATUS, MSTATUS_UIE, User).unwrap();
        assert_eq!(
            pending_interrupt(&c, User),
            Some(InterruptCause::UserSoftware)
        );
        // Never taken in S or M (S-level rules do not apply to it).
        assert_eq!(pending_interrupt(&c, Supervisor), None);
        assert_eq!(pending_interrupt(&c, Machine), None);
        // Delivery: no privilege change, UIE stacked.
        let (pc, p) = take_trap(
            &mut c,
            Trap::Interrupt(InterruptCause::UserSoftware),
            0x44,
            User,
        );
        assert_eq!((pc, p), (0x3000, User));
        assert_eq!(c.mstatus & MSTATUS_UIE, 0);
        assert_ne!(c.mstatus & MSTATUS_UPIE, 0);
        assert_eq!(pending_interrupt(&c, User), None, "masked while handling");
        assert_eq!(uret(&mut c), 0x44);
        assert_eq!(
            pending_interrupt(&c, User),
            Some(InterruptCause::UserSoftware)
        );
        // sideleg cleared: it becomes an S-level interrupt, taken in U
        // (and in S with SIE) as cause 0 at S.
        c.write(SIDELEG, 0, Supervisor).unwrap();
        assert_eq!(
            pending_interrupt(&c, Supervisor),
            Some(InterruptCause::UserSoftware)
        );
        let (pc, p) = take_trap(
            &mut c,
            Trap::Interrupt(InterruptCause::UserSoftware),
            0x48,
            User,
        );
        assert_eq!((pc, p), (0x2000, Supervisor));
        assert_eq!(c.scause, INTERRUPT_BIT);
        // A higher interrupt wins over the user one.
        c.write(SIDELEG, 1, Supervisor).unwrap();
        c.write(MIE, MIP_USIP | MIP_MTIP, Machine).unwrap();
        c.mstatus |= MSTATUS_UIE;
        c.set_external_interrupts(false, true, false, false);
        assert_eq!(
            pending_interrupt(&c, User),
            Some(InterruptCause::MachineTimer)
        );
    }
}
