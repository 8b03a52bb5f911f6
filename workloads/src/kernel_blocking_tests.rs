//! Host tests of the guest kernel's registry of blocked processes: which
//! wake-ups reach whom (and on which hart), and when every live process
//! is blocked (a deadlock) which one is ended.

use crate::kernel_blocking::{Registry, PIDS};

const PIPE: u32 = 1;
const OTHER: u32 = 2;

/// Wakes `key` (None: everyone); returns (pid, hart) of each woken.
fn wake(r: &mut Registry<u32>, key: Option<u32>) -> Vec<(usize, usize)> {
    let mut woken = Vec::new();
    r.wake(key, |pid, hart| woken.push((pid, hart)));
    woken
}

#[test]
fn a_wake_up_reaches_the_processes_on_its_key_on_every_hart_once() {
    let mut r = Registry::new();
    for _ in 0..4 {
        r.born();
    }
    assert!(r.block(1, PIPE, 0));
    assert!(r.block(2, PIPE, 1));
    assert!(r.block(3, OTHER, 1));
    assert_eq!(r.blocked(), 3);
    assert_eq!(wake(&mut r, Some(7)), [], "nobody waits on that key");
    assert_eq!(wake(&mut r, Some(PIPE)), [(1, 0), (2, 1)]);
    assert_eq!(wake(&mut r, Some(PIPE)), [], "already woken");
    assert_eq!(r.blocked(), 1);
    assert_eq!(wake(&mut r, None), [(3, 1)]);
    assert_eq!(r.blocked(), 0);
}

#[test]
fn pids_outside_the_table_are_refused() {
    let mut r: Registry<u32> = Registry::new();
    assert!(!r.block(PIDS, PIPE, 0));
    assert_eq!(r.blocked(), 0);
    assert_eq!(r.forget(PIDS), None);
}

#[test]
fn every_live_process_blocked_is_a_deadlock_and_the_lowest_pid_ends() {
    let mut r = Registry::new();
    assert_eq!(r.deadlock_victim(), None, "nobody alive");
    for _ in 0..3 {
        r.born();
    }
    r.block(3, PIPE, 1);
    r.block(2, OTHER, 0);
    assert_eq!(r.deadlock_victim(), None, "pid 1 still runs");
    r.block(1, OTHER, 1);
    assert_eq!(r.deadlock_victim(), Some((1, 1)));
    assert_eq!(r.blocked(), 2, "the victim is no longer blocked");
    assert_eq!(r.deadlock_victim(), None, "the victim still counts");
    r.died(1);
    assert_eq!(r.deadlock_victim(), Some((2, 0)), "the others still wait");
}

#[test]
fn an_ended_process_that_was_blocked_is_forgotten() {
    let mut r = Registry::new();
    r.born();
    r.born();
    r.block(1, PIPE, 0);
    r.died(1);
    assert_eq!(r.blocked(), 0);
    assert_eq!(wake(&mut r, Some(PIPE)), []);
    assert_eq!(r.deadlock_victim(), None, "pid 2 is alive and not blocked");
    r.block(2, PIPE, 0);
    assert_eq!(r.deadlock_victim(), Some((2, 0)));
}
