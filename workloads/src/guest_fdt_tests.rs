//! Host tests of the guest runtime's FDT hart counter, on device trees
//! built here token by token.

use crate::guest_fdt::{cpu_count, total_size, FDT_MAGIC, HEADER_LEN};

/// Minimal FDT writer: nodes and properties into the structure block.
struct Fdt {
    structure: Vec<u8>,
    strings: Vec<u8>,
}

impl Fdt {
    fn new() -> Self {
        Self {
            structure: Vec::new(),
            strings: b"reg\0".to_vec(),
        }
    }
    fn token(&mut self, t: u32) {
        self.structure.extend_from_slice(&t.to_be_bytes());
    }
    fn pad(&mut self) {
        while !self.structure.len().is_multiple_of(4) {
            self.structure.push(0);
        }
    }
    fn begin(&mut self, name: &str) -> &mut Self {
        self.token(1);
        self.structure.extend_from_slice(name.as_bytes());
        self.structure.push(0);
        self.pad();
        self
    }
    fn end(&mut self) -> &mut Self {
        self.token(2);
        self
    }
    fn prop(&mut self, value: &[u8]) -> &mut Self {
        self.token(3);
        self.token(value.len() as u32);
        self.token(0); // "reg"
        self.structure.extend_from_slice(value);
        self.pad();
        self
    }
    fn finish(&mut self) -> Vec<u8> {
        self.token(9);
        let struct_off = HEADER_LEN + 16; // after an empty reservation map
        let strings_off = struct_off + self.structure.len();
        let total = strings_off + self.strings.len();
        let mut out = Vec::new();
        for v in [
            FDT_MAGIC,
            total as u32,
            struct_off as u32,
            strings_off as u32,
            HEADER_LEN as u32,
            17,
            16,
            0,
            self.strings.len() as u32,
            self.structure.len() as u32,
        ] {
            out.extend_from_slice(&v.to_be_bytes());
        }
        out.extend_from_slice(&[0; 16]);
        out.extend_from_slice(&self.structure);
        out.extend_from_slice(&self.strings);
        out
    }
}

/// A virt-like tree: /cpus with `harts` cpu nodes and a cpu-map, and an
/// unrelated node that also has `cpu@` children.
fn virt_tree(harts: usize) -> Vec<u8> {
    let mut f = Fdt::new();
    f.begin("").prop(&[0, 0, 0, 2]);
    f.begin("soc").begin("cpu@99").end().end();
    f.begin("cpus").prop(&[0, 0, 0, 1]);
    for i in 0..harts {
        f.begin(&format!("cpu@{i}")).prop(&[1, 2, 3]);
        f.begin("interrupt-controller").end();
        f.end();
    }
    f.begin("cpu-map").begin("cluster0").end().end();
    f.end();
    f.begin("memory@80000000").prop(&[0; 16]).end();
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
    let mut f = Fdt::new();
    f.begin("").begin("soc").end().end();
    assert_eq!(cpu_count(&f.finish()), None);
    let mut f = Fdt::new();
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
