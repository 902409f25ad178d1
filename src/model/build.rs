//! The model builder's core: it collects problems (each with its JSON path), indexes and
//! resolves ids, checks ranges, and puts the model together from the topic builders
//! (network, demand, supply, policies).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::cover::MeanDemand;
use super::network::{PairIndex, review_order, set_starting_stock};
use super::{MAX_COST, MAX_HORIZON, MAX_REPLICATIONS, Model, PairCosts};
use crate::scenario::error::Problem;
use crate::scenario::{self, InputFile, Scenario, ScenarioFile};
use crate::sim::demand::DemandSampler;
use crate::sim::supply::{Lane, Supplier};

/// Collects problems while building the model.
pub(super) struct Builder<'a> {
    /// Every problem found so far.
    pub(super) problems: Vec<Problem>,
    /// The input files the scenario names, already read.
    pub(super) inputs: &'a BTreeMap<String, InputFile>,
    /// Every identifier of the scenario and what it names, for hints in error messages.
    kinds: HashMap<String, &'static str>,
    /// Whether a demand stream names an unknown location or item: which pairs are stocked is
    /// then unknown, and problems that follow from it are not reported.
    pub(super) demand_unresolved: bool,
    /// The calendar date of day 0 (`start_date`), when given and valid.
    pub(super) start: Option<crate::scenario::date::Date>,
    /// The horizon in days (clamped to the allowed range).
    pub(super) horizon: u32,
    /// The long-format history files read so far, by file and column names (`None`: the file
    /// has problems, already reported).
    pub(super) long_files: super::demand_history::LongFiles,
    /// The notes `validate` prints (zero-filled days of long histories).
    pub(super) notes: super::demand_history::Notes,
    /// The demand samplers built so far, by their definition: streams with the same
    /// distribution, weekly profile and trend share one sampler and its tables, so a catalogue
    /// of like items reads one table from cache instead of one per item.
    pub(super) samplers: HashMap<String, Arc<DemandSampler>>,
}

/// Index of ids of one kind, reporting duplicates.
pub(super) struct Ids<'s> {
    index: HashMap<&'s str, usize>,
}

impl<'s> Ids<'s> {
    /// The index of `id`, if it is defined.
    pub(super) fn get(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// The defined ids, sorted.
    pub(super) fn sorted(&self) -> Vec<&'s str> {
        let mut known: Vec<&str> = self.index.keys().copied().collect();
        known.sort_unstable();
        known
    }
}

/// The indexed ids of the scenario's lists that others refer to.
pub(super) struct Index<'s> {
    pub(super) items: Ids<'s>,
    pub(super) locations: Ids<'s>,
    pub(super) suppliers: Ids<'s>,
    pub(super) segments: Ids<'s>,
}

/// An item's costs: what a pair of it costs to run, and the price of buying it from a supplier.
#[derive(Debug, Clone, Default)]
pub(super) struct ItemCosts {
    /// Holding, backorder, lost-sale and in-transit rates.
    pub(super) pair: PairCosts,
    /// Price per unit bought from a supplier (unless the lane sets its own).
    pub(super) unit_purchase: f64,
    /// Fixed cost per order (unless the lane sets its own).
    pub(super) order_fixed: f64,
}

impl<'a> Builder<'a> {
    /// A builder for `file`, with no problems yet.
    pub(super) fn new(file: &'a ScenarioFile) -> Builder<'a> {
        let s = &file.scenario;
        let mut kinds = HashMap::new();
        let named = [
            ("item", s.items.iter().map(|x| &x.id).collect::<Vec<_>>()),
            ("location", s.locations.iter().map(|x| &x.id).collect()),
            ("supplier", s.suppliers.iter().map(|x| &x.id).collect()),
            ("lane", s.lanes.iter().map(|x| &x.id).collect()),
            ("segment", s.segments.iter().map(|x| &x.id).collect()),
        ];
        for (kind, ids) in named {
            for id in ids {
                kinds.entry(id.clone()).or_insert(kind);
            }
        }
        Builder {
            problems: Vec::new(),
            inputs: &file.inputs,
            kinds,
            demand_unresolved: false,
            start: s.start_date.as_deref().and_then(crate::scenario::date::Date::parse),
            samplers: HashMap::new(),
            horizon: s.horizon_days.clamp(1, MAX_HORIZON) as u32,
            long_files: Default::default(),
            notes: Default::default(),
        }
    }

    /// What else `id` names, as a hint after "unknown …", e.g. ` ("DC" is a location)`.
    pub(super) fn kind_hint(&self, id: &str) -> String {
        self.kinds.get(id).map(|k| format!(" ({id:?} is a {k})")).unwrap_or_default()
    }

    /// Records a problem at `path`.
    pub(super) fn problem(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem::new(path, message));
    }

