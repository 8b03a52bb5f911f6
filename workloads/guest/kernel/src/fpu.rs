//! Each process's floating-point registers. The kernel restores them
//! before every return to U-mode (marking sstatus.FS Clean) and saves them
//! after a trap only if the process dirtied them (FS = Dirty). Restoring
//! every time costs 33 loads but needs no tracking of who owns the FPU or
//! whether kernel code touched it in between; the Dirty check skips the
//! saves for processes (and slices) that use no FP.

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

fn sstatus() -> usize {
    let s: usize;
    // SAFETY: reading sstatus has no side effects.
    unsafe { core::arch::asm!("csrr {0}, sstatus", out(reg) s) };
    s
}

impl FpState {
    /// Loads these registers and marks FS Clean, so that a later Dirty
    /// means the process wrote them.
    pub fn restore(&self) {
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

    /// Saves the registers if the process dirtied them since [`restore`].
    ///
    /// [`restore`]: FpState::restore
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
                    ".option pop",
                    p = in(reg) self as *mut Self,
                    t = out(reg) _,
                );
            }
        }
    }
}
