//! Pure IEEE-754 binary32/binary64 arithmetic on raw bits with RISC-V
//! semantics (canonical NaNs, tininess after rounding, saturating
//! float->int conversions).
//!
//! Written from integer operations only, so results are bit-deterministic
//! and independent of the host FPU and of any global state: every call
//! takes its rounding mode and returns the accrued exception flags.
//!
//! Internally a finite nonzero value is `sig * 2^exp` with `sig: u128`.
//! Inexact intermediate results keep a "sticky" 1 in bit 0 (jamming), which
//! is sound as long as the value has at least two bits more than the target
//! precision; every operation below keeps far more than that.

/// Rounding mode of a floating-point operation (the `rm`/`frm` encoding).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoundingMode {
    /// Round to nearest, ties to even.
    Rne,
    /// Round towards zero.
    Rtz,
    /// Round down (towards negative infinity).
    Rdn,
    /// Round up (towards positive infinity).
    Rup,
    /// Round to nearest, ties to max magnitude.
    Rmm,
}

impl RoundingMode {
    /// Decode a 3-bit `rm`/`frm` value; 5..=7 are reserved (7 = dynamic is
    /// resolved by the caller) and give `None`.
    pub fn from_bits(rm: u8) -> Option<Self> {
        match rm {
            0 => Some(Self::Rne),
            1 => Some(Self::Rtz),
            2 => Some(Self::Rdn),
            3 => Some(Self::Rup),
            4 => Some(Self::Rmm),
            _ => None,
        }
    }
}

/// Invalid operation.
pub const NV: u8 = 0x10;
/// Division by zero.
pub const DZ: u8 = 0x08;
/// Overflow.
pub const OF: u8 = 0x04;
/// Underflow.
pub const UF: u8 = 0x02;
/// Inexact.
pub const NX: u8 = 0x01;

/// The only NaN a RISC-V single-precision operation produces.
pub const CANONICAL_NAN_S: u32 = 0x7fc0_0000;
/// The only NaN a RISC-V double-precision operation produces.
pub const CANONICAL_NAN_D: u64 = 0x7ff8_0000_0000_0000;

/// Shape of a binary interchange format; bits are always carried in a u64.
#[derive(Clone, Copy)]
struct Fmt {
    /// Precision in bits, including the hidden bit.
    p: u32,
    /// Width of the exponent field.
    ebits: u32,
}

const FS: Fmt = Fmt { p: 24, ebits: 8 };
const FD: Fmt = Fmt { p: 53, ebits: 11 };

impl Fmt {
    fn bias(self) -> i32 {
        (1 << (self.ebits - 1)) - 1
    }
    /// Exponent of the smallest normal number.
    fn emin(self) -> i32 {
        1 - self.bias()
    }
    /// Exponent of the largest finite number.
    fn emax(self) -> i32 {
        self.bias()
    }
    fn frac_mask(self) -> u64 {
        (1 << (self.p - 1)) - 1
    }
    fn exp_field_max(self) -> u64 {
        (1 << self.ebits) - 1
    }
    fn sign_bit(self) -> u64 {
        1 << (self.p - 1 + self.ebits)
    }
    fn signed(self, sign: bool) -> u64 {
        if sign {
            self.sign_bit()
        } else {
            0
        }
    }
    fn canonical_nan(self) -> u64 {
        (self.exp_field_max() << (self.p - 1)) | (1 << (self.p - 2))
    }
    fn inf(self, sign: bool) -> u64 {
        self.signed(sign) | (self.exp_field_max() << (self.p - 1))
    }
    fn zero(self, sign: bool) -> u64 {
        self.signed(sign)
    }
    fn max_finite(self, sign: bool) -> u64 {
        self.inf(sign) - 1
    }
}

/// A decoded operand.
#[derive(Clone, Copy, Debug)]
enum Val {
    Nan {
        signaling: bool,
    },
    Inf(bool),
    Zero(bool),
    /// Finite nonzero: `(-1)^sign * sig * 2^exp`.
    Fin {
        sign: bool,
        exp: i32,
        sig: u128,
    },
}

impl Val {
    fn is_nan(self) -> bool {
        matches!(self, Val::Nan { .. })
    }
    fn is_snan(self) -> bool {
        matches!(self, Val::Nan { signaling: true })
    }
}

fn unpack(bits: u64, f: Fmt) -> Val {
    let sign = bits & f.sign_bit() != 0;
    let field = (bits >> (f.p - 1)) & f.exp_field_max();
    let frac = bits & f.frac_mask();
    let shift = f.p as i32 - 1;
    if field == f.exp_field_max() {
        if frac == 0 {
            Val::Inf(sign)
        } else {
            Val::Nan {
                signaling: frac & (1 << (f.p - 2)) == 0,
            }
        }
    } else if field == 0 {
        if frac == 0 {
            Val::Zero(sign)
        } else {
            Val::Fin {
                sign,
                exp: f.emin() - shift,
                sig: frac as u128,
            }
        }
    } else {
        Val::Fin {
            sign,
            exp: field as i32 - f.bias() - shift,
            sig: (frac | (1 << (f.p - 1))) as u128,
        }
    }
}

/// NV if any operand is a signaling NaN.
fn snan_flags(vals: &[Val]) -> u8 {
    if vals.iter().any(|v| v.is_snan()) {
        NV
    } else {
        0
    }
}

/// Divide `sig` by `2^sh` and round to an integer in mode `rm` (for a value
/// of sign `sign`). Returns the rounded magnitude and whether it was inexact.
/// A negative `sh` multiplies exactly; callers guarantee it cannot overflow.
fn round_shift(sig: u128, sh: i32, sign: bool, rm: RoundingMode) -> (u128, bool) {
    if sh <= 0 {
        return (sig << (-sh) as u32, false);
    }
    let (q, rem, half) = if sh > 128 {
        // Everything is below half an ulp.
        (0, sig, u128::MAX)
    } else if sh == 128 {
        (0, sig, 1u128 << 127)
    } else {
        let mask = (1u128 << sh) - 1;
        (sig >> sh, sig & mask, 1u128 << (sh - 1))
    };
    let up = match rm {
        RoundingMode::Rne => rem > half || (rem == half && q & 1 == 1),
        RoundingMode::Rmm => rem >= half,
        RoundingMode::Rtz => false,
        RoundingMode::Rdn => rem != 0 && sign,
        RoundingMode::Rup => rem != 0 && !sign,
    };
    (q + up as u128, rem != 0)
}

/// Shift right keeping a sticky bit for anything shifted out.
fn shr_jam(sig: u128, n: i32) -> u128 {
    if n <= 0 {
        sig
    } else if n >= 128 {
        (sig != 0) as u128
    } else {
        (sig >> n) | ((sig & ((1u128 << n) - 1)) != 0) as u128
    }
}

fn msb(sig: u128) -> i32 {
    127 - sig.leading_zeros() as i32
}

/// Round the exact (or jammed) value `(-1)^sign * sig * 2^exp` to format `f`
/// and encode it. Handles subnormals, overflow and the UF/NX/OF flags with
/// tininess detected after rounding.
fn round_pack(sign: bool, exp: i32, sig: u128, f: Fmt, rm: RoundingMode) -> (u64, u8) {
    if sig == 0 {
        return (f.zero(sign), 0);
    }
    let p = f.p as i32;
    let top = msb(sig);
    let e = exp + top;
    // Tiny if the result rounded to p bits with an unbounded exponent range
    // is still below the smallest normal.
    let tiny = e < f.emin() && {
        let (m, _) = round_shift(sig, top - (p - 1), sign, rm);
        let e1 = if m >> p != 0 { e + 1 } else { e };
        e1 < f.emin()
    };
    let mut lsb = e.max(f.emin()) - (p - 1);
    let (mut m, inexact) = round_shift(sig, lsb - exp, sign, rm);
    if m >> p != 0 {
        // Rounded up to exactly 2^p: renormalise without losing anything.
        m >>= 1;
        lsb += 1;
    }
    let mut flags = 0;
    if inexact {
        flags |= NX;
        if tiny {
            flags |= UF;
        }
    }
    if m >> (p - 1) == 0 {
        // Subnormal or zero: the exponent field is 0.
        return (f.signed(sign) | m as u64, flags);
    }
    let top_exp = lsb + p - 1;
    if top_exp > f.emax() {
        let to_inf = match rm {
            RoundingMode::Rne | RoundingMode::Rmm => true,
            RoundingMode::Rtz => false,
            RoundingMode::Rdn => sign,
            RoundingMode::Rup => !sign,
        };
        let bits = if to_inf {
            f.inf(sign)
        } else {
            f.max_finite(sign)
        };
        return (bits, OF | NX);
    }
    let field = (top_exp + f.bias()) as u64;
    (
        f.signed(sign) | (field << (f.p - 1)) | (m as u64 & f.frac_mask()),
        flags,
    )
}

/// Sign of an exact zero sum of operands with opposite signs.
fn cancel_sign(rm: RoundingMode) -> bool {
    rm == RoundingMode::Rdn
}

/// Sum of two finite nonzero values (significands up to 106 bits).
fn add_finite(x: (bool, i32, u128), y: (bool, i32, u128), f: Fmt, rm: RoundingMode) -> (u64, u8) {
    // Put both leading bits at bit 125 so the sum of magnitudes fits in u128
    // and the smaller operand keeps many guard bits when aligned.
    let norm = |(s, e, sig): (bool, i32, u128)| {
        let sh = 125 - msb(sig);
        (s, e - sh, sig << sh)
    };
    let (mut x, mut y) = (norm(x), norm(y));
    if x.1 < y.1 {
        std::mem::swap(&mut x, &mut y);
    }
    let ysig = shr_jam(y.2, x.1 - y.1);
    if x.0 == y.0 {
        round_pack(x.0, x.1, x.2 + ysig, f, rm)
    } else if x.2 == ysig {
        (f.zero(cancel_sign(rm)), 0)
    } else if x.2 > ysig {
        round_pack(x.0, x.1, x.2 - ysig, f, rm)
    } else {
        round_pack(y.0, x.1, ysig - x.2, f, rm)
    }
}

fn add(a: u64, b: u64, negate_b: bool, f: Fmt, rm: RoundingMode) -> (u64, u8) {
    let (va, mut vb) = (unpack(a, f), unpack(b, f));
    if negate_b {
        vb = negate(vb);
    }
    let b_bits = b ^ if negate_b { f.sign_bit() } else { 0 };
    match (va, vb) {
        (Val::Nan { .. }, _) | (_, Val::Nan { .. }) => (f.canonical_nan(), snan_flags(&[va, vb])),
        (Val::Inf(sa), Val::Inf(sb)) if sa != sb => (f.canonical_nan(), NV),
        (Val::Inf(s), _) | (_, Val::Inf(s)) => (f.inf(s), 0),
        (Val::Zero(sa), Val::Zero(sb)) => {
            let sign = if sa == sb { sa } else { cancel_sign(rm) };
            (f.zero(sign), 0)
        }
        (Val::Zero(_), _) => (b_bits, 0),
        (_, Val::Zero(_)) => (a, 0),
        (
            Val::Fin {
                sign: sa,
                exp: ea,
                sig: ma,
            },
            Val::Fin {
                sign: sb,
                exp: eb,
                sig: mb,
            },
        ) => add_finite((sa, ea, ma), (sb, eb, mb), f, rm),
    }
}

