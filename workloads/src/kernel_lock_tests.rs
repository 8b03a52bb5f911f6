//! Host tests of the guest kernel's `SpinLock`: exclusion under contention
//! from several threads (a lost update would show in the total), and the
//! guard's unlock on drop.

use crate::kernel_lock::SpinLock;
use std::sync::Arc;

#[test]
fn four_threads_never_lose_an_update() {
    const THREADS: usize = 4;
    const ROUNDS: usize = 20_000;
    // Two words updated non-atomically under the lock: both must agree.
    let lock = Arc::new(SpinLock::new((0usize, 0usize)));
    let handles: Vec<_> = (0..THREADS)
        .map(|_| {
            let lock = Arc::clone(&lock);
            std::thread::spawn(move || {
                for _ in 0..ROUNDS {
                    let mut pair = lock.lock();
                    let seen = pair.0;
                    std::hint::spin_loop();
                    pair.0 = seen + 1;
                    pair.1 += 1;
                }
            })
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }
    assert_eq!(*lock.lock(), (THREADS * ROUNDS, THREADS * ROUNDS));
}

#[test]
fn try_lock_fails_while_held_and_succeeds_after_drop() {
    let lock = SpinLock::new(5u32);
    let mut guard = lock.lock();
    *guard += 1;
    assert!(lock.try_lock().is_none());
    drop(guard);
    let again = lock.try_lock().expect("free after drop");
    assert_eq!(*again, 6);
}
