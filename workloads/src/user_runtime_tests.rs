//! Host tests of the user runtime's executor, barrier and ring syscalls.
//! The ring tests play the kernel's side of a real `abi::ring` buffer in
//! host memory: take the requests the runtime pushed and answer them in
//! an order of the test's choosing.

use crate::user_barrier::Barrier;
use crate::user_executor::{Driver, Executor, Stalled};
use crate::user_ring_calls::{RingCall, RingCalls};
use abi::ring::{Buffer, Completion, Consumer, Producer, Request, BUFFER_SIZE, ENTRIES};
use std::alloc::{alloc_zeroed, dealloc, Layout};
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

/// Pending once, then ready (waking itself): lets other tasks run.
struct YieldNow(bool);

impl Future for YieldNow {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            return Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// Pending forever, never wakes anyone.
struct Never;

impl Future for Never {
    type Output = ();
    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        Poll::Pending
    }
}

/// Counts its calls; stops the run when asked to wait.
#[derive(Default)]
struct CountingDriver {
    calls: u32,
    idle_calls: u32,
}

impl Driver for CountingDriver {
    fn after_pass(&mut self, idle: bool) -> bool {
        self.calls += 1;
        self.idle_calls += u32::from(idle);
        !idle
    }
}

#[test]
fn passes_poll_ready_tasks_in_id_order() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let mut executor = Executor::new();
    for id in 0..3 {
        let log = log.clone();
        executor.spawn(async move {
            for step in 0..3 {
                log.borrow_mut().push((id, step));
                YieldNow(false).await;
            }
        });
    }
    let mut driver = CountingDriver::default();
    assert_eq!(executor.run(&mut driver), Ok(()));
    let expected: Vec<_> = (0..3)
        .flat_map(|step| (0..3).map(move |id| (id, step)))
        .collect();
    assert_eq!(*log.borrow(), expected);
    // 4 passes: 3 steps, then the returns; the driver runs between them.
    assert_eq!(executor.passes(), 4);
    assert_eq!((driver.calls, driver.idle_calls), (3, 0));
    assert_eq!(executor.live(), 0);
}

#[test]
fn six_hundred_tasks_all_finish() {
    let done = Rc::new(Cell::new(0u32));
    let mut executor = Executor::new();
    for _ in 0..600 {
        let done = done.clone();
        executor.spawn(async move {
            YieldNow(false).await;
            done.set(done.get() + 1);
        });
    }
    assert_eq!(executor.live(), 600);
    assert_eq!(executor.run(&mut CountingDriver::default()), Ok(()));
    assert_eq!(done.get(), 600);
}

#[test]
fn a_run_that_nothing_can_wake_stops_as_stalled() {
    let mut executor = Executor::new();
    executor.spawn(async {});
    executor.spawn(Never);
    executor.spawn(Never);
    let mut driver = CountingDriver::default();
    assert_eq!(executor.run(&mut driver), Err(Stalled { tasks_left: 2 }));
    assert_eq!(driver.idle_calls, 1);
}

#[test]
fn barrier_keeps_rounds_apart_and_releases_all_in_one_pass() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let barrier = Barrier::new(3);
    let mut executor = Executor::new();
    for id in 0..3usize {
        let (log, barrier) = (log.clone(), barrier.clone());
        executor.spawn(async move {
            for round in 0..4u64 {
                // Task 2 dawdles so that the others wait at the barrier.
                for _ in 0..id {
                    YieldNow(false).await;
                }
                log.borrow_mut().push((round, id));
                barrier.wait().await;
            }
        });
    }
    assert_eq!(executor.run(&mut CountingDriver::default()), Ok(()));
    let log = log.borrow();
    assert_eq!(log.len(), 12);
    for (at, (round, _)) in log.iter().enumerate() {
        assert_eq!(*round, at as u64 / 3, "entry {at} of {log:?} ran ahead");
    }
    assert_eq!(barrier.generation(), 4);
    // Each round takes 3 passes (task i dawdles i passes); the pass
    // after the last arrival resumes all three together, and that pass
    // is already the next round's first. One more pass ends the tasks.
    assert_eq!(executor.passes(), 4 * 3 + 1);
}

/// A buffer of the ring layout in host memory.
struct HostBuffer {
    base: *mut u8,
    layout: Layout,
}

impl HostBuffer {
    fn new() -> Self {
        let layout = Layout::from_size_align(BUFFER_SIZE, 4096).unwrap();
        // SAFETY: non-zero size.
        let base = unsafe { alloc_zeroed(layout) };
        assert!(!base.is_null());
        Self { base, layout }
    }

    fn buffer(&self) -> Buffer {
        // SAFETY: BUFFER_SIZE bytes, page-aligned, live until drop; each
        // test makes each ring end once.
        unsafe { Buffer::at(self.base as usize) }
    }
}

