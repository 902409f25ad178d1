//! Supply disruptions: random and scheduled outages, frozen transit, delays, short shipments.

use crate::common;

use common::{assert_agrees, check_conservation, model, poisson_pmf, run, total};
use scsim::experiment::stats::Moments;
use scsim::metrics::SUPPLIER_METRICS;

fn supplier_metric(
    stats: &scsim::experiment::RunStats,
    policy: usize,
    supplier: usize,
    key: &str,
) -> Moments {
    let k = SUPPLIER_METRICS.iter().position(|m| m.key == key).unwrap();
    stats.policies[policy].ordered.suppliers[supplier][k]
}

fn markov(fail: f64, recover: f64, s: i64, lambda: f64, unmet: &str, horizon: u32) -> String {
    format!(
        r#"{{"schema_version": 1, "horizon_days": {horizon}, "warmup_days": 50,
        "items": [{{"id": "i"}}], "locations": [{{"id": "l"}}],
        "suppliers": [{{"id": "s", "outages": {{"random": {{"type": "markov", "fail_probability": {fail}, "recover_probability": {recover}}}}}}}],
        "lanes": [{{"id": "x", "from": "s", "to": "l", "lead_time": {{"type": "constant", "value": 0}}}}],
        "segments": [{{"id": "default", "unmet": {{"type": "{unmet}"}}}}],
        "demand": [{{"location": "l", "item": "i", "distribution": {{"type": "poisson", "mean": {lambda}}}}}],
        "policies": [{{"name": "bs", "inventory": {{"type": "base_stock", "S": {s}}}}}]}}"#
    )
}

#[test]
fn realised_availability_matches_the_stationary_probability() {
    let (fail, recover) = (0.02, 0.1);
    let m = model(&markov(fail, recover, 30, 10.0, "backorder", 2000));
    let stats = run(&m, 100, 21);
    let availability = supplier_metric(&stats, 0, 0, "supplier_availability");
    assert_agrees("availability", &availability, recover / (fail + recover), &[1.0, 0.5]);
    let down = supplier_metric(&stats, 0, 0, "supplier_down_days").mean();
    assert!((down / 1950.0 - fail / (fail + recover)).abs() < 0.02, "{down}");
}

/// Stationary distribution of a finite Markov chain by power iteration.
fn stationary(transition: &[Vec<f64>]) -> Vec<f64> {
    let n = transition.len();
    let mut pi = vec![1.0 / n as f64; n];
    for _ in 0..20_000 {
        let mut next = vec![0.0; n];
        for (i, row) in transition.iter().enumerate() {
            for (j, p) in row.iter().enumerate() {
                next[j] += pi[i] * p;
            }
        }
        pi = next;
    }
    pi
}

#[test]
fn base_stock_with_zero_lead_time_and_markov_outages_matches_its_markov_chain() {
    // Lost sales, L = 0, daily review. End-of-day state (supplier up?, stock x). Next day: the
    // supplier moves first; demand D ~ Poisson(λ) sells min(D, x); if the supplier is up the
    // review orders S − x', which arrives the same evening, so x'' = S; if down, x'' = x'.
    let (fail, recover, s, lambda) = (0.05, 0.3, 12usize, 4.0);
    let pmf = poisson_pmf(lambda, 200);
    let n = 2 * (s + 1); // index = up * (s + 1) + x
    let mut t = vec![vec![0.0; n]; n];
    for up in 0..2 {
        for x in 0..=s {
            let from = up * (s + 1) + x;
            let p_up = if up == 1 { 1.0 - fail } else { recover };
            t[from][s + (s + 1)] += p_up; // up tomorrow: back to S, whatever the demand
            for (d, p) in pmf.iter().enumerate() {
                let left = x.saturating_sub(d);
                t[from][left] += (1.0 - p_up) * p; // down tomorrow: stock falls
            }
        }
    }
    let pi = stationary(&t);
    // Expected sales per day: start-of-day stock x (the previous end of day), demand D.
    let sales: f64 = (0..n)
        .map(|i| {
            let x = i % (s + 1);
            pi[i] * pmf.iter().enumerate().map(|(d, p)| p * d.min(x) as f64).sum::<f64>()
        })
        .sum();
    let on_hand: f64 = (0..n).map(|i| pi[i] * (i % (s + 1)) as f64).sum();
    let m = model(&markov(fail, recover, s as i64, lambda, "lost", 3000));
    let stats = run(&m, 100, 4);
    // Start the chain check from its own stationary start: the engine draws the first day's
    // state from the stationary law, and the warm-up removes the start-up of the stock.
    assert_agrees("fill rate", &total(&stats, 0, "fill_rate"), sales / lambda, &[]);
    assert_agrees("average on hand", &total(&stats, 0, "avg_on_hand"), on_hand, &[s as f64]);
    check_conservation(&m, 10, 4);
}

