//! What each design does between two executor passes (the executor's
//! [`Driver`]): submit the requests the pass staged, tell the kernel in
//! the design's way, collect completions, and wait when no coroutine can
//! run.
//!
//! - async-uintr / async-trapnotify (Mode::Wake): after pushing, swap
//!   the header's worker state to RUNNING and trap with ASYNC_WAKE only
//!   if it was SLEEPING (the protocol of [`abi::ring`]), at most once a
//!   pass. To wait: announce `receiver_waiting`, look at the completion
//!   ring again, and only then block in UINTR_WAIT (worker on this hart)
//!   or spin without trapping (worker on another hart; blocking after a
//!   millisecond without completions, in case it shares the hart).
//! - async-poll: push only; a kernel hart polls. Spin to wait.
//! - batch: one ASYNC_ENTER per pass with every request in flight; the
//!   results are in the ring when it returns.
//! - adaptive: a pass that staged fewer than the threshold runs them as
//!   plain ecalls, else as async-uintr.
//!
//! Every kernel refusal or missing progress ends the run with an error
//! ([`Doorbell::error`]) instead of a hang.

use crate::executor::Driver;
use crate::ring_calls::RingCalls;
use crate::sys::syscall6;
use crate::{async_calls, uintr};
use abi::design::Design;
use abi::ring::{Buffer, Mode, WORKER_RUNNING, WORKER_SLEEPING};
use alloc::rc::Rc;
use core::cell::RefCell;
use core::sync::atomic::Ordering;

/// How the receiver blocks in the kernel until notified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Block {
    /// UINTR_WAIT with user interrupts off around the last check.
    Uintr,
    /// UINTR_WAIT (which also ends on an upcall); the upcall is delivered
    /// by the kernel on its return, so nothing can slip in between.
    Upcall,
}

impl From<Block> for WaitStrategy {
    fn from(block: Block) -> Self {
        WaitStrategy::Block(block)
    }
}

/// How the receiver waits for completions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitStrategy {
    /// Block in the kernel (the worker shares this hart).
    Block(Block),
    /// Poll the completion ring without trapping (the worker runs on
    /// another hart). If nothing comes for [`SPIN_BEFORE_BLOCK`] spins
    /// and the design has a notification, block like `then`: the worker
    /// may be on this hart after all (`worker_hart=` named it), and it
    /// runs only when the process leaves the CPU.
    Spin { then: Option<Block> },
    /// ASYNC_ENTER until the requests in flight completed.
    Enter,
}

/// Spins before [`WaitStrategy::Spin`] falls back to blocking: about a
/// millisecond at 1 GHz, far more than a kernel pass on another hart.
const SPIN_BEFORE_BLOCK: u64 = 1 << 18;
/// Spins without a completion before a run that cannot block is
/// declared stuck.
const SPIN_LIMIT: u64 = 1 << 26;
/// Waits or enters in a row that bring no completion before the run is
/// declared stuck.
const EMPTY_WAIT_LIMIT: u32 = 1000;

/// Counts of what the doorbell did (traps it made, by kind).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// ASYNC_WAKE calls.
    pub wakes: u64,
    /// ASYNC_ENTER calls.
    pub enters: u64,
    /// UINTR_WAIT calls.
    pub waits: u64,
    /// Requests run as plain ecalls (adaptive's sync path).
    pub direct: u64,
    /// Requests pushed into the ring.
    pub pushed: u64,
}

/// Why the run stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DoorbellError {
    /// A call of the design failed with this errno.
    Refused { call: &'static str, errno: isize },
    /// Requests in flight but no completion came.
    NoProgress { in_flight: u32 },
    /// Requests staged but the request ring takes none though nothing
    /// is in flight (the kernel's published head is wrong).
    RingStuck,
    /// Tasks wait but nothing is in flight (a coroutine waits for
    /// something that is not a syscall).
    NothingInFlight,
}

impl core::fmt::Display for DoorbellError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            DoorbellError::Refused { call, errno } => write!(
                f,
                "{call} failed: {errno} ({})",
                crate::syscalls::errno_name(*errno)
            ),
            DoorbellError::NoProgress { in_flight } => {
                write!(f, "{in_flight} requests in flight but no completion came")
            }
            DoorbellError::RingStuck => write!(f, "the request ring takes no request"),
            DoorbellError::NothingInFlight => {
                write!(f, "coroutines wait but no syscall is in flight")
            }
        }
    }
}

struct RingSide {
    mode: Mode,
    wait: WaitStrategy,
    buffer: Buffer,
    calls: Rc<RefCell<RingCalls>>,
}

/// The executor's driver for one design.
pub struct Doorbell {
    design: Design,
    /// None under `sync`.
    ring: Option<RingSide>,
    threshold: usize,
    stats: Stats,
    error: Option<DoorbellError>,
}

impl Doorbell {
    /// `sync`: calls complete inside their poll; nothing to do between
    /// passes.
    pub(crate) fn sync() -> Self {
        Self {
            design: Design::Sync,
            ring: None,
            threshold: 0,
            stats: Stats::default(),
            error: None,
        }
    }

    /// A ring design over `buffer`.
    pub(crate) fn ring(
        design: Design,
        mode: Mode,
        wait: WaitStrategy,
        buffer: Buffer,
        calls: Rc<RefCell<RingCalls>>,
        threshold: usize,
    ) -> Self {
        Self {
            design,
            ring: Some(RingSide {
                mode,
                wait,
                buffer,
                calls,
            }),
            threshold,
            stats: Stats::default(),
            error: None,
        }
    }

    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// What stopped the run, if something did.
    pub fn error(&self) -> Option<DoorbellError> {
        self.error
    }

