//! Virtual-memory translation: Bare, Sv39 and Sv48 (privileged spec 1.12,
//! section 4.3-4.5), with MPRV/SUM/MXR, hardware A/D updates (as QEMU does),
//! PMP checks of every PTE read and of the final physical range, and a TLB.
//!
//! The TLB is direct-mapped, 256 entries per access type, indexed and tagged
//! by the 4 KiB virtual page number (a superpage fills one entry per 4 KiB
//! page touched). Entries carry the ASID, the global bit and the leaf PTE, so
//! permission checks run on every hit: mstatus SUM/MXR/MPRV changes need no
//! flush. satp and PMP writes must call `flush(None, None)`.

use crate::csr::{
    CsrFile, MSTATUS_MPRV, MSTATUS_MXR, MSTATUS_SUM, SATP_MODE_BARE, SATP_MODE_SV39, SATP_MODE_SV48,
};
use crate::mem::PhysMem;
use crate::trap::{Exception, ExceptionCause};
use sim_core::Privilege;

/// Kind of memory access being translated. AMOs and SC translate as Store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccessType {
    Fetch,
    Load,
    Store,
}

impl AccessType {
    fn index(self) -> usize {
        match self {
            AccessType::Fetch => 0,
            AccessType::Load => 1,
            AccessType::Store => 2,
        }
    }

    fn page_fault(self, vaddr: u64) -> Exception {
        let cause = match self {
            AccessType::Fetch => ExceptionCause::InstructionPageFault,
            AccessType::Load => ExceptionCause::LoadPageFault,
            AccessType::Store => ExceptionCause::StorePageFault,
        };
        Exception::new(cause, vaddr)
    }

    fn access_fault(self, vaddr: u64) -> Exception {
        let cause = match self {
            AccessType::Fetch => ExceptionCause::InstructionAccessFault,
            AccessType::Load => ExceptionCause::LoadAccessFault,
            AccessType::Store => ExceptionCause::StoreAccessFault,
        };
        Exception::new(cause, vaddr)
    }
}

/// Result of a successful translation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Translation {
    pub paddr: u64,
    /// True when a page-table walk was needed (TLB miss); its PTE addresses
    /// are in `Mmu::last_walk`.
    pub walked: bool,
}

// PTE bits.
const PTE_V: u64 = 1 << 0;
const PTE_R: u64 = 1 << 1;
const PTE_W: u64 = 1 << 2;
const PTE_X: u64 = 1 << 3;
const PTE_U: u64 = 1 << 4;
const PTE_G: u64 = 1 << 5;
const PTE_A: u64 = 1 << 6;
const PTE_D: u64 = 1 << 7;
/// Bits 63:54 are reserved (no Svpbmt/Svnapot): a PTE with any set faults.
const PTE_RESERVED: u64 = 0x3ff << 54;
const PTE_PPN_SHIFT: u32 = 10;
const PTE_PPN_MASK: u64 = (1 << 44) - 1;

const PAGE_SHIFT: u32 = 12;
const TLB_ENTRIES: usize = 256;
/// Deepest walk (Sv48).
const MAX_LEVELS: usize = 4;

#[derive(Clone, Copy, Debug)]
struct TlbEntry {
    valid: bool,
    global: bool,
    /// Leaf level (0 = 4 KiB, 1 = 2 MiB, 2 = 1 GiB, 3 = 512 GiB).
    level: u8,
    asid: u16,
    /// Full virtual page number (vaddr >> 12) of the 4 KiB page cached.
    vpn: u64,
    /// Physical page number of that 4 KiB page.
    ppn: u64,
    /// Leaf PTE as last written (permission, U, A, D bits).
    pte: u64,
}

const EMPTY: TlbEntry = TlbEntry {
    valid: false,
    global: false,
    level: 0,
    asid: 0,
    vpn: 0,
    ppn: 0,
    pte: 0,
};

