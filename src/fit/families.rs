//! Candidate distribution families of one series, fitted by the method of moments with each
//! day's multiplier (weekly profile × trend), and the choice among them by AIC on the exact
//! discrete likelihood of the law the simulator draws.

use crate::sim::dist::IntDist;

/// Fewest days with demand for a compound's size to be fitted as a negative binomial (two
/// size parameters); below it the size is a shifted Poisson.
const MIN_DAYS_FOR_NB_SIZE: usize = 10;
/// Probability given to a value the fitted law cannot produce (its log is −690).
const FLOOR: f64 = 1e-300;

/// The chosen distribution of a series and how well it fits.
#[derive(Debug, Clone)]
pub struct Choice {
    /// The distribution at multiplier 1 (the scenario's day 0 level).
    pub dist: IntDist,
    /// Akaike's information criterion, 2k − 2 ln L (lower is better).
    pub aic: f64,
    /// Kolmogorov distance between the history's distribution of daily demand and the fitted
    /// one (the days' laws averaged), 0 to 1.
    pub ks: f64,
}

/// The days of a series grouped by multiplier: `(multiplier, [(value, days)])`, values sorted.
type Groups = Vec<(f64, Vec<(u64, u32)>)>;

/// Fits every candidate family to `x` with day multipliers `m` and returns the one with the
/// lowest AIC. `x` must have a day with demand.
pub(super) fn choose(x: &[u32], m: &[f64]) -> Choice {
    let groups = group(x, m);
    let max = x.iter().copied().max().unwrap_or(0) as usize;
    candidates(x, m)
        .into_iter()
        .filter_map(|(dist, k)| {
            let pmfs = groups.iter().map(|(g, _)| pmf(&dist, *g)).collect::<Option<Vec<_>>>()?;
            let ln_l = log_likelihood(&groups, &pmfs);
            Some(Choice { aic: 2.0 * k as f64 - 2.0 * ln_l, ks: kolmogorov(&groups, &pmfs, max), dist })
        })
        .min_by(|a, b| a.aic.total_cmp(&b.aic))
        .expect("the Poisson candidate always fits")
}

/// Candidate distributions with their numbers of parameters.
fn candidates(x: &[u32], m: &[f64]) -> Vec<(IntDist, usize)> {
    let all = Moments::of(x.iter().zip(m).map(|(&v, &f)| (f64::from(v), f)));
    let mut out = vec![(IntDist::Poisson { mean: all.mean }, 1)];
    if let Some(sd) = all.nb_sd() {
        out.push((IntDist::NegativeBinomial { mean: all.mean, sd }, 2));
    }
    let gamma_var = all.q / all.s2 - 1.0 / 12.0;
    if all.mean > 0.0 && gamma_var > 0.0 {
        out.push((IntDist::Gamma { mean: all.mean, sd: gamma_var.sqrt() }, 2));
    }
    out.extend(compounds(x, m));
    out
}

/// Compound candidates: occurrence with the share of days with demand (among days whose
/// multiplier is not 0), size 1 + a Poisson or negative binomial fitted to size − 1.
fn compounds(x: &[u32], m: &[f64]) -> Vec<(IntDist, usize)> {
    let open = m.iter().filter(|&&f| f > 0.0).count();
    let sizes: Vec<(f64, f64)> = x
        .iter()
        .zip(m)
        .filter(|(v, f)| **v > 0 && **f > 0.0)
        .map(|(&v, &f)| ((f64::from(v) - f.round()).max(0.0), f))
        .collect();
    if sizes.is_empty() || open == 0 {
        return Vec::new();
    }
    let probability = (sizes.len() as f64 / open as f64).min(1.0);
    let size = Moments::of(sizes.iter().copied());
    let compound = |size| IntDist::Compound { probability, shift: 1, size: Box::new(size) };
    let mut out = vec![(compound(IntDist::Poisson { mean: size.mean }), 2)];
    if let (Some(sd), true) = (size.nb_sd(), sizes.len() >= MIN_DAYS_FOR_NB_SIZE) {
        out.push((compound(IntDist::NegativeBinomial { mean: size.mean, sd }), 3));
    }
    out
}

