//! User-to-user UINTR, sending side (see user-uintr-recv): registers as
//! a sender with the handle the receiver published (the kernel fills a
//! sender-table entry and returns its index), sends with `uipi send`
//! without any trap, waiting for each ack; a forged handle is refused
//! and sending through an index the kernel did not fill does nothing.
#![no_std]
#![no_main]

#[path = "async_test/mod.rs"]
mod async_test;

use abi::errno::EINVAL;
use abi::nr;
use async_test::*;
use user::{entry, sys};

entry!(main);

fn main() -> i32 {
    let mut c = Checks::new("user-uintr-send");
    let Some(handle) = await_published(HANDLE_FILE, 1000, |_| true) else {
        c.ok("handle published", false);
        return c.finish();
    };
    // The receiver's user-interrupt state stayed with it.
    let (uscratch, utvec, uie): (u64, u64, u64);
    // SAFETY: reads our own user CSRs.
    unsafe {
        core::arch::asm!(
            "csrr {0}, 0x040",
            "csrr {1}, 0x005",
            "csrr {2}, 0x004",
            out(reg) uscratch,
            out(reg) utvec,
            out(reg) uie,
        )
    };
    c.eq("no uscratch of another", uscratch, 0);
    c.eq("no utvec of another", utvec, 0);
    c.eq("no uie of another", uie, 0);
    c.eq(
        "forged handle",
        register_sender(handle as usize + 1),
        -EINVAL,
    );
    c.eq("huge handle", register_sender(usize::MAX), -EINVAL);
    let index = register_sender(handle as usize);
    c.eq("index", index, 0);
    for i in 0..IPC_SENDS {
        uipi_send(index as usize);
        // An index the kernel did not fill, and one past the table.
        uipi_send(index as usize + 1);
        uipi_send(512);
        c.ok(
            "acked",
            await_published(ACK_FILE, 1000, |v| v > i).is_some(),
        );
    }
    c.finish()
}

fn register_sender(handle: usize) -> isize {
    sys::syscall3(nr::UINTR_REGISTER_SENDER, handle, 0, 0)
}
