//! The async hart: a secondary hart given this role ([`smp::start_service`])
//! serves the rings of processes on other harts. For a Mode::Wake ring it
//! runs the process's worker coroutine in its own [`Executor`] (the
//! "worker on another hart" placement of async-uintr/-trapnotify: the
//! user still wakes it, by ASYNC_WAKE, which also sends this hart an
//! IPI); for a Mode::Poll ring it is the IO core of async-poll: it looks
//! at the ring on every turn of its loop and never sleeps while it has
//! one, so the process never traps to submit. With nothing to do it waits
//! for an IPI.
//!
//! Processes attach by pid ([`attach`], from their ASYNC_SETUP); a ring
//! whose process ended is dropped when the loop finds it gone.

use crate::async_ring::{requests_hint, Pass};
use crate::executor::{Executor, TaskId};
use crate::kprintln;
use crate::process_shared::{self, MAX_PIDS};
use crate::smp::{self, ServiceContext, MAX_HARTS};
use crate::worker::{self, PASS_LIMIT};
use abi::errno::EBUSY;
use abi::ring::Mode;
use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};

const _: () = assert!(MAX_PIDS <= 64, "pid sets are u64 masks");

/// Turns of the loop between two looks at an idle polled ring under its
/// lock (to notice that its process ended).
const LIVENESS_TURNS: u64 = 256;

/// Pids attached to the service of each hart.
static ATTACHED: [AtomicU64; MAX_HARTS] = [const { AtomicU64::new(0) }; MAX_HARTS];
/// Whether each hart runs the service.
static RUNNING: [AtomicBool; MAX_HARTS] = [const { AtomicBool::new(false) }; MAX_HARTS];

/// Hands process `pid`'s ring to the async hart `hart`, giving the hart
/// that role first if it is idle; -EBUSY if it has another role (it runs
/// processes) or is this hart.
pub fn attach(hart: usize, pid: usize) -> Result<(), isize> {
    if hart >= MAX_HARTS || pid >= MAX_PIDS || hart == smp::this_hart() {
        return Err(-EBUSY);
    }
    ATTACHED[hart].fetch_or(1 << pid, Ordering::AcqRel);
    if !RUNNING[hart].swap(true, Ordering::AcqRel) {
        if let Err(e) = smp::start_service(hart, service) {
            kprintln!("kernel: hart {hart} cannot serve rings: {e:?}");
            RUNNING[hart].store(false, Ordering::Release);
            ATTACHED[hart].fetch_and(!(1 << pid), Ordering::AcqRel);
            return Err(-EBUSY);
        }
    }
    let _ = smp::send_ipi(hart);
    Ok(())
}

/// The mode and buffer address of process `pid`'s ring, if it has one.
fn ring_mode(pid: usize) -> Option<(Mode, usize)> {
    let guard = process_shared::slot(pid)?.lock();
    let ring = guard.as_ref()?.ring.as_ref()?;
    Some((ring.mode, ring.buffer_base()))
}

/// The loop of an async hart (never returns: the role lasts until
/// power-off).
fn service(ctx: &ServiceContext) {
    let hart = ctx.hart();
    let mut executor = Executor::new();
    let mut workers: [Option<TaskId>; MAX_PIDS] = [None; MAX_PIDS];
    let mut buffers = [0usize; MAX_PIDS];
    let mut known = 0u64;
    let mut polled = 0u64;
    let mut turn = 0u64;
    loop {
        turn = turn.wrapping_add(1);
        let attached = ATTACHED[hart].load(Ordering::Acquire);
        for pid in pids(attached & !known) {
            known |= 1 << pid;
            match ring_mode(pid) {
                Some((Mode::Wake, _)) => match executor.spawn(worker::worker(pid)) {
                    Ok(task) => workers[pid] = Some(task),
                    Err(e) => kprintln!("process {pid}: no worker on hart {hart}: {e:?}"),
                },
                Some((Mode::Poll, base)) => {
                    polled |= 1 << pid;
                    buffers[pid] = base;
                }
                _ => {}
            }
        }
        let mut busy = false;
        for pid in pids(polled) {
            // Lock the process only when its ring seems to have work (the
            // process's own calls take the same lock), or now and then to
            // find out whether it is still there.
            if !requests_hint(buffers[pid]) && !turn.is_multiple_of(LIVENESS_TURNS) {
                continue;
            }
            match worker::serve_pass(pid, PASS_LIMIT) {
                None => polled &= !(1 << pid),
                Some(Pass::Idle) => {}
                Some(_) => busy = true,
            }
        }
        for (pid, task) in workers.iter_mut().enumerate() {
            if let Some(id) = *task {
                executor.poll(id);
                if !executor.is_alive(id) {
                    *task = None;
                }
            } else if known & (1 << pid) != 0 && polled & (1 << pid) == 0 {
                // Its ring is gone (or never was a served one): forget it.
                known &= !(1 << pid);
                ATTACHED[hart].fetch_and(!(1 << pid), Ordering::AcqRel);
            }
        }
        if polled == 0 && !busy && !executor.any_ready() {
            smp::wait_for_ipi();
        }
    }
}

/// The pids in `set`.
fn pids(set: u64) -> impl Iterator<Item = usize> {
    (0..MAX_PIDS).filter(move |&pid| set & (1 << pid) != 0)
}
