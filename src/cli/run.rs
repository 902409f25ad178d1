//! `scsim run`: simulate a scenario, print the summary, write its files; or a shard of it; or
//! check it against a golden summary.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::Args;

use scsim::experiment::golden;
use scsim::experiment::shard::{RunShard, Shard, parse_shard, store_rows};
use scsim::experiment::sweep::share;
use scsim::experiment::{self, RunSpec, RunStats, block_count};
use scsim::model::Model;
use scsim::report::folder::Staging;
use scsim::report::{self, RunInfo, csv::ReplicationsCsv, pairs::PairsReplicationsCsv};

use super::{
    InputError, Loaded, Output, Overrides, baseline, commit, load, progress_bar, write, write_outputs,
};

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (JSON).
    scenario: PathBuf,
    #[command(flatten)]
    overrides: Overrides,
    #[command(flatten)]
    output: Output,
    /// Policy the others are compared with (default: the first listed).
    #[arg(long)]
    baseline: Option<String>,
    /// No progress bar and no summary table.
    #[arg(long, short)]
    quiet: bool,
    /// Show more metrics in the console table (the files always have every metric).
    #[arg(long)]
    wide: bool,
    /// Also write PNG images of the plots (SVG is always written).
    #[arg(long)]
    png: bool,
    /// Compare the results with a golden summary.json: exit 1 with the differences if they do
    /// not match.
    #[arg(long, value_name = "GOLDEN")]
    check: Option<PathBuf>,
    /// Relative tolerance of the golden check for floating-point values (default 0: exact).
    #[arg(long, default_value_t = 0.0, requires = "check", value_parser = parse_tolerance)]
    tolerance: f64,
    /// Write the results as the golden file given by --check instead of comparing.
    #[arg(long, requires = "check")]
    bless: bool,
    /// Compute only shard i of n (e.g. 0/4) and write it to the output folder for `scsim merge`.
    #[arg(long, value_name = "i/n", value_parser = parse_shard, conflicts_with = "check")]
    shard: Option<Shard>,
    /// Also write pairs-replications.csv: one row per replication × policy × location × item
    /// with each metric's value (not with --shard).
    #[arg(long, conflicts_with = "shard")]
    pairs_per_replication: bool,
}

pub fn run(args: &RunArgs) -> Result<ExitCode> {
    let loaded = load(&args.scenario, &args.overrides, args.output.force)?;
    super::print_warnings(&loaded.model);
    let model = &loaded.model;
    let base = baseline(model, args.baseline.as_deref())?;
    let spec = RunSpec { replications: model.replications, seed: model.seed, baseline: base, daily: true };
    let pool = args.overrides.pool()?;
    if let Some(shard) = args.shard {
        let suffix = format!("-shard-{}-of-{}", shard.index, shard.count);
        let staging = args.output.stage(&model.name, &suffix, false)?;
        pool.install(|| run_shard(args, &loaded, &spec, shard, staging.path()))?;
        let dir = staging.target().to_path_buf();
        commit(staging, "run-shard")?;
        if !args.quiet {
            eprintln!("wrote shard {}/{} to {}", shard.index, shard.count, dir.display());
        }
        return Ok(ExitCode::SUCCESS);
    }
    let staging = args.output.stage(&model.name, "", false)?;
    let started = Instant::now();
    let (info, stats) = pool.install(|| run_all(args, model, &spec, &staging))?;
    let dir = staging.target().to_path_buf();
    commit(staging, "run")?;
    if !args.quiet {
        print_summary(model, info, &stats, &dir, started.elapsed(), args.wide);
    }
    match &args.check {
        Some(golden) if args.bless => {
            // Temporary file and rename: an interrupted bless never leaves half a golden file.
            let summary = dir.join("summary.json");
            let bytes =
                std::fs::read(&summary).with_context(|| format!("cannot read {}", summary.display()))?;
            write(golden, &bytes).context("cannot write the golden file")?;
            eprintln!("blessed {}", golden.display());
            Ok(ExitCode::SUCCESS)
        }
        Some(golden) => check(&dir.join("summary.json"), golden, args.tolerance),
        None => Ok(ExitCode::SUCCESS),
    }
}

/// Simulates shard `i` of `n` (a contiguous share of the blocks) and writes `shard.json`
/// into `dir`.
fn run_shard(
    args: &RunArgs,
    loaded: &Loaded,
    spec: &RunSpec,
    Shard { index: i, count: n }: Shard,
    dir: &Path,
) -> Result<()> {
    let model = &loaded.model;
    let r = share(block_count(spec.replications) as usize, i as usize, n as usize);
    let blocks = r.start as u32..r.end as u32;
    let bar = progress_bar(spec.replications as u64, "replications", args.quiet);
    let mut rows = Vec::new();
    let stats = experiment::run_blocks(
        model,
        spec,
        blocks.clone(),
        true,
        &mut |r| rows.extend(store_rows(r)),
        &|k| bar.inc(k),
    );
    bar.finish_and_clear();
    let shard = RunShard {
        origin: loaded.origin(&args.scenario, spec.baseline),
        shard: i,
        shards: n,
        blocks: (blocks.start, blocks.end),
        ordered: stats.blocks,
        counted: stats.policies.into_iter().map(|p| p.counted).collect(),
        rows,
    };
    write(&dir.join("shard.json"), &serde_json::to_vec(&shard)?)
}

