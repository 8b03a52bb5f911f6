//! The control and status registers of one hart (privileged spec 1.12, the
//! N extension's user trap CSRs and the UINTR supervisor CSRs of
//! /work/shared/UINTR.md), with the spec's access rules and WARL
//! legalisation in one place so the executor only calls `read`/`write`.
//!
//! `sstatus` and `ustatus` are views of `mstatus`; `sip`/`sie` and
//! `uip`/`uie` are views of `mip`/`mie` masked by the delegation registers.

use crate::pmp::Pmp;
use sim_core::Privilege;

/// CSR numbers.
pub mod num {
    // N extension: user trap setup and handling.
    pub const USTATUS: u16 = 0x000;
    pub const UIE: u16 = 0x004;
    pub const UTVEC: u16 = 0x005;
    pub const USCRATCH: u16 = 0x040;
    pub const UEPC: u16 = 0x041;
    pub const UCAUSE: u16 = 0x042;
    pub const UTVAL: u16 = 0x043;
    pub const UIP: u16 = 0x044;
    // Floating point.
    pub const FFLAGS: u16 = 0x001;
    pub const FRM: u16 = 0x002;
    pub const FCSR: u16 = 0x003;
    // Unprivileged counters (read-only).
    pub const CYCLE: u16 = 0xc00;
    pub const TIME: u16 = 0xc01;
    pub const INSTRET: u16 = 0xc02;
    pub const HPMCOUNTER3: u16 = 0xc03;
    pub const HPMCOUNTER31: u16 = 0xc1f;
    // Supervisor.
    pub const SSTATUS: u16 = 0x100;
    pub const SEDELEG: u16 = 0x102;
    pub const SIDELEG: u16 = 0x103;
    pub const SIE: u16 = 0x104;
    pub const STVEC: u16 = 0x105;
    pub const SCOUNTEREN: u16 = 0x106;
    pub const SENVCFG: u16 = 0x10a;
    pub const SSCRATCH: u16 = 0x140;
    pub const SEPC: u16 = 0x141;
    pub const SCAUSE: u16 = 0x142;
    pub const STVAL: u16 = 0x143;
    pub const SIP: u16 = 0x144;
    pub const STIMECMP: u16 = 0x14d;
    pub const SATP: u16 = 0x180;
    // UINTR supervisor CSRs.
    pub const SUIST: u16 = 0x1b0;
    pub const SUIRS: u16 = 0x1b1;
    pub const SUICFG: u16 = 0x1b2;
    // Machine information (read-only).
    pub const MVENDORID: u16 = 0xf11;
    pub const MARCHID: u16 = 0xf12;
    pub const MIMPID: u16 = 0xf13;
    pub const MHARTID: u16 = 0xf14;
    pub const MCONFIGPTR: u16 = 0xf15;
    // Machine trap setup and handling.
    pub const MSTATUS: u16 = 0x300;
    pub const MISA: u16 = 0x301;
    pub const MEDELEG: u16 = 0x302;
    pub const MIDELEG: u16 = 0x303;
    pub const MIE: u16 = 0x304;
    pub const MTVEC: u16 = 0x305;
    pub const MCOUNTEREN: u16 = 0x306;
    pub const MENVCFG: u16 = 0x30a;
    pub const MCOUNTINHIBIT: u16 = 0x320;
    pub const MHPMEVENT3: u16 = 0x323;
    pub const MHPMEVENT31: u16 = 0x33f;
    pub const MSCRATCH: u16 = 0x340;
    pub const MEPC: u16 = 0x341;
    pub const MCAUSE: u16 = 0x342;
    pub const MTVAL: u16 = 0x343;
    pub const MIP: u16 = 0x344;
    // Physical memory protection.
    pub const PMPCFG0: u16 = 0x3a0;
    pub const PMPCFG2: u16 = 0x3a2;
    pub const PMPCFG14: u16 = 0x3ae;
    pub const PMPADDR0: u16 = 0x3b0;
    pub const PMPADDR63: u16 = 0x3ef;
    // Machine counters.
    pub const MCYCLE: u16 = 0xb00;
    pub const MINSTRET: u16 = 0xb02;
    pub const MHPMCOUNTER3: u16 = 0xb03;
    pub const MHPMCOUNTER31: u16 = 0xb1f;
}

pub const MSTATUS_UIE: u64 = 1 << 0;
pub const MSTATUS_SIE: u64 = 1 << 1;
pub const MSTATUS_MIE: u64 = 1 << 3;
pub const MSTATUS_UPIE: u64 = 1 << 4;
pub const MSTATUS_SPIE: u64 = 1 << 5;
pub const MSTATUS_MPIE: u64 = 1 << 7;
pub const MSTATUS_SPP: u64 = 1 << 8;
pub const MSTATUS_MPP: u64 = 0b11 << 11;
pub const MSTATUS_FS: u64 = 0b11 << 13;
pub const MSTATUS_MPRV: u64 = 1 << 17;
pub const MSTATUS_SUM: u64 = 1 << 18;
pub const MSTATUS_MXR: u64 = 1 << 19;
pub const MSTATUS_TVM: u64 = 1 << 20;
pub const MSTATUS_TW: u64 = 1 << 21;
pub const MSTATUS_TSR: u64 = 1 << 22;
pub const MSTATUS_UXL: u64 = 0b11 << 32;
pub const MSTATUS_SXL: u64 = 0b11 << 34;
pub const MSTATUS_SD: u64 = 1 << 63;
/// Shift of the MPP field.
pub const MSTATUS_MPP_SHIFT: u32 = 11;
/// FS = Dirty.
pub const MSTATUS_FS_DIRTY: u64 = 0b11 << 13;

pub const MIP_USIP: u64 = 1 << 0;
pub const MIP_SSIP: u64 = 1 << 1;
pub const MIP_MSIP: u64 = 1 << 3;
pub const MIP_STIP: u64 = 1 << 5;
pub const MIP_MTIP: u64 = 1 << 7;
pub const MIP_SEIP: u64 = 1 << 9;
pub const MIP_MEIP: u64 = 1 << 11;

/// menvcfg.STCE: enables the Sstc extension (stimecmp drives STIP).
pub const MENVCFG_STCE: u64 = 1 << 63;
/// xenvcfg.FIOM (fence of I/O implies memory); the only other bit kept.
pub const ENVCFG_FIOM: u64 = 1 << 0;

/// satp translation modes (bits 63:60).
pub const SATP_MODE_BARE: u64 = 0;
pub const SATP_MODE_SV39: u64 = 8;
pub const SATP_MODE_SV48: u64 = 9;

/// mstatus bits software may write from M-mode (UXL/SXL are fixed at 2,
/// SD is computed, VS/XS are zero since V and custom state do not exist).
const MSTATUS_WMASK: u64 = MSTATUS_UIE
    | MSTATUS_SIE
    | MSTATUS_MIE
    | MSTATUS_UPIE
    | MSTATUS_SPIE
    | MSTATUS_MPIE
    | MSTATUS_SPP
    | MSTATUS_MPP
    | MSTATUS_FS
    | MSTATUS_MPRV
    | MSTATUS_SUM
    | MSTATUS_MXR
    | MSTATUS_TVM
    | MSTATUS_TW
    | MSTATUS_TSR;
/// The sstatus view (read) and its writable part.
const SSTATUS_RMASK: u64 = SSTATUS_WMASK | MSTATUS_UXL | MSTATUS_SD;
const SSTATUS_WMASK: u64 = MSTATUS_UIE
    | MSTATUS_SIE
    | MSTATUS_UPIE
    | MSTATUS_SPIE
    | MSTATUS_SPP
    | MSTATUS_FS
    | MSTATUS_SUM
    | MSTATUS_MXR;
