//! Daily customer demand: a base distribution scaled by a weekly profile and a trend.
//!
//! The scale on day t is `profile[t mod 7] × trend(t)`. Poisson and negative binomial scale
//! their rate (a Poisson stays Poisson), normal and gamma scale mean and standard deviation
//! together (constant coefficient of variation), and the other families scale each value and
//! round it. Stationary demand and weekly profiles use precomputed tables; a trend is sampled
//! by inversion on the fly. One uniform number is consumed per stream per day either way.

use std::borrow::Cow;

use crate::sim::dist::{DistError, IntDist, Sampler, Table, scale_round};
use crate::sim::history::HistoryDraw;
use crate::sim::rng::{Stream, Uniform};
use crate::sim::supply::Window;

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
    /// A history drawn keeping its calendar (`base` is then its empirical distribution, for
    /// means and bounds).
    history: Option<Box<HistoryDraw>>,
    /// Whether every day draws from `base` unscaled (no profile, trend or history): the day
    /// loop's fast path.
    stationary: bool,
}

impl DemandSampler {
    /// Prepares the sampler; fails if a scaled distribution is too wide to tabulate.
    pub fn new(dist: IntDist, profile: Option<[f64; 7]>, trend: Trend) -> Result<DemandSampler, DistError> {
        let weekday_tables = match (profile, trend) {
            (Some(p), Trend::Flat) => {
                let tables: Vec<Table> = p.iter().map(|&m| dist.table(m)).collect::<Result<_, _>>()?;
                let tables: Box<[Table; 7]> = tables.into_boxed_slice().try_into().expect("seven days");
                Some(tables)
            }
            _ => None,
        };
        let stationary = profile.is_none() && trend == Trend::Flat;
        Ok(DemandSampler {
            base: Sampler::new(dist)?,
            profile,
            weekday_tables,
            trend,
            history: None,
            stationary,
        })
    }

    /// This sampler drawing its days from `history` instead of from `base` independently.
    pub(crate) fn with_history(mut self, history: HistoryDraw) -> DemandSampler {
        self.history = Some(Box::new(history));
        self.stationary = false;
        self
    }

    /// Whether the sampler replays a recorded history.
    pub(crate) fn replays(&self) -> bool {
        matches!(self.history.as_deref(), Some(HistoryDraw::Replay { .. }))
    }

    /// The index of the stream's uniform that day `day` uses (the day itself, except for the
    /// later days of a bootstrap block).
    #[inline]
    pub fn draw_index(&self, day: u32) -> u64 {
        match &self.history {
            Some(h) => h.draw_index(day),
            None => u64::from(day),
        }
    }

    /// The deterministic scale of day `day` (weekly profile × trend).
    pub fn multiplier(&self, day: u32) -> f64 {
        let weekly = self.profile.map_or(1.0, |p| p[(day % 7) as usize]);
        weekly * self.trend.factor(day)
    }

    /// The largest deterministic multiplier over days `0..horizon` (trends are monotone, so the
    /// largest is at one end).
    pub fn peak_multiplier(&self, horizon: u32) -> f64 {
        let weekly = self.profile.map_or(1.0, |p| p.iter().copied().fold(0.0, f64::max));
        weekly * self.trend.factor(0).max(self.trend.factor(horizon.saturating_sub(1)))
    }

    /// The base distribution and its table.
    pub fn base(&self) -> &Sampler {
        &self.base
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
            if let Some(h) = &self.history {
                let values = h.weekday_values(k as u32);
                let n = values.len().max(1) as f64;
                let mean = values.iter().map(|&v| v as f64).sum::<f64>() / n;
                let var = values.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / n;
                return (mean * m, var * m * m);
            }
            // Without a profile every weekday has the base table: no table to build.
            let scaled = if m == 1.0 {
                Ok(Cow::Borrowed(self.base.table()))
            } else {
                self.base.dist().table(m).map(Cow::Owned)
            };
            match scaled {
                Ok(t) => {
                    let mean: f64 = t.pmf().map(|(v, p)| v as f64 * p).sum();
                    let var = t.pmf().map(|(v, p)| (v as f64 - mean).powi(2) * p).sum();
                    (mean, var)
                }
                Err(_) => (self.base.dist().mean() * m, (self.base.dist().sd() * m).powi(2)),
            }
        })
    }

    /// Demand on day `day` for draw `u` with the mean also multiplied by `extra` (shocks and
    /// churn). Uses the same draw, so demand is monotone in `extra`.
    #[inline(always)]
    pub fn sample_with(&self, day: u32, u: Uniform, extra: f64) -> u64 {
        if self.stationary && extra == 1.0 { self.base.sample(u) } else { self.sample_varying(day, u, extra) }
    }

    /// [`Self::sample_with`] for a day whose distribution is not the base one.
    #[inline(never)]
    fn sample_varying(&self, day: u32, u: Uniform, extra: f64) -> u64 {
        if let Some(h) = &self.history {
            scale_round(h.value(day, u), self.multiplier(day) * extra)
        } else if extra == 1.0 {
            self.sample(day, u)
        } else {
            self.base.sample_scaled(u, self.multiplier(day) * extra)
        }
    }

    /// Demand on day `day` for draw `u`.
    #[inline]
    pub fn sample(&self, day: u32, u: Uniform) -> u64 {
        if let Some(h) = &self.history {
            return scale_round(h.value(day, u), self.multiplier(day));
        }
        match (&self.weekday_tables, self.trend) {
            (None, Trend::Flat) => self.base.sample(u),
            (Some(tables), _) => tables[(day % 7) as usize].sample(u),
            (None, _) => self.base.sample_scaled(u, self.multiplier(day)),
        }
    }
}

