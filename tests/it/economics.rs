//! Prices, revenue and profit, and the objective: total cost never rewards losing sales, the
//! profit of a deterministic case computed by hand, a closed form for revenue, the warning of a
//! scenario without prices, and `scsim optimize` honouring the scenario's objective.

use assert_cmd::Command;
use serde_json::{Value, json};

use crate::common::{self, assert_agrees, poisson_excess, total};

/// Daily lost-sales newsvendor: Poisson(20) demand, a one-day lead time and base-stock
/// policies, so each day starts with S on hand and sells min(D, S). `item` is the item object
/// (its costs and price), `policies` the base-stock levels by name.
fn newsvendor(item: Value, policies: &[(&str, i64)], extra: Value) -> String {
    let policies: Vec<Value> = policies
        .iter()
        .map(|(name, s)| json!({"name": name, "inventory": {"type": "base_stock", "S": s}}))
        .collect();
    let mut doc = json!({
        "schema_version": 1, "horizon_days": 1000, "warmup_days": 10, "replications": 40,
        "items": [item], "locations": [{"id": "l"}], "suppliers": [{"id": "s"}],
        "lanes": [{"id": "x", "from": "s", "to": "l", "lead_time": {"type": "constant", "value": 1}}],
        "segments": [{"id": "default", "unmet": {"type": "lost"}}],
        "demand": [{"location": "l", "item": "i", "distribution": {"type": "poisson", "mean": 20}}],
        "policies": policies
    });
    doc.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    doc.to_string()
}

#[test]
fn the_policy_losing_fewer_sales_ranks_first_whenever_the_price_is_above_the_unit_cost() {
    let cost = 5.0;
    for price in [5.25, 6.0, 10.0, 50.0] {
        // No holding or penalty: the policies differ only in the sales they lose.
        let item = json!({"id": "i", "price": price, "costs": {"unit_purchase": cost}});
        let model =
            common::model(&newsvendor(item, &[("lean", 17), ("ample", 26)], json!({"replications": 10})));
        let stats = common::run(&model, 10, 7);
        let mean = |p: usize, key: &str| total(&stats, p, key).mean();
        assert!(mean(0, "lost_units") > mean(1, "lost_units") + 1000.0, "lean loses more");
        let objective = model.objective();
        assert_eq!(objective.key(), "profit_per_day", "prices: profit by default");
        let order = objective.ranking(2, |p, m| Some(mean(p, m.def().key)));
        assert_eq!(order, vec![1, 0], "price {price}: ample first by profit");
        assert!(
            mean(1, "cost_total_per_day") < mean(0, "cost_total_per_day"),
            "price {price}: ample cheaper by total cost"
        );
        // The plausible wrong answer: purchases charged when ordered make the lean policy,
        // which buys less because it sells less, look cheaper.
        assert!(mean(0, "cost_purchase_per_day") < mean(1, "cost_purchase_per_day"));
        // Total cost and profit add up to the price of every unit sold or not (no backorders).
        for p in 0..2 {
            let all = (mean(p, "demand_units") + mean(p, "churn_units")) * price / 990.0;
            let sum = mean(p, "cost_total_per_day") + mean(p, "profit_per_day");
            assert!((sum - all).abs() < 1e-6 * all, "cost + profit = {sum}, price × demand = {all}");
        }
    }
}

