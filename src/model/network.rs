//! The network: lanes, the order of locations from suppliers down, the stocked (location,
//! item) pairs and what supplies each, the echelons and backlog classes, the review order, and
//! the starting stock.

use super::build::{Builder, Ids, Index, ItemCosts};
use super::demand::DemandRef;
use super::terms::Terms;
use super::{Control, DemandStream, MAX_COST, MAX_LEAD_TIME, MAX_UNITS, Pair, Segment};
use crate::scenario::{self, Allocation, FractionSpec, Scenario, Shortfall};
use crate::sim::forecast::Prior;
use crate::sim::policy::RuleKind;
use crate::sim::supply::{Delays, Lane, Shipper, Source, Yield};

/// A validated lane with the item indices it carries and its price overrides.
pub(super) struct LaneParts {
    /// The lane.
    pub(super) lane: Lane,
    /// Indices of the items it carries.
    pub(super) carried: Vec<usize>,
    /// Its price per unit, overriding the item's purchase price.
    pub(super) unit_cost: Option<f64>,
    /// Its fixed cost per order, overriding the item's.
    pub(super) order_cost: Option<f64>,
    /// Its minimum order quantity.
    pub(super) min_order: i64,
    /// Its order multiple.
    pub(super) order_multiple: i64,
    /// The terms of items with their own, by item index (empty when none has).
    pub(super) terms: Vec<Terms>,
}

/// Where each (location, item) pair is in the list of stocked pairs.
pub(super) struct PairIndex {
    n_item: usize,
    index: Vec<Option<usize>>,
}

impl PairIndex {
    /// The stocked pair of location `l` and item `it`, if it is stocked.
    pub(super) fn get(&self, l: usize, it: usize) -> Option<usize> {
        self.index[l * self.n_item + it]
    }

    /// The stocked pairs: every (location, item) where customers buy, and every (location,
    /// item) that ships the item to a stocked pair. `topo` lists locations from the top down.
    pub(super) fn stocked_pairs(
        s: &Scenario,
        lanes: &[Option<LaneParts>],
        topo: &[usize],
        demand_refs: &[DemandRef],
        item_costs: &[ItemCosts],
    ) -> (Vec<Pair>, PairIndex) {
        let (n_loc, n_item) = (s.locations.len(), s.items.len());
        let mut stocked = vec![false; n_loc * n_item];
        for r in demand_refs {
            if let (Some(l), Some(it)) = (r.location, r.item) {
                stocked[l * n_item + it] = true;
            }
        }
        for &t in topo.iter().rev() {
            for parts in lanes.iter().flatten().filter(|l| l.lane.to == t) {
                if let Shipper::Location(f) = parts.lane.from {
                    for &it in &parts.carried {
                        stocked[f * n_item + it] |= stocked[t * n_item + it];
                    }
                }
            }
        }
        let mut index = vec![None; n_loc * n_item];
        let mut pairs = Vec::new();
        for (k, _) in stocked.iter().enumerate().filter(|(_, x)| **x) {
            let (l, it) = (k / n_item, k % n_item);
            index[k] = Some(pairs.len());
            pairs.push(Pair {
                location: l,
                item: it,
                name: format!("{}/{}", s.locations[l].id, s.items[it].id),
                costs: item_costs[it].pair.clone(),
                sources: Vec::new(),
                demands: Vec::new(),
                ordered: false,
                initial_on_hand: None,
                prior: Prior { weekday_means: [0.0; 7], variance: 0.0 },
                classes: vec![0],
                fair_share: s.locations[l].allocation == Allocation::FairShare,
                children: Vec::new(),
                downstream: Vec::new(),
                internally_supplied: false,
            });
        }
        (pairs, PairIndex { n_item, index })
    }

