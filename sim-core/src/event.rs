//! What a functional core reports to whoever watches it (a timing model, a
//! commit logger, a statistics collector).
//!
//! The core is generic over `S: TimingSink` and checks `S::ACTIVE` before
//! building any event, so a run with [`NullSink`] compiles the reporting away
//! entirely (no per-instruction dynamic call when timing is off).

/// Privilege level an instruction executed at. Generic enough for any ISA with
/// user / supervisor / machine levels; the numeric values follow the common
/// 0/1/3 encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum Privilege {
    User = 0,
    Supervisor = 1,
    Machine = 3,
}

impl Privilege {
    /// Short lowercase name used in stats paths (`user`, `supervisor`, `machine`).
    pub fn name(self) -> &'static str {
        match self {
            Privilege::User => "user",
            Privilege::Supervisor => "supervisor",
            Privilege::Machine => "machine",
        }
    }
    /// Index 0..3 for per-mode counter arrays.
    pub fn index(self) -> usize {
        match self {
            Privilege::User => 0,
            Privilege::Supervisor => 1,
            Privilege::Machine => 2,
        }
    }
    pub const ALL: [Privilege; 3] = [Privilege::User, Privilege::Supervisor, Privilege::Machine];
}

/// Coarse instruction class, the unit a CPI table is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InstClass {
    Alu,
    Mul,
    Div,
    Load,
    Store,
    Amo,
    Branch,
    Jump,
    Csr,
    Fence,
    /// ecall/ebreak/xRET/wfi and other system instructions.
    System,
    FpArith,
    FpDivSqrt,
    FpLoad,
    FpStore,
    /// A user-interrupt controller operation (send/read/write/activate).
    Uintr,
}

/// One retired instruction.
#[derive(Clone, Copy, Debug)]
pub struct Retired {
    pub pc: u64,
    /// Where the instruction was fetched from: `pc` after translation.
    pub paddr: u64,
    /// Raw instruction bits (16-bit value for compressed instructions).
    pub raw: u32,
    /// Length in bytes (2 or 4).
    pub len: u8,
    pub class: InstClass,
    pub privilege: Privilege,
    /// For branches and jumps: whether control left the fall-through path.
    pub taken: bool,
    /// Next pc after this instruction (branch target if taken).
    pub next_pc: u64,
    /// The registers it read and wrote, for dependence stalls.
    pub operands: Operands,
}

/// A register named as an operand: which file and which entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Reg {
    pub file: RegFile,
    pub index: u8,
}

impl Reg {
    pub const fn int(index: u8) -> Self {
        Reg {
            file: RegFile::Int,
            index,
        }
    }
    pub const fn float(index: u8) -> Self {
        Reg {
            file: RegFile::Float,
            index,
        }
    }
}

/// The registers an instruction reads and writes, without its encoding. A
/// hardwired-zero register carries no value, so it is never listed: it
/// cannot make one instruction wait for another.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Operands {
    /// The register written, if any.
    pub dest: Option<Reg>,
    /// Registers read, by source operand position (first, second, third);
    /// a position the instruction does not use is `None`.
    pub srcs: [Option<Reg>; 3],
}

impl Operands {
    /// Whether `reg` is one of the registers read.
    #[inline(always)]
    pub fn reads(&self, reg: Reg) -> bool {
        self.srcs.contains(&Some(reg))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccessKind {
    Fetch,
    Load,
    Store,
    /// Atomic read-modify-write (AMO, SC).
    Amo,
    /// A page-table walk access made by the MMU on behalf of an instruction.
    PageWalk,
    /// A read the hardware makes by physical address, untranslated, to
    /// carry out an instruction (a user-interrupt sender-table entry).
    TableRead,
}

/// One data memory access of an instruction (after translation).
#[derive(Clone, Copy, Debug)]
pub struct MemAccess {
    pub kind: AccessKind,
    /// The pc of the instruction it is made for (of the fetch, for a
    /// fetch and its page walk): an in-order model charges the
    /// instruction's fetch before its data.
    pub pc: u64,
    pub vaddr: u64,
    pub paddr: u64,
    pub size: u8,
    /// Stored value (stores/AMOs) or loaded value (loads).
    pub data: u64,
    pub privilege: Privilege,
}

/// Architectural register file a write went to (or an operand names).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RegFile {
    Int,
    Float,
}

/// A synchronous exception or an interrupt taken by a hart.
#[derive(Clone, Copy, Debug)]
pub struct TrapEvent {
    pub interrupt: bool,
    /// Cause code without the interrupt bit.
    pub cause: u64,
    pub from: Privilege,
    pub to: Privilege,
    pub pc: u64,
    pub tval: u64,
}

/// User-level interrupt activity (no privilege change).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UintrEvent {
    /// A send instruction posted a request; `receiver` is the controller entry.
    Send {
        receiver: u16,
        delivered_to_active: bool,
    },
    /// The sender-table lookup rejected the send (no effect).
    SendRejected,
    /// A user interrupt was taken (redirect to the user trap vector).
    Delivered,
    /// A user-mode return (`uret`).
    Return,
}

