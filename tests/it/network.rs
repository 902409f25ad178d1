//! Multi-echelon networks: a serial two-stage system against an exact evaluation computed
//! here, echelon and local base-stock agreeing where theory says they must, conservation
//! across the whole network in every replication, the allocation rules on hand-built cases,
//! and invalid networks rejected with a clear message.
//!
//! Timing (docs/model.md): each day the store reviews before the distribution centre (DC), so
//! the store's order reaches the DC the same day; the DC ships it at once if nobody waits there
//! and it has the stock, else the rest waits as the DC's backorder and ships, first come first
//! served, when the DC's replenishment arrives. A shipment leaving on day t with lead time L
//! arrives at the start of day t + L.
//!
//! With daily base-stock (store S₁, DC local level s₂) and Poisson(λ) demand, the DC orders
//! every day exactly what the store ordered, so the DC's net stock at the end of day t is
//! s₂ − D(t−L₂+1 .. t) and it owes the store B = (D_{L₂} − s₂)⁺ units. What the store has not
//! received at the start of day t is B(t − L₁) plus its orders of days t−L₁+1 .. t−1, so its net
//! stock at the end of day t is S₁ − B − D_{L₁}, with B independent of D_{L₁} (it depends on
//! earlier days). The tests below compute these distributions by convolution.

use crate::common;

use common::{assert_agrees, check_conservation, model, pair, poisson_pmf, run, total};
use scsim::experiment::stats::Moments;
use scsim::metrics::LANE_METRICS;
use scsim::model::Model;
use scsim::scenario::ScenarioFile;
use scsim::sim::engine::Workspace;

/// Supplier → dc (lead L₂) → store (lead L₁), Poisson(λ) at the store. Policy 0 ("local"):
/// base-stock S₁ at the store and s₂ at the DC; policy 1 ("echelon"): echelon base-stock
/// S₁ + s₂ at the DC.
fn serial(lambda: f64, l1: i64, l2: i64, s1: i64, s2: i64) -> String {
    format!(
        r#"{{
        "schema_version": 1, "horizon_days": 2000, "warmup_days": 100,
        "items": [{{"id": "i"}}],
        "locations": [{{"id": "dc"}}, {{"id": "store"}}],
        "suppliers": [{{"id": "sup"}}],
        "lanes": [
            {{"id": "in", "from": "sup", "to": "dc", "lead_time": {{"type": "constant", "value": {l2}}}}},
            {{"id": "out", "from": "dc", "to": "store", "lead_time": {{"type": "constant", "value": {l1}}}}}
        ],
        "demand": [{{"location": "store", "item": "i", "distribution": {{"type": "poisson", "mean": {lambda}}}}}],
        "policies": [
            {{"name": "local", "inventory": {{"type": "base_stock", "S": {s1}}},
              "overrides": [{{"location": "dc", "inventory": {{"type": "base_stock", "S": {s2}}}}}]}},
            {{"name": "echelon", "inventory": {{"type": "base_stock", "S": {s1}}},
              "overrides": [{{"location": "dc", "inventory": {{"type": "echelon_base_stock", "S": {}}}}}]}}
        ]
    }}"#,
        s1 + s2
    )
}

/// A distribution on the integers from `offset`: `p[k]` is P(X = offset + k).
#[derive(Clone)]
struct Dist {
    offset: i64,
    p: Vec<f64>,
}

impl Dist {
    fn poisson(mu: f64) -> Dist {
        Dist { offset: 0, p: poisson_pmf(mu, (mu + 12.0 * mu.sqrt() + 30.0) as usize) }
    }

    /// (X − s)⁺.
    fn excess(&self, s: i64) -> Dist {
        let mut p = vec![0.0; self.p.len()];
        for (k, &q) in self.p.iter().enumerate() {
            p[(self.offset + k as i64 - s).max(0) as usize] += q;
        }
        Dist { offset: 0, p }
    }

