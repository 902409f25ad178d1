//! Command-line interface (clap derive). Exit codes: 0 success, 1 a failure while running or
//! writing (or a golden check that does not match), 2 bad input (scenario file or arguments).

mod fit;
mod init;
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
use scsim::experiment::shard::{Origin, Settings};
use scsim::model::Model;
use scsim::report::folder::{self, FolderError, Staging};
use scsim::report::{self, Run, RunInfo, RunView};
use scsim::scenario::error::ScenarioError;
use scsim::scenario::{ScenarioFile, SettingOverrides};

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
    /// Fit a demand model to every location × item of a long-format history: writes
    /// DIR/demand.csv (a scenario demand table) and DIR/fit.csv, prints the start_date to use.
    Fit(fit::FitArgs),
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
    Schema {
        /// Print the columns of each scenario table instead (name, type, required, meaning).
        #[arg(long)]
        tables: bool,
    },
    /// Write a small working scenario to start from.
    Init {
        /// Folder to write a scenario that takes its items, demand, lane terms, policy
        /// parameters and starting stock from CSV tables.
        #[arg(long, value_name = "DIR")]
        tables: PathBuf,
    },
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
}

impl Overrides {
    /// The settings these flags replace.
    fn settings(&self) -> SettingOverrides {
        SettingOverrides {
            replications: self.replications,
            days: self.days,
            warmup: self.warmup,
            seed: self.seed,
        }
    }

    /// Applies the overrides to a parsed scenario.
    fn apply(&self, s: &mut scsim::scenario::Scenario) {
        self.settings().apply(s);
    }

