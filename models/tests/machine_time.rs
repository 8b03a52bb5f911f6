//! The machine's time follows the timing model's clock: timer interrupts
//! land at the instruction boundary where the model's cycles reach the
//! deadline, WFI idles the model's clock to it, the guest's cycle/mcycle
//! and time CSRs read the model's clock, and harts take turns by
//! simulated time. The real functional core drives the real model; a
//! wrapper only records the model's clock at the events of interest.

use models::{Preset, TimingModel};
use riscv_core::block_cache::MAX_BLOCK_LEN;
use riscv_core::encode::{reg::*, Asm};
use riscv_core::machine::{Machine, MachineConfig};
use riscv_core::platform::{UartOutput, RAM_BASE};
use riscv_core::timebase::TimeBase;
use sim_core::{
    InstClass, MemAccess, Privilege, RegFile, Retired, RunLimits, Stats, StopReason, TimingSink,
    TrapEvent, UintrEvent,
};

const FINISHER: i64 = 0x10_0000;
const MSIP: i64 = 0x200_0000;
const MTIMECMP: i64 = 0x200_4000;
const MTIME: i64 = 0x200_bff8;
const MSIE: i64 = 1 << 3;
const MTIE: i64 = 1 << 7;
const MSTATUS: u16 = 0x300;
const SSTATUS: u16 = 0x100;
const STVEC: u16 = 0x105;
const STIMECMP: u16 = 0x14d;
const MIDELEG: u16 = 0x303;
const MCOUNTEREN: u16 = 0x306;
const MENVCFG: u16 = 0x30a;
const STIE: i64 = 1 << 5;
const MIE: u16 = 0x304;
const MTVEC: u16 = 0x305;
const MCOUNTINHIBIT: u16 = 0x320;
const MCYCLE: u16 = 0xb00;
const CYCLE: u16 = 0xc00;
const TIME: u16 = 0xc01;
/// Where programs leave their results.
const DATA: u64 = RAM_BASE + 0x10_0000;
/// Walked by loads in 64-byte steps: every load misses every cache.
const ARRAY: u64 = RAM_BASE + 0x20_0000;
const RAM: u64 = 32 << 20;
/// Recent instruction starts kept per hart.
const RECENT: usize = MAX_BLOCK_LEN;

/// A timer interrupt as the model saw it.
#[derive(Clone, Debug)]
struct TimerTake {
    hart: usize,
    /// The model's clock at the boundary where it was taken.
    at: u64,
    /// Clocks at which the instructions before it started, latest first.
    recent_starts: Vec<u64>,
}

/// The model, with its clock recorded at timer interrupts and at CSR
/// instructions. Every event goes on to the model unchanged.
struct Watched {
    model: TimingModel,
    starts: Vec<Vec<u64>>,
    timer_takes: Vec<TimerTake>,
    /// (hart, clock at its start) of every CSR instruction retired from
    /// RAM (the program's, not the boot ROM's).
    csr_starts: Vec<(usize, u64)>,
}

impl Watched {
    fn new(preset: &Preset, harts: usize) -> Self {
        let mut model = TimingModel::new(preset, harts).unwrap();
        model.set_cacheable_range(RAM_BASE, RAM);
        Self {
            model,
            starts: vec![Vec::new(); harts],
            timer_takes: Vec::new(),
            csr_starts: Vec::new(),
        }
    }
}

impl TimingSink for Watched {
    sim_core::same_sink_for_every_hart!();