/// The ustatus view.
const USTATUS_MASK: u64 = MSTATUS_UIE | MSTATUS_UPIE;
/// UXL = SXL = 2 (64-bit).
const MSTATUS_XL64: u64 = (2 << 32) | (2 << 34);

/// Interrupt-enable bits that exist (UTIE/UEIE of the N extension are not
/// modelled: only the user software interrupt is delivered to U).
const MIE_MASK: u64 = MIP_USIP | MIP_SSIP | MIP_MSIP | MIP_STIP | MIP_MTIP | MIP_SEIP | MIP_MEIP;
/// Interrupts M-mode may delegate (S-level plus the user software interrupt).
const MIDELEG_MASK: u64 = MIP_USIP | MIP_SSIP | MIP_STIP | MIP_SEIP;
/// Exceptions that exist and may be delegated (ecall from M, bit 11, is
/// read-only zero).
const MEDELEG_MASK: u64 = (1 << 0)
    | (1 << 1)
    | (1 << 2)
    | (1 << 3)
    | (1 << 4)
    | (1 << 5)
    | (1 << 6)
    | (1 << 7)
    | (1 << 8)
    | (1 << 9)
    | (1 << 12)
    | (1 << 13)
    | (1 << 15);
/// Exceptions S-mode may pass on to U (not ecalls from S or M).
const SEDELEG_MASK: u64 = MEDELEG_MASK & !(1 << 9);
/// suist: Enable (63), Size (55:44), PPN (43:0).
const SUIST_MASK: u64 = (1 << 63) | (0xfff << 44) | ((1 << 44) - 1);
/// suirs: Enable (63), receiver index (15:0).
const SUIRS_MASK: u64 = (1 << 63) | 0xffff;

/// misa bit of extension letter `c`.
const fn ext(c: u8) -> u64 {
    1 << (c - b'A')
}

/// misa: MXL = 64 and extensions A C D F I M N S U.
pub const MISA_RV64GCNSU: u64 = (2 << 62)
    | ext(b'A')
    | ext(b'C')
    | ext(b'D')
    | ext(b'F')
    | ext(b'I')
    | ext(b'M')
    | ext(b'N')
    | ext(b'S')
    | ext(b'U');

/// Counter-enable bit of the `time` counter (mcounteren.TM, needed for
/// stimecmp in S-mode too).
const COUNTEREN_TM: u64 = 1 << 1;

/// All CSRs of one hart.
#[derive(Clone, Debug)]
pub struct CsrFile {
    pub mhartid: u64,
    /// Full mstatus; sstatus and ustatus are views.
    pub mstatus: u64,
    pub misa: u64,
    pub medeleg: u64,
    pub mideleg: u64,
    pub mie: u64,
    /// Software-visible mip without the external SEIP line (see `mip_value`).
    pub mip: u64,
    pub mtvec: u64,
    pub stvec: u64,
    pub utvec: u64,
    pub mscratch: u64,
    pub sscratch: u64,
    pub uscratch: u64,
    pub mepc: u64,
    pub sepc: u64,
    pub uepc: u64,
    pub mcause: u64,
    pub scause: u64,
    pub ucause: u64,
    pub mtval: u64,
    pub stval: u64,
    pub utval: u64,
    pub satp: u64,
    pub mcounteren: u64,
    pub scounteren: u64,
    pub mcountinhibit: u64,
    pub mcycle: u64,
    pub minstret: u64,
    pub menvcfg: u64,
    pub senvcfg: u64,
    pub stimecmp: u64,
    pub sedeleg: u64,
    pub sideleg: u64,
    pub suist: u64,
    pub suirs: u64,
    pub suicfg: u64,
    pub fflags: u8,
    pub frm: u8,
    pub pmp: Pmp,
    /// External supervisor interrupt line (from the PLIC), ORed into mip.SEIP
    /// on reads and interrupt checks, separately from the software bit.
    seip_line: bool,
    /// mtime seen by the last `update_stimecmp`, so a stimecmp write can
    /// update STIP at once.
    last_mtime: u64,
    /// The satp.ASID bits this hart implements (WARL: the others read 0),
    /// in place (bits 59:44).
    satp_asid_mask: u64,
}

/// satp.ASID: bits 59:44, at most 16 bits (ASIDLEN).
const SATP_ASID_SHIFT: u32 = 44;
pub const MAX_ASID_BITS: u32 = 16;
const SATP_ASID_FIELD: u64 = ((1 << MAX_ASID_BITS) - 1) << SATP_ASID_SHIFT;

impl CsrFile {
    /// Implements the low `bits` (at most [`MAX_ASID_BITS`]) of
    /// satp.ASID (ASIDLEN; 16 by default, as QEMU); software finds the
    /// number by writing ones and reading back. Clears the ones above.
    pub fn set_asid_bits(&mut self, bits: u32) {
        let bits = bits.min(MAX_ASID_BITS);
        self.satp_asid_mask = ((1 << bits) - 1) << SATP_ASID_SHIFT;
        self.satp &= !SATP_ASID_FIELD | self.satp_asid_mask;
    }

    /// Reset state: M-mode, interrupts disabled, MPRV = 0, FS = Off,
    /// every other writable CSR zero.
    pub fn new(hart_id: u64) -> Self {
        Self {
            mhartid: hart_id,
            mstatus: MSTATUS_XL64,
            misa: MISA_RV64GCNSU,
            medeleg: 0,
            mideleg: 0,
            mie: 0,
            mip: 0,
            mtvec: 0,
            stvec: 0,
            utvec: 0,
            mscratch: 0,
            sscratch: 0,
            uscratch: 0,
            mepc: 0,
            sepc: 0,
            uepc: 0,
            mcause: 0,
            scause: 0,
            ucause: 0,
            mtval: 0,
            stval: 0,
            utval: 0,
            satp: 0,
            satp_asid_mask: SATP_ASID_FIELD,
            mcounteren: 0,
            scounteren: 0,
            mcountinhibit: 0,
            mcycle: 0,
            minstret: 0,
            menvcfg: 0,
            senvcfg: 0,
            stimecmp: 0,
            sedeleg: 0,
            sideleg: 0,
            suist: 0,
            suirs: 0,
            suicfg: 0,
            fflags: 0,
            frm: 0,
            pmp: Pmp::new(),
            seip_line: false,
            last_mtime: 0,
        }
    }

    /// mip as software and interrupt selection see it: the stored bits plus
    /// the external SEIP line.
    #[inline]
    pub fn mip_value(&self) -> u64 {
        self.mip | if self.seip_line { MIP_SEIP } else { 0 }
    }

    /// Whether the Sstc extension is enabled (menvcfg.STCE).
    #[inline]
    pub fn sstc_enabled(&self) -> bool {
        self.menvcfg & MENVCFG_STCE != 0
    }

    /// Whether mstatus.FS is Off (FP instructions and CSRs are illegal).
    #[inline]
    pub fn fs_off(&self) -> bool {
        self.mstatus & MSTATUS_FS == 0
    }

    /// Marks the FP state dirty (FS = Dirty, SD = 1); the executor calls this
    /// after any instruction that changes f registers or fflags.
    #[inline]
    pub fn set_fs_dirty(&mut self) {
        self.mstatus |= MSTATUS_FS_DIRTY | MSTATUS_SD;
    }

