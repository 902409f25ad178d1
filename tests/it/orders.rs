//! Customer orders that span items: the order fill rate against an exact case, one-item orders
//! against per-item lines, the fulfilment and allocation rules, conservation, and validation.
//!
//! Timing (docs/model.md, as in `closed_forms`): with daily review, base-stock S and lead
//! time L ≥ 1, the stock that meets demand on a day is (S − D_{L−1})^+, where D_{L−1} is the
//! demand of the L − 1 days before. An order's line of q units ships whole on the day ordered
//! exactly when S − D_{L−1} ≥ q (older orders' missing units come first, and with base-stock
//! they are owed only when S − D_{L−1} < 0), that is when D_{L−1} + q ≤ S, and D_{L−1} + q is
//! Poisson(L·λ).

use crate::common;

use common::{assert_agrees, check_conservation, model, poisson_pmf, problems, run, total};
use scsim::experiment::RunStats;
use scsim::metrics::metric_index;
use scsim::metrics::{N_METRICS, ORDER_METRICS};

/// The moments of order metric `key` of order stream `s` under policy `p`.
fn order_metric(stats: &RunStats, p: usize, s: usize, key: &str) -> scsim::experiment::stats::Moments {
    let k = ORDER_METRICS.iter().position(|d| d.key == key).expect("known order metric");
    stats.policies[p].ordered.orders[s][k]
}

