//! Demand forecasting: the forecasters a policy can use, and their accuracy.
//!
//! A forecaster observes one number per day, the units customers *asked for* at the pair
//! (filled, backordered and lost alike: sales are censored by stockouts, so forecasting from
//! them would shrink the forecast exactly when stock is short). It forecasts the demand of
//! future days and keeps an exponentially smoothed estimate of its one-step squared error,
//! which the safety-stock policy uses as the demand uncertainty.
//!
//! Every forecaster starts from the demand model's expected daily demand (and its weekday
//! pattern), as a planner starts from history; it then adapts to what it observes.

/// Smoothing weight of the squared-error estimate: a memory of about 50 days, long enough that
/// the estimate's own noise (about ±14 % of the variance for normal errors) does not erode the
/// service the safety stock is sized for, short enough to follow a change in demand.
const ERROR_WEIGHT: f64 = 0.02;

/// Seasonality of Holt–Winters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seasonality {
    /// Weekday effects are added to the level.
    Additive,
    /// Weekday effects multiply the level.
    Multiplicative,
}

/// A forecasting method and its parameters.
#[derive(Debug, Clone, PartialEq)]
pub enum Method {
    /// The prior's weekday means, never updated (a fixed plan).
    Plan,
    /// Tomorrow = today.
    Naive,
    /// Mean of the last `window` days.
    MovingAverage {
        /// Days averaged.
        window: usize,
    },
    /// Simple exponential smoothing.
    Ses {
        /// Smoothing constant of the level.
        alpha: f64,
    },
    /// Holt's linear trend.
    Holt {
        /// Smoothing constant of the level.
        alpha: f64,
        /// Smoothing constant of the trend.
        beta: f64,
    },
    /// Holt–Winters with a weekly season.
    HoltWinters {
        /// Smoothing constant of the level.
        alpha: f64,
        /// Smoothing constant of the trend.
        beta: f64,
        /// Smoothing constant of the weekly season.
        gamma: f64,
        /// Whether the season adds to or multiplies the level.
        seasonality: Seasonality,
    },
    /// Croston's method for intermittent demand: the size of a demand and the interval
    /// between demands are smoothed separately, each when a demand occurs.
    Croston {
        /// Smoothing constant of both the size and the interval.
        alpha: f64,
    },
    /// The Syntetos–Boylan approximation: Croston's forecast times `1 − alpha/2`, which
    /// removes most of Croston's positive bias.
    Sba {
        /// Smoothing constant of both the size and the interval.
        alpha: f64,
    },
    /// Teunter–Syntetos–Babai: the probability of a demand is smoothed every day (with
    /// `beta`), the size only on days with demand (with `alpha`); the forecast is their product.
    Tsb {
        /// Smoothing constant of the size.
        alpha: f64,
        /// Smoothing constant of the demand probability.
        beta: f64,
    },
}

/// What a forecaster starts from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prior {
    /// Expected demand on each weekday (index = day mod 7).
    pub weekday_means: [f64; 7],
    /// Variance of daily demand (averaged over weekdays).
    pub variance: f64,
}

/// The state of one forecaster.
#[derive(Debug, Clone, PartialEq)]
pub struct Forecaster {
    method: Method,
    level: f64,
    trend: f64,
    season: [f64; 7],
    window: Vec<f64>,
    window_sum: f64,
    next_slot: usize,
    last: f64,
    /// Croston and SBA: smoothed days between demands; TSB: smoothed probability of a demand.
    occurrence: f64,
    /// Days since the last day with demand (Croston and SBA).
    since_demand: f64,
    /// Day of the next observation.
    next_day: u32,
    mse: f64,
}

