//! Tests of the engine's schedules: each gives the full day loop's results to the byte.

use super::*;
use crate::scenario::ScenarioFile;
use std::path::Path;

/// A model with everything the lean loop keeps: several items and segments, lost sales,
/// multi-unit lines, priorities, capacities, order minimums and multiples, random lead
/// times, split and backup sourcing, periodic and (r, Q) reviews, a warm-up.
const LEAN: &str = r#"{
    "schema_version": 1, "horizon_days": 200, "warmup_days": 30,
    "items": [
        {"id": "a", "costs": {"holding_per_unit_day": 0.1, "backorder_per_unit_day": 1.0, "lost_sale_per_unit": 4.0}},
        {"id": "b"}, {"id": "c"}
    ],
    "locations": [{"id": "dc"}],
    "suppliers": [{"id": "s1"}, {"id": "s2"}],
    "lanes": [
        {"id": "l1", "from": "s1", "to": "dc", "lead_time": {"type": "uniform", "min": 2, "max": 6},
         "capacity_per_day": 60, "min_order": 10, "order_cost": 5},
        {"id": "l2", "from": "s2", "to": "dc", "lead_time": {"type": "constant", "value": 1},
         "order_multiple": 5, "unit_cost": 3}
    ],
    "segments": [
        {"id": "shop", "unmet": {"type": "mixed", "backorder_probability": 0.6}},
        {"id": "trade", "line_size": 10, "partial_fill": false, "priority": 5}
    ],
    "demand": [
        {"location": "dc", "item": "a", "segment": "shop", "distribution": {"type": "poisson", "mean": 20},
         "weekly_profile": [0.8, 0.8, 0.9, 1.0, 1.2, 1.6, 0.7]},
        {"location": "dc", "item": "a", "segment": "trade",
         "distribution": {"type": "empirical", "values": [0, 20, 40], "weights": [0.7, 0.2, 0.1]}},
        {"location": "dc", "item": "b", "segment": "shop", "distribution": {"type": "negative_binomial", "mean": 12, "sd": 6}},
        {"location": "dc", "item": "c", "segment": "trade", "distribution": {"type": "poisson", "mean": 30}}
    ],
    "policies": [
        {"name": "split", "inventory": {"type": "base_stock", "S": 90},
         "sourcing": {"type": "split", "shares": [{"source": "l1", "share": 0.7}, {"source": "l2", "share": 0.3}]}},
        {"name": "backup", "inventory": {"type": "r_Q", "r": 40, "Q": 50, "review_period": 2},
         "sourcing": {"type": "primary_backup", "sources": ["l1", "l2"]}}
    ]
}"#;

