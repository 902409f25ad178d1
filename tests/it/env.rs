//! The day-by-day environment (`experiment::env`) and the `external` inventory rule: a
//! base-stock rule computed from the observation reproduces the built-in policy exactly,
//! episodes are reproducible from their seed, rewards add up to the run's costs (or profit).

use std::sync::Arc;

use scsim::experiment::env::{EnvError, Environment, RECENT_DAYS};
use scsim::metrics::metric_index;
use scsim::model::Model;
use scsim::sim::engine::Workspace;

use crate::common;

/// The canonical case (Poisson 20 a day, lead time 5, S = 110, 365 days) with two policies:
/// the built-in base-stock and the external rule on the same review schedule. Both start with
/// 110 units on hand (the external rule would start empty).
fn canonical(review_period: u32, review_offset: u32, prices: bool) -> Model {
    let price = if prices { r#", "price": 3.0"# } else { "" };
    common::model(&format!(
        r#"{{
        "schema_version": 1, "horizon_days": 365, "warmup_days": 0,
        "items": [{{"id": "sku"{price}}}],
        "locations": [{{"id": "dc"}}],
        "suppliers": [{{"id": "sup"}}],
        "lanes": [{{"id": "lane", "from": "sup", "to": "dc", "lead_time": {{"type": "constant", "value": 5}}}}],
        "demand": [{{"location": "dc", "item": "sku", "distribution": {{"type": "poisson", "mean": 20}}}}],
        "costs": {{"holding_per_unit_day": 0.1, "backorder_per_unit_day": 1.0, "order_fixed": 5.0, "unit_purchase": 2.0}},
        "initial_on_hand": [{{"location": "dc", "item": "sku", "units": 110}}],
        "policies": [
            {{"name": "base-stock", "inventory": {{"type": "base_stock", "S": 110,
              "review_period": {review_period}, "review_offset": {review_offset}}}}},
            {{"name": "agent", "inventory": {{"type": "external",
              "review_period": {review_period}, "review_offset": {review_offset}}}}}
        ]
    }}"#
    ))
}

/// Drives `env` to the end of its episode with order-up-to-`level` computed from each
/// observation (the position rebuilt from on hand, owed and the on-order vector, and checked
/// against the position feature); returns each replication's summed reward.
fn drive_base_stock(env: &mut Environment, level: i64) -> Vec<f64> {
    let [batch, pairs, f] = env.shape();
    let lead = env.lead_days();
    let mut total = vec![0.0; batch];
    loop {
        let obs = env.observation();
        let orders: Vec<i64> = obs
            .chunks_exact(f)
            .map(|row| {
                let on_order: f64 = row[4..4 + lead].iter().sum();
                let position = row[0] - row[1] + on_order;
                assert_eq!(position, row[2], "the position is on hand − owed + on order");
                (level - position as i64).max(0)
            })
            .collect();
        assert_eq!(orders.len(), batch * pairs);
        let (rewards, done) = env.step(&orders).expect("valid orders");
        total.iter_mut().zip(rewards).for_each(|(t, r)| *t += r);
        if done[0] {
            assert!(done.iter().all(|&d| d), "replications end together");
            return total;
        }
    }
}

/// Everything a replication reports, as text (every counter of every pair, the totals, the
/// ledgers and the daily records).
fn outcome(ws: &Workspace) -> String {
    let pairs: Vec<_> = ws.pair_counters().map(|(c, w)| format!("{c:?} {w:?}")).collect();
    let ledgers: Vec<_> = ws.ledgers().collect();
    format!("{pairs:?} {:?} {:?} {ledgers:?} {:?}", ws.total(), ws.lane_counters(), ws.days())
}