/// Translation unit of one hart.
pub struct Mmu {
    tlb: Box<[[TlbEntry; TLB_ENTRIES]; 3]>,
    walk: [u64; MAX_LEVELS],
    walk_len: usize,
}

impl Default for Mmu {
    fn default() -> Self {
        Self::new()
    }
}

impl Mmu {
    pub fn new() -> Self {
        Self {
            tlb: Box::new([[EMPTY; TLB_ENTRIES]; 3]),
            walk: [0; MAX_LEVELS],
            walk_len: 0,
        }
    }

    /// Physical addresses of the PTEs read by the last translation (empty
    /// when it hit in the TLB or needed no translation).
    pub fn last_walk(&self) -> &[u64] {
        &self.walk[..self.walk_len]
    }

    /// sfence.vma semantics: `vaddr` restricts to entries mapping that
    /// address, `asid` to non-global entries of that address space.
    pub fn flush(&mut self, vaddr: Option<u64>, asid: Option<u64>) {
        for table in self.tlb.iter_mut() {
            for e in table.iter_mut() {
                if !e.valid {
                    continue;
                }
                if let Some(a) = asid {
                    if e.global || e.asid as u64 != a & 0xffff {
                        continue;
                    }
                }
                if let Some(va) = vaddr {
                    let shift = 9 * e.level as u32;
                    if (e.vpn >> shift) != ((va >> PAGE_SHIFT) >> shift) {
                        continue;
                    }
                }
                e.valid = false;
            }
        }
    }

    /// Translates `[vaddr, vaddr+size)` for `access` at `privilege`
    /// (the hart's current mode; MPRV is applied here). Faults carry
    /// tval = vaddr.
    pub fn translate<M: PhysMem>(
        &mut self,
        vaddr: u64,
        size: u64,
        access: AccessType,
        privilege: Privilege,
        csr: &CsrFile,
        mem: &mut M,
    ) -> Result<Translation, Exception> {
        self.walk_len = 0;
        let eff = if access != AccessType::Fetch
            && privilege == Privilege::Machine
            && csr.mstatus & MSTATUS_MPRV != 0
        {
            csr.mpp()
        } else {
            privilege
        };
        let mode = csr.satp >> 60;
        if eff == Privilege::Machine || mode == SATP_MODE_BARE {
            return if csr.pmp.check(vaddr, size, access, eff) {
                Ok(Translation {
                    paddr: vaddr,
                    walked: false,
                })
            } else {
                Err(access.access_fault(vaddr))
            };
        }
        let levels = match mode {
            SATP_MODE_SV39 => 3,
            SATP_MODE_SV48 => 4,
            // csr.rs never stores another mode; treat one as a fault anyway.
            _ => return Err(access.page_fault(vaddr)),
        };
        let va_bits = PAGE_SHIFT + 9 * levels;
        // Canonical: bits 63..va_bits-1 all equal.
        let top = (vaddr as i64) >> (va_bits - 1);
        if top != 0 && top != -1 {
            return Err(access.page_fault(vaddr));
        }
        let asid = ((csr.satp >> 44) & 0xffff) as u16;
        let vpn = vaddr >> PAGE_SHIFT;
        let slot = (vpn as usize) % TLB_ENTRIES;
        let e = self.tlb[access.index()][slot];
        if e.valid && e.vpn == vpn && (e.global || e.asid == asid) {
            let needs_update =
                e.pte & PTE_A == 0 || (access == AccessType::Store && e.pte & PTE_D == 0);
            if !needs_update {
                check_leaf(e.pte, access, eff, csr).map_err(|_| access.page_fault(vaddr))?;
                let paddr = (e.ppn << PAGE_SHIFT) | (vaddr & 0xfff);
                if !csr.pmp.check(paddr, size, access, eff) {
                    return Err(access.access_fault(vaddr));
                }
                return Ok(Translation {
                    paddr,
                    walked: false,
                });
            }
        }
        self.walk(vaddr, size, access, eff, levels, asid, csr, mem)
    }

