//! The standard normal loss function `G(z) = E[(Z − z)⁺]` and its inversion, which a
//! fill-rate target needs at every recomputation of a safety stock (daily, for every pair).
//!
//! The inversion reads the answer off a table instead of searching for it: the targets are
//! cut into cells of 1/16 of an octave (found from the bits of the target, no search), and in
//! each cell `z` is the inverse series of `G` around a point of the cell, a polynomial of
//! degree [`DEGREE`] in `target − G(z_c)`, built once per process. It agrees with a bisection
//! of `G` within 1e-13 (1.3e-14 at worst in the tests), where a search needed three
//! evaluations of `exp` and `erfc` per inversion.

use std::f64::consts::{PI, SQRT_2};

use libm::erfc;

/// The standard normal loss function G(z) = E[(Z − z)⁺] = φ(z) − z (1 − Φ(z)).
pub fn normal_loss(z: f64) -> f64 {
    loss_and_tail(z).0
}

/// G(z) and the upper tail 1 − Φ(z) (= −G′(z)). The tail comes from `erfc`, so that it keeps
/// its relative precision far into the tail, and from `libm`'s (musl's, within an ulp or two):
/// statrs' `erfc` errs by up to about 1e-10 (rational fits around offsets that are `f32`
/// constants in the original, read as `f64`), which would move z by as much.
fn loss_and_tail(z: f64) -> (f64, f64) {
    let tail = 0.5 * erfc(z / SQRT_2);
    (density(z) - z * tail, tail)
}

/// The standard normal density φ(z) (= G″(z)).
fn density(z: f64) -> f64 {
    (-0.5 * z * z).exp() / (2.0 * PI).sqrt()
}

/// Safety factors of a fill-rate target lie in [`Z_MIN`, `Z_MAX`].
const Z_MIN: f64 = -4.0;
/// Upper end of the safety factors of a fill-rate target.
const Z_MAX: f64 = 8.0;
/// Degree of the inverse series in each cell.
const DEGREE: usize = 8;
/// Cells per octave of the target: 2^`CELL_BITS` (the leading bits of the mantissa).
const CELL_BITS: u32 = 4;
/// Octaves of targets covered: from 2^`LOWEST_OCTAVE` (below G(8) ≈ 6e-17) to 2^3 (above
/// G(−4) ≈ 4).
const LOWEST_OCTAVE: i32 = -56;
/// Number of octaves covered.
const OCTAVES: usize = 59;

/// One cell of the table: `z = z_c + Σ_k b_k (target − G(z_c))^k`.
#[derive(Debug, Clone, Copy)]
struct Cell {
    /// G at the cell's expansion point.
    loss: f64,
    /// The cell's expansion point `z_c` followed by the coefficients `b_1 … b_DEGREE`.
    series: [f64; DEGREE + 1],
}

/// The inversion table, with G at the clamps.
struct Table {
    /// G(`Z_MIN`): larger targets give `Z_MIN`.
    at_min: f64,
    /// G(`Z_MAX`): smaller targets give `Z_MAX`.
    at_max: f64,
    cells: Vec<Cell>,
}

/// Built once per process (about a millisecond).
static TABLE: std::sync::LazyLock<Table> = std::sync::LazyLock::new(|| {
    let mut z = Z_MAX + 1.0;
    let cells = (0..OCTAVES << CELL_BITS)
        .map(|i| {
            // The middle of the cell, in increasing targets; z decreases from cell to cell.
            let (lo, hi) = (cell_start(i), cell_start(i + 1));
            z = solve(0.5 * (lo + hi), z);
            expand(z)
        })
        .collect();
    Table { at_min: normal_loss(Z_MIN), at_max: normal_loss(Z_MAX), cells }
});

/// The smallest target of cell `i`.
fn cell_start(i: usize) -> f64 {
    let exponent = (1023 + LOWEST_OCTAVE) as u64;
    f64::from_bits(((exponent << CELL_BITS) + i as u64) << (52 - CELL_BITS))
}

/// The cell of a target in (0, 2^(`LOWEST_OCTAVE` + `OCTAVES`)): the octave and the leading
/// bits of the mantissa, read off the bits of the number.
fn cell_of(target: f64) -> usize {
    let first = ((1023 + LOWEST_OCTAVE) as u64) << CELL_BITS;
    ((target.to_bits() >> (52 - CELL_BITS)) - first) as usize
}

