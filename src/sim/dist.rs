//! Distributions over whole numbers (units of demand, days of lead time), sampled by exact
//! inversion of their cumulative distribution function.
//!
//! Every draw consumes exactly one uniform number `u` and returns the smallest value `k` with
//! `F(k) > u`. Inversion is exact (no approximation beyond floating point), needs no rejection
//! loop (so a stream always advances by one draw), and is monotone in `u` and in the scale: the
//! same `u` gives a larger or equal value when the mean is scaled up. That monotone coupling is
//! what keeps common random numbers tight when demand is scaled by seasonality or churn.
//!
//! Stationary distributions are tabulated once per model (an "indexed search" table: a guide
//! array points into the cumulative table, so a draw costs one or two comparisons).

use statrs::distribution::{ContinuousCDF, Gamma as GammaDist, Normal as NormalDist};
use statrs::function::erf::erfc;
use statrs::function::gamma::{gamma_lr, ln_gamma};

use crate::sim::rng::Uniform;

/// Probability mass left in the upper tail when a table stops; it is folded into the last value.
const TAIL: f64 = 1e-15;

/// Largest number of distinct values a table may hold (validation rejects wider distributions).
pub const MAX_TABLE_LEN: usize = 1 << 20;

/// A validated distribution over whole numbers.
#[derive(Debug, Clone, PartialEq)]
pub enum IntDist {
    /// Always the same value.
    Constant(u64),
    /// Poisson with the given mean.
    Poisson {
        /// Mean per draw.
        mean: f64,
    },
    /// Normal rounded to the nearest whole number, negative values cut to 0.
    Normal {
        /// Mean before rounding.
        mean: f64,
        /// Standard deviation before rounding.
        sd: f64,
    },
    /// Negative binomial (gamma-Poisson mixture) with the given mean and standard deviation
    /// (`sd² > mean`); scaling keeps the dispersion `r = mean² / (sd² − mean)`.
    NegativeBinomial {
        /// Mean.
        mean: f64,
        /// Standard deviation.
        sd: f64,
    },
    /// Gamma rounded to the nearest whole number.
    Gamma {
        /// Mean before rounding.
        mean: f64,
        /// Standard deviation before rounding.
        sd: f64,
    },
    /// Every whole number in `min..=max` equally likely.
    Uniform {
        /// Smallest value.
        min: u64,
        /// Largest value.
        max: u64,
    },
    /// Listed values with probabilities proportional to the weights (values sorted, distinct).
    Discrete {
        /// The values, sorted and distinct.
        values: Vec<u64>,
        /// Their weights (not necessarily summing to 1).
        weights: Vec<f64>,
    },
    /// Demand on a day with `probability`, of size `shift` plus a draw of `size`; else 0:
    /// the mixture (1 − p)·δ₀ + p·(shift + size). Scaling multiplies the shift and the size.
    Compound {
        /// Probability that demand occurs (0 < p ≤ 1).
        probability: f64,
        /// Added to every drawn size.
        shift: u64,
        /// Distribution of the drawn size (never itself a compound).
        size: Box<IntDist>,
    },
}