    /// X + Y for independent X and Y.
    fn plus(&self, o: &Dist) -> Dist {
        let mut p = vec![0.0; self.p.len() + o.p.len()];
        for (i, &a) in self.p.iter().enumerate() {
            for (j, &b) in o.p.iter().enumerate() {
                p[i + j] += a * b;
            }
        }
        Dist { offset: self.offset + o.offset, p }
    }

    /// E[f(X)].
    fn expect(&self, f: impl Fn(i64) -> f64) -> f64 {
        self.p.iter().enumerate().map(|(k, &q)| q * f(self.offset + k as i64)).sum()
    }
}

/// E[min(D, y⁺)] for D ~ Poisson(λ): the units a day's demand takes from y on hand.
fn filled_from(y: i64, lambda: f64) -> f64 {
    if y <= 0 {
        return 0.0;
    }
    let pmf = poisson_pmf(lambda, y as usize);
    let below: f64 = pmf.iter().enumerate().map(|(k, p)| p * k as f64).sum();
    let at_most: f64 = pmf.iter().sum();
    below + y as f64 * (1.0 - at_most)
}

/// Exact steady-state figures of the serial system, in the engine's timing.
struct Serial {
    store_on_hand: f64,
    store_backorders: f64,
    store_fill_rate: f64,
    dc_on_hand: f64,
    dc_owed: f64,
    lane_fill_rate: f64,
}

fn serial_exact(lambda: f64, l1: i64, l2: i64, s1: i64, s2: i64) -> Serial {
    let owed = Dist::poisson(lambda * l2 as f64).excess(s2);
    // Store: net stock S₁ − B − D_{L₁} at the end of a day; before the day's demand the L₁ − 1
    // earlier days are out. With L₁ = 0 the DC's morning shipments arrive at once, so before
    // the demand only what the DC still owes after its morning receipt is out, B over L₂ − 1
    // days.
    let end = owed.plus(&Dist::poisson(lambda * l1 as f64));
    let before = if l1 == 0 {
        Dist::poisson(lambda * (l2 - 1) as f64).excess(s2)
    } else {
        owed.plus(&Dist::poisson(lambda * (l1 - 1) as f64))
    };
    let dc_end = Dist::poisson(lambda * l2 as f64);
    let dc_before = Dist::poisson(lambda * (l2 - 1) as f64);
    Serial {
        store_on_hand: end.expect(|x| (s1 - x).max(0) as f64),
        store_backorders: end.expect(|x| (x - s1).max(0) as f64),
        store_fill_rate: before.expect(|x| filled_from(s1 - x, lambda)) / lambda,
        dc_on_hand: dc_end.expect(|x| (s2 - x).max(0) as f64),
        dc_owed: dc_end.expect(|x| (x - s2).max(0) as f64),
        lane_fill_rate: dc_before.expect(|x| filled_from(s2 - x, lambda)) / lambda,
    }
}

fn lane(stats: &scsim::experiment::RunStats, p: usize, lane: usize, key: &str) -> Moments {
    let k = LANE_METRICS.iter().position(|m| m.key == key).expect("lane metric");
    stats.policies[p].ordered.lanes[lane][k]
}

