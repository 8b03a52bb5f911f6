//! Run control: budgets and the reasons a run stops.

use std::fmt;

/// Budgets for one run. `None` means unlimited.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RunLimits {
    /// Total instructions retired over all harts, plus traps taken (so a
    /// guest stuck in a loop of faulting fetches also stops).
    pub max_instructions: Option<u64>,
}

/// Why a run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StopReason {
    /// The guest asked to exit (test finisher, HTIF tohost, sim-control),
    /// with its exit code (0 = success).
    Exited(u32),
    /// The instruction budget ran out before the guest stopped.
    InstructionBudget(u64),
    /// Every hart waits for an interrupt that can never arrive.
    Deadlock,
}

impl StopReason {
    /// Process exit code for the host: the guest's code, or a distinct code
    /// for simulator-side stops (budget = 124 like `timeout`, deadlock = 125).
    pub fn host_exit_code(&self) -> i32 {
        match self {
            StopReason::Exited(code) => (*code & 0xff) as i32,
            StopReason::InstructionBudget(_) => 124,
            StopReason::Deadlock => 125,
        }
    }
}

impl fmt::Display for StopReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StopReason::Exited(code) => write!(f, "guest exited with code {code}"),
            StopReason::InstructionBudget(n) => {
                write!(
                    f,
                    "instruction budget of {n} exhausted before the guest stopped"
                )
            }
            StopReason::Deadlock => write!(f, "all harts wait for an interrupt that cannot arrive"),
        }
    }
}
