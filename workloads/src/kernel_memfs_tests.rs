//! Host tests of the guest kernel's memory file system.

use crate::kernel_memfs::{FsError, MemFs, MAX_FILES, MAX_FILE_SIZE, MAX_NAME};

fn store() -> Box<MemFs> {
    Box::new(MemFs::new())
}

#[test]
fn creates_finds_and_reopens_files_by_name() {
    let mut fs = store();
    assert_eq!(fs.lookup(b"a"), None);
    let a = fs.open_or_create(b"a").unwrap();
    let b = fs.open_or_create(b"b").unwrap();
    assert_ne!(a, b);
    assert_eq!(fs.lookup(b"a"), Some(a));
    assert_eq!(fs.open_or_create(b"a"), Ok(a));
    assert_eq!(fs.lookup(b"ab"), None);
    assert_eq!(fs.open_or_create(b""), Err(FsError::BadName));
    assert_eq!(
        fs.open_or_create(&[b'x'; MAX_NAME + 1]),
        Err(FsError::BadName)
    );
    assert!(fs.open_or_create(&[b'x'; MAX_NAME]).is_ok());
}

#[test]
fn the_store_holds_max_files() {
    let mut fs = store();
    for i in 0..MAX_FILES {
        fs.open_or_create(format!("f{i}").as_bytes()).unwrap();
    }
    assert_eq!(fs.open_or_create(b"one more"), Err(FsError::NoSpace));
    assert!(fs.open_or_create(b"f3").is_ok());
}

#[test]
fn writes_read_back_and_overwrite() {
    let mut fs = store();
    let f = fs.open_or_create(b"f").unwrap();
    assert_eq!(fs.write_at(f, 0, b"hello world"), Ok(11));
    assert_eq!(fs.write_at(f, 6, b"WORLD!"), Ok(6));
    assert_eq!(fs.len(f), 12);
    let mut buf = [0u8; 32];
    assert_eq!(fs.read_at(f, 0, &mut buf), Ok(12));
    assert_eq!(&buf[..12], b"hello WORLD!");
    assert_eq!(fs.read_at(f, 10, &mut buf[..1]), Ok(1));
    assert_eq!(buf[0], b'D');
    assert_eq!(fs.read_at(f, 12, &mut buf), Ok(0));
    assert_eq!(fs.read_at(f, usize::MAX, &mut buf), Ok(0));
}

#[test]
fn a_gap_reads_as_zeros_even_after_truncate() {
    let mut fs = store();
    let f = fs.open_or_create(b"f").unwrap();
    fs.write_at(f, 0, b"abcdef").unwrap();
    fs.truncate(f).unwrap();
    assert_eq!(fs.len(f), 0);
    assert_eq!(fs.write_at(f, 4, b"x"), Ok(1));
    let mut buf = [0xffu8; 8];
    assert_eq!(fs.read_at(f, 0, &mut buf), Ok(5));
    assert_eq!(&buf[..5], b"\0\0\0\0x");
}

#[test]
fn a_file_holds_at_most_max_file_size_bytes() {
    let mut fs = store();
    let f = fs.open_or_create(b"f").unwrap();
    assert_eq!(fs.write_at(f, MAX_FILE_SIZE - 2, b"abcd"), Ok(2));
    assert_eq!(fs.len(f), MAX_FILE_SIZE);
    assert_eq!(fs.write_at(f, MAX_FILE_SIZE, b"a"), Err(FsError::NoSpace));
    assert_eq!(fs.write_at(f, usize::MAX, b"a"), Err(FsError::NoSpace));
    assert_eq!(fs.write_at(f, MAX_FILE_SIZE, b""), Ok(0));
    assert_eq!(MemFs::writable_len(MAX_FILE_SIZE - 1, 10), Ok(1));
}

#[test]
fn unknown_file_ids_are_errors_not_panics() {
    let mut fs = store();
    let mut buf = [0u8; 4];
    assert_eq!(fs.read_at(0, 0, &mut buf), Err(FsError::NotFound));
    assert_eq!(fs.read_at(MAX_FILES, 0, &mut buf), Err(FsError::NotFound));
    assert_eq!(fs.write_at(usize::MAX, 0, b"x"), Err(FsError::NotFound));
    assert_eq!(fs.truncate(MAX_FILES), Err(FsError::NotFound));
    assert_eq!(fs.len(MAX_FILES), 0);
}
