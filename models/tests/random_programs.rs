//! Random machine code through the timing model (the generator is the
//! functional tests', `riscv-core/tests/common/random_program.rs`): every
//! event stream such code makes, on one hart and on two, under every
//! preset, must leave the model without a host panic, and the same
//! program must give the same statistics twice. `ASYNCSIM_FUZZ_SEEDS=N`
//! runs N seeds instead of the default.

#[path = "../../riscv-core/tests/common/random_program.rs"]
mod random_program;

use models::{Preset, TimingModel};
use random_program::{random_program, seeds};
use riscv_core::machine::{Machine, MachineConfig};
use riscv_core::platform::{UartOutput, RAM_BASE};
use sim_core::{RunLimits, Stats, StopReason};

const SEEDS: u64 = 16;
const BUDGET: u64 = 200_000;
const RAM: u64 = 16 << 20;

fn run(seed: u64, harts: usize, preset: &Preset) -> (StopReason, Stats) {
    let mut c = MachineConfig::default();
    c.platform.harts = harts;
    c.platform.ram_size = RAM;
    c.platform.uart_output = UartOutput::Buffer;
    let mut m = Machine::new(c).expect("machine");
    m.load_raw(&random_program(seed), RAM_BASE).expect("load");
    m.boot(RAM_BASE).expect("boot");
    let mut model = TimingModel::new(preset, harts).expect("model");
    model.set_cacheable_range(RAM_BASE, RAM);
    let stop = m.run(
        &mut model,
        RunLimits {
            max_instructions: Some(BUDGET),
        },
    );
    (stop, model.stats())
}

#[test]
fn random_code_through_the_model_is_clean_and_deterministic() {
    let seeds = seeds(SEEDS);
    for name in Preset::names() {
        let preset = Preset::load(name).expect("built-in preset");
        for harts in [1, 2] {
            for seed in 0..seeds {
                let first = run(seed, harts, &preset);
                assert_eq!(
                    first,
                    run(seed, harts, &preset),
                    "{name}, seed {seed}, {harts} harts"
                );
            }
        }
    }
}
