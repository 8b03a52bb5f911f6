//! A minimal flattened-device-tree writer for host tests of the guests'
//! device-tree readers: nodes and named properties, token by token, so
//! tests can also truncate and corrupt the result.

use crate::guest_fdt::{FDT_MAGIC, HEADER_LEN};

#[derive(Default)]
pub struct FdtBuilder {
    structure: Vec<u8>,
    strings: Vec<u8>,
}

impl FdtBuilder {
    fn word(&mut self, w: u32) {
        self.structure.extend_from_slice(&w.to_be_bytes());
    }
    fn pad(&mut self) {
        while !self.structure.len().is_multiple_of(4) {
            self.structure.push(0);
        }
    }
    pub fn begin(&mut self, name: &str) -> &mut Self {
        self.word(1);
        self.structure.extend_from_slice(name.as_bytes());
        self.structure.push(0);
        self.pad();
        self
    }
    pub fn end(&mut self) -> &mut Self {
        self.word(2);
        self
    }
    pub fn prop(&mut self, name: &str, value: &[u8]) -> &mut Self {
        let name_off = self.strings.len() as u32;
        self.strings.extend_from_slice(name.as_bytes());
        self.strings.push(0);
        self.word(3);
        self.word(value.len() as u32);
        self.word(name_off);
        self.structure.extend_from_slice(value);
        self.pad();
        self
    }
    /// Ends the structure block and returns header + empty reservation
    /// map + structure + strings.
    pub fn finish(&mut self) -> Vec<u8> {
        self.word(9);
        let struct_off = HEADER_LEN + 16;
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
