//! Prints the floor loop's throughput on the canonical case for `scripts/bench-cli`: one line,
//! `<SKU-days per second> <fill rate>`, timed over replications for two seconds.

#[path = "../benches/floor/mod.rs"]
mod floor;

use std::time::{Duration, Instant};

fn main() {
    let floor = floor::Floor::default();
    let fill = floor.check_regime();
    let (start, mut tally, mut reps) = (Instant::now(), floor::Tally::default(), 0u64);
    while start.elapsed() < Duration::from_secs(2) {
        (reps..reps + 1000).for_each(|r| floor.run(std::hint::black_box(r), &mut tally));
        reps += 1000;
    }
    std::hint::black_box(tally.fill_rate());
    let rate = (reps * floor::DAYS) as f64 / start.elapsed().as_secs_f64();
    println!("{rate:.0} {fill:.4}");
}
