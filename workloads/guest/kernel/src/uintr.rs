//! A process's user-interrupt state (UINTR.md): its user trap CSRs and
//! suist/suirs, saved while it does not run and reloaded when it does;
//! its receiver entry in the UINTC (Active only while it runs, so a
//! SEND to it while it is away is only recorded, and the kernel raises
//! uip.USIP by hand when it comes back); and its sender table (UIST, one
//! page of 512 eight-byte entries), which holds only receivers that
//! named it in a handle ([`crate::uintr_handles`]).
//!
//! On a machine without a UINTC every function here is a no-op and the
//! calls return -ENODEV, so the same kernel runs on QEMU.

use crate::frames::{FramePool, PAGE_SIZE};
use crate::page_table::USER_END;
use crate::smp;
use crate::uintc::{self, Entry};
use crate::uintr_handles;
use abi::errno::{EBUSY, EINVAL, ENODEV, ENOMEM};

/// uie.USIE and ustatus.UIE.
const USIE: usize = 1 << 0;
const UIE: usize = 1 << 0;
/// sip.USIP (the software-writable view of uip.USIP).
const SIP_USIP: usize = 1 << 0;
/// suist: Enable, Size = 1 page, PPN.
const SUIST_ENABLE: usize = 1 << 63;
const SUIST_ONE_PAGE: usize = 1 << 44;
/// suirs: Enable, entry index.
const SUIRS_ENABLE: usize = 1 << 63;
/// Sender-table entries in one page (8 bytes each).
const UIST_ENTRIES: usize = PAGE_SIZE / 8;
/// The vector the kernel's worker sends completion notifications on.
pub const KERNEL_VECTOR: u64 = 0;

macro_rules! csr_read {
    ($csr:literal) => {{
        let value: usize;
        // SAFETY: reading a UINTR CSR (the machine has them: `present`).
        unsafe { core::arch::asm!(concat!("csrr {0}, ", $csr), out(reg) value) };
        value
    }};
}

macro_rules! csr_write {
    ($csr:literal, $value:expr) => {{
        let value: usize = $value;
        // SAFETY: writing a user-interrupt CSR only changes how user
        // interrupts reach U-mode; the kernel never takes them itself.
        unsafe { core::arch::asm!(concat!("csrw ", $csr, ", {0}"), in(reg) value) };
    }};
}

/// Set-up of a hart before it runs processes: delegates the user software
/// interrupt on to U (sideleg) and names the UINTC (suicfg), if the
/// machine has one.
pub fn init_hart() {
    if let Some(base) = uintc::base() {
        csr_write!("0x103", SIP_USIP); // sideleg
        csr_write!("0x1b2", base); // suicfg
    }
}

/// User CSRs of a process while it does not run.
#[derive(Debug, Default, Clone, Copy)]
struct UserCsrs {
    ustatus: usize,
    uie: usize,
    utvec: usize,
    uscratch: usize,
    uepc: usize,
    ucause: usize,
    utval: usize,
    suist: usize,
    suirs: usize,
}

impl UserCsrs {
    fn load(&self) {
        csr_write!("0x000", self.ustatus);
        csr_write!("0x004", self.uie);
        csr_write!("0x005", self.utvec);
        csr_write!("0x040", self.uscratch);
        csr_write!("0x041", self.uepc);
        csr_write!("0x042", self.ucause);
        csr_write!("0x043", self.utval);
        csr_write!("0x1b0", self.suist);
        csr_write!("0x1b1", self.suirs);
    }

    fn store() -> Self {
        Self {
            ustatus: csr_read!("0x000"),
            uie: csr_read!("0x004"),
            utvec: csr_read!("0x005"),
            uscratch: csr_read!("0x040"),
            uepc: csr_read!("0x041"),
            ucause: csr_read!("0x042"),
            utval: csr_read!("0x043"),
            suist: csr_read!("0x1b0"),
            suirs: csr_read!("0x1b1"),
        }
    }
}

fn set_usip(pending: bool) {
    if pending {
        // SAFETY: raises the user software interrupt for the process
        // about to run (taken only in U-mode).
        unsafe { core::arch::asm!("csrs sip, {0}", in(reg) SIP_USIP) };
    } else {
        // SAFETY: drops it.
        unsafe { core::arch::asm!("csrc sip, {0}", in(reg) SIP_USIP) };
    }
}

fn usip_pending() -> bool {
    let sip: usize;
    // SAFETY: reading sip has no side effects.
    unsafe { core::arch::asm!("csrr {0}, sip", out(reg) sip) };
    sip & SIP_USIP != 0
}

