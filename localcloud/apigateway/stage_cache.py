"""Integration phase, in front of the backend: the stage cache (CacheClusterEnabled + MethodSettings).

As API Gateway documents it (developer guide, "Enabling API caching to enhance responsiveness",
docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-caching.html):
- a stage with a cache cluster caches the methods whose settings enable caching; the stage-wide
  `*/*` setting enables GET methods only, another method needs a setting of its own;
- TTL = the method's CacheTtlInSeconds (300 by default, at most 3600; 0 = no caching);
- an entry is keyed by the method and the values of the integration's `cacheKeyParameters`, within
  its `cacheNamespace` (the resource by default); other parameters do not split entries;
- a response over 1,048,576 bytes is not cached;
- `Cache-Control: max-age=0` refreshes the entry only for a caller authorized to
  `execute-api:InvalidateCache` when `requireAuthorizationForCacheControl` is on, which is the default
  (the stage a CLI update-stage returns shows `true` with `SUCCEED_WITH_RESPONSE_HEADER`:
  ignore the header, add a warning). That permission is IAM; the local gateway checks API keys only,
  so no local caller is ever authorized, as no API-key caller of the deployed stage is.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from localcloud.apigateway.context import GatewayResponse, Invocation
from localcloud.apigateway.gateway_responses import GatewayError
from localcloud.apigateway.resource_router import GatewayBuildError

MAX_ENTRY_BYTES = 1_048_576
DEFAULT_TTL_SECONDS = 300
MAX_TTL_SECONDS = 3600
SWEEP_AT_ENTRIES = 10_000
# The text is not recorded anywhere we could read; the header (warn-code 199) is what the docs describe.
UNAUTHORIZED_WARNING = '199 "Cache-control headers were ignored because the caller was unauthorized."'


@dataclass(frozen=True)
class MethodCache:
    """How one method uses the cache."""

    ttl_seconds: int
    require_authorization: bool = True
    unauthorized_strategy: str = "SUCCEED_WITH_RESPONSE_HEADER"


def _is_true(value) -> bool:
    return str(value).lower() == "true"  # CloudFormation properties may arrive as "true" or true


def _caching_settings(stage_properties: dict) -> tuple[MethodCache | None, dict[tuple[str, str], MethodCache]]:
    """(the stage-wide cache for GET methods, {(METHOD, resource path): cache}) from a Stage's MethodSettings."""
    settings = stage_properties.get("MethodSettings") or []
    stage_wide = next((s for s in settings if s.get("ResourcePath") == "/*" and s.get("HttpMethod") == "*"), {})
    stage_wide_get = _method_cache(stage_wide) if _is_true(stage_wide.get("CachingEnabled")) else None
    methods = {}
    for own in settings:
        if own is stage_wide or own.get("HttpMethod") in (None, "*"):
            continue
        merged = {**stage_wide, **own}  # a method's own setting overrides the stage's, field by field
        cache = _method_cache(merged) if _is_true(merged.get("CachingEnabled")) else None
        methods[(own["HttpMethod"].upper(), _resource_path(own["ResourcePath"]))] = cache
    return stage_wide_get, methods


def _method_cache(setting: dict) -> MethodCache | None:
    ttl = min(int(setting.get("CacheTtlInSeconds", DEFAULT_TTL_SECONDS)), MAX_TTL_SECONDS)
    if ttl <= 0:
        return None
    return MethodCache(
        ttl_seconds=ttl,
        require_authorization=_is_true(setting.get("RequireAuthorizationForCacheControl", True)),
        unauthorized_strategy=setting.get("UnauthorizedCacheControlHeaderStrategy") or "SUCCEED_WITH_RESPONSE_HEADER",
    )


def _resource_path(setting_path: str) -> str:
    """MethodSettings' ResourcePath escapes `/` as `~1` (JSON pointer): `/~1jobs~1{jobId}` -> `/jobs/{jobId}`."""
    return setting_path[1:].replace("~1", "/").replace("~0", "~") if setting_path.startswith("/~1") else setting_path


