//! Every hart bumps three shared counters N times each: with an AMO
//! (`fetch_add`), with an LR/SC compare-exchange loop, and as a plain
//! counter under a spin lock. Hart 0 waits for all harts and checks that
//! each total is harts * N. Exit codes: 1 AMO, 2 LR/SC, 3 lock total wrong.
#![no_std]
#![no_main]

use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use programs::SpinLock;
use rt::{entry, println};

/// Increments per hart per counter.
const N: u64 = 20_000;

static AMO_COUNTER: AtomicU64 = AtomicU64::new(0);
static CAS_COUNTER: AtomicU64 = AtomicU64::new(0);
static LOCK: SpinLock = SpinLock::new();
/// Only accessed with `LOCK` held.
struct Plain(UnsafeCell<u64>);
// SAFETY: every access goes through `LOCK`.
unsafe impl Sync for Plain {}
static PLAIN_COUNTER: Plain = Plain(UnsafeCell::new(0));
static STARTED: AtomicUsize = AtomicUsize::new(0);
static FINISHED: AtomicUsize = AtomicUsize::new(0);

entry!(main);

fn main(hart: usize, harts: usize) -> i32 {
    // Start together so that the harts really contend.
    STARTED.fetch_add(1, Ordering::AcqRel);
    while STARTED.load(Ordering::Acquire) < harts {
        core::hint::spin_loop();
    }
    for _ in 0..N {
        AMO_COUNTER.fetch_add(1, Ordering::Relaxed);
    }
    for _ in 0..N {
        let mut seen = CAS_COUNTER.load(Ordering::Relaxed);
        while let Err(now) =
            CAS_COUNTER.compare_exchange_weak(seen, seen + 1, Ordering::Relaxed, Ordering::Relaxed)
        {
            seen = now;
        }
    }
    for _ in 0..N {
        let _guard = LOCK.lock();
        let p = PLAIN_COUNTER.0.get();
        // SAFETY: the lock is held; volatile keeps one load and one store
        // per iteration so that a broken lock loses increments.
        unsafe { p.write_volatile(p.read_volatile() + 1) };
    }
    FINISHED.fetch_add(1, Ordering::AcqRel);
    if hart != 0 {
        return 0;
    }
    while FINISHED.load(Ordering::Acquire) < harts {
        core::hint::spin_loop();
    }
    let want = harts as u64 * N;
    let amo = AMO_COUNTER.load(Ordering::Acquire);
    let cas = CAS_COUNTER.load(Ordering::Acquire);
    let plain = {
        let _guard = LOCK.lock();
        // SAFETY: the lock is held.
        unsafe { PLAIN_COUNTER.0.get().read_volatile() }
    };
    println!("smp-atomics: harts={harts} amo={amo} lrsc={cas} lock={plain} want={want}");
    for (code, got) in [(1, amo), (2, cas), (3, plain)] {
        if got != want {
            println!("smp-atomics: FAILED (counter {code})");
            return code;
        }
    }
    println!("smp-atomics: ok");
    0
}
