//! Links the kernel at 0x8020_0000 with `kernel.x` and generates
//! `user_programs.rs`, which embeds the user ELF files. They come from the
//! directory in `ASYNCSIM_USER_ELF_DIR` (set by workloads/build.rs, which
//! builds the `user` crate first), or, for a build by hand in this
//! workspace, from this workspace's own release directory.
use std::{env, fs, path::PathBuf};

/// The user programs embedded in the kernel.
const USER_PROGRAMS: &[&str] = &[
    "user-hello",
    "user-hostile",
    "user-fault",
    "user-spin",
    "user-yield",
    "user-sleep",
    "user-files",
    "bench-null",
    "user-memory",
    "user-async-enter",
    "user-async-uintr",
    "user-async-upcall",
    "user-uintr-recv",
    "user-uintr-send",
    "user-hostile-async",
    "user-hostile-peek",
    "user-async-poll",
    "user-async-remote",
    "user-async-unmap",
    "bench-seed",
    "bench-ipcu",
    "user-hostile-channel",
    "user-pipes",
    "user-ipc",
    "user-ipc-hostile",
    "user-deadlock",
    "bench-ipc",
    "bench-echo",
    "user-partner-dies",
    "user-async-pipes",
    "user-fuzz",
];

fn main() {
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    fs::write(out.join("kernel.x"), include_bytes!("kernel.x")).expect("write kernel.x");
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rustc-link-arg-bins=-Tkernel.x");
    println!("cargo:rerun-if-changed=kernel.x");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=ASYNCSIM_USER_ELF_DIR");

    let elf_dir = match env::var_os("ASYNCSIM_USER_ELF_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => {
            let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("manifest dir"));
            manifest.join("../target/riscv64gc-unknown-none-elf/release")
        }
    };
    // Each image in a static of its own in `.user_programs`, which the
    // linker script puts after everything else: a user program that grows
    // or shrinks then moves no kernel code or data (whose addresses decide
    // cache conflicts, so the timing results would move with them).
    let mut images = String::new();
    let mut table = String::from("/// (name, ELF image) of each embedded user program.\n");
    table.push_str("pub static USER_PROGRAMS: &[(&str, &[u8])] = &[\n");
    for (i, name) in USER_PROGRAMS.iter().enumerate() {
        let elf = elf_dir.join(name);
        assert!(
            elf.is_file(),
            "user program {} missing: build the `user` crate first",
            elf.display()
        );
        println!("cargo:rerun-if-changed={}", elf.display());
        let len = fs::metadata(&elf).expect("user ELF metadata").len();
        let elf = elf.to_str().expect("user ELF path is not UTF-8");
        images.push_str(&format!(
            "#[link_section = \".user_programs\"]\nstatic IMAGE_{i}: [u8; {len}] = *include_bytes!({elf:?});\n"
        ));
        table.push_str(&format!("    ({name:?}, &IMAGE_{i}),\n"));
    }
    table.push_str("];\n");
    let generated = images + &table;
    fs::write(out.join("user_programs.rs"), generated).expect("write user_programs.rs");
}
