//! sim-control: how a guest talks to the simulator (like gem5's m5ops).
//!
//! Register map (offsets from `SIMCTL_BASE`, 0x1000 bytes). Writes are
//! 64-bit (32-bit writes are accepted with the value zero-extended). The
//! kernel may map the page into a process, so that a benchmark marks its
//! region of interest with plain stores, without a trap.
//!
//! | offset | access | meaning                                       |
//! |--------|--------|-----------------------------------------------|
//! | `0x00` | write  | ROI_BEGIN: a region of interest begins (value ignored) |
//! | `0x08` | write  | ROI_END: the open region ends (value ignored)  |
//! | `0x10` | write  | DUMP_STATS: snapshot the stats now             |
//! | `0x18` | write  | RESET_STATS                                    |
//! | `0x20` | write  | EXIT(code): stop the simulation with `code`    |
//! | `0x30` | read   | magic `0x5349_4d43` ("SIMC") to probe for the device |
//! | `0x38` | write  | REPORT_SYSCALLS(n): syscalls completed in the open region |
//! | `0x40` | write  | REPORT_ROUNDS(n): rounds completed in the open region |
//! | `0x48` | write  | REPORT_CONCURRENCY(c): submitting coroutines per process |
//!
//! The region-of-interest contract (applied by the machine with
//! `sim_core::RoiTracker`): the hart that writes ROI_BEGIN is the region's
//! workload hart (its cycles are the region's cycles); every hart's
//! counters are snapshotted right after the ROI_BEGIN store and right
//! after the ROI_END store (another hart's counters are as of its last
//! quantum). A guest writes the REPORT_* registers after ROI_BEGIN and
//! before ROI_END; reported syscalls and rounds add up, the last
//! concurrency written stands. Repeated begin/end pairs accumulate; a
//! second ROI_BEGIN while a region is open, an ROI_END without one and a
//! report outside a region are ignored and counted as warnings
//! (`roi.warnings.*`); a region still open at the end counts nothing.
//!
//! Other aligned offsets read as 0 and ignore writes. Events carry the hart
//! that wrote them and are queued until the machine takes them (the store
//! ends the hart's block, so the machine sees them at once).

const ROI_BEGIN: u64 = 0x00;
const ROI_END: u64 = 0x08;
const DUMP_STATS: u64 = 0x10;
const RESET_STATS: u64 = 0x18;
const EXIT: u64 = 0x20;
const MAGIC_OFFSET: u64 = 0x30;
const REPORT_SYSCALLS: u64 = 0x38;
const REPORT_ROUNDS: u64 = 0x40;
const REPORT_CONCURRENCY: u64 = 0x48;
/// "SIMC".
pub const SIMCTL_MAGIC: u64 = 0x5349_4d43;
const SIZE: u64 = 0x1000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SimEvent {
    RoiBegin { hart: usize },
    RoiEnd { hart: usize },
    DumpStats { hart: usize },
    ResetStats { hart: usize },
    ReportSyscalls { hart: usize, value: u64 },
    ReportRounds { hart: usize, value: u64 },
    ReportConcurrency { hart: usize, value: u64 },
}

#[derive(Default)]
pub struct SimControl {
    events: Vec<SimEvent>,
    exit: Option<u32>,
}

impl SimControl {
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether events wait to be taken (cheap to ask after every slice).
    pub fn has_events(&self) -> bool {
        !self.events.is_empty()
    }

    /// Events since the last call, in the order they were written.
    pub fn take_events(&mut self) -> Vec<SimEvent> {
        std::mem::take(&mut self.events)
    }

    /// Exit code of the first EXIT write (codes above u32::MAX saturate).
    pub fn exit_code(&self) -> Option<u32> {
        self.exit
    }

    fn valid(offset: u64, size: u8) -> bool {
        matches!(size, 4 | 8) && offset.is_multiple_of(size as u64) && offset < SIZE
    }

    pub fn read(&self, offset: u64, size: u8) -> Option<u64> {
        if !Self::valid(offset, size) {
            return None;
        }
        Some(if offset == MAGIC_OFFSET {
            SIMCTL_MAGIC
        } else {
            0
        })
    }

    pub fn write(&mut self, offset: u64, size: u8, value: u64, hart: usize) -> bool {
        if !Self::valid(offset, size) {
            return false;
        }
        let event = match offset {
            ROI_BEGIN => SimEvent::RoiBegin { hart },
            ROI_END => SimEvent::RoiEnd { hart },
            DUMP_STATS => SimEvent::DumpStats { hart },
            RESET_STATS => SimEvent::ResetStats { hart },
            REPORT_SYSCALLS => SimEvent::ReportSyscalls { hart, value },
            REPORT_ROUNDS => SimEvent::ReportRounds { hart, value },
            REPORT_CONCURRENCY => SimEvent::ReportConcurrency { hart, value },
            EXIT => {
                self.exit
                    .get_or_insert(u32::try_from(value).unwrap_or(u32::MAX));
                return true;
            }
            _ => return true,
        };
        self.events.push(event);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_carry_the_hart_in_order() {
        let mut s = SimControl::new();
        assert!(s.write(0x00, 8, 0, 1));
        assert!(s.write(0x10, 8, 0, 0));
        assert!(s.write(0x18, 8, 0, 3));
        assert!(s.write(0x08, 8, 0, 1));
        assert!(s.write(0x28, 8, 0, 1), "unused register ignores writes");
        assert_eq!(
            s.take_events(),
            vec![
                SimEvent::RoiBegin { hart: 1 },
                SimEvent::DumpStats { hart: 0 },
                SimEvent::ResetStats { hart: 3 },
                SimEvent::RoiEnd { hart: 1 },
            ]
        );
        assert!(s.take_events().is_empty());
    }

    #[test]
    fn reports_carry_their_value() {
        let mut s = SimControl::new();
        assert!(!s.has_events());
        assert!(s.write(0x38, 8, 40, 0));
        assert!(s.write(0x40, 8, 10, 0));
        assert!(s.write(0x48, 4, 4, 2));
        assert!(s.has_events());
        assert_eq!(
            s.take_events(),
            vec![
                SimEvent::ReportSyscalls { hart: 0, value: 40 },
                SimEvent::ReportRounds { hart: 0, value: 10 },
                SimEvent::ReportConcurrency { hart: 2, value: 4 },
            ]
        );
        assert!(!s.has_events());
        assert_eq!(s.read(0x38, 8), Some(0), "write-only: reads as 0");
    }

    #[test]
    fn exit_and_probe() {
        let mut s = SimControl::new();
        assert_eq!(s.read(0x30, 8), Some(0x5349_4d43));
        assert_eq!(s.read(0x30, 4), Some(0x5349_4d43));
        assert_eq!(s.read(0x00, 8), Some(0));
        assert_eq!(s.exit_code(), None);
        assert!(s.write(0x20, 8, 7, 0));
        assert!(s.write(0x20, 8, 9, 0));
        assert_eq!(s.exit_code(), Some(7));
        let mut s = SimControl::new();
        assert!(s.write(0x20, 8, 1 << 40, 0));
        assert_eq!(s.exit_code(), Some(u32::MAX));
    }

    #[test]
    fn bad_accesses() {
        let mut s = SimControl::new();
        assert!(!s.write(0x00, 1, 0, 0));
        assert!(!s.write(0x04, 8, 0, 0));
        assert!(!s.write(0x1000, 8, 0, 0));
        assert_eq!(s.read(0x31, 4), None);
        assert!(s.take_events().is_empty());
    }
}
