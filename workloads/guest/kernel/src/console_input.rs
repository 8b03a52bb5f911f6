//! read(0): console input. The kernel asks the firmware for the bytes the
//! UART has received (SBI console_getchar) and returns those that are
//! there, up to the buffer's length; with none waiting it returns 0, end
//! of file, instead of blocking: nothing interrupts the kernel when input
//! arrives, and asyncsim's UART has no host input at all.

use crate::access::access_ok;
use crate::file_syscalls::EFAULT;
use crate::page_table::AddressSpace;
use crate::sbi;
use crate::user_memory::write_user;

/// Most bytes one read takes from the console.
const MAX_READ: usize = 256;

/// read(0, buf, len).
pub fn read(space: &AddressSpace, buf: usize, len: usize) -> isize {
    if !access_ok(buf, len) {
        return -EFAULT;
    }
    let len = len.min(MAX_READ);
    // Check first: input taken from the UART could not be given back.
    if write_user(space, buf, len, |_| {}).is_err() {
        return -EFAULT;
    }
    let mut bytes = [0u8; MAX_READ];
    let mut n = 0;
    while n < len {
        match sbi::console_getchar() {
            Some(byte) => {
                bytes[n] = byte;
                n += 1;
            }
            None => break,
        }
    }
    let mut at = 0;
    let copied = write_user(space, buf, n, |chunk| {
        chunk.copy_from_slice(&bytes[at..at + chunk.len()]);
        at += chunk.len();
    });
    match copied {
        // n <= MAX_READ.
        Ok(()) => n as isize,
        Err(_) => -EFAULT,
    }
}