    fn retire(&mut self, hart: usize, inst: &Retired) {
        let start = self.model.cycles(hart);
        let recent = &mut self.starts[hart];
        if recent.len() == RECENT {
            recent.remove(0);
        }
        recent.push(start);
        if inst.class == InstClass::Csr && inst.pc >= RAM_BASE {
            self.csr_starts.push((hart, start));
        }
        self.model.retire(hart, inst);
    }
    fn mem_access(&mut self, hart: usize, access: &MemAccess) {
        self.model.mem_access(hart, access);
    }
    fn reg_write(&mut self, hart: usize, file: RegFile, index: u8, value: u64) {
        self.model.reg_write(hart, file, index, value);
    }
    fn csr_write(&mut self, hart: usize, csr: u16, value: u64) {
        self.model.csr_write(hart, csr, value);
    }
    fn trap(&mut self, hart: usize, trap: &TrapEvent) {
        // Machine and supervisor timer interrupts.
        if trap.interrupt && (trap.cause == 7 || trap.cause == 5) {
            self.timer_takes.push(TimerTake {
                hart,
                at: self.model.cycles(hart),
                recent_starts: self.starts[hart].iter().rev().copied().collect(),
            });
        }
        self.model.trap(hart, trap);
    }
    fn trap_return(&mut self, hart: usize, from: Privilege, to: Privilege) {
        self.model.trap_return(hart, from, to);
    }
    fn address_space_switch(&mut self, hart: usize, asid: u64) {
        self.model.address_space_switch(hart, asid);
    }
    fn tlb_flush(&mut self, hart: usize, vaddr: Option<u64>, asid: Option<u64>) {
        self.model.tlb_flush(hart, vaddr, asid);
    }
    fn tlb_fill(
        &mut self,
        hart: usize,
        vaddr: u64,
        fetch: bool,
        privilege: Privilege,
        page_size: u64,
    ) {
        self.model
            .tlb_fill(hart, vaddr, fetch, privilege, page_size);
    }
    fn uintr(&mut self, hart: usize, event: UintrEvent) {
        self.model.uintr(hart, event);
    }
    fn wait_for_interrupt(&mut self, hart: usize) {
        self.model.wait_for_interrupt(hart);
    }
    fn idle(&mut self, hart: usize, cycles: u64) {
        TimingSink::idle(&mut self.model, hart, cycles);
    }
    fn cycles(&self, hart: usize) -> Option<u64> {
        TimingSink::cycles(&self.model, hart)
    }
    fn clock_hz(&self) -> Option<u64> {
        self.model.clock_hz()
    }
    fn cycles_by_mode(&self, hart: usize) -> Option<[u64; 3]> {
        self.model.cycles_by_mode(hart)
    }
    fn counters(&self) -> Option<Stats> {
        TimingSink::counters(&self.model)
    }
}

/// rocket-fpga with `sets` applied.
fn preset(sets: &[&str]) -> Preset {
    let mut p = Preset::load("rocket-fpga").unwrap();
    p.apply_overrides(sets.iter().copied()).unwrap();
    p
}

/// Boots `program` on `harts` harts and runs it on the watched model.
fn run(
    preset: &Preset,
    harts: usize,
    max_instructions: u64,
    program: impl FnOnce(&mut Asm),
) -> (Machine, Watched, StopReason) {
    let mut a = Asm::new(RAM_BASE);
    program(&mut a);
    let image = a.finish().unwrap();
    let mut c = MachineConfig::default();
    c.platform.harts = harts;
    c.platform.ram_size = RAM;
    c.platform.uart_output = UartOutput::Buffer;
    let mut m = Machine::new(c).unwrap();
    m.load_raw(&image, RAM_BASE).unwrap();
    m.boot(RAM_BASE).unwrap();
    let mut sink = Watched::new(preset, harts);
    let stop = m.run(
        &mut sink,
        RunLimits {
            max_instructions: Some(max_instructions),
        },
    );
    (m, sink, stop)
}

fn exit(a: &mut Asm) {
    a.li(T6, FINISHER);
    a.li(T5, 0x5555);
    a.sw(T5, T6, 0);
    let spin = a.label();
    a.bind(spin);
    a.j(spin);
}

fn results(m: &mut Machine, n: usize) -> Vec<u64> {
    (0..n)
        .map(|i| m.bus.read(DATA + 8 * i as u64, 8).unwrap())
        .collect()
}

/// Arms hart 0's mtimecmp at mtime + 200 + 13 * s4 ticks and records the
/// deadline at s0 (clobbers t0, t2).
fn arm_timer(a: &mut Asm) {
    a.li(T2, MTIME);
    a.ld(T0, T2, 0);
    a.li(T2, 13);
    a.mul(T2, T2, S4);
    a.addi(T2, T2, 200);
    a.add(T0, T0, T2);
    a.li(T2, MTIMECMP);
    a.sd(T0, T2, 0);
    a.sd(T0, S0, 0);
    a.addi(S0, S0, 8);
}

const TIMER_INTERRUPTS: i64 = 40;

/// Takes `TIMER_INTERRUPTS` timer interrupts while `work` runs (in a
/// loop), re-arming the timer at a different distance each time; records
/// every deadline. `work` may use t1, t3, a0 and s1 (the array).
fn timer_program(a: &mut Asm, work: impl Fn(&mut Asm)) {
    let handler = a.label();
    a.la(T0, handler);
    a.csrw(MTVEC, T0);
    a.li(T0, MTIE);
    a.csrw(MIE, T0);
    let timer = TimerLoop {
        arm: arm_timer,
        enable: |a| a.csrsi(MSTATUS, 8),
        xret: Asm::mret,
    };
    timer.emit(a, handler, work);
}

