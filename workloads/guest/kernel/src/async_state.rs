//! The async designs' state of one process and the calls 500..=513 on it
//! (and the channel calls 530..=539, [`crate::channel`], which need the
//! process's address space like ASYNC_SETUP).
//! Hart-local parts (its user-interrupt CSRs, its upcall's saved context,
//! whether it waits in UINTR_WAIT) live in [`AsyncState`], owned by the
//! process; the parts a worker on another hart needs (the ring, where
//! notifications go) live in its [`Resources`] behind the process's lock.
//! [`serve_ring`] is the one pass every mode runs, wherever it runs.

use crate::async_ring::{AsyncRing, Pass, SAME_HART};
use crate::fpu::FpState;
use crate::frames::FRAMES;
use crate::io_service;
use crate::memory_syscalls::Memory;
use crate::process_shared::{self, NotifyTarget, Resources};
use crate::smp;
use crate::syscall::{self, Context};
use crate::trap::TrapFrame;
use crate::uintr::UintrState;
use crate::upcall::Upcall;
use crate::{uintc, uintr_handles};
use abi::errno::{EBUSY, EINVAL, ENODEV, ENOSYS};
use abi::nr;
use abi::ring::{Mode, Notify};

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

/// One process's hart-local async state.
#[derive(Default)]
pub struct AsyncState {
    uintr: UintrState,
    upcall: Upcall,
    waiting: bool,
}

impl AsyncState {
    /// Before the process runs: its user-interrupt state goes live.
    pub fn switch_in(&self) {
        self.uintr.switch_in();
    }

    /// After it ran: its user-interrupt state is saved.
    pub fn switch_out(&mut self) {
        self.uintr.switch_out();
    }

    /// Before each return to user mode of process `pid`: enters the upcall
    /// handler if a notification waits (a0 = completions ready).
    pub fn deliver_upcall(&mut self, pid: usize, frame: &mut TrapFrame, fp: &FpState) {
        if !self.upcall.can_deliver() || !process_shared::upcall_raised(pid) {
            return;
        }
        let ready = process_shared::slot(pid)
            .and_then(|slot| {
                let guard = slot.lock();
                let ring = guard.as_ref()?.ring.as_ref()?;
                Some(ring.completions_ready())
            })
            .unwrap_or(0);
        if process_shared::take_upcall(pid) {
            self.upcall.deliver(frame, fp, ready as usize);
        }
    }

    /// Serves call a7 = 500..=513 of process `ctx.pid` whose registers are
    /// `frame` (after its ecall); `ring` and `notify` are its shared parts.
    pub fn call(
        &mut self,
        ctx: &mut Context<'_>,
        ring: &mut Option<AsyncRing>,
        notify: &mut NotifyTarget,
        frame: (&mut TrapFrame, &mut FpState),
    ) -> Outcall {
        let (frame, fp) = frame;
        let regs = frame.regs;
        let (a0, a1, a2) = (regs[A0], regs[A1], regs[A2]);
        let result = match regs[A7] {
            nr::ASYNC_SETUP => setup(ctx, ring, a0, a1, a2),
            nr::ASYNC_WAKE => match ring {
                Some(ring) if ring.mode == Mode::Wake => {
                    ring.wake();
                    if let Some(hart) = ring.worker_hart {
                        // The worker's hart may sleep in wfi.
                        let _ = smp::send_ipi(hart);
                    }
                    0
                }
                _ => -EINVAL,
            },
            // Every request completes inside the call, so once it returns
            // the completions of all it took are in the ring: there is
            // nothing to wait for to honour `min_complete`.
            nr::ASYNC_ENTER => match ring {
                Some(r) if r.mode == Mode::Enter => {
                    let limit = u32::try_from(a0).unwrap_or(u32::MAX);
                    let (_, done) = serve_ring(ring, notify, ctx, limit);
                    done as isize
                }
                _ => -EINVAL,
            },
            nr::UPCALL_REGISTER => {
                let result = self.upcall.register(a0);
                notify.upcall_registered |= result == 0;
                result
            }
            nr::UPCALL_RETURN => {
                if self.upcall.finish(frame, fp) {
                    return Outcall::Resume; // the interrupted context, a0 too
                }
                -EINVAL
            }
            nr::UINTR_REGISTER_RECEIVER => {
                let result = self.uintr.register_receiver(a0);
                notify.entry = self.uintr.receiver();
                result
            }
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
                } else if self.uintr.interrupt_pending(true)
                    || process_shared::upcall_raised(ctx.pid)
                {
                    0
                } else {
                    frame.regs[A0] = 0;
                    self.waiting = true;
                    return Outcall::Wait;
                }
            }
            nr::CHANNEL_FIRST..=nr::CHANNEL_LAST => {
                crate::channel::call(ctx.pid, ctx.memory.space, regs[A7], a0)
            }
            _ => -ENOSYS,
        };
        frame.regs[A0] = result as usize;
        Outcall::Resume
    }

    /// Whether the process is blocked in UINTR_WAIT.
    pub fn is_waiting(&self) -> bool {
        self.waiting
    }

    /// If process `pid` is blocked in UINTR_WAIT: whether the wait is
    /// over (a user interrupt or an upcall is pending); clears the block
    /// if so.
    pub fn wait_over(&mut self, pid: usize) -> bool {
        if self.waiting
            && (self.uintr.interrupt_pending(false) || process_shared::upcall_raised(pid))
        {
            self.waiting = false;
            return true;
        }
        false
    }

    /// Frees the UINTR state of process `pid`, which ended.
    pub fn release(&mut self, pid: usize) {
        core::mem::take(&mut self.uintr).release(pid, &mut FRAMES.lock());
    }
}

