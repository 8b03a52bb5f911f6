//! Devices seen from guest code: UART output, finisher exit codes, HTIF
//! tohost located by ELF symbol, CLINT time and the instruction budget.

mod common;

use common::elf_writer::ElfSpec;
use common::*;
use riscv_core::encode::{reg::*, Asm};
use riscv_core::machine::Machine;
use riscv_core::platform::RAM_BASE;
use sim_core::{NullSink, RunLimits, StopReason};

const UART: u64 = 0x1000_0000;

#[test]
fn uart_output_reaches_the_sink() {
    let (mut m, stop) = run_asm(1, |a| {
        a.li(T0, UART as i64);
        for b in b"hi uart\n" {
            a.li(T1, *b as i64);
            a.sb(T1, T0, 0);
        }
        a.lbu(T2, T0, 5); // LSR: THR empty
        a.andi(T2, T2, 0x60);
        a.li(T3, 0x60);
        let ok = a.label();
        a.beq(T2, T3, ok);
        exit(a, 1);
        a.bind(ok);
        exit(a, 0);
    });
    assert_eq!(stop, StopReason::Exited(0));
    assert_eq!(m.bus.uart.take_output(), b"hi uart\n");
}

#[test]
fn finisher_failure_code() {
    let (_, stop) = run_asm(1, |a| exit(a, 42));
    assert_eq!(stop, StopReason::Exited(42));
    assert_eq!(stop.host_exit_code(), 42);
}

#[test]
fn htif_tohost_exit_code_via_elf_symbol() {
    let tohost = RAM_BASE + 0x1000;
    let mut a = Asm::new(RAM_BASE);
    a.li(T0, tohost as i64);
    a.li(T1, (7 << 1) | 1);
    a.sd(T1, T0, 0);
    let spin = a.label();
    a.bind(spin);
    a.j(spin);
    let code = a.finish().unwrap();
    let elf = ElfSpec::riscv(RAM_BASE)
        .segment(RAM_BASE, code)
        .segment(tohost, vec![0; 16])
        .symbol("tohost", tohost)
        .symbol("fromhost", tohost + 8)
        .build();
    let mut m = Machine::new(config(1)).unwrap();
    let image = m.load_elf(&elf).unwrap();
    assert_eq!(image.tohost, Some(tohost));
    m.boot(image.entry).unwrap();
    let stop = m.run(
        &mut NullSink,
        RunLimits {
            max_instructions: Some(1_000_000),
        },
    );
    assert_eq!(stop, StopReason::Exited(7));
}

#[test]
fn boot_stub_passes_hartid_and_device_tree() {
    let (mut m, stop) = run_asm(2, |a| {
        // each hart stores a0 and the FDT magic at DATA + 16*hart
        a.slli(T0, A0, 4);
        a.li(T1, DATA as i64);
        a.add(T1, T1, T0);
        a.sd(A0, T1, 0);
        a.lwu(T2, A1, 0);
        a.sd(T2, T1, 8);
        let park = a.label();
        a.bnez(A0, park);
        // hart 0 waits for hart 1's record, then exits
        let wait = a.label();
        a.li(T1, (DATA + 24) as i64);
        a.bind(wait);
        a.lwu(T2, T1, 0);
        a.beqz(T2, wait);
        exit(a, 0);
        a.bind(park);
        a.wfi();
        a.j(park);
    });
    assert_eq!(stop, StopReason::Exited(0));
    assert_eq!(read_u64(&mut m, DATA), 0);
    assert_eq!(read_u64(&mut m, DATA + 16), 1);
    // FDT magic 0xd00dfeed, big-endian in memory
    assert_eq!(read_u64(&mut m, DATA + 8), 0xedfe_0dd0);
    assert_eq!(read_u64(&mut m, DATA + 24), 0xedfe_0dd0);
}

#[test]
fn guest_that_never_stops_hits_the_budget() {
    let (m, stop) = {
        let mut a = Asm::new(RAM_BASE);
        let l = a.label();
        a.bind(l);
        a.j(l);
        let mut m = Machine::new(config(1)).unwrap();
        m.load_raw(&a.finish().unwrap(), RAM_BASE).unwrap();
        m.boot(RAM_BASE).unwrap();
        let stop = m.run(
            &mut NullSink,
            RunLimits {
                max_instructions: Some(12_345),
            },
        );
        (m, stop)
    };
    assert_eq!(stop, StopReason::InstructionBudget(12_345));
    assert_eq!(m.instret(), 12_345);
    assert_eq!(stop.host_exit_code(), 124);
}