/// The part of a timer program that arms, waits and re-arms, for either
/// privilege's timer: `arm` sets the next deadline and records it at s0,
/// `enable` turns the interrupt on, `xret` returns from its handler.
struct TimerLoop {
    arm: fn(&mut Asm),
    enable: fn(&mut Asm),
    xret: fn(&mut Asm),
}

impl TimerLoop {
    /// Arms, runs `work` in a loop, and at `handler` (which the caller
    /// installed) counts down `TIMER_INTERRUPTS` re-arms, then exits.
    fn emit(&self, a: &mut Asm, handler: riscv_core::encode::Label, work: impl Fn(&mut Asm)) {
        let main_loop = a.label();
        let done = a.label();
        a.li(S0, DATA as i64);
        a.li(S1, ARRAY as i64);
        a.li(S4, TIMER_INTERRUPTS);
        (self.arm)(a);
        (self.enable)(a);
        a.bind(main_loop);
        work(a);
        a.j(main_loop);
        a.bind(handler);
        a.addi(S4, S4, -1);
        a.beqz(S4, done);
        (self.arm)(a);
        (self.xret)(a);
        a.bind(done);
        exit(a);
    }
}

/// Per timer interrupt of a run that recorded its deadlines (in mtime
/// ticks) at `DATA`: how many instructions began at or after its deadline
/// before it was taken. Fails on one taken early.
fn late_after_deadlines(m: &mut Machine, sink: &Watched) -> Vec<usize> {
    let tb = m.timebase();
    let deadlines = results(m, TIMER_INTERRUPTS as usize);
    let takes = &sink.timer_takes;
    assert_eq!(takes.len(), TIMER_INTERRUPTS as usize);
    takes
        .iter()
        .zip(&deadlines)
        .map(|(take, &mtime)| {
            assert_eq!(take.hart, 0);
            let deadline = tb.cycles_for_mtime(mtime);
            assert!(take.at >= deadline, "early: {take:?} before {deadline}");
            take.recent_starts
                .iter()
                .take_while(|&&s| s >= deadline)
                .count()
        })
        .collect()
}

/// A load that misses everything, then 0 to 15 additions.
fn miss_then_add(a: &mut Asm) {
    let alu = a.label();
    let alu_done = a.label();
    a.ld(T1, S1, 0);
    a.addi(S1, S1, 64);
    a.srli(T3, S1, 6);
    a.andi(T3, T3, 15);
    a.bind(alu);
    a.beqz(T3, alu_done);
    a.addi(A0, A0, 1);
    a.addi(T3, T3, -1);
    a.j(alu);
    a.bind(alu_done);
}

/// Runs `timer_program(work)` with DRAM `dram_latency` cycles away; the
/// instructions that began at or after each deadline but before its
/// interrupt was taken.
fn late_instructions(dram_latency: u32, work: impl Fn(&mut Asm)) -> Vec<usize> {
    let p = preset(&[&format!("dram.latency={dram_latency}")]);
    let (mut m, sink, stop) = run(&p, 1, 10_000_000, |a| timer_program(a, work));
    assert_eq!(stop, StopReason::Exited(0));
    assert_eq!(
        m.timebase(),
        TimeBase {
            timebase_hz: 10_000_000,
            clock_hz: 100_000_000
        },
        "time runs at the preset's clock"
    );
    late_after_deadlines(&mut m, &sink)
}

#[test]
fn timer_interrupts_land_at_the_first_boundary_past_the_deadline() {
    // DRAM ten times slower than the preset's: a load costs ~1000 cycles,
    // an addition 1, so the cycles per instruction swing by 1000x; still
    // no instruction begins after a deadline before its interrupt.
    let late = late_instructions(1000, miss_then_add);
    assert!(late.iter().all(|&n| n == 0), "{late:?}");
}

#[test]
fn a_block_far_past_its_turn_delays_the_interrupt_by_less_than_a_block() {
    // Blocks of 12 loads that each miss everything, ~3000 cycles apiece:
    // one block overruns its turn's end by up to 33 000 cycles, more than
    // a quantum, with the hart checking the clock only at its end.
    const LOADS: usize = 12;
    let late = late_instructions(3000, |a| {
        for i in 0..LOADS {
            a.ld(T1, S1, 64 * i as i32);
        }
        a.addi(S1, S1, 64 * LOADS as i32);
    });
    // At worst the rest of that block (its loads, its addi and the jump),
    // and only when a block overruns further than any before: after that
    // the hart checks every instruction early enough.
    assert!(late.iter().all(|&n| n <= LOADS + 1), "{late:?}");
    let late_ones = late.iter().filter(|&&n| n > 0).count();
    assert!(late_ones <= 3, "{late:?}");
}

