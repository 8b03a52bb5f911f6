//! Sv39 address spaces. Every space shares the kernel's mapping of RAM
//! (one global gigapage, 0x8000_0000..0xC000_0000, identity, not user
//! accessible); the rest of the lower half is the process's, built from
//! 4 KiB user pages whose frames the space owns and frees.

use crate::frames::{FramePool, OutOfFrames, PAGE_SIZE};

/// What [`AddressSpace::unmap_user_page`] took out of a space.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unmapped {
    /// The page was not mapped.
    Nothing,
    /// A frame the space does not own (nothing to free).
    Borrowed,
    /// The space's own frame, at this physical address: free it once no
    /// TLB can hold the translation.
    Owned(usize),
}

/// PTE permission and status bits.
pub const PTE_V: usize = 1 << 0;
pub const PTE_R: usize = 1 << 1;
pub const PTE_W: usize = 1 << 2;
pub const PTE_X: usize = 1 << 3;
pub const PTE_U: usize = 1 << 4;
pub const PTE_G: usize = 1 << 5;
pub const PTE_A: usize = 1 << 6;
pub const PTE_D: usize = 1 << 7;
/// Software bit (RSW): the leaf maps a frame the space does not own (a
/// device page), so unmapping or destroying the space never frees it.
pub const PTE_BORROWED: usize = 1 << 8;
const PERMS: usize = PTE_R | PTE_W | PTE_X | PTE_U;

/// Start of RAM and of the kernel's gigapage (root index 2).
const KERNEL_GIGAPAGE: usize = 0x8000_0000;
const KERNEL_ROOT_INDEX: usize = 2;
/// The device gigapage (physical 0..0x4000_0000: CLINT, UINTC, PLIC, UART,
/// sim-control) is mapped for the kernel only at [`MMIO_VA`] (root index
/// 256, the first of the upper half), so device registers the kernel
/// programs while a process's space is active (the UINTC) are reachable.
const MMIO_ROOT_INDEX: usize = 256;
/// Kernel virtual address of physical address 0 (device space).
pub const MMIO_VA: usize = 0xFFFF_FFC0_0000_0000;
/// User addresses are below this (root indexes 0 and 1).
pub const USER_END: usize = 0x8000_0000;
const SATP_SV39: usize = 8 << 60;
/// satp.ASID: bits 59:44.
pub const SATP_ASID_SHIFT: u32 = 44;
pub const SATP_ASID_MASK: usize = 0xffff << SATP_ASID_SHIFT;
const ENTRIES: usize = 512;

/// Why a mapping could not be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapError {
    OutOfFrames,
    /// Not a page-aligned user address.
    BadAddress,
    /// The page is mapped already.
    AlreadyMapped,
}

impl From<OutOfFrames> for MapError {
    fn from(_: OutOfFrames) -> Self {
        MapError::OutOfFrames
    }
}

/// One Sv39 address space: its root table's physical address and its
/// ASID (0: none of its own, see `smp::asid_for`).
pub struct AddressSpace {
    root: usize,
    asid: usize,
}

fn table(pa: usize) -> *mut usize {
    pa as *mut usize
}

fn pte_pa(pte: usize) -> usize {
    (pte >> 10) << 12
}

fn is_leaf(pte: usize) -> bool {
    pte & (PTE_R | PTE_W | PTE_X) != 0
}

impl AddressSpace {
    /// A space with only the kernel mapping.
    pub fn new(frames: &mut FramePool) -> Result<Self, OutOfFrames> {
        let root = frames.alloc()?;
        let kernel =
            ((KERNEL_GIGAPAGE >> 12) << 10) | PTE_V | PTE_R | PTE_W | PTE_X | PTE_G | PTE_A | PTE_D;
        // SAFETY: `root` is a fresh, zeroed table frame of 512 entries.
        unsafe { table(root).add(KERNEL_ROOT_INDEX).write(kernel) };
        let devices = PTE_V | PTE_R | PTE_W | PTE_G | PTE_A | PTE_D;
        // SAFETY: as above (a gigapage leaf at physical 0, not user).
        unsafe { table(root).add(MMIO_ROOT_INDEX).write(devices) };
        Ok(Self { root, asid: 0 })
    }

