//! The contract between asyncsim's guest kernel and its user programs.
//! Both sides compile this crate, so a number or a layout is written once:
//! - [`nr`]: syscall numbers (Linux RISC-V numbers where Linux has the call,
//!   asyncsim's own from 500 up);
//! - [`errno`]: the error values syscalls return negated;
//! - [`ring`]: the shared syscall buffer of the async designs (header,
//!   request and completion rings) and its single-producer/single-consumer
//!   queue operations;
//! - [`simctl`]: the sim-control page a process maps to mark its region of
//!   interest and report its counts;
//! - [`cmdline`]: `key=value` words of the kernel command line, which the
//!   kernel hands to every process;
//! - [`design`]: the syscall designs a run selects.
//!
//! `core` only and free of `unsafe` except in [`ring`], so the host tests of
//! the `workloads` crate compile it too.
#![no_std]

pub mod cmdline;
pub mod design;
pub mod errno;
pub mod nr;
pub mod ring;
pub mod simctl;
