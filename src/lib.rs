//! scsim: a discrete-event supply-chain simulator for comparing inventory policies under
//! uncertain demand and supply.
//!
//! The pipeline is visible in the modules: a [`scenario`] (what a planner writes) is validated
//! into a [`model`] (immutable, shared by every replication); the [`engine`] runs one
//! replication of one [`policy`] day by day, drawing [`demand`] and [`supply`] from the
//! counter-based streams in [`rng`]; [`metrics`] turns its counters into numbers; an
//! [`experiment`] runs replications in parallel and reduces them deterministically with
//! [`stats`]; [`report`] writes the files. The library never prints, exits or reads
//! command-line arguments: that is the binary's job.

pub mod backlog;
pub mod calendar;
pub mod demand;
pub mod dist;
pub mod engine;
pub mod error;
pub mod experiment;
pub mod forecast;
pub mod golden;
pub mod metrics;
pub mod model;
pub mod optimize;
pub mod policy;
pub mod report;
pub mod rng;
pub mod scenario;
pub mod shard;
pub mod stats;
pub mod supply;
pub mod sweep;

/// The version of this build, recorded in every output.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
