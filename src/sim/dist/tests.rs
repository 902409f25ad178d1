//! Unit tests of the distributions and their tables.

use super::*;
use crate::sim::rng::Uniform;

fn u(x: f64) -> Uniform {
    Uniform::at_least(x)
}

fn mean_var(t: &Table) -> (f64, f64) {
    let m: f64 = t.pmf().map(|(v, p)| v as f64 * p).sum();
    let v: f64 = t.pmf().map(|(v, p)| (v as f64 - m).powi(2) * p).sum();
    (m, v)
}

#[test]
fn poisson_table_has_poisson_moments_and_mass() {
    for mean in [0.0, 0.3, 4.0, 20.0, 750.0] {
        let t = IntDist::Poisson { mean }.table(1.0).unwrap();
        let (m, v) = mean_var(&t);
        assert!((m - mean).abs() < 1e-9 * (1.0 + mean), "{mean}: {m}");
        assert!((v - mean).abs() < 1e-7 * (1.0 + mean), "{mean}: {v}");
    }
    // P(X = 3) for Poisson(2) = e^-2 2^3 / 3!
    let t = IntDist::Poisson { mean: 2.0 }.table(1.0).unwrap();
    let p3 = t.pmf().find(|&(v, _)| v == 3).unwrap().1;
    assert!((p3 - (-2.0f64).exp() * 8.0 / 6.0).abs() < 1e-15);
}

#[test]
fn table_sample_is_the_generalised_inverse() {
    let t = IntDist::Poisson { mean: 5.0 }.table(1.0).unwrap();
    let mut prev = 0.0;
    for (v, p) in t.pmf() {
        let c = prev + p;
        // Just below the cumulative level the value is v; at the level it is the next one.
        assert_eq!(t.sample(u(prev)), v);
        assert_eq!(t.sample(u((c - 1e-12).max(prev))), v);
        prev = c;
    }
    assert_eq!(t.sample(u(0.0)), 0);
    assert_eq!(t.sample(u(1.0 - f64::EPSILON)), t.max());
}

#[test]
fn integer_search_agrees_with_the_cumulative_probabilities() {
    let stream = crate::sim::rng::Stream::new(1, 0, crate::sim::rng::Purpose::Demand, 0);
    let dists = [
        IntDist::Poisson { mean: 20.0 },
        IntDist::Poisson { mean: 900.0 },
        IntDist::NegativeBinomial { mean: 20.0, sd: 8.0 },
        IntDist::Uniform { min: 0, max: 99_999 },
        IntDist::Discrete { values: vec![0, 10, 40], weights: vec![3.0, 1.0, 0.5] },
    ];
    for d in dists {
        let t = d.table(1.0).unwrap();
        // The smallest value whose cumulative probability exceeds the draw, in floating point.
        let exact = |x: Uniform| t.values[t.cum.partition_point(|&c| c <= x.value())];
        let draws = (0..20_000).map(|i| stream.draw_at(i));
        // Draws at and just below each cumulative level, where a rounding slip would show.
        let step = 1.0 / (1u64 << Uniform::BITS) as f64;
        let levels = t.cum.iter().filter(|&&c| c < 1.0).flat_map(|&c| [u(c), u(c - step)]);
        for x in draws.chain(levels) {
            assert_eq!(t.sample(x), exact(x), "{d:?} at {x:?}");
        }
    }
}

#[test]
fn walks_agree_with_tables() {
    let dists = [
        IntDist::Poisson { mean: 20.0 },
        IntDist::Poisson { mean: 900.0 },
        IntDist::NegativeBinomial { mean: 20.0, sd: 8.0 },
    ];
    for d in dists {
        let base = d.table(1.0).unwrap();
        for m in [0.5, 1.3] {
            let t = d.table(m).unwrap();
            for i in 0..2000 {
                let x = u((i as f64 + 0.5) / 2000.0);
                assert_eq!(d.sample_scaled(&base, x, m), t.sample(x), "{d:?} m={m} u={x:?}");
            }
        }
    }
}

#[test]
fn continuous_families_match_between_table_and_inversion() {
    for d in [IntDist::Normal { mean: 10.0, sd: 4.0 }, IntDist::Gamma { mean: 12.0, sd: 5.0 }] {
        let base = d.table(1.0).unwrap();
        let t = d.table(1.5).unwrap();
        let mut mismatches = 0;
        for i in 0..5000 {
            let x = u((i as f64 + 0.5) / 5000.0);
            if d.sample_scaled(&base, x, 1.5) != t.sample(x) {
                mismatches += 1;
            }
        }
        // Only u within floating-point noise of a cumulative level may differ.
        assert!(mismatches <= 2, "{d:?}: {mismatches}");
    }
}

