"""Replacing a name moto's interpreter modules imported with `from ... import name`."""

from __future__ import annotations

import sys
from typing import Any


def rebind_imported_name(name: str, value: Any) -> None:
    """Point every loaded interpreter module that holds `name` (its defining module included) at `value`."""
    for module_name, module in list(sys.modules.items()):
        if module_name.startswith("moto.stepfunctions.parser") and hasattr(module, name):
            setattr(module, name, value)
