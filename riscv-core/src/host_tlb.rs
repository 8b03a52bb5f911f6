//! Host TLB: a per-hart, direct-mapped cache from a guest virtual page to
//! the offset in RAM of the physical page it maps, so that an aligned load
//! or store to RAM through a translation already checked costs a tag
//! compare and an indexed access (issue #2), and so does the translation
//! of a block's pc when the block cache must build or check a block again
//! (after every satp write or sfence.vma, for each block run next).
//!
//! Why it is exact, i.e. why a hit does what the slow path (`Mmu::translate`,
//! then `Bus::read`/`Bus::write`) would do. An entry for (page, access,
//! context) is filled only right after the slow path performed an aligned
//! access of that type to that page and every check it would repeat on a
//! later aligned access anywhere in the page passed:
//!
//! - Translation. A paged access just hit or filled the MMU's TLB entry for
//!   the page; the slow path would hit it again, since it walks only on a
//!   miss. The host entry goes whenever that MMU entry does (evicted by a
//!   fill of its slot, or flushed: see `Mmu`), so it never outlives it. A
//!   store entry is only filled by a store, i.e. from the MMU's store TLB,
//!   whose entries have A and D set: no A/D update is skipped. M-mode and
//!   Bare accesses are untranslated; satp writes flush the table.
//! - Leaf permissions (`check_leaf`): they depend on the PTE (fixed while
//!   the MMU entry lives), the access type (one table per type), the
//!   effective privilege and mstatus.SUM/MXR. The privilege and the
//!   mstatus bits that decide the rest (MPRV, MPP, SUM, MXR) are part of
//!   the tag ([`context`]), so traps, xRET and mstatus writes need no flush.
//!   A fetch's outcome depends on none of those bits (MPRV does not apply
//!   to fetches, SUM and MXR only to loads and stores): its tag has the
//!   privilege alone, so a kernel that sets SUM around a copy keeps its
//!   code's entries.
//! - PMP: the whole 4 KiB physical page passed the check for this access
//!   type and effective privilege. The entry that decided that matches the
//!   whole page and no lower entry matches any of it, so it decides every
//!   access inside the page the same way. PMP writes flush the table.
//! - RAM: the whole physical page is RAM, so the bus reaches no device and
//!   does not fault.
//!
//! Machine mode without active PMP entries (and, for loads and stores,
//! without MPRV) needs no entry: there the slow path checks nothing that
//! could fail for RAM, so the fast path goes to RAM at the physical address
//! straight away.
//!
//! What the slow path does after its checks the fast path does too: the
//! same RAM bytes, `reservations.on_store` for stores, and the same events
//! for a timing sink (a hit is an MMU TLB hit: no walk to report).

use crate::csr::{CsrFile, MSTATUS_MPP, MSTATUS_MPRV, MSTATUS_MXR, MSTATUS_SUM};
use crate::fill_log::{FillLog, Filled};
use crate::mmu::AccessType;
use sim_core::Privilege;

/// Entries per table: enough for a 16 MiB working set of 4 KiB pages
/// (entries for paged accesses are bounded by the MMU TLB anyway).
const ENTRIES: usize = 4096;
const PAGE_MASK: u64 = 0xfff;

/// The mstatus bits that decide a data access's effective privilege and
/// its leaf permission checks.
const CONTEXT_MSTATUS: u64 = MSTATUS_MPP | MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR;
/// They sit in mstatus bits 11..19; shifted down by 8 they take bits 3, 4
/// and 9..11 of a tag.
const CONTEXT_SHIFT: u32 = 8;
/// The privilege (0, 1 or 3) takes bits 5 and 6.
const PRIVILEGE_SHIFT: u32 = 5;
/// Bits 0..2 of a context are clear: a lookup keeps the address's low bits
/// below the access size in its key, so a misaligned access never hits.
const ALIGNMENT_BITS: u64 = 0b111;

/// A tag no lookup has: bit 7 of a context is always clear.
const INVALID: u64 = u64::MAX;
const CONTEXT_BITS: u64 = (CONTEXT_MSTATUS >> CONTEXT_SHIFT) | (3 << PRIVILEGE_SHIFT);
const _: () = assert!(CONTEXT_BITS & !PAGE_MASK == 0);
const _: () = assert!(CONTEXT_BITS & ALIGNMENT_BITS == 0);
const _: () = assert!(CONTEXT_BITS & (1 << 7) == 0);
const _: () = assert!((CONTEXT_MSTATUS >> CONTEXT_SHIFT) & (3 << PRIVILEGE_SHIFT) == 0);

