//! Reset entry and hart start-up.
//!
//! Every hart enters `_start` at 0x8000_0000 with interrupts off. Harts
//! with an id below [`MAX_HARTS`] get a stack from [`STACKS`]; hart 0 zeroes
//! `.bss`, counts the harts in the device tree (see [`platform::fdt`]), and
//! releases the others through [`RELEASE`]. Harts beyond the count (or
//! beyond `MAX_HARTS`) park for good. Each running hart then calls the
//! program's entry (see [`crate::entry!`]).

use core::sync::atomic::{AtomicUsize, Ordering};

use crate::finisher::{exit, park};
use platform::fdt;

use crate::csr;

/// Most harts the runtime gives a stack to; others park at reset.
pub use platform::MAX_HARTS;
/// Stack bytes per hart.
pub const STACK_SIZE: usize = 64 * 1024;
/// Trap-handler stack bytes per hart (the trap handler never returns, and a
/// stack overflow must still be reportable).
pub const TRAP_STACK_SIZE: usize = 4 * 1024;

// The assembly indexes the stacks by shifting.
const _: () = assert!(STACK_SIZE.is_power_of_two() && TRAP_STACK_SIZE.is_power_of_two());

/// Lowest address at which the platform may place the device tree.
const RAM_BASE: usize = 0x8000_0000;
/// Value of [`RELEASE`] once hart 0 has finished setting up.
const RELEASE_MAGIC: usize = 0x5245_4c45_4153_4544;

#[repr(C, align(16))]
struct Stacks<const N: usize>([[u8; N]; MAX_HARTS]);

#[link_section = ".uninit.stacks"]
static mut STACKS: Stacks<STACK_SIZE> = Stacks([[0; STACK_SIZE]; MAX_HARTS]);
#[link_section = ".uninit.trap_stacks"]
static mut TRAP_STACKS: Stacks<TRAP_STACK_SIZE> = Stacks([[0; TRAP_STACK_SIZE]; MAX_HARTS]);

/// Set by hart 0 after `.bss` and [`HARTS`] are ready. It lives in `.data`
/// (loaded as 0 from the ELF) because `.bss` is being zeroed while the other
/// harts poll it.
#[link_section = ".data.rt_release"]
static RELEASE: AtomicUsize = AtomicUsize::new(0);
/// Number of harts running the program, set by hart 0 before release.
static HARTS: AtomicUsize = AtomicUsize::new(0);

core::arch::global_asm!(
    ".pushsection .text.init, \"ax\"",
    // Module-level assembly does not see the crate's target features.
    ".option push",
    ".option arch, rv64gc",
    ".globl _start",
    "_start:",
    "   csrw mie, zero",
    "   csrr t0, mhartid",
    "   li t1, {max_harts}",
    "   bgeu t0, t1, 9f",
    // sp = top of this hart's stack
    "   la sp, {stacks}",
    "   addi t1, t0, 1",
    "   slli t1, t1, {stack_shift}",
    "   add sp, sp, t1",
    "   la t1, __rt_trap_entry",
    "   csrw mtvec, t1",
    // mstatus.FS = Initial: Rust code uses the FPU.
    "   li t1, 0x2000",
    "   csrs mstatus, t1",
    "   csrw fcsr, zero",
    "   mv fp, zero",
    "   mv ra, zero",
    "   bnez t0, 2f",
    "   la t1, __bss_start",
    "   la t2, __bss_end",
    "1: bgeu t1, t2, 3f",
    "   sd zero, 0(t1)",
    "   addi t1, t1, 8",
    "   j 1b",
    "3: mv a0, a1",
    "   call {primary}",
    "   j 9f",
    "2: mv a0, t0",
    "   call {secondary}",
    "9: wfi",
    "   j 9b",
    "",
    // Trap vector: switch to this hart's trap stack and report.
    ".align 2",
    "__rt_trap_entry:",
    "   csrr t0, mhartid",
    "   la sp, {trap_stacks}",
    "   addi t1, t0, 1",
    "   slli t1, t1, {trap_stack_shift}",
    "   add sp, sp, t1",
    "   csrr a0, mcause",
    "   csrr a1, mepc",
    "   csrr a2, mtval",
    "   mv a3, t0",
    "   call __rt_trap",
    "   j 9b",
    ".option pop",
    ".popsection",
    max_harts = const MAX_HARTS,
    stack_shift = const STACK_SIZE.trailing_zeros(),
    trap_stack_shift = const TRAP_STACK_SIZE.trailing_zeros(),
    stacks = sym STACKS,
    trap_stacks = sym TRAP_STACKS,
    primary = sym primary,
    secondary = sym secondary,
);

extern "Rust" {
    /// The program's entry, defined by [`crate::entry!`].
    fn __rt_main(hart: usize, harts: usize) -> i32;
}

/// Hart 0, after `.bss` is zeroed: count harts, release the others, run.
extern "C" fn primary(fdt_addr: usize) -> ! {
    let harts = hart_count(fdt_addr).clamp(1, MAX_HARTS);
    HARTS.store(harts, Ordering::Relaxed);
    RELEASE.store(RELEASE_MAGIC, Ordering::Release);
    run(0, harts)
}

/// Other harts: wait for hart 0, then run if counted, else park.
extern "C" fn secondary(hart: usize) -> ! {
    while RELEASE.load(Ordering::Acquire) != RELEASE_MAGIC {
        core::hint::spin_loop();
    }
    let harts = HARTS.load(Ordering::Relaxed);
    if hart >= harts {
        park();
    }
    run(hart, harts)
}

/// Calls the program. Hart 0's return ends the machine with its code; on
/// other harts a non-zero code ends it too and 0 parks the hart.
fn run(hart: usize, harts: usize) -> ! {
    debug_assert_eq!(hart, csr::hart_id());
    // SAFETY: `__rt_main` is the program's entry, defined by `entry!` with
    // exactly this signature.
    let code = unsafe { __rt_main(hart, harts) };
    if hart == 0 || code != 0 {
        exit(code);
    }
    park()
}

/// Harts named in the device tree at `fdt_addr`, or 1 when there is no
/// readable tree there.
fn hart_count(fdt_addr: usize) -> usize {
    // SAFETY: M-mode reads RAM from its base up; the tree is only read.
    let tree = unsafe { fdt::in_memory(fdt_addr, RAM_BASE..usize::MAX) };
    tree.and_then(fdt::cpu_count).unwrap_or(1)
}
