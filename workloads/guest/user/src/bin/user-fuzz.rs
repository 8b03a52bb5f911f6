//! A syscall fuzzer: makes `fuzz_calls=N` (default 5000) system calls with
//! numbers and arguments drawn from a seeded generator (`fuzz_seed=S`,
//! default 1, plus the pid, so that processes of one boot differ). The
//! kernel must answer every one with a result or end this process (a
//! fault, a deadlock), and never panic; a test boots several of these
//! side by side and checks that the kernel ends them all.
//!
//! Arguments mix the values that break kernels: 0, -1, sizes around page
//! and buffer limits, kernel and unmapped addresses, ranges that wrap or
//! run off the stack, pointers into a scratch buffer of random bytes (so
//! that structures the kernel reads are garbage), and results of earlier
//! calls (so that descriptors and handles get used). Once it has a
//! syscall ring, it also fills request slots with random calls and
//! publishes garbage into the ring's header now and then.
//!
//! Left out: exit and nanosleep (they would end or stall the run, not
//! test the kernel), uintr_wait (it waits for a user interrupt that no
//! fuzzer sends; the kernel polls for one, as a sender on another hart
//! may raise it at any time, so it cannot end such a wait as a deadlock)
//! and simctl_map (its page controls the simulator, not the kernel).
//! `fuzz_trace=1` prints every call and its result.
#![no_std]
#![no_main]

use abi::{channel, nr, ring};
use user::{cmdline, entry, println, sys};

entry!(main);

const SCRATCH_BYTES: usize = 8192;

/// What the kernel's calls read and write through pointer arguments.
static mut SCRATCH: [u8; SCRATCH_BYTES] = [0; SCRATCH_BYTES];

/// Every call number the kernel knows, but those left out (see above).
const KNOWN: &[usize] = &[
    nr::OPENAT,
    nr::CLOSE,
    nr::PIPE2,
    nr::LSEEK,
    nr::READ,
    nr::WRITE,
    nr::CLOCK_GETTIME,
    nr::SCHED_YIELD,
    nr::GETPID,
    nr::MUNMAP,
    nr::MMAP,
    nr::ASYNC_SETUP,
    nr::ASYNC_WAKE,
    nr::ASYNC_ENTER,
    nr::UPCALL_REGISTER,
    nr::UPCALL_RETURN,
    nr::UINTR_REGISTER_RECEIVER,
    nr::UINTR_CREATE_HANDLE,
    nr::UINTR_REGISTER_SENDER,
    nr::ENDPOINT_CREATE,
    nr::ENDPOINT_OPEN,
    nr::IPC_SEND,
    nr::IPC_RECV,
    nr::IPC_CALL,
    nr::IPC_REPLY,
    nr::IPC_REPLY_RECV,
    nr::PIPE_OPEN,
    channel::CHANNEL_CREATE,
    channel::CHANNEL_OPEN,
    channel::CHANNEL_PEER,
];

/// Addresses worth trying as they are.
const ADDRESSES: &[usize] = &[
    0x8000_0000,           // RAM, the kernel's
    0x8020_0000,           // the kernel image
    ring::USER_VA,         // a ring's, unmapped until ASYNC_SETUP
    nr::MMAP_BASE,         // the mmap area
    nr::MMAP_END - 0x1000, // its last page
    channel::USER_VA,      // where channels map
    0x4000_0000 - 8,       // 8 bytes below the stack's top
    0x4000_0000,           // the stack's top
    usize::MAX - 7,        // a range that wraps
    1 << 38,               // above Sv39's lower half
];

/// xorshift64*: the same sequence on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<T: Copy>(&mut self, from: &[T]) -> T {
        from[self.below(from.len())]
    }
}

/// Results of earlier calls (descriptors, handles, addresses).
struct Recent {
    values: [usize; 8],
    next: usize,
}

impl Recent {
    fn keep(&mut self, result: isize) {
        if result >= 0 {
            self.values[self.next] = result as usize;
            self.next = (self.next + 1) % self.values.len();
        }
    }
}

fn scratch() -> usize {
    core::ptr::addr_of_mut!(SCRATCH) as usize
}

/// The calls left out (see the module doc), also when drawn at random.
const LEFT_OUT: &[usize] = &[nr::EXIT, nr::NANOSLEEP, nr::UINTR_WAIT, nr::SIMCTL_MAP];

fn number(rng: &mut Rng) -> usize {
    let call = match rng.below(20) {
        0 => rng.next() as usize,
        1 => rng.below(1024),
        _ => rng.pick(KNOWN),
    };
    if LEFT_OUT.contains(&call) {
        nr::GETPID
    } else {
        call
    }
}

