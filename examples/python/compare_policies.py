"""Compare the inventory policies of a scenario and plot the cost / service trade-off.

Run from the repository's root after `pip install ./python`:

    python examples/python/compare_policies.py [SCENARIO] [--replications N]

It runs every policy on the same random demand, prints each policy's fill rate and cost per
day with 95 % half-widths and the paired difference to the baseline, then sweeps the
base-stock level of the scenario's second policy and plots cost per day against fill rate for
the sweep and for each policy (matplotlib if installed: trade-off.png; else the table only).
"""

import argparse

import scsim


def main():
    args = parse()
    scenario = scsim.load(args.scenario)
    result = scsim.run(scenario, replications=args.replications)

    totals = result.totals().set_index(["policy", "metric"])
    print(f"{scenario.name}: {args.replications} replications, objective {scenario.objective}\n")
    print(f"{'policy':<14}{'fill rate':>20}{'cost per day':>24}")
    for policy in scenario.policies:
        fill, cost = totals.loc[(policy, "fill_rate")], totals.loc[(policy, "cost_total_per_day")]
        print(f"{policy:<14}{fill['mean']:>12.2%} ± {fill['half_width']:.2%}"
              f"{cost['mean']:>16.2f} ± {cost['half_width']:.2f}")

    baseline = scenario.policies[0]
    diffs = result.differences.query("versus == @baseline and metric == 'cost_total_per_day'")
    print(f"\npaired difference in cost per day to {baseline} (same demand, replication by replication):")
    for row in diffs.itertuples():
        print(f"  {row.policy:<14}{row.mean:+.2f} ± {row.half_width:.2f}")

    # A sweep of one policy's base-stock level draws the trade-off curve between the policies.
    policy = scenario.policies[min(1, len(scenario.policies) - 1)]
    path = f"policies.{policy}.inventory.S"
    curve = scsim.sweep(scenario, set=[f"{path}={args.levels}"], policies=[policy],
                        replications=args.replications).sort_values(path)
    print(f"\n{path}: fill rate and cost per day")
    columns = [path, "fill_rate_mean", "cost_total_per_day_mean"]
    for level, fill, cost in curve[columns].itertuples(index=False, name=None):
        print(f"  S={level:<6} {fill:8.2%} {cost:10.2f}")
    plot(scenario, totals, curve, path)


def plot(scenario, totals, curve, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("\n(matplotlib is not installed: no plot; pip install matplotlib)")
        return
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.plot(curve["fill_rate_mean"], curve["cost_total_per_day_mean"], "o-", color="grey",
            label=f"{path} swept")
    for policy in scenario.policies:
        fill, cost = totals.loc[(policy, "fill_rate")], totals.loc[(policy, "cost_total_per_day")]
        ax.errorbar(fill["mean"], cost["mean"], xerr=fill["half_width"], yerr=cost["half_width"],
                    fmt="s", capsize=3, label=policy)
    ax.set_xlabel("fill rate")
    ax.set_ylabel("cost per day")
    ax.set_title(f"{scenario.name}: cost against service (95 % intervals)")
    ax.legend()
    fig.tight_layout()
    fig.savefig("trade-off.png", dpi=120)
    print("\nwrote trade-off.png")


def parse():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default="scenarios/quickstart.json")
    parser.add_argument("--replications", type=int, default=200)
    parser.add_argument("--levels", default="80..160:10", help="the swept base-stock levels (sweep syntax)")
    return parser.parse_args()


if __name__ == "__main__":
    main()
