//! A hart's view of a timing sink that keeps time ([`TimingSink::cycles`]
//! is `Some`): where the machine wants the hart to stop, and the
//! guest-visible `cycle`/`mcycle` and `time` counters, derived from the
//! sink's clock at the very instruction that reads them.
//!
//! Without such a sink none of this is used: mcycle counts an
//! instruction, a trap or an idle cycle as one cycle each, and `time` is
//! the mtime the machine set at the hart's last sampling point.
//!
//! With one, mcycle is `clock + offset`: the offset moves when the guest
//! writes mcycle, and while mcountinhibit.CY is set mcycle stands still
//! at its value in [`CsrFile::mcycle`] (the hart's own per-instruction
//! counting into that field is then overwritten, see
//! [`SinkClock::settle`]). `time` is `clock * timebase_hz / clock_hz`.

use crate::csr::{num, CsrFile};
use crate::timebase::TimeBase;
use sim_core::TimingSink;

/// The hart-side state of a sink's clock.
#[derive(Clone, Copy, Debug)]
pub struct SinkClock {
    /// The hart stops at the first block boundary at which the sink's
    /// clock is at or past this cycle (the end of its turn, or a timer
    /// deadline); `u64::MAX` never.
    pub stop_at: u64,
    /// A timer deadline is near: stop at the first instruction boundary,
    /// not block boundary, at or past `stop_at`.
    pub exact: bool,
    /// How mtime follows the clock (set by the machine).
    pub timebase: TimeBase,
    /// mcycle - clock, while mcountinhibit.CY is clear.
    mcycle_offset: u64,
}

impl Default for SinkClock {
    /// One tick per cycle until the machine sets the real timebase.
    fn default() -> Self {
        Self::new(TimeBase {
            timebase_hz: 1,
            clock_hz: 1,
        })
    }
}

impl SinkClock {
    pub fn new(timebase: TimeBase) -> Self {
        Self {
            stop_at: u64::MAX,
            exact: false,
            timebase,
            mcycle_offset: 0,
        }
    }

    /// Whether `sink` keeps time for hart `id` and its clock reached
    /// [`SinkClock::stop_at`].
    #[inline(always)]
    pub fn reached<S: TimingSink>(&self, sink: &S, id: usize) -> bool {
        S::ACTIVE && sink.cycles(id).is_some_and(|c| c >= self.stop_at)
    }

    /// The value a read of `csr` returns at `clock`, if the clock decides
    /// it (cycle, mcycle, time); `None` for every other CSR.
    #[inline]
    pub fn read(&self, csr_file: &CsrFile, csr: u16, clock: u64) -> Option<u64> {
        match csr {
            num::CYCLE | num::MCYCLE => Some(self.mcycle(csr_file, clock)),
            num::TIME => Some(self.timebase.mtime_at(clock)),
            _ => None,
        }
    }

    fn mcycle(&self, csr_file: &CsrFile, clock: u64) -> u64 {
        if csr_file.mcountinhibit & 1 != 0 {
            csr_file.mcycle
        } else {
            clock.wrapping_add(self.mcycle_offset)
        }
    }

    /// After a CSR write at `clock` (`inhibit_before` = mcountinhibit
    /// before it): a new mcycle moves the offset; setting CY freezes the
    /// counter at its current value, clearing it resumes from there.
    pub fn after_write(
        &mut self,
        csr_file: &mut CsrFile,
        csr: u16,
        inhibit_before: u64,
        clock: u64,
    ) {
        match csr {
            num::MCYCLE => self.mcycle_offset = csr_file.mcycle.wrapping_sub(clock),
            num::MCOUNTINHIBIT => {
                let (was, now) = (inhibit_before & 1 != 0, csr_file.mcountinhibit & 1 != 0);
                if !was && now {
                    csr_file.mcycle = clock.wrapping_add(self.mcycle_offset);
                } else if was && !now {
                    self.mcycle_offset = csr_file.mcycle.wrapping_sub(clock);
                }
            }
            _ => {}
        }
    }

    /// Brings [`CsrFile::mcycle`] to the clock's value (the hart also
    /// counts one cycle per instruction into it, which a sink's clock
    /// replaces), so that it is exact whenever the machine looks.
    #[inline]
    pub fn settle(&self, csr_file: &mut CsrFile, clock: u64) {
        if csr_file.mcountinhibit & 1 == 0 {
            csr_file.mcycle = clock.wrapping_add(self.mcycle_offset);
        }
    }
}
