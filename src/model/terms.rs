//! The terms of particular items on a lane (`lanes[].item_terms`): their price, order cost,
//! lead time, minimum order and multiple, each replacing the lane's own for that item.

use super::build::{Builder, Index, ceil_days};
use super::{MAX_COST, MAX_LEAD_TIME, MAX_UNITS};
use crate::scenario::{self, IntDistSpec};
use crate::sim::dist::Sampler;
use crate::sim::supply::Lead;

/// An item's terms on a lane, checked; `None` fields take the lane's own.
#[derive(Debug, Clone, Default)]
pub(super) struct Terms {
    /// Price per unit.
    pub(super) unit_cost: Option<f64>,
    /// Fixed cost per order.
    pub(super) order_cost: Option<f64>,
    /// Minimum order quantity.
    pub(super) min_order: Option<i64>,
    /// Order multiple.
    pub(super) order_multiple: Option<i64>,
}

/// The item terms of one lane: the terms of each item (empty when no item has its own), and
/// the lead times (the lane's own first) with the one each item travels with.
pub(super) struct LaneTerms {
    /// By item index (empty: every item on the lane's own terms).
    pub(super) terms: Vec<Terms>,
    /// The lane's lead time, then the items' own.
    pub(super) leads: Vec<Lead>,
    /// By item index, the index into `leads` (empty: all 0).
    pub(super) lead_of_item: Vec<u32>,
}

impl Builder<'_> {
    /// A lead time at `path`, checked (at most [`MAX_LEAD_TIME`] days).
    pub(super) fn lead_sampler(&mut self, path: &str, spec: &IntDistSpec) -> Option<Sampler> {
        let lead = self.sampler(path, spec)?;
        if lead.table().max() > MAX_LEAD_TIME {
            self.problem(
                path,
                format!("can reach {} days; allowed: at most {MAX_LEAD_TIME}", lead.table().max()),
            );
        }
        Some(lead)
    }

    /// The item terms of lane `lane` (at `path`), which carries the items `carried` and has the
    /// lead time `own`; `None` when one of them has a problem.
    pub(super) fn lane_terms(
        &mut self,
        path: &str,
        lane: &scenario::Lane,
        carried: &[usize],
        own: &Sampler,
        ids: &Index,
        n_item: usize,
    ) -> Option<LaneTerms> {
        let before = self.problems.len();
        let quoted = |s: &Sampler| {
            lane.quoted_lead_time.map_or_else(
                || ceil_days(s.table().pmf().map(|(v, p)| v as f64 * p).sum::<f64>()),
                |q| q.clamp(0, MAX_LEAD_TIME as i64) as u32,
            )
        };
        let mut out = LaneTerms {
            terms: Vec::new(),
            leads: vec![Lead { sampler: own.clone(), quoted: quoted(own) }],
            lead_of_item: Vec::new(),
        };
        let mut seen = vec![false; n_item];
        for (k, t) in lane.item_terms.iter().enumerate() {
            let at = format!("{path}.item_terms[{k}]");
            let Some(it) = self.resolve(&ids.items, &t.item, format!("{at}.item"), "item") else { continue };
            if !carried.contains(&it) {
                self.problem(
                    format!("{at}.item"),
                    format!(
                        "{:?} is not carried by lane {:?}; allowed: an item in its `items`",
                        t.item, lane.id
                    ),
                );
            } else if std::mem::replace(&mut seen[it], true) {
                self.problem(
                    format!("{at}.item"),
                    format!("{:?} has terms earlier in this list; give each item once", t.item),
                );
            }
            let terms = self.item_terms(&at, t);
            if out.terms.is_empty() {
                out.terms = vec![Terms::default(); n_item];
            }
            out.terms[it] = terms;
            if let Some(lead) =
                t.lead_time.as_ref().and_then(|l| self.lead_sampler(&format!("{at}.lead_time"), l))
            {
                if out.lead_of_item.is_empty() {
                    out.lead_of_item = vec![0; n_item];
                }
                out.lead_of_item[it] = out.leads.len() as u32;
                out.leads.push(Lead { quoted: quoted(&lead), sampler: lead });
            }
        }
        (self.problems.len() == before).then_some(out)
    }

    /// One item's terms at `at`, each field checked as the lane's own.
    fn item_terms(&mut self, at: &str, t: &scenario::ItemTerms) -> Terms {
        for (field, v) in [("unit_cost", t.unit_cost), ("order_cost", t.order_cost)] {
            if let Some(v) = v {
                self.non_negative(&format!("{at}.{field}"), v, MAX_COST);
            }
        }
        if let Some(m) = t.min_order {
            self.range_i64(&format!("{at}.min_order"), m, 0, MAX_UNITS);
        }
        if let Some(m) = t.order_multiple {
            self.range_i64(&format!("{at}.order_multiple"), m, 1, MAX_UNITS);
        }
        Terms {
            unit_cost: t.unit_cost,
            order_cost: t.order_cost,
            min_order: t.min_order,
            order_multiple: t.order_multiple,
        }
    }
}
