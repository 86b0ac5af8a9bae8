"""The stack's Retry-After rule (stacks/polling.py, README "Polling advice") as a polling client meets it.

The rule's age tier follows the Unix clock's 10- and 100-second windows, so a job's polls depend on where in
those windows it was submitted: the model averages over the 100 possible phases.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from bench.capacity.clients import polls_until_done
from stacks import polling
from stacks.settings import Settings

PHASES = range(100)


class _Context:
    """What Settings.from_context reads: cdk.json's context with `-c` style overrides on top."""

    def __init__(self, values: dict):
        self.values = values

    def try_get_context(self, key: str):
        return self.values.get(key)


def settings_for(root: Path, overrides: dict[str, str]) -> Settings:
    context = json.loads((root / "cdk.json").read_text()).get("context", {})
    return Settings.from_context(_Context({**context, **overrides}))


def rule_for(settings: Settings, kind: str) -> Callable[[int, float], float]:
    """Retry-After for a RUNNING job of `kind` submitted at clock second `phase`, `age` seconds later."""
    return lambda phase, age: polling.retry_after(settings, kind, phase, int(phase + age))


def mean_polls(job_seconds: float, rule: Callable[[int, float], float]) -> float:
    """Polls a client following the rule makes, averaged over the submission's phase in the clock."""
    return sum(polls_until_done(job_seconds, lambda age, phase=phase: rule(phase, age)) for phase in PHASES) / len(PHASES)


def first_wait(settings: Settings, kind: str) -> float:
    """The 202's Retry-After (a fresh job)."""
    return float(polling.retry_after_table(settings)[kind]["fresh"])
