//! The region of interest (ROI): what the guest marks as "measure this",
//! so boot and setup never count (DESIGN.md §4).
//!
//! The machine hands the tracker every hart's [`HartSnapshot`] when the
//! guest begins and ends a region, and the counts the guest reports in
//! between. Rules, fixed here so every user of the metrics sees the same:
//! - the hart that writes ROI_BEGIN is the region's *workload hart*: its
//!   cycles are the region's cycles;
//! - repeated begin/end pairs accumulate: counters, cycles and reported
//!   counts of every completed region add up;
//! - a begin while a region is open is ignored (the first begin stands),
//!   an end without an open region is ignored; both count as warnings;
//! - reported syscalls and rounds add up within a region (several writers
//!   may report their share); the reported concurrency is the last value
//!   written. Reports count only once their region ends, and a report
//!   while no region is open is ignored with a warning;
//! - a region still open when the run stops contributes nothing.

use crate::counters::{HartCounters, HartSnapshot};
use crate::event::Privilege;
use crate::stats::Stats;

/// Things the guest did that the ROI rules ignore.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RoiWarnings {
    pub end_without_begin: u64,
    pub begin_while_open: u64,
    pub report_outside_region: u64,
}

/// Everything measured in the completed regions so far.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RoiSummary {
    /// Completed begin/end pairs.
    pub regions: u64,
    /// The hart that began the first completed region.
    pub workload_hart: Option<usize>,
    /// Per hart: counts inside the regions, summed over them.
    pub harts: Vec<HartCounters>,
    /// Per hart: cycles inside the regions, summed over them.
    pub hart_cycles: Vec<u64>,
    /// Cycles of each region's workload hart, summed over the regions.
    pub workload_cycles: u64,
    /// `workload_cycles` by the privilege they were spent at.
    pub workload_cycles_by_mode: [u64; 3],
    /// Syscalls the guest reported completing inside the regions.
    pub syscalls: u64,
    /// Rounds the guest reported completing inside the regions.
    pub rounds: u64,
    /// The last concurrency the guest reported, if any.
    pub concurrency: Option<u64>,
    pub warnings: RoiWarnings,
}

impl RoiSummary {
    /// Counts inside the regions over all harts.
    pub fn total(&self) -> HartCounters {
        let mut t = HartCounters::default();
        for h in &self.harts {
            t.accumulate(h);
        }
        t
    }

    /// Writes the summary under `roi.` into `stats` (counters only; the
    /// ratios live in the result schema).
    pub fn write_stats(&self, stats: &mut Stats) {
        let t = self.total();
        let user = Privilege::User.index();
        stats.set("roi.regions", self.regions);
        if let Some(h) = self.workload_hart {
            stats.set("roi.workload_hart", h as u64);
        }
        stats.set("roi.syscalls", self.syscalls);
        stats.set("roi.rounds", self.rounds);
        if let Some(c) = self.concurrency {
            stats.set("roi.concurrency", c);
        }
        stats.set("roi.traps", t.exceptions_from[user]);
        stats.set("roi.ecalls", t.ecalls_from_user);
        stats.set("roi.interrupts", t.interrupts_from[user]);
        stats.set("roi.uintr.delivered", t.uintr_delivered);
        stats.set("roi.uintr.sent", t.uintr_sent);
        stats.set("roi.uintr.send_rejected", t.uintr_rejected);
        stats.set("roi.instructions.total", t.instructions());
        for p in Privilege::ALL {
            stats.set(
                format!("roi.instructions.{}", p.name()),
                t.instructions_at(p),
            );
        }
        stats.set("roi.cycles", self.workload_cycles);
        for p in Privilege::ALL {
            stats.set(
                format!("roi.cycles_{}", p.name()),
                self.workload_cycles_by_mode[p.index()],
            );
        }
        for (h, c) in self.harts.iter().enumerate() {
            stats.set(format!("roi.hart{h}.instructions"), c.instructions());
            stats.set(format!("roi.hart{h}.traps"), c.exceptions_from[user]);
            stats.set(format!("roi.hart{h}.interrupts"), c.interrupts_from[user]);
            stats.set(format!("roi.hart{h}.uintr_delivered"), c.uintr_delivered);
        }
        for (h, c) in self.hart_cycles.iter().enumerate() {
            stats.set(format!("roi.hart{h}.cycles"), *c);
        }
        let w = &self.warnings;
        stats.set("roi.warnings.end_without_begin", w.end_without_begin);
        stats.set("roi.warnings.begin_while_open", w.begin_while_open);
        stats.set(
            "roi.warnings.report_outside_region",
            w.report_outside_region,
        );
    }
}

