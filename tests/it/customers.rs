//! Customer behaviour: patience, promised dates, churn, priority allocation, whole-line fills.

use crate::common;

use common::{check_conservation, model, run, total};
use scsim::sim::engine::Workspace;

fn store(segment: &str, demand: &str, policy: &str, lead: &str, horizon: u32) -> String {
    format!(
        r#"{{"schema_version": 1, "horizon_days": {horizon},
        "items": [{{"id": "i"}}], "locations": [{{"id": "l"}}], "suppliers": [{{"id": "s"}}],
        "lanes": [{{"id": "x", "from": "s", "to": "l", "lead_time": {lead}}}],
        "segments": [{segment}],
        "demand": [{{"location": "l", "item": "i", "distribution": {demand}}}],
        "costs": {{"holding_per_unit_day": 0.1, "backorder_per_unit_day": 1, "lost_sale_per_unit": 3}},
        "policies": [{policy}]}}"#
    )
}

#[test]
fn patience_zero_reproduces_lost_sales_exactly() {
    let policy = r#"{"name": "p", "inventory": {"type": "base_stock", "S": 70}}"#;
    let demand = r#"{"type": "poisson", "mean": 20}"#;
    let lead = r#"{"type": "uniform", "min": 2, "max": 5}"#;
    let lost = model(&store(
        r#"{"id": "default", "unmet": {"type": "lost"}, "line_size": 2}"#,
        demand,
        policy,
        lead,
        500,
    ));
    let impatient = model(&store(
        r#"{"id": "default", "patience_days": {"type": "constant", "value": 0}, "line_size": 2}"#,
        demand,
        policy,
        lead,
        500,
    ));
    let (mut a, mut b) = (Workspace::new(&lost), Workspace::new(&impatient));
    for r in 0..30 {
        a.run(&lost, 0, 5, r);
        b.run(&impatient, 0, 5, r);
        assert_eq!(a.days(), b.days(), "replication {r}: every day, stock, sales, losses and costs agree");
        let (x, y) = (a.total().0, b.total().0);
        assert_eq!(x.walkaway_units, y.cancelled_units);
        assert_eq!(x.walkaway_units + x.cancelled_units, y.walkaway_units + y.cancelled_units);
        assert!(x.walkaway_units > 0);
    }
    check_conservation(&impatient, 10, 5);
}

#[test]
fn churn_follows_its_hand_computed_trajectory() {
    // No stock and a 5-day lead time: every day's demand (one line of up to 10 units) is
    // backordered. Loyalty starts at 1, drops 0.25 per backordered line, recovers 0.125 a day;
    // demand is round(10 × loyalty):
    // loyalty 1 → 10 units; 0.875 → 9; 0.75 → 8 (7.5 rounds up); 0.625 → 6; 0.5 → 5;
    // 0.375 → 4; 0.25 → 3; 0.125 → 1; then 0.125 every day → 1.
    let m = model(&store(
        r#"{"id": "default", "line_size": 10, "churn": {"drop": 0.25, "recovery_per_day": 0.125}}"#,
        r#"{"type": "constant", "value": 10}"#,
        r#"{"name": "p", "inventory": {"type": "base_stock", "S": 0}}"#,
        r#"{"type": "constant", "value": 5}"#,
        12,
    ));
    let mut ws = Workspace::new(&m);
    ws.run(&m, 0, 1, 0);
    let demand: Vec<i64> = ws.days().iter().map(|d| d.demand).collect();
    assert_eq!(demand, vec![10, 9, 8, 6, 5, 4, 3, 1, 1, 1, 1, 1]);
    assert_eq!(ws.total().0.churn_units, demand.iter().map(|d| (10 - d) as u64).sum::<u64>());
}

#[test]
fn backorders_promised_from_the_pipeline_arrive_on_time() {
    // Constant demand 10 a day, lead time 3, base-stock 30 and nothing on hand at the start:
    // days 0–2 are backordered. Day 0's lines see an empty pipeline and are promised a new
    // order's lead time (day 3); days 1 and 2 find day 0's order of 40 due on day 3. All 30
    // lines are filled on day 3: on time, no lateness; afterwards stock covers demand.
    let m = model(
        &store(
            r#"{"id": "default"}"#,
            r#"{"type": "constant", "value": 10}"#,
            r#"{"name": "p", "inventory": {"type": "base_stock", "S": 30}}"#,
            r#"{"type": "constant", "value": 3}"#,
            20,
        )
        .replace(
            r#""policies""#,
            r#""initial_on_hand": [{"location": "l", "item": "i", "units": 0}], "policies""#,
        ),
    );
    let stats = run(&m, 1, 1);
    assert_eq!(total(&stats, 0, "backordered_lines").mean(), 30.0);
    assert_eq!(total(&stats, 0, "on_time_to_promise").mean(), 1.0);
    assert_eq!(total(&stats, 0, "promise_lateness_days").mean(), 0.0);
    assert_eq!(total(&stats, 0, "wait_max_days").mean(), 3.0);
    assert_eq!(total(&stats, 0, "wait_p50_days").mean(), 2.0);
}

