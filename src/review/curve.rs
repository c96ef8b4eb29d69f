//! Variable-time arithmetic on the SM2 curve, for signature verification only (GM/T 0003.2 step B6, where
//! nothing is secret): the field in Montgomery form with a reduction that uses p's shape instead of
//! multiplications, and Jacobian points to which a table's affine points are added (8M + 3S each, no
//! inversion). The sm2 crate's arithmetic is constant-time and generic (complete formulas, fiat-crypto's
//! general Montgomery reduction): about twice the work for the same sums. The tests hold every operation
//! to the sm2 crate's.

use sm2::elliptic_curve::point::AffineCoordinates;
use sm2::elliptic_curve::PrimeField;
use sm2::{AffinePoint, Scalar};

/// p = 2²⁵⁶ − 2²²⁴ − 2⁹⁶ + 2⁶⁴ − 1, least significant limb first.
const P: [u64; 4] = [u64::MAX, 0xffff_ffff_0000_0000, u64::MAX, 0xffff_fffe_ffff_ffff];
/// The group order n, least significant limb first.
const N: [u64; 4] = [0x53bb_f409_39d5_4123, 0x7203_df6b_21c6_052b, u64::MAX, 0xffff_fffe_ffff_ffff];
/// R² mod p with R = 2²⁵⁶: multiplying by it enters Montgomery form.
const R2: [u64; 4] = [0x0000_0002_0000_0003, 0x0000_0002_ffff_ffff, 0x0000_0001_0000_0001, 0x0000_0004_0000_0002];

#[inline(always)]
fn adc(a: u64, b: u64, carry: u64) -> (u64, u64) {
    let sum = u128::from(a) + u128::from(b) + u128::from(carry);
    (sum as u64, (sum >> 64) as u64)
}

#[inline(always)]
fn sbb(a: u64, b: u64, borrow: u64) -> (u64, u64) {
    let (difference, first) = a.overflowing_sub(b);
    let (difference, second) = difference.overflowing_sub(borrow);
    (difference, u64::from(first | second))
}

#[inline(always)]
fn mac(accumulator: u64, a: u64, b: u64, carry: u64) -> (u64, u64) {
    let sum = u128::from(accumulator) + u128::from(a) * u128::from(b) + u128::from(carry);
    (sum as u64, (sum >> 64) as u64)
}

/// `value − modulus` and whether it borrowed.
#[inline(always)]
fn sub_limbs(value: &[u64; 4], modulus: &[u64; 4]) -> ([u64; 4], bool) {
    let (d0, borrow) = sbb(value[0], modulus[0], 0);
    let (d1, borrow) = sbb(value[1], modulus[1], borrow);
    let (d2, borrow) = sbb(value[2], modulus[2], borrow);
    let (d3, borrow) = sbb(value[3], modulus[3], borrow);
    ([d0, d1, d2, d3], borrow != 0)
}

fn limbs_from_be(bytes: &[u8]) -> Option<[u64; 4]> {
    let bytes: &[u8; 32] = bytes.try_into().ok()?;
    let mut limbs = [0u64; 4];
    for (index, chunk) in bytes.chunks_exact(8).enumerate() {
        limbs[3 - index] = u64::from_be_bytes(chunk.try_into().ok()?);
    }
    Some(limbs)
}

/// An element of the field of p, in Montgomery form (a·R mod p), always fully reduced: equal elements
/// have equal limbs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fe([u64; 4]);

impl Fe {
    pub(crate) const ZERO: Fe = Fe([0; 4]);
    /// R mod p: one in Montgomery form.
    pub(crate) const ONE: Fe = Fe([1, 0x0000_0000_ffff_ffff, 0, 0x0000_0001_0000_0000]);

    /// The element with these 32 big-endian bytes; `None` unless they are below p.
    pub(crate) fn from_be_bytes(bytes: &[u8]) -> Option<Fe> {
        Fe::from_limbs(limbs_from_be(bytes)?)
    }

