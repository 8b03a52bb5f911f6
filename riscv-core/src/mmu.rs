//! Virtual-memory translation: Bare, Sv39 and Sv48 (privileged spec 1.12,
//! section 4.3-4.5), with MPRV/SUM/MXR, hardware A/D updates (as QEMU does),
//! PMP checks of every PTE read and of the final physical range, and a TLB.
//!
//! The TLB is direct-mapped, 256 entries per access type, indexed and tagged
//! by the 4 KiB virtual page number (a superpage fills one entry per 4 KiB
//! page touched). Entries carry the ASID, the global bit and the leaf PTE, so
//! permission checks run on every hit: mstatus SUM/MXR/MPRV changes need no
//! flush. satp and PMP writes must call `flush(None, None)`.
//!
//! The MMU also owns the hart's [`HostTlb`] (the loads' and stores' fast
//! path): its entries for paged accesses stand for entries of this TLB, so
//! every entry this TLB drops (a fill's eviction, a flush) drops the host
//! entry of the same page too.

use crate::csr::{
    CsrFile, MSTATUS_MPRV, MSTATUS_MXR, MSTATUS_SUM, SATP_MODE_BARE, SATP_MODE_SV39, SATP_MODE_SV48,
};
use crate::host_tlb::{self, HostTlb};
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

/// The access types in `AccessType::index` order.
const ACCESS_TYPES: [AccessType; 3] = [AccessType::Fetch, AccessType::Load, AccessType::Store];

