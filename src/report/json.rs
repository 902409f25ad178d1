//! `summary.json`: every metric of every policy with mean, standard deviation and 95 %
//! half-width, paired differences to the baseline, per-pair results and run metadata.

use serde_json::{Map, Value, json};

use super::Run;
use crate::metrics::{METRICS, MetricDef, SEGMENT_METRICS, SUPPLIER_METRICS};
use crate::stats::Moments;

/// JSON of one statistic; undefined numbers become `null`.
fn stat(m: &Moments) -> Value {
    json!({
        "mean": finite(m.mean()),
        "sd": finite(m.sd()),
        "half_width": finite(m.half_width()),
        "n": m.n,
    })
}

fn finite(x: f64) -> Value {
    if x.is_finite() { json!(x) } else { Value::Null }
}

fn metric_map(defs: &[MetricDef], moments: &[Moments]) -> Value {
    let map: Map<String, Value> =
        defs.iter().zip(moments).map(|(d, m)| (d.key.to_string(), stat(m))).collect();
    Value::Object(map)
}

/// The summary document of a run.
pub fn summary(run: &Run) -> Value {
    let model = run.model;
    let baseline = &model.policies[run.info.baseline].name;
    let policies: Vec<Value> = model
        .policies
        .iter()
        .zip(&run.stats.policies)
        .enumerate()
        .map(|(p, (policy, stats))| {
            let pairs: Map<String, Value> = model
                .pairs
                .iter()
                .zip(&stats.ordered.pairs)
                .map(|(pair, m)| (pair.name.clone(), metric_map(&METRICS, m)))
                .collect();
            let suppliers: Map<String, Value> = model
                .suppliers
                .iter()
                .zip(&stats.ordered.suppliers)
                .map(|(sup, m)| (sup.id.clone(), metric_map(&SUPPLIER_METRICS, m)))
                .collect();
            let segments: Map<String, Value> = model
                .used_segments()
                .into_iter()
                .map(|g| {
                    (model.segments[g].id.clone(), metric_map(&SEGMENT_METRICS, &stats.ordered.segments[g]))
                })
                .collect();
            let mut v = json!({
                "name": policy.name,
                "description": policy.description,
                "total": metric_map(&METRICS, &stats.ordered.total),
                "pairs": pairs,
                "suppliers": suppliers,
                "segments": segments,
            });
            if p != run.info.baseline {
                v["difference_vs_baseline"] = metric_map(&METRICS, &stats.ordered.diff);
            }
            v
        })
        .collect();
    json!({
        "scsim_version": run.info.version,
        "scenario": {
            "name": model.name,
            "description": model.description,
            "file": run.info.scenario_file,
            "sha256": model.scenario_sha256,
        },
        "run": {
            "seed": run.info.seed,
            "replications": run.info.replications,
            "horizon_days": model.horizon,
            "warmup_days": model.warmup,
            "measured_days": model.measured_days(),
            "baseline": baseline,
            "confidence_level": 0.95,
        },
        "metrics": METRICS.iter().chain(&SUPPLIER_METRICS).chain(&SEGMENT_METRICS).map(|d| json!({"key": d.key, "label": d.label, "unit": d.unit})).collect::<Vec<_>>(),
        "policies": policies,
    })
}

/// The summary as pretty-printed JSON bytes with a final newline.
pub fn summary_bytes(run: &Run) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(&summary(run)).expect("JSON values serialise");
    out.push(b'\n');
    out
}
