//! Putting shards back together: reading shard folders and checking, with one set of checks
//! for run shards and sweep shards, that they are all the pieces of one run or sweep.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::experiment::shard::{PointResult, RunShard, SweepShard};
use crate::experiment::sweep::{MAX_POINTS, grid_size};
use crate::experiment::{block_count, block_size};
use crate::report::folder::{FolderError, Manifest};

/// Why shard folders cannot be merged. Every case is a problem with the folders given.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// Folders that hold neither `shard.json` nor `sweep-shard.json` (missing, or not
    /// finished: their shard's job failed or is still running).
    #[error(
        "no shard in {}: each folder needs shard.json or sweep-shard.json (a missing folder is a shard \
         whose job failed or has not finished: compute it, with --resume, and merge again)",
        .0.join(", ")
    )]
    NotShardFolder(Vec<String>),
    /// A file could not be read.
    #[error("{path}: cannot read it: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// A file is not a shard file of this scsim.
    #[error("{path}: not a shard file of this scsim: {source}")]
    Format {
        /// The file.
        path: String,
        /// Why.
        source: serde_json::Error,
    },
    /// No folder was given.
    #[error("no shard given")]
    NoShard,
    /// A shard comes from another run or sweep than the first.
    #[error("{name} comes from {why} than {first}")]
    Mismatch {
        /// The shard's folder.
        name: String,
        /// How it differs.
        why: String,
        /// The first shard's folder.
        first: String,
    },
    /// A shard is one of a different number of shards than the first.
    #[error("{name} is one of {shards} shards, {first} one of {first_shards}")]
    ShardCount {
        /// The shard's folder.
        name: String,
        /// Its number of shards.
        shards: u32,
        /// The first shard's folder.
        first: String,
        /// The first shard's number of shards.
        first_shards: u32,
    },
    /// A shard is given twice.
    #[error("shard {shard}/{shards} is given twice: {first} and {second}")]
    Twice {
        /// Its index.
        shard: u32,
        /// Number of shards.
        shards: u32,
        /// One folder.
        first: String,
        /// The other folder.
        second: String,
    },
    /// Some shards are missing (as `i/n`).
    #[error("missing shard{} {}", if .0.len() > 1 { "s" } else { "" }, .0.join(", "))]
    Missing(Vec<String>),
    /// A run shard's blocks do not follow the previous shard's.
    #[error("{0} does not continue the blocks where the previous shard ended")]
    Gap(String),
    /// The run shards do not cover all blocks.
    #[error("the shards cover {covered} of {blocks} blocks")]
    Coverage {
        /// Blocks covered.
        covered: u32,
        /// Blocks of the run.
        blocks: u32,
    },
    /// The sweep's grid is larger than any sweep may be.
    #[error("the sweep has {0} points; at most {max}", max = crate::experiment::sweep::MAX_POINTS)]
    TooManyPoints(u128),
    /// A point of the sweep is in no shard.
    #[error("point {0} is in no shard")]
    PointMissing(usize),
    /// A shard's files are not those it was written with (no marker, or a checksum differs).
    #[error(transparent)]
    Integrity(#[from] FolderError),
    /// A shard was written by another version of scsim.
    #[error("{name} was written by scsim {version}, this is scsim {}: compute it again", crate::VERSION)]
    Version {
        /// The shard's folder.
        name: String,
        /// Its version.
        version: String,
    },
    /// A run shard holds another number of replication rows than its blocks have.
    #[error("{name} holds {rows} replication rows where its blocks have {expected}: the shard is damaged")]
    Rows {
        /// The shard's folder.
        name: String,
        /// Rows found.
        rows: usize,
        /// Rows its blocks have (replications × policies).
        expected: usize,
    },
}

/// The shards given to a merge, checked and in shard order.
#[derive(Debug)]
pub enum Shards {
    /// All shards of one run.
    Run(Vec<RunShard>),
    /// All shards of one sweep, each with its folder.
    Sweep(Vec<(PathBuf, SweepShard)>),
}

/// A piece of a run or sweep: which piece it is and what it was computed from.
trait Piece {
    /// Index and number of shards.
    fn position(&self) -> (u32, u32);
    /// The scsim version that wrote it.
    fn version(&self) -> &str;
    /// Why `self` cannot be combined with `first`, if it cannot.
    fn mismatch(&self, first: &Self) -> Option<String>;
}

