//! The whole simulated machine: harts + bus, booted like QEMU `virt`, run
//! with deterministic interleaving.
//!
//! # Time
//!
//! Each hart has a clock in cycles, and platform time (CLINT mtime, the
//! `time` CSR, Sstc's stimecmp) follows it: mtime = cycles * timebase_hz /
//! clock_hz ([`TimeBase`]). Whose cycles depends on the sink:
//!
//! - functional (the sink keeps no time, [`TimingSink::cycles`] is `None`):
//!   a retired instruction and a trap taken in a slice are a cycle each,
//!   and a hart in WFI lets its cycles run on to the next timer deadline;
//!   clock_hz is [`MachineConfig::clock_hz`];
//! - timed (the sink keeps time, like a timing model): the hart's clock is
//!   the sink's, at the sink's [`TimingSink::clock_hz`]. Idle time in WFI
//!   is told to the sink ([`TimingSink::idle`]), which adds it to its
//!   clock; the machine's own count only mirrors the sink's, refreshed
//!   after every slice, interrupt check and idle stretch. The guest's
//!   cycle/mcycle and time CSRs read the sink's clock at the reading
//!   instruction ([`crate::sink_clock`]).
//!
//! # Turns
//!
//! - Functional: harts run one after another, always in hart order, for a
//!   quantum of cycles (instructions and traps) each.
//! - Timed: turns go by simulated time. A round's horizon is the earliest
//!   hart clock plus the quantum (in cycles); in hart order, each hart
//!   whose clock is below it runs until its clock reaches it (stopping at
//!   the first block boundary past it). A hart that stalls on misses thus
//!   retires fewer instructions per round, and no hart gets more than a
//!   quantum plus a block ahead of the slowest one in simulated time.
//!   A hart asleep in WFI takes no turns: its clock stays where it fell
//!   asleep, and the horizon only keeps the others within a quantum of
//!   its timer deadline. It catches up (idles) when it wakes: to its
//!   deadline, or to the clock of the hart whose device store or UIPI
//!   send woke it, right after that instruction (that hart's round ends
//!   there, so the woken one joins the next). So a sleeping hart neither
//!   costs the others a turn per quantum nor sees an IPI before it was
//!   sent, whatever the quantum; a hart that runs while all others sleep
//!   takes turns of `SOLO_TURN` cycles.
//!
//! Either way the order is a pure function of the inputs, so a run gives
//! bit-identical results every time.
//!
//! # Interrupts
//!
//! Interrupt lines are sampled at turn starts, at timer deadlines and after
//! any instruction that can change interrupt state (CSR writes, xRET, WFI,
//! traps, device stores). Another hart's IPI or UINTR send is seen at the
//! receiver's next sampling point (timed, a sleeping receiver's is right
//! after the sending instruction, see above). A timer interrupt is due at the first
//! instruction boundary at which the hart's clock reaches the deadline (the
//! first cycle at which mtime >= mtimecmp, or stimecmp):
//!
//! - functional: a slice never runs past the next deadline, so the
//!   interrupt is taken at exactly that boundary;
//! - timed: an instruction's cost is known only once it has run, so a
//!   slice cannot be sized in instructions. Instead the hart checks the
//!   sink's clock against the end of its slice (the deadline or its turn's
//!   end): after every block pass, and after every instruction while a
//!   deadline is near ([`SinkClock::exact`](crate::sink_clock::SinkClock::exact);
//!   checking always would cost a timed run ~10%). Near means less than a
//!   quantum plus the hart's largest overrun so far (how far a block pass
//!   took it past a turn's end) beyond the turn's end. So the interrupt is
//!   taken at the first instruction boundary at or after the deadline, as
//!   in functional mode, unless a block overran its turn's end by more
//!   than ever before and passed the deadline on the way (a block of DRAM
//!   misses on a very slow memory): then it is late by at most the rest of
//!   that block, fewer than
//!   [`MAX_BLOCK_LEN`](crate::block_cache::MAX_BLOCK_LEN) instructions, and
//!   the larger overrun widens the window for the next deadlines.

