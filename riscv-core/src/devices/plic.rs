//! PLIC: platform-level interrupt controller (QEMU `virt` / SiFive layout).
//!
//! 96 sources (source 0 reserved), 7 priority levels, two contexts per
//! hart: context `2h` is hart h's M-mode (drives MEIP), `2h + 1` its S-mode
//! (drives SEIP). All registers are 32 bits wide.
//!
//! | offset                      | register                               |
//! |-----------------------------|----------------------------------------|
//! | `0x00_0000 + 4 * s`         | priority of source s (0..=7; 0 = never) |
//! | `0x00_1000 + 4 * w`         | pending bits of sources 32w..32w+31 (read-only) |
//! | `0x00_2000 + 0x80 * c + 4 * w` | enable bits of context c            |
//! | `0x20_0000 + 0x1000 * c`    | priority threshold of context c        |
//! | `0x20_0004 + 0x1000 * c`    | claim (read) / complete (write)        |
//!
//! Sources are level-triggered (as every `virt` device): the gateway keeps
//! a source pending while its line is high, a claim takes it out of play
//! until the matching complete, and if the line is still high then it
//! becomes pending again. Unmapped offsets or other widths fault.

use crate::platform::PLIC_SOURCES;

const NSRC: usize = PLIC_SOURCES as usize;
const WORDS: usize = NSRC.div_ceil(32);
const MAX_PRIORITY: u32 = 7;
const PENDING_BASE: u64 = 0x1000;
const ENABLE_BASE: u64 = 0x2000;
const ENABLE_STRIDE: u64 = 0x80;
const CONTEXT_BASE: u64 = 0x20_0000;
const CONTEXT_STRIDE: u64 = 0x1000;

pub struct Plic {
    priority: [u32; NSRC],
    level: [bool; NSRC],
    /// Pending bits, 32 sources a word (as the pending registers read), so
    /// "nothing pending", asked at every interrupt sampling, is 3 compares.
    pending: [u32; WORDS],
    claimed: [bool; NSRC],
    enable: Vec<[u32; WORDS]>,
    threshold: Vec<u32>,
}

impl Plic {
    pub fn new(harts: usize) -> Self {
        let contexts = harts * 2;
        Self {
            priority: [0; NSRC],
            level: [false; NSRC],
            pending: [0; WORDS],
            claimed: [false; NSRC],
            enable: vec![[0; WORDS]; contexts],
            threshold: vec![0; contexts],
        }
    }

    /// Number of contexts (2 per hart).
    pub fn contexts(&self) -> usize {
        self.threshold.len()
    }

    /// Drives the interrupt line of `source` (out-of-range sources and
    /// source 0 are ignored).
    pub fn set_level(&mut self, source: u32, level: bool) {
        let s = source as usize;
        if s == 0 || s >= NSRC {
            return;
        }
        self.level[s] = level;
        if !level {
            self.set_pending(s, false);
        } else if !self.claimed[s] {
            self.set_pending(s, true);
        }
    }

    pub fn is_pending(&self, source: u32) -> bool {
        let s = source as usize;
        s < NSRC && self.pending[s / 32] >> (s % 32) & 1 != 0
    }

    fn set_pending(&mut self, s: usize, pending: bool) {
        let bit = 1 << (s % 32);
        if pending {
            self.pending[s / 32] |= bit;
        } else {
            self.pending[s / 32] &= !bit;
        }
    }

    fn enabled(&self, context: usize, s: usize) -> bool {
        self.enable[context][s / 32] >> (s % 32) & 1 != 0
    }

    /// Highest-priority source that would interrupt `context` (ties go to
    /// the lowest source number), or 0.
    fn best(&self, context: usize) -> u32 {
        let Some(&threshold) = self.threshold.get(context) else {
            return 0;
        };
        // Nothing pending (the usual case): no need to look at priorities.
        if self.pending.iter().all(|&w| w == 0) {
            return 0;
        }
        let mut best = 0;
        let mut best_prio = threshold;
        for s in 1..NSRC {
            if self.is_pending(s as u32)
                && !self.claimed[s]
                && self.priority[s] > best_prio
                && self.enabled(context, s)
            {
                best = s as u32;
                best_prio = self.priority[s];
            }
        }
        best
    }