/// One process's UINTR state.
#[derive(Debug, Default)]
pub struct UintrState {
    csrs: UserCsrs,
    receiver: Option<Entry>,
    /// Physical address of the sender table (a pool frame).
    sender_table: Option<usize>,
}

impl UintrState {
    /// Loads the process's CSRs before it runs; makes its receiver entry
    /// Active and raises USIP if requests came while it was away.
    pub fn switch_in(&self) {
        if !uintc::present() {
            return;
        }
        self.csrs.load();
        set_usip(false);
        if let Some(entry) = self.receiver {
            entry.set_active(true);
            set_usip(entry.pending() != 0);
        }
    }

    /// Saves the CSRs after it ran and deactivates its entry. The next
    /// process's [`Self::switch_in`] loads every user CSR, so nothing of
    /// this one reaches it; until then no receiver or sender table is
    /// bound to the hart and USIP is down.
    pub fn switch_out(&mut self) {
        if !uintc::present() {
            return;
        }
        self.csrs = UserCsrs::store();
        if let Some(entry) = self.receiver {
            entry.set_active(false);
        }
        csr_write!("0x1b1", 0); // suirs
        csr_write!("0x1b0", 0); // suist
        set_usip(false);
    }

    /// UINTR_REGISTER_RECEIVER(handler), while the process runs (its CSRs
    /// are live): a fresh UINTC entry bound to this hart, utvec =
    /// handler, user interrupts enabled (ustatus.UIE, uie.USIE).
    pub fn register_receiver(&mut self, handler: usize) -> isize {
        if !uintc::present() {
            return -ENODEV;
        }
        if self.receiver.is_some() {
            return -EBUSY;
        }
        if handler == 0 || handler >= USER_END || !handler.is_multiple_of(4) {
            return -EINVAL;
        }
        let Some(entry) = uintc::allocate() else {
            return -ENOMEM;
        };
        entry.bind(smp::this_hart());
        entry.set_active(true);
        self.receiver = Some(entry);
        csr_write!("0x005", handler); // utvec, direct mode
        csr_write!("0x004", csr_read!("0x004") | USIE);
        csr_write!("0x000", csr_read!("0x000") | UIE);
        csr_write!("0x1b1", SUIRS_ENABLE | usize::from(entry.index()));
        0
    }

    /// The receiver entry, if registered.
    pub fn receiver(&self) -> Option<Entry> {
        self.receiver
    }

    /// Whether a user interrupt waits for the process: pending bits in
    /// its entry, or (while it runs) USIP raised.
    pub fn interrupt_pending(&self, running: bool) -> bool {
        let Some(entry) = self.receiver else {
            return false;
        };
        entry.pending() != 0 || (running && usip_pending())
    }

    /// UINTR_REGISTER_SENDER(handle) for process `pid`, while it runs:
    /// the sender-table index for `uipi send`, or -errno (-EINVAL for a
    /// handle that does not exist or does not name `pid`).
    pub fn register_sender(&mut self, pid: usize, frames: &mut FramePool, handle: usize) -> isize {
        if !uintc::present() {
            return -ENODEV;
        }
        let Some(target) = uintr_handles::lookup(handle, pid) else {
            return -EINVAL;
        };
        let table = match self.sender_table {
            Some(table) => table,
            None => {
                let Ok(frame) = frames.alloc() else {
                    return -ENOMEM;
                };
                self.sender_table = Some(frame);
                csr_write!("0x1b0", SUIST_ENABLE | SUIST_ONE_PAGE | (frame >> 12));
                frame
            }
        };
        let entries = table as *mut u64;
        for index in 0..UIST_ENTRIES {
            // SAFETY: `table` is this process's zeroed sender-table frame
            // (kernel memory, identity-mapped); index < 512 entries.
            let slot = unsafe { entries.add(index) };
            // SAFETY: as above.
            if unsafe { slot.read_volatile() } & 1 == 0 {
                let value = 1 | (target.vector << 16) | (u64::from(target.entry) << 48);
                // SAFETY: as above.
                unsafe { slot.write_volatile(value) };
                return index as isize;
            }
        }
        -ENOMEM
    }

    /// Frees what the process held (it ended and runs no more): retires
    /// its entry and the handles naming it, frees its sender table.
    pub fn release(self, pid: usize, frames: &mut FramePool) {
        if let Some(entry) = self.receiver {
            entry.retire();
            uintr_handles::release_owner(pid);
        }
        if let Some(table) = self.sender_table {
            frames.free(table);
        }
    }
}