impl IntDist {
    /// Builds the inversion table of this distribution with its scale multiplied by `m`.
    /// Returns an error message if the distribution is too wide to tabulate.
    pub fn table(&self, m: f64) -> Result<Table, DistError> {
        let mut values = Vec::new();
        let mut cum = Vec::new();
        match *self {
            IntDist::Constant(v) => {
                values.push(scale_round(v, m));
                cum.push(1.0);
            }
            IntDist::Poisson { mean } => {
                let walk = PoissonWalk::new(mean * m);
                tabulate(&walk, &mut values, &mut cum)?;
            }
            IntDist::NegativeBinomial { mean, sd } => {
                let walk = NegBinWalk::new(mean * m, dispersion(mean, sd));
                tabulate(&walk, &mut values, &mut cum)?;
            }
            IntDist::Normal { mean, sd } => {
                let (mu, sigma) = (mean * m, sd * m);
                if sigma == 0.0 {
                    values.push(mu.max(0.0).round() as u64);
                    cum.push(1.0);
                } else {
                    let lo = (mu - 9.0 * sigma).max(0.0).floor() as u64;
                    let hi = (mu + 9.0 * sigma).max(0.0).ceil() as u64;
                    check_width(hi - lo + 1)?;
                    for k in lo..=hi {
                        values.push(k);
                        cum.push(normal_cdf((k as f64 + 0.5 - mu) / sigma));
                    }
                }
            }
            IntDist::Gamma { mean, sd } => {
                let (mu, sigma) = (mean * m, sd * m);
                if sigma == 0.0 || mu == 0.0 {
                    values.push(mu.round() as u64);
                    cum.push(1.0);
                } else {
                    let (shape, scale) = gamma_shape_scale(mu, sigma);
                    let mut k = 0u64;
                    loop {
                        let c = gamma_lr(shape, (k as f64 + 0.5) / scale);
                        values.push(k);
                        cum.push(c);
                        if c >= 1.0 - TAIL {
                            break;
                        }
                        k += 1;
                        check_width(values.len() as u64)?;
                    }
                }
            }
            IntDist::Uniform { min, max } => {
                let n = max - min + 1;
                check_width(n)?;
                for (i, k) in (min..=max).enumerate() {
                    values.push(scale_round(k, m));
                    cum.push((i + 1) as f64 / n as f64);
                }
            }
            IntDist::Discrete { values: ref vs, ref weights } => {
                let total: f64 = weights.iter().sum();
                let mut c = 0.0;
                for (&v, &w) in vs.iter().zip(weights) {
                    c += w;
                    values.push(scale_round(v, m));
                    cum.push(c / total);
                }
            }
            IntDist::Compound { probability, shift, ref size } => {
                compound_table(probability, scale_round(shift, m), &size.table(m)?, &mut values, &mut cum);
            }
        }
        Ok(Table::new(values, cum))
    }

    /// The mean of the distribution (before rounding effects for the continuous families).
    pub fn mean(&self) -> f64 {
        match *self {
            IntDist::Constant(v) => v as f64,
            IntDist::Poisson { mean }
            | IntDist::Normal { mean, .. }
            | IntDist::NegativeBinomial { mean, .. }
            | IntDist::Gamma { mean, .. } => mean,
            IntDist::Uniform { min, max } => (min + max) as f64 / 2.0,
            IntDist::Discrete { ref values, ref weights } => {
                let total: f64 = weights.iter().sum();
                values.iter().zip(weights).map(|(&v, &w)| v as f64 * w).sum::<f64>() / total
            }
            IntDist::Compound { probability, shift, ref size } => probability * (shift as f64 + size.mean()),
        }
    }

    /// The standard deviation of the distribution (before rounding effects).
    pub fn sd(&self) -> f64 {
        match *self {
            IntDist::Constant(_) => 0.0,
            IntDist::Poisson { mean } => mean.sqrt(),
            IntDist::Normal { sd, .. } | IntDist::NegativeBinomial { sd, .. } | IntDist::Gamma { sd, .. } => {
                sd
            }
            IntDist::Uniform { min, max } => {
                let n = (max - min + 1) as f64;
                ((n * n - 1.0) / 12.0).sqrt()
            }
            IntDist::Discrete { .. } => {
                let mean = self.mean();
                let IntDist::Discrete { ref values, ref weights } = *self else { unreachable!() };
                let total: f64 = weights.iter().sum();
                let var =
                    values.iter().zip(weights).map(|(&v, &w)| (v as f64 - mean).powi(2) * w).sum::<f64>()
                        / total;
                var.sqrt()
            }
            IntDist::Compound { probability: p, shift, ref size } => {
                let mu = shift as f64 + size.mean();
                (p * size.sd().powi(2) + p * (1.0 - p) * mu * mu).sqrt()
            }
        }
    }

    /// Draws the value for draw `u` with the scale multiplied by `m`, without a table. Used
    /// when the multiplier changes from day to day; `base` is this distribution's table at
    /// `m = 1`. Gives the same distribution as `self.table(m)` (the continuous families invert
    /// their continuous CDF and round, which is the same law as the tabulated differences).
    pub fn sample_scaled(&self, base: &Table, draw: Uniform, m: f64) -> u64 {
        self.scaled_at(base, draw, draw.value(), m)
    }

