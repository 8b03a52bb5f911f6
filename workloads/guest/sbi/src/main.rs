//! asyncsim's M-mode SBI firmware: sets up the machine for an S-mode kernel
//! (PMP, trap delegation, counters, Sstc) and then serves the kernel's SBI
//! calls (see [`calls`]). Hart 0 boots the kernel; other harts park in this
//! slice (no HSM extension yet).
#![no_std]
#![no_main]

mod boot;
mod calls;
mod finisher;
mod trap;
mod uart;

#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    uart::print_args(format_args!("sbi: panic: {}\n", info.message()));
    finisher::exit(101)
}
