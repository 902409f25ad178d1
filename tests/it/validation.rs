//! Every validation rule of docs/scenario.md, one case each: a small edit of a valid base
//! scenario and where (JSON path) and what (a fragment of the message) the problem must say.

use serde_json::{Value, json};

use crate::common;

/// A valid scenario (tests/data/validation-base.json) that uses most features, so that each
/// rule has something to break.
pub(crate) const BASE: &str = include_str!("../data/validation-base.json");

/// One change to the base: set the value at a JSON pointer (a last segment `-` appends to an
/// array), or remove the member there.
pub(crate) enum Edit {
    Set(&'static str, Value),
    Remove(&'static str),
}
use Edit::{Remove, Set};

/// A rule: the edits that break it, and the problem's path and a fragment of its message.
struct Case {
    edits: Vec<Edit>,
    path: &'static str,
    fragment: &'static str,
}

fn case(edits: Vec<Edit>, path: &'static str, fragment: &'static str) -> Case {
    Case { edits, path, fragment }
}

fn one(pointer: &'static str, value: Value, path: &'static str, fragment: &'static str) -> Case {
    case(vec![Set(pointer, value)], path, fragment)
}

pub(crate) fn apply(doc: &mut Value, edit: &Edit) {
    let pointer = match edit {
        Set(p, _) | Remove(p) => *p,
    };
    let (parent, last) = pointer.rsplit_once('/').expect("a pointer starts with /");
    let parent = doc.pointer_mut(parent).unwrap_or_else(|| panic!("no {parent} in the base"));
    match (parent, edit) {
        (Value::Array(a), Set(_, v)) if last == "-" => a.push(v.clone()),
        (Value::Array(a), Set(_, v)) => a[last.parse::<usize>().expect("an index")] = v.clone(),
        (Value::Array(a), Remove(_)) => drop(a.remove(last.parse::<usize>().expect("an index"))),
        (Value::Object(o), Set(_, v)) => drop(o.insert(last.to_string(), v.clone())),
        (Value::Object(o), Remove(_)) => assert!(o.remove(last).is_some(), "no {pointer} in the base"),
        _ => panic!("{pointer}: the parent is not an array or object"),
    }
}

fn cases() -> Vec<Case> {
    let constant = |v: i64| json!({"type": "constant", "value": v});
    let poisson = |m: f64| json!({"type": "poisson", "mean": m});
    vec![
        // Rules that hold everywhere.
        one("/items/0/colour", json!("red"), "items[0].colour", "unknown field"),
        one(
            "/demand/0/distribution",
            json!({"type": "triangular", "mean": 3}),
            "demand[0].distribution.type",
            "unknown type \"triangular\"",
        ),
        one("/horizon_days", json!(2.5), "horizon_days", "expected a whole number"),
        // Top level.
        case(vec![Remove("/schema_version")], "(top level)", "missing field `schema_version`"),
        one("/schema_version", json!(2), "schema_version", "version 1"),
        case(vec![Remove("/horizon_days")], "(top level)", "missing field `horizon_days`"),
        one("/horizon_days", json!(0), "horizon_days", "allowed: 1 to 100000"),
        one("/horizon_days", json!(100_001), "horizon_days", "allowed: 1 to 100000"),
        one("/warmup_days", json!(60), "warmup_days", "less than horizon_days"),
        one("/warmup_days", json!(-1), "warmup_days", "at least 0"),
        one("/replications", json!(0), "replications", "allowed: 1 to"),
        one("/seed", json!(-1), "seed", "expected a whole number ≥ 0"),
        one("/items", json!([]), "items", "at least one item"),
        one("/locations", json!([]), "locations", "at least one location"),
        one("/policies", json!([]), "policies", "at least one policy"),
        case(vec![Remove("/lanes")], "(top level)", "missing field `lanes`"),
        case(vec![Remove("/demand")], "demand", "at least one demand stream"),
        // Identifiers.
        one("/items/-", json!({"id": "widget"}), "items[1].id", "duplicate"),
        one("/items/0/id", json!("wid/get"), "items[0].id", "/"),
        one("/locations/1/id", json!("st/ore"), "locations[1].id", "/"),
        one("/suppliers/1/id", json!("dc"), "suppliers[1].id", "one namespace"),
        one(
            "/lanes/-",
            json!({"id": "acme-dc", "from": "backup", "to": "dc", "lead_time": constant(1)}),
            "lanes[3].id",
            "duplicate",
        ),
        one("/segments/-", json!({"id": "loyal"}), "segments[1].id", "duplicate"),
        // Locations.
        one(
            "/locations/0/allocation",
            json!("lifo"),
            "locations[0].allocation",
            "unknown value \"lifo\"; allowed: fcfs, priority, fair_share",
        ),
        one("/locations/1/priority", json!(1_000_001), "locations[1].priority", "-1000000 to 1000000"),
        case(
            vec![
                Set("/locations/1/allocation", json!("fair_share")),
                Set("/segments/0/partial_fill", json!(false)),
            ],
            "locations[1].allocation",
            "partial_fill false",
        ),
        // Supplier outages.
        one(
            "/suppliers/0/outages/random/fail_probability",
            json!(1.5),
            "suppliers[0].outages.random.fail_probability",
            "0 to 1",
        ),
        one(
            "/suppliers/0/outages/random/recover_probability",
            json!(0),
            "suppliers[0].outages.random.recover_probability",
            "greater than 0, at most 1",
        ),
        one(
            "/suppliers/0/outages/random",
            json!({"type": "mtbf", "mean_days_between_failures": 0.5, "mean_days_to_repair": 2}),
            "suppliers[0].outages.random.mean_days_between_failures",
            "allowed: 1 to",
        ),
        one(
            "/suppliers/0/outages/random",
            json!({"type": "mtbf", "mean_days_between_failures": 50, "mean_days_to_repair": 0}),
            "suppliers[0].outages.random.mean_days_to_repair",
            "allowed: 1 to",
        ),
        one(
            "/suppliers/0/outages/scheduled/0/start_day",
            json!(-1),
            "suppliers[0].outages.scheduled[0].start_day",
            "allowed: 0 to",
        ),
        one(
            "/suppliers/0/outages/scheduled/0/days",
            json!(0),
            "suppliers[0].outages.scheduled[0].days",
            "allowed: 1 to",
        ),
        one(
            "/suppliers/0/outages/scheduled/0/every_days",
            json!(1),
            "suppliers[0].outages.scheduled[0].every_days",
            "allowed: 2 to",
        ),
        one(
            "/suppliers/0/outages/remaining_capacity",
            json!(1.0),
            "suppliers[0].outages.remaining_capacity",
            "not including, 1",
        ),
        case(
            vec![Remove("/lanes/0/capacity_per_day")],
            "lanes[0].capacity_per_day",
            "keeps a share of its capacity",
        ),
        one(
            "/suppliers/0/outages/in_transit",
            json!("pause"),
            "suppliers[0].outages.in_transit",
            "unknown value \"pause\"",
        ),
        // Lanes and the network.
        one(
            "/lanes/-",
            json!({"id": "back", "from": "store", "to": "dc", "lead_time": constant(1)}),
            "lanes[2]",
            "cycle: dc → store → dc",
        ),
        one("/lanes/0/from", json!("nowhere"), "lanes[0].from", "unknown"),
        one("/lanes/0/to", json!("backup"), "lanes[0].to", "is a supplier"),
        one("/lanes/0/items", json!(["gadget"]), "lanes[0].items[0]", "unknown item"),
        one("/lanes/1/lead_time", constant(3651), "lanes[1].lead_time", "3650"),
        one("/lanes/1/unit_cost", json!(-1), "lanes[1].unit_cost", "from 0"),
        one("/lanes/1/order_cost", json!(-1), "lanes[1].order_cost", "from 0"),
        one("/lanes/2/min_order", json!(-1), "lanes[2].min_order", "allowed: 0"),
        one("/lanes/2/order_multiple", json!(0), "lanes[2].order_multiple", "allowed: 1"),
        one("/lanes/0/capacity_per_day", json!(0), "lanes[0].capacity_per_day", "allowed: 1"),
        one("/lanes/1/quoted_lead_time", json!(-1), "lanes[1].quoted_lead_time", "allowed: 0"),
        one("/lanes/0/delays/probability", json!(2), "lanes[0].delays.probability", "0 to 1"),
        one("/lanes/0/delays/extra_days", poisson(-1.0), "lanes[0].delays.extra_days.mean", "from 0 to"),
        one(
            "/lanes/2/yield",
            json!({"fraction": {"type": "constant", "value": 0.5}}),
            "lanes[2].yield",
            "external",
        ),
        one("/lanes/0/yield/probability", json!(1.5), "lanes[0].yield.probability", "0 to 1"),
        one(
            "/lanes/0/yield/fraction",
            json!({"type": "constant", "value": 1.5}),
            "lanes[0].yield.fraction.value",
            "allowed: 0 to 1",
        ),
        one(
            "/lanes/0/yield/fraction",
            json!({"type": "uniform", "min": 0.9, "max": 0.5}),
            "lanes[0].yield.fraction.max",
            "at least min",
        ),
        case(vec![Remove("/lanes/2")], "lanes", "no lane brings item \"widget\" to location \"store\""),
        // Demand.
        one("/demand/0/location", json!("nowhere"), "demand[0].location", "unknown location"),
        one("/demand/0/item", json!("gadget"), "demand[0].item", "unknown item"),
        one("/demand/0/segment", json!("vip"), "demand[0].segment", "unknown segment"),
        one("/demand/0/weekly_profile", json!([1, 1, 1, 1, 1, 1]), "demand[0].weekly_profile", "7"),
        one("/demand/0/weekly_profile/3", json!(-1), "demand[0].weekly_profile[3]", "from 0"),
        one("/demand/0/spikes/probability", json!(1.5), "demand[0].spikes.probability", "0 to 1"),
        one("/demand/0/spikes/multiplier", json!(-2), "demand[0].spikes.multiplier", "from 0"),
        one(
            "/demand/0/spikes/duration_days",
            poisson(-1.0),
            "demand[0].spikes.duration_days.mean",
            "from 0 to",
        ),
        one(
            "/demand/0/promotions/0/start_day",
            json!(-1),
            "demand[0].promotions[0].start_day",
            "allowed: 0 to",
        ),
        one("/demand/0/promotions/0/days", json!(0), "demand[0].promotions[0].days", "allowed: 1 to"),
        one("/demand/0/promotions/0/multiplier", json!(-1), "demand[0].promotions[0].multiplier", "from 0"),
        one(
            "/demand/0/promotions/0/every_days",
            json!(2),
            "demand[0].promotions[0].every_days",
            "allowed: 3 to",
        ),
        one("/demand/0/trend/per_day", json!(1.5), "demand[0].trend.per_day", "-1 to 1"),
        one(
            "/demand/0/trend",
            json!({"type": "exponential", "per_day": 0.2}),
            "demand[0].trend.per_day",
            "0.1",
        ),
        // Segments.
        one(
            "/segments/0/unmet/backorder_probability",
            json!(1.5),
            "segments[0].unmet.backorder_probability",
            "0 to 1",
        ),
        one("/segments/0/line_size", json!(0), "segments[0].line_size", "allowed: 1"),
        one("/segments/0/patience_days", poisson(-1.0), "segments[0].patience_days.mean", "from 0 to"),
        one("/segments/0/churn/drop", json!(1.5), "segments[0].churn.drop", "0 to 1"),
        one(
            "/segments/0/churn/recovery_per_day",
            json!(-0.1),
            "segments[0].churn.recovery_per_day",
            "0 to 1",
        ),
        // Costs.
        one("/costs/holding_per_unit_day", json!(-1), "costs.holding_per_unit_day", "from 0"),
        one("/costs/lost_sale_per_unit", json!(2e12), "costs.lost_sale_per_unit", "1e12"),
        one(
            "/items/0/costs/holding_per_unit_day",
            json!(-1),
            "items[0].costs.holding_per_unit_day",
            "from 0",
        ),
        // Prices.
        one("/items/0/price", json!(-1), "items[0].price", "from 0"),
        case(
            vec![Set("/items/-", json!({"id": "gadget", "price": 3}))],
            "items[0].price",
            "on every item or on none",
        ),
        one(
            "/items/0/location_prices",
            json!({"store": 2}),
            "items[0].location_prices",
            "needs the item's price",
        ),
        case(
            vec![Set("/items/0/price", json!(5)), Set("/items/0/location_prices", json!({"mall": 2}))],
            "items[0].location_prices.mall",
            "unknown location \"mall\"",
        ),
        // Objective.
        one("/objective", json!({}), "objective", "exactly one of minimize and maximize"),
        one("/objective", json!({"minimize": "cost_totl"}), "objective", "unknown metric \"cost_totl\""),
        one("/objective", json!({"maximize": "cost_total_per_day"}), "objective.maximize", "use minimize"),
        one("/objective", json!({"minimize": "fill_rate"}), "objective.minimize", "use maximize"),
        one(
            "/objective",
            json!({"minimize": "cost_total_per_day", "subject_to": [{"metric": "fill_rate", "at_least": 97}]}),
            "objective.subject_to[0].at_least",
            "a share: allowed 0 to 1",
        ),
        one(
            "/objective",
            json!({"minimize": "cost_total_per_day", "subject_to": [{"metric": "fill_rate"}]}),
            "objective.subject_to[0]",
            "exactly one of at_least and at_most",
        ),
        one(
            "/objective",
            json!({"minimize": "cost_total_per_day", "subject_to": [{"metric": "fil", "at_most": 1}]}),
            "objective.subject_to[0].metric",
            "unknown metric",
        ),
        // Initial stock.
        one("/initial_on_hand/0/units", json!(-1), "initial_on_hand[0].units", "allowed: 0"),
        one(
            "/initial_on_hand/0/location",
            json!("nowhere"),
            "initial_on_hand[0].location",
            "unknown location",
        ),
        one("/initial_on_hand/0/item", json!("gadget"), "initial_on_hand[0].item", "unknown item"),
        // Policies.
        one("/policies/1/name", json!("bs"), "policies[1].name", "duplicate"),
        one("/policies/1/name", json!("a,b"), "policies[1].name", "commas or quotes"),
        one(
            "/policies/2/inventory/review_period",
            json!(0),
            "policies[2].inventory.review_period",
            "allowed: 1 to 3650",
        ),
        one(
            "/policies/2/inventory/review_period",
            json!(3651),
            "policies[2].inventory.review_period",
            "allowed: 1 to 3650",
        ),
        one(
            "/policies/2/inventory/review_offset",
            json!(2),
            "policies[2].inventory.review_offset",
            "allowed: 0 to 1",
        ),
        one("/policies/0/inventory/S", json!(-1), "policies[0].inventory.S", "allowed: 0"),
        one("/policies/0/inventory/S", json!(1_000_000_001), "policies[0].inventory.S", "1000000000"),
        one(
            "/policies/0/inventory/S_cover_days",
            json!(3),
            "policies[0].inventory.S_cover_days",
            "give exactly one of S",
        ),
        case(
            vec![Remove("/policies/0/inventory/S")],
            "policies[0].inventory.S",
            "is missing: give S (units) or S_cover_days",
        ),
        case(
            vec![Remove("/policies/0/inventory/S"), Set("/policies/0/inventory/S_cover_days", json!(-1))],
            "policies[0].inventory.S_cover_days",
            "allowed",
        ),
        case(
            vec![Remove("/policies/2/inventory/Q"), Set("/policies/2/inventory/Q_cover_days", json!(4000))],
            "policies[2].inventory.Q_cover_days",
            "3.65e3",
        ),
        one(
            "/policies/2/inventory/r_cover_days",
            json!(1),
            "policies[2].inventory.r_cover_days",
            "exactly one of r",
        ),
        one(
            "/policies/2/inventory",
            json!({"type": "s_S", "s_cover_days": 3, "S_cover_days": 2}),
            "policies[2].inventory.s_cover_days",
            "s must be less than S",
        ),
        one(
            "/policies/2/inventory",
            json!({"type": "s_S", "S": 9}),
            "policies[2].inventory.s",
            "is missing: give s",
        ),
        one(
            "/policies/1/inventory/forecast",
            json!({"type": "croston", "alpha": 1.5}),
            "policies[1].inventory.forecast.alpha",
            "allowed: 0 to 1",
        ),
        one(
            "/policies/1/inventory/forecast",
            json!({"type": "tsb", "alpha": 0.1, "beta": -0.2}),
            "policies[1].inventory.forecast.beta",
            "allowed: 0 to 1",
        ),
        one(
            "/policies/1/overrides/1/inventory/s",
            json!(40),
            "policies[1].overrides[1].inventory.s",
            "less than S",
        ),
        one("/policies/2/inventory/Q", json!(0), "policies[2].inventory.Q", "allowed: 1"),
        one("/policies/2/inventory/Q", json!(2_000_000_000), "policies[2].inventory.Q", "1 to 1000000000"),
        one(
            "/policies/2/inventory/r",
            json!(-2_000_000_000),
            "policies[2].inventory.r",
            "-1000000000 to 1000000000",
        ),
        case(
            vec![
                Set("/locations/-", json!({"id": "dc2"})),
                Set(
                    "/lanes/-",
                    json!({"id": "acme-dc2", "from": "acme", "to": "dc2", "lead_time": constant(2), "capacity_per_day": 100}),
                ),
                Set(
                    "/lanes/-",
                    json!({"id": "dc2-store", "from": "dc2", "to": "store", "lead_time": constant(1)}),
                ),
                Set(
                    "/policies/4/overrides/-",
                    json!({"location": "store", "sourcing": {"type": "single", "source": "dc-store"}}),
                ),
            ],
            "policies[4].inventory",
            "supplied from within its echelon",
        ),
        case(vec![Remove("/policies/1/inventory/service")], "policies[1].inventory", "service"),
        case(vec![Remove("/policies/1/inventory/forecast")], "policies[1].inventory", "forecast"),
        one("/policies/3/inventory/buffer", json!(-1), "policies[3].inventory.buffer", "from 0 to"),
        one(
            "/policies/1/inventory/forecast/alpha",
            json!(1.5),
            "policies[1].inventory.forecast.alpha",
            "0 to 1",
        ),
        one(
            "/policies/1/inventory/forecast/beta",
            json!(-0.1),
            "policies[1].inventory.forecast.beta",
            "0 to 1",
        ),
        one(
            "/policies/1/inventory/forecast",
            json!({"type": "holt_winters", "alpha": 0.2, "beta": 0.1, "gamma": 2, "seasonality": "additive"}),
            "policies[1].inventory.forecast.gamma",
            "0 to 1",
        ),
        one(
            "/policies/1/inventory/forecast",
            json!({"type": "holt_winters", "alpha": 0.2, "beta": 0.1, "gamma": 0.1, "seasonality": "weekly"}),
            "policies[1].inventory.forecast.seasonality",
            "unknown value \"weekly\"; allowed: additive, multiplicative",
        ),
        one(
            "/policies/3/inventory/forecast/window",
            json!(0),
            "policies[3].inventory.forecast.window",
            "1 to 3650",
        ),
        one(
            "/policies/1/inventory/service/target",
            json!(0.3),
            "policies[1].inventory.service.target",
            "0.5 to 0.9999",
        ),
        one(
            "/policies/1/inventory/service",
            json!({"type": "cycle_service_level", "target": 1}),
            "policies[1].inventory.service.target",
            "0.5 to 0.9999",
        ),
        one(
            "/policies/1/inventory/service",
            json!({"type": "safety_factor", "z": 9}),
            "policies[1].inventory.service.z",
            "-4 to 8",
        ),
        one(
            "/policies/1/inventory/lot",
            json!({"type": "units", "units": -1}),
            "policies[1].inventory.lot.units",
            "from 0 to",
        ),
        one(
            "/policies/1/inventory/lot/days",
            json!(3651),
            "policies[1].inventory.lot.days",
            "from 0 to 3.65e3",
        ),
        case(
            vec![
                Set("/locations/-", json!({"id": "spare"})),
                Set(
                    "/policies/0/overrides/-",
                    json!({"location": "spare", "inventory": {"type": "base_stock", "S": 1}}),
                ),
            ],
            "policies[0].overrides[1]",
            "matches no stocked",
        ),
        // Sourcing.
        case(vec![Remove("/policies/0/overrides")], "policies[0].sourcing", "2 lanes bring dc/widget"),
        case(
            vec![Set(
                "/lanes/-",
                json!({"id": "acme-dc-2", "from": "acme", "to": "dc", "lead_time": constant(9), "capacity_per_day": 5}),
            )],
            "policies[4].overrides[0].sourcing.source",
            "several lanes to dc/widget",
        ),
        one(
            "/policies/4/overrides/0/sourcing/source",
            json!("nowhere"),
            "policies[4].overrides[0].sourcing.source",
            "does not serve dc/widget",
        ),
        one(
            "/policies/1/overrides/0/sourcing/shares/1/share",
            json!(0),
            "policies[1].overrides[0].sourcing.shares[1].share",
            "must be greater than 0",
        ),
        one(
            "/policies/1/overrides/0/sourcing/shares",
            json!([]),
            "policies[1].overrides[0].sourcing.shares",
            "at least one source",
        ),
        one(
            "/policies/0/overrides/0/sourcing/sources",
            json!([]),
            "policies[0].overrides[0].sourcing.sources",
            "at least one source",
        ),
        one(
            "/policies/0/overrides/0/sourcing/sources",
            json!(["acme", "acme-dc"]),
            "policies[0].overrides[0].sourcing.sources",
            "same lane twice",
        ),
        // Distributions.
        one("/lanes/1/lead_time", constant(-1), "lanes[1].lead_time.value", "allowed: 0 to"),
        one("/demand/0/distribution", poisson(-1.0), "demand[0].distribution.mean", "from 0 to"),
        one(
            "/demand/0/distribution",
            json!({"type": "normal", "mean": 5, "sd": -1}),
            "demand[0].distribution.sd",
            "from 0 to",
        ),
        one(
            "/demand/0/distribution",
            json!({"type": "negative_binomial", "mean": 0, "sd": 2}),
            "demand[0].distribution.mean",
            "greater than 0",
        ),
        one(
            "/demand/0/distribution",
            json!({"type": "negative_binomial", "mean": 5, "sd": 2}),
            "demand[0].distribution.sd",
            "sd² > mean",
        ),
        one(
            "/demand/0/distribution",
            json!({"type": "gamma", "mean": 0, "sd": 2}),
            "demand[0].distribution.mean",
            "greater than 0",
        ),
        one(
            "/demand/0/distribution",
            json!({"type": "gamma", "mean": 5, "sd": 0}),
            "demand[0].distribution.sd",
            "greater than 0",
        ),
        one(
            "/demand/0/distribution",
            json!({"type": "uniform", "min": -1, "max": 3}),
            "demand[0].distribution.min",
            "allowed: 0 to",
        ),
        one(
            "/demand/0/distribution",
            json!({"type": "uniform", "min": 4, "max": 3}),
            "demand[0].distribution.max",
            "at least min",
        ),
        one(
            "/demand/0/distribution",
            json!({"type": "empirical", "values": [1, -2]}),
            "demand[0].distribution.values[1]",
            "allowed: 0 to",
        ),
        one(
            "/demand/0/distribution",
            json!({"type": "empirical", "values": [1, 2], "weights": [1, -1]}),
            "demand[0].distribution.weights[1]",
            "from 0 to",
        ),
        one(
            "/demand/0/distribution",
            json!({"type": "empirical", "values": [1, 2], "weights": [1]}),
            "demand[0].distribution.weights",
            "one weight per value",
        ),
        one(
            "/demand/0/distribution",
            json!({"type": "bootstrap", "file": "data/missing.csv"}),
            "demand[0].distribution.file",
            "cannot read",
        ),
        one(
            "/demand/0/distribution",
            json!({"type": "bootstrap", "file": "data/history.csv", "column": "date"}),
            "demand[0].distribution.file",
            "whole number",
        ),
        one(
            "/demand/0/distribution",
            json!({"type": "bootstrap", "file": "data/history.csv", "column": "price"}),
            "demand[0].distribution.column",
            "price",
        ),
        one(
            "/demand/0/distribution",
            json!({"type": "uniform", "min": 0, "max": 2_000_000}),
            "demand[0].distribution",
            "more than 1048576 distinct values",
        ),
        one(
            "/demand/0/distribution",
            json!({"type": "empirical", "values": (0..=1_048_576).collect::<Vec<i64>>()}),
            "demand[0].distribution",
            "has 1048577 distinct values; at most 1048576",
        ),
        one(
            "/demand/0/distribution",
            json!({"type": "bootstrap", "file": "data/history-long.csv", "column": "qty"}),
            "demand[0].distribution.file",
            "holds several series: column \"sku\" takes 2 different values",
        ),
        // Names.
        one("/items/0/id", json!("wid\nget"), "items[0].id", "control character '\\n'"),
        one("/name", json!("a\tb"), "name", "one line of text"),
        one(
            "/policies/0/name",
            json!("x".repeat(101)),
            "policies[0].name",
            "is 101 characters long; at most 100",
        ),
        case(
            vec![Set("/policies/0/name", json!("b_s")), Set("/policies/1/name", json!("b s"))],
            "policies[1].name",
            "give the same file name \"b_s\"",
        ),
        one("/lanes/0/lead_time", poisson(2e7), "lanes[0].lead_time.mean", "1e7"),
        one("/demand/0/distribution", poisson(6e6), "demand[0]", "1e7"),
    ]
}

#[test]
fn the_base_scenario_is_valid() {
    assert_eq!(common::problems(BASE), Vec::new());
}

#[test]
fn every_documented_rule_is_reported_at_its_path() {
    let base: Value = serde_json::from_str(BASE).expect("the base is JSON");
    let mut failures = Vec::new();
    for (i, c) in cases().iter().enumerate() {
        let mut doc = base.clone();
        c.edits.iter().for_each(|e| apply(&mut doc, e));
        let problems = common::problems(&doc.to_string());
        if !problems.iter().any(|p| p.path == c.path && p.message.contains(c.fragment)) {
            let found: Vec<String> = problems.iter().map(|p| format!("{p}")).collect();
            failures.push(format!("case {i}: want at {} {:?}; found {found:#?}", c.path, c.fragment));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases().len(),
        failures.join("\n")
    );
}
