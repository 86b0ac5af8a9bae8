"""The interpreter's defensive copies of state data, made for JSON values without `copy.deepcopy`'s bookkeeping.

moto's interpreter copies a state's input, result and every JSONPath it reads (`copy.deepcopy`),
so that a later step mutating one of them cannot change another: about 400 copies per user job.
State data is JSON (dicts, lists, strings, numbers, booleans, null) plus the few immutable values
a task's answer can hold (datetimes, bytes, decimals). `deepcopy` keeps a memo of every object it
copied, to reproduce shared references and cycles, which JSON cannot have; `json_copy` rebuilds
dicts and lists, returns immutable values as they are, and hands anything else (moto's own objects,
dict subclasses, tuples) to `copy.deepcopy`. About three times faster on a job's document.
"""

from __future__ import annotations

import copy
import datetime
import decimal
import sys
import types
from typing import Any

# Values that cannot change in place: a copy of one is the value itself.
_IMMUTABLE = frozenset({str, int, float, bool, type(None), bytes, datetime.datetime, datetime.date, decimal.Decimal})
_INTERPRETER = "moto.stepfunctions.parser.asl"


def json_copy(value: Any) -> Any:
    """A deep copy of a JSON value; anything that is not JSON is copied by `copy.deepcopy`."""
    kind = type(value)
    if kind is dict:
        return {key: json_copy(item) for key, item in value.items()}
    if kind is list:
        return [json_copy(item) for item in value]
    if kind in _IMMUTABLE:
        return value
    return copy.deepcopy(value)


# What the interpreter's modules see as `copy`: they only call copy.deepcopy.
_COPY_FOR_STATES = types.SimpleNamespace(deepcopy=json_copy)


def _interpreter_modules_holding(module_object: Any) -> list[types.ModuleType]:
    return [module for name, module in list(sys.modules.items())
            if name.startswith(_INTERPRETER) and getattr(module, "copy", None) is module_object]


def install_state_copies() -> None:
    for module in _interpreter_modules_holding(copy):
        module.copy = _COPY_FOR_STATES


def uninstall_state_copies() -> None:
    for module in _interpreter_modules_holding(_COPY_FOR_STATES):
        module.copy = copy
