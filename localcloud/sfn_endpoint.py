"""`python -m localcloud sfn`: a bare Step Functions endpoint, a stand-in for Step Functions Local.

It serves moto's Step Functions (with every local change in localcloud.moto_changes) and the other moto
services on one port, with no Stepgate resources in it, so a suite written for
`amazon/aws-stepfunctions-local` runs unmodified: it creates its own state machine, finds it as
`list_state_machines()[0]`, and starts `<stateMachineArn>#<TestCase>` against `SFN_MOCK_CONFIG`.
Like Step Functions Local it listens on 8083 unless told otherwise, logs
"Starting server on port <port>" when ready, and names AWS SDK tasks as it does in history.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import threading
import urllib.request

from localcloud.moto_changes import install_local_behaviour
from localcloud.moto_changes.stepfunctions.local_names import install_step_functions_local_names
from localcloud.moto_changes.stepfunctions.timing import scale_from_environment

DEFAULT_PORT = 8083


def serve_step_functions(host: str, port: int) -> int:
    """Serve until SIGINT/SIGTERM; unmocked tasks call the same endpoint's moto services."""
    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:  # moto's threaded server hangs on a busy port: say so instead
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            print(f"{host}:{port} is already in use; pass --port", flush=True)
            return 1
    os.environ["MOTO_PORT"] = str(port)  # where the interpreter sends unmocked service calls
    install_local_behaviour(scale_from_environment())
    install_step_functions_local_names()
    server = ThreadedMotoServer(ip_address=host, port=port, verbose=False)
    server.start()
    request = urllib.request.Request(
        f"http://{host}:{port}/moto-api/config", method="POST",
        data=json.dumps({"stepfunctions": {"execute_state_machine": True}}).encode(),
        headers={"Content-Type": "application/json"},
    )
    urllib.request.urlopen(request, timeout=10).read()
    stopped = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    mock_config = os.environ.get("SFN_MOCK_CONFIG") or "(none: SFN_MOCK_CONFIG is not set)"
    print(f"Step Functions endpoint http://{host}:{port}  mock config {mock_config}", flush=True)
    print(f"Starting server on port {port}", flush=True)
    stopped.wait()
    server.stop()
    return 0
