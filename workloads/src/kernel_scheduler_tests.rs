//! Host tests of the guest kernel's run queue: round-robin order, sleeping
//! and waking, removal, and a full table.

use crate::kernel_scheduler::{Scheduler, WaitKey, MAX_PROCESSES};

/// Picks `n` times, returning the processes (pids) picked.
fn picks(s: &mut Scheduler<u32>, n: usize) -> Vec<Option<u32>> {
    (0..n)
        .map(|_| s.pick().map(|slot| *s.process(slot).unwrap()))
        .collect()
}

#[test]
fn ready_processes_take_turns_in_order() {
    let mut s = Scheduler::new();
    assert!(s.is_empty());
    assert_eq!(s.pick(), None);
    for pid in 1..=3 {
        s.add(pid).unwrap();
    }
    assert_eq!(picks(&mut s, 7), [1, 2, 3, 1, 2, 3, 1].map(Some).to_vec());
}

#[test]
fn sleepers_are_skipped_until_their_deadline() {
    let mut s = Scheduler::new();
    for pid in 1..=3 {
        s.add(pid).unwrap();
    }
    let slot = s.pick().unwrap(); // pid 1
    s.sleep(slot, 100);
    assert_eq!(s.next_wake(), Some(100));
    s.wake(99);
    assert_eq!(picks(&mut s, 3), [2, 3, 2].map(Some).to_vec());
    s.wake(100);
    assert_eq!(s.next_wake(), None);
    // pid 2 ran last, so 3 comes next, then the woken 1.
    assert_eq!(picks(&mut s, 2), [3, 1].map(Some).to_vec());
}

#[test]
fn all_asleep_picks_none_and_reports_the_earliest_deadline() {
    let mut s = Scheduler::new();
    s.add(1u32).unwrap();
    s.add(2).unwrap();
    let a = s.pick().unwrap();
    s.sleep(a, 50);
    let b = s.pick().unwrap();
    s.sleep(b, 30);
    assert_eq!(s.pick(), None);
    assert_eq!(s.next_wake(), Some(30));
    s.wake(30);
    assert_eq!(picks(&mut s, 2), [Some(2), Some(2)]);
}

#[test]
fn removed_processes_are_gone_and_their_slot_is_reused() {
    let mut s = Scheduler::new();
    s.add(1u32).unwrap();
    s.add(2).unwrap();
    let slot = s.pick().unwrap();
    assert_eq!(s.remove(slot), Some(1));
    assert_eq!(s.remove(slot), None);
    assert!(s.process(slot).is_none());
    assert_eq!(picks(&mut s, 2), [Some(2), Some(2)]);
    s.add(3).unwrap();
    assert!(!s.is_empty());
    assert_eq!(s.remove(MAX_PROCESSES), None, "out of range");
}

#[test]
fn a_full_table_gives_the_process_back() {
    let mut s = Scheduler::new();
    for pid in 0..MAX_PROCESSES as u32 {
        s.add(pid).unwrap();
    }
    let (_, back) = s.add(99).unwrap_err();
    assert_eq!(back, 99);
}

const PIPE: WaitKey = WaitKey { class: 1, index: 0 };
const OTHER: WaitKey = WaitKey { class: 1, index: 1 };

#[test]
fn blocked_processes_wait_until_unblocked() {
    let mut s = Scheduler::new();
    for pid in 1..=3u32 {
        s.add(pid).unwrap();
    }
    let a = s.pick().unwrap(); // pid 1
    s.block(a, PIPE);
    let b = s.pick().unwrap(); // pid 2
    s.block(b, OTHER);
    assert_eq!(s.next_wake(), None, "blocking sets no deadline");
    s.wake(u64::MAX);
    assert_eq!(
        picks(&mut s, 2),
        [Some(3), Some(3)],
        "time does not wake them"
    );
    assert!(s.unblock(a));
    assert!(!s.unblock(a), "already Ready");
    assert_eq!(picks(&mut s, 2), [Some(1), Some(3)]);
    assert!(s.unblock(b));
    assert_eq!(picks(&mut s, 3), [Some(1), Some(2), Some(3)]);
}

#[test]
fn unblock_leaves_ready_and_sleeping_processes_and_empty_slots_alone() {
    let mut s = Scheduler::new();
    for pid in 1..=3u32 {
        s.add(pid).unwrap();
    }
    let a = s.pick().unwrap();
    s.block(a, PIPE);
    let b = s.pick().unwrap();
    s.sleep(b, 50);
    let c = s.pick().unwrap();
    assert!(!s.unblock(b), "a sleeper is not blocked");
    assert!(!s.unblock(c), "a Ready process is not blocked");
    assert!(!s.unblock(MAX_PROCESSES - 1), "an empty slot");
    assert!(!s.unblock(MAX_PROCESSES), "no such slot");
    assert_eq!(s.next_wake(), Some(50), "the sleeper still sleeps");
    assert_eq!(picks(&mut s, 2), [Some(3), Some(3)]);
    assert!(s.unblock(a));
    assert_eq!(picks(&mut s, 2), [Some(1), Some(3)]);
}
