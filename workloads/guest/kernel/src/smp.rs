//! The kernel on several harts.
//!
//! Boot: the boot hart activates the kernel address space, then
//! [`boot_secondaries`] starts every other hart of the device tree's
//! `/cpus` through SBI HSM, one after another; each takes its own stack
//! (see [`crate::entry`]), sets up its trap entry, activates the kernel
//! address space, prints "kernel: hart N online" and enters
//! [`secondary_main`], the loop of an idle hart.
//!
//! Identity: tp holds the hart id in the kernel ([`this_hart`]); the trap
//! code saves and restores it around user mode, where tp is the user's.
//!
//! IPIs are doorbells: [`send_ipi`] raises an S software interrupt (SSIP)
//! on the target through the SBI IPI extension. The kernel runs with
//! sstatus.SIE = 0 and sie.SSIE = 0 except inside [`wait_for_ipi`], so an
//! IPI never interrupts anything: it only ends a `wfi`. A sender publishes
//! its data first, then sends; a receiver clears SSIP, then looks at the
//! data ([`take_ipi`] / [`wait_for_ipi`] both clear), so no IPI is lost.
//!
//! Roles: an idle secondary serves cross-hart calls ([`call_on`], e.g.
//! for tests and TLB work) until it is given a service with
//! [`start_service`]; the service then owns the hart until it returns (an
//! IO core polling rings and a kernel worker never do; a hart's run queue
//! returns when it is empty) and waits with [`wait_for_ipi`]
//! when it has nothing to do. After it returns the hart is idle again.

use core::sync::atomic::{AtomicUsize, Ordering};

use crate::lock::SpinLock;
use crate::page_table::{SATP_ASID_MASK, SATP_ASID_SHIFT};
use crate::{entry, kprintln, sbi, timer, trap};

/// Harts the kernel can run on (ids 0..MAX_HARTS; others stay stopped).
pub use platform::MAX_HARTS;

/// A set of harts: bit h = hart h.
pub type HartMask = usize;

/// Why an SMP operation failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmpError {
    /// No such hart, or it is not online.
    NoSuchHart,
    /// The hart runs a service (or is the calling hart where that is not allowed).
    Busy,
    /// The firmware refused.
    Sbi(sbi::SbiError),
}

const SIE_SSIE: usize = 1 << 1;
const SIP_SSIP: usize = 1 << 1;
/// HSM status of a stopped hart.
const HSM_STOPPED: usize = 1;
/// Ticks the boot hart waits for a started hart to come online (1 s at 10 MHz).
const ONLINE_TIMEOUT_TICKS: u64 = 10_000_000;

/// Harts running the kernel.
static ONLINE: AtomicUsize = AtomicUsize::new(0);
/// Online harts that take roles and calls: the secondaries, whose idle
/// loop reads their mailbox. The boot hart never does (it runs `main`),
/// so a role given to it would never start.
static SECONDARIES: AtomicUsize = AtomicUsize::new(0);
/// satp of the kernel address space, for harts coming online.
static KERNEL_SATP: AtomicUsize = AtomicUsize::new(0);
/// satp.ASID bits the harts implement (ASIDLEN), probed at boot.
static ASID_BITS: AtomicUsize = AtomicUsize::new(0);
/// The satp each hart last wrote (written by that hart only; read by the
/// hart that frees a space).
static LOADED: [AtomicUsize; MAX_HARTS] = [const { AtomicUsize::new(0) }; MAX_HARTS];

/// A call posted to an idle hart.
const CALL_IDLE: usize = 0;
const CALL_POSTED: usize = 1;
const CALL_DONE: usize = 2;

/// What other harts ask of one hart.
struct Mailbox {
    /// The service it runs (a [`Service`]), 0 while idle.
    service: AtomicUsize,
    /// One cross-hart call at a time: `CALL_*` state, function, argument,
    /// result and the caller (who gets an IPI when it is done).
    call_state: AtomicUsize,
    call_fn: AtomicUsize,
    call_arg: AtomicUsize,
    call_result: AtomicUsize,
    call_from: AtomicUsize,
    /// Held by the caller for the whole call.
    call_lock: SpinLock<()>,
}