/// The value the guest wrote at mcycle: how far it moves mcycle.
const MCYCLE_WRITTEN: i64 = 1_000_000_000;

#[test]
fn the_guest_reads_the_model_clock_in_cycle_mcycle_and_time() {
    let p = preset(&["dram.latency=300"]);
    let (mut m, sink, stop) = run(&p, 1, 1_000_000, |a| {
        let again = a.label();
        a.li(S0, DATA as i64);
        a.li(S1, ARRAY as i64);
        a.li(S4, 20);
        a.bind(again);
        a.ld(T1, S1, 0);
        a.addi(S1, S1, 64);
        a.csrr(T0, TIME); // csr instruction 3k
        a.csrr(T1, CYCLE); // 3k + 1
        a.csrr(T2, MCYCLE); // 3k + 2
        a.sd(T0, S0, 0);
        a.sd(T1, S0, 8);
        a.sd(T2, S0, 16);
        a.addi(S0, S0, 24);
        a.addi(S4, S4, -1);
        a.bnez(S4, again);
        // Writing mcycle moves it; inhibiting it stops it (60 .. 64).
        a.li(T0, MCYCLE_WRITTEN);
        a.csrw(MCYCLE, T0);
        a.ld(T1, S1, 0);
        a.csrr(T2, MCYCLE);
        a.csrsi(MCOUNTINHIBIT, 1);
        a.ld(T1, S1, 64);
        a.csrr(T3, MCYCLE);
        a.csrci(MCOUNTINHIBIT, 1);
        a.ld(T1, S1, 128);
        a.csrr(T4, MCYCLE);
        a.sd(T2, S0, 0);
        a.sd(T3, S0, 8);
        a.sd(T4, S0, 16);
        exit(a);
    });
    assert_eq!(stop, StopReason::Exited(0));
    let tb = m.timebase();
    let values = results(&mut m, 63);
    let at: Vec<u64> = sink.csr_starts.iter().map(|&(_, c)| c).collect();
    assert_eq!(at.len(), 66);
    for k in 0..20 {
        let (time, cycle, mcycle) = (values[3 * k], values[3 * k + 1], values[3 * k + 2]);
        assert_eq!(time, tb.mtime_at(at[3 * k]), "sample {k}");
        assert_eq!(cycle, at[3 * k + 1], "sample {k}");
        assert_eq!(mcycle, at[3 * k + 2], "sample {k}");
    }
    // Each sample is a DRAM miss after the last: time moves on.
    assert!(values[57] > values[0] + 20 * 300 / 10, "{values:?}");
    let (write, read, inhibit, frozen, resume, resumed) =
        (at[60], at[61], at[62], at[63], at[64], at[65]);
    let w = MCYCLE_WRITTEN as u64;
    assert_eq!(values[60], w + (read - write));
    assert_eq!(values[61], w + (inhibit - write));
    assert!(frozen > inhibit);
    assert_eq!(values[62], w + (inhibit - write) + (resumed - resume));
    // The machine's own mcycle agrees once the run is over.
    let end = sink.model.cycles(0);
    assert_eq!(
        m.harts[0].csr.mcycle,
        w + (inhibit - write) + (end - resume)
    );
}

/// Hart 0 walks memory (a DRAM miss per load), hart 1 adds: under a
/// model they differ ~10x in cycles per instruction.
fn slow_and_fast(a: &mut Asm) {
    let slow = a.label();
    let fast = a.label();
    a.li(S1, ARRAY as i64);
    a.bnez(A0, fast);
    a.bind(slow);
    a.ld(T1, S1, 0);
    a.addi(S1, S1, 64);
    a.j(slow);
    a.bind(fast);
    a.addi(T1, T1, 1);
    a.addi(T2, T2, 1);
    a.j(fast);
}