/// M-mode while no PMP entry is active, and for a load or store without
/// MPRV (which fetches ignore): the slow path neither translates nor
/// restricts the access (with no active entry PMP grants M-mode
/// everything), so an aligned one to RAM needs no entry at all: RAM is
/// where its address says.
#[inline(always)]
fn machine_direct(access: AccessType, privilege: Privilege, csr: &CsrFile) -> bool {
    privilege == Privilege::Machine
        && (access == AccessType::Fetch || csr.mstatus & MSTATUS_MPRV == 0)
        && !csr.pmp.any_active()
}

/// What, besides the page, a translation's outcome depends on and that can
/// change without a flush: the privilege and the mstatus bits above. Goes
/// in the low 12 bits of a tag.
#[inline(always)]
pub fn context(privilege: Privilege, mstatus: u64) -> u64 {
    ((mstatus & CONTEXT_MSTATUS) >> CONTEXT_SHIFT) | (privilege as u64) << PRIVILEGE_SHIFT
}

/// [`context`] for an access of type `access`: a fetch's is the
/// privilege alone (see the module doc).
#[inline(always)]
pub fn context_of(access: AccessType, privilege: Privilege, mstatus: u64) -> u64 {
    match access {
        AccessType::Fetch => context(privilege, 0),
        AccessType::Load | AccessType::Store => context(privilege, mstatus),
    }
}

#[derive(Clone, Copy, Debug)]
struct Entry {
    /// Virtual page (vaddr with the low 12 bits clear) | context.
    tag: u64,
    /// RAM offset minus virtual address, for any address in the page.
    addend: u64,
}

const EMPTY: Entry = Entry {
    tag: INVALID,
    addend: 0,
};

/// The host TLB of one hart: a table for each access type.
#[derive(Clone)]
pub struct HostTlb {
    /// By `AccessType::index`.
    tables: [Box<[Entry; ENTRIES]>; 3],
    /// The entries filled since the last flush, as `slot`: a flush clears
    /// only those.
    filled: FillLog,
}

impl std::fmt::Debug for HostTlb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let valid = |t: &[Entry]| t.iter().filter(|e| e.tag != INVALID).count();
        f.debug_struct("HostTlb")
            .field("fetch_entries", &valid(&self.table(AccessType::Fetch)[..]))
            .field("load_entries", &valid(&self.table(AccessType::Load)[..]))
            .field("store_entries", &valid(&self.table(AccessType::Store)[..]))
            .finish()
    }
}

impl Default for HostTlb {
    fn default() -> Self {
        Self::new()
    }
}

fn table() -> Box<[Entry; ENTRIES]> {
    vec![EMPTY; ENTRIES]
        .into_boxed_slice()
        .try_into()
        .expect("ENTRIES entries")
}

impl HostTlb {
    pub fn new() -> Self {
        Self {
            tables: [table(), table(), table()],
            filled: FillLog::default(),
        }
    }

    #[inline(always)]
    fn index(vaddr: u64) -> usize {
        (vaddr >> 12) as usize % ENTRIES
    }

    /// Where the fill log keeps entry `index` of `access`'s table: one
    /// number for every entry of the three tables.
    #[inline(always)]
    fn slot(access: AccessType, index: usize) -> usize {
        access.index() * ENTRIES + index
    }

    #[inline(always)]
    fn table(&self, access: AccessType) -> &[Entry; ENTRIES] {
        &self.tables[access.index()]
    }

    #[inline(always)]
    fn table_mut(&mut self, access: AccessType) -> &mut [Entry; ENTRIES] {
        &mut self.tables[access.index()]
    }

    /// Where a load of `size` (1, 2, 4, 8) bytes from `vaddr` by a hart
    /// at `privilege` with `csr` may go without the full checks, if it may:
    /// its offset from `ram_base` (still to be bounds-checked against RAM).
    /// Never for a misaligned access.
    #[inline(always)]
    pub fn load_offset(
        &self,
        vaddr: u64,
        size: u8,
        privilege: Privilege,
        csr: &CsrFile,
        ram_base: u64,
    ) -> Option<usize> {
        self.lookup(AccessType::Load, vaddr, size, privilege, csr, ram_base)
    }

    /// Where a store of `size` (1, 2, 4, 8) bytes to `vaddr` may go without
    /// the full checks, if it may (as `load_offset`).
    #[inline(always)]
    pub fn store_offset(
        &self,
        vaddr: u64,
        size: u8,
        privilege: Privilege,
        csr: &CsrFile,
        ram_base: u64,
    ) -> Option<usize> {
        self.lookup(AccessType::Store, vaddr, size, privilege, csr, ram_base)
    }

