//! The benchmark workloads `asyncsim run --workload` knows and the syscall
//! designs it can select: a workload names the user program the kernel
//! starts (`init=`, as many instances as the workload needs: the IPC,
//! ipc-uintr and echo benchmarks are a server and a client of the same
//! program),
//! which reads `design=`, `c=`, `rounds=` and any extra
//! `KEY=VALUE` from its command line, marks its region of interest and
//! reports what it completed through sim-control.

use abi::cmdline::keys;

/// A benchmark workload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Workload {
    /// The `--workload` name.
    pub name: &'static str,
    /// The user program the kernel runs (embedded in [`crate::kernel`]).
    pub program: &'static str,
    /// How many processes of `program` the kernel starts (pid 1, 2, ...).
    pub instances: usize,
    /// One line for listings.
    pub summary: &'static str,
    /// Command-line keys a run may add beside design, c and rounds (the
    /// ones its program reads; others would be silently ignored).
    pub params: &'static [&'static str],
    /// The designs its program runs (it refuses others at start-up).
    pub designs: &'static [&'static str],
}

/// The designs of the syscall benchmarks: all but the IPC pair, which
/// [`DESIGNS`] lists last.
const SYSCALL_DESIGNS: &[&str] = DESIGNS.split_at(DESIGNS.len() - 2).0;

/// Every workload, in the order listings show them.
pub const WORKLOADS: &[Workload] = &[
    Workload {
        name: "null",
        program: "bench-null",
        instances: 1,
        summary: "c submitters x rounds of getpid, the cheapest syscall",
        params: keys::SYSCALL_BENCH,
        designs: SYSCALL_DESIGNS,
    },
    Workload {
        name: "seed",
        program: "bench-seed",
        instances: 1,
        summary: "the seed experiment: c coroutines x rounds of a syscall pair (kind=mapunmap|getpid|write)",
        params: keys::SEED_BENCH,
        designs: SYSCALL_DESIGNS,
    },
    Workload {
        name: "ipcu",
        program: "bench-ipcu",
        instances: 2,
        summary: "IPC ping-pong (design ipc-uintr): c requests x rounds through a user-to-user ring + UINTR",
        params: keys::IPCU_BENCH,
        designs: &["ipc-uintr"],
    },
    Workload {
        name: "ipc",
        program: "bench-ipc",
        instances: 2,
        summary: "IPC ping-pong (design ipc-sync): c calls x rounds through a kernel endpoint",
        params: keys::PAIR_BENCH,
        designs: &["ipc-sync"],
    },
    Workload {
        name: "echo",
        program: "bench-echo",
        instances: 2,
        summary: "pipe echo server (design sync): c requests x rounds through two named pipes",
        params: keys::PAIR_BENCH,
        designs: &["sync"],
    },
];

impl Workload {
    /// Whether its program runs `design`.
    pub fn runs(&self, design: &str) -> bool {
        self.designs.contains(&design)
    }

    /// The `init=` value: the program once per instance, comma-separated.
    pub fn init(&self) -> String {
        vec![self.program; self.instances].join(",")
    }

    /// The `init=` value for a machine of `harts` harts: with more than
    /// one hart, instance i runs on hart i mod `harts` (`program@H`), so
    /// the two processes of a pair run on different harts.
    pub fn init_on(&self, harts: usize) -> String {
        if harts <= 1 || self.instances <= 1 {
            return self.init();
        }
        (0..self.instances)
            .map(|i| format!("{}@{}", self.program, i % harts))
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// Every syscall design (DESIGN.md §3), by its `--design` / `design=` name.
pub const DESIGNS: &[&str] = &[
    "sync",
    "async-uintr",
    "async-poll",
    "batch",
    "async-trapnotify",
    "adaptive",
    "ipc-sync",
    "ipc-uintr",
];

/// Parameters a workload reads that a design of it cannot take, each with
/// why (its program refuses them at start-up). `sync` takes `worker_hart`
/// and ignores it: it is the baseline of a placement sweep's points.
pub const NOT_FOR_DESIGN: &[(&str, &str, &str)] = &[(
    "batch",
    keys::WORKER_HART,
    "batch serves its ring inside async_enter on the process's own hart: there is no kernel worker to place",
)];

/// Why `design` cannot take parameter `key`, if it cannot.
pub fn not_for_design(design: &str, key: &str) -> Option<&'static str> {
    NOT_FOR_DESIGN
        .iter()
        .find(|(d, k, _)| *d == design && *k == key)
        .map(|(_, _, why)| *why)
}

/// The workload called `name`.
pub fn workload(name: &str) -> Option<&'static Workload> {
    WORKLOADS.iter().find(|w| w.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_syscall_designs_are_all_but_the_ipc_pair() {
        assert_eq!(SYSCALL_DESIGNS.len(), 6);
        assert!(SYSCALL_DESIGNS.iter().all(|d| !d.starts_with("ipc-")));
    }

    #[test]
    fn every_workload_runs_known_designs() {
        for w in WORKLOADS {
            assert!(!w.designs.is_empty(), "{}", w.name);
            assert!(w.designs.iter().all(|d| DESIGNS.contains(d)), "{}", w.name);
        }
    }

    #[test]
    fn designs_are_the_guest_abi_names_in_order() {
        let abi: Vec<&str> = abi::design::Design::ALL.iter().map(|d| d.name()).collect();
        assert_eq!(DESIGNS, abi.as_slice());
    }

    #[test]
    fn names_are_unique_and_programs_are_user_programs() {
        for (i, w) in WORKLOADS.iter().enumerate() {
            assert!(
                WORKLOADS[..i].iter().all(|o| o.name != w.name),
                "{} twice",
                w.name
            );
            assert_eq!(workload(w.name), Some(w));
            assert!(!w.summary.is_empty());
            assert!(w.instances >= 1, "{}", w.name);
            // User programs are embedded in the kernel, not standalone.
            assert!(crate::guest_program(w.program).is_none(), "{}", w.program);
            let kernel = crate::kernel();
            assert!(
                kernel
                    .windows(w.program.len())
                    .any(|win| win == w.program.as_bytes()),
                "{} is not in the kernel image",
                w.program
            );
        }
        assert_eq!(workload("null").map(|w| w.program), Some("bench-null"));
        assert_eq!(workload("seed").map(|w| w.program), Some("bench-seed"));
        assert_eq!(
            workload("null").map(|w| w.init_on(2)).as_deref(),
            Some("bench-null")
        );
        let ipcu = workload("ipcu").expect("ipcu");
        assert_eq!(ipcu.init(), "bench-ipcu,bench-ipcu");
        assert_eq!(ipcu.init_on(1), "bench-ipcu,bench-ipcu");
        assert_eq!(ipcu.init_on(2), "bench-ipcu@0,bench-ipcu@1");
        assert_eq!(
            workload("null").map(Workload::init).as_deref(),
            Some("bench-null")
        );
        assert_eq!(
            workload("ipc").map(Workload::init).as_deref(),
            Some("bench-ipc,bench-ipc")
        );
        assert_eq!(
            workload("echo").map(Workload::init).as_deref(),
            Some("bench-echo,bench-echo")
        );
        assert!(workload("no-such-workload").is_none());
    }
}
