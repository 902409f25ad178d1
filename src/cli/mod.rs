//! Command-line interface (clap derive). Exit codes: 0 success, 1 a failure while running or
//! writing (or a golden check that does not match), 2 bad input (scenario file or arguments).

mod merge;
mod optimize;
mod run;
mod sweep;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use scsim::experiment::RunStats;
use scsim::experiment::shard::Settings;
use scsim::model::Model;
use scsim::report::{self, Exporter, Run, RunInfo, RunView};
use scsim::scenario::ScenarioFile;
use scsim::scenario::error::ScenarioError;

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
    Run(run::RunArgs),
    /// Sweep parameters over a grid: one run per point, on common random numbers.
    Sweep(sweep::SweepArgs),
    /// Find the best integer value of one or a few parameters by simulation.
    Optimize(optimize::OptimizeArgs),
    /// Combine the output folders of shards (`--shard i/n`) into the unsharded run's files.
    Merge(merge::MergeArgs),
    /// Check a scenario file (every problem at once) without running it.
    Validate {
        /// Scenario file (JSON).
        scenario: PathBuf,
    },
    /// Redraw the plots and report.html of a finished run from its files, without simulating.
    Plot {
        /// The run's output folder (holding summary.json and daily.csv).
        dir: PathBuf,
        /// Also write PNG images.
        #[arg(long)]
        png: bool,
    },
    /// Print the JSON Schema of scenario files (for editor validation and completion).
    Schema,
}

/// Flags that override a scenario's run settings.
#[derive(Debug, Clone, Args)]
pub struct Overrides {
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
    /// Run even when the estimated work or memory is above scsim's limits.
    #[arg(long)]
    force: bool,
}

impl Overrides {
    /// Applies the overrides to a parsed scenario.
    fn apply(&self, s: &mut scsim::scenario::Scenario) {
        if let Some(n) = self.replications {
            s.replications = n.into();
        }
        if let Some(d) = self.days {
            s.horizon_days = d.into();
        }
        if let Some(w) = self.warmup {
            s.warmup_days = w.into();
        }
        if let Some(seed) = self.seed {
            s.seed = seed;
        }
    }

    /// Applies the overrides to a scenario document (for sweeps).
    fn apply_json(&self, doc: &mut serde_json::Value) {
        let set = |doc: &mut serde_json::Value, key: &str, v: serde_json::Value| {
            if let Some(map) = doc.as_object_mut() {
                map.insert(key.to_string(), v);
            }
        };
        if let Some(n) = self.replications {
            set(doc, "replications", n.into());
        }
        if let Some(d) = self.days {
            set(doc, "horizon_days", d.into());
        }
        if let Some(w) = self.warmup {
            set(doc, "warmup_days", w.into());
        }
        if let Some(seed) = self.seed {
            set(doc, "seed", seed.into());
        }
    }

    /// A note naming the flags in effect, for error messages about the values they set.
    fn note(&self) -> Option<String> {
        let flags: Vec<String> = [
            self.replications.map(|n| format!("--replications {n} sets replications")),
            self.days.map(|d| format!("--days {d} sets horizon_days")),
            self.warmup.map(|w| format!("--warmup {w} sets warmup_days")),
        ]
        .into_iter()
        .flatten()
        .collect();
        (!flags.is_empty())
            .then(|| format!("note: command-line flags override the file: {}", flags.join(", ")))
    }

    /// A thread pool of the requested size.
    fn pool(&self) -> Result<rayon::ThreadPool> {
        rayon::ThreadPoolBuilder::new()
            .num_threads(self.threads.map_or(0, usize::from))
            .build()
            .context("cannot start worker threads")
    }
}

/// An error in what the user gave us (exit code 2).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct InputError(pub String);

/// The exit code for an error: 2 for bad input, 1 otherwise.
pub fn exit_code(e: &anyhow::Error) -> u8 {
    let input = e.chain().any(|c| c.is::<ScenarioError>() || c.is::<InputError>());
    if input { 2 } else { 1 }
}

/// Parses the command line and runs the command.
pub fn main() -> Result<ExitCode> {
    let cli = Cli::parse();
    match cli.command {
        Command::Run(args) => run::run(&args),
        Command::Sweep(args) => sweep::sweep(&args),
        Command::Optimize(args) => optimize::optimize(&args),
        Command::Merge(args) => merge::merge(&args),
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
    // The file is read and under the size limit: its document for the `sweep` section's paths.
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(path)?)?;
    let mut sweep = scsim::experiment::section::section(&file.scenario.sweep, &doc).err().unwrap_or_default();
    file.place(&mut sweep);
    let invalid = |problems| ScenarioError::Invalid { file: path.to_path_buf(), problems };
    let model = match Model::build(&file) {
        Ok(model) if sweep.is_empty() => model,
        Ok(_) => return Err(invalid(sweep).into()),
        Err(ScenarioError::Invalid { mut problems, .. }) => {
            problems.extend(sweep);
            return Err(invalid(problems).into());
        }
        Err(e) => return Err(e.into()),
    };
    let count = |n: usize, what: &str, plural: &str| format!("{n} {}", if n == 1 { what } else { plural });
    println!(
        "{}: valid — {}, {}, {}, {}, {} ({} warm-up), {}",
        path.display(),
        count(model.items.len(), "item", "items"),
        count(model.locations.len(), "location", "locations"),
        count(model.pairs.len(), "stocked pair", "stocked pairs"),
        count(model.policies.len(), "policy", "policies"),
        count(model.horizon as usize, "day", "days"),
        model.warmup,
        count(model.replications as usize, "replication", "replications")
    );
    Ok(ExitCode::SUCCESS)
}