fn negate(v: Val) -> Val {
    match v {
        Val::Nan { .. } => v,
        Val::Inf(s) => Val::Inf(!s),
        Val::Zero(s) => Val::Zero(!s),
        Val::Fin { sign, exp, sig } => Val::Fin {
            sign: !sign,
            exp,
            sig,
        },
    }
}

fn mul(a: u64, b: u64, f: Fmt, rm: RoundingMode) -> (u64, u8) {
    let (va, vb) = (unpack(a, f), unpack(b, f));
    match (va, vb) {
        (Val::Nan { .. }, _) | (_, Val::Nan { .. }) => (f.canonical_nan(), snan_flags(&[va, vb])),
        (Val::Inf(_), Val::Zero(_)) | (Val::Zero(_), Val::Inf(_)) => (f.canonical_nan(), NV),
        (Val::Inf(sa), Val::Inf(sb) | Val::Fin { sign: sb, .. })
        | (Val::Fin { sign: sa, .. }, Val::Inf(sb)) => (f.inf(sa != sb), 0),
        (Val::Zero(sa), Val::Zero(sb) | Val::Fin { sign: sb, .. })
        | (Val::Fin { sign: sa, .. }, Val::Zero(sb)) => (f.zero(sa != sb), 0),
        (
            Val::Fin {
                sign: sa,
                exp: ea,
                sig: ma,
            },
            Val::Fin {
                sign: sb,
                exp: eb,
                sig: mb,
            },
        ) => round_pack(sa != sb, ea + eb, ma * mb, f, rm),
    }
}

fn div(a: u64, b: u64, f: Fmt, rm: RoundingMode) -> (u64, u8) {
    let (va, vb) = (unpack(a, f), unpack(b, f));
    match (va, vb) {
        (Val::Nan { .. }, _) | (_, Val::Nan { .. }) => (f.canonical_nan(), snan_flags(&[va, vb])),
        (Val::Inf(_), Val::Inf(_)) | (Val::Zero(_), Val::Zero(_)) => (f.canonical_nan(), NV),
        (Val::Inf(sa), Val::Zero(sb) | Val::Fin { sign: sb, .. }) => (f.inf(sa != sb), 0),
        (Val::Fin { sign: sa, .. }, Val::Zero(sb)) => (f.inf(sa != sb), DZ),
        (Val::Zero(sa), Val::Inf(sb) | Val::Fin { sign: sb, .. })
        | (Val::Fin { sign: sa, .. }, Val::Inf(sb)) => (f.zero(sa != sb), 0),
        (
            Val::Fin {
                sign: sa,
                exp: ea,
                sig: ma,
            },
            Val::Fin {
                sign: sb,
                exp: eb,
                sig: mb,
            },
        ) => {
            // Dividend at bit 125 gives a quotient of at least 72 bits.
            let sh = 125 - msb(ma);
            let num = ma << sh;
            let q = num / mb;
            let sticky = !num.is_multiple_of(mb) as u128;
            round_pack(sa != sb, ea - sh - eb, q | sticky, f, rm)
        }
    }
}

/// Integer square root with remainder: `(r, n - r*r)` where `r = floor(sqrt(n))`.
fn isqrt(mut n: u128) -> (u128, u128) {
    let mut res: u128 = 0;
    let mut bit: u128 = 1 << 126;
    while bit > n {
        bit >>= 2;
    }
    while bit != 0 {
        if n >= res + bit {
            n -= res + bit;
            res = (res >> 1) + bit;
        } else {
            res >>= 1;
        }
        bit >>= 2;
    }
    (res, n)
}

fn sqrt(a: u64, f: Fmt, rm: RoundingMode) -> (u64, u8) {
    let va = unpack(a, f);
    match va {
        Val::Nan { .. } => (f.canonical_nan(), snan_flags(&[va])),
        Val::Zero(_) => (a, 0),
        Val::Inf(false) => (a, 0),
        Val::Inf(true) | Val::Fin { sign: true, .. } => (f.canonical_nan(), NV),
        Val::Fin {
            sign: false,
            exp,
            sig,
        } => {
            // Leading bit at 124 or 125 with an even exponent: the root has
            // 63 bits, plenty for 53-bit rounding.
            let mut sh = 124 - msb(sig);
            if (exp - sh) & 1 != 0 {
                sh += 1;
            }
            let (r, rem) = isqrt(sig << sh);
            round_pack(false, (exp - sh) / 2, r | (rem != 0) as u128, f, rm)
        }
    }
}

/// Fused `(-1)^np * a * b + (-1)^nc * c` with a single rounding.
fn fma(a: u64, b: u64, c: u64, np: bool, nc: bool, f: Fmt, rm: RoundingMode) -> (u64, u8) {
    let (va, vb) = (unpack(a, f), unpack(b, f));
    let mut vc = unpack(c, f);
    if nc {
        vc = negate(vc);
    }
    let c_bits = c ^ if nc { f.sign_bit() } else { 0 };
    let mut flags = snan_flags(&[va, vb, vc]);
    // The sign bits give the product's sign for every non-NaN operand.
    let psign = ((a ^ b) & f.sign_bit() != 0) != np;
    let prod = match (va, vb) {
        (Val::Nan { .. }, _) | (_, Val::Nan { .. }) => return (f.canonical_nan(), flags),
        (Val::Inf(_), Val::Zero(_)) | (Val::Zero(_), Val::Inf(_)) => {
            // RISC-V: inf*0 is invalid even when the addend is a quiet NaN.
            flags |= NV;
            return (f.canonical_nan(), flags);
        }
        (Val::Inf(_), _) | (_, Val::Inf(_)) => Val::Inf(psign),
        (Val::Zero(_), _) | (_, Val::Zero(_)) => Val::Zero(psign),
        (
            Val::Fin {
                exp: ea, sig: ma, ..
            },
            Val::Fin {
                exp: eb, sig: mb, ..
            },
        ) => Val::Fin {
            sign: psign,
            exp: ea + eb,
            sig: ma * mb,
        },
    };
    match (prod, vc) {
        (Val::Nan { .. }, _) | (_, Val::Nan { .. }) => (f.canonical_nan(), flags),
        (Val::Inf(ps), Val::Inf(cs)) if ps != cs => (f.canonical_nan(), NV),
        (Val::Inf(sign), _) | (_, Val::Inf(sign)) => (f.inf(sign), 0),
        (Val::Zero(ps), Val::Zero(cs)) => {
            let sign = if ps == cs { ps } else { cancel_sign(rm) };
            (f.zero(sign), 0)
        }
        (Val::Zero(_), Val::Fin { .. }) => (c_bits, 0),
        (Val::Fin { sign, exp, sig }, Val::Zero(_)) => round_pack(sign, exp, sig, f, rm),
        (
            Val::Fin { sign, exp, sig },
            Val::Fin {
                sign: cs,
                exp: ce,
                sig: cm,
            },
        ) => add_finite((sign, exp, sig), (cs, ce, cm), f, rm),
    }
}

/// Key that orders non-NaN values; `zero_equal` makes -0 == +0.
fn order_key(bits: u64, f: Fmt, zero_equal: bool) -> i64 {
    let mag = (bits & !f.sign_bit()) as i64;
    if bits & f.sign_bit() == 0 {
        mag
    } else if zero_equal {
        -mag
    } else {
        -mag - 1
    }
}

fn minmax(a: u64, b: u64, f: Fmt, want_max: bool) -> (u64, u8) {
    let (va, vb) = (unpack(a, f), unpack(b, f));
    let flags = snan_flags(&[va, vb]);
    let bits = match (va.is_nan(), vb.is_nan()) {
        (true, true) => f.canonical_nan(),
        (true, false) => b,
        (false, true) => a,
        (false, false) => {
            let a_less = order_key(a, f, false) < order_key(b, f, false);
            if a_less != want_max {
                a
            } else {
                b
            }
        }
    };
    (bits, flags)
}

#[derive(Clone, Copy, PartialEq)]
enum Cmp {
    Eq,
    Lt,
    Le,
}

fn compare(a: u64, b: u64, f: Fmt, op: Cmp) -> (bool, u8) {
    let (va, vb) = (unpack(a, f), unpack(b, f));
    if va.is_nan() || vb.is_nan() {
        // feq is a quiet comparison, flt/fle are signaling.
        let flags = if op == Cmp::Eq {
            snan_flags(&[va, vb])
        } else {
            NV
        };
        return (false, flags);
    }
    let (ka, kb) = (order_key(a, f, true), order_key(b, f, true));
    let r = match op {
        Cmp::Eq => ka == kb,
        Cmp::Lt => ka < kb,
        Cmp::Le => ka <= kb,
    };
    (r, 0)
}

fn class(a: u64, f: Fmt) -> u64 {
    // Subnormals are the finite values with a zero exponent field.
    let field = (a >> (f.p - 1)) & f.exp_field_max();
    let bit = match unpack(a, f) {
        Val::Inf(true) => 0,
        Val::Fin { sign: true, .. } if field != 0 => 1,
        Val::Fin { sign: true, .. } => 2,
        Val::Zero(true) => 3,
        Val::Zero(false) => 4,
        Val::Fin { .. } if field == 0 => 5,
        Val::Fin { .. } => 6,
        Val::Inf(false) => 7,
        Val::Nan { signaling: true } => 8,
        Val::Nan { signaling: false } => 9,
    };
    1 << bit
}

/// Float -> integer of `width` bits, saturating per the RISC-V table.
/// Returns the value as i128 (already clamped to the target range).
fn to_int(a: u64, f: Fmt, rm: RoundingMode, signed: bool, width: u32) -> (i128, u8) {
    let (lo, hi): (i128, i128) = if signed {
        (-(1 << (width - 1)), (1 << (width - 1)) - 1)
    } else {
        (0, (1 << width) - 1)
    };
    match unpack(a, f) {
        Val::Nan { .. } | Val::Inf(false) => (hi, NV),
        Val::Inf(true) => (lo, NV),
        Val::Zero(_) => (0, 0),
        Val::Fin { sign, exp, sig } => {
            if exp > 70 {
                // At least 2^70: out of range for every target.
                return (if sign { lo } else { hi }, NV);
            }
            let (mag, inexact) = round_shift(sig, -exp, sign, rm);
            let v = if sign { -(mag as i128) } else { mag as i128 };
            if v < lo {
                (lo, NV)
            } else if v > hi {
                (hi, NV)
            } else {
                (v, if inexact { NX } else { 0 })
            }
        }
    }
}

/// Integer -> float: `(-1)^neg * mag` rounded to `f`.
fn from_int(neg: bool, mag: u128, f: Fmt, rm: RoundingMode) -> (u64, u8) {
    if mag == 0 {
        return (0, 0);
    }
    round_pack(neg, 0, mag, f, rm)
}

/// Convert between formats (NaNs become the target's canonical NaN).
fn convert(a: u64, from: Fmt, to: Fmt, rm: RoundingMode) -> (u64, u8) {
    let va = unpack(a, from);
    match va {
        Val::Nan { .. } => (to.canonical_nan(), snan_flags(&[va])),
        Val::Inf(s) => (to.inf(s), 0),
        Val::Zero(s) => (to.zero(s), 0),
        Val::Fin { sign, exp, sig } => round_pack(sign, exp, sig, to, rm),
    }
}

