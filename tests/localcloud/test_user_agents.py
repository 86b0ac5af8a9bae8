"""botocore's User-Agent, with its cleaned components kept: the same header, without cleaning them again."""

from __future__ import annotations

import boto3
from botocore import useragent

from localcloud.moto_changes import user_agents


def _user_agent_of_a_call(client) -> str:
    seen = []
    client.meta.events.register("before-send", lambda request, **_: seen.append(request.headers["User-Agent"]) or _Answer())
    client.list_tables()
    return seen[0].decode() if isinstance(seen[0], bytes) else seen[0]


class _Answer:
    """A botocore response, so the call ends before any network."""
    status_code = 200
    headers: dict = {}
    content = b'{"TableNames": []}'
    raw = None


def _client():
    return boto3.client("dynamodb", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x",
                        endpoint_url="http://127.0.0.1:9")


def test_the_header_is_the_one_botocore_builds_and_later_calls_clean_nothing_again():
    plain = _user_agent_of_a_call(_client())
    user_agents.install_user_agent_cache()
    try:
        client = _client()
        assert _user_agent_of_a_call(client) == plain
        before = user_agents._sanitized.cache_info()
        assert _user_agent_of_a_call(client) == plain
        after = user_agents._sanitized.cache_info()
        assert after.hits > before.hits and after.misses == before.misses  # every component was kept
        assert useragent.sanitize_user_agent_string_component("a b#c", allow_hash=False) == "a-b-c"
    finally:
        user_agents.uninstall_user_agent_cache()
    assert useragent.sanitize_user_agent_string_component is user_agents._ORIGINAL_SANITIZE
