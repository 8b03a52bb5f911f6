//! Builds the guest programs in `guest/` for riscv64gc-unknown-none-elf with
//! a nested cargo, and generates `guest_programs.rs` in OUT_DIR, which embeds
//! each ELF. No manual step: the root `cargo build`/`cargo test` does it.
//!
//! Order: first everything but the kernel (runtime, programs, firmware,
//! user programs), then the kernel, which embeds the user programs' ELF
//! files from the directory given in `ASYNCSIM_USER_ELF_DIR`.

use std::{
    env, fs,
    path::{Path, PathBuf},
    process::Command,
};

const GUEST_TARGET: &str = "riscv64gc-unknown-none-elf";

fn main() {
    let manifest_dir =
        PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR"));
    let guest = manifest_dir.join("guest");
    let target_dir = out_dir.join("guest-target");

    for path in [
        "Cargo.toml",
        "Cargo.lock",
        ".cargo",
        "rt",
        "programs",
        "sbi",
        "kernel",
        "user",
        "abi",
        "platform",
    ] {
        println!("cargo:rerun-if-changed={}", guest.join(path).display());
    }
    println!("cargo:rerun-if-changed=build.rs");

    let programs = program_names(&guest.join("programs/src/bin"));
    let elf_dir = target_dir.join(GUEST_TARGET).join("release");
    build_guest(
        &guest,
        &target_dir,
        &["--workspace", "--exclude", "kernel"],
        None,
    );
    build_guest(&guest, &target_dir, &["-p", "kernel"], Some(&elf_dir));

    let mut generated = String::from("/// Names of the guest programs built into this crate.\n");
    generated.push_str("pub const GUEST_PROGRAMS: &[&str] = &[\n");
    for name in &programs {
        generated.push_str(&format!("    {name:?},\n"));
    }
    generated.push_str("];\n\n/// (name, ELF image) of every guest program.\n");
    generated.push_str("static GUEST_ELVES: &[(&str, &[u8])] = &[\n");
    for name in &programs {
        let elf = elf_dir.join(name);
        assert!(
            elf.is_file(),
            "guest build did not produce {}",
            elf.display()
        );
        let elf = elf.to_str().expect("guest ELF path is not UTF-8");
        generated.push_str(&format!("    ({name:?}, include_bytes!({elf:?})),\n"));
    }
    generated.push_str("];\n");
    for (item, name, what) in [
        ("FIRMWARE_ELF", "sbi", "The M-mode SBI firmware"),
        ("KERNEL_ELF", "kernel", "The S-mode kernel"),
    ] {
        let elf = elf_dir.join(name);
        assert!(
            elf.is_file(),
            "guest build did not produce {}",
            elf.display()
        );
        let elf = elf.to_str().expect("guest ELF path is not UTF-8");
        generated.push_str(&format!(
            "\n/// {what} (ELF).\nstatic {item}: &[u8] = include_bytes!({elf:?});\n"
        ));
    }
    fs::write(out_dir.join("guest_programs.rs"), generated).expect("write guest_programs.rs");
}

/// Binary names of the programs crate: `src/bin/NAME.rs` and `src/bin/NAME/main.rs`.
fn program_names(bin_dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(bin_dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", bin_dir.display()))
        .map(|entry| entry.expect("read_dir entry").path())
        .filter_map(|path| {
            if path.is_dir() && path.join("main.rs").is_file() {
                path.file_name()?.to_str().map(str::to_owned)
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                path.file_stem()?.to_str().map(str::to_owned)
            } else {
                None
            }
        })
        .collect();
    names.sort();
    names
}

/// Runs `cargo build --release --target riscv64gc-unknown-none-elf ARGS`
/// in `guest` (see `run_guest_cargo`); panics with the guest's errors if
/// it fails.
fn build_guest(guest: &Path, target_dir: &Path, args: &[&str], user_elf_dir: Option<&Path>) {
    let output = run_guest_cargo(guest, target_dir, args, user_elf_dir);
    if output.status.success() {
        return;
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let target_missing = stderr.contains("can't find crate for `core`");
    // A toolchain installed before rust-toolchain.toml listed the target
    // lacks it (rustup adds targets only on a toolchain's first install):
    // add it and try once more, so that `cargo run`/`cargo test` stay the
    // only set-up steps.
    let output = if target_missing && add_guest_target(guest) {
        run_guest_cargo(guest, target_dir, args, user_elf_dir)
    } else {
        output
    };
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let hint = if stderr.contains("can't find crate for `core`") {
            format!("\nhint: the target is missing: rustup target add {GUEST_TARGET}\n")
        } else {
            String::new()
        };
        panic!(
            "guest build failed ({}):\n--- stdout ---\n{}\n--- stderr ---\n{stderr}{hint}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
        );
    }
}

/// `rustup target add GUEST_TARGET` for the toolchain that `guest` uses;
/// false if rustup is absent or fails.
fn add_guest_target(guest: &Path) -> bool {
    println!("cargo:warning=adding the {GUEST_TARGET} target with rustup");
    Command::new("rustup")
        .current_dir(guest)
        .args(["target", "add", GUEST_TARGET])
        .status()
        .is_ok_and(|status| status.success())
}

/// One run of the nested cargo in `guest`, with the environment that the
/// outer cargo gave this script cleaned of everything meant for the host
/// build, and with `ASYNCSIM_USER_ELF_DIR` set to `user_elf_dir` if given.
fn run_guest_cargo(
    guest: &Path,
    target_dir: &Path,
    args: &[&str],
    user_elf_dir: Option<&Path>,
) -> std::process::Output {
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(guest)
        .args([
            "build",
            "--release",
            "--target",
            GUEST_TARGET,
            "--target-dir",
        ])
        .arg(target_dir)
        .args(args);
    for (key, _) in env::vars_os() {
        let Some(key) = key.to_str() else { continue };
        // Host flags, wrappers (clippy-driver!), target/profile/dir overrides
        // and the per-package variables cargo sets for build scripts. Keep
        // CARGO_HOME (registry) and CARGO_MAKEFLAGS (shares the outer jobserver).
        let host_only =
            matches!(
                key,
                "RUSTFLAGS" | "RUSTDOCFLAGS" | "RUSTC_WORKSPACE_WRAPPER" | "RUSTC_WRAPPER"
            ) || (key.starts_with("CARGO_") && key != "CARGO_HOME" && key != "CARGO_MAKEFLAGS");
        if host_only {
            cmd.env_remove(key);
        }
    }
    cmd.env_remove("ASYNCSIM_USER_ELF_DIR");
    if let Some(dir) = user_elf_dir {
        cmd.env("ASYNCSIM_USER_ELF_DIR", dir);
    }
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run cargo for the guest programs: {e}"))
}
