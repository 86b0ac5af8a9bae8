"""The interpreter's copies of state data: JSON rebuilt, immutable values shared, anything else deep-copied."""

from __future__ import annotations

import collections
import copy
import datetime
import decimal
import json

from moto.stepfunctions.parser.asl.eval import states

from localcloud.moto_changes.stepfunctions.state_copies import json_copy
from tests.compat.sfn_in_process import create, local_step_functions, run


def test_a_copy_of_json_shares_nothing_that_can_change():
    original = {"job": {"id": "j-1", "tags": ["a", {"deep": [1, 2.5, None, True]}]}, "n": 3}
    copied = json_copy(original)
    assert copied == original
    copied["job"]["tags"][1]["deep"].append("more")
    copied["job"]["id"] = "changed"
    assert original == {"job": {"id": "j-1", "tags": ["a", {"deep": [1, 2.5, None, True]}]}, "n": 3}


def test_immutable_values_are_shared_and_anything_else_is_deep_copied():
    when, amount, raw = datetime.datetime(2026, 12, 3, tzinfo=datetime.timezone.utc), decimal.Decimal("1.5"), b"\x00\x01"
    ordered = collections.OrderedDict(a=[1])
    pair = ([1], [2])
    copied = json_copy({"when": when, "amount": amount, "raw": raw, "ordered": ordered, "pair": pair})
    assert copied["when"] is when and copied["amount"] is amount and copied["raw"] is raw
    assert type(copied["ordered"]) is collections.OrderedDict and copied["ordered"] == ordered
    assert copied["ordered"]["a"] is not ordered["a"]
    assert copied["pair"] == pair and copied["pair"][0] is not pair[0]


def test_installed_for_the_interpreter_only():
    with local_step_functions():
        assert states.copy.deepcopy is json_copy
        assert copy.deepcopy is not json_copy


# Each branch writes into its own input (ResultPath) and the state after reads the Parallel's input: a copy that
# aliased state data would leak one branch's write into the other or into what follows.
ALIASING = {
    "StartAt": "Both",
    "States": {
        "Both": {"Type": "Parallel", "ResultPath": "$.branches", "Next": "After", "Branches": [
            {"StartAt": "Left", "States": {"Left": {"Type": "Pass", "Result": "left", "ResultPath": "$.job.mark",
                                                    "End": True}}},
            {"StartAt": "Right", "States": {"Right": {"Type": "Pass", "Result": "right", "ResultPath": "$.job.mark",
                                                      "End": True}}}]},
        "After": {"Type": "Pass", "Parameters": {"job.$": "$.job", "marks.$": "$.branches[*].job.mark"}, "End": True},
    },
}


def test_branches_and_later_states_never_see_each_others_writes():
    with local_step_functions() as sfn:
        arn = create(sfn, "aliasing", ALIASING)
        output = json.loads(run(sfn, arn, input=json.dumps({"job": {"id": "j-1"}}))["output"])
    assert output == {"job": {"id": "j-1"}, "marks": ["left", "right"]}