#[test]
fn profit_of_a_deterministic_case_computed_by_hand() {
    // 55 units on hand, 10 demanded a day for 10 days, customers leave when out of stock, and
    // the policy never orders. Days 0-4 sell 10 each, day 5 sells 5 and loses 5, days 6-9
    // lose 10 each: 55 sold, 45 lost; end-of-day stock 45 + 35 + 25 + 15 + 5 = 125 unit-days.
    let doc = json!({
        "schema_version": 1, "horizon_days": 10, "replications": 2,
        "items": [{"id": "i", "price": 10, "location_prices": {"l": 12},
                   "costs": {"unit_purchase": 4, "holding_per_unit_day": 0.1, "lost_sale_per_unit": 1}}],
        "locations": [{"id": "l"}], "suppliers": [{"id": "s"}],
        "lanes": [{"id": "x", "from": "s", "to": "l", "lead_time": {"type": "constant", "value": 1}}],
        "segments": [{"id": "default", "unmet": {"type": "lost"}}],
        "demand": [{"location": "l", "item": "i", "distribution": {"type": "constant", "value": 10}}],
        "initial_on_hand": [{"location": "l", "item": "i", "units": 55}],
        "policies": [{"name": "none", "inventory": {"type": "base_stock", "S": 0}}]
    });
    let model = common::model(&doc.to_string());
    let stats = common::run(&model, 2, 1);
    let per_day = |x: f64| x / 10.0;
    let (price, cost) = (12.0, 4.0); // the location's price; nothing ordered: the item's cost
    let expected = [
        ("lost_units", 45.0),
        ("revenue_per_day", per_day(55.0 * price)),
        ("cost_goods_sold_per_day", per_day(55.0 * cost)),
        ("gross_margin_per_day", per_day(55.0 * (price - cost))),
        ("lost_revenue_per_day", per_day(45.0 * price)),
        ("lost_margin_per_day", per_day(45.0 * (price - cost))),
        ("cost_holding_per_day", per_day(125.0 * 0.1)),
        ("cost_lost_sales_per_day", per_day(45.0)),
        ("cost_purchase_per_day", 0.0),
        ("profit_per_day", per_day(55.0 * (price - cost) - 12.5 - 45.0)),
        ("cost_total_per_day", per_day(12.5 + 45.0 + 55.0 * cost + 45.0 * price)),
    ];
    for (key, value) in expected {
        let m = total(&stats, 0, key);
        assert!((m.mean() - value).abs() < 1e-9 && m.sd() == 0.0, "{key}: {} not {value}", m.mean());
    }
}

#[test]
fn revenue_and_lost_margin_of_a_base_stock_newsvendor_match_the_closed_form() {
    let (s, mu, price, cost) = (22, 20.0, 9.0, 5.0);
    let item = json!({"id": "i", "price": price, "costs": {"unit_purchase": cost}});
    let model = common::model(&newsvendor(item, &[("news", s)], json!({})));
    let stats = common::run(&model, 40, 3);
    // Units sold a day: E[min(D, S)] = μ − E[(D − S)+], that is demand × fill rate.
    let sold = |s: i64| mu - poisson_excess(s, mu);
    let revenue = total(&stats, 0, "revenue_per_day");
    assert_agrees("revenue per day", &revenue, price * sold(s), &[price * mu, price * sold(s + 1)]);
    let lost = total(&stats, 0, "lost_margin_per_day");
    let excess = poisson_excess(s, mu);
    assert_agrees("lost margin per day", &lost, (price - cost) * excess, &[price * excess, cost * excess]);
    let cogs = total(&stats, 0, "cost_goods_sold_per_day");
    assert_agrees("cost of goods sold per day", &cogs, cost * sold(s), &[cost * mu]);
}

fn validate(doc: &str) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.json");
    std::fs::write(&path, doc).unwrap();
    let out = Command::cargo_bin("scsim").unwrap().arg("validate").arg(&path).output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn a_scenario_without_prices_that_makes_lost_sales_cheap_is_warned_about() {
    let cheap = json!({"id": "i", "costs": {"unit_purchase": 4, "lost_sale_per_unit": 1}});
    let (ok, stderr) = validate(&newsvendor(cheap, &[("news", 20)], json!({})));
    assert!(ok, "a warning does not fail validation");
    assert!(
        stderr.contains("warning: item \"i\" has no price") && stderr.contains("below its unit cost (4)"),
        "{stderr}"
    );
    assert!(stderr.contains("Set a `price`"), "says what to set: {stderr}");
    // Priced, or with a penalty above the unit cost, or with customers who wait: no warning.
    let priced = json!({"id": "i", "price": 6, "costs": {"unit_purchase": 4, "lost_sale_per_unit": 1}});
    let dear = json!({"id": "i", "costs": {"unit_purchase": 4, "lost_sale_per_unit": 6}});
    for item in [priced, dear] {
        let model = common::model(&newsvendor(item, &[("news", 20)], json!({})));
        assert!(model.warnings().is_empty(), "{:?}", model.warnings());
    }
    let waiting = json!({"segments": [{"id": "default"}]});
    let item = json!({"id": "i", "costs": {"unit_purchase": 4}});
    let model = common::model(&newsvendor(item, &[("news", 20)], waiting));
    assert!(model.warnings().is_empty(), "backorders lose nothing: {:?}", model.warnings());
}

