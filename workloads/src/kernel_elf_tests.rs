//! Host tests of the guest kernel's ELF loader: real images parse into
//! their PT_LOAD segments, and every malformed image is an error, not a
//! panic.

use crate::kernel_elf::{Elf, ElfError, Segment, PF_R, PF_W, PF_X};

fn segments(image: &[u8]) -> Result<Vec<Segment<'_>>, ElfError> {
    Elf::parse(image)?.segments().collect()
}

fn set_u64(image: &mut [u8], off: usize, value: u64) {
    image[off..off + 8].copy_from_slice(&value.to_le_bytes());
}

fn phoff(image: &[u8]) -> usize {
    u64::from_le_bytes(image[32..40].try_into().unwrap()) as usize
}

/// Offset of the first PT_LOAD program header.
fn first_load(image: &[u8]) -> usize {
    let phnum = u16::from_le_bytes([image[56], image[57]]) as usize;
    (0..phnum)
        .map(|i| phoff(image) + i * 56)
        .find(|&ph| u32::from_le_bytes(image[ph..ph + 4].try_into().unwrap()) == 1)
        .expect("a PT_LOAD header")
}

#[test]
fn the_kernel_image_has_its_entry_and_an_executable_segment() {
    let image = crate::kernel();
    let elf = Elf::parse(image).expect("kernel parses");
    assert_eq!(elf.entry, 0x8020_0000);
    let segs = segments(image).expect("segments parse");
    assert!(!segs.is_empty());
    let text = segs
        .iter()
        .find(|s| s.flags & PF_X != 0)
        .expect("an executable segment");
    assert_eq!(text.vaddr, 0x8020_0000);
    assert!(text.flags & PF_R != 0 && text.flags & PF_W == 0);
    for s in &segs {
        assert!(s.data.len() <= s.memsz);
        assert!(s.vaddr >= 0x8020_0000);
    }
}

#[test]
fn every_truncation_is_an_error_and_never_panics() {
    let image = crate::firmware();
    let needed = phoff(image) + 56 * u16::from_le_bytes([image[56], image[57]]) as usize;
    for len in 0..needed {
        assert!(Elf::parse(&image[..len]).is_err(), "cut at {len} parsed");
    }
    // Cut inside the segment data: the header parses, a segment does not.
    let ph = first_load(image);
    let offset = u64::from_le_bytes(image[ph + 8..ph + 16].try_into().unwrap()) as usize;
    let filesz = u64::from_le_bytes(image[ph + 32..ph + 40].try_into().unwrap()) as usize;
    assert!(filesz > 0);
    let cut = &image[..offset + filesz - 1];
    assert_eq!(segments(cut).err(), Some(ElfError::Truncated));
}

#[test]
fn wrong_kind_and_hostile_headers_are_rejected() {
    let good = crate::firmware().to_vec();
    assert!(segments(&good).is_ok());

    let mut not_elf = good.clone();
    not_elf[0] = 0;
    assert_eq!(segments(&not_elf).err(), Some(ElfError::NotElf));

    let mut x86 = good.clone();
    x86[18..20].copy_from_slice(&62u16.to_le_bytes());
    assert_eq!(segments(&x86).err(), Some(ElfError::WrongKind));

    let mut huge_phoff = good.clone();
    set_u64(&mut huge_phoff, 32, u64::MAX - 8);
    assert_eq!(segments(&huge_phoff).err(), Some(ElfError::Truncated));

    let ph = first_load(&good);
    let mut huge_offset = good.clone();
    set_u64(&mut huge_offset, ph + 8, u64::MAX);
    assert_eq!(segments(&huge_offset).err(), Some(ElfError::Truncated));

    let mut file_bigger_than_memory = good.clone();
    set_u64(&mut file_bigger_than_memory, ph + 40, 0);
    set_u64(&mut file_bigger_than_memory, ph + 32, 1);
    assert_eq!(
        segments(&file_bigger_than_memory).err(),
        Some(ElfError::WrongKind)
    );
}
