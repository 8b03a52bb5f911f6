//! Physical memory protection (privileged spec 1.12, section 3.7).
//!
//! 16 entries with a granularity of 4 bytes (G = 0), so NA4 is available.
//! On RV64 the configuration bytes live in `pmpcfg0` (entries 0..7) and
//! `pmpcfg2` (entries 8..15); odd `pmpcfg` numbers do not exist. The CSRs
//! for entries 16..63 (`pmpcfg4..14`, `pmpaddr16..63`) exist as read-only
//! zero, as the spec allows, so firmware can probe the entry count.

use crate::mmu::AccessType;
use sim_core::Privilege;
use std::cell::Cell;

/// Number of implemented PMP entries.
pub const PMP_ENTRIES: usize = 16;

/// Configuration byte fields.
pub const PMP_R: u8 = 1 << 0;
pub const PMP_W: u8 = 1 << 1;
pub const PMP_X: u8 = 1 << 2;
pub const PMP_A: u8 = 0b11 << 3;
pub const PMP_L: u8 = 1 << 7;

/// Address-matching modes (the `A` field).
const A_OFF: u8 = 0;
const A_TOR: u8 = 1;
const A_NA4: u8 = 2;
const A_NAPOT: u8 = 3;

/// pmpaddr holds physical address bits 55:2 (54 bits on RV64).
const ADDR_MASK: u64 = (1 << 54) - 1;

/// The PMP unit: configuration, addresses and a cache of the decoded regions.
#[derive(Clone, Debug)]
pub struct Pmp {
    cfg: [u8; PMP_ENTRIES],
    addr: [u64; PMP_ENTRIES],
    /// Decoded byte range `[lo, hi)` per entry (empty when OFF or TOR with
    /// lo >= hi); recomputed on every write so `check` does no decoding.
    region: [(u128, u128); PMP_ENTRIES],
    /// One past the highest entry with A != OFF (0 when none is active);
    /// lets `check` return at once when no PMP is configured and stop after
    /// the last active entry otherwise.
    active_len: usize,
    /// Per access type and privilege (by its encoding, 0, 1, 3), the last
    /// answer and the range it holds for (see [`Memo`]): a page walk's PTE
    /// reads (at S) and the access it makes (often at U) each keep theirs.
    memo: [[Cell<Memo>; 4]; 3],
    /// Counts writes: while it stands, `check` gives the same answers.
    generation: u64,
}

/// A check's answer for one access type and privilege, and the byte range
/// `[lo, hi)` around the checked bytes where every access gets that same
/// answer: the range lies inside the deciding entry's region (or, when no
/// entry matched, inside no region) and overlaps no entry of higher
/// priority, so the same entry decides, or none does.
#[derive(Clone, Copy, Debug)]
struct Memo {
    lo: u128,
    hi: u128,
    allowed: bool,
}

/// A memo that holds for nothing.
const NO_MEMO: Memo = Memo {
    lo: 0,
    hi: 0,
    allowed: false,
};

impl Default for Pmp {
    fn default() -> Self {
        Self::new()
    }
}

impl Pmp {
    /// Reset state: every entry OFF and unlocked.
    pub fn new() -> Self {
        Self {
            cfg: [0; PMP_ENTRIES],
            addr: [0; PMP_ENTRIES],
            region: [(0, 0); PMP_ENTRIES],
            active_len: 0,
            memo: [const { [const { Cell::new(NO_MEMO) }; 4] }; 3],
            generation: 0,
        }
    }

    /// Configuration byte of entry `i` (0 for unimplemented entries).
    pub fn cfg(&self, i: usize) -> u8 {
        self.cfg.get(i).copied().unwrap_or(0)
    }

    /// Reads `pmpcfg<n>` (`n` even). Entries beyond 16 read as zero.
    pub fn read_cfg(&self, n: usize) -> u64 {
        let first = n * 4;
        (0..8).fold(0u64, |acc, k| acc | (self.cfg(first + k) as u64) << (8 * k))
    }

    /// Writes `pmpcfg<n>` (`n` even). Locked bytes keep their value;
    /// the reserved combination W=1,R=0 is legalised by clearing W, and the
    /// reserved bits 6:5 read as zero.
    pub fn write_cfg(&mut self, n: usize, value: u64) {
        let first = n * 4;
        for k in 0..8 {
            let i = first + k;
            if i >= PMP_ENTRIES || self.cfg[i] & PMP_L != 0 {
                continue;
            }
            let mut byte = (value >> (8 * k)) as u8 & (PMP_R | PMP_W | PMP_X | PMP_A | PMP_L);
            if byte & PMP_W != 0 && byte & PMP_R == 0 {
                byte &= !PMP_W;
            }
            self.cfg[i] = byte;
        }
        self.recompute();
    }