use crate::bus::Bus;
use crate::csr::MIP_MTIP;
use crate::devices::SimEvent;
use crate::dtb;
use crate::hart::{Hart, MisalignedPolicy};
use crate::loader::{self, LoadError, LoadedImage};
use crate::platform::{PlatformConfig, PlatformError};
use crate::timebase::TimeBase;
use sim_core::{HartSnapshot, RoiSummary, RoiTracker, RunLimits, Stats, StopReason, TimingSink};

#[derive(Clone, Debug)]
pub struct MachineConfig {
    pub platform: PlatformConfig,
    /// Simulated core clock of functional runs; mtime advances timebase_hz
    /// / clock_hz per cycle. A sink that keeps time brings its own
    /// ([`TimingSink::clock_hz`]).
    pub clock_hz: u64,
    /// A hart's turn: functional, the cycles (instructions and traps) it
    /// runs before the next hart; timed, how far (in cycles) a round's
    /// horizon lies beyond the earliest hart clock.
    pub quantum: u64,
    pub misaligned: MisalignedPolicy,
}

/// The turn, in cycles, of a timed hart while every other one sleeps in
/// WFI: none can see it before it wakes, so the length changes no result;
/// it only bounds how long the machine goes without looking at the others.
const SOLO_TURN: u64 = 1000;

impl Default for MachineConfig {
    fn default() -> Self {
        Self {
            platform: PlatformConfig::default(),
            clock_hz: 1_000_000_000,
            quantum: 1000,
            misaligned: MisalignedPolicy::default(),
        }
    }
}

/// Errors building or booting a machine.
#[derive(Debug)]
pub enum MachineError {
    Platform(PlatformError),
    Load(LoadError),
    DeviceTree(String),
}

impl std::fmt::Display for MachineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MachineError::Platform(e) => write!(f, "{e}"),
            MachineError::Load(e) => write!(f, "{e}"),
            MachineError::DeviceTree(e) => write!(f, "cannot build the device tree: {e}"),
        }
    }
}

impl std::error::Error for MachineError {}

impl From<PlatformError> for MachineError {
    fn from(e: PlatformError) -> Self {
        MachineError::Platform(e)
    }
}

impl From<LoadError> for MachineError {
    fn from(e: LoadError) -> Self {
        MachineError::Load(e)
    }
}

pub struct Machine {
    pub harts: Vec<Hart>,
    pub bus: Bus,
    config: MachineConfig,
    /// Cycles elapsed on each hart: functional time (instructions, traps
    /// and idle cycles), or a copy of the sink's clock when it keeps time.
    cycles: Vec<u64>,
    /// Per timed hart, the furthest a block pass took it past the end of
    /// its slice: how early before a deadline it checks every instruction.
    overrun: Vec<u64>,
    /// How mtime follows a hart's cycles.
    timebase: TimeBase,
    /// Instructions retired over all harts.
    instret: u64,
    /// Entry of the stage after the firmware (QEMU's fw_dynamic next_addr).
    next_stage: Option<u64>,
    /// Last level of each hart's UINTC line (USIP follows its edges).
    usip_line: Vec<bool>,
    /// The guest's region of interest (sim-control events).
    roi: RoiTracker,
    /// The sink's counters over the regions of interest.
    roi_sink: SinkRegion,
    /// Idle (WFI) cycles of each hart, by the privilege it waited at.
    idle_by_mode: Vec<[u64; 3]>,
    /// The bus's device epoch and the hart's clock when each hart last
    /// sampled its lines (`sync_interrupts`).
    sampled: Vec<(u64, u64)>,
}

