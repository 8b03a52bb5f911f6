//! The seed experiment (DESIGN.md section 2): `c` coroutines x `rounds`
//! rounds; in each round every coroutine makes one pair of syscalls.
//! `kind=` picks the pair:
//! - `mapunmap` (default): mmap one anonymous page, check that it lies in
//!   the mmap area and that its first `payload` bytes (default 64) read
//!   zero, write a pattern of this coroutine and round there and read it
//!   back (two coroutines handed the same page would see each other's
//!   pattern), then munmap it (must return 0);
//! - `getpid`: two getpids, each must be the pid;
//! - `write`: write `payload` bytes (default 64) to a scratch file of
//!   the memory file system (must return `payload`), then lseek it back
//!   to 0 (must return 0), so the file never grows past one pass's
//!   writes (`c * payload` must fit a file, 16 KiB); after the rounds the
//!   file must read back as the payload.
//!
//! Other parameters as in `user::bench::Params`. Exit codes as in
//! `user::bench`.
#![no_std]
#![no_main]

extern crate alloc;

use abi::nr::{MAP_ANONYMOUS, MAP_PRIVATE, MMAP_BASE, MMAP_END, PROT_READ, PROT_WRITE};
use alloc::rc::Rc;
use alloc::vec::Vec;
use user::bench::{self, Failure, Params};
use user::syscalls::Syscalls;
use user::{cmdline, entry, println, sys};

entry!(main);

const PAGE: usize = 4096;
/// Largest file of the kernel's memory file system.
const FILE_LIMIT: usize = 16 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    MapUnmap,
    Getpid,
    Write,
}

impl Kind {
    fn parse(name: &str) -> Option<Kind> {
        match name {
            "mapunmap" => Some(Kind::MapUnmap),
            "getpid" => Some(Kind::Getpid),
            "write" => Some(Kind::Write),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::MapUnmap => "mapunmap",
            Kind::Getpid => "getpid",
            Kind::Write => "write",
        }
    }
}

fn main() -> i32 {
    let params = match bench::prepare("bench-seed") {
        Ok(p) => p,
        Err(code) => return code,
    };
    let (kind, payload) = match parameters(&params) {
        Ok(p) => p,
        Err(e) => {
            println!("bench-seed: {e}");
            return 2;
        }
    };
    let name = kind.name();
    match kind {
        Kind::MapUnmap => bench::run(
            "bench-seed",
            format_args!(" kind={name} payload={payload}"),
            &params,
            move |calls, co, r| map_unmap(calls, pattern(co, r), payload),
        ),
        Kind::Getpid => {
            let pid = sys::getpid() as i64;
            bench::run(
                "bench-seed",
                format_args!(" kind={name} payload={payload}"),
                &params,
                move |calls, _, _| getpid_pair(calls, pid),
            )
        }
        Kind::Write => {
            let fd = sys::open(
                b"bench-seed.scratch\0",
                sys::O_RDWR | sys::O_CREAT | sys::O_TRUNC,
            );
            if fd < 0 {
                println!("bench-seed: cannot open the scratch file: {fd}");
                return 4;
            }
            let data: Rc<Vec<u8>> = Rc::new((0..payload).map(|i| i as u8 ^ 0x5a).collect());
            let written = data.clone();
            let code = bench::run(
                "bench-seed",
                format_args!(" kind={name} payload={payload}"),
                &params,
                move |calls, _, _| write_pair(calls, fd as usize, written.clone()),
            );
            if code == 0 && !file_holds(fd as usize, &data) {
                println!("bench-seed: the file does not hold what was written");
                return 1;
            }
            code
        }
    }
}

/// Whether the file's first bytes read back as `data` (every write put
/// `data` at offset 0, after the lseek of the previous pair).
fn file_holds(fd: usize, data: &[u8]) -> bool {
    let mut back = alloc::vec![0u8; data.len()];
    sys::lseek(fd, 0, sys::SEEK_SET) == 0
        && sys::read(fd, &mut back) == data.len() as isize
        && back == data
}

