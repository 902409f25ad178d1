//! The integration tests: one binary with a module per feature (it links once and its tests
//! run in parallel). The allocation-counting test has its own binary (`tests/no_alloc.rs`),
//! since it replaces the global allocator.

#[path = "../common/mod.rs"]
mod common;

mod cli;
mod closed_forms;
mod comparisons;
mod cover_and_intermittent;
mod customers;
mod demand_models;
mod determinism;
mod disruptions;
mod docs;
mod economics;
mod engine_behaviour;
mod env;
mod experiment_errors;
mod experiments;
mod faults;
mod fit;
mod fuzz_input;
mod history;
mod network;
mod orders;
mod pairs_output;
mod per_pair;
mod per_pair_safety;
mod per_sku_report;
mod plot_layout;
mod policies;
mod rand_interop;
mod report;
mod report_view;
mod rng_stability;
mod sweeps;
mod tables;
mod validation;
mod validation_places;
