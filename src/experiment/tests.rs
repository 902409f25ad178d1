//! Unit tests of the replication runner: blocks, chunks and their reduction.

use super::*;
use crate::scenario::ScenarioFile;
use std::path::Path;

#[test]
fn chunks_cover_every_replication_once_within_its_block() {
    for replications in [1, 20, 64, 65, 1000, 16_384, 16_385, 20_000, 100_003] {
        let (chunks, size) = (Chunks::new(replications), block_size(replications));
        let (mut covered, mut blocks_ended) = (0, 0);
        for c in 0..chunks.first(block_count(replications)) {
            let (block, reps) = chunks.locate(c);
            if reps.is_empty() {
                continue;
            }
            assert_eq!(reps.start, covered, "{replications}: chunks run in replication order");
            assert!(reps.len() as u32 <= MAX_CHUNK);
            assert!(reps.start >= block * size && reps.end <= (block + 1) * size);
            covered = reps.end;
            let last = reps.end == ((block + 1) * size).min(replications);
            assert_eq!(chunks.ends_block(c), last, "{replications}: chunk {c}");
            blocks_ended += u32::from(last);
        }
        assert_eq!((covered, blocks_ended), (replications, block_count(replications)));
    }
}

#[test]
fn blocks_of_several_chunks_reduce_the_same_on_any_thread_count_and_in_shards() {
    let json = r#"{"schema_version": 1, "horizon_days": 20, "warmup_days": 2,
        "items": [{"id": "a"}], "locations": [{"id": "l"}], "suppliers": [{"id": "s"}],
        "lanes": [{"id": "x", "from": "s", "to": "l", "lead_time": {"type": "uniform", "min": 1, "max": 3}}],
        "demand": [{"location": "l", "item": "a", "distribution": {"type": "poisson", "mean": 5}}],
        "policies": [{"name": "low", "inventory": {"type": "base_stock", "S": 12}},
                     {"name": "high", "inventory": {"type": "base_stock", "S": 20}}]}"#;
    let file = ScenarioFile::parse(json.as_bytes(), Path::new("t.json")).expect("parses");
    let model = Model::build(&file).expect("valid");
    // 20,000 replications: 64 blocks of 313, each made of two chunks.
    let spec = RunSpec { replications: 20_000, seed: 3, baseline: 0, daily: true };
    assert_eq!((block_count(20_000), Chunks::new(20_000).per_block), (64, 2));
    let run = |threads: usize, blocks: Range<u32>| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("a pool");
        let mut rows = Vec::new();
        let stats = pool
            .install(|| run_blocks(&model, &spec, blocks, true, &mut |r| rows.extend_from_slice(r), &|_| {}));
        (stats, rows)
    };
    let (one, rows) = run(1, 0..64);
    let (three, rows_three) = run(3, 0..64);
    // Debug text compares NaN statistics (undefined metrics) as equal.
    assert_eq!(format!("{one:?}"), format!("{three:?}"));
    assert_eq!(format!("{rows:?}"), format!("{rows_three:?}"));
    let in_order: Vec<(u32, usize)> = rows.iter().map(|r| (r.0, r.1)).collect();
    let expected: Vec<(u32, usize)> = (0..20_000).flat_map(|r| [(r, 0), (r, 1)]).collect();
    assert_eq!(in_order, expected, "one row per replication and policy, in order");
    let (a, rows_a) = run(2, 0..30);
    let (b, rows_b) = run(2, 30..64);
    assert_eq!(format!("{:?}", [a.blocks, b.blocks].concat()), format!("{:?}", one.blocks));
    assert_eq!(format!("{:?}", [rows_a, rows_b].concat()), format!("{rows:?}"));
}