#[test]
fn optimize_without_an_objective_argument_finds_the_cheapest_point_meeting_the_scenarios_target() {
    // No prices, holding 1, penalty 0.1: total cost rises with S from about 15 up, so the
    // cheapest point meeting a fill-rate target is the smallest S that meets it. The target is
    // midway between the exact fill rates of S* − 1 and S*.
    let mu = 20.0;
    let fill = |s: i64| 1.0 - poisson_excess(s, mu) / mu;
    let best = (10..40).find(|&s| fill(s) >= 0.97).unwrap();
    let target = (fill(best - 1) + fill(best)) / 2.0;
    let item = json!({"id": "i", "costs": {"holding_per_unit_day": 1, "lost_sale_per_unit": 0.1}});
    let objective = json!({"objective": {"minimize": "cost_total_per_day",
        "subject_to": [{"metric": "fill_rate", "at_least": target}]}});
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("news.json");
    std::fs::write(&path, newsvendor(item, &[("news", 20)], objective)).unwrap();
    let out = dir.path().join("out");
    common::run_scsim(
        &["optimize", path.to_str().unwrap(), "--param", "policies.news.inventory.S=10..40"],
        &out,
    );
    let result: Value = serde_json::from_slice(&std::fs::read(out.join("optimize.json")).unwrap()).unwrap();
    assert_eq!(result["objective"]["metric"], "cost_total_per_day");
    assert_eq!(result["constraints"][0], format!("fill_rate>={target}"));
    assert_eq!(result["best"]["policies.news.inventory.S"], best, "the smallest S meeting the target");
    assert_eq!(result["feasible"], true);
    // Unconstrained, the cheapest point is lower: the target is what moved it.
    let (h, p) = (1.0, 0.1);
    let cdf = |s: i64| common::poisson_pmf(mu, s as usize).iter().sum::<f64>();
    let unconstrained = (0..40).find(|&s| cdf(s) >= p / (p + h)).unwrap();
    assert!(unconstrained < best - 3);
}

#[test]
fn the_objective_ranks_policies_meeting_its_targets_first() {
    let item = json!({"id": "i", "costs": {"holding_per_unit_day": 1}});
    let objective = json!({"objective": {"minimize": "cost_total_per_day",
        "subject_to": [{"metric": "fill_rate", "at_least": 0.9}]}});
    let model = common::model(&newsvendor(item, &[("a", 1)], objective));
    let o = model.objective();
    assert_eq!(o.describe(), "minimise cost_total_per_day subject to fill_rate>=0.9");
    // (cost, fill rate) of four candidates: two meet the target, one misses it narrowly, one
    // widely; the cheapest candidate misses it.
    let means = [(5.0, 0.85), (9.0, 0.95), (7.0, 0.91), (4.0, 0.5)];
    let order = o.ranking(4, |i, m| Some(if m.def().key == "fill_rate" { means[i].1 } else { means[i].0 }));
    assert_eq!(order, vec![2, 1, 0, 3]);
    // Without prices or an objective, total cost; an undefined objective ranks last.
    let item = json!({"id": "i"});
    let model = common::model(&newsvendor(item, &[("a", 1)], json!({})));
    assert_eq!(model.objective().describe(), "minimise cost_total_per_day");
    let order = model.objective().ranking(2, |i, _| [None, Some(3.0)][i]);
    assert_eq!(order, vec![1, 0]);
}

#[test]
fn the_console_shows_the_objective_of_the_scenario() {
    let console = |args: &[&str]| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let base = ["run", "scenarios/quickstart.json", "--replications", "4", "--days", "60", "--out"];
        let output = Command::cargo_bin("scsim").unwrap().args(base).arg(&out).args(args).output().unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).unwrap()
    };
    // The quickstart maximises profit: its column replaces the total cost by default.
    let key = console(&[]);
    assert!(key.contains("Profit per") && !key.contains("Total cost"), "{key}");
    // `--wide` shows the total cost and the objective.
    let wide = console(&["--wide"]);
    assert!(wide.contains("Profit per") && wide.contains("Total cost"), "{wide}");
}
