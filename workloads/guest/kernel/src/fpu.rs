//! Each process's floating-point registers. Before a return to U-mode the
//! kernel makes sure the hart's FP registers hold the process's (marking
//! sstatus.FS Clean), and after a trap saves them only if the process
//! dirtied them (FS = Dirty), marking FS Clean again. A reload is skipped
//! when this hart last loaded the same process's registers and FS is
//! still Clean: any write to an FP register since (by the kernel, or by
//! another process, which also loads its own) would have made it Dirty
//! or changed the owner. Code that changes a process's saved registers
//! in memory calls [`forget`].

use crate::smp::{self, MAX_HARTS};
use core::sync::atomic::{AtomicUsize, Ordering};

const SSTATUS_FS: usize = 3 << 13;
const FS_CLEAN: usize = 2 << 13;
const FS_DIRTY: usize = 3 << 13;

/// f0..f31 and fcsr of one process (all zero at its start).
#[repr(C)]
#[derive(Debug, Default, Clone)]
pub struct FpState {
    f: [u64; 32],
    fcsr: u64,
}

const _: () = assert!(core::mem::offset_of!(FpState, fcsr) == 256);

/// Per hart: the owner (a pid, never 0) whose registers it holds as saved.
static LOADED: [AtomicUsize; MAX_HARTS] = [const { AtomicUsize::new(0) }; MAX_HARTS];

/// The saved registers of `owner` changed: the next return to U-mode
/// must load them.
pub fn forget(owner: usize) {
    if let Some(loaded) = LOADED.get(smp::this_hart()) {
        let _ = loaded.compare_exchange(owner, 0, Ordering::Relaxed, Ordering::Relaxed);
    }
}

fn sstatus() -> usize {
    let s: usize;
    // SAFETY: reading sstatus has no side effects.
    unsafe { core::arch::asm!("csrr {0}, sstatus", out(reg) s) };
    s
}

impl FpState {
    /// Makes these, `owner`'s registers, the hart's before it returns to
    /// U-mode: loads them unless the hart holds them already. Inlined
    /// into the caller, whose own frame keeps the kernel's fs0..fs11
    /// across the load (a function of its own would restore them on
    /// return and so overwrite the process's).
    #[inline(always)]
    pub fn load_for(&self, owner: usize) {
        let Some(loaded) = LOADED.get(smp::this_hart()) else {
            self.restore();
            return;
        };
        if sstatus() & SSTATUS_FS == FS_CLEAN && loaded.load(Ordering::Relaxed) == owner {
            return;
        }
        self.restore();
        loaded.store(owner, Ordering::Relaxed);
    }

    /// Loads these registers and marks FS Clean, so that a later Dirty
    /// means the process wrote them.
    #[inline(always)]
    fn restore(&self) {
        // SAFETY: FS is on (Initial or more) in the kernel; reads only
        // `self`; every FP register is declared clobbered (the caller-saved
        // ones through the C ABI, fs0..fs11 by name).
        unsafe {
            core::arch::asm!(
                ".option push",
                ".option arch, +d",
                ".irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31",
                "fld f\\i, (\\i*8)(a0)",
                ".endr",
                "ld t0, 256(a0)",
                "fscsr t0",
                "csrc sstatus, a1",
                "csrs sstatus, a2",
                ".option pop",
                in("a0") self as *const Self,
                in("a1") SSTATUS_FS,
                in("a2") FS_CLEAN,
                out("fs0") _, out("fs1") _, out("fs2") _, out("fs3") _,
                out("fs4") _, out("fs5") _, out("fs6") _, out("fs7") _,
                out("fs8") _, out("fs9") _, out("fs10") _, out("fs11") _,
                clobber_abi("C"),
            );
        }
    }

    /// Saves the registers if the process dirtied them since they were
    /// loaded or last saved, and marks them Clean (saved).
    pub fn save_if_dirty(&mut self) {
        if sstatus() & SSTATUS_FS == FS_DIRTY {
            // SAFETY: writes only `self`; reads FP registers and fcsr.
            unsafe {
                core::arch::asm!(
                    ".option push",
                    ".option arch, +d",
                    ".irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31",
                    "fsd f\\i, (\\i*8)({p})",
                    ".endr",
                    "frcsr {t}",
                    "sd {t}, 256({p})",
                    "csrc sstatus, {fs}",
                    "csrs sstatus, {clean}",
                    ".option pop",
                    p = in(reg) self as *mut Self,
                    t = out(reg) _,
                    fs = in(reg) SSTATUS_FS,
                    clean = in(reg) FS_CLEAN,
                );
            }
        }
    }
}