impl Mailbox {
    const fn new() -> Self {
        Self {
            service: AtomicUsize::new(0),
            call_state: AtomicUsize::new(CALL_IDLE),
            call_fn: AtomicUsize::new(0),
            call_arg: AtomicUsize::new(0),
            call_result: AtomicUsize::new(0),
            call_from: AtomicUsize::new(0),
            call_lock: SpinLock::new(()),
        }
    }
}

static MAILBOXES: [Mailbox; MAX_HARTS] = [const { Mailbox::new() }; MAX_HARTS];

/// The calling hart's id.
pub fn this_hart() -> usize {
    let hart: usize;
    // SAFETY: reads tp, which the kernel keeps equal to the hart id.
    unsafe { core::arch::asm!("mv {0}, tp", out(reg) hart, options(nomem, nostack)) };
    hart
}

/// Harts running the kernel (bit h = hart h).
pub fn online_mask() -> HartMask {
    ONLINE.load(Ordering::SeqCst)
}

/// How many harts run the kernel.
pub fn hart_count() -> usize {
    online_mask().count_ones() as usize
}

/// Whether `hart` runs the kernel.
pub fn is_online(hart: usize) -> bool {
    hart < MAX_HARTS && online_mask() & (1 << hart) != 0
}

/// Whether `hart` is an online secondary, which can be given a service
/// ([`start_service`]) and serves [`call_on`] while it has none.
pub fn takes_roles(hart: usize) -> bool {
    is_online(hart) && SECONDARIES.load(Ordering::SeqCst) & (1 << hart) != 0
}

/// Whether `hart` is an online secondary with no service (it serves
/// [`call_on`]).
pub fn is_idle(hart: usize) -> bool {
    takes_roles(hart) && MAILBOXES[hart].service.load(Ordering::SeqCst) == 0
}

/// Raises an IPI (SSIP) on `hart`, which must be online.
pub fn send_ipi(hart: usize) -> Result<(), SmpError> {
    if !is_online(hart) {
        return Err(SmpError::NoSuchHart);
    }
    sbi::send_ipi(1 << hart).map_err(SmpError::Sbi)
}

/// Clears this hart's pending IPI; returns whether there was one.
pub fn take_ipi() -> bool {
    let sip: usize;
    // SAFETY: clears only this hart's SSIP.
    unsafe { core::arch::asm!("csrrc {0}, sip, {1}", out(reg) sip, in(reg) SIP_SSIP) };
    sip & SIP_SSIP != 0
}

/// Sleeps (`wfi`) until an IPI or another enabled interrupt arrives, then
/// clears the IPI. May return at once or spuriously: callers re-check
/// what they wait for, in a loop.
pub fn wait_for_ipi() {
    // SAFETY: sstatus.SIE = 0, so enabling SSIE only lets a pending SSIP
    // end the wfi; nothing is taken.
    unsafe {
        core::arch::asm!(
            "csrs sie, {0}",
            "wfi",
            "csrc sie, {0}",
            in(reg) SIE_SSIE,
            options(nomem, nostack),
        );
    }
    take_ipi();
}

/// Flushes the translations of `[start, start + size)` on every hart in
/// `harts`; returns once they are all done. Non-online harts in the mask
/// are an error.
pub fn remote_sfence_vma_range(harts: HartMask, start: usize, size: usize) -> Result<(), SmpError> {
    all_online(harts)?;
    sbi::remote_sfence_vma_range(harts, start, size).map_err(SmpError::Sbi)
}

/// `NoSuchHart` unless every hart of `harts` is online.
fn all_online(harts: HartMask) -> Result<(), SmpError> {
    if harts & !online_mask() != 0 {
        return Err(SmpError::NoSuchHart);
    }
    Ok(())
}