impl Machine {
    pub fn new(config: MachineConfig) -> Result<Self, MachineError> {
        let bus = Bus::new(&config.platform)?;
        let hart_count = config.platform.harts;
        let timebase = TimeBase {
            timebase_hz: config.platform.timebase_hz,
            clock_hz: config.clock_hz,
        };
        let harts = (0..config.platform.harts)
            .map(|id| {
                let mut h = Hart::new(id);
                h.misaligned = config.misaligned;
                h.clock.timebase = timebase;
                h
            })
            .collect();
        Ok(Self {
            cycles: vec![0; hart_count],
            overrun: vec![0; hart_count],
            timebase,
            harts,
            bus,
            config,
            instret: 0,
            next_stage: None,
            usip_line: vec![false; hart_count],
            roi: RoiTracker::new(),
            roi_sink: SinkRegion::default(),
            idle_by_mode: vec![[0; 3]; hart_count],
            sampled: vec![(u64::MAX, u64::MAX); hart_count],
        })
    }

    pub fn config(&self) -> &MachineConfig {
        &self.config
    }

    /// Sets the quantum (see [`MachineConfig::quantum`]) before a run.
    pub fn set_quantum(&mut self, quantum: u64) {
        self.config.quantum = quantum.max(1);
    }

    /// Loads an ELF image into memory (HTIF symbols are hooked up if present).
    pub fn load_elf(&mut self, bytes: &[u8]) -> Result<LoadedImage, LoadError> {
        let image = loader::load_elf(&mut self.bus, bytes)?;
        if let Some(tohost) = image.tohost {
            self.bus.set_htif(tohost, image.fromhost);
        }
        Ok(image)
    }

    /// Loads a raw image at `addr`.
    pub fn load_raw(&mut self, bytes: &[u8], addr: u64) -> Result<LoadedImage, LoadError> {
        loader::load_raw(&mut self.bus, bytes, addr)
    }

    /// How many satp.ASID bits every hart implements (ASIDLEN, at most
    /// 16; the default is 16): a core model without ASIDs has 0, and a
    /// kernel that probes the field then knows to flush on every switch.
    pub fn set_asid_bits(&mut self, bits: u32) {
        for h in &mut self.harts {
            h.csr.set_asid_bits(bits);
        }
    }

    /// Records where the firmware should jump next (the kernel's entry),
    /// handed over in the boot ROM's fw_dynamic_info like QEMU does.
    pub fn set_next_stage(&mut self, entry: u64) {
        self.next_stage = Some(entry);
    }

    /// Resets every hart to the boot ROM, which hands `entry` the hart id in
    /// a0 and the device tree in a1, as QEMU virt's reset vector does.
    pub fn boot(&mut self, entry: u64) -> Result<(), MachineError> {
        let fdt = dtb::build_fdt(&self.config.platform)
            .map_err(|e| MachineError::DeviceTree(e.to_string()))?;
        let reset_pc = self
            .bus
            .install_boot_rom(entry, &fdt, self.next_stage.unwrap_or(0))?;
        for h in &mut self.harts {
            h.pc = reset_pc;
        }
        Ok(())
    }

    /// Instructions retired so far over all harts.
    pub fn instret(&self) -> u64 {
        self.instret
    }

    /// Flushes buffered guest output (UART).
    pub fn flush_output(&mut self) {
        self.bus.flush_output();
    }

    /// How mtime follows the harts' cycles now.
    pub fn timebase(&self) -> TimeBase {
        self.timebase
    }

    /// Runs time at `clock_hz` cycles per second from now on.
    fn set_clock_hz(&mut self, clock_hz: u64) {
        self.timebase.clock_hz = clock_hz.max(1);
        for h in &mut self.harts {
            h.clock.timebase = self.timebase;
        }
    }

    /// Brings time to `mtime`, hart `h`'s clock's: the CLINT's mtime, the
    /// hart's and Sstc's STIP (the other lines are `sync_interrupts`').
    #[inline]
    fn set_time(&mut self, h: usize, mtime: u64) {
        self.bus.set_mtime(mtime);
        let hart = &mut self.harts[h];
        hart.mtime = mtime;
        hart.csr.update_stimecmp(mtime);
    }

