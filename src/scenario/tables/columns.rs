//! The columns of each scenario table: their name, type, whether a row needs them, and what
//! they mean. The reader checks every table against these lists and `scsim schema --tables`
//! prints them, so the two cannot disagree.

use std::collections::BTreeSet;

use schemars::JsonSchema;
use serde_json::{Value, json};

use crate::scenario::{IntDistSpec, PolicySpec};

/// What a cell holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Text, kept as written (ids, names).
    Text,
    /// A number.
    Number,
    /// A whole number.
    Integer,
    /// Numbers separated by spaces.
    Numbers,
    /// A number when the cell reads as one, else text (the parameters of distributions and
    /// policies).
    Auto,
}

impl Kind {
    /// The word for the kind in `scsim schema --tables`.
    fn word(self) -> &'static str {
        match self {
            Kind::Text => "string",
            Kind::Number => "number",
            Kind::Integer => "integer",
            Kind::Numbers => "numbers separated by spaces",
            Kind::Auto => "number or string",
        }
    }
}

/// A named column of a table.
#[derive(Debug)]
pub(crate) struct Column {
    /// Its header.
    pub(crate) name: &'static str,
    /// What its cells hold.
    pub(crate) kind: Kind,
    /// Whether every row needs a value in it.
    pub(crate) required: bool,
    /// What it means.
    pub(crate) meaning: &'static str,
}

/// Columns whose names are not listed but follow a rule: the fields of a distribution or a
/// policy, optionally behind a prefix.
#[derive(Debug)]
pub(crate) struct Open {
    /// The prefix of their headers (empty: none).
    pub(crate) prefix: &'static str,
    /// What they mean.
    pub(crate) meaning: &'static str,
    /// The field names allowed after the prefix.
    pub(crate) fields: fn() -> BTreeSet<String>,
}

/// One table a scenario can read.
#[derive(Debug)]
pub(crate) struct TableSpec {
    /// Its field in the scenario's `tables`.
    pub(crate) name: &'static str,
    /// What a row becomes.
    pub(crate) becomes: &'static str,
    /// Its named columns.
    pub(crate) columns: &'static [Column],
    /// Its parameter columns.
    pub(crate) open: &'static [Open],
    /// The columns that identify a row: no two rows may repeat them.
    pub(crate) key: &'static [&'static str],
}

impl TableSpec {
    /// The named column `name`.
    pub(crate) fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The parameter field a header names (`lead_time_mean` → `mean`), if it is one.
    pub(crate) fn open_field<'h>(&self, header: &'h str) -> Option<(&Open, &'h str)> {
        self.open.iter().find_map(|o| {
            let field = header.strip_prefix(o.prefix)?;
            (field != "type" && (o.fields)().contains(field)).then_some((o, field))
        })
    }

    /// Every header the table allows by name (named columns, then parameter columns), for
    /// suggestions.
    pub(crate) fn known(&self) -> Vec<String> {
        let named = self.columns.iter().map(|c| c.name.to_string());
        let open = self.open.iter().flat_map(|o| {
            (o.fields)().into_iter().filter(|f| f != "type").map(move |f| format!("{}{f}", o.prefix))
        });
        named.chain(open).collect()
    }

    /// The table as `scsim schema --tables` prints it.
    fn describe(&self) -> Value {
        let named = self.columns.iter().map(
            |c| json!({"name": c.name, "type": c.kind.word(), "required": c.required, "meaning": c.meaning}),
        );
        let open = self.open.iter().map(|o| {
            json!({"name": format!("{}<field>", o.prefix), "type": Kind::Auto.word(), "required": false,
                   "meaning": o.meaning, "fields": (o.fields)()})
        });
        json!({"becomes": self.becomes, "key": self.key, "columns": named.chain(open).collect::<Vec<_>>()})
    }
}

/// Every table's columns, by table, as `scsim schema --tables` prints them.
pub fn tables_schema() -> Value {
    Value::Object(TABLES.iter().map(|t| (t.name.to_string(), t.describe())).collect())
}

const fn col(name: &'static str, kind: Kind, required: bool, meaning: &'static str) -> Column {
    Column { name, kind, required, meaning }
}

/// The field names of every variant of a tagged enum `T` (its `type` included).
fn variant_fields<T: JsonSchema>() -> BTreeSet<String> {
    let schema = schemars::schema_for!(T).to_value();
    let defs = schema.get("$defs");
    let resolve = |v: &Value| match v.get("$ref").and_then(Value::as_str) {
        Some(r) => defs.and_then(|d| d.get(r.trim_start_matches("#/$defs/"))).cloned().unwrap_or_default(),
        None => v.clone(),
    };
    let variants = schema.get("oneOf").or_else(|| schema.get("anyOf")).and_then(Value::as_array);
    variants
        .into_iter()
        .flatten()
        .map(resolve)
        .filter_map(|v| {
            v.get("properties").and_then(Value::as_object).map(|p| p.keys().cloned().collect::<Vec<_>>())
        })
        .flatten()
        .collect()
}