    fn from_limbs(limbs: [u64; 4]) -> Option<Fe> {
        let (_, below) = sub_limbs(&limbs, &P);
        below.then(|| Fe(limbs).mul(&Fe(R2)))
    }

    /// The 32 big-endian bytes of the element (out of Montgomery form).
    #[cfg(test)]
    pub(crate) fn to_be_bytes(self) -> [u8; 32] {
        let plain = self.mul(&Fe([1, 0, 0, 0])).0;
        let mut bytes = [0u8; 32];
        for (index, chunk) in bytes.chunks_exact_mut(8).enumerate() {
            chunk.copy_from_slice(&plain[3 - index].to_be_bytes());
        }
        bytes
    }

    pub(crate) fn is_zero(&self) -> bool {
        self.0 == [0; 4]
    }

    pub(crate) fn add(&self, other: &Fe) -> Fe {
        let (a, b) = (&self.0, &other.0);
        let (s0, carry) = adc(a[0], b[0], 0);
        let (s1, carry) = adc(a[1], b[1], carry);
        let (s2, carry) = adc(a[2], b[2], carry);
        let (s3, carry) = adc(a[3], b[3], carry);
        let sum = [s0, s1, s2, s3];
        let (reduced, borrow) = sub_limbs(&sum, &P);
        // Below 2p: subtract p once when the sum overflowed or is at least p.
        Fe(if carry != 0 || !borrow { reduced } else { sum })
    }

    pub(crate) fn sub(&self, other: &Fe) -> Fe {
        let (difference, borrow) = sub_limbs(&self.0, &other.0);
        if !borrow {
            return Fe(difference);
        }
        let (d0, carry) = adc(difference[0], P[0], 0);
        let (d1, carry) = adc(difference[1], P[1], carry);
        let (d2, carry) = adc(difference[2], P[2], carry);
        let (d3, _) = adc(difference[3], P[3], carry);
        Fe([d0, d1, d2, d3])
    }

    pub(crate) fn double(&self) -> Fe {
        self.add(self)
    }

    pub(crate) fn neg(&self) -> Fe {
        Fe::ZERO.sub(self)
    }

    /// Montgomery product a·b·R⁻¹ mod p, one limb of `a` at a time (CIOS). The reduction needs no
    /// multiplication: −p⁻¹ ≡ 1 (mod 2⁶⁴), so each round's factor m is the lowest limb, and adding m·p
    /// clears that limb and adds m·(p + 1)/2⁶⁴ = m·(2¹⁹² − 2¹⁶⁰ − 2³² + 1) one limb up, which is shifts.
    pub(crate) fn mul(&self, other: &Fe) -> Fe {
        let (a, b) = (&self.0, &other.0);
        let mut t = [0u64; 5];
        for &limb in a {
            let (u0, carry) = mac(t[0], limb, b[0], 0);
            let (u1, carry) = mac(t[1], limb, b[1], carry);
            let (u2, carry) = mac(t[2], limb, b[2], carry);
            let (u3, carry) = mac(t[3], limb, b[3], carry);
            let (u4, top) = adc(t[4], carry, 0);
            let reduced = reduce_step([u0, u1, u2, u3, u4]);
            // Below 2p after each round, so the top limb stays 0 or 1.
            t = [reduced[0], reduced[1], reduced[2], reduced[3], reduced[4] + top];
        }
        Fe::finish(t)
    }

