//! Policy quantities in days of cover, and the intermittent-demand forecasters (Croston, SBA,
//! TSB) in the safety-stock policy (issue 12).

use crate::common;

use common::{check_conservation, model, run, total};
use scsim::metrics::Counters;
use scsim::model::Model;
use scsim::sim::engine::Workspace;

fn one_item(demand: &str, policies: &str) -> String {
    format!(
        r#"{{"schema_version": 1, "horizon_days": 400, "warmup_days": 50,
        "items": [{{"id": "i"}}], "locations": [{{"id": "l"}}], "suppliers": [{{"id": "s"}}],
        "lanes": [{{"id": "x", "from": "s", "to": "l", "lead_time": {{"type": "constant", "value": 5}}}}],
        "demand": [{{"location": "l", "item": "i", "distribution": {demand}}}],
        "policies": [{policies}]}}"#
    )
}

/// The counters of every pair of policy `p`, replication by replication.
fn counters(m: &Model, p: usize, replications: u64) -> Vec<Vec<Counters>> {
    let mut ws = Workspace::new(m);
    (0..replications)
        .map(|r| {
            ws.run(m, p, 7, r);
            ws.pair_counters().map(|(c, _)| c.clone()).collect()
        })
        .collect()
}

#[test]
fn base_stock_in_days_of_cover_is_the_same_policy_in_units() {
    // Poisson 20/day: 5.5 days of cover = round(5.5 × 20) = 110 units.
    let m = model(&one_item(
        r#"{"type": "poisson", "mean": 20}"#,
        r#"{"name": "days", "inventory": {"type": "base_stock", "S_cover_days": 5.5}},
           {"name": "units", "inventory": {"type": "base_stock", "S": 110}},
           {"name": "other", "inventory": {"type": "base_stock", "S": 111}}"#,
    ));
    assert_eq!(counters(&m, 0, 10), counters(&m, 1, 10));
    // The summary: identical values for every metric.
    let stats = run(&m, 10, 3);
    let (days, units) = (&stats.policies[0].ordered.total, &stats.policies[1].ordered.total);
    for (k, (a, b)) in days.iter().zip(units).enumerate() {
        assert_eq!(format!("{a:?}"), format!("{b:?}"), "metric {k}");
    }
    // A level one unit off (round(5.5 × 20) taken as 111) would show.
    assert_ne!(counters(&m, 0, 10), counters(&m, 2, 10));
}

#[test]
fn every_static_quantity_in_days_of_cover() {
    // Mean 12/day: s = round(2.5 × 12) = 30, S = round(6.25 × 12) = 75, r = round(4.9 × 12) = 59,
    // Q = round(1.5 × 12) = 18.
    let m = model(&one_item(
        r#"{"type": "poisson", "mean": 12}"#,
        r#"{"name": "sS-days", "inventory": {"type": "s_S", "s_cover_days": 2.5, "S_cover_days": 6.25}},
           {"name": "sS", "inventory": {"type": "s_S", "s": 30, "S": 75}},
           {"name": "rQ-days", "inventory": {"type": "r_Q", "r_cover_days": 4.9, "Q_cover_days": 1.5}},
           {"name": "rQ", "inventory": {"type": "r_Q", "r": 59, "Q": 18}},
           {"name": "mixed", "inventory": {"type": "r_Q", "r": 59, "Q_cover_days": 1.5}}"#,
    ));
    assert_eq!(counters(&m, 0, 5), counters(&m, 1, 5));
    assert_eq!(counters(&m, 2, 5), counters(&m, 3, 5));
    assert_eq!(counters(&m, 4, 5), counters(&m, 3, 5));
}

/// A DC supplying two stores (Poisson 20 and 10 a day), every pair under `policy`.
fn two_stores(policy: &str) -> String {
    format!(
        r#"{{
        "schema_version": 1, "horizon_days": 300, "warmup_days": 20,
        "items": [{{"id": "i"}}],
        "locations": [{{"id": "dc"}}, {{"id": "a"}}, {{"id": "b"}}],
        "suppliers": [{{"id": "sup"}}],
        "lanes": [
            {{"id": "in", "from": "sup", "to": "dc", "lead_time": {{"type": "constant", "value": 4}}}},
            {{"id": "to-a", "from": "dc", "to": "a", "lead_time": {{"type": "constant", "value": 1}}}},
            {{"id": "to-b", "from": "dc", "to": "b", "lead_time": {{"type": "constant", "value": 1}}}}
        ],
        "demand": [
            {{"location": "a", "item": "i", "distribution": {{"type": "poisson", "mean": 20}}}},
            {{"location": "b", "item": "i", "distribution": {{"type": "poisson", "mean": 10}}}}
        ],
        "policies": [{policy}]
    }}"#
    )
}

