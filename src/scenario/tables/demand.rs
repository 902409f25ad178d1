//! The demand table: each row an element of `demand`; the `distribution` column is the
//! distribution's `type` and every other column a field of it (`size_…` columns those of the
//! `size` of a compound distribution).

use serde_json::Value;

use super::columns::TableSpec;
use super::read::{Row, Table};
use super::{Entry, Out};

/// Appends a demand stream for each row of `table`.
pub(super) fn append(spec: &TableSpec, table: &Table, out: &mut Out) {
    for row in &table.rows {
        let mut e = Entry::new("location");
        for column in ["location", "item", "segment", "weekly_profile"] {
            e.copy(table, row, column, column);
        }
        distribution(spec, table, row, &mut e);
        if let Some(v) = table.get(row, "trend_per_day") {
            e.set("trend.type", Value::from("linear"), "trend_per_day");
            e.set("trend.per_day", v.clone(), "trend_per_day");
            e.mark("trend", "trend_per_day");
        }
        out.push(("", ""), "demand", e, table, row);
    }
}

/// The row's `distribution` object, with the `size` of a compound distribution.
fn distribution(spec: &TableSpec, table: &Table, row: &Row, e: &mut Entry) {
    e.copy(table, row, "distribution", "distribution.type");
    for (field, header, v) in table.params(spec, row, "") {
        e.set(&format!("distribution.{field}"), v.clone(), header);
    }
    e.mark("distribution", "distribution");
    let mut size = table.params(spec, row, "size_").peekable();
    if table.get(row, "size_distribution").is_some() || size.peek().is_some() {
        for (field, header, v) in size {
            e.set(&format!("distribution.size.{field}"), v.clone(), header);
        }
        e.copy(table, row, "size_distribution", "distribution.size.type");
        e.mark("distribution.size", "size_distribution");
    }
}
