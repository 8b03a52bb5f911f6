//! The `loop` program of the timing-model benchmark, shared by the
//! criterion bench and the `model_mips` example.

use models::TimingModel;
use sim_core::{
    AccessKind, InstClass, MemAccess, Operands, Privilege, Retired, TimingSink, TrapEvent,
};

/// Drives the model with the `loop` program for `iterations` loop trips,
/// calling the sink the way the core does (events built on the fly, as in
/// a real run, so no event buffer streams through the host's caches).
/// Returns the instructions retired.
pub fn run_loop(m: &mut TimingModel, iterations: u64) -> u64 {
    use InstClass::*;
    let user = Privilege::User;
    let kernel = Privilege::Supervisor;
    let mut insts = 0u64;
    let retire = |m: &mut TimingModel, pc: u64, class, mode, taken: bool| {
        m.retire(
            0,
            &Retired {
                pc,
                paddr: pc,
                raw: 0,
                len: 4,
                class,
                privilege: mode,
                taken,
                next_pc: if taken { pc.wrapping_sub(60) } else { pc + 4 },
                operands: Operands::default(),
            },
        )
    };
    let access = |m: &mut TimingModel, kind, pc: u64, vaddr: u64, mode| {
        m.mem_access(
            0,
            &MemAccess {
                kind,
                pc,
                vaddr,
                paddr: 0x8000_0000 + (vaddr & 0x3ff_ffff),
                size: 8,
                data: 0,
                privilege: mode,
            },
        )
    };
    for i in 0..iterations {
        let base = 0x1_0000;
        let a = 0x40_0000 + (i * 8) % (256 << 10);
        access(m, AccessKind::Load, base, a, user);
        retire(m, base, Load, user, false);
        access(m, AccessKind::Load, base + 4, a + 0x10_0000, user);
        retire(m, base + 4, Load, user, false);
        for k in 2..6 {
            retire(m, base + 4 * k, Alu, user, false);
        }
        retire(m, base + 24, Mul, user, false);
        access(
            m,
            AccessKind::Store,
            base + 28,
            0x7fff_f000 + (i % 8) * 8,
            user,
        );
        retire(m, base + 28, Store, user, false);
        let odd = i % 2 == 1;
        retire(m, base + 32, Branch, user, odd);
        for k in 9..15 {
            if !odd || k > 11 {
                retire(m, base + 4 * k, Alu, user, false);
            }
        }
        retire(m, base + 60, Branch, user, true);
        insts += if odd { 13 } else { 16 };
        if i % 700 == 699 {
            m.trap(
                0,
                &TrapEvent {
                    interrupt: false,
                    cause: 8,
                    from: user,
                    to: kernel,
                    pc: base + 60,
                    tval: 0,
                },
            );
            for k in 0..40 {
                if k % 4 == 0 {
                    let pc = 0x8020_0000 + 4 * k;
                    access(m, AccessKind::Load, pc, 0x8100_0000 + k * 64, kernel);
                    retire(m, pc, Load, kernel, false);
                } else {
                    retire(m, 0x8020_0000 + 4 * k, Alu, kernel, false);
                }
            }
            m.trap_return(0, kernel, user);
            retire(m, 0x8020_00a0, System, kernel, true);
            insts += 41;
        }
    }
    insts
}
