//! Host tests of the guest kernel's per-process fd table.

use crate::kernel_fd_table::{Entry, FdTable, OpenFile, TableFull, FIRST_FD, MAX_FDS};

fn open(file: usize) -> OpenFile {
    OpenFile {
        file,
        offset: 0,
        readable: true,
        writable: false,
    }
}

#[test]
fn hands_out_the_lowest_free_fd_from_3() {
    let mut t = FdTable::new();
    assert_eq!(t.insert(open(7)), Ok(FIRST_FD));
    assert_eq!(t.insert(open(8)), Ok(FIRST_FD + 1));
    assert_eq!(t.remove(FIRST_FD), Some(Entry::File(open(7))));
    assert_eq!(t.insert(open(9)), Ok(FIRST_FD));
    assert_eq!(t.get_mut(FIRST_FD + 1).map(|o| o.file), Some(8));
}

#[test]
fn console_fds_and_bad_fds_are_not_in_the_table() {
    let mut t = FdTable::new();
    for fd in [0, 1, 2, FIRST_FD, MAX_FDS, usize::MAX] {
        assert!(t.get_mut(fd).is_none());
        assert_eq!(t.remove(fd), None);
    }
}

#[test]
fn fills_up_and_frees() {
    let mut t = FdTable::new();
    for fd in FIRST_FD..MAX_FDS {
        assert!(t.has_room());
        assert_eq!(t.insert(open(fd)), Ok(fd));
    }
    assert!(!t.has_room());
    assert_eq!(t.insert(open(0)), Err(TableFull));
    assert!(t.remove(5).is_some());
    assert!(t.has_room());
    assert_eq!(t.insert(open(0)), Ok(5));
}

#[test]
fn offsets_are_kept_per_fd() {
    let mut t = FdTable::new();
    let a = t.insert(open(0)).unwrap();
    let b = t.insert(open(0)).unwrap();
    t.get_mut(a).unwrap().offset = 10;
    assert_eq!(t.get_mut(b).unwrap().offset, 0);
    assert_eq!(t.get_mut(a).unwrap().offset, 10);
}

#[test]
fn pipes_and_endpoints_share_the_table_but_are_not_files() {
    let mut t = FdTable::new();
    assert_eq!(t.free(), MAX_FDS - FIRST_FD);
    let r = t.insert_entry(Entry::PipeRead(2)).unwrap();
    let w = t.insert_entry(Entry::PipeWrite(2)).unwrap();
    let e = t.insert_entry(Entry::Endpoint(0)).unwrap();
    let f = t.insert(open(1)).unwrap();
    assert_eq!(
        (r, w, e, f),
        (FIRST_FD, FIRST_FD + 1, FIRST_FD + 2, FIRST_FD + 3)
    );
    assert_eq!(t.free(), MAX_FDS - FIRST_FD - 4);
    assert!(t.get_mut(r).is_none(), "a pipe end is no file");
    assert!(t.get_mut(e).is_none());
    assert_eq!(t.entry(w), Some(Entry::PipeWrite(2)));
    assert_eq!(t.entry(MAX_FDS), None);
    assert_eq!(t.remove(e), Some(Entry::Endpoint(0)));
    let mut closed = Vec::new();
    t.close_all(|entry| closed.push(entry));
    assert_eq!(
        closed,
        [
            Entry::PipeRead(2),
            Entry::PipeWrite(2),
            Entry::File(open(1))
        ]
    );
    assert_eq!(t.free(), MAX_FDS - FIRST_FD, "all closed");
    assert_eq!(t.entry(r), None);
}