    /// The privilege in mstatus.MPP (2, reserved, never stored).
    pub fn mpp(&self) -> Privilege {
        match (self.mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT {
            0 => Privilege::User,
            1 => Privilege::Supervisor,
            _ => Privilege::Machine,
        }
    }

    /// Counts `n` retired instructions (and as many cycles), each unless
    /// inhibited by mcountinhibit (CY = bit 0, IR = bit 2).
    #[inline]
    pub fn count_retired(&mut self, n: u64) {
        self.count_cycles(n);
        if self.mcountinhibit & 4 == 0 {
            self.minstret = self.minstret.wrapping_add(n);
        }
    }

    /// Counts `n` cycles in which no instruction retired (traps, WFI),
    /// unless inhibited by mcountinhibit.CY.
    #[inline]
    pub fn count_cycles(&mut self, n: u64) {
        if self.mcountinhibit & 1 == 0 {
            self.mcycle = self.mcycle.wrapping_add(n);
        }
    }

    /// Hardware interrupt lines from the CLINT and PLIC. MSIP/MTIP/MEIP
    /// follow the lines directly; the SEIP line is kept apart from the
    /// software-writable SEIP bit.
    pub fn set_external_interrupts(&mut self, msip: bool, mtip: bool, meip: bool, seip: bool) {
        let mut mip = self.mip & !(MIP_MSIP | MIP_MTIP | MIP_MEIP);
        if msip {
            mip |= MIP_MSIP;
        }
        if mtip {
            mip |= MIP_MTIP;
        }
        if meip {
            mip |= MIP_MEIP;
        }
        self.mip = mip;
        self.seip_line = seip;
    }

    /// Sstc: with STCE set, STIP = (mtime >= stimecmp). Without it STIP is
    /// the software bit M-mode writes, and this leaves it alone.
    pub fn update_stimecmp(&mut self, mtime: u64) {
        self.last_mtime = mtime;
        if self.sstc_enabled() {
            if mtime >= self.stimecmp {
                self.mip |= MIP_STIP;
            } else {
                self.mip &= !MIP_STIP;
            }
        }
    }

    /// The UINTC's user-interrupt line for this hart: sets or clears
    /// mip.USIP. The bit is also software-writable (sip/uip), so the machine
    /// calls this when the line changes, not on every step.
    pub fn set_usip(&mut self, pending: bool) {
        if pending {
            self.mip |= MIP_USIP;
        } else {
            self.mip &= !MIP_USIP;
        }
    }

    /// Whether counter `index` (0 = cycle, 1 = time, 2 = instret, 3..31 =
    /// hpmcounterN) may be read at `privilege`.
    fn counter_allowed(&self, index: u16, privilege: Privilege) -> bool {
        let bit = 1u64 << index;
        match privilege {
            Privilege::Machine => true,
            Privilege::Supervisor => self.mcounteren & bit != 0,
            Privilege::User => self.mcounteren & self.scounteren & bit != 0,
        }
    }

    /// Sstc rule: stimecmp below M needs menvcfg.STCE and mcounteren.TM.
    fn stimecmp_allowed(&self, privilege: Privilege) -> bool {
        privilege == Privilege::Machine
            || (self.sstc_enabled() && self.mcounteren & COUNTEREN_TM != 0)
    }

    fn fcsr(&self) -> u64 {
        (self.fflags as u64 & 0x1f) | ((self.frm as u64 & 7) << 5)
    }

    /// Mask of the user-level interrupt bits (uip/uie): USIP when delegated
    /// by both mideleg and sideleg.
    fn user_int_mask(&self) -> u64 {
        self.mideleg & self.sideleg & MIP_USIP
    }

    /// Reads a CSR with the spec's access checks. `Err(())` means the
    /// instruction is illegal. `mtime` is the platform time (for `time`).
    // `()` is the contract with the executor: the only error is "illegal".
    #[allow(clippy::result_unit_err)]
    pub fn read(&self, csr: u16, privilege: Privilege, mtime: u64) -> Result<u64, ()> {
        use num::*;
        if (csr >> 8) & 3 > privilege as u16 {
            return Err(());
        }
        let value = match csr {
            USTATUS => self.mstatus & USTATUS_MASK,
            UIE => self.mie & self.user_int_mask(),
            UTVEC => self.utvec,
            USCRATCH => self.uscratch,
            UEPC => self.uepc,
            UCAUSE => self.ucause,
            UTVAL => self.utval,
            UIP => self.mip_value() & self.user_int_mask(),
            FFLAGS | FRM | FCSR => {
                if self.fs_off() {
                    return Err(());
                }
                match csr {
                    FFLAGS => self.fflags as u64 & 0x1f,
                    FRM => self.frm as u64 & 7,
                    _ => self.fcsr(),
                }
            }
            CYCLE..=HPMCOUNTER31 => {
                let index = csr - CYCLE;
                if !self.counter_allowed(index, privilege) {
                    return Err(());
                }
                match csr {
                    CYCLE => self.mcycle,
                    TIME => mtime,
                    INSTRET => self.minstret,
                    _ => 0,
                }
            }
            SSTATUS => self.mstatus & SSTATUS_RMASK,
            SEDELEG => self.sedeleg,
            SIDELEG => self.sideleg,
            SIE => self.mie & self.mideleg,
            STVEC => self.stvec,
            SCOUNTEREN => self.scounteren,
            SENVCFG => self.senvcfg,
            SSCRATCH => self.sscratch,
            SEPC => self.sepc,
            SCAUSE => self.scause,
            STVAL => self.stval,
            SIP => self.mip_value() & self.mideleg,
            STIMECMP => {
                if !self.stimecmp_allowed(privilege) {
                    return Err(());
                }
                self.stimecmp
            }
            SATP => {
                if privilege == Privilege::Supervisor && self.mstatus & MSTATUS_TVM != 0 {
                    return Err(());
                }
                self.satp
            }
            SUIST => self.suist,
            SUIRS => self.suirs,
            SUICFG => self.suicfg,
            MVENDORID | MARCHID | MIMPID | MCONFIGPTR => 0,
            MHARTID => self.mhartid,
            MSTATUS => self.mstatus,
            MISA => self.misa,
            MEDELEG => self.medeleg,
            MIDELEG => self.mideleg,
            MIE => self.mie,
            MTVEC => self.mtvec,
            MCOUNTEREN => self.mcounteren,
            MENVCFG => self.menvcfg,
            MCOUNTINHIBIT => self.mcountinhibit,
            MHPMEVENT3..=MHPMEVENT31 => 0,
            MSCRATCH => self.mscratch,
            MEPC => self.mepc,
            MCAUSE => self.mcause,
            MTVAL => self.mtval,
            MIP => self.mip_value(),
            PMPCFG0..=PMPCFG14 => {
                if csr & 1 != 0 {
                    return Err(());
                }
                self.pmp.read_cfg((csr - PMPCFG0) as usize)
            }
            PMPADDR0..=PMPADDR63 => self.pmp.read_addr((csr - PMPADDR0) as usize),
            MCYCLE => self.mcycle,
            MINSTRET => self.minstret,
            MHPMCOUNTER3..=MHPMCOUNTER31 => 0,
            _ => return Err(()),
        };
        Ok(value)
    }

    /// The old value a read-modify-write instruction (csrrs/csrrc and their
    /// immediate forms) must combine with: as `read`, except that mip/sip
    /// use only the software-writable SEIP bit, not the external line
    /// (spec 1.12, 3.1.9), so `csrs mip, x` cannot latch the PLIC's line.
    #[allow(clippy::result_unit_err)]
    pub fn read_for_rmw(&self, csr: u16, privilege: Privilege, mtime: u64) -> Result<u64, ()> {
        let value = self.read(csr, privilege, mtime)?;
        Ok(match csr {
            num::MIP | num::SIP if self.mip & MIP_SEIP == 0 => value & !MIP_SEIP,
            _ => value,
        })
    }

    /// Writes a CSR with the spec's access checks and WARL legalisation.
    /// `Err(())` means the instruction is illegal (nonexistent CSR, too
    /// little privilege, read-only CSR, or a gated CSR).
    #[allow(clippy::result_unit_err)]
    pub fn write(&mut self, csr: u16, value: u64, privilege: Privilege) -> Result<(), ()> {
        use num::*;
        if csr >> 10 == 0b11 {
            return Err(());
        }
        // Existence, privilege and gating rules are the same as for reads.
        self.read(csr, privilege, 0)?;
        match csr {
            USTATUS => self.write_status(value, USTATUS_MASK),
            UIE => {
                let m = self.user_int_mask();
                self.mie = (self.mie & !m) | (value & m);
            }
            UTVEC => self.utvec = legal_tvec(self.utvec, value),
            USCRATCH => self.uscratch = value,
            UEPC => self.uepc = value & !1,
            UCAUSE => self.ucause = value,
            UTVAL => self.utval = value,
            UIP => {
                let m = self.user_int_mask();
                self.mip = (self.mip & !m) | (value & m);
            }
            FFLAGS => {
                self.fflags = value as u8 & 0x1f;
                self.set_fs_dirty();
            }
            FRM => {
                self.frm = value as u8 & 7;
                self.set_fs_dirty();
            }
            FCSR => {
                self.fflags = value as u8 & 0x1f;
                self.frm = (value >> 5) as u8 & 7;
                self.set_fs_dirty();
            }
            SSTATUS => self.write_status(value, SSTATUS_WMASK),
            SEDELEG => self.sedeleg = value & SEDELEG_MASK,
            SIDELEG => self.sideleg = value & MIP_USIP,
            SIE => {
                let m = self.mideleg & MIE_MASK;
                self.mie = (self.mie & !m) | (value & m);
            }
            STVEC => self.stvec = legal_tvec(self.stvec, value),
            SCOUNTEREN => self.scounteren = value & 0xffff_ffff,
            SENVCFG => self.senvcfg = value & ENVCFG_FIOM,
            SSCRATCH => self.sscratch = value,
            SEPC => self.sepc = value & !1,
            SCAUSE => self.scause = value,
            STVAL => self.stval = value,
            SIP => {
                // Only the software-settable bits delegated to S.
                let m = self.mideleg & (MIP_SSIP | MIP_USIP);
                self.mip = (self.mip & !m) | (value & m);
            }
            STIMECMP => {
                self.stimecmp = value;
                self.update_stimecmp(self.last_mtime);
            }
            SATP => {
                let mode = value >> 60;
                if matches!(mode, SATP_MODE_BARE | SATP_MODE_SV39 | SATP_MODE_SV48) {
                    self.satp = value & (!SATP_ASID_FIELD | self.satp_asid_mask);
                }
            }
            SUIST => self.suist = value & SUIST_MASK,
            SUIRS => self.suirs = value & SUIRS_MASK,
            SUICFG => self.suicfg = value,
            MSTATUS => self.write_status(value, MSTATUS_WMASK),
            MISA => {}
            MEDELEG => self.medeleg = value & MEDELEG_MASK,
            MIDELEG => self.mideleg = value & MIDELEG_MASK,
            MIE => self.mie = value & MIE_MASK,
            MTVEC => self.mtvec = legal_tvec(self.mtvec, value),
            MCOUNTEREN => self.mcounteren = value & 0xffff_ffff,
            MENVCFG => {
                self.menvcfg = value & (MENVCFG_STCE | ENVCFG_FIOM);
                self.update_stimecmp(self.last_mtime);
            }
            // TM (bit 1) is read-only zero.
            MCOUNTINHIBIT => self.mcountinhibit = value & 0xffff_fffd,
            MHPMEVENT3..=MHPMEVENT31 => {}
            MSCRATCH => self.mscratch = value,
            MEPC => self.mepc = value & !1,
            MCAUSE => self.mcause = value,
            MTVAL => self.mtval = value,
            MIP => {
                let mut m = MIP_SSIP | MIP_SEIP | MIP_USIP;
                if !self.sstc_enabled() {
                    m |= MIP_STIP;
                }
                self.mip = (self.mip & !m) | (value & m);
            }
            PMPCFG0..=PMPCFG14 => self.pmp.write_cfg((csr - PMPCFG0) as usize, value),
            PMPADDR0..=PMPADDR63 => self.pmp.write_addr((csr - PMPADDR0) as usize, value),
            MCYCLE => self.mcycle = value,
            MINSTRET => self.minstret = value,
            MHPMCOUNTER3..=MHPMCOUNTER31 => {}
            // `read` above rejected every other number.
            _ => return Err(()),
        }
        Ok(())
    }

    /// Writes the `mask` bits of mstatus, then legalises: MPP = 2 keeps the
    /// old MPP, UXL/SXL stay 64-bit, SD mirrors FS == Dirty.
    fn write_status(&mut self, value: u64, mask: u64) {
        let old = self.mstatus;
        let mut new = (old & !mask) | (value & mask);
        if (new & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT == 2 {
            new = (new & !MSTATUS_MPP) | (old & MSTATUS_MPP);
        }
        new = (new & !(MSTATUS_UXL | MSTATUS_SXL | MSTATUS_SD)) | MSTATUS_XL64;
        if new & MSTATUS_FS == MSTATUS_FS_DIRTY {
            new |= MSTATUS_SD;
        }
        self.mstatus = new;
    }
}

/// xtvec WARL: modes 0 (direct) and 1 (vectored) only; a reserved mode keeps
/// the old mode (with the new base).
fn legal_tvec(old: u64, value: u64) -> u64 {
    if value & 3 >= 2 {
        (value & !3) | (old & 3)
    } else {
        value
    }
}

/// Spike's name for a CSR (for the commit log); `None` if not implemented.
pub fn csr_name(csr: u16) -> Option<&'static str> {
    use num::*;
    let name = match csr {
        USTATUS => "ustatus",
        UIE => "uie",
        UTVEC => "utvec",
        USCRATCH => "uscratch",
        UEPC => "uepc",
        UCAUSE => "ucause",
        UTVAL => "utval",
        UIP => "uip",
        FFLAGS => "fflags",
        FRM => "frm",
        FCSR => "fcsr",
        CYCLE => "cycle",
        TIME => "time",
        INSTRET => "instret",
        HPMCOUNTER3..=HPMCOUNTER31 => HPMCOUNTER_NAMES[(csr - HPMCOUNTER3) as usize],
        SSTATUS => "sstatus",
        SEDELEG => "sedeleg",
        SIDELEG => "sideleg",
        SIE => "sie",
        STVEC => "stvec",
        SCOUNTEREN => "scounteren",
        SENVCFG => "senvcfg",
        SSCRATCH => "sscratch",
        SEPC => "sepc",
        SCAUSE => "scause",
        STVAL => "stval",
        SIP => "sip",
        STIMECMP => "stimecmp",
        SATP => "satp",
        SUIST => "suist",
        SUIRS => "suirs",
        SUICFG => "suicfg",
        MVENDORID => "mvendorid",
        MARCHID => "marchid",
        MIMPID => "mimpid",
        MHARTID => "mhartid",
        MCONFIGPTR => "mconfigptr",
        MSTATUS => "mstatus",
        MISA => "misa",
        MEDELEG => "medeleg",
        MIDELEG => "mideleg",
        MIE => "mie",
        MTVEC => "mtvec",
        MCOUNTEREN => "mcounteren",
        MENVCFG => "menvcfg",
        MCOUNTINHIBIT => "mcountinhibit",
        MHPMEVENT3..=MHPMEVENT31 => MHPMEVENT_NAMES[(csr - MHPMEVENT3) as usize],
        MSCRATCH => "mscratch",
        MEPC => "mepc",
        MCAUSE => "mcause",
        MTVAL => "mtval",
        MIP => "mip",
        PMPCFG0..=PMPCFG14 if csr & 1 == 0 => PMPCFG_NAMES[((csr - PMPCFG0) / 2) as usize],
        PMPADDR0..=PMPADDR63 => PMPADDR_NAMES[(csr - PMPADDR0) as usize],
        MCYCLE => "mcycle",
        MINSTRET => "minstret",
        MHPMCOUNTER3..=MHPMCOUNTER31 => MHPMCOUNTER_NAMES[(csr - MHPMCOUNTER3) as usize],
        _ => return None,
    };
    Some(name)
}

const HPMCOUNTER_NAMES: [&str; 29] = [
    "hpmcounter3",
    "hpmcounter4",
    "hpmcounter5",
    "hpmcounter6",
    "hpmcounter7",
    "hpmcounter8",
    "hpmcounter9",
    "hpmcounter10",
    "hpmcounter11",
    "hpmcounter12",
    "hpmcounter13",
    "hpmcounter14",
    "hpmcounter15",
    "hpmcounter16",
    "hpmcounter17",
    "hpmcounter18",
    "hpmcounter19",
    "hpmcounter20",
    "hpmcounter21",
    "hpmcounter22",
    "hpmcounter23",
    "hpmcounter24",
    "hpmcounter25",
    "hpmcounter26",
    "hpmcounter27",
    "hpmcounter28",
    "hpmcounter29",
    "hpmcounter30",
    "hpmcounter31",
];
const MHPMCOUNTER_NAMES: [&str; 29] = [
    "mhpmcounter3",
    "mhpmcounter4",
    "mhpmcounter5",
    "mhpmcounter6",
    "mhpmcounter7",
    "mhpmcounter8",
    "mhpmcounter9",
    "mhpmcounter10",
    "mhpmcounter11",
    "mhpmcounter12",
    "mhpmcounter13",
    "mhpmcounter14",
    "mhpmcounter15",
    "mhpmcounter16",
    "mhpmcounter17",
    "mhpmcounter18",
    "mhpmcounter19",
    "mhpmcounter20",
    "mhpmcounter21",
    "mhpmcounter22",
    "mhpmcounter23",
    "mhpmcounter24",
    "mhpmcounter25",
    "mhpmcounter26",
    "mhpmcounter27",
    "mhpmcounter28",
    "mhpmcounter29",
    "mhpmcounter30",
    "mhpmcounter31",
];
const MHPMEVENT_NAMES: [&str; 29] = [
    "mhpmevent3",
    "mhpmevent4",
    "mhpmevent5",
    "mhpmevent6",
    "mhpmevent7",
    "mhpmevent8",
    "mhpmevent9",
    "mhpmevent10",
    "mhpmevent11",
    "mhpmevent12",
    "mhpmevent13",
    "mhpmevent14",
    "mhpmevent15",
    "mhpmevent16",
    "mhpmevent17",
    "mhpmevent18",
    "mhpmevent19",
    "mhpmevent20",
    "mhpmevent21",
    "mhpmevent22",
    "mhpmevent23",
    "mhpmevent24",
    "mhpmevent25",
    "mhpmevent26",
    "mhpmevent27",
    "mhpmevent28",
    "mhpmevent29",
    "mhpmevent30",
    "mhpmevent31",
];
const PMPCFG_NAMES: [&str; 8] = [
    "pmpcfg0", "pmpcfg2", "pmpcfg4", "pmpcfg6", "pmpcfg8", "pmpcfg10", "pmpcfg12", "pmpcfg14",
];
const PMPADDR_NAMES: [&str; 64] = [
    "pmpaddr0",
    "pmpaddr1",
    "pmpaddr2",
    "pmpaddr3",
    "pmpaddr4",
    "pmpaddr5",
    "pmpaddr6",
    "pmpaddr7",
    "pmpaddr8",
    "pmpaddr9",
    "pmpaddr10",
    "pmpaddr11",
    "pmpaddr12",
    "pmpaddr13",
    "pmpaddr14",
    "pmpaddr15",
    "pmpaddr16",
    "pmpaddr17",
    "pmpaddr18",
    "pmpaddr19",
    "pmpaddr20",
    "pmpaddr21",
    "pmpaddr22",
    "pmpaddr23",
    "pmpaddr24",
    "pmpaddr25",
    "pmpaddr26",
    "pmpaddr27",
    "pmpaddr28",
    "pmpaddr29",
    "pmpaddr30",
    "pmpaddr31",
    "pmpaddr32",
    "pmpaddr33",
    "pmpaddr34",
    "pmpaddr35",
    "pmpaddr36",
    "pmpaddr37",
    "pmpaddr38",
    "pmpaddr39",
    "pmpaddr40",
    "pmpaddr41",
    "pmpaddr42",
    "pmpaddr43",
    "pmpaddr44",
    "pmpaddr45",
    "pmpaddr46",
    "pmpaddr47",
    "pmpaddr48",
    "pmpaddr49",
    "pmpaddr50",
    "pmpaddr51",
    "pmpaddr52",
    "pmpaddr53",
    "pmpaddr54",
    "pmpaddr55",
    "pmpaddr56",
    "pmpaddr57",
    "pmpaddr58",
    "pmpaddr59",
    "pmpaddr60",
    "pmpaddr61",
    "pmpaddr62",
    "pmpaddr63",
];

#[cfg(test)]
mod tests {
    use super::num::*;
    use super::*;
    use Privilege::*;

