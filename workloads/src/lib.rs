//! Guest programs built for riscv64 by this crate's build script.
