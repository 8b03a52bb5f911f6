//! Random machine code on the functional core, on one hart and on two
//! (see `common/random_program.rs`): every program must stop cleanly (an
//! exit through a device, the instruction budget, or every hart waiting
//! for good) and never panic the host, and the same program must run the
//! same way twice. `ASYNCSIM_FUZZ_SEEDS=N` runs N seeds instead of the
//! default, for a longer campaign.

mod common;

use common::random_program::{random_program, seeds};
use common::*;
use riscv_core::machine::Machine;
use riscv_core::platform::RAM_BASE;
use sim_core::{NullSink, RunLimits, StopReason};

const SEEDS: u64 = 48;
const BUDGET: u64 = 200_000;

/// Runs program `seed` on `harts` harts; how it stopped and what ran.
fn run(seed: u64, harts: usize) -> (StopReason, u64, Vec<u64>) {
    let mut m = Machine::new(config(harts)).expect("machine");
    m.load_raw(&random_program(seed), RAM_BASE).expect("load");
    m.boot(RAM_BASE).expect("boot");
    let stop = m.run(
        &mut NullSink,
        RunLimits {
            max_instructions: Some(BUDGET),
        },
    );
    // What the program left in the first page of its RAM.
    let words = (0..512)
        .map(|i| read_u64(&mut m, RAM_BASE + i * 8))
        .collect();
    (stop, m.instret(), words)
}

#[test]
fn random_code_stops_cleanly_and_deterministically() {
    let seeds = seeds(SEEDS);
    let mut retired = 0;
    for harts in [1, 2] {
        for seed in 0..seeds {
            let first = run(seed, harts);
            assert!(
                matches!(
                    first.0,
                    StopReason::Exited(_) | StopReason::InstructionBudget(_) | StopReason::Deadlock
                ),
                "seed {seed}: {:?}",
                first.0
            );
            assert_eq!(first, run(seed, harts), "seed {seed}, {harts} harts");
            retired += first.1;
        }
    }
    // Most programs run through their body (the handler steps over what
    // traps) rather than stopping at once.
    assert!(retired > seeds * BUDGET / 2, "{retired} instructions");
}