#[test]
fn serial_two_stage_base_stock_matches_exact_evaluation() {
    let (lambda, l1, l2, s1, s2) = (5.0, 2, 3, 14, 12);
    let m = model(&serial(lambda, l1, l2, s1, s2));
    let stats = run(&m, 200, 5);
    let exact = serial_exact(lambda, l1, l2, s1, s2);
    // A one-day error in either lead time, or a store that ignored the DC's shortages (B = 0,
    // the single-stage formula), must be rejected by the same tolerance.
    let wrong = [
        serial_exact(lambda, l1 + 1, l2, s1, s2),
        serial_exact(lambda, l1 - 1, l2, s1, s2),
        serial_exact(lambda, l1, l2 + 1, s1, s2),
        serial_exact(lambda, l1, l2 - 1, s1, s2),
        serial_exact(lambda, l1, l2, s1, 1000),
    ];
    check_serial(&m, &stats, &exact, &wrong);
    // The lane from the DC: the share of units shipped the day ordered, and (Little's law on the
    // units owed) the mean days a unit waited at the DC.
    let out = m.lanes.iter().position(|l| l.id == "out").unwrap();
    let dc_lead_off = [&wrong[2], &wrong[3]];
    for p in 0..2 {
        let fill: Vec<f64> = dc_lead_off.iter().map(|w| w.lane_fill_rate).collect();
        assert_agrees("lane fill rate", &lane(&stats, p, out, "lane_fill_rate"), exact.lane_fill_rate, &fill);
        let delay = exact.dc_owed / lambda;
        let off: Vec<f64> = dc_lead_off.iter().map(|w| w.dc_owed / lambda).collect();
        assert_agrees("upstream delay", &lane(&stats, p, out, "lane_upstream_delay_days"), delay, &off);
        // Identities (Little's law, and the position that base-stock keeps constant) that check
        // the in-transit and echelon bookkeeping rather than the timing. Every unit spends
        // exactly L days in transit on each lane.
        let store_transit = pair(&m, &stats, p, "store/i", "avg_in_transit");
        assert_agrees("store pipeline", &store_transit, lambda * l1 as f64, &[]);
        let dc_transit = pair(&m, &stats, p, "dc/i", "avg_in_transit");
        assert_agrees("DC pipeline", &dc_transit, lambda * l2 as f64, &[]);
        // The DC's echelon (its stock, the store's net stock and what is on the way to the
        // store) is S₁ + s₂ less what the DC has on order from the supplier.
        let echelon = pair(&m, &stats, p, "dc/i", "avg_echelon_inventory");
        assert_agrees("DC echelon", &echelon, (s1 + s2) as f64 - lambda * l2 as f64, &[]);
    }
    check_conservation(&m, 20, 5);
}

#[test]
fn serial_two_stage_with_same_day_transfers_matches_exact_evaluation() {
    // Lead time 0 from the DC: what the DC ships (in the morning from its receipt, or in the
    // evening from its stock) reaches the store the same day.
    let (lambda, l2, s1, s2) = (5.0, 3, 6, 12);
    let m = model(&serial(lambda, 0, l2, s1, s2));
    let stats = run(&m, 200, 15);
    let exact = serial_exact(lambda, 0, l2, s1, s2);
    let wrong = [serial_exact(lambda, 1, l2, s1, s2), serial_exact(lambda, 0, l2 + 1, s1, s2)];
    check_serial(&m, &stats, &exact, &wrong);
    check_conservation(&m, 20, 15);
}

/// Checks the store's and the DC's figures of both policies against the exact values, each
/// also rejecting the `wrong` alternatives where they differ.
fn check_serial(m: &Model, stats: &scsim::experiment::RunStats, exact: &Serial, wrong: &[Serial]) {
    let check = |what: &str, name: &str, key: &str, f: fn(&Serial) -> f64| {
        let off: Vec<f64> = wrong.iter().map(f).filter(|w| (w - f(exact)).abs() > 1e-3).collect();
        for p in 0..2 {
            let policy = &m.policies[p].name;
            assert_agrees(&format!("{policy}: {what}"), &pair(m, stats, p, name, key), f(exact), &off);
        }
    };
    check("store fill rate", "store/i", "fill_rate", |e| e.store_fill_rate);
    check("store average backorders", "store/i", "avg_backorders", |e| e.store_backorders);
    check("store average on hand", "store/i", "avg_on_hand", |e| e.store_on_hand);
    check("DC average on hand", "dc/i", "avg_on_hand", |e| e.dc_on_hand);
    check("DC average owed to the store", "dc/i", "avg_owed_downstream", |e| e.dc_owed);
}

