//! Forecast-driven policies and multi-supplier sourcing in the engine.

use crate::common;

use common::{model, poisson_pmf, run, total};
use scsim::metrics::SUPPLIER_METRICS;
use scsim::sim::engine::Workspace;

fn one_item(demand: &str, lead: &str, policies: &str) -> String {
    format!(
        r#"{{"schema_version": 1, "horizon_days": 1000, "warmup_days": 100,
        "items": [{{"id": "i"}}], "locations": [{{"id": "l"}}], "suppliers": [{{"id": "s"}}],
        "lanes": [{{"id": "x", "from": "s", "to": "l", "lead_time": {lead}}}],
        "demand": [{{"location": "l", "item": "i", "distribution": {demand}}}],
        "policies": [{policies}]}}"#
    )
}

#[test]
fn just_in_time_on_a_plan_is_base_stock_at_lead_time_demand() {
    // Plan forecast 20/day, lead time 4: JIT orders up to 4 × 20 + buffer 5 = 85, exactly what
    // base-stock S = 85 does, replication by replication.
    let m = model(&one_item(
        r#"{"type": "poisson", "mean": 20}"#,
        r#"{"type": "constant", "value": 4}"#,
        r#"{"name": "jit", "inventory": {"type": "just_in_time", "buffer": 5}},
           {"name": "bs", "inventory": {"type": "base_stock", "S": 85}}"#,
    ));
    let mut ws = Workspace::new(&m);
    for r in 0..20 {
        ws.run(&m, 0, 4, r);
        let jit = ws.total().0.clone();
        ws.run(&m, 1, 4, r);
        let (bs, _) = ws.total();
        assert_eq!(jit.forecast.days, 900, "the plan forecaster is scored every measured day");
        let strip = |mut c: scsim::metrics::Counters| {
            c.forecast = Default::default();
            c
        };
        assert_eq!(strip(jit), strip(bs.clone()), "replication {r}");
    }
}

#[test]
fn plan_forecast_accuracy_matches_poisson_moments() {
    let m = model(&one_item(
        r#"{"type": "poisson", "mean": 20}"#,
        r#"{"type": "constant", "value": 2}"#,
        r#"{"name": "jit", "inventory": {"type": "just_in_time"}}"#,
    ));
    let stats = run(&m, 100, 8);
    // Errors e = X − 20 with X ~ Poisson(20).
    let p = poisson_pmf(20.0, 120);
    let mae: f64 = p.iter().enumerate().map(|(x, q)| q * (x as f64 - 20.0).abs()).sum();
    let p0 = p[0];
    let mape: f64 =
        p.iter().enumerate().skip(1).map(|(x, q)| q * (x as f64 - 20.0).abs() / x as f64).sum::<f64>()
            / (1.0 - p0);
    common::assert_agrees("MAE", &total(&stats, 0, "forecast_mae"), mae, &[]);
    common::assert_agrees("bias", &total(&stats, 0, "forecast_bias"), 0.0, &[]);
    common::assert_agrees("MAPE", &total(&stats, 0, "forecast_mape"), mape, &[]);
    // The RMSE of 900 days underestimates σ by about σ·(2 + 1/λ)/(8·900) = 0.0013, far inside
    // the Monte-Carlo tolerance (about 0.04).
    common::assert_agrees("RMSE", &total(&stats, 0, "forecast_rmse"), 20f64.sqrt(), &[]);
}

#[test]
fn safety_stock_meets_its_service_targets() {
    // Normal demand 50 ± 10 a day, lead time 3 days, daily review, the plan forecaster: the
    // reorder point is 150 + z·σ with σ estimated from the forecast errors as it goes.
    let m = model(&one_item(
        r#"{"type": "normal", "mean": 50, "sd": 10}"#,
        r#"{"type": "constant", "value": 3}"#,
        r#"{"name": "csl95", "inventory": {"type": "safety_stock", "forecast": {"type": "plan"},
             "service": {"type": "cycle_service_level", "target": 0.95}}},
           {"name": "csl80", "inventory": {"type": "safety_stock", "forecast": {"type": "plan"},
             "service": {"type": "cycle_service_level", "target": 0.80}}},
           {"name": "fr99", "inventory": {"type": "safety_stock", "forecast": {"type": "ses", "alpha": 0.05},
             "service": {"type": "fill_rate", "target": 0.99}}}"#,
    ));
    let stats = run(&m, 60, 2);
    // With daily review the cycle is a day: the cycle service level is P(D_3 ≤ reorder point).
    // The estimate of σ is itself noisy (±7 %), which costs a little service.
    for (p, target) in [(0, 0.95), (1, 0.80)] {
        let csl = total(&stats, p, "cycle_service_level").mean();
        assert!(csl > target - 0.02 && csl < target + 0.01, "policy {p}: {csl} vs {target}");
    }
    // The loss-function rule counts each day's shortage including the backlog carried over,
    // so it is conservative for daily review: at least the target.
    let fill = total(&stats, 2, "fill_rate").mean();
    assert!(fill > 0.99 - 0.002, "fill rate {fill}");
    // More service costs more stock.
    assert!(total(&stats, 0, "avg_on_hand").mean() > total(&stats, 1, "avg_on_hand").mean());
}

