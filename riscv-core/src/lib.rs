//! riscv-core: everything architectural about the simulated RISC-V machine
//! and nothing about time. It reports what happened to a
//! [`sim_core::TimingSink`].

pub mod bus;
pub mod devices;
pub mod dtb;
pub mod inst;
pub mod loader;
pub mod mem;
pub mod platform;
pub mod trap;
