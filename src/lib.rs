//! scsim: a discrete-event supply-chain simulator for comparing inventory policies under
//! uncertain demand and supply.
//!
//! The pipeline is visible in the modules: a [`scenario`] (what a planner writes) is validated
//! into a [`model`] (immutable, shared by every replication); [`sim`] runs one replication of
//! one policy day by day, drawing demand and supply from counter-based random streams;
//! [`metrics`] turns its counters into numbers; an [`experiment`] runs replications in
//! parallel and reduces them deterministically, and runs sweeps, searches and shards;
//! [`report`] writes the files. The library never prints, exits or reads command-line
//! arguments: that is the binary's job.

#![warn(missing_docs, unreachable_pub)]

pub mod experiment;
pub mod fit;
pub mod metrics;
pub mod model;
pub mod report;
pub mod scenario;
pub mod sim;

/// The version of this build, recorded in every output.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
