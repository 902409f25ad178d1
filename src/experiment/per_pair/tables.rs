//! The files of a per-pair optimisation: `policy-table.csv` and
//! `policy-table-results.csv`.

use super::{Choice, Outcome};
use crate::metrics::METRICS;

/// The header of `policy-table.csv` for `outcome`: the key columns, then each parameter
/// column any pair has, in the order s, S, r, S_cover_days, z.
fn parameter_columns(outcome: &Outcome) -> Vec<&'static str> {
    ["s", "S", "r", "S_cover_days", "z"]
        .into_iter()
        .filter(|c| outcome.choices.iter().any(|ch| ch.values.iter().any(|v| v.0 == *c)))
        .collect()
}

/// The bytes of `policy-table.csv` (exactly the `policies` table of a scenario's
/// `tables`): `policy,location,item`, then one column per parameter set.
pub fn policy_table_bytes(policy: &str, outcome: &Outcome) -> Vec<u8> {
    table(policy, outcome, &[], |_| Vec::new())
}

/// The bytes of `policy-table-results.csv`: the keys and parameters of `policy-table.csv`,
/// whether the pair (or, for a catalogue target, the catalogue) meets the target, the
/// inventory investment, then every metric's mean and 95 % half-width at the chosen level.
pub fn results_bytes(policy: &str, outcome: &Outcome) -> Vec<u8> {
    let mut extra = vec!["meets_target".to_string(), "inventory_investment".to_string()];
    extra.extend(METRICS.iter().flat_map(|m| [format!("{}_mean", m.key), format!("{}_half_width", m.key)]));
    let cell = |x: f64| if x.is_finite() { crate::report::fmt_f64(x) } else { String::new() };
    table(policy, outcome, &extra, |c| {
        let mut row = vec![c.meets_target.to_string(), cell(c.investment)];
        row.extend(c.metrics.iter().flat_map(|m| [cell(m.mean()), cell(m.half_width())]));
        row
    })
}

/// A table with a row per choice: keys, parameters, then `extra` columns from `more`.
fn table(
    policy: &str,
    outcome: &Outcome,
    extra: &[String],
    more: impl Fn(&Choice) -> Vec<String>,
) -> Vec<u8> {
    use crate::report::csv::id_cell;
    let params = parameter_columns(outcome);
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = ["policy", "location", "item"].iter().map(ToString::to_string).collect();
    header.extend(params.iter().map(ToString::to_string));
    header.extend(extra.iter().cloned());
    out.write_record(&header).expect("writing into memory cannot fail");
    for c in &outcome.choices {
        let mut row: Vec<String> =
            [policy, &c.location, &c.item].iter().map(|id| id_cell(id).into_owned()).collect();
        for p in &params {
            row.push(c.values.iter().find(|v| v.0 == *p).map_or(String::new(), |v| v.1.clone()));
        }
        row.extend(more(c));
        out.write_record(&row).expect("writing into memory cannot fail");
    }
    out.into_inner().expect("writing into memory cannot fail")
}
