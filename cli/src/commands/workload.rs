//! `asyncsim run --workload NAME --design D --concurrency C --rounds R`:
//! boots the bundled SBI firmware and kernel with the command line
//! `init=<program>[,<program>...] design=D c=C rounds=R [KEY=VALUE ...]`
//! (the program once per instance the workload needs), runs the
//! benchmark to its end and prints the metrics of the region of interest
//! it marked (a table, or with `--json` one JSON object on stdout while the
//! guest's output goes to stderr).
//!
//! Exit codes: 0 with metrics; 2 unusable input (unknown workload or
//! design, bad --param); 3 the guest failed (the kernel powered off with
//! a non-zero code); 4 the guest finished without completing a region of
//! interest; 124 the instruction budget ran out; 125 every hart waits
//! forever. Each failure is one line on stderr.

use super::run::{build_machine, execute, print_summary, RunArgs};
use super::timing::{fit_machine, model_for_run};
use anyhow::{bail, Result};
use reports::roi_metrics::RoiMetrics;
#[cfg(test)]
use reports::roi_metrics::FUNCTIONAL_CYCLE_MODEL;
use riscv_core::platform::UartOutput;
use serde_json::json;
use sim_core::{RoiTracker, StopReason};
use std::io::Write as _;
use workloads::{Workload, DESIGNS, WORKLOADS};

/// The guest failed: the kernel powered off with a non-zero code.
pub const EXIT_GUEST_FAILED: u8 = 3;
/// The guest finished without completing a region of interest.
pub const EXIT_NO_REGION: u8 = 4;

/// Command-line keys the request itself sets; --param may not repeat them.
const RESERVED_KEYS: &[&str] = &["init", "design", "c", "rounds"];

/// A validated workload run: what to boot and with which command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkloadRequest {
    pub workload: &'static Workload,
    pub design: &'static str,
    pub concurrency: u64,
    pub rounds: u64,
    /// Extra `KEY=VALUE` pairs, in the order given.
    pub params: Vec<(String, String)>,
}

/// Refuses a benchmark machine with more harts than the bundled firmware
/// and kernel bring up: the others would stay parked, and the run would
/// measure fewer harts than it says.
pub fn check_harts(harts: u64) -> Result<()> {
    if harts > workloads::MAX_HARTS as u64 {
        bail!(
            "{harts} harts: the bundled kernel brings up at most {} (the others would stay parked)",
            workloads::MAX_HARTS
        );
    }
    Ok(())
}

/// Why `w` cannot run `design` (its program would refuse it at start-up).
pub fn not_run(w: &Workload, design: &str) -> String {
    format!(
        "workload {} does not run design {design} (it runs: {})",
        w.name,
        w.designs.join(", ")
    )
}

impl WorkloadRequest {
    /// Checks every part of a request; the error says what is wrong.
    pub fn new(
        workload: &str,
        design: &str,
        concurrency: u64,
        rounds: u64,
        params: &[String],
    ) -> Result<WorkloadRequest> {
        let Some(w) = WORKLOADS.iter().find(|w| w.name == workload) else {
            let known: Vec<&str> = WORKLOADS.iter().map(|w| w.name).collect();
            bail!(
                "unknown workload {workload:?} (known: {})",
                known.join(", ")
            );
        };
        let Some(&design) = DESIGNS.iter().find(|&&d| d == design) else {
            bail!("unknown design {design:?} (known: {})", DESIGNS.join(", "));
        };
        if !w.runs(design) {
            bail!("{}", not_run(w, design));
        }
        if concurrency == 0 || rounds == 0 {
            bail!("--concurrency and --rounds must be at least 1");
        }
        let mut pairs: Vec<(String, String)> = Vec::new();
        for p in params {
            let (key, value) = parse_param(p)?;
            if !w.params.contains(&key.as_str()) {
                bail!(
                    "parameter `{key}`: workload {} does not read it (it reads: {})",
                    w.name,
                    w.params.join(", ")
                );
            }
            if let Some(why) = workloads::not_for_design(design, &key) {
                bail!("parameter `{key}`: not with design {design}: {why}");
            }
            if pairs.iter().any(|(k, _)| *k == key) {
                bail!("--param {key} given twice");
            }
            pairs.push((key, value));
        }
        Ok(WorkloadRequest {
            workload: w,
            design,
            concurrency,
            rounds,
            params: pairs,
        })
    }

