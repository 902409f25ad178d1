//! `scsim sweep` (a grid of runs on common random numbers, resumable and shardable) and
//! `scsim optimize` (a pattern search over integer parameters).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;
use serde_json::Value;

use scsim::experiment::points;
use scsim::experiment::shard::{PointResult, Shard, SweepShard, SweepSpec, parse_shard};
use scsim::experiment::sweep::{self, Parameter, parse_set};
use scsim::model::Objective;
use scsim::report::folder::Staging;
use scsim::report::sweep_plots;
use scsim::report::table::format_value;
use scsim::scenario::ScenarioFile;

use super::{InputError, Output, Overrides, commit, load, progress_bar, write};

#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Scenario file (JSON).
    scenario: PathBuf,
    /// A parameter and its values: PATH=2,4,8 or PATH=80..140:10 (repeat for a grid; default:
    /// the scenario's `sweep` section).
    #[arg(long = "set", value_name = "PATH=VALUES", value_parser = parse_set)]
    set: Vec<Parameter>,
    #[command(flatten)]
    overrides: Overrides,
    #[command(flatten)]
    output: Output,
    /// Stop, without running anything, if any point is invalid (default: skip and report it).
    #[arg(long)]
    strict: bool,
    /// Compute only shard i of n of the points (e.g. 0/4), for `scsim merge`.
    #[arg(long, value_name = "i/n", value_parser = parse_shard)]
    shard: Option<Shard>,
    /// Keep the points already computed (in the output folder, or left by an interrupted
    /// sweep into it) and compute only the others.
    #[arg(long)]
    resume: bool,
    /// No progress bar and no summary.
    #[arg(long, short)]
    quiet: bool,
    /// Also write PNG images of the plots.
    #[arg(long)]
    png: bool,
}

/// The scenario name of a sweep (from its scenario text).
pub fn sweep_name(spec: &SweepSpec) -> Result<String> {
    let file = ScenarioFile::parse(spec.origin.scenario.as_bytes(), Path::new(&spec.origin.scenario_file))?;
    Ok(file.scenario.name.clone().unwrap_or_else(|| {
        Path::new(&spec.origin.scenario_file)
            .file_stem()
            .map_or("scenario".into(), |s| s.to_string_lossy().into_owned())
    }))
}

/// The parameters of the scenario's `sweep` section.
fn section_parameters(file: &ScenarioFile) -> Result<Vec<Parameter>> {
    let mut out = Vec::new();
    for (i, p) in file.scenario.sweep.iter().enumerate() {
        let values = match (&p.values, p.from, p.to) {
            (Some(v), None, None) => v.clone(),
            (None, Some(from), Some(to)) => {
                sweep::range(&from.to_string(), &to.to_string(), &p.step.unwrap_or(1.0).to_string())
                    .map_err(|e| InputError(format!("sweep[{i}]: {e}")))?
            }
            _ => {
                return Err(InputError(format!("sweep[{i}]: give either `values` or `from` and `to`")).into());
            }
        };
        out.push(Parameter { path: p.path.clone(), values });
    }
    Ok(out)
}

pub fn sweep(args: &SweepArgs) -> Result<ExitCode> {
    let loaded = load(&args.scenario, &args.overrides)?;
    let base = &loaded.model;
    let parameters = if args.set.is_empty() {
        let mut file = ScenarioFile::read(&args.scenario)?;
        args.overrides.apply(&mut file.scenario);
        section_parameters(&file)?
    } else {
        args.set.clone()
    };
    if parameters.is_empty() {
        return Err(InputError(
            "nothing to sweep: give --set PATH=VALUES or a `sweep` section in the scenario".into(),
        )
        .into());
    }
    let mut doc: Value = serde_json::from_str(&loaded.text).context("the scenario parsed once already")?;
    for p in &parameters {
        sweep::apply(&mut doc.clone(), &p.path, &p.values[0]).map_err(|e| InputError(e.to_string()))?;
    }
    args.overrides.apply_json(&mut doc);
    let spec = SweepSpec { origin: loaded.origin(&args.scenario, 0), parameters };
    let grid = sweep::grid(&spec.parameters);
    let range = match args.shard {
        Some(Shard { index: i, count: n }) => sweep::share(grid.len(), i as usize, n as usize),
        None => 0..grid.len(),
    };
    let suffix =
        args.shard.map_or(String::new(), |Shard { index: i, count: n }| format!("-sweep-shard-{i}-of-{n}"));
    let staging = args.output.stage(&base.name, &suffix, args.resume)?;
    let dir = staging.path().to_path_buf();
    std::fs::create_dir_all(dir.join("points")).context("cannot create the points folder")?;
    let pending = points::pending(&doc, &spec, range.clone(), &dir, args.resume);
    let invalid = pending.invalid();
    if args.strict && !invalid.is_empty() {
        let list: Vec<String> = invalid
            .iter()
            .map(|p| format!("point {} {}: {}", p.index, show(&spec, &grid[p.index]), p.reason))
            .collect();
        return Err(InputError(format!(
            "{} invalid point(s) and --strict:\n{}",
            invalid.len(),
            list.join("\n")
        ))
        .into());
    }
    let bar = progress_bar(pending.valid() as u64 * base.replications as u64, "replications", args.quiet);
    let pool = args.overrides.pool()?;
    let points = pool.install(|| points::run_points(&spec, pending, &dir, &|n| bar.inc(n)))?;
    bar.finish_and_clear();
    for p in points.iter().filter(|p| p.invalid.is_some()) {
        eprintln!(
            "skipped invalid point {} {}: {}",
            p.index,
            show(&spec, &p.values),
            p.invalid.as_deref().unwrap_or("")
        );
    }
    match args.shard {
        Some(shard) => write_shard(staging, spec, shard, range, args.quiet),
        None => write_sweep(staging, &spec, &points, loaded.model.objective(), args),
    }
}