    /// Lowest privilege that may access each CSR (read), and whether it is
    /// read-only. Counters and FP/Sstc/TVM gating are tested separately.
    const TABLE: &[(u16, Privilege, bool)] = &[
        (USTATUS, User, false),
        (UIE, User, false),
        (UTVEC, User, false),
        (USCRATCH, User, false),
        (UEPC, User, false),
        (UCAUSE, User, false),
        (UTVAL, User, false),
        (UIP, User, false),
        (SSTATUS, Supervisor, false),
        (SEDELEG, Supervisor, false),
        (SIDELEG, Supervisor, false),
        (SIE, Supervisor, false),
        (STVEC, Supervisor, false),
        (SCOUNTEREN, Supervisor, false),
        (SENVCFG, Supervisor, false),
        (SSCRATCH, Supervisor, false),
        (SEPC, Supervisor, false),
        (SCAUSE, Supervisor, false),
        (STVAL, Supervisor, false),
        (SIP, Supervisor, false),
        (SATP, Supervisor, false),
        (SUIST, Supervisor, false),
        (SUIRS, Supervisor, false),
        (SUICFG, Supervisor, false),
        (MVENDORID, Machine, true),
        (MARCHID, Machine, true),
        (MIMPID, Machine, true),
        (MHARTID, Machine, true),
        (MCONFIGPTR, Machine, true),
        (MSTATUS, Machine, false),
        (MISA, Machine, false),
        (MEDELEG, Machine, false),
        (MIDELEG, Machine, false),
        (MIE, Machine, false),
        (MTVEC, Machine, false),
        (MCOUNTEREN, Machine, false),
        (MENVCFG, Machine, false),
        (MCOUNTINHIBIT, Machine, false),
        (MHPMEVENT3, Machine, false),
        (MHPMEVENT31, Machine, false),
        (MSCRATCH, Machine, false),
        (MEPC, Machine, false),
        (MCAUSE, Machine, false),
        (MTVAL, Machine, false),
        (MIP, Machine, false),
        (PMPCFG0, Machine, false),
        (PMPCFG2, Machine, false),
        (PMPCFG14, Machine, false),
        (PMPADDR0, Machine, false),
        (PMPADDR63, Machine, false),
        (MCYCLE, Machine, false),
        (MINSTRET, Machine, false),
        (MHPMCOUNTER3, Machine, false),
        (MHPMCOUNTER31, Machine, false),
    ];

