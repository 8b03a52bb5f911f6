//! asyncsim's guest kernel (S-mode). This first slice boots on hart 0,
//! turns on Sv39 with the kernel's identity map of RAM, and runs the user
//! programs the command line names (see [`cmdline`]) one after the other,
//! each as its own process in its own address space (pid 1, 2, ...),
//! serving their syscalls; a process that faults is killed and reported.
//! When the last one ends it powers off through SBI: exit code 0 if every
//! process exited with 0, else 1.
#![no_std]
#![no_main]

mod cmdline;
mod console;
mod elf;
mod entry;
mod fdt;
mod frames;
mod page_table;
mod process;
mod sbi;
mod syscall;
mod timer;
mod trap;
mod user_memory;

mod user_programs {
    include!(concat!(env!("OUT_DIR"), "/user_programs.rs"));
}

use frames::FramePool;
use page_table::AddressSpace;
use process::{Outcome, Process};

/// Hart 0's kernel, entered from [`entry`] with a zeroed `.bss`.
fn kmain(hart: usize, fdt: usize) -> ! {
    kprintln!("asyncsim kernel: hart {hart}, device tree at {fdt:#x}");
    trap::init();
    let mut frames = FramePool::take();
    let Ok(kernel_space) = AddressSpace::new(&mut frames) else {
        kprintln!("kernel: out of page frames");
        sbi::shutdown(false)
    };
    kernel_space.activate();
    kprintln!("kernel booted (Sv39)");
    if !check_firmware() {
        sbi::shutdown(false)
    }

    let bootargs = cmdline::device_tree(fdt).and_then(fdt::bootargs);
    let mut all_passed = true;
    for (i, name) in cmdline::init_programs(bootargs).split(',').enumerate() {
        let pid = i + 1;
        let Some((_, image)) = user_programs::USER_PROGRAMS
            .iter()
            .find(|(n, _)| *n == name)
        else {
            kprintln!("process {pid}: no program {name:?}");
            all_passed = false;
            continue;
        };
        let mut process = match Process::load(pid, image, &mut frames) {
            Ok(process) => process,
            Err(e) => {
                kprintln!("process {pid} ({name}): cannot load: {e:?}");
                all_passed = false;
                continue;
            }
        };
        process.space.activate();
        let outcome = process.run();
        kernel_space.activate();
        process.space.destroy(&mut frames);
        match outcome {
            Outcome::Exited(code) => {
                kprintln!("process {pid} exited with code {code}");
                all_passed &= code == 0;
            }
            Outcome::Killed { cause, pc, tval } => {
                kprintln!(
                    "process {pid} killed by {} (scause={cause:#x} sepc={pc:#x} stval={tval:#x})",
                    trap::cause_name(cause)
                );
                all_passed = false;
            }
        }
    }
    // Every process's frames went back to the pool; only the kernel's root remains.
    if frames.in_use() != 1 {
        kprintln!("kernel: {} page frames leaked", frames.in_use() - 1);
        all_passed = false;
    }
    kprintln!("kernel: all processes done, shutting down");
    sbi::shutdown(all_passed)
}

/// Checks the SBI services the kernel uses: BASE reports v1.0+, TIME and
/// SRST are there, and the timer raises and clears STIP.
fn check_firmware() -> bool {
    let version = sbi::spec_version().unwrap_or(0);
    let (major, minor) = (version >> 24, version & 0xff_ffff);
    if major < 1 || !sbi::probe(sbi::EID_TIME) || !sbi::probe(sbi::EID_SRST) {
        kprintln!("kernel: SBI {major}.{minor} lacks TIME or SRST");
        return false;
    }
    match timer::self_test() {
        Ok(_) => {
            kprintln!("kernel: SBI {major}.{minor}, timer ok");
            true
        }
        Err(e) => {
            kprintln!("kernel: SBI timer check failed: {e:?}");
            false
        }
    }
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    kprintln!("kernel panic: {}", info.message());
    sbi::shutdown(false)
}
