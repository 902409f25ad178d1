//! Running the library's work off the calling thread: the work runs on its own thread in a
//! rayon pool of the requested size, without the GIL, while the calling thread waits for it
//! and checks for signals, so that Ctrl-C in a notebook or a terminal interrupts it.
//!
//! The library's runs call their progress callback after every replication; once Python has
//! seen a signal, that callback unwinds the work with [`Cancelled`] (through
//! `resume_unwind`, which runs no panic hook and prints nothing), so a run stops within one
//! replication per thread. Work without a progress callback (the policy search) finishes on
//! its own thread while Python goes on.

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{RecvTimeoutError, channel};
use std::time::Duration;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

/// The unwinding payload of cancelled work.
struct Cancelled;

/// How often the calling thread looks for signals.
const POLL: Duration = Duration::from_millis(50);

/// Runs `work` on a pool of `threads` threads (None: one per core) and returns its result;
/// a signal (Ctrl-C) raises its Python exception (KeyboardInterrupt) and cancels the work.
/// `work` receives the progress callback to give the library.
pub(crate) fn run<T, W>(py: Python<'_>, threads: Option<usize>, work: W) -> PyResult<T>
where
    T: Send + 'static,
    W: FnOnce(&(dyn Fn(u64) + Sync)) -> T + Send + 'static,
{
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build()
        .map_err(|e| PyRuntimeError::new_err(format!("cannot start worker threads: {e}")))?;
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&cancel);
    let (done, mut result) = channel();
    let worker = std::thread::spawn(move || {
        let progress = move |_: u64| {
            if flag.load(Ordering::Relaxed) {
                resume_unwind(Box::new(Cancelled));
            }
        };
        let _ = done.send(catch_unwind(AssertUnwindSafe(|| pool.install(|| work(&progress)))));
    });
    loop {
        // The receiver goes to the waiting closure and back (it can be sent, not shared).
        let received;
        (received, result) = py.detach(move || (result.recv_timeout(POLL), result));
        match received {
            Ok(Ok(value)) => return Ok(value),
            Ok(Err(panic)) => resume_unwind(panic),
            Err(RecvTimeoutError::Disconnected) => {
                return Err(PyRuntimeError::new_err("the simulation thread ended without a result"));
            }
            Err(RecvTimeoutError::Timeout) => {
                if let Err(signal) = py.check_signals() {
                    cancel.store(true, Ordering::Relaxed);
                    drop(worker);
                    return Err(signal);
                }
            }
        }
    }
}