    /// [`IntDist::sample_scaled`] at level `u` (the draw's value, or a compound's size level);
    /// the tabulated families read `draw` from `base`.
    fn scaled_at(&self, base: &Table, draw: Uniform, u: f64, m: f64) -> u64 {
        match *self {
            IntDist::Poisson { mean } => PoissonWalk::new(mean * m).quantile(u),
            IntDist::NegativeBinomial { mean, sd } => {
                NegBinWalk::new(mean * m, dispersion(mean, sd)).quantile(u)
            }
            IntDist::Normal { mean, sd } => {
                if sd == 0.0 || m == 0.0 {
                    return (mean * m).max(0.0).round() as u64;
                }
                let z = NormalDist::standard().inverse_cdf(u.max(f64::MIN_POSITIVE));
                (mean * m + sd * m * z + 0.5).floor().max(0.0) as u64
            }
            IntDist::Gamma { mean, sd } => {
                if sd == 0.0 || mean == 0.0 || m == 0.0 {
                    return (mean * m).round() as u64;
                }
                let (shape, scale) = gamma_shape_scale(mean, sd);
                let y = GammaDist::new(shape, 1.0 / scale).map(|g| g.inverse_cdf(u)).unwrap_or(mean);
                (y * m + 0.5).floor() as u64
            }
            IntDist::Constant(_) | IntDist::Uniform { .. } | IntDist::Discrete { .. } => {
                scale_round(base.sample(draw), m)
            }
            IntDist::Compound { probability: p, shift, ref size } => match **size {
                // Sizes tabulated at scale 1 are read from the compound's own table (0 is no
                // demand, or a size of 0 that scales to 0 anyway).
                IntDist::Constant(_) | IntDist::Uniform { .. } | IntDist::Discrete { .. } => {
                    match base.sample(draw) {
                        0 => 0,
                        v => scale_round(shift, m) + scale_round(v - shift, m),
                    }
                }
                _ if u < 1.0 - p => 0,
                _ => scale_round(shift, m) + size.scaled_at(base, draw, (u - (1.0 - p)) / p, m),
            },
        }
    }
}

/// A distribution together with its inversion table at scale 1, ready to sample.
#[derive(Debug, Clone)]
pub struct Sampler {
    dist: IntDist,
    table: Table,
}

impl Sampler {
    /// Tabulates `dist`; fails if it is too wide to tabulate.
    pub fn new(dist: IntDist) -> Result<Sampler, DistError> {
        let table = dist.table(1.0)?;
        Ok(Sampler { dist, table })
    }

    /// The value for draw `u`.
    #[inline]
    pub fn sample(&self, u: Uniform) -> u64 {
        self.table.sample(u)
    }

    /// The value for draw `u` with the distribution's scale multiplied by `m`.
    #[inline]
    pub fn sample_scaled(&self, u: Uniform, m: f64) -> u64 {
        if m == 1.0 { self.table.sample(u) } else { self.dist.sample_scaled(&self.table, u, m) }
    }

    /// The distribution.
    pub fn dist(&self) -> &IntDist {
        &self.dist
    }

    /// The inversion table at scale 1.
    pub fn table(&self) -> &Table {
        &self.table
    }
}

/// The cumulative table of (1 − p)·δ₀ + p·(shift + sizes).
fn compound_table(p: f64, shift: u64, sizes: &Table, values: &mut Vec<u64>, cum: &mut Vec<f64>) {
    values.push(0);
    cum.push(1.0 - p);
    for (&v, &c) in sizes.values.iter().zip(sizes.cum.iter()) {
        values.push(shift + v);
        cum.push(1.0 - p + p * c);
    }
}

/// Standard normal CDF.
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * erfc(-x / std::f64::consts::SQRT_2)
}

pub(crate) fn scale_round(v: u64, m: f64) -> u64 {
    if m == 1.0 { v } else { (v as f64 * m).round() as u64 }
}