    /// `self.mul(self)` with each cross product computed once: the 512-bit square, then four rounds of
    /// `reduce_step` over its low half and the high half added.
    pub(crate) fn square(&self) -> Fe {
        let a = &self.0;
        let (t1, carry) = mac(0, a[0], a[1], 0);
        let (t2, carry) = mac(0, a[0], a[2], carry);
        let (t3, t4) = mac(0, a[0], a[3], carry);
        let (t3, carry) = mac(t3, a[1], a[2], 0);
        let (t4, t5) = mac(t4, a[1], a[3], carry);
        let (t5, t6) = mac(t5, a[2], a[3], 0);
        // Twice the cross products.
        let t7 = t6 >> 63;
        let t6 = (t6 << 1) | (t5 >> 63);
        let t5 = (t5 << 1) | (t4 >> 63);
        let t4 = (t4 << 1) | (t3 >> 63);
        let t3 = (t3 << 1) | (t2 >> 63);
        let t2 = (t2 << 1) | (t1 >> 63);
        let t1 = t1 << 1;
        // Plus the squares.
        let (t0, carry) = mac(0, a[0], a[0], 0);
        let (t1, carry) = adc(t1, carry, 0);
        let (t2, carry) = mac(t2, a[1], a[1], carry);
        let (t3, carry) = adc(t3, carry, 0);
        let (t4, carry) = mac(t4, a[2], a[2], carry);
        let (t5, carry) = adc(t5, carry, 0);
        let (t6, carry) = mac(t6, a[3], a[3], carry);
        let (t7, _) = adc(t7, carry, 0);
        let mut low = [t0, t1, t2, t3, 0];
        for _ in 0..4 {
            low = reduce_step(low);
        }
        let (s0, carry) = adc(low[0], t4, 0);
        let (s1, carry) = adc(low[1], t5, carry);
        let (s2, carry) = adc(low[2], t6, carry);
        let (s3, carry) = adc(low[3], t7, carry);
        Fe::finish([s0, s1, s2, s3, low[4] + carry])
    }

    /// The inverse, self^(p−2) (Fermat); zero for zero.
    pub(crate) fn invert(&self) -> Fe {
        let mut exponent = P;
        exponent[0] -= 2;
        let mut inverse = Fe::ONE;
        for limb in exponent.iter().rev() {
            for bit in (0..64).rev() {
                inverse = inverse.square();
                if (limb >> bit) & 1 == 1 {
                    inverse = inverse.mul(self);
                }
            }
        }
        inverse
    }

    /// A value below 2p in five limbs (the top one 0 or 1), reduced below p.
    #[inline(always)]
    fn finish(t: [u64; 5]) -> Fe {
        let value = [t[0], t[1], t[2], t[3]];
        let (reduced, borrow) = sub_limbs(&value, &P);
        Fe(if t[4] != 0 || !borrow { reduced } else { value })
    }
}

/// One Montgomery reduction round over five limbs: (t + m·p)/2⁶⁴ with m = t[0], that is t/2⁶⁴ plus
/// d = m·(2¹⁹² + 1) − m·(2¹⁶⁰ + 2³²) (limbs [m, 0, 0, m] − [m≪32, m≫32, m≪32, m≫32], never negative).
#[inline(always)]
fn reduce_step(t: [u64; 5]) -> [u64; 5] {
    let m = t[0];
    let (low, high) = (m << 32, m >> 32);
    let (d0, borrow) = sbb(m, low, 0);
    let (d1, borrow) = sbb(0, high, borrow);
    let (d2, borrow) = sbb(0, low, borrow);
    let (d3, _) = sbb(m, high, borrow);
    let (v0, carry) = adc(t[1], d0, 0);
    let (v1, carry) = adc(t[2], d1, carry);
    let (v2, carry) = adc(t[3], d2, carry);
    let (v3, carry) = adc(t[4], d3, carry);
    [v0, v1, v2, v3, carry]
}

/// Replaces each of `values` (none zero) by its inverse, with one inversion for all (Montgomery's trick:
/// three multiplications per value).
fn invert_all(values: &mut [Fe], prefixes: &mut Vec<Fe>) {
    prefixes.clear();
    let mut product = Fe::ONE;
    for value in values.iter() {
        prefixes.push(product);
        product = product.mul(value);
    }
    let mut inverse = product.invert();
    for (value, before) in values.iter_mut().zip(prefixes.iter()).rev() {
        let inverted = inverse.mul(before);
        inverse = inverse.mul(value);
        *value = inverted;
    }
}

