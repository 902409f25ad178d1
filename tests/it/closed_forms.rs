//! The engine against closed-form results, within Monte-Carlo error.
//!
//! Timing convention (docs/model.md): the review of day t happens after that day's demand; an
//! order placed then with lead time L ≥ 1 arrives at the start of day t + L. With daily review
//! and base-stock S, the net inventory at the end of day t + L is therefore S − D_L, where D_L
//! is the demand of the L days t+1..t+L, and the stock that meets demand on day t + L is
//! (S − D_{L−1})^+. The closed forms below are written in exactly that convention; each test
//! also checks that the formula with L − 1 or L + 1 is rejected, so an off-by-one in the engine
//! would fail.

use crate::common;

use common::{
    assert_agrees, check_conservation, model, poisson_excess, poisson_pmf, poisson_positive_part, run, total,
};

fn base_stock_scenario(s: i64, lambda: f64, lead: i64, review: i64, unmet: &str) -> String {
    format!(
        r#"{{
        "schema_version": 1, "horizon_days": 2000, "warmup_days": 100,
        "items": [{{"id": "i"}}], "locations": [{{"id": "loc"}}], "suppliers": [{{"id": "sup"}}],
        "lanes": [{{"id": "lane", "from": "sup", "to": "loc", "lead_time": {{"type": "constant", "value": {lead}}}}}],
        "segments": [{{"id": "default", "unmet": {{"type": "{unmet}"}}}}],
        "demand": [{{"location": "loc", "item": "i", "distribution": {{"type": "poisson", "mean": {lambda}}}}}],
        "policies": [{{"name": "bs", "inventory": {{"type": "base_stock", "S": {s}, "review_period": {review}}}}}]
    }}"#
    )
}

/// Exact steady-state metrics of daily-review base-stock S with Poisson(λ) demand, full
/// backorders and constant lead time L, in the engine's timing.
struct BaseStockExact {
    fill_rate: f64,
    avg_on_hand: f64,
    avg_backorders: f64,
    ready_rate: f64,
    cycle_service_level: f64,
}

fn base_stock_exact(s: i64, lambda: f64, lead: i64) -> BaseStockExact {
    // Demand before the day's own demand: L - 1 days (L = 0 behaves like L = 1 for demand).
    let before = (lead.max(1) - 1) as f64 * lambda;
    let over_lead = lead as f64 * lambda;
    let fill = (poisson_positive_part(s, before) - poisson_positive_part(s, before + lambda)) / lambda;
    // No stockout on a day: X ≤ (S − Y)^+ with Y ~ Poisson(before), X ~ Poisson(λ).
    let n = (s as usize) + 400;
    let py = poisson_pmf(before, n);
    let px = poisson_pmf(lambda, n);
    let cdf_x = |k: i64| -> f64 { if k < 0 { 0.0 } else { px[..=(k as usize)].iter().sum() } };
    let no_stockout: f64 = py.iter().enumerate().map(|(y, p)| p * cdf_x((s - y as i64).max(0))).sum();
    let ready: f64 = poisson_pmf(over_lead, s.max(0) as usize).iter().sum();
    BaseStockExact {
        fill_rate: fill,
        avg_on_hand: if lead == 0 { s as f64 } else { poisson_positive_part(s, over_lead) },
        avg_backorders: if lead == 0 { 0.0 } else { poisson_excess(s, over_lead) },
        ready_rate: if lead == 0 { 1.0 } else { ready },
        cycle_service_level: no_stockout,
    }
}