    /// After a slice of timed hart `h` that made no request to sample
    /// (no CSR write, trap, xRET or WFI): if no device was touched since
    /// it last sampled its lines and its timer line is as it was, only
    /// time moved, so only time is sampled (and an interrupt taken only if
    /// Sstc's STIP rose): `Some(whether one was taken)`. `None` if its
    /// lines must be sampled in full.
    fn sample_time_only<S: TimingSink>(&mut self, h: usize, sink: &mut S) -> Option<bool> {
        if self.sampled[h].0 != self.bus.device_epoch {
            return None;
        }
        let mtime = self.timebase.mtime_at(self.cycles[h]);
        let mtip = mtime >= self.bus.clint.mtimecmp(h);
        if mtip != (self.harts[h].csr.mip & MIP_MTIP != 0) {
            return None;
        }
        let before = self.harts[h].csr.mip;
        self.set_time(h, mtime);
        self.sampled[h] = (self.bus.device_epoch, self.cycles[h]);
        Some(self.harts[h].csr.mip != before && self.harts[h].check_interrupts(sink))
    }

    /// Samples hart `h`'s lines in full and takes what is due; whether it
    /// took a trap.
    fn sample_and_check<S: TimingSink>(&mut self, h: usize, sink: &mut S) -> bool {
        self.sync_interrupts(h);
        self.harts[h].check_interrupts(sink)
    }

    /// Samples device lines and time into hart `h`'s CSRs.
    fn sync_interrupts(&mut self, h: usize) {
        let mtime = self.timebase.mtime_at(self.cycles[h]);
        self.set_time(h, mtime);
        let lines = self.bus.interrupt_lines(h);
        debug_assert_eq!(lines.mtip, self.bus.clint.mtimecmp(h) <= mtime);
        let hart = &mut self.harts[h];
        hart.csr
            .set_external_interrupts(lines.msip, lines.mtip, lines.meip, lines.seip);
        // UINTR: the running thread's receiver entry (suirs) raises USIP
        // while it is active, bound to this hart and has requests pending.
        let suirs = hart.csr.suirs;
        let usip = suirs >> 63 != 0 && self.bus.uintc.receiver_pending(suirs & 0xffff, h as u64);
        // uip.USIP is also software-writable (the kernel sets it when it
        // returns to a receiver with requests pending), so only edges of
        // the controller's line change it.
        if usip != self.usip_line[h] {
            self.usip_line[h] = usip;
            hart.csr.set_usip(usip);
        }
        self.sampled[h] = (self.bus.device_epoch, self.cycles[h]);
    }

    /// Samples hart `h`'s lines and takes what is due, at the start of its
    /// turn: unless no device was touched and its clock has not moved since
    /// it last did (then nothing can have changed but the CLINT's mtime,
    /// another hart's). A trap taken moves the hart's clock.
    fn start_turn<S: TimingSink>(&mut self, h: usize, sink: &mut S) {
        self.bus.current_hart = h;
        if self.sampled[h] == (self.bus.device_epoch, self.cycles[h]) {
            self.bus.set_mtime(self.harts[h].mtime);
        } else if self.sample_and_check(h, sink) {
            self.follow_sink_clock(h, sink);
        }
    }

    /// The cycle after hart `h`'s clock at which one of its timer lines
    /// (mtimecmp's, and Sstc's stimecmp's) rises next, or `u64::MAX`. A
    /// line already up (pending, or masked in mie) does not hide the
    /// other's deadline.
    fn next_deadline(&self, h: usize) -> u64 {
        let now = self.cycles[h];
        let ahead = |cmp: u64| match cmp {
            u64::MAX => u64::MAX,
            cmp => Some(self.timebase.cycles_for_mtime(cmp))
                .filter(|&c| c > now)
                .unwrap_or(u64::MAX),
        };
        let csr = &self.harts[h].csr;
        let mut deadline = ahead(self.bus.clint.mtimecmp(h));
        if csr.sstc_enabled() {
            deadline = deadline.min(ahead(csr.stimecmp));
        }
        deadline
    }