    /// Tags the space's translations with `asid` (before it is first
    /// active): a hart then keeps them across switches to other spaces.
    pub fn set_asid(&mut self, asid: usize) {
        self.asid = asid;
    }

    /// The satp value that selects this space.
    pub fn satp(&self) -> usize {
        SATP_SV39 | (self.asid << SATP_ASID_SHIFT) | (self.root >> 12)
    }

    /// Switches this hart to the space.
    pub fn activate(&self) {
        crate::smp::switch_space(self.satp());
    }

    /// The leaf PTE slot for user page `va`, creating tables if `create`.
    fn leaf_slot(
        &mut self,
        frames: &mut FramePool,
        va: usize,
        create: bool,
    ) -> Result<Option<*mut usize>, MapError> {
        if va >= USER_END || !va.is_multiple_of(PAGE_SIZE) {
            return Err(MapError::BadAddress);
        }
        let mut pa = self.root;
        for level in [2, 1] {
            let index = (va >> (12 + 9 * level)) & (ENTRIES - 1);
            // SAFETY: `pa` is a table frame of this space; index < 512.
            let slot = unsafe { table(pa).add(index) };
            // SAFETY: as above.
            let pte = unsafe { slot.read() };
            if pte & PTE_V == 0 {
                if !create {
                    return Ok(None);
                }
                let next = frames.alloc()?;
                // SAFETY: as above.
                unsafe { slot.write(((next >> 12) << 10) | PTE_V) };
                pa = next;
            } else if is_leaf(pte) {
                return Err(MapError::BadAddress); // inside a superpage
            } else {
                pa = pte_pa(pte);
            }
        }
        let index = (va >> 12) & (ENTRIES - 1);
        // SAFETY: a level-0 table frame of this space; index < 512.
        Ok(Some(unsafe { table(pa).add(index) }))
    }

    /// Maps user page `va` to a fresh zeroed frame with `perms` (R/W/X; U
    /// is added), or, if it is mapped already, adds `perms` to it. Returns
    /// the frame's physical address.
    pub fn map_user_page(
        &mut self,
        frames: &mut FramePool,
        va: usize,
        perms: usize,
    ) -> Result<usize, MapError> {
        let slot = self
            .leaf_slot(frames, va, true)?
            .ok_or(MapError::BadAddress)?;
        let perms = (perms & PERMS) | PTE_U;
        // SAFETY: `slot` is a PTE slot of this space's level-0 table.
        let pte = unsafe { slot.read() };
        if pte & PTE_V != 0 {
            // SAFETY: as above.
            unsafe { slot.write(pte | perms) };
            return Ok(pte_pa(pte));
        }
        let frame = frames.alloc()?;
        // SAFETY: as above.
        unsafe { slot.write(((frame >> 12) << 10) | perms | PTE_V | PTE_A | PTE_D) };
        Ok(frame)
    }

    /// Maps user page `va` to `pa`, a frame the space does not own (e.g.
    /// a device page), with `perms` (U is added). Mapping over a mapped
    /// page is refused.
    pub fn map_borrowed_page(
        &mut self,
        frames: &mut FramePool,
        va: usize,
        pa: usize,
        perms: usize,
    ) -> Result<(), MapError> {
        let slot = self
            .leaf_slot(frames, va, true)?
            .ok_or(MapError::BadAddress)?;
        // SAFETY: `slot` is a PTE slot of this space's level-0 table.
        if unsafe { slot.read() } & PTE_V != 0 {
            return Err(MapError::AlreadyMapped);
        }
        let flags = (perms & PERMS) | PTE_U | PTE_BORROWED | PTE_V | PTE_A | PTE_D;
        // SAFETY: as above.
        unsafe { slot.write(((pa >> 12) << 10) | flags) };
        Ok(())
    }