fn narrow(r: (u64, u8)) -> (u32, u8) {
    (r.0 as u32, r.1)
}

fn sext_w(v: i128) -> u64 {
    v as i32 as i64 as u64
}

fn sext_wu(v: i128) -> u64 {
    v as u32 as i32 as i64 as u64
}

// ---- binary32 ----

/// fadd.s
pub fn add_s(a: u32, b: u32, rm: RoundingMode) -> (u32, u8) {
    narrow(add(a.into(), b.into(), false, FS, rm))
}
/// fsub.s
pub fn sub_s(a: u32, b: u32, rm: RoundingMode) -> (u32, u8) {
    narrow(add(a.into(), b.into(), true, FS, rm))
}
/// fmul.s
pub fn mul_s(a: u32, b: u32, rm: RoundingMode) -> (u32, u8) {
    narrow(mul(a.into(), b.into(), FS, rm))
}
/// fdiv.s
pub fn div_s(a: u32, b: u32, rm: RoundingMode) -> (u32, u8) {
    narrow(div(a.into(), b.into(), FS, rm))
}
/// fsqrt.s
pub fn sqrt_s(a: u32, rm: RoundingMode) -> (u32, u8) {
    narrow(sqrt(a.into(), FS, rm))
}
/// fmadd.s: a*b + c
pub fn madd_s(a: u32, b: u32, c: u32, rm: RoundingMode) -> (u32, u8) {
    narrow(fma(a.into(), b.into(), c.into(), false, false, FS, rm))
}
/// fmsub.s: a*b - c
pub fn msub_s(a: u32, b: u32, c: u32, rm: RoundingMode) -> (u32, u8) {
    narrow(fma(a.into(), b.into(), c.into(), false, true, FS, rm))
}
/// fnmsub.s: -(a*b) + c
pub fn nmsub_s(a: u32, b: u32, c: u32, rm: RoundingMode) -> (u32, u8) {
    narrow(fma(a.into(), b.into(), c.into(), true, false, FS, rm))
}
/// fnmadd.s: -(a*b) - c
pub fn nmadd_s(a: u32, b: u32, c: u32, rm: RoundingMode) -> (u32, u8) {
    narrow(fma(a.into(), b.into(), c.into(), true, true, FS, rm))
}
/// fmin.s
pub fn min_s(a: u32, b: u32) -> (u32, u8) {
    narrow(minmax(a.into(), b.into(), FS, false))
}
/// fmax.s
pub fn max_s(a: u32, b: u32) -> (u32, u8) {
    narrow(minmax(a.into(), b.into(), FS, true))
}
/// feq.s (quiet)
pub fn eq_s(a: u32, b: u32) -> (bool, u8) {
    compare(a.into(), b.into(), FS, Cmp::Eq)
}
/// flt.s (signaling)
pub fn lt_s(a: u32, b: u32) -> (bool, u8) {
    compare(a.into(), b.into(), FS, Cmp::Lt)
}
/// fle.s (signaling)
pub fn le_s(a: u32, b: u32) -> (bool, u8) {
    compare(a.into(), b.into(), FS, Cmp::Le)
}
/// fclass.s
pub fn class_s(a: u32) -> u64 {
    class(a.into(), FS)
}
/// fcvt.w.s (result sign-extended)
pub fn cvt_w_s(a: u32, rm: RoundingMode) -> (u64, u8) {
    let (v, fl) = to_int(a.into(), FS, rm, true, 32);
    (sext_w(v), fl)
}
/// fcvt.wu.s (result sign-extended from bit 31)
pub fn cvt_wu_s(a: u32, rm: RoundingMode) -> (u64, u8) {
    let (v, fl) = to_int(a.into(), FS, rm, false, 32);
    (sext_wu(v), fl)
}
/// fcvt.l.s
pub fn cvt_l_s(a: u32, rm: RoundingMode) -> (u64, u8) {
    let (v, fl) = to_int(a.into(), FS, rm, true, 64);
    (v as i64 as u64, fl)
}
/// fcvt.lu.s
pub fn cvt_lu_s(a: u32, rm: RoundingMode) -> (u64, u8) {
    let (v, fl) = to_int(a.into(), FS, rm, false, 64);
    (v as u64, fl)
}
/// fcvt.s.w
pub fn cvt_s_w(a: i32, rm: RoundingMode) -> (u32, u8) {
    narrow(from_int(a < 0, a.unsigned_abs().into(), FS, rm))
}
/// fcvt.s.wu
pub fn cvt_s_wu(a: u32, rm: RoundingMode) -> (u32, u8) {
    narrow(from_int(false, a.into(), FS, rm))
}
/// fcvt.s.l
pub fn cvt_s_l(a: i64, rm: RoundingMode) -> (u32, u8) {
    narrow(from_int(a < 0, a.unsigned_abs().into(), FS, rm))
}
/// fcvt.s.lu
pub fn cvt_s_lu(a: u64, rm: RoundingMode) -> (u32, u8) {
    narrow(from_int(false, a.into(), FS, rm))
}

// ---- binary64 ----

/// fadd.d
pub fn add_d(a: u64, b: u64, rm: RoundingMode) -> (u64, u8) {
    add(a, b, false, FD, rm)
}
/// fsub.d
pub fn sub_d(a: u64, b: u64, rm: RoundingMode) -> (u64, u8) {
    add(a, b, true, FD, rm)
}
/// fmul.d
pub fn mul_d(a: u64, b: u64, rm: RoundingMode) -> (u64, u8) {
    mul(a, b, FD, rm)
}
/// fdiv.d
pub fn div_d(a: u64, b: u64, rm: RoundingMode) -> (u64, u8) {
    div(a, b, FD, rm)
}
/// fsqrt.d
pub fn sqrt_d(a: u64, rm: RoundingMode) -> (u64, u8) {
    sqrt(a, FD, rm)
}
/// fmadd.d: a*b + c
pub fn madd_d(a: u64, b: u64, c: u64, rm: RoundingMode) -> (u64, u8) {
    fma(a, b, c, false, false, FD, rm)
}
/// fmsub.d: a*b - c
pub fn msub_d(a: u64, b: u64, c: u64, rm: RoundingMode) -> (u64, u8) {
    fma(a, b, c, false, true, FD, rm)
}
/// fnmsub.d: -(a*b) + c
pub fn nmsub_d(a: u64, b: u64, c: u64, rm: RoundingMode) -> (u64, u8) {
    fma(a, b, c, true, false, FD, rm)
}
/// fnmadd.d: -(a*b) - c
pub fn nmadd_d(a: u64, b: u64, c: u64, rm: RoundingMode) -> (u64, u8) {
    fma(a, b, c, true, true, FD, rm)
}
/// fmin.d
pub fn min_d(a: u64, b: u64) -> (u64, u8) {
    minmax(a, b, FD, false)
}
/// fmax.d
pub fn max_d(a: u64, b: u64) -> (u64, u8) {
    minmax(a, b, FD, true)
}
/// feq.d (quiet)
pub fn eq_d(a: u64, b: u64) -> (bool, u8) {
    compare(a, b, FD, Cmp::Eq)
}
/// flt.d (signaling)
pub fn lt_d(a: u64, b: u64) -> (bool, u8) {
    compare(a, b, FD, Cmp::Lt)
}
/// fle.d (signaling)
pub fn le_d(a: u64, b: u64) -> (bool, u8) {
    compare(a, b, FD, Cmp::Le)
}
/// fclass.d
pub fn class_d(a: u64) -> u64 {
    class(a, FD)
}
/// fcvt.w.d (result sign-extended)
pub fn cvt_w_d(a: u64, rm: RoundingMode) -> (u64, u8) {
    let (v, fl) = to_int(a, FD, rm, true, 32);
    (sext_w(v), fl)
}
/// fcvt.wu.d (result sign-extended from bit 31)
pub fn cvt_wu_d(a: u64, rm: RoundingMode) -> (u64, u8) {
    let (v, fl) = to_int(a, FD, rm, false, 32);
    (sext_wu(v), fl)
}
/// fcvt.l.d
pub fn cvt_l_d(a: u64, rm: RoundingMode) -> (u64, u8) {
    let (v, fl) = to_int(a, FD, rm, true, 64);
    (v as i64 as u64, fl)
}
/// fcvt.lu.d
pub fn cvt_lu_d(a: u64, rm: RoundingMode) -> (u64, u8) {
    let (v, fl) = to_int(a, FD, rm, false, 64);
    (v as u64, fl)
}
/// fcvt.d.w (always exact)
pub fn cvt_d_w(a: i32) -> (u64, u8) {
    from_int(a < 0, a.unsigned_abs().into(), FD, RoundingMode::Rne)
}
/// fcvt.d.wu (always exact)
pub fn cvt_d_wu(a: u32) -> (u64, u8) {
    from_int(false, a.into(), FD, RoundingMode::Rne)
}
/// fcvt.d.l
pub fn cvt_d_l(a: i64, rm: RoundingMode) -> (u64, u8) {
    from_int(a < 0, a.unsigned_abs().into(), FD, rm)
}
/// fcvt.d.lu
pub fn cvt_d_lu(a: u64, rm: RoundingMode) -> (u64, u8) {
    from_int(false, a.into(), FD, rm)
}
/// fcvt.s.d
pub fn cvt_s_d(a: u64, rm: RoundingMode) -> (u32, u8) {
    narrow(convert(a, FD, FS, rm))
}
/// fcvt.d.s (always exact)
pub fn cvt_d_s(a: u32) -> (u64, u8) {
    convert(a.into(), FS, FD, RoundingMode::Rne)
}

#[cfg(test)]
mod tests {
    use super::RoundingMode::{Rdn, Rmm, Rne, Rtz, Rup};
    use super::*;

    const ALL_RM: [RoundingMode; 5] = [Rne, Rtz, Rdn, Rup, Rmm];

    fn s(x: f32) -> u32 {
        x.to_bits()
    }
    fn d(x: f64) -> u64 {
        x.to_bits()
    }

    const SNAN_S: u32 = 0x7f80_0001;
    const QNAN_S: u32 = 0x7fc0_1234;
    const SNAN_D: u64 = 0x7ff0_0000_0000_0001;
    const QNAN_D: u64 = 0x7ff8_0000_dead_0000;
    const MIN_SUB_S: u32 = 1;
    const MIN_NORM_S: u32 = 0x0080_0000;
    const MAX_S: u32 = 0x7f7f_ffff;
    const INF_S: u32 = 0x7f80_0000;
    const NINF_S: u32 = 0xff80_0000;
    const MIN_SUB_D: u64 = 1;
    const MIN_NORM_D: u64 = 0x0010_0000_0000_0000;
    const MAX_D: u64 = 0x7fef_ffff_ffff_ffff;
    const INF_D: u64 = 0x7ff0_0000_0000_0000;
    const NINF_D: u64 = 0xfff0_0000_0000_0000;

    #[test]
    fn rounding_mode_decoding() {
        assert_eq!(RoundingMode::from_bits(0), Some(Rne));
        assert_eq!(RoundingMode::from_bits(1), Some(Rtz));
        assert_eq!(RoundingMode::from_bits(2), Some(Rdn));
        assert_eq!(RoundingMode::from_bits(3), Some(Rup));
        assert_eq!(RoundingMode::from_bits(4), Some(Rmm));
        for rm in 5..=255 {
            assert_eq!(RoundingMode::from_bits(rm), None);
        }
    }