class StageCache:
    """The stage's cache cluster: responses by key until their TTL ends (thread-safe)."""

    def __init__(self, stage_properties: dict | None, clock: Callable[[], float] = time.monotonic) -> None:
        props = stage_properties or {}
        self.enabled = _is_true(props.get("CacheClusterEnabled", False))
        self._stage_wide_get, self._methods = _caching_settings(props) if self.enabled else (None, {})
        self._clock = clock
        self._entries: dict[tuple, tuple[float, GatewayResponse]] = {}
        self._lock = threading.Lock()

    def settings_for(self, method: str, resource_path: str) -> MethodCache | None:
        if not self.enabled:
            return None
        if (method, resource_path) in self._methods:  # its own setting, caching or not
            return self._methods[(method, resource_path)]
        return self._stage_wide_get if method == "GET" else None

    def serve(self, invocation: Invocation, fetch: Callable[[], GatewayResponse]) -> GatewayResponse:
        """The cached answer to `invocation`, or `fetch()`'s (stored for the method's TTL)."""
        operation = invocation.operation
        settings = self.settings_for(operation.method, operation.resource_path)
        if settings is None:
            return fetch()
        key = _key(invocation)
        read, warn = True, False
        if _asks_for_fresh(invocation.request.header("cache-control")):
            if not settings.require_authorization:
                read = False
            elif settings.unauthorized_strategy == "FAIL_WITH_403":
                raise GatewayError("ACCESS_DENIED")
            else:
                warn = settings.unauthorized_strategy == "SUCCEED_WITH_RESPONSE_HEADER"
        response = self._lookup(key) if read else None
        if response is None:
            response = fetch()
            self._store(key, response, settings.ttl_seconds)
        if warn:
            response = GatewayResponse(response.status, {**response.headers, "Warning": UNAUTHORIZED_WARNING},
                                       response.body)
        return response

    def _lookup(self, key: tuple) -> GatewayResponse | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            expires, response = entry
            if self._clock() >= expires:
                del self._entries[key]
                return None
            return response

    def _store(self, key: tuple, response: GatewayResponse, ttl_seconds: int) -> None:
        size = len(response.body) + sum(len(k) + len(str(v)) for k, v in response.headers.items())
        if size > MAX_ENTRY_BYTES:
            return
        with self._lock:
            now = self._clock()
            if len(self._entries) >= SWEEP_AT_ENTRIES:  # a long `make run`: drop what has expired
                self._entries = {k: entry for k, entry in self._entries.items() if entry[0] > now}
            self._entries[key] = (now + ttl_seconds, response)


def _key(invocation: Invocation) -> tuple:
    """(namespace, method, the cache key parameters' values): nothing else of the request splits entries."""
    integration = invocation.operation.integration
    namespace = integration.get("cacheNamespace") or invocation.operation.resource_path
    values = tuple(_parameter_value(invocation, name) for name in integration.get("cacheKeyParameters") or [])
    return namespace, invocation.operation.method, values


def check_cache_key_parameters(where: str, integration: dict) -> None:
    """Only method request parameters can key the local cache: anything else fails start-up, naming it."""
    for name in integration.get("cacheKeyParameters") or []:
        parts = str(name).split(".", 3)
        if len(parts) != 4 or parts[:2] != ["method", "request"] or parts[2] not in ("path", "querystring", "header"):
            raise GatewayBuildError(f"{where}: cacheKeyParameters {name!r} is not method.request.(path|querystring|header).<name>")


def _parameter_value(invocation: Invocation, name: str) -> str:
    """`method.request.{path|querystring|header}.<name>`'s value in this request ("" when absent)."""
    location, parameter = name.split(".", 3)[2:]  # checked at start-up: check_cache_key_parameters
    if location == "header":
        return invocation.request.header(parameter) or ""
    return invocation.params.get(location, {}).get(parameter, "")


def _asks_for_fresh(cache_control: str | None) -> bool:
    return any(directive.strip().lower() == "max-age=0" for directive in (cache_control or "").split(","))
