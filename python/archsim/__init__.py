"""archsim: a deterministic discrete-event simulator of distributed-system architectures.

    import archsim as sim
    sim.Exp(mean="5ms").sample(3, seed=42)
"""

from ._units import parse_duration
from .distributions import (
    Const, Distribution, Empirical, Erlang, Exp, Gamma, HyperExp, KeyChooser, LogNormal, Mixture,
    Normal, Pareto, Uniform, UniformKeys, Zipf,
)
from .faults import (
    CorruptResponses, Crash, DropResponses, ErrorResponses, LinkLatency, Partition, RandomCrashes, Slow,
)
from .histogram import LatencyHistogram
from .calls import Call, CircuitBreaker, Hedge, Parallel, Retry
from .model import ComponentRef, Link, Model
from .backpressure import Backpressure
from .rate_limit import RateLimit
from .shard_changes import AddShard, RemoveShard
from .broker import ConsumerGroup, Publish
from .autoscale import Autoscale
from .tenancy import Quota
from .deployments import BlueGreen, Canary, FeatureFlag, RollingRestart, Version
from .result import Result
from .slo import SLO
from .run import run
from .workload import Burst, Closed, Open
from . import analytic  # closed-form companions: sim.analytic.erlang_c(...)
from .scenario import ScenarioError, load, loads
from .replications import ReplicatedResult
from .sweep import SweepResult, sweep
from .architecture import Finding, blast_radius, check, critical_paths, to_dot
from .analysis import Analysis, analyze
from .plan import Plan, plan
from . import event_log  # debug: sim.event_log.first_divergence(a, b)

__version__ = "0.1.0"

__all__ = [
    "parse_duration", "Distribution", "Const", "Uniform", "Exp", "Erlang", "Gamma", "Normal",
    "LogNormal", "Pareto", "HyperExp", "Mixture", "Empirical", "KeyChooser", "UniformKeys", "Zipf",
    "LatencyHistogram", "Model", "ComponentRef", "Link", "Call", "Parallel", "Retry", "CircuitBreaker", "Open", "Closed", "Burst",
    "run", "Result", "Crash", "Slow", "RateLimit",
    "load", "loads", "ScenarioError",
    "SLO", "Hedge", "Backpressure", "RandomCrashes", "DropResponses", "ErrorResponses", "CorruptResponses", "Partition", "LinkLatency",
    "ReplicatedResult", "sweep", "SweepResult",
    "Finding", "check", "critical_paths", "blast_radius", "to_dot", "Analysis", "analyze", "Plan", "plan",
    "AddShard", "RemoveShard",
    "ConsumerGroup", "Publish",
    "Autoscale",
    "Quota",
    "Version", "Canary", "BlueGreen", "FeatureFlag", "RollingRestart",
]