/// ASYNC_SETUP(mode, notify, worker_hart) of process `ctx.pid`.
fn setup(
    ctx: &mut Context<'_>,
    ring: &mut Option<AsyncRing>,
    mode: usize,
    notify: usize,
    hart: usize,
) -> isize {
    if ring.is_some() {
        return -EBUSY;
    }
    let here = smp::this_hart();
    let worker_hart = match Mode::from_raw(mode) {
        // The IO core: the one named, else the last other hart that can
        // take the role (not the boot hart).
        Some(Mode::Poll) if hart == SAME_HART => {
            match (0..smp::MAX_HARTS)
                .rev()
                .find(|&h| h != here && smp::takes_roles(h))
            {
                Some(h) => h,
                None => return -ENODEV,
            }
        }
        _ => hart,
    };
    let space = &mut *ctx.memory.space;
    let made = AsyncRing::setup(space, &mut FRAMES.lock(), mode, notify, worker_hart, here);
    let new = match made {
        Ok(new) => new,
        Err(errno) => return errno,
    };
    let remote = new.worker_hart;
    *ring = Some(new);
    if let Some(hart) = remote {
        if let Err(errno) = io_service::attach(hart, ctx.pid) {
            if let Some(ring) = ring.take() {
                ring.teardown(ctx.memory.space, &mut FRAMES.lock());
            }
            return errno;
        }
    }
    abi::ring::USER_VA as isize
}

/// One pass over `ring` (at most `limit` requests), each served as if by
/// an ecall of the process (`ctx`), then the notification of a waiting
/// receiver (`notify`) if the pass completed something. (Idle, 0)
/// without a ring.
pub fn serve_ring(
    ring: &mut Option<AsyncRing>,
    notify: &mut NotifyTarget,
    ctx: &mut Context<'_>,
    limit: u32,
) -> (Pass, u32) {
    let Some(ring) = ring else {
        return (Pass::Idle, 0);
    };
    let (pass, done) = ring.serve(limit, |request| syscall::handle_request(ctx, request));
    let can_notify = match ring.notify {
        Notify::Uintr => notify.entry.is_some(),
        Notify::Upcall => notify.upcall_registered,
        Notify::None => false,
    };
    if done > 0 && can_notify && ring.claim_notification() {
        match (ring.notify, notify.entry) {
            (Notify::Uintr, Some(entry)) => entry.send(crate::uintr::KERNEL_VECTOR),
            _ => process_shared::raise_upcall(ctx.pid),
        }
        if notify.hart != smp::this_hart() {
            // A receiver blocked there is picked up at once.
            let _ = smp::send_ipi(notify.hart);
        }
    }
    (pass, done)
}

/// Takes the shared parts of `res` apart for a syscall of process `pid`.
pub fn split<'a>(
    res: &'a mut Resources,
    pid: usize,
    objects: &'a crate::lock::SpinLock<crate::objects::Objects>,
    clock: &'a crate::clock::Clock,
) -> (Context<'a>, &'a mut Option<AsyncRing>, &'a mut NotifyTarget) {
    let Resources {
        space,
        mmap,
        files,
        ring,
        notify,
    } = res;
    let ctx = Context {
        pid,
        memory: Memory {
            space,
            mmap,
            process_hart: notify.hart,
        },
        files,
        objects,
        clock,
    };
    (ctx, ring, notify)
}