/// A catalogue whose pairs are independent (no lane capacity):
/// backorders and lost sales, multi-unit lines, random lead times drawn per lane and day,
/// split sourcing, (r, Q) reviews every 2 days, a forecast policy (which `run` runs day by
/// day), a warm-up. `UNIT` is l2's
/// unit cost.
const INDEPENDENT: &str = r#"{
    "schema_version": 1, "horizon_days": 150, "warmup_days": 20,
    "items": [
        {"id": "a", "costs": {"holding_per_unit_day": 0.13, "backorder_per_unit_day": 1.7, "lost_sale_per_unit": 4.1}},
        {"id": "b", "costs": {"holding_per_unit_day": 0.071, "backorder_per_unit_day": 0.93}},
        {"id": "c", "costs": {"holding_per_unit_day": 0.0113, "lost_sale_per_unit": 2.9}},
        {"id": "d", "costs": {"holding_per_unit_day": 0.31, "backorder_per_unit_day": 1.1}}
    ],
    "locations": [{"id": "dc"}],
    "suppliers": [{"id": "s1"}, {"id": "s2"}],
    "lanes": [
        {"id": "l1", "from": "s1", "to": "dc", "lead_time": {"type": "uniform", "min": 2, "max": 6},
         "min_order": 10, "order_cost": 5, "unit_cost": 2},
        {"id": "l2", "from": "s2", "to": "dc", "lead_time": {"type": "constant", "value": 3},
         "order_multiple": 5, "unit_cost": UNIT}
    ],
    "segments": [
        {"id": "shop", "unmet": {"type": "mixed", "backorder_probability": 0.6}},
        {"id": "trade", "line_size": 10, "partial_fill": false, "priority": 5}
    ],
    "demand": [
        {"location": "dc", "item": "a", "segment": "shop", "distribution": {"type": "poisson", "mean": 20}},
        {"location": "dc", "item": "a", "segment": "trade",
         "distribution": {"type": "empirical", "values": [0, 20, 40], "weights": [0.7, 0.2, 0.1]}},
        {"location": "dc", "item": "b", "segment": "shop", "distribution": {"type": "negative_binomial", "mean": 12, "sd": 6}},
        {"location": "dc", "item": "c", "segment": "trade", "distribution": {"type": "poisson", "mean": 30}},
        {"location": "dc", "item": "d", "segment": "shop", "distribution": {"type": "poisson", "mean": 20}}
    ],
    "policies": [
        {"name": "split", "inventory": {"type": "base_stock", "S": 70},
         "sourcing": {"type": "split", "shares": [{"source": "l1", "share": 0.7}, {"source": "l2", "share": 0.3}]}},
        {"name": "rq", "inventory": {"type": "r_Q", "r": 40, "Q": 50, "review_period": 2},
         "sourcing": {"type": "primary_backup", "sources": ["l2", "l1"]}},
        {"name": "forecast", "inventory": {"type": "safety_stock", "forecast": {"type": "ses", "alpha": 0.2},
         "service": {"type": "fill_rate", "target": 0.9}},
         "sourcing": {"type": "primary_backup", "sources": ["l1", "l2"]}}
    ]
}"#;

/// A catalogue whose pairs but `d` each have one lane with a fixed lead time, so that pair
/// by pair the pipeline ring carries their shipments (`a` and `e` share a lane), while `d`,
/// the first pair, with a random lead time, uses the calendar: backorders (kept in bulk) and
/// lost sales, lead times from 1 to 6, the longest the ring of 8 days holds, a quoted lead
/// time shorter than the lead time (`l2`), reviews every day, 2 and 3 days, a warm-up,
/// orders still on their way at the horizon, in slots that wrap around the ring.
const RING: &str = r#"{
    "schema_version": 1, "horizon_days": 123, "warmup_days": 15,
    "items": [
        {"id": "d"},
        {"id": "a", "costs": {"holding_per_unit_day": 0.13, "backorder_per_unit_day": 1.7}},
        {"id": "b", "costs": {"holding_per_unit_day": 0.071, "lost_sale_per_unit": 2.9}},
        {"id": "c", "costs": {"holding_per_unit_day": 0.31, "backorder_per_unit_day": 1.1}},
        {"id": "e", "costs": {"holding_per_unit_day": 0.2, "backorder_per_unit_day": 0.9}}
    ],
    "locations": [{"id": "dc"}],
    "suppliers": [{"id": "s1"}, {"id": "s2"}, {"id": "s3"}, {"id": "s4"}],
    "lanes": [
        {"id": "l1", "from": "s1", "to": "dc", "items": ["a", "e"], "lead_time": {"type": "constant", "value": 1},
         "order_cost": 5.3, "unit_cost": 2.1},
        {"id": "l2", "from": "s2", "to": "dc", "items": ["b"], "lead_time": {"type": "constant", "value": 4},
         "quoted_lead_time": 3, "min_order": 10, "order_multiple": 5, "unit_cost": 0.7},
        {"id": "l3", "from": "s3", "to": "dc", "items": ["c"], "lead_time": {"type": "constant", "value": 6}},
        {"id": "l4", "from": "s4", "to": "dc", "items": ["d"], "lead_time": {"type": "uniform", "min": 2, "max": 5}}
    ],
    "segments": [{"id": "shop"}, {"id": "walk", "unmet": {"type": "lost"}}],
    "demand": [
        {"location": "dc", "item": "d", "segment": "shop", "distribution": {"type": "poisson", "mean": 15}},
        {"location": "dc", "item": "a", "segment": "shop", "distribution": {"type": "poisson", "mean": 20}},
        {"location": "dc", "item": "b", "segment": "walk", "distribution": {"type": "negative_binomial", "mean": 12, "sd": 6}},
        {"location": "dc", "item": "c", "segment": "shop", "distribution": {"type": "poisson", "mean": 9}},
        {"location": "dc", "item": "e", "segment": "shop", "distribution": {"type": "poisson", "mean": 5}}
    ],
    "policies": [
        {"name": "base", "inventory": {"type": "base_stock", "S": 60}},
        {"name": "rq", "inventory": {"type": "r_Q", "r": 30, "Q": 40, "review_period": 3}},
        {"name": "ss", "inventory": {"type": "s_S", "s": 25, "S": 70, "review_period": 2}}
    ]
}"#;

