//! Thousands of random and mutated scenario documents thrown at the loader, the validator and
//! (when a mutant is still valid) a short run of the engine: nothing may panic, and every
//! rejection must carry a path or a position.

use std::path::Path;

use proptest::prelude::*;
use scsim::model::Model;
use scsim::scenario::ScenarioFile;
use scsim::scenario::error::ScenarioError;
use scsim::sim::engine::Workspace;
use serde_json::{Map, Value};

const WORDS: [&str; 24] = [
    "poisson",
    "normal",
    "negative_binomial",
    "gamma",
    "uniform",
    "constant",
    "empirical",
    "bootstrap",
    "base_stock",
    "s_S",
    "r_Q",
    "min_max",
    "backorder",
    "lost",
    "mixed",
    "linear",
    "exponential",
    "store",
    "widget",
    "acme",
    "acme-store",
    "default",
    "",
    "S",
];

const KEYS: [&str; 20] = [
    "type",
    "mean",
    "sd",
    "value",
    "min",
    "max",
    "values",
    "weights",
    "S",
    "s",
    "r",
    "Q",
    "review_period",
    "review_offset",
    "id",
    "from",
    "to",
    "lead_time",
    "units",
    "per_day",
];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        prop_oneof![
            Just(0i64),
            Just(-1),
            Just(1),
            Just(i64::MAX),
            Just(i64::MIN),
            Just(1 << 53),
            -1000i64..100_000
        ]
        .prop_map(Value::from),
        prop_oneof![Just(1e308), Just(-1e308), Just(1e-308), Just(0.5), -1e6f64..1e7].prop_map(Value::from),
        prop::sample::select(&WORDS[..]).prop_map(Value::from),
    ]
}

fn json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 40, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(&KEYS[..]), inner), 0..6).prop_map(|kv| {
                Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect::<Map<_, _>>())
            }),
        ]
    })
}

/// Applies one edit at a node chosen by `path` (indices taken modulo the children present):
/// op 0 replaces it, op 1 removes it, op 2 duplicates an array element.
fn mutate(node: &mut Value, path: &[usize], op: u8, replacement: Value) {
    let Some((&choice, rest)) = path.split_first() else {
        *node = replacement;
        return;
    };
    match node {
        Value::Object(map) if !map.is_empty() => {
            let key = map.keys().nth(choice % map.len()).cloned().expect("non-empty");
            if rest.is_empty() && op == 1 {
                map.remove(&key);
            } else {
                mutate(map.get_mut(&key).expect("present"), rest, op, replacement);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let i = choice % items.len();
            match (rest.is_empty(), op) {
                (true, 1) => {
                    items.remove(i);
                }
                (true, 2) => {
                    let copy = items[i].clone();
                    items.push(copy);
                }
                _ => mutate(&mut items[i], rest, op, replacement),
            }
        }
        _ => *node = replacement,
    }
}

fn seeds() -> Vec<Value> {
    std::fs::read_dir("scenarios")
        .expect("scenarios folder")
        .filter_map(|e| {
            let p = e.ok()?.path();
            (p.extension()? == "json").then(|| serde_json::from_slice(&std::fs::read(p).ok()?).ok())?
        })
        .collect()
}

/// Loads and validates `bytes`; if valid, runs one short replication of each policy.
fn exercise(bytes: &[u8]) {
    match ScenarioFile::parse(bytes, Path::new("scenarios/fuzz.json")) {
        Err(e) => assert_is_located(&e),
        Ok(mut file) => {
            // Keep runs short whatever the mutant asks for.
            file.scenario.horizon_days = file.scenario.horizon_days.clamp(1, 40);
            file.scenario.warmup_days = file.scenario.warmup_days.clamp(0, file.scenario.horizon_days - 1);
            match Model::build(&file) {
                Err(e) => assert_is_located(&e),
                Ok(model) => {
                    let mut ws = Workspace::new(&model);
                    for p in 0..model.policies.len() {
                        ws.run(&model, p, 1, 0);
                        for ledger in ws.ledgers() {
                            assert_eq!(ledger.check(), Ok(()));
                        }
                    }
                }
            }
        }
    }
}

fn assert_is_located(e: &ScenarioError) {
    match e {
        ScenarioError::Syntax { line, .. } => assert!(*line >= 1),
        ScenarioError::Invalid { problems, .. } => {
            assert!(!problems.is_empty());
            assert!(problems.iter().all(|p| !p.path.is_empty() && !p.message.is_empty()), "{problems:?}");
        }
        ScenarioError::Read { .. } | ScenarioError::NotAScenario { .. } | ScenarioError::TooLarge { .. } => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_scenarios_never_panic(
        seed in 0usize..16,
        edits in prop::collection::vec((prop::collection::vec(0usize..64, 1..6), 0u8..3, json()), 1..4),
    ) {
        let seeds = seeds();
        let mut doc = seeds[seed % seeds.len()].clone();
        for (path, op, value) in edits {
            mutate(&mut doc, &path, op, value);
        }
        exercise(&serde_json::to_vec(&doc).expect("serialises"));
    }

    #[test]
    fn numeric_mutants_run_without_panic(
        seed in 0usize..16,
        edits in prop::collection::vec(
            (prop::collection::vec(0usize..64, 1..7), prop_oneof![(-3i64..400).prop_map(Value::from), (0.0f64..60.0).prop_map(Value::from)]),
            1..5,
        ),
    ) {
        // Small numeric edits keep many mutants valid, so the engine itself gets exercised.
        let seeds = seeds();
        let mut doc = seeds[seed % seeds.len()].clone();
        for (path, value) in edits {
            mutate(&mut doc, &path, 0, value);
        }
        exercise(&serde_json::to_vec(&doc).expect("serialises"));
    }

    #[test]
    fn random_documents_never_panic(doc in json()) {
        exercise(&serde_json::to_vec(&doc).expect("serialises"));
    }

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        exercise(&bytes);
    }
}