/// The z with G(z) = `target` by Newton's iteration from `start` (G is decreasing and convex,
/// so from the second step on the iterates rise to the root), to machine precision.
fn solve(target: f64, start: f64) -> f64 {
    let mut z = start;
    for _ in 0..200 {
        let (loss, tail) = loss_and_tail(z);
        let step = (loss - target) / tail;
        z += step;
        if step.abs() <= 1e-15 * z.abs().max(1.0) {
            break;
        }
    }
    z
}

/// The cell expanded around `z`: G's Taylor series there, `G(z + d) = Σ a_k d^k` with
/// `a_1 = −(1 − Φ(z))` and, for k ≥ 2, `a_k = (−1)^k He_{k−2}(z) φ(z) / k!` (He: the
/// probabilists' Hermite polynomials, G″ = φ), inverted into `d` as a series in `G − G(z)`.
fn expand(z: f64) -> Cell {
    let (loss, tail) = loss_and_tail(z);
    let mut a = [0.0; DEGREE + 1];
    a[1] = -tail;
    let (mut he, mut he_before, mut factorial) = (1.0, 0.0, 1.0);
    for (k, ak) in a.iter_mut().enumerate().skip(2) {
        factorial *= k as f64;
        let sign = if k % 2 == 0 { 1.0 } else { -1.0 };
        *ak = sign * he * density(z) / factorial;
        // He_{n+1} = z He_n − n He_{n−1}, with n = k − 2.
        (he, he_before) = (z * he - (k - 2) as f64 * he_before, he);
    }
    let mut series = invert(&a);
    series[0] = z;
    Cell { loss, series }
}

/// The series `d(s) = Σ_{k≥1} b_k s^k` inverse to `s = Σ_{k≥1} a_k d^k` (`a_1 ≠ 0`), to the
/// degree of the arrays: the fixed point of `d ← (s − Σ_{k≥2} a_k d^k) / a_1`, whose every
/// pass fixes one more coefficient.
fn invert(a: &[f64; DEGREE + 1]) -> [f64; DEGREE + 1] {
    let mut d = [0.0; DEGREE + 1];
    for _ in 0..DEGREE {
        let mut rest = [0.0; DEGREE + 1];
        rest[1] = 1.0;
        let mut power = d;
        for &ak in &a[2..] {
            power = product(&power, &d);
            rest.iter_mut().zip(&power).for_each(|(r, p)| *r -= ak * p);
        }
        d = rest.map(|r| r / a[1]);
    }
    d
}

/// The product of two series, truncated to the degree of the arrays.
fn product(x: &[f64; DEGREE + 1], y: &[f64; DEGREE + 1]) -> [f64; DEGREE + 1] {
    std::array::from_fn(|n| (0..=n).map(|i| x[i] * y[n - i]).sum())
}

