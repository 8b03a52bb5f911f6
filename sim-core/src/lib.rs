//! ISA-agnostic core of asyncsim: the event boundary between functional
//! execution and timing models, run control (budgets and stop reasons) and
//! the statistics tree. Nothing in this crate knows about RISC-V encodings.

pub mod event;
pub mod run;
pub mod stats;

pub use event::{
    AccessKind, InstClass, MemAccess, NullSink, Privilege, RegFile, Retired, TimingSink, TrapEvent,
    UintrEvent,
};
pub use run::{RunLimits, StopReason};
pub use stats::Stats;