/// Writes a shard's manifest and swaps its folder in.
fn write_shard(
    staging: Staging,
    spec: SweepSpec,
    Shard { index: i, count: n }: Shard,
    range: std::ops::Range<usize>,
    quiet: bool,
) -> Result<ExitCode> {
    let manifest = SweepShard { sweep: spec, shard: i, shards: n, points: range.collect() };
    write(&staging.path().join("sweep-shard.json"), &serde_json::to_vec(&manifest)?)?;
    let target = staging.target().to_path_buf();
    commit(staging, "sweep-shard")?;
    if !quiet {
        eprintln!("wrote sweep shard {i}/{n} ({} points) to {}", manifest.points.len(), target.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes the tables and plots of a whole sweep and swaps its folder in.
fn write_sweep(
    staging: Staging,
    spec: &SweepSpec,
    points: &[PointResult],
    objective: &Objective,
    args: &SweepArgs,
) -> Result<ExitCode> {
    points::write_tables(staging.path(), spec, points)?;
    write_plots(staging.path(), spec, points, args.png)?;
    let target = staging.target().to_path_buf();
    commit(staging, "sweep")?;
    if !args.quiet {
        print_done(&target, spec, points, objective);
    }
    Ok(ExitCode::SUCCESS)
}

/// `path=value, …` of a point.
fn show(spec: &SweepSpec, values: &[Value]) -> String {
    let parts: Vec<String> =
        spec.parameters.iter().zip(values).map(|(p, v)| format!("{}={v}", p.path)).collect();
    format!("({})", parts.join(", "))
}

/// Writes the sweep plots into `dir`.
pub fn write_plots(dir: &Path, spec: &SweepSpec, points: &[PointResult], png: bool) -> Result<()> {
    let plots = dir.join("plots");
    std::fs::create_dir_all(&plots).context("cannot create the plots folder")?;
    for plot in sweep_plots::plots(spec, points) {
        write(&plots.join(format!("{}.svg", plot.name)), plot.svg.as_bytes())?;
        if png {
            let path = plots.join(format!("{}.png", plot.name));
            plot.png(&path)?;
        }
    }
    Ok(())
}

/// Prints where the sweep is (`dir`) and its best points.
fn print_done(dir: &Path, spec: &SweepSpec, points: &[PointResult], objective: &Objective) {
    let ok = points.iter().filter(|p| p.invalid.is_none()).count();
    println!(
        "{} points ({} invalid) written to {}",
        points.len(),
        points.len() - ok,
        dir.join("sweep.csv").display()
    );
    print_best(spec, points, objective);
}

/// For each policy, its best point by the scenario's objective.
fn print_best(spec: &SweepSpec, points: &[PointResult], objective: &Objective) {
    let key = objective.key();
    let share = objective.metric.def().share;
    let value = |m: &scsim::report::json::Metrics, k: &str, share: bool| {
        m.get(k).map_or("n/a".into(), |s| {
            format_value(s.mean.unwrap_or(f64::NAN), s.half_width.unwrap_or(f64::NAN), share, false)
        })
    };
    println!("  best points ({}):", objective.describe());
    for best in points::best_points(points, objective) {
        println!(
            "  {}: {key} {} at {} (fill rate {})",
            best.policy,
            value(best.metrics, key, share),
            show(spec, &best.point.values),
            value(best.metrics, "fill_rate", true)
        );
    }
}
