//! Several harts contending on shared memory: AMOs and LR/SC loops must
//! give exact totals, because another hart's store breaks a reservation.

mod common;

use common::*;
use riscv_core::encode::reg::*;
use sim_core::StopReason;

const COUNTER_AMO: u64 = DATA;
const COUNTER_LRSC: u64 = DATA + 64;
const DONE: u64 = DATA + 128;
const ITERS: i64 = 20_000;

fn contention_program(harts: usize, quantum: u64) {
    let mut cfg = config(harts);
    cfg.quantum = quantum;
    let (mut m, stop) = {
        let mut a = riscv_core::encode::Asm::new(riscv_core::platform::RAM_BASE);
        let amo_loop = a.label();
        let lrsc_loop = a.label();
        let retry = a.label();
        let wait = a.label();
        let not_zero = a.label();
        a.li(S1, ITERS);
        a.li(S2, COUNTER_AMO as i64);
        a.li(S3, COUNTER_LRSC as i64);
        a.li(S4, DONE as i64);
        a.li(T3, 1);
        a.bind(amo_loop);
        a.amoadd_d(ZERO, S2, T3, false, false);
        a.addi(S1, S1, -1);
        a.bnez(S1, amo_loop);
        a.li(S1, ITERS);
        a.bind(lrsc_loop);
        a.bind(retry);
        a.lr_w(T0, S3, true, false);
        a.addi(T0, T0, 1);
        a.sc_w(T1, S3, T0, false, true);
        a.bnez(T1, retry);
        a.addi(S1, S1, -1);
        a.bnez(S1, lrsc_loop);
        a.amoadd_w(ZERO, S4, T3, false, true);
        // hart 0 waits for everyone and checks the totals
        a.csrr(T0, 0xf14);
        a.bnez(T0, not_zero);
        a.li(T2, harts as i64);
        a.bind(wait);
        a.lw(T1, S4, 0);
        a.bne(T1, T2, wait);
        a.li(S0, DATA as i64 + 256);
        a.ld(T1, S2, 0);
        record(&mut a, T1);
        a.lw(T1, S3, 0);
        record(&mut a, T1);
        exit(&mut a, 0);
        a.bind(not_zero);
        let park = a.label();
        a.bind(park);
        a.wfi();
        a.j(park);
        let image = a.finish().unwrap();
        let mut m = riscv_core::machine::Machine::new(cfg).unwrap();
        m.load_raw(&image, riscv_core::platform::RAM_BASE).unwrap();
        m.boot(riscv_core::platform::RAM_BASE).unwrap();
        let stop = m.run(
            &mut sim_core::NullSink,
            sim_core::RunLimits {
                max_instructions: Some(200_000_000),
            },
        );
        (m, stop)
    };
    assert_eq!(stop, StopReason::Exited(0));
    let total = harts as u64 * ITERS as u64;
    assert_eq!(read_u64(&mut m, DATA + 256), total, "AMO total");
    assert_eq!(read_u64(&mut m, DATA + 264), total, "LR/SC total");
}

#[test]
fn four_harts_amo_and_lrsc_totals() {
    contention_program(4, 1000);
}

#[test]
fn tiny_quantum_interleaves_inside_lrsc_sequences() {
    // A 10-instruction quantum often switches harts between LR and SC, so
    // reservations really are broken by other harts' stores; every window
    // still holds one whole LR..SC sequence, so each hart makes progress.
    contention_program(3, 10);
}

#[test]
fn same_program_same_stats() {
    let run = || {
        let (m, stop) = run_asm(2, |a| {
            let lp = a.label();
            a.li(S1, 1000);
            a.li(S2, DATA as i64);
            a.li(T3, 1);
            a.bind(lp);
            a.amoadd_d(ZERO, S2, T3, false, false);
            a.addi(S1, S1, -1);
            a.bnez(S1, lp);
            exit(a, 0);
        });
        (stop, m.stats())
    };
    assert_eq!(run(), run());
}
