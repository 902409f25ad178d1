//! Writes the 500-SKU catalogue example (`scenarios/catalog/`) from a fixed seed: the item
//! master `items.csv`, the two suppliers' per-item terms `lanes.csv`, two years of daily
//! demand history in long format `history.csv`, and the scenario `catalog.json` that uses them
//! with the demand table `scsim fit` writes (`fit/demand.csv`).
//!
//!     cargo run --release --example catalog -- OUTDIR [--skus N] [--days D] [--history-only]
//!
//! The items are smooth (Poisson or negative binomial), seasonal (a weekend peak), intermittent
//! (demand on some days, of steady size) and lumpy (rare demand of very variable size), in the
//! shares 40/20/25/15 %. `--history-only` writes `history.csv` alone (for the `scsim fit`
//! benchmark: `--skus 10000`).

use std::fmt::Write as _;
use std::path::PathBuf;

use rand::{Rng, RngExt, SeedableRng};
use rand_distr::{Distribution, Gamma, Poisson};
use rand_xoshiro::Xoshiro256PlusPlus;

/// The seed of every catalogue: the committed files and CI's history are the same bytes.
const SEED: u64 = 20_261_129;
/// The history's first date is 2024-01-01, a Monday.
const FIRST_DATE: (i32, u32, u32) = (2024, 1, 1);
/// Weekly profile of seasonal items, Monday first: quiet early in the week, a weekend peak.
const WEEKEND_PEAK: [f64; 7] = [0.7, 0.75, 0.8, 0.9, 1.2, 1.6, 1.05];

/// How one item's daily demand is drawn.
#[derive(Debug, Clone, Copy)]
enum Kind {
    /// Negative binomial (Poisson when `shape` is infinite) with this mean.
    Smooth { mean: f64, shape: f64 },
    /// As smooth, times the weekend-peak profile.
    Seasonal { mean: f64 },
    /// Demand on a day with probability `p`, of size 1 + Poisson(`extra`).
    Intermittent { p: f64, extra: f64 },
    /// Demand with probability `p`, of a negative binomial size (mean `size`, shape 0.8).
    Lumpy { p: f64, size: f64 },
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Smooth { .. } => "smooth",
            Kind::Seasonal { .. } => "seasonal",
            Kind::Intermittent { .. } => "intermittent",
            Kind::Lumpy { .. } => "lumpy",
        }
    }

    /// One day's demand; `weekday` 0 is Monday.
    fn draw(self, rng: &mut impl Rng, weekday: usize) -> u64 {
        match self {
            Kind::Smooth { mean, shape } => gamma_poisson(rng, mean, shape),
            Kind::Seasonal { mean } => poisson(rng, mean * WEEKEND_PEAK[weekday]),
            Kind::Intermittent { p, extra } => {
                if rng.random::<f64>() < p {
                    1 + poisson(rng, extra)
                } else {
                    0
                }
            }
            Kind::Lumpy { p, size } => {
                if rng.random::<f64>() < p {
                    1 + gamma_poisson(rng, size, 0.8)
                } else {
                    0
                }
            }
        }
    }

    /// The item's kind by its index: 40 % smooth, 20 % seasonal, 25 % intermittent, 15 % lumpy.
    fn pick(rng: &mut impl Rng) -> Kind {
        let r = rng.random::<f64>();
        let u = rng.random::<f64>();
        if r < 0.40 {
            let shape = if rng.random::<f64>() < 0.5 { f64::INFINITY } else { 2.0 + 8.0 * u };
            Kind::Smooth { mean: 4.0 + 46.0 * rng.random::<f64>(), shape }
        } else if r < 0.60 {
            Kind::Seasonal { mean: 8.0 + 40.0 * u }
        } else if r < 0.85 {
            Kind::Intermittent { p: 0.08 + 0.4 * u, extra: 0.2 + 0.8 * rng.random::<f64>() }
        } else {
            Kind::Lumpy { p: 0.04 + 0.25 * u, size: 6.0 + 20.0 * rng.random::<f64>() }
        }
    }

    fn mean(self) -> f64 {
        match self {
            Kind::Smooth { mean, .. } | Kind::Seasonal { mean } => mean,
            Kind::Intermittent { p, extra } => p * (1.0 + extra),
            Kind::Lumpy { p, size } => p * (1.0 + size),
        }
    }
}

