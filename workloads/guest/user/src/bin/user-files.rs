//! Exercises the kernel's memory file system: creates a file, writes,
//! seeks, reads back and checks the bytes, then every error case
//! (-ENOENT, -EBADF, -EFAULT, -ENOSPC, -EINVAL, -EMFILE, -ENAMETOOLONG).
//! Exits with the number of failed checks (0 = all right). Expects a fresh
//! store: run it as the only process that uses files.
#![no_std]
#![no_main]

use user::{entry, println, sys};

entry!(main);

/// An address inside the kernel image (mapped, but not for U-mode).
const KERNEL_ADDRESS: usize = 0x8020_0000;
/// An address no process has mapped.
const UNMAPPED: usize = 0x3000_0000;
/// The kernel's limits (memfs.rs, fd_table.rs).
const MAX_FILE_SIZE: isize = 16 * 1024;
const MAX_FILES: usize = 16;
const FIRST_FD: isize = 3;
const MAX_FDS: isize = 16;

/// Counts failed checks and reports each.
struct Checker {
    checks: usize,
    failed: i32,
}

impl Checker {
    fn eq(&mut self, what: &str, got: isize, want: isize) {
        self.checks += 1;
        if got != want {
            println!("user-files: {what} returned {got}, expected {want}");
            self.failed += 1;
        }
    }

    fn bytes(&mut self, what: &str, got: &[u8], want: &[u8]) {
        self.checks += 1;
        if got != want {
            println!("user-files: {what} read {got:?}, expected {want:?}");
            self.failed += 1;
        }
    }
}

