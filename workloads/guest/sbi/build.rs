//! Links the firmware with its own linker script (at the reset address).
use std::{env, fs, path::PathBuf};

fn main() {
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    fs::write(out.join("sbi.x"), include_bytes!("sbi.x")).expect("write sbi.x");
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rustc-link-arg-bins=-Tsbi.x");
    println!("cargo:rerun-if-changed=sbi.x");
    println!("cargo:rerun-if-changed=build.rs");
}
