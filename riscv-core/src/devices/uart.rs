//! ns16550a UART (transmit side; no host input).
//!
//! Register map (byte registers, offsets from `UART_BASE`; wider aligned
//! accesses act on the byte register at the offset, as in QEMU):
//!
//! | offset | read                | write             | DLAB = 1 |
//! |--------|---------------------|-------------------|----------|
//! | 0      | RBR receive buffer  | THR transmit      | DLL      |
//! | 1      | IER                 | IER               | DLM      |
//! | 2      | IIR                 | FCR               |          |
//! | 3      | LCR (bit 7 = DLAB)  | LCR               |          |
//! | 4      | MCR                 | MCR               |          |
//! | 5      | LSR                 | (ignored)         |          |
//! | 6      | MSR                 | (ignored)         |          |
//! | 7      | SCR                 | SCR               |          |
//!
//! Transmission is instant, so LSR always shows THR empty and transmitter
//! empty (0x60); with no input DR stays 0 except in loopback mode
//! (MCR bit 4), where a written byte is received back instead of sent.
//! Interrupts: THR-empty (IER bit 1) is raised when enabled and after each
//! transmitted byte and cleared by reading IIR while it reports it;
//! received-data (IER bit 0) while DR is set. [`Uart::irq`] is the line to
//! the PLIC (source 10), updated by the bus after every access.
//!
//! Output is buffered and written to stdout (flushed at each newline),
//! a file (flushed when the buffer fills and at exit) or kept in memory.

use std::fs::File;
use std::io::{self, Write};

use crate::platform::{PlatformError, UartOutput};

const IER_RDI: u8 = 0x01;
const IER_THRI: u8 = 0x02;
const IIR_NO_INT: u8 = 0x01;
const IIR_THRI: u8 = 0x02;
const IIR_RDI: u8 = 0x04;
const IIR_FIFO: u8 = 0xc0;
const LCR_DLAB: u8 = 0x80;
const LSR_DR: u8 = 0x01;
const LSR_THRE_TEMT: u8 = 0x60;
const MCR_LOOP: u8 = 0x10;
/// MSR with DCD, DSR and CTS asserted: a host that is always ready.
const MSR_READY: u8 = 0xb0;
/// File output is written out in chunks of this size.
const FLUSH_AT: usize = 64 * 1024;

enum Sink {
    Stdout,
    File(File),
    Buffer,
}

pub struct Uart {
    sink: Sink,
    out: Vec<u8>,
    /// First host I/O error writing the output, kept for the report.
    error: Option<String>,
    ier: u8,
    lcr: u8,
    mcr: u8,
    scr: u8,
    dll: u8,
    dlm: u8,
    fifo_enabled: bool,
    thr_ipending: bool,
    rx: Option<u8>,
}

impl Uart {
    pub fn new(output: &UartOutput) -> Result<Self, PlatformError> {
        let sink = match output {
            UartOutput::Stdout => Sink::Stdout,
            UartOutput::Buffer => Sink::Buffer,
            UartOutput::File(path) => {
                Sink::File(File::create(path).map_err(|error| PlatformError::UartFile {
                    path: path.clone(),
                    error,
                })?)
            }
        };
        Ok(Self {
            sink,
            out: Vec::new(),
            error: None,
            ier: 0,
            lcr: 0,
            mcr: 0,
            scr: 0,
            dll: 0,
            dlm: 0,
            fifo_enabled: false,
            thr_ipending: false,
            rx: None,
        })
    }

    /// Sends bytes to the output directly (HTIF console, syscalls).
    pub fn emit(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
        let flush = match self.sink {
            Sink::Stdout => bytes.contains(&b'\n'),
            Sink::File(_) => self.out.len() >= FLUSH_AT,
            Sink::Buffer => false,
        };
        if flush {
            self.flush();
        }
    }

    /// Writes buffered output to stdout or the file.
    pub fn flush(&mut self) {
        let result = match &mut self.sink {
            Sink::Buffer => return,
            Sink::Stdout => {
                let mut so = io::stdout().lock();
                so.write_all(&self.out).and_then(|_| so.flush())
            }
            Sink::File(f) => f.write_all(&self.out).and_then(|_| f.flush()),
        };
        self.out.clear();
        if let Err(e) = result {
            self.error.get_or_insert_with(|| e.to_string());
        }
    }

    /// Captured output so far (only for [`UartOutput::Buffer`]; empty otherwise).
    pub fn take_output(&mut self) -> Vec<u8> {
        match self.sink {
            Sink::Buffer => std::mem::take(&mut self.out),
            _ => Vec::new(),
        }
    }

    /// First error the host reported while writing the output.
    pub fn output_error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Interrupt line to the PLIC.
    pub fn irq(&self) -> bool {
        (self.ier & IER_THRI != 0 && self.thr_ipending)
            || (self.ier & IER_RDI != 0 && self.rx.is_some())
    }

    fn iir(&self) -> u8 {
        let fifo = if self.fifo_enabled { IIR_FIFO } else { 0 };
        let id = if self.ier & IER_RDI != 0 && self.rx.is_some() {
            IIR_RDI
        } else if self.ier & IER_THRI != 0 && self.thr_ipending {
            IIR_THRI
        } else {
            IIR_NO_INT
        };
        fifo | id
    }

    fn msr(&self) -> u8 {
        if self.mcr & MCR_LOOP == 0 {
            return MSR_READY;
        }
        // Loopback: DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD.
        let m = self.mcr;
        ((m & 0x01) << 5) | ((m & 0x02) << 3) | ((m & 0x04) << 4) | ((m & 0x08) << 4)
    }

    fn dlab(&self) -> bool {
        self.lcr & LCR_DLAB != 0
    }