#[test]
fn harts_take_turns_by_simulated_time() {
    let p = preset(&[]);
    let (m, sink, stop) = run(&p, 2, 2_000_000, slow_and_fast);
    assert_eq!(stop, StopReason::InstructionBudget(2_000_000));
    let (slow, fast) = (sink.model.cycles(0), sink.model.cycles(1));
    let (slow_insts, fast_insts) = (m.harts[0].retired, m.harts[1].retired);
    // The fast hart ran many more instructions in the same simulated time:
    // neither is more than a quantum and a block ahead of the other.
    assert!(fast_insts > 5 * slow_insts, "{fast_insts} {slow_insts}");
    let quantum = MachineConfig::default().quantum;
    assert!(slow.abs_diff(fast) < quantum + 1000, "{slow} {fast}");
    // The same run gives the same counts.
    let (m2, sink2, _) = run(&p, 2, 2_000_000, slow_and_fast);
    assert_eq!(sink2.model.stats(), sink.model.stats());
    assert_eq!(m2.stats(), m.stats());
}

#[test]
fn waiting_harts_wake_at_the_deadline_cycle() {
    let p = preset(&[]);
    let (mut m, sink, stop) = run(&p, 1, 1_000_000, |a| {
        let handler = a.label();
        a.la(T0, handler);
        a.csrw(MTVEC, T0);
        a.li(S0, DATA as i64);
        a.li(S4, 7);
        arm_timer(a);
        a.li(T0, MTIE);
        a.csrw(MIE, T0);
        a.csrsi(MSTATUS, 8);
        a.wfi();
        a.bind(handler);
        exit(a);
    });
    assert_eq!(stop, StopReason::Exited(0));
    let deadline = m.timebase().cycles_for_mtime(results(&mut m, 1)[0]);
    // The idle time went into the model's clock, which reached the
    // deadline exactly: that is where the interrupt was taken.
    assert!(sink.model.counters(0).idle_cycles > 0);
    assert_eq!(sink.timer_takes.len(), 1);
    assert_eq!(sink.timer_takes[0].at, deadline);
    assert_eq!(m.stats().get("hart0.cycles"), Some(sink.model.cycles(0)));
}

/// Hart 0 walks memory for a while (DRAM misses), notes its mcycle and
/// sends hart 1 an IPI; hart 1, asleep in WFI all along, notes its mcycle
/// in the handler and ends the run. Results: [sent, woken].
fn ipi_to_a_sleeper(a: &mut Asm) {
    let sleeper = a.label();
    let walk = a.label();
    let handler = a.label();
    a.li(S0, DATA as i64);
    a.bnez(A0, sleeper);
    a.li(S1, ARRAY as i64);
    a.li(S2, 300);
    a.bind(walk);
    a.ld(T1, S1, 0);
    a.addi(S1, S1, 64);
    a.addi(S2, S2, -1);
    a.bnez(S2, walk);
    a.csrr(T0, MCYCLE);
    a.sd(T0, S0, 0);
    a.li(T2, MSIP + 4);
    a.li(T1, 1);
    a.sw(T1, T2, 0);
    let spin = a.label();
    a.bind(spin);
    a.j(spin);
    a.bind(sleeper);
    a.la(T0, handler);
    a.csrw(MTVEC, T0);
    a.li(T0, MSIE);
    a.csrw(MIE, T0);
    a.csrsi(MSTATUS, 8);
    a.wfi();
    a.j(sleeper);
    a.bind(handler);
    a.csrr(T0, MCYCLE);
    a.sd(T0, S0, 8);
    exit(a);
}

#[test]
fn a_sleeping_hart_wakes_at_the_time_it_is_sent_an_ipi() {
    let p = preset(&[]);
    for quantum in [1000, 100, 10, 1] {
        let mut a = Asm::new(RAM_BASE);
        ipi_to_a_sleeper(&mut a);
        let image = a.finish().unwrap();
        let mut c = MachineConfig::default();
        c.platform.harts = 2;
        c.platform.ram_size = RAM;
        c.platform.uart_output = UartOutput::Buffer;
        c.quantum = quantum;
        let mut m = Machine::new(c).unwrap();
        m.load_raw(&image, RAM_BASE).unwrap();
        m.boot(RAM_BASE).unwrap();
        let mut sink = Watched::new(&p, 2);
        let stop = m.run(&mut sink, RunLimits::default());
        assert_eq!(stop, StopReason::Exited(0), "quantum {quantum}");
        let [sent, woken] = results(&mut m, 2)[..] else {
            unreachable!()
        };
        // The walk took longer than a quantum; the sleeper idled through
        // it and woke right after the store that sent the IPI: an uncached
        // store, a trap entry and a fetch miss later. It used to wake at
        // the start of its turn, up to a quantum before the IPI was sent.
        assert!(sent > 300 * 40, "quantum {quantum}: sent at {sent}");
        assert!(
            woken >= sent && woken - sent < 200,
            "quantum {quantum}: sent at {sent}, woken at {woken}"
        );
        assert!(sink.model.counters(1).idle_cycles >= sent - 100);
    }
}

