//! `scsim._scsim.Environment`: the library's day-by-day environment
//! (`scsim::experiment::env::Environment`) for Python. `scsim/gym.py` builds the Gymnasium
//! classes on it. Observations, rewards and orders cross as bytes of native-endian numbers
//! (`float64`, `float64`, `int64`), which numpy reads without a copy per element.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use scsim::experiment::env::{EnvError, Environment, RECENT_DAYS};
use scsim::metrics::METRICS;

use crate::scenario::Scenario;

/// A batch of replications of one policy of a scenario, stepped day by day; the pairs with
/// the `external` inventory rule order what the caller gives at each review.
#[pyclass(module = "scsim._scsim", name = "Environment")]
pub(crate) struct PyEnvironment {
    env: Environment,
    policy: String,
    obs: Vec<f64>,
}

fn value_error(e: EnvError) -> PyErr {
    PyValueError::new_err(e.to_string())
}

#[pymethods]
impl PyEnvironment {
    /// An environment of `batch` replications of policy `policy` (by name; None: the first
    /// policy with an `external` pair), reset with `seed`.
    #[new]
    #[pyo3(signature = (scenario, policy, batch, seed))]
    fn new(scenario: &Scenario, policy: Option<&str>, batch: usize, seed: u64) -> PyResult<PyEnvironment> {
        let model = &scenario.model;
        let names: Vec<&str> = model.policies.iter().map(|p| p.name.as_str()).collect();
        let env = match policy {
            Some(name) => {
                let index = names.iter().position(|n| *n == name).ok_or_else(|| {
                    PyValueError::new_err(format!("no policy {name:?}; the scenario's policies: {names:?}"))
                })?;
                Environment::new(model.clone(), index, batch, seed).map_err(value_error)?
            }
            None => (0..names.len())
                .find_map(|p| Environment::new(model.clone(), p, batch, seed).ok())
                .ok_or_else(|| {
                    PyValueError::new_err(format!(
                        "no policy of the scenario has a pair with the `external` inventory rule (policies: {names:?})"
                    ))
                })?,
        };
        let policy = names[env.policy()].to_string();
        let obs = vec![0.0; env.shape().iter().product()];
        Ok(PyEnvironment { env, policy, obs })
    }

    /// Starts a new episode: replication `b` of the batch is replication `first + b` of `seed`.
    #[pyo3(signature = (seed, first = 0))]
    fn reset(&mut self, seed: u64, first: u64) {
        self.env.reset_from(seed, first);
    }

    /// The observation as bytes of float64, shape `shape`.
    fn observation<'py>(&mut self, py: Python<'py>) -> Bound<'py, PyBytes> {
        self.env.observe_into(&mut self.obs);
        f64_bytes(py, &self.obs)
    }

    /// Places the orders (bytes of int64, one per replication and external pair) and runs to
    /// the next review: (observation bytes, rewards bytes, done).
    fn step<'py>(
        &mut self,
        py: Python<'py>,
        orders: &[u8],
    ) -> PyResult<(Bound<'py, PyBytes>, Bound<'py, PyBytes>, bool)> {
        if !orders.len().is_multiple_of(8) {
            return Err(PyValueError::new_err("orders must be bytes of int64"));
        }
        let orders: Vec<i64> =
            orders.chunks_exact(8).map(|b| i64::from_ne_bytes(b.try_into().expect("8 bytes"))).collect();
        let (rewards, done) = self.env.step(&orders).map_err(value_error)?;
        let rewards = f64_bytes(py, rewards);
        let done = done[0];
        self.env.observe_into(&mut self.obs);
        Ok((f64_bytes(py, &self.obs), rewards, done))
    }

    /// Every metric of replication `b` once its episode is done (as in `replications.csv`),
    /// else None.
    fn metrics<'py>(&self, py: Python<'py>, b: usize) -> PyResult<Option<Bound<'py, PyDict>>> {
        let Some(values) = self.env.metrics(b) else { return Ok(None) };
        let out = PyDict::new(py);
        for (m, v) in METRICS.iter().zip(values) {
            out.set_item(m.key, v)?;
        }
        Ok(Some(out))
    }

    /// (replications, external pairs, features).
    #[getter]
    fn shape(&self) -> (usize, usize, usize) {
        let [b, p, f] = self.env.shape();
        (b, p, f)
    }

    /// The external pairs (`location/item`), in observation order.
    #[getter]
    fn pairs(&self) -> Vec<String> {
        self.env.pair_names()
    }

    /// The policy stepped.
    #[getter]
    fn policy(&self) -> &str {
        &self.policy
    }

    /// The day the replications are paused on (the horizon once done).
    #[getter]
    fn day(&self) -> u32 {
        self.env.day()
    }

    /// The names of the features, in order.
    #[getter]
    fn feature_names(&self) -> Vec<String> {
        let mut names: Vec<String> =
            ["on_hand", "backorders", "position", "reviews_today"].iter().map(|s| s.to_string()).collect();
        names.extend((1..=self.env.lead_days()).map(|k| format!("on_order_in_{k}d")));
        names.extend((0..RECENT_DAYS).rev().map(|k| format!("demand_{k}d_ago")));
        names.push("forecast".into());
        names
    }
}

fn f64_bytes<'py>(py: Python<'py>, values: &[f64]) -> Bound<'py, PyBytes> {
    let bytes: Vec<u8> = values.iter().flat_map(|x| x.to_ne_bytes()).collect();
    PyBytes::new(py, &bytes)
}

/// Adds the environment's class to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyEnvironment>()
}
