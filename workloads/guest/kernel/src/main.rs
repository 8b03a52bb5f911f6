//! asyncsim's guest kernel (S-mode). It boots on hart 0, turns on Sv39
//! with the kernel's identity map of RAM, loads the user programs the
//! command line names (see [`cmdline`]) as processes pid 1, 2, ..., each
//! in its own address space, and runs them concurrently: round-robin with
//! a [`TIME_SLICE_NS`] slice enforced by the timer interrupt, plus
//! sched_yield and nanosleep (see [`scheduler`]). A process that faults is
//! killed and reported. When the last one ends it powers off through SBI:
//! exit code 0 if every process exited with 0, else 1.
#![no_std]
#![no_main]

mod access;
mod clock;
mod cmdline;
mod console;
mod console_input;
mod devices;
mod elf;
mod entry;
mod fd_table;
mod fdt;
mod file_syscalls;
mod fpu;
mod frames;
mod ipc;
mod ipc_syscalls;
mod memfs;
mod memory_syscalls;
mod objects;
mod page_table;
mod pipe;
mod pipe_syscalls;
mod process;
mod sbi;
mod scheduler;
mod syscall;
mod timer;
mod trap;
mod user_memory;

mod user_programs {
    include!(concat!(env!("OUT_DIR"), "/user_programs.rs"));
}

use clock::Clock;
use frames::FramePool;
use objects::Objects;
use page_table::AddressSpace;
use process::{Event, Outcome, Process};
use scheduler::Scheduler;

/// Time slice of a process before the timer preempts it.
const TIME_SLICE_NS: u64 = 5_000_000;

/// The file store, pipes and endpoints, shared by all processes. In
/// `.bss` (too big for the kernel stack); only [`kmain`] on hart 0 takes
/// a reference, once.
static mut OBJECTS: Objects = Objects::new();

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

    let tree = cmdline::device_tree(fdt);
    let clock = Clock::new(tree.and_then(fdt::timebase_frequency).map_or(0, u64::from));
    if let Some(base) = tree.and_then(|t| fdt::reg_of_compatible(t, b"asyncsim,sim-control")) {
        devices::set_simctl_base(base as usize);
    }
    let bootargs = tree.and_then(fdt::bootargs).unwrap_or("");
    let mut all_passed = true;
    let mut run_queue = Scheduler::new();
    for (i, name) in cmdline::init_programs(Some(bootargs))
        .split(',')
        .enumerate()
    {
        let pid = i + 1;
        let Some((_, image)) = user_programs::USER_PROGRAMS
            .iter()
            .find(|(n, _)| *n == name)
        else {
            kprintln!("process {pid}: no program {name:?}");
            all_passed = false;
            continue;
        };
        match Process::load(pid, image, bootargs, &mut frames) {
            Ok(process) => {
                if let Err((_, process)) = run_queue.add(process) {
                    kprintln!("process {pid} ({name}): too many processes");
                    process.space.destroy(&mut frames);
                    all_passed = false;
                }
            }
            Err(e) => {
                kprintln!("process {pid} ({name}): cannot load: {e:?}");
                all_passed = false;
            }
        }
    }
    // SAFETY: the only reference to OBJECTS, taken once on hart 0
    // (other harts park in the firmware; the kernel is not reentered).
    let objects = unsafe { &mut *core::ptr::addr_of_mut!(OBJECTS) };
    timer::enable_interrupt();
    all_passed &= schedule(&mut run_queue, &clock, &kernel_space, &mut frames, objects);
    // Every process's frames went back to the pool; only the kernel's root remains.
    if frames.in_use() != 1 {
        kprintln!("kernel: {} page frames leaked", frames.in_use() - 1);
        all_passed = false;
    }
    if objects.pipes.in_use() + objects.ipc.endpoints_in_use() + objects.ipc.parties_in_use() != 0 {
        kprintln!("kernel: pipes or endpoints leaked");
        all_passed = false;
    }
    kprintln!("kernel: all processes done, shutting down");
    sbi::shutdown(all_passed)
}

/// Runs the processes until none is left; returns whether every one
/// exited with 0. Each runs until its slice ends (timer), it yields,
/// sleeps, blocks or ends; with nothing Ready the hart waits for the next
/// wake-up. Processes that are all blocked on each other are killed.
fn schedule(
    run_queue: &mut Scheduler<Process>,
    clock: &Clock,
    kernel_space: &AddressSpace,
    frames: &mut FramePool,
    objects: &mut Objects,
) -> bool {
    let slice = clock.ns_to_ticks(TIME_SLICE_NS);
    let mut all_passed = true;
    while !run_queue.is_empty() {
        let now = timer::now();
        run_queue.wake(now);
        if run_queue.all_blocked() {
            // Nothing can wake them: end one (its partners then fail).
            if let Some(slot) = run_queue.any_blocked() {
                if let Some(process) = run_queue.remove(slot) {
                    kprintln!(
                        "process {}: deadlock, every process is blocked",
                        process.pid
                    );
                    end(process, None, frames, objects);
                    apply_wakes(run_queue, objects);
                    all_passed = false;
                }
            }
            continue;
        }
        let wake = run_queue.next_wake().unwrap_or(u64::MAX);
        let Some(slot) = run_queue.pick() else {
            arm_timer(wake);
            timer::wait_until(wake);
            continue;
        };
        let Some(process) = run_queue.process(slot) else {
            continue;
        };
        arm_timer(wake.min(now.saturating_add(slice)));
        process.space.activate();
        let event = process.run(clock, objects, frames);
        kernel_space.activate();
        let outcome = match event {
            Event::Interrupted | Event::Yielded => None,
            Event::Sleeping(deadline) => {
                run_queue.sleep(slot, deadline);
                None
            }
            Event::Blocked(key) => {
                run_queue.block(slot, key);
                None
            }
            Event::Ended(outcome) => Some(outcome),
        };
        if let Some(outcome) = outcome {
            if let Some(process) = run_queue.remove(slot) {
                all_passed &= end(process, Some(outcome), frames, objects);
            }
        }
        apply_wakes(run_queue, objects);
    }
    arm_timer(u64::MAX);
    all_passed
}

/// Ends `process`: reports how (`None`: killed by the kernel, already
/// reported), releases what it held and frees its memory. Returns
/// whether it exited with 0.
fn end(
    mut process: Process,
    outcome: Option<Outcome>,
    frames: &mut FramePool,
    objects: &mut Objects,
) -> bool {
    let pid = process.pid;
    process.release(objects);
    process.space.destroy(frames);
    match outcome {
        Some(Outcome::Exited(code)) => {
            kprintln!("process {pid} exited with code {code}");
            code == 0
        }
        Some(Outcome::Killed { cause, pc, tval }) => {
            kprintln!(
                "process {pid} killed by {} (scause={cause:#x} sepc={pc:#x} stval={tval:#x})",
                trap::cause_name(cause)
            );
            false
        }
        None => false,
    }
}

/// Makes the processes that the last run's syscalls unblocked Ready.
fn apply_wakes(run_queue: &mut Scheduler<Process>, objects: &mut Objects) {
    if objects.wakes.take(|key| {
        run_queue.wake_all(key);
    }) {
        run_queue.wake_all_blocked();
    }
}

/// Programs the timer; a firmware that refuses is fatal (no preemption).
fn arm_timer(deadline: u64) {
    if let Err(e) = sbi::set_timer(deadline) {
        kprintln!("kernel: set_timer failed: {e:?}");
        sbi::shutdown(false)
    }
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
