//! The SBI calls this firmware implements (SBI v1.0 numbering): legacy
//! console_putchar, BASE, TIME (through Sstc's stimecmp), SRST (through
//! the finisher), HSM ([`hsm`]), IPI and RFENCE ([`ipi`]).

use crate::ipi::FenceRange::{self, All};
use crate::{finisher, hsm, ipi, uart};

/// Legacy console_putchar.
pub const EID_LEGACY_PUTCHAR: usize = 0x01;
/// Legacy console_getchar: a0 = the next input byte, or -1 if none.
pub const EID_LEGACY_GETCHAR: usize = 0x02;
/// Base extension.
pub const EID_BASE: usize = 0x10;
/// Timer extension ("TIME").
pub const EID_TIME: usize = 0x5449_4d45;
/// System reset extension ("SRST").
pub const EID_SRST: usize = 0x5352_5354;
/// Hart state management extension ("HSM").
pub const EID_HSM: usize = 0x0048_534d;
/// IPI extension ("sPI").
pub const EID_IPI: usize = 0x0073_5049;
/// Remote fence extension ("RFNC").
pub const EID_RFENCE: usize = 0x5246_4e43;

const SBI_SUCCESS: isize = 0;
const SBI_ERR_NOT_SUPPORTED: isize = -2;
const SBI_ERR_INVALID_PARAM: isize = -3;

/// SBI spec version 1.0 (major << 24 | minor).
const SPEC_VERSION: usize = 1 << 24;
/// Implementation id: not registered with the SBI spec; "AS" for asyncsim.
const IMPL_ID: usize = 0x4153;
const IMPL_VERSION: usize = 1;

/// SRST reset types and reasons.
const RESET_SHUTDOWN: usize = 0;
const REASON_NONE: usize = 0;
const REASON_FAILURE: usize = 1;
/// Vendor-specific reasons 0xF000_0000.. carry an exit code in their low 16 bits
/// (this firmware's convention, so a kernel can end the run with any code).
const REASON_VENDOR_BASE: usize = 0xF000_0000;

/// An SBI return: error in a0, value in a1 (legacy calls leave a1 alone).
pub struct SbiRet {
    pub error: isize,
    pub value: Option<usize>,
}

impl SbiRet {
    pub fn ok(value: usize) -> Self {
        Self {
            error: SBI_SUCCESS,
            value: Some(value),
        }
    }
    pub fn err(error: isize) -> Self {
        Self {
            error,
            value: Some(0),
        }
    }
}

/// Serves call (`eid`, `fid`) with arguments a0..a5.
pub fn dispatch(eid: usize, fid: usize, args: [usize; 6]) -> SbiRet {
    match eid {
        EID_LEGACY_PUTCHAR => {
            uart::putc(args[0] as u8);
            SbiRet {
                error: SBI_SUCCESS,
                value: None,
            }
        }
        EID_LEGACY_GETCHAR => SbiRet {
            error: uart::getc().map_or(-1, isize::from),
            value: None,
        },
        EID_BASE => base(fid, args[0]),
        EID_TIME if fid == 0 => set_timer(args[0]),
        EID_SRST if fid == 0 => system_reset(args[0], args[1]),
        EID_HSM => match fid {
            0 => hsm::hart_start(args[0], args[1], args[2]),
            1 => hsm::hart_stop(),
            2 => hsm::hart_get_status(args[0]),
            _ => SbiRet::err(SBI_ERR_NOT_SUPPORTED),
        },
        EID_IPI if fid == 0 => send(args[0], args[1], ipi::REQ_SSIP, All, false),
        // remote_fence_i, remote_sfence_vma, remote_sfence_vma_asid: the
        // range (a2, a3) narrows the flush to one page at most, the ASID
        // (a4) not at all: a wider flush is allowed.
        EID_RFENCE => match fid {
            0 => send(args[0], args[1], ipi::REQ_FENCE_I, All, true),
            1 | 2 => {
                let range = FenceRange::of(args[2], args[3]);
                send(args[0], args[1], ipi::REQ_SFENCE_VMA, range, true)
            }
            _ => SbiRet::err(SBI_ERR_NOT_SUPPORTED),
        },
        _ => SbiRet::err(SBI_ERR_NOT_SUPPORTED),
    }
}

