//! riscv-core: everything architectural about the simulated RISC-V machine
//! and nothing about time. It reports what happened to a
//! [`sim_core::TimingSink`].

pub mod bus;
pub mod csr;
pub mod decode;
pub mod devices;
pub mod dtb;
pub mod encode;
pub mod fpu;
pub mod inst;
pub mod loader;
pub mod mem;
pub mod mmu;
pub mod platform;
pub mod pmp;
pub mod privileged;
pub mod trap;
