//! A minimal ELF64 writer for tests: PT_LOAD segments and an optional
//! symbol table (for HTIF's tohost/fromhost).

#![allow(dead_code)]

pub struct Segment {
    pub paddr: u64,
    pub data: Vec<u8>,
    pub memsz: u64,
}

pub struct ElfSpec {
    pub entry: u64,
    pub machine: u16,
    pub segments: Vec<Segment>,
    pub symbols: Vec<(&'static str, u64)>,
}

impl ElfSpec {
    pub fn riscv(entry: u64) -> Self {
        Self {
            entry,
            machine: 243,
            segments: Vec::new(),
            symbols: Vec::new(),
        }
    }

    pub fn segment(mut self, paddr: u64, data: Vec<u8>) -> Self {
        let memsz = data.len() as u64;
        self.segments.push(Segment { paddr, data, memsz });
        self
    }

    pub fn symbol(mut self, name: &'static str, value: u64) -> Self {
        self.symbols.push((name, value));
        self
    }

    /// Serialises: header, program headers, segment data, then (if any
    /// symbols) .symtab/.strtab/.shstrtab and the section headers.
    pub fn build(&self) -> Vec<u8> {
        let phnum = self.segments.len();
        let mut out = vec![0u8; 64 + 56 * phnum];
        let mut offsets = Vec::new();
        for s in &self.segments {
            while !out.len().is_multiple_of(16) {
                out.push(0);
            }
            offsets.push(out.len() as u64);
            out.extend_from_slice(&s.data);
        }
        // sections
        let mut shoff = 0u64;
        let mut shnum = 0u16;
        let mut shstrndx = 0u16;
        if !self.symbols.is_empty() {
            let mut strtab = vec![0u8];
            let mut symtab = vec![0u8; 24]; // null symbol
            for (name, value) in &self.symbols {
                let name_off = strtab.len() as u32;
                strtab.extend_from_slice(name.as_bytes());
                strtab.push(0);
                let mut sym = [0u8; 24];
                sym[0..4].copy_from_slice(&name_off.to_le_bytes());
                sym[4] = 0x11; // GLOBAL OBJECT
                sym[6..8].copy_from_slice(&1u16.to_le_bytes()); // shndx (any non-zero)
                sym[8..16].copy_from_slice(&value.to_le_bytes());
                sym[16..24].copy_from_slice(&8u64.to_le_bytes());
                symtab.extend_from_slice(&sym);
            }
            let shstrtab = b"\0.symtab\0.strtab\0.shstrtab\0".to_vec();
            let align = |out: &mut Vec<u8>| {
                while !out.len().is_multiple_of(8) {
                    out.push(0);
                }
            };
            align(&mut out);
            let symtab_off = out.len() as u64;
            out.extend_from_slice(&symtab);
            let strtab_off = out.len() as u64;
            out.extend_from_slice(&strtab);
            let shstr_off = out.len() as u64;
            out.extend_from_slice(&shstrtab);
            align(&mut out);
            shoff = out.len() as u64;
            let mut sh =
                |name: u32, ty: u32, off: u64, size: u64, link: u32, info: u32, entsize: u64| {
                    let mut h = [0u8; 64];
                    h[0..4].copy_from_slice(&name.to_le_bytes());
                    h[4..8].copy_from_slice(&ty.to_le_bytes());
                    h[24..32].copy_from_slice(&off.to_le_bytes());
                    h[32..40].copy_from_slice(&size.to_le_bytes());
                    h[40..44].copy_from_slice(&link.to_le_bytes());
                    h[44..48].copy_from_slice(&info.to_le_bytes());
                    h[48..56].copy_from_slice(&1u64.to_le_bytes());
                    h[56..64].copy_from_slice(&entsize.to_le_bytes());
                    out.extend_from_slice(&h);
                };
            sh(0, 0, 0, 0, 0, 0, 0);
            sh(1, 2, symtab_off, symtab.len() as u64, 2, 1, 24); // .symtab -> strtab idx 2
            sh(9, 3, strtab_off, strtab.len() as u64, 0, 0, 0);
            sh(17, 3, shstr_off, shstrtab.len() as u64, 0, 0, 0);
            shnum = 4;
            shstrndx = 3;
        }
        // ELF header
        out[0..4].copy_from_slice(b"\x7fELF");
        out[4] = 2; // 64-bit
        out[5] = 1; // little endian
        out[6] = 1; // version
        out[16..18].copy_from_slice(&2u16.to_le_bytes()); // ET_EXEC
        out[18..20].copy_from_slice(&self.machine.to_le_bytes());
        out[20..24].copy_from_slice(&1u32.to_le_bytes());
        out[24..32].copy_from_slice(&self.entry.to_le_bytes());
        out[32..40].copy_from_slice(&64u64.to_le_bytes()); // phoff
        out[40..48].copy_from_slice(&shoff.to_le_bytes());
        out[52..54].copy_from_slice(&64u16.to_le_bytes()); // ehsize
        out[54..56].copy_from_slice(&56u16.to_le_bytes());
        out[56..58].copy_from_slice(&(phnum as u16).to_le_bytes());
        out[58..60].copy_from_slice(&64u16.to_le_bytes());
        out[60..62].copy_from_slice(&shnum.to_le_bytes());
        out[62..64].copy_from_slice(&shstrndx.to_le_bytes());
        for (i, s) in self.segments.iter().enumerate() {
            let p = 64 + 56 * i;
            let ph = &mut out[p..p + 56];
            ph[0..4].copy_from_slice(&1u32.to_le_bytes()); // PT_LOAD
            ph[4..8].copy_from_slice(&7u32.to_le_bytes()); // RWX
            ph[8..16].copy_from_slice(&offsets[i].to_le_bytes());
            ph[16..24].copy_from_slice(&s.paddr.to_le_bytes());
            ph[24..32].copy_from_slice(&s.paddr.to_le_bytes());
            ph[32..40].copy_from_slice(&(s.data.len() as u64).to_le_bytes());
            ph[40..48].copy_from_slice(&s.memsz.to_le_bytes());
            ph[48..56].copy_from_slice(&16u64.to_le_bytes());
        }
        out
    }
}