#[test]
fn base_stock_poisson_matches_closed_form() {
    // The canonical case (S = 110 is nearly stockout-free) and a tighter level that backorders.
    for (s, lambda, lead) in [(110, 20.0, 4), (90, 20.0, 4), (75, 20.0, 4), (30, 5.0, 5)] {
        let m = model(&base_stock_scenario(s, lambda, lead, 1, "backorder"));
        let stats = run(&m, 200, 7);
        let exact = base_stock_exact(s, lambda, lead);
        let off = [base_stock_exact(s, lambda, lead - 1), base_stock_exact(s, lambda, lead + 1)];
        let what = |k: &str| format!("S={s} λ={lambda} L={lead}: {k}");
        let distinguishable = |f: fn(&BaseStockExact) -> f64, x: f64| -> Vec<f64> {
            // Near-certain metrics (S = 110) cannot separate L ± 1; only demand power where it
            // exists.
            off.iter().map(f).filter(|w| (w - x).abs() > 0.002).collect()
        };
        assert_agrees(
            &what("fill rate"),
            &total(&stats, 0, "fill_rate"),
            exact.fill_rate,
            &distinguishable(|e| e.fill_rate, exact.fill_rate),
        );
        assert_agrees(
            &what("average on hand"),
            &total(&stats, 0, "avg_on_hand"),
            exact.avg_on_hand,
            &distinguishable(|e| e.avg_on_hand, exact.avg_on_hand),
        );
        assert_agrees(
            &what("average backorders"),
            &total(&stats, 0, "avg_backorders"),
            exact.avg_backorders,
            &distinguishable(|e| e.avg_backorders, exact.avg_backorders),
        );
        assert_agrees(&what("ready rate"), &total(&stats, 0, "ready_rate"), exact.ready_rate, &[]);
        assert_agrees(
            &what("cycle service level"),
            &total(&stats, 0, "cycle_service_level"),
            exact.cycle_service_level,
            &[],
        );
        if s == 75 {
            // The tight case must separate the right lead time from its neighbours on every
            // headline metric, and the type-2 fill rate from the shortcut
            // 1 − E[backorders]/E[demand].
            let shortcut = 1.0 - exact.avg_backorders / lambda;
            assert_agrees(
                &what("fill rate (vs shortcut)"),
                &total(&stats, 0, "fill_rate"),
                exact.fill_rate,
                &[off[0].fill_rate, off[1].fill_rate, shortcut],
            );
        }
        check_conservation(&m, 20, 7);
    }
}

#[test]
fn mean_backorder_wait_obeys_littles_law() {
    let (s, lambda, lead) = (90, 20.0, 4);
    let m = model(&base_stock_scenario(s, lambda, lead, 1, "backorder"));
    let stats = run(&m, 200, 11);
    let exact = base_stock_exact(s, lambda, lead);
    // Every backordered unit is counted in the end-of-day backorders once per day it waits,
    // so E[wait] = E[backorders] / (λ (1 − fill rate)).
    let little = |e: &BaseStockExact| e.avg_backorders / (lambda * (1.0 - e.fill_rate));
    let wait = little(&exact);
    // Wrong answers the test must tell apart: a wait counted one day too long, and the wait
    // of a lead time one day longer.
    let wrong = [wait + 1.0, little(&base_stock_exact(s, lambda, lead + 1))];
    assert_agrees("mean wait (Little)", &total(&stats, 0, "wait_mean_days"), wait, &wrong);
}

#[test]
fn zero_lead_time_is_same_day_replenishment() {
    let (s, lambda) = (22, 20.0);
    let m = model(&base_stock_scenario(s, lambda, 0, 1, "backorder"));
    let stats = run(&m, 200, 3);
    let exact = base_stock_exact(s, lambda, 0);
    assert_agrees(
        "L=0 fill rate",
        &total(&stats, 0, "fill_rate"),
        exact.fill_rate,
        &[base_stock_exact(s, lambda, 2).fill_rate],
    );
    // Backorders are cleared the same evening: no end-of-day backorders, every wait is 0 days.
    assert_eq!(total(&stats, 0, "avg_backorders").mean(), 0.0);
    assert_eq!(total(&stats, 0, "wait_mean_days").mean(), 0.0);
    assert_eq!(total(&stats, 0, "avg_on_hand").mean(), s as f64);
    check_conservation(&m, 20, 3);
}

#[test]
fn lost_sales_with_zero_and_one_day_lead_time() {
    // Stock is back at S before each day's demand: sales min(X, S), lost (X − S)^+.
    let (s, lambda) = (20, 18.0);
    let lost_per_day = poisson_excess(s, lambda);
    let fill = 1.0 - lost_per_day / lambda;
    for lead in [0, 1] {
        let m = model(&base_stock_scenario(s, lambda, lead, 1, "lost"));
        let stats = run(&m, 200, 5);
        let measured = m.measured_days() as f64;
        assert_agrees(&format!("lost sales L={lead} fill rate"), &total(&stats, 0, "fill_rate"), fill, &[]);
        let lost = total(&stats, 0, "lost_units");
        assert_agrees(&format!("lost sales L={lead} lost units"), &lost, lost_per_day * measured, &[]);
        assert_eq!(total(&stats, 0, "backordered_units").mean(), 0.0);
        // End of day: L = 0 has been replenished to S, L = 1 still holds (S − X)^+.
        let on_hand = if lead == 0 { s as f64 } else { poisson_positive_part(s, lambda) };
        assert_agrees(
            &format!("lost sales L={lead} on hand"),
            &total(&stats, 0, "avg_on_hand"),
            on_hand,
            &[],
        );
        check_conservation(&m, 20, 5);
    }
}