    /// Where the instruction bytes at `pc` (2-byte aligned) fetched by a
    /// hart at `privilege` are, if the page's translation, permissions,
    /// PMP and RAM were checked already (as `load_offset`): their offset
    /// from `ram_base`. A hit is what `Mmu::translate` would return with
    /// no walk (no event for a timing sink).
    #[inline(always)]
    pub fn fetch_offset(
        &self,
        pc: u64,
        privilege: Privilege,
        csr: &CsrFile,
        ram_base: u64,
    ) -> Option<usize> {
        self.lookup(AccessType::Fetch, pc, 2, privilege, csr, ram_base)
    }

    /// The entry of `access`'s table for an access of `size` bytes at
    /// `vaddr`, or RAM where `vaddr` says if the access needs none
    /// (`machine_direct`).
    #[inline(always)]
    fn lookup(
        &self,
        access: AccessType,
        vaddr: u64,
        size: u8,
        privilege: Privilege,
        csr: &CsrFile,
        ram_base: u64,
    ) -> Option<usize> {
        if machine_direct(access, privilege, csr) {
            let aligned = vaddr & (size as u64 - 1) == 0;
            return aligned.then(|| vaddr.wrapping_sub(ram_base) as usize);
        }
        let e = &self.table(access)[Self::index(vaddr)];
        // The address bits below the size stay in the key: a misaligned
        // address matches no tag.
        let page = vaddr & (!PAGE_MASK | ((size as u64 - 1) & ALIGNMENT_BITS));
        let key = page | context_of(access, privilege, csr.mstatus);
        (e.tag == key).then(|| vaddr.wrapping_add(e.addend) as usize)
    }

    /// Caches that accesses of type `access` to the page of `vaddr` in
    /// `context` reach RAM at offset `ram_offset` (of `vaddr`). The caller
    /// has checked everything the module doc lists.
    #[inline]
    pub(crate) fn fill(&mut self, access: AccessType, vaddr: u64, context: u64, ram_offset: u64) {
        debug_assert!(context & !CONTEXT_BITS == 0);
        let index = Self::index(vaddr);
        self.table_mut(access)[index] = Entry {
            tag: (vaddr & !PAGE_MASK) | context,
            addend: ram_offset.wrapping_sub(vaddr),
        };
        self.filled.record(Self::slot(access, index));
    }

    /// Drops whatever entry of `access`'s table the page `vpn` (vaddr >> 12)
    /// would use: the MMU's entry for that page is going.
    #[inline]
    pub(crate) fn invalidate_page(&mut self, access: AccessType, vpn: u64) {
        self.table_mut(access)[Self::index(vpn << 12)] = EMPTY;
    }