    #[test]
    fn add_signed_zeros_and_infinities() {
        assert_eq!(add_s(s(0.0), s(-0.0), Rne), (s(0.0), 0));
        assert_eq!(add_s(s(0.0), s(-0.0), Rdn), (s(-0.0), 0));
        assert_eq!(add_s(s(-0.0), s(-0.0), Rne), (s(-0.0), 0));
        assert_eq!(sub_s(s(0.0), s(0.0), Rup), (s(0.0), 0));
        assert_eq!(sub_s(s(0.0), s(0.0), Rdn), (s(-0.0), 0));
        // x - x is +0 except in RDN.
        assert_eq!(sub_d(d(1.5), d(1.5), Rne), (d(0.0), 0));
        assert_eq!(sub_d(d(1.5), d(1.5), Rdn), (d(-0.0), 0));
        assert_eq!(add_d(d(-0.0), d(2.0), Rne), (d(2.0), 0));
        assert_eq!(add_d(d(-3.0), d(0.0), Rne), (d(-3.0), 0));
        assert_eq!(add_s(INF_S, NINF_S, Rne), (CANONICAL_NAN_S, NV));
        assert_eq!(sub_d(INF_D, INF_D, Rne), (CANONICAL_NAN_D, NV));
        assert_eq!(add_d(INF_D, INF_D, Rne), (INF_D, 0));
        assert_eq!(add_s(NINF_S, MAX_S, Rne), (NINF_S, 0));
        assert_eq!(sub_d(d(1.0), NINF_D, Rtz), (INF_D, 0));
    }

    #[test]
    fn nan_inputs_give_canonical_nan() {
        assert_eq!(add_s(QNAN_S, s(1.0), Rne), (CANONICAL_NAN_S, 0));
        assert_eq!(add_s(s(1.0), SNAN_S, Rne), (CANONICAL_NAN_S, NV));
        assert_eq!(mul_d(QNAN_D, d(0.0), Rne), (CANONICAL_NAN_D, 0));
        assert_eq!(mul_d(SNAN_D, INF_D, Rne), (CANONICAL_NAN_D, NV));
        assert_eq!(div_s(QNAN_S, QNAN_S, Rne), (CANONICAL_NAN_S, 0));
        assert_eq!(div_d(d(1.0), SNAN_D, Rne), (CANONICAL_NAN_D, NV));
        assert_eq!(sqrt_s(SNAN_S, Rne), (CANONICAL_NAN_S, NV));
        assert_eq!(sqrt_d(QNAN_D | (1 << 63), Rne), (CANONICAL_NAN_D, 0));
        assert_eq!(sub_d(QNAN_D, INF_D, Rne), (CANONICAL_NAN_D, 0));
    }

    #[test]
    fn overflow_per_rounding_mode() {
        for (rm, pos, neg) in [
            (Rne, INF_S, NINF_S),
            (Rmm, INF_S, NINF_S),
            (Rtz, MAX_S, MAX_S | 1 << 31),
            (Rdn, MAX_S, NINF_S),
            (Rup, INF_S, MAX_S | 1 << 31),
        ] {
            assert_eq!(add_s(MAX_S, MAX_S, rm), (pos, OF | NX), "{rm:?}");
            assert_eq!(mul_s(MAX_S | 1 << 31, s(2.0), rm), (neg, OF | NX), "{rm:?}");
        }
        for (rm, pos, neg) in [
            (Rne, INF_D, NINF_D),
            (Rmm, INF_D, NINF_D),
            (Rtz, MAX_D, MAX_D | 1 << 63),
            (Rdn, MAX_D, NINF_D),
            (Rup, INF_D, MAX_D | 1 << 63),
        ] {
            assert_eq!(mul_d(MAX_D, d(1.5), rm), (pos, OF | NX), "{rm:?}");
            assert_eq!(div_d(MAX_D | 1 << 63, d(0.5), rm), (neg, OF | NX), "{rm:?}");
        }
        // MAX + half an ulp: a tie that RNE rounds to even (= overflow), RTZ keeps.
        let half_ulp = 0x7300_0000; // 2^103 = ulp(MAX_S)/2
        assert_eq!(add_s(MAX_S, half_ulp, Rne), (INF_S, OF | NX));
        assert_eq!(add_s(MAX_S, half_ulp, Rtz), (MAX_S, NX));
        // Slightly less than half an ulp stays finite in RNE.
        assert_eq!(add_s(MAX_S, 0x72ff_ffff, Rne), (MAX_S, NX));
        assert_eq!(add_s(MAX_S, 0x72ff_ffff, Rup), (INF_S, OF | NX));
    }

    #[test]
    fn subnormals_and_underflow() {
        // Exact subnormal results raise nothing.
        assert_eq!(sub_s(MIN_NORM_S, MIN_SUB_S, Rne), (MIN_NORM_S - 1, 0));
        assert_eq!(mul_d(MIN_NORM_D, d(0.5), Rne), (MIN_NORM_D >> 1, 0));
        assert_eq!(add_d(MIN_SUB_D, MIN_SUB_D, Rne), (2, 0));
        // Min subnormal / 2: tie to even -> 0 in RNE, UF|NX.
        assert_eq!(mul_s(MIN_SUB_S, s(0.5), Rne), (0, UF | NX));
        assert_eq!(mul_s(MIN_SUB_S, s(0.5), Rmm), (MIN_SUB_S, UF | NX));
        assert_eq!(mul_s(MIN_SUB_S, s(0.5), Rup), (MIN_SUB_S, UF | NX));
        assert_eq!(mul_s(MIN_SUB_S | 1 << 31, s(0.5), Rup), (1 << 31, UF | NX));
        assert_eq!(
            mul_s(MIN_SUB_S | 1 << 31, s(0.5), Rdn),
            (MIN_SUB_S | 1 << 31, UF | NX)
        );
        assert_eq!(mul_d(MIN_SUB_D, d(0.25), Rtz), (0, UF | NX));
        assert_eq!(div_d(MIN_SUB_D, MAX_D, Rup), (MIN_SUB_D, UF | NX));
        // (1 - 2^-24) * 2^-126 needs 24 bits: exact with an unbounded
        // exponent, so tiny, and inexact as a subnormal: UF|NX.
        assert_eq!(mul_s(0x3f7f_ffff, MIN_NORM_S, Rne), (MIN_NORM_S, UF | NX));
        // Tininess after rounding: (1 - 2^-46) * 2^-126 rounds to 2^-126 at
        // 24 bits, so it is not tiny in RNE: NX without UF ...
        let (a, b) = (0x3f7f_fffe, MIN_NORM_S + 1); // (1 - 2^-23) * (1 + 2^-23)
        assert_eq!(mul_s(a, b, Rne), (MIN_NORM_S, NX));
        assert_eq!(mul_s(a, b, Rup), (MIN_NORM_S, NX));
        // ... but rounding towards zero keeps it below 2^-126: tiny.
        assert_eq!(mul_s(a, b, Rtz), (MIN_NORM_S - 1, UF | NX));
        let (a, b) = (0x3fef_ffff_ffff_fffe, MIN_NORM_D + 1);
        assert_eq!(mul_d(a, b, Rne), (MIN_NORM_D, NX));
        assert_eq!(mul_d(a, b, Rmm), (MIN_NORM_D, NX));
        assert_eq!(mul_d(a, b, Rdn), (MIN_NORM_D - 1, UF | NX));
        assert_eq!(mul_d(a | 1 << 63, b, Rdn), (MIN_NORM_D | 1 << 63, NX));
        assert_eq!(
            mul_d(a | 1 << 63, b, Rup),
            ((MIN_NORM_D - 1) | 1 << 63, UF | NX)
        );
        // Subnormal operands are handled as values.
        assert_eq!(mul_s(MIN_SUB_S, s(8388608.0), Rne), (MIN_NORM_S, 0));
        assert_eq!(div_d(MIN_SUB_D, MIN_SUB_D, Rne), (d(1.0), 0));
    }

    #[test]
    fn mul_div_special_cases() {
        assert_eq!(mul_s(INF_S, s(0.0), Rne), (CANONICAL_NAN_S, NV));
        assert_eq!(mul_d(d(-0.0), INF_D, Rne), (CANONICAL_NAN_D, NV));
        assert_eq!(mul_s(s(-0.0), s(3.0), Rne), (s(-0.0), 0));
        assert_eq!(mul_d(NINF_D, d(-2.0), Rne), (INF_D, 0));
        assert_eq!(div_s(s(1.0), s(0.0), Rne), (INF_S, DZ));
        assert_eq!(div_s(s(-1.0), s(0.0), Rne), (NINF_S, DZ));
        assert_eq!(div_d(d(1.0), d(-0.0), Rtz), (NINF_D, DZ));
        assert_eq!(div_d(d(0.0), d(0.0), Rne), (CANONICAL_NAN_D, NV));
        assert_eq!(div_s(INF_S, NINF_S, Rne), (CANONICAL_NAN_S, NV));
        assert_eq!(div_d(INF_D, d(0.0), Rne), (INF_D, 0));
        assert_eq!(div_d(d(-5.0), INF_D, Rne), (d(-0.0), 0));
        assert_eq!(div_s(s(0.0), s(-5.0), Rne), (s(-0.0), 0));
        assert_eq!(div_s(s(1.0), s(3.0), Rne), (s(1.0 / 3.0), NX));
        // 1/3 rounds up to nearest in binary32 but down in binary64.
        assert_eq!(div_s(s(1.0), s(3.0), Rup), (s(1.0 / 3.0), NX));
        assert_eq!(div_s(s(1.0), s(3.0), Rtz), (s(1.0 / 3.0) - 1, NX));
        assert_eq!(div_d(d(-1.0), d(3.0), Rdn), (d(-1.0 / 3.0) + 1, NX));
        assert_eq!(div_d(d(-1.0), d(3.0), Rtz), (d(-1.0 / 3.0), NX));
        assert_eq!(div_d(d(6.0), d(3.0), Rup), (d(2.0), 0));
    }

    #[test]
    fn sqrt_cases() {
        assert_eq!(sqrt_s(s(-1.0), Rne), (CANONICAL_NAN_S, NV));
        assert_eq!(sqrt_d(NINF_D, Rne), (CANONICAL_NAN_D, NV));
        assert_eq!(sqrt_d(d(-0.0), Rne), (d(-0.0), 0));
        assert_eq!(sqrt_s(s(0.0), Rne), (s(0.0), 0));
        assert_eq!(sqrt_d(INF_D, Rne), (INF_D, 0));
        assert_eq!(sqrt_d(d(4.0), Rne), (d(2.0), 0));
        assert_eq!(sqrt_s(s(2.0), Rne), (s(2f32.sqrt()), NX));
        // The nearest double to sqrt(2) is above it.
        assert_eq!(sqrt_d(d(2.0), Rup), (d(2f64.sqrt()), NX));
        assert_eq!(sqrt_d(d(2.0), Rtz), (d(2f64.sqrt()) - 1, NX));
        assert_eq!(sqrt_d(d(2.0), Rmm), (d(2f64.sqrt()), NX));
        // sqrt of the smallest subnormal 2^-1074 = 2^-537 exactly.
        assert_eq!(sqrt_d(MIN_SUB_D, Rne), (d(2f64.powi(-537)), 0));
        assert_eq!(
            sqrt_s(MIN_SUB_S, Rne),
            (s(2f32.sqrt() * 2f32.powi(-75)), NX)
        );
    }

