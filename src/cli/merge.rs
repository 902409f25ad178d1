//! `scsim merge`: combine shard folders into exactly the files the unsharded run or sweep
//! writes.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;

use scsim::experiment::merge::{Shards, read_shards, sweep_points};
use scsim::experiment::points::save_sweep;
use scsim::experiment::shard::{SweepShard, load_rows};
use scsim::experiment::{Counted, RunStats};
use scsim::report::{RunInfo, csv::ReplicationsCsv};
use scsim::scenario::ScenarioFile;

use super::{InputError, Output, build, commit, write_outputs};

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Shard output folders (all shards of one run or one sweep).
    #[arg(required = true)]
    dirs: Vec<PathBuf>,
    #[command(flatten)]
    output: Output,
    /// Also write PNG images of the plots.
    #[arg(long)]
    png: bool,
}

pub fn merge(args: &MergeArgs) -> Result<ExitCode> {
    let shards = match read_shards(&args.dirs).map_err(|e| InputError(e.to_string()))? {
        Shards::Run(shards) => shards,
        Shards::Sweep(shards) => return merge_sweep(args, &shards),
    };
    let origin = shards[0].origin.clone();

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

    let staging = args.output.stage(&model.name, "", false)?;
    let dir = staging.path();
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
    write_outputs(dir, &model, info, &stats, args.png)?;
    let sum = csv.finish().with_context(|| format!("cannot write {}", csv_path.display()))?;
    staging.note_sealed(&csv_path, sum);
    let target = staging.target().to_path_buf();
    commit(staging, "run")?;
    eprintln!("merged {} shards into {}", shards.len(), target.display());
    Ok(ExitCode::SUCCESS)
}

fn merge_sweep(args: &MergeArgs, manifests: &[(PathBuf, SweepShard)]) -> Result<ExitCode> {
    let points = sweep_points(manifests).map_err(|e| InputError(e.to_string()))?;
    let first = &manifests[0].1;
    let name = super::sweep::sweep_name(&first.sweep)?;
    let staging = args.output.stage(&name, "-sweep", false)?;
    let points = save_sweep(staging.path(), &first.sweep, points)?;
    let objective = super::sweep::sweep_objective(&first.sweep)?;
    super::sweep::write_report(staging.path(), &first.sweep, &points, &objective, args.png)?;
    let target = staging.target().to_path_buf();
    commit(staging, "sweep")?;
    eprintln!("merged {} sweep shards into {}", manifests.len(), target.display());
    Ok(ExitCode::SUCCESS)
}