fn scheduled(in_transit: &str) -> String {
    format!(
        r#"{{"schema_version": 1, "horizon_days": 30,
        "items": [{{"id": "i"}}], "locations": [{{"id": "l"}}],
        "suppliers": [{{"id": "s", "outages": {{"scheduled": [{{"start_day": 10, "days": 5}}], "in_transit": "{in_transit}"}}}}],
        "lanes": [{{"id": "x", "from": "s", "to": "l", "lead_time": {{"type": "constant", "value": 3}}}}],
        "demand": [{{"location": "l", "item": "i", "distribution": {{"type": "constant", "value": 10}}}}],
        "policies": [{{"name": "bs", "inventory": {{"type": "base_stock", "S": 30}}}}]}}"#
    )
}

#[test]
fn frozen_transit_waits_out_the_outage_and_continuing_transit_does_not() {
    // Constant demand 10, S = 30, lead time 3: one order of 10 a day. The supplier is down on
    // days 10–14 and takes no orders then. Orders received before the horizon: placed on days
    // 0–26 except 10–14, i.e. 22 orders.
    let cont = run(&model(&scheduled("continue")), 1, 1);
    assert_eq!(supplier_metric(&cont, 0, 0, "supplier_lead_time_days").mean(), 3.0);
    assert_eq!(supplier_metric(&cont, 0, 0, "supplier_down_days").mean(), 5.0);
    assert_eq!(supplier_metric(&cont, 0, 0, "supplier_availability").mean(), 25.0 / 30.0);
    // Frozen: the orders of days 7, 8 and 9 (due 10, 11, 12) wait out the 5 down days and
    // arrive on days 15, 16, 17 — a realised lead time of 8; the other 19 take 3 days.
    let frozen = run(&model(&scheduled("freeze")), 1, 1);
    let lead = supplier_metric(&frozen, 0, 0, "supplier_lead_time_days").mean();
    assert!((lead - (19.0 * 3.0 + 3.0 * 8.0) / 22.0).abs() < 1e-12, "{lead}");
    assert!(total(&frozen, 0, "avg_backorders").mean() > total(&cont, 0, "avg_backorders").mean());
}

