//! Step 0: which suppliers are down today, and what their lanes can take.

use crate::model::Model;
use crate::sim::engine::{DayRecord, Workspace};

impl Workspace {
    /// Step 0: which suppliers are down today, and what their lanes can take.
    pub(super) fn suppliers(&mut self, model: &Model, day: u32, rec: &mut DayRecord) {
        let measured = day >= model.warmup;
        for (s, (sup, state)) in model.suppliers.iter().zip(&mut self.suppliers).enumerate() {
            let Some(o) = &sup.outages else { continue };
            if let Some((fail, recover)) = o.markov {
                let u = self.streams.outage[s].uniform_at(day as u64);
                state.up = if day == 0 {
                    u < o.stationary_up()
                } else if state.up {
                    u >= fail
                } else {
                    u < recover
                };
            } else {
                state.up = true;
            }
            state.down = !state.up || o.windows.iter().any(|w| w.contains(day));
            if state.down {
                state.down_days += 1;
                rec.suppliers_down += 1;
            }
            if measured {
                let days = &mut self.supplier_days[s];
                days.up += u64::from(!state.down);
                days.down += u64::from(state.down);
            }
        }
        for (l, lane) in model.lanes.iter().enumerate() {
            let Some(from) = lane.supplier() else { continue };
            let remaining = model.suppliers[from].outages.as_ref().map_or(0.0, |o| o.remaining_capacity);
            self.lane_capacity[l] = if self.suppliers[from].down {
                (remaining * lane.capacity_per_day as f64).floor() as i64
            } else {
                lane.capacity_per_day
            };
        }
        for (p, pair) in self.pairs.iter_mut().zip(&model.pairs) {
            p.disrupted = pair
                .sources
                .iter()
                .any(|src| model.lanes[src.lane].supplier().is_some_and(|s| self.suppliers[s].down));
        }
    }
}
