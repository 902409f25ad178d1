//! Customer orders: order streams resolved to pairs, their basket models, and the fulfilment
//! rules of segments.

use super::build::{Builder, Index};
use super::demand::DemandRef;
use super::network::PairIndex;
use super::{MAX_LEAD_TIME, MAX_UNITS, Pair, Segment};

use crate::scenario::{self, AfterWaitLimit, Basket, OrderAllocation, Scenario, ShipRule};
use crate::sim::dist::{IntDist, Sampler};

/// Most order lines one order stream can place per day (orders per day × lines per order).
const MAX_LINES_PER_DAY: f64 = 1e6;

/// How a segment's customer orders are shipped.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct OrderRules {
    /// Hold the order until every line can ship (else ship what is there).
    pub(crate) complete: bool,
    /// With `complete`: stock that arrives for a held order is set aside for it.
    pub(crate) reserve: bool,
    /// Days an order waits before the customer acts (`None`: forever).
    pub(crate) wait_limit: Option<u32>,
    /// At the wait limit the customer cancels what is missing (else accepts partial shipments).
    pub(crate) cancel_rest: bool,
    /// Cost per shipment to a customer.
    pub(crate) shipment_cost: f64,
}

impl OrderRules {
    /// Ship what is there, wait forever, free shipments.
    pub(crate) const DEFAULT: OrderRules = OrderRules {
        complete: false,
        reserve: false,
        wait_limit: None,
        cancel_rest: false,
        shipment_cost: 0.0,
    };
}

/// Which items an order holds: each line as (pair, quantity).
#[derive(Debug, Clone)]
pub(crate) enum BasketModel {
    /// Each (pair, probability, quantity) independently.
    Independent(Vec<(usize, f64, Sampler)>),
    /// One of the baskets, drawn by `pick` (a distribution of basket indices).
    Empirical {
        /// The baskets' lines as (pair, units).
        baskets: Vec<Vec<(usize, i64)>>,
        /// Distribution of the basket index.
        pick: Sampler,
    },
}

/// A validated order stream.
#[derive(Debug, Clone)]
pub struct OrderStream {
    /// Identifier from the scenario.
    pub id: String,
    /// Location index.
    pub(crate) location: usize,
    /// Segment index.
    pub(crate) segment: usize,
    /// Orders per day.
    pub(crate) arrivals: Sampler,
    /// What an order holds.
    pub(crate) basket: BasketModel,
}

impl OrderStream {
    /// The expected units per day of each pair this stream orders, in the order of its basket
    /// model (a pair listed once): orders per day × inclusion probability × mean quantity.
    pub fn demand_rates(&self) -> Vec<(usize, f64)> {
        let orders = self.arrivals.dist().mean();
        match &self.basket {
            BasketModel::Independent(items) => {
                items.iter().map(|(p, prob, q)| (*p, orders * prob * q.dist().mean())).collect()
            }
            BasketModel::Empirical { baskets, pick } => {
                let mut rates: Vec<(usize, f64)> = Vec::new();
                for (k, prob) in pick.table().pmf() {
                    for &(p, units) in &baskets[k as usize] {
                        match rates.iter_mut().find(|r| r.0 == p) {
                            Some(r) => r.1 += orders * prob * units as f64,
                            None => rates.push((p, orders * prob * units as f64)),
                        }
                    }
                }
                rates
            }
        }
    }
}

impl super::Model {
    /// The cost of one shipment to a customer of order stream `stream` under policy `policy`.
    pub fn shipment_cost(&self, policy: usize, stream: usize) -> f64 {
        let segment = &self.segments[self.orders[stream].segment].orders;
        self.policies[policy].fulfilment.as_ref().unwrap_or(segment).shipment_cost
    }
}

/// The items each order stream refers to, by stream: (location, items), `None` where unknown.
pub(super) type OrderRefs = Vec<(Option<usize>, Vec<Option<usize>>)>;

