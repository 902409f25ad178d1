//! Command-line interface (clap derive). Exit codes: 0 success, 1 a failure while running or
//! writing, 2 bad input (scenario file or arguments).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use scsim::error::ScenarioError;
use scsim::experiment::{self, RunSpec};
use scsim::model::{Model, ScenarioFile};
use scsim::report::data::RunData;
use scsim::report::plots::{Kind, png as plot_png, svg as plot_svg};
use scsim::report::{self, Run, RunInfo, csv::ReplicationsCsv};

/// scsim: simulate inventory policies under uncertain demand and supply, and compare their
/// fill rates, backorders and costs.
#[derive(Debug, Parser)]
#[command(name = "scsim", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a scenario: simulate every policy, print a summary, write output/<name>/.
    Run(RunArgs),
    /// Check a scenario file (every problem at once) without running it.
    Validate {
        /// Scenario file (JSON).
        scenario: PathBuf,
    },
    /// Print the JSON Schema of scenario files (for editor validation and completion).
    Schema,
    /// Redraw the plots and report.html of a finished run from its files, without simulating.
    Plot {
        /// The run's output folder (holding summary.json and daily.csv).
        dir: PathBuf,
        /// Also write PNG images.
        #[arg(long)]
        png: bool,
    },
}

#[derive(Debug, Args)]
struct RunArgs {
    /// Scenario file (JSON).
    scenario: PathBuf,
    /// Number of replications (default: the scenario's `replications`).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    replications: Option<u32>,
    /// Days to simulate (default: the scenario's `horizon_days`).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    days: Option<u32>,
    /// Warm-up days left out of the metrics (default: the scenario's `warmup_days`).
    #[arg(long)]
    warmup: Option<u32>,
    /// Master seed (default: the scenario's `seed`).
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    threads: Option<u16>,
    /// Output folder (default: output/<scenario name>).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Policy the others are compared with (default: the first listed).
    #[arg(long)]
    baseline: Option<String>,
    /// No progress bar and no summary table.
    #[arg(long, short)]
    quiet: bool,
    /// Also write PNG images of the plots (SVG is always written).
    #[arg(long)]
    png: bool,
}

/// An error in what the user gave us (exit code 2).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct InputError(String);

/// The exit code for an error: 2 for bad input, 1 otherwise.
pub fn exit_code(e: &anyhow::Error) -> u8 {
    let input = e.chain().any(|c| c.is::<ScenarioError>() || c.is::<InputError>());
    if input { 2 } else { 1 }
}

