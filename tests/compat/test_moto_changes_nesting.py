"""install_local_behaviour nests: an inner install/uninstall pair leaves the outer caller's moto as it was."""

import time

from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl
from moto.stepfunctions.parser.models import StepFunctionsParserBackend

from localcloud.moto_changes.stepfunctions import definition_validation as sfn_definition_validation
from localcloud.moto_changes import install_local_behaviour, uninstall_local_behaviour


def _ours() -> bool:
    return StepFunctionsParserBackend.__dict__["_validate_definition"] is not sfn_definition_validation._ORIGINAL_VALIDATE


def _slept(seconds: float) -> float:
    started = time.monotonic()
    retrier_decl.time.sleep(seconds)
    return time.monotonic() - started


def test_an_inner_pair_keeps_the_outer_changes_and_wait_scale():
    before = _ours()  # another module's session-long install may be active in this worker
    # Given a session-long install (a moto server for the API tests) scaling waits to 0
    install_local_behaviour(wait_time_scale=0.0)
    try:
        # When a module installs and uninstalls its own, with real-time waits
        install_local_behaviour(wait_time_scale=1.0)
        assert _slept(0.2) >= 0.2
        uninstall_local_behaviour()

        # Then the outer install still has every change, and its own scale back
        assert _ours() and hasattr(StepFunctionsParserBackend.start_execution, "without_generated_names")
        assert _slept(0.2) < 0.1
    finally:
        uninstall_local_behaviour()

    # And the last uninstall leaves moto as this test found it (unpatched, unless an outer install remains)
    assert _ours() == before
    assert hasattr(StepFunctionsParserBackend.start_execution, "without_generated_names") == before
