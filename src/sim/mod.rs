//! One replication of one policy, day by day: the engine's day loop and its parts (stock and
//! backlog state, the calendar of receipts, supply, demand, policies, forecasts and the
//! counter-based random streams). No I/O, no threads.

pub mod backlog;
pub mod calendar;
pub mod demand;
pub mod dist;
pub mod engine;
pub mod forecast;
pub mod policy;
pub mod rng;
pub mod supply;
