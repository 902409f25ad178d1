//! A sub-model: the catalogue cut down to some of its pairs, each with its own control, whose
//! simulation gives each kept pair exactly the results it has in the whole catalogue.
//!
//! A pair's random streams are keyed by what the cut keeps: demand streams by their demand
//! entry (`DemandStream::entry`, kept), lead times and delays by lane and day (every lane is
//! kept, with its index), supplier outages by supplier (every supplier kept). Only short
//! shipments draw by pair index (`sim/flow.rs`: a lane's yield stream, index 2 × pair), so a
//! model with short shipments is never cut ([`cuttable`]). Replications are cut into blocks by
//! their number alone, so the kept pairs' statistics are merged in the same order too.

use crate::model::{Control, DemandStream, Model, Policy};

/// Whether cutting `model` down to some pairs keeps each pair's random streams.
pub(super) fn cuttable(model: &Model) -> bool {
    model.lanes.iter().all(|l| l.yield_.is_none())
}

/// `model` with only the pairs of `keep` (indices of `model.pairs`, increasing), each under
/// its control in `controls`, and one policy: `policy` of `model` with those controls. The
/// pairs of `model` must be independent (no network, no customer order streams).
pub(super) fn sub_model(model: &Model, policy: usize, keep: &[usize], controls: Vec<Control>) -> Model {
    debug_assert!(!model.has_network && model.orders.is_empty() && cuttable(model));
    let mut new_of = vec![usize::MAX; model.pairs.len()];
    for (new, &p) in keep.iter().enumerate() {
        new_of[p] = new;
    }
    let mut demand_of = vec![usize::MAX; model.demands.len()];
    let mut demands: Vec<DemandStream> = Vec::new();
    for &p in keep {
        for &d in &model.pairs[p].demands {
            demand_of[d] = demands.len();
            demands.push(DemandStream { pair: new_of[p], ..model.demands[d].clone() });
        }
    }
    for d in &mut demands {
        if let Some(split) = d.split.as_mut() {
            split.members.iter_mut().for_each(|m| *m = demand_of[*m]);
        }
    }
    let pairs = keep
        .iter()
        .map(|&p| {
            let mut pair = model.pairs[p].clone();
            pair.demands.iter_mut().for_each(|d| *d = demand_of[*d]);
            pair
        })
        .collect();
    let kept = |list: &[usize]| -> Vec<usize> {
        list.iter().filter(|&&p| new_of[p] != usize::MAX).map(|&p| new_of[p]).collect()
    };
    let source = &model.policies[policy];
    let policy = Policy {
        name: source.name.clone(),
        description: source.description.clone(),
        controls,
        forecasts: source.forecasts,
        external: source.external,
        fulfilment: source.fulfilment,
    };
    Model {
        review_order: kept(&model.review_order),
        fair_share_pairs: kept(&model.fair_share_pairs),
        pairs,
        demands,
        policies: vec![policy],
        ..shell(model)
    }
}

/// `model` without its pairs, demand streams and policies (the parts a cut replaces).
fn shell(model: &Model) -> Model {
    Model {
        name: model.name.clone(),
        description: model.description.clone(),
        horizon: model.horizon,
        warmup: model.warmup,
        replications: model.replications,
        seed: model.seed,
        items: model.items.clone(),
        locations: model.locations.clone(),
        review_order: Vec::new(),
        has_network: model.has_network,
        same_day_transfers: model.same_day_transfers,
        fair_share_pairs: Vec::new(),
        suppliers: model.suppliers.clone(),
        lanes: model.lanes.clone(),
        limited_lanes: model.limited_lanes.clone(),
        same_day_receipts: model.same_day_receipts,
        has_outages: model.has_outages,
        late_shipments: model.late_shipments,
        has_patience: model.has_patience,
        has_churn: model.has_churn,
        deadline_span: model.deadline_span,
        pairs: Vec::new(),
        demands: Vec::new(),
        segments: model.segments.clone(),
        orders: Vec::new(),
        order_allocation: model.order_allocation.clone(),
        policies: Vec::new(),
        scenario_sha256: model.scenario_sha256.clone(),
        objective: model.objective.clone(),
        warnings: Vec::new(),
        notes: Vec::new(),
    }
}
