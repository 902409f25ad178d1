//! `scsim merge`: combine shard folders into exactly the files the unsharded run or sweep
//! writes.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;

use scsim::experiment::shard::{PointResult, RunShard, SweepShard, check_run_shards, load_rows};
use scsim::experiment::{Counted, RunStats, block_count};
use scsim::report::{RunInfo, csv::ReplicationsCsv};
use scsim::scenario::ScenarioFile;

use super::{InputError, build, out_dir, write_outputs};

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Shard output folders (all shards of one run or one sweep).
    #[arg(required = true)]
    dirs: Vec<PathBuf>,
    /// Output folder (default: output/<scenario name>).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Also write PNG images of the plots.
    #[arg(long)]
    png: bool,
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T> {
    let bytes =
        std::fs::read(path).map_err(|e| InputError(format!("{}: cannot read it: {e}", path.display())))?;
    Ok(serde_json::from_slice(&bytes)
        .map_err(|e| InputError(format!("{}: not a shard file of this scsim: {e}", path.display())))?)
}

pub fn merge(args: &MergeArgs) -> Result<ExitCode> {
    if args.dirs.iter().all(|d| d.join("sweep-shard.json").is_file()) {
        return merge_sweep(args);
    }
    let mut shards = Vec::new();
    for dir in &args.dirs {
        let file = dir.join("shard.json");
        if !file.is_file() {
            return Err(InputError(format!(
                "{}: no shard.json or sweep-shard.json: not a shard folder",
                dir.display()
            ))
            .into());
        }
        shards.push((dir.display().to_string(), read_json::<RunShard>(&file)?));
    }
    let origin = shards[0].1.origin.clone();
    let blocks = block_count(origin.settings.replications);
    let shards = check_run_shards(shards, blocks).map_err(InputError)?;

    // Rebuild the model exactly as the shards did.
    let path = PathBuf::from(&origin.scenario_file);
    let mut file = ScenarioFile::parse(origin.scenario.as_bytes(), &path)?;
    let s = &origin.settings;
    file.scenario.replications = s.replications.into();
    file.scenario.horizon_days = s.horizon_days.into();
    file.scenario.warmup_days = s.warmup_days.into();
    file.scenario.seed = s.seed;
    let model = build(&file, None)?;
    let base = model.policies.iter().position(|p| p.name == s.baseline).context("the baseline policy")?;

    let dir = out_dir(args.out.as_deref(), &model, "")?;
    let csv_path = dir.join("replications.csv");
    let mut csv = ReplicationsCsv::create(&csv_path, &model)
        .with_context(|| format!("cannot write {}", csv_path.display()))?;
    let mut counted: Vec<Counted> = (0..model.policies.len()).map(|_| Counted::new(&model)).collect();
    let mut ordered = Vec::new();
    for shard in &shards {
        csv.write(&load_rows(&shard.rows)).with_context(|| format!("cannot write {}", csv_path.display()))?;
        for (total, c) in counted.iter_mut().zip(&shard.counted) {
            total.add(c);
        }
        ordered.extend(shard.ordered.iter().cloned());
    }
    let stats = RunStats::from_parts(&model, &ordered, counted, s.replications);
    let info = RunInfo {
        version: origin.scsim_version.clone(),
        scenario_file: origin.scenario_file.clone(),
        seed: s.seed,
        replications: s.replications,
        baseline: base,
    };
    write_outputs(&dir, &model, info, &stats, args.png)?;
    csv.finish().with_context(|| format!("cannot write {}", csv_path.display()))?;
    eprintln!("merged {} shards into {}", shards.len(), dir.display());
    Ok(ExitCode::SUCCESS)
}

fn merge_sweep(args: &MergeArgs) -> Result<ExitCode> {
    let mut manifests = Vec::new();
    for dir in &args.dirs {
        manifests.push((dir.clone(), read_json::<SweepShard>(&dir.join("sweep-shard.json"))?));
    }
    let first = manifests[0].1.clone();
    let mut points: Vec<Option<PointResult>> = vec![None; super::sweep::point_count(&first.sweep)];
    let mut seen = std::collections::BTreeMap::new();
    for (dir, m) in &manifests {
        if m.sweep != first.sweep || m.shards != first.shards {
            return Err(InputError(format!(
                "{} belongs to a different sweep than {}",
                dir.display(),
                manifests[0].0.display()
            ))
            .into());
        }
        if let Some(other) = seen.insert(m.shard, dir.clone()) {
            return Err(InputError(format!(
                "shard {}/{} is given twice: {} and {}",
                m.shard,
                m.shards,
                other.display(),
                dir.display()
            ))
            .into());
        }
        for &k in &m.points {
            let point: PointResult = read_json(&super::sweep::point_path(dir, k))?;
            points[k] = Some(point);
        }
    }
    let missing: Vec<String> = (0..first.shards)
        .filter(|i| !seen.contains_key(i))
        .map(|i| format!("{i}/{}", first.shards))
        .collect();
    if !missing.is_empty() {
        return Err(InputError(format!("missing sweep shard(s) {}", missing.join(", "))).into());
    }
    let points: Vec<PointResult> = points
        .into_iter()
        .enumerate()
        .map(|(k, p)| p.ok_or_else(|| InputError(format!("point {k} is in no shard"))))
        .collect::<Result<_, _>>()?;
    let name = super::sweep::sweep_name(&first.sweep)?;
    let dir = args.out.clone().unwrap_or_else(|| Path::new("output").join(super::folder_name(&name)));
    std::fs::create_dir_all(dir.join("points"))
        .with_context(|| format!("cannot create {}", dir.display()))?;
    for p in &points {
        super::write(&super::sweep::point_path(&dir, p.index), &serde_json::to_vec(p)?)?;
    }
    super::sweep::finish(&dir, &first.sweep, &points, args.png, true)?;
    eprintln!("merged {} sweep shards into {}", manifests.len(), dir.display());
    Ok(ExitCode::SUCCESS)
}
