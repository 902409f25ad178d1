"""Day-by-day environments for learning and heuristic inventory policies (Gymnasium API).

The pairs of a policy with the ``external`` inventory rule take their order quantities from
the caller: each step finishes today's review with the orders given and runs the scsim engine
(demand, lead times, disruptions, customers, costs, metrics: all unchanged) to the next review
day. ``InventoryEnv`` steps one replication; ``VectorInventoryEnv`` steps ``num_envs``
replications at once in Rust, so the Python overhead is per batch.

    import scsim.gym
    env = scsim.gym.InventoryEnv("scenario.json", policy="agent", seed=42)
    obs, info = env.reset()
    obs, reward, terminated, truncated, info = env.step(env.action_space.sample())

Observation: one row per external pair (``env.pairs``) of ``len(env.feature_names)``
numbers: on hand, owed (backorders), inventory position, reviews today (0/1), units on order
due in 1 … L days, demand of the last 7 days (oldest first, the last is today), the demand
model's expected demand for tomorrow (docs/policies.md, "External"). Action: one order
quantity per external pair (rounded to whole units, negatives taken as 0). Reward: the
objective's daily value summed over the days of the step (minus the day's costs, or the
day's profit when the objective maximises profit). Replication ``b`` of the episodes reset
with seed ``s`` uses the random streams of replication ``b`` of ``scsim run --seed s``.
"""

from typing import Any, Dict, Optional, Tuple

from . import _scsim
from .api import _scenario

try:
    import numpy as np
except ImportError:  # pragma: no cover - the package depends on pandas, hence numpy
    np = None

try:
    import gymnasium
    from gymnasium import spaces as _spaces

    _Env = gymnasium.Env
except ImportError:  # gymnasium is optional
    gymnasium = None
    _spaces = None
    _Env = object

#: The largest order quantity (the library's limit on quantities).
MAX_UNITS = 1_000_000_000


class Box:
    """Stand-in for ``gymnasium.spaces.Box`` when gymnasium is not installed."""

    def __init__(self, low: float, high: float, shape: Tuple[int, ...], dtype: Any = float):
        self.low, self.high, self.shape, self.dtype = low, high, shape, dtype

    def sample(self) -> Any:
        """A random point (uniform where bounded, else exponential above the low bound)."""
        rng = np.random.default_rng()
        if np.isfinite(self.high):
            return rng.uniform(self.low, self.high, self.shape)
        return self.low + rng.exponential(1.0, self.shape)

    def __repr__(self) -> str:
        return f"Box({self.low}, {self.high}, {self.shape}, {self.dtype})"


def _box(low: float, high: float, shape: Tuple[int, ...]) -> Any:
    if _spaces is not None:
        return _spaces.Box(low=low, high=high, shape=shape, dtype=np.float64)
    return Box(low, high, shape, np.float64)


class _Native:
    """The Rust environment with numpy views of its buffers."""

    def __init__(self, scenario: Any, policy: Optional[str], batch: int, seed: Optional[int]):
        scenario = _scenario(scenario)
        self.seed = scenario.settings[3] if seed is None else int(seed)
        self.env = _scsim.Environment(scenario, policy, batch, self.seed)
        self.shape = self.env.shape
        self.episode = 0

    def reset(self, seed: Optional[int]) -> Any:
        if seed is not None:
            self.seed, self.episode = int(seed), 0
        else:
            self.episode += 1
        self.env.reset(self.seed, self.episode * self.shape[0])
        return self._array(self.env.observation())

    def step(self, actions: Any) -> Tuple[Any, Any, bool]:
        orders = np.rint(np.maximum(np.asarray(actions, dtype=np.float64), 0.0))
        orders = np.minimum(orders, MAX_UNITS).astype(np.int64).reshape(-1)
        obs, rewards, done = self.env.step(orders.tobytes())
        return self._array(obs), np.frombuffer(rewards, dtype=np.float64), done

    def _array(self, data: bytes) -> Any:
        return np.frombuffer(data, dtype=np.float64).reshape(self.shape)

    def info(self, b: int) -> Dict[str, Any]:
        info: Dict[str, Any] = {"day": self.env.day, "replication": self.episode * self.shape[0] + b}
        metrics = self.env.metrics(b)
        if metrics is not None:
            info["metrics"] = metrics
        return info


