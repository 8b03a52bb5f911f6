//! Links the user programs at their user-space address with `user.x`.
use std::{env, fs, path::PathBuf};

fn main() {
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    fs::write(out.join("user.x"), include_bytes!("user.x")).expect("write user.x");
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rustc-link-arg-bins=-Tuser.x");
    println!("cargo:rerun-if-changed=user.x");
    println!("cargo:rerun-if-changed=build.rs");
}