#[test]
fn shipments_carried_by_the_pipeline_ring_give_the_calendars_results() {
    let file = ScenarioFile::parse(RING.as_bytes(), Path::new("ring.json")).expect("parses");
    let model = Model::build(&file).expect("valid");
    assert!(model.independent_pairs());
    let (mut by_pair, mut by_day) = (Workspace::new(&model), Workspace::new(&model));
    assert_eq!(by_pair.ring, 8, "the longest lead time, 6, is the longest the ring holds");
    let leads: Vec<_> = by_pair.rings.iter().map(|r| r.map(|r| r.lead)).collect();
    assert_eq!(leads, [None, Some(1), Some(4), Some(6), Some(1)]);
    // Replication by replication, every policy in turn, as an experiment runs them: the
    // policies after the first read the replication's demand drawn by the first (`Drawn`).
    for replication in 0..4 {
        for policy in 0..model.policies.len() {
            assert!(model.lean(policy), "policy {policy} runs on the lean loop");
            by_pair.run(&model, policy, 3, replication);
            assert!(by_pair.drawn.draw(&model, &by_pair.streams, (3, replication)), "the demand is kept");
            run_full_loop(&mut by_day, &model, policy, 3, replication);
            let c = &by_day.total().0;
            assert!(c.backorder_unit_days > 0 && c.walkaway_units > 0 && c.in_transit_unit_days > 0);
            let ring_in_transit = by_day.ledgers().skip(1).any(|l| l.in_transit > 0);
            assert!(ring_in_transit, "orders of ring pairs on their way at the end");
            // l2 delivers in 4 days against the 3 it quotes; l3 in the 6 it quotes.
            let lanes = by_day.lane_counters();
            assert!(lanes[1].orders_received > 0 && lanes[1].on_time == 0);
            assert!(lanes[2].orders_received > 0 && lanes[2].on_time == lanes[2].orders_received);
            let case = format!("policy {policy}, replication {replication}");
            assert_eq!(outcome(&by_pair), outcome(&by_day), "{case}");
        }
    }
}

