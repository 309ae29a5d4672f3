"""A seeded campaign simulator: landing files as a Twitter v1.1 collector writes them, the ground
truth beside them, and a labelled account set for the default classifier."""

from simulate.config import CAMPAIGNS, SimulationConfig
from simulate.run import SimulationSummary, simulate

__all__ = ["CAMPAIGNS", "SimulationConfig", "SimulationSummary", "simulate"]