/// (kind, payload) from the command line.
fn parameters(params: &Params) -> Result<(Kind, usize), &'static str> {
    let kind = match cmdline::arg(abi::cmdline::keys::KIND) {
        None => Kind::MapUnmap,
        Some(name) => Kind::parse(name).ok_or("unknown kind (mapunmap, getpid, write)")?,
    };
    let payload = cmdline::number(abi::cmdline::keys::PAYLOAD, 64)
        .map_err(|_| "payload= is not a number")? as usize;
    match kind {
        Kind::MapUnmap if payload > PAGE => return Err("payload must fit the page (4096)"),
        Kind::Write if payload == 0 || payload.saturating_mul(params.c) > FILE_LIMIT => {
            return Err("kind=write needs 1 <= payload and c * payload <= 16384")
        }
        _ => {}
    }
    Ok((kind, payload))
}

/// The word coroutine `co` writes in round `r`.
fn pattern(co: usize, r: u64) -> u64 {
    ((co as u64) << 40) ^ r ^ 0xa5a5_0000_0000_0000
}

/// One map/unmap pair; see the program's doc.
async fn map_unmap(calls: Syscalls, word: u64, payload: usize) -> Result<u64, Failure> {
    let flags = MAP_PRIVATE | MAP_ANONYMOUS;
    let args = [0, PAGE, PROT_READ | PROT_WRITE, flags, usize::MAX, 0];
    let addr = calls.call(abi::nr::MMAP, args).await;
    let fail = |what| Err(Failure { what, got: addr });
    if addr < 0 {
        return fail("mmap failed");
    }
    let page = addr as usize;
    if !(MMAP_BASE..MMAP_END).contains(&page) || !page.is_multiple_of(PAGE) {
        return fail("mmap returned no page of the mmap area");
    }
    let words = page as *mut u64;
    for i in 0..payload / 8 {
        // SAFETY: the kernel mapped this page read-write for us (checked
        // to lie in the mmap area); i < 512 stays inside it.
        if unsafe { words.add(i).read_volatile() } != 0 {
            return fail("fresh page does not read zero");
        }
        // SAFETY: as above.
        unsafe { words.add(i).write_volatile(word ^ i as u64) };
    }
    for i in 0..payload / 8 {
        // SAFETY: as above.
        if unsafe { words.add(i).read_volatile() } != word ^ i as u64 {
            return fail("pattern written to the page does not read back");
        }
    }
    let unmapped = calls.call(abi::nr::MUNMAP, [page, PAGE, 0, 0, 0, 0]).await;
    if unmapped != 0 {
        return Err(Failure {
            what: "munmap did not return 0",
            got: unmapped,
        });
    }
    Ok(2)
}

/// Two getpids.
async fn getpid_pair(calls: Syscalls, pid: i64) -> Result<u64, Failure> {
    for _ in 0..2 {
        let got = calls.call(abi::nr::GETPID, [0; 6]).await;
        if got != pid {
            return Err(Failure {
                what: "getpid is not the pid",
                got,
            });
        }
    }
    Ok(2)
}

/// write(payload) then lseek back to 0.
async fn write_pair(calls: Syscalls, fd: usize, data: Rc<Vec<u8>>) -> Result<u64, Failure> {
    let args = [fd, data.as_ptr() as usize, data.len(), 0, 0, 0];
    let written = calls.call(abi::nr::WRITE, args).await;
    if written != data.len() as i64 {
        return Err(Failure {
            what: "write did not write the payload",
            got: written,
        });
    }
    let offset = calls
        .call(abi::nr::LSEEK, [fd, 0, sys::SEEK_SET, 0, 0, 0])
        .await;
    if offset != 0 {
        return Err(Failure {
            what: "lseek to 0 did not return 0",
            got: offset,
        });
    }
    Ok(2)
}
