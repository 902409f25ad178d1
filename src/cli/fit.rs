//! `scsim fit HISTORY --out DIR`: fit a demand model to every location × item of a history.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::Result;
use clap::Args;
use indicatif::ProgressBar;

use scsim::fit::{self, Columns, FitError};

/// Arguments of `scsim fit`.
#[derive(Debug, Args)]
pub struct FitArgs {
    /// Long-format history CSV (date, location, item, quantity).
    history: PathBuf,
    /// Folder to write demand.csv and fit.csv into (created if missing).
    #[arg(long)]
    out: PathBuf,
    /// Column holding the date (YYYY-MM-DD).
    #[arg(long, default_value = "date")]
    date_column: String,
    /// Column holding the location id.
    #[arg(long, default_value = "location")]
    location_column: String,
    /// Column holding the item id.
    #[arg(long, default_value = "item")]
    item_column: String,
    /// Column holding the quantity.
    #[arg(long, default_value = "quantity")]
    quantity_column: String,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    threads: Option<u16>,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
}

/// One bar in thousandths of the work: reading the file is the first half, fitting the pairs
/// the second.
struct Bar {
    bar: ProgressBar,
    fitted: AtomicU64,
}

impl fit::Progress for Bar {
    fn read(&self, done: u64, total: u64) {
        self.bar.set_position(done * 500 / total.max(1));
    }
    fn fitted(&self, done: u64, total: u64) {
        let sum = self.fitted.fetch_add(done, Ordering::Relaxed) + done;
        self.bar.set_position(500 + sum * 500 / total.max(1));
    }
}

/// Runs `scsim fit`.
pub fn fit(args: &FitArgs) -> Result<ExitCode> {
    let columns = Columns {
        date: args.date_column.clone(),
        location: args.location_column.clone(),
        item: args.item_column.clone(),
        quantity: args.quantity_column.clone(),
    };
    let bars = Bar {
        bar: super::progress_bar(1000, "‰ (reading, then fitting)", args.quiet),
        fitted: AtomicU64::new(0),
    };
    let pool = rayon::ThreadPoolBuilder::new().num_threads(args.threads.map_or(0, usize::from)).build()?;
    let result = pool.install(|| fit::fit(&args.history, &columns, &bars));
    bars.bar.finish_and_clear();
    let fitted = match result {
        Ok(f) => f,
        Err(e @ FitError::Problems(_)) => return Err(super::InputError(e.to_string()).into()),
        Err(e) => return Err(e.into()),
    };
    fit::write_outputs(&fitted, &args.out)?;
    println!(
        "fitted {} pairs over {} days of history ({} to {}); wrote {}/demand.csv and fit.csv",
        fitted.pairs.len(),
        fitted.last_date - fitted.first_date + 1,
        fit::format_date(fitted.first_date),
        fit::format_date(fitted.last_date),
        args.out.display()
    );
    println!(
        "start_date: {} (use it as the scenario's \"start_date\": day 0 of the weekly profiles)",
        fitted.start_date()
    );
    Ok(ExitCode::SUCCESS)
}
