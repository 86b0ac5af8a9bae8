"""The context object's times in AWS's shape: `$$.Execution.StartTime` and `$$.State.EnteredTime`.

The Step Functions Developer Guide ("Context object", awsdocs/aws-step-functions-developer-guide
doc_source/input-output-contextobject.md) shows both as "2019-03-26T20:14:13.192Z": UTC,
milliseconds, `Z`. moto gives `EnteredTime` as Python's isoformat ("...T16:21:06.554297+00:00")
and `StartTime` as a datetime. The workflow copies these times into job outputs and failure
reports (`finishedAt`), so a client would see another shape locally than on AWS.
"""

from __future__ import annotations

import datetime
from typing import Any

from moto.stepfunctions.parser.asl.component.state import state as state_module
from moto.stepfunctions.parser.backend import execution_worker as execution_worker_module

_ORIGINAL_STATE_DATA = state_module.StateData
_ORIGINAL_EXECUTION_DATA = execution_worker_module.ExecutionData


def aws_timestamp(moment: datetime.datetime | str) -> str:
    """`2019-03-26T20:14:13.192Z` from a datetime (naive means UTC, as moto's utcnow) or an ISO string."""
    if isinstance(moment, str):
        moment = datetime.datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    utc = moment.astimezone(datetime.timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def _state_data(**fields: Any) -> dict:
    if "EnteredTime" in fields:
        fields["EnteredTime"] = aws_timestamp(fields["EnteredTime"])
    return _ORIGINAL_STATE_DATA(**fields)


def _execution_data(**fields: Any) -> dict:
    if fields.get("StartTime") is not None:
        fields["StartTime"] = aws_timestamp(fields["StartTime"])
    return _ORIGINAL_EXECUTION_DATA(**fields)


def install_aws_context_times() -> None:
    state_module.StateData = _state_data
    execution_worker_module.ExecutionData = _execution_data


def uninstall_aws_context_times() -> None:
    state_module.StateData = _ORIGINAL_STATE_DATA
    execution_worker_module.ExecutionData = _ORIGINAL_EXECUTION_DATA