    /// The kernel command line (`/chosen/bootargs`) for a machine of
    /// `harts` harts (a workload of several processes spreads them over
    /// the harts, see `Workload::init_on`).
    pub fn bootargs(&self, harts: u32) -> String {
        let mut s = format!(
            "init={} design={} c={} rounds={}",
            self.workload.init_on(harts as usize),
            self.design,
            self.concurrency,
            self.rounds
        );
        for (k, v) in &self.params {
            s.push_str(&format!(" {k}={v}"));
        }
        s
    }

    /// The request as the `config` part of the JSON output.
    fn describe(&self, harts: u32) -> serde_json::Value {
        let params: serde_json::Map<String, serde_json::Value> = self
            .params
            .iter()
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect();
        json!({
            "workload": self.workload.name,
            "program": self.workload.program,
            "design": self.design,
            "concurrency": self.concurrency,
            "rounds": self.rounds,
            "harts": harts,
            "params": params,
        })
    }
}

/// `KEY=VALUE` with a key of letters, digits, `_`, `-`, `.` that the
/// request does not set itself, and a non-empty value without spaces (the
/// command line is split at spaces).
fn parse_param(p: &str) -> Result<(String, String)> {
    let Some((key, value)) = p.split_once('=') else {
        bail!("--param {p:?} is not KEY=VALUE");
    };
    let key_ok = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if !key_ok {
        bail!("--param key {key:?} must be letters, digits, '_', '-' or '.'");
    }
    if RESERVED_KEYS.contains(&key) {
        bail!("--param {key}= is set by --workload/--design/--concurrency/--rounds");
    }
    if value.is_empty() || !value.chars().all(|c| c.is_ascii_graphic()) {
        bail!("--param {key} needs a non-empty value without spaces");
    }
    Ok((key.to_string(), value.to_string()))
}

/// Prints a one-line failure and gives its exit code.
fn fail(code: u8, message: impl std::fmt::Display) -> Result<u8> {
    eprintln!("asyncsim: error: {message}");
    Ok(code)
}

/// The metrics of a finished run, or the exit code and one-line reason
/// why there are none (a sweep's point runner applies the same rules).
pub(super) fn verdict(
    stop: &StopReason,
    roi: &RoiTracker,
    request: &WorkloadRequest,
    cycle_model: &str,
) -> std::result::Result<RoiMetrics, (u8, String)> {
    match stop {
        StopReason::Exited(0) => {}
        StopReason::Exited(code) => {
            return Err((
                EXIT_GUEST_FAILED,
                format!(
                    "the guest failed (exit code {code}): workload {} design {}",
                    request.workload.name, request.design
                ),
            ))
        }
        StopReason::InstructionBudget(n) => {
            return Err((
                stop.host_exit_code() as u8,
                format!("the instruction budget of {n} ran out before the workload finished"),
            ))
        }
        StopReason::Deadlock => {
            return Err((
                stop.host_exit_code() as u8,
                "every hart waits for an interrupt that cannot arrive".to_string(),
            ))
        }
    }
    RoiMetrics::from_summary(roi.summary(), cycle_model).ok_or_else(|| {
        let why = if roi.is_open() {
            "began a region of interest but never ended it"
        } else {
            "never marked a region of interest"
        };
        (
            EXIT_NO_REGION,
            format!("the guest ({}) {why}", request.workload.program),
        )
    })
}

