//! Calls into the M-mode firmware (SBI v1.0 calling convention: extension
//! in a7, function in a6, arguments in a0.., error in a0 and value in a1).

const EID_LEGACY_PUTCHAR: usize = 0x01;
const EID_LEGACY_GETCHAR: usize = 0x02;
const EID_BASE: usize = 0x10;
/// Timer extension ("TIME").
pub const EID_TIME: usize = 0x5449_4d45;
/// System reset extension ("SRST").
pub const EID_SRST: usize = 0x5352_5354;
const RESET_SHUTDOWN: usize = 0;
const REASON_NONE: usize = 0;
const REASON_FAILURE: usize = 1;

/// Hart state management extension ("HSM").
pub const EID_HSM: usize = 0x0048_534d;
/// IPI extension ("sPI").
pub const EID_IPI: usize = 0x0073_5049;
/// Remote fence extension ("RFNC").
pub const EID_RFENCE: usize = 0x5246_4e43;

fn call(eid: usize, fid: usize, a0: usize, a1: usize) -> (isize, usize) {
    call5(eid, fid, [a0, a1, 0, 0, 0])
}

fn call5(eid: usize, fid: usize, args: [usize; 5]) -> (isize, usize) {
    let (error, value): (isize, usize);
    // SAFETY: ecall into the firmware, which returns with a0/a1 set and
    // preserves every other register.
    unsafe {
        core::arch::asm!(
            "ecall",
            inlateout("a0") args[0] => error,
            inlateout("a1") args[1] => value,
            in("a2") args[2],
            in("a3") args[3],
            in("a4") args[4],
            in("a6") fid,
            in("a7") eid,
            options(nostack),
        );
    }
    (error, value)
}

/// An SBI error code (negative, per the SBI spec).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SbiError(pub isize);

fn result(error: isize, value: usize) -> Result<usize, SbiError> {
    if error == 0 {
        Ok(value)
    } else {
        Err(SbiError(error))
    }
}

/// The SBI spec version (major << 24 | minor).
pub fn spec_version() -> Result<usize, SbiError> {
    let (error, value) = call(EID_BASE, 0, 0, 0);
    result(error, value)
}

/// The SBI implementation ID (this repository's firmware: [`IMPL_ASYNCSIM`]).
pub fn impl_id() -> Result<usize, SbiError> {
    let (error, value) = call(EID_BASE, 1, 0, 0);
    result(error, value)
}

/// Implementation ID of asyncsim's own firmware ("AS").
pub const IMPL_ASYNCSIM: usize = 0x4153;

/// Whether the firmware implements extension `eid`.
pub fn probe(eid: usize) -> bool {
    let (error, value) = call(EID_BASE, 3, eid, 0);
    error == 0 && value != 0
}

/// Asks for an S timer interrupt (STIP) once `time` reaches `deadline`;
/// a deadline in the future also clears a pending one.
pub fn set_timer(deadline: u64) -> Result<(), SbiError> {
    let (error, value) = call(EID_TIME, 0, deadline as usize, 0);
    result(error, value).map(|_| ())
}

/// HSM hart_start: `hart` enters S-mode at physical `start` with a0 =
/// its id and a1 = `opaque`, satp = 0.
pub fn hart_start(hart: usize, start: usize, opaque: usize) -> Result<(), SbiError> {
    let (error, value) = call5(EID_HSM, 0, [hart, start, opaque, 0, 0]);
    result(error, value).map(|_| ())
}

/// HSM hart_stop: this hart goes back to the firmware, stopped; returns
/// only the error if the firmware refuses.
pub fn hart_stop() -> SbiError {
    let (error, _) = call(EID_HSM, 1, 0, 0);
    SbiError(error)
}

/// HSM hart_get_status: 0 started, 1 stopped, 2 start pending, 3 stop pending.
pub fn hart_get_status(hart: usize) -> Result<usize, SbiError> {
    let (error, value) = call(EID_HSM, 2, hart, 0);
    result(error, value)
}

/// IPI send_ipi: an S software interrupt (SSIP) on every hart of `mask`
/// (bit i = hart i).
pub fn send_ipi(mask: usize) -> Result<(), SbiError> {
    let (error, value) = call(EID_IPI, 0, mask, 0);
    result(error, value).map(|_| ())
}

/// RFENCE remote_sfence_vma(_asid) over all addresses: returns once every
/// hart of `mask` flushed its translations (of `asid` only, if given).
pub fn remote_sfence_vma(mask: usize, asid: Option<usize>) -> Result<(), SbiError> {
    // start 0, size usize::MAX: the whole address space.
    let (error, value) = match asid {
        Some(asid) => call5(EID_RFENCE, 2, [mask, 0, 0, usize::MAX, asid]),
        None => call5(EID_RFENCE, 1, [mask, 0, 0, usize::MAX, 0]),
    };
    result(error, value).map(|_| ())
}

/// RFENCE remote_sfence_vma of `[start, start + size)` in every address
/// space: returns once every hart of `mask` flushed at least that.
pub fn remote_sfence_vma_range(mask: usize, start: usize, size: usize) -> Result<(), SbiError> {
    let (error, value) = call5(EID_RFENCE, 1, [mask, 0, start, size, 0]);
    result(error, value).map(|_| ())
}

/// RFENCE remote_fence_i: returns once every hart of `mask` executed a
/// fence.i (its instruction fetches see the stores made before).
pub fn remote_fence_i(mask: usize) -> Result<(), SbiError> {
    let (error, value) = call5(EID_RFENCE, 0, [mask, 0, 0, 0, 0]);
    result(error, value).map(|_| ())
}

/// Writes one byte to the console.
pub fn console_putchar(byte: u8) {
    call(EID_LEGACY_PUTCHAR, 0, usize::from(byte), 0);
}

/// The next console input byte, if any (legacy console_getchar returns
/// it in a0, or -1 when there is none).
pub fn console_getchar() -> Option<u8> {
    let (value, _) = call(EID_LEGACY_GETCHAR, 0, 0, 0);
    u8::try_from(value).ok()
}

/// Powers the machine off: a clean shutdown if `success`, else a system
/// failure (the machine's exit code becomes nonzero).
pub fn shutdown(success: bool) -> ! {
    let reason = if success { REASON_NONE } else { REASON_FAILURE };
    call(EID_SRST, 0, RESET_SHUTDOWN, reason);
    // The firmware does not return from a shutdown; should it, stop here.
    loop {
        // SAFETY: wfi only waits.
        unsafe { core::arch::asm!("wfi", options(nomem, nostack)) };
    }
}