    /// Reads `pmpaddr<i>`.
    pub fn read_addr(&self, i: usize) -> u64 {
        self.addr.get(i).copied().unwrap_or(0)
    }

    /// Writes `pmpaddr<i>`; ignored when entry `i` is locked, or when entry
    /// `i+1` is a locked TOR entry (which uses this address as its base).
    pub fn write_addr(&mut self, i: usize, value: u64) {
        if i >= PMP_ENTRIES || self.cfg[i] & PMP_L != 0 {
            return;
        }
        if let Some(&next) = self.cfg.get(i + 1) {
            if next & PMP_L != 0 && (next & PMP_A) >> 3 == A_TOR {
                return;
            }
        }
        self.addr[i] = value & ADDR_MASK;
        self.recompute();
    }

    /// Changes whenever the configuration may have: a result of `check`
    /// stands as long as this does.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Whether any entry is active (A != OFF).
    pub fn any_active(&self) -> bool {
        self.active_len != 0
    }

    fn recompute(&mut self) {
        self.memo.iter().flatten().for_each(|m| m.set(NO_MEMO));
        self.generation += 1;
        self.active_len = 0;
        for i in 0..PMP_ENTRIES {
            let a = self.addr[i] as u128;
            self.region[i] = match (self.cfg[i] & PMP_A) >> 3 {
                A_OFF => (0, 0),
                A_TOR => {
                    let lo = if i == 0 {
                        0
                    } else {
                        (self.addr[i - 1] as u128) << 2
                    };
                    (lo, a << 2)
                }
                A_NA4 => (a << 2, (a << 2) + 4),
                _ => {
                    debug_assert_eq!((self.cfg[i] & PMP_A) >> 3, A_NAPOT);
                    // The count of trailing ones gives the size 2^(ones+3).
                    let ones = self.addr[i].trailing_ones();
                    let size: u128 = 1 << (ones + 3);
                    let base = (a & !((1u128 << ones) - 1)) << 2;
                    (base, base + size)
                }
            };
            if self.cfg[i] & PMP_A != 0 {
                self.active_len = i + 1;
            }
        }
    }

    /// Spec rules: the lowest-numbered entry matching any byte of
    /// `[addr, addr+size)` decides; it must match all bytes or the access
    /// fails. An unlocked entry does not restrict M-mode. With no matching
    /// entry M-mode succeeds and S/U fail (entries are implemented).
    #[inline]
    pub fn check(&self, addr: u64, size: u64, access: AccessType, privilege: Privilege) -> bool {
        if self.active_len == 0 {
            return privilege == Privilege::Machine;
        }
        self.check_entries(addr, size, access, privilege)
    }

    /// [`Pmp::check`] with entries active: through the memo of the access
    /// type if it holds (inline: a page walk checks each PTE read), else
    /// by the entries (then memoised).
    #[inline(always)]
    fn check_entries(
        &self,
        addr: u64,
        size: u64,
        access: AccessType,
        privilege: Privilege,
    ) -> bool {
        let lo = addr as u128;
        let hi = lo + size.max(1) as u128;
        let m = self.memo[access.index()][privilege as usize].get();
        if m.lo <= lo && hi <= m.hi {
            return m.allowed;
        }
        self.decide_and_keep(lo, hi, access, privilege)
    }

    /// [`Pmp::check_entries`] past its memo.
    #[inline(never)]
    fn decide_and_keep(
        &self,
        lo: u128,
        hi: u128,
        access: AccessType,
        privilege: Privilege,
    ) -> bool {
        let memo = &self.memo[access.index()][privilege as usize];
        let (allowed, range) = self.decide(lo, hi, access, privilege);
        if let Some((lo, hi)) = range {
            memo.set(Memo { lo, hi, allowed });
        }
        allowed
    }

