"""Threads of moto's interpreter: no longer named after whole programs, no longer kept forever.

- Each Parallel branch's thread is named `BranchWorker_$<program>`: the repr of the branch's
  every component, recursively (vars of each), built for every branch of every run; 3.5% of
  the local cloud's CPU under load. A component's repr is its class name here.
- Every thread the interpreter starts (one per state, branch and iteration) is appended to a
  module-level list that nothing reads or empties: about thirty per job, kept for the life of
  the process. The list is replaced by a registry that keeps nothing.
- Each state runs on a thread of its own so that its caller can stop waiting at its
  `TimeoutSeconds`. A state with none (the default, 99999999 s) can never be abandoned that
  way, so it runs on its caller's thread: the same evaluation without a thread start and two
  hand-overs of the GIL per state.
- Likewise each program (an execution, a Parallel branch, a Map iteration) ran on a thread of
  its own, joined with the definition's top-level `TimeoutSeconds`; a program without one
  (branches, iterations, Delivery) runs on its caller's thread.
"""

from __future__ import annotations

import threading

import moto.stepfunctions.parser.utils as parser_utils
from moto.stepfunctions.parser.asl.component.common.timeouts.timeout import TimeoutSeconds
from moto.stepfunctions.parser.asl.component.component import Component
from moto.stepfunctions.parser.asl.component.eval_component import EvalComponent
from moto.stepfunctions.parser.asl.component.program.program import Program
from moto.stepfunctions.parser.asl.component.state.exec import execute_state

from localcloud.moto_changes.stepfunctions.imported_names import rebind_imported_name

_ORIGINAL_STR = Component.__str__
_ORIGINAL_REPR = Component.__repr__
_ORIGINAL_THREADS = parser_utils.TMP_THREADS
_ORIGINAL_EVALUATE = execute_state.ExecutionState._evaluate_with_timeout
_ORIGINAL_STATE_THREAD = execute_state.Thread
_ORIGINAL_PROGRAM_EVAL = Program.eval
_untimed = threading.local()  # set while a state without TimeoutSeconds is about to start its thread


class _NoThreadRegistry(list):
    """Accepts the interpreter's threads and keeps none (they end on their own)."""

    def append(self, thread) -> None:
        pass


class _StateThread(threading.Thread):
    """A state's thread, which a state without TimeoutSeconds runs on its caller's thread instead."""

    def start(self) -> None:
        if getattr(_untimed, "state", False):
            _untimed.state = False  # consumed: whatever this state starts decides for itself
            self.run()
        else:
            super().start()


def _evaluate_with_timeout(self: execute_state.ExecutionState, env) -> None:
    _untimed.state = isinstance(self.timeout, TimeoutSeconds) and self.timeout.is_default_value()
    try:
        _ORIGINAL_EVALUATE(self, env)
    finally:
        _untimed.state = False  # unconsumed if the state failed before starting its thread


def _program_eval(self: Program, env) -> None:
    if self.timeout_seconds and self.timeout_seconds.timeout_seconds is not None:
        _ORIGINAL_PROGRAM_EVAL(self, env)  # its thread is what lets the caller stop waiting at the timeout
        return
    env.next_state_name = self.start_at.start_at_name
    EvalComponent.eval(self, env)


def _component_name(self: Component) -> str:
    return f"({self.__class__.__name__})"


def install_light_interpreter_threads() -> None:
    Component.__str__ = _component_name
    Component.__repr__ = _component_name
    rebind_imported_name("TMP_THREADS", _NoThreadRegistry())
    execute_state.Thread = _StateThread  # only the states' threads: branches and iterations stay concurrent
    execute_state.ExecutionState._evaluate_with_timeout = _evaluate_with_timeout
    Program.eval = _program_eval


def uninstall_light_interpreter_threads() -> None:
    Component.__str__ = _ORIGINAL_STR
    Component.__repr__ = _ORIGINAL_REPR
    rebind_imported_name("TMP_THREADS", _ORIGINAL_THREADS)
    execute_state.Thread = _ORIGINAL_STATE_THREAD
    execute_state.ExecutionState._evaluate_with_timeout = _ORIGINAL_EVALUATE
    Program.eval = _ORIGINAL_PROGRAM_EVAL
