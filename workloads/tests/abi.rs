//! The guest `abi` crate on the host: ring protocol, command line, designs.

use abi::ring::{Buffer, Completion, Request, BUFFER_SIZE, ENTRIES, WORKER_SLEEPING};
use std::sync::atomic::Ordering;

/// A page-aligned heap buffer standing in for the shared pages.
struct Pages {
    _memory: Vec<u64>,
}

impl Pages {
    fn new() -> (Pages, Buffer) {
        let words = BUFFER_SIZE / 8 + 512;
        let mut v = vec![0u64; words];
        let addr = v.as_mut_ptr() as usize;
        let base = (addr + 4095) & !4095;
        // SAFETY: [base, base + BUFFER_SIZE) lies inside `v`, which lives
        // as long as the returned `Pages`.
        let buffer = unsafe { Buffer::at(base) };
        (Pages { _memory: v }, buffer)
    }
}

fn request(i: u64) -> Request {
    Request {
        user_data: i,
        nr: 172,
        args: [i, 0, 0, 0, 0, 0],
    }
}

#[test]
fn requests_and_completions_pass_in_order_and_wrap_around() {
    let (_pages, buffer) = Pages::new();
    buffer.reset(WORKER_SLEEPING);
    let mut requests = buffer.requests();
    let mut completions = buffer.completions();
    let mut submit = buffer.submitter();
    let mut reap = buffer.reaper();
    let mut next_in = 0u64;
    let mut next_out = 0u64;
    // Several laps around the rings in uneven batches.
    for batch in [1u64, 7, 1000, 1024, 3, 512, 999] {
        for _ in 0..batch {
            submit.push(request(next_in)).unwrap();
            next_in += 1;
        }
        assert_eq!(requests.ready() as u64, batch);
        while let Some(r) = requests.pop() {
            completions
                .push(Completion {
                    user_data: r.user_data,
                    result: r.args[0] as i64 * 2,
                })
                .unwrap();
        }
        while let Some(c) = reap.pop() {
            assert_eq!(c.user_data, next_out);
            assert_eq!(c.result, next_out as i64 * 2);
            next_out += 1;
        }
    }
    assert_eq!(next_out, next_in);
}

#[test]
fn a_full_ring_refuses_pushes_until_the_consumer_takes() {
    let (_pages, buffer) = Pages::new();
    buffer.reset(WORKER_SLEEPING);
    let mut submit = buffer.submitter();
    let mut requests = buffer.requests();
    for i in 0..ENTRIES as u64 {
        submit.push(request(i)).unwrap();
    }
    assert_eq!(submit.free(), 0);
    assert!(submit.push(request(9999)).is_err());
    assert_eq!(requests.pop().unwrap().user_data, 0);
    assert_eq!(submit.free(), 1);
    submit.push(request(9999)).unwrap();
}

#[test]
fn the_kernel_ignores_nonsense_indices_the_user_writes() {
    let (_pages, buffer) = Pages::new();
    buffer.reset(WORKER_SLEEPING);
    let mut requests = buffer.requests();
    let mut completions = buffer.completions();
    let header = buffer.header();
    // A tail claiming more than a ring's worth of requests reads as empty.
    header.sq_tail.store(ENTRIES + 5, Ordering::Release);
    assert_eq!(requests.ready(), 0);
    assert!(requests.pop().is_none());
    header.sq_tail.store(u32::MAX, Ordering::Release);
    assert!(requests.pop().is_none());
    // A sane tail works again, and the kernel's own head never moved.
    header.sq_tail.store(2, Ordering::Release);
    assert_eq!(requests.ready(), 2);
    // A completion head that runs ahead leaves no room: the kernel stops
    // pushing instead of overwriting.
    header.cq_head.store(u32::MAX / 2, Ordering::Release);
    assert_eq!(completions.free(), 0);
    assert!(completions.push(Completion::default()).is_err());
    // The user rewriting sq_head cannot make the kernel re-read slots.
    requests.pop().unwrap();
    header.sq_head.store(0, Ordering::Release);
    requests.pop().unwrap();
    assert!(requests.pop().is_none());
}

#[test]
fn command_line_values() {
    use abi::cmdline::{get, get_u64};
    let line = "console=x init=bench-null design=async-uintr c=64 rounds=0x10 bad=z";
    assert_eq!(get(line, "design"), Some("async-uintr"));
    assert_eq!(get(line, "init"), Some("bench-null"));
    assert_eq!(get_u64(line, "c"), Some(64));
    assert_eq!(get_u64(line, "rounds"), Some(16));
    assert_eq!(get_u64(line, "bad"), None);
    assert_eq!(get(line, "missing"), None);
    assert_eq!(get("c= c=3", "c"), Some(""));
}

#[test]
fn design_names_round_trip() {
    use abi::design::Design;
    for d in Design::ALL {
        assert_eq!(Design::parse(d.name()), Some(d));
    }
    assert_eq!(Design::parse("async"), None);
    assert_eq!(Design::ALL.len(), 8);
}

#[test]
fn buffer_layout_is_whole_pages() {
    assert_eq!(std::mem::size_of::<Request>(), 64);
    assert_eq!(std::mem::size_of::<Completion>(), 16);
    assert_eq!(BUFFER_SIZE % 4096, 0);
    assert_eq!(abi::ring::BUFFER_PAGES, 21);
}