/// For each of `jobs` sums of affine points, the sum (`None`: the point at infinity). `term(job, step)`
/// gives a job's point at each of `steps` steps (negated when the flag is set; `None`: nothing added).
/// The jobs advance together, one step at a time, so that each step's affine additions share one
/// inversion (`invert_all`): 5M + 1S an addition, against 8M + 3S for `Jacobian::add_affine`. An
/// addition of points with the same x (doubling, or a point and its negation) goes through `Jacobian`.
pub(crate) fn lockstep_sums<'t>(
    jobs: usize,
    steps: usize,
    term: impl Fn(usize, usize) -> Option<(&'t Affine, bool)>,
) -> Vec<Option<Affine>> {
    let mut sums: Vec<Option<Affine>> = vec![None; jobs];
    // (job, the sum so far, the point to add) of each regular addition of the step, and x₂ − x₁.
    let mut additions: Vec<(usize, Affine, Affine)> = Vec::with_capacity(jobs);
    let mut denominators: Vec<Fe> = Vec::with_capacity(jobs);
    let mut prefixes = Vec::with_capacity(jobs);
    for step in 0..steps {
        additions.clear();
        denominators.clear();
        for (job, sum) in sums.iter_mut().enumerate() {
            let Some((point, negate)) = term(job, step) else { continue };
            let point = if negate { Affine { x: point.x, y: point.y.neg() } } else { *point };
            match sum {
                None => *sum = Some(point),
                Some(current) if current.x == point.x => {
                    let mut jacobian = Jacobian::from_affine(current);
                    jacobian.add_affine(&point, false);
                    *sum = jacobian.to_affine();
                }
                Some(current) => {
                    denominators.push(point.x.sub(&current.x));
                    additions.push((job, *current, point));
                }
            }
        }
        invert_all(&mut denominators, &mut prefixes);
        for ((job, current, point), inverse) in additions.iter().zip(&denominators) {
            let slope = point.y.sub(&current.y).mul(inverse);
            let x = slope.square().sub(&current.x).sub(&point.x);
            let y = slope.mul(&current.x.sub(&x)).sub(&current.y);
            if let Some(sum) = sums.get_mut(*job) {
                *sum = Some(Affine { x, y });
            }
        }
    }
    sums
}

/// A point in affine coordinates, never the point at infinity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Affine {
    x: Fe,
    y: Fe,
}

impl Affine {
    /// The sm2 crate's affine point; `None` for the point at infinity.
    pub(crate) fn from_sm2(point: &AffinePoint) -> Option<Affine> {
        if bool::from(point.is_identity()) {
            return None;
        }
        Some(Affine { x: Fe::from_be_bytes(&point.x())?, y: Fe::from_be_bytes(&point.y())? })
    }

    /// Step B7: whether x mod n = c for c = (r − e) mod n.
    pub(crate) fn x_mod_n_is(&self, c: &Scalar) -> bool {
        Jacobian::from_affine(self).x_mod_n_is(c)
    }
}

/// A point in Jacobian coordinates (x = X/Z², y = Y/Z³); Z = 0 is the point at infinity.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Jacobian {
    x: Fe,
    y: Fe,
    z: Fe,
}

impl Jacobian {
    pub(crate) const INFINITY: Jacobian = Jacobian { x: Fe::ONE, y: Fe::ONE, z: Fe::ZERO };

    pub(crate) fn is_infinity(&self) -> bool {
        self.z.is_zero()
    }

    fn from_affine(point: &Affine) -> Jacobian {
        Jacobian { x: point.x, y: point.y, z: Fe::ONE }
    }

    /// The affine form (one inversion); `None` for the point at infinity.
    fn to_affine(self) -> Option<Affine> {
        if self.is_infinity() {
            return None;
        }
        let inverse = self.z.invert();
        let inverse2 = inverse.square();
        Some(Affine { x: self.x.mul(&inverse2), y: self.y.mul(&inverse2.mul(&inverse)) })
    }