class InventoryEnv(_Env):
    """One replication of ``policy`` (default: the first policy with an ``external`` pair),
    stepped review by review; ``seed`` defaults to the scenario's.

    ``reset(seed=s)`` starts replication 0 of seed ``s``; ``reset()`` without a seed starts
    the next replication of the last seed, so that every episode is reproducible.
    When the episode ends (``terminated``), ``info["metrics"]`` holds every metric of the
    replication, as ``replications.csv`` of ``scsim run`` would.
    """

    metadata = {"render_modes": []}

    def __init__(self, scenario: Any, policy: Optional[str] = None, seed: Optional[int] = None):
        self._native = _Native(scenario, policy, 1, seed)
        _, pairs, features = self._native.shape
        self.observation_space = _box(-np.inf, np.inf, (pairs, features))
        self.action_space = _box(0.0, float(MAX_UNITS), (pairs,))
        self.pairs = self._native.env.pairs
        self.feature_names = self._native.env.feature_names
        self.policy = self._native.env.policy

    def reset(self, *, seed: Optional[int] = None, options: Optional[dict] = None) -> Tuple[Any, dict]:
        if gymnasium is not None:
            super().reset(seed=seed)
        obs = self._native.reset(seed)
        return obs[0], self._native.info(0)

    def step(self, action: Any) -> Tuple[Any, float, bool, bool, dict]:
        obs, rewards, done = self._native.step(action)
        return obs[0], float(rewards[0]), done, False, self._native.info(0)


class VectorInventoryEnv:
    """``num_envs`` replications of ``policy`` stepped together in Rust (one call per step).

    ``reset(seed=s)`` starts replications ``0 … num_envs − 1`` of seed ``s``; ``reset()``
    the next ``num_envs``. ``step(actions)`` takes an array of shape ``(num_envs, pairs)``
    and returns observations ``(num_envs, pairs, features)``, rewards, terminated and
    truncated flags ``(num_envs,)`` and an info dict (``metrics``: one dict per replication
    once the episodes end; they all end together, and are not reset automatically).
    """

    metadata = {"render_modes": [], "autoreset_mode": None}

    def __init__(self, scenario: Any, num_envs: int = 64, policy: Optional[str] = None,
                 seed: Optional[int] = None):
        self._native = _Native(scenario, policy, num_envs, seed)
        self.num_envs = num_envs
        _, pairs, features = self._native.shape
        self.single_observation_space = _box(-np.inf, np.inf, (pairs, features))
        self.single_action_space = _box(0.0, float(MAX_UNITS), (pairs,))
        self.observation_space = _box(-np.inf, np.inf, (num_envs, pairs, features))
        self.action_space = _box(0.0, float(MAX_UNITS), (num_envs, pairs))
        self.pairs = self._native.env.pairs
        self.feature_names = self._native.env.feature_names
        self.policy = self._native.env.policy

    def reset(self, *, seed: Optional[int] = None, options: Optional[dict] = None) -> Tuple[Any, dict]:
        obs = self._native.reset(seed)
        return obs, self._info()

    def step(self, actions: Any) -> Tuple[Any, Any, Any, Any, dict]:
        obs, rewards, done = self._native.step(actions)
        terminated = np.full(self.num_envs, done)
        return obs, rewards, terminated, np.zeros(self.num_envs, dtype=bool), self._info()

    def _info(self) -> Dict[str, Any]:
        n = self._native
        info: Dict[str, Any] = {"day": n.env.day, "first_replication": n.episode * self.num_envs}
        if n.env.metrics(0) is not None:
            info["metrics"] = [n.env.metrics(b) for b in range(self.num_envs)]
        return info

    def close(self) -> None:
        """Nothing to release (for the Gymnasium API)."""