impl AccessType {
    pub(crate) fn index(self) -> usize {
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
#[derive(Clone)]
pub struct Mmu {
    tlb: Box<[[TlbEntry; TLB_ENTRIES]; 3]>,
    /// Where the valid entries are (table * TLB_ENTRIES + slot), in no
    /// order: a flush (one per sfence.vma) visits them, not every slot.
    valid_slots: Vec<u16>,
    walk: [u64; MAX_LEVELS],
    walk_len: usize,
    /// Leaf level of the last walk that found its page.
    walk_leaf_level: u8,
    /// The fast path's cache of checked pages (see `host_tlb.rs`).
    host: HostTlb,
}

impl std::fmt::Debug for Mmu {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let valid = self.tlb.iter().flatten().filter(|e| e.valid).count();
        f.debug_struct("Mmu")
            .field("valid_tlb_entries", &valid)
            .field("last_walk", &self.last_walk())
            .field("host", &self.host)
            .finish()
    }
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
            valid_slots: Vec::with_capacity(3 * TLB_ENTRIES),
            walk: [0; MAX_LEVELS],
            walk_len: 0,
            walk_leaf_level: 0,
            host: HostTlb::new(),
        }
    }

    /// The host TLB (the loads' and stores' fast path).
    #[inline(always)]
    pub fn host(&self) -> &HostTlb {
        &self.host
    }

    /// Physical addresses of the PTEs read by the last translation (empty
    /// when it hit in the TLB or needed no translation), also when the
    /// walk ended in a fault.
    pub fn last_walk(&self) -> &[u64] {
        &self.walk[..self.walk_len]
    }

    /// Size in bytes of the page the last successful walk mapped (4 KiB,
    /// or a 2 MiB / 1 GiB / 512 GiB superpage).
    pub fn last_walk_page_size(&self) -> u64 {
        1 << (PAGE_SHIFT + 9 * self.walk_leaf_level as u32)
    }

    /// sfence.vma semantics: `vaddr` restricts to entries mapping that
    /// address, `asid` to non-global entries of that address space.
    pub fn flush(&mut self, vaddr: Option<u64>, asid: Option<u64>) {
        if vaddr.is_none() && asid.is_none() {
            // Also drops the M-mode and Bare entries, which satp and PMP
            // writes (the callers of a full flush) may change; with it
            // every host entry is gone, so none is dropped one by one.
            self.host.flush();
            for at in self.valid_slots.drain(..).map(usize::from) {
                self.tlb[at / TLB_ENTRIES][at % TLB_ENTRIES].valid = false;
            }
            return;
        }
        let (tlb, host) = (&mut self.tlb, &mut self.host);
        // Keeps the slots whose entry stays valid.
        self.valid_slots.retain(|&at| {
            let table = at as usize / TLB_ENTRIES;
            let e = &mut tlb[table][at as usize % TLB_ENTRIES];
            debug_assert!(e.valid);
            if let Some(a) = asid {
                if e.global || e.asid as u64 != a & 0xffff {
                    return true;
                }
            }
            if let Some(va) = vaddr {
                let shift = 9 * e.level as u32;
                if (e.vpn >> shift) != ((va >> PAGE_SHIFT) >> shift) {
                    return true;
                }
            }
            e.valid = false;
            host.invalidate_page(ACCESS_TYPES[table], e.vpn);
            false
        });
    }

    /// Translates `[vaddr, vaddr+size)` for `access` at `privilege`
    /// (the hart's current mode; MPRV is applied here). Faults carry
    /// tval = vaddr. The access must not cross a page boundary (the executor
    /// splits such accesses): only vaddr's page is translated and the PMP
    /// check covers `[paddr, paddr+size)`.
    #[inline]
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
        let eff = effective_privilege(access, privilege, csr);
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
        self.translate_paged(vaddr, size, access, eff, mode, csr, mem)
    }

    /// The paged part of `translate` (kept out of line: M-mode and Bare
    /// accesses are the hot, simple case).
    #[inline(never)]
    #[allow(clippy::too_many_arguments)]
    fn translate_paged<M: PhysMem>(
        &mut self,
        vaddr: u64,
        size: u64,
        access: AccessType,
        eff: Privilege,
        mode: u64,
        csr: &CsrFile,
        mem: &mut M,
    ) -> Result<Translation, Exception> {
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

    /// Lets later `access`es to the page of `vaddr` take the fast path, if
    /// it qualifies (see `host_tlb.rs`). Call it right after `translate`
    /// returned `paddr` for this access at `privilege` and the access to
    /// RAM `[ram_base, ram_base + ram_size)` completed. Checks again that a
    /// paged translation is the one of this TLB's entry, then that the
    /// whole physical page is RAM and that PMP grants `access` on all of it.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn fill_host(
        &mut self,
        access: AccessType,
        vaddr: u64,
        paddr: u64,
        privilege: Privilege,
        csr: &CsrFile,
        ram_base: u64,
        ram_size: u64,
    ) {
        const PAGE: u64 = 1 << PAGE_SHIFT;
        let eff = effective_privilege(access, privilege, csr);
        if eff != Privilege::Machine && csr.satp >> 60 != SATP_MODE_BARE {
            let vpn = vaddr >> PAGE_SHIFT;
            let asid = ((csr.satp >> 44) & 0xffff) as u16;
            let e = &self.tlb[access.index()][(vpn as usize) % TLB_ENTRIES];
            let dirty = access != AccessType::Store || e.pte & PTE_D != 0;
            if !(e.valid
                && e.vpn == vpn
                && (e.global || e.asid == asid)
                && e.pte & PTE_A != 0
                && dirty
                && e.ppn == paddr >> PAGE_SHIFT)
            {
                return;
            }
        }
        let page = paddr & !(PAGE - 1);
        let page_offset = page.wrapping_sub(ram_base);
        if page_offset >= ram_size || ram_size - page_offset < PAGE {
            return;
        }
        if !csr.pmp.check(page, PAGE, access, eff) {
            return;
        }
        let context = host_tlb::context_of(access, privilege, csr.mstatus);
        self.host.fill(access, vaddr, context, paddr - ram_base);
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
        self.walk_leaf_level = level as u8;
        let entry = TlbEntry {
            valid: true,
            global: pte & PTE_G != 0,
            level: level as u8,
            asid,
            vpn,
            ppn,
            pte,
        };
        let slot = (vpn as usize) % TLB_ENTRIES;
        let e = &mut self.tlb[access.index()][slot];
        if e.valid {
            // The page this evicts loses its host entry with it.
            self.host.invalidate_page(access, e.vpn);
        } else {
            self.valid_slots
                .push((access.index() * TLB_ENTRIES + slot) as u16);
        }
        *e = entry;
        Ok(Translation {
            paddr,
            walked: true,
        })
    }
}

