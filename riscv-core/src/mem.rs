//! Physical memory as seen by the MMU's page-table walker.

/// Physical memory access for page-table walks (PTE reads and A/D updates).
/// Implemented by the platform bus. `None`/`false` means the address is not
/// backed by memory (the walker then raises an access fault).
pub trait PhysMem {
    fn read_u64(&mut self, paddr: u64) -> Option<u64>;
    fn write_u64(&mut self, paddr: u64, value: u64) -> bool;
}
