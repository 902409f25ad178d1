//! Daily customer demand: a base distribution scaled by a weekly profile and a trend.
//!
//! The scale on day t is `profile[t mod 7] × trend(t)`. Poisson and negative binomial scale
//! their rate (a Poisson stays Poisson), normal and gamma scale mean and standard deviation
//! together (constant coefficient of variation), and the other families scale each value and
//! round it. Stationary demand and weekly profiles use precomputed tables; a trend is sampled
//! by inversion on the fly. One uniform number is consumed per stream per day either way.

use crate::dist::{IntDist, Sampler, Table};

/// A deterministic multiplicative trend of the daily mean.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Trend {
    /// No trend.
    Flat,
    /// `max(0, 1 + per_day × t)`.
    Linear(f64),
    /// `(1 + per_day)^t`.
    Exponential(f64),
}

impl Trend {
    /// The multiplier on day `day`.
    pub fn factor(self, day: u32) -> f64 {
        match self {
            Trend::Flat => 1.0,
            Trend::Linear(r) => (1.0 + r * day as f64).max(0.0),
            Trend::Exponential(r) => (1.0 + r).powi(day as i32),
        }
    }
}

/// Samples one demand stream's daily quantity.
#[derive(Debug, Clone)]
pub struct DemandSampler {
    base: Sampler,
    profile: Option<[f64; 7]>,
    weekday_tables: Option<Box<[Table; 7]>>,
    trend: Trend,
}

impl DemandSampler {
    /// Prepares the sampler; fails if a scaled distribution is too wide to tabulate.
    pub fn new(dist: IntDist, profile: Option<[f64; 7]>, trend: Trend) -> Result<DemandSampler, String> {
        let weekday_tables = match (profile, trend) {
            (Some(p), Trend::Flat) => {
                let tables: Vec<Table> = p.iter().map(|&m| dist.table(m)).collect::<Result<_, _>>()?;
                let tables: Box<[Table; 7]> = tables.into_boxed_slice().try_into().expect("seven days");
                Some(tables)
            }
            _ => None,
        };
        Ok(DemandSampler { base: Sampler::new(dist)?, profile, weekday_tables, trend })
    }

    /// The deterministic scale of day `day` (weekly profile × trend).
    pub fn multiplier(&self, day: u32) -> f64 {
        let weekly = self.profile.map_or(1.0, |p| p[(day % 7) as usize]);
        weekly * self.trend.factor(day)
    }

    /// Expected demand on day `day`.
    pub fn mean(&self, day: u32) -> f64 {
        self.base.dist().mean() * self.multiplier(day)
    }

    /// Mean and variance of demand on each weekday at the start of the horizon (trend factor 1),
    /// index = day mod 7.
    pub fn weekday_moments(&self) -> [(f64, f64); 7] {
        std::array::from_fn(|k| {
            let m = self.profile.map_or(1.0, |p| p[k]);
            match self.base.dist().table(m) {
                Ok(t) => {
                    let mean: f64 = t.pmf().map(|(v, p)| v as f64 * p).sum();
                    let var = t.pmf().map(|(v, p)| (v as f64 - mean).powi(2) * p).sum();
                    (mean, var)
                }
                Err(_) => (self.base.dist().mean() * m, (self.base.dist().sd() * m).powi(2)),
            }
        })
    }

    /// Demand on day `day` for uniform `u`.
    #[inline]
    pub fn sample(&self, day: u32, u: f64) -> u64 {
        match (&self.weekday_tables, self.trend) {
            (None, Trend::Flat) => self.base.sample(u),
            (Some(tables), _) => tables[(day % 7) as usize].sample(u),
            (None, _) => self.base.sample_scaled(u, self.multiplier(day)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_tables_match_on_the_fly_scaling() {
        let profile = [0.5, 1.0, 1.0, 1.2, 1.5, 0.8, 0.0];
        let tabled = DemandSampler::new(IntDist::Poisson { mean: 20.0 }, Some(profile), Trend::Flat).unwrap();
        let base = Sampler::new(IntDist::Poisson { mean: 20.0 }).unwrap();
        for day in 0..14 {
            for i in 0..500 {
                let u = (i as f64 + 0.5) / 500.0;
                assert_eq!(
                    tabled.sample(day, u),
                    base.sample_scaled(u, profile[(day % 7) as usize]),
                    "day {day} u {u}"
                );
            }
        }
        assert_eq!(tabled.sample(6, 0.99), 0, "a zero multiplier gives no demand");
    }

    #[test]
    fn trend_factors() {
        assert_eq!(Trend::Linear(0.01).factor(50), 1.5);
        assert_eq!(Trend::Linear(-0.01).factor(200), 0.0);
        assert!((Trend::Exponential(0.01).factor(2) - 1.0201).abs() < 1e-12);
        let s = DemandSampler::new(IntDist::Constant(10), None, Trend::Linear(0.1)).unwrap();
        assert_eq!(s.sample(10, 0.3), 20);
        assert_eq!(s.mean(10), 20.0);
    }
}