#[test]
fn periodic_review_base_stock_matches_closed_form() {
    // (R, S) with R = 7: on day t+L+k (k = 0..R−1 after the review of day t) the net inventory is
    // S − D_{L+k}; the stock facing that day's demand is (S − D_{L+k−1})^+.
    let (s, lambda, lead, review) = (170, 15.0, 3i64, 7i64);
    let m = model(&base_stock_scenario(s, lambda, lead, review, "backorder"));
    let stats = run(&m, 200, 9);
    let avg = |f: &dyn Fn(f64) -> f64| {
        (0..review).map(|k| f((lead + k) as f64 * lambda)).sum::<f64>() / review as f64
    };
    let on_hand = avg(&|mu| poisson_positive_part(s, mu));
    let backorders = avg(&|mu| poisson_excess(s, mu));
    let fill = avg(&|mu| poisson_positive_part(s, mu - lambda) - poisson_positive_part(s, mu)) / lambda;
    // The same formulas with the lead time one day off.
    let shifted = |l: i64| -> f64 {
        (0..review).map(|k| poisson_positive_part(s, (l + k) as f64 * lambda)).sum::<f64>() / review as f64
    };
    assert_agrees(
        "(R,S) on hand",
        &total(&stats, 0, "avg_on_hand"),
        on_hand,
        &[shifted(lead - 1), shifted(lead + 1)],
    );
    assert_agrees("(R,S) backorders", &total(&stats, 0, "avg_backorders"), backorders, &[]);
    assert_agrees("(R,S) fill rate", &total(&stats, 0, "fill_rate"), fill, &[]);
    check_conservation(&m, 20, 9);
}

#[test]
fn r_q_poisson_matches_closed_form() {
    // With daily review and orders in multiples of Q, the position after ordering is uniform on
    // r+1..r+Q (Hadley–Whitin); net inventory at the end of day t+L is that position − D_L.
    let (r, q, lambda, lead) = (60, 40, 12.0, 5i64);
    let json = format!(
        r#"{{
        "schema_version": 1, "horizon_days": 2000, "warmup_days": 100,
        "items": [{{"id": "i"}}], "locations": [{{"id": "loc"}}], "suppliers": [{{"id": "sup"}}],
        "lanes": [{{"id": "lane", "from": "sup", "to": "loc", "lead_time": {{"type": "constant", "value": {lead}}}}}],
        "demand": [{{"location": "loc", "item": "i", "distribution": {{"type": "poisson", "mean": {lambda}}}}}],
        "policies": [{{"name": "rq", "inventory": {{"type": "r_Q", "r": {r}, "Q": {q}}}}}]
    }}"#
    );
    let m = model(&json);
    let stats = run(&m, 200, 13);
    let over = |l: i64, f: &dyn Fn(i64, f64) -> f64| -> f64 {
        (r + 1..=r + q).map(|y| f(y, l as f64 * lambda)).sum::<f64>() / q as f64
    };
    let on_hand = |l: i64| over(l, &poisson_positive_part);
    let backorders = |l: i64| over(l, &poisson_excess);
    let fill = |l: i64| (over(l - 1, &poisson_positive_part) - over(l, &poisson_positive_part)) / lambda;
    assert_agrees(
        "(r,Q) on hand",
        &total(&stats, 0, "avg_on_hand"),
        on_hand(lead),
        &[on_hand(lead - 1), on_hand(lead + 1)],
    );
    assert_agrees(
        "(r,Q) backorders",
        &total(&stats, 0, "avg_backorders"),
        backorders(lead),
        &[backorders(lead - 1), backorders(lead + 1)],
    );
    assert_agrees(
        "(r,Q) fill rate",
        &total(&stats, 0, "fill_rate"),
        fill(lead),
        &[fill(lead - 1), fill(lead + 1)],
    );
    // Every order is a multiple of Q, and units ordered per day equal demand in the long run.
    let orders = total(&stats, 0, "orders_placed").mean();
    assert!(orders > 0.0);
    check_conservation(&m, 20, 13);
}