/// Sstc: S-mode arms `stimecmp` itself and spins on additions (nothing
/// that asks the machine to sample interrupt lines: only time moves), its
/// supervisor timer interrupt delegated; re-armed `TIMER_INTERRUPTS`
/// times. Every one is taken at the first boundary at or past its
/// deadline, as machine timer interrupts are.
#[test]
fn sstc_timer_interrupts_land_at_the_deadline_while_only_time_moves() {
    let p = preset(&[]);
    let (mut m, sink, stop) = run(&p, 1, 10_000_000, |a| {
        let handler = a.label();
        enter_s_with_sstc(a, handler);
        let timer = TimerLoop {
            arm: arm_stimecmp,
            enable: |a| a.csrsi(SSTATUS, 2),
            xret: Asm::sret,
        };
        timer.emit(a, handler, |a| {
            a.addi(T1, T1, 1);
            a.addi(T3, T3, 1);
        });
    });
    assert_eq!(stop, StopReason::Exited(0));
    let late = late_after_deadlines(&mut m, &sink);
    assert!(late.iter().all(|&n| n == 0), "{late:?}");
}

/// Arms Sstc's stimecmp at time + 200 + 13 * s4 ticks and records the
/// deadline at s0 (clobbers t0, t2).
fn arm_stimecmp(a: &mut Asm) {
    a.csrr(T0, TIME);
    a.li(T2, 13);
    a.mul(T2, T2, S4);
    a.addi(T2, T2, 200);
    a.add(T0, T0, T2);
    a.csrw(STIMECMP, T0);
    a.sd(T0, S0, 0);
    a.addi(S0, S0, 8);
}

/// From M-mode: gives S every address (PMP), Sstc (menvcfg.STCE) and the
/// `time` CSR, delegates and enables the supervisor timer interrupt with
/// `handler` as stvec, and continues in S-mode right after.
fn enter_s_with_sstc(a: &mut Asm, handler: riscv_core::encode::Label) {
    let s_mode = a.label();
    a.li(T0, -1);
    a.csrw(0x3b0, T0);
    a.li(T0, 0x1f);
    a.csrw(0x3a0, T0);
    a.li(T0, 1);
    a.slli(T0, T0, 63);
    a.csrs(MENVCFG, T0);
    a.li(T0, STIE);
    a.csrs(MIDELEG, T0);
    a.csrs(MIE, T0);
    a.li(T0, 2);
    a.csrs(MCOUNTEREN, T0);
    a.la(T0, handler);
    a.csrw(STVEC, T0);
    a.li(T0, 3 << 11);
    a.csrc(MSTATUS, T0);
    a.li(T0, 1 << 11);
    a.csrs(MSTATUS, T0);
    a.la(T0, s_mode);
    a.csrw(0x341, T0);
    a.mret();
    a.bind(s_mode);
}

/// A machine timer deadline long past (its interrupt masked) does not
/// hide Sstc's: S-mode waits in WFI for its stimecmp and wakes exactly at
/// it, on one hart (every hart waits) and beside a busy one.
#[test]
fn a_past_masked_mtimecmp_does_not_hide_the_stimecmp_deadline() {
    let p = preset(&[]);
    for harts in [1, 2] {
        let (mut m, sink, stop) = run(&p, harts, 10_000_000, |a| {
            let spin = a.label();
            let handler = a.label();
            let wait = a.label();
            a.bnez(A0, spin);
            a.li(T2, MTIMECMP);
            a.sd(ZERO, T2, 0);
            enter_s_with_sstc(a, handler);
            a.li(S0, DATA as i64);
            a.li(S4, 1);
            arm_stimecmp(a);
            a.csrsi(SSTATUS, 2);
            a.bind(wait);
            a.wfi();
            a.j(wait);
            a.bind(handler);
            exit(a);
            a.bind(spin);
            a.j(spin);
        });
        assert_eq!(stop, StopReason::Exited(0), "{harts} harts");
        let deadline = m.timebase().cycles_for_mtime(results(&mut m, 1)[0]);
        assert_eq!(sink.timer_takes.len(), 1);
        assert_eq!(sink.timer_takes[0].at, deadline, "{harts} harts");
    }
}
