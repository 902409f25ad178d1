//! One replication of one policy, day by day: the engine's day loop and its parts (stock and
//! backlog state, the calendar of receipts, supply, demand, policies, forecasts and the
//! counter-based random streams). No I/O, no threads.
//!
//! The engine ([`engine::Workspace`] and its day loop) is split by step into private modules:
//! `state`, `outages`, `flow`, `customers` (with `bulk` for backorders kept in bulk), `review`
//! and `accounting`, and `ring_pair` for the days of a pair supplied on one lane with a fixed
//! lead time when pairs run one after the other; `external` holds the rule whose orders come
//! from outside and the day-by-day entry points of the environment.

mod accounting;
pub mod backlog;
mod bulk;
pub mod calendar;
mod customers;
pub mod day;
pub mod demand;
pub mod dist;
pub mod engine;
mod external;
mod flow;
pub mod forecast;
pub(crate) mod history;
pub mod loss;
mod orders;
mod outages;
pub mod policy;
mod review;
mod ring_pair;
pub mod rng;
mod state;
pub mod supply;