fn poisson(rng: &mut impl Rng, mean: f64) -> u64 {
    if mean <= 0.0 { 0 } else { Poisson::new(mean).expect("positive mean").sample(rng) as u64 }
}

/// Negative binomial as a gamma–Poisson mixture (Poisson for an infinite shape).
fn gamma_poisson(rng: &mut impl Rng, mean: f64, shape: f64) -> u64 {
    if shape.is_infinite() {
        return poisson(rng, mean);
    }
    let rate = Gamma::new(shape, mean / shape).expect("positive parameters").sample(rng);
    poisson(rng, rate)
}

struct Options {
    out: PathBuf,
    skus: usize,
    days: usize,
    history_only: bool,
}

fn options() -> Options {
    let mut args = std::env::args().skip(1);
    let mut o =
        Options { out: PathBuf::from("scenarios/catalog"), skus: 500, days: 730, history_only: false };
    let mut out = None;
    while let Some(a) = args.next() {
        let mut number = |what: &str| -> usize {
            args.next().and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("{what} needs a whole number"))
        };
        match a.as_str() {
            "--skus" => o.skus = number("--skus"),
            "--days" => o.days = number("--days"),
            "--history-only" => o.history_only = true,
            _ => out = Some(PathBuf::from(a)),
        }
    }
    o.out = out.unwrap_or(o.out);
    o
}

fn main() -> std::io::Result<()> {
    let o = options();
    std::fs::create_dir_all(&o.out)?;
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(SEED);
    let kinds: Vec<Kind> = (0..o.skus).map(|_| Kind::pick(&mut rng)).collect();
    let ids: Vec<String> = (0..o.skus).map(|k| format!("SKU{:05}", k + 1)).collect();
    write_history(&o, &ids, &kinds, &mut rng)?;
    if !o.history_only {
        write_tables(&o, &ids, &kinds, &mut rng)?;
        std::fs::write(o.out.join("catalog.json"), SCENARIO)?;
    }
    Ok(())
}

/// `history.csv`: `date,location,item,quantity`, one row per day with demand (days without a
/// row are zero demand, as in a real sales export), in date order.
fn write_history(o: &Options, ids: &[String], kinds: &[Kind], rng: &mut impl Rng) -> std::io::Result<()> {
    use std::io::Write;
    let file = std::fs::File::create(o.out.join("history.csv"))?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
    writeln!(w, "date,location,item,quantity")?;
    for day in 0..o.days {
        let date = date_of(day);
        for (id, kind) in ids.iter().zip(kinds) {
            let q = kind.draw(rng, day % 7);
            if q > 0 {
                writeln!(w, "{date},store,{id},{q}")?;
            }
        }
    }
    w.flush()
}

/// `items.csv` (the item master) and `lanes.csv` (each supplier's terms per item).
fn write_tables(o: &Options, ids: &[String], kinds: &[Kind], rng: &mut impl Rng) -> std::io::Result<()> {
    let mut items = String::from("item,description,price,unit_purchase,holding_per_unit_day\n");
    let mut lanes = String::from("lane,item,unit_cost,lead_time,min_order,order_multiple\n");
    for (id, kind) in ids.iter().zip(kinds) {
        let cost = ((2.0 + 98.0 * rng.random::<f64>().powi(2)) * 100.0).round() / 100.0;
        let price = (cost * (1.3 + 0.7 * rng.random::<f64>()) * 100.0).round() / 100.0;
        let holding = (cost * 0.25 / 365.0 * 10_000.0).round() / 10_000.0;
        let _ = writeln!(
            items,
            "{id},{} item (about {:.2} a day),{price},{cost},{holding}",
            kind.name(),
            kind.mean()
        );
        // The overseas supplier: 3 weeks, cases of 12; the local one: 4 days, 25 % dearer.
        let case = if kind.mean() > 5.0 { 12 } else { 1 };
        let _ = writeln!(lanes, "overseas,{id},{cost},21,{case},{case}");
        let _ = writeln!(lanes, "local,{id},{},4,1,1", (cost * 1.25 * 100.0).round() / 100.0);
    }
    std::fs::write(o.out.join("items.csv"), items)?;
    std::fs::write(o.out.join("lanes.csv"), lanes)
}