    #[test]
    fn fma_corner_cases() {
        // Single rounding: 1 + 2^-30 squared minus 1 keeps the 2^-60 term.
        let a = d(1.0 + 2f64.powi(-30));
        let expect = d(2f64.powi(-29) + 2f64.powi(-60));
        assert_eq!(madd_d(a, a, d(-1.0), Rne), (expect, 0));
        assert_eq!(msub_d(a, a, d(1.0), Rne), (expect, 0));
        assert_eq!(nmsub_d(a, a, d(1.0), Rne), (expect | 1 << 63, 0));
        assert_eq!(nmadd_d(a, a, d(-1.0), Rne), (expect | 1 << 63, 0));
        // Sign conventions.
        assert_eq!(madd_s(s(2.0), s(3.0), s(1.0), Rne), (s(7.0), 0));
        assert_eq!(msub_s(s(2.0), s(3.0), s(1.0), Rne), (s(5.0), 0));
        assert_eq!(nmsub_s(s(2.0), s(3.0), s(1.0), Rne), (s(-5.0), 0));
        assert_eq!(nmadd_s(s(2.0), s(3.0), s(1.0), Rne), (s(-7.0), 0));
        // inf * 0 + qNaN is invalid on RISC-V.
        assert_eq!(madd_s(INF_S, 0, QNAN_S, Rne), (CANONICAL_NAN_S, NV));
        assert_eq!(madd_d(0, NINF_D, QNAN_D, Rne), (CANONICAL_NAN_D, NV));
        assert_eq!(madd_d(d(1.0), d(2.0), QNAN_D, Rne), (CANONICAL_NAN_D, 0));
        assert_eq!(madd_d(d(1.0), SNAN_D, d(2.0), Rne), (CANONICAL_NAN_D, NV));
        // inf*x - inf is invalid; inf*x + inf is inf.
        assert_eq!(madd_s(INF_S, s(2.0), NINF_S, Rne), (CANONICAL_NAN_S, NV));
        assert_eq!(msub_s(INF_S, s(2.0), INF_S, Rne), (CANONICAL_NAN_S, NV));
        assert_eq!(madd_s(INF_S, s(2.0), INF_S, Rne), (INF_S, 0));
        assert_eq!(madd_d(d(1.0), d(2.0), NINF_D, Rne), (NINF_D, 0));
        // Exact zero sums: sign rules of addition.
        assert_eq!(madd_d(d(2.0), d(3.0), d(-6.0), Rne), (d(0.0), 0));
        assert_eq!(madd_d(d(2.0), d(3.0), d(-6.0), Rdn), (d(-0.0), 0));
        assert_eq!(madd_s(s(-0.0), s(1.0), s(0.0), Rne), (s(0.0), 0));
        assert_eq!(madd_s(s(-0.0), s(1.0), s(-0.0), Rne), (s(-0.0), 0));
        assert_eq!(nmadd_s(s(0.0), s(1.0), s(0.0), Rne), (s(-0.0), 0));
        assert_eq!(nmsub_s(s(0.0), s(1.0), s(0.0), Rne), (s(0.0), 0));
        assert_eq!(nmsub_s(s(0.0), s(1.0), s(0.0), Rdn), (s(-0.0), 0));
        // Zero product returns the addend exactly, including subnormals.
        assert_eq!(madd_d(d(0.0), d(5.0), MIN_SUB_D, Rne), (MIN_SUB_D, 0));
        // Zero addend: the product alone is rounded (and can overflow).
        assert_eq!(madd_s(MAX_S, s(2.0), s(0.0), Rtz), (MAX_S, OF | NX));
        assert_eq!(madd_s(MIN_SUB_S, s(0.5), s(-0.0), Rne), (0, UF | NX));
        // A product far below the addend only contributes to rounding.
        assert_eq!(madd_d(MIN_SUB_D, MIN_SUB_D, d(1.0), Rne), (d(1.0), NX));
        assert_eq!(madd_d(MIN_SUB_D, MIN_SUB_D, d(1.0), Rup), (d(1.0) + 1, NX));
        assert_eq!(
            msub_d(MIN_SUB_D, MIN_SUB_D, d(1.0), Rtz),
            (0xbfef_ffff_ffff_ffff, NX)
        );
        assert_eq!(
            nmadd_d(MIN_SUB_D, MIN_SUB_D, d(1.0), Rdn),
            (d(-1.0) + 1, NX)
        );
    }

    #[test]
    fn min_max_rules() {
        assert_eq!(min_s(s(-0.0), s(0.0)), (s(-0.0), 0));
        assert_eq!(min_s(s(0.0), s(-0.0)), (s(-0.0), 0));
        assert_eq!(max_s(s(-0.0), s(0.0)), (s(0.0), 0));
        assert_eq!(max_d(d(0.0), d(-0.0)), (d(0.0), 0));
        assert_eq!(min_d(d(-0.0), d(0.0)), (d(-0.0), 0));
        assert_eq!(min_s(s(1.0), s(2.0)), (s(1.0), 0));
        assert_eq!(max_s(s(-1.0), s(-2.0)), (s(-1.0), 0));
        assert_eq!(min_d(NINF_D, MAX_D), (NINF_D, 0));
        assert_eq!(max_d(NINF_D, MAX_D), (MAX_D, 0));
        assert_eq!(min_s(QNAN_S, s(3.0)), (s(3.0), 0));
        assert_eq!(max_s(s(3.0), QNAN_S), (s(3.0), 0));
        assert_eq!(min_s(SNAN_S, s(3.0)), (s(3.0), NV));
        assert_eq!(max_d(d(-7.0), SNAN_D), (d(-7.0), NV));
        assert_eq!(min_d(QNAN_D, QNAN_D), (CANONICAL_NAN_D, 0));
        assert_eq!(max_s(SNAN_S, QNAN_S), (CANONICAL_NAN_S, NV));
        assert_eq!(min_s(MIN_SUB_S, 0), (0, 0));
        assert_eq!(min_d(MIN_SUB_D | 1 << 63, 0), (MIN_SUB_D | 1 << 63, 0));
    }

    #[test]
    fn comparisons() {
        assert_eq!(eq_s(s(0.0), s(-0.0)), (true, 0));
        assert_eq!(lt_s(s(-0.0), s(0.0)), (false, 0));
        assert_eq!(le_s(s(-0.0), s(0.0)), (true, 0));
        assert_eq!(lt_d(d(-1.0), d(1.0)), (true, 0));
        assert_eq!(lt_d(d(-1.0), d(-2.0)), (false, 0));
        assert_eq!(le_d(NINF_D, d(-1e300)), (true, 0));
        assert_eq!(lt_s(s(2.0), s(2.0)), (false, 0));
        assert_eq!(le_s(s(2.0), s(2.0)), (true, 0));
        assert_eq!(eq_d(d(1.0), d(1.0) + 1), (false, 0));
        // feq is quiet: NV only for sNaN; flt/fle signal on any NaN.
        assert_eq!(eq_s(QNAN_S, s(1.0)), (false, 0));
        assert_eq!(eq_s(QNAN_S, QNAN_S), (false, 0));
        assert_eq!(eq_s(SNAN_S, s(1.0)), (false, NV));
        assert_eq!(eq_d(d(1.0), SNAN_D), (false, NV));
        assert_eq!(lt_d(QNAN_D, d(1.0)), (false, NV));
        assert_eq!(le_s(s(1.0), QNAN_S), (false, NV));
        assert_eq!(le_d(SNAN_D, SNAN_D), (false, NV));
    }

    #[test]
    fn classify_all_ten_classes() {
        let cases_s = [
            (NINF_S, 0),
            (s(-1.0), 1),
            (MIN_SUB_S | 1 << 31, 2),
            (s(-0.0), 3),
            (s(0.0), 4),
            (MIN_NORM_S - 1, 5),
            (MAX_S, 6),
            (INF_S, 7),
            (SNAN_S, 8),
            (QNAN_S, 9),
        ];
        for (x, bit) in cases_s {
            assert_eq!(class_s(x), 1 << bit, "{x:#x}");
        }
        let cases_d = [
            (NINF_D, 0),
            (MIN_NORM_D | 1 << 63, 1),
            (MIN_SUB_D | 1 << 63, 2),
            (d(-0.0), 3),
            (d(0.0), 4),
            (MIN_NORM_D - 1, 5),
            (d(1.0), 6),
            (INF_D, 7),
            (SNAN_D | 1 << 63, 8),
            (CANONICAL_NAN_D, 9),
        ];
        for (x, bit) in cases_d {
            assert_eq!(class_d(x), 1 << bit, "{x:#x}");
        }
    }