    #[test]
    fn access_rule_table() {
        for &(csr, min, ro) in TABLE {
            for p in Privilege::ALL {
                let mut c = CsrFile::new(0);
                let allowed = p >= min;
                assert_eq!(
                    c.read(csr, p, 0).is_ok(),
                    allowed,
                    "read {csr:#x} from {p:?}"
                );
                // Write back what was read, which is legal wherever allowed.
                let v = CsrFile::new(0).read(csr, Machine, 0).unwrap();
                assert_eq!(
                    c.write(csr, v, p).is_ok(),
                    allowed && !ro,
                    "write {csr:#x} from {p:?}"
                );
            }
        }
    }

    #[test]
    fn nonexistent_csrs_are_illegal() {
        let mut c = CsrFile::new(0);
        for csr in [
            0x7c0u16, 0x200, 0x3a1, 0x3a3, 0x3f0, 0x5a8, 0xfff, 0x1b3, 0x14e, 0x800,
        ] {
            assert!(c.read(csr, Machine, 0).is_err(), "{csr:#x}");
            assert!(c.write(csr, 0, Machine).is_err(), "{csr:#x}");
            assert_eq!(csr_name(csr), None, "{csr:#x}");
        }
    }

    #[test]
    fn counters_gated_by_counteren() {
        let mut c = CsrFile::new(0);
        c.mcycle = 10;
        c.minstret = 20;
        for csr in [CYCLE, TIME, INSTRET, HPMCOUNTER3, HPMCOUNTER31] {
            assert!(c.read(csr, Machine, 5).is_ok());
            assert!(c.read(csr, Supervisor, 5).is_err());
            assert!(c.read(csr, User, 5).is_err());
            assert!(c.write(csr, 0, Machine).is_err(), "read-only");
        }
        c.write(MCOUNTEREN, 0b101, Machine).unwrap(); // CY, IR
        assert_eq!(c.read(CYCLE, Supervisor, 5), Ok(10));
        assert_eq!(c.read(INSTRET, Supervisor, 5), Ok(20));
        assert!(c.read(TIME, Supervisor, 5).is_err());
        assert!(c.read(CYCLE, User, 5).is_err());
        c.write(SCOUNTEREN, 0b111, Supervisor).unwrap();
        assert_eq!(c.read(CYCLE, User, 5), Ok(10));
        assert!(c.read(TIME, User, 5).is_err(), "TM not in mcounteren");
        c.write(MCOUNTEREN, u64::MAX, Machine).unwrap();
        assert_eq!(c.read(TIME, User, 1234), Ok(1234));
        assert!(
            c.read(HPMCOUNTER3, User, 0).is_err(),
            "HPM3 not in scounteren"
        );
        c.write(SCOUNTEREN, u64::MAX, Supervisor).unwrap();
        assert_eq!(c.read(HPMCOUNTER3, User, 0), Ok(0));
        assert_eq!(c.read(MCOUNTEREN, Machine, 0), Ok(0xffff_ffff));
    }