/// The region currently open.
#[derive(Clone, Debug)]
struct OpenRegion {
    hart: usize,
    start: Vec<HartSnapshot>,
    syscalls: u64,
    rounds: u64,
    concurrency: Option<u64>,
}

/// Applies the ROI rules to the guest's begin/end/report events.
#[derive(Clone, Debug, Default)]
pub struct RoiTracker {
    open: Option<OpenRegion>,
    summary: RoiSummary,
}

impl RoiTracker {
    pub fn new() -> Self {
        Self::default()
    }

    /// Hart `hart` begins a region; `snapshot` is every hart's state now.
    pub fn begin(&mut self, hart: usize, snapshot: Vec<HartSnapshot>) {
        if self.open.is_some() {
            self.summary.warnings.begin_while_open += 1;
            return;
        }
        self.open = Some(OpenRegion {
            hart,
            start: snapshot,
            syscalls: 0,
            rounds: 0,
            concurrency: None,
        });
    }

    /// The open region ends (whichever hart writes it); `snapshot` is every
    /// hart's state now.
    pub fn end(&mut self, snapshot: &[HartSnapshot]) {
        let Some(region) = self.open.take() else {
            self.summary.warnings.end_without_begin += 1;
            return;
        };
        let s = &mut self.summary;
        s.regions += 1;
        s.workload_hart.get_or_insert(region.hart);
        let n = snapshot.len().max(s.harts.len());
        s.harts.resize(n, HartCounters::default());
        s.hart_cycles.resize(n, 0);
        for (h, (now, then)) in snapshot.iter().zip(&region.start).enumerate() {
            s.harts[h].accumulate(&now.counters.since(&then.counters));
            let cycles = now.cycles.saturating_sub(then.cycles);
            s.hart_cycles[h] = s.hart_cycles[h].saturating_add(cycles);
            if h == region.hart {
                s.workload_cycles = s.workload_cycles.saturating_add(cycles);
                for (m, total) in s.workload_cycles_by_mode.iter_mut().enumerate() {
                    let spent = now.cycles_by_mode[m].saturating_sub(then.cycles_by_mode[m]);
                    *total = total.saturating_add(spent);
                }
            }
        }
        s.syscalls = s.syscalls.saturating_add(region.syscalls);
        s.rounds = s.rounds.saturating_add(region.rounds);
        if region.concurrency.is_some() {
            s.concurrency = region.concurrency;
        }
    }

    /// The guest reports `n` syscalls completed in the open region.
    pub fn report_syscalls(&mut self, n: u64) {
        match &mut self.open {
            Some(r) => r.syscalls = r.syscalls.saturating_add(n),
            None => self.summary.warnings.report_outside_region += 1,
        }
    }

    /// The guest reports `n` rounds completed in the open region.
    pub fn report_rounds(&mut self, n: u64) {
        match &mut self.open {
            Some(r) => r.rounds = r.rounds.saturating_add(n),
            None => self.summary.warnings.report_outside_region += 1,
        }
    }

    /// The guest reports its concurrency (submitters per process).
    pub fn report_concurrency(&mut self, c: u64) {
        match &mut self.open {
            Some(r) => r.concurrency = Some(c),
            None => self.summary.warnings.report_outside_region += 1,
        }
    }

    /// Whether a region is open (begun, not yet ended).
    pub fn is_open(&self) -> bool {
        self.open.is_some()
    }

