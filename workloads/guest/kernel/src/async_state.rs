//! Everything a process holds for the async designs: its shared syscall
//! buffer ([`AsyncRing`]), its user-interrupt state ([`UintrState`]), its
//! upcall ([`Upcall`]) and whether it waits in UINTR_WAIT; and the calls
//! 500..=513 that work on them ([`AsyncState::call`]). A process owns one
//! and hands it the syscall [`Context`] of its other parts when needed.

use crate::async_ring::{AsyncRing, Pass};
use crate::executor::TaskId;
use crate::fpu::FpState;
use crate::frames::{FramePool, FRAMES};
use crate::page_table::AddressSpace;
use crate::syscall::{self, Context};
use crate::trap::TrapFrame;
use crate::uintr::UintrState;
use crate::upcall::Upcall;
use crate::{smp, uintc, uintr_handles};
use abi::errno::{EBUSY, EINVAL, ENODEV, ENOSYS};
use abi::nr;
use abi::ring::{Mode, Notify};
use core::task::Waker;

const A0: usize = 10;
const A1: usize = 11;
const A2: usize = 12;
const A7: usize = 17;

/// What the process does after [`AsyncState::call`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcall {
    /// Back to user mode (a0 set, or the upcall's context restored).
    Resume,
    /// Blocked in UINTR_WAIT until [`AsyncState::wait_over`].
    Wait,
}

/// One process's async state.
#[derive(Default)]
pub struct AsyncState {
    ring: Option<AsyncRing>,
    uintr: UintrState,
    upcall: Upcall,
    waiting: bool,
}

impl AsyncState {
    /// Before the process runs: its user-interrupt state goes live.
    pub fn switch_in(&self) {
        self.uintr.switch_in();
    }

    /// After it ran: its user-interrupt state is saved, and a worker that
    /// waits for room in the completion ring looks again.
    pub fn switch_out(&mut self) {
        self.uintr.switch_out();
        if let Some(ring) = &mut self.ring {
            ring.user_ran();
        }
    }

    /// Before each return to user mode: enters the upcall handler if a
    /// notification waits (a0 = completions ready).
    pub fn deliver_upcall(&mut self, frame: &mut TrapFrame, fp: &FpState) {
        let ready = self.ring.as_ref().map_or(0, AsyncRing::completions_ready);
        self.upcall.deliver(frame, fp, ready as usize);
    }

    /// Serves call a7 = 500..=513 of the process whose registers are
    /// `frame` (after its ecall), with `ctx` its other parts.
    pub fn call(
        &mut self,
        ctx: &mut Context<'_>,
        frame: (&mut TrapFrame, &mut FpState),
    ) -> Outcall {
        let (frame, fp) = frame;
        let regs = frame.regs;
        let (a0, a1, a2) = (regs[A0], regs[A1], regs[A2]);
        let result = match regs[A7] {
            nr::ASYNC_SETUP => self.setup(ctx, a0, a1, a2),
            nr::ASYNC_WAKE => match &mut self.ring {
                Some(ring) if ring.mode == Mode::Wake => {
                    ring.wake();
                    0
                }
                _ => -EINVAL,
            },
            // Every request completes inside the call, so once it returns
            // the completions of all it took are in the ring: there is
            // nothing to wait for to honour `min_complete`.
            nr::ASYNC_ENTER => match &self.ring {
                Some(ring) if ring.mode == Mode::Enter => {
                    let limit = u32::try_from(a0).unwrap_or(u32::MAX);
                    self.serve_ring(ctx, limit)
                        .map_or(-EINVAL, |(_, done)| done as isize)
                }
                _ => -EINVAL,
            },
            nr::UPCALL_REGISTER => self.upcall.register(a0),
            nr::UPCALL_RETURN => {
                if self.upcall.finish(frame, fp) {
                    return Outcall::Resume; // the interrupted context, a0 too
                }
                -EINVAL
            }
            nr::UINTR_REGISTER_RECEIVER => self.uintr.register_receiver(a0),
            nr::UINTR_CREATE_HANDLE => match self.uintr.receiver() {
                Some(entry) => uintr_handles::create(ctx.pid, entry.index(), a0, a1),
                None if uintc::present() => -EINVAL,
                None => -ENODEV,
            },
            nr::UINTR_REGISTER_SENDER => {
                self.uintr.register_sender(ctx.pid, &mut FRAMES.lock(), a0)
            }
            nr::UINTR_WAIT => {
                if self.uintr.receiver().is_none() && !self.upcall.registered() {
                    -EINVAL
                } else if self.uintr.interrupt_pending(true) || self.upcall.pending() {
                    0
                } else {
                    frame.regs[A0] = 0;
                    self.waiting = true;
                    return Outcall::Wait;
                }
            }
            _ => -ENOSYS,
        };
        frame.regs[A0] = result as usize;
        Outcall::Resume
    }

