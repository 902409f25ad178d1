//! The validated model: a scenario with every reference resolved to an index, every number
//! checked, and every sampler prepared. It is immutable and shared by all replications.
//!
//! [`Model::build`] collects every problem it finds (each with its JSON path and what is
//! allowed) instead of stopping at the first, so a planner fixes a file in one pass.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::scenario::error::{Problem, ScenarioError};
use crate::scenario::{
    self, Allocation, ForecastSpec, FractionSpec, InTransit, IntDistSpec, LotSpec, PolicySpec, RandomOutages,
    Scenario, SeasonalitySpec, ServiceSpec, Shortfall, SourcingSpec, Unmet,
};
use crate::sim::demand::{Churn, DemandSampler, Shocks, Spikes, Trend};
use crate::sim::dist::{IntDist, Sampler};
use crate::sim::forecast::{Forecaster, Method, Prior, Seasonality};
use crate::sim::policy::{ForecastRule, Levels, Lot, Planning, Rule, RuleKind, Safety, forecast_levels};
use crate::sim::supply::{Delays, Lane, Outages, Shipper, Source, Sourcing, Supplier, Window, Yield};

/// Largest number of units any quantity in a scenario may have (keeps sums far from overflow).
pub const MAX_UNITS: i64 = 1_000_000_000;
/// Longest horizon in days (about 270 years).
pub const MAX_HORIZON: i64 = 100_000;
/// Longest lead time in days.
pub const MAX_LEAD_TIME: u64 = 3_650;
/// Most replications in one run.
pub const MAX_REPLICATIONS: i64 = 100_000_000;
/// Largest cost rate.
pub const MAX_COST: f64 = 1e12;

/// A scenario file as read from disk.
#[derive(Debug, Clone)]
pub struct ScenarioFile {
    /// Where it was read from (relative paths inside are resolved against its folder).
    pub path: PathBuf,
    /// Its parsed content.
    pub scenario: Scenario,
    /// SHA-256 of the file's bytes, in hex.
    pub sha256: String,
}

impl ScenarioFile {
    /// Reads and parses a scenario file (shape only; see [`Model::build`] for content).
    pub fn read(path: &Path) -> Result<ScenarioFile, ScenarioError> {
        let bytes =
            std::fs::read(path).map_err(|source| ScenarioError::Read { file: path.to_path_buf(), source })?;
        ScenarioFile::parse(&bytes, path)
    }

    /// Parses scenario bytes as if read from `path`.
    pub fn parse(bytes: &[u8], path: &Path) -> Result<ScenarioFile, ScenarioError> {
        Ok(ScenarioFile {
            path: path.to_path_buf(),
            scenario: parse_scenario(bytes, path)?,
            sha256: hex(&Sha256::digest(bytes)),
        })
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Parses scenario JSON; `file` is only used in error messages.
pub fn parse_scenario(bytes: &[u8], file: &Path) -> Result<Scenario, ScenarioError> {
    if let Err(e) = serde_json::from_slice::<serde_json::Value>(bytes) {
        return Err(ScenarioError::Syntax {
            file: file.to_path_buf(),
            line: e.line(),
            column: e.column(),
            message: strip_position(&e.to_string()),
        });
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = display_path(&e.path().to_string());
        let inner = e.into_inner();
        ScenarioError::Shape {
            file: file.to_path_buf(),
            line: inner.line(),
            column: inner.column(),
            path,
            message: strip_position(&inner.to_string()),
        }
    })
}

/// A serde message without its position, in a planner's words rather than Rust's.
fn strip_position(message: &str) -> String {
    let message = match message.rfind(" at line ") {
        Some(i) => &message[..i],
        None => message,
    };
    let mut out = message
        .replace("expected i64", "expected a whole number")
        .replace("expected u64", "expected a whole number ≥ 0")
        .replace("expected f64", "expected a number")
        .replace("floating point", "decimal number");
    if let Some(i) = out.find("expected internally tagged enum") {
        out.truncate(i);
        out.push_str(
            r#"expected an object with a "type" field, for example {"type": "constant", "value": 4}"#,
        );
    }
    out
}

fn display_path(path: &str) -> String {
    if path == "." || path.is_empty() { "(top level)".to_string() } else { path.to_string() }
}

/// The validated, immutable model of a scenario.
#[derive(Debug, Clone)]
pub struct Model {
    /// Scenario name (names the output folder).
    pub name: String,
    /// Scenario description.
    pub description: String,
    /// Simulated days.
    pub horizon: u32,
    /// Days left out of the metrics at the start.
    pub warmup: u32,
    /// Default number of replications.
    pub replications: u32,
    /// Default master seed.
    pub seed: u64,
    /// Item ids.
    pub items: Vec<String>,
    /// Location ids.
    pub locations: Vec<String>,
    /// Pair indices in the order they are reviewed each day: downstream locations first, so
    /// that their orders reach the locations supplying them the same day.
    pub review_order: Vec<usize>,
    /// Whether some lane ships from a location (a multi-echelon network).
    pub has_network: bool,
    /// Whether some lane from a location can deliver the same day, so that a receipt can be
    /// shipped on and received again within the day.
    pub same_day_transfers: bool,
    /// Indices of the pairs whose location allocates by fair share.
    pub fair_share_pairs: Vec<usize>,
    /// Suppliers.
    pub suppliers: Vec<Supplier>,
    /// Lanes.
    pub lanes: Vec<Lane>,
    /// Indices of the lanes whose daily capacity is limited or can drop (a capacity per day, or
    /// a supplier with outages): what they can still take is reset every day.
    pub limited_lanes: Vec<usize>,
    /// Whether some lane can deliver the same day (lead time 0), so that step 4 of the day has
    /// work to do.
    pub same_day_receipts: bool,
    /// Whether some supplier has outages.
    pub has_outages: bool,
    /// Whether a shipment can arrive after its confirmed date (delays, frozen transit, short
    /// shipments), so that overdue units must be carried in the pipeline.
    pub late_shipments: bool,
    /// Whether some segment cancels backorders after a patience.
    pub has_patience: bool,
    /// Whether some segment churns.
    pub has_churn: bool,
    /// Days ahead a patience deadline can fall (longest patience + 1).
    pub deadline_span: u32,
    /// Stocked (location, item) pairs, in location-then-item order.
    pub pairs: Vec<Pair>,
    /// Demand streams.
    pub demands: Vec<DemandStream>,
    /// Customer segments.
    pub segments: Vec<Segment>,
    /// Policies to compare (the first is the baseline).
    pub policies: Vec<Policy>,
    /// SHA-256 of the scenario file.
    pub scenario_sha256: String,
}

/// A stocked (location, item) pair.
#[derive(Debug, Clone)]
pub struct Pair {
    /// Location index.
    pub location: usize,
    /// Item index.
    pub item: usize,
    /// `location/item`, for reports.
    pub name: String,
    /// Cost rates.
    pub costs: PairCosts,
    /// Lanes that replenish this pair, with their prices for this item.
    pub sources: Vec<Source>,
    /// Indices of the demand streams at this pair.
    pub demands: Vec<usize>,
    /// Starting on-hand if the scenario sets it (else the policy's target level).
    pub initial_on_hand: Option<i64>,
    /// Expected demand by weekday and its variance, where forecasters start.
    pub prior: Prior,
    /// Priorities of the pair's backlog classes (one class, priority 0, under first come
    /// first served).
    pub classes: Vec<i64>,
    /// Whether arriving stock is shared among waiting lines in proportion to what each is owed
    /// (else by class, first come first served within a class).
    pub fair_share: bool,
    /// The pairs this one supplies directly.
    pub children: Vec<usize>,
    /// Every pair this one supplies directly or indirectly (its echelon, without itself), in
    /// increasing order.
    pub downstream: Vec<usize>,
    /// Whether some source of the pair is another location (an internal lane).
    pub internally_supplied: bool,
}

/// Cost rates of a pair, resolved from item and scenario defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct PairCosts {
    /// Per unit on hand at the end of a day.
    pub holding: f64,
    /// Per unit backordered at the end of a day.
    pub backorder: f64,
    /// Per unit of lost sales.
    pub lost_sale: f64,
    /// Per unit in transit to the pair at the end of a day.
    pub in_transit: f64,
}