/// Flushes the address translations of every hart in `harts` (of `asid`
/// only, if given); returns once they are all done. Non-online harts in
/// the mask are an error.
pub fn remote_sfence_vma(harts: HartMask, asid: Option<usize>) -> Result<(), SmpError> {
    all_online(harts)?;
    sbi::remote_sfence_vma(harts, asid).map_err(SmpError::Sbi)
}

/// Makes the code the kernel wrote (user programs it loaded) visible to
/// every online hart's instruction fetch: fence.i here, and through the
/// firmware on the others (RISC-V fetches need not see earlier stores).
pub fn fence_i_everywhere() -> Result<(), SmpError> {
    // SAFETY: fence.i only orders this hart's fetches after its stores.
    unsafe { core::arch::asm!("fence.i") };
    let others = online_mask() & !(1 << this_hart());
    if others == 0 {
        return Ok(());
    }
    sbi::remote_fence_i(others).map_err(SmpError::Sbi)
}

/// Runs `function(arg)` on idle hart `hart` and returns its result (on
/// the calling hart itself, directly). Fails for a hart that is offline
/// or runs a service. While it waits, the caller serves calls to itself,
/// so two harts calling each other do not deadlock.
pub fn call_on(hart: usize, function: fn(usize) -> usize, arg: usize) -> Result<usize, SmpError> {
    let me = this_hart();
    if hart == me {
        return Ok(function(arg));
    }
    if !is_online(hart) {
        return Err(SmpError::NoSuchHart);
    }
    if !takes_roles(hart) {
        return Err(SmpError::Busy);
    }
    let mailbox = &MAILBOXES[hart];
    let _one_call = mailbox.call_lock.lock();
    if mailbox.service.load(Ordering::SeqCst) != 0 {
        return Err(SmpError::Busy);
    }
    mailbox.call_fn.store(function as usize, Ordering::SeqCst);
    mailbox.call_arg.store(arg, Ordering::SeqCst);
    mailbox.call_from.store(me, Ordering::SeqCst);
    mailbox.call_state.store(CALL_POSTED, Ordering::SeqCst);
    send_ipi(hart)?;
    while mailbox.call_state.load(Ordering::SeqCst) != CALL_DONE {
        serve_call(me);
        if mailbox.call_state.load(Ordering::SeqCst) != CALL_DONE {
            wait_for_ipi();
        }
    }
    let result = mailbox.call_result.load(Ordering::SeqCst);
    mailbox.call_state.store(CALL_IDLE, Ordering::SeqCst);
    Ok(result)
}

/// Runs the call posted to this hart, if any, and tells its caller.
fn serve_call(me: usize) {
    let mailbox = &MAILBOXES[me];
    if mailbox.call_state.load(Ordering::SeqCst) != CALL_POSTED {
        return;
    }
    let raw = mailbox.call_fn.load(Ordering::SeqCst);
    // SAFETY: `call_on` stored a `fn(usize) -> usize` there before it
    // posted the call.
    let function: fn(usize) -> usize = unsafe { core::mem::transmute(raw) };
    let result = function(mailbox.call_arg.load(Ordering::SeqCst));
    mailbox.call_result.store(result, Ordering::SeqCst);
    mailbox.call_state.store(CALL_DONE, Ordering::SeqCst);
    // The caller is online (it is waiting); an error cannot happen then.
    let _ = send_ipi(mailbox.call_from.load(Ordering::SeqCst));
}

/// What a service hart is given.
pub struct ServiceContext {
    hart: usize,
}

impl ServiceContext {
    /// The hart the service runs on.
    pub fn hart(&self) -> usize {
        self.hart
    }
}

/// A service: the main loop of a hart dedicated to one kernel job; the
/// hart is idle again once it returns.
pub type Service = fn(&ServiceContext);