pub fn run(args: &RunArgs) -> Result<u8> {
    check_harts(args.harts.into())?;
    let request = WorkloadRequest::new(
        args.workload.as_deref().unwrap_or_default(),
        args.design.as_deref().unwrap_or("sync"),
        args.concurrency.unwrap_or(1),
        args.rounds.unwrap_or(10),
        &args.params,
    )?;
    // With --json, stdout holds the one JSON object: the guest's output
    // is captured and passed on to stderr.
    let capture = args.json && args.uart_output.is_none();
    let uart = match (&args.uart_output, capture) {
        (Some(p), _) => UartOutput::File(p.clone()),
        (None, true) => UartOutput::Buffer,
        (None, false) => UartOutput::Stdout,
    };
    let mut machine = build_machine(args, request.bootargs(args.harts), uart)?;
    let kernel = machine.load_elf(workloads::kernel())?;
    let firmware = machine.load_elf(workloads::firmware())?;
    machine.set_next_stage(kernel.entry);
    machine.boot(firmware.entry)?;
    let mut model = model_for_run(args)?;
    fit_machine(&mut machine, model.as_ref(), args.quantum);
    let (stop, secs) = execute(&mut machine, args, model.as_mut())?;
    if capture {
        let output = machine.bus.uart.take_output();
        // Losing the guest's console copy on a closed stderr is harmless.
        let _ = std::io::stderr().write_all(&output);
    }
    print_summary(&machine, &stop, secs);

    let cycle_model = super::timing::cycle_model(&args.preset, &args.sets, args.seed);
    let metrics = match verdict(&stop, machine.roi(), &request, &cycle_model) {
        Ok(metrics) => metrics,
        Err((code, message)) => return fail(code, message),
    };
    if args.json {
        let mut out = request.describe(args.harts);
        out["preset"] = json!(args.preset);
        out["seed"] = json!(args.seed);
        // Cycles with a timing model, instructions without.
        out["quantum"] = json!(machine.config().quantum);
        out["metrics"] = serde_json::to_value(&metrics)?;
        if model.is_some() {
            // The timing model's counters over the region of interest.
            out["model"] = machine.roi_sink_counters().to_json();
        }
        println!("{}", serde_json::to_string(&out)?);
    } else {
        let quantum = machine.config().quantum;
        let unit = if model.is_some() {
            "cycles"
        } else {
            "instructions"
        };
        println!(
            "workload {} ({}), design {}, concurrency {}, rounds {}, {} hart{} (quantum {quantum} {unit})",
            request.workload.name,
            request.workload.program,
            request.design,
            request.concurrency,
            request.rounds,
            args.harts,
            if args.harts == 1 { "" } else { "s" }
        );
        print!("{}", metrics.table());
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(p: &[&str]) -> Vec<String> {
        p.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn bootargs_name_the_program_and_every_parameter() {
        let r = WorkloadRequest::new("seed", "batch", 8, 3, &params(&["kind=write", "payload=8"]))
            .unwrap();
        assert_eq!(
            r.bootargs(2),
            "init=bench-seed design=batch c=8 rounds=3 kind=write payload=8"
        );
        let pair = WorkloadRequest::new("ipcu", "ipc-uintr", 4, 2, &[]).unwrap();
        assert_eq!(
            pair.bootargs(2),
            "init=bench-ipcu@0,bench-ipcu@1 design=ipc-uintr c=4 rounds=2"
        );
        assert_eq!(
            pair.bootargs(1),
            "init=bench-ipcu,bench-ipcu design=ipc-uintr c=4 rounds=2"
        );
        let d = r.describe(2);
        assert_eq!(d["harts"], 2);
        assert_eq!(d["params"]["kind"], "write");
        let r = WorkloadRequest::new("ipc", "ipc-sync", 4, 5, &[]).unwrap();
        assert_eq!(
            r.bootargs(1),
            "init=bench-ipc,bench-ipc design=ipc-sync c=4 rounds=5"
        );
        let r = WorkloadRequest::new("echo", "sync", 1, 2, &params(&["payload=8"])).unwrap();
        assert_eq!(
            r.bootargs(2),
            "init=bench-echo@0,bench-echo@1 design=sync c=1 rounds=2 payload=8"
        );
    }

    #[test]
    fn only_a_clean_exit_with_a_completed_region_gives_metrics() {
        let r = WorkloadRequest::new("null", "sync", 1, 1, &[]).unwrap();
        let mut roi = RoiTracker::new();
        let code = |stop: StopReason, roi: &RoiTracker| {
            verdict(&stop, roi, &r, FUNCTIONAL_CYCLE_MODEL)
                .unwrap_err()
                .0
        };
        assert_eq!(code(StopReason::Exited(0), &roi), EXIT_NO_REGION);
        assert_eq!(code(StopReason::Exited(1), &roi), EXIT_GUEST_FAILED);
        assert_eq!(code(StopReason::InstructionBudget(5), &roi), 124);
        assert_eq!(code(StopReason::Deadlock, &roi), 125);
        roi.begin(0, vec![Default::default()]);
        let (c, why) =
            verdict(&StopReason::Exited(0), &roi, &r, FUNCTIONAL_CYCLE_MODEL).unwrap_err();
        assert_eq!(c, EXIT_NO_REGION);
        assert!(why.contains("never ended"), "{why}");
        roi.report_syscalls(3);
        roi.end(&[Default::default()]);
        assert_eq!(code(StopReason::Exited(2), &roi), EXIT_GUEST_FAILED);
        let m = verdict(&StopReason::Exited(0), &roi, &r, FUNCTIONAL_CYCLE_MODEL).unwrap();
        assert_eq!(m.syscalls, 3);
        assert_eq!(m.cycle_model, FUNCTIONAL_CYCLE_MODEL);
    }

    #[test]
    fn bad_requests_are_refused_with_a_reason() {
        let err = |w: &str, d: &str, c: u64, p: &[&str]| {
            WorkloadRequest::new(w, d, c, 1, &params(p))
                .unwrap_err()
                .to_string()
        };
        assert!(err("nope", "sync", 1, &[]).contains("unknown workload"));
        assert!(err("null", "fast", 1, &[]).contains("unknown design"));
        assert!(err("null", "sync", 0, &[]).contains("at least 1"));
        assert!(err("null", "sync", 1, &["novalue"]).contains("KEY=VALUE"));
        assert!(err("null", "sync", 1, &["=1"]).contains("key"));
        assert!(err("null", "sync", 1, &["a b=1"]).contains("key"));
        assert!(err("null", "sync", 1, &["c=2"]).contains("set by"));
        assert!(err("null", "sync", 1, &["init=x"]).contains("set by"));
        assert!(err("null", "sync", 1, &["k="]).contains("value"));
        assert!(err("null", "sync", 1, &["k=a b"]).contains("value"));
        assert!(err("null", "sync", 1, &["threshold=1", "threshold=2"]).contains("twice"));
        assert!(err("null", "sync", 1, &["kind=write"]).contains("does not read"));
        assert!(err("null", "sync", 1, &["x.y=1"]).contains("does not read"));
        for w in WORKLOADS {
            for d in DESIGNS {
                let made = WorkloadRequest::new(w.name, d, 1, 1, &[]);
                assert_eq!(made.is_ok(), w.runs(d), "{} {d}", w.name);
            }
        }
        assert!(err("ipc", "sync", 1, &[]).contains("it runs: ipc-sync"));
        assert!(err("null", "batch", 1, &["worker_hart=1"]).contains("no kernel worker"));
        assert!(WorkloadRequest::new("null", "sync", 1, 1, &params(&["worker_hart=1"])).is_ok());
    }
}
