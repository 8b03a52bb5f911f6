//! Reset entry: hart 0 gets a stack, prepares M-mode for an S-mode kernel
//! and `mret`s to the kernel entry with a0 = hart id and a1 = device tree.

use crate::trap;

/// Stack bytes for hart 0 (boot and SBI calls share it).
const STACK_SIZE: usize = 16 * 1024;
/// Where the kernel starts when the loader gives no fw_dynamic_info.
const DEFAULT_KERNEL_ENTRY: usize = 0x8020_0000;
/// fw_dynamic_info.magic ("OSBI").
const FW_DYNAMIC_MAGIC: u64 = 0x4942_534f;

/// Exceptions the kernel handles itself: misaligned fetch/load/store,
/// illegal instruction, breakpoint, ecall from U, and the page faults.
const MEDELEG: usize = (1 << 0)
    | (1 << 2)
    | (1 << 3)
    | (1 << 4)
    | (1 << 6)
    | (1 << 8)
    | (1 << 12)
    | (1 << 13)
    | (1 << 15);
/// S-level software, timer and external interrupts, and the user software
/// interrupt (UINTR), which the kernel delegates on to U with sideleg (a
/// WARL bit: a machine without the N extension keeps it 0).
const MIDELEG: usize = (1 << 0) | (1 << 1) | (1 << 5) | (1 << 9);
/// cycle, time and instret readable from S (and, if the kernel allows, U).
const MCOUNTEREN: usize = 0b111;
/// menvcfg.STCE: stimecmp drives STIP (Sstc), so the kernel's timer needs no M-mode interrupt.
const MENVCFG_STCE: usize = 1 << 63;
/// PMP entry 0: NAPOT, R/W/X (cfg byte 0x1f); pmpaddr0 all ones = every address.
const PMPCFG_NAPOT_RWX: usize = 0x1f;
/// mstatus.MPP = S.
const MSTATUS_MPP_MASK: usize = 3 << 11;
const MSTATUS_MPP_S: usize = 1 << 11;

#[repr(C, align(16))]
struct Stack([u8; STACK_SIZE]);

static mut STACK: Stack = Stack([0; STACK_SIZE]);

core::arch::global_asm!(
    ".pushsection .text.init, \"ax\"",
    ".option push",
    ".option arch, rv64gc",
    ".globl _start",
    "_start:",
    "   csrw mie, zero",
    "   csrr t0, mhartid",
    "   bnez t0, 9f",
    "   la sp, {stack}",
    "   li t1, {stack_size}",
    "   add sp, sp, t1",
    "   la t1, __bss_start",
    "   la t2, __bss_end",
    "1: bgeu t1, t2, 2f",
    "   sd zero, 0(t1)",
    "   addi t1, t1, 8",
    "   j 1b",
    "2: mv fp, zero",
    "   mv ra, zero",
    "   call {init}",
    "9: wfi",
    "   j 9b",
    ".option pop",
    ".popsection",
    stack = sym STACK,
    stack_size = const STACK_SIZE,
    init = sym init,
);

/// Hart 0 after `.bss` is zeroed (a0..a2 as the loader left them).
extern "C" fn init(hart: usize, fdt: usize, fw_info: usize) -> ! {
    let entry = kernel_entry(fw_info);
    let stack_top = core::ptr::addr_of!(STACK) as usize + STACK_SIZE;
    // SAFETY: M-mode CSR set-up before leaving M-mode; the trap entry is
    // ready and its stack (mscratch) is this hart's firmware stack, which
    // nothing else uses once we mret.
    unsafe {
        // The trap entry first, so that a CSR this hart lacks is reported.
        core::arch::asm!(
            "csrw mtvec, {mtvec}",
            "csrw mscratch, {mscratch}",
            "csrw pmpaddr0, {all}",
            "csrw pmpcfg0, {cfg}",
            "csrw medeleg, {medeleg}",
            "csrw mideleg, {mideleg}",
            "csrw mcounteren, {counteren}",
            "csrs menvcfg, {stce}",
            all = in(reg) usize::MAX,
            cfg = in(reg) PMPCFG_NAPOT_RWX,
            medeleg = in(reg) MEDELEG,
            mideleg = in(reg) MIDELEG,
            counteren = in(reg) MCOUNTEREN,
            stce = in(reg) MENVCFG_STCE,
            mtvec = in(reg) trap::entry_address(),
            mscratch = in(reg) stack_top,
        );
        core::arch::asm!(
            "csrc mstatus, {mpp_mask}",
            "csrs mstatus, {mpp_s}",
            "csrw mepc, {entry}",
            "csrw satp, zero",
            "mret",
            mpp_mask = in(reg) MSTATUS_MPP_MASK,
            mpp_s = in(reg) MSTATUS_MPP_S,
            entry = in(reg) entry,
            in("a0") hart,
            in("a1") fdt,
            options(noreturn),
        );
    }
}

/// fw_dynamic_info.next_addr (QEMU and asyncsim pass the structure in a2),
/// or [`DEFAULT_KERNEL_ENTRY`] when a2 does not point at a valid one.
fn kernel_entry(fw_info: usize) -> usize {
    // The structure is 6 u64 words; it must lie in RAM and be aligned.
    if fw_info < 0x8000_0000 || !fw_info.is_multiple_of(8) {
        return DEFAULT_KERNEL_ENTRY;
    }
    let info = fw_info as *const u64;
    // SAFETY: an aligned address in RAM, readable in M-mode; only read.
    let (magic, next_addr) = unsafe { (info.read_volatile(), info.add(2).read_volatile()) };
    if magic == FW_DYNAMIC_MAGIC && next_addr != 0 {
        next_addr as usize
    } else {
        DEFAULT_KERNEL_ENTRY
    }
}