/// Observer of a functional core. All methods default to doing nothing.
pub trait TimingSink {
    /// False only for sinks that ignore every event; lets the core skip
    /// building events at compile time.
    const ACTIVE: bool = true;

    /// What one hart's events go to while that hart runs (the core asks
    /// for it once per run of blocks): a sink with per-hart state can
    /// hand out that hart's part, so that no event has to find it again.
    /// A sink without one hands out itself
    /// ([`same_sink_for_every_hart!`](crate::same_sink_for_every_hart)).
    type ForHart<'a>: TimingSink
    where
        Self: 'a;

    /// The sink for hart `hart`'s events; the `hart` those events name is
    /// always this one.
    fn for_hart(&mut self, hart: usize) -> Self::ForHart<'_>;

    fn retire(&mut self, _hart: usize, _inst: &Retired) {}
    fn mem_access(&mut self, _hart: usize, _access: &MemAccess) {}
    fn reg_write(&mut self, _hart: usize, _file: RegFile, _index: u8, _value: u64) {}
    fn csr_write(&mut self, _hart: usize, _csr: u16, _value: u64) {}
    fn trap(&mut self, _hart: usize, _trap: &TrapEvent) {}
    /// Return from a trap handler (mret/sret) lowering or keeping privilege.
    fn trap_return(&mut self, _hart: usize, _from: Privilege, _to: Privilege) {}
    /// Address-space switch (e.g. a write of the page-table base register).
    fn address_space_switch(&mut self, _hart: usize, _asid: u64) {}
    /// Translation caches flushed (`all` = whole TLB, else one address/ASID).
    fn tlb_flush(&mut self, _hart: usize, _vaddr: Option<u64>, _asid: Option<u64>) {}
    /// A page-table walk completed (translation-cache fill) and found a
    /// page of `page_size` bytes (a power of two: a base page or a
    /// superpage) around `vaddr`. A walk that ends in a fault reports its
    /// [`AccessKind::PageWalk`] reads, then the trap, and no fill.
    fn tlb_fill(
        &mut self,
        _hart: usize,
        _vaddr: u64,
        _fetch: bool,
        _privilege: Privilege,
        _page_size: u64,
    ) {
    }
    fn uintr(&mut self, _hart: usize, _event: UintrEvent) {}
    /// The hart stalls waiting for an interrupt (wfi).
    fn wait_for_interrupt(&mut self, _hart: usize) {}
    /// The machine let `cycles` of its time pass on an idle hart (WFI
    /// fast-forward), so a timing model can count them.
    fn idle(&mut self, _hart: usize, _cycles: u64) {}
    /// The sink's own clock of `hart`, if it models time (idle time told
    /// through [`TimingSink::idle`] included): the machine's time (its
    /// timer, the guest's cycle and time counters, region-of-interest
    /// cycles) then follows it instead of the machine's 1-per-event clock.
    fn cycles(&self, _hart: usize) -> Option<u64> {
        None
    }
    /// The frequency of the clock [`TimingSink::cycles`] counts, if the
    /// sink knows it: the machine's timer then converts the sink's cycles
    /// to time at this rate.
    fn clock_hz(&self) -> Option<u64> {
        None
    }
    /// [`TimingSink::cycles`] split by the privilege (user, supervisor,
    /// machine, as [`Privilege::index`]) the time was spent at.
    fn cycles_by_mode(&self, _hart: usize) -> Option<[u64; 3]> {
        None
    }
    /// The sink's counters now, if it keeps any, so that the machine can
    /// report their change over a region of interest.
    fn counters(&self) -> Option<crate::Stats> {
        None
    }
}