#[test]
fn a_supplying_pair_covers_the_demand_of_the_pairs_it_supplies() {
    // The DC sees 20 + 10 = 30 a day: 4.5 days are 135 units; store a 90, store b 45.
    let days = model(&two_stores(
        r#"{"name": "d", "inventory": {"type": "echelon_base_stock", "S_cover_days": 4.5}}"#,
    ));
    let units = model(&two_stores(
        r#"{"name": "u", "inventory": {"type": "echelon_base_stock", "S": 135}, "overrides": [
            {"location": "a", "inventory": {"type": "echelon_base_stock", "S": 90}},
            {"location": "b", "inventory": {"type": "echelon_base_stock", "S": 45}}]}"#,
    ));
    assert_eq!(counters(&days, 0, 5), counters(&units, 0, 5));
    // Its own customers' demand alone (none at the DC) would give 0: plainly different.
    let own_only = model(&two_stores(
        r#"{"name": "u", "inventory": {"type": "echelon_base_stock", "S": 0}, "overrides": [
            {"location": "a", "inventory": {"type": "echelon_base_stock", "S": 90}},
            {"location": "b", "inventory": {"type": "echelon_base_stock", "S": 45}}]}"#,
    ));
    assert_ne!(counters(&days, 0, 5), counters(&own_only, 0, 5));
}

#[test]
fn cover_days_that_round_to_an_invalid_level_are_reported_at_the_pair() {
    let problems = common::problems(&one_item(
        r#"{"type": "poisson", "mean": 0.2}"#,
        r#"{"name": "p", "inventory": {"type": "r_Q", "r": 1, "Q_cover_days": 2}}"#,
    ));
    // Q = round(2 × 0.2) = 0.
    assert!(
        problems.iter().any(|p| p.path == "policies[0].inventory.Q_cover_days"
            && p.message.contains("Q = 0")
            && p.message.contains("l/i")),
        "{problems:#?}"
    );
}

/// A safety-stock policy with a fill-rate target on `forecast`, on intermittent demand: a day
/// has demand with probability 1/4, of 1 to 7 units (mean 1 a day).
fn intermittent(forecast: &str) -> String {
    one_item(
        r#"{"type": "empirical", "values": [0, 1, 4, 7], "weights": [12, 1, 2, 1]}"#,
        &format!(
            r#"{{"name": "ss", "inventory": {{"type": "safety_stock", "forecast": {forecast},
                "service": {{"type": "fill_rate", "target": 0.9}}, "lot": {{"type": "cover_days", "days": 7}},
                "recompute_every": 1}}}}"#
        ),
    )
}

#[test]
fn safety_stock_runs_on_each_intermittent_forecaster() {
    for forecast in [
        r#"{"type": "croston", "alpha": 0.1}"#,
        r#"{"type": "sba", "alpha": 0.1}"#,
        r#"{"type": "tsb", "alpha": 0.1, "beta": 0.05}"#,
    ] {
        let m = model(&intermittent(forecast));
        check_conservation(&m, 3, 11);
        for c in counters(&m, 0, 3).iter().map(|pairs| &pairs[0]) {
            let f = &c.forecast;
            assert_eq!(f.days, 350, "{forecast}: every measured day is forecast");
            // The scaled error is the MAE over the mean demand, demand counted independently.
            let [mae, .., scaled] = f.summary();
            let mean_demand = c.demand_units as f64 / f.days as f64;
            assert!(
                (scaled - mae / mean_demand).abs() < 1e-12,
                "{forecast}: {scaled} vs {mae}/{mean_demand}"
            );
        }
        let stats = run(&m, 8, 5);
        // Mean demand 1: E|Y − 1| = (12·1 + 0 + 2·3 + 6) / 16 = 1.5 for a perfect mean; a
        // smoothed forecast is a little worse, a forecast of zero scores exactly 1.
        let scaled = total(&stats, 0, "forecast_scaled_mae").mean;
        assert!((1.45..1.8).contains(&scaled), "{forecast}: scaled MAE {scaled}");
        let fill = total(&stats, 0, "fill_rate").mean;
        assert!(fill > 0.75, "{forecast}: fill rate {fill}");
    }
}
