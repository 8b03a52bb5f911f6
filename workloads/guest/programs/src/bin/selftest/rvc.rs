//! Compressed-instruction checks 130..=139. The mnemonics are spelled
//! `c.*` so the assembler must emit 16-bit encodings, and `auipc` around a
//! sequence measures that it really is 2 bytes per instruction.

use crate::checks::Checks;

pub fn run(c: &mut Checks) {
    alu(c);
    loads_stores(c);
    control(c);
}

fn alu(c: &mut Checks) {
    let (a0, a1, a2, a3, len): (u64, u64, u64, u64, u64);
    // SAFETY: register-only sequence on the named registers.
    unsafe {
        core::arch::asm!(
            "auipc t0, 0",
            "c.li a0, 3",
            "c.addi a0, 5",     // 8
            "c.slli a0, 2",     // 32
            "c.srai a0, 1",     // 16
            "c.andi a0, 31",    // 16
            "c.mv a1, a0",      // 16
            "c.add a1, a0",     // 32
            "c.sub a1, a0",     // 16
            "c.li a2, -3",
            "c.xor a2, a0",     // -3 ^ 16 = -19
            "c.lui a3, 1",      // 0x1000
            "c.or a3, a0",      // 0x1010
            "c.addiw a3, -1",   // 0x100f
            "c.li a4, -1",
            "c.srli a4, 32",    // 0xffff_ffff
            "c.addw a4, a3",    // sext32(0xffff_ffff + 0x100f) = 0x100e
            "c.subw a3, a4",    // 1
            "auipc t1, 0",
            "sub t1, t1, t0",
            out("a0") a0, out("a1") a1, out("a2") a2, out("a3") a3, out("a4") _,
            out("t0") _, out("t1") len, options(nomem, nostack),
        );
    }
    c.eq(130, "c.* alu a0", a0, 16);
    c.eq(130, "c.* alu a1", a1, 16);
    c.eq(130, "c.xor", a2, -19i64 as u64);
    c.eq(130, "c.lui/c.or/c.addiw/c.addw/c.subw", a3, 1);
    c.eq(
        131,
        "17 compressed instructions after auipc",
        len,
        4 + 17 * 2,
    );
}

fn loads_stores(c: &mut Checks) {
    let mut buf = [0u64; 4];
    let (w, d, f, sp_val): (u64, u64, u64, u64);
    // SAFETY: stores only into `buf` and into 16 bytes reserved below sp.
    unsafe {
        core::arch::asm!(
            "c.li a1, -2",
            "c.sw a1, 4(a0)",
            "c.lw a2, 4(a0)",     // sign-extended -2
            "c.lui a3, 0x12",
            "c.sd a3, 8(a0)",
            "c.ld a4, 8(a0)",
            "c.fld fa0, 8(a0)",
            "c.fsd fa0, 16(a0)",
            "c.ld a5, 16(a0)",
            "addi sp, sp, -16",
            "c.sdsp a3, 8(sp)",
            "c.swsp a1, 0(sp)",
            "c.lwsp a1, 0(sp)",
            "c.ldsp a3, 8(sp)",
            "add a3, a3, a1",
            "addi sp, sp, 16",
            in("a0") buf.as_mut_ptr(), out("a1") _, out("a2") w, out("a3") sp_val,
            out("a4") d, out("a5") f, out("fa0") _, options(nostack),
        );
    }
    c.eq(132, "c.sw/c.lw sign extension", w, -2i64 as u64);
    c.eq(133, "c.sd/c.ld", d, 0x12000);
    c.eq(134, "c.fld/c.fsd", f, 0x12000);
    c.eq(135, "c.sdsp/c.ldsp/c.swsp/c.lwsp", sp_val, 0x12000 - 2);
    c.eq(136, "buffer word", buf[0], 0xffff_fffe_0000_0000);
}

fn control(c: &mut Checks) {
    let (sum, jumped): (u64, u64);
    // SAFETY: branches stay within the block; ra is declared clobbered.
    unsafe {
        core::arch::asm!(
            "c.li a0, 0",
            "c.li a1, 10",
            "1: c.add a0, a1",
            "c.addi a1, -1",
            "c.bnez a1, 1b",
            "c.li a2, 0",
            "c.beqz a2, 2f",
            "c.li a0, 0",          // skipped
            "2: c.j 3f",
            "c.li a0, 0",          // skipped
            "3: la a3, 4f",
            "c.jalr a3",
            "c.li a2, 7",          // runs after the return
            "c.j 5f",
            "4: c.li a2, 1",
            "c.jr ra",
            "5:",
            out("a0") sum, out("a1") _, out("a2") jumped, out("a3") _, out("ra") _,
            options(nomem, nostack),
        );
    }
    c.eq(137, "c.bnez loop / c.beqz / c.j", sum, 55);
    c.eq(138, "c.jalr / c.jr", jumped, 7);
}
