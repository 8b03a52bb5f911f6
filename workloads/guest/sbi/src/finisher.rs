//! Ends the machine through the sifive_test finisher at 0x10_0000 (QEMU
//! virt and asyncsim): 0x5555 = pass, `(code << 16) | 0x3333` = fail.

const FINISHER_BASE: usize = 0x10_0000;

/// Stops the whole machine with exit `code` (0 = pass).
pub fn exit(code: u32) -> ! {
    let value = if code == 0 {
        0x5555
    } else {
        ((code & 0xffff) << 16) | 0x3333
    };
    // SAFETY: the finisher is a device register; one 32-bit store is its protocol.
    unsafe { core::ptr::write_volatile(FINISHER_BASE as *mut u32, value) };
    park()
}

/// Stops this hart for good.
pub fn park() -> ! {
    loop {
        // SAFETY: wfi only waits.
        unsafe { core::arch::asm!("wfi", options(nomem, nostack)) };
    }
}
