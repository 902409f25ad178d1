//! The items table: each row an element of `items`, its cost columns in the item's `costs`.

use super::columns::COST_COLUMNS;
use super::read::Table;
use super::{Entry, Out};

/// Appends an item for each row of `table`.
pub(super) fn append(table: &Table, out: &mut Out) {
    for row in &table.rows {
        let mut e = Entry::new("item");
        e.copy(table, row, "item", "id");
        e.copy(table, row, "description", "description");
        e.copy(table, row, "price", "price");
        for c in COST_COLUMNS {
            e.copy(table, row, c, &format!("costs.{c}"));
        }
        out.push(("", ""), "items", e, table, row);
    }
}