    #[allow(clippy::too_many_arguments)]
    fn walk<M: PhysMem>(
        &mut self,
        vaddr: u64,
        size: u64,
        access: AccessType,
        eff: Privilege,
        levels: u32,
        asid: u16,
        csr: &CsrFile,
        mem: &mut M,
    ) -> Result<Translation, Exception> {
        let page_fault = access.page_fault(vaddr);
        let access_fault = access.access_fault(vaddr);
        let mut table = (csr.satp & PTE_PPN_MASK) << PAGE_SHIFT;
        let mut level = levels - 1;
        let (pte, pte_addr) = loop {
            let index = (vaddr >> (PAGE_SHIFT + 9 * level)) & 0x1ff;
            let pte_addr = table.wrapping_add(index * 8);
            if !csr
                .pmp
                .check(pte_addr, 8, AccessType::Load, Privilege::Supervisor)
            {
                return Err(access_fault);
            }
            let pte = mem.read_u64(pte_addr).ok_or(access_fault)?;
            self.walk[self.walk_len] = pte_addr;
            self.walk_len += 1;
            if pte & PTE_V == 0 || (pte & PTE_R == 0 && pte & PTE_W != 0) {
                return Err(page_fault);
            }
            if pte & PTE_RESERVED != 0 {
                return Err(page_fault);
            }
            if pte & (PTE_R | PTE_X) != 0 {
                break (pte, pte_addr);
            }
            if level == 0 {
                return Err(page_fault);
            }
            level -= 1;
            table = ((pte >> PTE_PPN_SHIFT) & PTE_PPN_MASK) << PAGE_SHIFT;
        };
        check_leaf(pte, access, eff, csr).map_err(|_| page_fault)?;
        let pte_ppn = (pte >> PTE_PPN_SHIFT) & PTE_PPN_MASK;
        let low_mask = (1u64 << (9 * level)) - 1;
        if pte_ppn & low_mask != 0 {
            return Err(page_fault);
        }
        let mut pte = pte;
        let mut wanted = PTE_A;
        if access == AccessType::Store {
            wanted |= PTE_D;
        }
        if pte & wanted != wanted {
            pte |= wanted;
            if !csr
                .pmp
                .check(pte_addr, 8, AccessType::Store, Privilege::Supervisor)
                || !mem.write_u64(pte_addr, pte)
            {
                return Err(access_fault);
            }
        }
        let vpn = vaddr >> PAGE_SHIFT;
        let ppn = pte_ppn | (vpn & low_mask);
        let paddr = (ppn << PAGE_SHIFT) | (vaddr & 0xfff);
        if !csr.pmp.check(paddr, size, access, eff) {
            return Err(access_fault);
        }
        let entry = TlbEntry {
            valid: true,
            global: pte & PTE_G != 0,
            level: level as u8,
            asid,
            vpn,
            ppn,
            pte,
        };
        self.tlb[access.index()][(vpn as usize) % TLB_ENTRIES] = entry;
        Ok(Translation {
            paddr,
            walked: true,
        })
    }
}

/// Permission rules for a leaf PTE: U-bit rules (SUM, S never fetches from
/// U pages), then R/W/X with MXR.
fn check_leaf(pte: u64, access: AccessType, eff: Privilege, csr: &CsrFile) -> Result<(), ()> {
    let user_page = pte & PTE_U != 0;
    match eff {
        Privilege::User if !user_page => return Err(()),
        Privilege::Supervisor if user_page => {
            if access == AccessType::Fetch || csr.mstatus & MSTATUS_SUM == 0 {
                return Err(());
            }
        }
        _ => {}
    }
    let ok = match access {
        AccessType::Fetch => pte & PTE_X != 0,
        AccessType::Load => {
            pte & PTE_R != 0 || (csr.mstatus & MSTATUS_MXR != 0 && pte & PTE_X != 0)
        }
        AccessType::Store => pte & PTE_W != 0,
    };
    if ok {
        Ok(())
    } else {
        Err(())
    }
}
