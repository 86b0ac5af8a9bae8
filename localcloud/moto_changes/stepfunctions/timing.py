"""Scale Step Functions waits (Wait states and Retry backoff) in moto's interpreter.

`SFN_WAIT_TIME_SCALE=0.01` makes a 2 s retry interval take 20 ms, so tests exercise the
real Retry policies without sleeping through them. moto sleeps through the module-level
`time` of its retrier, so that is what we scale.
"""

from __future__ import annotations

import os
import time as real_time
import types

from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl
from moto.stepfunctions.parser.asl.component.state.wait.wait_function import wait_function

_ORIGINAL_WAIT_INTERVAL = wait_function.WaitFunction._wait_interval


def scale_from_environment() -> float:
    raw = os.environ.get("SFN_WAIT_TIME_SCALE", "1")
    try:
        scale = float(raw)
    except ValueError:
        raise ValueError(f"SFN_WAIT_TIME_SCALE must be a number from 0 to 1, got {raw!r}") from None
    if not 0 <= scale <= 1:
        raise ValueError(f"SFN_WAIT_TIME_SCALE must be from 0 to 1, got {scale}")
    return scale


def install_wait_time_scale(scale: float) -> None:
    """Make every interpreter wait take `scale` times its declared duration."""
    scaled_time = types.SimpleNamespace(**{name: getattr(real_time, name) for name in dir(real_time) if not name.startswith("__")})
    scaled_time.sleep = lambda seconds: real_time.sleep(max(0.0, seconds * scale))
    retrier_decl.time = scaled_time

    # moto's own loop rounds the time waited down to whole seconds, so a fractional wait never ends.
    def _scaled_wait_interval(self, env, wait_seconds):
        deadline = real_time.monotonic() + wait_seconds * scale
        while env.is_running():
            remaining = deadline - real_time.monotonic()
            if remaining <= 0:
                return
            env.program_state_event.wait(remaining)  # set when the execution is stopped

    wait_function.WaitFunction._wait_interval = _scaled_wait_interval


def uninstall_wait_time_scale() -> None:
    retrier_decl.time = real_time
    wait_function.WaitFunction._wait_interval = _ORIGINAL_WAIT_INTERVAL
