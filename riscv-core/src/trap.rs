//! Exceptions and interrupts with their privileged-spec cause codes.

/// Synchronous exceptions (mcause values with the interrupt bit clear).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u64)]
pub enum ExceptionCause {
    InstructionMisaligned = 0,
    InstructionAccessFault = 1,
    IllegalInstruction = 2,
    Breakpoint = 3,
    LoadMisaligned = 4,
    LoadAccessFault = 5,
    StoreMisaligned = 6,
    StoreAccessFault = 7,
    EcallFromU = 8,
    EcallFromS = 9,
    EcallFromM = 11,
    InstructionPageFault = 12,
    LoadPageFault = 13,
    StorePageFault = 15,
}

/// An exception together with its trap value (xtval).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Exception {
    pub cause: ExceptionCause,
    pub tval: u64,
}

impl Exception {
    pub fn new(cause: ExceptionCause, tval: u64) -> Self {
        Self { cause, tval }
    }
    pub fn illegal(raw_inst: u32) -> Self {
        Self::new(ExceptionCause::IllegalInstruction, raw_inst as u64)
    }
}

/// Interrupt causes (mcause values with the interrupt bit set).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u64)]
pub enum InterruptCause {
    /// User software interrupt (N extension; delivered in U-mode via utvec).
    UserSoftware = 0,
    SupervisorSoftware = 1,
    MachineSoftware = 3,
    SupervisorTimer = 5,
    MachineTimer = 7,
    SupervisorExternal = 9,
    MachineExternal = 11,
}

impl InterruptCause {
    /// Bit of this interrupt in mip/mie.
    pub fn mask(self) -> u64 {
        1 << (self as u64)
    }
}

/// Either kind of trap, as handed to trap entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trap {
    Exception(Exception),
    Interrupt(InterruptCause),
}

pub const INTERRUPT_BIT: u64 = 1 << 63;