    /// Adds `point`, or its negation (add-1998-cmo-2 with Z₂ = 1: 8M + 3S), falling back to doubling or
    /// infinity in the cases the formula does not cover.
    pub(crate) fn add_affine(&mut self, point: &Affine, negate: bool) {
        let y2 = if negate { point.y.neg() } else { point.y };
        if self.is_infinity() {
            *self = Jacobian { x: point.x, y: y2, z: Fe::ONE };
            return;
        }
        let z1z1 = self.z.square();
        let u2 = point.x.mul(&z1z1);
        let s2 = y2.mul(&self.z.mul(&z1z1));
        let h = u2.sub(&self.x);
        let r = s2.sub(&self.y);
        if h.is_zero() {
            // The same x: the same point (double it) or its negation (the sum is infinity).
            *self = if r.is_zero() { self.double() } else { Jacobian::INFINITY };
            return;
        }
        let hh = h.square();
        let hhh = h.mul(&hh);
        let v = self.x.mul(&hh);
        let x3 = r.square().sub(&hhh).sub(&v.double());
        let y3 = r.mul(&v.sub(&x3)).sub(&self.y.mul(&hhh));
        let z3 = self.z.mul(&h);
        *self = Jacobian { x: x3, y: y3, z: z3 };
    }

    /// 2·self for a = −3 (dbl-2001-b: 3M + 5S).
    pub(crate) fn double(&self) -> Jacobian {
        if self.is_infinity() {
            return *self;
        }
        let delta = self.z.square();
        let gamma = self.y.square();
        let beta = self.x.mul(&gamma);
        let t = self.x.sub(&delta).mul(&self.x.add(&delta));
        let alpha = t.double().add(&t);
        let beta4 = beta.double().double();
        let x3 = alpha.square().sub(&beta4.double());
        let z3 = self.y.add(&self.z).square().sub(&gamma).sub(&delta);
        let gamma8 = gamma.square().double().double().double();
        let y3 = alpha.mul(&beta4.sub(&x3)).sub(&gamma8);
        Jacobian { x: x3, y: y3, z: z3 }
    }

