//! `scsim sweep` (a grid of runs on common random numbers, resumable and shardable) and
//! `scsim optimize` (a pattern search over integer parameters).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;
use serde_json::Value;

use scsim::experiment::paths::{locate, unmatched};
use scsim::experiment::points::{self, InvalidPoint};
use scsim::experiment::shard::{PointResult, Shard, SweepShard, SweepSpec, parse_shard};
use scsim::experiment::sweep::{self, Grid, Parameter, parse_set};
use scsim::model::Objective;
use scsim::report::experiment_html;
use scsim::report::folder::Staging;
use scsim::report::sweep_plots;
use scsim::report::table::format_value;
use scsim::scenario::ScenarioFile;
use scsim::scenario::error::ScenarioError;

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
    /// Simulate only this policy (repeat for several; default: every policy).
    #[arg(long = "policy", value_name = "NAME")]
    policies: Vec<String>,
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

/// The objective a sweep's points are ranked by: its scenario's (built from the scenario text
/// the sweep recorded).
pub fn sweep_objective(spec: &SweepSpec) -> Result<Objective> {
    let file = ScenarioFile::parse(spec.origin.scenario.as_bytes(), Path::new(&spec.origin.scenario_file))?;
    Ok(scsim::model::Model::build(&file)?.objective().clone())
}

pub fn sweep(args: &SweepArgs) -> Result<ExitCode> {
    let loaded = load(&args.scenario, &args.overrides, args.output.force)?;
    let parameters = if args.set.is_empty() {
        let mut file = ScenarioFile::read(&args.scenario)?;
        args.overrides.apply(&mut file.scenario);
        let doc: Value = serde_json::from_str(&loaded.text).context("the scenario parsed once already")?;
        scsim::experiment::section::section(&file.scenario.sweep, &doc).map_err(|mut problems| {
            file.place(&mut problems);
            ScenarioError::Invalid { file: args.scenario.clone(), problems }
        })?
    } else {
        args.set.clone()
    };
    if parameters.is_empty() {
        return Err(InputError(
            "nothing to sweep: give --set PATH=VALUES or a `sweep` section in the scenario".into(),
        )
        .into());
    }
    no_repeats(parameters.iter().map(|p| p.path.as_str()), "--set")?;
    check_grid(&parameters, args.output.force)?;
    let mut doc: Value = serde_json::from_str(&loaded.text).context("the scenario parsed once already")?;
    args.overrides.apply_json(&mut doc);
    let doc = only_policies(&doc, &loaded.model, &args.policies)?;
    check_paths(
        &args.scenario,
        &loaded.text,
        &doc,
        parameters.iter().map(|p| (p.path.as_str(), &p.values[0])),
    )?;
    let base = &loaded.model;
    let first = args
        .policies
        .first()
        .map_or(0, |name| base.policies.iter().position(|p| &p.name == name).unwrap_or(0));
    let spec = SweepSpec { origin: loaded.origin(&args.scenario, first), parameters };
    let grid = Grid::new(&spec.parameters);
    let range = match args.shard {
        Some(Shard { index: i, count: n }) => sweep::share(grid.len(), i as usize, n as usize),
        None => 0..grid.len(),
    };
    let suffix =
        args.shard.map_or("-sweep".into(), |Shard { index: i, count: n }| format!("-sweep-shard-{i}-of-{n}"));
    let staging = args.output.stage(&base.name, &suffix, args.resume)?;
    let dir = staging.path().to_path_buf();
    let pending = points::pending(&doc, &spec, range.clone(), &dir, args.resume);
    let nothing_valid = pending.valid.is_empty() && pending.saved.is_empty();
    if (args.strict && !pending.invalid.is_empty()) || (args.shard.is_none() && nothing_valid) {
        return Err(InputError(invalid_message(&spec, &grid, &pending.invalid, args.strict)).into());
    }
    std::fs::create_dir_all(dir.join("points")).context("cannot create the points folder")?;
    let bar = progress_bar(pending.valid.len() as u64 * base.replications as u64, "replications", args.quiet);
    let pool = args.overrides.pool()?;
    pool.install(|| points::run_points(&doc, &spec, &pending, &dir, &|n| bar.inc(n)))?;
    bar.finish_and_clear();
    for p in pending.invalid.iter().take(20) {
        eprintln!("skipped invalid point {} {}: {}", p.index, show(&spec, &grid.point(p.index)), p.reason);
    }
    if pending.invalid.len() > 20 {
        eprintln!("… and {} more invalid points (all in sweep-invalid.csv)", pending.invalid.len() - 20);
    }
    match args.shard {
        Some(shard) => write_shard(staging, spec, shard, range, args.quiet),
        None => write_sweep(staging, &spec, range, loaded.model.objective(), args),
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
    range: std::ops::Range<usize>,
    objective: &Objective,
    args: &SweepArgs,
) -> Result<ExitCode> {
    let points = points::write_tables(staging.path(), spec, points::read_points(staging.path(), range))?;
    write_report(staging.path(), spec, &points, objective, args.png)?;
    let target = staging.target().to_path_buf();
    commit(staging, "sweep")?;
    if !args.quiet {
        print_done(&target, spec, &points, objective);
    }
    Ok(ExitCode::SUCCESS)
}

/// Refuses a path given twice (`what` is the flag).
pub fn no_repeats<'a>(paths: impl Iterator<Item = &'a str>, what: &str) -> Result<()> {
    let mut seen = std::collections::BTreeSet::new();
    for path in paths {
        if !seen.insert(path) {
            return Err(InputError(format!("{what} {path} is given twice; give each path once")).into());
        }
    }
    Ok(())
}

