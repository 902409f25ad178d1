//! `scsim sweep` (a grid of runs on common random numbers, resumable and shardable) and
//! `scsim optimize` (a pattern search over integer parameters).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;
use rayon::prelude::*;
use serde_json::Value;

use scsim::experiment::merge::point_path;
use scsim::experiment::optimize::{Constraint, Evaluation, search};
use scsim::experiment::shard::{Origin, PointResult, SweepShard, SweepSpec, parse_shard};
use scsim::experiment::sweep::{self, Parameter, parse_set};
use scsim::experiment::{self, RunSpec};
use scsim::metrics::{METRICS, metric_index};
use scsim::model::{Model, ScenarioFile};
use scsim::report::json::{Metrics, Stat};
use scsim::report::sweep_plots;
use scsim::report::table::format_value;
use scsim::scenario::error::ScenarioError;

use super::{InputError, Overrides, folder_name, load, out_dir, progress_bar, settings, write};

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
    /// Output folder (default: output/<scenario name>).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Stop, without running anything, if any point is invalid (default: skip and report it).
    #[arg(long)]
    strict: bool,
    /// Compute only shard i of n of the points (e.g. 0/4), for `scsim merge`.
    #[arg(long, value_name = "i/n", value_parser = parse_shard)]
    shard: Option<(u32, u32)>,
    /// Keep the points already computed in the output folder and compute only the others.
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

/// A scenario document with `point` substituted, validated.
fn point_model(doc: &Value, spec: &SweepSpec, point: &[Value]) -> Result<Model, String> {
    let doc = sweep::substitute(doc, &spec.parameters, point)?;
    let bytes = serde_json::to_vec(&doc).map_err(|e| e.to_string())?;
    let file =
        ScenarioFile::parse(&bytes, Path::new(&spec.origin.scenario_file)).map_err(|e| e.to_string())?;
    Model::build(&file).map_err(|e| match e {
        ScenarioError::Invalid { problems, .. } => {
            problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
        }
        other => other.to_string(),
    })
}

/// Runs a model without daily series and returns each policy's total metrics.
fn simulate(model: &Model, progress: &(dyn Fn(u64) + Sync)) -> Vec<(String, Metrics)> {
    let spec = RunSpec { replications: model.replications, seed: model.seed, baseline: 0, daily: false };
    let stats = experiment::run(model, &spec, &mut |_| {}, progress);
    model
        .policies
        .iter()
        .zip(&stats.policies)
        .map(|(p, s)| {
            let metrics =
                METRICS.iter().zip(&s.ordered.total).map(|(d, m)| (d.key.to_string(), Stat::of(m))).collect();
            (p.name.clone(), metrics)
        })
        .collect()
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
        sweep::apply(&mut doc.clone(), &p.path, &p.values[0]).map_err(InputError)?;
    }
    args.overrides.apply_json(&mut doc);
    let spec = SweepSpec {
        origin: Origin {
            scsim_version: scsim::VERSION.to_string(),
            scenario_file: args.scenario.display().to_string(),
            scenario: loaded.text.clone(),
            settings: settings(base, 0),
        },
        parameters,
    };
    let grid = sweep::grid(&spec.parameters);
    let todo_range = match args.shard {
        Some((i, n)) => sweep::share(grid.len(), i as usize, n as usize),
        None => 0..grid.len(),
    };
    let suffix = args.shard.map_or(String::new(), |(i, n)| format!("-sweep-shard-{i}-of-{n}"));
    let dir = out_dir(args.out.as_deref(), base, &suffix)?;
    std::fs::create_dir_all(dir.join("points")).context("cannot create the points folder")?;

    // Points already done (--resume), then every other point validated before anything runs.
    let mut done: Vec<Option<PointResult>> = vec![None; grid.len()];
    if args.resume {
        for k in todo_range.clone() {
            if let Ok(bytes) = std::fs::read(point_path(&dir, k))
                && let Ok(p) = serde_json::from_slice::<PointResult>(&bytes)
                && p.sweep == spec
                && p.index == k
            {
                done[k] = Some(p);
            }
        }
    }
    let todo: Vec<usize> = todo_range.clone().filter(|&k| done[k].is_none()).collect();
    let models: Vec<(usize, Result<Model, String>)> =
        todo.iter().map(|&k| (k, point_model(&doc, &spec, &grid[k]))).collect();
    let invalid: Vec<(usize, &String)> =
        models.iter().filter_map(|(k, m)| m.as_ref().err().map(|e| (*k, e))).collect();
    if args.strict && !invalid.is_empty() {
        let list: Vec<String> =
            invalid.iter().map(|(k, e)| format!("point {k} {}: {e}", show(&spec, &grid[*k]))).collect();
        return Err(InputError(format!(
            "{} invalid point(s) and --strict:\n{}",
            invalid.len(),
            list.join("\n")
        ))
        .into());
    }
    let valid = models.iter().filter(|(_, m)| m.is_ok()).count() as u64;
    let bar = progress_bar(valid * base.replications as u64, "replications", args.quiet);
    let pool = args.overrides.pool()?;
    let results: Vec<Result<PointResult>> = pool.install(|| {
        models
            .into_par_iter()
            .map(|(k, model)| {
                let (invalid, policies) = match model {
                    Ok(m) => (None, simulate(&m, &|n| bar.inc(n))),
                    Err(e) => (Some(e), Vec::new()),
                };
                let point =
                    PointResult { sweep: spec.clone(), index: k, values: grid[k].clone(), invalid, policies };
                write(&point_path(&dir, k), &serde_json::to_vec(&point)?)?;
                Ok(point)
            })
            .collect()
    });
    bar.finish_and_clear();
    for r in results {
        let p = r?;
        let k = p.index;
        done[k] = Some(p);
    }
    let points: Vec<PointResult> = done.into_iter().flatten().collect();
    for p in points.iter().filter(|p| p.invalid.is_some()) {
        eprintln!(
            "skipped invalid point {} {}: {}",
            p.index,
            show(&spec, &p.values),
            p.invalid.as_deref().unwrap_or("")
        );
    }
    if let Some((i, n)) = args.shard {
        let manifest = SweepShard { sweep: spec, shard: i, shards: n, points: todo_range.collect() };
        write(&dir.join("sweep-shard.json"), &serde_json::to_vec(&manifest)?)?;
        if !args.quiet {
            eprintln!("wrote sweep shard {i}/{n} ({} points) to {}", manifest.points.len(), dir.display());
        }
        return Ok(ExitCode::SUCCESS);
    }
    finish(&dir, &spec, &points, args.png, args.quiet)?;
    Ok(ExitCode::SUCCESS)
}

