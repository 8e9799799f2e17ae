"""lloyd on Ray: lloyd's passes over NPY shards as Ray tasks (docs/distributed.md, "Ray")."""

from .commands import LloydError, LloydProcessKilled
from .fit import FitResult, fit, predict

__all__ = ["fit", "predict", "FitResult", "LloydError", "LloydProcessKilled"]