/// One order a day (constant) at one location holding every item, item k with a
/// Poisson(`lambdas[k]`) quantity, base-stock `levels[k]`, constant lead time `lead`.
fn exact_scenario(lambdas: &[f64], levels: &[i64], lead: i64, fulfilment: &str) -> String {
    let items: Vec<String> = (0..lambdas.len()).map(|k| format!(r#"{{"id": "i{k}"}}"#)).collect();
    let basket: Vec<String> = lambdas
        .iter()
        .enumerate()
        .map(|(k, l)| {
            format!(r#"{{"item": "i{k}", "probability": 1, "quantity": {{"type": "poisson", "mean": {l}}}}}"#)
        })
        .collect();
    let overrides: Vec<String> = levels
        .iter()
        .enumerate()
        .map(|(k, s)| format!(r#"{{"item": "i{k}", "inventory": {{"type": "base_stock", "S": {s}}}}}"#))
        .collect();
    format!(
        r#"{{
        "schema_version": 1, "horizon_days": 2000, "warmup_days": 100,
        "items": [{}], "locations": [{{"id": "dc"}}], "suppliers": [{{"id": "sup"}}],
        "lanes": [{{"id": "lane", "from": "sup", "to": "dc", "lead_time": {{"type": "constant", "value": {lead}}}}}],
        "orders": [{{"id": "o", "location": "dc", "orders_per_day": {{"type": "constant", "value": 1}},
                    "basket": {{"type": "independent", "items": [{}]}}}}],
        "policies": [{{"name": "bs", "inventory": {{"type": "base_stock", "S": 1}}, "overrides": [{}],
                      "fulfilment": {fulfilment}}}]
    }}"#,
        items.join(", "),
        basket.join(", "),
        overrides.join(", ")
    )
}

/// P(Poisson(mu) ≤ s).
fn poisson_cdf(mu: f64, s: i64) -> f64 {
    poisson_pmf(mu, s as usize).iter().sum()
}

/// The exact share of orders shipped complete on the day ordered, with lead time `lead`: the
/// product over items of P(D_{L−1} + q ≤ S), less the orders with no line at all (every
/// quantity 0, which are not placed), over the share of orders placed.
fn exact_order_fill(lambdas: &[f64], levels: &[i64], lead: i64) -> f64 {
    let l = lead.max(1) as f64;
    let all: f64 = lambdas.iter().zip(levels).map(|(&m, &s)| poisson_cdf(l * m, s)).product();
    let empty: f64 =
        lambdas.iter().zip(levels).map(|(&m, &s)| (-m).exp() * poisson_cdf((l - 1.0) * m, s)).product();
    let placed = 1.0 - lambdas.iter().map(|m| (-m).exp()).product::<f64>();
    (all - empty) / placed
}

#[test]
fn order_fill_rate_is_the_product_of_item_coverages() {
    let (lambdas, levels, lead) = ([3.0, 4.0, 5.0], [11, 14, 17], 3);
    for fulfilment in [r#"{"rule": "ship_partial"}"#, r#"{"rule": "ship_complete", "reserve_stock": true}"#] {
        let m = model(&exact_scenario(&lambdas, &levels, lead, fulfilment));
        let stats = run(&m, 200, 11);
        let exact = exact_order_fill(&lambdas, &levels, lead);
        let wrong =
            [exact_order_fill(&lambdas, &levels, lead - 1), exact_order_fill(&lambdas, &levels, lead + 1)];
        assert!((0.2..0.8).contains(&exact), "a case where orders often wait: {exact}");
        assert_agrees(
            &format!("{fulfilment}: order fill rate"),
            &order_metric(&stats, 0, 0, "order_fill_rate"),
            exact,
            &wrong,
        );
        check_conservation(&m, 10, 11);
    }
}

#[test]
fn order_fill_rate_is_below_the_unit_fill_rate() {
    let (lambdas, levels) = ([3.0, 4.0, 5.0], [11, 14, 17]);
    let m = model(&exact_scenario(&lambdas, &levels, 3, r#"{"rule": "ship_partial"}"#));
    let stats = run(&m, 50, 3);
    let orders = order_metric(&stats, 0, 0, "order_fill_rate").mean();
    let units = order_metric(&stats, 0, 0, "order_unit_fill_rate").mean();
    let lines = order_metric(&stats, 0, 0, "order_line_fill_rate").mean();
    assert!(orders < lines && lines <= units + 1e-9, "orders {orders} < lines {lines} ≤ units {units}");
    // Under ship_partial the orders' units are all the demand: the pair-level fill rate agrees.
    assert!((units - total(&stats, 0, "fill_rate").mean()).abs() < 1e-9);
    // Every order placed is shipped in at least one shipment; split orders need more.
    let shipments = order_metric(&stats, 0, 0, "order_shipments_per_order").mean();
    assert!(shipments > 1.0 && shipments < 4.0, "shipments per order {shipments}");
    let lead = order_metric(&stats, 0, 0, "order_lead_time_mean_days").mean();
    assert!(lead > 0.0, "some orders wait: {lead}");
}

/// One item, random lead times: either one-line orders of a constant 3 units a day, or the
/// same demand as a per-item stream whose lines are whole days.
fn one_item(orders: bool, partial: bool) -> String {
    let (rule, partial_fill) = if partial { ("ship_partial", "true") } else { ("ship_complete", "false") };
    let demand = if orders {
        r#""orders": [{"id": "o", "location": "dc", "segment": "s", "orders_per_day": {"type": "constant", "value": 1},
            "basket": {"type": "empirical", "baskets": [{"lines": [{"item": "i", "quantity": 3}]}]}}]"#
            .to_string()
    } else {
        r#""demand": [{"location": "dc", "item": "i", "segment": "s", "distribution": {"type": "constant", "value": 3}}]"#
            .to_string()
    };
    format!(
        r#"{{
        "schema_version": 1, "horizon_days": 400, "warmup_days": 20,
        "items": [{{"id": "i"}}], "locations": [{{"id": "dc"}}], "suppliers": [{{"id": "sup"}}],
        "lanes": [{{"id": "lane", "from": "sup", "to": "dc", "lead_time": {{"type": "uniform", "min": 1, "max": 6}}}}],
        "segments": [{{"id": "s", "line_size": 1000, "partial_fill": {partial_fill}, "fulfilment": {{"rule": "{rule}"}}}}],
        {demand},
        "costs": {{"holding_per_unit_day": 0.1, "backorder_per_unit_day": 1}},
        "policies": [{{"name": "bs", "inventory": {{"type": "base_stock", "S": 10}}}}]
    }}"#
    )
}

#[test]
fn one_item_orders_reproduce_the_line_metrics_exactly() {
    for partial in [false, true] {
        let as_orders = run(&model(&one_item(true, partial)), 30, 5);
        let as_lines = run(&model(&one_item(false, partial)), 30, 5);
        let (a, b) = (&as_orders.policies[0].ordered.total, &as_lines.policies[0].ordered.total);
        assert_eq!(a.len(), N_METRICS);
        for key in
            ["fill_rate", "backordered_lines", "wait_mean_days", "on_time_to_promise", "avg_backorders"]
        {
            let k = metric_index(key).unwrap();
            assert!(a[k].mean() > 0.0, "partial {partial}: {key} is 0, the case is trivial");
        }
        for (k, def) in scsim::metrics::METRICS.iter().enumerate() {
            let (x, y) = (a[k].mean(), b[k].mean());
            assert!(x == y || (x.is_nan() && y.is_nan()), "partial {partial}: {} {x} vs {y}", def.key);
        }
        check_conservation(&model(&one_item(true, partial)), 5, 5);
    }
}

/// A distributor's mixed orders with the rules that release, cancel and allocate.
fn rules_scenario(fulfilment: &str, allocation: &str) -> String {
    format!(
        r#"{{
        "schema_version": 1, "horizon_days": 600, "warmup_days": 50,
        "items": [{{"id": "a"}}, {{"id": "b"}}, {{"id": "c"}}],
        "locations": [{{"id": "dc", "order_allocation": "{allocation}"}}], "suppliers": [{{"id": "sup"}}],
        "lanes": [{{"id": "lane", "from": "sup", "to": "dc", "lead_time": {{"type": "uniform", "min": 1, "max": 5}}}}],
        "segments": [{{"id": "vip", "priority": 5}}, {{"id": "walk-in"}}],
        "orders": [
          {{"id": "vip", "location": "dc", "segment": "vip", "orders_per_day": {{"type": "poisson", "mean": 2}},
            "basket": {{"type": "independent", "items": [
              {{"item": "a", "probability": 0.8, "quantity": {{"type": "uniform", "min": 1, "max": 4}}}},
              {{"item": "b", "probability": 0.5, "quantity": {{"type": "poisson", "mean": 3}}}},
              {{"item": "c", "probability": 0.3, "quantity": {{"type": "constant", "value": 2}}}}]}}}},
          {{"id": "walk-in", "location": "dc", "segment": "walk-in", "orders_per_day": {{"type": "poisson", "mean": 3}},
            "basket": {{"type": "empirical", "baskets": [
              {{"lines": [{{"item": "a", "quantity": 2}}, {{"item": "b", "quantity": 1}}], "weight": 2}},
              {{"lines": [{{"item": "c", "quantity": 5}}]}}]}}}}
        ],
        "costs": {{"lost_sale_per_unit": 2}},
        "policies": [{{"name": "bs", "inventory": {{"type": "base_stock", "S": 20}}, "fulfilment": {fulfilment}}}]
    }}"#
    )
}