impl Forecaster {
    /// A forecaster of `method` starting from `prior`.
    pub fn new(method: &Method, prior: &Prior) -> Forecaster {
        let mut f = Forecaster {
            method: method.clone(),
            level: 0.0,
            trend: 0.0,
            season: [0.0; 7],
            window: match *method {
                Method::MovingAverage { window } => vec![0.0; window],
                _ => Vec::new(),
            },
            window_sum: 0.0,
            next_slot: 0,
            last: 0.0,
            occurrence: 1.0,
            since_demand: 0.0,
            next_day: 0,
            mse: 0.0,
        };
        f.reset(prior);
        f
    }

    /// Returns to the starting state (keeping allocated memory).
    pub fn reset(&mut self, prior: &Prior) {
        let mean = prior.weekday_means.iter().sum::<f64>() / 7.0;
        self.level = mean;
        self.trend = 0.0;
        self.season = match self.method {
            Method::Plan => prior.weekday_means,
            Method::HoltWinters { seasonality: Seasonality::Additive, .. } => {
                prior.weekday_means.map(|m| m - mean)
            }
            Method::HoltWinters { seasonality: Seasonality::Multiplicative, .. } => {
                prior.weekday_means.map(|m| if mean > 0.0 { m / mean } else { 1.0 })
            }
            _ => [0.0; 7],
        };
        self.window.iter_mut().for_each(|x| *x = mean);
        self.window_sum = mean * self.window.len() as f64;
        self.next_slot = 0;
        self.last = mean;
        // Intermittent methods start as if a demand of the mean size occurred every day
        // (interval 1, probability 1) and the last one was the day before day 0.
        self.occurrence = 1.0;
        self.since_demand = 0.0;
        self.next_day = 0;
        self.mse = prior.variance;
    }

    /// Forecast of the demand `h ≥ 1` days after the last observation (h = 1: the next day).
    pub fn forecast(&self, h: u32) -> f64 {
        let day = self.next_day + h - 1;
        let f = match self.method {
            Method::Plan => self.season[(day % 7) as usize],
            Method::Naive => self.last,
            Method::MovingAverage { window } => self.window_sum / window as f64,
            Method::Ses { .. } => self.level,
            Method::Holt { .. } => self.level + h as f64 * self.trend,
            Method::HoltWinters { seasonality, .. } => {
                let s = self.season[(day % 7) as usize];
                match seasonality {
                    Seasonality::Additive => self.level + h as f64 * self.trend + s,
                    Seasonality::Multiplicative => (self.level + h as f64 * self.trend) * s,
                }
            }
            Method::Croston { .. } => self.level / self.occurrence,
            Method::Sba { alpha } => (1.0 - alpha / 2.0) * self.level / self.occurrence,
            Method::Tsb { .. } => self.occurrence * self.level,
        };
        f.max(0.0)
    }

    /// The forecast of every future day, for the methods whose forecast does not depend on
    /// the horizon (all but the plan, Holt and Holt–Winters).
    fn flat_forecast(&self) -> Option<f64> {
        match self.method {
            Method::Plan | Method::Holt { .. } | Method::HoltWinters { .. } => None,
            _ => Some(self.forecast(1)),
        }
    }

    /// Sum of the forecasts over the next `days ≥ 0` days (a fractional last day counts in
    /// part). A flat forecast is derived once and added day by day, the same additions in the
    /// same order as the general sum, so the result is the same to the bit.
    #[inline]
    pub fn forecast_over(&self, days: f64) -> f64 {
        // Truncation is the floor for days ≥ 0 (and needs no call to the library's `floor`).
        let whole = days as u32;
        let flat = self.flat_forecast();
        let mut sum: f64 = match flat {
            Some(f) => std::iter::repeat_n(f, whole as usize).sum(),
            None => (1..=whole).map(|h| self.forecast(h)).sum(),
        };
        let frac = days - whole as f64;
        if frac > 0.0 {
            sum += frac * flat.unwrap_or_else(|| self.forecast(whole + 1));
        }
        sum
    }

    /// Smoothed one-step squared forecast error (the demand variance the policy plans for).
    pub fn error_variance(&self) -> f64 {
        self.mse
    }

