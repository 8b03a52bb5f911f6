//! Reset entry: every hart gets its own M-mode stack and sets up its
//! M-mode CSRs; hart 0 zeroes `.bss` first and `mret`s to the kernel entry
//! with a0 = hart id and a1 = device tree, the others wait STOPPED until
//! the kernel starts them through HSM.

use core::sync::atomic::AtomicU32;

use crate::hsm::{self, MAX_HARTS};
use platform::fdt;

use crate::trap;

/// M-mode stack bytes per hart (SBI calls and IPI service).
const STACK_SIZE: usize = 16 * 1024;
/// Where the kernel starts when the loader gives no fw_dynamic_info.
const DEFAULT_KERNEL_ENTRY: usize = 0x8020_0000;
/// fw_dynamic_info.magic ("OSBI").
const FW_DYNAMIC_MAGIC: u64 = 0x4942_534f;
/// Lowest address at which the platform may place the device tree.
const RAM_BASE: usize = 0x8000_0000;

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
/// mie.MSIE: the CLINT msip (IPI and fence requests) reaches M-mode.
const MIE_MSIE: usize = 1 << 3;

#[repr(C, align(16))]
struct Stack([u8; STACK_SIZE]);

/// One stack per hart, hart h's at index h.
static mut STACKS: [Stack; MAX_HARTS] = [const { Stack([0; STACK_SIZE]) }; MAX_HARTS];

/// Set to 1 by hart 0 once `.bss` is zeroed; the other harts wait for it
/// before they touch any `.bss` state. In `.data`, so zeroing leaves it.
#[link_section = ".data"]
static BSS_READY: AtomicU32 = AtomicU32::new(0);

core::arch::global_asm!(
    ".pushsection .text.init, \"ax\"",
    ".option push",
    ".option arch, rv64gc",
    ".globl _start",
    "_start:",
    "   csrw mie, zero",
    "   csrr t0, mhartid",
    "   li t1, {max_harts}",
    "   bgeu t0, t1, 9f",
    // sp = top of STACKS[hart]
    "   la sp, {stacks}",
    "   addi t1, t0, 1",
    "   li t2, {stack_size}",
    "   mul t1, t1, t2",
    "   add sp, sp, t1",
    "   bnez t0, 3f",
    "   la t1, __bss_start",
    "   la t2, __bss_end",
    "1: bgeu t1, t2, 2f",
    "   sd zero, 0(t1)",
    "   addi t1, t1, 8",
    "   j 1b",
    "2: fence rw, rw",
    "   la t1, {ready}",
    "   li t2, 1",
    "   sw t2, 0(t1)",
    "   j 4f",
    "3: la t1, {ready}",
    "   lw t2, 0(t1)",
    "   beqz t2, 3b",
    "   fence rw, rw",
    "4: mv fp, zero",
    "   mv ra, zero",
    "   call {init}",
    "9: wfi",
    "   j 9b",
    ".option pop",
    ".popsection",
    stacks = sym STACKS,
    stack_size = const STACK_SIZE,
    max_harts = const MAX_HARTS,
    ready = sym BSS_READY,
    init = sym init,
);

/// Top of hart `hart`'s M-mode stack.
fn stack_top(hart: usize) -> usize {
    core::ptr::addr_of!(STACKS) as usize + (hart + 1) * STACK_SIZE
}

/// Every hart (id < MAX_HARTS) after `.bss` is zeroed, a0..a2 as the
/// loader left them: hart 0 enters the kernel, the others wait STOPPED.
extern "C" fn init(hart: usize, fdt: usize, fw_info: usize) -> ! {
    setup_hart(hart);
    if hart != 0 {
        hsm::wait_stopped(hart)
    }
    hsm::init(hart_count(fdt));
    hsm::enter_supervisor(hart, kernel_entry(fw_info), fdt)
}

/// Per-hart M-mode set-up (these CSRs exist on every hart).
fn setup_hart(hart: usize) {
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
            "csrs mie, {msie}",
            all = in(reg) usize::MAX,
            cfg = in(reg) PMPCFG_NAPOT_RWX,
            medeleg = in(reg) MEDELEG,
            mideleg = in(reg) MIDELEG,
            counteren = in(reg) MCOUNTEREN,
            stce = in(reg) MENVCFG_STCE,
            msie = in(reg) MIE_MSIE,
            mtvec = in(reg) trap::entry_address(),
            mscratch = in(reg) stack_top(hart),
        );
    }
}

/// Puts the calling hart (just stopped through HSM, running on its M
/// stack inside a trap) back into [`hsm::wait_stopped`] on a fresh stack.
pub fn restart_stopped(hart: usize) -> ! {
    let top = stack_top(hart);
    // SAFETY: the trap frame being abandoned is on this hart's own stack,
    // which is reset here; nothing returns to it.
    unsafe {
        core::arch::asm!(
            "mv sp, {top}",
            "csrw mscratch, {top}",
            "mv fp, zero",
            "mv ra, zero",
            "tail {wait}",
            top = in(reg) top,
            wait = sym hsm::wait_stopped,
            in("a0") hart,
            options(noreturn),
        );
    }
}

/// Harts of the machine: `cpu@N` nodes of the device tree at `fdt`, 1 if
/// there is no valid tree.
fn hart_count(fdt: usize) -> usize {
    // SAFETY: M-mode reads RAM from its base up; the tree is only read.
    let tree = unsafe { fdt::in_memory(fdt, RAM_BASE..usize::MAX) };
    tree.and_then(fdt::cpu_count).unwrap_or(1)
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
