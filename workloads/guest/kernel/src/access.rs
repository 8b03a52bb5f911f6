//! The up-front check of a user range (Linux's `access_ok`): a buffer
//! whose range wraps around or reaches past user space is -EFAULT before
//! a call does anything, whatever length the call would really use. The
//! calls that move at most a bounded part of a buffer (pipes, IPC, the
//! console) then check just that part page by page through
//! [`crate::user_memory`].

use crate::page_table::USER_END;

/// Whether `va..va+len` lies inside user space (empty ranges included).
pub fn access_ok(va: usize, len: usize) -> bool {
    va.checked_add(len).is_some_and(|end| end <= USER_END)
}
