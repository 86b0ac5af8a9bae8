"""The context object's times are shaped as on AWS: "2019-03-26T20:14:13.192Z".

Source: AWS Step Functions Developer Guide, "Context object" (awsdocs/aws-step-functions-developer-guide
doc_source/input-output-contextobject.md): `Execution.StartTime` and `State.EnteredTime` both read
"2019-03-26T20:14:13.192Z" (UTC, milliseconds, Z). The Jobs workflow copies them into `finishedAt`.
"""

import json
import re
from datetime import datetime, timezone

import pytest

from localcloud.moto_changes.stepfunctions.context_times import aws_timestamp
from tests.compat.sfn_in_process import create, local_step_functions, run

AWS_SHAPE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


def test_start_and_entered_times_are_utc_milliseconds_with_z():
    # Given a machine that outputs both times from the context object
    definition = {"StartAt": "Times", "States": {"Times": {"Type": "Pass", "End": True, "Parameters": {
        "started.$": "$$.Execution.StartTime", "entered.$": "$$.State.EnteredTime"}}}}
    with local_step_functions() as sfn:
        # When it runs
        described = run(sfn, create(sfn, "ContextTimes", definition))

    # Then both have AWS's shape, and the state was entered after the execution started
    output = json.loads(described["output"])
    assert AWS_SHAPE.match(output["started"]) and AWS_SHAPE.match(output["entered"]), output
    assert output["started"] <= output["entered"]
    assert abs(datetime.fromisoformat(output["started"]) - described["startDate"]).total_seconds() < 0.002


@pytest.mark.parametrize("moment, expected", [
    ("2026-12-02T16:21:06.554297+00:00", "2026-12-02T16:21:06.554Z"),
    (datetime(2026, 12, 2, 16, 21, 6, 999999), "2026-12-02T16:21:06.999Z"),  # naive is UTC, as moto's utcnow
    ("2026-12-02T17:21:06.000001+01:00", "2026-12-02T16:21:06.000Z"),
    (datetime(2026, 1, 1, tzinfo=timezone.utc), "2026-01-01T00:00:00.000Z"),
])
def test_aws_timestamp(moment, expected):
    assert aws_timestamp(moment) == expected
