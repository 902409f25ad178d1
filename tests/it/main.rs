//! The integration tests: one binary with a module per feature (it links once and its tests
//! run in parallel). The allocation-counting test has its own binary (`tests/no_alloc.rs`),
//! since it replaces the global allocator.

#[path = "../common/mod.rs"]
mod common;

mod cli;
mod closed_forms;
mod comparisons;
mod customers;
mod demand_models;
mod determinism;
mod disruptions;
mod docs;
mod economics;
mod engine_behaviour;
mod experiment_errors;
mod experiments;
mod faults;
mod fuzz_input;
mod network;
mod orders;
mod per_pair;
mod per_sku_report;
mod plot_layout;
mod policies;
mod rand_interop;
mod report;
mod report_view;
mod rng_stability;
mod sweeps;
mod validation;
mod validation_places;