    /// Gives each pair its sources: the lanes that bring its item to its location, from a
    /// supplier or from the upstream pair.
    pub(super) fn link_sources(
        &self,
        pairs: &mut [Pair],
        lanes: &[Option<LaneParts>],
        item_costs: &[ItemCosts],
    ) {
        for (li, parts) in lanes.iter().enumerate() {
            let Some(parts @ LaneParts { lane, carried, .. }) = parts else { continue };
            for &it in carried {
                let (unit_cost, order_cost, min_order, order_multiple) = parts_terms(parts, it);
                let Some(p) = self.get(lane.to, it) else {
                    continue; // nobody buys the item there or below
                };
                // A transfer between locations costs only what the lane says: the item's
                // purchase price was paid where it entered the network.
                let (upstream, default_unit_cost) = match lane.from {
                    Shipper::Supplier(_) => (None, item_costs[it].unit_purchase),
                    Shipper::Location(f) => match self.get(f, it) {
                        Some(u) => (Some(u), 0.0),
                        None => continue, // only with a cycle, which is reported
                    },
                };
                pairs[p].internally_supplied |= upstream.is_some();
                let unit_cost = unit_cost.unwrap_or(default_unit_cost);
                let entered = if upstream.is_some() { item_costs[it].unit_purchase } else { 0.0 };
                pairs[p].sources.push(Source {
                    lane: li,
                    upstream,
                    class: 0, // set once the upstream pair's classes are known
                    unit_cost,
                    landed_cost: unit_cost + entered,
                    order_cost: order_cost.unwrap_or(item_costs[it].order_fixed),
                    min_order,
                    order_multiple,
                });
            }
        }
    }
}

/// Item `it`'s unit cost, order cost (`None`: the item's own), minimum order and multiple on
/// a lane: its own terms where it has them, else the lane's.
fn parts_terms(parts: &LaneParts, it: usize) -> (Option<f64>, Option<f64>, i64, i64) {
    let t = parts.terms.get(it);
    (
        t.and_then(|t| t.unit_cost).or(parts.unit_cost),
        t.and_then(|t| t.order_cost).or(parts.order_cost),
        t.and_then(|t| t.min_order).unwrap_or(parts.min_order),
        t.and_then(|t| t.order_multiple).unwrap_or(parts.order_multiple),
    )
}

