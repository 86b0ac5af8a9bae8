"""moto's Batch loaded when Batch is used, not when its Step Functions interpreter is imported.

The interpreter's Batch task imports one enum, `moto.batch.utils.JobStatus`; importing any
submodule runs `moto/batch/__init__.py` first, which imports Batch's models and with them all of
EC2 and ECS (three boto3 sessions built at import): 0.5-0.7 s of every start of the local cloud,
which serves neither. Here `moto.batch` is registered as the package it is without running that
file; its one name, `batch_backends`, imports the models when first asked for (as moto's backend
lookup does when a Batch request or task arrives). Importing this module registers it.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from typing import Any

PACKAGE = "moto.batch"


def _batch_backends(name: str) -> Any:
    if name == "batch_backends":
        return importlib.import_module(f"{PACKAGE}.models").batch_backends
    raise AttributeError(f"module {PACKAGE!r} has no attribute {name!r}")


def defer_batch_models() -> None:
    """Register `moto.batch` unexecuted, unless something imported it already (then there is nothing to save)."""
    if PACKAGE in sys.modules:
        return
    package = importlib.util.module_from_spec(importlib.util.find_spec(PACKAGE))
    package.__getattr__ = _batch_backends
    sys.modules[PACKAGE] = package


defer_batch_models()
