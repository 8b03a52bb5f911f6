//! Per-hart run queues. A process is placed on one hart when it is loaded
//! (`init=name@hart`, see [`crate::cmdline::placement`]) and stays there:
//! each hart runs its own [`Scheduler`] round-robin with its own timer,
//! so processes on different harts run in parallel and a process is never
//! on two harts. Hart 0 runs its queue from `kmain`; every other hart
//! with processes gets [`run_service`] as its role ([`smp::start_service`])
//! and reports back when its queue is empty.
//!
//! Shared state the loop touches — the frame pool, the shared objects
//! (file store, pipes, endpoints), the console, the queues themselves —
//! is behind spin locks. A queue is locked only to pick, put back or
//! release a process: the running one is taken out, so another hart may
//! lock the queue at any time (e.g. to make a process Ready and IPI the
//! hart, which then stops idling).
//!
//! A process blocked in a pipe or IPC call is made Ready by its own hart:
//! a wake-up from any hart leaves the pid in this hart's woken set and
//! sends an IPI, which ends the idle wait; each turn of the loop applies
//! the set under the queue's lock before it picks, and ends the processes
//! chosen to break a deadlock (see [`crate::objects`]).

use core::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use crate::clock::Clock;
use crate::executor::Executor;
use crate::lock::SpinLock;
use crate::objects::{self, OBJECTS};
use crate::process::{Event, Outcome, Placed};
use crate::scheduler::Scheduler;
use crate::smp::{self, HartMask, ServiceContext, SmpError, MAX_HARTS};
use crate::{kprintln, sbi, timer, trap, uintr, worker};

/// Time slice of a process before the timer preempts it.
pub const TIME_SLICE_NS: u64 = 5_000_000;
/// How often a process blocked in UINTR_WAIT looks for a user interrupt
/// sent from another hart.
const WAIT_POLL_NS: u64 = 20_000;

/// The run queue of each hart.
pub static QUEUES: [SpinLock<Scheduler<Placed>>; MAX_HARTS] =
    [const { SpinLock::new(Scheduler::new()) }; MAX_HARTS];

/// Harts whose dispatched queue ran empty, and those where a process failed.
static FINISHED: AtomicUsize = AtomicUsize::new(0);
static FAILED: AtomicUsize = AtomicUsize::new(0);
/// The hart that waits for the others ([`dispatch`]'s caller).
static REPORT_TO: AtomicUsize = AtomicUsize::new(0);
/// Timebase of the `time` CSR (Hz) for every hart's [`Clock`].
static TIMEBASE_HZ: AtomicU64 = AtomicU64::new(0);

/// Sets the timebase the queues' clocks use (0 = the default).
pub fn set_timebase(hz: u64) {
    TIMEBASE_HZ.store(hz, Ordering::SeqCst);
}

/// The clock of every hart (the timebase from the device tree).
pub fn clock() -> Clock {
    Clock::new(TIMEBASE_HZ.load(Ordering::SeqCst))
}

/// Starts every hart other than the caller whose queue holds processes;
/// returns the set started. A hart that cannot take the role keeps its
/// processes, which are reported and dropped, and counts as failed.
pub fn dispatch() -> HartMask {
    let me = smp::this_hart();
    REPORT_TO.store(me, Ordering::SeqCst);
    let mut started = 0;
    for hart in (0..MAX_HARTS).filter(|&h| h != me) {
        if QUEUES[hart].lock().is_empty() {
            continue;
        }
        match smp::start_service(hart, run_service) {
            Ok(()) => started |= 1 << hart,
            Err(e) => {
                kprintln!("kernel: hart {hart} cannot run processes: {e:?}");
                discard(&mut QUEUES[hart].lock());
                FAILED.fetch_or(1 << hart, Ordering::SeqCst);
            }
        }
    }
    started
}

/// Frees the processes of a queue that will never run.
fn discard(queue: &mut Scheduler<Placed>) {
    for slot in 0..crate::scheduler::MAX_PROCESSES {
        if let Some(process) = queue.remove(slot) {
            kprintln!("process {} dropped", process.pid);
            process.into_inner().destroy();
        }
    }
}

/// Runs this hart's own queue until it is empty; whether every process
/// exited with 0 (and no hart failed to take its processes).
pub fn run_own() -> bool {
    let hart = smp::this_hart();
    let passed = run_queue(hart);
    passed && FAILED.load(Ordering::SeqCst) == 0
}

/// Waits until every hart of `harts` finished its queue; whether all of
/// their processes exited with 0.
pub fn wait_for(harts: HartMask) -> bool {
    while FINISHED.load(Ordering::SeqCst) & harts != harts {
        smp::wait_for_ipi();
    }
    FAILED.load(Ordering::SeqCst) & harts == 0
}

/// The role of a secondary hart with processes: run them, report, idle.
fn run_service(ctx: &ServiceContext) {
    let hart = ctx.hart();
    if !run_queue(hart) {
        FAILED.fetch_or(1 << hart, Ordering::SeqCst);
    }
    FINISHED.fetch_or(1 << hart, Ordering::SeqCst);
    if let Err(SmpError::Sbi(e)) = smp::send_ipi(REPORT_TO.load(Ordering::SeqCst)) {
        kprintln!("kernel: hart {hart} cannot report: {e:?}");
    }
}

fn run_queue(hart: usize) -> bool {
    timer::enable_interrupt();
    uintr::init_hart();
    // The queue ends with the timer disarmed: an idle hart's wfi stays asleep.
    schedule(&QUEUES[hart], &clock())
}

