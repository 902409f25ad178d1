//! `summary.json`: every metric of every policy with mean, standard deviation and 95 %
//! half-width, paired differences to the baseline, per pair, supplier and segment results,
//! the pooled backorder waits, and run metadata.
//!
//! The same types serialise the file and read it back, so `scsim plot` redraws a finished run
//! from exactly what `scsim run` wrote.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Run;
use super::verdicts::{Comparison, comparison};
use crate::experiment::stats::Moments;
use crate::metrics::{LANE_METRICS, METRICS, MetricDef, ORDER_METRICS, SEGMENT_METRICS, SUPPLIER_METRICS};
use crate::model::Model;

/// One metric across replications; undefined numbers are `null`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stat {
    /// Mean over replications.
    pub mean: Option<f64>,
    /// Standard deviation over replications.
    pub sd: Option<f64>,
    /// Half-width of the 95 % confidence interval of the mean.
    pub half_width: Option<f64>,
    /// Replications in which the metric was defined.
    pub n: u64,
}

impl Stat {
    /// The statistic of `m`; undefined numbers become `None`.
    pub fn of(m: &Moments) -> Stat {
        let finite = |x: f64| x.is_finite().then_some(x);
        Stat { mean: finite(m.mean()), sd: finite(m.sd()), half_width: finite(m.half_width()), n: m.n }
    }
}

/// Metrics by key.
pub type Metrics = BTreeMap<String, Stat>;

fn metric_map(defs: &[MetricDef], moments: &[Moments]) -> Metrics {
    defs.iter().zip(moments).map(|(d, m)| (d.key.to_string(), Stat::of(m))).collect()
}

/// The scenario a run came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioInfo {
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// File as given on the command line.
    pub file: String,
    /// SHA-256 of the file.
    pub sha256: String,
}

/// Run settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunMeta {
    /// Master seed.
    pub seed: u64,
    /// Replications.
    pub replications: u32,
    /// Simulated days.
    pub horizon_days: u32,
    /// Warm-up days.
    pub warmup_days: u32,
    /// Measured days.
    pub measured_days: u32,
    /// Name of the baseline policy.
    pub baseline: String,
    /// Confidence level of the half-widths.
    pub confidence_level: f64,
}

/// A metric's presentation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricInfo {
    /// Key.
    pub key: String,
    /// Label.
    pub label: String,
    /// Unit.
    pub unit: String,
}

/// Everything about one policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicySummary {
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Metrics summed over pairs.
    pub total: Metrics,
    /// Paired differences to the baseline (absent for the baseline).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub difference_vs_baseline: Option<Metrics>,
    /// Paired differences to every other policy, by its name: this policy minus that one,
    /// replication by replication (the all-pairs matrix; antisymmetric).
    #[serde(default)]
    pub differences: BTreeMap<String, Metrics>,
    /// Metrics per `location/item` pair.
    pub pairs: BTreeMap<String, Metrics>,
    /// Metrics per supplier.
    pub suppliers: BTreeMap<String, Metrics>,
    /// Metrics per customer segment.
    pub segments: BTreeMap<String, Metrics>,
    /// Metrics per lane.
    pub lanes: BTreeMap<String, Metrics>,
    /// Metrics per customer order stream (absent without order streams).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub orders: BTreeMap<String, Metrics>,
    /// Late-filled units by days waited (index = days), pooled over replications.
    pub wait_histogram: Vec<u64>,
}

/// The contents of `summary.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// scsim version.
    pub scsim_version: String,
    /// The scenario.
    pub scenario: ScenarioInfo,
    /// Run settings.
    pub run: RunMeta,
    /// Every metric's key, label and unit.
    pub metrics: Vec<MetricInfo>,
    /// One entry per policy, in scenario order.
    pub policies: Vec<PolicySummary>,
    /// Best policy per metric and the recommendation (absent in files of older versions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comparison: Option<Comparison>,
    /// The customer order streams and the demand they imply (absent without order streams).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub order_streams: Vec<OrderStreamInfo>,
    /// Present when the run has more stocked pairs than [`PAIRS_IN_SUMMARY`]: the per-pair
    /// metrics (`policies[].pairs`) are then left out of `summary.json` and only `pairs.csv`
    /// holds them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pairs_left_out: Option<PairsLeftOut>,
}

/// Most stocked pairs whose metrics `summary.json` holds: above it the file would grow with the
/// catalogue (64 MB at 10,000 items), so the per-pair metrics go to `pairs.csv` alone.
pub const PAIRS_IN_SUMMARY: usize = 200;

/// Why `summary.json` has no per-pair metrics, and where they are.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairsLeftOut {
    /// Stocked pairs of the run.
    pub pairs: usize,
    /// The bound they exceed ([`PAIRS_IN_SUMMARY`]).
    pub bound: usize,
    /// The file holding them.
    pub file: String,
}