/// Refuses a grid of more points than allowed (10,000, or 1,000,000 with `--force`).
fn check_grid(parameters: &[Parameter], force: bool) -> Result<()> {
    let size = sweep::grid_size(parameters);
    let limit = if force { sweep::MAX_POINTS } else { sweep::DEFAULT_POINT_LIMIT };
    if size <= limit {
        return Ok(());
    }
    let sizes: Vec<String> = parameters.iter().map(|p| p.values.len().to_string()).collect();
    let hint = if force {
        "the most any sweep may have".to_string()
    } else {
        format!("give --force for up to {}", sweep::MAX_POINTS)
    };
    Err(InputError(format!(
        "the grid has {size} points ({} values); at most {limit} ({hint}); sweep fewer values or split the sweep",
        sizes.join(" × ")
    ))
    .into())
}

/// Checks that every path names something in the scenario: in the user's file (exit 2 with
/// the line, the column and the nearest valid paths), then in `doc` (the document after the
/// overrides and `--policy`).
pub fn check_paths<'a>(
    file: &Path,
    text: &str,
    doc: &Value,
    paths: impl Iterator<Item = (&'a str, &'a Value)>,
) -> Result<()> {
    for (path, value) in paths {
        if let Some(problem) = unmatched(text, &file.display().to_string(), path) {
            return Err(InputError(problem.to_string()).into());
        }
        sweep::apply(&mut doc.clone(), path, value)
            .map_err(|e| InputError(format!("{e} (only the policies given with --policy are kept)")))?;
    }
    Ok(())
}

/// The scenario document with only the named policies (all when `names` is empty).
pub fn only_policies(doc: &Value, model: &scsim::model::Model, names: &[String]) -> Result<Value> {
    if names.is_empty() {
        return Ok(doc.clone());
    }
    no_repeats(names.iter().map(String::as_str), "--policy")?;
    for name in names {
        super::baseline(model, Some(name))?;
    }
    let mut doc = doc.clone();
    if let Some(list) = doc.get_mut("policies").and_then(Value::as_array_mut) {
        list.retain(|p| p.get("name").and_then(Value::as_str).is_some_and(|n| names.iter().any(|m| m == n)));
    }
    Ok(doc)
}

/// The message for invalid points that stop a sweep: with `--strict`, or when every point is
/// invalid. The distinct reasons, and where the swept fields are in the user's file.
fn invalid_message(spec: &SweepSpec, grid: &Grid, invalid: &[InvalidPoint], strict: bool) -> String {
    let mut reasons: Vec<&str> = invalid.iter().map(|p| p.reason.as_str()).collect();
    reasons.sort_unstable();
    reasons.dedup();
    let examples: Vec<String> = reasons
        .iter()
        .take(5)
        .filter_map(|r| invalid.iter().find(|p| p.reason == *r))
        .map(|p| format!("  - point {} {}: {}", p.index, show(spec, &grid.point(p.index)), p.reason))
        .collect();
    let fields: Vec<String> = spec
        .parameters
        .iter()
        .map(|p| match locate(&spec.origin.scenario, &p.path) {
            Some((line, column)) => format!("{} (at {}:{line}:{column})", p.path, spec.origin.scenario_file),
            None => p.path.clone(),
        })
        .collect();
    let head = if strict {
        format!("{} invalid point(s) and --strict", invalid.len())
    } else {
        format!("every one of the {} points is invalid; nothing to simulate", invalid.len())
    };
    format!(
        "{head}; {} distinct reason(s){}:\n{}\nthe swept fields: {}",
        reasons.len(),
        if reasons.len() > 5 { ", the first 5" } else { "" },
        examples.join("\n"),
        fields.join(", ")
    )
}

/// `path=value, …` of a point.
fn show(spec: &SweepSpec, values: &[Value]) -> String {
    let parts: Vec<String> =
        spec.parameters.iter().zip(values).map(|(p, v)| format!("{}={v}", p.path)).collect();
    format!("({})", parts.join(", "))
}

/// Writes the sweep plots and the sweep's report.html into `dir`.
pub fn write_report(
    dir: &Path,
    spec: &SweepSpec,
    points: &[PointResult],
    objective: &Objective,
    png: bool,
) -> Result<()> {
    let plots = dir.join("plots");
    std::fs::create_dir_all(&plots).context("cannot create the plots folder")?;
    let drawn = sweep_plots::plots(spec, points);
    for plot in &drawn {
        write(&plots.join(format!("{}.svg", plot.name)), plot.svg.as_bytes())?;
        if png {
            let path = plots.join(format!("{}.png", plot.name));
            plot.png(&path)?;
        }
    }
    let page = experiment_html::sweep_report(&sweep_name(spec)?, spec, points, objective, &drawn);
    write(&dir.join("report.html"), page.as_bytes())?;
    Ok(())
}

/// Prints where the sweep is (`dir`) and its best points.
fn print_done(dir: &Path, spec: &SweepSpec, points: &[PointResult], objective: &Objective) {
    let ok = points.iter().filter(|p| p.invalid.is_none()).count();
    println!(
        "{} points ({} invalid) written to {} and {}",
        points.len(),
        points.len() - ok,
        dir.join("sweep.csv").display(),
        dir.join("report.html").display()
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