    /// The answer for the bytes `[lo, hi)`, by the entries in priority
    /// order, and the range around them where it is the same for any
    /// access (none for a partial match, which fails).
    fn decide(
        &self,
        lo: u128,
        hi: u128,
        access: AccessType,
        privilege: Privilege,
    ) -> (bool, Option<(u128, u128)>) {
        // The range shrinks past each region of higher priority: those do
        // not overlap [lo, hi), so each lies wholly below or above it.
        let (mut ulo, mut uhi) = (0u128, u128::MAX);
        for i in 0..self.active_len {
            let (rlo, rhi) = self.region[i];
            if rlo >= rhi {
                continue;
            }
            if hi <= rlo || lo >= rhi {
                if rhi <= lo {
                    ulo = ulo.max(rhi);
                } else {
                    uhi = uhi.min(rlo);
                }
                continue;
            }
            if lo < rlo || hi > rhi {
                return (false, None);
            }
            let range = Some((ulo.max(rlo), uhi.min(rhi)));
            let cfg = self.cfg[i];
            if privilege == Privilege::Machine && cfg & PMP_L == 0 {
                return (true, range);
            }
            let need = match access {
                AccessType::Fetch => PMP_X,
                AccessType::Load => PMP_R,
                AccessType::Store => PMP_W,
            };
            return (cfg & need != 0, range);
        }
        (privilege == Privilege::Machine, Some((ulo, uhi)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use AccessType::*;
    use Privilege::*;

    fn cfg_byte(a: u8, perms: u8) -> u64 {
        ((a << 3) | perms) as u64
    }

    #[test]
    fn no_entries_m_succeeds_s_u_fail() {
        let p = Pmp::new();
        assert!(p.check(0x8000_0000, 8, Load, Machine));
        assert!(!p.check(0x8000_0000, 8, Load, Supervisor));
        assert!(!p.check(0x8000_0000, 8, Fetch, User));
    }

    #[test]
    fn tor_region_and_partial_overlap() {
        let mut p = Pmp::new();
        // entry0 = base (OFF), entry1 TOR [0x1000, 0x2000) RW.
        p.write_addr(0, 0x1000 >> 2);
        p.write_addr(1, 0x2000 >> 2);
        p.write_cfg(0, cfg_byte(A_TOR, PMP_R | PMP_W) << 8);
        assert!(p.check(0x1000, 8, Load, User));
        assert!(p.check(0x1ff8, 8, Store, Supervisor));
        assert!(!p.check(0x1000, 4, Fetch, User));
        assert!(!p.check(0x0ff8, 8, Load, User));
        assert!(!p.check(0x2000, 4, Load, User));
        // Straddles the top: partial match fails, even in M-mode.
        assert!(!p.check(0x1ffc, 8, Load, User));
        assert!(!p.check(0x1ffc, 8, Load, Machine));
        // Unlocked entry does not restrict M.
        assert!(p.check(0x1000, 4, Fetch, Machine));
    }

    #[test]
    fn tor_entry0_starts_at_zero() {
        let mut p = Pmp::new();
        p.write_addr(0, 0x100 >> 2);
        p.write_cfg(0, cfg_byte(A_TOR, PMP_X));
        assert!(p.check(0, 4, Fetch, User));
        assert!(p.check(0xfc, 4, Fetch, User));
        assert!(!p.check(0x100, 4, Fetch, User));
    }

    #[test]
    fn na4_and_napot() {
        let mut p = Pmp::new();
        p.write_addr(0, 0x3000 >> 2);
        // NAPOT 64 KiB at 0x8000_0000: addr = base>>2 | (size/8 - 1)
        p.write_addr(1, (0x8000_0000u64 >> 2) | ((0x1_0000 / 8) - 1));
        p.write_cfg(
            0,
            cfg_byte(A_NA4, PMP_R) | cfg_byte(A_NAPOT, PMP_R | PMP_X) << 8,
        );
        assert!(p.check(0x3000, 4, Load, User));
        assert!(!p.check(0x3000, 8, Load, User)); // partial
        assert!(!p.check(0x3004, 4, Load, User)); // no match
        assert!(p.check(0x8000_0000, 4, Fetch, User));
        assert!(p.check(0x8000_fffc, 4, Load, Supervisor));
        assert!(!p.check(0x8001_0000, 4, Load, Supervisor));
        assert!(!p.check(0x8000_0100, 4, Store, Supervisor));
    }

    #[test]
    fn napot_all_ones_covers_everything() {
        let mut p = Pmp::new();
        p.write_addr(0, u64::MAX);
        p.write_cfg(0, cfg_byte(A_NAPOT, PMP_R | PMP_W | PMP_X));
        assert!(p.check(0, 8, Store, User));
        assert!(p.check(0xff_ffff_ffff_fff8, 8, Load, User));
    }

    #[test]
    fn lowest_entry_wins() {
        let mut p = Pmp::new();
        // entry0 NA4 at 0x1000 no perms; entry1 NAPOT covering 0..0x10000 RW.
        p.write_addr(0, 0x1000 >> 2);
        p.write_addr(1, (0x1_0000 / 8) - 1);
        p.write_cfg(
            0,
            cfg_byte(A_NA4, 0) | cfg_byte(A_NAPOT, PMP_R | PMP_W) << 8,
        );
        assert!(!p.check(0x1000, 4, Load, User));
        assert!(p.check(0x1004, 4, Load, User));
    }

    #[test]
    fn locked_entry_applies_to_m_and_freezes() {
        let mut p = Pmp::new();
        p.write_addr(0, 0x1000 >> 2);
        p.write_addr(1, 0x2000 >> 2);
        p.write_cfg(0, cfg_byte(A_TOR, PMP_R | PMP_L) << 8);
        assert!(p.check(0x1000, 4, Load, Machine));
        assert!(!p.check(0x1000, 4, Store, Machine));
        assert!(!p.check(0x1000, 4, Fetch, Machine));
        // Locked entry and its TOR base address ignore writes.
        p.write_addr(1, 0x5000 >> 2);
        p.write_addr(0, 0);
        assert_eq!(p.read_addr(1), 0x2000 >> 2);
        assert_eq!(p.read_addr(0), 0x1000 >> 2);
        p.write_cfg(0, 0);
        assert_eq!(p.cfg(1), (A_TOR << 3) | PMP_R | PMP_L);
        // Entry 0 itself is not locked: its cfg can still change.
        p.write_cfg(0, cfg_byte(A_NA4, PMP_X));
        assert_eq!(p.cfg(0), (A_NA4 << 3) | PMP_X);
    }

    #[test]
    fn write_rules_legalise() {
        let mut p = Pmp::new();
        // W=1,R=0 reserved -> W cleared; bits 6:5 reserved -> zero.
        p.write_cfg(0, 0x60 | PMP_W as u64 | PMP_X as u64);
        assert_eq!(p.cfg(0), PMP_X);
        p.write_cfg(2, 0xffff_ffff_ffff_ffff);
        assert_eq!(p.read_cfg(2), 0x9f9f_9f9f_9f9f_9f9f);
        assert_eq!(p.read_cfg(4), 0);
        p.write_addr(3, u64::MAX);
        assert_eq!(p.read_addr(3), ADDR_MASK);
        p.write_addr(20, 5);
        assert_eq!(p.read_addr(20), 0);
        assert!(p.any_active());
    }

    /// The entries in priority order with no memo: what `check` answered
    /// before it remembered anything.
    fn reference(p: &Pmp, addr: u64, size: u64, access: AccessType, privilege: Privilege) -> bool {
        let lo = addr as u128;
        let hi = lo + size.max(1) as u128;
        for i in 0..PMP_ENTRIES {
            let (rlo, rhi) = p.region[i];
            if p.cfg[i] & PMP_A == 0 || rlo >= rhi || hi <= rlo || lo >= rhi {
                continue;
            }
            if lo < rlo || hi > rhi {
                return false;
            }
            if privilege == Machine && p.cfg[i] & PMP_L == 0 {
                return true;
            }
            let need = match access {
                Fetch => PMP_X,
                Load => PMP_R,
                Store => PMP_W,
            };
            return p.cfg[i] & need != 0;
        }
        privilege == Machine
    }

    /// Checks through the memo answer as the entries do, over random
    /// configurations (every mode, overlapping regions, locks) and runs of
    /// nearby accesses (as a page walk makes).
    #[test]
    fn the_memo_changes_no_answer() {
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        // Rewrites one of the first entries at random.
        let reconfigure = |p: &mut Pmp, next: &mut dyn FnMut() -> u64| {
            let i = (next() % 6) as usize;
            // Addresses in a 64 KiB window, so regions overlap.
            p.write_addr(
                i,
                (next() % 0x4000) | if next().is_multiple_of(3) { 0xf } else { 0 },
            );
            let a = (next() % 4) as u8;
            let lock = if next().is_multiple_of(8) { PMP_L } else { 0 };
            let byte = (a << 3) | (next() % 8) as u8 | lock;
            p.write_cfg(
                0,
                p.read_cfg(0) & !(0xff << (8 * i)) | (byte as u64) << (8 * i),
            );
        };
        for config in 0..300 {
            let mut p = Pmp::new();
            for _ in 0..next() % 6 {
                reconfigure(&mut p, &mut next);
            }
            let mut addr = next() % 0x1_0000;
            for _ in 0..400 {
                addr = if next() % 4 == 0 {
                    next() % 0x1_0000
                } else {
                    (addr + 8 * (next() % 64)) % 0x1_0000
                };
                if next() % 50 == 0 {
                    reconfigure(&mut p, &mut next);
                }
                let size = [1, 2, 4, 8][(next() % 4) as usize];
                let access = [Fetch, Load, Store][(next() % 3) as usize];
                let privilege = [User, Supervisor, Machine][(next() % 3) as usize];
                assert_eq!(
                    p.check(addr, size, access, privilege),
                    reference(&p, addr, size, access, privilege),
                    "config {config}: {size} bytes at {addr:#x}, {access:?}, {privilege:?}"
                );
            }
        }
    }
}