#[test]
fn echelon_base_stock_equals_local_base_stock_in_a_serial_system() {
    // Theory: with daily review the store restores its position to S₁ every day, so the DC's
    // echelon position is its local position + S₁, and echelon level S₁ + s₂ orders exactly
    // what local level s₂ does. Same random numbers, so every count must be identical.
    let m = model(&serial(5.0, 2, 3, 14, 12));
    let (mut local, mut echelon) = (Workspace::new(&m), Workspace::new(&m));
    for r in 0..20 {
        local.run(&m, 0, 9, r);
        echelon.run(&m, 1, 9, r);
        let a: Vec<_> = local.pair_counters().map(|(c, _)| c.clone()).collect();
        let b: Vec<_> = echelon.pair_counters().map(|(c, _)| c.clone()).collect();
        assert_eq!(a, b, "replication {r}");
    }
    // A tighter echelon level, 20, is local level 20 − S₁ = 6 at the DC, and the results follow
    // the exact evaluation for s₂ = 6, not for 12: the policies differ when they should.
    let tighter = model(&serial(5.0, 2, 3, 14, 6));
    let stats = run(&tighter, 200, 9);
    let (six, twelve) = (serial_exact(5.0, 2, 3, 14, 6), serial_exact(5.0, 2, 3, 14, 12));
    for p in 0..2 {
        let backorders = pair(&tighter, &stats, p, "store/i", "avg_backorders");
        assert_agrees("s₂ = 6", &backorders, six.store_backorders, &[twelve.store_backorders]);
    }
}

/// A DC that can buy only 15 units a day for two stores that each order 10 a day: the DC must
/// allocate. Stores `a` (priority 0) and `b` (priority 5) hold no stock (base-stock 0).
fn shortage(allocation: &str) -> String {
    format!(
        r#"{{
        "schema_version": 1, "horizon_days": 6, "warmup_days": 0,
        "items": [{{"id": "i"}}],
        "locations": [{{"id": "dc", "allocation": "{allocation}"}}, {{"id": "a"}}, {{"id": "b", "priority": 5}}],
        "suppliers": [{{"id": "sup"}}],
        "lanes": [
            {{"id": "in", "from": "sup", "to": "dc", "lead_time": {{"type": "constant", "value": 1}}, "capacity_per_day": 15}},
            {{"id": "to-a", "from": "dc", "to": "a", "lead_time": {{"type": "constant", "value": 1}}}},
            {{"id": "to-b", "from": "dc", "to": "b", "lead_time": {{"type": "constant", "value": 1}}}}
        ],
        "demand": [
            {{"location": "a", "item": "i", "distribution": {{"type": "constant", "value": 10}}}},
            {{"location": "b", "item": "i", "distribution": {{"type": "constant", "value": 10}}}}
        ],
        "policies": [{{"name": "p", "inventory": {{"type": "base_stock", "S": 0}}}}]
    }}"#
    )
}

/// The same with the DC holding 10 units (base-stock 10) when the stores' first orders arrive.
fn shortage_with_stock(allocation: &str) -> String {
    shortage(allocation).replace(
        r#""policies": [{"name": "p", "inventory": {"type": "base_stock", "S": 0}}]"#,
        r#""policies": [{"name": "p", "inventory": {"type": "base_stock", "S": 0},
            "overrides": [{"location": "dc", "inventory": {"type": "base_stock", "S": 10}}]}]"#,
    )
}

/// End-of-day customer backorders of stores a and b on `day`.
fn store_backorders(m: &Model, day: usize) -> (i64, i64) {
    let mut ws = Workspace::new(m);
    ws.run(m, 0, 1, 0);
    let n = m.locations.len();
    let row = &ws.location_backorders()[day * n..(day + 1) * n];
    (row[1], row[2])
}

#[test]
fn upstream_allocation_rules_on_a_hand_built_shortage() {
    // Day 0: a then b order 10 each; the DC has nothing, owes 20 and buys 15. Day 1: the 15
    // arrive and are allocated; they reach the stores on day 2, when each store has had 30
    // units of demand.
    // First come, first served: the two orders came the same day, so they share: 7.5 each,
    // rounded down, and the unit left to the older line (a's, placed first).
    assert_eq!(store_backorders(&model(&shortage("fcfs")), 2), (22, 23));
    // By priority: b (priority 5) first: b gets 10, a 5.
    assert_eq!(store_backorders(&model(&shortage("priority")), 2), (25, 20));
    // Fair share: 7.5 each, rounded down to 7, and the unit left to the older line (a's).
    assert_eq!(store_backorders(&model(&shortage("fair_share")), 2), (22, 23));
    for allocation in ["fcfs", "priority", "fair_share"] {
        check_conservation(&model(&shortage(allocation)), 3, 1);
    }
}