/// A demand stream.
#[derive(Debug, Clone)]
pub struct DemandStream {
    /// Pair index.
    pub pair: usize,
    /// Segment index.
    pub segment: usize,
    /// Daily quantity sampler.
    pub sampler: DemandSampler,
    /// Random spikes and promotions.
    pub shocks: Shocks,
    /// Backlog class of its lines at its pair.
    pub class: usize,
}

/// A customer segment's behaviour.
#[derive(Debug, Clone)]
pub struct Segment {
    /// Identifier.
    pub id: String,
    /// Probability that a short line is backordered (1 = always wait, 0 = always leave).
    pub backorder_probability: f64,
    /// Units per order line.
    pub line_size: u64,
    /// Days a backordered line waits before it is cancelled (`None`: forever).
    pub patience: Option<Sampler>,
    /// Whether lines may be filled in part.
    pub partial_fill: bool,
    /// Priority at locations that allocate by priority.
    pub priority: i64,
    /// Market-share erosion after bad service.
    pub churn: Option<Churn>,
}

/// A named policy: how every pair is controlled.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Name from the scenario.
    pub name: String,
    /// Description from the scenario.
    pub description: String,
    /// Control of each pair, indexed like [`Model::pairs`].
    pub controls: Vec<Control>,
    /// Whether any pair's rule forecasts.
    pub forecasts: bool,
}

/// How one policy controls one pair.
#[derive(Debug, Clone)]
pub struct Control {
    /// The inventory policy.
    pub rule: Rule,
    /// How orders are placed on the pair's sources.
    pub sourcing: Sourcing,
    /// Lead time and review figures a forecast-driven rule plans with.
    pub planning: Planning,
    /// The rule's levels at the start.
    pub initial_levels: Levels,
    /// Stock on hand at the start of day 0: the scenario's `initial_on_hand`, else the rule's
    /// order-up-to level (for echelon base-stock, what its echelon's starting stock leaves of
    /// S).
    pub initial_on_hand: i64,
    /// Days after which a backordered line is promised when the pipeline does not cover it
    /// (the planning lead time, rounded up).
    pub promise_days: u32,
}

impl Model {
    /// Indices of the segments some demand stream belongs to.
    pub fn used_segments(&self) -> Vec<usize> {
        (0..self.segments.len()).filter(|&g| self.demands.iter().any(|d| d.segment == g)).collect()
    }

    /// Validates a scenario and builds the model, collecting every problem found.
    pub fn build(file: &ScenarioFile) -> Result<Model, ScenarioError> {
        let base_dir = file.path.parent().unwrap_or(Path::new("."));
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
        let mut b = Builder { problems: Vec::new(), base_dir, kinds };
        let model = b.model(&file.scenario, &file.path, &file.sha256);
        match model {
            Some(m) if b.problems.is_empty() => Ok(m),
            _ => Err(ScenarioError::Invalid { file: file.path.clone(), problems: b.problems }),
        }
    }

    /// The largest number of days ahead the engine can schedule a receipt.
    pub fn calendar_span(&self) -> u32 {
        self.lanes.iter().map(Lane::max_lead_time).max().unwrap_or(0) + 1
    }

    /// Whether policy `policy` runs on the engine's lean day loop: the model has a single
    /// location allocating first come first served, no supplier outages, late shipments, customer patience or churn, demand spikes
    /// or promotions, same-day lanes or in-transit holding cost, and the policy does not
    /// forecast. The lean loop is the same code with those mechanisms compiled out, so the
    /// results are the same either way.
    pub fn lean(&self, policy: usize) -> bool {
        self.locations.len() == 1
            && self.fair_share_pairs.is_empty()
            && !(self.has_network
                || self.has_outages
                || self.late_shipments
                || self.has_patience
                || self.has_churn
                || self.same_day_receipts
                || self.policies[policy].forecasts)
            && self.demands.iter().all(|d| d.shocks.is_none())
            && self.pairs.iter().all(|p| p.costs.in_transit == 0.0)
    }

    /// Number of days counted in the metrics.
    pub fn measured_days(&self) -> u32 {
        self.horizon - self.warmup
    }
}

/// A validated lane with the item indices it carries and its price overrides (unit, order).
type LaneParts = (Lane, Vec<usize>, Option<f64>, Option<f64>);

/// Collects problems while building the model.
struct Builder<'a> {
    problems: Vec<Problem>,
    base_dir: &'a Path,
    /// Every identifier of the scenario and what it names, for hints in error messages.
    kinds: HashMap<String, &'static str>,
}

/// Index of ids of one kind, reporting duplicates.
struct Ids<'s> {
    index: HashMap<&'s str, usize>,
}

impl<'s> Ids<'s> {
    fn get(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }
}