/// `path=value, …` of a point.
fn show(spec: &SweepSpec, values: &[Value]) -> String {
    let parts: Vec<String> =
        spec.parameters.iter().zip(values).map(|(p, v)| format!("{}={v}", p.path)).collect();
    format!("({})", parts.join(", "))
}

/// Writes `sweep.csv`, `sweep-invalid.csv` and the sweep plots from every point of a sweep.
pub fn finish(dir: &Path, spec: &SweepSpec, points: &[PointResult], png: bool, quiet: bool) -> Result<()> {
    let mut csv = String::from("point");
    for p in &spec.parameters {
        csv.push_str(&format!(",{}", quote(&p.path)));
    }
    csv.push_str(",policy");
    for m in METRICS {
        csv.push_str(&format!(",{0}_mean,{0}_half_width", m.key));
    }
    csv.push('\n');
    let mut invalid = String::from("point");
    for p in &spec.parameters {
        invalid.push_str(&format!(",{}", quote(&p.path)));
    }
    invalid.push_str(",reason\n");
    for point in points {
        let values: Vec<String> = point.values.iter().map(|v| quote(&plain(v))).collect();
        if let Some(reason) = &point.invalid {
            invalid.push_str(&format!("{},{},{}\n", point.index, values.join(","), quote(reason)));
            continue;
        }
        for (policy, metrics) in &point.policies {
            csv.push_str(&format!("{},{},{}", point.index, values.join(","), quote(policy)));
            for m in METRICS {
                let s = metrics.get(m.key);
                let cell = |x: Option<f64>| x.map_or(String::new(), |v| v.to_string());
                csv.push_str(&format!(
                    ",{},{}",
                    cell(s.and_then(|s| s.mean)),
                    cell(s.and_then(|s| s.half_width))
                ));
            }
            csv.push('\n');
        }
    }
    write(&dir.join("sweep.csv"), csv.as_bytes())?;
    write(&dir.join("sweep-invalid.csv"), invalid.as_bytes())?;
    let plots = dir.join("plots");
    std::fs::create_dir_all(&plots).context("cannot create the plots folder")?;
    for plot in sweep_plots::plots(spec, points) {
        write(&plots.join(format!("{}.svg", plot.name)), plot.svg.as_bytes())?;
        if png {
            let path = plots.join(format!("{}.png", plot.name));
            plot.png(&path)?;
        }
    }
    if !quiet {
        let ok = points.iter().filter(|p| p.invalid.is_none()).count();
        println!(
            "{} points ({} invalid) written to {}",
            points.len(),
            points.len() - ok,
            dir.join("sweep.csv").display()
        );
        print_best(spec, points);
    }
    Ok(())
}

