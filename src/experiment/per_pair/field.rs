//! The parameter a per-pair search sets, its levels and the policy-table columns it writes.

use super::PerPairError;
use crate::model::Model;
use crate::sim::policy::{ForecastRule, RuleKind, Safety};

/// A decimal step: `units / 10^decimals` (0.5 is 5 at 1 decimal).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    units: i64,
    decimals: u32,
}

impl Step {
    /// A step of 1.
    pub fn whole() -> Step {
        Step { units: 1, decimals: 0 }
    }

    /// The text of level `v`: `v` steps, as a decimal without trailing zeros (`12.5`, `7`).
    pub fn text(self, v: i64) -> String {
        let scaled = v * self.units;
        let scale = 10i64.pow(self.decimals);
        let sign = if scaled < 0 { "-" } else { "" };
        let (whole, frac) = (scaled.abs() / scale, scaled.abs() % scale);
        let frac = format!("{frac:0width$}", width = self.decimals as usize);
        let frac = frac.trim_end_matches('0');
        if frac.is_empty() { format!("{sign}{whole}") } else { format!("{sign}{whole}.{frac}") }
    }

    /// The number level `v` stands for: its text read as a number, exactly what a table cell
    /// holding the text reads back as.
    pub fn value(self, v: i64) -> f64 {
        self.text(v).parse().expect("a decimal")
    }
}

/// `text` as an integer count of `10^-decimals` (`None`: not such a decimal).
fn scaled(text: &str, decimals: u32) -> Option<i64> {
    let (whole, frac) = text.trim().split_once('.').unwrap_or((text.trim(), ""));
    if frac.len() > decimals as usize || !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let padded = format!("{whole}{frac:0<width$}", width = decimals as usize);
    padded.parse().ok()
}

/// The problems of a safety-factor range: those of [`decimal_range`], a negative LO and an HI
/// above [`MAX_Z`], all at once.
fn safety_range(lo: &str, hi: &str, step: &str) -> Result<(Step, i64, i64), Vec<String>> {
    let mut problems = Vec::new();
    if lo.trim().parse::<f64>().is_ok_and(|z| z < 0.0) {
        problems.push(format!("LO {} is negative; a safety factor is searched from 0 up", lo.trim()));
    }
    if hi.trim().parse::<f64>().is_ok_and(|z| z > MAX_Z) {
        problems.push(format!("HI {} is above {MAX_Z}, the largest safety factor", hi.trim()));
    }
    match decimal_range(lo, hi, step) {
        Ok(range) if problems.is_empty() => Ok(range),
        Ok(_) => Err(problems),
        Err(more) => Err(more.into_iter().chain(problems).collect()),
    }
}

/// The largest level (in absolute value) a search may reach: far above any stock, it keeps the
/// search's arithmetic (HI + 1, doubling gallop steps) clear of overflow.
pub const MAX_LEVEL: i64 = 1 << 40;

/// The parameter a per-pair search sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The order-up-to level S (base_stock; s_S with S − s kept).
    UpTo,
    /// The reorder point s of s_S (S − s kept).
    Reorder,
    /// The reorder point r of r_Q (Q kept).
    ReorderQ,
    /// S of base_stock in days of the pair's mean daily demand: level v is v steps.
    UpToCover(Step),
    /// The safety factor z of a safety_stock policy (its `service` becomes
    /// `{"type": "safety_factor", "z": z}`): level v is v steps.
    SafetyFactor(Step),
}

/// The largest safety factor a search may try (a safety_stock policy's z is at most 8).
pub const MAX_Z: f64 = 8.0;

/// The step of a decimal range `LO..HI:STEP` and its levels in steps, or every problem of it.
fn decimal_range(lo: &str, hi: &str, step: &str) -> Result<(Step, i64, i64), Vec<String>> {
    let decimals = [lo, hi, step].iter().map(|t| t.trim().split_once('.').map_or(0, |x| x.1.len())).max();
    let decimals = decimals.unwrap_or(0).min(9) as u32;
    let [l, h, units] = [lo, hi, step].map(|t| scaled(t, decimals));
    let mut problems = Vec::new();
    for (name, text, value) in [("LO", lo, l), ("HI", hi, h), ("STEP", step, units)] {
        if value.is_none() {
            problems.push(format!("{name} {:?} is not a decimal number", text.trim()));
        }
    }
    let (Some(l), Some(h), Some(units)) = (l, h, units) else { return Err(problems) };
    if units <= 0 {
        problems.push(format!("STEP {} must be above 0", step.trim()));
    } else {
        for (name, text, value) in [("LO", lo, l), ("HI", hi, h)] {
            if value % units != 0 {
                problems.push(format!("{name} {} is not a multiple of STEP {}", text.trim(), step.trim()));
            }
        }
    }
    if l > h {
        problems.push(format!("LO {} is above HI {}", lo.trim(), hi.trim()));
    }
    if problems.is_empty() { Ok((Step { units, decimals }, l / units, h / units)) } else { Err(problems) }
}

impl Field {
    /// The field and its levels of `PATH=LO..HI` (`inventory.S`, `inventory.s`, `inventory.r`;
    /// integers) or `inventory.S_cover_days=LO..HI:STEP` and `inventory.service.z=LO..HI:STEP`
    /// (decimals; STEP defaults to 1, LO and HI multiples of it; z from 0 to 8).
    pub fn parse(text: &str) -> Result<(Field, i64, i64), PerPairError> {
        let (field, lo, hi) = Field::parse_range(text)?;
        if lo < -MAX_LEVEL || hi > MAX_LEVEL {
            return Err(PerPairError::TooWide(text.to_string()));
        }
        Ok((field, lo, hi))
    }