    /// Observes the demand `y` of the next day; returns the one-step error `y − forecast`.
    pub fn observe(&mut self, y: f64) -> f64 {
        let error = y - self.forecast(1);
        self.mse = (1.0 - ERROR_WEIGHT) * self.mse + ERROR_WEIGHT * error * error;
        let k = (self.next_day % 7) as usize;
        match self.method {
            Method::Plan | Method::Naive => {}
            Method::MovingAverage { window } => {
                self.window_sum += y - self.window[self.next_slot];
                self.window[self.next_slot] = y;
                self.next_slot = (self.next_slot + 1) % window;
            }
            Method::Ses { alpha } => self.level = alpha * y + (1.0 - alpha) * self.level,
            Method::Holt { alpha, beta } => {
                let level = alpha * y + (1.0 - alpha) * (self.level + self.trend);
                self.trend = beta * (level - self.level) + (1.0 - beta) * self.trend;
                self.level = level;
            }
            Method::HoltWinters { alpha, beta, gamma, seasonality } => {
                let s = self.season[k];
                let level = match seasonality {
                    Seasonality::Additive => alpha * (y - s) + (1.0 - alpha) * (self.level + self.trend),
                    Seasonality::Multiplicative if s > 0.0 => {
                        alpha * (y / s) + (1.0 - alpha) * (self.level + self.trend)
                    }
                    Seasonality::Multiplicative => self.level + self.trend,
                };
                self.trend = beta * (level - self.level) + (1.0 - beta) * self.trend;
                self.level = level;
                self.season[k] = match seasonality {
                    Seasonality::Additive => gamma * (y - level) + (1.0 - gamma) * s,
                    Seasonality::Multiplicative if level > 0.0 => gamma * (y / level) + (1.0 - gamma) * s,
                    Seasonality::Multiplicative => s,
                };
            }
            Method::Croston { alpha } | Method::Sba { alpha } => self.observe_croston(alpha, y),
            Method::Tsb { alpha, beta } => {
                let occurred = if y > 0.0 { 1.0 } else { 0.0 };
                self.occurrence += beta * (occurred - self.occurrence);
                if y > 0.0 {
                    self.level += alpha * (y - self.level);
                }
            }
        }
        self.last = y;
        self.next_day += 1;
        error
    }

    /// Croston's update: on a day with demand, the size and the interval since the previous
    /// demand are smoothed with `alpha`; the interval counts the days since that demand.
    fn observe_croston(&mut self, alpha: f64, y: f64) {
        self.since_demand += 1.0;
        if y > 0.0 {
            self.level += alpha * (y - self.level);
            self.occurrence += alpha * (self.since_demand - self.occurrence);
            self.since_demand = 0.0;
        }
    }
}

crate::metrics::counters::counters! {
    /// Forecast accuracy over the measured days: sums of one-step errors `e = demand − forecast`.
    #[derive(Debug, Clone, Copy, Default, PartialEq)]
    pub struct Accuracy {
        /// Days forecast.
        pub days: u64,
        /// Sum of |e|.
        pub abs_error: f64,
        /// Sum of e².
        pub sq_error: f64,
        /// Sum of −e (forecast − demand: positive means over-forecasting).
        pub over: f64,
        /// Sum of |e| / demand over days with demand.
        pub abs_pct_error: f64,
        /// Days with demand (the denominator of MAPE).
        pub demand_days: u64,
        /// Sum of the demand of the days forecast (the scale of the scaled MAE).
        pub demand: f64,
    }
}

impl Accuracy {
    /// Records one day's error for that day's demand.
    pub fn record(&mut self, error: f64, demand: f64) {
        self.days += 1;
        self.abs_error += error.abs();
        self.sq_error += error * error;
        self.over -= error;
        self.demand += demand;
        if demand > 0.0 {
            self.abs_pct_error += error.abs() / demand;
            self.demand_days += 1;
        }
    }

