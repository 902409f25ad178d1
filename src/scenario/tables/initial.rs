//! The starting-stock table: each row an element of `initial_on_hand`.

use super::read::Table;
use super::{Entry, Out};

/// Appends a starting stock for each row of `table`.
pub(super) fn append(table: &Table, out: &mut Out) {
    for row in &table.rows {
        let mut e = Entry::new("location");
        for column in ["location", "item", "units"] {
            e.copy(table, row, column, column);
        }
        out.push(("", ""), "initial_on_hand", e, table, row);
    }
}
