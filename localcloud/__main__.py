"""`python -m localcloud run|synth|sfn`: `make run`, `make synth`, and a bare Step Functions endpoint."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading

from localcloud import log_output
from localcloud.provisioning.assembly import AssemblyError, context_from_environment, ensure_assembly
from localcloud.provisioning.intrinsics import UnsupportedTemplate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m localcloud")
    parser.add_argument("command", choices=["run", "synth", "sfn"])
    parser.add_argument("--host", default="127.0.0.1", help="sfn: address to listen on")
    parser.add_argument("--port", type=int, help="sfn: port to listen on (default 8083, as Step Functions Local)")
    args = parser.parse_args(argv)
    log_output.start()
    for noisy in ("werkzeug", "botocore", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # The interpreter logs every failed path lookup at ERROR; the execution log already reports failures.
    logging.getLogger("moto").setLevel(logging.CRITICAL)
    if args.command == "sfn":  # no stack: nothing to synthesize
        from localcloud.sfn_endpoint import DEFAULT_PORT, serve_step_functions

        return serve_step_functions(args.host, args.port or DEFAULT_PORT)
    context = context_from_environment()  # STEPGATE_STAGE, SEARCH_LATENCY_MS: `-c` for the local synth
    try:
        assembly = ensure_assembly(context=context)
    except AssemblyError as exc:
        print(f"synthesis failed{f' with context {context}' if context else ''}: {exc}", file=sys.stderr)
        return 1
    if args.command == "synth":
        print(f"cloud assembly ready in {assembly.directory}")
        return 0
    return serve(assembly)


def serve(assembly) -> int:
    from localcloud.server import LocalCloud, LocalCloudSettings

    cloud = LocalCloud(assembly, LocalCloudSettings.from_environment())
    stopped = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    try:
        cloud.start()
    except (UnsupportedTemplate, OSError, RuntimeError) as exc:
        cloud.stop()
        print(f"the local cloud cannot start: {exc}", file=sys.stderr)
        return 1
    print(cloud.banner(), flush=True)
    stopped.wait()
    print("stopping the local cloud...", flush=True)
    cloud.stop()
    return 0


def exit_now(code: int) -> None:
    """Exit without the interpreter's teardown: every part has stopped (and saved) by now, and tearing down
    moto's state and the daemon threads took 3 s of an idle machine's time, 45-60 s at load 30."""
    log_output.stop()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    exit_now(main())