/// The privilege a `access` at `privilege` is checked and translated at:
/// with mstatus.MPRV, M-mode loads and stores act as mstatus.MPP.
#[inline(always)]
fn effective_privilege(access: AccessType, privilege: Privilege, csr: &CsrFile) -> Privilege {
    if access != AccessType::Fetch
        && privilege == Privilege::Machine
        && csr.mstatus & MSTATUS_MPRV != 0
    {
        csr.mpp()
    } else {
        privilege
    }
}

/// Permission rules for a leaf PTE: U-bit rules (SUM, S never fetches from
/// U pages), then R/W/X with MXR.
fn check_leaf(pte: u64, access: AccessType, eff: Privilege, csr: &CsrFile) -> Result<(), ()> {
    let user_page = pte & PTE_U != 0;
    let privilege_ok = match eff {
        Privilege::User => user_page,
        Privilege::Supervisor => {
            !user_page || (access != AccessType::Fetch && csr.mstatus & MSTATUS_SUM != 0)
        }
        Privilege::Machine => true,
    };
    let permission_ok = match access {
        AccessType::Fetch => pte & PTE_X != 0,
        AccessType::Load => {
            pte & PTE_R != 0 || (csr.mstatus & MSTATUS_MXR != 0 && pte & PTE_X != 0)
        }
        AccessType::Store => pte & PTE_W != 0,
    };
    if privilege_ok && permission_ok {
        Ok(())
    } else {
        Err(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csr::num::*;
    use crate::csr::{MSTATUS_MPP, MSTATUS_MPP_SHIFT};
    use AccessType::*;
    use ExceptionCause::*;
    use Privilege::*;

    const BASE: u64 = 0x8000_0000;

    /// Vec-backed physical memory at BASE with a bump allocator for tables.
    struct TestMem {
        data: Vec<u8>,
        next_table: u64,
        fail_writes: bool,
    }

    impl PhysMem for TestMem {
        fn read_u64(&mut self, paddr: u64) -> Option<u64> {
            let off = paddr.checked_sub(BASE)? as usize;
            let bytes = self.data.get(off..off + 8)?;
            Some(u64::from_le_bytes(bytes.try_into().ok()?))
        }
        fn write_u64(&mut self, paddr: u64, value: u64) -> bool {
            if self.fail_writes {
                return false;
            }
            let Some(off) = paddr.checked_sub(BASE) else {
                return false;
            };
            match self.data.get_mut(off as usize..off as usize + 8) {
                Some(b) => {
                    b.copy_from_slice(&value.to_le_bytes());
                    true
                }
                None => false,
            }
        }
    }

    const ROOT: u64 = BASE;
    const RWX: u64 = PTE_R | PTE_W | PTE_X;

    impl TestMem {
        fn new() -> Self {
            Self {
                data: vec![0; 1 << 20],
                next_table: BASE + 0x1000,
                fail_writes: false,
            }
        }
        fn pte(&mut self, addr: u64) -> u64 {
            self.read_u64(addr).unwrap()
        }
        /// Maps `va` to `pa` with a leaf at `leaf_level`; returns the leaf
        /// PTE's address. `flags` are the leaf's bits (V added).
        fn map(&mut self, levels: u32, va: u64, pa: u64, leaf_level: u32, flags: u64) -> u64 {
            let mut table = ROOT;
            let mut level = levels - 1;
            loop {
                let addr = table + ((va >> (12 + 9 * level)) & 0x1ff) * 8;
                if level == leaf_level {
                    let pte = ((pa >> 12) << PTE_PPN_SHIFT) | flags | PTE_V;
                    assert!(self.write_u64(addr, pte));
                    return addr;
                }
                let mut pte = self.pte(addr);
                if pte & PTE_V == 0 {
                    let t = self.next_table;
                    self.next_table += 0x1000;
                    pte = ((t >> 12) << PTE_PPN_SHIFT) | PTE_V;
                    assert!(self.write_u64(addr, pte));
                }
                table = ((pte >> PTE_PPN_SHIFT) & PTE_PPN_MASK) << 12;
                level -= 1;
            }
        }
    }

    /// S-mode-ready CSRs: PMP allows everything, satp = mode/ASID/ROOT.
    fn csr(mode: u64, asid: u64) -> CsrFile {
        let mut c = CsrFile::new(0);
        c.write(PMPADDR0, u64::MAX, Machine).unwrap();
        c.write(PMPCFG0, 0x1f, Machine).unwrap(); // NAPOT RWX
        c.write(SATP, (mode << 60) | (asid << 44) | (ROOT >> 12), Machine)
            .unwrap();
        c
    }

    fn set_mpp(c: &mut CsrFile, p: Privilege) {
        c.mstatus = (c.mstatus & !MSTATUS_MPP) | ((p as u64) << MSTATUS_MPP_SHIFT);
    }

    fn fault(cause: ExceptionCause, tval: u64) -> Result<Translation, Exception> {
        Err(Exception::new(cause, tval))
    }

    #[test]
    fn bare_and_machine_mode_are_identity() {
        let mut m = TestMem::new();
        let mut mmu = Mmu::new();
        let mut c = csr(SATP_MODE_BARE, 0);
        let t = mmu
            .translate(0x1234_5678, 4, Load, Supervisor, &c, &mut m)
            .unwrap();
        assert_eq!(
            t,
            Translation {
                paddr: 0x1234_5678,
                walked: false
            }
        );
        c.write(SATP, (SATP_MODE_SV39 << 60) | (ROOT >> 12), Machine)
            .unwrap();
        let t = mmu
            .translate(0x4000, 8, Store, Machine, &c, &mut m)
            .unwrap();
        assert_eq!(t.paddr, 0x4000);
        assert!(mmu.last_walk().is_empty());
        // No PMP entry: S/U fail, M succeeds.
        let c = CsrFile::new(0);
        assert_eq!(
            mmu.translate(0x10, 4, Fetch, User, &c, &mut m),
            fault(InstructionAccessFault, 0x10)
        );
        assert!(mmu.translate(0x10, 4, Fetch, Machine, &c, &mut m).is_ok());
    }

    #[test]
    fn sv39_4k_2m_1g_pages() {
        let mut m = TestMem::new();
        let mut mmu = Mmu::new();
        let c = csr(SATP_MODE_SV39, 1);
        m.map(3, 0x3f_0000_1000, 0x9000_5000, 0, RWX | PTE_U);
        m.map(3, 0x20_0020_0000, 0x8060_0000, 1, PTE_R | PTE_U);
        m.map(3, 0x3f_c000_0000, 0xc000_0000, 2, PTE_R | PTE_X);
        // Negative (sign-extended) address through the last root entry.
        m.map(3, 0xffff_ffff_c000_0000, 0x4000_0000, 2, PTE_R);
        let t = mmu
            .translate(0x3f_0000_1abc, 4, Load, User, &c, &mut m)
            .unwrap();
        assert_eq!(
            t,
            Translation {
                paddr: 0x9000_5abc,
                walked: true
            }
        );
        assert_eq!(mmu.last_walk().len(), 3);
        assert_eq!(mmu.last_walk_page_size(), 4096);
        assert_eq!(
            mmu.last_walk()[0],
            ROOT + ((0x3f_0000_1000u64 >> 30) & 0x1ff) * 8
        );
        let t = mmu
            .translate(0x20_003f_fff8, 8, Load, User, &c, &mut m)
            .unwrap();
        assert_eq!(t.paddr, 0x807f_fff8);
        assert_eq!(mmu.last_walk().len(), 2);
        assert_eq!(mmu.last_walk_page_size(), 2 << 20);
        let t = mmu
            .translate(0x3f_c123_4566, 2, Fetch, Supervisor, &c, &mut m)
            .unwrap();
        assert_eq!(t.paddr, 0xc123_4566);
        assert_eq!(mmu.last_walk().len(), 1);
        assert_eq!(mmu.last_walk_page_size(), 1 << 30);
        let t = mmu
            .translate(0xffff_ffff_c000_0010, 8, Load, Supervisor, &c, &mut m)
            .unwrap();
        assert_eq!(t.paddr, 0x4000_0010);
    }

    #[test]
    fn sv48_walks() {
        let mut m = TestMem::new();
        let mut mmu = Mmu::new();
        let c = csr(SATP_MODE_SV48, 0);
        m.map(4, 0x7fff_0000_3000, 0x8123_4000, 0, PTE_R | PTE_W);
        m.map(4, 0x0100_4000_0000, 0x1_4000_0000, 2, PTE_R);
        m.map(4, 0x0180_0000_0000, 0x80_0000_0000, 3, PTE_R);
        let t = mmu
            .translate(0x7fff_0000_3008, 8, Store, Supervisor, &c, &mut m)
            .unwrap();
        assert_eq!(t.paddr, 0x8123_4008);
        assert_eq!(mmu.last_walk().len(), 4);
        let t = mmu
            .translate(0x0100_7fff_fff0, 8, Load, Supervisor, &c, &mut m)
            .unwrap();
        assert_eq!(t.paddr, 0x1_7fff_fff0);
        assert_eq!(mmu.last_walk().len(), 2);
        let t = mmu
            .translate(0x0181_2345_6780, 8, Load, Supervisor, &c, &mut m)
            .unwrap();
        assert_eq!(t.paddr, 0x81_2345_6780);
        // Sv39-canonical but Sv48 address works; Sv48 non-canonical faults.
        assert_eq!(
            mmu.translate(0x8000_0000_0000, 8, Load, Supervisor, &c, &mut m),
            fault(LoadPageFault, 0x8000_0000_0000)
        );
    }

    #[test]
    fn non_canonical_addresses_fault() {
        let mut m = TestMem::new();
        let mut mmu = Mmu::new();
        let c = csr(SATP_MODE_SV39, 0);
        for va in [
            0x40_0000_0000u64,
            0x8000_0000_0000_0000,
            0xffff_ffbf_ffff_f000,
        ] {
            assert_eq!(
                mmu.translate(va, 1, Fetch, User, &c, &mut m),
                fault(InstructionPageFault, va)
            );
            assert_eq!(
                mmu.translate(va, 1, Load, User, &c, &mut m),
                fault(LoadPageFault, va)
            );
            assert_eq!(
                mmu.translate(va, 1, Store, User, &c, &mut m),
                fault(StorePageFault, va)
            );
            assert!(mmu.last_walk().is_empty());
        }
    }

    #[test]
    fn invalid_ptes_fault() {
        let mut m = TestMem::new();
        let mut mmu = Mmu::new();
        let c = csr(SATP_MODE_SV39, 0);
        // V = 0 (unmapped).
        assert_eq!(
            mmu.translate(0x5000, 4, Load, Supervisor, &c, &mut m),
            fault(LoadPageFault, 0x5000)
        );
        // W=1, R=0.
        m.map(3, 0x6000, 0x8000_6000, 0, PTE_W | PTE_X);
        assert_eq!(
            mmu.translate(0x6000, 4, Fetch, Supervisor, &c, &mut m),
            fault(InstructionPageFault, 0x6000)
        );
        // Reserved bits 63:54.
        let a = m.map(3, 0x7000, 0x8000_7000, 0, RWX);
        let pte = m.pte(a);
        m.write_u64(a, pte | (1 << 61));
        assert_eq!(
            mmu.translate(0x7004, 4, Store, Supervisor, &c, &mut m),
            fault(StorePageFault, 0x7004)
        );
        // Non-leaf at level 0: make a level-0 PTE point to another table.
        let a = m.map(3, 0x8000, 0x8000_8000, 0, 0);
        assert_eq!(m.pte(a) & RWX, 0);
        assert_eq!(
            mmu.translate(0x8000, 4, Load, Supervisor, &c, &mut m),
            fault(LoadPageFault, 0x8000)
        );
        assert_eq!(mmu.last_walk().len(), 3);
    }

    #[test]
    fn misaligned_superpage_faults() {
        let mut m = TestMem::new();
        let mut mmu = Mmu::new();
        let c = csr(SATP_MODE_SV39, 0);
        m.map(3, 0x20_0000, 0x8000_1000, 1, RWX);
        m.map(3, 0x4000_0000, 0x8020_0000, 2, RWX);
        assert_eq!(
            mmu.translate(0x20_0000, 4, Load, Supervisor, &c, &mut m),
            fault(LoadPageFault, 0x20_0000)
        );
        assert_eq!(
            mmu.translate(0x4000_0008, 4, Store, Supervisor, &c, &mut m),
            fault(StorePageFault, 0x4000_0008)
        );
    }

    #[test]
    fn u_bit_sum_mxr_rules() {
        let mut m = TestMem::new();
        let mut mmu = Mmu::new();
        let mut c = csr(SATP_MODE_SV39, 0);
        m.map(3, 0x1000, 0x8000_1000, 0, RWX); // supervisor page
        m.map(3, 0x2000, 0x8000_2000, 0, RWX | PTE_U); // user page
        m.map(3, 0x3000, 0x8000_3000, 0, PTE_X | PTE_U); // execute-only
        m.map(3, 0x4000, 0x8000_4000, 0, PTE_R | PTE_U); // read-only
                                                         // U cannot touch S pages.
        assert_eq!(
            mmu.translate(0x1000, 4, Load, User, &c, &mut m),
            fault(LoadPageFault, 0x1000)
        );
        assert_eq!(
            mmu.translate(0x1000, 4, Fetch, User, &c, &mut m),
            fault(InstructionPageFault, 0x1000)
        );
        // S on a U page: only with SUM, never fetch.
        assert_eq!(
            mmu.translate(0x2000, 4, Load, Supervisor, &c, &mut m),
            fault(LoadPageFault, 0x2000)
        );
        c.mstatus |= MSTATUS_SUM;
        assert!(mmu
            .translate(0x2000, 4, Load, Supervisor, &c, &mut m)
            .is_ok());
        assert!(mmu
            .translate(0x2000, 4, Store, Supervisor, &c, &mut m)
            .is_ok());
        assert_eq!(
            mmu.translate(0x2000, 4, Fetch, Supervisor, &c, &mut m),
            fault(InstructionPageFault, 0x2000)
        );
        // SUM cleared again: the cached entry is re-checked (no flush).
        c.mstatus &= !MSTATUS_SUM;
        assert_eq!(
            mmu.translate(0x2000, 4, Load, Supervisor, &c, &mut m),
            fault(LoadPageFault, 0x2000)
        );
        // X-only: fetch fine, load needs MXR.
        assert!(mmu.translate(0x3000, 4, Fetch, User, &c, &mut m).is_ok());
        assert_eq!(
            mmu.translate(0x3000, 4, Load, User, &c, &mut m),
            fault(LoadPageFault, 0x3000)
        );
        c.mstatus |= MSTATUS_MXR;
        assert_eq!(
            mmu.translate(0x3010, 4, Load, User, &c, &mut m)
                .unwrap()
                .paddr,
            0x8000_3010
        );
        // Read-only: store faults, fetch faults.
        assert_eq!(
            mmu.translate(0x4000, 4, Store, User, &c, &mut m),
            fault(StorePageFault, 0x4000)
        );
        assert_eq!(
            mmu.translate(0x4000, 4, Fetch, User, &c, &mut m),
            fault(InstructionPageFault, 0x4000)
        );
    }

    #[test]
    fn mprv_uses_mpp_for_data_only() {
        let mut m = TestMem::new();
        let mut mmu = Mmu::new();
        let mut c = csr(SATP_MODE_SV39, 0);
        m.map(3, 0x2000, 0x8000_2000, 0, RWX | PTE_U);
        c.mstatus |= MSTATUS_MPRV;
        set_mpp(&mut c, User);
        assert_eq!(
            mmu.translate(0x2008, 8, Load, Machine, &c, &mut m)
                .unwrap()
                .paddr,
            0x8000_2008
        );
        assert_eq!(
            mmu.translate(0x2008, 8, Fetch, Machine, &c, &mut m)
                .unwrap()
                .paddr,
            0x2008
        );
        set_mpp(&mut c, Supervisor);
        assert_eq!(
            mmu.translate(0x2008, 8, Store, Machine, &c, &mut m),
            fault(StorePageFault, 0x2008)
        );
        set_mpp(&mut c, Machine);
        assert_eq!(
            mmu.translate(0x2008, 8, Store, Machine, &c, &mut m)
                .unwrap()
                .paddr,
            0x2008
        );
    }

    #[test]
    fn accessed_and_dirty_bits() {
        let mut m = TestMem::new();
        let mut mmu = Mmu::new();
        let c = csr(SATP_MODE_SV39, 0);
        let a = m.map(3, 0x1000, 0x8000_1000, 0, PTE_R | PTE_W);
        mmu.translate(0x1000, 4, Load, Supervisor, &c, &mut m)
            .unwrap();
        assert_eq!(m.pte(a) & (PTE_A | PTE_D), PTE_A);
        let t = mmu
            .translate(0x1000, 4, Store, Supervisor, &c, &mut m)
            .unwrap();
        assert!(t.walked, "store TLB is separate and needs D");
        assert_eq!(m.pte(a) & (PTE_A | PTE_D), PTE_A | PTE_D);
        // Faulting accesses leave A alone.
        let b = m.map(3, 0x3000, 0x8000_3000, 0, PTE_R);
        assert!(mmu
            .translate(0x3000, 4, Store, Supervisor, &c, &mut m)
            .is_err());
        assert_eq!(m.pte(b) & PTE_A, 0);
        // A failed A/D write-back is an access fault.
        let d = m.map(3, 0x5000, 0x8000_5000, 0, PTE_R);
        m.fail_writes = true;
        assert_eq!(
            mmu.translate(0x5000, 4, Load, Supervisor, &c, &mut m),
            fault(LoadAccessFault, 0x5000)
        );
        m.fail_writes = false;
        assert_eq!(m.pte(d) & PTE_A, 0);
    }

    #[test]
    fn walk_access_faults() {
        let mut m = TestMem::new();
        let mut mmu = Mmu::new();
        let mut c = csr(SATP_MODE_SV39, 0);
        // Root outside memory.
        c.write(SATP, (SATP_MODE_SV39 << 60) | 0x10, Machine)
            .unwrap();
        assert_eq!(
            mmu.translate(0x1000, 4, Fetch, User, &c, &mut m),
            fault(InstructionAccessFault, 0x1000)
        );
        // PMP denies S reads of the page tables (TOR [0, BASE+1MiB) no perms, then all RWX).
        let mut c = CsrFile::new(0);
        c.write(SATP, (SATP_MODE_SV39 << 60) | (ROOT >> 12), Machine)
            .unwrap();
        c.write(PMPADDR0, (BASE + (1 << 20)) >> 2, Machine).unwrap();
        c.write(PMPADDR0 + 1, u64::MAX, Machine).unwrap();
        c.write(PMPCFG0, 0x08 | (0x1f << 8), Machine).unwrap();
        m.map(3, 0x1000, 0x9000_0000, 0, RWX);
        assert_eq!(
            mmu.translate(0x1000, 4, Store, Supervisor, &c, &mut m),
            fault(StoreAccessFault, 0x1000)
        );
        // PMP denies the final physical range: entry0 = NAPOT 4 KiB at
        // 0x9000_0000 without permissions, entry1 = everything.
        let mut c = csr(SATP_MODE_SV39, 0);
        c.write(PMPADDR0, (0x9000_0000 >> 2) | 0x1ff, Machine)
            .unwrap();
        c.write(PMPADDR0 + 1, u64::MAX, Machine).unwrap();
        c.write(PMPCFG0, 0x18 | (0x1f << 8), Machine).unwrap();
        assert_eq!(
            mmu.translate(0x1008, 4, Load, Supervisor, &c, &mut m),
            fault(LoadAccessFault, 0x1008)
        );
        // A TLB hit still checks PMP.
        mmu.flush(None, None);
        let ok = csr(SATP_MODE_SV39, 0);
        assert!(mmu
            .translate(0x1008, 4, Load, Supervisor, &ok, &mut m)
            .is_ok());
        assert_eq!(
            mmu.translate(0x1008, 4, Load, Supervisor, &c, &mut m),
            fault(LoadAccessFault, 0x1008)
        );
    }

    #[test]
    fn tlb_hits_and_flushes() {
        let mut m = TestMem::new();
        let mut mmu = Mmu::new();
        let c1 = csr(SATP_MODE_SV39, 1);
        let c2 = csr(SATP_MODE_SV39, 2);
        m.map(3, 0x1000, 0x8000_1000, 0, RWX);
        m.map(3, 0x2000, 0x8000_2000, 0, RWX | PTE_G);
        m.map(3, 0x40_0000, 0x8040_0000, 1, RWX);
        let walked = |mmu: &mut Mmu, m: &mut TestMem, va: u64, c: &CsrFile| {
            mmu.translate(va, 4, Load, Supervisor, c, m).unwrap().walked
        };
        assert!(walked(&mut mmu, &mut m, 0x1000, &c1));
        assert!(!walked(&mut mmu, &mut m, 0x1ffc, &c1));
        assert!(mmu.last_walk().is_empty());
        assert!(walked(&mut mmu, &mut m, 0x2000, &c1));
        // Another ASID misses non-global entries, hits global ones.
        assert!(!walked(&mut mmu, &mut m, 0x2000, &c2));
        assert!(walked(&mut mmu, &mut m, 0x1000, &c2));
        // (direct-mapped: ASID 2's entry replaced ASID 1's in that slot)
        assert!(!walked(&mut mmu, &mut m, 0x1000, &c2));
        // ASID flush: only that ASID's non-global entries.
        mmu.flush(None, Some(1));
        assert!(!walked(&mut mmu, &mut m, 0x1000, &c2), "other ASID kept");
        assert!(
            !walked(&mut mmu, &mut m, 0x2000, &c1),
            "global survives ASID flush"
        );
        mmu.flush(None, Some(2));
        assert!(walked(&mut mmu, &mut m, 0x1000, &c2));
        assert!(!walked(&mut mmu, &mut m, 0x2000, &c2));
        assert!(walked(&mut mmu, &mut m, 0x1000, &c1));
        // Address flush, any ASID, globals included.
        mmu.flush(Some(0x2abc), None);
        assert!(walked(&mut mmu, &mut m, 0x2000, &c1));
        assert!(!walked(&mut mmu, &mut m, 0x1000, &c1));
        // Address + ASID flush keeps globals.
        mmu.flush(Some(0x2000), Some(1));
        assert!(!walked(&mut mmu, &mut m, 0x2000, &c1));
        mmu.flush(Some(0x1000), Some(2));
        assert!(!walked(&mut mmu, &mut m, 0x1000, &c1), "other ASID kept");
        // Superpage: flush by any address inside it.
        assert!(walked(&mut mmu, &mut m, 0x40_1000, &c1));
        assert!(!walked(&mut mmu, &mut m, 0x40_1000, &c1));
        mmu.flush(Some(0x5f_f000), None);
        assert!(walked(&mut mmu, &mut m, 0x40_1000, &c1));
        // Full flush.
        mmu.flush(None, None);
        assert!(walked(&mut mmu, &mut m, 0x2000, &c1));
        assert!(walked(&mut mmu, &mut m, 0x1000, &c1));
    }

    #[test]
    fn stale_tlb_entry_until_flush() {
        let mut m = TestMem::new();
        let mut mmu = Mmu::new();
        let c = csr(SATP_MODE_SV39, 0);
        let a = m.map(3, 0x1000, 0x8000_1000, 0, RWX);
        assert_eq!(
            mmu.translate(0x1000, 4, Load, Supervisor, &c, &mut m)
                .unwrap()
                .paddr,
            0x8000_1000
        );
        m.write_u64(a, 0);
        assert!(mmu
            .translate(0x1000, 4, Load, Supervisor, &c, &mut m)
            .is_ok());
        mmu.flush(Some(0x1000), None);
        assert_eq!(
            mmu.translate(0x1000, 4, Load, Supervisor, &c, &mut m),
            fault(LoadPageFault, 0x1000)
        );
    }
}
