"""scsim from Python: load a scenario, run it, get pandas DataFrames (see python/README.md)."""

from . import _scsim
from ._scsim import __version__

__all__ = ["__version__"]