fn dispersion(mean: f64, sd: f64) -> f64 {
    mean * mean / (sd * sd - mean)
}

fn gamma_shape_scale(mean: f64, sd: f64) -> (f64, f64) {
    ((mean / sd).powi(2), sd * sd / mean)
}

/// Why a distribution cannot be tabulated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DistError {
    /// The table would have more than [`MAX_TABLE_LEN`] entries.
    #[error(
        "the distribution spreads over more than {} distinct values; reduce its mean or spread",
        MAX_TABLE_LEN
    )]
    TooWide,
}

fn check_width(n: u64) -> Result<(), DistError> {
    if n as usize > MAX_TABLE_LEN { Err(DistError::TooWide) } else { Ok(()) }
}

/// A probability mass function visited in increasing order of value.
trait PmfWalk {
    /// The first value with non-negligible mass and its probability.
    fn start(&self) -> (u64, f64);
    /// The probability of `k + 1` given the probability `p` of `k`.
    fn next(&self, k: u64, p: f64) -> f64;
    /// The mean of the distribution.
    fn mean(&self) -> f64;

    /// Whether the walk has covered all but a negligible tail: the cumulative mass is within
    /// `TAIL` of 1, or the mass has fallen below 1e-18 beyond the mean (a start computed in log
    /// space may leave the sum a few ulps short of 1, so the first test alone could never end).
    fn done(&self, k: u64, p: f64, cum: f64) -> bool {
        cum >= 1.0 - TAIL || (k as f64 > self.mean() && p < 1e-18)
    }

    /// Smallest `k` with `F(k) > u`, summing the mass from the start; the last value of the
    /// walk takes the remaining tail, exactly as in the table.
    fn quantile(&self, u: f64) -> u64 {
        let (mut k, mut p) = self.start();
        let mut cum = p;
        while cum <= u && !self.done(k, p, cum) {
            p = self.next(k, p);
            k += 1;
            cum += p;
        }
        k
    }
}

fn tabulate(walk: &dyn PmfWalk, values: &mut Vec<u64>, cum: &mut Vec<f64>) -> Result<(), DistError> {
    let (mut k, mut p) = walk.start();
    let mut c = p;
    values.push(k);
    cum.push(c);
    while !walk.done(k, p, c) {
        p = walk.next(k, p);
        k += 1;
        c += p;
        values.push(k);
        cum.push(c);
        check_width(values.len() as u64)?;
    }
    Ok(())
}

/// Poisson mass, started in log space below the mean so that large means do not underflow.
struct PoissonWalk {
    mean: f64,
}

impl PoissonWalk {
    fn new(mean: f64) -> Self {
        PoissonWalk { mean }
    }
}

impl PmfWalk for PoissonWalk {
    fn start(&self) -> (u64, f64) {
        let mu = self.mean;
        if mu < 500.0 {
            return (0, (-mu).exp());
        }
        // Below mu - 13 sd the mass is under 1e-38: start there.
        let k0 = (mu - 13.0 * mu.sqrt()).floor();
        let p0 = (k0 * mu.ln() - mu - ln_gamma(k0 + 1.0)).exp();
        (k0 as u64, p0)
    }

    fn next(&self, k: u64, p: f64) -> f64 {
        p * self.mean / (k + 1) as f64
    }

    fn mean(&self) -> f64 {
        self.mean
    }
}

/// Negative binomial mass with mean `mean` and dispersion `r` (variance `mean + mean²/r`).
struct NegBinWalk {
    mean: f64,
    r: f64,
    q: f64,
}

impl NegBinWalk {
    fn new(mean: f64, r: f64) -> Self {
        NegBinWalk { mean, r, q: mean / (r + mean) }
    }
}

impl PmfWalk for NegBinWalk {
    fn start(&self) -> (u64, f64) {
        let (mu, r, q) = (self.mean, self.r, self.q);
        let log_p0 = r * (1.0 - q).ln();
        if log_p0 > -600.0 {
            return (0, log_p0.exp());
        }
        let sd = (mu + mu * mu / r).sqrt();
        let k0 = (mu - 13.0 * sd).max(0.0).floor();
        let lp = ln_gamma(k0 + r) - ln_gamma(r) - ln_gamma(k0 + 1.0) + log_p0 + k0 * q.ln();
        (k0 as u64, lp.exp())
    }

