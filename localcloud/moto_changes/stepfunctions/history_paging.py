"""GetExecutionHistory pages as AWS pages it: `maxResults`, `nextToken`, `reverseOrder`, `includeExecutionData`.

moto returns the whole history and ignores every paging parameter. The API reference
(GetExecutionHistory): maxResults defaults to 100, at most 1000, 0 means the default; a
`nextToken` is returned while more events remain, is passed back with the other arguments
unchanged, and expires after 24 hours (HTTP 400 `InvalidToken`); reverseOrder lists the newest
event first; includeExecutionData=false leaves out events' input and output.
A token holds the id of the next event to return, so pages stay exact while a running execution
keeps adding events.
"""

from __future__ import annotations

import base64
import json
import time
from typing import Any

from moto.core.responses import ActionResult
from moto.stepfunctions.exceptions import InvalidToken, ValidationException
from moto.stepfunctions.responses import StepFunctionResponse

DEFAULT_PAGE = 100
MAX_PAGE = 1000
TOKEN_LIFETIME_S = 24 * 3600
_EXECUTION_DATA = ("input", "inputDetails", "output", "outputDetails")
_ORIGINAL = StepFunctionResponse.get_execution_history


def _token(execution_arn: str, next_id: int, reverse: bool) -> str:
    raw = json.dumps({"arn": execution_arn, "next": next_id, "reverse": reverse, "issued": int(time.time())})
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _next_id(token: str, execution_arn: str, reverse: bool) -> int:
    try:
        fields = json.loads(base64.urlsafe_b64decode(token.encode()))
        next_id, issued = int(fields["next"]), int(fields["issued"])
        same_request = fields["arn"] == execution_arn and fields["reverse"] == reverse
    except (ValueError, TypeError, KeyError):
        raise InvalidToken("the token was not issued by GetExecutionHistory") from None
    if not same_request:
        raise InvalidToken("the token belongs to another execution or ordering")
    if time.time() - issued > TOKEN_LIFETIME_S:
        raise InvalidToken("the token has expired")
    return next_id


def history_page(events: list[dict[str, Any]], execution_arn: str, max_results: int | None,
                 next_token: str | None, reverse: bool, include_data: bool) -> dict[str, Any]:
    if max_results is not None and not 0 <= max_results <= MAX_PAGE:
        raise ValidationException(f"1 validation error detected: Value '{max_results}' at 'maxResults' failed to "
                                  f"satisfy constraint: Member must have value less than or equal to {MAX_PAGE}")
    size = max_results or DEFAULT_PAGE
    ordered = sorted(events, key=lambda event: event["id"], reverse=reverse)
    if next_token:
        start = _next_id(next_token, execution_arn, reverse)
        ordered = [event for event in ordered if (event["id"] <= start if reverse else event["id"] >= start)]
    page = [_without_data(event) if not include_data else event for event in ordered[:size]]
    result: dict[str, Any] = {"events": page}
    if len(ordered) > size:
        result["nextToken"] = _token(execution_arn, ordered[size]["id"], reverse)
    return result


def _without_data(event: dict[str, Any]) -> dict[str, Any]:
    return {key: ({k: v for k, v in value.items() if k not in _EXECUTION_DATA}
                  if key.endswith("EventDetails") and isinstance(value, dict) else value)
            for key, value in event.items()}


def _get_execution_history(self: StepFunctionResponse) -> ActionResult:
    execution_arn = self._get_param("executionArn")
    events = self.stepfunction_backend.get_execution_history(execution_arn)["events"]
    return ActionResult(history_page(
        list(events), execution_arn, self._get_int_param("maxResults"), self._get_param("nextToken"),
        bool(self._get_bool_param("reverseOrder", False)), bool(self._get_bool_param("includeExecutionData", True))))


def install_history_paging() -> None:
    StepFunctionResponse.get_execution_history = _get_execution_history


def uninstall_history_paging() -> None:
    StepFunctionResponse.get_execution_history = _ORIGINAL