fn distribution_fields() -> BTreeSet<String> {
    variant_fields::<IntDistSpec>()
}

fn policy_fields() -> BTreeSet<String> {
    variant_fields::<PolicySpec>()
}

/// The cost columns of the items table, by their JSON names in `costs`.
pub(crate) const COST_COLUMNS: [&str; 6] = [
    "holding_per_unit_day",
    "backorder_per_unit_day",
    "lost_sale_per_unit",
    "order_fixed",
    "unit_purchase",
    "in_transit_per_unit_day",
];

/// The tables, in the order they are read.
pub(crate) static TABLES: [TableSpec; 5] = [ITEMS, DEMAND, LANES, POLICIES, INITIAL];

/// `tables.items`.
pub(crate) const ITEMS: TableSpec = TableSpec {
    name: "items",
    becomes: "an element of `items`",
    columns: &[
        col("item", Kind::Text, true, "the item's id"),
        col("description", Kind::Text, false, "free text"),
        col("price", Kind::Number, false, "selling price per unit"),
        col("holding_per_unit_day", Kind::Number, false, "costs.holding_per_unit_day of the item"),
        col("backorder_per_unit_day", Kind::Number, false, "costs.backorder_per_unit_day of the item"),
        col("lost_sale_per_unit", Kind::Number, false, "costs.lost_sale_per_unit of the item"),
        col("order_fixed", Kind::Number, false, "costs.order_fixed of the item"),
        col("unit_purchase", Kind::Number, false, "costs.unit_purchase of the item"),
        col("in_transit_per_unit_day", Kind::Number, false, "costs.in_transit_per_unit_day of the item"),
    ],
    open: &[],
    key: &["item"],
};

/// `tables.demand`.
pub(crate) const DEMAND: TableSpec = TableSpec {
    name: "demand",
    becomes: "an element of `demand`",
    columns: &[
        col("location", Kind::Text, true, "location id where customers buy"),
        col("item", Kind::Text, true, "item id they buy"),
        col("segment", Kind::Text, false, "customer segment id"),
        col("distribution", Kind::Text, true, "the `type` of the daily demand distribution"),
        col(
            "weekly_profile",
            Kind::Numbers,
            false,
            "7 multipliers of the daily mean; day t uses entry t mod 7",
        ),
        col("trend_per_day", Kind::Number, false, "a linear trend: per_day of {\"type\": \"linear\"}"),
        col("size_distribution", Kind::Text, false, "the `type` of the `size` of a compound distribution"),
    ],
    open: &[
        Open {
            prefix: "size_",
            meaning: "a field of the `size` of a compound distribution",
            fields: distribution_fields,
        },
        Open { prefix: "", meaning: "a field of the `distribution` object", fields: distribution_fields },
    ],
    key: &[],
};

/// `tables.lanes`.
pub(crate) const LANES: TableSpec = TableSpec {
    name: "lanes",
    becomes: "an element of the lane's `item_terms`",
    columns: &[
        col("lane", Kind::Text, true, "id of a lane of the scenario"),
        col("item", Kind::Text, true, "item id; the lane must carry it"),
        col("unit_cost", Kind::Number, false, "price per unit of the item on the lane"),
        col("order_cost", Kind::Number, false, "fixed cost per order of the item on the lane"),
        col("min_order", Kind::Integer, false, "minimum order quantity (units)"),
        col("order_multiple", Kind::Integer, false, "orders are rounded up to a multiple of this"),
        col("lead_time", Kind::Number, false, "a constant lead time in days"),
        col("lead_time_distribution", Kind::Text, false, "the `type` of a random lead time"),
    ],
    open: &[Open {
        prefix: "lead_time_",
        meaning: "a field of the lead time distribution",
        fields: distribution_fields,
    }],
    key: &["lane", "item"],
};

/// `tables.policies`.
pub(crate) const POLICIES: TableSpec = TableSpec {
    name: "policies",
    becomes: "an element of the policy's `overrides`",
    columns: &[
        col("policy", Kind::Text, true, "name of a policy of the scenario"),
        col("location", Kind::Text, true, "location id"),
        col("item", Kind::Text, true, "item id"),
        col(
            "type",
            Kind::Text,
            false,
            "an inventory policy type; empty: the policy's own, with the row's parameters",
        ),
        col(
            "z",
            Kind::Number,
            false,
            "the safety factor of a safety_stock policy: its `service` becomes {\"type\": \"safety_factor\", \"z\": z}",
        ),
    ],
    open: &[Open {
        prefix: "",
        meaning: "a field of the inventory policy (S, s, r, Q, review_period, …)",
        fields: policy_fields,
    }],
    key: &["policy", "location", "item"],
};

/// `tables.initial_on_hand`.
pub(crate) const INITIAL: TableSpec = TableSpec {
    name: "initial_on_hand",
    becomes: "an element of `initial_on_hand`",
    columns: &[
        col("location", Kind::Text, true, "location id"),
        col("item", Kind::Text, true, "item id"),
        col("units", Kind::Integer, true, "units on hand at the start of day 0"),
    ],
    open: &[],
    key: &["location", "item"],
};
