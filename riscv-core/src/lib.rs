//! riscv-core: everything architectural about the simulated RISC-V machine
//! and nothing about time. It reports what happened to a
//! [`sim_core::TimingSink`].

pub mod decode;
pub mod encode;
pub mod inst;
pub mod mem;
pub mod trap;
