//! riscv-core: everything architectural about the simulated RISC-V machine
//! and nothing about time. It reports what happened to a
//! [`sim_core::TimingSink`].

pub mod block_cache;
pub mod bus;
pub mod commit_log;
pub mod csr;
pub mod decode;
pub mod devices;
pub mod dtb;
pub mod encode;
pub mod execute;
mod fill_log;
pub mod fpu;
pub mod hart;
pub mod host_tlb;
pub mod inst;
pub mod loader;
pub mod machine;
pub mod mem;
pub mod mmu;
pub mod operands;
pub mod platform;
pub mod pmp;
pub mod privileged;
pub mod reservation;
pub mod sink_clock;
pub mod timebase;
pub mod trap;