impl Builder<'_> {
    /// Who ships on a lane: a supplier id, else a location id.
    pub(super) fn shipper(
        &mut self,
        suppliers: &Ids,
        locations: &Ids,
        id: &str,
        path: String,
    ) -> Option<Shipper> {
        if let Some(sup) = suppliers.get(id) {
            return Some(Shipper::Supplier(sup));
        }
        if let Some(loc) = locations.get(id) {
            return Some(Shipper::Location(loc));
        }
        let mut known = suppliers.sorted();
        known.extend(locations.sorted());
        known.sort_unstable();
        let other = self.kind_hint(id);
        self.problem(
            path,
            format!("unknown supplier or location {id:?}{other}; known: {}", known.join(", ")),
        );
        None
    }

    /// Each valid lane with the item indices it carries and its price overrides.
    pub(super) fn lanes(&mut self, s: &Scenario, ids: &Index) -> Vec<Option<LaneParts>> {
        s.lanes.iter().enumerate().map(|(i, lane)| self.lane(i, lane, s.items.len(), ids)).collect()
    }

    /// Lane `i`, checked; `None` when it has a problem.
    fn lane(&mut self, i: usize, lane: &scenario::Lane, n_item: usize, ids: &Index) -> Option<LaneParts> {
        let path = format!("lanes[{i}]");
        let from = self.shipper(&ids.suppliers, &ids.locations, &lane.from, format!("{path}.from"));
        let to = self.resolve(&ids.locations, &lane.to, format!("{path}.to"), "location");
        if let Some(Shipper::Location(_)) = from
            && lane.yield_.is_some()
        {
            self.problem(
                format!("{path}.yield"),
                "applies to external suppliers only: a location ships exactly what it has on hand",
            );
        }
        let carried: Vec<Option<usize>> = match &lane.items {
            None => (0..n_item).map(Some).collect(),
            Some(list) => list
                .iter()
                .enumerate()
                .map(|(k, id)| self.resolve(&ids.items, id, format!("{path}.items[{k}]"), "item"))
                .collect(),
        };
        let lead = self.lead_sampler(&format!("{path}.lead_time"), &lane.lead_time);
        for (field, v) in [("unit_cost", lane.unit_cost), ("order_cost", lane.order_cost)] {
            if let Some(v) = v {
                self.non_negative(&format!("{path}.{field}"), v, MAX_COST);
            }
        }
        if let Some(c) = lane.capacity_per_day {
            self.range_i64(&format!("{path}.capacity_per_day"), c, 1, MAX_UNITS);
        }
        if let Some(q) = lane.quoted_lead_time {
            self.range_i64(&format!("{path}.quoted_lead_time"), q, 0, MAX_LEAD_TIME as i64);
        }
        let delays = lane.delays.as_ref().and_then(|d| self.delays(&path, d));
        let yield_ = lane.yield_.as_ref().map(|y| self.lane_yield(&path, y));
        let min_ok = self.range_i64(&format!("{path}.min_order"), lane.min_order, 0, MAX_UNITS);
        let mult_ok = self.range_i64(&format!("{path}.order_multiple"), lane.order_multiple, 1, MAX_UNITS);
        let carried: Option<Vec<usize>> = carried.into_iter().collect();
        let terms = match (&carried, &lead) {
            (Some(c), Some(l)) => self.lane_terms(&path, lane, c, l, ids, n_item),
            _ => None,
        };
        match (from, to, carried, terms, min_ok && mult_ok) {
            (Some(from), Some(to), Some(carried), Some(terms), true) => Some(LaneParts {
                lane: Lane {
                    id: lane.id.clone(),
                    from,
                    to,
                    leads: terms.leads,
                    lead_of_item: terms.lead_of_item,
                    capacity_per_day: lane.capacity_per_day.unwrap_or(i64::MAX).max(1),
                    delays,
                    yield_,
                },
                carried,
                unit_cost: lane.unit_cost,
                order_cost: lane.order_cost,
                min_order: lane.min_order,
                order_multiple: lane.order_multiple,
                terms: terms.terms,
            }),
            _ => None,
        }
    }

    /// A lane's random delays, checked.
    fn delays(&mut self, path: &str, d: &scenario::Delays) -> Option<Delays> {
        let probability = self.probability(format!("{path}.delays.probability"), d.probability);
        let extra = self.sampler(&format!("{path}.delays.extra_days"), &d.extra_days)?;
        if extra.table().max() > MAX_LEAD_TIME {
            self.problem(
                format!("{path}.delays.extra_days"),
                format!("can reach {} days; allowed: at most {MAX_LEAD_TIME}", extra.table().max()),
            );
        }
        Some(Delays { probability, extra })
    }

    /// A lane's short shipments, checked.
    fn lane_yield(&mut self, path: &str, y: &scenario::Yield) -> Yield {
        let probability = self.probability(format!("{path}.yield.probability"), y.probability);
        let fraction = match y.fraction {
            FractionSpec::Constant { value } => {
                let v = self.unit_interval(format!("{path}.yield.fraction.value"), value);
                (v, v)
            }
            FractionSpec::Uniform { min, max } => {
                let lo = self.unit_interval(format!("{path}.yield.fraction.min"), min);
                let hi = self.unit_interval(format!("{path}.yield.fraction.max"), max);
                if lo > hi {
                    self.problem(
                        format!("{path}.yield.fraction.max"),
                        format!("is {hi}; must be at least min ({lo})"),
                    );
                }
                (lo, hi)
            }
        };
        Yield { probability, fraction, reship: y.shortfall == Shortfall::Reship }
    }

    /// The locations in an order where each comes before every location it ships to (Kahn's
    /// algorithm over the internal lanes). A cycle is reported with its locations and lanes
    /// named; its locations then follow in index order.
    pub(super) fn network_order(
        &mut self,
        s: &Scenario,
        lanes: &[Option<LaneParts>],
        n_loc: usize,
    ) -> Vec<usize> {
        let edges: Vec<Edge> = lanes
            .iter()
            .enumerate()
            .filter_map(|(i, l)| match l.as_ref()?.lane.from {
                Shipper::Location(from) => Some(Edge { from, to: l.as_ref()?.lane.to, lane: i }),
                Shipper::Supplier(_) => None,
            })
            .collect();
        let mut indegree = vec![0usize; n_loc];
        for e in &edges {
            indegree[e.to] += 1;
        }
        let mut order: Vec<usize> = (0..n_loc).filter(|&l| indegree[l] == 0).collect();
        let mut next = 0;
        while next < order.len() {
            let f = order[next];
            next += 1;
            for e in edges.iter().filter(|e| e.from == f) {
                indegree[e.to] -= 1;
                if indegree[e.to] == 0 {
                    order.push(e.to);
                }
            }
        }
        if order.len() == n_loc {
            return order;
        }
        // Every location left has a lane from another location left: walking back along such
        // lanes must come back to a location already seen, which closes a cycle.
        let left: Vec<bool> = indegree.iter().map(|&d| d > 0).collect();
        let start = left.iter().position(|&x| x).expect("a location left");
        let (mut path, mut via) = (vec![start], Vec::new());
        loop {
            let at = *path.last().expect("not empty");
            let &Edge { from: f, lane, .. } =
                edges.iter().find(|e| e.to == at && left[e.from]).expect("a lane from one left");
            via.push(lane);
            if let Some(pos) = path.iter().position(|&x| x == f) {
                // Lane via[k] runs path[k + 1] → path[k], and f = path[pos] ships to `at`.
                let names: Vec<&str> = std::iter::once(&path[pos])
                    .chain(path[pos..].iter().rev())
                    .map(|&l| s.locations[l].id.as_str())
                    .collect();
                let lane_ids: Vec<&str> = via[pos..].iter().rev().map(|&l| s.lanes[l].id.as_str()).collect();
                self.problem(
                    format!("lanes[{}]", via[via.len() - 1]),
                    format!(
                        "the network has a cycle: {} (lanes {}); stock must flow from suppliers down to customers",
                        names.join(" → "),
                        lane_ids.join(", ")
                    ),
                );
                break;
            }
            path.push(f);
        }
        order.extend((0..n_loc).filter(|&l| left[l]));
        order
    }

    /// Reports every stocked pair no lane supplies.
    pub(super) fn check_supplied(&mut self, s: &Scenario, pairs: &[Pair]) {
        for p in pairs.iter().filter(|p| p.sources.is_empty()) {
            self.problem(
                "lanes",
                format!(
                    "no lane brings item {:?} to location {:?}, where customers or downstream locations order it",
                    s.items[p.item].id, s.locations[p.location].id
                ),
            );
        }
    }

    /// Checks the scenario's `initial_on_hand` entries and gives them to their pairs.
    pub(super) fn initial_on_hand(
        &mut self,
        s: &Scenario,
        ids: &Index,
        pairs: &mut [Pair],
        index: &PairIndex,
    ) {
        for (i, init) in s.initial_on_hand.iter().enumerate() {
            let path = format!("initial_on_hand[{i}]");
            let loc = self.resolve(&ids.locations, &init.location, format!("{path}.location"), "location");
            let item = self.resolve(&ids.items, &init.item, format!("{path}.item"), "item");
            let units_ok = self.range_i64(&format!("{path}.units"), init.units, 0, MAX_UNITS);
            let (Some(l), Some(it)) = (loc, item) else { continue };
            match index.get(l, it) {
                None if self.demand_unresolved => {}
                None => self.problem(
                    path,
                    format!(
                        "{}/{} is not stocked: no customer demand there or at a location it supplies",
                        init.location, init.item
                    ),
                ),
                Some(p) if pairs[p].initial_on_hand.is_some() => {
                    self.problem(path, format!("{} is listed twice", pairs[p].name));
                }
                Some(p) if units_ok => pairs[p].initial_on_hand = Some(init.units),
                Some(_) => {}
            }
        }
    }

    /// Links the pairs of the network: the pairs each one supplies, each one's whole echelon,
    /// and the backlog classes (one per priority where the location allocates by priority:
    /// its customer segments' and the downstream locations' priorities, highest first).
    pub(super) fn link_network(
        &mut self,
        s: &Scenario,
        pairs: &mut [Pair],
        demands: &mut [DemandStream],
        segments: &[Segment],
    ) {
        for (i, loc) in s.locations.iter().enumerate() {
            self.range_i64(&format!("locations[{i}].priority"), loc.priority, -1_000_000, 1_000_000);
            if loc.allocation == Allocation::FairShare {
                let whole = demands
                    .iter()
                    .filter(|d| pairs[d.pair].location == i && !segments[d.segment].partial_fill)
                    .map(|d| segments[d.segment].id.as_str())
                    .next();
                if let Some(segment) = whole {
                    self.problem(
                        format!("locations[{i}].allocation"),
                        format!("fair_share fills waiting lines in part, but segment {segment:?} buys here with partial_fill false; use fcfs or priority"),
                    );
                }
            }
        }
        for q in 0..pairs.len() {
            for u in pairs[q].sources.iter().filter_map(|x| x.upstream).collect::<Vec<_>>() {
                if !pairs[u].children.contains(&q) {
                    pairs[u].children.push(q);
                }
            }
        }
        let priority: Vec<i64> = pairs.iter().map(|p| s.locations[p.location].priority).collect();
        for (pi, pair) in pairs.iter_mut().enumerate() {
            if s.locations[pair.location].allocation != Allocation::Priority {
                continue;
            }
            let mut classes: Vec<i64> = demands
                .iter()
                .filter(|d| d.pair == pi)
                .map(|d| segments[d.segment].priority)
                .chain(pair.children.iter().map(|&q| priority[q]))
                .collect();
            classes.sort_unstable_by(|a, b| b.cmp(a));
            classes.dedup();
            if !classes.is_empty() {
                pair.classes = classes;
            }
        }
        let class = |classes: &[i64], priority: i64| classes.iter().position(|&c| c == priority).unwrap_or(0);
        for d in demands.iter_mut() {
            d.class = class(&pairs[d.pair].classes, segments[d.segment].priority);
        }
        for q in 0..pairs.len() {
            for k in 0..pairs[q].sources.len() {
                if let Some(u) = pairs[q].sources[k].upstream {
                    pairs[q].sources[k].class = class(&pairs[u].classes, priority[q]);
                }
            }
        }
        for pi in 0..pairs.len() {
            let mut seen = vec![false; pairs.len()];
            let mut stack: Vec<usize> = pairs[pi].children.clone();
            while let Some(q) = stack.pop() {
                if !std::mem::replace(&mut seen[q], true) {
                    stack.extend(&pairs[q].children);
                }
            }
            pairs[pi].downstream = (0..pairs.len()).filter(|&q| seen[q]).collect();
        }
    }

    /// Checks that the echelon of pair `pi` is closed: every pair below it is supplied, among
    /// locations, only from within the echelon. Otherwise the echelon position would count units
    /// another location owes (and stock another echelon also counts).
    pub(super) fn closed_echelon(&mut self, path: &str, pi: usize, pairs: &[Pair]) {
        let pair = &pairs[pi];
        let inside = |u: usize| u == pi || pair.downstream.contains(&u);
        for &q in &pair.downstream {
            if let Some(u) = pairs[q].sources.iter().filter_map(|x| x.upstream).find(|&u| !inside(u)) {
                self.problem(
                    path,
                    format!(
                        "echelon_base_stock at {} needs every pair below it supplied from within its echelon, but {} also orders from {}; use base_stock there, or supply {} only through {}",
                        pair.name, pairs[q].name, pairs[u].name, pairs[q].name, pair.name
                    ),
                );
                return;
            }
        }
    }
}

