"""scsim from Python: load a scenario, run it, get pandas DataFrames.

The simulation is the scsim library itself (compiled, in ``scsim._scsim``): the same seed gives
exactly the numbers of the ``scsim`` command, and ``Result.write(dir)`` writes the files of
``scsim run --out DIR`` byte for byte.

    import scsim
    scenario = scsim.load("scenarios/quickstart.json")
    result = scsim.run(scenario, replications=200, seed=42)
    result.summary["policies"][0]["total"]["fill_rate"]["mean"]
    result.replications       # one row per replication and policy, every metric
    result.differences        # paired differences between policies
"""

from ._scsim import Scenario, ScenarioError, __version__
from .api import Result, load, optimize, run, sweep

__all__ = ["Result", "Scenario", "ScenarioError", "__version__", "load", "optimize", "run", "sweep"]