fn main() -> i32 {
    let mut c = Checker {
        checks: 0,
        failed: 0,
    };
    let mut buf = [0u8; 64];

    c.eq(
        "open(missing)",
        sys::open(b"data\0", sys::O_RDONLY),
        -sys::ENOENT,
    );
    let fd = sys::open(b"data\0", sys::O_CREAT | sys::O_RDWR);
    c.eq("open(O_CREAT|O_RDWR)", fd, FIRST_FD);
    let fd = fd as usize;
    c.eq("write", sys::write(fd, b"hello, memfs"), 12);
    c.eq("lseek(0, SET)", sys::lseek(fd, 0, sys::SEEK_SET), 0);
    let n = sys::read(fd, &mut buf);
    c.eq("read", n, 12);
    c.bytes("read", &buf[..n.clamp(0, 64) as usize], b"hello, memfs");
    c.eq("read at end", sys::read(fd, &mut buf), 0);

    c.eq("lseek(7, SET)", sys::lseek(fd, 7, sys::SEEK_SET), 7);
    c.eq("overwrite", sys::write(fd, b"MEMFS"), 5);
    c.eq("lseek(-5, END)", sys::lseek(fd, -5, sys::SEEK_END), 7);
    c.eq("lseek(2, CUR)", sys::lseek(fd, 2, sys::SEEK_CUR), 9);
    let n = sys::read(fd, &mut buf);
    c.bytes("read after seek", &buf[..n.clamp(0, 64) as usize], b"MFS");
    sys::lseek(fd, 0, sys::SEEK_SET);
    let n = sys::read(fd, &mut buf);
    c.bytes(
        "read overwritten",
        &buf[..n.clamp(0, 64) as usize],
        b"hello, MEMFS",
    );

    // A write past the end leaves a gap of zeros.
    c.eq("lseek(20, SET)", sys::lseek(fd, 20, sys::SEEK_SET), 20);
    c.eq("write past end", sys::write(fd, b"!"), 1);
    c.eq("size after gap", sys::lseek(fd, 0, sys::SEEK_END), 21);
    sys::lseek(fd, 12, sys::SEEK_SET);
    let n = sys::read(fd, &mut buf);
    c.bytes(
        "read gap",
        &buf[..n.clamp(0, 64) as usize],
        b"\0\0\0\0\0\0\0\0!",
    );

    // A transfer spanning user pages is copied page by page both ways.
    let mut big = [0u8; 6000];
    for (i, b) in big.iter_mut().enumerate() {
        *b = (i % 251) as u8;
    }
    sys::lseek(fd, 100, sys::SEEK_SET);
    c.eq("write 6000 bytes", sys::write(fd, &big), 6000);
    big.fill(0);
    sys::lseek(fd, 100, sys::SEEK_SET);
    c.eq("read 6000 bytes", sys::read(fd, &mut big), 6000);
    c.eq(
        "6000 bytes intact",
        big.iter().enumerate().all(|(i, &b)| b == (i % 251) as u8) as isize,
        1,
    );
    // A second fd on the same file has its own offset.
    let other = sys::open(b"data\0", sys::O_RDONLY);
    c.eq("second fd", other, FIRST_FD + 1);
    let n = sys::read(other as usize, &mut buf[..5]);
    c.bytes(
        "second fd reads from 0",
        &buf[..n.clamp(0, 5) as usize],
        b"hello",
    );
    c.eq(
        "first fd's offset unchanged",
        sys::lseek(fd, 0, sys::SEEK_CUR),
        6100,
    );
    c.eq("close second fd", sys::close(other as usize), 0);

    // Bad seeks.
    c.eq(
        "lseek(-1, SET)",
        sys::lseek(fd, -1, sys::SEEK_SET),
        -sys::EINVAL,
    );
    c.eq("lseek(whence 7)", sys::lseek(fd, 0, 7), -sys::EINVAL);
    c.eq(
        "lseek(bad fd)",
        sys::lseek(9, 0, sys::SEEK_SET),
        -sys::EBADF,
    );

    // Bad pointers: no effect, -EFAULT.
    sys::lseek(fd, 0, sys::SEEK_SET);
    c.eq(
        "read into kernel",
        sys::syscall3(sys::SYS_READ, fd, KERNEL_ADDRESS, 4),
        -sys::EFAULT,
    );
    c.eq(
        "read into read-only text",
        sys::syscall3(sys::SYS_READ, fd, main as fn() -> i32 as usize, 4),
        -sys::EFAULT,
    );
    c.eq("offset after bad read", sys::lseek(fd, 0, sys::SEEK_CUR), 0);
    c.eq(
        "write from unmapped",
        sys::syscall3(sys::SYS_WRITE, fd, UNMAPPED, 4),
        -sys::EFAULT,
    );
    c.eq(
        "open(unmapped path)",
        sys::syscall3(sys::SYS_OPENAT, sys::AT_FDCWD, UNMAPPED, sys::O_RDONLY),
        -sys::EFAULT,
    );
    c.eq(
        "open(kernel path)",
        sys::syscall3(
            sys::SYS_OPENAT,
            sys::AT_FDCWD,
            KERNEL_ADDRESS,
            sys::O_RDONLY,
        ),
        -sys::EFAULT,
    );

    // Bad names and flags.
    c.eq("open(empty)", sys::open(b"\0", sys::O_RDONLY), -sys::ENOENT);
    c.eq(
        "open(long name)",
        sys::open(b"0123456789012345678901234567890123456789\0", sys::O_RDONLY),
        -sys::ENAMETOOLONG,
    );
    c.eq("open(accmode 3)", sys::open(b"data\0", 3), -sys::EINVAL);

    // Access modes.
    let ro = sys::open(b"data\0", sys::O_RDONLY);
    c.eq("open(O_RDONLY)", ro, FIRST_FD + 1);
    c.eq(
        "write to O_RDONLY",
        sys::write(ro as usize, b"x"),
        -sys::EBADF,
    );
    c.eq("close(O_RDONLY)", sys::close(ro as usize), 0);
    c.eq("close twice", sys::close(ro as usize), -sys::EBADF);
    c.eq("read closed", sys::read(ro as usize, &mut buf), -sys::EBADF);
    let wo = sys::open(b"data\0", sys::O_WRONLY | sys::O_TRUNC);
    c.eq("open(O_WRONLY|O_TRUNC)", wo, FIRST_FD + 1);
    c.eq(
        "read from O_WRONLY",
        sys::read(wo as usize, &mut buf),
        -sys::EBADF,
    );
    c.eq("size after O_TRUNC", sys::lseek(fd, 0, sys::SEEK_END), 0);
    c.eq("close(O_WRONLY)", sys::close(wo as usize), 0);
    c.eq(
        "read(fd 0): the console, no input",
        sys::read(0, &mut buf),
        0,
    );
    c.eq("write(fd 99)", sys::write(99, b"x"), -sys::EBADF);

    // A file holds MAX_FILE_SIZE bytes.
    c.eq(
        "lseek(max - 4)",
        sys::lseek(fd, MAX_FILE_SIZE - 4, sys::SEEK_SET),
        MAX_FILE_SIZE - 4,
    );
    c.eq("write straddling the limit", sys::write(fd, b"12345678"), 4);
    c.eq("write at the limit", sys::write(fd, b"x"), -sys::ENOSPC);
    c.eq(
        "size at the limit",
        sys::lseek(fd, 0, sys::SEEK_END),
        MAX_FILE_SIZE,
    );

    // The fd table fills up.
    let mut extra = 0;
    loop {
        let r = sys::open(b"data\0", sys::O_RDONLY);
        if r < 0 {
            c.eq("open with a full fd table", r, -sys::EMFILE);
            break;
        }
        extra += 1;
    }
    c.eq("fds opened", FIRST_FD + 1 + extra, MAX_FDS);
    for i in 0..extra {
        c.eq("close", sys::close((FIRST_FD + 1 + i) as usize), 0);
    }

    // The store fills up ("data" takes one slot).
    let mut name = *b"f00\0";
    for i in 1..=MAX_FILES {
        name[1] = b'0' + (i / 10) as u8;
        name[2] = b'0' + (i % 10) as u8;
        let r = sys::open(&name, sys::O_CREAT | sys::O_WRONLY);
        if i < MAX_FILES {
            c.eq("create", r, FIRST_FD + 1);
            sys::close(r as usize);
        } else {
            c.eq("create with a full store", r, -sys::ENOSPC);
        }
    }
    c.eq("close", sys::close(fd), 0);

    if c.failed == 0 {
        println!("user-files: all {} checks passed", c.checks);
    }
    c.failed
}
