//! What the kernel-side async/UINTR test programs share (no coroutines,
//! no runtime: plain calls, so a failure points at the kernel): the
//! async calls, the UIPI instruction, a user-interrupt entry that counts
//! deliveries, and a check counter.
#![allow(dead_code)]

use abi::nr;
use abi::ring::{Buffer, Request};
use core::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use user::{println, sys};

/// `worker_hart` for "the process's own hart".
pub const SAME_HART: usize = usize::MAX;

pub fn async_setup(mode: usize, notify: usize) -> isize {
    sys::syscall3(nr::ASYNC_SETUP, mode, notify, SAME_HART)
}

pub fn async_wake() -> isize {
    sys::syscall3(nr::ASYNC_WAKE, 0, 0, 0)
}

pub fn async_enter(to_submit: usize, min_complete: usize) -> isize {
    sys::syscall3(nr::ASYNC_ENTER, to_submit, min_complete, 0)
}

pub fn uintr_wait() -> isize {
    sys::syscall3(nr::UINTR_WAIT, 0, 0, 0)
}

/// The ring of a successful setup.
pub fn buffer(address: isize) -> Buffer {
    // SAFETY: the kernel mapped BUFFER_SIZE bytes read-write there for
    // the rest of the process's life.
    unsafe { Buffer::at(address as usize) }
}

/// A getpid request tagged `tag`.
pub fn getpid_request(tag: u64) -> Request {
    Request {
        user_data: tag,
        nr: nr::GETPID as u64,
        args: [0; 6],
    }
}

/// UIPI SEND to sender-table entry `index`.
pub fn uipi_send(index: usize) {
    // SAFETY: UIPI SEND only posts to a receiver the kernel put in our
    // sender table (or does nothing).
    unsafe { core::arch::asm!(".insn i 0x7b, 2, x0, {0}, 0", in(reg) index) };
}

/// UIPI READ: our receiver entry's pending bits.
pub fn uipi_read() -> u64 {
    let bits: u64;
    // SAFETY: reads our own receiver entry.
    unsafe { core::arch::asm!(".insn i 0x7b, 2, {0}, x0, 1", out(reg) bits) };
    bits
}

/// UIPI WRITE: sets our receiver entry's pending bits.
pub fn uipi_write(bits: u64) {
    // SAFETY: writes our own receiver entry.
    unsafe { core::arch::asm!(".insn i 0x7b, 2, x0, {0}, 2", in(reg) bits) };
}

/// Turns ustatus.UIE off or on.
pub fn set_user_interrupts(on: bool) {
    // SAFETY: ustatus.UIE only gates our own user interrupts.
    unsafe {
        if on {
            core::arch::asm!("csrsi 0x000, 1");
        } else {
            core::arch::asm!("csrci 0x000, 1");
        }
    }
}

/// User interrupts taken, and the pending bits they found (ORed).
pub static DELIVERIES: AtomicUsize = AtomicUsize::new(0);
pub static VECTORS_SEEN: AtomicU64 = AtomicU64::new(0);

/// The body of the user-interrupt handler: takes (clears) the pending
/// requests and counts the delivery.
extern "C" fn on_user_interrupt() {
    let pending = uipi_read();
    uipi_write(0);
    VECTORS_SEEN.fetch_or(pending, Ordering::Relaxed);
    DELIVERIES.fetch_add(1, Ordering::Relaxed);
}

core::arch::global_asm!(
    ".pushsection .text, \"ax\"",
    ".align 2",
    ".globl __async_test_uintr_entry",
    "__async_test_uintr_entry:",
    // Interrupted code's stack; no red zone on RISC-V. Caller-saved
    // integer registers only: the handler body uses no FP.
    "   addi sp, sp, -128",
    "   sd ra, 0(sp)",
    "   sd t0, 8(sp)",
    "   sd t1, 16(sp)",
    "   sd t2, 24(sp)",
    "   sd a0, 32(sp)",
    "   sd a1, 40(sp)",
    "   sd a2, 48(sp)",
    "   sd a3, 56(sp)",
    "   sd a4, 64(sp)",
    "   sd a5, 72(sp)",
    "   sd a6, 80(sp)",
    "   sd a7, 88(sp)",
    "   sd t3, 96(sp)",
    "   sd t4, 104(sp)",
    "   sd t5, 112(sp)",
    "   sd t6, 120(sp)",
    "   call {body}",
    "   ld ra, 0(sp)",
    "   ld t0, 8(sp)",
    "   ld t1, 16(sp)",
    "   ld t2, 24(sp)",
    "   ld a0, 32(sp)",
    "   ld a1, 40(sp)",
    "   ld a2, 48(sp)",
    "   ld a3, 56(sp)",
    "   ld a4, 64(sp)",
    "   ld a5, 72(sp)",
    "   ld a6, 80(sp)",
    "   ld a7, 88(sp)",
    "   ld t3, 96(sp)",
    "   ld t4, 104(sp)",
    "   ld t5, 112(sp)",
    "   ld t6, 120(sp)",
    "   addi sp, sp, 128",
    // uret
    "   .word 0x00200073",
    ".popsection",
    body = sym on_user_interrupt,
);

