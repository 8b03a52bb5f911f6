//! Self-checks of the test programs: each failed check is printed with
//! what came back and what was expected, and the program exits with the
//! number of failures, so a host test sees both the count and the cause.

use crate::println;

/// Counts checks and failures under a program name.
pub struct Checker {
    name: &'static str,
    checks: usize,
    failed: i32,
}

impl Checker {
    /// No checks yet.
    pub const fn new(name: &'static str) -> Self {
        Self {
            name,
            checks: 0,
            failed: 0,
        }
    }

    /// `got` must equal `want` (syscall results, lengths).
    pub fn eq(&mut self, what: &str, got: isize, want: isize) {
        self.checks += 1;
        if got != want {
            println!("{}: {what} returned {got}, expected {want}", self.name);
            self.failed += 1;
        }
    }

    /// `ok` must hold.
    pub fn ok(&mut self, what: &str, ok: bool) {
        self.checks += 1;
        if !ok {
            println!("{}: {what} is false", self.name);
            self.failed += 1;
        }
    }

    /// Prints the summary ("all N checks passed" or "F of N checks
    /// failed") and returns the exit code: the number of failures.
    pub fn finish(&self, role: &str) -> i32 {
        if self.failed == 0 {
            println!("{}{role}: all {} checks passed", self.name, self.checks);
        } else {
            println!(
                "{}{role}: {} of {} checks failed",
                self.name, self.failed, self.checks
            );
        }
        self.failed
    }
}
