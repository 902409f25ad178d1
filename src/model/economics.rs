//! The economics of a scenario: selling prices by pair, the objective the policies are ranked
//! by (the metric, its direction and the service targets they must meet: [`Objective`]), and
//! the warnings of a scenario whose total cost could reward losing sales.

use super::build::{Builder, Index};
use super::network::PairIndex;
use super::{Model, Pair};
use crate::metrics::{Better, METRICS, Metric, metric_index};
use crate::scenario::{ObjectiveSpec, Scenario, TargetSpec};

/// A target on a metric's mean.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Target {
    /// The metric.
    pub metric: Metric,
    /// Whether the mean must be at least (true) or at most (false) the bound.
    pub at_least: bool,
    /// The bound (a share from 0 to 1).
    pub bound: f64,
}

impl Target {
    /// How far `mean` is inside the target (negative: missed).
    pub fn slack(&self, mean: f64) -> f64 {
        if self.at_least { mean - self.bound } else { self.bound - mean }
    }

    /// The target as `METRIC>=BOUND` (the form `scsim optimize --subject-to` reads).
    pub fn text(&self) -> String {
        format!("{}{}{}", self.metric.def().key, if self.at_least { ">=" } else { "<=" }, self.bound)
    }
}

/// What the policies of a scenario are ranked by.
#[derive(Debug, Clone, PartialEq)]
pub struct Objective {
    /// The metric to rank by.
    pub metric: Metric,
    /// Whether larger is better (else smaller).
    pub maximize: bool,
    /// Targets a policy must meet by its mean to be acceptable.
    pub targets: Vec<Target>,
}

impl Objective {
    /// Minimise the total cost per day, without targets (the objective of a scenario without
    /// prices or an `objective`).
    pub fn total_cost() -> Objective {
        Objective { metric: Metric::CostTotalPerDay, maximize: false, targets: Vec::new() }
    }

    /// The direction of the objective as a metric direction.
    pub fn better(&self) -> Better {
        if self.maximize { Better::Higher } else { Better::Lower }
    }

    /// The key of the metric to rank by.
    pub fn key(&self) -> &'static str {
        self.metric.def().key
    }

    /// Indices of `n` candidates, best first: those meeting every target by their objective
    /// (better first), then the others by their worst slack (nearest first). `mean(i, metric)`
    /// is candidate `i`'s mean of `metric` (NaN or `None` when undefined, which ranks last).
    pub fn ranking(&self, n: usize, mean: impl Fn(usize, Metric) -> Option<f64>) -> Vec<usize> {
        let score = |i: usize| {
            let slack = self
                .targets
                .iter()
                .map(|t| mean(i, t.metric).map_or(f64::NEG_INFINITY, |m| t.slack(m)))
                .fold(f64::INFINITY, f64::min);
            let value = mean(i, self.metric).filter(|v| !v.is_nan());
            let objective = value.map_or(f64::INFINITY, |v| if self.maximize { -v } else { v });
            let slack = if slack.is_nan() { f64::NEG_INFINITY } else { slack };
            if slack >= 0.0 { (0, objective) } else { (1, -slack) }
        };
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| {
            let (sa, sb) = (score(a), score(b));
            sa.0.cmp(&sb.0).then(sa.1.total_cmp(&sb.1))
        });
        order
    }

    /// The objective as a sentence fragment: `maximise profit_per_day subject to fill_rate>=0.97`.
    pub fn describe(&self) -> String {
        let verb = if self.maximize { "maximise" } else { "minimise" };
        let targets: Vec<String> = self.targets.iter().map(Target::text).collect();
        if targets.is_empty() {
            format!("{verb} {}", self.key())
        } else {
            format!("{verb} {} subject to {}", self.key(), targets.join(", "))
        }
    }
}

impl Model {
    /// What the policies are ranked by: the scenario's `objective`, else profit with prices
    /// and total cost without.
    pub fn objective(&self) -> &Objective {
        &self.objective
    }

    /// Warnings about the scenario that do not stop it from running (what to set so that total
    /// cost ranks policies correctly), one sentence each.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }
}

