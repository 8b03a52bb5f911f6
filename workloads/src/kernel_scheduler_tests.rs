//! Host tests of the guest kernel's run queue: round-robin order, sleeping
//! and waking, taking a process out to run and putting it back, blocking
//! on a key until unblocked, removal, and a full table.

use crate::kernel_scheduler::{Scheduler, MAX_PROCESSES};

/// Picks `n` times, running each picked process (take, put back Ready);
/// returns the processes (pids) picked.
fn picks(s: &mut Scheduler<u32>, n: usize) -> Vec<Option<u32>> {
    (0..n)
        .map(|_| {
            let slot = s.pick()?;
            let pid = s.take(slot).unwrap();
            s.put_back(slot, pid, None).unwrap();
            Some(pid)
        })
        .collect()
}

/// Picks the next process and puts it back asleep until `deadline`.
fn run_and_sleep(s: &mut Scheduler<u32>, deadline: u64) -> u32 {
    let slot = s.pick().unwrap();
    let pid = s.take(slot).unwrap();
    s.put_back(slot, pid, Some(deadline)).unwrap();
    pid
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
    assert_eq!(run_and_sleep(&mut s, 100), 1);
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
    run_and_sleep(&mut s, 50);
    run_and_sleep(&mut s, 30);
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
    assert_eq!(s.take(slot), None);
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

#[test]
fn a_running_process_keeps_its_slot_and_is_not_picked() {
    let mut s = Scheduler::new();
    s.add(1u32).unwrap();
    s.add(2).unwrap();
    let slot = s.pick().unwrap();
    assert_eq!(s.take(slot), Some(1));
    assert_eq!(s.take(slot), None, "already running");
    assert_eq!(
        s.remove(slot),
        None,
        "a running process is not in the table"
    );
    // While 1 runs, only 2 is picked, and its slot is not reused.
    assert_eq!(picks(&mut s, 2), [Some(2), Some(2)]);
    for pid in 3..=8 {
        s.add(pid).unwrap();
    }
    assert_eq!(
        s.add(9).unwrap_err().1,
        9,
        "the running slot stays reserved"
    );
    assert!(!s.is_empty());
    // Putting back into a slot that is not running gives the process back.
    let other = (slot + 1) % MAX_PROCESSES;
    assert_eq!(s.put_back(other, 42, None), Err(42));
    s.put_back(slot, 1, None).unwrap();
    assert_eq!(s.put_back(slot, 1, None), Err(1), "no longer running");
}

#[test]
fn releasing_a_running_slot_frees_it() {
    let mut s = Scheduler::new();
    s.add(7u32).unwrap();
    let slot = s.pick().unwrap();
    assert_eq!(s.take(slot), Some(7));
    assert!(!s.is_empty(), "a running process still counts");
    s.release(slot);
    assert!(s.is_empty());
    assert_eq!(s.pick(), None);
    // Releasing a slot that is not running changes nothing.
    s.add(8).unwrap();
    s.release(slot);
    assert_eq!(picks(&mut s, 1), [Some(8)]);
}

#[test]
fn a_sleeping_process_put_back_wakes_at_its_deadline() {
    let mut s = Scheduler::new();
    s.add(5u32).unwrap();
    assert_eq!(run_and_sleep(&mut s, 40), 5);
    assert_eq!(s.pick(), None);
    assert_eq!(s.next_wake(), Some(40));
    s.wake(39);
    assert_eq!(s.pick(), None);
    s.wake(40);
    assert_eq!(picks(&mut s, 1), [Some(5)]);
}

/// `wake_if` ends the sleep of the processes an event (not the clock)
/// releases; `for_each` visits every process not running.
#[test]
fn wake_if_ends_event_waits_and_for_each_visits_the_table() {
    let mut s = Scheduler::new();
    for pid in [1u32, 2, 3] {
        s.add(pid).unwrap();
    }
    let slots: Vec<usize> = (0..3).map(|_| s.pick().unwrap()).collect();
    for &slot in &slots {
        let p = s.take(slot).unwrap();
        s.put_back(slot, p, Some(u64::MAX)).unwrap();
    }
    assert_eq!(s.pick(), None);
    s.wake_if(|pid| *pid == 2);
    let slot = s.pick().unwrap();
    assert_eq!(s.take(slot), Some(2));
    assert_eq!(s.pick(), None, "only the released one");
    let mut seen = Vec::new();
    s.for_each(|pid| seen.push(*pid));
    seen.sort();
    assert_eq!(seen, [1, 3], "the running one is not visited");
}

/// Runs the next process and puts it back Blocked; its pid.
fn run_and_block(s: &mut Scheduler<u32>) -> u32 {
    let slot = s.pick().unwrap();
    let pid = s.take(slot).unwrap();
    s.block_back(slot, pid).unwrap();
    pid
}

#[test]
fn blocked_processes_wait_until_unblocked() {
    let mut s = Scheduler::new();
    for pid in 1..=3u32 {
        s.add(pid).unwrap();
    }
    assert_eq!(run_and_block(&mut s), 1);
    assert_eq!(run_and_block(&mut s), 2);
    assert_eq!(s.next_wake(), None, "blocking sets no deadline");
    s.wake(u64::MAX);
    s.wake_if(|_| true);
    assert_eq!(
        picks(&mut s, 2),
        [Some(3), Some(3)],
        "neither time nor wake_if wakes them"
    );
    s.unblock_if(|&pid| pid == 1);
    assert_eq!(picks(&mut s, 2), [Some(1), Some(3)]);
    s.unblock_if(|&pid| pid == 1);
    assert_eq!(
        picks(&mut s, 3),
        [Some(1), Some(3), Some(1)],
        "2 still blocked"
    );
    s.unblock_if(|_| true);
    assert_eq!(picks(&mut s, 3), [Some(2), Some(3), Some(1)]);
}

#[test]
fn unblock_if_leaves_sleeping_and_running_processes_alone() {
    let mut s = Scheduler::new();
    for pid in 1..=3u32 {
        s.add(pid).unwrap();
    }
    assert_eq!(run_and_block(&mut s), 1);
    assert_eq!(run_and_sleep(&mut s, 50), 2);
    let slot = s.pick().unwrap();
    let running = s.take(slot).unwrap();
    assert_eq!(running, 3);
    s.unblock_if(|_| true);
    assert_eq!(s.next_wake(), Some(50), "the sleeper still sleeps");
    assert_eq!(s.take(slot), None, "3 still runs");
    assert_eq!(s.block_back(slot + 1, 9), Err(9), "not a running slot");
    s.block_back(slot, running).unwrap();
    assert_eq!(picks(&mut s, 1), [Some(1)]);
    let mut seen = Vec::new();
    s.for_each(|&mut pid| seen.push(pid));
    assert_eq!(seen, [1, 2, 3], "blocked processes are visited too");
}

#[test]
fn a_blocked_process_can_be_removed_by_pid() {
    let mut s = Scheduler::new();
    s.add(4u32).unwrap();
    s.add(5).unwrap();
    assert_eq!(run_and_block(&mut s), 4);
    assert_eq!(s.remove_if(|&pid| pid == 6), None);
    assert_eq!(s.remove_if(|&pid| pid == 4), Some(4));
    assert_eq!(s.remove_if(|&pid| pid == 4), None, "gone");
    let slot = s.pick().unwrap();
    assert_eq!(s.take(slot), Some(5));
    assert_eq!(
        s.remove_if(|_| true),
        None,
        "a running process is not removed"
    );
    s.release(slot);
    assert!(s.is_empty());
}