/// Gives idle secondary `hart` a role: it runs `service`. Fails if the
/// hart is offline, is the calling hart or the boot hart (neither waits
/// in the idle loop for a role), or runs a service already.
pub fn start_service(hart: usize, service: Service) -> Result<(), SmpError> {
    if !is_online(hart) {
        return Err(SmpError::NoSuchHart);
    }
    if hart == this_hart() || !takes_roles(hart) {
        return Err(SmpError::Busy);
    }
    let mailbox = &MAILBOXES[hart];
    // No call may be in flight while the role changes.
    let _no_calls = mailbox.call_lock.lock();
    mailbox
        .service
        .compare_exchange(0, service as usize, Ordering::SeqCst, Ordering::SeqCst)
        .map_err(|_| SmpError::Busy)?;
    send_ipi(hart)
}

/// Called once by the boot hart, with the kernel address space active
/// (its satp is `kernel_satp`): this hart is online. Probes how many
/// satp.ASID bits the harts implement (ones written, what reads back).
pub fn init_boot_hart(kernel_satp: usize) {
    KERNEL_SATP.store(kernel_satp, Ordering::SeqCst);
    let probe = kernel_satp | SATP_ASID_MASK;
    let read: usize;
    // SAFETY: the kernel space with another ASID maps the same (global)
    // kernel; satp is put back and the TLB flushed before going on.
    unsafe {
        core::arch::asm!(
            "csrw satp, {probe}",
            "csrr {read}, satp",
            "csrw satp, {kernel}",
            "sfence.vma",
            probe = in(reg) probe,
            read = out(reg) read,
            kernel = in(reg) kernel_satp,
        );
    }
    let bits = ((read & SATP_ASID_MASK) >> SATP_ASID_SHIFT).count_ones();
    ASID_BITS.store(bits as usize, Ordering::SeqCst);
    ONLINE.fetch_or(1 << this_hart(), Ordering::SeqCst);
}

/// The ASID of process `pid`'s address space: its pid, which no other
/// process has in a boot (pids are never reused), if the harts implement
/// enough ASID bits; else 0, the ASID the kernel's own space has.
pub fn asid_for(pid: usize) -> usize {
    if pid >> ASID_BITS.load(Ordering::SeqCst) == 0 {
        pid
    } else {
        0
    }
}

/// Starts the harts `0..cpus` other than this one (at most [`MAX_HARTS`])
/// that the firmware reports stopped, one after another, each running
/// with the kernel address space. Returns how many harts are online
/// then, this one included. Call after [`init_boot_hart`].
pub fn boot_secondaries(cpus: usize) -> usize {
    let me = this_hart();
    for hart in (0..cpus.min(MAX_HARTS)).filter(|&h| h != me) {
        match start_hart(hart) {
            Ok(()) => {}
            Err(SmpError::Busy) => {
                let status = sbi::hart_get_status(hart);
                kprintln!("kernel: hart {hart} not available ({status:?})");
            }
            Err(SmpError::NoSuchHart) => kprintln!("kernel: hart {hart} did not come online"),
            Err(SmpError::Sbi(e)) => kprintln!("kernel: hart {hart} did not start: {e:?}"),
        }
    }
    hart_count()
}

/// Starts stopped hart `hart` (HSM hart_start) and waits until it is
/// online. `Busy` if the firmware does not report it stopped,
/// `NoSuchHart` if it does not come online in time.
pub fn start_hart(hart: usize) -> Result<(), SmpError> {
    if hart >= MAX_HARTS {
        return Err(SmpError::NoSuchHart);
    }
    if sbi::hart_get_status(hart) != Ok(HSM_STOPPED) {
        return Err(SmpError::Busy);
    }
    sbi::hart_start(
        hart,
        entry::secondary_entry_address(),
        entry::stack_top(hart),
    )
    .map_err(SmpError::Sbi)?;
    let since = timer::now();
    while !is_online(hart) && timer::now().wrapping_sub(since) < ONLINE_TIMEOUT_TICKS {
        core::hint::spin_loop();
    }
    if is_online(hart) {
        Ok(())
    } else {
        Err(SmpError::NoSuchHart)
    }
}