    /// Records a problem at `path` about stocked pair `subject` (named in `message`): the same
    /// problem for several pairs at one path is reported once, listing the pairs.
    pub(super) fn pair_problem(
        &mut self,
        path: impl Into<String>,
        subject: &str,
        message: impl Into<String>,
    ) {
        let mut p = Problem::new(path, message);
        p.subject = Some(subject.to_string());
        self.problems.push(p);
    }

    pub(super) fn ids<'s>(&mut self, list: &str, field: &str, ids: impl Iterator<Item = &'s str>) -> Ids<'s> {
        let mut index = HashMap::new();
        for (i, id) in ids.enumerate() {
            if id.is_empty() {
                self.problem(format!("{list}[{i}].{field}"), "must not be empty");
            } else if index.insert(id, i).is_some() {
                self.problem(format!("{list}[{i}].{field}"), format!("duplicate {field} {id:?}"));
            }
        }
        Ids { index }
    }

    pub(super) fn resolve(&mut self, ids: &Ids, id: &str, path: String, kind: &str) -> Option<usize> {
        let found = ids.get(id);
        if found.is_none() {
            let known = ids.sorted();
            let known = if known.is_empty() {
                format!("no {kind}s are defined")
            } else {
                format!("known {kind}s: {}", known.join(", "))
            };
            let other = self.kind_hint(id);
            self.problem(path, format!("unknown {kind} {id:?}{other}; {known}"));
        }
        found
    }

    pub(super) fn range_i64(&mut self, path: &str, v: i64, lo: i64, hi: i64) -> bool {
        let ok = (lo..=hi).contains(&v);
        if !ok {
            self.problem(path, format!("is {v}; allowed: {lo} to {hi}"));
        }
        ok
    }

    pub(super) fn non_negative(&mut self, path: &str, v: f64, hi: f64) -> bool {
        let ok = v.is_finite() && (0.0..=hi).contains(&v);
        if !ok {
            self.problem(path, format!("is {v}; allowed: a number from 0 to {hi:e}"));
        }
        ok
    }

    /// The model of `file`, or `None` when a problem was found (all of them are collected).
    pub(super) fn model(&mut self, file: &ScenarioFile) -> Option<Model> {
        let s = &file.scenario;
        self.check_top_level(s);
        let ids = self.index(s);
        let default_costs = self.costs(&s.costs);
        let item_costs: Vec<ItemCosts> = s
            .items
            .iter()
            .enumerate()
            .map(|(i, item)| self.item_costs(i, &item.costs, &default_costs))
            .collect();
        let suppliers: Vec<Supplier> =
            s.suppliers.iter().enumerate().map(|(i, sup)| self.supplier(i, sup, s)).collect();
        let lanes = self.lanes(s, &ids);
        let segments = self.segments(s);
        // Locations from the top of the network down (a cycle is reported).
        let topo = self.network_order(s, &lanes, s.locations.len());
        let (demand_refs, shares) = self.demand_refs(s, &ids, &segments);
        let order_refs = self.order_refs(s, &ids);
        let stock_refs = super::orders::stock_refs(&demand_refs, &order_refs);
        let (mut pairs, pair_index) = PairIndex::stocked_pairs(s, &lanes, &topo, &stock_refs, &item_costs);
        pair_index.link_sources(&mut pairs, &lanes, &item_costs);
        let priced = self.prices(s, &ids, &mut pairs, &pair_index);
        let objective = self.objective(s, priced);
        let mut demands = self.demand_streams(s, &demand_refs, &shares, &mut pairs, &pair_index);
        self.link_network(s, &mut pairs, &mut demands, &segments);
        let orders = self.order_streams(s, &ids, &order_refs, &segments, &pairs, &pair_index);
        for (p, _) in orders.iter().flat_map(super::OrderStream::demand_rates) {
            pairs[p].ordered = true;
        }
        // A lane that failed validation may be the one a pair needs: report pairs only when
        // every lane is valid.
        let lanes_valid = lanes.iter().all(Option::is_some);
        if lanes_valid {
            self.check_supplied(s, &pairs);
        }
        self.initial_on_hand(s, &ids, &mut pairs, &pair_index);
        let valid_lanes: Vec<Lane> = lanes.into_iter().flatten().map(|l| l.lane).collect();
        let review = review_order(&pairs);
        super::demand::set_priors(&mut pairs, &demands, &orders, &review);
        let means = MeanDemand::new(&pairs, &demands, &orders, &review, s.warmup_days, s.horizon_days);
        let mut policies = self.policies(s, &means, lanes_valid.then_some(valid_lanes.as_slice()), &ids);
        if let Some(policies) = &mut policies {
            for policy in policies {
                set_starting_stock(&mut policy.controls, &pairs, &review);
            }
        }
        if !self.problems.is_empty() {
            return None;
        }
        let parts = Parts {
            review,
            pairs,
            demands,
            orders,
            segments,
            policies: policies?,
            suppliers,
            lanes: valid_lanes,
            objective,
        };
        let mut model = assemble(file, parts);
        model.warnings = super::economics::economic_warnings(&model);
        model.notes = self.notes.lines();
        super::demand_history::one_replay(&mut model);
        Some(model)
    }

    /// Checks the scenario's version, horizon, replications and that its lists are not empty.
    fn check_top_level(&mut self, s: &Scenario) {
        if s.schema_version != scenario::SCHEMA_VERSION {
            self.problem(
                "schema_version",
                format!("is {}; this scsim reads version {}", s.schema_version, scenario::SCHEMA_VERSION),
            );
        }
        self.range_i64("horizon_days", s.horizon_days, 1, MAX_HORIZON);
        // A warm-up is checked against a valid horizon only.
        if s.warmup_days < 0 || (s.warmup_days >= s.horizon_days && s.horizon_days >= 1) {
            self.problem(
                "warmup_days",
                format!(
                    "is {}; must be at least 0 and less than horizon_days ({})",
                    s.warmup_days, s.horizon_days
                ),
            );
        }
        self.range_i64("replications", s.replications, 1, MAX_REPLICATIONS);
        if let Some(text) =
            s.start_date.as_deref().filter(|t| crate::scenario::date::Date::parse(t).is_none())
        {
            self.problem("start_date", format!("is {text:?}; allowed: a date written YYYY-MM-DD"));
        }
        for (list, empty, what) in [
            ("items", s.items.is_empty(), "item"),
            ("locations", s.locations.is_empty(), "location"),
            ("policies", s.policies.is_empty(), "policy"),
        ] {
            if empty {
                self.problem(list, format!("needs at least one {what}"));
            }
        }
        if s.demand.is_empty() && s.orders.is_empty() {
            self.problem("demand", "needs at least one demand stream, or an order stream in `orders`");
        }
    }

    /// Indexes the scenario's ids, reporting empty, duplicate and ill-formed ones.
    pub(super) fn index<'s>(&mut self, s: &'s Scenario) -> Index<'s> {
        let items = self.ids("items", "id", s.items.iter().map(|x| x.id.as_str()));
        let locations = self.ids("locations", "id", s.locations.iter().map(|x| x.id.as_str()));
        let suppliers = self.ids("suppliers", "id", s.suppliers.iter().map(|x| x.id.as_str()));
        for (i, sup) in s.suppliers.iter().enumerate() {
            if locations.get(&sup.id).is_some() {
                self.problem(
                    format!("suppliers[{i}].id"),
                    format!(
                        "{:?} is already a location id; suppliers and locations share one namespace",
                        sup.id
                    ),
                );
            }
        }
        self.ids("lanes", "id", s.lanes.iter().map(|x| x.id.as_str()));
        // Reports name a pair "location/item".
        for (list, ids) in [
            ("items", s.items.iter().map(|x| &x.id).collect::<Vec<_>>()),
            ("locations", s.locations.iter().map(|x| &x.id).collect()),
        ] {
            for (i, id) in ids.iter().enumerate().filter(|(_, id)| id.contains('/')) {
                self.problem(
                    format!("{list}[{i}].id"),
                    format!("{id:?} contains '/', which reports put between location and item"),
                );
            }
        }
        let segments = self.ids("segments", "id", s.segments.iter().map(|x| x.id.as_str()));
        self.check_names(s);
        self.ids("policies", "name", s.policies.iter().map(|x| x.name.as_str()));
        for (i, p) in s.policies.iter().enumerate() {
            if p.name.contains(',') || p.name.contains('"') {
                self.problem(format!("policies[{i}].name"), "must not contain commas or quotes");
            }
        }
        Index { items, locations, suppliers, segments }
    }

    /// The scenario-wide costs, checked (a rate left out is 0).
    pub(super) fn costs(&mut self, c: &scenario::Costs) -> ItemCosts {
        self.cost_rates("costs", &c.as_overrides(), &ItemCosts::default())
    }

    /// Item `i`'s costs: its overrides, else the defaults `d`.
    pub(super) fn item_costs(&mut self, i: usize, o: &scenario::CostOverrides, d: &ItemCosts) -> ItemCosts {
        self.cost_rates(&format!("items[{i}].costs"), o, d)
    }

    /// The rates `o` sets, each checked at `path`, and the defaults `d` for the others.
    fn cost_rates(&mut self, path: &str, o: &scenario::CostOverrides, d: &ItemCosts) -> ItemCosts {
        let mut pick = |field: &str, v: Option<f64>, default: f64| match v {
            Some(x) => {
                self.non_negative(&format!("{path}.{field}"), x, MAX_COST);
                x
            }
            None => default,
        };
        let unit_purchase = pick("unit_purchase", o.unit_purchase, d.unit_purchase);
        ItemCosts {
            pair: PairCosts {
                holding: pick("holding_per_unit_day", o.holding_per_unit_day, d.pair.holding),
                backorder: pick("backorder_per_unit_day", o.backorder_per_unit_day, d.pair.backorder),
                lost_sale: pick("lost_sale_per_unit", o.lost_sale_per_unit, d.pair.lost_sale),
                in_transit: pick("in_transit_per_unit_day", o.in_transit_per_unit_day, d.pair.in_transit),
                unit_cost: unit_purchase,
                price: None,
            },
            unit_purchase,
            order_fixed: pick("order_fixed", o.order_fixed, d.order_fixed),
        }
    }

    /// Checks a share given as a probability.
    pub(super) fn probability(&mut self, path: String, v: f64) -> f64 {
        self.unit_interval(path, v)
    }

    pub(super) fn unit_interval(&mut self, path: String, v: f64) -> f64 {
        if !(0.0..=1.0).contains(&v) {
            self.problem(path, format!("is {v}; allowed: 0 to 1"));
        }
        v
    }
}

