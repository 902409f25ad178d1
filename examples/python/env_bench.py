"""Steps per second of the day-by-day environment, single (B = 1) and vectorised (B
replications per call), against a hand-written pure-Python loop and a SimPy model of the same
system: the canonical case (one item, Poisson demand of 20 a day, lead time 5 days, base-stock
S = 110 decided in Python from the observation, backorders, holding and backorder costs).

    python examples/python/env_bench.py [--days 365] [--episodes 20] [--batch 64]

Each figure is SKU-days simulated per second (one replication-day of the one item); the
environment's include the Python policy's work (one numpy expression per step).
"""

import argparse
import math
import random
import time

import numpy as np

import scsim.gym

S, LEAD, MEAN = 110, 5, 20.0


def scenario(days: int) -> dict:
    return {
        "schema_version": 1, "name": "canonical-env", "horizon_days": days, "warmup_days": 0,
        "items": [{"id": "sku"}], "locations": [{"id": "dc"}], "suppliers": [{"id": "sup"}],
        "lanes": [{"id": "lane", "from": "sup", "to": "dc",
                   "lead_time": {"type": "constant", "value": LEAD}}],
        "demand": [{"location": "dc", "item": "sku", "distribution": {"type": "poisson", "mean": MEAN}}],
        "costs": {"holding_per_unit_day": 0.1, "backorder_per_unit_day": 1.0},
        "initial_on_hand": [{"location": "dc", "item": "sku", "units": S}],
        "policies": [{"name": "agent", "inventory": {"type": "external"}}],
    }


def bench_env(days: int, episodes: int, batch: int) -> float:
    """SKU-days per second of the environment with B = batch."""
    if batch == 1:
        env = scsim.gym.InventoryEnv(scenario(days), seed=1)
    else:
        env = scsim.gym.VectorInventoryEnv(scenario(days), num_envs=batch, seed=1)
    position = env.feature_names.index("position")
    steps = 0
    start = time.perf_counter()
    for e in range(episodes):
        obs, _ = env.reset(seed=1 if e == 0 else None)
        done = False
        while not done:
            obs, _, terminated, _, _ = env.step(np.maximum(0, S - obs[..., position]))
            done = bool(np.all(terminated))
            steps += 1
    return steps * batch / (time.perf_counter() - start)


def poisson(rng: random.Random, mean: float) -> int:
    """Knuth's multiplication method (fine for a mean of 20)."""
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def pure_python_episode(days: int, seed: int) -> float:
    rng = random.Random(seed)
    on_hand, backorders, pipeline, cost = S, 0, [0] * (LEAD + 1), 0.0
    for day in range(days):
        slot = day % (LEAD + 1)
        on_hand += pipeline[slot]
        pipeline[slot] = 0
        served = min(on_hand, backorders)
        on_hand -= served
        backorders -= served
        demand = poisson(rng, MEAN)
        filled = min(on_hand, demand)
        on_hand -= filled
        backorders += demand - filled
        position = on_hand + sum(pipeline) - backorders
        order = max(0, S - position)
        pipeline[(day + LEAD) % (LEAD + 1)] += order
        cost += 0.1 * on_hand + 1.0 * backorders
    return cost


def bench_pure_python(days: int, episodes: int) -> float:
    start = time.perf_counter()
    for e in range(episodes):
        pure_python_episode(days, e)
    return days * episodes / (time.perf_counter() - start)


def simpy_episode(days: int, seed: int) -> float:
    import simpy

    env = simpy.Environment()
    rng = random.Random(seed)
    state = {"on_hand": S, "backorders": 0, "on_order": 0, "cost": 0.0}

    def deliver(units):
        yield env.timeout(LEAD)
        state["on_order"] -= units
        state["on_hand"] += units
        served = min(state["on_hand"], state["backorders"])
        state["on_hand"] -= served
        state["backorders"] -= served

    def day_loop():
        while True:
            demand = poisson(rng, MEAN)
            filled = min(state["on_hand"], demand)
            state["on_hand"] -= filled
            state["backorders"] += demand - filled
            position = state["on_hand"] + state["on_order"] - state["backorders"]
            order = max(0, S - position)
            if order:
                state["on_order"] += order
                env.process(deliver(order))
            state["cost"] += 0.1 * state["on_hand"] + 1.0 * state["backorders"]
            yield env.timeout(1)

    env.process(day_loop())
    env.run(until=days)
    return state["cost"]


def bench_simpy(days: int, episodes: int) -> float:
    start = time.perf_counter()
    for e in range(episodes):
        simpy_episode(days, e)
    return days * episodes / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--episodes", type=int, default=20)
    parser.add_argument("--batch", type=int, default=64)
    args = parser.parse_args()
    rows = [
        ("scsim environment, B = 1", bench_env(args.days, args.episodes, 1)),
        (f"scsim environment, B = {args.batch}", bench_env(args.days, max(1, args.episodes // 4), args.batch)),
        ("pure-Python loop", bench_pure_python(args.days, args.episodes)),
    ]
    try:
        rows.append(("SimPy", bench_simpy(args.days, args.episodes)))
    except ImportError:
        rows.append(("SimPy (not installed)", float("nan")))
    print(f"canonical case (Poisson {MEAN:g}, lead time {LEAD}, base-stock S = {S}), {args.days} days")
    for name, rate in rows:
        print(f"{name:32s} {rate:14,.0f} SKU-days/s")


if __name__ == "__main__":
    main()