fn equals_the_built_in_policy(review_period: u32, review_offset: u32) {
    let model = Arc::new(canonical(review_period, review_offset, false));
    let (batch, seed) = (6, 42);
    let mut env = Environment::new(Arc::clone(&model), 1, batch, seed).expect("an external policy");
    let rewards = drive_base_stock(&mut env, 110);
    let mut ws = Workspace::new(&model);
    for (b, &reward) in rewards.iter().enumerate() {
        ws.run(&model, 0, seed, b as u64);
        let (c, waits) = ws.total();
        let built_in = c.metrics(model.measured_days(), waits);
        let through_env = env.metrics(b).expect("episode done");
        for (k, (a, e)) in built_in.iter().zip(&through_env).enumerate() {
            assert!(a.to_bits() == e.to_bits(), "replication {b}, metric {k}: built-in {a}, environment {e}");
        }
        assert_eq!(outcome(&ws), outcome(env.replication(b).expect("done")), "replication {b}");
        assert!(c.orders > 0 && c.backorder_unit_days > 0, "the case orders and runs short");
        // Rewards: minus every cost of every day (no warm-up), from the counters, less the days
        // before the first review, which run at reset.
        let cost = c.holding_cost + c.backorder_cost + c.ordering_cost + c.purchase_cost;
        let before: f64 = ws.days()[..review_offset as usize].iter().map(|d| d.costs.total()).sum();
        assert!(review_offset == 0 || before > 0.0);
        assert!(
            (reward + cost - before).abs() < 1e-6 * cost,
            "reward {reward}, cost {cost}, before {before}"
        );
    }
    // The plausible wrong rule (one unit lower) is told apart.
    env.reset(seed);
    drive_base_stock(&mut env, 109);
    ws.run(&model, 0, seed, 0);
    assert_ne!(outcome(&ws), outcome(env.replication(0).expect("done")));
}

#[test]
fn base_stock_through_the_environment_equals_the_built_in_policy() {
    equals_the_built_in_policy(1, 0);
}

#[test]
fn periodic_review_through_the_environment_equals_the_built_in_policy() {
    // Steps run three days each; the first review is on day 2 (days 0 and 1 run at reset).
    equals_the_built_in_policy(3, 2);
}

/// An order-up-to heuristic from the forecast feature: the expected demand of the lead time
/// and review plus a safety margin, on the position.
fn heuristic(env: &mut Environment) -> (Vec<f64>, Vec<Vec<f64>>) {
    let f = env.features();
    let (mut rewards, mut seen) = (Vec::new(), Vec::new());
    loop {
        let obs = env.observation();
        let orders: Vec<i64> =
            obs.chunks_exact(f).map(|row| ((row[f - 1] * 6.0 + 15.0) - row[2]).max(0.0) as i64).collect();
        seen.push(obs);
        let (r, done) = env.step(&orders).expect("valid orders");
        rewards.extend_from_slice(r);
        if done[0] {
            return (rewards, seen);
        }
    }
}

#[test]
fn episodes_are_reproducible_from_their_seed() {
    let model = Arc::new(canonical(1, 0, false));
    let mut a = Environment::new(Arc::clone(&model), 1, 3, 7).expect("valid");
    let mut b = Environment::new(Arc::clone(&model), 1, 3, 99).expect("valid");
    let first = heuristic(&mut a);
    b.reset(7);
    assert_eq!(heuristic(&mut b), first, "same seed, same episode");
    a.reset(7);
    assert_eq!(heuristic(&mut a), first, "a reset replays the episode");
    a.reset(8);
    assert_ne!(heuristic(&mut a).0, first.0, "another seed, another episode");
    // Replication b of a batch is replication b of the seed: the second replication of a batch
    // of 3 is the first of a batch started there.
    let mut single = Environment::new(Arc::clone(&model), 1, 1, 7).expect("valid");
    single.reset_from(7, 1);
    let (rewards, _) = heuristic(&mut single);
    let second: Vec<f64> = first.0.iter().skip(1).step_by(3).copied().collect();
    assert_eq!(rewards, second);
}