    /// (MAE, RMSE, bias, MAPE, scaled MAE = Σ|e| / Σ demand); NaN where undefined.
    pub fn summary(&self) -> [f64; 5] {
        let per = |x: f64, n: u64| if n == 0 { f64::NAN } else { x / n as f64 };
        [
            per(self.abs_error, self.days),
            per(self.sq_error, self.days).sqrt(),
            per(self.over, self.days),
            per(self.abs_pct_error, self.demand_days),
            if self.demand > 0.0 { self.abs_error / self.demand } else { f64::NAN },
        ]
    }
}

impl std::ops::AddAssign for Accuracy {
    /// Adds another pair's sums.
    fn add_assign(&mut self, o: Accuracy) {
        self.add(&o);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(level: f64) -> Prior {
        Prior { weekday_means: [level; 7], variance: 4.0 }
    }

    fn run(method: Method, prior: Prior, ys: &[f64]) -> Forecaster {
        let mut f = Forecaster::new(&method, &prior);
        ys.iter().for_each(|&y| {
            f.observe(y);
        });
        f
    }

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-12, "{a} != {b}");
    }

    #[test]
    fn plan_keeps_the_prior_pattern() {
        let prior = Prior { weekday_means: [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0], variance: 1.0 };
        let f = run(Method::Plan, prior, &[100.0, 100.0]);
        close(f.forecast(1), 3.0); // day 2
        close(f.forecast(6), 1.0); // day 7
        assert!(f.error_variance() > 1.0, "errors are still tracked");
    }

    #[test]
    fn naive_and_moving_average() {
        let f = run(Method::Naive, flat(10.0), &[4.0, 7.0]);
        close(f.forecast(1), 7.0);
        close(f.forecast(5), 7.0);
        // Window 3 starts full of the prior (10, 10, 10); after 4, 7: (4, 7, 10) → 7.
        let f = run(Method::MovingAverage { window: 3 }, flat(10.0), &[4.0, 7.0]);
        close(f.forecast(1), 7.0);
        let f = run(Method::MovingAverage { window: 3 }, flat(10.0), &[4.0, 7.0, 1.0, 13.0]);
        close(f.forecast(1), 7.0); // (7 + 1 + 13) / 3
    }

    #[test]
    fn simple_exponential_smoothing_by_hand() {
        // level 10 → 0.2·20 + 0.8·10 = 12 → 0.2·5 + 0.8·12 = 10.6
        let f = run(Method::Ses { alpha: 0.2 }, flat(10.0), &[20.0, 5.0]);
        close(f.forecast(1), 10.6);
        close(f.forecast(3), 10.6);
    }

    #[test]
    fn holt_by_hand() {
        // α = 0.5, β = 0.4, level 10, trend 0.
        // y = 14: level = 0.5·14 + 0.5·10 = 12, trend = 0.4·2 + 0.6·0 = 0.8
        // y = 15: level = 0.5·15 + 0.5·12.8 = 13.9, trend = 0.4·1.9 + 0.6·0.8 = 1.24
        let f = run(Method::Holt { alpha: 0.5, beta: 0.4 }, flat(10.0), &[14.0, 15.0]);
        close(f.forecast(1), 13.9 + 1.24);
        close(f.forecast(3), 13.9 + 3.0 * 1.24);
    }

    #[test]
    fn holt_winters_additive_by_hand() {
        // Weekday means 8, 12, 10 × 5: mean 10, seasons −2, +2, 0 × 5.
        let prior = Prior { weekday_means: [8.0, 12.0, 10.0, 10.0, 10.0, 10.0, 10.0], variance: 1.0 };
        let m = Method::HoltWinters { alpha: 0.5, beta: 0.1, gamma: 0.3, seasonality: Seasonality::Additive };
        let f = Forecaster::new(&m, &prior);
        close(f.forecast(1), 8.0); // day 0
        close(f.forecast(2), 12.0); // day 1
        // Observe day 0: y = 9. level = 0.5·(9 − (−2)) + 0.5·10 = 10.5; trend = 0.1·0.5 = 0.05;
        // season[0] = 0.3·(9 − 10.5) + 0.7·(−2) = −1.85.
        let f = run(m, prior, &[9.0]);
        close(f.forecast(1), 10.5 + 0.05 + 2.0); // day 1
        close(f.forecast(7), 10.5 + 7.0 * 0.05 - 1.85); // day 7 ≡ day 0
    }

    #[test]
    fn holt_winters_multiplicative_by_hand() {
        let prior = Prior { weekday_means: [5.0, 15.0, 10.0, 10.0, 10.0, 10.0, 10.0], variance: 1.0 };
        let m = Method::HoltWinters {
            alpha: 0.5,
            beta: 0.0,
            gamma: 0.5,
            seasonality: Seasonality::Multiplicative,
        };
        // Observe day 0: y = 6, s = 0.5: level = 0.5·12 + 0.5·10 = 11; season[0] = 0.5·6/11 + 0.25.
        let f = run(m, prior, &[6.0]);
        close(f.forecast(1), 11.0 * 1.5);
        close(f.forecast(7), 11.0 * (0.5 * 6.0 / 11.0 + 0.25));
    }

    /// Ten days of intermittent demand: demands of 3, 5 and 2 on days 1, 4 and 8.
    const INTERMITTENT: [f64; 10] = [0.0, 3.0, 0.0, 0.0, 5.0, 0.0, 0.0, 0.0, 2.0, 0.0];

    #[test]
    fn intermittent_methods_start_from_the_prior_mean() {
        // Size = the prior mean 1, interval 1, probability 1: Croston and TSB forecast 1,
        // SBA 1 · (1 − 0.2/2).
        close(Forecaster::new(&Method::Croston { alpha: 0.2 }, &flat(1.0)).forecast(1), 1.0);
        close(Forecaster::new(&Method::Sba { alpha: 0.2 }, &flat(1.0)).forecast(1), 0.9);
        close(Forecaster::new(&Method::Tsb { alpha: 0.2, beta: 0.1 }, &flat(1.0)).forecast(1), 1.0);
    }

    #[test]
    fn croston_and_sba_by_hand() {
        // α = 0.2, size z = 1, interval p = 1, last demand on day −1.
        // Day 1, y = 3, 2 days since the last: z = 1 + 0.2·(3 − 1) = 1.4, p = 1 + 0.2·(2 − 1) = 1.2.
        // Day 4, y = 5, 3 days: z = 1.4 + 0.2·3.6 = 2.12, p = 1.2 + 0.2·1.8 = 1.56.
        // Day 8, y = 2, 4 days: z = 2.12 − 0.2·0.12 = 2.096, p = 1.56 + 0.2·2.44 = 2.048.
        let croston = run(Method::Croston { alpha: 0.2 }, flat(1.0), &INTERMITTENT[..5]);
        close(croston.forecast(1), 2.12 / 1.56);
        let croston = run(Method::Croston { alpha: 0.2 }, flat(1.0), &INTERMITTENT);
        close(croston.forecast(1), 2.096 / 2.048);
        close(croston.forecast(4), 2.096 / 2.048); // flat over the horizon
        // Days without demand change nothing until the next demand.
        let before = run(Method::Croston { alpha: 0.2 }, flat(1.0), &INTERMITTENT[..9]);
        close(before.forecast(1), croston.forecast(1));
        let sba = run(Method::Sba { alpha: 0.2 }, flat(1.0), &INTERMITTENT);
        close(sba.forecast(1), (1.0 - 0.1) * 2.096 / 2.048);
    }

    #[test]
    fn tsb_by_hand() {
        // α = 0.2 (size), β = 0.1 (probability), size 1, probability 1. The probability decays
        // by 0.9 on a day without demand and moves 10 % of the way to 1 on a day with demand:
        // 0.9, 0.91, 0.819, 0.7371, 0.76339, 0.687051, 0.6183459, 0.55651131, 0.600860179,
        // 0.5407741611; the size as Croston's: 1.4 on day 1, 2.12 on day 4, 2.096 on day 8.
        let f = run(Method::Tsb { alpha: 0.2, beta: 0.1 }, flat(1.0), &INTERMITTENT[..5]);
        close(f.forecast(1), 0.76339 * 2.12);
        let f = run(Method::Tsb { alpha: 0.2, beta: 0.1 }, flat(1.0), &INTERMITTENT);
        close(f.forecast(1), 0.540_774_161_1 * 2.096);
        // Unlike Croston's, the forecast falls on every day without demand.
        let before = run(Method::Tsb { alpha: 0.2, beta: 0.1 }, flat(1.0), &INTERMITTENT[..9]);
        close(before.forecast(1), 0.600_860_179 * 2.096);
    }

    #[test]
    fn forecast_over_a_fractional_horizon() {
        let f = Forecaster::new(&Method::Ses { alpha: 0.1 }, &flat(4.0));
        close(f.forecast_over(2.5), 10.0);
    }

    /// Every method, over many days of a weekly pattern with zeros and a trend.
    fn every_method() -> Vec<Method> {
        vec![
            Method::Plan,
            Method::Naive,
            Method::MovingAverage { window: 4 },
            Method::Ses { alpha: 0.1 },
            Method::Holt { alpha: 0.3, beta: 0.1 },
            Method::HoltWinters { alpha: 0.2, beta: 0.05, gamma: 0.1, seasonality: Seasonality::Additive },
            Method::HoltWinters {
                alpha: 0.2,
                beta: 0.05,
                gamma: 0.1,
                seasonality: Seasonality::Multiplicative,
            },
            Method::Croston { alpha: 0.1 },
            Method::Sba { alpha: 0.1 },
            Method::Tsb { alpha: 0.1, beta: 0.2 },
        ]
    }

    #[test]
    fn sums_over_a_horizon_equal_the_sums_of_the_daily_forecasts_to_the_bit() {
        let prior = Prior { weekday_means: [3.0, 9.0, 5.0, 0.5, 7.0, 12.0, 1.0], variance: 6.0 };
        for method in every_method() {
            let mut f = Forecaster::new(&method, &prior);
            for day in 0..400u32 {
                // A weekly pattern with zeros, a trend and a drop to zero after day 300.
                let y = if day > 300 {
                    0.0
                } else {
                    f64::from((day * 7 + day / 3) % 13) * (1.0 + f64::from(day) / 100.0)
                };
                f.observe(if day % 5 == 2 { 0.0 } else { y });
                for days in [0.0, 1.0, 4.0, 4.85, 7.0, 13.5, 30.0] {
                    let whole = days as u32;
                    let mut direct: f64 = (1..=whole).map(|h| f.forecast(h)).sum();
                    if days > f64::from(whole) {
                        direct += (days - f64::from(whole)) * f.forecast(whole + 1);
                    }
                    let fast = f.forecast_over(days);
                    assert_eq!(
                        fast.to_bits(),
                        direct.to_bits(),
                        "{method:?} day {day} over {days}: {fast} vs {direct}"
                    );
                }
            }
        }
    }

    #[test]
    fn accuracy_sums() {
        let mut a = Accuracy::default();
        a.record(2.0, 10.0); // forecast 8
        a.record(-4.0, 0.0); // forecast 4, no demand: not in MAPE
        let [mae, rmse, bias, mape, scaled] = a.summary();
        close(mae, 3.0);
        close(rmse, 10f64.sqrt());
        close(bias, 1.0);
        close(mape, 0.2);
        close(scaled, 6.0 / 10.0); // MAE 3 over mean demand 5
        assert!(Accuracy::default().summary()[4].is_nan(), "no demand: undefined");
    }
}
