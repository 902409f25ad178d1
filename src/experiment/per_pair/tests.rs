//! Unit tests of the per-pair search: fields, thinning, cutting the catalogue, the coarse tier.

use super::search::{COARSE_REPLICATIONS, Search, Tier, thin};
use super::*;
use crate::experiment::{self, RunSpec};
use crate::sim::policy::RuleKind;

#[test]
fn fields_move_their_partner_by_the_fixed_gap() {
    let ss = RuleKind::SS { s: 20, level: 50 };
    assert_eq!(Field::UpTo.set(&ss, 70, 1.0), Some(RuleKind::SS { s: 40, level: 70 }));
    assert_eq!(Field::Reorder.set(&ss, 5, 1.0), Some(RuleKind::SS { s: 5, level: 35 }));
    let rq = RuleKind::RQ { r: 3, q: 12 };
    assert_eq!(Field::ReorderQ.set(&rq, 9, 1.0), Some(RuleKind::RQ { r: 9, q: 12 }));
    let bs = RuleKind::BaseStock { level: 4 };
    assert_eq!(Field::UpTo.set(&bs, 9, 1.0), Some(RuleKind::BaseStock { level: 9 }));
    assert_eq!(Field::Reorder.set(&bs, 9, 1.0), None);
    let ss = RuleKind::SS { s: 40, level: 70 };
    assert_eq!(Field::UpTo.columns(&ss, 70), vec![("s", "40".to_string()), ("S", "70".to_string())]);
    assert_eq!(Field::parse("inventory.S=0..600"), Ok((Field::UpTo, 0, 600)));
    assert!(Field::parse("inventory.Q=0..10").is_err());
    assert!(Field::parse("inventory.S=0..10:2").is_err(), "a step is for days of cover");
    let top = format!("inventory.S=0..{MAX_LEVEL}");
    assert_eq!(Field::parse(&top), Ok((Field::UpTo, 0, MAX_LEVEL)));
    let past = format!("inventory.S=0..{}", MAX_LEVEL + 1);
    assert_eq!(Field::parse(&past), Err(PerPairError::TooWide(past.clone())));
    let below = format!("inventory.r={}..0", -MAX_LEVEL - 1);
    assert_eq!(Field::parse(&below), Err(PerPairError::TooWide(below.clone())));
}