impl Piece for RunShard {
    fn position(&self) -> (u32, u32) {
        (self.shard, self.shards)
    }
    fn version(&self) -> &str {
        &self.origin.scsim_version
    }
    fn mismatch(&self, first: &Self) -> Option<String> {
        first.origin.mismatch(&self.origin)
    }
}

impl Piece for SweepShard {
    fn position(&self) -> (u32, u32) {
        (self.shard, self.shards)
    }
    fn version(&self) -> &str {
        &self.sweep.origin.scsim_version
    }
    fn mismatch(&self, first: &Self) -> Option<String> {
        let origin = first.sweep.origin.mismatch(&self.sweep.origin);
        origin.or_else(|| (self.sweep != first.sweep).then(|| "a different sweep".into()))
    }
}

/// Reads the shard folders `dirs` (all of one run or all of one sweep) and checks them.
pub fn read_shards(dirs: &[PathBuf]) -> Result<Shards, MergeError> {
    let holds = |d: &PathBuf| d.join("shard.json").is_file() || d.join("sweep-shard.json").is_file();
    let missing: Vec<String> = dirs.iter().filter(|d| !holds(d)).map(|d| d.display().to_string()).collect();
    if !missing.is_empty() {
        return Err(MergeError::NotShardFolder(missing));
    }
    if !dirs.is_empty() && dirs.iter().all(|d| d.join("sweep-shard.json").is_file()) {
        let mut named = Vec::new();
        for dir in dirs {
            named.push((dir.clone(), read_checked::<SweepShard>(dir, "sweep-shard.json")?));
        }
        return Ok(Shards::Sweep(in_order(named)?));
    }
    let mut named = Vec::new();
    for dir in dirs {
        named.push((dir.clone(), read_checked::<RunShard>(dir, "shard.json")?));
    }
    let shards = in_order(named)?;
    check_blocks(&shards)?;
    Ok(Shards::Run(shards.into_iter().map(|(_, s)| s).collect()))
}

/// The points of a sweep from its checked shards, in grid order.
pub fn sweep_points(shards: &[(PathBuf, SweepShard)]) -> Result<Vec<PointResult>, MergeError> {
    let Some((_, first)) = shards.first() else {
        return Err(MergeError::NoShard);
    };
    let size = grid_size(&first.sweep.parameters);
    if size > MAX_POINTS {
        return Err(MergeError::TooManyPoints(size));
    }
    let count = size as usize;
    let mut points: Vec<Option<PointResult>> = vec![None; count];
    let fingerprint = first.sweep.fingerprint();
    for (dir, shard) in shards {
        let manifest = Manifest::read(dir)?.ok_or_else(|| FolderError::Unmarked(dir.clone()))?;
        for &k in &shard.points {
            manifest.verify(dir, &format!("points/{k:05}.json"))?;
            let path = point_path(dir, k);
            let point: PointResult = read_json(&path)?;
            if point.sweep != fingerprint || point.index != k {
                let (name, first) = (path.display().to_string(), dir.display().to_string());
                return Err(MergeError::Mismatch {
                    name,
                    why: format!("another sweep or point than point {k}"),
                    first,
                });
            }
            points[k] = Some(point);
        }
    }
    points.into_iter().enumerate().map(|(k, p)| p.ok_or(MergeError::PointMissing(k))).collect()
}

/// Where point `k` of a sweep is saved under `dir`.
pub fn point_path(dir: &Path, k: usize) -> PathBuf {
    dir.join("points").join(format!("{k:05}.json"))
}

/// Reads the JSON file `name` of the shard folder `dir`, after checking it against the
/// folder's marker.
fn read_checked<T: serde::de::DeserializeOwned>(dir: &Path, name: &str) -> Result<T, MergeError> {
    let manifest = Manifest::read(dir)?.ok_or_else(|| FolderError::Unmarked(dir.to_path_buf()))?;
    manifest.verify(dir, name)?;
    read_json(&dir.join(name))
}

/// Reads a JSON file written by scsim.
pub(crate) fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, MergeError> {
    let name = || path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| MergeError::Read { path: name(), source })?;
    serde_json::from_slice(&bytes).map_err(|source| MergeError::Format { path: name(), source })
}

