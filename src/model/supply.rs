//! Supply: suppliers and their outages, and windows of days (outages, promotions).

use super::MAX_HORIZON;
use super::build::Builder;
use crate::scenario::{self, InTransit, RandomOutages, Scenario};
use crate::sim::supply::{Outages, Supplier, Window};

impl Builder<'_> {
    pub(super) fn window(&mut self, path: &str, start: i64, days: i64, every: Option<i64>) -> Window {
        self.range_i64(&format!("{path}.start_day"), start, 0, MAX_HORIZON);
        self.range_i64(&format!("{path}.days"), days, 1, MAX_HORIZON);
        if let Some(e) = every {
            self.range_i64(&format!("{path}.every_days"), e, days.max(1), MAX_HORIZON);
        }
        Window {
            start: start.clamp(0, MAX_HORIZON) as u32,
            days: days.clamp(1, MAX_HORIZON) as u32,
            every: every.map(|e| e.clamp(1, MAX_HORIZON) as u32),
        }
    }

    pub(super) fn supplier(&mut self, i: usize, sup: &scenario::Supplier, s: &Scenario) -> Supplier {
        let path = format!("suppliers[{i}].outages");
        let outages = sup.outages.as_ref().map(|o| {
            let markov = o.random.as_ref().map(|r| match *r {
                RandomOutages::Markov { fail_probability, recover_probability } => {
                    let fail = self.probability(format!("{path}.random.fail_probability"), fail_probability);
                    if !(recover_probability > 0.0 && recover_probability <= 1.0) {
                        self.problem(
                            format!("{path}.random.recover_probability"),
                            format!("is {recover_probability}; allowed: greater than 0, at most 1"),
                        );
                    }
                    (fail, recover_probability)
                }
                RandomOutages::Mtbf { mean_days_between_failures: up, mean_days_to_repair: down } => {
                    for (field, v) in [("mean_days_between_failures", up), ("mean_days_to_repair", down)] {
                        if !(v.is_finite() && (1.0..=1e7).contains(&v)) {
                            self.problem(
                                format!("{path}.random.{field}"),
                                format!("is {v}; allowed: 1 to 1e7 days"),
                            );
                        }
                    }
                    (1.0 / up.max(1.0), 1.0 / down.max(1.0))
                }
            });
            let windows = o
                .scheduled
                .iter()
                .enumerate()
                .map(|(k, w)| {
                    self.window(&format!("{path}.scheduled[{k}]"), w.start_day, w.days, w.every_days)
                })
                .collect();
            if !(0.0..1.0).contains(&o.remaining_capacity) {
                self.problem(
                    format!("{path}.remaining_capacity"),
                    format!("is {}; allowed: 0 (full outage) up to, not including, 1", o.remaining_capacity),
                );
            } else if o.remaining_capacity > 0.0 {
                for (k, lane) in s.lanes.iter().enumerate().filter(|(_, l)| l.from == sup.id) {
                    if lane.capacity_per_day.is_none() {
                        self.problem(
                            format!("lanes[{k}].capacity_per_day"),
                            format!(
                                "is needed: supplier {:?} keeps a share of its capacity during outages",
                                sup.id
                            ),
                        );
                    }
                }
            }
            Outages {
                markov,
                windows,
                remaining_capacity: o.remaining_capacity,
                freeze_in_transit: o.in_transit == InTransit::Freeze,
            }
        });
        Supplier { id: sup.id.clone(), outages }
    }
}