fn rich(shortfall: &str) -> String {
    format!(
        r#"{{"schema_version": 1, "horizon_days": 400, "warmup_days": 40,
        "items": [{{"id": "a"}}, {{"id": "b"}}], "locations": [{{"id": "l"}}],
        "suppliers": [
            {{"id": "main", "outages": {{"random": {{"type": "mtbf", "mean_days_between_failures": 60, "mean_days_to_repair": 6}},
                "scheduled": [{{"start_day": 100, "days": 14, "every_days": 365}}], "in_transit": "freeze"}}}},
            {{"id": "backup", "outages": {{"random": {{"type": "markov", "fail_probability": 0.01, "recover_probability": 0.2}},
                "remaining_capacity": 0.5}}}}
        ],
        "lanes": [
            {{"id": "m", "from": "main", "to": "l", "lead_time": {{"type": "uniform", "min": 2, "max": 6}},
             "delays": {{"probability": 0.2, "extra_days": {{"type": "uniform", "min": 1, "max": 10}}}},
             "yield": {{"probability": 0.3, "fraction": {{"type": "uniform", "min": 0.5, "max": 1}}, "shortfall": "{shortfall}"}}}},
            {{"id": "k", "from": "backup", "to": "l", "lead_time": {{"type": "constant", "value": 1}}, "capacity_per_day": 15}}
        ],
        "segments": [{{"id": "default", "patience_days": {{"type": "uniform", "min": 0, "max": 6}}, "line_size": 3,
                       "churn": {{"drop": 0.02, "recovery_per_day": 0.01}}}}],
        "demand": [
            {{"location": "l", "item": "a", "distribution": {{"type": "poisson", "mean": 12}},
              "spikes": {{"probability": 0.02, "multiplier": 2.5, "duration_days": {{"type": "uniform", "min": 1, "max": 5}}}},
              "promotions": [{{"start_day": 200, "days": 10, "multiplier": 1.8}}]}},
            {{"location": "l", "item": "b", "distribution": {{"type": "poisson", "mean": 7}}}}
        ],
        "policies": [
            {{"name": "single", "inventory": {{"type": "base_stock", "S": 70}}, "sourcing": {{"type": "single", "source": "main"}}}},
            {{"name": "backup", "inventory": {{"type": "base_stock", "S": 70}}, "sourcing": {{"type": "primary_backup", "sources": ["main", "backup"]}}}}
        ]}}"#
    )
}

#[test]
fn units_are_conserved_through_outages_delays_short_shipments_and_cancellations() {
    for shortfall in ["cancel", "reship"] {
        let m = model(&rich(shortfall));
        check_conservation(&m, 40, 8);
        let stats = run(&m, 40, 8);
        for p in 0..2 {
            assert!(total(&stats, p, "cancelled_units").mean() > 0.0);
            assert!(total(&stats, p, "churn_units").mean() > 0.0);
            assert!(supplier_metric(&stats, p, 0, "supplier_short_units").mean() > 0.0);
        }
        // The backup supplier only serves the policy that uses it, and improves service.
        assert_eq!(supplier_metric(&stats, 0, 1, "supplier_orders").mean(), 0.0);
        assert!(supplier_metric(&stats, 1, 1, "supplier_orders").mean() > 0.0);
        assert!(total(&stats, 1, "fill_rate").mean() > total(&stats, 0, "fill_rate").mean());
        // Service is worse while a supplier is down.
        assert!(
            total(&stats, 0, "fill_rate_disrupted").mean() < total(&stats, 0, "fill_rate_undisrupted").mean()
        );
    }
}

#[test]
fn delays_and_short_shipments_have_their_expected_size() {
    // One item, constant lead time 4, a 25 % chance of 1–7 extra days (mean 4): mean realised
    // lead time 4 + 0.25 × 4 = 5. A 40 % chance of delivering a uniform 50–100 % share, the rest
    // cancelled: the expected share delivered is 1 − 0.4 × 0.25 = 0.9 (less a rounding-down of
    // about half a unit per short shipment).
    let m = model(
        r#"{"schema_version": 1, "horizon_days": 2000, "warmup_days": 50,
        "items": [{"id": "i"}], "locations": [{"id": "l"}], "suppliers": [{"id": "s"}],
        "lanes": [{"id": "x", "from": "s", "to": "l", "lead_time": {"type": "constant", "value": 4},
                   "delays": {"probability": 0.25, "extra_days": {"type": "uniform", "min": 1, "max": 7}},
                   "yield": {"probability": 0.4, "fraction": {"type": "uniform", "min": 0.5, "max": 1.0}}}],
        "demand": [{"location": "l", "item": "i", "distribution": {"type": "constant", "value": 40}}],
        "policies": [{"name": "p", "inventory": {"type": "base_stock", "S": 400}}]}"#,
    );
    let stats = run(&m, 40, 2);
    assert_agrees("lead time", &supplier_metric(&stats, 0, 0, "supplier_lead_time_days"), 5.0, &[4.0]);
    let ordered = supplier_metric(&stats, 0, 0, "supplier_units_ordered").mean();
    let short = supplier_metric(&stats, 0, 0, "supplier_short_units").mean();
    let share = 1.0 - short / ordered;
    assert!((share - 0.9).abs() < 0.005, "{share}");
}