    #[test]
    fn float_to_int_saturation() {
        let two31 = s(2147483648.0);
        assert_eq!(cvt_w_s(two31, Rne), (0x7fff_ffff, NV));
        assert_eq!(cvt_w_s(two31 | 1 << 31, Rne), (0xffff_ffff_8000_0000, 0));
        assert_eq!(cvt_w_s(NINF_S, Rne), (0xffff_ffff_8000_0000, NV));
        assert_eq!(cvt_w_s(INF_S, Rne), (0x7fff_ffff, NV));
        assert_eq!(cvt_w_s(QNAN_S | 1 << 31, Rne), (0x7fff_ffff, NV));
        assert_eq!(cvt_w_s(s(-1.5), Rne), ((-2i64) as u64, NX));
        assert_eq!(cvt_w_s(s(-1.5), Rtz), ((-1i64) as u64, NX));
        assert_eq!(cvt_w_s(s(2.5), Rne), (2, NX));
        assert_eq!(cvt_w_s(s(2.5), Rmm), (3, NX));
        assert_eq!(cvt_w_s(s(2.5), Rup), (3, NX));
        assert_eq!(cvt_w_s(s(-2.5), Rdn), ((-3i64) as u64, NX));
        assert_eq!(cvt_w_s(s(-0.0), Rne), (0, 0));
        assert_eq!(cvt_w_s(MIN_SUB_S, Rup), (1, NX));
        // W results are sign-extended, also for the unsigned conversion.
        assert_eq!(cvt_wu_s(s(1.0), Rne), (1, 0));
        assert_eq!(
            cvt_wu_s(s(3e9), Rne),
            (3_000_000_000u32 as i32 as i64 as u64, 0)
        );
        assert_eq!(cvt_wu_s(s(5e9), Rne), (u64::MAX, NV));
        assert_eq!(cvt_wu_s(QNAN_S, Rne), (u64::MAX, NV));
        assert_eq!(cvt_wu_s(NINF_S, Rne), (0, NV));
        assert_eq!(cvt_wu_s(s(-1.0), Rne), (0, NV));
        assert_eq!(cvt_wu_s(s(-0.4), Rne), (0, NX));
        assert_eq!(cvt_wu_s(s(-0.5), Rmm), (0, NV));
        assert_eq!(cvt_wu_d(d(-0.5), Rtz), (0, NX));
        assert_eq!(cvt_wu_d(d(-0.5), Rdn), (0, NV));
        assert_eq!(cvt_wu_d(d(-0.5), Rup), (0, NX));
        assert_eq!(cvt_wu_d(d(4294967295.4), Rne), (u64::MAX, NX));
        assert_eq!(cvt_wu_d(d(4294967295.5), Rne), (u64::MAX, NV));
        assert_eq!(cvt_wu_d(d(4294967295.5), Rtz), (u64::MAX, NX));
        assert_eq!(cvt_w_d(d(2147483647.5), Rtz), (0x7fff_ffff, NX));
        assert_eq!(cvt_w_d(d(2147483647.5), Rne), (0x7fff_ffff, NV));
        assert_eq!(cvt_w_d(d(-2147483648.5), Rne), (0xffff_ffff_8000_0000, NX));
        assert_eq!(cvt_w_d(d(-2147483648.5), Rdn), (0xffff_ffff_8000_0000, NV));
        assert_eq!(cvt_w_d(d(-2147483649.0), Rtz), (0xffff_ffff_8000_0000, NV));
        assert_eq!(cvt_l_d(QNAN_D, Rne), (i64::MAX as u64, NV));
        assert_eq!(cvt_l_d(SNAN_D | 1 << 63, Rne), (i64::MAX as u64, NV));
        assert_eq!(cvt_l_d(d(2f64.powi(63)), Rne), (i64::MAX as u64, NV));
        assert_eq!(cvt_l_d(d(-(2f64.powi(63))), Rne), (i64::MIN as u64, 0));
        assert_eq!(cvt_l_d(NINF_D, Rne), (i64::MIN as u64, NV));
        assert_eq!(cvt_l_d(d(-1e300), Rne), (i64::MIN as u64, NV));
        assert_eq!(cvt_l_d(d(1e300), Rne), (i64::MAX as u64, NV));
        assert_eq!(cvt_l_d(d(4503599627370497.0), Rne), (4503599627370497, 0));
        assert_eq!(cvt_l_s(s(-1.0e19), Rne), (i64::MIN as u64, NV));
        assert_eq!(cvt_l_s(s(0.75), Rne), (1, NX));
        assert_eq!(cvt_lu_d(d(1.8446744073709552e19), Rne), (u64::MAX, NV));
        assert_eq!(
            cvt_lu_d(d(2f64.powi(64) - 2048.0), Rne),
            (18446744073709549568, 0)
        );
        assert_eq!(cvt_lu_d(d(-0.0), Rne), (0, 0));
        assert_eq!(cvt_lu_d(d(-1.0), Rne), (0, NV));
        assert_eq!(cvt_lu_s(INF_S, Rne), (u64::MAX, NV));
        assert_eq!(cvt_lu_s(s(-0.25), Rup), (0, NX));
    }

    #[test]
    fn int_to_float() {
        assert_eq!(cvt_s_w(0, Rne), (0, 0));
        assert_eq!(cvt_s_w(-1, Rne), (s(-1.0), 0));
        assert_eq!(cvt_s_w(i32::MIN, Rne), (s(-2147483648.0), 0));
        // 2^24 + 1 is not representable in binary32.
        assert_eq!(cvt_s_w(16_777_217, Rne), (s(16777216.0), NX));
        assert_eq!(cvt_s_w(16_777_217, Rup), (s(16777218.0), NX));
        assert_eq!(cvt_s_w(-16_777_217, Rdn), (s(-16777218.0), NX));
        assert_eq!(cvt_s_w(-16_777_217, Rtz), (s(-16777216.0), NX));
        assert_eq!(cvt_s_w(16_777_219, Rne), (s(16777220.0), NX));
        assert_eq!(cvt_s_w(16_777_219, Rmm), (s(16777220.0), NX));
        assert_eq!(cvt_s_w(16_777_217, Rmm), (s(16777218.0), NX));
        assert_eq!(cvt_s_wu(u32::MAX, Rne), (s(4294967296.0), NX));
        assert_eq!(cvt_s_wu(u32::MAX, Rtz), (s(4294967040.0), NX));
        assert_eq!(cvt_s_l(i64::MIN, Rne), (s(-9.223372e18), 0));
        assert_eq!(cvt_s_lu(u64::MAX, Rne), (s(1.8446744e19), NX));
        assert_eq!(cvt_d_w(i32::MIN), (d(-2147483648.0), 0));
        assert_eq!(cvt_d_w(0), (0, 0));
        assert_eq!(cvt_d_wu(u32::MAX), (d(4294967295.0), 0));
        assert_eq!(cvt_d_l(i64::MAX, Rne), (d(2f64.powi(63)), NX));
        assert_eq!(cvt_d_l(i64::MAX, Rtz), (d(2f64.powi(63)) - 1, NX));
        assert_eq!(cvt_d_l(-(1 << 53) - 1, Rdn), (d(-9007199254740994.0), NX));
        assert_eq!(cvt_d_lu(u64::MAX, Rup), (d(1.8446744073709552e19), NX));
        assert_eq!(cvt_d_lu(1 << 63, Rtz), (d(2f64.powi(63)), 0));
    }

    #[test]
    fn float_format_conversions() {
        assert_eq!(cvt_s_d(d(1.0), Rne), (s(1.0), 0));
        assert_eq!(cvt_s_d(d(-0.0), Rne), (s(-0.0), 0));
        assert_eq!(cvt_s_d(NINF_D, Rne), (NINF_S, 0));
        assert_eq!(cvt_s_d(QNAN_D | 1 << 63, Rne), (CANONICAL_NAN_S, 0));
        assert_eq!(cvt_s_d(SNAN_D, Rne), (CANONICAL_NAN_S, NV));
        assert_eq!(cvt_s_d(d(0.1), Rne), (s(0.1), NX));
        assert_eq!(cvt_s_d(d(0.1), Rtz), (s(0.1) - 1, NX));
        assert_eq!(cvt_s_d(d(1e39), Rne), (INF_S, OF | NX));
        assert_eq!(cvt_s_d(d(1e39), Rtz), (MAX_S, OF | NX));
        assert_eq!(cvt_s_d(d(-1e39), Rup), (MAX_S | 1 << 31, OF | NX));
        assert_eq!(cvt_s_d(d(1e-50), Rne), (0, UF | NX));
        assert_eq!(cvt_s_d(d(1e-50), Rup), (MIN_SUB_S, UF | NX));
        assert_eq!(
            cvt_s_d(MIN_SUB_D | 1 << 63, Rdn),
            (MIN_SUB_S | 1 << 31, UF | NX)
        );
        // Exact subnormal binary32 results raise nothing.
        assert_eq!(cvt_s_d(d(2f64.powi(-149)), Rne), (MIN_SUB_S, 0));
        assert_eq!(cvt_d_s(MIN_SUB_S), (d(2f64.powi(-149)), 0));
        assert_eq!(cvt_d_s(NINF_S), (NINF_D, 0));
        assert_eq!(cvt_d_s(s(-0.0)), (d(-0.0), 0));
        assert_eq!(cvt_d_s(QNAN_S), (CANONICAL_NAN_D, 0));
        assert_eq!(cvt_d_s(SNAN_S | 1 << 31), (CANONICAL_NAN_D, NV));
        assert_eq!(cvt_d_s(s(0.1)), (d(0.1f32 as f64), 0));
    }