/// Posts `request` (narrowed to `range`) to the harts of (`mask`,
/// `base`); waits if `wait`.
fn send(mask: usize, base: usize, request: usize, range: FenceRange, wait: bool) -> SbiRet {
    match ipi::decode_mask(mask, base) {
        Some(harts) => {
            ipi::send(harts, request, range, wait);
            SbiRet::ok(0)
        }
        None => SbiRet::err(SBI_ERR_INVALID_PARAM),
    }
}

fn base(fid: usize, arg: usize) -> SbiRet {
    match fid {
        0 => SbiRet::ok(SPEC_VERSION),
        1 => SbiRet::ok(IMPL_ID),
        2 => SbiRet::ok(IMPL_VERSION),
        3 => SbiRet::ok(usize::from(probe(arg))),
        4 => SbiRet::ok(read_csr_mvendorid()),
        5 => SbiRet::ok(read_csr_marchid()),
        6 => SbiRet::ok(read_csr_mimpid()),
        _ => SbiRet::err(SBI_ERR_NOT_SUPPORTED),
    }
}

fn probe(eid: usize) -> bool {
    match eid {
        EID_LEGACY_PUTCHAR | EID_LEGACY_GETCHAR | EID_BASE | EID_SRST | EID_HSM | EID_IPI
        | EID_RFENCE => true,
        EID_TIME => sstc_enabled(),
        _ => false,
    }
}

/// Whether menvcfg.STCE stuck (the hart implements Sstc).
pub fn sstc_enabled() -> bool {
    let menvcfg: usize;
    // SAFETY: reading a CSR has no side effects.
    unsafe { core::arch::asm!("csrr {0}, menvcfg", out(reg) menvcfg) };
    menvcfg >> 63 != 0
}

/// Programs the next S timer interrupt; with Sstc, writing stimecmp also
/// clears a pending STIP when the deadline is in the future.
fn set_timer(deadline: usize) -> SbiRet {
    if !sstc_enabled() {
        return SbiRet::err(SBI_ERR_NOT_SUPPORTED);
    }
    // SAFETY: stimecmp only sets when STIP becomes pending.
    unsafe { core::arch::asm!("csrw stimecmp, {0}", in(reg) deadline) };
    SbiRet::ok(0)
}

fn system_reset(reset_type: usize, reason: usize) -> SbiRet {
    if reset_type != RESET_SHUTDOWN {
        // Reboots are not supported by this firmware.
        return SbiRet::err(SBI_ERR_NOT_SUPPORTED);
    }
    let code = match reason {
        REASON_NONE => 0,
        REASON_FAILURE => 1,
        r if (REASON_VENDOR_BASE..=0xFFFF_FFFF).contains(&r) => (r & 0xffff) as u32,
        _ => return SbiRet::err(SBI_ERR_INVALID_PARAM),
    };
    finisher::exit(code)
}

fn read_csr_mvendorid() -> usize {
    let v: usize;
    // SAFETY: reading an ID CSR has no side effects.
    unsafe { core::arch::asm!("csrr {0}, mvendorid", out(reg) v) };
    v
}

fn read_csr_marchid() -> usize {
    let v: usize;
    // SAFETY: reading an ID CSR has no side effects.
    unsafe { core::arch::asm!("csrr {0}, marchid", out(reg) v) };
    v
}

fn read_csr_mimpid() -> usize {
    let v: usize;
    // SAFETY: reading an ID CSR has no side effects.
    unsafe { core::arch::asm!("csrr {0}, mimpid", out(reg) v) };
    v
}