    /// ASYNC_SETUP(mode, notify, worker_hart).
    fn setup(&mut self, ctx: &mut Context<'_>, mode: usize, notify: usize, hart: usize) -> isize {
        if self.ring.is_some() {
            return -EBUSY;
        }
        let space = &mut *ctx.memory.space;
        let here = smp::this_hart();
        match AsyncRing::setup(space, &mut FRAMES.lock(), mode, notify, hart, here) {
            Ok(ring) => {
                self.ring = Some(ring);
                abi::ring::USER_VA as isize
            }
            Err(errno) => errno,
        }
    }

    /// One pass over the request ring (at most `limit` requests), each
    /// served as if by an ecall of the process (`ctx`), then the
    /// notification of a waiting receiver if the pass completed
    /// something. None without a ring.
    pub fn serve_ring(&mut self, ctx: &mut Context<'_>, limit: u32) -> Option<(Pass, u32)> {
        let ring = self.ring.as_mut()?;
        let (pass, done) = ring.serve(limit, |request| syscall::handle_request(ctx, request));
        let can_notify = match ring.notify {
            Notify::Uintr => self.uintr.receiver().is_some(),
            Notify::Upcall => self.upcall.registered(),
            Notify::None => false,
        };
        if done > 0 && can_notify && ring.claim_notification() {
            match ring.notify {
                Notify::Uintr => {
                    self.uintr.notify();
                }
                _ => self.upcall.raise(),
            }
        }
        Some((pass, done))
    }

    /// The worker's sleep protocol step (see [`AsyncRing::try_sleep`]);
    /// false (keep working) without a ring.
    pub fn try_sleep(&mut self) -> bool {
        self.ring.as_mut().is_some_and(AsyncRing::try_sleep)
    }

    /// Whether ASYNC_WAKE came; else the worker's `waker` is kept for it.
    /// True without a ring (the worker then ends).
    pub fn take_wake(&mut self, waker: &Waker) -> bool {
        self.ring.as_mut().is_none_or(|ring| ring.take_wake(waker))
    }

    /// Whether the completion ring has room; else the worker's `waker`
    /// is woken after the process next runs. True without a ring.
    pub fn has_room(&mut self, waker: &Waker) -> bool {
        self.ring.as_mut().is_none_or(|ring| ring.has_room(waker))
    }

    /// A Mode::Wake ring whose worker is not spawned yet.
    pub fn needs_worker(&self) -> bool {
        self.ring
            .as_ref()
            .is_some_and(|r| r.mode == Mode::Wake && r.worker.is_none())
    }

    /// Records the spawned worker.
    pub fn set_worker(&mut self, task: TaskId) {
        if let Some(ring) = &mut self.ring {
            ring.worker = Some(task);
        }
    }

    /// The worker task, if any.
    pub fn worker(&self) -> Option<TaskId> {
        self.ring.as_ref().and_then(|r| r.worker)
    }

    /// Whether the process is blocked in UINTR_WAIT.
    pub fn is_waiting(&self) -> bool {
        self.waiting
    }

    /// If blocked in UINTR_WAIT: whether the wait is over (a user
    /// interrupt or an upcall is pending); clears the block if so.
    pub fn wait_over(&mut self) -> bool {
        if self.waiting && (self.uintr.interrupt_pending(false) || self.upcall.pending()) {
            self.waiting = false;
            return true;
        }
        false
    }

    /// Frees the ring (unmapped from `space`) and the UINTR state of
    /// process `pid`, which ended (its worker is cancelled already).
    pub fn release(&mut self, pid: usize, space: &mut AddressSpace, frames: &mut FramePool) {
        if let Some(ring) = self.ring.take() {
            ring.teardown(space, frames);
        }
        core::mem::take(&mut self.uintr).release(pid, frames);
    }
}