    /// Drops every entry.
    pub(crate) fn flush(&mut self) {
        match self.filled.take() {
            Filled::All => {
                for table in &mut self.tables {
                    table.fill(EMPTY);
                }
            }
            Filled::Slots(slots) => {
                for slot in slots.map(|s| s as usize) {
                    self.tables[slot / ENTRIES][slot % ENTRIES] = EMPTY;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csr::MSTATUS_MIE;
    use Privilege::*;

    const RAM: u64 = 0x8000_0000;

    #[test]
    fn no_key_is_invalid() {
        for p in [User, Supervisor, Machine] {
            let c = context(p, u64::MAX);
            assert_eq!(c & !CONTEXT_BITS, 0);
            assert_ne!(!PAGE_MASK | ALIGNMENT_BITS | c, INVALID);
        }
    }

    #[test]
    fn context_separates_privilege_and_mstatus_bits() {
        let base = context(Supervisor, 0);
        assert_ne!(base, context(User, 0));
        assert_ne!(base, context(Machine, 0));
        for bit in [MSTATUS_SUM, MSTATUS_MXR, MSTATUS_MPRV, 1 << 11, 1 << 12] {
            assert_ne!(base, context(Supervisor, bit), "bit {bit:#x}");
        }
        // Bits that decide nothing here do not split entries.
        assert_eq!(base, context(Supervisor, MSTATUS_MIE | (0b11 << 13)));
    }

    #[test]
    fn hit_needs_page_context_table_and_alignment() {
        let mut t = HostTlb::new();
        let mut csr = CsrFile::new(0);
        let s = Supervisor;
        let ctx = context(s, csr.mstatus);
        t.fill(AccessType::Load, 0x1234_5678, ctx, 0x10_0678);
        let load = |t: &HostTlb, csr: &CsrFile, p, va, size| t.load_offset(va, size, p, csr, RAM);
        assert_eq!(load(&t, &csr, s, 0x1234_5000, 8), Some(0x10_0000));
        assert_eq!(load(&t, &csr, s, 0x1234_5ff8, 8), Some(0x10_0ff8));
        assert_eq!(load(&t, &csr, s, 0x1234_5ffe, 2), Some(0x10_0ffe));
        assert_eq!(load(&t, &csr, s, 0x1234_5fff, 1), Some(0x10_0fff));
        for (va, size) in [(0x1234_5ffc, 8), (0x1234_5ff9, 4), (0x1234_5001, 2)] {
            assert_eq!(load(&t, &csr, s, va, size), None, "misaligned");
        }
        assert_eq!(load(&t, &csr, s, 0x1234_6000, 8), None, "next page");
        let same_slot = 0x1234_5000 + ((ENTRIES as u64) << 12);
        assert_eq!(load(&t, &csr, s, same_slot, 8), None, "other page");
        assert_eq!(load(&t, &csr, User, 0x1234_5000, 8), None);
        assert_eq!(
            t.store_offset(0x1234_5000, 8, s, &csr, RAM),
            None,
            "loads only"
        );
        csr.mstatus |= MSTATUS_SUM;
        assert_eq!(load(&t, &csr, s, 0x1234_5000, 8), None, "other context");
        csr.mstatus &= !MSTATUS_SUM;
        t.invalidate_page(AccessType::Load, 0x1_2345);
        assert_eq!(load(&t, &csr, s, 0x1234_5000, 8), None);
        t.fill(AccessType::Store, 0x1234_5000, ctx, 0);
        assert_eq!(t.store_offset(0x1234_5008, 8, s, &csr, RAM), Some(8));
        t.flush();
        assert_eq!(t.store_offset(0x1234_5008, 8, s, &csr, RAM), None);
        // A negative (sign-extended) page.
        t.fill(AccessType::Load, 0xffff_ffff_c000_0000, ctx, 0x2000);
        assert_eq!(load(&t, &csr, s, 0xffff_ffff_c000_0010, 4), Some(0x2010));
    }

    #[test]
    fn fetch_entries_key_on_the_privilege_alone() {
        let mut t = HostTlb::new();
        let mut csr = CsrFile::new(0);
        let fetch = |t: &HostTlb, csr: &CsrFile, p, pc| t.fetch_offset(pc, p, csr, RAM);
        // Filled while SUM and MXR were set (a kernel copying user data).
        let ctx = context_of(AccessType::Fetch, Supervisor, MSTATUS_SUM | MSTATUS_MXR);
        t.fill(AccessType::Fetch, 0x4000_1000, ctx, 0x20_0000);
        for mstatus in [0, MSTATUS_SUM, MSTATUS_MXR, MSTATUS_MPRV] {
            csr.mstatus = mstatus;
            assert_eq!(fetch(&t, &csr, Supervisor, 0x4000_1ffe), Some(0x20_0ffe));
        }
        assert_eq!(fetch(&t, &csr, User, 0x4000_1000), None);
        assert_eq!(fetch(&t, &csr, Supervisor, 0x4000_2000), None);
        assert_eq!(t.load_offset(0x4000_1000, 2, Supervisor, &csr, RAM), None);
        t.invalidate_page(AccessType::Fetch, 0x4_0001);
        assert_eq!(fetch(&t, &csr, Supervisor, 0x4000_1000), None);
        t.fill(AccessType::Fetch, 0x4000_1000, ctx, 0x20_0000);
        t.flush();
        assert_eq!(fetch(&t, &csr, Supervisor, 0x4000_1000), None);
        // M-mode without PMP entries fetches from where pc says.
        assert_eq!(fetch(&t, &csr, Machine, RAM + 0x40), Some(0x40));
        csr.pmp.write_addr(0, u64::MAX);
        csr.pmp.write_cfg(0, 0x1f);
        assert_eq!(fetch(&t, &csr, Machine, RAM + 0x40), None);
    }

    #[test]
    fn machine_mode_goes_straight_to_ram_unless_mprv_or_pmp() {
        let t = HostTlb::new();
        let mut csr = CsrFile::new(0);
        let m = Machine;
        assert_eq!(t.load_offset(RAM + 0x18, 8, m, &csr, RAM), Some(0x18));
        assert_eq!(t.store_offset(RAM + 0x1c, 4, m, &csr, RAM), Some(0x1c));
        assert_eq!(
            t.load_offset(RAM + 0x1c, 8, m, &csr, RAM),
            None,
            "misaligned"
        );
        csr.mstatus |= MSTATUS_MPRV;
        assert_eq!(t.load_offset(RAM + 0x18, 8, m, &csr, RAM), None);
        csr.mstatus &= !MSTATUS_MPRV;
        csr.pmp.write_addr(0, u64::MAX);
        csr.pmp.write_cfg(0, 0x1f);
        assert_eq!(t.load_offset(RAM + 0x18, 8, m, &csr, RAM), None);
    }
}