#[test]
fn the_observation_holds_the_recent_demand_the_pipeline_and_the_forecast() {
    let model = Arc::new(canonical(1, 0, false));
    let mut env = Environment::new(Arc::clone(&model), 1, 1, 3).expect("valid");
    let (f, lead) = (env.features(), env.lead_days());
    assert_eq!((lead, f), (5, 4 + 5 + RECENT_DAYS + 1));
    let mut demand_days = Vec::new();
    let mut orders = Vec::new();
    for day in 0..20u32 {
        let obs = env.observation();
        assert_eq!(obs[3], 1.0, "reviews every day");
        assert!((obs[f - 1] - 20.0).abs() < 1e-9, "Poisson mean 20: {}", obs[f - 1]);
        let recent = &obs[4 + lead..4 + lead + RECENT_DAYS];
        // Today's demand is the last entry; the earlier ones are the days before (0 before day 0).
        demand_days.push(recent[RECENT_DAYS - 1] as i64);
        for (k, &d) in recent.iter().rev().enumerate() {
            let expected = (day as usize).checked_sub(k).map_or(0, |t| demand_days[t]);
            assert_eq!(d as i64, expected, "day {day}, {k} days back");
        }
        // An order placed on day t arrives on day t + 5: on day `day` it is due in
        // t + 5 − day days, entry t + 4 − day.
        for k in 0..lead {
            let t = day as i64 + 1 + k as i64 - 5;
            let expected = if t >= 0 && (t as usize) < orders.len() { orders[t as usize] } else { 0 };
            assert_eq!(obs[4 + k] as i64, expected, "day {day}, due in {} days", k + 1);
        }
        let order = 10 + day as i64;
        orders.push(order);
        env.step(&[order]).expect("valid");
    }
    let total_demand: i64 = demand_days.iter().sum();
    assert!(total_demand > 300, "20 days of Poisson 20: {total_demand}");
}

#[test]
fn with_prices_the_reward_is_the_daily_profit() {
    let model = Arc::new(canonical(1, 0, true));
    let mut env = Environment::new(Arc::clone(&model), 1, 2, 5).expect("valid");
    let rewards = drive_base_stock(&mut env, 110);
    for (b, &reward) in rewards.iter().enumerate() {
        let (c, _) = env.replication(b).expect("done").total();
        // Sales are the units demanded (none lost: every short line is backordered).
        let sales = 3.0 * c.demand_units as f64;
        let cost = c.holding_cost + c.backorder_cost + c.ordering_cost + c.purchase_cost;
        assert!((reward - (sales - cost)).abs() < 1e-6 * sales, "reward {reward}, profit {}", sales - cost);
        let profit = env.metrics(b).expect("done")[metric_index("profit_per_day").expect("a metric")];
        assert!(profit > 0.0, "the case is profitable");
    }
}

#[test]
fn bad_uses_of_the_environment_are_errors() {
    let model = Arc::new(canonical(1, 0, false));
    let err = Environment::new(Arc::clone(&model), 0, 1, 1).expect_err("base-stock decides itself");
    assert_eq!(err, EnvError::NoExternalPair { name: "base-stock".into() });
    assert_eq!(
        Environment::new(Arc::clone(&model), 2, 1, 1).expect_err("no policy 2"),
        EnvError::NoPolicy { policy: 2, count: 2 }
    );
    assert_eq!(Environment::new(Arc::clone(&model), 1, 0, 1).expect_err("empty"), EnvError::EmptyBatch);
    let mut env = Environment::new(Arc::clone(&model), 1, 2, 1).expect("valid");
    assert_eq!(env.step(&[1]).expect_err("one short"), EnvError::OrderCount { given: 1, expected: 2 });
    assert_eq!(env.step(&[1, -3]).expect_err("negative"), EnvError::NegativeOrder { index: 1, units: -3 });
    assert_eq!(env.day(), 0, "nothing was stepped");
    while !env.step(&[0, 0]).expect("valid").1[0] {}
    assert_eq!(env.day(), 365);
    assert_eq!(env.step(&[0, 0]).expect_err("ended"), EnvError::Ended { horizon: 365 });
}

#[test]
fn outside_the_environment_an_external_pair_never_orders() {
    let model = canonical(1, 0, false);
    let mut ws = Workspace::new(&model);
    ws.run(&model, 1, 42, 0);
    let (c, _) = ws.total();
    assert_eq!((c.orders, c.units_ordered), (0, 0));
    assert_eq!(ws.days().last().map(|d| d.on_hand), Some(0), "the 110 units are sold and nothing comes");
}