#[test]
fn all_harts_waiting_forever_is_a_deadlock() {
    let (_, stop) = run_asm(2, |a| {
        let l = a.label();
        a.bind(l);
        a.wfi();
        a.j(l);
    });
    assert_eq!(stop, StopReason::Deadlock);
}

#[test]
fn wild_physical_access_is_an_access_fault_for_the_guest() {
    let (mut m, stop) = run_asm(1, |a| {
        let handler = a.label();
        a.li(S0, DATA as i64);
        a.la(T0, handler);
        a.csrw(0x305, T0);
        a.li(T1, 0x7_0000_0000);
        a.sd(T1, T1, 0);
        exit(a, 1);
        a.align(4);
        a.bind(handler);
        a.csrr(T0, 0x342);
        record(a, T0);
        a.csrr(T0, 0x343);
        record(a, T0);
        exit(a, 0);
    });
    assert_eq!(stop, StopReason::Exited(0));
    assert_eq!(results_at(&mut m, 2), vec![7, 0x7_0000_0000]);
}

#[test]
fn plic_external_interrupt_from_the_uart() {
    // UART THR-empty interrupt (source 10) -> PLIC context 0 (hart 0 M)
    // -> MEIP: the handler sees cause 11 and claims source 10.
    const PLIC: i64 = 0x0c00_0000;
    let (mut m, stop) = run_asm(1, |a| {
        let handler = a.label();
        a.li(S0, DATA as i64);
        a.la(T0, handler);
        a.csrw(0x305, T0);
        a.li(T0, PLIC + 10 * 4);
        a.li(T1, 1);
        a.sw(T1, T0, 0); // priority[10] = 1
        a.li(T0, PLIC + 0x2000);
        a.li(T1, 1 << 10);
        a.sw(T1, T0, 0); // enable source 10 for context 0
        a.li(T0, PLIC + 0x20_0000);
        a.sw(ZERO, T0, 0); // threshold 0
        a.li(T0, 1 << 11);
        a.csrw(0x304, T0); // MEIE
        a.csrsi(0x300, 8); // MIE
        a.li(T0, UART as i64);
        a.li(T1, 2);
        a.sb(T1, T0, 1); // IER: THR empty interrupt
        a.nop();
        a.nop();
        exit(a, 1);
        a.align(4);
        a.bind(handler);
        a.csrr(T0, 0x342);
        record(a, T0);
        a.li(T0, PLIC + 0x20_0004);
        a.lw(T1, T0, 0); // claim
        record(a, T1);
        exit(a, 0);
    });
    assert_eq!(stop, StopReason::Exited(0));
    assert_eq!(results_at(&mut m, 2), vec![(1 << 63) | 11, 10]);
}

#[test]
fn firmware_hands_over_to_the_kernel_through_fw_dynamic_info() {
    // --bios/--kernel flow: the firmware reads next_addr from the
    // fw_dynamic_info that a2 points at and jumps there; the kernel (an
    // ELF at 0x8020_0000) exits with a2's magic check result.
    let kernel_at = RAM_BASE + 0x20_0000;
    let mut fw = Asm::new(RAM_BASE);
    fw.ld(T0, A2, 16); // next_addr
    fw.ld(T1, A2, 0); // magic
    fw.jalr(ZERO, T0, 0);
    let mut k = Asm::new(kernel_at);
    let bad = k.label();
    k.li(T2, 0x4942_534f);
    k.bne(T1, T2, bad);
    exit(&mut k, 0);
    k.bind(bad);
    exit(&mut k, 1);
    let kernel = ElfSpec::riscv(kernel_at)
        .segment(kernel_at, k.finish().unwrap())
        .build();
    let mut m = Machine::new(config(1)).unwrap();
    let image = m.load_elf(&kernel).unwrap();
    m.load_raw(&fw.finish().unwrap(), RAM_BASE).unwrap();
    m.set_next_stage(image.entry);
    m.boot(RAM_BASE).unwrap();
    let stop = m.run(
        &mut NullSink,
        RunLimits {
            max_instructions: Some(100_000),
        },
    );
    assert_eq!(stop, StopReason::Exited(0));
}