/// Sets each control's starting stock: the scenario's `initial_on_hand`, else the rule's
/// order-up-to level; for echelon base-stock, S less the starting stock of its echelon below
/// (so the echelon starts at S), at least 0. `review` lists pairs downstream first.
pub(super) fn set_starting_stock(controls: &mut [Control], pairs: &[Pair], review: &[usize]) {
    for &p in review {
        let start = pairs[p].initial_on_hand.unwrap_or_else(|| match controls[p].rule.kind {
            RuleKind::EchelonBaseStock { level } => {
                level - pairs[p].downstream.iter().map(|&q| controls[q].initial_on_hand).sum::<i64>()
            }
            _ => controls[p].initial_levels.order_up_to,
        });
        controls[p].initial_on_hand = start.max(0);
    }
}

/// Pair indices, downstream first: a pair comes after every pair it supplies (sorted by the
/// length of the longest chain of pairs below it, then by index).
pub(super) fn review_order(pairs: &[Pair]) -> Vec<usize> {
    fn height(p: usize, pairs: &[Pair], memo: &mut [Option<usize>]) -> usize {
        if let Some(h) = memo[p] {
            return h;
        }
        memo[p] = Some(0); // in progress: a cycle (reported elsewhere) must not recurse forever
        let h = pairs[p].children.iter().map(|&q| height(q, pairs, memo) + 1).max().unwrap_or(0);
        memo[p] = Some(h);
        h
    }
    let mut memo = vec![None; pairs.len()];
    let mut order: Vec<usize> = (0..pairs.len()).collect();
    order.sort_by_cached_key(|&p| (height(p, pairs, &mut memo), p));
    order
}

/// An internal lane of the network: location `from` ships to location `to` on lane `lane`.
#[derive(Clone, Copy)]
struct Edge {
    from: usize,
    to: usize,
    lane: usize,
}
