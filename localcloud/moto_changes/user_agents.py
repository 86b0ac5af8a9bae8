"""botocore's User-Agent header without sanitising the same strings again on every call.

botocore builds each request's User-Agent twice, cleaning every component character by character
(`sanitize_user_agent_string_component`). In the local cloud's process every interpreter task and
gateway integration is a botocore call, and that cleaning was about a tenth of its CPU under load.
The cleaned form of a string never changes, so it is kept (a bounded number of them).
"""

from __future__ import annotations

import functools

from botocore import useragent

_ORIGINAL_SANITIZE = useragent.sanitize_user_agent_string_component
STRINGS_KEPT = 1024

_sanitized = functools.lru_cache(maxsize=STRINGS_KEPT)(_ORIGINAL_SANITIZE)


def install_user_agent_cache() -> None:
    useragent.sanitize_user_agent_string_component = _sanitized


def uninstall_user_agent_cache() -> None:
    useragent.sanitize_user_agent_string_component = _ORIGINAL_SANITIZE
    _sanitized.cache_clear()