impl Builder<'_> {
    /// A segment's fulfilment rules.
    pub(super) fn order_rules(&mut self, path: &str, f: &scenario::Fulfilment) -> OrderRules {
        let wait_limit = f.wait_limit_days.and_then(|d| {
            self.range_i64(&format!("{path}.wait_limit_days"), d, 0, MAX_LEAD_TIME as i64).then_some(d as u32)
        });
        self.non_negative(&format!("{path}.cost_per_shipment"), f.cost_per_shipment, 1e12);
        if f.reserve_stock && f.rule == ShipRule::ShipPartial {
            self.problem(
                format!("{path}.reserve_stock"),
                "applies to rule ship_complete only; ship_partial ships stock as it comes",
            );
        }
        OrderRules {
            complete: f.rule == ShipRule::ShipComplete,
            reserve: f.reserve_stock,
            wait_limit,
            cancel_rest: f.after_wait_limit == AfterWaitLimit::CancelRest,
            shipment_cost: f.cost_per_shipment,
        }
    }

    /// Resolves each order stream's location and the items of its basket.
    pub(super) fn order_refs(&mut self, s: &Scenario, ids: &Index) -> OrderRefs {
        let mut refs = Vec::new();
        for (i, o) in s.orders.iter().enumerate() {
            let path = format!("orders[{i}]");
            let location = self.resolve(&ids.locations, &o.location, format!("{path}.location"), "location");
            let names: Vec<(String, &str)> = match &o.basket {
                Basket::Independent { items } => items
                    .iter()
                    .enumerate()
                    .map(|(k, x)| (format!("{path}.basket.items[{k}].item"), x.item.as_str()))
                    .collect(),
                Basket::Empirical { baskets } => baskets
                    .iter()
                    .enumerate()
                    .flat_map(|(b, x)| {
                        let path = &path;
                        x.lines.iter().enumerate().map(move |(k, l)| {
                            (format!("{path}.basket.baskets[{b}].lines[{k}].item"), l.item.as_str())
                        })
                    })
                    .collect(),
            };
            let items = names.into_iter().map(|(p, id)| self.resolve(&ids.items, id, p, "item")).collect();
            refs.push((location, items));
        }
        refs
    }

    /// The validated order streams. Each pair they order from must have no per-item demand and
    /// supply no other location (the order book is then the only claim on its stock).
    pub(super) fn order_streams(
        &mut self,
        s: &Scenario,
        ids: &Index,
        refs: &OrderRefs,
        segments: &[Segment],
        pairs: &[Pair],
        index: &PairIndex,
    ) -> Vec<OrderStream> {
        let mut out = Vec::new();
        for (i, (o, (location, items))) in s.orders.iter().zip(refs).enumerate() {
            let path = format!("orders[{i}]");
            let segment = match &o.segment {
                Some(id) => self.resolve(&ids.segments, id, format!("{path}.segment"), "segment"),
                None => segments.iter().position(|g| g.id == "default"),
            };
            let arrivals = self.sampler(&format!("{path}.orders_per_day"), &o.orders_per_day);
            let Some(l) = *location else { continue };
            let pair_of = |b: &mut Builder, k: usize, p: String| -> Option<usize> {
                let pi = index.get(l, items[k]?)?;
                if !pairs[pi].demands.is_empty() || !pairs[pi].children.is_empty() {
                    b.problem(
                        p,
                        format!(
                            "{} also has per-item demand or supplies another location; a pair that \
                             customer orders draw on may have neither",
                            pairs[pi].name
                        ),
                    );
                    return None;
                }
                Some(pi)
            };
            let basket = self.basket(&path, &o.basket, pair_of);
            if let (Some(arrivals), Some(basket), Some(segment)) = (arrivals, basket, segment) {
                let stream = OrderStream { id: o.id.clone(), location: l, segment, arrivals, basket };
                self.check_order_volume(&path, &stream);
                out.push(stream);
            }
        }
        out
    }

    /// A basket model, each line's item resolved to its pair by `pair_of(builder, k, path)`
    /// (k counts the lines of every basket in turn).
    fn basket(
        &mut self,
        path: &str,
        basket: &Basket,
        mut pair_of: impl FnMut(&mut Builder, usize, String) -> Option<usize>,
    ) -> Option<BasketModel> {
        let mut ok = true;
        match basket {
            Basket::Independent { items } => {
                let mut out = Vec::new();
                for (k, x) in items.iter().enumerate() {
                    let p = format!("{path}.basket.items[{k}]");
                    let prob = self.unit_interval(format!("{p}.probability"), x.probability);
                    let q = self.sampler(&format!("{p}.quantity"), &x.quantity);
                    let pair = pair_of(self, k, format!("{p}.item"));
                    let seen: Vec<usize> = out.iter().map(|x: &(usize, f64, Sampler)| x.0).collect();
                    ok &= self.distinct(&format!("{p}.item"), &seen, pair);
                    match (q, pair) {
                        (Some(q), Some(pair)) => out.push((pair, prob, q)),
                        _ => ok = false,
                    }
                }
                if items.is_empty() {
                    self.problem(format!("{path}.basket.items"), "needs at least one item");
                }
                (ok && !out.is_empty()).then_some(BasketModel::Independent(out))
            }
            Basket::Empirical { baskets } => self.empirical_baskets(path, baskets, pair_of),
        }
    }

    /// Whether `pair` is not yet among `seen` (an item appears once per basket), else a problem.
    fn distinct(&mut self, path: &str, seen: &[usize], pair: Option<usize>) -> bool {
        let repeated = pair.is_some_and(|p| seen.contains(&p));
        if repeated {
            self.problem(path, "is already in this basket; list each item once with its whole quantity");
        }
        !repeated
    }

    fn empirical_baskets(
        &mut self,
        path: &str,
        baskets: &[scenario::EmpiricalBasket],
        mut pair_of: impl FnMut(&mut Builder, usize, String) -> Option<usize>,
    ) -> Option<BasketModel> {
        let (mut ok, mut k) = (true, 0);
        let mut out = Vec::new();
        let mut weights = Vec::new();
        for (b, basket) in baskets.iter().enumerate() {
            let p = format!("{path}.basket.baskets[{b}]");
            let mut lines: Vec<(usize, i64)> = Vec::new();
            for (j, line) in basket.lines.iter().enumerate() {
                let lp = format!("{p}.lines[{j}]");
                ok &= self.range_i64(&format!("{lp}.quantity"), line.quantity, 1, MAX_UNITS);
                let pair = pair_of(self, k, format!("{lp}.item"));
                k += 1;
                let seen: Vec<usize> = lines.iter().map(|x| x.0).collect();
                ok &= self.distinct(&format!("{lp}.item"), &seen, pair);
                match pair {
                    Some(pair) => lines.push((pair, line.quantity)),
                    None => ok = false,
                }
            }
            if basket.lines.is_empty() {
                self.problem(format!("{p}.lines"), "needs at least one line");
                ok = false;
            }
            let w = basket.weight.unwrap_or(1.0);
            ok &= self.non_negative(&format!("{p}.weight"), w, 1e12);
            weights.push(w);
            out.push(lines);
        }
        if baskets.is_empty() || (ok && weights.iter().sum::<f64>() <= 0.0) {
            self.problem(format!("{path}.basket.baskets"), "needs at least one basket with a weight above 0");
            return None;
        }
        let values = (0..baskets.len() as u64).collect();
        let pick = Sampler::new(IntDist::Discrete { values, weights }).ok()?;
        ok.then_some(BasketModel::Empirical { baskets: out, pick })
    }

    /// Checks that a day's orders stay within what the engine counts.
    fn check_order_volume(&mut self, path: &str, stream: &OrderStream) {
        let most = stream.arrivals.table().max() as f64;
        let lines = match &stream.basket {
            BasketModel::Independent(items) => items.len(),
            BasketModel::Empirical { baskets, .. } => baskets.iter().map(Vec::len).max().unwrap_or(0),
        };
        if most * lines as f64 > MAX_LINES_PER_DAY {
            self.problem(
                format!("{path}.orders_per_day"),
                format!(
                    "can reach {most} orders of up to {lines} lines a day; allowed: at most \
                     {MAX_LINES_PER_DAY:e} lines a day"
                ),
            );
        }
    }
}

/// The order allocation rule of each location.
pub(super) fn order_allocation(s: &Scenario) -> Vec<OrderAllocation> {
    s.locations.iter().map(|l| l.order_allocation).collect()
}

/// The (location, item) references of per-item demand and of every order line: the pairs that
/// customers buy from.
pub(super) fn stock_refs(demand: &[DemandRef], orders: &OrderRefs) -> Vec<DemandRef> {
    let lines = orders.iter().flat_map(|(location, items)| {
        items.iter().map(|&item| DemandRef { location: *location, item, segment: None })
    });
    demand.iter().copied().chain(lines).collect()
}