#[test]
fn same_day_orders_are_allocated_by_the_rule_too() {
    // The DC has 10 on hand when a and b order 10 each on day 0; it allocates at its turn,
    // after both orders are in. They arrive on day 1, when each store has had 20 of demand.
    let backorders = |allocation: &str| store_backorders(&model(&shortage_with_stock(allocation)), 1);
    assert_eq!(backorders("fcfs"), (15, 15), "same-day orders share");
    assert_eq!(backorders("priority"), (20, 10), "b has priority");
    assert_eq!(backorders("fair_share"), (15, 15), "5 each");
}

#[test]
fn fair_share_does_not_depend_on_how_the_day_s_stock_arrives() {
    // Stores a (10 a day) and b (6 a day). The DC buys 15 a day: from one supplier, or split
    // 8 + 7 between two, arriving as two shipments. It allocates once, at its turn on day 1,
    // among a's and b's lines of days 0 and 1 (10, 6, 10, 6 owed): exact shares 4.69, 2.81,
    // 4.69, 2.81 → floors 4, 2, 4, 2 and the 3 units left to the largest remainders (b's two
    // lines, then a's older one): a gets 9, b 6. They arrive on day 2.
    let one = shortage("fair_share").replace(
        r#"{"location": "b", "item": "i", "distribution": {"type": "constant", "value": 10}}"#,
        r#"{"location": "b", "item": "i", "distribution": {"type": "constant", "value": 6}}"#,
    );
    let two = one
        .replace(r#""suppliers": [{"id": "sup"}]"#, r#""suppliers": [{"id": "sup"}, {"id": "sup2"}]"#)
        .replace(
            r#""capacity_per_day": 15}"#,
            r#""capacity_per_day": 8},
            {"id": "in2", "from": "sup2", "to": "dc", "lead_time": {"type": "constant", "value": 1}, "capacity_per_day": 7}"#,
        )
        .replace(
            r#""policies": [{"name": "p", "inventory": {"type": "base_stock", "S": 0}}]"#,
            r#""policies": [{"name": "p", "inventory": {"type": "base_stock", "S": 0},
                "overrides": [{"location": "dc", "sourcing": {"type": "split", "shares": [
                    {"source": "in", "share": 1}, {"source": "in2", "share": 1}]}}]}]"#,
        );
    let (one, two) = (model(&one), model(&two));
    assert_eq!(two.lanes.len(), 4, "the split variant has two lanes into the DC");
    assert_eq!(store_backorders(&one, 2), (30 - 9, 18 - 6));
    for day in 0..6 {
        assert_eq!(store_backorders(&one, day), store_backorders(&two, day), "day {day}");
    }
}

#[test]
fn a_store_far_down_the_network_sees_upstream_shortages_with_the_right_delay() {
    // The same shortage with the store lane taking 3 days: the first shipment reaches the stores
    // on day 4 (left on day 1), so until then their backorders are all their demand.
    let m = model(&shortage("fcfs").replace(
        r#""to": "a", "lead_time": {"type": "constant", "value": 1}"#,
        r#""to": "a", "lead_time": {"type": "constant", "value": 3}"#,
    ));
    for day in 0..4 {
        assert_eq!(store_backorders(&m, day).0, 10 * (day as i64 + 1), "day {day}");
    }
    // The DC receives 15 each morning from day 1 and serves the oldest day first, sharing
    // among same-day orders: day 1, the day-0 orders get 8 (a, reaching it on day 4) and 7 (b);
    // day 2, the rest of them (2 and 3) and 5 each of the day-1 orders; day 3, the rest of the
    // day-1 orders (5 each) and 3 and 2 of the day-2 orders. b's lane takes a day, so by day 4 b
    // has 7 + 8 + 7 and a only its first 8.
    assert_eq!(store_backorders(&m, 4), (50 - 8, 50 - 22));
}