    /// Step B7 without leaving Jacobian form: whether x mod n = c for c = (r − e) mod n, i.e. x = c or
    /// x = c + n (x < p < 2n), checked as X = x·Z² (no inversion). False for the point at infinity.
    pub(crate) fn x_mod_n_is(&self, c: &Scalar) -> bool {
        if self.is_infinity() {
            return false;
        }
        let Some(c) = limbs_from_be(&c.to_repr()) else { return false };
        let z2 = self.z.square();
        let matches = |limbs: [u64; 4]| Fe::from_limbs(limbs).is_some_and(|x| x.mul(&z2) == self.x);
        if matches(c) {
            return true;
        }
        let (s0, carry) = adc(c[0], N[0], 0);
        let (s1, carry) = adc(c[1], N[1], carry);
        let (s2, carry) = adc(c[2], N[2], carry);
        let (s3, carry) = adc(c[3], N[3], carry);
        // c + n is a candidate only below p (`from_limbs` refuses the rest).
        carry == 0 && matches([s0, s1, s2, s3])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use sm2::elliptic_curve::Group;
    use sm2::ProjectivePoint;

    type Sm2Fe = <sm2::Sm2 as sm2::elliptic_curve::hazmat::FieldArithmetic>::FieldElement;

    fn sm2_fe(bytes: &[u8; 32]) -> Option<Sm2Fe> {
        Option::from(Sm2Fe::from_repr((*bytes).into()))
    }

    fn p_bytes() -> [u8; 32] {
        let mut bytes = [0u8; 32];
        for (index, chunk) in bytes.chunks_exact_mut(8).enumerate() {
            chunk.copy_from_slice(&P[3 - index].to_be_bytes());
        }
        bytes
    }

    /// Field elements from random bytes, with the edges (0, 1, p − 1, p − 2) among them.
    fn element() -> impl Strategy<Value = [u8; 32]> {
        let mut p_minus_one = p_bytes();
        p_minus_one[31] -= 1;
        let mut p_minus_two = p_bytes();
        p_minus_two[31] -= 2;
        let mut one = [0u8; 32];
        one[31] = 1;
        prop_oneof![
            1 => Just([0u8; 32]),
            1 => Just(one),
            1 => Just(p_minus_one),
            1 => Just(p_minus_two),
            8 => any::<[u8; 32]>().prop_map(|mut bytes| {
                bytes[0] &= 0xfe; // below p
                bytes
            }),
        ]
    }

    proptest! {
        #[test]
        fn field_operations_agree_with_the_sm2_crate(a in element(), b in element()) {
            let (fa, fb) = (Fe::from_be_bytes(&a).unwrap(), Fe::from_be_bytes(&b).unwrap());
            let (sa, sb) = (sm2_fe(&a).unwrap(), sm2_fe(&b).unwrap());
            prop_assert_eq!(fa.to_be_bytes(), a);
            prop_assert_eq!(fa.mul(&fb).to_be_bytes(), <[u8; 32]>::from((sa * sb).to_repr()));
            prop_assert_eq!(fa.square().to_be_bytes(), <[u8; 32]>::from(sa.square().to_repr()));
            prop_assert_eq!(fa.add(&fb).to_be_bytes(), <[u8; 32]>::from((sa + sb).to_repr()));
            prop_assert_eq!(fa.sub(&fb).to_be_bytes(), <[u8; 32]>::from((sa - sb).to_repr()));
            prop_assert_eq!(fa.neg().to_be_bytes(), <[u8; 32]>::from((-sa).to_repr()));
            prop_assert_eq!(fa == fb, a == b);
        }
    }

    #[test]
    fn elements_at_or_above_p_are_refused() {
        assert!(Fe::from_be_bytes(&p_bytes()).is_none());
        assert!(Fe::from_be_bytes(&[0xff; 32]).is_none());
        assert!(Fe::from_be_bytes(&[0; 31]).is_none());
        assert_eq!(Fe::from_be_bytes(&[0; 32]), Some(Fe::ZERO));
        let mut one = [0u8; 32];
        one[31] = 1;
        assert_eq!(Fe::from_be_bytes(&one), Some(Fe::ONE));
    }

    fn to_affine(point: &Jacobian) -> Option<([u8; 32], [u8; 32])> {
        point.to_affine().map(|affine| (affine.x.to_be_bytes(), affine.y.to_be_bytes()))
    }

    fn sm2_affine(point: &ProjectivePoint) -> Option<([u8; 32], [u8; 32])> {
        let affine = point.to_affine();
        (!bool::from(affine.is_identity())).then(|| (affine.x().into(), affine.y().into()))
    }

    fn multiple(k: u64) -> ProjectivePoint {
        ProjectivePoint::GENERATOR * Scalar::from(k)
    }

    fn affine(point: &ProjectivePoint) -> Affine {
        Affine::from_sm2(&point.to_affine()).unwrap()
    }

    proptest! {
        #[test]
        fn sums_of_affine_points_agree_with_the_sm2_crate(
            steps in proptest::collection::vec((1u64..40, any::<bool>()), 1..12)
        ) {
            // Small multiples of G, so equal and opposite points (doubling, infinity) come up too.
            let mut ours = Jacobian::INFINITY;
            let mut theirs = ProjectivePoint::IDENTITY;
            for (k, negate) in steps {
                let point = multiple(k);
                ours.add_affine(&affine(&point), negate);
                theirs += if negate { -point } else { point };
                prop_assert_eq!(to_affine(&ours), sm2_affine(&theirs));
            }
        }
    }

    proptest! {
        #[test]
        fn lockstep_sums_agree_with_the_sm2_crate(
            jobs in proptest::collection::vec(
                proptest::collection::vec(proptest::option::weighted(0.8, (1usize..24, any::<bool>())), 0..10),
                1..8,
            )
        ) {
            // Small multiples of G again: sums meet their next point or its negation now and then.
            let multiples: Vec<Affine> = (0..24).map(|k| affine(&multiple(k.max(1)))).collect();
            let steps = jobs.iter().map(Vec::len).max().unwrap_or(0);
            let sums = lockstep_sums(jobs.len(), steps, |job, step| {
                let (k, negate) = jobs[job].get(step).copied().flatten()?;
                Some((&multiples[k], negate))
            });
            for (terms, sum) in jobs.iter().zip(&sums) {
                let mut theirs = ProjectivePoint::IDENTITY;
                for (k, negate) in terms.iter().flatten() {
                    let point = multiple(*k as u64);
                    theirs += if *negate { -point } else { point };
                }
                let ours = sum.map(|point| (point.x.to_be_bytes(), point.y.to_be_bytes()));
                prop_assert_eq!(ours, sm2_affine(&theirs));
            }
        }
    }

    #[test]
    fn inversion_inverts() {
        for bytes in [
            [1u8; 32],
            [0x7f; 32],
            [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2],
        ] {
            let value = Fe::from_be_bytes(&bytes).unwrap();
            assert_eq!(value.mul(&value.invert()), Fe::ONE);
        }
        assert_eq!(Fe::ZERO.invert(), Fe::ZERO);
        let mut values: Vec<Fe> = (1..6u8).map(|byte| Fe::from_be_bytes(&[byte; 32]).unwrap()).collect();
        let expected: Vec<Fe> = values.iter().map(Fe::invert).collect();
        invert_all(&mut values, &mut Vec::new());
        assert_eq!(values, expected);
    }

    #[test]
    fn the_special_cases_of_addition_and_doubling() {
        let g = ProjectivePoint::GENERATOR;
        let mut point = Jacobian::INFINITY;
        point.add_affine(&affine(&g), false);
        assert_eq!(to_affine(&point), sm2_affine(&g), "infinity + G");
        point.add_affine(&affine(&g), false);
        assert_eq!(to_affine(&point), sm2_affine(&g.double()), "G + G doubles");
        point.add_affine(&affine(&g.double()), true);
        assert!(point.is_infinity(), "2G − 2G");
        assert!(Jacobian::INFINITY.double().is_infinity());
        let mut point = Jacobian::INFINITY;
        point.add_affine(&affine(&multiple(5)), false);
        assert_eq!(to_affine(&point.double()), sm2_affine(&multiple(10)));
        assert!(Affine::from_sm2(&AffinePoint::IDENTITY).is_none());
    }

    #[test]
    fn the_x_check_takes_both_candidates_and_refuses_infinity() {
        let mut point = Jacobian::INFINITY;
        point.add_affine(&affine(&multiple(7)), false);
        point.add_affine(&affine(&multiple(3)), false); // Z ≠ 1
        let (x, _) = to_affine(&point).unwrap();
        let c = Option::<Scalar>::from(Scalar::from_repr(x.into())).unwrap(); // x < n here
        assert!(point.x_mod_n_is(&c));
        assert!(!point.x_mod_n_is(&(c + Scalar::ONE)));
        assert!(!Jacobian::INFINITY.x_mod_n_is(&Scalar::ZERO));
        // An x in [n, p) (no curve point needed: the check reads X and Z only): x mod n = x − n.
        let z = Fe::from_be_bytes(&[3u8; 32]).unwrap();
        let mut n_plus_five = N;
        n_plus_five[0] += 5;
        let x = Fe::from_limbs(n_plus_five).unwrap();
        let point = Jacobian { x: x.mul(&z.square()), y: Fe::ONE, z };
        assert!(point.x_mod_n_is(&Scalar::from(5u64)));
        assert!(!point.x_mod_n_is(&Scalar::from(6u64)));
        // c = n − 1: c + n overflows p, so only c itself is a candidate.
        assert!(!point.x_mod_n_is(&-Scalar::ONE));
    }
}