/// Takes this secondary hart offline and hands it back to the firmware
/// (HSM hart_stop); [`start_hart`] brings it back, through the secondary
/// entry, with a fresh stack. For a service to end its hart. Returns only
/// if the firmware refuses (the hart is then online again).
pub fn stop_this_hart() -> SmpError {
    let hart = this_hart();
    MAILBOXES[hart].service.store(0, Ordering::SeqCst);
    ONLINE.fetch_and(!(1 << hart), Ordering::SeqCst);
    let error = sbi::hart_stop();
    ONLINE.fetch_or(1 << hart, Ordering::SeqCst);
    SmpError::Sbi(error)
}

/// Switches this hart to the kernel address space.
pub fn activate_kernel_space() {
    switch_space(KERNEL_SATP.load(Ordering::SeqCst));
}

/// Activates the address space `satp` on this hart unless it is active
/// already. The one place satp is written (but the boot probe): a hart
/// keeps the space of the process it ran last while it runs kernel code
/// or idles (every space maps the kernel), as Linux's lazy TLB does, so
/// running the same process again costs neither a switch nor a flush.
/// A space with an ASID of its own needs no flush either: this hart's
/// translations tagged with it are its own, and every change to its
/// tables was fenced. A space with ASID 0 (the kernel's, or any when the
/// harts have too few ASID bits) flushes the whole TLB.
pub fn switch_space(satp: usize) {
    let loaded = &LOADED[this_hart()];
    if loaded.load(Ordering::Relaxed) == satp {
        return;
    }
    // SAFETY: every space maps the kernel (code, data, stacks) identically
    // to satp = 0 (global gigapage), so the running code stays mapped; the
    // fence drops stale translations.
    unsafe {
        if satp & SATP_ASID_MASK == 0 {
            core::arch::asm!("csrw satp, {0}", "sfence.vma", in(reg) satp);
        } else {
            core::arch::asm!("csrw satp, {0}", in(reg) satp);
        }
    }
    loaded.store(satp, Ordering::SeqCst);
}

/// Before the space `satp` is freed: this hart leaves it if active (its
/// tables must not be walked once freed). Whether no other hart has it
/// active (only a process's own hart activates its space, and frees it).
pub fn unload_space(satp: usize) -> bool {
    if LOADED[this_hart()].load(Ordering::SeqCst) == satp {
        activate_kernel_space();
    }
    LOADED.iter().all(|l| l.load(Ordering::SeqCst) != satp)
}

/// A started secondary, on its own stack: trap entry, kernel address
/// space, then the idle loop: serve calls until given a service.
pub fn secondary_main(hart: usize) -> ! {
    trap::init();
    // The firmware starts (and restarts) a hart with satp = 0.
    LOADED[hart].store(0, Ordering::SeqCst);
    activate_kernel_space();
    kprintln!("kernel: hart {hart} online");
    SECONDARIES.fetch_or(1 << hart, Ordering::SeqCst);
    ONLINE.fetch_or(1 << hart, Ordering::SeqCst);
    let mailbox = &MAILBOXES[hart];
    loop {
        take_ipi();
        let service = mailbox.service.load(Ordering::SeqCst);
        if service != 0 {
            // SAFETY: `start_service` stored a `Service` there.
            let service: Service = unsafe { core::mem::transmute(service) };
            service(&ServiceContext { hart });
            mailbox.service.store(0, Ordering::SeqCst);
            continue;
        }
        serve_call(hart);
        if mailbox.call_state.load(Ordering::SeqCst) != CALL_POSTED
            && mailbox.service.load(Ordering::SeqCst) == 0
        {
            wait_for_ipi();
        }
    }
}
