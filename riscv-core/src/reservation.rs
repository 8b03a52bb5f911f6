//! LR/SC reservation sets shared by all harts.
//!
//! A reservation covers one 64-byte granule. A store by any hart to a granule
//! another hart holds breaks that hart's reservation, so SC then fails, as the
//! A extension requires for contending harts.

const GRANULE_MASK: u64 = !63;
const NONE: u64 = u64::MAX;

#[derive(Clone, Debug)]
pub struct Reservations {
    /// Reserved physical address per hart (exact address, for SC matching).
    addr: Vec<u64>,
    /// Number of harts holding a reservation; lets stores skip the scan.
    active: usize,
}

impl Reservations {
    pub fn new(harts: usize) -> Self {
        Self {
            addr: vec![NONE; harts],
            active: 0,
        }
    }

    pub fn reserve(&mut self, hart: usize, paddr: u64) {
        if self.addr[hart] == NONE {
            self.active += 1;
        }
        self.addr[hart] = paddr;
    }

    /// Consumes `hart`'s reservation; true if it was held on `paddr`.
    pub fn take(&mut self, hart: usize, paddr: u64) -> bool {
        let held = self.addr[hart];
        if held != NONE {
            self.active -= 1;
            self.addr[hart] = NONE;
        }
        held == paddr
    }

    /// Drops `hart`'s own reservation (e.g. on a trap or context switch).
    pub fn clear(&mut self, hart: usize) {
        if self.addr[hart] != NONE {
            self.active -= 1;
            self.addr[hart] = NONE;
        }
    }

    /// A store of `size` bytes at `paddr` by `hart`: breaks every other
    /// hart's reservation on the granules it touches.
    #[inline(always)]
    pub fn on_store(&mut self, hart: usize, paddr: u64, size: u8) {
        // Most stores meet no live reservation: only this test is inline.
        if self.active != 0 {
            self.break_others(hart, paddr, size);
        }
    }

    #[cold]
    #[inline(never)]
    fn break_others(&mut self, hart: usize, paddr: u64, size: u8) {
        let first = paddr & GRANULE_MASK;
        let last = (paddr + size as u64 - 1) & GRANULE_MASK;
        for (h, a) in self.addr.iter_mut().enumerate() {
            if h != hart && *a != NONE {
                let g = *a & GRANULE_MASK;
                if g == first || g == last {
                    *a = NONE;
                    self.active -= 1;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_by_other_hart_breaks_reservation() {
        let mut r = Reservations::new(2);
        r.reserve(0, 0x8000_0008);
        r.on_store(0, 0x8000_0008, 8); // own store keeps it
        r.on_store(1, 0x8000_0030, 4); // same 64-byte granule
        assert!(!r.take(0, 0x8000_0008));
        r.reserve(0, 0x8000_0008);
        r.on_store(1, 0x8000_0040, 8); // next granule: untouched
        assert!(r.take(0, 0x8000_0008));
        assert!(!r.take(0, 0x8000_0008), "SC consumes the reservation");
    }
}
