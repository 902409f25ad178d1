//! Backorders kept in bulk: where a short line of a demand stream needs no state of its own, the
//! day's short units wait as one line per promised day (see `backlog`), so that neither
//! backordering nor filling them costs more with more customers waiting. Every count comes out
//! as if each unit were its own line.

use crate::model::{Control, DemandStream, Model};
use crate::sim::backlog::{NewLine, Orderer, promise_days};
use crate::sim::engine::Workspace;
use crate::sim::flow::ring_slot;

/// Whether each demand stream's short lines can be kept in bulk: lines of one unit, always
/// backordered (no draw per line), no patience (no deadline per line), at a pair that fills
/// first come first served (fair share splits by line, so each line must stay one).
pub(super) fn in_bulk(model: &Model) -> Vec<bool> {
    let bulk = |stream: &DemandStream| {
        let segment = &model.segments[stream.segment];
        segment.line_size == 1
            && segment.backorder_probability >= 1.0
            && segment.patience.is_none()
            && !model.pairs[stream.pair].fair_share
    };
    model.demands.iter().map(bulk).collect()
}

impl Workspace {
    /// `short` units of demand stream `d` that stock could not fill today, each a line of one
    /// unit: backordered in bulk, each run of units promised the same day as one line.
    pub(super) fn wait_in_bulk(
        &mut self,
        model: &Model,
        controls: &[Control],
        d: usize,
        day: u32,
        short: i64,
    ) {
        let stream = &model.demands[d];
        let pi = stream.pair;
        let first_need = self.pairs[pi].backorders + self.pairs[pi].owed + 1;
        let Workspace { pairs, pipeline, ring, calendar, .. } = self;
        let (ring, p) = (*ring, &mut pairs[pi]);
        let due = |day: u32| pipeline[ring_slot(ring, pi, day)];
        let by = Orderer::Customer { stream: d as u32 };
        let wait = |promise: u32, units: i64| {
            let line = NewLine { day, promise, by, units, partial: true, unit_lines: true };
            p.backlog.push(stream.class, line);
        };
        promise_days(day, first_need, short, calendar.span(), due, controls[pi].promise_days, wait);
        p.backorders += short;
        if day >= model.warmup {
            p.counters.backordered_lines += short as u64;
            self.demand_states[d].counters.backordered_units += short as u64;
        }
        if let Some(churn) = &model.segments[stream.segment].churn {
            let state = &mut self.demand_states[d];
            for _ in 0..short {
                state.loyalty = churn.after_bad_experience(state.loyalty);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Model;
    use crate::scenario::ScenarioFile;
    use crate::sim::engine::Workspace;
    use crate::sim::engine::tests::outcome;
    use std::path::Path;

    /// A store supplied by a DC, customers at both, always short (S far below the lead-time
    /// demand) so that many customers wait; `PATIENCE` is replaced by the segment's patience.
    const NETWORK: &str = r#"{
        "schema_version": 1, "horizon_days": 200, "warmup_days": 20,
        "items": [{"id": "a"}, {"id": "b"}],
        "locations": [{"id": "dc"}, {"id": "store"}],
        "suppliers": [{"id": "sup"}],
        "lanes": [
            {"id": "in", "from": "sup", "to": "dc", "lead_time": {"type": "uniform", "min": 2, "max": 6}},
            {"id": "out", "from": "dc", "to": "store", "lead_time": {"type": "constant", "value": 2}}
        ],
        "segments": [{"id": "walk-in", "churn": {"drop": 0.001, "recovery_per_day": 0.01} PATIENCE}],
        "demand": [
            {"location": "store", "item": "a", "segment": "walk-in", "distribution": {"type": "poisson", "mean": 20}},
            {"location": "dc", "item": "a", "segment": "walk-in", "distribution": {"type": "poisson", "mean": 10}},
            {"location": "store", "item": "b", "segment": "walk-in", "distribution": {"type": "negative_binomial", "mean": 12, "sd": 8}}
        ],
        "policies": [{"name": "short", "inventory": {"type": "base_stock", "S": 60}}]
    }"#;

    fn model(patience: &str) -> Model {
        let json = NETWORK.replace("PATIENCE", patience);
        Model::build(&ScenarioFile::parse(json.as_bytes(), Path::new("bulk.json")).expect("parses"))
            .expect("valid")
    }

    #[test]
    fn bulk_backorders_count_as_lines_of_one_unit() {
        // A patience longer than the horizon cancels nothing but needs a deadline per line, so
        // it keeps every unit its own line: the reference the bulk lines must reproduce.
        let (bulk, single) = (model(""), model(r#", "patience_days": {"type": "constant", "value": 500}"#));
        assert_eq!(super::in_bulk(&bulk), vec![true; 3]);
        assert_eq!(super::in_bulk(&single), vec![false; 3]);
        let (mut a, mut b) = (Workspace::new(&bulk), Workspace::new(&single));
        for replication in 0..4 {
            a.run(&bulk, 0, 9, replication);
            b.run(&single, 0, 9, replication);
            let total = a.total().0;
            assert!(total.backordered_lines > 1000 && total.lines_completed > 1000, "{total:?}");
            assert!(total.lines_on_time > 0 && total.lateness_days > 0, "promises both kept and missed");
            assert_eq!(outcome(&a), outcome(&b), "replication {replication}");
        }
    }
}