    #[test]
    fn count_retired_respects_inhibit() {
        let mut c = CsrFile::new(0);
        c.count_retired(3);
        assert_eq!((c.mcycle, c.minstret), (3, 3));
        c.write(MCOUNTINHIBIT, 0b111, Machine).unwrap();
        assert_eq!(c.mcountinhibit, 0b101, "TM bit read-only zero");
        c.count_retired(3);
        assert_eq!((c.mcycle, c.minstret), (3, 3));
        c.write(MCOUNTINHIBIT, 0b100, Machine).unwrap();
        c.count_retired(2);
        assert_eq!((c.mcycle, c.minstret), (5, 3));
        c.write(MHPMCOUNTER3, 77, Machine).unwrap();
        assert_eq!(c.read(MHPMCOUNTER3, Machine, 0), Ok(0));
        c.write(MHPMEVENT3, 77, Machine).unwrap();
        assert_eq!(c.read(MHPMEVENT3, Machine, 0), Ok(0));
    }

    #[test]
    fn satp_asid_bits_are_warl() {
        let mut c = CsrFile::new(0);
        let ones = (SATP_MODE_SV39 << 60) | SATP_ASID_FIELD | 0x80000;
        let asid = |c: &CsrFile| (c.satp & SATP_ASID_FIELD) >> SATP_ASID_SHIFT;
        c.write(SATP, ones, Supervisor).unwrap();
        assert_eq!(asid(&c), 0xffff, "16 bits by default");
        for (bits, read) in [(0, 0), (9, 0x1ff), (16, 0xffff)] {
            c.set_asid_bits(bits);
            c.write(SATP, ones, Supervisor).unwrap();
            assert_eq!(asid(&c), read, "{bits} bits");
            assert_eq!(c.satp & !SATP_ASID_FIELD, ones & !SATP_ASID_FIELD);
        }
        c.set_asid_bits(4);
        assert_eq!(asid(&c), 0xf, "narrowing clears the bits above");
    }

    #[test]
    fn satp_trapped_by_tvm() {
        let mut c = CsrFile::new(0);
        let sv39 = (SATP_MODE_SV39 << 60) | (1 << 44) | 0x80000;
        c.write(SATP, sv39, Supervisor).unwrap();
        assert_eq!(c.satp, sv39);
        c.write(MSTATUS, MSTATUS_TVM, Machine).unwrap();
        assert!(c.read(SATP, Supervisor, 0).is_err());
        assert!(c.write(SATP, 0, Supervisor).is_err());
        assert_eq!(c.read(SATP, Machine, 0), Ok(sv39));
        c.write(SATP, 0, Machine).unwrap();
        assert_eq!(c.satp, 0);
    }

    #[test]
    fn satp_modes_warl() {
        let mut c = CsrFile::new(0);
        let sv48 = (SATP_MODE_SV48 << 60) | 0x1234;
        c.write(SATP, sv48, Machine).unwrap();
        assert_eq!(c.satp, sv48);
        for mode in [1u64, 7, 10, 11, 15] {
            c.write(SATP, (mode << 60) | 5, Machine).unwrap();
            assert_eq!(c.satp, sv48, "mode {mode} ignored");
        }
    }