    /// What the completed regions measured.
    pub fn summary(&self) -> &RoiSummary {
        &self.summary
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap(user_insns: u64, ecalls: u64, cycles: u64) -> HartSnapshot {
        HartSnapshot {
            counters: HartCounters {
                instret: [user_insns, 10 * user_insns, 0],
                exceptions_from: [ecalls + 1, 0, 0],
                ecalls_from_user: ecalls,
                ..Default::default()
            },
            cycles,
            cycles_by_mode: [cycles / 2, cycles - cycles / 2, 0],
        }
    }

    #[test]
    fn one_region_measures_the_difference_and_the_reports() {
        let mut t = RoiTracker::new();
        t.begin(1, vec![snap(5, 1, 100), snap(7, 2, 200)]);
        assert!(t.is_open());
        t.report_syscalls(3);
        t.report_rounds(1);
        t.report_concurrency(3);
        t.end(&[snap(15, 1, 150), snap(27, 5, 1200)]);
        assert!(!t.is_open());
        let s = t.summary();
        assert_eq!(s.regions, 1);
        assert_eq!(s.workload_hart, Some(1));
        assert_eq!(s.workload_cycles, 1000, "the begin hart's cycles");
        assert_eq!(s.hart_cycles, vec![50, 1000]);
        assert_eq!(s.workload_cycles_by_mode, [600 - 100, 600 - 100, 0]);
        assert_eq!((s.syscalls, s.rounds, s.concurrency), (3, 1, Some(3)));
        let total = s.total();
        assert_eq!(total.instret, [30, 300, 0]);
        assert_eq!(total.ecalls_from_user, 3);
        assert_eq!(total.exceptions_from[0], 3);
        assert_eq!(s.warnings, RoiWarnings::default());
    }

    #[test]
    fn pairs_accumulate_and_stray_events_are_warnings() {
        let mut t = RoiTracker::new();
        t.end(&[snap(0, 0, 0)]);
        t.report_syscalls(99);
        t.begin(0, vec![snap(0, 0, 0)]);
        t.report_syscalls(2);
        t.report_syscalls(3);
        t.report_rounds(1);
        t.report_concurrency(8);
        t.begin(0, vec![snap(4, 4, 4)]); // ignored: the first begin stands
        t.end(&[snap(10, 5, 100)]);
        t.end(&[snap(11, 5, 101)]); // ignored
                                    // not measured: between regions
        t.begin(0, vec![snap(20, 9, 200)]);
        t.report_syscalls(1);
        t.report_rounds(1);
        t.end(&[snap(25, 10, 260)]);
        let s = t.summary();
        assert_eq!(s.regions, 2);
        assert_eq!(s.workload_cycles, 100 + 60);
        assert_eq!((s.syscalls, s.rounds), (6, 2));
        assert_eq!(
            s.concurrency,
            Some(8),
            "kept when a later region does not report it"
        );
        assert_eq!(s.total().instret[0], 10 + 5);
        assert_eq!(s.total().ecalls_from_user, 6);
        assert_eq!(
            s.warnings,
            RoiWarnings {
                end_without_begin: 2,
                begin_while_open: 1,
                report_outside_region: 1,
            }
        );
    }

    #[test]
    fn an_unclosed_region_contributes_nothing() {
        let mut t = RoiTracker::new();
        t.begin(0, vec![snap(0, 0, 0)]);
        t.report_syscalls(5);
        assert!(t.is_open());
        assert_eq!(t.summary().regions, 0);
        assert_eq!(t.summary().syscalls, 0);
        assert_eq!(t.summary().workload_hart, None);
    }

    #[test]
    fn stats_land_under_roi() {
        let mut t = RoiTracker::new();
        t.begin(0, vec![snap(0, 0, 0)]);
        t.report_syscalls(4);
        t.report_rounds(2);
        t.end(&[snap(40, 4, 90)]);
        let mut stats = Stats::new();
        t.summary().write_stats(&mut stats);
        assert_eq!(stats.get("roi.syscalls"), Some(4));
        assert_eq!(stats.get("roi.rounds"), Some(2));
        assert_eq!(stats.get("roi.traps"), Some(4));
        assert_eq!(stats.get("roi.ecalls"), Some(4));
        assert_eq!(stats.get("roi.instructions.user"), Some(40));
        assert_eq!(stats.get("roi.instructions.supervisor"), Some(400));
        assert_eq!(stats.get("roi.instructions.total"), Some(440));
        assert_eq!(stats.get("roi.cycles"), Some(90));
        assert_eq!(stats.get("roi.hart0.cycles"), Some(90));
        assert_eq!(stats.get("roi.cycles_user"), Some(45));
        assert_eq!(stats.get("roi.cycles_supervisor"), Some(45));
        assert_eq!(stats.get("roi.cycles_machine"), Some(0));
        assert_eq!(stats.get("roi.concurrency"), None, "never reported");
    }
}