    /// Unmaps user page `va`; says what it mapped. The frame of an
    /// [`Unmapped::Owned`] page is the caller's to free, once every TLB
    /// that may hold the translation is flushed (`sfence.vma`, remote
    /// fences): until then a hart may still reach it.
    pub fn unmap_user_page(&mut self, frames: &mut FramePool, va: usize) -> Unmapped {
        let Ok(Some(slot)) = self.leaf_slot(frames, va, false) else {
            return Unmapped::Nothing;
        };
        // SAFETY: `slot` is a PTE slot of this space's level-0 table.
        let pte = unsafe { slot.read() };
        if pte & PTE_V == 0 {
            return Unmapped::Nothing;
        }
        // SAFETY: as above.
        unsafe { slot.write(0) };
        if pte & PTE_BORROWED == 0 {
            Unmapped::Owned(pte_pa(pte))
        } else {
            Unmapped::Borrowed
        }
    }

    /// Exchanges the frames behind mapped user pages `a` and `b` (each
    /// keeps its permissions). Harts that may cache the old translations
    /// must be fenced afterwards (see `smp::remote_sfence_vma`).
    /// (`frames` is only needed for the walk; nothing is allocated.)
    pub fn swap_user_pages(
        &mut self,
        frames: &mut FramePool,
        a: usize,
        b: usize,
    ) -> Result<(), MapError> {
        let slot_a = self.leaf_slot(frames, a, false)?;
        let slot_b = self.leaf_slot(frames, b, false)?;
        let (Some(slot_a), Some(slot_b)) = (slot_a, slot_b) else {
            return Err(MapError::BadAddress);
        };
        // SAFETY: both are PTE slots of this space's level-0 tables.
        let (pte_a, pte_b) = unsafe { (slot_a.read(), slot_b.read()) };
        if pte_a & PTE_V == 0 || pte_b & PTE_V == 0 {
            return Err(MapError::BadAddress);
        }
        let frame_bits = !0x3ff;
        // SAFETY: as above.
        unsafe {
            slot_a.write((pte_a & 0x3ff) | (pte_b & frame_bits));
            slot_b.write((pte_b & 0x3ff) | (pte_a & frame_bits));
        }
        Ok(())
    }

    /// The physical address and PTE flags of user address `va`, if mapped.
    pub fn translate(&self, va: usize) -> Option<(usize, usize)> {
        if va >= USER_END {
            return None;
        }
        let mut pa = self.root;
        for level in [2, 1, 0] {
            let index = (va >> (12 + 9 * level)) & (ENTRIES - 1);
            // SAFETY: `pa` is a table frame of this space; index < 512.
            let pte = unsafe { table(pa).add(index).read() };
            if pte & PTE_V == 0 {
                return None;
            }
            if is_leaf(pte) {
                // User pages are only ever 4 KiB leaves.
                return (level == 0).then(|| (pte_pa(pte) | (va & (PAGE_SIZE - 1)), pte & 0x3ff));
            }
            pa = pte_pa(pte);
        }
        None
    }

    /// Frees every table and user frame of the space; this hart leaves it
    /// first if it is active here (a freed root could come back as another
    /// space's, with the same satp). A space still active on another hart
    /// (a kernel bug) is left allocated rather than freed under it.
    pub fn destroy(self, frames: &mut FramePool) {
        if !crate::smp::unload_space(self.satp()) {
            crate::kprintln!(
                "kernel: address space {:#x} still active elsewhere, kept",
                self.root
            );
            return;
        }
        free_table(frames, self.root, 2);
    }
}

/// Frees the subtree at table `pa` of `level`, then the table itself;
/// skips the shared kernel gigapage (a leaf at level 2).
fn free_table(frames: &mut FramePool, pa: usize, level: usize) {
    for index in 0..ENTRIES {
        // SAFETY: `pa` is a table frame of the space being destroyed.
        let pte = unsafe { table(pa).add(index).read() };
        if pte & PTE_V == 0 {
            continue;
        }
        if !is_leaf(pte) && level > 0 {
            free_table(frames, pte_pa(pte), level - 1);
        } else if level == 0 && pte & PTE_U != 0 && pte & PTE_BORROWED == 0 {
            frames.free(pte_pa(pte));
        }
    }
    frames.free(pa);
}