/// Market-share erosion of a customer segment: a loyalty factor in [0, 1] multiplies the
/// segment's demand; it drops after every line that is backordered or cancelled and recovers
/// by a fixed amount each day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Churn {
    /// Drop of the factor per bad experience.
    pub drop: f64,
    /// Recovery of the factor per day.
    pub recovery: f64,
}

impl Churn {
    /// The factor after a line was backordered or cancelled.
    pub fn after_bad_experience(&self, loyalty: f64) -> f64 {
        (loyalty - self.drop).max(0.0)
    }

    /// The factor after a day's recovery.
    pub fn after_day(&self, loyalty: f64) -> f64 {
        (loyalty + self.recovery).min(1.0)
    }
}

/// Random spikes: on a day without a spike one starts with `probability`, lasting `duration`
/// days (at least 1), multiplying the mean by `multiplier`.
#[derive(Debug, Clone)]
pub struct Spikes {
    /// Daily probability that a spike starts.
    pub probability: f64,
    /// Multiplier during a spike.
    pub multiplier: f64,
    /// Length in days.
    pub duration: Sampler,
}

/// Demand shocks of one stream: random spikes and scheduled promotions.
#[derive(Debug, Clone, Default)]
pub struct Shocks {
    /// Random spikes (boxed: most streams have none, and a demand stream stays small).
    pub spikes: Option<Box<Spikes>>,
    /// Promotions: windows with their multipliers.
    pub promotions: Vec<(Window, f64)>,
}

impl Shocks {
    /// An upper bound of the shock multiplier (every promotion and a spike at once).
    pub fn peak_multiplier(&self) -> f64 {
        let promotions: f64 = self.promotions.iter().map(|(_, m)| m.max(1.0)).product();
        promotions * self.spikes.as_ref().map_or(1.0, |s| s.multiplier.max(1.0))
    }

    /// Whether there is no shock at all.
    pub fn is_none(&self) -> bool {
        self.spikes.is_none() && self.promotions.is_empty()
    }

    /// The shock multiplier of `day`. `spike_left` carries the days left of a running spike
    /// from one day to the next; draws come from the stream's spike `stream` (two per day), so
    /// spikes are the same under every policy.
    pub fn multiplier(&self, day: u32, spike_left: &mut u32, stream: &Stream) -> f64 {
        let mut m: f64 = self.promotions.iter().filter(|(w, _)| w.contains(day)).map(|(_, x)| x).product();
        if let Some(s) = &self.spikes {
            if *spike_left == 0 && stream.uniform_at(2 * day as u64) < s.probability {
                *spike_left = s.duration.sample(stream.draw_at(2 * day as u64 + 1)).max(1) as u32;
            }
            if *spike_left > 0 {
                *spike_left -= 1;
                m *= s.multiplier;
            }
        }
        m
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
                let u = Uniform::at_least((i as f64 + 0.5) / 500.0);
                assert_eq!(
                    tabled.sample(day, u),
                    base.sample_scaled(u, profile[(day % 7) as usize]),
                    "day {day} u {u:?}"
                );
            }
        }
        assert_eq!(tabled.sample(6, Uniform::at_least(0.99)), 0, "a zero multiplier gives no demand");
    }

    #[test]
    fn promotions_and_spikes_multiply_the_mean() {
        use crate::sim::rng::{Purpose, Stream};
        let shocks = Shocks {
            spikes: Some(Box::new(Spikes {
                probability: 1.0,
                multiplier: 3.0,
                duration: Sampler::new(IntDist::Constant(2)).unwrap(),
            })),
            promotions: vec![(Window { start: 1, days: 1, every: Some(7) }, 1.5)],
        };
        let stream = Stream::new(1, 0, Purpose::Demand, 0);
        let mut left = 0;
        // A spike always starts when none runs and lasts 2 days: every day is a spike day.
        let m: Vec<f64> = (0..3).map(|d| shocks.multiplier(d, &mut left, &stream)).collect();
        assert_eq!(m, vec![3.0, 4.5, 3.0]);
        let none = Shocks::default();
        assert!(none.is_none());
        assert_eq!(none.multiplier(5, &mut left, &stream), 1.0);
    }

    #[test]
    fn churn_factor_trajectory() {
        let churn = Churn { drop: 0.1, recovery: 0.05 };
        // Bad experiences per day: 2, 0, 1, 0, 0, then 12.
        let mut loyalty = 1.0;
        let mut trajectory = Vec::new();
        for hits in [2, 0, 1, 0, 0, 12] {
            for _ in 0..hits {
                loyalty = churn.after_bad_experience(loyalty);
            }
            loyalty = churn.after_day(loyalty);
            trajectory.push((loyalty * 100.0_f64).round() / 100.0);
        }
        assert_eq!(trajectory, vec![0.85, 0.9, 0.85, 0.9, 0.95, 0.05]);
    }

    #[test]
    fn trend_factors() {
        assert_eq!(Trend::Linear(0.01).factor(50), 1.5);
        assert_eq!(Trend::Linear(-0.01).factor(200), 0.0);
        assert!((Trend::Exponential(0.01).factor(2) - 1.0201).abs() < 1e-12);
        let s = DemandSampler::new(IntDist::Constant(10), None, Trend::Linear(0.1)).unwrap();
        assert_eq!(s.sample(10, Uniform::at_least(0.3)), 20);
        assert_eq!(s.mean(10), 20.0);
    }
}
