//! Run settings given outside the file (command-line flags, Python arguments) that replace the
//! scenario's own: replications, horizon, warm-up and seed.

use serde_json::Value;

use super::Scenario;

/// Run settings that replace the scenario's own (`None`: the scenario's).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SettingOverrides {
    /// Number of replications (`replications`).
    pub replications: Option<u32>,
    /// Days to simulate (`horizon_days`).
    pub days: Option<u32>,
    /// Warm-up days left out of the metrics (`warmup_days`).
    pub warmup: Option<u32>,
    /// Master seed (`seed`).
    pub seed: Option<u64>,
}

impl SettingOverrides {
    /// Each setting given, by the scenario field it replaces (for the document).
    fn fields(&self) -> impl Iterator<Item = (&'static str, u64)> {
        [
            ("replications", self.replications.map(u64::from)),
            ("horizon_days", self.days.map(u64::from)),
            ("warmup_days", self.warmup.map(u64::from)),
            ("seed", self.seed),
        ]
        .into_iter()
        .filter_map(|(key, value)| value.map(|v| (key, v)))
    }

    /// Applies the settings to a parsed scenario.
    pub fn apply(&self, s: &mut Scenario) {
        if let Some(n) = self.replications {
            s.replications = n.into();
        }
        if let Some(d) = self.days {
            s.horizon_days = d.into();
        }
        if let Some(w) = self.warmup {
            s.warmup_days = w.into();
        }
        if let Some(seed) = self.seed {
            s.seed = seed;
        }
    }

    /// Applies the settings to a scenario document (sweeps and searches edit the document).
    pub fn apply_json(&self, doc: &mut Value) {
        let Some(map) = doc.as_object_mut() else { return };
        for (key, v) in self.fields() {
            map.insert(key.to_string(), v.into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_and_the_parsed_scenario_get_the_same_settings() {
        let text = r#"{"schema_version": 1, "horizon_days": 100, "replications": 7, "seed": 3,
            "items": [], "locations": [], "lanes": [], "policies": []}"#;
        let given = SettingOverrides { replications: Some(20), days: None, warmup: Some(10), seed: Some(9) };
        let mut doc: Value = serde_json::from_str(text).unwrap();
        given.apply_json(&mut doc);
        let mut parsed: Scenario = serde_json::from_str(text).unwrap();
        given.apply(&mut parsed);
        let from_doc: Scenario = serde_json::from_value(doc).unwrap();
        for s in [&parsed, &from_doc] {
            assert_eq!((s.replications, s.horizon_days, s.warmup_days, s.seed), (20, 100, 10, 9));
        }
    }
}
