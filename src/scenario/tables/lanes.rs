//! The lanes table: each row the terms of one item on a lane, appended to the lane's
//! `item_terms`; the lead time is `lead_time` (a constant) or `lead_time_distribution` with
//! its `lead_time_…` fields.

use serde_json::Value;

use super::columns::TableSpec;
use super::read::Table;
use super::{Entry, Out};
use crate::scenario::error::Problem;

/// Appends the item terms of each row of `table` to its lane.
pub(super) fn append(spec: &TableSpec, table: &Table, out: &mut Out) {
    for row in &table.rows {
        let lane = table.text(row, "lane").unwrap_or_default();
        let Some(k) = out.find("lanes", "id", lane, (table, row, "lane")) else { continue };
        let mut e = Entry::new("item");
        for column in ["item", "unit_cost", "order_cost", "min_order", "order_multiple"] {
            e.copy(table, row, column, column);
        }
        let constant = table.get(row, "lead_time");
        let random = table.get(row, "lead_time_distribution");
        if let (Some(_), Some(_)) = (constant, random) {
            let message = "is set with `lead_time`; give either a constant `lead_time` or a distribution";
            out.appended.problems.push(Problem::in_table(table.cell(row, "lead_time_distribution"), message));
            continue;
        }
        if let Some(v) = constant {
            e.set("lead_time.type", Value::from("constant"), "lead_time");
            e.set("lead_time.value", v.clone(), "lead_time");
            e.mark("lead_time", "lead_time");
        } else {
            let mut fields = table.params(spec, row, "lead_time_").peekable();
            if random.is_some() || fields.peek().is_some() {
                for (field, header, v) in fields {
                    e.set(&format!("lead_time.{field}"), v.clone(), header);
                }
                e.copy(table, row, "lead_time_distribution", "lead_time.type");
                e.mark("lead_time", "lead_time_distribution");
            }
        }
        out.push((&format!("/lanes/{k}"), &format!("lanes[{k}]")), "item_terms", e, table, row);
    }
}