/// A scenario read with the command line's overrides, as text and as a validated model.
pub struct Loaded {
    /// The file's text.
    pub text: String,
    /// The validated model.
    pub model: Model,
}

/// Reads a scenario file and applies the overrides.
fn load(path: &Path, overrides: &Overrides) -> Result<Loaded> {
    let mut file = ScenarioFile::read(path)?;
    overrides.apply(&mut file.scenario);
    let model = build(&file, overrides.note())?;
    let threads = overrides.threads.map_or_else(rayon::current_num_threads, usize::from);
    if let Some(refusal) = model.estimate(threads).refusal().filter(|_| !overrides.force) {
        bail!(InputError(format!("{}: {refusal}", path.display())));
    }
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(Loaded { text, model })
}

/// Validates a scenario, adding `note` to its problems.
fn build(file: &ScenarioFile, note: Option<String>) -> Result<Model> {
    match (Model::build(file), note) {
        (Err(e), Some(note)) => bail!(InputError(format!("{e}\n{note}"))),
        (model, _) => Ok(model?),
    }
}

/// Index of the policy named `name` (default: the first).
fn baseline(model: &Model, name: Option<&str>) -> Result<usize> {
    let Some(name) = name else { return Ok(0) };
    model.policies.iter().position(|p| p.name == name).ok_or_else(|| {
        let names: Vec<&str> = model.policies.iter().map(|p| p.name.as_str()).collect();
        InputError(format!("{name:?} is not a policy of the scenario; its policies: {}", names.join(", ")))
            .into()
    })
}

/// The settings of a run of `model` with baseline `base`.
fn settings(model: &Model, base: usize) -> Settings {
    Settings {
        replications: model.replications,
        horizon_days: model.horizon,
        warmup_days: model.warmup,
        seed: model.seed,
        baseline: model.policies[base].name.clone(),
    }
}

/// A folder name from a scenario name.
fn folder_name(name: &str) -> String {
    let clean: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' { c } else { '-' })
        .collect();
    if clean.trim_matches('.').is_empty() { "scenario".into() } else { clean }
}

/// The output folder: `--out`, or `output/<scenario name><suffix>`.
fn out_dir(out: Option<&Path>, model: &Model, suffix: &str) -> Result<PathBuf> {
    let dir = out
        .map(Path::to_path_buf)
        .unwrap_or_else(|| Path::new("output").join(folder_name(&model.name) + suffix));
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("cannot create the output folder {}", dir.display()))?;
    Ok(dir)
}

/// A progress bar on stderr that appears only once work has lasted a second, and never when
/// stderr is not a terminal or with --quiet.
fn progress_bar(total: u64, what: &str, quiet: bool) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
    let template =
        format!("{{elapsed_precise}} [{{bar:40}}] {{pos}}/{{len}} {what}, {{per_sec}}, ETA {{eta}}");
    bar.set_style(ProgressStyle::with_template(&template).expect("valid template").progress_chars("=> "));
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

/// Writes `bytes` to `path` atomically.
fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    report::write_atomic(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}

/// Writes the files of a finished run (all but `replications.csv`, which is streamed): the
/// summary, the daily series, the plots and the report, from the run in memory.
fn write_outputs(dir: &Path, model: &Model, info: RunInfo, stats: &RunStats, png: bool) -> Result<()> {
    let view = RunView::build(&Run { model, info, stats });
    export(&view, dir, report::exporters(png))
}

/// Redraws the plots (`plots/*.svg`, and `*.png` if asked) and `report.html` of the run in
/// `dir` from its files: the same bytes as right after the run.
fn render(dir: &Path, png: bool) -> Result<()> {
    let view = RunView::load(dir).map_err(|e| InputError(e.to_string()))?;
    export(&view, dir, report::drawings(png))
}

/// Writes the outputs of `exporters` from `view` into `dir`.
fn export(view: &RunView, dir: &Path, exporters: Vec<Box<dyn Exporter>>) -> Result<()> {
    for exporter in exporters {
        exporter.write(view, dir)?;
    }
    Ok(())
}