/// Parses the command line and runs the command.
pub fn main() -> Result<ExitCode> {
    let cli = Cli::parse();
    match cli.command {
        Command::Run(args) => run(&args),
        Command::Validate { scenario } => validate(&scenario),
        Command::Plot { dir, png } => {
            render(&dir, png)?;
            println!("wrote {} and {}", dir.join("plots").display(), dir.join("report.html").display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Schema => {
            let schema = schemars::schema_for!(scsim::scenario::Scenario);
            println!("{}", serde_json::to_string_pretty(&schema)?);
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn validate(path: &Path) -> Result<ExitCode> {
    let file = ScenarioFile::read(path)?;
    let model = Model::build(&file)?;
    let count = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    println!(
        "{}: valid — {}, {}, {}, {}, {} ({} warm-up), {}",
        path.display(),
        count(model.items.len(), "item"),
        count(model.locations.len(), "location"),
        count(model.pairs.len(), "stocked pair"),
        count(model.policies.len(), "policy").replace("policys", "policies"),
        count(model.horizon as usize, "day"),
        model.warmup,
        count(model.replications as usize, "replication")
    );
    Ok(ExitCode::SUCCESS)
}

fn load(args: &RunArgs) -> Result<Model> {
    let mut file = ScenarioFile::read(&args.scenario)?;
    let flags: Vec<String> = [
        args.replications.map(|n| format!("--replications {n} sets replications")),
        args.days.map(|d| format!("--days {d} sets horizon_days")),
        args.warmup.map(|w| format!("--warmup {w} sets warmup_days")),
    ]
    .into_iter()
    .flatten()
    .collect();
    let s = &mut file.scenario;
    if let Some(n) = args.replications {
        s.replications = n.into();
    }
    if let Some(d) = args.days {
        s.horizon_days = d.into();
    }
    if let Some(w) = args.warmup {
        s.warmup_days = w.into();
    }
    if let Some(seed) = args.seed {
        s.seed = seed;
    }
    match Model::build(&file) {
        Err(e) if !flags.is_empty() => {
            bail!(InputError(format!(
                "{e}\nnote: command-line flags override the file: {}",
                flags.join(", ")
            )))
        }
        model => Ok(model?),
    }
}

fn baseline(model: &Model, name: Option<&str>) -> Result<usize> {
    let Some(name) = name else { return Ok(0) };
    model.policies.iter().position(|p| p.name == name).ok_or_else(|| {
        let names: Vec<&str> = model.policies.iter().map(|p| p.name.as_str()).collect();
        InputError(format!(
            "--baseline {name:?} is not a policy of the scenario; its policies: {}",
            names.join(", ")
        ))
        .into()
    })
}

/// A folder name from a scenario name.
fn folder_name(name: &str) -> String {
    let clean: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' { c } else { '-' })
        .collect();
    if clean.trim_matches('.').is_empty() { "scenario".into() } else { clean }
}

/// A progress bar on stderr that appears only once a run has lasted a second, and never when
/// stderr is not a terminal or with --quiet.
fn progress_bar(total: u64, quiet: bool) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
    bar.set_style(
        ProgressStyle::with_template(
            "{elapsed_precise} [{bar:40}] {pos}/{len} replications, {per_sec}, ETA {eta}",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );
    if quiet || !std::io::stderr().is_terminal() {
        return bar;
    }
    let shown = bar.clone();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(1));
        if !shown.is_finished() {
            shown.set_draw_target(ProgressDrawTarget::stderr());
        }
    });
    bar
}

/// Draws the plots (`plots/*.svg`, and `*.png` if asked) and `report.html` of the run in `dir`
/// from its files: the same bytes whether right after the run or later.
fn render(dir: &Path, png: bool) -> Result<()> {
    let data = RunData::load(dir).map_err(|e| InputError(e.to_string()))?;
    let plots = dir.join("plots");
    std::fs::create_dir_all(&plots).with_context(|| format!("cannot create {}", plots.display()))?;
    let write = |path: PathBuf, bytes: &[u8]| -> Result<()> {
        report::write_atomic(&path, bytes).with_context(|| format!("cannot write {}", path.display()))
    };
    for kind in Kind::ALL {
        write(plots.join(format!("{}.svg", kind.file_stem())), plot_svg(kind, &data).as_bytes())?;
        if png {
            let path = plots.join(format!("{}.png", kind.file_stem()));
            let tmp = report::temp_path(&path).with_extension("png");
            plot_png(kind, &data, &tmp)
                .map_err(|e| anyhow::anyhow!("cannot draw {}: {e}", path.display()))?;
            std::fs::rename(&tmp, &path).with_context(|| format!("cannot write {}", path.display()))?;
        }
    }
    write(dir.join("report.html"), report::html::report(&data).as_bytes())
}

fn run(args: &RunArgs) -> Result<ExitCode> {
    let model = load(args)?;
    let base = baseline(&model, args.baseline.as_deref())?;
    let spec = RunSpec { replications: model.replications, seed: model.seed, baseline: base };
    let dir = args.out.clone().unwrap_or_else(|| Path::new("output").join(folder_name(&model.name)));
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("cannot create the output folder {}", dir.display()))?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.map_or(0, usize::from))
        .build()
        .context("cannot start worker threads")?;

    let csv_path = dir.join("replications.csv");
    let mut csv = ReplicationsCsv::create(&csv_path, &model)
        .with_context(|| format!("cannot write {}", csv_path.display()))?;
    let mut write_error = None;
    let bar = progress_bar(spec.replications as u64, args.quiet);
    let started = Instant::now();
    let stats = pool.install(|| {
        experiment::run(
            &model,
            &spec,
            &mut |rows| {
                if write_error.is_none() {
                    write_error = csv.write(rows).err();
                }
            },
            &|n| bar.inc(n),
        )
    });
    bar.finish_and_clear();
    let elapsed = started.elapsed();
    if let Some(e) = write_error {
        bail!("cannot write {}: {e}", csv_path.display());
    }

    let run = Run {
        model: &model,
        info: RunInfo {
            version: scsim::VERSION.to_string(),
            scenario_file: args.scenario.display().to_string(),
            seed: spec.seed,
            replications: spec.replications,
            baseline: base,
        },
        stats: &stats,
    };
    let write = |name: &str, bytes: Vec<u8>| -> Result<()> {
        let path = dir.join(name);
        report::write_atomic(&path, &bytes).with_context(|| format!("cannot write {}", path.display()))
    };
    write("summary.json", report::json::summary_bytes(&run))?;
    write("daily.csv", report::csv::daily_bytes(&run))?;
    csv.finish().with_context(|| format!("cannot write {}", csv_path.display()))?;
    render(&dir, args.png)?;

    if !args.quiet {
        println!(
            "{} — {} policies × {} replications × {} days ({} warm-up), seed {}",
            model.name,
            model.policies.len(),
            spec.replications,
            model.horizon,
            model.warmup,
            spec.seed
        );
        println!();
        print!("{}", report::table::render(&run));
        println!();
        let sku_days = model.pairs.len() as f64
            * model.horizon as f64
            * spec.replications as f64
            * model.policies.len() as f64;
        eprintln!(
            "wrote {} in {:.2} s ({:.1} million SKU-days/s)",
            dir.display(),
            elapsed.as_secs_f64(),
            sku_days / elapsed.as_secs_f64() / 1e6
        );
    }
    Ok(ExitCode::SUCCESS)
}
