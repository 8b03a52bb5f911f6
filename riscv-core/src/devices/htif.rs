//! HTIF: the host-target interface of Spike and the riscv-tests suites.
//!
//! There is no MMIO window: `tohost` and `fromhost` are 64-bit words in RAM
//! whose addresses come from the ELF symbols of the same names
//! ([`Htif::set_addresses`]). After each quantum the machine polls:
//! a non-zero `tohost` is a command `device[63:56] cmd[55:48] payload[47:0]`:
//!
//! | device | cmd | payload                | effect                                   |
//! |--------|-----|------------------------|------------------------------------------|
//! | 0      | 0   | odd: `(code << 1) | 1` | exit with `code` (saturated to u32)      |
//! | 0      | 0   | even: pointer          | syscall block "magic_mem" (below); fromhost <- 1 |
//! | 1      | 1   | byte in bits 7:0       | console putchar; fromhost <- `1<<56 | 1<<48 | 0x100 | byte` |
//! | other  |     |                        | ignored (console getchar never answers: no host input) |
//!
//! `tohost` is cleared after every command. The syscall block is eight
//! 64-bit words `[which, arg0, arg1, arg2, ...]`; the result is written to
//! word 0. Supported: `write` (64) to fd 1 or 2 (bytes go to the UART
//! output; result = length, -EBADF for other fds, -EFAULT for a buffer
//! outside RAM) and `exit` (93). Other numbers return -ENOSYS. A block
//! outside RAM cannot be answered: the command is dropped and counted in
//! [`Htif::errors`].

use super::Uart;

const SYS_WRITE: u64 = 64;
const SYS_EXIT: u64 = 93;
const EBADF: i64 = 9;
const EFAULT: i64 = 14;
const ENOSYS: i64 = 38;
const PAYLOAD_MASK: u64 = (1 << 48) - 1;

/// RAM as the HTIF sees it: a byte slice starting at a physical base.
pub struct HtifRam<'a> {
    pub base: u64,
    pub bytes: &'a mut [u8],
}

impl HtifRam<'_> {
    fn range(&self, addr: u64, len: u64) -> Option<std::ops::Range<usize>> {
        let off = addr.checked_sub(self.base)?;
        let end = off.checked_add(len)?;
        if end > self.bytes.len() as u64 {
            return None;
        }
        Some(off as usize..end as usize)
    }

    fn read_u64(&self, addr: u64) -> Option<u64> {
        let r = self.range(addr, 8)?;
        Some(u64::from_le_bytes(self.bytes[r].try_into().ok()?))
    }

    fn write_u64(&mut self, addr: u64, value: u64) -> bool {
        match self.range(addr, 8) {
            Some(r) => {
                self.bytes[r].copy_from_slice(&value.to_le_bytes());
                true
            }
            None => false,
        }
    }
}

#[derive(Default)]
pub struct Htif {
    tohost: Option<u64>,
    fromhost: Option<u64>,
    exit: Option<u32>,
    errors: u64,
}

impl Htif {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn set_addresses(&mut self, tohost: u64, fromhost: Option<u64>) {
        self.tohost = Some(tohost);
        self.fromhost = fromhost;
    }

    pub fn tohost(&self) -> Option<u64> {
        self.tohost
    }

    /// Exit code of the first exit command.
    pub fn exit_code(&self) -> Option<u32> {
        self.exit
    }

    /// Commands that could not be carried out (syscall block outside RAM).
    pub fn errors(&self) -> u64 {
        self.errors
    }

    fn request_exit(&mut self, code: u64) {
        self.exit
            .get_or_insert(u32::try_from(code).unwrap_or(u32::MAX));
    }

    /// Handles a pending `tohost` command, if any.
    pub fn poll(&mut self, ram: &mut HtifRam<'_>, out: &mut Uart) {
        let Some(tohost) = self.tohost else { return };
        let Some(cmd) = ram.read_u64(tohost) else {
            return;
        };
        if cmd == 0 {
            return;
        }
        ram.write_u64(tohost, 0);
        let device = cmd >> 56;
        let command = (cmd >> 48) & 0xff;
        let payload = cmd & PAYLOAD_MASK;
        let response = match (device, command) {
            (0, 0) if payload & 1 == 1 => {
                self.request_exit(payload >> 1);
                None
            }
            (0, 0) => self.syscall(ram, payload, out).then_some(1),
            (1, 1) => {
                out.emit(&[payload as u8]);
                Some((cmd & !PAYLOAD_MASK) | 0x100 | (payload & 0xff))
            }
            _ => None,
        };
        if let (Some(value), Some(fromhost)) = (response, self.fromhost) {
            ram.write_u64(fromhost, value);
        }
    }

