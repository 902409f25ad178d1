//! `scsim init --tables DIR`: writes a small working scenario that takes its items, demand,
//! lane terms, policy parameters and starting stock from CSV tables, to start from.

use std::path::Path;

use anyhow::{Context, Result, bail};

/// The template's files, by name.
const FILES: [(&str, &str); 6] = [
    ("scenario.json", include_str!("template/scenario.json")),
    ("items.csv", include_str!("template/items.csv")),
    ("demand.csv", include_str!("template/demand.csv")),
    ("lanes.csv", include_str!("template/lanes.csv")),
    ("policies.csv", include_str!("template/policies.csv")),
    ("initial_on_hand.csv", include_str!("template/initial_on_hand.csv")),
];

/// Writes the template into `dir` (created if needed); refuses to replace a file. Returns the
/// scenario's path.
pub(super) fn write_tables_template(dir: &Path) -> Result<std::path::PathBuf> {
    let existing: Vec<&str> = FILES.iter().map(|f| f.0).filter(|n| dir.join(n).exists()).collect();
    if !existing.is_empty() {
        bail!(super::InputError(format!(
            "{} already holds {}; scsim init writes only into a folder without them",
            dir.display(),
            existing.join(", ")
        )));
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for (name, text) in FILES {
        let path = dir.join(name);
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(dir.join("scenario.json"))
}
