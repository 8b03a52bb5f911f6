//! Ends the simulation through the sifive_test finisher device, which QEMU
//! virt and asyncsim both map at 0x10_0000.

/// Physical address of the finisher register.
pub const FINISHER_BASE: usize = 0x10_0000;
const PASS: u32 = 0x5555;
const FAIL: u32 = 0x3333;

/// Value written to the finisher for exit `code`: 0x5555 for 0, else
/// `(code << 16) | 0x3333` (QEMU exits with status `code` & 0xff).
pub const fn finisher_value(code: i32) -> u32 {
    if code == 0 {
        PASS
    } else {
        ((code as u32 & 0xffff) << 16) | FAIL
    }
}

/// Stops the whole machine with exit `code`.
pub fn exit(code: i32) -> ! {
    // SAFETY: the finisher is a device register on the virt platform; a
    // 32-bit store to it is its whole protocol.
    unsafe { core::ptr::write_volatile(FINISHER_BASE as *mut u32, finisher_value(code)) };
    // The store ends the machine; should it not, do not run on.
    park()
}

/// Stops this hart for good (with interrupts disabled `wfi` may return, so loop).
pub fn park() -> ! {
    loop {
        // SAFETY: wfi only waits.
        unsafe { core::arch::asm!("wfi", options(nomem, nostack)) };
    }
}