impl Builder<'_> {
    /// Checks the items' prices and gives each pair its price; whether items have prices.
    /// Prices are set on every item or on none.
    pub(super) fn prices(
        &mut self,
        s: &Scenario,
        ids: &Index,
        pairs: &mut [Pair],
        index: &PairIndex,
    ) -> bool {
        let priced = s.items.iter().any(|it| it.price.is_some());
        for (i, item) in s.items.iter().enumerate() {
            let path = format!("items[{i}]");
            match item.price {
                Some(p) => {
                    self.non_negative(&format!("{path}.price"), p, super::MAX_COST);
                }
                None if priced => self.problem(
                    format!("{path}.price"),
                    "is missing; set a price on every item or on none (other items have one)",
                ),
                None if !item.location_prices.is_empty() => {
                    self.problem(format!("{path}.location_prices"), "needs the item's price")
                }
                None => {}
            }
            for (loc, &p) in &item.location_prices {
                let at = format!("{path}.location_prices.{loc}");
                self.non_negative(&at, p, super::MAX_COST);
                let Some(l) = self.resolve(&ids.locations, loc, at, "location") else { continue };
                if let Some(q) = index.get(l, i) {
                    pairs[q].costs.price = Some(p);
                }
            }
        }
        for pair in pairs.iter_mut().filter(|p| p.costs.price.is_none()) {
            pair.costs.price = s.items[pair.item].price;
        }
        priced
    }

    /// The scenario's objective, checked, or the default.
    pub(super) fn objective(&mut self, s: &Scenario, priced: bool) -> Objective {
        let Some(spec) = &s.objective else {
            let metric = if priced { Metric::ProfitPerDay } else { Metric::CostTotalPerDay };
            return Objective { metric, maximize: priced, targets: Vec::new() };
        };
        let (key, maximize) = self.direction(spec);
        let metric = key.and_then(|k| self.metric("objective", k));
        if let Some(m) = metric {
            let better = m.def().better;
            if (better == Better::Higher && !maximize) || (better == Better::Lower && maximize) {
                let (verb, other) =
                    if maximize { ("maximize", "minimize") } else { ("minimize", "maximize") };
                let path = format!("objective.{verb}");
                self.problem(
                    path,
                    format!("{}: smaller is better for it, or larger; use {other}", m.def().key),
                );
            }
        }
        let targets = spec.subject_to.iter().enumerate().filter_map(|(i, t)| self.target(i, t)).collect();
        Objective { metric: metric.unwrap_or(Metric::CostTotalPerDay), maximize, targets }
    }

    /// The metric key the objective names and whether it is maximised.
    fn direction<'s>(&mut self, spec: &'s ObjectiveSpec) -> (Option<&'s str>, bool) {
        match (&spec.minimize, &spec.maximize) {
            (Some(k), None) => (Some(k), false),
            (None, Some(k)) => (Some(k), true),
            _ => {
                self.problem("objective", "needs exactly one of minimize and maximize (a metric key)");
                (None, false)
            }
        }
    }

    /// The metric of `key`, or a problem at `path` listing the keys.
    fn metric(&mut self, path: &str, key: &str) -> Option<Metric> {
        let found = metric_index(key).map(|i| Metric::ALL[i]);
        if found.is_none() {
            let keys: Vec<&str> = METRICS.iter().map(|m| m.key).collect();
            self.problem(path, format!("unknown metric {key:?}; metrics: {}", keys.join(", ")));
        }
        found
    }

    /// Target `i` of the objective, checked.
    fn target(&mut self, i: usize, t: &TargetSpec) -> Option<Target> {
        let path = format!("objective.subject_to[{i}]");
        let metric = self.metric(&format!("{path}.metric"), &t.metric);
        let (at_least, bound) = match (t.at_least, t.at_most) {
            (Some(b), None) => (true, b),
            (None, Some(b)) => (false, b),
            _ => {
                self.problem(&path, "needs exactly one of at_least and at_most");
                return None;
            }
        };
        let field = format!("{path}.{}", if at_least { "at_least" } else { "at_most" });
        let metric = metric?;
        if metric.def().share && !(0.0..=1.0).contains(&bound) {
            let key = metric.def().key;
            self.problem(field, format!("is {bound}; {key} is a share: allowed 0 to 1 (0.97, not 97)"));
        } else if !bound.is_finite() {
            self.problem(field, format!("is {bound}; allowed: a finite number"));
        }
        Some(Target { metric, at_least, bound })
    }
}

/// Warnings for a model without prices whose customers can be lost while total cost would
/// reward losing them: a lost-sale penalty below the unit cost (a lost unit saves its cost of
/// goods), or churn (demand lost to churn is charged only through a price).
pub(super) fn economic_warnings(model: &Model) -> Vec<String> {
    let segments = |pair: &Pair| {
        pair.demands.iter().map(|&d| &model.segments[model.demands[d].segment]).collect::<Vec<_>>()
    };
    let mut warned = vec![false; model.items.len()];
    let mut out = Vec::new();
    for pair in model.pairs.iter().filter(|p| p.costs.price.is_none()) {
        let lost = segments(pair).iter().any(|g| g.backorder_probability < 1.0 || g.patience.is_some());
        let churn = segments(pair).iter().any(|g| g.churn.is_some());
        let (penalty, cost) = (pair.costs.lost_sale, pair.costs.unit_cost);
        let cheap = lost && (penalty == 0.0 || penalty < cost);
        if warned[pair.item] || !(cheap || churn) {
            continue;
        }
        warned[pair.item] = true;
        let item = &model.items[pair.item];
        out.push(if cheap {
            format!(
                "item {item:?} has no price: customers can walk away or cancel, and its lost_sale_per_unit \
                 ({penalty}) is below its unit cost ({cost}), so a lost sale lowers total cost. Set a `price` on \
                 the item (the revenue of every unit not sold then counts in total cost), or set \
                 costs.lost_sale_per_unit to the revenue a lost unit takes away (at least the unit cost)"
            )
        } else {
            format!(
                "item {item:?} has no price: customers can churn, and without a price the demand lost to churn \
                 costs nothing. Set a `price` on the item (the revenue of every unit not sold then counts in \
                 total cost)"
            )
        });
    }
    out
}
