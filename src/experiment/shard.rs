//! Files that let work be split across processes and machines and put back together exactly:
//! run shards (a slice of a run's blocks) and sweep points (one point of a sweep each).
//!
//! A run shard keeps the floating-point statistics of each of its blocks separately, so a merge
//! replays the same block-ordered reduction as the unsharded run and writes the same bytes.
//! Every file carries what it was computed from (scenario text, settings, scsim version) so
//! that pieces of different runs are never mixed.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::experiment::sweep::Parameter;
use crate::experiment::{Counted, Ordered, Rows};
use crate::metrics::N_METRICS;
use crate::report::json::Metrics;

/// Run settings after command-line overrides: with the scenario text, they determine the
/// results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// Replications.
    pub replications: u32,
    /// Simulated days.
    pub horizon_days: u32,
    /// Warm-up days.
    pub warmup_days: u32,
    /// Master seed.
    pub seed: u64,
    /// Baseline policy name.
    pub baseline: String,
}

/// What a shard or point was computed from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Origin {
    /// scsim version.
    pub scsim_version: String,
    /// The scenario file as given on the command line.
    pub scenario_file: String,
    /// The scenario file's text.
    pub scenario: String,
    /// The SHA-256 of each input file the scenario reads (history files), by name.
    #[serde(default)]
    pub inputs: std::collections::BTreeMap<String, String>,
    /// Settings.
    pub settings: Settings,
}

impl Origin {
    /// Why `other` cannot be combined with `self`, if it cannot.
    pub fn mismatch(&self, other: &Origin) -> Option<String> {
        if self.scsim_version != other.scsim_version {
            Some(format!("scsim {} against {}", other.scsim_version, self.scsim_version))
        } else if self.scenario != other.scenario {
            Some("a different scenario".into())
        } else if self.inputs != other.inputs {
            let changed: std::collections::BTreeSet<&str> = self
                .inputs
                .keys()
                .chain(other.inputs.keys())
                .filter(|k| self.inputs.get(*k) != other.inputs.get(*k))
                .map(String::as_str)
                .collect();
            let changed: Vec<&str> = changed.into_iter().collect();
            Some(format!("different input files (changed: {})", changed.join(", ")))
        } else if self.settings != other.settings {
            Some(format!("different settings ({:?} against {:?})", other.settings, self.settings))
        } else {
            None
        }
    }
}

/// One replication × policy row of `replications.csv`; undefined metrics are `null`.
pub type Row = (u32, usize, Vec<Option<f64>>);

/// Converts rows for storage.
pub fn store_rows(rows: &Rows) -> Vec<Row> {
    rows.iter().map(|(r, p, v)| (*r, *p, v.iter().map(|x| x.is_finite().then_some(*x)).collect())).collect()
}

/// Converts stored rows back.
pub fn load_rows(rows: &[Row]) -> Rows {
    rows.iter()
        .map(|(r, p, v)| {
            let mut values = [f64::NAN; N_METRICS];
            for (slot, x) in values.iter_mut().zip(v) {
                *slot = x.unwrap_or(f64::NAN);
            }
            (*r, *p, values)
        })
        .collect()
}

/// A slice of a run: `shard` of `shards`, covering the blocks `blocks.0..blocks.1`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunShard {
    /// What it was computed from.
    pub origin: Origin,
    /// Index of this shard.
    pub shard: u32,
    /// Number of shards.
    pub shards: u32,
    /// First and one-past-last block.
    pub blocks: (u32, u32),
    /// Floating-point statistics of each block, per policy.
    pub ordered: Vec<Vec<Ordered>>,
    /// Integer statistics, per policy.
    pub counted: Vec<Counted>,
    /// Replication rows, in order.
    pub rows: Vec<Row>,
}

/// What a sweep is: everything a point's result depends on besides its values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepSpec {
    /// What it was computed from.
    pub origin: Origin,
    /// The swept parameters.
    pub parameters: Vec<Parameter>,
}

impl SweepSpec {
    /// The SHA-256 (hex) of the sweep's JSON: what a saved point names its sweep by, so that a
    /// point file holds its own values only, never the whole list of swept values.
    pub fn fingerprint(&self) -> String {
        let bytes = serde_json::to_vec(self).expect("a sweep serializes");
        Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// The result of one point of a sweep, saved as soon as it is computed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PointResult {
    /// The fingerprint of the sweep it belongs to ([`SweepSpec::fingerprint`]).
    pub sweep: String,
    /// Index of the point in the grid.
    pub index: usize,
    /// The parameters' values.
    pub values: Vec<Value>,
    /// Why the point could not be run, if it could not.
    pub invalid: Option<String>,
    /// Per policy (name, total metrics), in scenario order.
    pub policies: Vec<(String, Metrics)>,
}

/// The manifest of one sweep shard: which points it computed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepShard {
    /// The sweep.
    pub sweep: SweepSpec,
    /// Index of this shard.
    pub shard: u32,
    /// Number of shards.
    pub shards: u32,
    /// Points it computed.
    pub points: Vec<usize>,
}

/// One shard of a run or sweep: shard `index` of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// Index of this shard (0 ≤ index < count).
    pub index: u32,
    /// Number of shards.
    pub count: u32,
}

/// Why a `--shard i/n` argument does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShardError {
    /// No `/` in the text.
    #[error("{0:?}: expected i/n, e.g. 0/4")]
    NoSlash(String),
    /// Not two whole numbers with 0 ≤ i < n.
    #[error("{0:?}: expected i/n with 0 ≤ i < n, e.g. 0/4")]
    OutOfRange(String),
}

/// Parses `i/n` (0 ≤ i < n).
pub fn parse_shard(text: &str) -> Result<Shard, ShardError> {
    let (i, n) = text.split_once('/').ok_or_else(|| ShardError::NoSlash(text.to_string()))?;
    let (i, n) = (i.trim().parse::<u32>(), n.trim().parse::<u32>());
    match (i, n) {
        (Ok(index), Ok(count)) if count >= 1 && index < count => Ok(Shard { index, count }),
        _ => Err(ShardError::OutOfRange(text.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_syntax() {
        assert_eq!(parse_shard("0/4"), Ok(Shard { index: 0, count: 4 }));
        assert_eq!(parse_shard(" 3 / 4 "), Ok(Shard { index: 3, count: 4 }));
        assert!(parse_shard("4/4").is_err());
        assert!(parse_shard("1/0").is_err());
        assert!(parse_shard("x").is_err());
    }

    #[test]
    fn rows_survive_storage_with_undefined_values() {
        let mut values = [1.5; N_METRICS];
        values[3] = f64::NAN;
        let rows: Rows = vec![(7, 1, values)];
        let back = load_rows(&store_rows(&rows));
        assert_eq!(back[0].0, 7);
        assert!(back[0].2[3].is_nan());
        assert_eq!(back[0].2[0], 1.5);
    }
}
