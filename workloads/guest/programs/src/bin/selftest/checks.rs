//! Bookkeeping of numbered checks.

use rt::println;

/// Results so far; the first failing check number becomes the exit code.
#[derive(Default)]
pub struct Checks {
    pub passed: u32,
    pub failed: u32,
    pub first_failure: Option<u32>,
}

impl Checks {
    /// Records check `id`: `got` must equal `want`.
    pub fn eq(&mut self, id: u32, what: &str, got: u64, want: u64) {
        if got == want {
            self.passed += 1;
        } else {
            self.failed += 1;
            self.first_failure.get_or_insert(id);
            println!("selftest: check {id} FAILED: {what}: got {got:#x}, want {want:#x}");
        }
    }
}

/// `check!(c, ID, got, want)`: records check ID, naming it by its expression.
macro_rules! check {
    ($c:expr, $id:expr, $got:expr, $want:expr) => {
        $c.eq($id, stringify!($got), ($got) as u64, ($want) as u64)
    };
}

/// `rr!("div", a, b)`: runs a register-register integer instruction.
macro_rules! rr {
    ($inst:literal, $a:expr, $b:expr) => {{
        let r: u64;
        // SAFETY: a pure register-to-register instruction.
        unsafe {
            core::arch::asm!(concat!($inst, " {0}, {1}, {2}"), out(reg) r,
                in(reg) ($a) as u64, in(reg) ($b) as u64, options(pure, nomem, nostack));
        }
        r
    }};
}