    /// The field `--param TEXT` names, whatever its range (a decimal field with a step of 1).
    pub fn named(text: &str) -> Option<Field> {
        let path = text.split_once('=').map_or(text, |x| x.0).trim();
        match path.strip_prefix("inventory.").unwrap_or(path) {
            "S" => Some(Field::UpTo),
            "s" => Some(Field::Reorder),
            "r" => Some(Field::ReorderQ),
            "S_cover_days" => Some(Field::UpToCover(Step::whole())),
            "service.z" | "z" => Some(Field::SafetyFactor(Step::whole())),
            _ => None,
        }
    }

    /// The field and range of `text`, unbounded.
    fn parse_range(text: &str) -> Result<(Field, i64, i64), PerPairError> {
        let bad = || PerPairError::Parameter(text.to_string());
        let (_, range) = text.split_once('=').ok_or_else(bad)?;
        let (lo, rest) = range.split_once("..").ok_or_else(bad)?;
        let (hi, step) = rest.split_once(':').unwrap_or((rest, "1"));
        let problems = |problems| PerPairError::Range { param: text.to_string(), problems };
        match Field::named(text).ok_or_else(bad)? {
            field @ (Field::UpTo | Field::Reorder | Field::ReorderQ) => {
                match (lo.trim().parse::<i64>(), hi.trim().parse::<i64>()) {
                    (Ok(lo), Ok(hi)) if lo <= hi && !rest.contains(':') => Ok((field, lo, hi)),
                    _ => Err(bad()),
                }
            }
            Field::UpToCover(_) => decimal_range(lo, hi, step)
                .map(|(step, lo, hi)| (Field::UpToCover(step), lo, hi))
                .map_err(problems),
            Field::SafetyFactor(_) => safety_range(lo, hi, step)
                .map(|(step, lo, hi)| (Field::SafetyFactor(step), lo, hi))
                .map_err(problems),
        }
    }

    /// The JSON name of the field.
    pub fn name(self) -> &'static str {
        match self {
            Field::UpTo => "S",
            Field::Reorder => "s",
            Field::ReorderQ => "r",
            Field::UpToCover(_) => "S_cover_days",
            Field::SafetyFactor(_) => "service.z",
        }
    }

    /// Where a search of this field starts at a pair of mean daily demand `daily` under rule
    /// `kind`, whose normal-approximation order-up-to level is `level` (`None`: no guess).
    pub(crate) fn start(self, level: f64, kind: &RuleKind, daily: f64) -> Option<i64> {
        let up_to = level.round() as i64;
        match (self, kind) {
            (Field::UpTo, _) => Some(up_to),
            (Field::Reorder, RuleKind::SS { s, level }) => Some(up_to - (level - s)),
            (Field::ReorderQ, RuleKind::RQ { q, .. }) => Some(up_to - q / 2),
            (Field::UpToCover(step), _) if daily > 0.0 => {
                Some((level / daily / step.value(1)).round() as i64)
            }
            (Field::SafetyFactor(step), _) => Some((super::each::START_Z / step.value(1)).round() as i64),
            _ => None,
        }
    }

    /// The rule `kind` of a pair of mean daily demand `daily` with this field at level `v`,
    /// other parameters moved with it (`None`: the rule has no such field).
    pub(crate) fn set(self, kind: &RuleKind, v: i64, daily: f64) -> Option<RuleKind> {
        match (self, kind) {
            (Field::UpTo, RuleKind::BaseStock { .. }) => Some(RuleKind::BaseStock { level: v }),
            (Field::UpTo, &RuleKind::SS { s, level }) => Some(RuleKind::SS { s: v - (level - s), level: v }),
            (Field::Reorder, &RuleKind::SS { s, level }) => {
                Some(RuleKind::SS { s: v, level: v + (level - s) })
            }
            (Field::ReorderQ, &RuleKind::RQ { q, .. }) => Some(RuleKind::RQ { r: v, q }),
            (Field::UpToCover(step), RuleKind::BaseStock { .. }) => {
                Some(RuleKind::BaseStock { level: Model::cover_units(step.value(v), daily) })
            }
            (Field::SafetyFactor(step), RuleKind::Forecast(rule)) if rule.safety != Safety::None => {
                let safety = Safety::Factor(step.value(v));
                Some(RuleKind::Forecast(ForecastRule { safety, ..rule.clone() }))
            }
            _ => None,
        }
    }

    /// The policy-table columns of a pair at level `v` whose rule is then `kind`: the rule's
    /// units (`S`; `s` and `S`; `r`), or the days of cover searched.
    pub(crate) fn columns(self, kind: &RuleKind, v: i64) -> Vec<(&'static str, String)> {
        match (self, kind) {
            (Field::UpToCover(step), _) => vec![("S_cover_days", step.text(v))],
            (Field::SafetyFactor(step), _) => vec![("z", step.text(v))],
            (_, RuleKind::BaseStock { level }) => vec![("S", level.to_string())],
            (_, RuleKind::SS { s, level }) => vec![("s", s.to_string()), ("S", level.to_string())],
            (_, RuleKind::RQ { r, .. }) => vec![("r", r.to_string())],
            _ => Vec::new(),
        }
    }
}