    /// Completions the kernel pushed that named no call of ours.
    pub fn stray_completions(&self) -> u64 {
        self.ring.as_ref().map_or(0, |r| r.calls.borrow().stray())
    }

    fn fail(&mut self, error: DoorbellError) -> bool {
        self.error.get_or_insert(error);
        false
    }

    /// Submits what the pass staged and rings the design's doorbell;
    /// returns how many requests ran directly (adaptive).
    fn submit(&mut self, ring: &RingSide, idle: bool) -> Result<usize, DoorbellError> {
        let mut calls = ring.calls.borrow_mut();
        let staged = calls.staged();
        let mut direct = 0;
        if self.design == Design::Adaptive && staged > 0 && staged < self.threshold {
            direct =
                calls.run_staged(|r| syscall6(r.nr as usize, r.args.map(|a| a as usize)) as i64);
            self.stats.direct += direct as u64;
        }
        let pushed = calls.submit_staged();
        self.stats.pushed += u64::from(pushed);
        if calls.staged() > 0 && calls.in_flight() == 0 {
            return Err(DoorbellError::RingStuck);
        }
        match ring.mode {
            Mode::Wake if pushed > 0 => {
                let header = ring.buffer.header();
                if header.worker.swap(WORKER_RUNNING, Ordering::SeqCst) == WORKER_SLEEPING {
                    self.stats.wakes += 1;
                    let r = async_calls::wake();
                    if r < 0 {
                        return Err(DoorbellError::Refused {
                            call: "async_wake",
                            errno: r,
                        });
                    }
                }
            }
            Mode::Enter if pushed > 0 || (idle && calls.in_flight() > 0) => {
                let in_flight = calls.in_flight() as usize;
                drop(calls);
                self.enter(in_flight)?;
            }
            _ => {}
        }
        Ok(direct)
    }

    fn enter(&mut self, in_flight: usize) -> Result<(), DoorbellError> {
        self.stats.enters += 1;
        let r = async_calls::enter(in_flight, in_flight);
        if r < 0 {
            return Err(DoorbellError::Refused {
                call: "async_enter",
                errno: r,
            });
        }
        Ok(())
    }

    /// Blocks or spins until the completion ring holds something.
    fn wait(&mut self, ring: &RingSide) -> Result<(), DoorbellError> {
        let in_flight = ring.calls.borrow().in_flight();
        let done = match ring.wait {
            WaitStrategy::Block(block) => self.block(ring, block)?,
            WaitStrategy::Spin { then } => {
                spin(ring, SPIN_BEFORE_BLOCK)
                    || match then {
                        Some(block) => self.block(ring, block)?,
                        None => spin(ring, SPIN_LIMIT),
                    }
            }
            WaitStrategy::Enter => {
                let mut done = false;
                for _ in 0..EMPTY_WAIT_LIMIT {
                    if ring.calls.borrow().completions_ready() {
                        done = true;
                        break;
                    }
                    self.enter(in_flight as usize)?;
                }
                done
            }
        };
        if done {
            Ok(())
        } else {
            Err(DoorbellError::NoProgress { in_flight })
        }
    }

    /// The receiver's wait in the kernel: announce `receiver_waiting`,
    /// look at the completion ring once more, and only then UINTR_WAIT.
    /// Returns whether completions came.
    fn block(&mut self, ring: &RingSide, block: Block) -> Result<bool, DoorbellError> {
        let header = ring.buffer.header();
        let ready = || ring.calls.borrow().completions_ready();
        let uintr = block == Block::Uintr;
        for _ in 0..EMPTY_WAIT_LIMIT {
            if uintr {
                uintr::disable();
            }
            header.receiver_waiting.store(1, Ordering::SeqCst);
            let r = if ready() {
                0
            } else {
                self.stats.waits += 1;
                uintr::wait()
            };
            header.receiver_waiting.store(0, Ordering::SeqCst);
            if uintr {
                uintr::enable();
            }
            if r < 0 {
                return Err(DoorbellError::Refused {
                    call: "uintr_wait",
                    errno: r,
                });
            }
            if ready() {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

/// Polls the completion ring up to `spins` times; whether something came.
fn spin(ring: &RingSide, spins: u64) -> bool {
    for _ in 0..spins {
        if ring.calls.borrow().completions_ready() {
            return true;
        }
        core::hint::spin_loop();
    }
    false
}

impl Driver for Doorbell {
    fn after_pass(&mut self, idle: bool) -> bool {
        if self.error.is_some() {
            return false;
        }
        let Some(ring) = self.ring.take() else {
            // Sync: idle with tasks left means they wait for each other.
            return !idle || self.fail(DoorbellError::NothingInFlight);
        };
        let result = self.drive(&ring, idle);
        self.ring = Some(ring);
        match result {
            Ok(()) => true,
            Err(error) => self.fail(error),
        }
    }
}

impl Doorbell {
    fn drive(&mut self, ring: &RingSide, idle: bool) -> Result<(), DoorbellError> {
        let direct = self.submit(ring, idle)?;
        if ring.calls.borrow_mut().reap() > 0 || direct > 0 || !idle {
            return Ok(());
        }
        if ring.calls.borrow().in_flight() == 0 {
            return Err(DoorbellError::NothingInFlight);
        }
        self.wait(ring)?;
        ring.calls.borrow_mut().reap();
        Ok(())
    }
}
