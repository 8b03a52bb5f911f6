//! Calls into the M-mode firmware (SBI v1.0 calling convention: extension
//! in a7, function in a6, arguments in a0.., error in a0 and value in a1).

const EID_LEGACY_PUTCHAR: usize = 0x01;
const EID_SRST: usize = 0x5352_5354;
const RESET_SHUTDOWN: usize = 0;
const REASON_NONE: usize = 0;
const REASON_FAILURE: usize = 1;

fn call(eid: usize, fid: usize, a0: usize, a1: usize) -> (isize, usize) {
    let (error, value): (isize, usize);
    // SAFETY: ecall into the firmware, which returns with a0/a1 set and
    // preserves every other register.
    unsafe {
        core::arch::asm!(
            "ecall",
            inlateout("a0") a0 => error,
            inlateout("a1") a1 => value,
            in("a6") fid,
            in("a7") eid,
            options(nostack),
        );
    }
    (error, value)
}

/// Writes one byte to the console.
pub fn console_putchar(byte: u8) {
    call(EID_LEGACY_PUTCHAR, 0, usize::from(byte), 0);
}

/// Powers the machine off: a clean shutdown if `success`, else a system
/// failure (the machine's exit code becomes nonzero).
pub fn shutdown(success: bool) -> ! {
    let reason = if success { REASON_NONE } else { REASON_FAILURE };
    call(EID_SRST, 0, RESET_SHUTDOWN, reason);
    // The firmware does not return from a shutdown; should it, stop here.
    loop {
        // SAFETY: wfi only waits.
        unsafe { core::arch::asm!("wfi", options(nomem, nostack)) };
    }
}