/// Simulates every replication, streaming `replications.csv` (and with
/// `--pairs-per-replication`, `pairs-replications.csv`), and writes the other outputs.
fn run_all(args: &RunArgs, model: &Model, spec: &RunSpec, staging: &Staging) -> Result<(RunInfo, RunStats)> {
    let dir = staging.path();
    let csv_path = dir.join("replications.csv");
    let mut csv = ReplicationsCsv::create(&csv_path, model)
        .with_context(|| format!("cannot write {}", csv_path.display()))?;
    let pairs_path = dir.join("pairs-replications.csv");
    let mut pairs_csv = (args.pairs_per_replication)
        .then(|| PairsReplicationsCsv::create(&pairs_path, model, true))
        .transpose()
        .with_context(|| format!("cannot write {}", pairs_path.display()))?;
    let bar = progress_bar(spec.replications as u64, "replications", args.quiet);
    let (mut write_error, mut pairs_error) = (None, None);
    let mut rows = |rows: &_| {
        if write_error.is_none() {
            write_error = csv.write(rows).err();
        }
    };
    let stats = match pairs_csv.as_mut() {
        None => experiment::run(model, spec, &mut rows, &|k| bar.inc(k)),
        Some(out) => {
            let mut pairs = |p: &_| {
                if pairs_error.is_none() {
                    pairs_error = out.write(p).err();
                }
            };
            experiment::run_with_pairs(model, spec, &mut rows, &mut pairs, &|k| bar.inc(k))
        }
    };
    bar.finish_and_clear();
    if let Some(e) = write_error {
        bail!("cannot write {}: {e}", csv_path.display());
    }
    if let Some(e) = pairs_error {
        bail!("cannot write {}: {e}", pairs_path.display());
    }
    if let Some(out) = pairs_csv {
        let sum = out.finish().with_context(|| format!("cannot write {}", pairs_path.display()))?;
        staging.note_sealed(&pairs_path, sum);
    }
    let info = RunInfo {
        version: scsim::VERSION.to_string(),
        scenario_file: args.scenario.display().to_string(),
        seed: spec.seed,
        replications: spec.replications,
        baseline: spec.baseline,
    };
    // The exporters first: meanwhile the last sync and hash of replications.csv finish.
    write_outputs(dir, model, info.clone(), &stats, args.png)?;
    let sum = csv.finish().with_context(|| format!("cannot write {}", csv_path.display()))?;
    staging.note_sealed(&csv_path, sum);
    Ok((info, stats))
}

/// Prints the run's heading and summary table, and the throughput on stderr.
fn print_summary(model: &Model, info: RunInfo, stats: &RunStats, dir: &Path, elapsed: Duration, wide: bool) {
    println!(
        "{} — {} policies × {} replications × {} days ({} warm-up), seed {}",
        model.name,
        model.policies.len(),
        info.replications,
        model.horizon,
        model.warmup,
        info.seed
    );
    println!();
    let replications = info.replications;
    print!("{}", report::table::render(&report::Run { model, info, stats }, wide));
    println!();
    let sku_days =
        model.pairs.len() as f64 * model.horizon as f64 * replications as f64 * model.policies.len() as f64;
    eprintln!(
        "wrote {} in {:.2} s ({:.1} million SKU-days/s)",
        dir.display(),
        elapsed.as_secs_f64(),
        sku_days / elapsed.as_secs_f64() / 1e6
    );
}

/// A golden check's tolerance: a finite number ≥ 0.
fn parse_tolerance(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(t) if t.is_finite() && t >= 0.0 => Ok(t),
        _ => Err(format!("{text:?}: the tolerance must be a finite number ≥ 0 (0 means exact)")),
    }
}

/// Compares `summary` with `golden`; prints the differences and exits 1 if there are any.
fn check(summary: &Path, golden: &Path, tolerance: f64) -> Result<ExitCode> {
    let read = |p: &Path| -> Result<serde_json::Value> {
        let bytes = std::fs::read(p)
            .map_err(|e| InputError(format!("{}: cannot read the golden file: {e}", p.display())))?;
        Ok(serde_json::from_slice(&bytes)
            .map_err(|e| InputError(format!("{}: not a summary.json: {e}", p.display())))?)
    };
    let (expected, got) = (read(golden)?, read(summary)?);
    let differences = golden::compare(&expected, &got, tolerance);
    if differences.is_empty() {
        eprintln!("golden check passed: {}", golden.display());
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!("golden check FAILED against {}: {}", golden.display(), golden::settings_line(&expected, &got));
    eprintln!("{} difference(s), headline metrics first:", differences.len());
    let differences = golden::headline_first(differences);
    let width = differences.iter().map(|d| d.path.len()).max().unwrap_or(0).min(70);
    eprintln!("{:width$}  {:>24}  {:>24}", "metric", "expected", "got");
    for d in differences.iter().take(50) {
        eprintln!("{:width$}  {:>24}  {:>24}", d.path, d.expected, d.got);
    }
    if differences.len() > 50 {
        eprintln!("… and {} more", differences.len() - 50);
    }
    Ok(ExitCode::from(1))
}