    #[test]
    fn fp_csrs_need_fs_and_set_dirty() {
        let mut c = CsrFile::new(0);
        for csr in [FFLAGS, FRM, FCSR] {
            for p in Privilege::ALL {
                assert!(c.read(csr, p, 0).is_err());
                assert!(c.write(csr, 0, p).is_err());
            }
        }
        // FS = Initial.
        c.write(MSTATUS, 1 << 13, Machine).unwrap();
        assert_eq!(c.mstatus & MSTATUS_SD, 0);
        c.write(FCSR, 0xff, User).unwrap();
        assert_eq!((c.fflags, c.frm), (0x1f, 7));
        assert_eq!(c.mstatus & MSTATUS_FS, MSTATUS_FS_DIRTY);
        assert_ne!(c.mstatus & MSTATUS_SD, 0);
        c.write(FRM, 0x2, User).unwrap();
        assert_eq!(c.read(FCSR, User, 0), Ok(0x1f | (2 << 5)));
        c.write(FFLAGS, 0x21, Supervisor).unwrap();
        assert_eq!(c.read(FFLAGS, User, 0), Ok(1));
        assert_eq!(c.read(FRM, User, 0), Ok(2));
        // Back to Clean: SD follows.
        c.write(SSTATUS, 2 << 13, Supervisor).unwrap();
        assert_eq!(c.mstatus & MSTATUS_SD, 0);
    }

    #[test]
    fn mstatus_warl() {
        let mut c = CsrFile::new(0);
        assert_eq!(c.mstatus, MSTATUS_XL64);
        c.write(MSTATUS, u64::MAX, Machine).unwrap();
        let v = c.read(MSTATUS, Machine, 0).unwrap();
        assert_eq!(v & (MSTATUS_UXL | MSTATUS_SXL), MSTATUS_XL64);
        assert_eq!(v & MSTATUS_MPP, MSTATUS_MPP, "MPP=3 accepted");
        assert_ne!(v & MSTATUS_SD, 0);
        assert_eq!(v & (0b11 << 9), 0, "VS read-only zero");
        assert_eq!(v & (0b11 << 15), 0, "XS read-only zero");
        c.write(MSTATUS, 1 << 11, Machine).unwrap();
        assert_eq!(c.mpp(), Supervisor);
        c.write(MSTATUS, 2 << 11, Machine).unwrap();
        assert_eq!(c.mpp(), Supervisor, "MPP=2 keeps the previous value");
        assert_eq!(c.mstatus & MSTATUS_SD, 0);
    }

    #[test]
    fn sstatus_and_ustatus_are_views() {
        let mut c = CsrFile::new(0);
        c.write(MSTATUS, MSTATUS_MIE | MSTATUS_MPRV | MSTATUS_TSR, Machine)
            .unwrap();
        c.write(SSTATUS, u64::MAX, Supervisor).unwrap();
        let s = c.read(SSTATUS, Supervisor, 0).unwrap();
        assert_eq!(
            s & (MSTATUS_MIE | MSTATUS_MPRV | MSTATUS_TSR | MSTATUS_SXL),
            0
        );
        assert_eq!(s & MSTATUS_UXL, 2 << 32);
        assert_ne!(
            s & (MSTATUS_SIE | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_SPP),
            0
        );
        assert_ne!(
            c.mstatus & (MSTATUS_MIE | MSTATUS_MPRV | MSTATUS_TSR),
            0,
            "M bits kept"
        );
        assert_eq!(c.read(USTATUS, User, 0), Ok(MSTATUS_UIE | MSTATUS_UPIE));
        c.write(USTATUS, 0, User).unwrap();
        assert_eq!(c.mstatus & (MSTATUS_UIE | MSTATUS_UPIE), 0);
        assert_ne!(c.mstatus & MSTATUS_SIE, 0, "ustatus write leaves SIE");
    }

    #[test]
    fn misa_and_ids() {
        let mut c = CsrFile::new(7);
        let misa = c.read(MISA, Machine, 0).unwrap();
        assert_eq!(misa >> 62, 2);
        for ext in "ACDFIMNSU".bytes() {
            assert_ne!(misa & (1 << (ext - b'A')), 0, "{}", ext as char);
        }
        assert_eq!(misa & (1 << (b'H' - b'A')), 0);
        c.write(MISA, 0, Machine).unwrap();
        assert_eq!(c.read(MISA, Machine, 0), Ok(misa));
        assert_eq!(c.read(MHARTID, Machine, 0), Ok(7));
        assert_eq!(c.read(MVENDORID, Machine, 0), Ok(0));
    }

    #[test]
    fn tvec_and_epc_warl() {
        let mut c = CsrFile::new(0);
        for (csr, p) in [(MTVEC, Machine), (STVEC, Supervisor), (UTVEC, User)] {
            c.write(csr, 0x8000_0001, p).unwrap();
            assert_eq!(c.read(csr, p, 0), Ok(0x8000_0001));
            c.write(csr, 0x9000_0002, p).unwrap();
            assert_eq!(c.read(csr, p, 0), Ok(0x9000_0001), "mode 2 keeps old mode");
            c.write(csr, 0x9000_0003, p).unwrap();
            assert_eq!(c.read(csr, p, 0), Ok(0x9000_0001));
            c.write(csr, 0xa000_0000, p).unwrap();
            assert_eq!(c.read(csr, p, 0), Ok(0xa000_0000));
        }
        for (csr, p) in [(MEPC, Machine), (SEPC, Supervisor), (UEPC, User)] {
            c.write(csr, 0x1003, p).unwrap();
            assert_eq!(c.read(csr, p, 0), Ok(0x1002));
        }
    }

    #[test]
    fn delegation_registers_warl() {
        let mut c = CsrFile::new(0);
        c.write(MEDELEG, u64::MAX, Machine).unwrap();
        assert_eq!(c.medeleg & (1 << 11), 0, "ecall from M not delegable");
        assert_ne!(c.medeleg & (1 << 8), 0);
        assert_ne!(c.medeleg & (1 << 15), 0);
        c.write(MIDELEG, u64::MAX, Machine).unwrap();
        assert_eq!(c.mideleg, MIP_USIP | MIP_SSIP | MIP_STIP | MIP_SEIP);
        c.write(SEDELEG, u64::MAX, Supervisor).unwrap();
        assert_eq!(c.sedeleg & ((1 << 9) | (1 << 11)), 0);
        assert_ne!(c.sedeleg & (1 << 8), 0);
        c.write(SIDELEG, u64::MAX, Supervisor).unwrap();
        assert_eq!(c.sideleg, 1);
    }

    #[test]
    fn mip_writable_bits_and_lines() {
        let mut c = CsrFile::new(0);
        c.write(MIP, u64::MAX, Machine).unwrap();
        assert_eq!(c.mip, MIP_SSIP | MIP_STIP | MIP_SEIP | MIP_USIP);
        c.write(MIP, 0, Machine).unwrap();
        c.set_external_interrupts(true, true, true, true);
        assert_eq!(
            c.read(MIP, Machine, 0),
            Ok(MIP_MSIP | MIP_MTIP | MIP_MEIP | MIP_SEIP)
        );
        // Software cannot clear hardware lines; the SEIP line is apart from
        // the software bit.
        c.write(MIP, 0, Machine).unwrap();
        assert_eq!(c.mip & MIP_SEIP, 0);
        assert_ne!(c.read(MIP, Machine, 0).unwrap() & MIP_SEIP, 0);
        assert_ne!(c.read(MIP, Machine, 0).unwrap() & MIP_MTIP, 0);
        c.set_external_interrupts(false, false, false, false);
        assert_eq!(c.read(MIP, Machine, 0), Ok(0));
        c.write(MIP, MIP_SEIP, Machine).unwrap();
        assert_eq!(c.read(MIP, Machine, 0), Ok(MIP_SEIP), "software SEIP");
        // Read-modify-write sees only the software SEIP bit.
        assert_eq!(c.read_for_rmw(MIP, Machine, 0), Ok(MIP_SEIP));
        c.write(MIP, 0, Machine).unwrap();
        c.set_external_interrupts(false, false, false, true);
        assert_eq!(c.read(MIP, Machine, 0), Ok(MIP_SEIP));
        assert_eq!(c.read_for_rmw(MIP, Machine, 0), Ok(0));
        let old = c.read_for_rmw(MIP, Machine, 0).unwrap();
        c.write(MIP, old | MIP_SSIP, Machine).unwrap();
        c.set_external_interrupts(false, false, false, false);
        assert_eq!(c.read(MIP, Machine, 0), Ok(MIP_SSIP), "line not latched");
        assert!(c.read_for_rmw(0x7c0, Machine, 0).is_err());
    }