/// Checks that `named` are all the pieces of one run or sweep, each once, and sorts them.
fn in_order<P: Piece>(mut named: Vec<(PathBuf, P)>) -> Result<Vec<(PathBuf, P)>, MergeError> {
    let Some((first_dir, first)) = named.first() else {
        return Err(MergeError::NoShard);
    };
    for (dir, piece) in &named {
        if piece.version() != crate::VERSION {
            let (name, version) = (dir.display().to_string(), piece.version().to_string());
            return Err(MergeError::Version { name, version });
        }
        if let Some(why) = piece.mismatch(first) {
            let (name, first) = (dir.display().to_string(), first_dir.display().to_string());
            return Err(MergeError::Mismatch { name, why, first });
        }
    }
    let shards = first.position().1;
    for (dir, piece) in &named {
        if piece.position().1 != shards {
            let (name, first) = (dir.display().to_string(), first_dir.display().to_string());
            return Err(MergeError::ShardCount {
                name,
                shards: piece.position().1,
                first,
                first_shards: shards,
            });
        }
    }
    named.sort_by_key(|(_, piece)| piece.position().0);
    let mut seen = BTreeMap::new();
    for (dir, piece) in &named {
        let shard = piece.position().0;
        if let Some(other) = seen.insert(shard, dir) {
            let (first, second) = (other.display().to_string(), dir.display().to_string());
            return Err(MergeError::Twice { shard, shards, first, second });
        }
    }
    let missing: Vec<String> =
        (0..shards).filter(|i| !seen.contains_key(i)).map(|i| format!("{i}/{shards}")).collect();
    if !missing.is_empty() {
        return Err(MergeError::Missing(missing));
    }
    Ok(named)
}

