"""Runs the day-by-day environment with a simple heuristic, training nothing: each review
orders up to the forecast demand of the lead time and review period plus a safety margin,
and prints the reward and the fill rate of each episode.

    python examples/python/env_heuristic.py [SCENARIO] [--policy NAME] [--episodes N]

Without SCENARIO: the canonical case (Poisson 20 a day, lead time 5) with an `external` policy.
"""

import argparse

import numpy as np

import scsim
import scsim.gym

CANONICAL = {
    "schema_version": 1, "name": "canonical-env", "horizon_days": 365, "warmup_days": 30,
    "items": [{"id": "sku"}],
    "locations": [{"id": "dc"}],
    "suppliers": [{"id": "sup"}],
    "lanes": [{"id": "lane", "from": "sup", "to": "dc", "lead_time": {"type": "constant", "value": 5}}],
    "demand": [{"location": "dc", "item": "sku", "distribution": {"type": "poisson", "mean": 20}}],
    "costs": {"holding_per_unit_day": 0.1, "backorder_per_unit_day": 1.0, "order_fixed": 5.0,
              "unit_purchase": 2.0},
    "initial_on_hand": [{"location": "dc", "item": "sku", "units": 110}],
    "policies": [{"name": "agent", "inventory": {"type": "external"}}],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", help="a scenario with an `external` policy")
    parser.add_argument("--policy", help="the policy to step (default: the first external one)")
    parser.add_argument("--episodes", type=int, default=5)
    parser.add_argument("--safety", type=float, default=1.0, help="safety factor on sqrt(cover demand)")
    args = parser.parse_args()

    env = scsim.gym.InventoryEnv(args.scenario or CANONICAL, policy=args.policy, seed=42)
    names = env.feature_names
    position, forecast = names.index("position"), names.index("forecast")
    # Days of demand an order placed today must cover with daily reviews: from its arrival
    # after the lead time L (the on-order features) to the day before the next order
    # arrives, the engine's protection interval max(L, 1) + R − 1 = L.
    cover = sum(1 for n in names if n.startswith("on_order_in_"))
    print(f"policy {env.policy!r}, pairs {env.pairs}, cover {cover} days, safety factor {args.safety}")
    for episode in range(args.episodes):
        obs, info = env.reset(seed=42 if episode == 0 else None)
        total = 0.0
        while True:
            need = obs[:, forecast] * cover
            target = need + args.safety * np.sqrt(need)
            obs, reward, terminated, truncated, info = env.step(np.maximum(0.0, target - obs[:, position]))
            total += reward
            if terminated or truncated:
                break
        m = info["metrics"]
        print(f"replication {info['replication']}: reward {total:12.1f}   fill rate {m['fill_rate']:.4f}"
              f"   cost per day {m['cost_total_per_day']:.2f}")


if __name__ == "__main__":
    main()