#[test]
fn normal_is_rounded_and_cut_at_zero() {
    let t = IntDist::Normal { mean: 1.0, sd: 2.0 }.table(1.0).unwrap();
    let p0 = t.pmf().next().unwrap();
    assert_eq!(p0.0, 0);
    assert!((p0.1 - normal_cdf((0.5 - 1.0) / 2.0)).abs() < 1e-15);
}

#[test]
fn negative_binomial_moments() {
    let t = IntDist::NegativeBinomial { mean: 20.0, sd: 8.0 }.table(1.0).unwrap();
    let (m, v) = mean_var(&t);
    assert!((m - 20.0).abs() < 1e-6, "{m}");
    assert!((v - 64.0).abs() < 1e-4, "{v}");
}

#[test]
fn uniform_and_discrete() {
    let t = IntDist::Uniform { min: 2, max: 5 }.table(1.0).unwrap();
    assert_eq!(t.sample(u(0.0)), 2);
    assert_eq!(t.sample(u(0.2499)), 2);
    assert_eq!(t.sample(u(0.25)), 3);
    assert_eq!(t.sample(u(0.9999)), 5);
    let d = IntDist::Discrete { values: vec![0, 10], weights: vec![3.0, 1.0] };
    let t = d.table(1.0).unwrap();
    assert_eq!(t.sample(u(0.74)), 0);
    assert_eq!(t.sample(u(0.75)), 10);
    assert_eq!(d.table(0.5).unwrap().sample(u(0.9)), 5);
    assert_eq!(IntDist::Constant(4).table(1.0).unwrap().constant(), Some(4));
}

#[test]
fn tables_wider_than_the_guide_cap_still_sample_exactly() {
    // Regression: found by the fuzz test, a table of more than 2^16 values made the guide
    // size computation panic.
    let t = IntDist::Uniform { min: 0, max: 99_999 }.table(1.0).unwrap();
    assert_eq!(t.sample(u(0.0)), 0);
    assert_eq!(t.sample(u(0.5)), 50_000);
    assert_eq!(t.sample(u(0.999_995)), 99_999);
}

#[test]
fn a_guide_of_two_bytes_a_cell_answers_exactly_past_2_to_the_16_values() {
    // A table of 200,000 values keeps its guide's answers shifted right by 2 (two bytes a
    // cell); every draw still gets the smallest value whose threshold is above it.
    let t = IntDist::Uniform { min: 0, max: 199_999 }.table(1.0).unwrap();
    assert_eq!(t.scale, 2);
    assert!(t.guide.iter().all(|&g| (g as usize) << t.scale < t.values.len()));
    for k in 0..20_000u64 {
        let x = u((k as f64 + 0.37) / 20_000.0);
        let exact = t.thresholds.partition_point(|&c| c <= x.bits());
        assert_eq!(t.sample(x), t.values[exact], "draw {k}");
    }
    let small = IntDist::Poisson { mean: 40.0 }.table(1.0).unwrap();
    assert_eq!(small.scale, 0);
}

#[test]
fn too_wide_is_an_error_not_a_hang() {
    assert!(IntDist::Poisson { mean: 1e13 }.table(1.0).is_err());
    assert!(IntDist::Uniform { min: 0, max: u64::MAX / 2 }.table(1.0).is_err());
}

#[test]
fn compound_table_is_the_mixture_and_scales_like_its_walk() {
    let size = IntDist::NegativeBinomial { mean: 6.0, sd: 3.0 };
    let d = IntDist::Compound { probability: 0.3, shift: 1, size: Box::new(size) };
    let t = d.table(1.0).unwrap();
    let (m, v) = mean_var(&t);
    // Mean p(1 + μ) and variance pσ² + p(1−p)(1 + μ)².
    assert!((m - 0.3 * 7.0).abs() < 1e-9, "{m}");
    assert!((v - (0.3 * 9.0 + 0.3 * 0.7 * 49.0)).abs() < 1e-7, "{v}");
    assert!((d.mean() - m).abs() < 1e-9 && (d.sd().powi(2) - v).abs() < 1e-7);
    // P(0) is 1 − p exactly (a shifted size is never 0).
    assert_eq!(t.pmf().next(), Some((0, 1.0 - 0.3)));
    let discrete = IntDist::Discrete { values: vec![0, 2, 5], weights: vec![1.0, 1.0, 2.0] };
    for d in [d, IntDist::Compound { probability: 0.6, shift: 0, size: Box::new(discrete) }] {
        let base = d.table(1.0).unwrap();
        for m in [0.5, 1.3] {
            let t = d.table(m).unwrap();
            let mismatches = (0..4000)
                .filter(|i| {
                    let x = u((*i as f64 + 0.5) / 4000.0);
                    d.sample_scaled(&base, x, m) != t.sample(x)
                })
                .count();
            assert!(mismatches <= 2, "{d:?} m={m}: {mismatches}");
        }
    }
}
