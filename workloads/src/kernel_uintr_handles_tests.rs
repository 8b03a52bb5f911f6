//! Host tests of the guest kernel's UINTR handle table: a handle grants
//! its target only to the process it names; bad vectors and pids are
//! refused; a receiver's end drops its handles. One test: the table is
//! a static.

use crate::kernel_uintr_handles::{create, lookup, release_owner, Target, MAX_HANDLES, PER_OWNER};
use abi::errno::{EINVAL, ENOMEM};

#[test]
fn handles_grant_only_the_named_process() {
    let h = create(1, 17, 5, 2);
    assert!(h >= 0);
    let h = h as usize;
    assert_eq!(
        lookup(h, 2),
        Some(Target {
            entry: 17,
            vector: 5
        })
    );
    assert_eq!(lookup(h, 1), None, "not even the owner");
    assert_eq!(lookup(h, 3), None);
    assert_eq!(lookup(h + 1, 2), None, "forged index");
    assert_eq!(lookup(usize::MAX, 2), None);

    assert_eq!(create(1, 17, 64, 2), -EINVAL, "vector out of range");
    assert_eq!(create(1, 17, 0, 0), -EINVAL, "pid 0");
    assert_eq!(create(1, 17, 0, 0x1_0000), -EINVAL, "pid too large");

    // Another receiver's handles survive the first one's end.
    let other = create(4, 3, 63, 2) as usize;
    release_owner(1);
    assert_eq!(lookup(h, 2), None, "released with its owner");
    assert_eq!(
        lookup(other, 2),
        Some(Target {
            entry: 3,
            vector: 63
        })
    );

    // One receiver holds at most PER_OWNER handles.
    let mut made = 0;
    while create(5, 9, 1, 6) >= 0 {
        made += 1;
    }
    assert_eq!(made, PER_OWNER);
    assert_eq!(create(5, 9, 1, 6), -ENOMEM);
    // Many receivers fill the table; then nobody gets one.
    let mut owner = 10;
    let mut total = made + 1; // owner 4's
    while total < MAX_HANDLES {
        assert!(create(owner, 1, 0, 2) >= 0);
        total += 1;
        if total % PER_OWNER == 0 {
            owner += 1;
        }
    }
    assert_eq!(create(99, 1, 0, 2), -ENOMEM, "table full");
    release_owner(5);
    assert!(create(99, 1, 0, 2) >= 0);
}