fn two_suppliers(sourcing: &str) -> String {
    format!(
        r#"{{"schema_version": 1, "horizon_days": 600, "warmup_days": 50,
        "items": [{{"id": "i"}}], "locations": [{{"id": "l"}}],
        "suppliers": [{{"id": "cheap"}}, {{"id": "fast"}}],
        "lanes": [
            {{"id": "sea", "from": "cheap", "to": "l", "lead_time": {{"type": "uniform", "min": 6, "max": 10}},
              "unit_cost": 2, "quoted_lead_time": 8, "capacity_per_day": 25}},
            {{"id": "air", "from": "fast", "to": "l", "lead_time": {{"type": "constant", "value": 2}},
              "unit_cost": 5, "order_multiple": 4}}
        ],
        "demand": [{{"location": "l", "item": "i", "distribution": {{"type": "poisson", "mean": 20}}}}],
        "policies": [{{"name": "p", "inventory": {{"type": "base_stock", "S": 260}}, "sourcing": {sourcing}}}]}}"#
    )
}

fn supplier_metric(stats: &scsim::experiment::RunStats, supplier: usize, key: &str) -> f64 {
    let k = SUPPLIER_METRICS.iter().position(|m| m.key == key).unwrap();
    stats.policies[0].ordered.suppliers[supplier][k].mean()
}

#[test]
fn split_shares_and_supplier_metrics() {
    let m = model(&two_suppliers(
        r#"{"type": "split", "shares": [{"source": "cheap", "share": 0.75}, {"source": "air", "share": 0.25}]}"#,
    ));
    let stats = run(&m, 40, 6);
    let sea = supplier_metric(&stats, 0, "supplier_units_ordered");
    let air = supplier_metric(&stats, 1, "supplier_units_ordered");
    // Air rounds its share up to multiples of 4, so it gets a bit more than a quarter.
    let share = air / (sea + air);
    assert!(share > 0.25 && share < 0.33, "air share {share}");
    // Realised lead times: sea uniform 6..10 (mean 8, on time when ≤ 8: 3 of 5), air always 2.
    let lead = supplier_metric(&stats, 0, "supplier_lead_time_days");
    assert!((lead - 8.0).abs() < 0.05, "{lead}");
    let on_time = supplier_metric(&stats, 0, "supplier_on_time_share");
    assert!((on_time - 0.6).abs() < 0.02, "{on_time}");
    assert_eq!(supplier_metric(&stats, 1, "supplier_lead_time_days"), 2.0);
    assert_eq!(supplier_metric(&stats, 1, "supplier_on_time_share"), 1.0);
    // Air's orders are all multiples of 4, so its total is too.
    let mut ws = Workspace::new(&m);
    ws.run(&m, 0, 6, 0);
    assert_eq!(ws.lane_counters()[1].units_ordered % 4, 0);
    assert!(ws.lane_counters()[1].units_ordered > 0);
}