    fn next(&self, k: u64, p: f64) -> f64 {
        p * (k as f64 + self.r) / (k + 1) as f64 * self.q
    }

    fn mean(&self) -> f64 {
        self.mean
    }
}

/// An inversion table with a guide array ("indexed search", Chen & Asau 1974), searched in the
/// integer domain of [`Uniform`] draws.
#[derive(Debug, Clone)]
pub struct Table {
    values: Box<[u64]>,
    cum: Box<[f64]>,
    /// `cum` in units of 2^-53, rounded up: draw `m / 2^53` is below `cum[i]` exactly when
    /// `m < thresholds[i]` (both sides are then compared as integers).
    thresholds: Box<[u64]>,
    /// For each of the 2^k equal cells of `[0, 1)`, the answer for the cell's smallest draw,
    /// shifted right by `scale` (two bytes a cell: a table of more than 2^16 values starts its
    /// search a little below the answer).
    guide: Box<[u16]>,
    /// `53 − k`: a draw's numerator shifted right by this is its guide cell.
    shift: u32,
    /// How far the guide's answers are shifted right (0 for tables of up to 2^16 values).
    scale: u32,
}

impl Table {
    /// Builds a table from values in increasing order and their cumulative probabilities. The
    /// last cumulative probability is set to exactly 1 (folding in the negligible tail).
    fn new(mut values: Vec<u64>, mut cum: Vec<f64>) -> Table {
        // Drop leading values without mass, so the first entry is a possible value.
        let first = cum.iter().position(|&c| c > 0.0).unwrap_or(cum.len() - 1);
        values.drain(..first);
        cum.drain(..first);
        *cum.last_mut().expect("a table has at least one value") = 1.0;
        // Scaling by a power of two is exact, so the rounded-up threshold compares with an
        // integer numerator exactly as the probability compares with the draw.
        let one = (1u64 << Uniform::BITS) as f64;
        let thresholds: Box<[u64]> = cum.iter().map(|&c| (c * one).ceil() as u64).collect();
        // At least four guide cells per value (up to 2^16 cells): most cells then fall inside
        // one value and a draw needs a single, well-predicted comparison.
        let cells = (cum.len() * 4).next_power_of_two().min(1 << 16);
        let shift = Uniform::BITS - cells.trailing_zeros();
        let scale = cum.len().saturating_sub(1).checked_ilog2().map_or(0, |b| (b + 1).saturating_sub(16));
        let mut guide = Vec::with_capacity(cells);
        let mut i = 0;
        for j in 0..cells as u64 {
            while thresholds[i] <= j << shift {
                i += 1;
            }
            guide.push((i >> scale) as u16);
        }
        Table { values: values.into(), cum: cum.into(), thresholds, guide: guide.into(), shift, scale }
    }

    /// The value for draw `u`: the smallest value whose cumulative probability exceeds `u`.
    #[inline]
    pub fn sample(&self, u: Uniform) -> u64 {
        let m = u.bits();
        let mut i = (self.guide[(m >> self.shift) as usize] as usize) << self.scale;
        while self.thresholds[i] <= m {
            i += 1;
        }
        self.values[i]
    }

    /// The single value of a one-point distribution, if it is one.
    pub fn constant(&self) -> Option<u64> {
        (self.values.len() == 1).then(|| self.values[0])
    }

    /// The largest value the table can return.
    pub fn max(&self) -> u64 {
        *self.values.iter().max().expect("non-empty")
    }

    /// `(value, probability)` pairs of the tabulated distribution.
    pub fn pmf(&self) -> impl Iterator<Item = (u64, f64)> + '_ {
        let mut prev = 0.0;
        self.values.iter().zip(self.cum.iter()).map(move |(&v, &c)| {
            let p = c - prev;
            prev = c;
            (v, p)
        })
    }
}

#[cfg(test)]
mod tests;