    /// Applies the overrides to a scenario document (for sweeps and searches).
    fn apply_json(&self, doc: &mut serde_json::Value) {
        self.settings().apply_json(doc);
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
    remove_staging_on_interrupt();
    match cli.command {
        Command::Run(args) => run::run(&args),
        Command::Sweep(args) => sweep::sweep(&args),
        Command::Optimize(args) => optimize::optimize(&args),
        Command::Merge(args) => merge::merge(&args),
        Command::Fit(args) => fit::fit(&args),
        Command::Validate { scenario } => validate(&scenario),
        Command::Plot { dir, png } => {
            render(&dir, png)?;
            println!("wrote {} and {}", dir.join("plots").display(), dir.join("report.html").display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Schema { tables: false } => {
            let schema = schemars::schema_for!(scsim::scenario::Scenario);
            println!("{}", serde_json::to_string_pretty(&schema)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Schema { tables: true } => {
            println!("{}", serde_json::to_string_pretty(&scsim::scenario::tables_schema())?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Init { tables } => {
            let scenario = init::write_tables_template(&tables)?;
            println!("wrote {}; try: scsim validate {0}, scsim run {0}", scenario.display());
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
    println!("  objective: {}", model.objective().describe());
    print_warnings(&model);
    for note in model.notes() {
        eprintln!("note: {note}");
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints the model's warnings on standard error (they do not change the exit code).
pub fn print_warnings(model: &Model) {
    for w in model.warnings() {
        eprintln!("warning: {w}");
    }
}

/// A scenario read with the command line's overrides, as text and as a validated model.
pub struct Loaded {
    /// The file's text.
    pub text: String,
    /// The validated model.
    pub model: Model,
    /// The SHA-256 of each input file the scenario reads, by name.
    pub inputs: std::collections::BTreeMap<String, String>,
}

impl Loaded {
    /// What a shard or sweep point of this scenario (read from `file`) with baseline `base` is
    /// computed from.
    fn origin(&self, file: &Path, base: usize) -> Origin {
        Origin {
            scsim_version: scsim::VERSION.to_string(),
            scenario_file: file.display().to_string(),
            scenario: self.text.clone(),
            inputs: self.inputs.clone(),
            settings: settings(&self.model, base),
        }
    }
}

/// Reads a scenario file and applies the overrides; a run whose estimated work or memory is
/// above scsim's limits is refused unless `force`.
fn load(path: &Path, overrides: &Overrides, force: bool) -> Result<Loaded> {
    let mut file = ScenarioFile::read(path)?;
    overrides.apply(&mut file.scenario);
    let model = build(&file, overrides.note())?;
    let threads = overrides.threads.map_or_else(rayon::current_num_threads, usize::from);
    if let Some(refusal) = model.estimate(threads).refusal().filter(|_| !force) {
        bail!(InputError(format!("{}: {refusal}", path.display())));
    }
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(Loaded { text, model, inputs: file.input_sha256() })
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

/// Where a command writes its output folder.
#[derive(Debug, Clone, Args)]
pub struct Output {
    /// Output folder (default: output/<scenario name> for a run, with `-sweep` or `-optimize`
    /// after the name for a sweep or a search, so that they never replace a run). It is
    /// replaced whole once everything is written.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Go past a safety refusal: replace an output folder that holds something that is not a
    /// scsim output, run when the estimated work or memory is above scsim's limits, or sweep a
    /// grid of more than 10,000 points (up to 1,000,000).
    #[arg(long)]
    force: bool,
}

impl Output {
    /// Starts writing the output folder: `--out`, or `output/<scenario name><suffix>`.
    fn stage(&self, name: &str, suffix: &str, resume: bool) -> Result<Staging> {
        let target = self.out.clone().unwrap_or_else(|| Path::new("output").join(folder_name(name) + suffix));
        stage(&target, self.force, resume)
    }
}

/// Starts writing the output folder `target` (see [`folder::Staging`]): a target that is
/// not a scsim output is bad input unless `force`.
fn stage(target: &Path, force: bool, resume: bool) -> Result<Staging> {
    Staging::begin(target, force, resume).map_err(|e| match e {
        FolderError::NotOutput(_) | FolderError::NoName(_) => InputError(e.to_string()).into(),
        other => {
            anyhow::Error::new(other).context(format!("cannot write the output folder {}", target.display()))
        }
    })
}

/// Swaps a finished staging folder in (marked as written by `kind`).
fn commit(staging: Staging, kind: &str) -> Result<()> {
    let target = staging.target().to_path_buf();
    staging.commit(kind).with_context(|| format!("cannot write the output folder {}", target.display()))
}

/// On Ctrl-C or SIGTERM: remove this process's staging folders and exit 130.
fn remove_staging_on_interrupt() {
    // Without a handler (e.g. another one is installed) interruptions leave a staging folder
    // that the next run cleans: nothing to report.
    let _ = ctrlc::set_handler(|| folder::abort(130));
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
    Ok(report::write_run(dir, &Run { model, info, stats }, png)?)
}

/// Redraws the plots (`plots/*.svg`, and `*.png` if asked) and `report.html` of the run in
/// `dir` from its files: the same bytes as right after the run.
fn render(dir: &Path, png: bool) -> Result<()> {
    check_complete(dir).map_err(|e| InputError(e.to_string()))?;
    let view = RunView::load(dir).map_err(|e| InputError(e.to_string()))?;
    report::export::export(&view, dir, report::drawings(png))?;
    // Redrawn in place, not in a staging folder: no commit syncs them.
    let redrawn = |name: &str| name == "report.html" || name.starts_with("plots/");
    folder::sync_files(dir, redrawn).with_context(|| format!("cannot write {}", dir.display()))
}

/// Checks that the files `scsim plot` reads in `dir` are those of one finished run (as its
/// marker lists them), not a mixture.
fn check_complete(dir: &Path) -> Result<(), FolderError> {
    let manifest = folder::Manifest::read(dir)?.ok_or_else(|| FolderError::Unmarked(dir.to_path_buf()))?;
    for file in ["summary.json", "daily.csv", "daily-locations.csv"] {
        if file != "daily-locations.csv" || manifest.files.contains_key(file) || dir.join(file).exists() {
            manifest.verify(dir, file)?;
        }
    }
    Ok(())
}
