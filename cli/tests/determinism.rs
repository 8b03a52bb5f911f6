//! Same program and configuration => bit-identical statistics and memory,
//! whether machines run one after another or in parallel threads.

use riscv_core::machine::{Machine, MachineConfig};
use riscv_core::platform::UartOutput;
use sim_core::{NullSink, RunLimits, StopReason};

/// Runs `smp-atomics` on 4 harts; returns the stop reason, the stats as
/// JSON text and a hash of all of RAM.
fn run_once(quantum: u64) -> (StopReason, String, u64) {
    let mut c = MachineConfig::default();
    c.platform.harts = 4;
    c.platform.ram_size = 32 << 20;
    c.platform.uart_output = UartOutput::Buffer;
    c.quantum = quantum;
    let mut m = Machine::new(c).unwrap();
    let elf = workloads::guest_program("smp-atomics").unwrap();
    let image = m.load_elf(elf).unwrap();
    m.boot(image.entry).unwrap();
    let stop = m.run(
        &mut NullSink,
        RunLimits {
            max_instructions: Some(100_000_000),
        },
    );
    // FNV-1a over RAM: any divergence in memory shows up.
    let hash = m.bus.ram().iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    });
    (stop, m.stats().to_json().to_string(), hash)
}

#[test]
fn sequential_and_parallel_runs_are_bit_identical() {
    let first = run_once(1000);
    assert_eq!(first.0, StopReason::Exited(0));
    assert_eq!(run_once(1000), first, "second sequential run differs");
    let parallel: Vec<_> = (0..2)
        .map(|_| std::thread::spawn(|| run_once(1000)))
        .collect::<Vec<_>>()
        .into_iter()
        .map(|t| t.join().unwrap())
        .collect();
    for r in parallel {
        assert_eq!(r, first, "a run in a thread differs");
    }
}

#[test]
fn the_quantum_is_part_of_the_configuration() {
    // A different interleaving is a different (but still correct) run.
    let (stop, stats, _) = run_once(7);
    assert_eq!(stop, StopReason::Exited(0));
    assert_eq!(run_once(7).1, stats);
}