/// `YYYY-MM-DD` of the history's day `d` (from 2024-01-01).
fn date_of(d: usize) -> String {
    let (mut y, mut m, mut day) = FIRST_DATE;
    let mut left = d as u32;
    loop {
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        let len = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m as usize - 1];
        if day + left <= len {
            return format!("{y:04}-{m:02}-{:02}", day + left);
        }
        left -= len - day + 1;
        day = 1;
        m += 1;
        if m > 12 {
            m = 1;
            y += 1;
        }
    }
}

/// The scenario: the shared settings in JSON, the items, lane terms and fitted demand from the
/// tables, `start_date` and days of cover.
const SCENARIO: &str = r#"{
  "schema_version": 1,
  "name": "catalog",
  "description": "A store's catalogue of 500 SKUs: smooth, seasonal (weekend peak), intermittent and lumpy items, each bought from an overseas supplier (cheap, 21 days, cases of 12 for faster movers) or a local one (25 % dearer, 4 days). Items and lane terms come from items.csv and lanes.csv; the demand of each SKU is what `scsim fit history.csv --out fit` fitted to two years of history (run scripts/catalog). Three policies, each ordering overseas and locally only while the overseas supplier is down: base stock at 30 days of cover, and safety stock for a 95 % fill rate from two forecasters (exponential smoothing, and SBA, made for intermittent demand).",
  "start_date": "2025-12-31",
  "horizon_days": 180,
  "warmup_days": 30,
  "replications": 20,
  "seed": 7,
  "tables": { "items": "items.csv", "lanes": "lanes.csv", "demand": "fit/demand.csv" },
  "items": [],
  "locations": [{ "id": "store", "description": "The store whose sales history is history.csv." }],
  "suppliers": [
    {
      "id": "far",
      "description": "Overseas: the cheapest, three weeks away; its port closes for two weeks from day 60 and it breaks down about every 90 days for a week.",
      "outages": {
        "scheduled": [{ "start_day": 60, "days": 14 }],
        "random": { "type": "mtbf", "mean_days_between_failures": 90, "mean_days_to_repair": 7 }
      }
    },
    { "id": "near", "description": "Local: 25 % dearer, four days away." }
  ],
  "lanes": [
    { "id": "overseas", "from": "far", "to": "store", "lead_time": { "type": "constant", "value": 21 } },
    { "id": "local", "from": "near", "to": "store", "lead_time": { "type": "constant", "value": 4 } }
  ],
  "demand": [],
  "costs": { "holding_per_unit_day": 0.01, "backorder_per_unit_day": 0.5, "order_fixed": 5 },
  "objective": { "maximize": "profit_per_day", "subject_to": [{ "metric": "fill_rate", "at_least": 0.95 }] },
  "policies": [
    {
      "name": "cover-30-days",
      "description": "Order up to 30 days of the SKU's mean demand, overseas, or locally while the overseas supplier is down.",
      "inventory": { "type": "base_stock", "S_cover_days": 30 },
      "sourcing": { "type": "primary_backup", "sources": ["far", "near"] }
    },
    {
      "name": "safety-stock-95",
      "description": "Safety stock for a 95 % fill rate over the overseas lead time, from an exponentially smoothed forecast recomputed weekly.",
      "inventory": { "type": "safety_stock", "forecast": { "type": "ses", "alpha": 0.1 }, "service": { "type": "fill_rate", "target": 0.95 }, "recompute_every": 7 },
      "sourcing": { "type": "primary_backup", "sources": ["far", "near"] }
    },
    {
      "name": "safety-stock-95-sba",
      "description": "The same with the Syntetos-Boylan approximation (SBA) forecaster, which forecasts intermittent demand from the sizes and the intervals of demand separately.",
      "inventory": { "type": "safety_stock", "forecast": { "type": "sba", "alpha": 0.1 }, "service": { "type": "fill_rate", "target": 0.95 }, "recompute_every": 7 },
      "sourcing": { "type": "primary_backup", "sources": ["far", "near"] }
    }
  ]
}
"#;