/// [`TimingSink::ForHart`] and [`TimingSink::for_hart`] for a sink that
/// keeps no per-hart part: every hart's events go to the sink itself.
#[macro_export]
macro_rules! same_sink_for_every_hart {
    () => {
        type ForHart<'a>
            = &'a mut Self
        where
            Self: 'a;

        fn for_hart(&mut self, _hart: usize) -> &mut Self {
            self
        }
    };
}

/// The events about one hart's running ([`TimingSink::retire`] to
/// [`TimingSink::wait_for_interrupt`]), each passed on to the sink `$to`
/// (an expression of `$this` and `$hart`) with its arguments: for a sink
/// that hands its events to another.
#[macro_export]
macro_rules! forward_hart_events {
    ($this:ident, $hart:ident => $to:expr) => {
        #[inline(always)]
        fn retire(&mut $this, $hart: usize, inst: &$crate::Retired) {
            $to.retire($hart, inst)
        }
        #[inline(always)]
        fn mem_access(&mut $this, $hart: usize, access: &$crate::MemAccess) {
            $to.mem_access($hart, access)
        }
        #[inline(always)]
        fn reg_write(&mut $this, $hart: usize, file: $crate::RegFile, index: u8, value: u64) {
            $to.reg_write($hart, file, index, value)
        }
        fn csr_write(&mut $this, $hart: usize, csr: u16, value: u64) {
            $to.csr_write($hart, csr, value)
        }
        fn trap(&mut $this, $hart: usize, trap: &$crate::TrapEvent) {
            $to.trap($hart, trap)
        }
        fn trap_return(&mut $this, $hart: usize, from: $crate::Privilege, to: $crate::Privilege) {
            $to.trap_return($hart, from, to)
        }
        fn address_space_switch(&mut $this, $hart: usize, asid: u64) {
            $to.address_space_switch($hart, asid)
        }
        fn tlb_flush(&mut $this, $hart: usize, vaddr: Option<u64>, asid: Option<u64>) {
            $to.tlb_flush($hart, vaddr, asid)
        }
        fn tlb_fill(
            &mut $this,
            $hart: usize,
            vaddr: u64,
            fetch: bool,
            privilege: $crate::Privilege,
            page_size: u64,
        ) {
            $to.tlb_fill($hart, vaddr, fetch, privilege, page_size)
        }
        fn uintr(&mut $this, $hart: usize, event: $crate::UintrEvent) {
            $to.uintr($hart, event)
        }
        fn wait_for_interrupt(&mut $this, $hart: usize) {
            $to.wait_for_interrupt($hart)
        }
    };
}

/// The sink that ignores everything: functional-only runs.
#[derive(Clone, Copy, Debug, Default)]
pub struct NullSink;

impl TimingSink for NullSink {
    const ACTIVE: bool = false;

    type ForHart<'a> = NullSink;

    fn for_hart(&mut self, _hart: usize) -> NullSink {
        NullSink
    }
}

/// A borrowed sink is a sink: every event goes to the sink it borrows.
impl<T: TimingSink + ?Sized> TimingSink for &mut T {
    const ACTIVE: bool = T::ACTIVE;

    type ForHart<'a>
        = T::ForHart<'a>
    where
        Self: 'a;

    fn for_hart(&mut self, hart: usize) -> Self::ForHart<'_> {
        (**self).for_hart(hart)
    }
    crate::forward_hart_events!(self, hart => (**self));

    fn idle(&mut self, hart: usize, cycles: u64) {
        (**self).idle(hart, cycles)
    }
    #[inline(always)]
    fn cycles(&self, hart: usize) -> Option<u64> {
        (**self).cycles(hart)
    }
    fn clock_hz(&self) -> Option<u64> {
        (**self).clock_hz()
    }
    fn cycles_by_mode(&self, hart: usize) -> Option<[u64; 3]> {
        (**self).cycles_by_mode(hart)
    }
    fn counters(&self) -> Option<crate::Stats> {
        (**self).counters()
    }
}
