"""Threads of moto's interpreter: no longer named after whole programs, no longer kept forever.

- Each Parallel branch's thread is named `BranchWorker_$<program>`: the repr of the branch's
  every component, recursively (vars of each), built for every branch of every run; 3.5% of
  the local cloud's CPU under load. A component's repr is its class name here.
- Every thread the interpreter starts (one per state, branch and iteration) is appended to a
  module-level list that nothing reads or empties: about thirty per job, kept for the life of
  the process. The list is replaced by a registry that keeps nothing.
"""

from __future__ import annotations

import moto.stepfunctions.parser.utils as parser_utils
from moto.stepfunctions.parser.asl.component.component import Component

from localcloud.moto_changes.stepfunctions.imported_names import rebind_imported_name

_ORIGINAL_STR = Component.__str__
_ORIGINAL_REPR = Component.__repr__
_ORIGINAL_THREADS = parser_utils.TMP_THREADS


class _NoThreadRegistry(list):
    """Accepts the interpreter's threads and keeps none (they end on their own)."""

    def append(self, thread) -> None:
        pass


def _component_name(self: Component) -> str:
    return f"({self.__class__.__name__})"


def install_light_interpreter_threads() -> None:
    Component.__str__ = _component_name
    Component.__repr__ = _component_name
    rebind_imported_name("TMP_THREADS", _NoThreadRegistry())


def uninstall_light_interpreter_threads() -> None:
    Component.__str__ = _ORIGINAL_STR
    Component.__repr__ = _ORIGINAL_REPR
    rebind_imported_name("TMP_THREADS", _ORIGINAL_THREADS)