/// A customer order stream and the per-item demand it implies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderStreamInfo {
    /// Stream id.
    pub id: String,
    /// Location id.
    pub location: String,
    /// Segment id.
    pub segment: String,
    /// Expected units per day of each item (orders per day × inclusion probability × mean
    /// quantity), by item id.
    pub demand_per_day: BTreeMap<String, f64>,
}

/// The order streams of `model` with their implied per-item demand rates.
fn order_streams(model: &Model) -> Vec<OrderStreamInfo> {
    model
        .orders
        .iter()
        .map(|o| OrderStreamInfo {
            id: o.id.clone(),
            location: model.locations[o.location].clone(),
            segment: model.segments[o.segment].id.clone(),
            demand_per_day: o
                .demand_rates()
                .into_iter()
                .map(|(p, rate)| (model.items[model.pairs[p].item].clone(), rate))
                .collect(),
        })
        .collect()
}

/// The metrics of each scope (pair, supplier, lane) by name.
fn scoped<'a>(
    names: impl Iterator<Item = &'a String>,
    moments: &[Vec<Moments>],
    defs: &[MetricDef],
) -> BTreeMap<String, Metrics> {
    names.zip(moments).map(|(name, m)| (name.clone(), metric_map(defs, m))).collect()
}

/// The summary of a run.
pub(crate) fn summary(run: &Run) -> Summary {
    let model = run.model;
    let policies: Vec<PolicySummary> = model
        .policies
        .iter()
        .zip(&run.stats.policies)
        .enumerate()
        .map(|(p, (policy, stats))| {
            let o = &stats.ordered;
            PolicySummary {
                name: policy.name.clone(),
                description: policy.description.clone(),
                total: metric_map(&METRICS, &o.total),
                difference_vs_baseline: (p != run.info.baseline)
                    .then(|| metric_map(&METRICS, &o.diff[run.info.baseline])),
                differences: (model.policies.iter().zip(&o.diff).enumerate())
                    .filter(|&(q, _)| q != p)
                    .map(|(_, (other, moments))| (other.name.clone(), metric_map(&METRICS, moments)))
                    .collect(),
                // Above the bound the per-pair metrics are left out (pairs.csv holds them),
                // never built: their maps of named statistics would cost 60 MB at 10,000 pairs.
                pairs: if model.pairs.len() > PAIRS_IN_SUMMARY {
                    BTreeMap::new()
                } else {
                    scoped(model.pairs.iter().map(|x| &x.name), &o.pairs, &METRICS)
                },
                suppliers: scoped(model.suppliers.iter().map(|x| &x.id), &o.suppliers, &SUPPLIER_METRICS),
                segments: model
                    .used_segments()
                    .into_iter()
                    .map(|g| (model.segments[g].id.clone(), metric_map(&SEGMENT_METRICS, &o.segments[g])))
                    .collect(),
                lanes: scoped(model.lanes.iter().map(|x| &x.id), &o.lanes, &LANE_METRICS),
                orders: scoped(model.orders.iter().map(|x| &x.id), &o.orders, &ORDER_METRICS),
                wait_histogram: stats.counted.waits.counts().to_vec(),
            }
        })
        .collect();
    Summary {
        scsim_version: run.info.version.clone(),
        scenario: ScenarioInfo {
            name: model.name.clone(),
            description: model.description.clone(),
            file: run.info.scenario_file.clone(),
            sha256: model.scenario_sha256.clone(),
        },
        run: RunMeta {
            seed: run.info.seed,
            replications: run.info.replications,
            horizon_days: model.horizon,
            warmup_days: model.warmup,
            measured_days: model.measured_days(),
            baseline: model.policies[run.info.baseline].name.clone(),
            confidence_level: 0.95,
        },
        metrics: METRICS
            .iter()
            .chain(&SUPPLIER_METRICS)
            .chain(&SEGMENT_METRICS)
            .chain(&LANE_METRICS)
            .chain(if model.orders.is_empty() { &[][..] } else { &ORDER_METRICS[..] })
            .map(|d| MetricInfo { key: d.key.into(), label: d.label.into(), unit: d.unit.into() })
            .collect(),
        comparison: Some(comparison(&policies, u64::from(run.info.replications), model.objective())),
        policies,
        order_streams: order_streams(model),
        pairs_left_out: (model.pairs.len() > PAIRS_IN_SUMMARY).then(|| PairsLeftOut {
            pairs: model.pairs.len(),
            bound: PAIRS_IN_SUMMARY,
            file: "pairs.csv".into(),
        }),
    }
}

/// The summary as pretty-printed JSON bytes with a final newline.
pub fn summary_bytes(summary: &Summary) -> Vec<u8> {
    let mut out = Vec::new();
    write_summary(summary, &mut out).expect("writing into memory cannot fail");
    out
}

/// Writes the summary into `out` as pretty-printed JSON with a final newline (the bytes of
/// [`summary_bytes`], streamed).
pub fn write_summary(summary: &Summary, mut out: impl std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut out, summary)?;
    out.write_all(b"\n")
}
