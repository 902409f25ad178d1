//! The shape of one daily series: its Syntetos–Boylan class, its linear trend and its weekly
//! profile, each kept only when a test says it is there.

/// Cut-off of the average inter-demand interval between frequent and intermittent demand.
pub const ADI_CUTOFF: f64 = 1.32;
/// Cut-off of the squared coefficient of variation of demand sizes between steady and
/// variable sizes.
pub const CV2_CUTOFF: f64 = 0.49;
/// Two-sided 0.1 % critical value of the standard normal: the trend's t statistic must pass it.
const TREND_Z: f64 = 3.2905;
/// Upper 0.1 % critical value of χ² with 6 degrees of freedom: 6·F of the weekday analysis of
/// variance must pass it (F(6, n − 7) ≈ χ²₆ / 6 for histories of many weeks).
const PROFILE_CHI2_6: f64 = 22.458;

/// Syntetos–Boylan demand class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Frequent demand of steady size (ADI < 1.32, CV² < 0.49).
    Smooth,
    /// Frequent demand of variable size (ADI < 1.32, CV² ≥ 0.49).
    Erratic,
    /// Infrequent demand of steady size (ADI ≥ 1.32, CV² < 0.49).
    Intermittent,
    /// Infrequent demand of variable size (ADI ≥ 1.32, CV² ≥ 0.49).
    Lumpy,
}

impl Class {
    /// The class of a series with average inter-demand interval `adi` and squared
    /// coefficient of variation of its non-zero sizes `cv2`.
    pub fn of(adi: f64, cv2: f64) -> Class {
        match (adi < ADI_CUTOFF, cv2 < CV2_CUTOFF) {
            (true, true) => Class::Smooth,
            (true, false) => Class::Erratic,
            (false, true) => Class::Intermittent,
            (false, false) => Class::Lumpy,
        }
    }

    /// The class's name in `fit.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Class::Smooth => "smooth",
            Class::Erratic => "erratic",
            Class::Intermittent => "intermittent",
            Class::Lumpy => "lumpy",
        }
    }
}

/// ADI (days per day with demand) and CV² of the non-zero values (sample variance over the
/// squared mean; 0 with a single non-zero day). `None` when no day has demand.
pub(super) fn adi_cv2(x: &[u32]) -> Option<(f64, f64)> {
    let sizes = x.iter().filter(|&&v| v > 0).map(|&v| f64::from(v));
    let (k, sum, sum2) = sizes.fold((0usize, 0.0, 0.0), |(k, s, s2), v| (k + 1, s + v, s2 + v * v));
    if k == 0 {
        return None;
    }
    let mean = sum / k as f64;
    let var = if k > 1 { ((sum2 - k as f64 * mean * mean) / (k as f64 - 1.0)).max(0.0) } else { 0.0 };
    Some((x.len() as f64 / k as f64, var / (mean * mean)))
}

/// Least-squares line `a + b·t` through `x` (t = 0, 1, …) with the t statistic of `b`.
fn line(x: &[u32]) -> (f64, f64, f64) {
    let n = x.len() as f64;
    let t_mean = (n - 1.0) / 2.0;
    let x_mean = x.iter().map(|&v| f64::from(v)).sum::<f64>() / n;
    let (mut sxy, mut stt) = (0.0, 0.0);
    for (t, &v) in x.iter().enumerate() {
        let dt = t as f64 - t_mean;
        sxy += dt * (f64::from(v) - x_mean);
        stt += dt * dt;
    }
    let b = if stt > 0.0 { sxy / stt } else { 0.0 };
    let a = x_mean - b * t_mean;
    let sse: f64 = x.iter().enumerate().map(|(t, &v)| (f64::from(v) - a - b * t as f64).powi(2)).sum();
    let se = (sse / (n - 2.0).max(1.0) / stt).sqrt();
    let z = if se > 0.0 { b / se } else { 0.0 };
    (a, b, z)
}

