//! Kernel entry from the firmware (S-mode, a0 = hart id, a1 = device
//! tree): hart 0 takes the boot stack, zeroes `.bss`, enables the FPU state
//! and calls [`crate::kmain`]. Other harts are not started in this slice.

/// Boot stack bytes.
const STACK_SIZE: usize = 64 * 1024;

#[repr(C, align(16))]
struct Stack([u8; STACK_SIZE]);

#[link_section = ".uninit.stack"]
static mut STACK: Stack = Stack([0; STACK_SIZE]);

core::arch::global_asm!(
    ".pushsection .text.init, \"ax\"",
    ".option push",
    ".option arch, rv64gc",
    ".globl _start",
    "_start:",
    "   csrw sie, zero",
    "   la sp, {stack}",
    "   li t0, {stack_size}",
    "   add sp, sp, t0",
    // sstatus.FS = Initial: compiled Rust may use the FPU.
    "   li t0, 0x2000",
    "   csrs sstatus, t0",
    "   la t0, __bss_start",
    "   la t1, __bss_end",
    "1: bgeu t0, t1, 2f",
    "   sd zero, 0(t0)",
    "   addi t0, t0, 8",
    "   j 1b",
    "2: mv fp, zero",
    "   mv ra, zero",
    "   call {start}",
    "3: wfi",
    "   j 3b",
    ".option pop",
    ".popsection",
    stack = sym STACK,
    stack_size = const STACK_SIZE,
    start = sym start,
);

extern "C" fn start(hart: usize, fdt: usize) -> ! {
    crate::kmain(hart, fdt)
}
