//! Random machine code for robustness tests: whatever the bytes, the
//! simulator must stop cleanly (exit, budget, deadlock), never panic.
//! Shared by `riscv-core/tests/random_programs.rs` (functional) and
//! `models/tests/random_programs.rs` (with the timing model).
//!
//! The image: a prologue that points mtvec at a handler, gives every
//! register a random value (RAM addresses, device addresses, edge values)
//! and mret-s into the body at a random privilege; the handler steps over
//! the trapping instruction (2 or 4 bytes) and returns, so execution goes
//! on through the body instead of trapping in a loop; the body is random
//! words with valid major opcodes and random compressed halfwords. The
//! body may rewrite anything, the handler and mtvec included.

use riscv_core::encode::{reg::*, Asm};
use riscv_core::platform::{
    CLINT_BASE, FINISHER_BASE, PLIC_BASE, RAM_BASE, SIMCTL_BASE, UART_BASE, UINTC_BASE,
};

/// Bytes of random code.
pub const BODY_BYTES: usize = 16 * 1024;

/// xorshift64*: the same program for the same seed everywhere.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// RV64GC major opcodes (bits 6:0 of a 32-bit instruction).
const OPCODES: &[u32] = &[
    0x03, 0x07, 0x0f, 0x13, 0x17, 0x1b, 0x23, 0x27, 0x2f, 0x33, 0x37, 0x3b, 0x43, 0x47, 0x4b, 0x4f,
    0x53, 0x63, 0x67, 0x6f, 0x73,
];

fn register_value(rng: &mut Rng) -> i64 {
    let devices = [
        FINISHER_BASE,
        CLINT_BASE,
        CLINT_BASE + 0x4000,
        CLINT_BASE + 0xbff8,
        UINTC_BASE,
        PLIC_BASE,
        PLIC_BASE + 0x20_0000,
        UART_BASE,
        SIMCTL_BASE,
    ];
    (match rng.below(6) {
        0 | 1 => RAM_BASE + rng.below(1 << 20),
        2 => devices[rng.below(devices.len() as u64) as usize] + rng.below(64) * 4,
        3 => rng.below(64),
        4 => [0, u64::MAX, 1 << 63, (1 << 63) - 1][rng.below(4) as usize],
        _ => rng.next(),
    }) as i64
}

/// The program of `seed`, to load at `RAM_BASE`.
pub fn random_program(seed: u64) -> Vec<u8> {
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let mut a = Asm::new(RAM_BASE);
    let (handler, body) = (a.label(), a.label());
    a.la(T0, handler);
    a.csrw(0x305, T0); // mtvec
                       // mstatus.MPP: user, supervisor or machine for the body.
    a.li(T0, 3 << 11);
    a.csrc(0x300, T0);
    a.li(T0, ([0, 1, 3][rng.below(3) as usize] << 11) as i64);
    a.csrs(0x300, T0);
    a.la(T0, body);
    a.csrw(0x341, T0); // mepc
    for r in 1..32u8 {
        a.li(r, register_value(&mut rng));
    }
    a.mret();
    // mepc += the length of the instruction there (2 or 4 bytes).
    a.align(4);
    a.bind(handler);
    let short = a.label();
    a.csrr(T6, 0x341);
    a.lhu(T5, T6, 0);
    a.andi(T5, T5, 3);
    a.addi(T6, T6, 2);
    a.li(T4, 3);
    a.bne(T5, T4, short);
    a.addi(T6, T6, 2);
    a.bind(short);
    a.csrw(0x341, T6);
    a.mret();
    a.align(4);
    a.bind(body);
    let mut bytes = 0;
    while bytes < BODY_BYTES {
        if rng.below(5) < 3 {
            let opcode = OPCODES[rng.below(OPCODES.len() as u64) as usize];
            a.word((rng.next() as u32 & !0x7f) | opcode);
            bytes += 4;
        } else {
            // Low bits 00, 01 or 10: a compressed instruction.
            let low = rng.below(3) as u16;
            a.half((rng.next() as u16 & !3) | low);
            bytes += 2;
        }
    }
    a.finish().expect("the prologue assembles")
}