#[test]
fn the_three_echelon_example_conserves_units_in_every_replication() {
    let file = ScenarioFile::read(std::path::Path::new("scenarios/three-echelon.json")).unwrap();
    let m = Model::build(&file).unwrap();
    check_conservation(&m, 30, 2026);
    // Variants that stress the bookkeeping: zero-day lanes to the northern stores (a store
    // receives the day the DC ships), random delays on the lanes to the southern stores,
    // fair-share allocation at dc-north and priority allocation at dc-south.
    let text = std::fs::read_to_string("scenarios/three-echelon.json").unwrap();
    let base: serde_json::Value = serde_json::from_str(&text).unwrap();
    let variant = |edit: &dyn Fn(&mut serde_json::Value)| {
        let mut v = base.clone();
        edit(&mut v);
        assert!(v != base, "the variant changed nothing");
        model(&v.to_string())
    };
    let lanes_from = |v: &mut serde_json::Value, dc: &str, f: &dyn Fn(&mut serde_json::Value)| {
        for lane in v["lanes"].as_array_mut().unwrap().iter_mut().filter(|l| l["from"] == dc) {
            f(lane);
        }
    };
    let variants = [
        variant(&|v| {
            lanes_from(v, "dc-north", &|l| {
                l["lead_time"] = serde_json::json!({"type": "constant", "value": 0})
            })
        }),
        variant(&|v| {
            let delays = serde_json::json!({"probability": 0.3, "extra_days": {"type": "uniform", "min": 1, "max": 4}});
            lanes_from(v, "dc-south", &|l| l["delays"] = delays.clone())
        }),
        variant(&|v| {
            v["locations"][1]["allocation"] = "fair_share".into();
            v["locations"][2]["allocation"] = "priority".into();
            v["locations"][8]["priority"] = 3.into();
        }),
    ];
    for (k, m) in variants.iter().enumerate() {
        check_conservation(m, 20, 7 + k as u64);
    }
}

#[test]
fn network_metrics_are_defined_for_every_lane() {
    // The lane metrics exist for external and internal lanes alike: an external supplier ships
    // every unit it accepts the day it is ordered.
    let m = model(&serial(5.0, 2, 3, 14, 12));
    let stats = run(&m, 20, 3);
    let into_dc = m.lanes.iter().position(|l| l.id == "in").unwrap();
    assert_eq!(lane(&stats, 0, into_dc, "lane_fill_rate").mean(), 1.0);
    assert_eq!(lane(&stats, 0, into_dc, "lane_upstream_delay_days").mean(), 0.0);
    assert_eq!(lane(&stats, 0, into_dc, "lane_transit_days").mean(), 3.0);
    // The total's service levels are the customers': here the store's alone, not pooled with
    // the DC's service to the store.
    for key in ["cycle_service_level", "ready_rate"] {
        let store = pair(&m, &stats, 0, "store/i", key).mean();
        let dc = pair(&m, &stats, 0, "dc/i", key).mean();
        assert!((dc - store).abs() > 0.01, "{key}: the DC's own figure differs ({dc} vs {store})");
        assert_eq!(total(&stats, 0, key).mean(), store, "{key}");
    }
    // The network total of echelon inventory counts the DC's echelon once, not the store's
    // stock twice.
    let total_echelon = total(&stats, 0, "avg_echelon_inventory").mean();
    let dc_echelon = pair(&m, &stats, 0, "dc/i", "avg_echelon_inventory").mean();
    assert!((total_echelon - dc_echelon).abs() < 1e-9, "{total_echelon} vs {dc_echelon}");
}

fn build_error(json: &str) -> String {
    let file = ScenarioFile::parse(json.as_bytes(), std::path::Path::new("net.json")).unwrap();
    Model::build(&file).expect_err("invalid").to_string()
}