extern "C" {
    fn __async_test_uintr_entry();
}

/// Address of the user-interrupt entry (4-byte aligned, for utvec).
pub fn uintr_entry() -> usize {
    __async_test_uintr_entry as *const () as usize
}

/// Counts checks; prints each failure.
pub struct Checks {
    name: &'static str,
    passed: usize,
    failed: usize,
}

impl Checks {
    pub fn new(name: &'static str) -> Self {
        Self {
            name,
            passed: 0,
            failed: 0,
        }
    }

    /// Checks that `got == want`.
    pub fn eq<T: PartialEq + core::fmt::Debug>(&mut self, what: &str, got: T, want: T) {
        if got == want {
            self.passed += 1;
        } else {
            self.failed += 1;
            println!(
                "{}: FAIL {}: got {:?}, want {:?}",
                self.name, what, got, want
            );
        }
    }

    /// Checks that `ok` holds.
    pub fn ok(&mut self, what: &str, ok: bool) {
        self.eq(what, ok, true);
    }

    /// Prints the summary; the exit code (0 = all passed).
    pub fn finish(self) -> i32 {
        if self.failed == 0 {
            println!("{}: all {} checks passed", self.name, self.passed);
            0
        } else {
            println!(
                "{}: {} of {} checks failed",
                self.name,
                self.failed,
                self.passed + self.failed
            );
            1
        }
    }
}

/// One round of the wake-based designs, by hand: push `n` getpid
/// requests, wake the worker only if it sleeps (the ring's protocol),
/// then wait for completions as a receiver does (set receiver_waiting,
/// look again, block in UINTR_WAIT), and check all `n` came back with
/// the right tags and results. Returns whether a wake trap was needed.
pub fn wake_round(c: &mut Checks, ring: &Buffer, round: u64, n: u64, pid: i64) -> bool {
    use abi::ring::{WORKER_RUNNING, WORKER_SLEEPING};
    let header = ring.header();
    let mut submit = ring.submitter();
    let mut reap = ring.reaper();
    for i in 0..n {
        c.ok(
            "push",
            submit.push(getpid_request(round * 1000 + i)).is_ok(),
        );
    }
    let woke = header.worker.swap(WORKER_RUNNING, Ordering::AcqRel) == WORKER_SLEEPING;
    if woke {
        c.eq("wake", async_wake(), 0);
    }
    let mut got = 0;
    while got < n {
        match reap.pop() {
            Some(done) => {
                c.eq("tag", done.user_data, round * 1000 + got);
                c.eq("result", done.result, pid);
                got += 1;
            }
            None => {
                // User interrupts off from the last look until the wait:
                // one arriving in between stays pending (the handler
                // cannot take it), so uintr_wait returns at once instead
                // of sleeping on a notification already consumed.
                set_user_interrupts(false);
                header.receiver_waiting.store(1, Ordering::SeqCst);
                if reap.ready() == 0 {
                    c.eq("uintr_wait", uintr_wait(), 0);
                }
                header.receiver_waiting.store(0, Ordering::SeqCst);
                set_user_interrupts(true);
            }
        }
    }
    woke
}

/// Writes `value` to memfs file `name` (NUL-terminated), replacing it:
/// how the UINTR test processes hand each other handles and acks.
pub fn publish(name: &[u8], value: u64) -> bool {
    let fd = sys::open(name, sys::O_WRONLY | sys::O_CREAT | sys::O_TRUNC);
    if fd < 0 {
        return false;
    }
    let ok = sys::write(fd as usize, &value.to_le_bytes()) == 8;
    sys::close(fd as usize);
    ok
}

/// The value in memfs file `name`, if it has one.
pub fn published(name: &[u8]) -> Option<u64> {
    let fd = sys::open(name, sys::O_RDONLY);
    if fd < 0 {
        return None;
    }
    let mut bytes = [0u8; 8];
    let n = sys::read(fd as usize, &mut bytes);
    sys::close(fd as usize);
    (n == 8).then(|| u64::from_le_bytes(bytes))
}

/// Yields until `name` holds a value satisfying `ok`, at most `tries` times.
pub fn await_published(name: &[u8], tries: usize, ok: impl Fn(u64) -> bool) -> Option<u64> {
    for _ in 0..tries {
        if let Some(value) = published(name).filter(|&v| ok(v)) {
            return Some(value);
        }
        sys::sched_yield();
    }
    None
}

/// The memfs files of the user-to-user UINTR test.
pub const HANDLE_FILE: &[u8] = b"uintr-handle\0";
pub const ACK_FILE: &[u8] = b"uintr-ack\0";
/// The vector the receiver hands out.
pub const IPC_VECTOR: usize = 5;
/// What the receiver leaves in its uscratch.
pub const USCRATCH_MARKER: u64 = 0x5eed_c0de;
/// SENDs of the legitimate sender.
pub const IPC_SENDS: u64 = 3;
