//! Random machine code for robustness tests: whatever the bytes, the
//! simulator must stop cleanly (exit, budget, deadlock), never panic.
//! Shared by `riscv-core/tests/random_programs.rs` (functional) and
//! `models/tests/random_programs.rs` (with the timing model).
//!
//! The image: a prologue that points mtvec at a handler, gives every
//! register a random value (RAM and device addresses, the edges of the
//! address space, small and random numbers) and mret-s into the body at a
//! random privilege; the handler steps over the trapping instruction (2 or
//! 4 bytes) and returns, so execution goes on through the body instead of
//! trapping in a loop; the body is random words with valid major opcodes
//! and random compressed halfwords. The prologue also sets random mstatus
//! bits (SUM, MXR, MPRV), sometimes a random PMP entry, and half the time
//! paging (Sv39 or Sv48) over tables that map RAM where it is among random
//! PTEs. The body may rewrite anything, the handler and mtvec included.

use riscv_core::encode::{reg::*, Asm};
use riscv_core::platform::{
    CLINT_BASE, FINISHER_BASE, PLIC_BASE, RAM_BASE, SIMCTL_BASE, UART_BASE, UINTC_BASE,
};

/// Bytes of random code.
const BODY_BYTES: usize = 16 * 1024;
/// Offset of the page tables in the image (past the body).
const TABLES: u64 = 0x8000;

/// xorshift64*: the same program for the same seed everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick(&mut self, from: &[u64]) -> u64 {
        from[self.below(from.len() as u64) as usize]
    }
}

/// RV64GC major opcodes (bits 6:0 of a 32-bit instruction).
const OPCODES: &[u64] = &[
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
    // The top of the address space, and both sides of Sv39's and Sv48's
    // holes of non-canonical addresses.
    let edges = [
        u64::MAX,
        0,
        1 << 38,
        0xffff_ffc0_0000_0000,
        1 << 47,
        0xffff_8000_0000_0000,
        1 << 63,
    ];
    (match rng.below(8) {
        0 | 1 => RAM_BASE + rng.below(1 << 20),
        2 => rng.pick(&devices) + rng.below(64) * 4,
        3 => rng.below(64),
        4 | 5 => rng.pick(&edges).wrapping_sub(rng.below(16)),
        _ => rng.next(),
    }) as i64
}

/// How many seeds a test runs: `ASYNCSIM_FUZZ_SEEDS` if set (a longer
/// campaign), else `default`.
pub fn seeds(default: u64) -> u64 {
    std::env::var("ASYNCSIM_FUZZ_SEEDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

/// The program of `seed`, to load at `RAM_BASE`.
pub fn random_program(seed: u64) -> Vec<u8> {
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let mut a = Asm::new(RAM_BASE);
    let (handler, body) = (a.label(), a.label());
    a.la(T0, handler);
    a.csrw(0x305, T0);
    // mstatus: MPP (user, supervisor or machine for the body), and SUM,
    // MXR and MPRV at random.
    let mpp = rng.pick(&[0, 1, 3]);
    let mut mstatus = mpp << 11;
    for bit in [17, 18, 19] {
        mstatus |= rng.below(2) << bit;
    }
    a.li(T0, 3 << 11);
    a.csrc(0x300, T0);
    a.li(T0, mstatus as i64);
    a.csrs(0x300, T0);
    // PMP: mostly all memory, else one random entry.
    let (pmpaddr, pmpcfg) = match rng.below(4) {
        0 => (rng.next(), rng.below(256)),
        _ => (u64::MAX, 0x1f),
    };
    a.li(T0, pmpaddr as i64);
    a.csrw(0x3b0, T0);
    a.li(T0, pmpcfg as i64);
    a.csrw(0x3a0, T0);
    // Paging half the time: Sv39 or Sv48 over the tables after the body.
    let paging = rng.below(2) == 0;
    if paging {
        let mode = 8 + rng.below(2);
        let satp = mode << 60 | rng.below(1 << 16) << 44 | (RAM_BASE + TABLES) >> 12;
        a.li(T0, satp as i64);
        a.csrw(0x180, T0);
    }
    a.la(T0, body);
    a.csrw(0x341, T0);
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
            let opcode = rng.pick(OPCODES) as u32;
            a.word((rng.next() as u32 & !0x7f) | opcode);
            bytes += 4;
        } else {
            // Low bits 00, 01 or 10: a compressed instruction.
            let low = rng.below(3) as u16;
            a.half((rng.next() as u16 & !3) | low);
            bytes += 2;
        }
    }
    let mut image = a.finish().expect("the prologue assembles");
    assert!(image.len() as u64 <= TABLES, "the body overlaps the tables");
    if paging {
        image.resize(TABLES as usize, 0);
        image.extend(page_tables(&mut rng, mpp == 0));
    }
    image
}

/// A root table (at `TABLES`) and one below it, mostly random PTEs
/// (valid or not, leaves, pointers, reserved bits, misaligned
/// superpages), except the ones that map RAM's gigabyte where it is:
/// Sv39 finds it at root[2], Sv48 at root[0] -> lower[2].
fn page_tables(rng: &mut Rng, user: bool) -> Vec<u8> {
    const V: u64 = 1;
    const RWX: u64 = 0xe;
    const U: u64 = 0x10;
    const AD: u64 = 0xc0;
    let lower = (RAM_BASE + TABLES + 0x1000) >> 12;
    let ram_leaf = (RAM_BASE >> 12) << 10 | V | RWX | AD | if user { U } else { 0 };
    let mut tables: Vec<u64> = (0..1024)
        .map(|_| match rng.below(4) {
            0 => rng.next() | V,
            1 => rng.next(),
            _ => 0,
        })
        .collect();
    tables[2] = ram_leaf;
    tables[0] = lower << 10 | V;
    tables[512 + 2] = ram_leaf;
    tables.iter().flat_map(|pte| pte.to_le_bytes()).collect()
}
