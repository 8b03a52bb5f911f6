//! ISA-agnostic core of asyncsim: the event boundary between functional
//! execution and timing models, run control (budgets and stop reasons) and
//! the statistics tree, the always-on per-hart counters and the region of
//! interest built from them. Nothing in this crate knows about RISC-V encodings.

pub mod counters;
pub mod event;
pub mod roi;
pub mod run;
pub mod stats;

pub use counters::{HartCounters, HartSnapshot};
pub use event::{
    AccessKind, InstClass, MemAccess, NullSink, Operands, Privilege, Reg, RegFile, Retired,
    TimingSink, TrapEvent, UintrEvent,
};
pub use roi::{RoiSummary, RoiTracker, RoiWarnings};
pub use run::{RunLimits, StopReason};
pub use stats::Stats;
