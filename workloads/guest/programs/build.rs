//! Links every program with the runtime's linker script (found through the
//! search path that `rt`'s build script adds).
fn main() {
    println!("cargo:rustc-link-arg-bins=-Tlink.x");
    println!("cargo:rerun-if-changed=build.rs");
}
