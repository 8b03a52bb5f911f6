//! Checks mmap/munmap and the command line: fresh pages read zero and
//! keep what is written, the area's limits and flags are enforced, a
//! failed large mmap leaves nothing behind, munmap only works in the
//! mmap area. Prints "user-memory: all N checks passed", then reads the
//! page it just unmapped on purpose, which must kill it with a load page
//! fault at that address (the host test checks the kernel's report).
#![no_std]
#![no_main]

use abi::errno::{EEXIST, EINVAL, ENOMEM};
use abi::nr::{MAP_ANONYMOUS, MAP_FIXED, MAP_PRIVATE, MMAP, MMAP_BASE, MMAP_END, PROT_EXEC};
use abi::nr::{PROT_READ, PROT_WRITE};
use user::{cmdline, entry, println, sys};

entry!(main);

const PAGE: usize = 4096;
const ANON: usize = MAP_PRIVATE | MAP_ANONYMOUS;
const RW: usize = PROT_READ | PROT_WRITE;

struct Checks {
    passed: u32,
    failed: u32,
}

impl Checks {
    fn check(&mut self, what: &str, ok: bool) {
        if ok {
            self.passed += 1;
        } else {
            self.failed += 1;
            println!("user-memory: FAILED {what}");
        }
    }
}

fn mmap(addr: usize, len: usize, prot: usize, flags: usize) -> isize {
    sys::syscall6(MMAP, [addr, len, prot, flags, usize::MAX, 0])
}

fn main() -> i32 {
    let mut c = Checks {
        passed: 0,
        failed: 0,
    };
    c.check(
        "the command line reaches the process",
        cmdline::arg("init").is_some_and(|v| v.contains("user-memory"))
            && cmdline::arg("marker") == Some("42"),
    );

    let a = sys::mmap_anonymous(3 * PAGE);
    c.check("mmap of 3 pages", a >= MMAP_BASE as isize);
    let a = a as usize;
    let words = 3 * PAGE / 8;
    // SAFETY: the kernel just mapped these 3 pages read-write.
    let mem = unsafe { core::slice::from_raw_parts_mut(a as *mut u64, words) };
    c.check("fresh pages read zero", mem.iter().all(|&w| w == 0));
    for (i, w) in mem.iter_mut().enumerate() {
        *w = i as u64 * 7;
    }
    c.check(
        "pages keep what is written",
        mem.iter().enumerate().all(|(i, &w)| w == i as u64 * 7),
    );

    c.check("len 0", mmap(0, 0, RW, ANON) == -EINVAL);
    c.check(
        "PROT_EXEC refused",
        mmap(0, PAGE, RW | PROT_EXEC, ANON) == -EINVAL,
    );
    c.check("not anonymous", mmap(0, PAGE, RW, MAP_PRIVATE) == -EINVAL);
    c.check("unknown flag", mmap(0, PAGE, RW, ANON | 0x4000) == -EINVAL);
    c.check(
        "MAP_FIXED over a mapped page",
        mmap(a, PAGE, RW, ANON | MAP_FIXED) == -EEXIST,
    );
    c.check(
        "MAP_FIXED outside the area (the stack)",
        mmap(0x3fff_0000, PAGE, RW, ANON | MAP_FIXED) == -EINVAL,
    );
    c.check(
        "MAP_FIXED crossing the area's end",
        mmap(MMAP_END - PAGE, 2 * PAGE, RW, ANON | MAP_FIXED) == -EINVAL,
    );
    c.check(
        "MAP_FIXED unaligned",
        mmap(MMAP_BASE + 8, PAGE, RW, ANON | MAP_FIXED) == -EINVAL,
    );
    let fixed = MMAP_END - 2 * PAGE;
    c.check(
        "MAP_FIXED in a free place",
        mmap(fixed, PAGE, PROT_READ, ANON | MAP_FIXED) == fixed as isize,
    );
    c.check("munmap the fixed page", sys::munmap(fixed, PAGE) == 0);
    // More than the machine's RAM: refused, and every page taken on the
    // way is given back (the kernel checks for leaked frames at the end).
    c.check(
        "mmap larger than memory",
        sys::mmap_anonymous(200 << 20) == -ENOMEM,
    );
    c.check(
        "munmap of the stack",
        sys::munmap(0x3fff_f000, PAGE) == -EINVAL,
    );
    c.check("munmap unaligned", sys::munmap(a + 8, PAGE) == -EINVAL);
    c.check(
        "munmap of nothing mapped",
        sys::munmap(MMAP_BASE + (64 << 20), PAGE) == 0,
    );
    c.check("munmap the middle page", sys::munmap(a + PAGE, PAGE) == 0);
    c.check("the first page still holds data", mem[5] == 35);
    let again = sys::mmap_anonymous(PAGE);
    c.check("a new page after unmapping", again > 0);
    // SAFETY: just mapped.
    let fresh = unsafe { core::slice::from_raw_parts(again as usize as *const u64, PAGE / 8) };
    c.check("a reused frame reads zero", fresh.iter().all(|&w| w == 0));
    c.check(
        "munmap the rest",
        sys::munmap(a, 3 * PAGE) == 0 && sys::munmap(again as usize, PAGE) == 0,
    );

    if c.failed != 0 {
        println!(
            "user-memory: {} of {} checks failed",
            c.failed,
            c.failed + c.passed
        );
        return 1;
    }
    println!("user-memory: all {} checks passed", c.passed);
    // SAFETY: deliberately reads an unmapped page: the kernel must kill us.
    let value = unsafe { ((a + PAGE) as *const u64).read_volatile() };
    println!("user-memory: read {value} from an unmapped page");
    3
}