#[test]
fn surprise_delays_make_promises_late() {
    // Promises use the dates suppliers confirm when an order is placed. A 30 % chance of 1 to 5
    // extra days (a surprise) makes some promised lines late; without delays every line is
    // delivered on its promised date.
    let with_delays = |delays: &str| {
        model(&store(
            r#"{"id": "default"}"#,
            r#"{"type": "poisson", "mean": 10}"#,
            r#"{"name": "p", "inventory": {"type": "base_stock", "S": 38}}"#,
            &format!(r#"{{"type": "constant", "value": 3}}, "delays": {delays}"#),
            600,
        ))
    };
    let calm =
        run(&with_delays(r#"{"probability": 0, "extra_days": {"type": "constant", "value": 1}}"#), 20, 3);
    assert_eq!(total(&calm, 0, "on_time_to_promise").mean(), 1.0);
    assert_eq!(total(&calm, 0, "promise_lateness_days").mean(), 0.0);
    let late = run(
        &with_delays(r#"{"probability": 0.3, "extra_days": {"type": "uniform", "min": 1, "max": 5}}"#),
        20,
        3,
    );
    let on_time = total(&late, 0, "on_time_to_promise").mean();
    let lateness = total(&late, 0, "promise_lateness_days").mean();
    assert!(on_time > 0.2 && on_time < 0.95 && lateness > 0.1, "{on_time} {lateness}");
}

#[test]
fn priority_allocation_serves_the_high_segment_first() {
    // Two segments of equal demand share one item; the lane ships at most 17 units a day
    // against a mean demand of 16, so backlogs build up in busy spells and drain slowly. Under
    // priority allocation the key segment's backorders are served first and wait less than the
    // other's; under first come, first served both wait about the same.
    let scenario = |allocation: &str| {
        model(&format!(
            r#"{{"schema_version": 1, "horizon_days": 800, "warmup_days": 50,
            "items": [{{"id": "i"}}], "locations": [{{"id": "l", "allocation": "{allocation}"}}], "suppliers": [{{"id": "s"}}],
            "lanes": [{{"id": "x", "from": "s", "to": "l", "lead_time": {{"type": "constant", "value": 2}}, "capacity_per_day": 17}}],
            "segments": [{{"id": "key", "priority": 10}}, {{"id": "other"}}],
            "demand": [
                {{"location": "l", "item": "i", "segment": "other", "distribution": {{"type": "poisson", "mean": 8}}}},
                {{"location": "l", "item": "i", "segment": "key", "distribution": {{"type": "poisson", "mean": 8}}}}
            ],
            "policies": [{{"name": "p", "inventory": {{"type": "base_stock", "S": 40}}}}]}}"#
        ))
    };
    let waits = |allocation: &str| -> (f64, f64, u64) {
        let m = scenario(allocation);
        let mut ws = Workspace::new(&m);
        let (mut wait, mut late, mut short) = ([0u64; 2], [0u64; 2], 0);
        for r in 0..20 {
            ws.run(&m, 0, 6, r);
            for (k, c) in ws.stream_counters().enumerate() {
                wait[k] += c.wait_unit_days;
                late[k] += c.late_units;
                short += c.backordered_units;
            }
        }
        // Stream 0 is "other", stream 1 is "key".
        (wait[1] as f64 / late[1] as f64, wait[0] as f64 / late[0] as f64, short)
    };
    let (fcfs_key, fcfs_other, fcfs_short) = waits("fcfs");
    let (prio_key, prio_other, prio_short) = waits("priority");
    // The allocation only reorders who waits: new demand meets stock only when nobody waits,
    // so the units short on arrival are the same.
    assert_eq!(fcfs_short, prio_short);
    assert!((fcfs_key - fcfs_other).abs() < 0.1 * fcfs_other, "fcfs: {fcfs_key} vs {fcfs_other}");
    assert!(prio_key < 0.8 * prio_other, "priority: key {prio_key} vs other {prio_other}");
    assert!(prio_key < fcfs_key && prio_other > fcfs_other);
}
