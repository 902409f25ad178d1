//! The policies table: each row an override `{location, item, inventory}` appended to the
//! named policy's `overrides`. With a `type`, the row's parameters make the inventory policy;
//! without, they replace the fields of the policy's own. A `z` cell sets a `safety_stock`
//! policy's `service` to `{"type": "safety_factor", "z": z}`.

use serde_json::{Map, Value};

use super::columns::TableSpec;
use super::read::Table;
use super::{Entry, Out};

/// Appends an override for each row of `table` to its policy.
pub(super) fn append(spec: &TableSpec, table: &Table, out: &mut Out) {
    for row in &table.rows {
        let name = table.text(row, "policy").unwrap_or_default();
        let Some(k) = out.find("policies", "name", name, (table, row, "policy")) else { continue };
        let mut e = Entry::new("policy");
        e.copy(table, row, "location", "location");
        e.copy(table, row, "item", "item");
        let mut inventory = match table.get(row, "type") {
            Some(t) => Map::from_iter([("type".to_string(), t.clone())]),
            None => own_inventory(out, k),
        };
        for (field, _, v) in table.params(spec, row, "") {
            // A quantity given in units replaces one given in days of cover, and the reverse.
            let other = field
                .strip_suffix("_cover_days")
                .map_or_else(|| format!("{field}_cover_days"), str::to_string);
            inventory.remove(&other);
            inventory.insert(field.to_string(), v.clone());
        }
        let z = table.get(row, "z");
        if let Some(z) = z {
            let service = Map::from_iter([("type".into(), "safety_factor".into()), ("z".into(), z.clone())]);
            inventory.insert("service".to_string(), Value::Object(service));
        }
        let whole = if table.get(row, "type").is_some() { "type" } else { "policy" };
        e.set("inventory", Value::Object(inventory), whole);
        for (field, header, _) in table.params(spec, row, "") {
            e.mark(&format!("inventory.{field}"), header);
        }
        if z.is_some() {
            e.mark("inventory.service", "z");
            e.mark("inventory.service.z", "z");
        }
        out.push((&format!("/policies/{k}"), &format!("policies[{k}]")), "overrides", e, table, row);
    }
}

/// The inventory policy of policy `k` as written in the scenario.
fn own_inventory(out: &Out, k: usize) -> Map<String, Value> {
    match out.doc.pointer(&format!("/policies/{k}/inventory")) {
        Some(Value::Object(m)) => m.clone(),
        _ => Map::new(),
    }
}
