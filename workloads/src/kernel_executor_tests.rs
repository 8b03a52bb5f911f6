//! Host tests of the guest kernel's coroutine executor: spawn, poll only
//! when woken, completion frees the slot, yield, cancel drops the future
//! in place, and the full and too-big errors. One test: the executor's
//! storage is static (one owner at a time).

use crate::kernel_executor::{yield_now, Executor, SpawnError, MAX_TASKS, TASK_BYTES};
use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::task::{Context, Poll, Waker};

/// Pending until `open` is set; keeps the waker it was last polled with.
struct Gate {
    open: &'static AtomicBool,
    waker: &'static Mutex<Option<Waker>>,
}

impl Future for Gate {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.open.load(Ordering::SeqCst) {
            return Poll::Ready(());
        }
        *self.waker.lock().unwrap() = Some(cx.waker().clone());
        Poll::Pending
    }
}

/// Counts drops of the futures that own one.
struct DropCount(&'static AtomicUsize);

impl Drop for DropCount {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

static OPEN: AtomicBool = AtomicBool::new(false);
static WAKER: Mutex<Option<Waker>> = Mutex::new(None);
static STEPS: AtomicUsize = AtomicUsize::new(0);
static DROPS: AtomicUsize = AtomicUsize::new(0);

#[test]
fn executor_polls_woken_tasks_and_frees_their_slots() {
    let mut ex = Executor::new();

    // A task runs to its first await, then only when its waker fires.
    let id = ex
        .spawn(async {
            STEPS.fetch_add(1, Ordering::SeqCst);
            Gate {
                open: &OPEN,
                waker: &WAKER,
            }
            .await;
            STEPS.fetch_add(1, Ordering::SeqCst);
        })
        .unwrap();
    assert!(ex.any_ready());
    assert!(ex.poll(id));
    assert_eq!(STEPS.load(Ordering::SeqCst), 1);
    assert!(!ex.any_ready(), "pending and not woken");
    assert!(!ex.poll(id), "not polled unless woken");
    OPEN.store(true, Ordering::SeqCst);
    WAKER.lock().unwrap().take().unwrap().wake();
    assert!(ex.any_ready());
    assert!(ex.poll(id));
    assert_eq!(STEPS.load(Ordering::SeqCst), 2);
    assert_eq!(ex.len(), 0, "a finished task frees its slot");
    assert!(!ex.is_alive(id) && !ex.poll(id));

    // yield_now: pending once, ready again at once.
    let yields = Rc::new(Cell::new(0));
    let counter = yields.clone();
    let id = ex
        .spawn(async move {
            for _ in 0..3 {
                counter.set(counter.get() + 1);
                yield_now().await;
            }
        })
        .unwrap();
    let mut polls = 0;
    while ex.poll(id) {
        polls += 1;
    }
    assert_eq!((yields.get(), polls, ex.len()), (3, 4, 0));

    // Every slot taken: Full; cancel drops the future in place.
    let ids: Vec<_> = (0..MAX_TASKS)
        .map(|_| {
            let guard = DropCount(&DROPS);
            ex.spawn(async move {
                let _guard = guard;
                std::future::pending::<()>().await;
            })
            .unwrap()
        })
        .collect();
    assert_eq!(ex.spawn(async {}), Err(SpawnError::Full));
    for &id in &ids {
        assert!(ex.poll(id));
    }
    assert_eq!(DROPS.load(Ordering::SeqCst), 0);
    for id in ids {
        ex.cancel(id);
    }
    assert_eq!(DROPS.load(Ordering::SeqCst), MAX_TASKS);
    assert_eq!(ex.len(), 0);

    // A future larger than a slot is refused, not written past it.
    let big = [7u8; TASK_BYTES + 1];
    let result = ex.spawn(async move {
        std::hint::black_box(&big);
    });
    assert_eq!(result, Err(SpawnError::TooBig));
    assert_eq!(ex.len(), 0);
}
