//! Trap-based completion notification (the async-trapnotify design): the
//! software-interrupt/signal way a kernel tells a process without UINTR.
//! A notification marks the upcall pending (an atomic per process, see
//! [`crate::process_shared::raise_upcall`]); on the kernel's next return
//! to the process it saves the interrupted user context (x registers,
//! pc, FP registers) in the kernel and enters the handler instead, with
//! a0 = completions ready. UPCALL_RETURN (a trap) puts the saved context
//! back. Upcalls do not nest: one that comes during a handler waits for
//! its UPCALL_RETURN.

use crate::fpu::FpState;
use crate::page_table::USER_END;
use crate::trap::TrapFrame;
use abi::errno::{EBUSY, EINVAL};

const A0: usize = 10;

/// The interrupted context while the handler runs.
#[derive(Debug)]
struct Saved {
    regs: [usize; 32],
    pc: usize,
    fp: FpState,
}

/// A process's upcall state.
#[derive(Debug, Default)]
pub struct Upcall {
    handler: Option<usize>,
    saved: Option<Saved>,
    /// Upcalls entered (diagnostic).
    pub delivered: u64,
}

impl Upcall {
    /// UPCALL_REGISTER(handler): once per process.
    pub fn register(&mut self, handler: usize) -> isize {
        if self.handler.is_some() {
            return -EBUSY;
        }
        if handler == 0 || handler >= USER_END || !handler.is_multiple_of(2) {
            return -EINVAL;
        }
        self.handler = Some(handler);
        0
    }

    /// Whether a notification may be sent (a handler is registered).
    pub fn registered(&self) -> bool {
        self.handler.is_some()
    }

    /// Whether an upcall can be entered now (a handler, none running).
    pub fn can_deliver(&self) -> bool {
        self.handler.is_some() && self.saved.is_none()
    }

    /// Enters the handler for a notification taken by the caller (if
    /// [`Self::can_deliver`]): saves the context in `frame`/`fp` and
    /// points the frame at the handler with a0 = `ready`.
    pub fn deliver(&mut self, frame: &mut TrapFrame, fp: &FpState, ready: usize) {
        let Some(handler) = self.handler else {
            return;
        };
        if self.saved.is_some() {
            return;
        }
        self.saved = Some(Saved {
            regs: frame.regs,
            pc: frame.sepc,
            fp: fp.clone(),
        });
        frame.sepc = handler;
        frame.regs[A0] = ready;
        self.delivered += 1;
    }

    /// UPCALL_RETURN: restores the interrupted context; false (the call
    /// then fails with -EINVAL) if no handler runs.
    pub fn finish(&mut self, frame: &mut TrapFrame, fp: &mut FpState) -> bool {
        match self.saved.take() {
            Some(saved) => {
                frame.regs = saved.regs;
                frame.sepc = saved.pc;
                *fp = saved.fp;
                true
            }
            None => false,
        }
    }
}
