"""What a job (or one request) used, as AWS meters it: the measured input of the cost and quota models."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field, fields


@dataclass
class Usage:
    """Totals over `count` jobs (or requests); `per_one()` divides them. Keys are logical ids or API names."""

    count: int = 1
    transitions: Counter = field(default_factory=Counter)          # state machine -> transitions (retries count)
    executions: Counter = field(default_factory=Counter)           # state machine -> executions
    express_gb_seconds: Counter = field(default_factory=Counter)   # EXPRESS machine -> billed GB-s
    express_seconds: Counter = field(default_factory=Counter)      # EXPRESS machine -> seconds running
    lambda_invocations: Counter = field(default_factory=Counter)   # function -> invocations
    lambda_billed_ms: Counter = field(default_factory=Counter)     # function -> billed ms (1 ms steps)
    api_calls: Counter = field(default_factory=Counter)            # "states:DescribeExecution", ...
    write_units: Counter = field(default_factory=Counter)          # table -> write request units
    read_units: Counter = field(default_factory=Counter)           # table -> read request units
    log_bytes: Counter = field(default_factory=Counter)            # "lambda", "states" -> bytes ingested
    sync_express_seconds: float = 0.0                              # StartSyncExecution runs (admission), summed
    job_seconds: float = 0.0                                       # submit to terminal status, summed

    @property
    def work_seconds(self) -> float:
        """The job's own work: its Lambda functions' billed time and the admission's run. The wait a client
        sees on AWS is close to this; the local cloud's wall time adds its own overhead, which grows with load."""
        return sum(self.lambda_billed_ms.values()) / 1000 + self.sync_express_seconds

    def per_one(self) -> "Usage":
        scaled = Usage(count=1, job_seconds=self.job_seconds / self.count,
                       sync_express_seconds=self.sync_express_seconds / self.count)
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, Counter):
                setattr(scaled, item.name, Counter({key: amount / self.count for key, amount in value.items()}))
        return scaled


def combined(*parts: "Usage", weights: tuple[float, ...] | None = None) -> "Usage":
    """The sum of per-one usages, each taken `weight` times (a job plus its client's requests)."""
    total = Usage(count=1)
    for part, weight in zip(parts, weights or (1.0,) * len(parts)):
        for item in fields(total):
            value = getattr(part, item.name)
            if isinstance(value, Counter):
                getattr(total, item.name).update({key: amount * weight for key, amount in value.items()})
        total.sync_express_seconds += part.sync_express_seconds * weight
        total.job_seconds += part.job_seconds * weight
    return total


def billed_express_gb_seconds(duration_ms: float, memory_mb: int = 64) -> float:
    """Express bills duration rounded up to 100 ms and memory in 64-MB chunks (pricing page)."""
    billed_ms = max(1, math.ceil(duration_ms / 100)) * 100
    billed_mb = max(1, math.ceil(memory_mb / 64)) * 64
    return billed_ms / 1000 * billed_mb / 1024


def billed_lambda_ms(duration_ms: float) -> int:
    """Lambda bills duration rounded up to the next millisecond."""
    return max(1, math.ceil(duration_ms))


def item_size_bytes(item: dict) -> int:
    """A DynamoDB item's size as DynamoDB counts it: attribute names plus values, in DynamoDB JSON.

    https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
    """
    return sum(len(name.encode()) + _value_size(value) for name, value in item.items())


def _value_size(value: dict) -> int:
    (kind, content), = value.items()
    if kind == "S":
        return len(content.encode())
    if kind == "N":  # about one byte per two significant digits, plus one
        digits = content.lstrip("-").replace(".", "").lstrip("0") or "0"
        return math.ceil(len(digits) / 2) + 1
    if kind == "B":
        return math.ceil(len(content) * 3 / 4)  # base64 in the request
    if kind in ("BOOL", "NULL"):
        return 1
    if kind in ("SS", "NS", "BS"):
        return sum(_value_size({kind[0]: member}) for member in content)
    if kind == "L":
        return 3 + sum(1 + _value_size(member) for member in content)
    if kind == "M":
        return 3 + sum(1 + len(name.encode()) + _value_size(member) for name, member in content.items())
    raise ValueError(f"unknown DynamoDB type {kind!r}")


def write_units(size_bytes: int, transactional: bool = False) -> int:
    """1 write unit per started KB (at least 1); a transactional write takes two."""
    return max(1, math.ceil(size_bytes / 1024)) * (2 if transactional else 1)


def read_units(size_bytes: int, consistent: bool = False, transactional: bool = False) -> float:
    """1 read unit per started 4 KB for a strongly consistent read, half for an eventual one, 2 in a transaction."""
    units = max(1, math.ceil(size_bytes / 4096))
    return units * 2 if transactional else units if consistent else units / 2