    /// Runs until the guest exits or a budget runs out.
    pub fn run<S: TimingSink>(&mut self, sink: &mut S, limits: RunLimits) -> StopReason {
        if let Some(hz) = sink.clock_hz() {
            self.set_clock_hz(hz);
        }
        let mut remaining = limits.max_instructions.unwrap_or(u64::MAX);
        let budget_stop = StopReason::InstructionBudget(limits.max_instructions.unwrap_or(0));
        let quantum = self.config.quantum.max(1);
        loop {
            let mut all_waiting = true;
            // Timed harts' turns end at a common point in simulated time.
            let horizon = self.horizon(sink, quantum);
            'turns: for h in 0..self.harts.len() {
                let timed = S::ACTIVE && sink.cycles(h).is_some();
                let end = if timed {
                    horizon
                } else {
                    self.cycles[h] + quantum
                };
                if timed && self.cycles[h] >= end {
                    // Ahead of the others in simulated time: sits out.
                    all_waiting = false;
                    continue;
                }
                if timed && self.sleeps_through(h, end) {
                    continue;
                }
                self.start_turn(h, sink);
                while self.cycles[h] < end {
                    // Never run past the next timer deadline.
                    let deadline = self.next_deadline(h);
                    let slice_end = if deadline > self.cycles[h] {
                        end.min(deadline)
                    } else {
                        end
                    };
                    let start = self.cycles[h];
                    if timed {
                        // The hart stops itself once the sink's clock gets
                        // there: after the instruction that reaches a
                        // deadline, after the block that ends the turn.
                        let clock = &mut self.harts[h].clock;
                        clock.stop_at = slice_end;
                        let window = quantum.saturating_add(self.overrun[h]);
                        clock.exact = deadline > start && deadline.saturating_sub(end) < window;
                    }
                    // Functional: exactly the cycles left. Timed: at most
                    // as many instructions as cycles left (each costs at
                    // least one), more if need be in the next slice.
                    let slice = (slice_end - start).min(remaining);
                    let hart = &mut self.harts[h];
                    // Progress = instructions retired + traps taken (each
                    // costs a cycle in functional mode).
                    let mut progress = 0u64;
                    let mut retired = 0u64;
                    let mut waiting = false;
                    let mut requested = false;
                    let epoch = self.bus.device_epoch;
                    while progress < slice {
                        let run = hart.run_block(&mut self.bus, sink, slice - progress);
                        progress += run.retired + run.traps;
                        retired += run.retired;
                        if run.waiting {
                            waiting = true;
                            break;
                        }
                        requested = hart.take_sync_request();
                        if requested || hart.clock.reached(sink, h) {
                            break;
                        }
                    }
                    if timed {
                        self.follow_sink_clock(h, sink);
                        let overrun = self.cycles[h].saturating_sub(slice_end);
                        self.overrun[h] = self.overrun[h].max(overrun);
                    } else {
                        // (the hart counts retired instructions in mcycle
                        // and minstret itself; traps take a cycle each)
                        hart.csr.count_cycles(progress - retired);
                        self.cycles[h] += progress;
                    }
                    self.instret += retired;
                    remaining -= progress;
                    // A timed hart that accessed a device may have woken a
                    // waiting one: then it ends the round, and the woken
                    // hart joins the next horizon.
                    let woke =
                        timed && self.bus.device_epoch != epoch && self.wake_sleepers(h, sink);
                    if self.bus.simctl.has_events() {
                        self.catch_up_sleepers(self.cycles[h], sink);
                        self.take_sim_events(sink);
                    }
                    if let Some(code) = self.bus.exit_request() {
                        self.catch_up_sleepers(self.cycles[h], sink);
                        return StopReason::Exited(code);
                    }
                    if remaining == 0 {
                        self.catch_up_sleepers(self.cycles[h], sink);
                        return budget_stop;
                    }
                    if waiting {
                        // Idle until the deadline or the end of the turn;
                        // time still passes (and mcycle counts it). A timed
                        // hart idles only to a deadline within its turn:
                        // otherwise it sleeps outside the rounds (see
                        // `horizon`) until something wakes it.
                        if !timed || (slice_end == deadline && deadline != u64::MAX) {
                            self.idle_until(h, slice_end, sink);
                        }
                    } else {
                        all_waiting = false;
                    }
                    let only_time = if timed && !waiting && !requested {
                        self.sample_time_only(h, sink)
                    } else {
                        None
                    };
                    if only_time.unwrap_or_else(|| self.sample_and_check(h, sink)) {
                        // (idling followed the clock itself)
                        self.follow_sink_clock(h, sink);
                    }
                    if woke {
                        all_waiting = false;
                        break 'turns;
                    }
                    if waiting && self.harts[h].waiting {
                        break;
                    }
                }
            }
            self.bus.poll_htif();
            if let Some(code) = self.bus.exit_request() {
                self.catch_up_sleepers(self.latest_clock(), sink);
                return StopReason::Exited(code);
            }
            if all_waiting && !self.fast_forward_to_next_wakeup(sink) {
                self.catch_up_sleepers(self.latest_clock(), sink);
                return StopReason::Deadlock;
            }
        }
    }

    /// The clock of the hart furthest ahead in time.
    fn latest_clock(&self) -> u64 {
        self.cycles.iter().copied().max().unwrap_or(0)
    }

    /// Where this round's turns of timed harts end: a quantum past the
    /// earliest clock of the harts that run, and no more than a quantum
    /// past the earliest deadline of those that sleep. A hart waiting in
    /// WFI with nothing pending sleeps outside the rounds: its clock stays
    /// where it stopped, it does not pace them, and it catches up (idles)
    /// when it wakes, to its deadline or to the time of the hart that woke
    /// it (`wake_sleepers`), or when the machine looks at every clock.
    /// A hart that runs alone cannot be seen by any other before that, so
    /// its turns last `SOLO_TURN` cycles whatever the quantum.
    fn horizon<S: TimingSink>(&mut self, sink: &mut S, quantum: u64) -> u64 {
        let mut running = 0;
        let mut earliest_running = u64::MAX;
        let mut earliest_deadline = u64::MAX;
        for h in 0..self.harts.len() {
            if !(S::ACTIVE && sink.cycles(h).is_some()) {
                continue;
            }
            // A sleeper's lines are as it last sampled them: only a
            // hart's device store or UIPI operation can raise another's,
            // and then `wake_sleepers` samples it (and catches it up if
            // that woke it); its timer is its deadline.
            if self.harts[h].asleep() {
                earliest_deadline = earliest_deadline.min(self.next_deadline(h));
                continue;
            }
            running += 1;
            earliest_running = earliest_running.min(self.cycles[h]);
        }
        let lead = if running > 1 {
            quantum
        } else {
            quantum.max(SOLO_TURN)
        };
        earliest_running
            .saturating_add(lead)
            .min(earliest_deadline.saturating_add(quantum))
    }

    /// Whether timed hart `h` sleeps through a turn that ends at `end`: it
    /// waits, nothing wakes it (see `horizon`), and its deadline (if any)
    /// lies beyond the turn.
    fn sleeps_through(&self, h: usize, end: u64) -> bool {
        self.harts[h].asleep() && self.next_deadline(h) >= end
    }

    /// After timed hart `h` accessed a device (a UIPI operation too):
    /// every sleeping timed hart that now has a wake-up pending idles
    /// until `h`'s time, when it was woken. True if any woke.
    fn wake_sleepers<S: TimingSink>(&mut self, h: usize, sink: &mut S) -> bool {
        let now = self.cycles[h];
        let mut woke = false;
        for g in (0..self.harts.len()).filter(|&g| g != h) {
            if self.harts[g].waiting && sink.cycles(g).is_some() {
                self.sync_interrupts(g);
                if self.harts[g].wakeup_pending() {
                    self.idle_until(g, now, sink);
                    woke = true;
                }
            }
        }
        // The bus's mtime is the running hart's again.
        self.sync_interrupts(h);
        woke
    }

    /// Every sleeping timed hart idles until `now` (or its deadline, if
    /// that comes first), so that the clocks the machine reports (a region
    /// of interest's snapshot, the end of a run) have all moved on.
    fn catch_up_sleepers<S: TimingSink>(&mut self, now: u64, sink: &mut S) {
        for g in 0..self.harts.len() {
            if self.harts[g].waiting && sink.cycles(g).is_some() {
                let target = now.min(self.next_deadline(g));
                self.idle_until(g, target, sink);
            }
        }
    }

    /// A timed hart's clock is the sink's: copies it, and brings mcycle
    /// (which the hart counts per instruction) to it. Nothing without one.
    #[inline]
    fn follow_sink_clock<S: TimingSink>(&mut self, h: usize, sink: &S) {
        if let Some(clock) = sink.cycles(h) {
            self.cycles[h] = clock;
            let hart = &mut self.harts[h];
            hart.clock.settle(&mut hart.csr, clock);
        }
    }

    /// Every hart waits: jumps time to the earliest timer deadline that can
    /// wake one of them. False if nothing can ever wake any hart.
    fn fast_forward_to_next_wakeup<S: TimingSink>(&mut self, sink: &mut S) -> bool {
        for h in 0..self.harts.len() {
            self.sync_interrupts(h);
            if self.harts[h].wakeup_pending() {
                return true;
            }
        }
        let deadline = (0..self.harts.len())
            .map(|h| self.next_deadline(h))
            .enumerate()
            .filter(|&(h, d)| d > self.cycles[h])
            .map(|(_, d)| d)
            .min()
            .unwrap_or(u64::MAX);
        if deadline == u64::MAX {
            return false;
        }
        for h in 0..self.harts.len() {
            self.idle_until(h, deadline, sink);
        }
        true
    }

    /// Hart `h` idles (in WFI) until cycle `target`; the idle cycles count
    /// in its mcycle, and a sink that keeps time adds them to its clock.
    fn idle_until<S: TimingSink>(&mut self, h: usize, target: u64, sink: &mut S) {
        if self.cycles[h] < target {
            let idle = target - self.cycles[h];
            sink.idle(h, idle);
            self.harts[h].csr.count_cycles(idle);
            let mode = self.harts[h].privilege.index();
            self.idle_by_mode[h][mode] += idle;
            self.cycles[h] = target;
            self.follow_sink_clock(h, sink);
            debug_assert_eq!(self.cycles[h], target, "the sink's clock counts idle time");
        }
    }

    /// Every hart's counters and cycles now: from `sink`'s clock when it
    /// models time, else functional time, where an instruction's cycle goes
    /// to the mode it ran at, an exception's to the mode it was raised at
    /// and idle cycles to the mode that waited.
    pub fn snapshot<S: TimingSink>(&self, sink: &S) -> Vec<HartSnapshot> {
        (0..self.harts.len())
            .map(|h| {
                let c = self.harts[h].counters;
                let functional = std::array::from_fn(|m| {
                    c.instret[m] + c.exceptions_from[m] + self.idle_by_mode[h][m]
                });
                HartSnapshot {
                    counters: c,
                    cycles: sink.cycles(h).unwrap_or(self.cycles[h]),
                    cycles_by_mode: sink.cycles_by_mode(h).unwrap_or(functional),
                }
            })
            .collect()
    }

    /// How the sink's counters (a timing model's caches, TLBs, stalls...)
    /// changed over the completed regions of interest.
    pub fn roi_sink_counters(&self) -> &Stats {
        &self.roi_sink.total
    }

    /// The region of interest the guest marked, as far as it got.
    pub fn roi(&self) -> &RoiTracker {
        &self.roi
    }

    /// What the guest's completed regions of interest measured.
    pub fn roi_summary(&self) -> &RoiSummary {
        self.roi.summary()
    }

    /// Applies the guest's sim-control events. Called right after the
    /// slice in which they were written (a device store ends the slice),
    /// so a snapshot sees the writing hart exactly after its store.
    fn take_sim_events<S: TimingSink>(&mut self, sink: &S) {
        for event in self.bus.simctl.take_events() {
            match event {
                SimEvent::RoiBegin { hart } => {
                    // A begin inside an open region is ignored (a warning).
                    if !self.roi.is_open() {
                        self.roi_sink.begin(sink.counters());
                    }
                    let snapshot = self.snapshot(sink);
                    self.roi.begin(hart, snapshot);
                }
                SimEvent::RoiEnd { .. } => {
                    let was_open = self.roi.is_open();
                    let snapshot = self.snapshot(sink);
                    self.roi.end(&snapshot);
                    if was_open {
                        self.roi_sink.end(sink.counters());
                    }
                }
                SimEvent::ReportSyscalls { value, .. } => self.roi.report_syscalls(value),
                SimEvent::ReportRounds { value, .. } => self.roi.report_rounds(value),
                SimEvent::ReportConcurrency { value, .. } => self.roi.report_concurrency(value),
                // Stats are computed on demand; dump/reset points are not
                // recorded yet.
                SimEvent::DumpStats { .. } | SimEvent::ResetStats { .. } => {}
            }
        }
    }

    /// ISA-level counters of the run as a stats tree.
    pub fn stats(&self) -> Stats {
        let mut s = Stats::new();
        for (h, hart) in self.harts.iter().enumerate() {
            let p = format!("hart{h}");
            s.set(format!("{p}.instret"), hart.retired);
            s.set(format!("{p}.cycles"), self.cycles[h]);
            s.set(format!("{p}.decode.blocks_built"), hart.blocks_built());
            s.set(format!("{p}.decode.blocks_reused"), hart.blocks_reused());
            let t = &hart.counters;
            for m in sim_core::Privilege::ALL {
                s.set(
                    format!("{p}.instructions.{}", m.name()),
                    t.instructions_at(m),
                );
                s.set(
                    format!("{p}.exceptions.from_{}", m.name()),
                    t.exceptions_from[m.index()],
                );
                s.set(
                    format!("{p}.interrupts.from_{}", m.name()),
                    t.interrupts_from[m.index()],
                );
            }
            s.set(
                format!("{p}.exceptions.ecalls_from_user"),
                t.ecalls_from_user,
            );
            s.set(format!("{p}.uintr.delivered"), t.uintr_delivered);
            s.set(format!("{p}.uintr.sent"), t.uintr_sent);
            s.set(format!("{p}.uintr.send_rejected"), t.uintr_rejected);
        }
        s.set("instret", self.instret);
        self.roi.summary().write_stats(&mut s);
        s
    }
}

/// A sink's counters at the open region's start, and their change summed
/// over the regions that ended.
#[derive(Default)]
struct SinkRegion {
    start: Option<Stats>,
    total: Stats,
}

impl SinkRegion {
    fn begin(&mut self, now: Option<Stats>) {
        self.start = now;
    }

    fn end(&mut self, now: Option<Stats>) {
        if let (Some(start), Some(now)) = (self.start.take(), now) {
            for (name, value) in now.iter() {
                let delta = value.saturating_sub(start.get(name).unwrap_or(0));
                self.total.add(name, delta);
            }
        }
    }
}