/// Runs the processes of `queue` until none is left; returns whether every
/// one exited with 0. Each runs until its slice ends (timer), it yields,
/// sleeps, blocks or ends; with nothing Ready the hart waits for the next
/// wake-up or an IPI. The queue is locked only between runs: a running
/// process is taken out of it, so other harts can reach the queue
/// meanwhile.
fn schedule(queue: &SpinLock<Scheduler<Placed>>, clock: &Clock) -> bool {
    let slice = clock.ns_to_ticks(TIME_SLICE_NS);
    let wait_poll = clock.ns_to_ticks(WAIT_POLL_NS);
    let mut all_passed = true;
    let mut executor = Executor::new();
    let hart = smp::this_hart();
    loop {
        all_passed &= end_doomed(queue, hart, &mut executor);
        worker::run_kernel_tasks(queue, &mut executor);
        let now = timer::now();
        let (picked, wake) = {
            let mut queue = queue.lock();
            if queue.is_empty() {
                break;
            }
            let woken = objects::take_woken(hart);
            if woken != 0 {
                queue.unblock_if(|p| woken & (1 << p.pid) != 0);
            }
            queue.wake(now);
            let wake = queue.next_wake().unwrap_or(u64::MAX);
            let picked = queue
                .pick()
                .and_then(|slot| Some((slot, queue.take(slot)?)));
            (picked, wake)
        };
        let Some((slot, mut process)) = picked else {
            if executor.any_ready() {
                continue; // a kernel task has work: no idling
            }
            arm_timer(wake);
            if timer::now() < wake {
                // sie.STIE is on: the deadline or an IPI ends the wait.
                smp::wait_for_ipi();
            }
            continue;
        };
        arm_timer(wake.min(now.saturating_add(slice)));
        process.activate();
        let event = process.run(clock, &OBJECTS);
        let outcome = match event {
            Event::Interrupted | Event::Yielded => {
                put_back(queue, slot, process, None);
                continue;
            }
            Event::Sleeping(deadline) => {
                put_back(queue, slot, process, Some(deadline));
                continue;
            }
            // Until `worker::run_kernel_tasks` finds the wait over (at
            // once, for a notification from this hart or, with its IPI,
            // from a worker on another), or the process looks again after
            // `wait_poll` (a user sender on another hart sends no IPI).
            Event::Waiting => {
                let deadline = timer::now().saturating_add(wait_poll);
                put_back(queue, slot, process, Some(deadline));
                continue;
            }
            // Registered as blocked already; a wake-up that came in the
            // meantime is in this hart's woken set, applied next turn.
            Event::Blocked => {
                if let Err(process) = queue.lock().block_back(slot, process) {
                    lost(slot, &process);
                }
                continue;
            }
            Event::Ended(outcome) => outcome,
        };
        queue.lock().release(slot);
        all_passed &= end(process, Some(outcome), &mut executor);
    }
    arm_timer(u64::MAX);
    if executor.len() != 0 {
        kprintln!("kernel: {} kernel tasks left", executor.len());
        all_passed = false;
    }
    all_passed
}

/// Returns a process that ran to its reserved slot.
fn put_back(
    queue: &SpinLock<Scheduler<Placed>>,
    slot: usize,
    process: Placed,
    sleep_until: Option<u64>,
) {
    if let Err(process) = queue.lock().put_back(slot, process, sleep_until) {
        lost(slot, &process);
    }
}

/// Only this hart touches a Running slot: a kernel bug if it moved.
fn lost(slot: usize, process: &Placed) -> ! {
    kprintln!(
        "kernel: run queue slot {slot} of process {} lost",
        process.pid
    );
    sbi::shutdown(false)
}

/// Ends the processes of this hart chosen to break a deadlock (every
/// process on every hart was blocked); returns whether there were none.
/// Ending one can doom the next (the rest may still be deadlocked), on
/// this hart too, which sends no IPI: so it looks again until no more
/// are doomed here, rather than idle with one left.
fn end_doomed(queue: &SpinLock<Scheduler<Placed>>, hart: usize, executor: &mut Executor) -> bool {
    let mut none = true;
    loop {
        let doomed = objects::take_doomed(hart);
        if doomed == 0 {
            return none;
        }
        none = false;
        while let Some(process) = queue.lock().remove_if(|p| doomed & (1 << p.pid) != 0) {
            kprintln!(
                "process {}: deadlock, every process is blocked",
                process.pid
            );
            end(process, None, executor);
        }
    }
}

/// Ends `process` (out of the queue): reports how it ended (`None`:
/// killed by the kernel, already reported), cancels its worker and frees
/// what it held (waking whoever that unblocks, so their reports come
/// after this one). Returns whether it exited with 0.
fn end(process: Placed, outcome: Option<Outcome>, executor: &mut Executor) -> bool {
    let passed = report(process.pid, outcome);
    if let Some(task) = process.local_worker() {
        executor.cancel(task);
    }
    process.into_inner().destroy();
    passed
}

/// Prints how process `pid` ended; whether it exited with 0.
fn report(pid: usize, outcome: Option<Outcome>) -> bool {
    match outcome {
        Some(Outcome::Exited(code)) => {
            kprintln!("process {pid} exited with code {code}");
            code == 0
        }
        Some(Outcome::Killed { cause, pc, tval }) => {
            kprintln!(
                "process {pid} killed by {} (scause={cause:#x} sepc={pc:#x} stval={tval:#x})",
                trap::cause_name(cause)
            );
            false
        }
        None => false,
    }
}

/// Programs the timer; a firmware that refuses is fatal (no preemption).
fn arm_timer(deadline: u64) {
    if let Err(e) = sbi::set_timer(deadline) {
        kprintln!("kernel: set_timer failed: {e:?}");
        sbi::shutdown(false)
    }
}