/// Pairs all carried by the pipeline ring (`l1` carries `a` and `xk`), 19 of them, each
/// forecast ahead of its days, backorders in bulk and lost sales (`a` has a
/// stream of each), a weekly profile, a warm-up, with forecasting policies: exponential
/// smoothing to a fill rate (with base-stock at `b` and its own review every 3 days at `c`),
/// Holt-Winters to a cycle service level, a moving average recomputed weekly and reviewed
/// every 2 days from day 1, just in time.
fn ring_forecasting() -> Model {
    let extra: Vec<String> = (0..16).map(|k| format!("x{k}")).collect();
    let items: String = extra.iter().map(|x| format!(r#", {{"id": "{x}"}}"#)).collect();
    let on_l1: String = extra.iter().map(|x| format!(r#", "{x}""#)).collect();
    let demand: String = (extra.iter().enumerate())
        .map(|(k, x)| {
            let mean = 2 + 3 * k;
            format!(r#", {{"location": "dc", "item": "{x}", "distribution": {{"type": "poisson", "mean": {mean}}}}}"#)
        })
        .collect();
    let json = format!(
        r#"{{
        "schema_version": 1, "horizon_days": 150, "warmup_days": 20,
        "items": [{{"id": "a"}}, {{"id": "b", "costs": {{"lost_sale_per_unit": 2.9}}}}, {{"id": "c"}}{items}],
        "locations": [{{"id": "dc"}}],
        "suppliers": [{{"id": "s1"}}, {{"id": "s2"}}, {{"id": "s3"}}],
        "lanes": [
            {{"id": "l1", "from": "s1", "to": "dc", "items": ["a"{on_l1}], "lead_time": {{"type": "constant", "value": 2}}}},
            {{"id": "l2", "from": "s2", "to": "dc", "items": ["b"], "lead_time": {{"type": "constant", "value": 4}},
             "min_order": 10, "order_multiple": 5}},
            {{"id": "l3", "from": "s3", "to": "dc", "items": ["c"], "lead_time": {{"type": "constant", "value": 6}}}}
        ],
        "segments": [{{"id": "shop"}}, {{"id": "walk", "unmet": {{"type": "lost"}}}}],
        "demand": [
            {{"location": "dc", "item": "a", "segment": "shop", "distribution": {{"type": "poisson", "mean": 20}},
             "weekly_profile": [0.8, 0.8, 0.9, 1.0, 1.2, 1.6, 0.7]}},
            {{"location": "dc", "item": "a", "segment": "walk", "distribution": {{"type": "poisson", "mean": 4}}}},
            {{"location": "dc", "item": "b", "segment": "walk", "distribution": {{"type": "negative_binomial", "mean": 12, "sd": 6}}}},
            {{"location": "dc", "item": "c", "segment": "shop", "distribution": {{"type": "poisson", "mean": 9}}}}{demand}
        ],
        "policies": [
            {{"name": "ses", "inventory": {{"type": "safety_stock", "forecast": {{"type": "ses", "alpha": 0.1}},
             "service": {{"type": "fill_rate", "target": 0.9}}, "recompute_every": 1}},
             "overrides": [
                {{"item": "b", "inventory": {{"type": "base_stock", "S": 40}}}},
                {{"item": "c", "inventory": {{"type": "safety_stock", "forecast": {{"type": "ses", "alpha": 0.3}},
                 "service": {{"type": "fill_rate", "target": 0.9}}, "review_period": 3, "recompute_every": 2}}}}
             ]}},
            {{"name": "holt-winters", "inventory": {{"type": "safety_stock", "forecast": {{"type": "holt_winters",
             "alpha": 0.1, "beta": 0.01, "gamma": 0.1, "seasonality": "multiplicative"}},
             "service": {{"type": "cycle_service_level", "target": 0.8}}, "recompute_every": 1}}}},
            {{"name": "weekly", "inventory": {{"type": "safety_stock", "forecast": {{"type": "moving_average", "window": 7}},
             "service": {{"type": "fill_rate", "target": 0.95}}, "lot": {{"type": "cover_days", "days": 3}},
             "recompute_every": 7, "review_period": 2, "review_offset": 1}}}},
            {{"name": "jit", "inventory": {{"type": "just_in_time", "buffer": 5}}}}
        ]
    }}"#
    );
    let file = ScenarioFile::parse(json.as_bytes(), Path::new("ring-forecasting.json")).expect("parses");
    Model::build(&file).expect("valid")
}

#[test]
fn forecasts_made_ahead_of_ring_pairs_days_give_the_full_loops_results() {
    let model = ring_forecasting();
    assert!(model.independent_pairs() && model.pairs.len() == 19);
    assert!(Workspace::new(&model).rings.iter().all(Option::is_some), "every pair is carried by the ring");
    assert!((0..model.policies.len()).all(|p| model.policies[p].forecasts));
    assert_runs_match_the_full_loop(&model, 4, |run| {
        let c = &run.total().0;
        assert!(c.forecast.days > 0 && c.backorder_unit_days > 0 && c.walkaway_units > 0);
    });
}

/// Replications 0, 1 and 2 of every policy of `model` (each on the lean loop) give the full
/// day loop's results; `check` asserts what each run must exercise.
pub(in crate::sim) fn assert_runs_match_the_full_loop(model: &Model, seed: u64, check: impl Fn(&Workspace)) {
    let (mut run, mut full) = (Workspace::new(model), Workspace::new(model));
    for policy in 0..model.policies.len() {
        assert!(model.lean(policy), "policy {policy} runs on the lean loop");
        for replication in 0..3 {
            run.run(model, policy, seed, replication);
            run_full_loop(&mut full, model, policy, seed, replication);
            check(&run);
            assert_eq!(outcome(&run), outcome(&full), "policy {policy}, replication {replication}");
        }
    }
}

/// Replication `replication` of `policy` on the full day loop, the reference every other
/// schedule must match.
pub(in crate::sim) fn run_full_loop(
    ws: &mut Workspace,
    model: &Model,
    policy: usize,
    seed: u64,
    replication: u64,
) {
    ws.reset(model, policy, seed, replication);
    ws.days_of::<true>(model);
    ws.finish(model);
}

/// Everything a replication reports, as text.
pub(in crate::sim) fn outcome(ws: &Workspace) -> String {
    let pairs: Vec<_> = ws.pair_counters().map(|(c, w)| format!("{c:?} {w:?}")).collect();
    let streams: Vec<_> = ws.stream_counters().collect();
    let ledgers: Vec<_> = ws.ledgers().collect();
    format!("{pairs:?} {:?} {:?} {streams:?} {ledgers:?} {:?}", ws.total(), ws.lane_counters(), ws.days())
}

#[test]
fn the_lean_loop_gives_the_full_loops_results() {
    let file = ScenarioFile::parse(LEAN.as_bytes(), Path::new("lean.json")).expect("parses");
    let model = Model::build(&file).expect("valid");
    assert_runs_match_the_full_loop(&model, 5, |lean| {
        assert!(lean.total().0.backorder_unit_days > 0 && lean.total().0.walkaway_units > 0);
    });
}

#[test]
fn pair_by_pair_gives_the_day_by_day_results() {
    // l2's unit cost is fractional, so a lane's spend summed order by order would depend on
    // the order of the additions; 1e12 takes it past 2^53, where whole numbers stop adding
    // exactly. The spend is computed from integer counts, so both schedules agree.
    for unit in ["3", "2.37", "1e12"] {
        let json = INDEPENDENT.replace("UNIT", unit);
        let file = ScenarioFile::parse(json.as_bytes(), Path::new("independent.json")).expect("parses");
        let model = Model::build(&file).expect("valid");
        assert!(model.independent_pairs());
        let (mut run, mut by_pair, mut by_day) =
            (Workspace::new(&model), Workspace::new(&model), Workspace::new(&model));
        for policy in 0..model.policies.len() {
            assert!(model.lean(policy), "policy {policy} runs on the lean loop");
            for replication in 0..3 {
                run.run(&model, policy, 9, replication);
                let forecasts = model.policies[policy].forecasts;
                by_day.reset(&model, policy, 9, replication);
                by_day.days_of::<false>(&model);
                by_day.finish(&model);
                let c = &by_day.total().0;
                assert!(c.backorder_unit_days > 0 && c.walkaway_units > 0 && c.on_hand_unit_days > 0);
                let spent = by_day.lane_counters().iter().map(|l| l.spend).fold(0.0, f64::max);
                assert!(by_day.days().iter().any(|d| d.costs.lost_sales > 0.0) && spent > 0.0);
                let case = format!("unit {unit}, policy {policy}, replication {replication}");
                assert_eq!(outcome(&run), outcome(&by_day), "{case}");
                // A forecasting policy runs day by day (`run`), so only `run` is compared.
                if !forecasts {
                    by_pair.reset(&model, policy, 9, replication);
                    by_pair.pairs_of(&model, (9, replication));
                    by_pair.finish(&model);
                    assert_eq!(outcome(&by_pair), outcome(&by_day), "{case}");
                }
            }
        }
    }
    // A lane capacity makes pairs depend on each other.
    let file = ScenarioFile::parse(LEAN.as_bytes(), Path::new("lean.json")).expect("parses");
    assert!(!Model::build(&file).expect("valid").independent_pairs());
}