#[test]
fn days_of_cover_are_levels_of_a_decimal_step() {
    let (field, lo, hi) = Field::parse("inventory.S_cover_days=1.5..30:0.25").expect("parses");
    assert_eq!((lo, hi), (6, 120));
    let Field::UpToCover(step) = field else { panic!("{field:?}") };
    assert_eq!(
        (step.text(6), step.text(7), step.text(10), step.text(120)),
        ("1.5".into(), "1.75".into(), "2.5".into(), "30".into())
    );
    assert_eq!(step.value(7), 1.75);
    // Level 50 is 12.5 days: S = round(12.5 × 3.2) = 40 at a pair of mean demand 3.2 a day, as
    // `S_cover_days` 12.5 gives (halves away from zero: 12.5 × 0.2 = 2.5 → 3).
    let bs = RuleKind::BaseStock { level: 1 };
    assert_eq!(field.set(&bs, 50, 3.2), Some(RuleKind::BaseStock { level: 40 }));
    assert_eq!(field.set(&bs, 50, 0.2), Some(RuleKind::BaseStock { level: 3 }));
    assert_eq!(field.set(&RuleKind::SS { s: 1, level: 5 }, 50, 1.0), None);
    assert_eq!(field.columns(&bs, 50), vec![("S_cover_days", "12.5".to_string())]);
    assert_eq!(Field::parse("inventory.S_cover_days=0..30"), Ok((Field::UpToCover(Step::whole()), 0, 30)));
    for bad in
        ["inventory.S_cover_days=1..30:0.4", "inventory.S_cover_days=3..2", "inventory.S_cover_days=0..5:0"]
    {
        assert!(Field::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn a_safety_factor_is_a_decimal_level_of_a_safety_stock_rule() {
    use crate::sim::forecast::Method;
    use crate::sim::policy::{ForecastRule, Lot, Safety};
    let (field, lo, hi) = Field::parse("inventory.service.z=0.5..3:0.05").expect("parses");
    assert_eq!((lo, hi), (10, 60));
    assert_eq!(Field::parse("z=0.5..3:0.05"), Ok((field, lo, hi)), "the table column's name");
    let rule = |safety| {
        RuleKind::Forecast(ForecastRule {
            method: Method::Plan,
            safety,
            lot: Lot::Units(0.0),
            buffer: 0.0,
            recompute_every: 1,
        })
    };
    // Level 33 is z = 1.65, whatever the rule's own service (a fill-rate target here).
    assert_eq!(field.set(&rule(Safety::FillRate(0.9)), 33, 1.0), Some(rule(Safety::Factor(1.65))));
    assert_eq!(field.columns(&rule(Safety::Factor(1.65)), 33), vec![("z", "1.65".to_string())]);
    // Just-in-time (no safety stock) and static rules have no safety factor.
    assert_eq!(field.set(&rule(Safety::None), 33, 1.0), None);
    assert_eq!(field.set(&RuleKind::BaseStock { level: 3 }, 33, 1.0), None);
    // Every problem of a range at once.
    let Err(PerPairError::Range { problems, .. }) = Field::parse("inventory.service.z=-0.5..9:0.3") else {
        panic!("refused")
    };
    assert_eq!(
        problems,
        [
            "LO -0.5 is not a multiple of STEP 0.3",
            "LO -0.5 is negative; a safety factor is searched from 0 up",
            "HI 9 is above 8, the largest safety factor",
        ]
    );
    for bad in ["inventory.service.z=2..1:0.5", "inventory.service.z=0..2:0", "inventory.service.z=0..x:0.5"]
    {
        assert!(matches!(Field::parse(bad), Err(PerPairError::Range { .. })), "{bad}");
    }
}

#[test]
fn thinning_keeps_the_ends() {
    let points: Vec<FrontierPoint> = (0..1000)
        .map(|i| FrontierPoint { fill_rate: f64::from(i) / 1000.0, investment: f64::from(i) })
        .collect();
    let thin = thin(points, 400);
    assert_eq!(thin.len(), 400);
    assert_eq!((thin[0].investment, thin[399].investment), (0.0, 999.0));
}

/// Four SKUs at one store: two share a lane with random lead times and delays (so their lead
/// time draws are one per lane and day), one stream split between a patient and an impatient
/// segment; the policy is base-stock.
const CATALOGUE: &str = r#"{"schema_version": 1, "horizon_days": 150, "warmup_days": 20, "replications": 100, "seed": 5,
    "items": [{"id": "a"}, {"id": "b"}, {"id": "c"}, {"id": "d"}],
    "locations": [{"id": "store"}], "suppliers": [{"id": "sup"}],
    "lanes": [{"id": "shared", "from": "sup", "to": "store", "items": ["a", "b"],
               "lead_time": {"type": "uniform", "min": 1, "max": 4},
               "delays": {"probability": 0.1, "extra_days": {"type": "uniform", "min": 1, "max": 2}}},
              {"id": "own", "from": "sup", "to": "store", "items": ["c", "d"], "lead_time": {"type": "constant", "value": 2}}],
    "segments": [{"id": "patient"}, {"id": "impatient", "patience_days": {"type": "constant", "value": 2}}],
    "demand": [{"location": "store", "item": "a", "distribution": {"type": "poisson", "mean": 3}, "segment": "patient"},
               {"location": "store", "item": "b", "distribution": {"type": "poisson", "mean": 6},
                "segment_shares": [{"segment": "impatient", "share": 0.3}, {"segment": "patient", "share": 0.7}]},
               {"location": "store", "item": "c", "distribution": {"type": "poisson", "mean": 1.5}, "segment": "patient"},
               {"location": "store", "item": "d", "distribution": {"type": "negative_binomial", "mean": 4, "sd": 3}, "segment": "patient"}],
    "policies": [{"name": "bs", "inventory": {"type": "base_stock", "S": 10}}]}"#;

fn catalogue() -> Model {
    let file = crate::scenario::ScenarioFile::parse(CATALOGUE.as_bytes(), std::path::Path::new("c.json"))
        .expect("parses");
    Model::build(&file).expect("valid")
}

fn fill_rate_target(bound: f64) -> Question {
    let c = Constraint::parse(&format!("fill_rate>={bound}")).expect("a constraint");
    Question {
        policy: 0,
        field: Field::UpTo,
        lo: 0,
        hi: 60,
        objective: Objective { metric: "avg_on_hand".into(), maximize: false },
        target: Target::EachPair(vec![c]),
    }
}

#[test]
fn a_pair_measures_the_same_alone_as_in_the_whole_catalogue() {
    let model = catalogue();
    let question = fill_rate_target(0.9);
    let spec = RunSpec { replications: 30, seed: 5, baseline: 0, daily: false };
    let search = Search::new(&model, &question, spec.clone()).expect("a search");
    let levels = [7, 15, 4, 12];
    let controls = |pairs: &[usize]| pairs.iter().map(|&k| search.control(k, levels[k])).collect::<Vec<_>>();
    let whole = submodel::sub_model(&model, 0, &[0, 1, 2, 3], controls(&[0, 1, 2, 3]));
    let alone = submodel::sub_model(&model, 0, &[1, 3], controls(&[1, 3]));
    let whole = experiment::run(&whole, &spec, &mut |_| {}, &|_| {});
    let alone = experiment::run(&alone, &spec, &mut |_| {}, &|_| {});
    let (whole, alone) = (&whole.policies[0].ordered.pairs, &alone.policies[0].ordered.pairs);
    for (k, &p) in [1, 3].iter().enumerate() {
        // Every metric of the pair, bit for bit (NaN included).
        assert_eq!(format!("{:?}", whole[p]), format!("{:?}", alone[k]), "pair {p}");
    }
    // The check can fail: the same pair at another level measures differently.
    assert_ne!(format!("{:?}", whole[1]), format!("{:?}", whole[0]));
    // A model with short shipments (drawn by pair index) is never cut.
    let mut short = model.clone();
    short.lanes[0].yield_ =
        Some(crate::sim::supply::Yield { probability: 0.1, fraction: (0.5, 0.5), reship: false });
    assert!(submodel::cuttable(&model) && !submodel::cuttable(&short));
}

#[test]
fn replication_r_draws_the_same_whatever_the_number_of_replications() {
    let model = catalogue();
    let rows = |replications: u32| {
        let spec = RunSpec { replications, seed: 5, baseline: 0, daily: false };
        let mut rows = Vec::new();
        experiment::run(&model, &spec, &mut |r| rows.extend(r.iter().cloned()), &|_| {});
        rows.sort_by_key(|r| r.0);
        rows
    };
    let (few, many) = (rows(COARSE_REPLICATIONS), rows(5 * COARSE_REPLICATIONS));
    assert_eq!(few.len(), COARSE_REPLICATIONS as usize);
    assert_eq!(format!("{few:?}"), format!("{:?}", &many[..few.len()]));
}

/// The smallest level of each pair whose full-count mean meets `question`'s target, by
/// measuring every level of the range.
fn scanned(model: &Model, question: &Question) -> Vec<i64> {
    let Target::EachPair(constraints) = &question.target else { unreachable!() };
    let spec = RunSpec { replications: model.replications, seed: model.seed, baseline: 0, daily: false };
    let mut search = Search::new(model, question, spec).expect("a search");
    let n = search.len();
    for v in question.lo..=question.hi {
        search.probe(&vec![Some(v); n], Tier::Full);
    }
    (0..n)
        .map(|k| {
            (question.lo..=question.hi)
                .find(|&v| search.meets(k, v, constraints, Tier::Full))
                .unwrap_or(question.hi)
        })
        .collect()
}

#[test]
fn the_coarse_guided_search_finds_exactly_the_levels_a_full_scan_finds() {
    let model = catalogue();
    // Several targets, so that some coarse guesses are off by a level or more.
    for bound in [0.8, 0.9, 0.95, 0.97, 0.99] {
        let question = fill_rate_target(bound);
        let outcome = optimize_pairs(&model, &question, model.replications, model.seed, &mut |_| {})
            .expect("independent pairs");
        assert!(outcome.coarse_runs > 0, "the coarse tier runs at 100 replications");
        let found: Vec<i64> = outcome.choices.iter().map(|c| c.values[0].1.parse().expect("S")).collect();
        assert_eq!(found, scanned(&model, &question), "fill rate ≥ {bound}");
        // At most the level, the one below and the climb's check at the full count.
        assert!(outcome.evaluations <= 3 * 4 + 4, "{} evaluations", outcome.evaluations);
    }
}