/// Moments of values `y` whose mean is a level times their multiplier `f`.
struct Moments {
    /// The level: Σy / Σf.
    mean: f64,
    /// Σ(y − f·mean)².
    q: f64,
    /// Σf.
    s1: f64,
    /// Σf².
    s2: f64,
}

impl Moments {
    fn of(pairs: impl Iterator<Item = (f64, f64)> + Clone) -> Moments {
        let (sy, s1, s2) = pairs.clone().fold((0.0, 0.0, 0.0), |(a, b, c), (y, f)| (a + y, b + f, c + f * f));
        let mean = if s1 > 0.0 { sy / s1 } else { 0.0 };
        let q = pairs.map(|(y, f)| (y - f * mean).powi(2)).sum();
        Moments { mean, q, s1, s2 }
    }

    /// The negative binomial's sd at level 1, when the values are over-dispersed: a scaled
    /// negative binomial has variance f·μ + f²·μ²/r, so 1/r = (Q − μ·Σf) / (μ²·Σf²).
    fn nb_sd(&self) -> Option<f64> {
        let mu = self.mean;
        let inv_r = (self.q - mu * self.s1) / (mu * mu * self.s2);
        (mu > 0.0 && inv_r > 1e-9).then(|| (mu + mu * mu * inv_r).sqrt())
    }
}

/// Days grouped by their multiplier, with the count of each value.
fn group(x: &[u32], m: &[f64]) -> Groups {
    let mut days: Vec<(u64, u32)> = m.iter().map(|f| f.to_bits()).zip(x.iter().copied()).collect();
    days.sort_unstable();
    let mut groups: Groups = Vec::new();
    for (bits, v) in days {
        let f = f64::from_bits(bits);
        match groups.last_mut() {
            Some((g, values)) if *g == f => match values.last_mut() {
                Some((w, c)) if *w == u64::from(v) => *c += 1,
                _ => values.push((u64::from(v), 1)),
            },
            _ => groups.push((f, vec![(u64::from(v), 1)])),
        }
    }
    groups
}

/// The law the simulator draws from `dist` at multiplier `f`, as `(value, probability)` in
/// increasing order; `None` when it cannot be tabulated.
fn pmf(dist: &IntDist, f: f64) -> Option<Vec<(u64, f64)>> {
    let table = dist.table(f).ok()?;
    let mut out: Vec<(u64, f64)> = Vec::new();
    for (v, p) in table.pmf() {
        match out.last_mut() {
            Some((w, q)) if *w == v => *q += p,
            _ => out.push((v, p)),
        }
    }
    Some(out)
}

fn log_likelihood(groups: &Groups, pmfs: &[Vec<(u64, f64)>]) -> f64 {
    let mut ln_l = 0.0;
    for ((_, values), pmf) in groups.iter().zip(pmfs) {
        let mut i = 0;
        for &(v, c) in values {
            while i < pmf.len() && pmf[i].0 < v {
                i += 1;
            }
            let p = if i < pmf.len() && pmf[i].0 == v { pmf[i].1 } else { 0.0 };
            ln_l += f64::from(c) * p.max(FLOOR).ln();
        }
    }
    ln_l
}

/// Largest gap between the history's and the fitted cumulative distribution of daily demand
/// over 0..=max (beyond the largest value seen the history's is 1 and the gap only shrinks).
fn kolmogorov(groups: &Groups, pmfs: &[Vec<(u64, f64)>], max: usize) -> f64 {
    let mut seen = vec![0.0; max + 1];
    let mut model = vec![0.0; max + 1];
    let mut days = 0.0;
    for ((_, values), pmf) in groups.iter().zip(pmfs) {
        let n: f64 = values.iter().map(|&(_, c)| f64::from(c)).sum();
        days += n;
        for &(v, c) in values {
            seen[v as usize] += f64::from(c);
        }
        for &(v, p) in pmf.iter().take_while(|&&(v, _)| v as usize <= max) {
            model[v as usize] += n * p;
        }
    }
    let (mut a, mut b, mut worst) = (0.0, 0.0, 0.0f64);
    for (s, f) in seen.iter().zip(&model) {
        a += s;
        b += f;
        worst = worst.max((a - b).abs() / days);
    }
    worst
}