#[test]
fn backup_supplier_takes_only_what_the_primary_cannot() {
    // Sea can ship 25 a day; daily orders average 20 but exceed 25 on some days.
    let m = model(&two_suppliers(r#"{"type": "primary_backup", "sources": ["sea", "air"]}"#));
    let mut ws = Workspace::new(&m);
    for r in 0..10 {
        ws.run(&m, 0, 3, r);
        let (sea, air) = (ws.lane_counters()[0], ws.lane_counters()[1]);
        assert!(sea.orders >= air.orders, "the primary takes every order first");
        // Every air order follows a sea order that hit its capacity: air units per order are
        // what exceeded 25, rounded up to 4 — never more than the daily excess allows.
        assert!(air.units_ordered <= air.orders * (4 * 20), "{air:?}");
    }
    // cheapest orders the same as primary_backup here (sea is cheaper); fastest prefers air.
    let cheapest = run(&model(&two_suppliers(r#"{"type": "cheapest"}"#)), 10, 3);
    let primary = run(&m, 10, 3);
    assert_eq!(
        supplier_metric(&cheapest, 1, "supplier_units_ordered"),
        supplier_metric(&primary, 1, "supplier_units_ordered")
    );
    let fastest = run(&model(&two_suppliers(r#"{"type": "fastest"}"#)), 10, 3);
    assert_eq!(supplier_metric(&fastest, 0, "supplier_units_ordered"), 0.0, "air has no capacity limit");
    assert!(supplier_metric(&fastest, 1, "supplier_units_ordered") > 0.0);
}

#[test]
fn forecast_policies_cover_the_days_after_the_review() {
    // Regression: the forecast window started one day early. Demand is deterministic with a
    // weekly pattern (10 × profile, rounded); lead time 3. A just-in-time policy on the plan
    // that recomputes daily orders up to the demand of the next 3 days, which is exactly what
    // the 3 days until its order arrives consume: it never backorders and ends every day empty.
    let m = model(
        r#"{"schema_version": 1, "horizon_days": 200, "warmup_days": 14,
        "items": [{"id": "i"}], "locations": [{"id": "l"}], "suppliers": [{"id": "s"}],
        "lanes": [{"id": "x", "from": "s", "to": "l", "lead_time": {"type": "constant", "value": 3}}],
        "demand": [{"location": "l", "item": "i", "distribution": {"type": "constant", "value": 10},
                    "weekly_profile": [0.5, 1, 1, 2, 3, 0.2, 0.3]}],
        "policies": [{"name": "jit", "inventory": {"type": "just_in_time", "recompute_every": 1}}]}"#,
    );
    let stats = run(&m, 1, 1);
    assert_eq!(total(&stats, 0, "avg_backorders").mean(), 0.0);
    assert_eq!(total(&stats, 0, "fill_rate").mean(), 1.0);
    assert_eq!(total(&stats, 0, "avg_on_hand").mean(), 0.0);
    assert_eq!(total(&stats, 0, "forecast_mae").mean(), 0.0, "the plan is exact");
}

#[test]
fn the_worked_example_of_the_docs_holds() {
    // docs/policies.md: Poisson 20/day (σ_d² = 20), lead time 3–5 days (L = 4, σ_L² = 2/3),
    // daily review: 95 % cycle service gives s = 111; a 98 % fill rate with 7 days of cover
    // gives z = 0.670, s = 92 and S = 232. Numbers computed by hand in the docs.
    use scsim::sim::forecast::{Forecaster, Method, Prior};
    use scsim::sim::policy::{ForecastRule, Lot, Planning, Safety, forecast_levels, z_for_cycle_service};
    let prior = Prior { weekday_means: [20.0; 7], variance: 20.0 };
    let f = Forecaster::new(&Method::Plan, &prior);
    let plan = Planning { lead_mean: 4.0, lead_variance: 2.0 / 3.0, review_period: 1 };
    let rule =
        |safety, lot| ForecastRule { method: Method::Plan, safety, lot, buffer: 0.0, recompute_every: 7 };
    let csl = forecast_levels(&rule(Safety::Factor(z_for_cycle_service(0.95)), Lot::Units(0.0)), &f, &plan);
    assert_eq!((csl.reorder_point, csl.order_up_to), (111, 111));
    let fill = forecast_levels(&rule(Safety::FillRate(0.98), Lot::CoverDays(7.0)), &f, &plan);
    assert_eq!((fill.reorder_point, fill.order_up_to), (92, 232));
}

#[test]
fn the_backup_takes_exactly_the_excess_over_the_primary_capacity() {
    // Constant demand 30 a day, sea capped at 25 a day: every day sea ships 25 and air 5.
    let json = two_suppliers(r#"{"type": "primary_backup", "sources": ["sea", "air"]}"#)
        .replace(r#"{"type": "poisson", "mean": 20}"#, r#"{"type": "constant", "value": 30}"#)
        .replace(r#", "order_multiple": 4"#, "");
    let m = model(&json);
    let mut ws = Workspace::new(&m);
    ws.run(&m, 0, 1, 0);
    let (sea, air) = (ws.lane_counters()[0], ws.lane_counters()[1]);
    assert_eq!(sea.orders, 550, "one order a day on each measured day");
    assert_eq!(sea.units_ordered, 25 * 550);
    assert_eq!((air.orders, air.units_ordered), (550, 5 * 550));
    // With demand below the cap, the backup is never used.
    let m = model(&json.replace(r#""value": 30"#, r#""value": 20"#));
    ws = Workspace::new(&m);
    ws.run(&m, 0, 1, 0);
    assert_eq!(ws.lane_counters()[1].orders, 0);
}