#[test]
fn a_cycle_is_rejected_with_the_cycle_named() {
    let json = r#"{
        "schema_version": 1, "horizon_days": 10,
        "items": [{"id": "i"}],
        "locations": [{"id": "x"}, {"id": "y"}, {"id": "z"}],
        "suppliers": [{"id": "sup"}],
        "lanes": [
            {"id": "sx", "from": "sup", "to": "x", "lead_time": {"type": "constant", "value": 1}},
            {"id": "xy", "from": "x", "to": "y", "lead_time": {"type": "constant", "value": 1}},
            {"id": "yz", "from": "y", "to": "z", "lead_time": {"type": "constant", "value": 1}},
            {"id": "zx", "from": "z", "to": "x", "lead_time": {"type": "constant", "value": 1}}
        ],
        "demand": [{"location": "z", "item": "i", "distribution": {"type": "poisson", "mean": 3}}],
        "policies": [{"name": "p", "inventory": {"type": "base_stock", "S": 5}}]
    }"#;
    let e = build_error(json);
    assert!(e.contains("the network has a cycle: x → y → z → x (lanes xy, yz, zx)"), "{e}");
    // A lane from a location to itself is the shortest cycle.
    let e = build_error(&json.replace(r#""from": "z", "to": "x""#, r#""from": "z", "to": "z""#));
    assert!(e.contains("the network has a cycle: z → z (lanes zx)"), "{e}");
}

#[test]
fn internal_lanes_reject_what_only_suppliers_do() {
    let json = shortage("fcfs").replace(
        r#""id": "to-a", "from": "dc", "to": "a","#,
        r#""id": "to-a", "from": "dc", "to": "a", "yield": {"probability": 0.1, "fraction": {"type": "constant", "value": 0.5}},"#,
    );
    let e = build_error(&json);
    assert!(e.contains("lanes[1] (to-a).yield") && e.contains("external suppliers only"), "{e}");
    // Fair share fills lines in part, so it cannot serve customers who take whole lines only.
    let json = shortage("fair_share")
        .replace(r#""id": "a"}"#, r#""id": "a", "allocation": "fair_share"}"#)
        .replace(r#""policies""#, r#""segments": [{"id": "default", "partial_fill": false}], "policies""#);
    let e = build_error(&json);
    assert!(e.contains("locations[1] (a).allocation") && e.contains("partial_fill"), "{e}");
    // A lane from an unknown place names both kinds it could be.
    let e =
        build_error(&shortage("fcfs").replace(r#""from": "dc", "to": "a""#, r#""from": "dcx", "to": "a""#));
    assert!(e.contains("unknown supplier or location \"dcx\""), "{e}");
}

#[test]
fn a_forecast_policy_upstream_forecasts_the_orders_it_receives() {
    // Just-in-time with the plan forecast at the DC orders up to the expected demand over its
    // protection interval: the store's 5 a day over L₂ = 3 days, 15, the same as base-stock 15.
    // If the DC saw only its own (absent) customers it would hold nothing.
    let json = serial(5.0, 2, 3, 14, 15).replace(
        r#"{"type": "echelon_base_stock", "S": 29}"#,
        r#"{"type": "just_in_time", "forecast": {"type": "plan"}, "recompute_every": 1}"#,
    );
    let m = model(&json);
    assert_eq!(m.policies[1].name, "echelon");
    let (mut base, mut jit) = (Workspace::new(&m), Workspace::new(&m));
    let store = m.pairs.iter().position(|p| p.name == "store/i").unwrap();
    for r in 0..20 {
        base.run(&m, 0, 4, r);
        jit.run(&m, 1, 4, r);
        let a = base.pair_counters().nth(store).unwrap().0.clone();
        let b = jit.pair_counters().nth(store).unwrap().0.clone();
        assert_eq!(a, b, "replication {r}");
    }
    // Its forecast errors are those of the orders it receives, not zero.
    let stats = run(&m, 20, 4);
    assert!(pair(&m, &stats, 1, "dc/i", "forecast_mae").mean() > 1.0);
}

#[test]
fn echelon_base_stock_needs_a_closed_echelon() {
    // A store supplied by two DCs: each DC's echelon would count the units the other owes it.
    let json = r#"{
        "schema_version": 1, "horizon_days": 10,
        "items": [{"id": "i"}],
        "locations": [{"id": "dc1"}, {"id": "dc2"}, {"id": "store"}],
        "suppliers": [{"id": "sup"}],
        "lanes": [
            {"id": "s1", "from": "sup", "to": "dc1", "lead_time": {"type": "constant", "value": 2}},
            {"id": "s2", "from": "sup", "to": "dc2", "lead_time": {"type": "constant", "value": 2}},
            {"id": "a", "from": "dc1", "to": "store", "lead_time": {"type": "constant", "value": 1}},
            {"id": "b", "from": "dc2", "to": "store", "lead_time": {"type": "constant", "value": 1}}
        ],
        "demand": [{"location": "store", "item": "i", "distribution": {"type": "poisson", "mean": 3}}],
        "policies": [{"name": "p", "inventory": {"type": "base_stock", "S": 5},
            "overrides": [
                {"location": "store", "sourcing": {"type": "primary_backup", "sources": ["a", "b"]}},
                {"location": "dc1", "inventory": {"type": "echelon_base_stock", "S": 20}}
            ]}]
    }"#;
    let e = build_error(json);
    assert!(
        e.contains("policies[0] (p).overrides[1] (dc1).inventory")
            && e.contains("store/i also orders from dc2/i")
            && e.contains("1 problem"),
        "{e}"
    );
    // Local base-stock at the DCs is fine with the same network.
    let ok = json.replace(r#""echelon_base_stock", "S": 20"#, r#""base_stock", "S": 20"#);
    check_conservation(&model(&ok), 5, 1);
}

#[test]
fn a_supplier_and_a_location_cannot_share_an_id() {
    let json = shortage("fcfs")
        .replace(r#""suppliers": [{"id": "sup"}]"#, r#""suppliers": [{"id": "sup"}, {"id": "dc"}]"#);
    let e = build_error(&json);
    assert!(e.contains("suppliers[1] (dc).id") && e.contains("already a location id"), "{e}");
}

#[test]
fn customers_of_a_fair_share_location_are_served_from_the_morning_s_stock() {
    // A DC selling to its own customers and supplying two stores. Fair share allocates the
    // morning's receipts before the day's demand, like first come first served does, so its
    // customers find stock on the shelf about as often (they would find almost none if it waited
    // for the evening). Same random demand under both rules.
    let json = |allocation: &str| {
        format!(
            r#"{{
            "schema_version": 1, "horizon_days": 400, "warmup_days": 50,
            "items": [{{"id": "w"}}],
            "locations": [{{"id": "dc", "allocation": "{allocation}"}}, {{"id": "s1"}}, {{"id": "s2"}}],
            "suppliers": [{{"id": "sup"}}],
            "lanes": [
                {{"id": "in", "from": "sup", "to": "dc", "lead_time": {{"type": "constant", "value": 3}}}},
                {{"id": "a", "from": "dc", "to": "s1", "lead_time": {{"type": "constant", "value": 0}}}},
                {{"id": "b", "from": "dc", "to": "s2", "lead_time": {{"type": "constant", "value": 1}}}}
            ],
            "demand": [
                {{"location": "s1", "item": "w", "distribution": {{"type": "poisson", "mean": 10}}}},
                {{"location": "s2", "item": "w", "distribution": {{"type": "poisson", "mean": 10}}}},
                {{"location": "dc", "item": "w", "distribution": {{"type": "poisson", "mean": 5}}}}
            ],
            "policies": [{{"name": "p", "inventory": {{"type": "base_stock", "S": 30}},
                "overrides": [{{"location": "dc", "inventory": {{"type": "base_stock", "S": 60}}}}]}}]
        }}"#
        )
    };
    let fill = |allocation: &str| {
        let m = model(&json(allocation));
        check_conservation(&m, 5, 3);
        pair(&m, &run(&m, 100, 3), 0, "dc/w", "fill_rate").mean()
    };
    let (fcfs, fair) = (fill("fcfs"), fill("fair_share"));
    assert!(fcfs > 0.7 && (fair - fcfs).abs() < 0.02, "fcfs {fcfs}, fair share {fair}");
}
