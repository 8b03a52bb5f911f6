//! What happens when the program goes wrong: unexpected traps and panics
//! print what they know and end the machine with a failure code.

use core::sync::atomic::{AtomicBool, Ordering};

use crate::finisher::exit;

/// Exit code of a panic.
pub const PANIC_EXIT_CODE: i32 = 101;
/// Exit code of an unexpected trap (exception or interrupt).
pub const TRAP_EXIT_CODE: i32 = 102;

/// Set by the first fault; a second one (say, a trap while reporting) exits
/// at once instead of recursing.
static FAULTED: AtomicBool = AtomicBool::new(false);

/// Called by the trap vector (on a per-hart trap stack) for any trap: the
/// runtime enables no interrupts and expects no exceptions.
#[no_mangle]
extern "C" fn __rt_trap(mcause: usize, mepc: usize, mtval: usize, hart: usize) -> ! {
    if FAULTED.swap(true, Ordering::AcqRel) {
        exit(TRAP_EXIT_CODE);
    }
    crate::println!(
        "unexpected trap on hart {}: mcause={:#x} mepc={:#x} mtval={:#x}",
        hart,
        mcause,
        mepc,
        mtval
    );
    exit(TRAP_EXIT_CODE)
}

#[cfg(target_os = "none")]
#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    if !FAULTED.swap(true, Ordering::AcqRel) {
        crate::println!("panic on hart {}: {}", crate::csr::hart_id(), info);
    }
    exit(PANIC_EXIT_CODE)
}
