//! asyncsim's guest kernel (S-mode). It boots on hart 0, turns on Sv39
//! with the kernel's identity map of RAM, brings the other harts of the
//! device tree online and checks IPIs and remote fences with them (see
//! [`smp`]; they then idle, ready for a role), loads the user programs the
//! command line names (see [`cmdline`]) as processes pid 1, 2, ..., each
//! in its own address space and on the hart the command line picks (hart
//! 0 by default), and runs them concurrently: on each hart round-robin
//! with a time slice enforced by the timer interrupt, plus sched_yield,
//! nanosleep and blocking pipe/IPC calls (see [`hart_queues`],
//! [`scheduler`] and [`objects`]: a wake-up reaches a process on any
//! hart, and processes blocked on each other on every hart are a
//! deadlock that the kernel ends). A process that
//! faults is killed and reported. When the last one ends it powers off
//! through SBI: exit code 0 if every process exited with 0, else 1.
#![no_std]
#![no_main]

mod access;
mod async_ring;
mod async_state;
mod blocking;
mod channel;
mod clock;
mod cmdline;
mod console;
mod console_input;
mod devices;
mod elf;
mod entry;
mod executor;
mod fd_table;
mod file_syscalls;
mod fpu;
mod frames;
mod hart_queues;
mod io_service;
mod ipc;
mod ipc_syscalls;
mod lock;
mod memfs;
mod memory_syscalls;
mod objects;
mod page_release;
mod page_table;
mod pipe;
mod pipe_syscalls;
mod process;
mod process_shared;
mod ring_pool;
mod sbi;
mod scheduler;
mod smp;
mod smp_selftest;
mod syscall;
mod timer;
mod trap;
mod uintc;
mod uintr;
mod uintr_handles;
mod upcall;
mod user_memory;
mod worker;

mod user_programs {
    include!(concat!(env!("OUT_DIR"), "/user_programs.rs"));
}

use frames::FRAMES;
use objects::OBJECTS;
use page_table::AddressSpace;
use platform::fdt;
use process::{Placed, Process};

/// Hart 0's kernel, entered from [`entry`] with a zeroed `.bss`.
fn kmain(hart: usize, fdt: usize) -> ! {
    kprintln!("asyncsim kernel: hart {hart}, device tree at {fdt:#x}");
    trap::init();
    let Ok(kernel_space) = AddressSpace::new(&mut FRAMES.lock()) else {
        kprintln!("kernel: out of page frames");
        sbi::shutdown(false)
    };
    kernel_space.activate();
    kprintln!("kernel booted (Sv39)");
    if !check_firmware() {
        sbi::shutdown(false)
    }

    let tree = cmdline::device_tree(fdt);
    smp::init_boot_hart(kernel_space.satp());
    let cpus = tree.and_then(fdt::cpu_count).unwrap_or(1);
    let mut all_passed = true;
    if cpus > 1 {
        all_passed &= start_secondaries(cpus);
    }
    hart_queues::set_timebase(tree.and_then(fdt::timebase_frequency).map_or(0, u64::from));
    if let Some(base) = tree.and_then(|t| fdt::reg_of_compatible(t, b"asyncsim,sim-control")) {
        devices::set_simctl_base(base as usize);
    }
    if let Some(base) = tree.and_then(|t| fdt::reg_of_compatible(t, b"riscv,uintc0")) {
        uintc::set_base(base as usize);
    }
    let bootargs = tree.and_then(fdt::bootargs).unwrap_or("");
    let programs = cmdline::init_programs(Some(bootargs));
    for (i, entry) in programs.split(',').enumerate() {
        all_passed &= load(i + 1, entry, bootargs);
    }
    // The programs' code was written as data: no hart may run it before
    // a fence.i (none has run any process yet).
    if let Err(e) = smp::fence_i_everywhere() {
        kprintln!("kernel: fence.i on the other harts failed: {e:?}");
        all_passed = false;
    }
    let others = hart_queues::dispatch();
    all_passed &= hart_queues::run_own();
    all_passed &= hart_queues::wait_for(others);
    // Every process's frames went back to the pool; only the kernel's root remains.
    let in_use = FRAMES.lock().in_use();
    if in_use != 1 {
        kprintln!("kernel: {} page frames leaked", in_use - 1);
        all_passed = false;
    }
    if ring_pool::in_use() != 0 {
        kprintln!("kernel: {} syscall buffers leaked", ring_pool::in_use());
        all_passed = false;
    }
    if OBJECTS.lock().in_use() != 0 {
        kprintln!("kernel: pipes or endpoints leaked");
        all_passed = false;
    }
    kprintln!("kernel: all processes done, shutting down");
    sbi::shutdown(all_passed)
}

/// Loads process `pid` from `init=` entry `name[@hart]` into the run queue
/// of its hart, handing it the command line `bootargs`; whether that worked.
fn load(pid: usize, entry: &str, bootargs: &str) -> bool {
    let Some((name, hart)) = cmdline::placement(entry) else {
        kprintln!("process {pid}: bad hart in {entry:?}");
        return false;
    };
    if !smp::is_online(hart) {
        kprintln!("process {pid} ({name}): hart {hart} is not online");
        return false;
    }
    let Some((_, image)) = user_programs::USER_PROGRAMS
        .iter()
        .find(|(n, _)| *n == name)
    else {
        kprintln!("process {pid}: no program {name:?}");
        return false;
    };
    let loaded = Process::load(pid, hart, image, bootargs, &mut FRAMES.lock());
    match loaded {
        Ok(process) => {
            let Some(placed) = Placed::new(process) else {
                kprintln!("process {pid} ({name}): no cell for it");
                return false;
            };
            let added = hart_queues::QUEUES[hart].lock().add(placed);
            if let Err((_, placed)) = added {
                kprintln!("process {pid} ({name}): too many processes");
                placed.into_inner().destroy();
                return false;
            }
            true
        }
        Err(e) => {
            kprintln!("process {pid} ({name}): cannot load: {e:?}");
            false
        }
    }
}

/// Brings harts 1..`cpus` online (the firmware must offer HSM, IPI and
/// RFENCE) and runs the SMP self-test with them; whether all went well.
fn start_secondaries(cpus: usize) -> bool {
    if ![sbi::EID_HSM, sbi::EID_IPI, sbi::EID_RFENCE]
        .into_iter()
        .all(sbi::probe)
    {
        kprintln!("kernel: SBI lacks HSM, IPI or RFENCE; running on one hart");
        return false;
    }
    let online = smp::boot_secondaries(cpus);
    kprintln!("kernel: {online} harts online");
    online == cpus.min(smp::MAX_HARTS) && smp_selftest::run()
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
    console::print_args_unlocked(format_args!("kernel panic: {}\n", info.message()));
    sbi::shutdown(false)
}
