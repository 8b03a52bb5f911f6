//! The region-of-interest metrics of one run, with the exact names and
//! definitions of DESIGN.md §4, computed from the simulator's
//! [`RoiSummary`]. This is what `asyncsim run --workload` prints and what
//! a sweep stores per point.

use serde::{Deserialize, Serialize};
use sim_core::{Privilege, RoiSummary};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// `cycle_model` of a run without a timing model: every retired
/// instruction (and every exception taken) costs one cycle, and a waiting
/// hart's idle time counts.
pub const FUNCTIONAL_CYCLE_MODEL: &str = "functional: 1 cycle per instruction plus idle time";

/// Things the guest did that the region-of-interest rules ignored.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoiWarningCounts {
    pub end_without_begin: u64,
    pub begin_while_open: u64,
    pub report_outside_region: u64,
}

/// The §4 metrics of the completed regions of interest of one run.
/// Ratios are `None` (JSON `null`) when their denominator is 0.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RoiMetrics {
    /// Completed begin/end pairs (their counts add up).
    pub regions: u64,
    /// The hart that began the (first) region; its cycles are `cycles`.
    pub workload_hart: u64,
    /// Syscalls the guest completed in the region (its own report).
    pub syscalls: u64,
    /// Rounds the guest completed in the region (its own report).
    pub rounds: u64,
    /// Submitting coroutines per process, as the guest reported it.
    pub concurrency: Option<u64>,
    /// Synchronous exceptions taken from U-mode in the region, all harts
    /// (ecalls and faults).
    pub traps: u64,
    /// Of `traps`: environment calls.
    pub ecalls: u64,
    /// Of `traps`: everything but environment calls (page faults, ...).
    pub faults: u64,
    /// traps / syscalls (the trap frequency).
    pub traps_per_syscall: Option<f64>,
    /// Interrupts taken from U-mode in the region, all harts (a user
    /// interrupt delivered without a trap is not one).
    pub interrupts: u64,
    /// interrupts / syscalls.
    pub interrupts_per_syscall: Option<f64>,
    /// User interrupts delivered to a user handler (no trap, no privilege
    /// change), all harts.
    pub uintr_delivered: u64,
    /// UIPI sends that reached a receiver, all harts.
    pub uintr_sent: u64,
    /// UIPI sends without effect (invalid sender entry), all harts.
    pub uintr_send_rejected: u64,
    /// Instructions retired in the region, all harts and modes.
    pub instructions: u64,
    pub instructions_user: u64,
    pub instructions_supervisor: u64,
    pub instructions_machine: u64,
    /// Cycles of the region on the workload hart.
    pub cycles: u64,
    /// Of `cycles`: spent in U, S and M mode.
    pub cycles_user: u64,
    pub cycles_supervisor: u64,
    pub cycles_machine: u64,
    /// cycles / rounds.
    pub cycles_per_round: Option<f64>,
    /// cycles / syscalls.
    pub cycles_per_syscall: Option<f64>,
    /// What a cycle means in this run (see [`FUNCTIONAL_CYCLE_MODEL`]).
    pub cycle_model: String,
    pub warnings: RoiWarningCounts,
}

fn ratio(num: u64, den: u64) -> Option<f64> {
    (den != 0).then(|| num as f64 / den as f64)
}