/// The safety factor z whose expected shortage per cycle, σ·G(z), is `(1 − fill_rate)` times
/// the demand per cycle `q` (the normal-loss approximation of a fill-rate target), clamped to
/// [−4, 8]: read off the table of inverse series (see the module's documentation).
#[inline]
pub fn z_for_fill_rate(fill_rate: f64, q: f64, sigma: f64) -> f64 {
    if sigma <= 0.0 {
        return 0.0;
    }
    let target = (1.0 - fill_rate) * q / sigma;
    let table = &*TABLE;
    if target >= table.at_min {
        return Z_MIN;
    }
    // Written so that a NaN target (a NaN forecast) also takes the largest factor, not a cell.
    if target <= table.at_max || target.is_nan() {
        return Z_MAX;
    }
    let cell = &table.cells[cell_of(target)];
    let s = target - cell.loss;
    // The polynomial by Estrin's scheme: its terms in pairs, then pairs of pairs, a chain of
    // four multiplications and additions where Horner's rule chains eight.
    const _: () = assert!(DEGREE == 8, "the scheme below is written for degree 8");
    let b = &cell.series;
    let s2 = s * s;
    let s4 = s2 * s2;
    let low = (b[1] + b[2] * s) + s2 * (b[3] + b[4] * s);
    let high = (b[5] + b[6] * s) + s2 * (b[7] + b[8] * s);
    let z = (low + s4 * high) * s;
    (b[0] + z).clamp(Z_MIN, Z_MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nan_target_takes_the_largest_factor() {
        assert_eq!(z_for_fill_rate(0.95, f64::NAN, 10.0), Z_MAX);
        assert_eq!(z_for_fill_rate(0.95, 100.0, f64::NAN), Z_MAX);
    }

    #[test]
    fn normal_loss_matches_tables() {
        // Standard normal loss function values (Silver, Pyke & Peterson, Table B.1).
        for (z, g) in
            [(-1.0, 1.0833), (0.0, 0.3989), (0.5, 0.1978), (1.0, 0.08332), (1.5, 0.02931), (2.0, 0.008491)]
        {
            assert!((normal_loss(z) - g).abs() < 5e-5, "G({z}) = {} vs {g}", normal_loss(z));
        }
        // Far in the tail G(z) ≈ φ(z)/z² · (1 − 3/z² + 15/z⁴ − …): G(8) = 6.9e-17 to 1 %.
        let asymptotic = density(8.0) / 64.0 * (1.0 - 3.0 / 64.0 + 15.0 / 4096.0 - 105.0 / 262_144.0);
        assert!((normal_loss(8.0) / asymptotic - 1.0).abs() < 1e-2, "{}", normal_loss(8.0));
    }

    #[test]
    fn the_table_covers_the_targets_between_the_clamps() {
        let table = &*TABLE;
        assert!(cell_start(0) < table.at_max && table.at_min < cell_start(table.cells.len()));
        assert_eq!(cell_of(cell_start(7)), 7);
        assert_eq!(cell_of(cell_start(8) * (1.0 - 1e-16)), 7);
    }

    /// The inversion from scratch: bisection of G on [−4, 8] to machine precision.
    pub(crate) fn z_by_bisection(fill_rate: f64, q: f64, sigma: f64) -> f64 {
        let target = (1.0 - fill_rate) * q / sigma;
        let (mut lo, mut hi) = (Z_MIN, Z_MAX);
        if normal_loss(lo) <= target {
            return lo;
        }
        if normal_loss(hi) >= target {
            return hi;
        }
        for _ in 0..100 {
            let mid = 0.5 * (lo + hi);
            if normal_loss(mid) > target {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        0.5 * (lo + hi)
    }

    /// The documented accuracy of the table against a bisection.
    const Z_BOUND: f64 = 1e-13;

    #[test]
    fn fast_fill_rate_inversion_agrees_with_bisection() {
        let mut worst: f64 = 0.0;
        let mut inside = 0;
        for k in 0..=200 {
            // Fill rates from 0.5 to 0.9999, denser near 1.
            let fill_rate = 1.0 - 0.5 * (0.0002f64).powf(k as f64 / 200.0);
            for sigma in [0.5, 2.0, 7.0, 25.0, 80.0, 400.0] {
                for q in [1.0, 10.0, 40.0, 100.0, 1000.0] {
                    let (fast, exact) =
                        (z_for_fill_rate(fill_rate, q, sigma), z_by_bisection(fill_rate, q, sigma));
                    let gap = (fast - exact).abs();
                    assert!(gap <= Z_BOUND, "β {fill_rate} q {q} σ {sigma}: {fast} vs {exact}");
                    worst = worst.max(gap);
                    // Independently of the bisection: the shortage is the target's.
                    if exact > Z_MIN && exact < Z_MAX {
                        inside += 1;
                        let want = (1.0 - fill_rate) * q;
                        assert!((sigma * normal_loss(fast) - want).abs() <= 1e-11 * want.max(1e-3));
                    }
                }
            }
        }
        assert!(worst <= Z_BOUND, "worst gap {worst}");
        assert!(inside > 5000, "most cases are inside the clamps: {inside}");
        assert_eq!(z_for_fill_rate(0.95, 100.0, 0.0), 0.0);
        assert_eq!(z_for_fill_rate(0.95, 0.0, 10.0), Z_MAX);
        assert_eq!(z_for_fill_rate(0.0, 100.0, 1.0), Z_MIN);
    }

    #[test]
    fn the_table_agrees_with_newtons_method_everywhere() {
        // 20 targets in every cell, from G(8) to G(−4), against Newton's iteration to machine
        // precision: the series' error is largest at the edges of the cells and in the tail.
        let table = &*TABLE;
        let mut worst: f64 = 0.0;
        for i in 0..table.cells.len() {
            for j in 0..20 {
                let target = cell_start(i) + (cell_start(i + 1) - cell_start(i)) * j as f64 / 20.0;
                if target <= table.at_max || target >= table.at_min {
                    continue;
                }
                let fast = z_for_fill_rate(0.0, target, 1.0);
                let exact = solve(target, Z_MIN);
                worst = worst.max((fast - exact).abs() / exact.abs().max(1.0));
            }
        }
        assert!(worst <= Z_BOUND, "worst relative gap {worst}");
    }
}