/// The linear trend of `x` as a fraction per day of the level the line reaches the day after
/// the history (the scenario's day 0), kept when its slope is significant at 0.1 % and that
/// level is above a tenth of the history's mean.
pub(super) fn trend(x: &[u32]) -> Option<f64> {
    if x.len() < 28 {
        return None;
    }
    let (a, b, z) = line(x);
    let end = a + b * x.len() as f64;
    let mean = a + b * (x.len() as f64 - 1.0) / 2.0;
    (z.abs() > TREND_Z && end > 0.1 * mean).then(|| b / end)
}

/// The trend's multiplier of day `t` of the history (n days) relative to the level of day n.
pub(super) fn trend_factor(per_day: Option<f64>, t: usize, n: usize) -> f64 {
    per_day.map_or(1.0, |g| (1.0 + g * (t as f64 - n as f64)).max(0.0))
}

/// The weekly profile of `x` (divided by `factor(t)`), as seven multipliers of the mean with
/// entry j for the weekday of day `n + j` (the first entry is the day after the history); kept
/// when the weekday means differ significantly (analysis of variance at 0.1 %).
pub(super) fn weekly_profile(x: &[u32], factor: impl Fn(usize) -> f64) -> Option<[f64; 7]> {
    let n = x.len();
    if n < 28 {
        return None;
    }
    let (mut sum, mut sum2, mut count) = ([0.0; 7], 0.0, [0usize; 7]);
    for (t, &v) in x.iter().enumerate() {
        let f = factor(t);
        let y = if f > 0.0 { f64::from(v) / f } else { 0.0 };
        // Weekday slot relative to day n, so slot j is profile entry j.
        let slot = (t + 7 - n % 7) % 7;
        sum[slot] += y;
        sum2 += y * y;
        count[slot] += 1;
    }
    let total: f64 = sum.iter().sum();
    let mean = total / n as f64;
    if mean <= 0.0 {
        return None;
    }
    let between: f64 = (0..7).map(|j| sum[j] * sum[j] / count[j] as f64).sum::<f64>() - total * mean;
    let within = sum2 - between - total * mean;
    let f_stat = (between / 6.0) / (within / (n as f64 - 7.0));
    if f_stat.is_nan() || 6.0 * f_stat <= PROFILE_CHI2_6 {
        return None;
    }
    let means: Vec<f64> = (0..7).map(|j| sum[j] / count[j] as f64).collect();
    let avg = means.iter().sum::<f64>() / 7.0;
    Some(std::array::from_fn(|j| means[j] / avg))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_follow_the_cut_offs() {
        assert_eq!(Class::of(1.0, 0.1), Class::Smooth);
        assert_eq!(Class::of(1.31, 0.49), Class::Erratic);
        assert_eq!(Class::of(1.32, 0.2), Class::Intermittent);
        assert_eq!(Class::of(3.0, 1.0), Class::Lumpy);
        // Sizes 2, 4 on 2 days of 6: ADI 3; variance 2, mean 3: CV² 2/9.
        let (adi, cv2) = adi_cv2(&[0, 2, 0, 0, 4, 0]).unwrap();
        assert!((adi - 3.0).abs() < 1e-12 && (cv2 - 2.0 / 9.0).abs() < 1e-12);
        assert_eq!(adi_cv2(&[0, 0]), None);
    }

    #[test]
    fn a_straight_line_is_a_trend_relative_to_the_next_day() {
        // x_t = 100 + t with ±1 noise: slope 1, level 100 + n the day after.
        let x: Vec<u32> = (0..200).map(|t| 100 + t + (t % 2) * 2).collect();
        let g = trend(&x).unwrap();
        assert!((g - 1.0 / 301.0).abs() < 1e-4, "{g}");
        assert_eq!(trend(&[5; 200]), None);
        assert!((trend_factor(Some(g), 200, 200) - 1.0).abs() < 1e-12);
    }
}