fn argument(rng: &mut Rng, recent: &Recent) -> usize {
    match rng.below(12) {
        0 => 0,
        1 => usize::MAX,
        2 => rng.below(16),
        3 => rng.pick(&[4095, 4096, 4097, 8192, 256, 257, 1 << 20, 1 << 31]),
        4 => rng.pick(ADDRESSES),
        5 | 6 => scratch() + rng.below(SCRATCH_BYTES),
        7 => scratch() + rng.below(SCRATCH_BYTES / 8) * 8,
        8 | 9 => rng.pick(&recent.values),
        10 => nr::MMAP_BASE + rng.below(64) * 4096,
        _ => rng.next() as usize,
    }
}

/// Refills part of the scratch buffer with random bytes (the kernel may
/// have written it, and structures read from it should vary).
fn stir(rng: &mut Rng) {
    // SAFETY: this process is single-threaded, and the kernel writes the
    // buffer only during a call, so nothing else uses it meanwhile.
    let buffer = unsafe { &mut *core::ptr::addr_of_mut!(SCRATCH) };
    let start = rng.below(SCRATCH_BYTES / 8) * 8;
    for word in buffer[start..].chunks_exact_mut(8).take(16) {
        word.copy_from_slice(&rng.next().to_le_bytes());
    }
}

/// With a syscall ring set up: fills a few request slots with random
/// calls, publishes a tail (mostly the right one, sometimes garbage) and
/// sometimes scribbles on a header field, the kernel's own included. The
/// kernel must take only what a valid tail covers and trust nothing else
/// there; the random calls that wake or enter the ring come later.
fn ring_storm(rng: &mut Rng, recent: &Recent) {
    use core::sync::atomic::Ordering::{Relaxed, Release};
    let base = ring::USER_VA;
    // SAFETY: ASYNC_SETUP mapped `ring::BUFFER_SIZE` bytes at `base` for
    // this process (a munmap cannot reach them: they lie past the mmap
    // area); the header's fields are atomics, as the kernel's view is.
    let header = unsafe { &*(base as *const ring::Header) };
    let tail = header.sq_tail.load(Relaxed);
    let requests = rng.below(8) + 1;
    for k in 0..requests {
        let slot = (tail.wrapping_add(k as u32) % ring::ENTRIES) as usize;
        let request = ring::Request {
            user_data: rng.next(),
            nr: number(rng) as u64,
            args: core::array::from_fn(|_| argument(rng, recent) as u64),
        };
        // SAFETY: slot < ENTRIES, inside the request ring of the buffer.
        unsafe {
            ((base + ring::SQ_OFFSET) as *mut ring::Request)
                .add(slot)
                .write_volatile(request)
        };
    }
    let published = match rng.below(8) {
        0 => rng.next() as u32,
        1 => tail.wrapping_sub(1),
        2 => tail.wrapping_add(ring::ENTRIES + 1),
        _ => tail.wrapping_add(requests as u32),
    };
    header.sq_tail.store(published, Release);
    let random = rng.next() as u32;
    let value = rng.pick(&[0, 1, 2, 3, ring::ENTRIES, u32::MAX, random]);
    match rng.below(12) {
        0 => header.worker.store(value, Release),
        1 => header.cq_head.store(value, Release),
        2 => header.receiver_waiting.store(value, Release),
        3 => header.sq_head.store(value, Release),
        4 => header.cq_tail.store(value, Release),
        _ => {}
    }
}

fn main() -> i32 {
    let (Ok(calls), Ok(seed)) = (
        cmdline::number("fuzz_calls", 5000),
        cmdline::number("fuzz_seed", 1),
    ) else {
        println!("user-fuzz: fuzz_calls and fuzz_seed must be numbers");
        return 2;
    };
    // fuzz_trace=1 prints each call before it is made (the last line
    // names the call a hang or a crash came from) and its result.
    let trace = cmdline::arg("fuzz_trace") == Some("1");
    let pid = sys::getpid() as u64;
    // Never 0: xorshift would stay there.
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ pid | 1);
    let mut recent = Recent {
        values: [0; 8],
        next: 0,
    };
    let mut failed = 0u64;
    let mut ring = false;
    for _ in 0..calls {
        if rng.below(4) == 0 {
            stir(&mut rng);
        }
        if ring && rng.below(8) == 0 {
            ring_storm(&mut rng, &recent);
        }
        let call = number(&mut rng);
        let args = core::array::from_fn(|_| argument(&mut rng, &recent));
        if trace {
            println!("user-fuzz: pid {pid}: call {call} {args:x?}");
        }
        let result = sys::syscall6(call, args);
        if trace {
            println!("user-fuzz: pid {pid}: = {result}");
        }
        recent.keep(result);
        if call == nr::ASYNC_SETUP && result >= 0 && !ring {
            // While a ring exists the kernel declares no deadlock (its
            // worker might still wake someone): if every fuzzer blocks
            // from now on, the machine idles for good. Said, so that a
            // test can tell this from a hang the kernel should have ended.
            println!("user-fuzz: pid {pid}: has a syscall ring");
            ring = true;
        }
        failed += (result < 0) as u64;
    }
    println!("user-fuzz: pid {pid}: {calls} calls made, {failed} refused, kernel intact");
    0
}