/// A mean number of days rounded up, ignoring floating-point dust (a tabulated mean of 4 may
/// come out as 4.000000000000007).
pub(super) fn ceil_days(mean: f64) -> u32 {
    (mean - 1e-9).ceil().max(0.0) as u32
}

/// What the builder made, before it becomes a [`Model`].
struct Parts {
    review: Vec<usize>,
    pairs: Vec<super::Pair>,
    demands: Vec<super::DemandStream>,
    orders: Vec<super::OrderStream>,
    segments: Vec<super::Segment>,
    policies: Vec<super::Policy>,
    suppliers: Vec<Supplier>,
    lanes: Vec<Lane>,
    objective: super::Objective,
}

/// The model of a valid scenario, with the flags the engine reads.
fn assemble(file: &ScenarioFile, p: Parts) -> Model {
    let s = &file.scenario;
    let name = s.name.clone().unwrap_or_else(|| {
        file.path.file_stem().map(|x| x.to_string_lossy().into_owned()).unwrap_or_else(|| "scenario".into())
    });
    Model {
        name,
        description: s.description.clone().unwrap_or_default(),
        horizon: s.horizon_days as u32,
        warmup: s.warmup_days as u32,
        replications: s.replications as u32,
        seed: s.seed,
        items: s.items.iter().map(|x| x.id.clone()).collect(),
        locations: s.locations.iter().map(|x| x.id.clone()).collect(),
        review_order: p.review,
        fair_share_pairs: (0..p.pairs.len()).filter(|&q| p.pairs[q].fair_share).collect(),
        has_network: p.lanes.iter().any(|l| l.supplier().is_none()),
        same_day_transfers: p.lanes.iter().any(|l| l.supplier().is_none() && l.can_be_same_day()),
        has_outages: p.suppliers.iter().any(|x| x.outages.is_some()),
        late_shipments: p.lanes.iter().any(|l| l.delays.is_some() || l.yield_.is_some())
            || p.suppliers.iter().any(|x| x.outages.as_ref().is_some_and(|o| o.freeze_in_transit)),
        has_patience: p.segments.iter().any(|g| g.patience.is_some()),
        has_churn: p.segments.iter().any(|g| g.churn.is_some()),
        deadline_span: p
            .segments
            .iter()
            .filter_map(|g| g.patience.as_ref())
            .map(|x| x.table().max() as u32)
            .max()
            .unwrap_or(0)
            + 1,
        limited_lanes: p
            .lanes
            .iter()
            .enumerate()
            .filter(|(_, l)| {
                l.capacity_per_day != i64::MAX
                    || l.supplier().is_some_and(|x| p.suppliers[x].outages.is_some())
            })
            .map(|(i, _)| i)
            .collect(),
        same_day_receipts: p.lanes.iter().any(Lane::can_be_same_day),
        suppliers: p.suppliers,
        lanes: p.lanes,
        pairs: p.pairs,
        demands: p.demands,
        orders: p.orders,
        order_allocation: super::orders::order_allocation(s),
        segments: p.segments,
        policies: p.policies,
        scenario_sha256: file.sha256.clone(),
        objective: p.objective,
        warnings: Vec::new(),
        notes: Vec::new(),
    }
}