impl RoiMetrics {
    /// The metrics of `summary`, or `None` if the guest completed no
    /// region (never began one, or never ended it).
    pub fn from_summary(summary: &RoiSummary, cycle_model: &str) -> Option<RoiMetrics> {
        if summary.regions == 0 {
            return None;
        }
        let t = summary.total();
        let user = Privilege::User.index();
        let traps = t.exceptions_from[user];
        let interrupts = t.interrupts_from[user];
        let cycles = summary.workload_cycles;
        let w = &summary.warnings;
        Some(RoiMetrics {
            regions: summary.regions,
            workload_hart: summary.workload_hart.unwrap_or(0) as u64,
            syscalls: summary.syscalls,
            rounds: summary.rounds,
            concurrency: summary.concurrency,
            traps,
            ecalls: t.ecalls_from_user,
            faults: traps.saturating_sub(t.ecalls_from_user),
            traps_per_syscall: ratio(traps, summary.syscalls),
            interrupts,
            interrupts_per_syscall: ratio(interrupts, summary.syscalls),
            uintr_delivered: t.uintr_delivered,
            uintr_sent: t.uintr_sent,
            uintr_send_rejected: t.uintr_rejected,
            instructions: t.instructions(),
            instructions_user: t.instructions_at(Privilege::User),
            instructions_supervisor: t.instructions_at(Privilege::Supervisor),
            instructions_machine: t.instructions_at(Privilege::Machine),
            cycles,
            cycles_user: summary.workload_cycles_by_mode[Privilege::User.index()],
            cycles_supervisor: summary.workload_cycles_by_mode[Privilege::Supervisor.index()],
            cycles_machine: summary.workload_cycles_by_mode[Privilege::Machine.index()],
            cycles_per_round: ratio(cycles, summary.rounds),
            cycles_per_syscall: ratio(cycles, summary.syscalls),
            cycle_model: cycle_model.to_string(),
            warnings: RoiWarningCounts {
                end_without_begin: w.end_without_begin,
                begin_while_open: w.begin_while_open,
                report_outside_region: w.report_outside_region,
            },
        })
    }