    /// Deterministic splitmix64 generator for the random cross-checks.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
        /// Random significand bits: zero, all ones, sparse or uniform.
        fn frac(&mut self, width: u32) -> u64 {
            let mask = (1u64 << width) - 1;
            match self.below(4) {
                0 => 0,
                1 => mask,
                2 => self.next() & self.next() & self.next() & mask,
                _ => self.next() & mask,
            }
        }
        /// Exponent field near `center` (or anywhere), never NaN-producing:
        /// the all-ones field appears only with a zero fraction (infinity).
        fn float(&mut self, ebits: u32, fbits: u32, center: Option<i64>) -> u64 {
            let max = (1i64 << ebits) - 1;
            let field = match (self.below(16), center) {
                (0, _) => 0,
                (1, _) => 1 + self.below(3) as i64,
                (2, _) => max - 1 - self.below(3) as i64,
                (3, _) if self.below(8) == 0 => max,
                (4..=11, Some(c)) => c + self.below(121) as i64 - 60,
                _ => self.below(max as u64) as i64,
            }
            .clamp(0, max);
            let frac = if field == max { 0 } else { self.frac(fbits) };
            let sign = self.below(2);
            (sign << (ebits + fbits)) | ((field as u64) << fbits) | frac
        }
        fn f32(&mut self, center: Option<u32>) -> u32 {
            let c = center.map(|b| i64::from((b >> 23) & 0xff));
            self.float(8, 23, c) as u32
        }
        fn f64(&mut self, center: Option<u64>) -> u64 {
            let c = center.map(|b| ((b >> 52) & 0x7ff) as i64);
            self.float(11, 52, c)
        }
    }

    const CASES: usize = 100_000;

    // NaN-ness of the host's results is read from their bits: an optimised
    // build may fold `is_nan()` of a `sqrt` of a negative number to false.
    fn check_s(what: &str, inputs: &[u32], host: f32, got: (u32, u8)) {
        let nan = host.to_bits() & 0x7fff_ffff > 0x7f80_0000;
        let want = if nan { CANONICAL_NAN_S } else { host.to_bits() };
        assert_eq!(got.0, want, "{what} {inputs:08x?}");
        // Inputs are never NaN here, so NV must come with a NaN result.
        let nv = got.1 & NV != 0;
        assert_eq!(nv, nan, "{what} {inputs:08x?} NV");
    }

    fn check_d(what: &str, inputs: &[u64], host: f64, got: (u64, u8)) {
        let nan = host.to_bits() & 0x7fff_ffff_ffff_ffff > 0x7ff0_0000_0000_0000;
        let want = if nan { CANONICAL_NAN_D } else { host.to_bits() };
        assert_eq!(got.0, want, "{what} {inputs:016x?}");
        // Inputs are never NaN here, so NV must come with a NaN result.
        let nv = got.1 & NV != 0;
        assert_eq!(nv, nan, "{what} {inputs:016x?} NV");
    }

    #[test]
    fn random_binary32_arithmetic_matches_host() {
        let mut r = Rng(1);
        for _ in 0..CASES {
            let a = r.f32(None);
            let b = r.f32(Some(a));
            let (fa, fb) = (f32::from_bits(a), f32::from_bits(b));
            check_s("add", &[a, b], fa + fb, add_s(a, b, Rne));
            check_s("sub", &[a, b], fa - fb, sub_s(a, b, Rne));
            let b = r.f32(None);
            let fb = f32::from_bits(b);
            check_s("mul", &[a, b], fa * fb, mul_s(a, b, Rne));
            check_s("div", &[a, b], fa / fb, div_s(a, b, Rne));
            check_s("sqrt", &[a], fa.sqrt(), sqrt_s(a, Rne));
            let prod = fa * fb;
            let c = if r.below(3) == 0 && prod.is_finite() {
                (-prod).to_bits() ^ r.below(4) as u32
            } else {
                r.f32(Some(prod.to_bits()))
            };
            let fc = f32::from_bits(c);
            check_s("madd", &[a, b, c], fa.mul_add(fb, fc), madd_s(a, b, c, Rne));
            check_s(
                "msub",
                &[a, b, c],
                fa.mul_add(fb, -fc),
                msub_s(a, b, c, Rne),
            );
            check_s(
                "nmsub",
                &[a, b, c],
                (-fa).mul_add(fb, fc),
                nmsub_s(a, b, c, Rne),
            );
            check_s(
                "nmadd",
                &[a, b, c],
                (-fa).mul_add(fb, -fc),
                nmadd_s(a, b, c, Rne),
            );
        }
    }

    #[test]
    fn random_binary64_arithmetic_matches_host() {
        let mut r = Rng(2);
        for _ in 0..CASES {
            let a = r.f64(None);
            let b = r.f64(Some(a));
            let (fa, fb) = (f64::from_bits(a), f64::from_bits(b));
            check_d("add", &[a, b], fa + fb, add_d(a, b, Rne));
            check_d("sub", &[a, b], fa - fb, sub_d(a, b, Rne));
            let b = r.f64(None);
            let fb = f64::from_bits(b);
            check_d("mul", &[a, b], fa * fb, mul_d(a, b, Rne));
            check_d("div", &[a, b], fa / fb, div_d(a, b, Rne));
            check_d("sqrt", &[a], fa.sqrt(), sqrt_d(a, Rne));
            let prod = fa * fb;
            let c = if r.below(3) == 0 && prod.is_finite() {
                (-prod).to_bits() ^ r.below(4)
            } else {
                r.f64(Some(prod.to_bits()))
            };
            let fc = f64::from_bits(c);
            check_d("madd", &[a, b, c], fa.mul_add(fb, fc), madd_d(a, b, c, Rne));
            check_d(
                "msub",
                &[a, b, c],
                fa.mul_add(fb, -fc),
                msub_d(a, b, c, Rne),
            );
            check_d(
                "nmsub",
                &[a, b, c],
                (-fa).mul_add(fb, fc),
                nmsub_d(a, b, c, Rne),
            );
            check_d(
                "nmadd",
                &[a, b, c],
                (-fa).mul_add(fb, -fc),
                nmadd_d(a, b, c, Rne),
            );
        }
    }

    #[test]
    fn random_compare_minmax_class_match_host() {
        let mut r = Rng(3);
        for _ in 0..CASES {
            let a = r.f64(None);
            let b = if r.below(4) == 0 {
                a ^ r.below(2) << 63
            } else {
                r.f64(Some(a))
            };
            let (fa, fb) = (f64::from_bits(a), f64::from_bits(b));
            assert_eq!(eq_d(a, b), (fa == fb, 0));
            assert_eq!(lt_d(a, b), (fa < fb, 0));
            assert_eq!(le_d(a, b), (fa <= fb, 0));
            let (sa, sb) = (fa as f32, fb as f32);
            assert_eq!(eq_s(s(sa), s(sb)), (sa == sb, 0));
            assert_eq!(lt_s(s(sa), s(sb)), (sa < sb, 0));
            assert_eq!(le_s(s(sa), s(sb)), (sa <= sb, 0));
            // fmin/fmax: value order with -0 < +0.
            let a_first = fa < fb || (fa == fb && fa.is_sign_negative());
            let (lo, hi) = if a_first { (a, b) } else { (b, a) };
            assert_eq!(min_d(a, b), (lo, 0), "{a:x} {b:x}");
            assert_eq!(max_d(a, b), (hi, 0), "{a:x} {b:x}");
            let want_class = match fa.classify() {
                std::num::FpCategory::Infinite => 0,
                std::num::FpCategory::Normal => 1,
                std::num::FpCategory::Subnormal => 2,
                std::num::FpCategory::Zero => 3,
                std::num::FpCategory::Nan => unreachable!(),
            };
            let want_class = if fa.is_sign_negative() {
                want_class
            } else {
                7 - want_class
            };
            assert_eq!(class_d(a), 1 << want_class);
        }
    }

    /// Host reference for float->int rounding in every mode.
    fn host_round(x: f64, rm: RoundingMode) -> f64 {
        match rm {
            Rne => x.round_ties_even(),
            Rtz => x.trunc(),
            Rdn => x.floor(),
            Rup => x.ceil(),
            Rmm => x.round(),
        }
    }

    #[test]
    fn random_conversions_match_host() {
        let mut r = Rng(4);
        for i in 0..CASES {
            let rm = ALL_RM[i % 5];
            // Doubles clustered around the integer range boundaries.
            let a = r.f64(Some(d(
                [1.0, 2f64.powi(31), 2f64.powi(32), 2f64.powi(63)][i % 4]
            )));
            let fa = f64::from_bits(a);
            let x = host_round(fa, rm);
            let nx = |ok: bool| if ok && x != fa { NX } else { 0 };
            let w = cvt_w_d(a, rm);
            let in_w = x >= -(2f64.powi(31)) && x < 2f64.powi(31);
            assert_eq!(w.0, x as i32 as i64 as u64, "w {a:x} {rm:?}");
            assert_eq!(w.1, if in_w { nx(true) } else { NV }, "w {a:x} {rm:?}");
            let wu = cvt_wu_d(a, rm);
            let in_wu = x >= 0.0 && x < 2f64.powi(32);
            assert_eq!(wu.0, x as u32 as i32 as i64 as u64, "wu {a:x} {rm:?}");
            assert_eq!(wu.1, if in_wu { nx(true) } else { NV }, "wu {a:x} {rm:?}");
            let l = cvt_l_d(a, rm);
            let in_l = x >= -(2f64.powi(63)) && x < 2f64.powi(63);
            assert_eq!(l.0, x as i64 as u64, "l {a:x} {rm:?}");
            assert_eq!(l.1, if in_l { nx(true) } else { NV }, "l {a:x} {rm:?}");
            let lu = cvt_lu_d(a, rm);
            let in_lu = x >= 0.0 && x < 2f64.powi(64);
            assert_eq!(lu.0, x as u64, "lu {a:x} {rm:?}");
            assert_eq!(lu.1, if in_lu { nx(true) } else { NV }, "lu {a:x} {rm:?}");
            // The same through binary32 (every binary32 is exact in binary64).
            let sa = fa as f32;
            let xs = host_round(f64::from(sa), rm);
            assert_eq!(cvt_w_s(s(sa), rm).0, xs as i32 as i64 as u64);
            assert_eq!(cvt_wu_s(s(sa), rm).0, xs as u32 as i32 as i64 as u64);
            assert_eq!(cvt_l_s(s(sa), rm).0, xs as i64 as u64);
            assert_eq!(cvt_lu_s(s(sa), rm).0, xs as u64);
            // Narrowing and widening.
            check_s("cvt.s.d", &[], fa as f32, cvt_s_d(a, Rne));
            check_d("cvt.d.s", &[], f64::from(sa), cvt_d_s(s(sa)));
            // Integers -> floats (host `as` rounds to nearest even).
            let n = r.next() >> r.below(64);
            let (ni, nw) = (n as i64, n as i32);
            check_d("cvt.d.l", &[], ni as f64, cvt_d_l(ni, Rne));
            check_d("cvt.d.lu", &[], n as f64, cvt_d_lu(n, Rne));
            check_d("cvt.d.w", &[], f64::from(nw), cvt_d_w(nw));
            check_d("cvt.d.wu", &[], f64::from(nw as u32), cvt_d_wu(nw as u32));
            check_s("cvt.s.l", &[], ni as f32, cvt_s_l(ni, Rne));
            check_s("cvt.s.lu", &[], n as f32, cvt_s_lu(n, Rne));
            check_s("cvt.s.w", &[], nw as f32, cvt_s_w(nw, Rne));
            check_s("cvt.s.wu", &[], nw as u32 as f32, cvt_s_wu(nw as u32, Rne));
        }
    }

    /// Directed rounding checked against exact binary64 arithmetic: for
    /// binary32 operands products, and the squares/products of binary32
    /// results, are exact in binary64.
    #[test]
    fn random_binary32_directed_rounding_brackets_exact_value() {
        let mut r = Rng(5);
        let next_up = |x: u32| -> f64 {
            let f = f32::from_bits(x);
            f64::from(f32::from_bits(if f >= 0.0 { x + 1 } else { x - 1 }))
        };
        for _ in 0..CASES {
            // Positive finite operands with finite, nonzero, normal results.
            let a = r.f32(Some(s(1.0))) & 0x7fff_ffff;
            let b = r.f32(Some(s(1.0))) & 0x7fff_ffff;
            let (fa, fb) = (f64::from(f32::from_bits(a)), f64::from(f32::from_bits(b)));
            if !fa.is_finite() || !fb.is_finite() || fa == 0.0 || fb == 0.0 {
                continue;
            }
            let exact = fa * fb;
            if exact > f64::from(f32::MAX) / 2.0 || exact < 2f64.powi(-120) {
                continue;
            }
            let (dn, fl_dn) = mul_s(a, b, Rdn);
            let (up, fl_up) = mul_s(a, b, Rup);
            let (tz, _) = mul_s(a, b, Rtz);
            let (mm, _) = mul_s(a, b, Rmm);
            let (f_dn, f_up) = (f64::from(f32::from_bits(dn)), f64::from(f32::from_bits(up)));
            assert!(f_dn <= exact && exact <= f_up, "mul {a:x} {b:x}");
            assert_eq!(tz, dn);
            if f_dn == exact {
                assert_eq!((up, fl_dn, fl_up), (dn, 0, 0));
            } else {
                assert_eq!((next_up(dn), fl_dn, fl_up), (f_up, NX, NX));
                let mid = (f_dn + f_up) / 2.0;
                assert_eq!(mm, if exact >= mid { up } else { dn }, "rmm {a:x} {b:x}");
            }
            // a / b: dn * b <= a <= up * b.
            let (dn, _) = div_s(a, b, Rdn);
            let (up, fl) = div_s(a, b, Rup);
            let (f_dn, f_up) = (f64::from(f32::from_bits(dn)), f64::from(f32::from_bits(up)));
            assert!(f_dn * fb <= fa && fa <= f_up * fb, "div {a:x} {b:x}");
            // Tiny quotients also raise UF, huge ones overflow.
            let q = fa / fb;
            if q < f64::from(f32::MAX) / 2.0 && q > 2f64.powi(-120) {
                assert!(
                    dn == up || (next_up(dn) == f_up && fl == NX),
                    "div {a:x} {b:x}"
                );
            }
            // sqrt(a): dn^2 <= a <= up^2.
            let (dn, _) = sqrt_s(a, Rdn);
            let (up, fl) = sqrt_s(a, Rup);
            let (f_dn, f_up) = (f64::from(f32::from_bits(dn)), f64::from(f32::from_bits(up)));
            assert!(f_dn * f_dn <= fa && fa <= f_up * f_up, "sqrt {a:x}");
            assert!(dn == up || (next_up(dn) == f_up && fl == NX), "sqrt {a:x}");
            assert_eq!(sqrt_s(a, Rtz).0, dn);
        }
    }

    /// Error-free sum: `s + e == a + b` exactly (no overflow assumed).
    fn two_sum(a: f64, b: f64) -> (f64, f64) {
        let s = a + b;
        let bb = s - a;
        (s, (a - (s - bb)) + (b - bb))
    }

    /// Sign of `(s + e) - v` where `s + e` is an error-free pair and `v` has
    /// at most 30 significant bits: `s - v` is then exact and, when nonzero,
    /// larger than `|e|`.
    fn cmp_exact(s: f64, e: f64, v: f64) -> std::cmp::Ordering {
        if s != v {
            s.partial_cmp(&v).unwrap()
        } else {
            e.partial_cmp(&0.0).unwrap()
        }
    }

    /// Check the five rounding modes of one binary32 operation whose exact
    /// result is `s + e`, given `op(rm) -> (bits, flags)`.
    fn check_all_modes_s(what: &str, s: f64, e: f64, op: impl Fn(RoundingMode) -> (u32, u8)) {
        use std::cmp::Ordering::{Equal, Greater, Less};
        let v = |bits: u32| f64::from(f32::from_bits(bits));
        let (dn, fl_dn) = op(Rdn);
        let (up, fl_up) = op(Rup);
        let (tz, fl_tz) = op(Rtz);
        let (ne, fl_ne) = op(Rne);
        let (mm, fl_mm) = op(Rmm);
        assert_ne!(cmp_exact(s, e, v(dn)), Less, "{what} rdn");
        assert_ne!(cmp_exact(s, e, v(up)), Greater, "{what} rup");
        let exact = cmp_exact(s, e, v(dn)) == Equal;
        if exact {
            // Values only: the sign of an exact zero is checked by hand.
            for (r, fl) in [
                (dn, fl_dn),
                (up, fl_up),
                (tz, fl_tz),
                (ne, fl_ne),
                (mm, fl_mm),
            ] {
                assert_eq!((v(r), fl), (v(dn), 0), "{what} exact");
            }
            return;
        }
        let up_of_dn = match dn {
            0 | 0x8000_0000 => 1,
            x if x >> 31 == 0 => x + 1,
            x => x - 1,
        };
        assert_eq!(up_of_dn, up, "{what} adjacent");
        for fl in [fl_dn, fl_up, fl_tz, fl_ne, fl_mm] {
            assert_eq!(fl & !UF, NX, "{what} flags");
        }
        let neg = v(dn) < 0.0 || (dn == 0x8000_0000);
        assert_eq!(tz, if neg { up } else { dn }, "{what} rtz");
        let mid = (v(dn) + v(up)) / 2.0;
        let nearest = match cmp_exact(s, e, mid) {
            Less => dn,
            Greater => up,
            Equal => {
                // Tie: RNE picks the even significand, RMM the larger magnitude.
                let even = if dn & 1 == 0 { dn } else { up };
                assert_eq!(ne, even, "{what} rne tie");
                assert_eq!(mm, if neg { dn } else { up }, "{what} rmm tie");
                return;
            }
        };
        assert_eq!((ne, mm), (nearest, nearest), "{what} nearest");
    }

    /// Directed and tie rounding of add/sub/mul/fma on binary32, against the
    /// exact result computed error-free in binary64.
    #[test]
    fn random_binary32_all_modes_match_exact_value() {
        let mut r = Rng(6);
        let limit = f64::from(f32::MAX) / 4.0;
        for _ in 0..CASES {
            let a = r.f32(Some(s(1.0)));
            let b = r.f32(Some(a));
            let c = r.f32(None);
            let (fa, fb, fc) = [a, b, c].map(|x| f64::from(f32::from_bits(x))).into();
            if ![fa, fb, fc]
                .iter()
                .all(|x| x.is_finite() && x.abs() < limit.sqrt())
            {
                continue;
            }
            let (sum, err) = two_sum(fa, fb);
            check_all_modes_s("add", sum, err, |rm| add_s(a, b, rm));
            let (sum, err) = two_sum(fa, -fb);
            check_all_modes_s("sub", sum, err, |rm| sub_s(a, b, rm));
            let prod = fa * fc;
            check_all_modes_s("mul", prod, 0.0, |rm| mul_s(a, c, rm));
            // c near -(a*b) exercises cancellation.
            let d = if r.below(2) == 0 {
                (-(fa * fb) as f32).to_bits() ^ r.below(8) as u32
            } else {
                c
            };
            let fd = f64::from(f32::from_bits(d));
            let (sum, err) = two_sum(fa * fb, fd);
            check_all_modes_s("madd", sum, err, |rm| madd_s(a, b, d, rm));
            let (sum, err) = two_sum(-(fa * fb), -fd);
            check_all_modes_s("nmadd", sum, err, |rm| nmadd_s(a, b, d, rm));
        }
    }

    /// Check the five rounding modes of one binary64 operation whose exact
    /// result X has the correctly rounded-to-nearest value `near` (taken from
    /// the host), with `dir` = sign of `X - near` and `tie` when X lies exactly
    /// halfway between two doubles. Results are assumed normal and finite.
    fn check_all_modes_d(
        what: &str,
        near: f64,
        dir: std::cmp::Ordering,
        tie: bool,
        op: impl Fn(RoundingMode) -> (u64, u8),
    ) {
        use std::cmp::Ordering::{Equal, Greater};
        let res = ALL_RM.map(op);
        assert_eq!(
            res[0],
            (near.to_bits(), if dir == Equal { 0 } else { NX }),
            "{what} rne"
        );
        if dir == Equal {
            assert!(res.iter().all(|&r| r == res[0]), "{what} exact {res:x?}");
            return;
        }
        let (dn, up) = match dir {
            Greater => (near, near.next_up()),
            _ => (near.next_down(), near),
        };
        let (tz, away) = if near > 0.0 { (dn, up) } else { (up, dn) };
        let mm = if tie { away } else { near };
        let want = [near, tz, dn, up, mm];
        for (i, rm) in ALL_RM.iter().enumerate() {
            assert_eq!(res[i], (want[i].to_bits(), NX), "{what} {rm:?}");
        }
    }

    /// Nearest value and error of an error-free pair, as `check_all_modes_d` wants.
    fn pair_dir_tie(near: f64, err: f64) -> (std::cmp::Ordering, bool) {
        let dir = err.partial_cmp(&0.0).unwrap();
        let other = if err > 0.0 {
            near.next_up()
        } else {
            near.next_down()
        };
        (dir, err != 0.0 && err.abs() * 2.0 == (other - near).abs())
    }

    /// All rounding modes of binary64 add/sub/mul/div/sqrt against exact
    /// error terms computed with host arithmetic (TwoSum, FMA residuals).
    #[test]
    fn random_binary64_all_modes_match_exact_value() {
        let mut r = Rng(7);
        // Normal results far from underflow and overflow keep the error terms exact.
        let ok = |x: f64| x.abs() > 2f64.powi(-900) && x.abs() < 2f64.powi(1000);
        let mut checked = 0;
        for _ in 0..CASES {
            let a = r.f64(Some(d(1.0)));
            let b = r.f64(Some(a));
            let (fa, fb) = (f64::from_bits(a), f64::from_bits(b));
            if !ok(fa) || !ok(fb) {
                continue;
            }
            checked += 1;
            let (sum, err) = two_sum(fa, fb);
            if ok(sum) {
                let (dir, tie) = pair_dir_tie(sum, err);
                check_all_modes_d("add", sum, dir, tie, |rm| add_d(a, b, rm));
            }
            let (sum, err) = two_sum(fa, -fb);
            if ok(sum) {
                let (dir, tie) = pair_dir_tie(sum, err);
                check_all_modes_d("sub", sum, dir, tie, |rm| sub_d(a, b, rm));
            }
            let prod = fa * fb;
            if ok(prod) {
                let (dir, tie) = pair_dir_tie(prod, fa.mul_add(fb, -prod));
                check_all_modes_d("mul", prod, dir, tie, |rm| mul_d(a, b, rm));
            }
            // Quotients and square roots are never exactly halfway.
            let q = fa / fb;
            if ok(q) {
                let rem = (-q).mul_add(fb, fa);
                let dir = (rem * fb.signum()).partial_cmp(&0.0).unwrap();
                check_all_modes_d("div", q, dir, false, |rm| div_d(a, b, rm));
            }
            let fa = fa.abs();
            let root = fa.sqrt();
            let rem = (-root).mul_add(root, fa);
            let dir = rem.partial_cmp(&0.0).unwrap();
            check_all_modes_d("sqrt", root, dir, false, |rm| sqrt_d(a & !(1 << 63), rm));
        }
        assert!(checked > CASES / 2, "only {checked} cases in range");
    }

    /// Exact sign of a sum of doubles: repeated error-free VecSum passes
    /// reach a non-overlapping expansion whose top term carries the sign.
    fn sign_of_sum(mut t: Vec<f64>) -> std::cmp::Ordering {
        for _ in 0..200 {
            let mut changed = false;
            for i in 1..t.len() {
                let (hi, lo) = two_sum(t[i - 1], t[i]);
                changed |= hi != t[i] || lo != t[i - 1];
                (t[i], t[i - 1]) = (hi, lo);
            }
            if !changed {
                return t[t.len() - 1].partial_cmp(&0.0).unwrap();
            }
        }
        panic!("VecSum did not converge: {t:?}");
    }

    /// All rounding modes of binary64 fused multiply-add, against the exact
    /// value a*b + c = p + pe + c (pe the exact FMA residual of the product).
    #[test]
    fn random_binary64_fma_all_modes_match_exact_value() {
        use std::cmp::Ordering::Equal;
        let mut r = Rng(8);
        let ok = |x: f64| x.abs() > 2f64.powi(-900) && x.abs() < 2f64.powi(1000);
        let mut checked = 0;
        for i in 0..CASES {
            let a = r.f64(Some(d(1.0)));
            let b = r.f64(Some(d(1.0)));
            let (fa, fb) = (f64::from_bits(a), f64::from_bits(b));
            let p = fa * fb;
            if !ok(fa) || !ok(fb) || !ok(p) {
                continue;
            }
            // Addends near -(a*b) cancel; others are anywhere near the product.
            let c = match r.below(3) {
                0 => (-p).to_bits() ^ r.below(16),
                1 => (-p).to_bits() ^ (r.next() & ((1 << 52) - 1)),
                _ => r.f64(Some(p.to_bits())),
            };
            let pe = fa.mul_add(fb, -p);
            // Which of the four sign variants: (negate product, negate addend).
            let (np, nc) = (i & 1 == 1, i & 2 == 2);
            let sp = if np { -1.0 } else { 1.0 };
            let fc = f64::from_bits(c) * if nc { -1.0 } else { 1.0 };
            let near = (sp * fa).mul_add(fb, fc);
            if !ok(fc) || !ok(near) {
                continue;
            }
            checked += 1;
            let terms = |extra: &[f64]| {
                let mut t = vec![sp * p, sp * pe, fc];
                t.extend_from_slice(extra);
                t
            };
            let dir = sign_of_sum(terms(&[-near]));
            let tie = dir != Equal && {
                let other = if dir == std::cmp::Ordering::Greater {
                    near.next_up()
                } else {
                    near.next_down()
                };
                sign_of_sum(terms(&[-near, -(other - near) / 2.0])) == Equal
            };
            let op = |rm| match (np, nc) {
                (false, false) => madd_d(a, b, c, rm),
                (false, true) => msub_d(a, b, c, rm),
                (true, false) => nmsub_d(a, b, c, rm),
                (true, true) => nmadd_d(a, b, c, rm),
            };
            check_all_modes_d("fma", near, dir, tie, op);
        }
        assert!(checked > CASES / 2, "only {checked} cases in range");
    }
}