/// For each policy, the point with the lowest total cost per day.
fn print_best(spec: &SweepSpec, points: &[PointResult]) {
    let Some(first) = points.iter().find(|p| p.invalid.is_none()) else { return };
    for (k, (policy, _)) in first.policies.iter().enumerate() {
        let cost = |p: &PointResult| {
            p.policies.get(k).and_then(|(_, m)| m.get("cost_total_per_day")).and_then(|s| s.mean)
        };
        if let Some(best) = points
            .iter()
            .filter(|p| cost(p).is_some())
            .min_by(|a, b| cost(a).partial_cmp(&cost(b)).expect("finite"))
        {
            let m = &best.policies[k].1;
            let fill = m.get("fill_rate").map(|s| {
                format_value(s.mean.unwrap_or(f64::NAN), s.half_width.unwrap_or(f64::NAN), true, false)
            });
            println!(
                "  {policy}: lowest total cost per day {} at {} (fill rate {})",
                m.get("cost_total_per_day").and_then(|s| s.mean).map_or("n/a".into(), |c| format!("{c:.4}")),
                show(spec, &best.values),
                fill.unwrap_or_else(|| "n/a".into())
            );
        }
    }
}

fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn quote(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

#[derive(Debug, Args)]
pub struct OptimizeArgs {
    /// Scenario file (JSON).
    scenario: PathBuf,
    /// A parameter to search and its integer bounds: PATH=LO..HI (repeat for several).
    #[arg(long = "param", value_name = "PATH=LO..HI", required = true)]
    params: Vec<String>,
    /// Metric to minimise (e.g. cost_total_per_day).
    #[arg(long, required_unless_present = "maximize", conflicts_with = "maximize")]
    minimize: Option<String>,
    /// Metric to maximise instead.
    #[arg(long)]
    maximize: Option<String>,
    /// Constraints on metric means, e.g. 'fill_rate>=0.98' (repeat for several).
    #[arg(long = "subject-to", value_name = "METRIC>=VALUE")]
    constraints: Vec<String>,
    /// The policy whose metrics count (default: the one the first path names, else the first).
    #[arg(long)]
    policy: Option<String>,
    #[command(flatten)]
    overrides: Overrides,
    /// Output folder for optimize.json (default: output/<scenario name>).
    #[arg(long)]
    out: Option<PathBuf>,
    /// No summary on the terminal.
    #[arg(long, short)]
    quiet: bool,
}

fn known_metric(key: &str) -> Result<usize> {
    metric_index(key).ok_or_else(|| {
        let keys: Vec<&str> = METRICS.iter().map(|m| m.key).collect();
        InputError(format!("unknown metric {key:?}; metrics: {}", keys.join(", "))).into()
    })
}

pub fn optimize(args: &OptimizeArgs) -> Result<ExitCode> {
    let loaded = load(&args.scenario, &args.overrides)?;
    let mut params = Vec::new();
    for text in &args.params {
        let (path, range) =
            text.split_once('=').ok_or_else(|| InputError(format!("{text:?}: expected PATH=LO..HI")))?;
        let (lo, hi) =
            range.split_once("..").ok_or_else(|| InputError(format!("{text:?}: expected PATH=LO..HI")))?;
        let (lo, hi) = (lo.trim().parse::<i64>(), hi.trim().parse::<i64>());
        match (lo, hi) {
            (Ok(lo), Ok(hi)) if lo <= hi => params.push((path.to_string(), lo, hi)),
            _ => return Err(InputError(format!("{text:?}: LO and HI must be integers with LO ≤ HI")).into()),
        }
    }
    let (key, maximize) = match (&args.minimize, &args.maximize) {
        (Some(k), _) => (k.clone(), false),
        (None, Some(k)) => (k.clone(), true),
        (None, None) => unreachable!("clap requires one"),
    };
    known_metric(&key)?;
    let constraints: Vec<Constraint> = args
        .constraints
        .iter()
        .map(|c| Constraint::parse(c).map_err(InputError))
        .collect::<Result<_, _>>()?;
    for c in &constraints {
        known_metric(&c.metric)?;
    }
    let policy = args.policy.clone().unwrap_or_else(|| {
        params[0]
            .0
            .strip_prefix("policies.")
            .and_then(|rest| rest.split('.').next())
            .filter(|name| loaded.model.policies.iter().any(|p| &p.name == name))
            .map_or_else(|| loaded.model.policies[0].name.clone(), str::to_string)
    });
    super::baseline(&loaded.model, Some(&policy))?;

    // The scenario with only the policy that counts, so each evaluation simulates just it.
    let mut doc: Value = serde_json::from_str(&loaded.text).context("the scenario parsed once already")?;
    args.overrides.apply_json(&mut doc);
    if let Some(list) = doc.get_mut("policies").and_then(Value::as_array_mut) {
        list.retain(|p| p.get("name").and_then(Value::as_str) == Some(policy.as_str()));
    }
    let spec = SweepSpec {
        origin: Origin {
            scsim_version: scsim::VERSION.to_string(),
            scenario_file: args.scenario.display().to_string(),
            scenario: loaded.text.clone(),
            settings: settings(&loaded.model, 0),
        },
        parameters: params
            .iter()
            .map(|(p, lo, _)| Parameter { path: p.clone(), values: vec![Value::from(*lo)] })
            .collect(),
    };
    for p in &spec.parameters {
        sweep::apply(&mut doc.clone(), &p.path, &p.values[0]).map_err(InputError)?;
    }
    let pool = args.overrides.pool()?;
    let mut log: Vec<(Vec<i64>, Result<Metrics, String>)> = Vec::new();
    let bounds: Vec<(i64, i64)> = params.iter().map(|(_, lo, hi)| (*lo, *hi)).collect();
    let result = search(&bounds, &mut |points| {
        let evaluated: Vec<Result<Metrics, String>> = pool.install(|| {
            points
                .par_iter()
                .map(|point| {
                    let values: Vec<Value> = point.iter().map(|&v| Value::from(v)).collect();
                    let model = point_model(&doc, &spec, &values)?;
                    Ok(simulate(&model, &|_| {}).remove(0).1)
                })
                .collect()
        });
        let evals = evaluated
            .iter()
            .map(|r| match r {
                Ok(m) => {
                    let mean = |k: &str| m.get(k).and_then(|s| s.mean).unwrap_or(f64::NAN);
                    let objective = if maximize { -mean(&key) } else { mean(&key) };
                    let slack =
                        constraints.iter().map(|c| c.slack(mean(&c.metric))).fold(f64::INFINITY, f64::min);
                    Evaluation {
                        objective: if objective.is_nan() { f64::INFINITY } else { objective },
                        slack: if slack.is_nan() { f64::NEG_INFINITY } else { slack },
                    }
                }
                Err(_) => Evaluation { objective: f64::INFINITY, slack: f64::NEG_INFINITY },
            })
            .collect();
        log.extend(points.iter().cloned().zip(evaluated));
        evals
    });
    let best_metrics = log
        .iter()
        .find(|(p, _)| *p == result.best)
        .and_then(|(_, m)| m.as_ref().ok())
        .cloned()
        .unwrap_or_default();
    let dir = args.out.clone().unwrap_or_else(|| Path::new("output").join(folder_name(&loaded.model.name)));
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let report = serde_json::json!({
        "scsim_version": scsim::VERSION,
        "scenario": args.scenario.display().to_string(),
        "policy": policy,
        "objective": {"metric": key, "direction": if maximize { "maximize" } else { "minimize" }},
        "constraints": args.constraints,
        "replications": loaded.model.replications,
        "seed": loaded.model.seed,
        "best": params.iter().zip(&result.best).map(|((p, _, _), v)| (p.clone(), Value::from(*v))).collect::<serde_json::Map<_, _>>(),
        "feasible": result.evaluation.slack >= 0.0,
        "metrics": best_metrics,
        "evaluations": log.iter().map(|(p, m)| serde_json::json!({"point": p, "metrics": m.as_ref().ok(), "invalid": m.as_ref().err()})).collect::<Vec<_>>(),
    });
    write(&dir.join("optimize.json"), &serde_json::to_vec_pretty(&report)?)?;
    if !args.quiet {
        let show = |k: &str| {
            let s = best_metrics.get(k);
            let share = METRICS.iter().find(|m| m.key == k).is_some_and(|m| m.share);
            format_value(
                s.and_then(|s| s.mean).unwrap_or(f64::NAN),
                s.and_then(|s| s.half_width).unwrap_or(f64::NAN),
                share,
                false,
            )
        };
        let values: Vec<String> =
            params.iter().zip(&result.best).map(|((p, _, _), v)| format!("{p} = {v}")).collect();
        println!(
            "{} for policy {policy}: {}",
            if result.evaluation.slack >= 0.0 { "best" } else { "no feasible point; closest" },
            values.join(", ")
        );
        println!("  {key}: {}", show(&key));
        for c in &constraints {
            let s = best_metrics.get(&c.metric);
            let (m, h) =
                (s.and_then(|s| s.mean).unwrap_or(f64::NAN), s.and_then(|s| s.half_width).unwrap_or(0.0));
            let bound = if c.at_least { m - h } else { m + h };
            let sure =
                if c.slack(bound) >= 0.0 { "met even at the 95 % bound" } else { "met by the mean only" };
            println!(
                "  {}: {} — {} {} {} ({sure}: bound {bound:.6})",
                c.metric,
                show(&c.metric),
                c.metric,
                if c.at_least { ">=" } else { "<=" },
                c.bound
            );
        }
        println!(
            "  {} evaluations × {} replications; details in {}",
            result.evaluated.len(),
            loaded.model.replications,
            dir.join("optimize.json").display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