impl Drop for HostBuffer {
    fn drop(&mut self) {
        // SAFETY: allocated in `new` with this layout.
        unsafe { dealloc(self.base, self.layout) };
    }
}

/// The kernel's ends of the rings.
struct Kernel {
    requests: Consumer<Request>,
    completions: Producer<Completion>,
}

impl Kernel {
    fn new(buffer: &Buffer) -> Self {
        buffer.reset(abi::ring::WORKER_SLEEPING);
        Self {
            requests: buffer.requests(),
            completions: buffer.completions(),
        }
    }

    /// Takes every request and answers them last first, with
    /// `nr * 1000 + args[0]`.
    fn serve_reversed(&mut self) -> usize {
        let mut taken = Vec::new();
        while let Some(request) = self.requests.pop() {
            taken.push(request);
        }
        for request in taken.iter().rev() {
            let result = (request.nr * 1000 + request.args[0]) as i64;
            self.completions
                .push(Completion {
                    user_data: request.user_data,
                    result,
                })
                .unwrap();
        }
        taken.len()
    }
}

/// A ring buffer in host memory, the kernel's ends of its rings and the
/// user's calls over it. The memory goes last: `_host` is the last field
/// (dropped after the others) and is bound first where a test takes a
/// rig apart (locals drop in reverse).
struct Rig {
    kernel: Kernel,
    calls: Rc<RefCell<RingCalls>>,
    _host: HostBuffer,
}

fn rig() -> Rig {
    let host = HostBuffer::new();
    let buffer = host.buffer();
    Rig {
        kernel: Kernel::new(&buffer),
        calls: Rc::new(RefCell::new(RingCalls::new(&buffer))),
        _host: host,
    }
}

/// A driver that submits, lets the test's kernel serve, and reaps.
struct RingDriver {
    calls: Rc<RefCell<RingCalls>>,
    kernel: Kernel,
    served: Vec<usize>,
}

impl Driver for RingDriver {
    fn after_pass(&mut self, _idle: bool) -> bool {
        let mut calls = self.calls.borrow_mut();
        calls.submit_staged();
        self.served.push(self.kernel.serve_reversed());
        calls.reap() > 0 || calls.staged() > 0
    }
}

#[test]
fn completions_reach_their_own_calls_whatever_their_order() {
    let Rig {
        _host,
        kernel,
        calls,
    } = rig();
    // Room for the five calls in flight, as the benchmarks reserve it.
    calls.borrow_mut().reserve(5);
    let results = Rc::new(RefCell::new(Vec::new()));
    let mut executor = Executor::new();
    for task in 0..5usize {
        let (calls, results) = (calls.clone(), results.clone());
        executor.spawn(async move {
            for round in 0..2usize {
                let arg = task * 10 + round;
                let got = RingCall::new(&calls, 172, [arg, 0, 0, 0, 0, 0]).await;
                results.borrow_mut().push((task, round, got));
            }
        });
    }
    let mut driver = RingDriver {
        calls: calls.clone(),
        kernel,
        served: Vec::new(),
    };
    assert_eq!(executor.run(&mut driver), Ok(()));
    let mut results = results.borrow().clone();
    results.sort();
    assert_eq!(results.len(), 10);
    for (task, round, got) in results {
        assert_eq!(got, 172_000 + (task * 10 + round) as i64);
    }
    // All five calls of a round went to the kernel in one pass.
    assert_eq!(driver.served, vec![5, 5]);
    assert_eq!(calls.borrow().in_flight(), 0);
    assert_eq!(calls.borrow().stray(), 0);
}

#[test]
fn stray_and_duplicate_completions_are_counted_not_trusted() {
    let Rig {
        _host,
        mut kernel,
        calls,
    } = rig();
    let mut call = Box::pin(RingCall::new(&calls, 1, [2, 0, 0, 0, 0, 0]));
    let waker = std::task::Waker::noop();
    let mut cx = Context::from_waker(waker);
    assert_eq!(call.as_mut().poll(&mut cx), Poll::Pending);
    assert_eq!(calls.borrow_mut().submit_staged(), 1);
    let request = kernel.requests.pop().unwrap();
    for user_data in [request.user_data, request.user_data, 999, u64::MAX] {
        kernel
            .completions
            .push(Completion {
                user_data,
                result: 7,
            })
            .unwrap();
    }
    assert_eq!(calls.borrow_mut().reap(), 4);
    assert_eq!(calls.borrow().stray(), 3);
    assert_eq!(call.as_mut().poll(&mut cx), Poll::Ready(7));
}

