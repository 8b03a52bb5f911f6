//! Just enough ELF64 parsing to load a RISC-V executable: the header and
//! its PT_LOAD program headers, with every offset and size checked against
//! the image (a malformed image is an error, never a panic).

const EM_RISCV: u16 = 243;
const ET_EXEC: u16 = 2;
const PT_LOAD: u32 = 1;
const PHDR_SIZE: usize = 56;

/// Segment permission flags (p_flags).
pub const PF_X: u32 = 1;
pub const PF_W: u32 = 2;
pub const PF_R: u32 = 4;

/// Why an image is not a loadable executable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ElfError {
    NotElf,
    WrongKind,
    Truncated,
}

/// One PT_LOAD segment; `data` is its file part (`filesz` bytes).
#[derive(Debug, Clone, Copy)]
pub struct Segment<'a> {
    pub vaddr: usize,
    pub memsz: usize,
    pub flags: u32,
    pub data: &'a [u8],
}

/// A checked executable image.
pub struct Elf<'a> {
    image: &'a [u8],
    pub entry: usize,
    phoff: usize,
    phnum: usize,
}

fn bytes<const N: usize>(image: &[u8], off: usize) -> Result<[u8; N], ElfError> {
    let end = off.checked_add(N).ok_or(ElfError::Truncated)?;
    image
        .get(off..end)
        .and_then(|s| s.try_into().ok())
        .ok_or(ElfError::Truncated)
}

fn u16_at(image: &[u8], off: usize) -> Result<u16, ElfError> {
    bytes(image, off).map(u16::from_le_bytes)
}

fn u32_at(image: &[u8], off: usize) -> Result<u32, ElfError> {
    bytes(image, off).map(u32::from_le_bytes)
}

fn usize_at(image: &[u8], off: usize) -> Result<usize, ElfError> {
    bytes(image, off).map(|b| u64::from_le_bytes(b) as usize)
}

impl<'a> Elf<'a> {
    /// Checks the header: ELF64, little-endian, RISC-V, executable.
    pub fn parse(image: &'a [u8]) -> Result<Self, ElfError> {
        if image.get(..6) != Some(b"\x7fELF\x02\x01".as_slice()) {
            return Err(ElfError::NotElf);
        }
        if u16_at(image, 16)? != ET_EXEC || u16_at(image, 18)? != EM_RISCV {
            return Err(ElfError::WrongKind);
        }
        if usize::from(u16_at(image, 54)?) != PHDR_SIZE {
            return Err(ElfError::WrongKind);
        }
        let elf = Self {
            image,
            entry: usize_at(image, 24)?,
            phoff: usize_at(image, 32)?,
            phnum: usize::from(u16_at(image, 56)?),
        };
        // All program headers must lie in the image.
        let table = elf
            .phnum
            .checked_mul(PHDR_SIZE)
            .ok_or(ElfError::Truncated)?;
        elf.phoff
            .checked_add(table)
            .filter(|&end| end <= image.len())
            .ok_or(ElfError::Truncated)?;
        Ok(elf)
    }

    /// The `i`th program header if it is PT_LOAD.
    fn segment(&self, i: usize) -> Result<Option<Segment<'a>>, ElfError> {
        let ph = self.phoff + i * PHDR_SIZE;
        if u32_at(self.image, ph)? != PT_LOAD {
            return Ok(None);
        }
        let flags = u32_at(self.image, ph + 4)?;
        let offset = usize_at(self.image, ph + 8)?;
        let vaddr = usize_at(self.image, ph + 16)?;
        let filesz = usize_at(self.image, ph + 32)?;
        let memsz = usize_at(self.image, ph + 40)?;
        if filesz > memsz {
            return Err(ElfError::WrongKind);
        }
        let end = offset.checked_add(filesz).ok_or(ElfError::Truncated)?;
        let data = self.image.get(offset..end).ok_or(ElfError::Truncated)?;
        Ok(Some(Segment {
            vaddr,
            memsz,
            flags,
            data,
        }))
    }

    /// Every PT_LOAD segment, or the first error.
    pub fn segments(&self) -> impl Iterator<Item = Result<Segment<'a>, ElfError>> + '_ {
        (0..self.phnum).filter_map(|i| self.segment(i).transpose())
    }
}