    /// External interrupt line of `context` (MEIP for `2h`, SEIP for `2h + 1`).
    pub fn eip(&self, context: usize) -> bool {
        self.best(context) != 0
    }

    /// Claims the best source for `context`; 0 when there is none.
    pub fn claim(&mut self, context: usize) -> u32 {
        let s = self.best(context);
        if s != 0 {
            self.set_pending(s as usize, false);
            self.claimed[s as usize] = true;
        }
        s
    }

    /// Completes `source` for `context`. Ignored (as the spec allows) when
    /// the source is not enabled for the context or was not claimed.
    pub fn complete(&mut self, context: usize, source: u32) {
        let s = source as usize;
        if s == 0 || s >= NSRC || context >= self.contexts() || !self.enabled(context, s) {
            return;
        }
        if self.claimed[s] {
            self.claimed[s] = false;
            self.set_pending(s, self.level[s]);
        }
    }

    /// Context and register (0 threshold, 4 claim) of a context-space offset.
    fn context_reg(&self, offset: u64) -> Option<(usize, u64)> {
        let rel = offset.checked_sub(CONTEXT_BASE)?;
        let c = usize::try_from(rel / CONTEXT_STRIDE).ok()?;
        (c < self.contexts()).then_some((c, rel % CONTEXT_STRIDE))
    }

    /// Context and word of an enable-space offset.
    fn enable_word(&self, offset: u64) -> Option<(usize, usize)> {
        let rel = offset.checked_sub(ENABLE_BASE)?;
        let c = usize::try_from(rel / ENABLE_STRIDE).ok()?;
        let w = (rel % ENABLE_STRIDE / 4) as usize;
        (c < self.contexts() && w < WORDS).then_some((c, w))
    }

    /// Reading the claim register claims, so reads take `&mut self`.
    pub fn read(&mut self, offset: u64, size: u8) -> Option<u64> {
        if size != 4 || !offset.is_multiple_of(4) {
            return None;
        }
        let value = if offset < PENDING_BASE {
            *self.priority.get((offset / 4) as usize)?
        } else if offset < ENABLE_BASE {
            let w = ((offset - PENDING_BASE) / 4) as usize;
            if w >= WORDS {
                return None;
            }
            self.pending[w]
        } else if offset < CONTEXT_BASE {
            let (c, w) = self.enable_word(offset)?;
            self.enable[c][w]
        } else {
            match self.context_reg(offset)? {
                (c, 0) => self.threshold[c],
                (c, 4) => self.claim(c),
                _ => return None,
            }
        };
        Some(value as u64)
    }