#[test]
fn every_rule_conserves_units() {
    for fulfilment in [
        r#"{"rule": "ship_partial", "wait_limit_days": 2, "after_wait_limit": "cancel_rest"}"#,
        r#"{"rule": "ship_complete", "reserve_stock": true, "wait_limit_days": 3}"#,
        r#"{"rule": "ship_complete", "wait_limit_days": 0, "after_wait_limit": "cancel_rest"}"#,
        r#"{"rule": "ship_complete", "cost_per_shipment": 4}"#,
    ] {
        for allocation in ["age", "priority", "complete_first"] {
            check_conservation(&model(&rules_scenario(fulfilment, allocation)), 10, 3);
        }
    }
}

#[test]
fn wait_limits_cancel_or_release_what_is_missing() {
    let cancel = run(
        &model(&rules_scenario(
            r#"{"rule": "ship_partial", "wait_limit_days": 1, "after_wait_limit": "cancel_rest"}"#,
            "age",
        )),
        20,
        1,
    );
    let never = run(&model(&rules_scenario(r#"{"rule": "ship_partial"}"#, "age")), 20, 1);
    assert!(order_metric(&cancel, 0, 0, "order_cancelled").mean() > 0.0);
    assert_eq!(order_metric(&never, 0, 0, "order_cancelled").mean(), 0.0);
    // Cancelled orders leave the lead-time statistics; no completed order waited beyond the limit.
    let p95 = order_metric(&cancel, 0, 0, "order_lead_time_p95_days");
    assert!(p95.mean() <= 1.0, "a completed order waited more than its limit: {}", p95.mean());
    // Waiting forever, the same demand is never lost.
    assert_eq!(total(&never, 0, "lost_units").mean(), 0.0);
    // Without a limit a ship-complete order ships once; released at its limit (accepting
    // partial shipments) some orders ship in parts, and each is complete within the limit plus
    // the time its missing lines take, never cancelled.
    let complete = run(&model(&rules_scenario(r#"{"rule": "ship_complete"}"#, "age")), 20, 1);
    assert_eq!(order_metric(&complete, 0, 0, "order_shipments_per_order").mean(), 1.0);
    let released =
        run(&model(&rules_scenario(r#"{"rule": "ship_complete", "wait_limit_days": 1}"#, "age")), 20, 1);
    assert!(order_metric(&released, 0, 0, "order_shipments_per_order").mean() > 1.0);
    assert_eq!(order_metric(&released, 0, 0, "order_cancelled").mean(), 0.0);
    // Reserving stock for held orders changes who gets it: with the same demand, the share of
    // orders complete on the day differs from not reserving.
    let reserved =
        run(&model(&rules_scenario(r#"{"rule": "ship_complete", "reserve_stock": true}"#, "age")), 20, 1);
    let (a, b) = (
        order_metric(&reserved, 0, 0, "order_fill_rate").mean(),
        order_metric(&complete, 0, 0, "order_fill_rate").mean(),
    );
    assert!(a != b, "reserving changed nothing: {a} vs {b}");
}

#[test]
fn allocation_rules_favour_who_they_say() {
    let fill = |allocation: &str, s: usize| {
        let stats = run(&model(&rules_scenario(r#"{"rule": "ship_partial"}"#, allocation)), 40, 2);
        order_metric(&stats, 0, s, "order_lead_time_mean_days").mean()
    };
    // Priority: the vip stream (priority 5) waits less than under first come first served, the
    // walk-in stream more.
    assert!(fill("priority", 0) < fill("age", 0));
    assert!(fill("priority", 1) > fill("age", 1));
    // Complete orders first: more orders ship complete on the day than oldest-first.
    let on_day = |allocation: &str| {
        let stats = run(&model(&rules_scenario(r#"{"rule": "ship_partial"}"#, allocation)), 40, 2);
        (0..2).map(|s| order_metric(&stats, 0, s, "order_fill_rate").mean()).sum::<f64>()
    };
    assert!(on_day("complete_first") > on_day("age"));
}

#[test]
fn implied_demand_rates_match_the_simulated_demand() {
    let m = model(&rules_scenario(r#"{"rule": "ship_partial"}"#, "age"));
    // vip: a 2 × 0.8 × 2.5, b 2 × 0.5 × 3, c 2 × 0.3 × 2; walk-in: a 3 × 2/3 × 2, b 3 × 2/3,
    // c 3 × 1/3 × 5.
    let expected = [("a", 4.0 + 4.0), ("b", 3.0 + 2.0), ("c", 1.2 + 5.0)];
    let mut rates = vec![0.0; m.pairs.len()];
    for o in &m.orders {
        for (p, r) in o.demand_rates() {
            rates[p] += r;
        }
    }
    let stats = run(&m, 40, 9);
    for (item, rate) in expected {
        let p = m.pairs.iter().position(|x| x.name == format!("dc/{item}")).unwrap();
        assert!((rates[p] - rate).abs() < 1e-12, "{item}: model rate {} vs {rate}", rates[p]);
        let demand = common::pair(&m, &stats, 0, &format!("dc/{item}"), "demand_units");
        let per_day = scsim::experiment::stats::Moments { mean: demand.mean() / 550.0, ..demand };
        let scaled = demand.sd() / 550.0;
        let tol = 4.0 * scaled / (demand.n as f64).sqrt();
        assert!((per_day.mean - rate).abs() < tol, "{item}: simulated {} vs {rate} ± {tol}", per_day.mean);
    }
}

#[test]
fn order_input_problems_are_reported_with_their_paths() {
    let bad = r#"{
        "schema_version": 1, "horizon_days": 100,
        "items": [{"id": "a"}, {"id": "b"}], "locations": [{"id": "dc"}], "suppliers": [{"id": "sup"}],
        "lanes": [{"id": "lane", "from": "sup", "to": "dc", "lead_time": {"type": "constant", "value": 2}}],
        "segments": [{"id": "s", "fulfilment": {"rule": "ship_partial", "reserve_stock": true, "wait_limit_days": -1}}],
        "demand": [{"location": "dc", "item": "b", "distribution": {"type": "poisson", "mean": 3}}],
        "orders": [{"id": "o", "location": "dc", "segment": "s", "orders_per_day": {"type": "poisson", "mean": 2},
            "basket": {"type": "independent", "items": [
              {"item": "a", "probability": 1.5, "quantity": {"type": "constant", "value": 1}},
              {"item": "a", "probability": 0.5, "quantity": {"type": "constant", "value": 1}},
              {"item": "b", "probability": 0.5, "quantity": {"type": "constant", "value": 1}},
              {"item": "zz", "probability": 0.5, "quantity": {"type": "constant", "value": 1}}]}}],
        "policies": [{"name": "bs", "inventory": {"type": "base_stock", "S": 5}}]
    }"#;
    let found = problems(bad);
    let paths: Vec<&str> = found.iter().map(|p| p.path.as_str()).collect();
    for path in [
        "segments[0].fulfilment.reserve_stock",
        "segments[0].fulfilment.wait_limit_days",
        "orders[0].basket.items[0].probability",
        "orders[0].basket.items[1].item",
        "orders[0].basket.items[2].item",
        "orders[0].basket.items[3].item",
    ] {
        assert!(paths.contains(&path), "no problem at {path}: {found:?}");
    }
}

#[test]
fn promises_are_exact_under_first_come_first_served_and_revised_when_overtaken() {
    // Constant lead time, oldest first: the supply due when an order is quoted is exactly what
    // completes it, so every promise is kept and none is revised.
    let m = model(&exact_scenario(&[3.0, 4.0, 5.0], &[11, 14, 17], 3, r#"{"rule": "ship_partial"}"#));
    let stats = run(&m, 20, 4);
    let kept = order_metric(&stats, 0, 0, "order_promise_kept");
    assert_eq!((kept.mean(), kept.sd()), (1.0, 0.0));
    assert_eq!(order_metric(&stats, 0, 0, "order_promise_revisions").mean(), 0.0);
    // By priority, vip orders overtake walk-in ones: walk-in customers hear new dates and some
    // promises are missed.
    let stats = run(&model(&rules_scenario(r#"{"rule": "ship_partial"}"#, "priority")), 20, 4);
    assert!(order_metric(&stats, 0, 1, "order_promise_revisions").mean() > 0.0);
    assert!(order_metric(&stats, 0, 1, "order_promise_kept").mean() < 1.0);
    assert!(order_metric(&stats, 0, 1, "order_promise_miss_days").mean() >= 1.0);
}

#[test]
fn empirical_basket_problems_are_reported_with_their_paths() {
    let bad = r#"{
        "schema_version": 1, "horizon_days": 100,
        "items": [{"id": "a"}, {"id": "b"}], "locations": [{"id": "dc"}, {"id": "shop"}],
        "suppliers": [{"id": "sup"}],
        "lanes": [{"id": "in", "from": "sup", "to": "dc", "lead_time": {"type": "constant", "value": 2}},
                  {"id": "out", "from": "dc", "to": "shop", "lead_time": {"type": "constant", "value": 1}}],
        "orders": [
          {"id": "o", "location": "dc", "orders_per_day": {"type": "poisson", "mean": 2},
           "basket": {"type": "empirical", "baskets": [
             {"lines": [{"item": "a", "quantity": 0}, {"item": "a", "quantity": 1}], "weight": -1},
             {"lines": []}]}},
          {"id": "p", "location": "shop", "orders_per_day": {"type": "poisson", "mean": 2},
           "basket": {"type": "empirical", "baskets": [{"lines": [{"item": "a", "quantity": 1}]}]}}],
        "policies": [{"name": "bs", "inventory": {"type": "base_stock", "S": 5}}]
    }"#;
    let found = problems(bad);
    let paths: Vec<&str> = found.iter().map(|p| p.path.as_str()).collect();
    for path in [
        "orders[0].basket.baskets[0].lines[0].quantity",
        "orders[0].basket.baskets[0].lines[0].item",
        "orders[0].basket.baskets[0].lines[1].item",
        "orders[0].basket.baskets[0].weight",
        "orders[0].basket.baskets[1].lines",
    ] {
        assert!(paths.contains(&path), "no problem at {path}: {found:?}");
    }
    // The dc supplies the shop, so orders may not draw on it; the shop's orders are fine.
    let supplies = found.iter().find(|p| p.path == "orders[0].basket.baskets[0].lines[0].item").unwrap();
    assert!(supplies.message.contains("supplies another location"), "{supplies:?}");
    assert!(!paths.iter().any(|p| p.starts_with("orders[1]")), "{found:?}");
}

#[test]
fn shipments_to_customers_are_part_of_the_total_cost() {
    // The same run with and without a cost per shipment: the shipment cost changes nothing
    // that happens (same random numbers), so the totals differ by exactly the shipments made.
    let free = run(&model(&rules_scenario(r#"{"rule": "ship_partial"}"#, "age")), 6, 5);
    let paid =
        run(&model(&rules_scenario(r#"{"rule": "ship_partial", "cost_per_shipment": 4}"#, "age")), 6, 5);
    let shipments: f64 =
        (0..2).map(|s| order_metric(&paid, 0, s, "order_shipment_cost_per_day").mean()).sum();
    assert!(shipments > 0.0);
    let key = |stats: &RunStats, k: &str| total(stats, 0, k).mean();
    assert_eq!(key(&free, "cost_shipment_per_day"), 0.0);
    assert!(
        (key(&paid, "cost_shipment_per_day") - shipments).abs() < 1e-9 * shipments,
        "every shipment counted once"
    );
    let added = key(&paid, "cost_total_per_day") - key(&free, "cost_total_per_day");
    assert!((added - shipments).abs() < 1e-9 * shipments, "{added} vs {shipments}");
    assert_eq!(key(&paid, "fill_rate"), key(&free, "fill_rate"));
}
