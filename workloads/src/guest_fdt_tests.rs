//! Host tests of the guest runtime's FDT hart counter, on device trees
//! built here token by token.

use crate::guest_fdt::{cpu_count, in_memory, total_size, HEADER_LEN, MAX_FDT_SIZE};

use crate::test_fdt::FdtBuilder as Fdt;

/// A virt-like tree: /cpus with `harts` cpu nodes and a cpu-map, and an
/// unrelated node that also has `cpu@` children.
fn virt_tree(harts: usize) -> Vec<u8> {
    let mut f = Fdt::default();
    f.begin("").prop("reg", &[0, 0, 0, 2]);
    f.begin("soc").begin("cpu@99").end().end();
    f.begin("cpus").prop("reg", &[0, 0, 0, 1]);
    for i in 0..harts {
        f.begin(&format!("cpu@{i}")).prop("reg", &[1, 2, 3]);
        f.begin("interrupt-controller").end();
        f.end();
    }
    f.begin("cpu-map").begin("cluster0").end().end();
    f.end();
    f.begin("memory@80000000").prop("reg", &[0; 16]).end();
    f.end();
    f.finish()
}

#[test]
fn counts_cpu_nodes_under_cpus_only() {
    for harts in [1, 2, 4, 8, 13] {
        assert_eq!(cpu_count(&virt_tree(harts)), Some(harts));
    }
}

#[test]
fn no_cpus_node_or_no_cpus_is_none() {
    let mut f = Fdt::default();
    f.begin("").begin("soc").end().end();
    assert_eq!(cpu_count(&f.finish()), None);
    let mut f = Fdt::default();
    f.begin("").begin("cpus").end().end();
    assert_eq!(cpu_count(&f.finish()), None);
}

#[test]
fn bad_magic_is_none() {
    let mut blob = virt_tree(2);
    blob[0] ^= 1;
    assert_eq!(total_size(&blob), None);
    assert_eq!(cpu_count(&blob), None);
}

#[test]
fn every_truncation_and_corruption_is_handled_without_panic() {
    let blob = virt_tree(3);
    for len in 0..blob.len() {
        // Shorter than the announced size: rejected.
        assert_eq!(cpu_count(&blob[..len]), None, "truncated to {len}");
    }
    for i in 0..blob.len() {
        for v in [0x00, 0x01, 0x03, 0x09, 0x7f, 0xff] {
            let mut bad = blob.clone();
            bad[i] = v;
            let _ = cpu_count(&bad); // any answer, but no panic
        }
    }
}

#[test]
fn huge_offsets_and_lengths_are_none() {
    let mut blob = virt_tree(2);
    blob[8..12].copy_from_slice(&u32::MAX.to_be_bytes()); // struct offset
    assert_eq!(cpu_count(&blob), None);
    let mut blob = virt_tree(2);
    blob[36..40].copy_from_slice(&u32::MAX.to_be_bytes()); // struct size
    assert_eq!(cpu_count(&blob), None);
}

#[test]
fn a_tree_in_memory_is_read_only_inside_ram_and_whole() {
    // A word-aligned buffer with room after the tree.
    let tree = virt_tree(2);
    let mut words = vec![0u32; tree.len() / 4 + 16];
    let buf: &mut [u8] = word_bytes(&mut words);
    buf[..tree.len()].copy_from_slice(&tree);
    let addr = buf.as_ptr() as usize;
    let ram_end = addr + buf.len();
    let read = |at: usize, ram: std::ops::Range<usize>| {
        // SAFETY: every range handed in lies within `buf`.
        unsafe { in_memory(at, ram) }.map(|t| (t.as_ptr() as usize, t.len()))
    };
    assert_eq!(read(addr, addr..ram_end), Some((addr, tree.len())));
    let found = unsafe { in_memory(addr, addr..ram_end) }.unwrap();
    assert_eq!(cpu_count(found), Some(2));
    // Below or past RAM, misaligned, or running past RAM's end: none.
    assert_eq!(read(addr, addr + 4..ram_end), None);
    assert_eq!(read(addr + 2, addr..ram_end), None);
    assert_eq!(read(addr, addr..addr + HEADER_LEN - 1), None);
    assert_eq!(read(addr, addr..addr + tree.len() - 1), None);
    assert_eq!(read(usize::MAX - 8, addr..ram_end), None);
    // A header announcing more than the largest tree read, or less than a
    // header: none, before anything past the header is touched.
    buf[4..8].copy_from_slice(&(MAX_FDT_SIZE as u32 + 4).to_be_bytes());
    assert_eq!(read(addr, addr..ram_end), None);
    buf[4..8].copy_from_slice(&(HEADER_LEN as u32 - 4).to_be_bytes());
    assert_eq!(read(addr, addr..ram_end), None);
}

/// The bytes of `words` (4-byte aligned, as a tree in RAM is).
fn word_bytes(words: &mut [u32]) -> &mut [u8] {
    // SAFETY: u32 has no padding and any byte pattern is a valid u8.
    unsafe { std::slice::from_raw_parts_mut(words.as_mut_ptr().cast(), words.len() * 4) }
}
