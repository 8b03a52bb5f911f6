//! User-to-user UINTR, receiving side (run as `init=user-uintr-recv,
//! user-uintr-send[,user-hostile-async]`): registers a receiver, creates
//! a handle for its vector naming only the next process (the sender),
//! publishes it in a memfs file, and takes exactly the sender's
//! interrupts: one delivery per SEND (acked through another file), only
//! its vector, nothing from anyone else.
#![no_std]
#![no_main]

#[path = "async_test/mod.rs"]
mod async_test;

use abi::errno::EINVAL;
use abi::nr;
use async_test::*;
use core::sync::atomic::Ordering;
use user::{entry, sys};

entry!(main);

fn main() -> i32 {
    let mut c = Checks::new("user-uintr-recv");
    let pid = sys::getpid() as usize;
    let sender = pid + 1;
    c.eq(
        "handle before registering",
        create_handle(IPC_VECTOR, sender),
        -EINVAL,
    );
    c.eq(
        "register",
        sys::syscall3(nr::UINTR_REGISTER_RECEIVER, uintr_entry(), 0, 0),
        0,
    );
    c.eq("vector 64", create_handle(64, sender), -EINVAL);
    c.eq("pid 0", create_handle(IPC_VECTOR, 0), -EINVAL);
    let handle = create_handle(IPC_VECTOR, sender);
    c.ok("handle", handle >= 0);
    // A marker in a user CSR that no other process may see.
    // SAFETY: uscratch is ours to use.
    unsafe { core::arch::asm!("csrw 0x040, {0}", in(reg) USCRATCH_MARKER) };
    c.ok("publish", publish(HANDLE_FILE, handle as u64));
    for i in 0..IPC_SENDS {
        while DELIVERIES.load(Ordering::Relaxed) as u64 <= i {
            c.eq("wait", uintr_wait(), 0);
        }
        c.ok("ack", publish(ACK_FILE, i + 1));
    }
    // Give anyone else time to try (they must not get through).
    for _ in 0..50 {
        sys::sched_yield();
    }
    c.eq(
        "deliveries",
        DELIVERIES.load(Ordering::Relaxed) as u64,
        IPC_SENDS,
    );
    c.eq(
        "vectors",
        VECTORS_SEEN.load(Ordering::Relaxed),
        1 << IPC_VECTOR,
    );
    c.eq("nothing pending", uipi_read(), 0);
    let uscratch: u64;
    // SAFETY: reads our own user CSR.
    unsafe { core::arch::asm!("csrr {0}, 0x040", out(reg) uscratch) };
    c.eq("uscratch kept across switches", uscratch, USCRATCH_MARKER);
    c.finish()
}

fn create_handle(vector: usize, allowed: usize) -> isize {
    sys::syscall3(nr::UINTR_CREATE_HANDLE, vector, allowed, 0)
}