/// Checks that sorted run shards cover the run's blocks one after the other, each with one
/// row per replication of its blocks and policy.
fn check_blocks(shards: &[(PathBuf, RunShard)]) -> Result<(), MergeError> {
    let mut next = 0;
    for (dir, s) in shards {
        if s.blocks.0 != next || s.ordered.len() != (s.blocks.1 - s.blocks.0) as usize {
            return Err(MergeError::Gap(dir.display().to_string()));
        }
        let (size, replications) =
            (block_size(s.origin.settings.replications), s.origin.settings.replications);
        let covered = (s.blocks.1 * size).min(replications).saturating_sub(s.blocks.0 * size);
        let expected = covered as usize * s.counted.len();
        if s.rows.len() != expected {
            return Err(MergeError::Rows { name: dir.display().to_string(), rows: s.rows.len(), expected });
        }
        next = s.blocks.1;
    }
    let blocks = shards.first().map_or(0, |(_, s)| block_count(s.origin.settings.replications));
    if next != blocks {
        return Err(MergeError::Coverage { covered: next, blocks });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::shard::{Origin, Settings, SweepSpec};
    use crate::experiment::sweep::Parameter;
    use crate::report::folder::Staging;

    fn spec(seed: u64) -> SweepSpec {
        let settings =
            Settings { replications: 4, horizon_days: 10, warmup_days: 0, seed, baseline: "a".into() };
        let origin = Origin {
            scsim_version: crate::VERSION.into(),
            scenario_file: "s.json".into(),
            scenario: "{}".into(),
            inputs: Default::default(),
            settings,
        };
        let values = (0..5).map(serde_json::Value::from).collect();
        SweepSpec { origin, parameters: vec![Parameter { path: "x".into(), values }] }
    }

    /// Writes shard `shard` of 2 of a 5-point sweep (points 0–2, then 3–4) into `dir`.
    fn write_shard(target: &Path, spec: &SweepSpec, shard: u32) -> (PathBuf, SweepShard) {
        let points: Vec<usize> = if shard == 0 { vec![0, 1, 2] } else { vec![3, 4] };
        let staging = Staging::begin(target, false, false).unwrap();
        let dir = staging.path();
        std::fs::create_dir_all(dir.join("points")).unwrap();
        for &k in &points {
            let point = PointResult {
                sweep: spec.fingerprint(),
                index: k,
                values: vec![k.into()],
                invalid: None,
                policies: Vec::new(),
            };
            std::fs::write(point_path(dir, k), serde_json::to_vec(&point).unwrap()).unwrap();
        }
        let manifest = SweepShard { sweep: spec.clone(), shard, shards: 2, points };
        std::fs::write(dir.join("sweep-shard.json"), serde_json::to_vec(&manifest).unwrap()).unwrap();
        staging.commit("sweep-shard").unwrap();
        (target.to_path_buf(), manifest)
    }

    #[test]
    fn sweep_shards_in_any_order_give_every_point_once_in_grid_order() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
        write_shard(&a, &spec(1), 0);
        write_shard(&b, &spec(1), 1);
        let Shards::Sweep(shards) = read_shards(&[b.clone(), a.clone()]).unwrap() else {
            panic!("sweep shards read as a run");
        };
        assert_eq!(shards.iter().map(|(d, _)| d.clone()).collect::<Vec<_>>(), vec![a, b]);
        let points = sweep_points(&shards).unwrap();
        let indices: Vec<usize> = points.iter().map(|p| p.index).collect();
        assert_eq!(indices, vec![0, 1, 2, 3, 4]);
        assert!(points.iter().all(|p| p.values == vec![serde_json::Value::from(p.index)]));
    }

    #[test]
    fn missing_twice_and_foreign_sweep_shards_are_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = |name: &str| tmp.path().join(name);
        let first = write_shard(&dir("a"), &spec(1), 0);
        let second = write_shard(&dir("b"), &spec(1), 1);
        let foreign = write_shard(&dir("c"), &spec(2), 1);
        match in_order(vec![first.clone()]) {
            Err(MergeError::Missing(missing)) => assert_eq!(missing, vec!["1/2".to_string()]),
            other => panic!("expected a missing shard, got {other:?}"),
        }
        match in_order(vec![first.clone(), second, first.clone()]) {
            Err(MergeError::Twice { shard: 0, shards: 2, .. }) => {}
            other => panic!("expected shard 0 twice, got {other:?}"),
        }
        match in_order(vec![first, foreign]) {
            Err(MergeError::Mismatch { why, .. }) => assert!(why.starts_with("different settings"), "{why}"),
            other => panic!("expected a foreign shard, got {other:?}"),
        }
        assert!(matches!(read_shards(&[]), Err(MergeError::NoShard)));
        let mut huge = spec(1);
        huge.parameters = vec![huge.parameters[0].clone(); 3];
        huge.parameters[0].values = (0..100_000).map(serde_json::Value::from).collect();
        huge.parameters[1].values = huge.parameters[0].values.clone();
        let manifest = SweepShard { sweep: huge, shard: 0, shards: 1, points: Vec::new() };
        let shards = [(dir("a"), manifest)];
        assert!(matches!(sweep_points(&shards), Err(MergeError::TooManyPoints(50_000_000_000))));
        assert!(matches!(read_shards(&[dir("none")]), Err(MergeError::NotShardFolder(_))));
    }

    #[test]
    fn a_point_file_that_is_gone_is_reported_with_its_path() {
        let tmp = tempfile::tempdir().unwrap();
        let first = write_shard(&tmp.path().join("a"), &spec(1), 0);
        let second = write_shard(&tmp.path().join("b"), &spec(1), 1);
        std::fs::remove_file(point_path(&second.0, 4)).unwrap();
        match sweep_points(&[first, second]) {
            Err(MergeError::Integrity(FolderError::Io { path, .. })) => {
                assert!(path.ends_with("00004.json"), "{}", path.display())
            }
            other => panic!("expected a read error, got {other:?}"),
        }
    }

    #[test]
    fn edited_unmarked_and_old_shards_are_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
        write_shard(&a, &spec(1), 0);
        write_shard(&b, &spec(1), 1);
        let point = point_path(&b, 3);
        let edited = std::fs::read_to_string(&point).unwrap().replace("\"index\":3", "\"index\":3 ");
        std::fs::write(&point, edited).unwrap();
        let Shards::Sweep(shards) = read_shards(&[a.clone(), b.clone()]).unwrap() else { panic!() };
        let e = sweep_points(&shards).unwrap_err();
        assert!(e.to_string().contains("points/00003.json does not match"), "{e}");
        std::fs::remove_file(b.join(crate::report::folder::MARKER)).unwrap();
        let e = read_shards(&[a.clone(), b.clone()]).unwrap_err();
        assert!(matches!(e, MergeError::Integrity(FolderError::Unmarked(_))), "{e}");
        let mut old = spec(1);
        old.origin.scsim_version = "0.0.1".into();
        let c = tmp.path().join("c");
        write_shard(&c, &old, 1);
        let e = read_shards(&[a, c]).unwrap_err();
        assert!(e.to_string().contains("written by scsim 0.0.1"), "{e}");
    }
}
