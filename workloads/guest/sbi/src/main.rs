//! asyncsim's M-mode SBI firmware: sets up the machine for an S-mode kernel
//! (PMP, trap delegation, counters, Sstc) and then serves the kernel's SBI
//! calls (see [`calls`]). Hart 0 boots the kernel; the other harts wait
//! until the kernel starts them ([`hsm`]); [`ipi`] carries IPIs and remote
//! fences between harts.
#![no_std]
#![no_main]

mod boot;
mod calls;
mod finisher;
mod hsm;
mod ipi;
mod trap;
mod uart;

#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    uart::print_args(format_args!("sbi: panic: {}\n", info.message()));
    finisher::exit(101)
}
