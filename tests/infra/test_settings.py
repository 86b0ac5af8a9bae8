"""CDK context knobs: cdk.json's values are valid, and nonsense fails synthesis with the knob's name."""

from __future__ import annotations

import pytest

from stacks.settings import Settings


class ContextNode:
    """Stands in for a construct node: Settings only reads context from it."""

    def __init__(self, context: dict) -> None:
        self._context = context

    def try_get_context(self, key: str):
        return self._context.get(key)


def test_cdk_json_context_is_valid(context):
    settings = Settings.from_context(ContextNode(context))
    assert settings.stage_name == "v1"
    assert settings.result_ttl_seconds == context["resultTtlMinutes"] * 60


def test_command_line_strings_are_accepted():
    # `cdk synth -c resultTtlMinutes=5` passes strings.
    settings = Settings.from_context(ContextNode({"resultTtlMinutes": "5", "quotaPerDay": "none",
                                                  "manageApiGatewayAccount": "false"}))
    assert settings.result_ttl_seconds == 300
    assert settings.quota_per_day is None
    assert settings.manage_api_gateway_account is False


@pytest.mark.parametrize(
    ("knob", "value"),
    [("stageName", "v1/beta"), ("resultTtlMinutes", 0), ("throttleBurstLimit", 0), ("quotaPerDay", -1),
     ("uploadsExpireDays", 0), ("maxImageBytes", 16 * 1024 * 1024), ("searchLatencyMs", -1),
     ("statusCacheSeconds", -1), ("statusCacheSeconds", 3601)],
)
def test_invalid_knob_fails_with_its_name(context, knob, value):
    with pytest.raises(ValueError, match=knob):
        Settings.from_context(ContextNode({**context, knob: value}))