#[test]
fn a_dropped_call_frees_its_slot_when_its_completion_comes() {
    let Rig {
        _host,
        mut kernel,
        calls,
    } = rig();
    let waker = std::task::Waker::noop();
    let mut cx = Context::from_waker(waker);
    // Dropped while staged: never reaches the ring.
    let mut staged = Box::pin(RingCall::new(&calls, 1, [0; 6]));
    assert_eq!(staged.as_mut().poll(&mut cx), Poll::Pending);
    drop(staged);
    assert_eq!(calls.borrow().staged(), 0);
    // Dropped while in flight: its completion is not stray.
    let mut in_flight = Box::pin(RingCall::new(&calls, 1, [0; 6]));
    assert_eq!(in_flight.as_mut().poll(&mut cx), Poll::Pending);
    assert_eq!(calls.borrow_mut().submit_staged(), 1);
    drop(in_flight);
    assert_eq!(kernel.serve_reversed(), 1);
    assert_eq!(calls.borrow_mut().reap(), 1);
    assert_eq!(calls.borrow().stray(), 0);
    assert_eq!(calls.borrow().in_flight(), 0);
}

#[test]
fn more_calls_than_ring_slots_wait_staged_for_room() {
    let Rig {
        _host,
        kernel,
        calls,
    } = rig();
    let total = ENTRIES as usize + 100;
    let sum = Rc::new(Cell::new(0i64));
    let mut executor = Executor::new();
    for task in 0..total {
        let (calls, sum) = (calls.clone(), sum.clone());
        executor.spawn(async move {
            let got = RingCall::new(&calls, 0, [task, 0, 0, 0, 0, 0]).await;
            sum.set(sum.get() + got);
        });
    }
    let mut driver = RingDriver {
        calls: calls.clone(),
        kernel,
        served: Vec::new(),
    };
    assert_eq!(executor.run(&mut driver), Ok(()));
    assert_eq!(driver.served[..2], [ENTRIES as usize, 100]);
    assert_eq!(sum.get(), (0..total as i64).sum::<i64>());
}

/// The adaptive design's direct path: staged calls complete at once,
/// without touching the ring; a later ring call still works.
#[test]
fn staged_calls_can_run_directly() {
    let Rig {
        _host,
        mut kernel,
        calls,
    } = rig();
    let waker = std::task::Waker::noop();
    let mut cx = Context::from_waker(waker);
    let mut futures: Vec<_> = (0..3)
        .map(|i| Box::pin(RingCall::new(&calls, 5, [i, 0, 0, 0, 0, 0])))
        .collect();
    for f in &mut futures {
        assert_eq!(f.as_mut().poll(&mut cx), Poll::Pending);
    }
    let ran = calls
        .borrow_mut()
        .run_staged(|r| (r.nr * 100 + r.args[0]) as i64);
    assert_eq!(ran, 3);
    assert_eq!(calls.borrow().in_flight(), 0);
    for (i, f) in futures.iter_mut().enumerate() {
        assert_eq!(f.as_mut().poll(&mut cx), Poll::Ready(500 + i as i64));
    }
    assert_eq!(kernel.requests.ready(), 0, "nothing went through the ring");
    let mut ring = Box::pin(RingCall::new(&calls, 1, [9, 0, 0, 0, 0, 0]));
    assert_eq!(ring.as_mut().poll(&mut cx), Poll::Pending);
    calls.borrow_mut().submit_staged();
    assert!(!calls.borrow().completions_ready());
    kernel.serve_reversed();
    assert!(calls.borrow().completions_ready());
    calls.borrow_mut().reap();
    assert_eq!(ring.as_mut().poll(&mut cx), Poll::Ready(1009));
}

/// A call dropped while staged in the ring leaves it; the calls staged
/// after it keep their order and reach the kernel in one publication.
#[test]
fn a_dropped_staged_call_leaves_the_others_in_order() {
    let Rig {
        _host,
        mut kernel,
        calls,
    } = rig();
    let waker = std::task::Waker::noop();
    let mut cx = Context::from_waker(waker);
    let mut futures: Vec<_> = (0..4)
        .map(|i| Box::pin(RingCall::new(&calls, 7, [i, 0, 0, 0, 0, 0])))
        .collect();
    for f in &mut futures {
        assert_eq!(f.as_mut().poll(&mut cx), Poll::Pending);
    }
    assert_eq!(kernel.requests.ready(), 0, "staged, not published");
    drop(futures.remove(1));
    assert_eq!(calls.borrow().staged(), 3);
    assert_eq!(calls.borrow_mut().submit_staged(), 3);
    let args: Vec<u64> = core::iter::from_fn(|| kernel.requests.pop())
        .map(|r| r.args[0])
        .collect();
    assert_eq!(args, [0, 2, 3]);
}
