//! The `Syscalls` layer: one way for a coroutine to make a syscall,
//! whatever design the run selected. Under `sync` a call is an `ecall`
//! made when its future is first polled; under every ring design it is
//! a [`RingCall`] that the design's [`Doorbell`] submits after the pass.
//! [`setup`] makes the calls a design needs before the measurement
//! (ring, receiver, upcall handler) and fails, never hangs, if the
//! kernel refuses one.

use crate::async_calls::{self, SAME_HART};
use crate::doorbell::{Block, Doorbell, WaitStrategy};
use crate::ring_calls::{RingCall, RingCalls};
use crate::sys::syscall6;
use abi::design::Design;
use abi::ring::{Buffer, Mode, Notify};
use alloc::rc::Rc;
use core::cell::RefCell;
use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

/// Adaptive: a pass with fewer requests than this runs them as plain
/// ecalls. 8 is the lowest concurrency of the seed's sweep; below it the
/// wake and wait traps of the ring path cost more than they save.
pub const DEFAULT_THRESHOLD: usize = 8;

/// Design parameters beyond the design's name.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// The kernel worker's hart; `None` = the process's own hart.
    pub worker_hart: Option<usize>,
    /// See [`DEFAULT_THRESHOLD`].
    pub threshold: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            worker_hart: None,
            threshold: DEFAULT_THRESHOLD,
        }
    }
}

/// Why a design cannot run on this kernel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetupError {
    /// The design is not one the `Syscalls` layer serves (IPC designs
    /// have their own programs).
    NotASyscallDesign(Design),
    /// The kernel refused a set-up call with this errno (negative).
    Refused { call: &'static str, errno: isize },
}

impl fmt::Display for SetupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SetupError::NotASyscallDesign(d) => {
                write!(f, "design {} is not a syscall design", d.name())
            }
            SetupError::Refused { call, errno } => {
                write!(
                    f,
                    "the kernel refused {call}: {errno} ({})",
                    errno_name(*errno)
                )
            }
        }
    }
}

/// Short name of an error number (for messages).
pub fn errno_name(errno: isize) -> &'static str {
    use abi::errno::*;
    match -errno {
        ENOSYS => "ENOSYS: call not implemented",
        ENODEV => "ENODEV: not supported on this machine or kernel",
        EINVAL => "EINVAL",
        ENOMEM => "ENOMEM",
        EBUSY => "EBUSY",
        EFAULT => "EFAULT",
        _ => "error",
    }
}

/// A handle to make syscalls under the run's design (clone it into
/// every coroutine).
#[derive(Clone)]
pub struct Syscalls {
    /// None under `sync`.
    ring: Option<Rc<RefCell<RingCalls>>>,
}

impl Syscalls {
    /// Room for `calls` calls in flight without allocating (before a
    /// measurement).
    pub fn reserve(&self, calls: usize) {
        if let Some(ring) = &self.ring {
            ring.borrow_mut().reserve(calls);
        }
    }

    /// Syscall `nr(args)`; the future resolves to its result (negative
    /// = -errno).
    pub fn call(&self, nr: usize, args: [usize; 6]) -> SyscallFuture<'_> {
        match &self.ring {
            None => SyscallFuture::Sync(Some((nr, args))),
            Some(ring) => SyscallFuture::Ring(RingCall::new(ring, nr, args)),
        }
    }
}

/// The future of [`Syscalls::call`].
pub enum SyscallFuture<'a> {
    /// Made as an ecall on the first poll.
    Sync(Option<(usize, [usize; 6])>),
    Ring(RingCall<'a>),
}

impl Future for SyscallFuture<'_> {
    type Output = i64;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<i64> {
        match self.get_mut() {
            SyscallFuture::Sync(call) => Poll::Ready(match call.take() {
                Some((nr, args)) => syscall6(nr, args) as i64,
                None => -abi::errno::EINVAL as i64,
            }),
            SyscallFuture::Ring(call) => Pin::new(call).poll(cx),
        }
    }
}

/// Makes the set-up calls of `design`: nothing for `sync`; the shared
/// buffer (ASYNC_SETUP) and the notification entry (UINTR receiver or
/// upcall handler) for the ring designs. Returns the handle for the
/// coroutines and the doorbell for the executor.
pub fn setup(design: Design, options: Options) -> Result<(Syscalls, Doorbell), SetupError> {
    let hart = options.worker_hart.unwrap_or(SAME_HART);
    let same_hart = options.worker_hart.is_none();
    let (mode, notify, wait) = match design {
        Design::Sync => return Ok((Syscalls { ring: None }, Doorbell::sync())),
        Design::AsyncUintr | Design::Adaptive => (Mode::Wake, Notify::Uintr, Block::Uintr.into()),
        Design::AsyncTrapnotify => (Mode::Wake, Notify::Upcall, Block::Upcall.into()),
        Design::AsyncPoll => (Mode::Poll, Notify::None, WaitStrategy::Spin { then: None }),
        Design::Batch => (Mode::Enter, Notify::None, WaitStrategy::Enter),
        Design::IpcSync | Design::IpcUintr => return Err(SetupError::NotASyscallDesign(design)),
    };
    // The receiver blocks when the worker shares its hart, else spins.
    let wait = match wait {
        WaitStrategy::Block(block) if !same_hart => WaitStrategy::Spin { then: Some(block) },
        other => other,
    };
    let base = async_calls::setup(mode, notify, hart);
    if base < 0 {
        return Err(SetupError::Refused {
            call: "async_setup",
            errno: base,
        });
    }
    let registered = match notify {
        Notify::Uintr => Some(("uintr_register_receiver", crate::uintr::register_receiver())),
        Notify::Upcall => Some(("upcall_register", crate::upcall::register())),
        Notify::None => None,
    };
    if let Some((call, errno)) = registered.filter(|(_, r)| *r < 0) {
        return Err(SetupError::Refused { call, errno });
    }
    // SAFETY: ASYNC_SETUP mapped BUFFER_SIZE bytes read-write at `base`
    // for the rest of the process's life; it succeeds once per process,
    // so these are the only user ring ends.
    let buffer = unsafe { Buffer::at(base as usize) };
    let ring = Rc::new(RefCell::new(RingCalls::new(&buffer)));
    let doorbell = Doorbell::ring(design, mode, wait, buffer, ring.clone(), options.threshold);
    Ok((Syscalls { ring: Some(ring) }, doorbell))
}