    pub fn write(&mut self, offset: u64, size: u8, value: u64) -> bool {
        if size != 4 || !offset.is_multiple_of(4) {
            return false;
        }
        let value = value as u32;
        if offset < PENDING_BASE {
            let s = (offset / 4) as usize;
            if s >= NSRC {
                return false;
            }
            if s != 0 {
                self.priority[s] = value.min(MAX_PRIORITY);
            }
            true
        } else if offset < ENABLE_BASE {
            // Pending bits are read-only; accept and ignore the write.
            ((offset - PENDING_BASE) / 4) < WORDS as u64
        } else if offset < CONTEXT_BASE {
            let Some((c, w)) = self.enable_word(offset) else {
                return false;
            };
            // Source 0 does not exist: its enable bit is hardwired to 0.
            self.enable[c][w] = if w == 0 { value & !1 } else { value };
            true
        } else {
            match self.context_reg(offset) {
                Some((c, 0)) => {
                    self.threshold[c] = value.min(MAX_PRIORITY);
                    true
                }
                Some((c, 4)) => {
                    self.complete(c, value);
                    true
                }
                _ => false,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const UART: u32 = 10;

    fn setup() -> Plic {
        let mut p = Plic::new(2);
        assert!(p.write(4 * UART as u64, 4, 1));
        // Enable source 10 for hart 1 S-mode (context 3).
        assert!(p.write(0x2000 + 0x80 * 3, 4, 1 << UART));
        p
    }

    #[test]
    fn claim_complete_cycle_level_triggered() {
        let mut p = setup();
        assert!(!p.eip(3));
        p.set_level(UART, true);
        assert!(p.eip(3));
        assert!(!p.eip(2), "M-mode context of hart 1 not enabled");
        assert!(!p.eip(1));
        assert_eq!(p.read(0x1000, 4), Some(1 << UART));
        assert_eq!(p.read(0x20_0000 + 0x1000 * 3 + 4, 4), Some(UART as u64));
        assert!(!p.eip(3), "claimed source is out of play");
        assert_eq!(p.read(0x20_3004, 4), Some(0), "nothing left to claim");
        // Line still high at complete: pending again.
        assert!(p.write(0x20_3004, 4, UART as u64));
        assert!(p.eip(3));
        assert_eq!(p.claim(3), UART);
        p.set_level(UART, false);
        p.complete(3, UART);
        assert!(!p.eip(3));
        assert_eq!(p.read(0x1000, 4), Some(0));
    }

    #[test]
    fn threshold_masks_and_priority_orders() {
        let mut p = setup();
        assert!(p.write(4 * 5, 4, 3));
        assert!(p.write(0x2000 + 0x80 * 3, 4, 1 << UART | 1 << 5));
        p.set_level(UART, true);
        p.set_level(5, true);
        assert_eq!(p.claim(3), 5, "priority 3 beats priority 1");
        assert_eq!(p.claim(3), UART);
        p.complete(3, 5);
        p.complete(3, UART);
        // Threshold 3 masks both (priority must exceed the threshold).
        assert!(p.write(0x20_3000, 4, 3));
        assert_eq!(p.read(0x20_3000, 4), Some(3));
        assert!(!p.eip(3));
        assert!(p.write(0x20_3000, 4, 2));
        assert_eq!(p.claim(3), 5);
        // Equal priorities: lowest source id wins.
        assert!(p.write(0x20_3000, 4, 0));
        assert!(p.write(4 * 5, 4, 1));
        p.complete(3, 5);
        assert_eq!(p.claim(3), 5);
        // Priority 0 never interrupts; WARL caps priorities at 7.
        assert!(p.write(4 * UART as u64, 4, 0));
        assert!(!p.eip(3));
        assert!(p.write(4 * UART as u64, 4, 100));
        assert_eq!(p.read(4 * UART as u64, 4), Some(7));
    }

    #[test]
    fn complete_of_unclaimed_or_disabled_is_ignored() {
        let mut p = setup();
        p.set_level(UART, true);
        p.complete(3, UART);
        assert_eq!(p.claim(3), UART);
        p.complete(1, UART);
        assert!(
            !p.eip(3),
            "complete from a context without the enable is ignored"
        );
        p.complete(3, UART);
        assert!(p.eip(3));
    }

    #[test]
    fn bad_accesses() {
        let mut p = Plic::new(1);
        assert_eq!(p.read(0, 8), None);
        assert_eq!(p.read(2, 4), None);
        assert_eq!(p.read(4 * 96, 4), None);
        assert_eq!(p.read(0x2000 + 0x80 * 2, 4), None, "context 2 absent");
        assert_eq!(p.read(0x20_2000, 4), None);
        assert_eq!(p.read(0x20_0008, 4), None);
        assert!(!p.write(0x1000 + 4 * 3, 4, 0));
        assert!(p.write(0x2000, 4, u32::MAX as u64));
        assert_eq!(
            p.read(0x2000, 4),
            Some(0xffff_fffe),
            "source 0 not enableable"
        );
        p.set_level(0, true);
        p.set_level(1000, true);
        assert_eq!(p.claim(0), 0);
    }
}