    /// Runs the syscall block at `block`; false if it cannot be answered.
    fn syscall(&mut self, ram: &mut HtifRam<'_>, block: u64, out: &mut Uart) -> bool {
        let arg = |i: u64| block.checked_add(8 * i).and_then(|a| ram.read_u64(a));
        let (Some(which), Some(a0), Some(a1), Some(a2)) = (arg(0), arg(1), arg(2), arg(3)) else {
            self.errors += 1;
            return false;
        };
        let result: i64 = match which {
            SYS_WRITE if a0 == 1 || a0 == 2 => match ram.range(a1, a2) {
                Some(r) => {
                    out.emit(&ram.bytes[r]);
                    a2 as i64
                }
                None => -EFAULT,
            },
            SYS_WRITE => -EBADF,
            SYS_EXIT => {
                self.request_exit(a0);
                0
            }
            _ => -ENOSYS,
        };
        ram.write_u64(block, result as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::UartOutput;

    const BASE: u64 = 0x8000_0000;
    const TOHOST: u64 = BASE + 0x1000;
    const FROMHOST: u64 = BASE + 0x1008;

    struct Rig {
        mem: Vec<u8>,
        htif: Htif,
        uart: Uart,
    }

    impl Rig {
        fn new() -> Self {
            let mut htif = Htif::new();
            htif.set_addresses(TOHOST, Some(FROMHOST));
            Self {
                mem: vec![0; 0x4000],
                htif,
                uart: Uart::new(&UartOutput::Buffer).unwrap(),
            }
        }
        fn ram(&mut self) -> HtifRam<'_> {
            HtifRam {
                base: BASE,
                bytes: &mut self.mem,
            }
        }
        fn put(&mut self, addr: u64, v: u64) {
            assert!(self.ram().write_u64(addr, v));
        }
        fn get(&mut self, addr: u64) -> u64 {
            self.ram().read_u64(addr).unwrap()
        }
        fn poll(&mut self) {
            let mut ram = HtifRam {
                base: BASE,
                bytes: &mut self.mem,
            };
            self.htif.poll(&mut ram, &mut self.uart);
        }
    }

    #[test]
    fn exit_codes() {
        let mut r = Rig::new();
        r.poll();
        assert_eq!(r.htif.exit_code(), None);
        r.put(TOHOST, 1);
        r.poll();
        assert_eq!(r.htif.exit_code(), Some(0));
        assert_eq!(r.get(TOHOST), 0, "cleared");
        let mut r = Rig::new();
        r.put(TOHOST, (5 << 1) | 1);
        r.poll();
        assert_eq!(r.htif.exit_code(), Some(5));
        r.put(TOHOST, (6 << 1) | 1);
        r.poll();
        assert_eq!(r.htif.exit_code(), Some(5), "first wins");
    }

    #[test]
    fn console_putchar_acks() {
        let mut r = Rig::new();
        r.put(TOHOST, (1 << 56) | (1 << 48) | b'A' as u64);
        r.poll();
        assert_eq!(r.uart.take_output(), b"A");
        assert_eq!(r.get(FROMHOST), (1 << 56) | (1 << 48) | 0x100 | b'A' as u64);
        assert_eq!(r.get(TOHOST), 0);
        assert_eq!(r.htif.exit_code(), None);
    }

    #[test]
    fn sys_write_and_errors() {
        let mut r = Rig::new();
        let block = BASE + 0x2000;
        let buf = BASE + 0x3000;
        r.mem[0x3000..0x3005].copy_from_slice(b"hello");
        for (i, v) in [SYS_WRITE, 1, buf, 5].into_iter().enumerate() {
            r.put(block + 8 * i as u64, v);
        }
        r.put(TOHOST, block);
        r.poll();
        assert_eq!(r.uart.take_output(), b"hello");
        assert_eq!(r.get(block), 5);
        assert_eq!(r.get(FROMHOST), 1);
        // Bad fd, bad buffer, unknown syscall.
        for (fd, ptr, expect) in [(3, buf, -EBADF), (2, BASE + 0x3ffe, -EFAULT)] {
            for (i, v) in [SYS_WRITE, fd, ptr, 5].into_iter().enumerate() {
                r.put(block + 8 * i as u64, v);
            }
            r.put(TOHOST, block);
            r.poll();
            assert_eq!(r.get(block) as i64, expect);
        }
        r.put(block, 1234);
        r.put(TOHOST, block);
        r.poll();
        assert_eq!(r.get(block) as i64, -ENOSYS);
        assert_eq!(r.uart.take_output(), b"");
        // A block outside RAM is dropped and counted.
        r.put(TOHOST, 0x1000);
        r.poll();
        assert_eq!(r.htif.errors(), 1);
        assert_eq!(r.get(TOHOST), 0);
        // sys_exit.
        r.put(block, SYS_EXIT);
        r.put(block + 8, 3);
        r.put(TOHOST, block);
        r.poll();
        assert_eq!(r.htif.exit_code(), Some(3));
    }

    #[test]
    fn tohost_outside_ram_is_harmless() {
        let mut r = Rig::new();
        r.htif.set_addresses(u64::MAX - 3, None);
        r.poll();
        assert_eq!(r.htif.exit_code(), None);
    }
}
