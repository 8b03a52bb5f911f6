//! Issue cycles per instruction class: the in-order core's base cost,
//! before memory, prediction and trap stalls.

use sim_core::InstClass;

use crate::config::CoreConfig;

/// Number of [`InstClass`] variants.
pub const CLASSES: usize = 16;

/// Dense index of a class into the cost table.
#[inline(always)]
pub fn class_index(class: InstClass) -> usize {
    match class {
        InstClass::Alu => 0,
        InstClass::Mul => 1,
        InstClass::Div => 2,
        InstClass::Load => 3,
        InstClass::Store => 4,
        InstClass::Amo => 5,
        InstClass::Branch => 6,
        InstClass::Jump => 7,
        InstClass::Csr => 8,
        InstClass::Fence => 9,
        InstClass::System => 10,
        InstClass::FpArith => 11,
        InstClass::FpDivSqrt => 12,
        InstClass::FpLoad => 13,
        InstClass::FpStore => 14,
        InstClass::Uintr => 15,
    }
}

/// The class cost table of a preset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CpiTable([u64; CLASSES]);

impl CpiTable {
    pub fn new(c: &CoreConfig) -> Self {
        let v = [
            c.alu,
            c.mul,
            c.div,
            c.load,
            c.store,
            c.amo,
            c.branch,
            c.jump,
            c.csr,
            c.fence,
            c.system,
            c.fp_arith,
            c.fp_div_sqrt,
            c.fp_load,
            c.fp_store,
            c.uintr,
        ];
        CpiTable(v.map(u64::from))
    }

    #[inline(always)]
    pub fn cycles(&self, class: InstClass) -> u64 {
        self.0[class_index(class)]
    }
}