impl<'a> Builder<'a> {
    fn problem(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem { path: path.into(), message: message.into() });
    }

    fn ids<'s>(&mut self, list: &str, field: &str, ids: impl Iterator<Item = &'s str>) -> Ids<'s> {
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

    fn resolve(&mut self, ids: &Ids, id: &str, path: String, kind: &str) -> Option<usize> {
        let found = ids.get(id);
        if found.is_none() {
            let mut known: Vec<&str> = ids.index.keys().copied().collect();
            known.sort_unstable();
            let known = if known.is_empty() {
                format!("no {kind}s are defined")
            } else {
                format!("known {kind}s: {}", known.join(", "))
            };
            let other = self.kinds.get(id).map(|k| format!(" ({id:?} is a {k})")).unwrap_or_default();
            self.problem(path, format!("unknown {kind} {id:?}{other}; {known}"));
        }
        found
    }

    fn range_i64(&mut self, path: &str, v: i64, lo: i64, hi: i64) -> bool {
        let ok = (lo..=hi).contains(&v);
        if !ok {
            self.problem(path, format!("is {v}; allowed: {lo} to {hi}"));
        }
        ok
    }

    fn non_negative(&mut self, path: &str, v: f64, hi: f64) -> bool {
        let ok = v.is_finite() && (0.0..=hi).contains(&v);
        if !ok {
            self.problem(path, format!("is {v}; allowed: a number from 0 to {hi:e}"));
        }
        ok
    }

    fn model(&mut self, s: &Scenario, path: &Path, sha256: &str) -> Option<Model> {
        if s.schema_version != scenario::SCHEMA_VERSION {
            self.problem(
                "schema_version",
                format!("is {}; this scsim reads version {}", s.schema_version, scenario::SCHEMA_VERSION),
            );
        }
        self.range_i64("horizon_days", s.horizon_days, 1, MAX_HORIZON);
        if s.warmup_days < 0 || s.warmup_days >= s.horizon_days {
            self.problem(
                "warmup_days",
                format!(
                    "is {}; must be at least 0 and less than horizon_days ({})",
                    s.warmup_days, s.horizon_days
                ),
            );
        }
        self.range_i64("replications", s.replications, 1, MAX_REPLICATIONS);
        if s.items.is_empty() {
            self.problem("items", "needs at least one item");
        }
        if s.locations.is_empty() {
            self.problem("locations", "needs at least one location");
        }
        if s.policies.is_empty() {
            self.problem("policies", "needs at least one policy");
        }
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
        let segment_ids = self.ids("segments", "id", s.segments.iter().map(|x| x.id.as_str()));
        self.ids("policies", "name", s.policies.iter().map(|x| x.name.as_str()));
        for (i, p) in s.policies.iter().enumerate() {
            if p.name.contains(',') || p.name.contains('"') {
                self.problem(format!("policies[{i}].name"), "must not contain commas or quotes");
            }
        }

        let default_costs = self.costs(&s.costs);
        let item_costs: Vec<_> = s
            .items
            .iter()
            .enumerate()
            .map(|(i, item)| self.item_costs(i, &item.costs, &default_costs))
            .collect();

        let supplier_models: Vec<Supplier> =
            s.suppliers.iter().enumerate().map(|(i, sup)| self.supplier(i, sup, s)).collect();
        let lanes = self.lanes(s, &items, &locations, &suppliers);
        let segments = self.segments(s);

        let (n_loc, n_item) = (s.locations.len(), s.items.len());
        // Locations from the top of the network down (a cycle is reported).
        let topo = self.network_order(s, &lanes, n_loc);
        // Stocked pairs: every (location, item) where customers buy, and every (location, item)
        // that ships the item to a stocked pair.
        let mut stocked = vec![false; n_loc * n_item];
        let mut demand_refs = Vec::new();
        for (i, d) in s.demand.iter().enumerate() {
            let loc = self.resolve(&locations, &d.location, format!("demand[{i}].location"), "location");
            let item = self.resolve(&items, &d.item, format!("demand[{i}].item"), "item");
            let segment = match &d.segment {
                Some(id) => self.resolve(&segment_ids, id, format!("demand[{i}].segment"), "segment"),
                None => Some(segments.iter().position(|g| g.id == "default").expect("default segment")),
            };
            if let (Some(l), Some(it)) = (loc, item) {
                stocked[l * n_item + it] = true;
            }
            demand_refs.push((loc, item, segment));
        }
        for &t in topo.iter().rev() {
            for (lane, carried, ..) in lanes.iter().flatten().filter(|l| l.0.to == t) {
                if let Shipper::Location(f) = lane.from {
                    for &it in carried {
                        stocked[f * n_item + it] |= stocked[t * n_item + it];
                    }
                }
            }
        }
        let mut pair_index = vec![usize::MAX; n_loc * n_item];
        let mut pairs = Vec::new();
        for l in 0..n_loc {
            for it in 0..n_item {
                if stocked[l * n_item + it] {
                    pair_index[l * n_item + it] = pairs.len();
                    pairs.push(Pair {
                        location: l,
                        item: it,
                        name: format!("{}/{}", s.locations[l].id, s.items[it].id),
                        costs: item_costs[it].0.clone(),
                        sources: Vec::new(),
                        demands: Vec::new(),
                        initial_on_hand: None,
                        prior: Prior { weekday_means: [0.0; 7], variance: 0.0 },
                        classes: vec![0],
                        fair_share: s.locations[l].allocation == Allocation::FairShare,
                        children: Vec::new(),
                        downstream: Vec::new(),
                        internally_supplied: false,
                    });
                }
            }
        }
        for (li, lane) in lanes.iter().enumerate() {
            if let Some((lane, carried, unit_cost, order_cost)) = lane {
                for &it in carried {
                    let p = pair_index[lane.to * n_item + it];
                    if p == usize::MAX {
                        continue; // nobody buys the item there or below
                    }
                    // A transfer between locations costs only what the lane says: the item's
                    // purchase price was paid where it entered the network.
                    let (upstream, default_unit_cost) = match lane.from {
                        Shipper::Supplier(_) => (None, item_costs[it].1),
                        Shipper::Location(f) => (Some(pair_index[f * n_item + it]), 0.0),
                    };
                    if upstream == Some(usize::MAX) {
                        continue; // only with a cycle, which is reported
                    }
                    pairs[p].internally_supplied |= upstream.is_some();
                    pairs[p].sources.push(Source {
                        lane: li,
                        upstream,
                        class: 0, // set once the upstream pair's classes are known
                        unit_cost: unit_cost.unwrap_or(default_unit_cost),
                        order_cost: order_cost.unwrap_or(item_costs[it].2),
                    });
                }
            }
        }

        let mut demands = Vec::new();
        for (i, (d, refs)) in s.demand.iter().zip(&demand_refs).enumerate() {
            let sampler = self.demand_sampler(i, d);
            let shocks = self.shocks(&format!("demand[{i}]"), d);
            if let (Some(sampler), Some(shocks)) = (&sampler, &shocks) {
                // Bound the scaled demand, so it can neither overflow nor take forever to draw.
                let peak = sampler.peak_multiplier(s.horizon_days.clamp(1, MAX_HORIZON) as u32)
                    * shocks.peak_multiplier();
                let base = sampler.base();
                let (mean, max) = (base.dist().mean() * peak, base.table().max() as f64 * peak);
                if !(mean <= 1e7 && max <= MAX_UNITS as f64) {
                    self.problem(
                        format!("demand[{i}]"),
                        format!("daily demand can reach a mean of {mean:.3e} (largest value {max:.3e}) once the weekly profile, trend, spikes and promotions multiply it; allowed: a mean of at most 1e7 and values of at most 1e9"),
                    );
                }
            }
            if let ((Some(l), Some(it), Some(seg)), Some(sampler), Some(shocks)) = (*refs, sampler, shocks) {
                let p = pair_index[l * n_item + it];
                pairs[p].demands.push(demands.len());
                demands.push(DemandStream { pair: p, segment: seg, sampler, shocks, class: 0 });
            }
        }
        self.link_network(s, &mut pairs, &mut demands, &segments);

        // A lane that failed validation may be the one a pair needs: report pairs only when
        // every lane is valid.
        let lanes_valid = lanes.iter().all(Option::is_some);
        for p in pairs.iter().filter(|_| lanes_valid) {
            if p.sources.is_empty() {
                self.problem(
                    "lanes",
                    format!(
                        "no lane brings item {:?} to location {:?}, where customers or downstream locations order it",
                        s.items[p.item].id, s.locations[p.location].id
                    ),
                );
            }
        }
        for d in &demands {
            let prior = &mut pairs[d.pair].prior;
            let moments = d.sampler.weekday_moments();
            for (k, (mean, var)) in moments.iter().enumerate() {
                prior.weekday_means[k] += mean;
                prior.variance += var / 7.0;
            }
        }

        for (i, init) in s.initial_on_hand.iter().enumerate() {
            let path = format!("initial_on_hand[{i}]");
            let loc = self.resolve(&locations, &init.location, format!("{path}.location"), "location");
            let item = self.resolve(&items, &init.item, format!("{path}.item"), "item");
            let units_ok = self.range_i64(&format!("{path}.units"), init.units, 0, MAX_UNITS);
            if let (Some(l), Some(it)) = (loc, item) {
                let p = pair_index[l * n_item + it];
                if p == usize::MAX {
                    self.problem(
                        path,
                        format!(
                            "{}/{} is not stocked: no customer demand there or at a location it supplies",
                            init.location, init.item
                        ),
                    );
                } else if pairs[p].initial_on_hand.is_some() {
                    self.problem(path, format!("{} is listed twice", pairs[p].name));
                } else if units_ok {
                    pairs[p].initial_on_hand = Some(init.units);
                }
            }
        }

        let valid_lanes: Vec<Lane> = lanes.iter().flatten().map(|l| l.0.clone()).collect();
        let review = review_order(&pairs);
        // A pair that supplies others sees their orders as its demand: its forecasters start from
        // its customers' demand plus theirs (downstream first, so theirs is complete).
        for &p in &review {
            for k in 0..pairs[p].children.len() {
                let below = pairs[pairs[p].children[k]].prior;
                let prior = &mut pairs[p].prior;
                for (m, b) in prior.weekday_means.iter_mut().zip(below.weekday_means) {
                    *m += b;
                }
                prior.variance += below.variance;
            }
        }
        let mut policies = self.policies(
            s,
            &pairs,
            lanes_valid.then_some(valid_lanes.as_slice()),
            &items,
            &locations,
            &suppliers,
        );
        if let Some(policies) = &mut policies {
            for policy in policies {
                set_starting_stock(&mut policy.controls, &pairs, &review);
            }
        }

        if !self.problems.is_empty() {
            return None;
        }
        let name = s.name.clone().unwrap_or_else(|| {
            path.file_stem().map(|x| x.to_string_lossy().into_owned()).unwrap_or_else(|| "scenario".into())
        });
        Some(Model {
            name,
            description: s.description.clone().unwrap_or_default(),
            horizon: s.horizon_days as u32,
            warmup: s.warmup_days as u32,
            replications: s.replications as u32,
            seed: s.seed,
            items: s.items.iter().map(|x| x.id.clone()).collect(),
            locations: s.locations.iter().map(|x| x.id.clone()).collect(),
            review_order: review,
            fair_share_pairs: (0..pairs.len()).filter(|&p| pairs[p].fair_share).collect(),
            has_network: valid_lanes.iter().any(|l| l.supplier().is_none()),
            same_day_transfers: valid_lanes.iter().any(|l| {
                l.supplier().is_none() && l.lead_time.table().pmf().next().is_some_and(|(v, _)| v == 0)
            }),
            has_outages: supplier_models.iter().any(|x| x.outages.is_some()),
            late_shipments: valid_lanes.iter().any(|l| l.delays.is_some() || l.yield_.is_some())
                || supplier_models.iter().any(|x| x.outages.as_ref().is_some_and(|o| o.freeze_in_transit)),
            has_patience: segments.iter().any(|g| g.patience.is_some()),
            has_churn: segments.iter().any(|g| g.churn.is_some()),
            deadline_span: segments
                .iter()
                .filter_map(|g| g.patience.as_ref())
                .map(|p| p.table().max() as u32)
                .max()
                .unwrap_or(0)
                + 1,
            limited_lanes: valid_lanes
                .iter()
                .enumerate()
                .filter(|(_, l)| {
                    l.capacity_per_day != i64::MAX
                        || l.supplier().is_some_and(|s| supplier_models[s].outages.is_some())
                })
                .map(|(i, _)| i)
                .collect(),
            suppliers: supplier_models,
            same_day_receipts: valid_lanes
                .iter()
                .any(|l| l.lead_time.table().pmf().next().is_some_and(|(v, _)| v == 0)),
            lanes: valid_lanes,
            pairs,
            demands,
            segments,
            policies: policies?,
            scenario_sha256: sha256.to_string(),
        })
    }

    fn costs(&mut self, c: &scenario::Costs) -> (PairCosts, f64, f64) {
        let fields = [
            ("costs.holding_per_unit_day", c.holding_per_unit_day),
            ("costs.backorder_per_unit_day", c.backorder_per_unit_day),
            ("costs.lost_sale_per_unit", c.lost_sale_per_unit),
            ("costs.in_transit_per_unit_day", c.in_transit_per_unit_day),
            ("costs.order_fixed", c.order_fixed),
            ("costs.unit_purchase", c.unit_purchase),
        ];
        for (path, v) in fields {
            self.non_negative(path, v, MAX_COST);
        }
        (
            PairCosts {
                holding: c.holding_per_unit_day,
                backorder: c.backorder_per_unit_day,
                lost_sale: c.lost_sale_per_unit,
                in_transit: c.in_transit_per_unit_day,
            },
            c.unit_purchase,
            c.order_fixed,
        )
    }

    fn item_costs(
        &mut self,
        i: usize,
        o: &scenario::CostOverrides,
        d: &(PairCosts, f64, f64),
    ) -> (PairCosts, f64, f64) {
        let mut pick = |field: &str, v: Option<f64>, default: f64| match v {
            Some(x) => {
                self.non_negative(&format!("items[{i}].costs.{field}"), x, MAX_COST);
                x
            }
            None => default,
        };
        (
            PairCosts {
                holding: pick("holding_per_unit_day", o.holding_per_unit_day, d.0.holding),
                backorder: pick("backorder_per_unit_day", o.backorder_per_unit_day, d.0.backorder),
                lost_sale: pick("lost_sale_per_unit", o.lost_sale_per_unit, d.0.lost_sale),
                in_transit: pick("in_transit_per_unit_day", o.in_transit_per_unit_day, d.0.in_transit),
            },
            pick("unit_purchase", o.unit_purchase, d.1),
            pick("order_fixed", o.order_fixed, d.2),
        )
    }

    /// Who ships on a lane: a supplier id, else a location id.
    fn shipper(&mut self, suppliers: &Ids, locations: &Ids, id: &str, path: String) -> Option<Shipper> {
        if let Some(sup) = suppliers.get(id) {
            return Some(Shipper::Supplier(sup));
        }
        if let Some(loc) = locations.get(id) {
            return Some(Shipper::Location(loc));
        }
        let mut known: Vec<&str> = suppliers.index.keys().chain(locations.index.keys()).copied().collect();
        known.sort_unstable();
        let other = self.kinds.get(id).map(|k| format!(" ({id:?} is a {k})")).unwrap_or_default();
        self.problem(
            path,
            format!("unknown supplier or location {id:?}{other}; known: {}", known.join(", ")),
        );
        None
    }

    /// Each valid lane with the item indices it carries and its price overrides.
    fn lanes(
        &mut self,
        s: &Scenario,
        items: &Ids,
        locations: &Ids,
        suppliers: &Ids,
    ) -> Vec<Option<LaneParts>> {
        let mut out = Vec::new();
        for (i, lane) in s.lanes.iter().enumerate() {
            let path = format!("lanes[{i}]");
            let from = self.shipper(suppliers, locations, &lane.from, format!("{path}.from"));
            let to = self.resolve(locations, &lane.to, format!("{path}.to"), "location");
            if let Some(Shipper::Location(_)) = from
                && lane.yield_.is_some()
            {
                self.problem(
                    format!("{path}.yield"),
                    "applies to external suppliers only: a location ships exactly what it has on hand",
                );
            }
            let carried: Vec<Option<usize>> = match &lane.items {
                None => (0..s.items.len()).map(Some).collect(),
                Some(list) => list
                    .iter()
                    .enumerate()
                    .map(|(k, id)| self.resolve(items, id, format!("{path}.items[{k}]"), "item"))
                    .collect(),
            };
            let lead = self.sampler(&format!("{path}.lead_time"), &lane.lead_time);
            if let Some(l) = lead.as_ref().filter(|l| l.table().max() > MAX_LEAD_TIME) {
                self.problem(
                    format!("{path}.lead_time"),
                    format!("can reach {} days; allowed: at most {MAX_LEAD_TIME}", l.table().max()),
                );
            }
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
            let delays = lane.delays.as_ref().and_then(|d| {
                let probability = self.probability(format!("{path}.delays.probability"), d.probability);
                let extra = self.sampler(&format!("{path}.delays.extra_days"), &d.extra_days)?;
                if extra.table().max() > MAX_LEAD_TIME {
                    self.problem(
                        format!("{path}.delays.extra_days"),
                        format!("can reach {} days; allowed: at most {MAX_LEAD_TIME}", extra.table().max()),
                    );
                }
                Some(Delays { probability, extra })
            });
            let yield_ = lane.yield_.as_ref().map(|y| {
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
            });
            let min_ok = self.range_i64(&format!("{path}.min_order"), lane.min_order, 0, MAX_UNITS);
            let mult_ok =
                self.range_i64(&format!("{path}.order_multiple"), lane.order_multiple, 1, MAX_UNITS);
            let carried: Option<Vec<usize>> = carried.into_iter().collect();
            out.push(match (from, to, carried, lead, min_ok && mult_ok) {
                (Some(from), Some(to), Some(carried), Some(lead_time), true) => Some((
                    Lane {
                        id: lane.id.clone(),
                        from,
                        to,
                        quoted_lead_time: lane.quoted_lead_time.map_or_else(
                            || ceil_days(lead_time.table().pmf().map(|(v, p)| v as f64 * p).sum::<f64>()),
                            |q| q.clamp(0, MAX_LEAD_TIME as i64) as u32,
                        ),
                        lead_time,
                        min_order: lane.min_order,
                        order_multiple: lane.order_multiple,
                        capacity_per_day: lane.capacity_per_day.unwrap_or(i64::MAX).max(1),
                        delays,
                        yield_,
                    },
                    carried,
                    lane.unit_cost,
                    lane.order_cost,
                )),
                _ => None,
            });
        }
        out
    }

    /// The locations in an order where each comes before every location it ships to (Kahn's
    /// algorithm over the internal lanes). A cycle is reported with its locations and lanes
    /// named; its locations then follow in index order.
    fn network_order(&mut self, s: &Scenario, lanes: &[Option<LaneParts>], n_loc: usize) -> Vec<usize> {
        // Internal lanes as (from, to, lane index).
        let edges: Vec<(usize, usize, usize)> = lanes
            .iter()
            .enumerate()
            .filter_map(|(i, l)| match l.as_ref()?.0.from {
                Shipper::Location(f) => Some((f, l.as_ref()?.0.to, i)),
                Shipper::Supplier(_) => None,
            })
            .collect();
        let mut indegree = vec![0usize; n_loc];
        for &(_, t, _) in &edges {
            indegree[t] += 1;
        }
        let mut order: Vec<usize> = (0..n_loc).filter(|&l| indegree[l] == 0).collect();
        let mut next = 0;
        while next < order.len() {
            let f = order[next];
            next += 1;
            for &(_, t, _) in edges.iter().filter(|e| e.0 == f) {
                indegree[t] -= 1;
                if indegree[t] == 0 {
                    order.push(t);
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
            let &(f, _, lane) = edges.iter().find(|e| e.1 == at && left[e.0]).expect("a lane from one left");
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

    /// Links the pairs of the network: the pairs each one supplies, each one's whole echelon,
    /// and the backlog classes (one per priority where the location allocates by priority:
    /// its customer segments' and the downstream locations' priorities, highest first).
    fn link_network(
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

    fn segments(&mut self, s: &Scenario) -> Vec<Segment> {
        let mut out: Vec<Segment> = Vec::new();
        for (i, g) in s.segments.iter().enumerate() {
            let path = format!("segments[{i}]");
            let backorder_probability = match g.unmet {
                Unmet::Backorder => 1.0,
                Unmet::Lost => 0.0,
                Unmet::Mixed { backorder_probability: p } => {
                    if !(0.0..=1.0).contains(&p) {
                        self.problem(
                            format!("{path}.unmet.backorder_probability"),
                            format!("is {p}; allowed: 0 to 1"),
                        );
                    }
                    p
                }
            };
            self.range_i64(&format!("{path}.line_size"), g.line_size, 1, MAX_UNITS);
            let patience =
                g.patience_days.as_ref().and_then(|p| self.sampler(&format!("{path}.patience_days"), p));
            if let Some(p) = patience.as_ref().filter(|p| p.table().max() > MAX_LEAD_TIME) {
                self.problem(
                    format!("{path}.patience_days"),
                    format!("can reach {} days; allowed: at most {MAX_LEAD_TIME}", p.table().max()),
                );
            }
            self.range_i64(&format!("{path}.priority"), g.priority, -1_000_000, 1_000_000);
            let churn = g.churn.as_ref().map(|c| {
                let drop = self.unit_interval(format!("{path}.churn.drop"), c.drop);
                let recovery =
                    self.unit_interval(format!("{path}.churn.recovery_per_day"), c.recovery_per_day);
                Churn { drop, recovery }
            });
            out.push(Segment {
                id: g.id.clone(),
                backorder_probability,
                line_size: g.line_size.max(1) as u64,
                patience,
                partial_fill: g.partial_fill,
                priority: g.priority,
                churn,
            });
        }
        if !out.iter().any(|g| g.id == "default") {
            out.push(Segment {
                id: "default".into(),
                backorder_probability: 1.0,
                line_size: 1,
                patience: None,
                partial_fill: true,
                priority: 0,
                churn: None,
            });
        }
        out
    }

    /// Checks a share given as a probability.
    fn probability(&mut self, path: String, v: f64) -> f64 {
        self.unit_interval(path, v)
    }

    fn window(&mut self, path: &str, start: i64, days: i64, every: Option<i64>) -> Window {
        self.range_i64(&format!("{path}.start_day"), start, 0, MAX_HORIZON);
        self.range_i64(&format!("{path}.days"), days, 1, MAX_HORIZON);
        if let Some(e) = every {
            self.range_i64(&format!("{path}.every_days"), e, days.max(1), MAX_HORIZON);
        }
        Window {
            start: start.clamp(0, MAX_HORIZON) as u32,
            days: days.clamp(1, MAX_HORIZON) as u32,
            every: every.map(|e| e.clamp(1, MAX_HORIZON) as u32),
        }
    }

    fn shocks(&mut self, path: &str, d: &scenario::Demand) -> Option<Shocks> {
        let before = self.problems.len();
        let spikes = d.spikes.as_ref().and_then(|sp| {
            let probability = self.probability(format!("{path}.spikes.probability"), sp.probability);
            self.non_negative(&format!("{path}.spikes.multiplier"), sp.multiplier, 1e6);
            let duration = self.sampler(&format!("{path}.spikes.duration_days"), &sp.duration_days)?;
            Some(Spikes { probability, multiplier: sp.multiplier, duration })
        });
        let promotions = d
            .promotions
            .iter()
            .enumerate()
            .map(|(k, pr)| {
                let ppath = format!("{path}.promotions[{k}]");
                self.non_negative(&format!("{ppath}.multiplier"), pr.multiplier, 1e6);
                (self.window(&ppath, pr.start_day, pr.days, pr.every_days), pr.multiplier)
            })
            .collect();
        (self.problems.len() == before).then_some(Shocks { spikes, promotions })
    }

    fn supplier(&mut self, i: usize, sup: &scenario::Supplier, s: &Scenario) -> Supplier {
        let path = format!("suppliers[{i}].outages");
        let outages = sup.outages.as_ref().map(|o| {
            let markov = o.random.as_ref().map(|r| match *r {
                RandomOutages::Markov { fail_probability, recover_probability } => {
                    let fail = self.probability(format!("{path}.random.fail_probability"), fail_probability);
                    if !(recover_probability > 0.0 && recover_probability <= 1.0) {
                        self.problem(
                            format!("{path}.random.recover_probability"),
                            format!("is {recover_probability}; allowed: greater than 0, at most 1"),
                        );
                    }
                    (fail, recover_probability)
                }
                RandomOutages::Mtbf { mean_days_between_failures: up, mean_days_to_repair: down } => {
                    for (field, v) in [("mean_days_between_failures", up), ("mean_days_to_repair", down)] {
                        if !(v.is_finite() && (1.0..=1e7).contains(&v)) {
                            self.problem(
                                format!("{path}.random.{field}"),
                                format!("is {v}; allowed: 1 to 1e7 days"),
                            );
                        }
                    }
                    (1.0 / up.max(1.0), 1.0 / down.max(1.0))
                }
            });
            let windows = o
                .scheduled
                .iter()
                .enumerate()
                .map(|(k, w)| {
                    self.window(&format!("{path}.scheduled[{k}]"), w.start_day, w.days, w.every_days)
                })
                .collect();
            if !(0.0..1.0).contains(&o.remaining_capacity) {
                self.problem(
                    format!("{path}.remaining_capacity"),
                    format!("is {}; allowed: 0 (full outage) up to, not including, 1", o.remaining_capacity),
                );
            } else if o.remaining_capacity > 0.0 {
                for (k, lane) in s.lanes.iter().enumerate().filter(|(_, l)| l.from == sup.id) {
                    if lane.capacity_per_day.is_none() {
                        self.problem(
                            format!("lanes[{k}].capacity_per_day"),
                            format!(
                                "is needed: supplier {:?} keeps a share of its capacity during outages",
                                sup.id
                            ),
                        );
                    }
                }
            }
            Outages {
                markov,
                windows,
                remaining_capacity: o.remaining_capacity,
                freeze_in_transit: o.in_transit == InTransit::Freeze,
            }
        });
        Supplier { id: sup.id.clone(), outages }
    }

    fn demand_sampler(&mut self, i: usize, d: &scenario::Demand) -> Option<DemandSampler> {
        let path = format!("demand[{i}]");
        let before = self.problems.len();
        let dist = self.int_dist(&format!("{path}.distribution"), &d.distribution);
        let profile = match &d.weekly_profile {
            None => None,
            Some(p) if p.len() != 7 => {
                self.problem(
                    format!("{path}.weekly_profile"),
                    format!("has {} values; needs exactly 7 (one per weekday)", p.len()),
                );
                None
            }
            Some(p) => {
                for (k, &m) in p.iter().enumerate() {
                    self.non_negative(&format!("{path}.weekly_profile[{k}]"), m, 1e6);
                }
                Some([p[0], p[1], p[2], p[3], p[4], p[5], p[6]])
            }
        };
        let trend = match d.trend {
            None => Trend::Flat,
            Some(scenario::Trend::Linear { per_day }) => {
                if !per_day.is_finite() || per_day.abs() > 1.0 {
                    self.problem(format!("{path}.trend.per_day"), format!("is {per_day}; allowed: -1 to 1"));
                }
                Trend::Linear(per_day)
            }
            Some(scenario::Trend::Exponential { per_day }) => {
                if !per_day.is_finite() || !(-0.5..=0.1).contains(&per_day) {
                    self.problem(
                        format!("{path}.trend.per_day"),
                        format!("is {per_day}; allowed: -0.5 to 0.1"),
                    );
                }
                Trend::Exponential(per_day)
            }
        };
        let dist = dist?;
        if self.problems.len() > before {
            return None;
        }
        match DemandSampler::new(dist, profile, trend) {
            Ok(s) => Some(s),
            Err(e) => {
                self.problem(format!("{path}.distribution"), e);
                None
            }
        }
    }

    fn sampler(&mut self, path: &str, spec: &IntDistSpec) -> Option<Sampler> {
        let dist = self.int_dist(path, spec)?;
        match Sampler::new(dist) {
            Ok(s) => Some(s),
            Err(e) => {
                self.problem(path, e);
                None
            }
        }
    }

    /// Checks a distribution's parameters and converts it.
    fn int_dist(&mut self, path: &str, spec: &IntDistSpec) -> Option<IntDist> {
        const MAX_MEAN: f64 = 1e7;
        let before = self.problems.len();
        let dist = match *spec {
            IntDistSpec::Constant { value } => {
                self.range_i64(&format!("{path}.value"), value, 0, MAX_UNITS);
                IntDist::Constant(value.max(0) as u64)
            }
            IntDistSpec::Poisson { mean } => {
                self.non_negative(&format!("{path}.mean"), mean, MAX_MEAN);
                IntDist::Poisson { mean }
            }
            IntDistSpec::Normal { mean, sd } => {
                self.non_negative(&format!("{path}.mean"), mean, MAX_MEAN);
                self.non_negative(&format!("{path}.sd"), sd, MAX_MEAN);
                IntDist::Normal { mean, sd }
            }
            IntDistSpec::NegativeBinomial { mean, sd } => {
                let mean_ok = self.non_negative(&format!("{path}.mean"), mean, MAX_MEAN);
                if mean_ok && mean == 0.0 {
                    self.problem(format!("{path}.mean"), "must be greater than 0");
                }
                if mean_ok && !(sd.is_finite() && sd * sd > mean) {
                    self.problem(format!("{path}.sd"), format!("is {sd}; a negative binomial needs sd² > mean ({mean}); use poisson for sd² = mean"));
                }
                IntDist::NegativeBinomial { mean, sd }
            }
            IntDistSpec::Gamma { mean, sd } => {
                for (f, v) in [("mean", mean), ("sd", sd)] {
                    if !(v.is_finite() && v > 0.0 && v <= MAX_MEAN) {
                        self.problem(
                            format!("{path}.{f}"),
                            format!("is {v}; allowed: greater than 0, at most 1e7"),
                        );
                    }
                }
                IntDist::Gamma { mean, sd }
            }
            IntDistSpec::Uniform { min, max } => {
                let ok = self.range_i64(&format!("{path}.min"), min, 0, MAX_UNITS)
                    & self.range_i64(&format!("{path}.max"), max, 0, MAX_UNITS);
                if ok && min > max {
                    self.problem(format!("{path}.max"), format!("is {max}; must be at least min ({min})"));
                }
                IntDist::Uniform { min: min.max(0) as u64, max: max.max(min).max(0) as u64 }
            }
            IntDistSpec::Empirical { ref values, ref weights } => {
                let weights = weights.clone().unwrap_or_else(|| vec![1.0; values.len()]);
                self.empirical(path, values, &weights)?
            }
            IntDistSpec::Bootstrap { ref file, ref column } => {
                let values = self.history(path, file, column.as_deref())?;
                let weights = vec![1.0; values.len()];
                self.empirical(path, &values, &weights)?
            }
        };
        (self.problems.len() == before).then_some(dist)
    }

    fn empirical(&mut self, path: &str, values: &[i64], weights: &[f64]) -> Option<IntDist> {
        if values.is_empty() {
            self.problem(format!("{path}.values"), "needs at least one value");
            return None;
        }
        if values.len() != weights.len() {
            self.problem(
                format!("{path}.weights"),
                format!(
                    "has {} weights for {} values; give one weight per value",
                    weights.len(),
                    values.len()
                ),
            );
            return None;
        }
        let mut ok = true;
        for (k, &v) in values.iter().enumerate() {
            ok &= self.range_i64(&format!("{path}.values[{k}]"), v, 0, MAX_UNITS);
        }
        for (k, &w) in weights.iter().enumerate() {
            ok &= self.non_negative(&format!("{path}.weights[{k}]"), w, 1e12);
        }
        if ok && weights.iter().sum::<f64>() <= 0.0 {
            self.problem(format!("{path}.weights"), "are all 0; at least one must be positive");
            ok = false;
        }
        if !ok {
            return None;
        }
        // Merge equal values and sort, so the table is increasing.
        let mut merged: Vec<(u64, f64)> =
            values.iter().map(|&v| v as u64).zip(weights.iter().copied()).collect();
        merged.sort_by_key(|&(v, _)| v);
        let mut vs: Vec<u64> = Vec::new();
        let mut ws: Vec<f64> = Vec::new();
        for (v, w) in merged {
            if vs.last() == Some(&v) {
                *ws.last_mut().expect("same length") += w;
            } else {
                vs.push(v);
                ws.push(w);
            }
        }
        Some(IntDist::Discrete { values: vs, weights: ws })
    }

    /// Reads a column of daily history from a CSV file.
    fn history(&mut self, path: &str, file: &str, column: Option<&str>) -> Option<Vec<i64>> {
        let full = self.base_dir.join(file);
        let fpath = format!("{path}.file");
        let text = match std::fs::read_to_string(&full) {
            Ok(t) => t,
            Err(e) => {
                self.problem(fpath, format!("cannot read {}: {e}", full.display()));
                return None;
            }
        };
        let mut reader =
            csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
        let mut rows = reader.records();
        let mut values = Vec::new();
        let mut col = 0;
        let first = match rows.next() {
            Some(Ok(r)) => r,
            Some(Err(e)) => {
                self.problem(fpath, format!("{}: {e}", full.display()));
                return None;
            }
            None => {
                self.problem(fpath, format!("{} is empty; it needs one row per day", full.display()));
                return None;
            }
        };
        // The first row is a header if a column is named or its cell is not a number.
        let header = column.is_some() || first.get(0).is_none_or(|c| c.trim().parse::<f64>().is_err());
        if let Some(name) = column {
            match first.iter().position(|c| c.trim() == name) {
                Some(c) => col = c,
                None => {
                    let have: Vec<&str> = first.iter().collect();
                    self.problem(
                        format!("{path}.column"),
                        format!(
                            "no column {name:?} in {}; its header has: {}",
                            full.display(),
                            have.join(", ")
                        ),
                    );
                    return None;
                }
            }
        }
        let mut parse_row = |b: &mut Self, line: usize, record: &csv::StringRecord| -> bool {
            let cell = record.get(col).unwrap_or("").trim();
            match cell.parse::<f64>() {
                Ok(v) if v >= 0.0 && v.fract() == 0.0 && v <= MAX_UNITS as f64 => {
                    values.push(v as i64);
                    true
                }
                _ => {
                    b.problem(
                        fpath.clone(),
                        format!(
                            "{} line {line}: {cell:?} is not a whole number of units ≥ 0",
                            full.display()
                        ),
                    );
                    false
                }
            }
        };
        if !header && !parse_row(self, 1, &first) {
            return None;
        }
        for (k, row) in rows.enumerate() {
            match row {
                Ok(r) => {
                    if !parse_row(self, k + 2, &r) {
                        return None;
                    }
                }
                Err(e) => {
                    self.problem(fpath.clone(), format!("{}: {e}", full.display()));
                    return None;
                }
            }
        }
        if values.is_empty() {
            self.problem(fpath, format!("{} has no data rows", full.display()));
            return None;
        }
        Some(values)
    }

    fn policies(
        &mut self,
        s: &Scenario,
        pairs: &[Pair],
        lanes: Option<&[Lane]>,
        items: &Ids,
        locations: &Ids,
        suppliers: &Ids,
    ) -> Option<Vec<Policy>> {
        let mut out = Vec::new();
        for (i, p) in s.policies.iter().enumerate() {
            let path = format!("policies[{i}]");
            // Each inventory spec is checked once, whether or not it matches a pair.
            let mut rules: HashMap<String, Option<Rule>> = HashMap::new();
            let default_rule = self.rule(&format!("{path}.inventory"), &p.inventory);
            rules.insert(format!("{path}.inventory"), default_rule);
            for (k, o) in p.overrides.iter().enumerate() {
                if let Some(inv) = &o.inventory {
                    let opath = format!("{path}.overrides[{k}].inventory");
                    let rule = self.rule(&opath, inv);
                    rules.insert(opath, rule);
                }
            }
            // (spec, JSON path) of the inventory policy and sourcing rule of each pair.
            let inventory = (&p.inventory, format!("{path}.inventory"));
            let mut assigned =
                vec![(inventory, p.sourcing.as_ref().map(|x| (x, format!("{path}.sourcing")))); pairs.len()];
            for (k, o) in p.overrides.iter().enumerate() {
                let opath = format!("{path}.overrides[{k}]");
                let loc = o
                    .location
                    .as_ref()
                    .map(|id| self.resolve(locations, id, format!("{opath}.location"), "location"));
                let item = o.item.as_ref().map(|id| self.resolve(items, id, format!("{opath}.item"), "item"));
                if o.inventory.is_none() && o.sourcing.is_none() {
                    self.problem(
                        &opath,
                        "replaces nothing: give an inventory policy, a sourcing rule, or both",
                    );
                }
                if loc == Some(None) || item == Some(None) {
                    continue;
                }
                let (loc, item) = (loc.flatten(), item.flatten());
                let mut matched = 0;
                for (pi, pr) in pairs.iter().enumerate() {
                    if loc.is_none_or(|l| l == pr.location) && item.is_none_or(|it| it == pr.item) {
                        matched += 1;
                        if let Some(inv) = &o.inventory {
                            assigned[pi].0 = (inv, format!("{opath}.inventory"));
                        }
                        if let Some(src) = &o.sourcing {
                            assigned[pi].1 = Some((src, format!("{opath}.sourcing")));
                        }
                    }
                }
                if matched == 0 {
                    self.problem(opath, "matches no stocked (location, item) pair");
                }
            }
            // Sourcing needs valid lanes; without them the problems are already reported.
            let Some(lanes) = lanes else {
                out.push(None);
                continue;
            };
            let mut controls = Vec::with_capacity(pairs.len());
            for (pair, ((_, inv_path), sourcing)) in pairs.iter().zip(&assigned) {
                if pair.sources.is_empty() {
                    continue; // reported as "no lane brings …"
                }
                let rule = rules[inv_path].clone();
                let sourcing = match sourcing {
                    Some((spec, spath)) => self.sourcing(spath, spec, pair, lanes, suppliers, locations),
                    None if pair.sources.len() == 1 => Some(Sourcing::Sequential(vec![0])),
                    None => {
                        let names: Vec<&str> =
                            pair.sources.iter().map(|x| lanes[x.lane].id.as_str()).collect();
                        self.problem(
                            format!("{path}.sourcing"),
                            format!(
                                "{} lanes bring {} ({}): give the policy a sourcing rule (single, split, primary_backup, cheapest or fastest)",
                                names.len(),
                                pair.name,
                                names.join(", ")
                            ),
                        );
                        None
                    }
                };
                if let (Some(rule), Some(sourcing)) = (rule, sourcing) {
                    controls.push(control(rule, sourcing, pair, lanes));
                }
            }
            for (pi, ((_, inv_path), _)) in assigned.iter().enumerate() {
                if matches!(
                    rules[inv_path].as_ref().map(|r| &r.kind),
                    Some(RuleKind::EchelonBaseStock { .. })
                ) {
                    self.closed_echelon(inv_path, pi, pairs);
                }
            }
            out.push((controls.len() == pairs.len()).then(|| Policy {
                name: p.name.clone(),
                description: p.description.clone().unwrap_or_default(),
                forecasts: controls.iter().any(|c| matches!(c.rule.kind, RuleKind::Forecast(_))),
                controls,
            }));
        }
        out.into_iter().collect()
    }

    /// Checks that the echelon of pair `pi` is closed: every pair below it is supplied, among
    /// locations, only from within the echelon. Otherwise the echelon position would count units
    /// another location owes (and stock another echelon also counts).
    fn closed_echelon(&mut self, path: &str, pi: usize, pairs: &[Pair]) {
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

    /// Resolves a source name (a lane id, else a supplier or location id) to an index into `pair.sources`.
    fn source(
        &mut self,
        path: String,
        name: &str,
        pair: &Pair,
        lanes: &[Lane],
        suppliers: &Ids,
        locations: &Ids,
    ) -> Option<usize> {
        let by_lane = pair.sources.iter().position(|x| lanes[x.lane].id == name);
        let shipper = match (suppliers.get(name), locations.get(name)) {
            (Some(sup), _) => Some(Shipper::Supplier(sup)),
            (None, Some(loc)) => Some(Shipper::Location(loc)),
            (None, None) => None,
        };
        let by_supplier: Vec<usize> =
            (0..pair.sources.len()).filter(|&k| shipper == Some(lanes[pair.sources[k].lane].from)).collect();
        match (by_lane, by_supplier.as_slice()) {
            (Some(k), _) => Some(k),
            (None, [k]) => Some(*k),
            (None, []) => {
                let serving: Vec<&str> = pair.sources.iter().map(|x| lanes[x.lane].id.as_str()).collect();
                let hint = if path.contains(".overrides[") {
                    ""
                } else {
                    " (a policy's own `sourcing` applies to every stocked pair; to give it to some pairs only, put it in an override with their `location` and `item`)"
                };
                self.problem(
                    path,
                    format!(
                        "{name:?} does not serve {}; the lanes that do: {}{hint}",
                        pair.name,
                        serving.join(", ")
                    ),
                );
                None
            }
            (None, _) => {
                self.problem(path, format!("{name:?} has several lanes to {}: name the lane", pair.name));
                None
            }
        }
    }

    fn sourcing(
        &mut self,
        path: &str,
        spec: &SourcingSpec,
        pair: &Pair,
        lanes: &[Lane],
        suppliers: &Ids,
        locations: &Ids,
    ) -> Option<Sourcing> {
        let names = |b: &mut Self, list: &[&String], field: &str| -> Option<Vec<usize>> {
            if list.is_empty() {
                b.problem(format!("{path}.{field}"), "needs at least one source");
                return None;
            }
            let found: Vec<Option<usize>> = list
                .iter()
                .enumerate()
                .map(|(k, n)| b.source(format!("{path}.{field}[{k}]"), n, pair, lanes, suppliers, locations))
                .collect();
            let found: Option<Vec<usize>> = found.into_iter().collect();
            if let Some(f) = &found {
                let mut sorted = f.clone();
                sorted.sort_unstable();
                sorted.dedup();
                if sorted.len() != f.len() {
                    b.problem(format!("{path}.{field}"), "names the same lane twice");
                    return None;
                }
            }
            found
        };
        let by = |key: &dyn Fn(usize) -> (f64, f64)| -> Sourcing {
            let mut order: Vec<usize> = (0..pair.sources.len()).collect();
            order.sort_by(|&a, &b| key(a).partial_cmp(&key(b)).expect("finite").then(a.cmp(&b)));
            Sourcing::Sequential(order)
        };
        match spec {
            SourcingSpec::Single { source } => names(self, &[source], "source").map(Sourcing::Sequential),
            SourcingSpec::PrimaryBackup { sources } => {
                names(self, &sources.iter().collect::<Vec<_>>(), "sources").map(Sourcing::Sequential)
            }
            SourcingSpec::Split { shares } => {
                let list: Vec<&String> = shares.iter().map(|x| &x.source).collect();
                let sources = names(self, &list, "shares");
                let mut ok = true;
                for (k, x) in shares.iter().enumerate() {
                    if !(x.share.is_finite() && x.share > 0.0 && x.share <= 1e6) {
                        self.problem(
                            format!("{path}.shares[{k}].share"),
                            format!("is {}; must be greater than 0", x.share),
                        );
                        ok = false;
                    }
                }
                let total: f64 = shares.iter().map(|x| x.share).sum();
                let sources = sources.filter(|_| ok)?;
                Some(Sourcing::Split { sources, shares: shares.iter().map(|x| x.share / total).collect() })
            }
            SourcingSpec::Cheapest => Some(by(&|k| (pair.sources[k].unit_cost, pair.sources[k].order_cost))),
            SourcingSpec::Fastest => Some(by(&|k| (lanes[pair.sources[k].lane].mean_lead_time(), 0.0))),
        }
    }

    fn forecast_rule(
        &mut self,
        path: &str,
        method: Option<Method>,
        safety: Option<Safety>,
        lot: Lot,
        buffer: f64,
        recompute_every: i64,
    ) -> Option<RuleKind> {
        self.non_negative(&format!("{path}.buffer"), buffer, MAX_UNITS as f64);
        self.range_i64(&format!("{path}.recompute_every"), recompute_every, 1, 3650);
        Some(RuleKind::Forecast(ForecastRule {
            method: method?,
            safety: safety?,
            lot,
            buffer,
            recompute_every: recompute_every.clamp(1, 3650) as u32,
        }))
    }

    fn unit_interval(&mut self, path: String, v: f64) -> f64 {
        if !(0.0..=1.0).contains(&v) {
            self.problem(path, format!("is {v}; allowed: 0 to 1"));
        }
        v
    }

    fn forecast_method(&mut self, path: &str, spec: &ForecastSpec) -> Option<Method> {
        let before = self.problems.len();
        let method = match *spec {
            ForecastSpec::Plan => Method::Plan,
            ForecastSpec::Naive => Method::Naive,
            ForecastSpec::MovingAverage { window } => {
                self.range_i64(&format!("{path}.window"), window, 1, 3650);
                Method::MovingAverage { window: window.clamp(1, 3650) as usize }
            }
            ForecastSpec::Ses { alpha } => {
                Method::Ses { alpha: self.unit_interval(format!("{path}.alpha"), alpha) }
            }
            ForecastSpec::Holt { alpha, beta } => Method::Holt {
                alpha: self.unit_interval(format!("{path}.alpha"), alpha),
                beta: self.unit_interval(format!("{path}.beta"), beta),
            },
            ForecastSpec::HoltWinters { alpha, beta, gamma, seasonality } => Method::HoltWinters {
                alpha: self.unit_interval(format!("{path}.alpha"), alpha),
                beta: self.unit_interval(format!("{path}.beta"), beta),
                gamma: self.unit_interval(format!("{path}.gamma"), gamma),
                seasonality: match seasonality {
                    SeasonalitySpec::Additive => Seasonality::Additive,
                    SeasonalitySpec::Multiplicative => Seasonality::Multiplicative,
                },
            },
        };
        (self.problems.len() == before).then_some(method)
    }

    fn service(&mut self, path: &str, spec: &ServiceSpec) -> Option<Safety> {
        let target = |b: &mut Self, t: f64| -> Option<f64> {
            if (0.5..=0.9999).contains(&t) {
                Some(t)
            } else {
                b.problem(format!("{path}.target"), format!("is {t}; allowed: 0.5 to 0.9999"));
                None
            }
        };
        match *spec {
            ServiceSpec::CycleServiceLevel { target: t } => {
                target(self, t).map(|t| Safety::Factor(crate::sim::policy::z_for_cycle_service(t)))
            }
            ServiceSpec::FillRate { target: t } => target(self, t).map(Safety::FillRate),
            ServiceSpec::SafetyFactor { z } => {
                if (-4.0..=8.0).contains(&z) {
                    Some(Safety::Factor(z))
                } else {
                    self.problem(format!("{path}.z"), format!("is {z}; allowed: -4 to 8"));
                    None
                }
            }
        }
    }

    fn rule(&mut self, path: &str, spec: &PolicySpec) -> Option<Rule> {
        let before = self.problems.len();
        let (kind, period, offset) = match *spec {
            PolicySpec::BaseStock { big_s, review_period, review_offset } => {
                self.range_i64(&format!("{path}.S"), big_s, 0, MAX_UNITS);
                (RuleKind::BaseStock { level: big_s }, review_period, review_offset)
            }
            PolicySpec::EchelonBaseStock { big_s, review_period, review_offset } => {
                self.range_i64(&format!("{path}.S"), big_s, 0, MAX_UNITS);
                (RuleKind::EchelonBaseStock { level: big_s }, review_period, review_offset)
            }
            PolicySpec::SS { s, big_s, review_period, review_offset } => {
                let ok = self.range_i64(&format!("{path}.s"), s, -MAX_UNITS, MAX_UNITS)
                    & self.range_i64(&format!("{path}.S"), big_s, 0, MAX_UNITS);
                if ok && s >= big_s {
                    self.problem(format!("{path}.s"), format!("is {s}; must be less than S ({big_s})"));
                }
                (RuleKind::SS { s, level: big_s }, review_period, review_offset)
            }
            PolicySpec::RQ { r, q, review_period, review_offset } => {
                self.range_i64(&format!("{path}.r"), r, -MAX_UNITS, MAX_UNITS);
                self.range_i64(&format!("{path}.Q"), q, 1, MAX_UNITS);
                (RuleKind::RQ { r, q }, review_period, review_offset)
            }
            PolicySpec::SafetyStock {
                ref forecast,
                ref service,
                ref lot,
                buffer,
                recompute_every,
                review_period,
                review_offset,
            } => {
                let method = self.forecast_method(&format!("{path}.forecast"), forecast);
                let safety = self.service(&format!("{path}.service"), service);
                let lot = match lot {
                    None => Lot::Units(0.0),
                    Some(LotSpec::Units { units }) => {
                        self.non_negative(&format!("{path}.lot.units"), *units, MAX_UNITS as f64);
                        Lot::Units(*units)
                    }
                    Some(LotSpec::CoverDays { days }) => {
                        self.non_negative(&format!("{path}.lot.days"), *days, 3650.0);
                        Lot::CoverDays(*days)
                    }
                };
                let rule = self.forecast_rule(path, method, safety, lot, buffer, recompute_every);
                (rule?, review_period, review_offset)
            }
            PolicySpec::JustInTime {
                ref forecast,
                buffer,
                recompute_every,
                review_period,
                review_offset,
            } => {
                let method = match forecast {
                    Some(f) => self.forecast_method(&format!("{path}.forecast"), f),
                    None => Some(Method::Plan),
                };
                let rule = self.forecast_rule(
                    path,
                    method,
                    Some(Safety::None),
                    Lot::Units(0.0),
                    buffer,
                    recompute_every,
                );
                (rule?, review_period, review_offset)
            }
        };
        if self.range_i64(&format!("{path}.review_period"), period, 1, 3650) {
            self.range_i64(&format!("{path}.review_offset"), offset, 0, period - 1);
        }
        (self.problems.len() == before).then_some(Rule {
            kind,
            review_period: period as u32,
            review_offset: offset as u32,
        })
    }
}

/// Sets each control's starting stock: the scenario's `initial_on_hand`, else the rule's
/// order-up-to level; for echelon base-stock, S less the starting stock of its echelon below
/// (so the echelon starts at S), at least 0. `review` lists pairs downstream first.
fn set_starting_stock(controls: &mut [Control], pairs: &[Pair], review: &[usize]) {
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
fn review_order(pairs: &[Pair]) -> Vec<usize> {
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

/// The control of one pair. A forecast-driven rule plans with the lead time of its first
/// source; for a split, every order arrives in parts, share wᵢ after the lead time Lᵢ of its
/// source, so it plans with the mean `Σ wᵢ·E[Lᵢ]` and the variance `Σ wᵢ²·Var[Lᵢ]` (the spread
/// between sources is known in advance and adds no uncertainty).
fn control(rule: Rule, sourcing: Sourcing, pair: &Pair, lanes: &[Lane]) -> Control {
    let lane = |src: usize| &lanes[pair.sources[src].lane];
    let (lead_mean, lead_variance) = match &sourcing {
        Sourcing::Sequential(order) => (lane(order[0]).mean_lead_time(), lane(order[0]).lead_time_variance()),
        Sourcing::Split { sources, shares } => {
            let parts = sources.iter().zip(shares);
            let mean = parts.clone().map(|(&s, w)| w * lane(s).mean_lead_time()).sum();
            let variance = parts.map(|(&s, w)| w * w * lane(s).lead_time_variance()).sum();
            (mean, variance)
        }
    };
    let planning = Planning { lead_mean, lead_variance, review_period: rule.review_period };
    let initial_levels = match &rule.kind {
        RuleKind::Forecast(f) => forecast_levels(f, &Forecaster::new(&f.method, &pair.prior), &planning),
        _ => rule.static_levels().expect("a static rule has fixed levels"),
    };
    Control {
        rule,
        sourcing,
        planning,
        initial_levels,
        initial_on_hand: 0, // set by `set_starting_stock` once every pair has its control
        promise_days: ceil_days(planning.lead_mean),
    }
}

/// A mean number of days rounded up, ignoring floating-point dust (a tabulated mean of 4 may
/// come out as 4.000000000000007).
fn ceil_days(mean: f64) -> u32 {
    (mean - 1e-9).ceil().max(0.0) as u32
}