    /// The metrics as a name -> value map (the `metrics` of a sweep
    /// record).
    pub fn to_map(&self) -> BTreeMap<String, serde_json::Value> {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(m)) => m.into_iter().collect(),
            // A struct of plain fields always serialises to an object.
            _ => BTreeMap::new(),
        }
    }

    /// A readable two-column table, one metric per line.
    pub fn table(&self) -> String {
        let opt = |v: Option<f64>| match v {
            Some(x) => format!("{x:.4}"),
            None => "n/a".to_string(),
        };
        let rows: Vec<(&str, String)> = vec![
            ("regions", self.regions.to_string()),
            ("workload_hart", self.workload_hart.to_string()),
            ("syscalls", self.syscalls.to_string()),
            ("rounds", self.rounds.to_string()),
            (
                "concurrency",
                self.concurrency
                    .map_or("not reported".to_string(), |c| c.to_string()),
            ),
            ("traps", self.traps.to_string()),
            ("  ecalls", self.ecalls.to_string()),
            ("  faults", self.faults.to_string()),
            ("traps_per_syscall", opt(self.traps_per_syscall)),
            ("interrupts", self.interrupts.to_string()),
            ("interrupts_per_syscall", opt(self.interrupts_per_syscall)),
            ("uintr_delivered", self.uintr_delivered.to_string()),
            ("uintr_sent", self.uintr_sent.to_string()),
            ("uintr_send_rejected", self.uintr_send_rejected.to_string()),
            ("instructions", self.instructions.to_string()),
            ("  user", self.instructions_user.to_string()),
            ("  supervisor", self.instructions_supervisor.to_string()),
            ("  machine", self.instructions_machine.to_string()),
            ("cycles", self.cycles.to_string()),
            ("  user", self.cycles_user.to_string()),
            ("  supervisor", self.cycles_supervisor.to_string()),
            ("  machine", self.cycles_machine.to_string()),
            ("cycles_per_round", opt(self.cycles_per_round)),
            ("cycles_per_syscall", opt(self.cycles_per_syscall)),
            ("cycle_model", self.cycle_model.clone()),
        ];
        let width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
        let mut out = String::new();
        for (k, v) in rows {
            let _ = writeln!(out, "{k:<width$}  {v}");
        }
        let w = &self.warnings;
        if *w != RoiWarningCounts::default() {
            let _ = writeln!(
                out,
                "warnings: {} ROI_END without ROI_BEGIN, {} ROI_BEGIN while open, {} reports outside a region",
                w.end_without_begin, w.begin_while_open, w.report_outside_region
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim_core::{HartCounters, HartSnapshot, RoiTracker};

    fn at(user_insns: u64, traps: u64, ecalls: u64, irqs: u64, cycles: u64) -> HartSnapshot {
        HartSnapshot {
            counters: HartCounters {
                instret: [user_insns, 2 * user_insns, 1],
                exceptions_from: [traps, 0, 0],
                ecalls_from_user: ecalls,
                interrupts_from: [irqs, 0, 0],
                uintr_delivered: irqs,
                uintr_sent: 2 * irqs,
                uintr_rejected: 0,
            },
            cycles,
            cycles_by_mode: [cycles - cycles / 4, cycles / 4, 0],
        }
    }

    fn summary(syscalls: u64, rounds: u64) -> RoiSummary {
        let mut t = RoiTracker::new();
        t.begin(0, vec![at(0, 0, 0, 0, 0), at(0, 0, 0, 0, 0)]);
        t.report_syscalls(syscalls);
        t.report_rounds(rounds);
        t.report_concurrency(4);
        t.end(&[at(100, 40, 38, 5, 1000), at(10, 2, 2, 1, 50)]);
        t.summary().clone()
    }

    #[test]
    fn definitions_of_section_4() {
        let m = RoiMetrics::from_summary(&summary(40, 10), FUNCTIONAL_CYCLE_MODEL).unwrap();
        assert_eq!((m.syscalls, m.rounds, m.concurrency), (40, 10, Some(4)));
        assert_eq!(m.traps, 42, "U exceptions over all harts");
        assert_eq!((m.ecalls, m.faults), (40, 2));
        assert_eq!(m.traps_per_syscall, Some(42.0 / 40.0));
        assert_eq!(m.interrupts, 6);
        assert_eq!(m.interrupts_per_syscall, Some(6.0 / 40.0));
        assert_eq!((m.uintr_delivered, m.uintr_sent), (6, 12));
        assert_eq!(m.instructions_user, 110);
        assert_eq!(m.instructions_supervisor, 220);
        assert_eq!(m.instructions_machine, 0, "constant across the region");
        assert_eq!(m.instructions, 330);
        assert_eq!(m.cycles, 1000, "the workload hart only");
        assert_eq!(
            (m.cycles_user, m.cycles_supervisor, m.cycles_machine),
            (750, 250, 0)
        );
        assert_eq!(m.cycles_per_round, Some(100.0));
        assert_eq!(m.cycles_per_syscall, Some(25.0));
        assert_eq!(m.cycle_model, FUNCTIONAL_CYCLE_MODEL);
    }

    #[test]
    fn zero_denominators_are_null_and_no_region_is_none() {
        let m = RoiMetrics::from_summary(&summary(0, 0), "x").unwrap();
        assert_eq!(m.traps_per_syscall, None);
        assert_eq!(m.cycles_per_round, None);
        let json = serde_json::to_value(&m).unwrap();
        assert!(json["traps_per_syscall"].is_null());
        assert!(RoiMetrics::from_summary(&RoiSummary::default(), "x").is_none());
    }

    #[test]
    fn json_round_trip_map_and_table() {
        let m = RoiMetrics::from_summary(&summary(40, 10), FUNCTIONAL_CYCLE_MODEL).unwrap();
        let text = serde_json::to_string(&m).unwrap();
        let back: RoiMetrics = serde_json::from_str(&text).unwrap();
        assert_eq!(back, m);
        let map = m.to_map();
        assert_eq!(map["cycles_per_round"], serde_json::json!(100.0));
        assert_eq!(map["syscalls"], serde_json::json!(40));
        let table = m.table();
        assert!(table.contains("traps_per_syscall"), "{table}");
        assert!(table.contains("1.0500"), "{table}");
        assert!(!table.contains("warnings"), "{table}");
    }
}