    #[test]
    fn sip_sie_masked_by_mideleg() {
        let mut c = CsrFile::new(0);
        c.write(MIE, u64::MAX, Machine).unwrap();
        c.write(MIP, MIP_SSIP | MIP_STIP, Machine).unwrap();
        assert_eq!(c.read(SIE, Supervisor, 0), Ok(0));
        assert_eq!(c.read(SIP, Supervisor, 0), Ok(0));
        c.write(MIDELEG, MIP_SSIP | MIP_STIP, Machine).unwrap();
        assert_eq!(c.read(SIE, Supervisor, 0), Ok(MIP_SSIP | MIP_STIP));
        assert_eq!(c.read(SIP, Supervisor, 0), Ok(MIP_SSIP | MIP_STIP));
        c.write(SIP, 0, Supervisor).unwrap();
        assert_eq!(c.mip, MIP_STIP, "STIP not writable through sip");
        c.write(SIE, 0, Supervisor).unwrap();
        assert_eq!(c.mie & (MIP_SSIP | MIP_STIP), 0);
        assert_ne!(c.mie & MIP_MTIP, 0, "M bits untouched");
    }

    #[test]
    fn uip_uie_masked_by_sideleg_and_mideleg() {
        let mut c = CsrFile::new(0);
        c.write(UIE, 1, User).unwrap();
        c.set_usip(true);
        assert_eq!(c.read(UIE, User, 0), Ok(0));
        assert_eq!(c.read(UIP, User, 0), Ok(0));
        assert_eq!(c.mie & MIP_USIP, 0);
        c.write(MIDELEG, MIP_USIP, Machine).unwrap();
        assert_eq!(c.read(UIP, User, 0), Ok(0), "sideleg clear");
        assert_eq!(c.read(SIP, Supervisor, 0), Ok(MIP_USIP));
        c.write(SIDELEG, 1, Supervisor).unwrap();
        assert_eq!(c.read(UIP, User, 0), Ok(1));
        c.write(UIE, 0x111, User).unwrap();
        assert_eq!(c.read(UIE, User, 0), Ok(1));
        c.write(UIP, 0, User).unwrap();
        assert_eq!(c.mip & MIP_USIP, 0);
        c.write(SIP, MIP_USIP, Supervisor).unwrap();
        assert_eq!(c.read(UIP, User, 0), Ok(1), "S sets USIP by hand via sip");
        c.set_usip(false);
        assert_eq!(c.read(UIP, User, 0), Ok(0));
    }

    #[test]
    fn uintr_supervisor_csrs() {
        let mut c = CsrFile::new(0);
        for csr in [SUIST, SUIRS, SUICFG] {
            assert!(c.read(csr, User, 0).is_err());
            assert!(c.write(csr, 1, User).is_err());
        }
        c.write(SUIST, u64::MAX, Supervisor).unwrap();
        assert_eq!(c.suist, (1 << 63) | (0xfff << 44) | ((1 << 44) - 1));
        c.write(SUIRS, u64::MAX, Supervisor).unwrap();
        assert_eq!(c.read(SUIRS, Supervisor, 0), Ok((1 << 63) | 0xffff));
        c.write(SUICFG, 0x2f1_0000, Machine).unwrap();
        assert_eq!(c.read(SUICFG, Supervisor, 0), Ok(0x2f1_0000));
    }

    #[test]
    fn sstc_stimecmp() {
        let mut c = CsrFile::new(0);
        // Without STCE, S cannot touch stimecmp; M can; STIP is software's.
        assert!(c.read(STIMECMP, Supervisor, 0).is_err());
        assert!(c.write(STIMECMP, 5, Supervisor).is_err());
        c.write(STIMECMP, 100, Machine).unwrap();
        c.update_stimecmp(200);
        assert_eq!(c.mip & MIP_STIP, 0);
        c.write(MIP, MIP_STIP, Machine).unwrap();
        assert_ne!(c.mip & MIP_STIP, 0);
        // STCE without TM is still illegal in S.
        c.write(MENVCFG, MENVCFG_STCE, Machine).unwrap();
        assert!(c.read(STIMECMP, Supervisor, 0).is_err());
        c.write(MCOUNTEREN, COUNTEREN_TM, Machine).unwrap();
        assert_eq!(c.read(STIMECMP, Supervisor, 0), Ok(100));
        c.update_stimecmp(99);
        assert_eq!(c.mip & MIP_STIP, 0);
        c.update_stimecmp(100);
        assert_ne!(c.mip & MIP_STIP, 0);
        // A later stimecmp write clears STIP at once; mip writes cannot.
        c.write(STIMECMP, 1000, Supervisor).unwrap();
        assert_eq!(c.mip & MIP_STIP, 0);
        c.write(MIP, MIP_STIP, Machine).unwrap();
        assert_eq!(c.mip & MIP_STIP, 0);
        assert!(c.read(STIMECMP, User, 0).is_err());
    }

    #[test]
    fn envcfg_pmp_and_names() {
        let mut c = CsrFile::new(0);
        c.write(MENVCFG, u64::MAX, Machine).unwrap();
        assert_eq!(c.menvcfg, MENVCFG_STCE | ENVCFG_FIOM);
        c.write(SENVCFG, u64::MAX, Supervisor).unwrap();
        assert_eq!(c.senvcfg, ENVCFG_FIOM);
        c.write(PMPADDR0 + 3, 0x1234, Machine).unwrap();
        assert_eq!(c.read(PMPADDR0 + 3, Machine, 0), Ok(0x1234));
        c.write(PMPCFG2, 0x0f00, Machine).unwrap();
        assert_eq!(c.read(PMPCFG2, Machine, 0), Ok(0x0f00));
        assert_eq!(c.pmp.cfg(9), 0x0f);
        assert!(c.read(PMPCFG0 + 1, Machine, 0).is_err());
        assert_eq!(c.read(PMPADDR0 + 40, Machine, 0), Ok(0));
        assert_eq!(csr_name(MSTATUS), Some("mstatus"));
        assert_eq!(csr_name(FFLAGS), Some("fflags"));
        assert_eq!(csr_name(PMPADDR0), Some("pmpaddr0"));
        assert_eq!(csr_name(PMPADDR63), Some("pmpaddr63"));
        assert_eq!(csr_name(PMPCFG2), Some("pmpcfg2"));
        assert_eq!(csr_name(MCYCLE), Some("mcycle"));
        assert_eq!(csr_name(HPMCOUNTER31), Some("hpmcounter31"));
        assert_eq!(csr_name(MHPMEVENT3 + 1), Some("mhpmevent4"));
        assert_eq!(csr_name(MHPMCOUNTER3 + 2), Some("mhpmcounter5"));
        assert_eq!(csr_name(SUIRS), Some("suirs"));
        assert_eq!(csr_name(UIP), Some("uip"));
    }

    #[test]
    fn every_readable_csr_has_a_name() {
        let c = CsrFile::new(0);
        for csr in 0u16..0x1000 {
            if c.read(csr, Machine, 0).is_ok() {
                assert!(csr_name(csr).is_some(), "{csr:#x}");
            }
        }
    }
}
