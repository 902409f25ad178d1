//! `scsim optimize`: a pattern search over integer parameters (see `experiment::optimize`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;
use serde_json::Value;

use scsim::experiment::optimize::{
    Bounds, Constraint, Objective, Optimum, Question, only_policy, optimize as search, write_result,
};
use scsim::experiment::per_pair::{
    COARSE_REPLICATIONS, Outcome, PerPairError, Question as PairQuestion, Target, couplings, optimize_pairs,
    parameter, policy_table_bytes, results_bytes,
};
use scsim::experiment::shard::SweepSpec;
use scsim::experiment::sweep::Parameter;
use scsim::metrics::{METRICS, metric_index};
use scsim::report::experiment_html;
use scsim::report::plots::frontier_svg;
use scsim::report::table::format_value;

use super::{InputError, Loaded, Output, Overrides, commit, load};

#[derive(Debug, Args)]
pub struct OptimizeArgs {
    /// Scenario file (JSON).
    scenario: PathBuf,
    /// A parameter to search and its integer bounds: PATH=LO..HI (repeat for several).
    #[arg(long = "param", value_name = "PATH=LO..HI", required = true)]
    params: Vec<String>,
    /// Metric to minimise (e.g. cost_total_per_day). Without --minimize or --maximize, the
    /// scenario's objective and its targets.
    #[arg(long, conflicts_with = "maximize")]
    minimize: Option<String>,
    /// Metric to maximise instead.
    #[arg(long)]
    maximize: Option<String>,
    /// Constraints on metric means, e.g. 'fill_rate>=0.98' (repeat for several; added to the
    /// scenario objective's targets when that is used).
    #[arg(long = "subject-to", value_name = "METRIC>=VALUE")]
    constraints: Vec<String>,
    /// The policy whose metrics count (default: the one the first path names, else the first).
    #[arg(long)]
    policy: Option<String>,
    /// Optimise every stocked pair on its own (one --param: inventory.S, inventory.s,
    /// inventory.r, or inventory.S_cover_days=LO..HI:STEP): the cheapest level meeting each
    /// pair's --subject-to targets; writes
    /// policy-table.csv.
    #[arg(long)]
    per_pair: bool,
    /// With --per-pair: one catalogue-wide target instead, 'fill_rate>=VALUE' (demand-weighted),
    /// reached at least cost by marginal analysis.
    #[arg(long, value_name = "fill_rate>=VALUE", requires = "per_pair")]
    aggregate_target: Option<String>,
    #[command(flatten)]
    overrides: Overrides,
    #[command(flatten)]
    output: Output,
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

/// What the arguments ask for, checked.
struct Problem {
    bounds: Vec<Bounds>,
    objective: Objective,
    constraints: Vec<Constraint>,
    /// The constraints as given (or as the scenario's targets read).
    constraint_texts: Vec<String>,
    policy: String,
}

fn problem(args: &OptimizeArgs, loaded: &Loaded) -> Result<Problem> {
    // A per-pair parameter has its own syntax (a decimal step for days of cover), read by
    // `per_pair`.
    let bounds: Vec<Bounds> = args
        .params
        .iter()
        .filter(|_| !args.per_pair)
        .map(|t| Bounds::parse(t).map_err(|e| InputError(e.to_string())))
        .collect::<Result<_, _>>()?;
    let mut constraint_texts = Vec::new();
    let objective = match (&args.minimize, &args.maximize) {
        (Some(k), _) => Objective { metric: k.clone(), maximize: false },
        (None, Some(k)) => Objective { metric: k.clone(), maximize: true },
        (None, None) => {
            let own = loaded.model.objective();
            constraint_texts.extend(own.targets.iter().map(|t| t.text()));
            Objective { metric: own.key().to_string(), maximize: own.maximize }
        }
    };
    constraint_texts.extend(args.constraints.iter().cloned());
    known_metric(&objective.metric)?;
    let constraints: Vec<Constraint> = constraint_texts
        .iter()
        .map(|c| Constraint::parse(c).map_err(|e| InputError(format!("--subject-to {e}"))))
        .collect::<Result<_, _>>()?;
    for c in &constraints {
        known_metric(&c.metric)?;
    }
    let paths: Vec<&str> =
        args.params.iter().map(|t| t.split_once('=').map_or(t.as_str(), |x| x.0)).collect();
    super::sweep::no_repeats(paths.iter().copied(), "--param")?;
    let policies = &loaded.model.policies;
    let policy = args.policy.clone().unwrap_or_else(|| {
        paths[0]
            .strip_prefix("policies.")
            .and_then(|rest| rest.split('.').next())
            .filter(|name| policies.iter().any(|p| &p.name == name))
            .map_or_else(|| policies[0].name.clone(), str::to_string)
    });
    super::baseline(&loaded.model, Some(&policy))?;
    Ok(Problem { bounds, objective, constraints, constraint_texts, policy })
}

pub fn optimize(args: &OptimizeArgs) -> Result<ExitCode> {
    let loaded = load(&args.scenario, &args.overrides, args.output.force)?;
    let problem = problem(args, &loaded)?;
    if args.per_pair {
        return per_pair(args, &loaded, &problem);
    }
    let mut doc: Value = serde_json::from_str(&loaded.text).context("the scenario parsed once already")?;
    args.overrides.apply_json(&mut doc);
    let doc = only_policy(&doc, &problem.policy);
    let spec = SweepSpec {
        origin: loaded.origin(&args.scenario, 0),
        parameters: problem
            .bounds
            .iter()
            .map(|b| Parameter { path: b.path.clone(), values: vec![Value::from(b.lo)] })
            .collect(),
    };
    let paths = spec.parameters.iter().map(|p| (p.path.as_str(), &p.values[0]));
    super::sweep::check_paths(&args.scenario, &loaded.text, &doc, paths)?;
    let staging = args.output.stage(&loaded.model.name, "-optimize", false)?;
    let pool = args.overrides.pool()?;
    let optimum =
        pool.install(|| search(&doc, &spec, &problem.bounds, &problem.objective, &problem.constraints));
    let question = Question {
        scenario_file: &args.scenario.display().to_string(),
        policy: &problem.policy,
        bounds: &problem.bounds,
        objective: &problem.objective,
        constraints: &problem.constraint_texts,
        replications: loaded.model.replications,
        seed: loaded.model.seed,
    };
    if optimum.all_invalid() {
        return Err(InputError(every_candidate_invalid(&optimum)).into());
    }
    let file = staging.target().join("optimize.json");
    write_result(staging.path(), &question, &optimum)
        .with_context(|| format!("cannot write {}", file.display()))?;
    let page = experiment_html::search_report(&loaded.model.name, &question, &optimum);
    super::write(&staging.path().join("report.html"), page.as_bytes())?;
    let dir = staging.target().to_path_buf();
    commit(staging, "optimize")?;
    if !args.quiet {
        print(&problem, &optimum, loaded.model.replications, &dir);
    }
    if !optimum.feasible {
        eprintln!(
            "no feasible point: no value in the bounds meets every --subject-to constraint by its mean (the closest is in {})",
            file.display()
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// The message for a search whose every candidate is invalid: the distinct reasons.
fn every_candidate_invalid(optimum: &Optimum) -> String {
    let mut reasons: Vec<String> =
        optimum.candidates.iter().filter_map(|c| c.metrics.as_ref().err().map(ToString::to_string)).collect();
    reasons.sort();
    reasons.dedup();
    let shown: Vec<String> = reasons.iter().take(5).map(|r| format!("  - {r}")).collect();
    format!(
        "every one of the {} candidates tried has an invalid scenario, so there is no best value; {}:\n{}",
        optimum.candidates.len(),
        if reasons.len() > 5 { "the first 5 reasons" } else { "why" },
        shown.join("\n")
    )
}

/// Prints the best values, the objective, each constraint and where the details are.
fn print(problem: &Problem, optimum: &Optimum, replications: u32, dir: &Path) {
    let show = |k: &str| {
        let s = optimum.metrics.get(k);
        let share = METRICS.iter().find(|m| m.key == k).is_some_and(|m| m.share);
        format_value(
            s.and_then(|s| s.mean).unwrap_or(f64::NAN),
            s.and_then(|s| s.half_width).unwrap_or(f64::NAN),
            share,
            false,
        )
    };
    let values: Vec<String> =
        problem.bounds.iter().zip(&optimum.best).map(|(b, v)| format!("{} = {v}", b.path)).collect();
    println!(
        "{} for policy {}: {}",
        if optimum.feasible { "best" } else { "no feasible point; closest" },
        problem.policy,
        values.join(", ")
    );
    let key = &problem.objective.metric;
    println!("  {key}: {}", show(key));
    for c in &problem.constraints {
        let s = optimum.metrics.get(&c.metric);
        let (m, h) =
            (s.and_then(|s| s.mean).unwrap_or(f64::NAN), s.and_then(|s| s.half_width).unwrap_or(0.0));
        let bound = if c.at_least { m - h } else { m + h };
        let sure = if c.slack(bound) >= 0.0 { "met even at the 95 % bound" } else { "met by the mean only" };
        let op = if c.at_least { ">=" } else { "<=" };
        println!(
            "  {}: {} — {} {op} {} ({sure}: bound {bound:.6})",
            c.metric,
            show(&c.metric),
            c.metric,
            c.bound
        );
    }
    println!(
        "  {} evaluations × {replications} replications; details in {} and {}",
        optimum.candidates.len(),
        dir.join("optimize.json").display(),
        dir.join("report.html").display()
    );
}

/// `--per-pair`: the cheapest level of every stocked pair (see `experiment::per_pair`).
fn per_pair(args: &OptimizeArgs, loaded: &Loaded, problem: &Problem) -> Result<ExitCode> {
    let [param] = args.params.as_slice() else {
        return Err(InputError(
            "--per-pair searches one --param (inventory.S, inventory.s, inventory.r, inventory.S_cover_days or inventory.service.z)"
                .into(),
        )
        .into());
    };
    let input = |e: PerPairError| anyhow::Error::from(InputError(e.to_string()));
    let model = &loaded.model;
    let policy = model.policies.iter().position(|p| p.name == problem.policy).expect("checked by problem()");
    let (field, lo, hi) = parameter(model, policy, param).map_err(input)?;
    let target = match &args.aggregate_target {
        Some(text) => {
            let c = Constraint::parse(text).map_err(|e| InputError(e.to_string()))?;
            Target::catalogue(&c, text).map_err(input)?
        }
        None => Target::EachPair(problem.constraints.clone()),
    };
    let question = PairQuestion { policy, field, lo, hi, objective: problem.objective.clone(), target };
    let why = couplings(model);
    if !why.is_empty() {
        return Err(input(PerPairError::Coupled(why)));
    }
    let staging = args.output.stage(&model.name, "-optimize", false)?;
    let pool = args.overrides.pool()?;
    let outcome = pool
        .install(|| optimize_pairs(model, &question, model.replications, model.seed, &mut |_| {}))
        .map_err(input)?;
    let dir = staging.path();
    super::write(&dir.join("policy-table.csv"), &policy_table_bytes(&problem.policy, &outcome))?;
    super::write(&dir.join("policy-table-results.csv"), &results_bytes(&problem.policy, &outcome))?;
    let svg = frontier_svg(&outcome.frontier, outcome.chosen);
    super::write(&dir.join("frontier.svg"), svg.as_bytes())?;
    let rows = facts(args, problem, model.replications, &outcome);
    let page = experiment_html::per_pair_report(&model.name, &rows, &svg);
    super::write(&dir.join("report.html"), page.as_bytes())?;
    let target_dir = staging.target().to_path_buf();
    commit(staging, "optimize")?;
    let missed = outcome.choices.iter().filter(|c| !c.meets_target).count();
    if !args.quiet {
        for (k, v) in &rows {
            println!("{k}: {v}");
        }
        println!("wrote {}", target_dir.join("policy-table.csv").display());
    }
    if !outcome.feasible {
        eprintln!(
            "the target is not met within the bounds ({missed} of {} pairs fall short; they are given the upper bound): see {}",
            outcome.choices.len(),
            target_dir.join("policy-table-results.csv").display()
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// The question and outcome of a per-pair search as facts (report and terminal).
fn facts(
    args: &OptimizeArgs,
    problem: &Problem,
    replications: u32,
    outcome: &Outcome,
) -> Vec<(&'static str, String)> {
    let direction = if problem.objective.maximize { "maximise" } else { "minimise" };
    let target = match &args.aggregate_target {
        Some(t) => format!("catalogue {t} (demand-weighted)"),
        None if problem.constraint_texts.is_empty() => "none".into(),
        None => format!("each pair {} (by the mean)", problem.constraint_texts.join(", ")),
    };
    let met = outcome.choices.iter().filter(|c| c.meets_target).count();
    vec![
        ("Scenario file", args.scenario.display().to_string()),
        ("Policy", problem.policy.clone()),
        ("Parameter", args.params[0].clone()),
        ("Objective per pair", format!("{direction} {}", problem.objective.metric)),
        ("Target", target),
        ("Pairs optimised", format!("{} ({met} meet the target)", outcome.choices.len())),
        ("Catalogue fill rate", format!("{:.4} %", outcome.chosen.fill_rate * 100.0)),
        ("Inventory investment", format!("{:.2}", outcome.chosen.investment)),
        (
            "Simulation",
            format!(
                "{} runs × {replications} replications ({} pair × level evaluations), {} steering runs × {} replications ({} evaluations); {} pair-replications simulated",
                outcome.runs,
                outcome.evaluations,
                outcome.coarse_runs,
                COARSE_REPLICATIONS.min(replications),
                outcome.coarse_evaluations,
                outcome.pair_replications
            ),
        ),
    ]
}