    fn aligned(offset: u64, size: u8) -> bool {
        matches!(size, 1 | 2 | 4 | 8) && offset.is_multiple_of(size as u64) && offset < 8
    }

    pub fn read(&mut self, offset: u64, size: u8) -> Option<u64> {
        if !Self::aligned(offset, size) {
            return None;
        }
        let v = match offset {
            0 if self.dlab() => self.dll,
            0 => self.rx.take().unwrap_or(0),
            1 if self.dlab() => self.dlm,
            1 => self.ier,
            2 => {
                let iir = self.iir();
                if iir & 0x0f == IIR_THRI {
                    self.thr_ipending = false;
                }
                iir
            }
            3 => self.lcr,
            4 => self.mcr,
            5 => LSR_THRE_TEMT | if self.rx.is_some() { LSR_DR } else { 0 },
            6 => self.msr(),
            _ => self.scr,
        };
        Some(v as u64)
    }

    pub fn write(&mut self, offset: u64, size: u8, value: u64) -> bool {
        if !Self::aligned(offset, size) {
            return false;
        }
        let v = value as u8;
        match offset {
            0 if self.dlab() => self.dll = v,
            0 => {
                if self.mcr & MCR_LOOP != 0 {
                    self.rx = Some(v);
                } else {
                    self.emit(&[v]);
                }
                self.thr_ipending = true;
            }
            1 if self.dlab() => self.dlm = v,
            1 => {
                if v & IER_THRI != 0 && self.ier & IER_THRI == 0 {
                    self.thr_ipending = true;
                }
                self.ier = v & 0x0f;
            }
            2 => {
                self.fifo_enabled = v & 0x01 != 0;
                if v & 0x02 != 0 {
                    self.rx = None;
                }
            }
            3 => self.lcr = v,
            4 => self.mcr = v & 0x1f,
            5 | 6 => {}
            _ => self.scr = v,
        }
        true
    }
}

impl Drop for Uart {
    fn drop(&mut self) {
        self.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn buffered() -> Uart {
        Uart::new(&UartOutput::Buffer).unwrap()
    }

    #[test]
    fn transmit_to_buffer() {
        let mut u = buffered();
        for &b in b"hi\n" {
            assert!(u.write(0, 1, b as u64));
        }
        assert_eq!(u.take_output(), b"hi\n");
        assert_eq!(u.take_output(), b"");
        assert_eq!(u.read(5, 1), Some(0x60));
        assert_eq!(u.read(0, 1), Some(0), "no input");
    }

    #[test]
    fn divisor_latch_and_scratch() {
        let mut u = buffered();
        assert!(u.write(3, 1, 0x83));
        assert!(u.write(0, 1, 0x12));
        assert!(u.write(1, 1, 0x34));
        assert_eq!(u.take_output(), b"", "DLL write is not data");
        assert_eq!(u.read(0, 1), Some(0x12));
        assert_eq!(u.read(1, 1), Some(0x34));
        assert!(u.write(3, 1, 0x03));
        assert_eq!(u.read(1, 1), Some(0), "IER untouched");
        assert_eq!(u.read(3, 1), Some(3));
        assert!(u.write(7, 1, 0x5a));
        assert_eq!(u.read(7, 1), Some(0x5a));
    }

    #[test]
    fn thr_empty_interrupt() {
        let mut u = buffered();
        assert!(!u.irq());
        assert_eq!(u.read(2, 1), Some(0x01));
        assert!(u.write(1, 1, IER_THRI as u64));
        assert!(u.irq());
        assert_eq!(u.read(2, 1), Some(0x02));
        assert!(!u.irq(), "reading IIR clears THRE");
        assert_eq!(u.read(2, 1), Some(0x01));
        assert!(u.write(0, 1, b'x' as u64));
        assert!(u.irq(), "THR empties again after the byte");
        assert!(u.write(1, 1, 0));
        assert!(!u.irq());
        assert!(u.write(2, 1, 1));
        assert_eq!(u.read(2, 1), Some(0xc1));
    }

    #[test]
    fn loopback_receives() {
        let mut u = buffered();
        assert!(u.write(4, 1, 0x10 | 0x02));
        assert_eq!(u.read(6, 1), Some(0x10), "RTS loops to CTS");
        assert!(u.write(1, 1, IER_RDI as u64));
        assert!(u.write(0, 1, b'q' as u64));
        assert_eq!(u.take_output(), b"");
        assert!(u.irq());
        assert_eq!(u.read(5, 1), Some(0x61));
        assert_eq!(u.read(2, 1), Some(0x04));
        assert_eq!(u.read(0, 1), Some(b'q' as u64));
        assert!(!u.irq());
    }

    #[test]
    fn widths_and_bounds() {
        let mut u = buffered();
        assert!(u.write(0, 4, 0x4142_4344));
        assert_eq!(u.take_output(), b"D");
        assert_eq!(u.read(5, 2), None, "misaligned");
        assert_eq!(u.read(8, 1), None);
        assert!(!u.write(3, 4, 0));
    }

    #[test]
    fn file_output_flushes() {
        let dir = std::env::temp_dir().join(format!("asyncsim-uart-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("out.txt");
        let mut u = Uart::new(&UartOutput::File(path.clone())).unwrap();
        u.emit(b"abc");
        u.flush();
        assert_eq!(std::fs::read(&path).unwrap(), b"abc");
        drop(u);
        std::fs::remove_dir_all(&dir).unwrap();
        let bad = UartOutput::File(dir.join("missing/dir/x"));
        assert!(matches!(
            Uart::new(&bad),
            Err(PlatformError::UartFile { .. })
        ));
    }
}
