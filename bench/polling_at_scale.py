"""1,000 jobs polled at once against a local cloud with AWS's default quotas: does the status path hold?

For each mode (MODES=poll,cache,websocket): start `bench/polling_cloud.py` (the local cloud, with
LOCALCLOUD_AWS_QUOTAS=default: DescribeExecution refills 15/s), submit JOBS searches (KIND=search: each waits
2 s for its supplier) at once; once all are accepted (the local cloud accepts a few a second, far below
AWS), POLLERS clients per job poll it together, each following `Retry-After` (on 202, 200 RUNNING and 429
alike) until it reads the job's end: 1,000 jobs polled at once, whatever the local cloud's own speed.
Prints per mode: 5xx (must be 0), 429s, jobs finished, DescribeExecution calls (and how many the quota
refused), wall time. Not a timed test: figures only.

    make bench-polling                 # MODES=poll,cache,websocket JOBS=1000 KIND=search POLLERS=1
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.local_cloud import free_port, iso_in  # noqa: E402

API_KEY = "bench-polling-key"
UP = "Stepgate local cloud is up"
TERMINAL = {"SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"}
CACHE_SECONDS = "10"  # statusCacheSeconds for the cache mode's assembly (README "Polling advice" example)
# Searches wait 2 s for their supplier, so 1,000 of them are running, and polled, at once; more workers than
# make run's 8 keep the local cloud from being the bottleneck of the status path under test.
WORKERS = "16"
SUBMITTING = 8


@dataclass
class Tally:
    answers: Counter = field(default_factory=Counter)   # "POST 202", "GET 429", ...
    finished: Counter = field(default_factory=Counter)  # SUCCEEDED, FAILED, ..., "gave up"
    polling_started: float = 0.0
    polling_seconds: float = 0.0

    @property
    def server_errors(self) -> int:
        return sum(n for answer, n in self.answers.items() if answer.split()[1].startswith("5"))

    @property
    def throttled(self) -> int:
        return sum(n for answer, n in self.answers.items() if answer.endswith(" 429"))


def retry_after(response: httpx.Response, default: float = 2.0) -> float:
    try:
        return max(0.0, float(response.headers.get("Retry-After", default)))
    except ValueError:
        return default


def job_request(kind: str, index: int) -> tuple[str, dict]:
    if kind == "search":
        return "/searches", {"location": "JFK", "pickupAt": iso_in(1), "dropoffAt": iso_in(3)}
    return "/users", {"name": f"Polling Bench {index}", "email": f"polling.{time.time_ns()}.{index}@example.com"}


async def follow_job(client: httpx.AsyncClient, kind: str, index: int, pollers: int, tally: Tally,
                     deadline: float, all_accepted: asyncio.Event, accepted: list[int], jobs: int,
                     submitting: asyncio.Semaphore, push: bool = False) -> None:
    """Submit one job and, once every job is accepted, poll it to its end, honouring every Retry-After."""
    path, body = job_request(kind, index)
    while True:
        async with submitting:
            response = await _request(client, "POST", path, tally, json=body)
        if response is None:
            await asyncio.sleep(2)
            continue
        tally.answers[f"POST {response.status_code}"] += 1
        if response.status_code == 202:
            break
        if response.status_code != 429 or time.monotonic() > deadline:
            tally.finished["not accepted"] += 1
            _count_in(accepted, jobs, all_accepted)
            return
        await asyncio.sleep(retry_after(response))
    accepted_body = response.json()
    status_url, wait = accepted_body["statusUrl"], retry_after(response)
    _count_in(accepted, jobs, all_accepted)
    await all_accepted.wait()  # the local cloud accepts a few jobs a second: poll them all together
    tally.polling_started = tally.polling_started or time.monotonic()
    if push:  # as the SDK does: its WebSocket first, polling when push fails
        outcome = await follow_over_websocket(accepted_body["eventsUrl"], accepted_body["jobId"], tally, deadline)
        if outcome:
            tally.finished[outcome] += 1
            return
    outcomes = await asyncio.gather(*(poll(client, status_url, wait, tally, deadline) for _ in range(pollers)))
    tally.finished[outcomes[0]] += 1


async def _request(client: httpx.AsyncClient, method: str, url: str, tally: Tally, **kwargs) -> httpx.Response | None:
    """One request; a connection the local server did not take in time is counted and tried again later."""
    try:
        return await client.request(method, url, follow_redirects=False, **kwargs)
    except httpx.TransportError as failed:
        tally.answers[f"{method} {type(failed).__name__}"] += 1
        return None


async def follow_over_websocket(events_url: str, job_id: str, tally: Tally, deadline: float) -> str | None:
    """Subscribe over the WebSocket API (D2) and wait for the terminal event; None means: fall back to polling."""
    from websockets.asyncio.client import connect
    from websockets.exceptions import InvalidStatus, WebSocketException

    try:
        async with connect(events_url, additional_headers={"x-api-key": API_KEY}, open_timeout=60) as socket:
            tally.answers["WS connected"] += 1
            await socket.send(json.dumps({"action": "subscribe", "jobIds": [job_id]}))
            while time.monotonic() < deadline:
                event = json.loads(await asyncio.wait_for(socket.recv(), timeout=deadline - time.monotonic()))
                tally.answers[f"WS {event.get('type')}"] += 1
                if event.get("type") == "terminal":
                    return event.get("status", "?")
                if event.get("type") == "error":
                    return None
    except InvalidStatus as refused:
        tally.answers[f"WS handshake {refused.response.status_code}"] += 1
    except (OSError, asyncio.TimeoutError, WebSocketException) as failed:
        tally.answers[f"WS {type(failed).__name__}"] += 1
    return None


def _count_in(accepted: list[int], jobs: int, all_accepted: asyncio.Event) -> None:
    accepted[0] += 1
    if accepted[0] == jobs:
        all_accepted.set()


async def poll(client: httpx.AsyncClient, status_url: str, wait: float, tally: Tally, deadline: float) -> str:
    """One client polling a job until it reads the end; returns the status it read."""
    while time.monotonic() < deadline:
        await asyncio.sleep(wait)
        response = await _request(client, "GET", status_url.split("/", 2)[2], tally)
        if response is None:
            wait = 2.0
            continue
        tally.answers[f"GET {response.status_code}"] += 1
        wait = retry_after(response)
        if response.status_code == 303:
            return "SUCCEEDED"
        if response.status_code == 200 and response.json().get("status") in TERMINAL:
            return response.json()["status"]
    return "gave up"


async def drive(base_url: str, kind: str, jobs: int, pollers: int, connections: int, timeout: float,
                push: bool = False) -> Tally:
    tally = Tally()
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=base_url + "/", headers={"x-api-key": API_KEY}, limits=limits,
                                 timeout=httpx.Timeout(60, pool=None)) as client:
        deadline, all_accepted, accepted = time.monotonic() + timeout, asyncio.Event(), [0]
        # Few submissions in flight: a local admission queued behind 64 others can pass the gateway's 29 s.
        submitting = asyncio.Semaphore(SUBMITTING)
        await asyncio.gather(*(follow_job(client, kind, index, pollers, tally, deadline, all_accepted, accepted, jobs,
                                          submitting, push) for index in range(jobs)))
        tally.polling_seconds = time.monotonic() - tally.polling_started
    return tally


def assembly_for(mode: str):
    from localcloud.provisioning.assembly import ensure_assembly

    if mode == "cache":  # its own assembly, synthesized with the stage cache on
        return ensure_assembly(ROOT / "cdk.out.bench-cache", ROOT, {"statusCacheSeconds": CACHE_SECONDS})
    return ensure_assembly()


def unavailable(mode: str, template: dict) -> str | None:
    from bench.capacity.template_facts import read_template

    facts = read_template(template)
    if mode == "cache" and not facts.status_cache_ttl_seconds:
        return "the template has no stage cache on GET /jobs/{jobId} (statusCacheSeconds is not implemented here)"
    if mode == "websocket" and not facts.has_websocket_api:
        return "the template has no WebSocket API"
    return None


def run_mode(mode: str, kind: str, jobs: int, pollers: int, connections: int, timeout: float) -> dict:
    assembly = assembly_for(mode)
    reason = unavailable(mode, assembly.template)
    if reason:
        return {"mode": mode, "skipped": reason}
    api_port, aws_port = free_port(), free_port()
    calls_file = ROOT / f".bench-polling-{mode}-calls.json"
    log_file = ROOT / f".bench-polling-{mode}.log"
    env = {**os.environ, "PORT": str(api_port), "AWS_PORT": str(aws_port), "WS_PORT": str(free_port()),
           "STEPGATE_API_KEY": API_KEY,
           "STEPGATE_CDK_OUT": str(assembly.directory), "LOCALCLOUD_AWS_QUOTAS": "default",
           "API_CALLS_FILE": str(calls_file), "PYTHONPATH": str(ROOT),
           "LOCALCLOUD_MAX_WORKERS": os.environ.get("LOCALCLOUD_MAX_WORKERS", WORKERS)}
    with open(log_file, "w") as log:
        process = subprocess.Popen([sys.executable, "bench/polling_cloud.py"], cwd=ROOT, env=env,
                                   stdout=log, stderr=subprocess.STDOUT)
    try:
        started = time.monotonic()
        while UP not in log_file.read_text():
            if process.poll() is not None or time.monotonic() - started > 120:
                raise RuntimeError(f"the local cloud did not start; see {log_file}")
            time.sleep(0.2)
        stage = next(r["Properties"]["StageName"] for r in assembly.template["Resources"].values()
                     if r["Type"] == "AWS::ApiGateway::Stage")
        began = time.monotonic()
        tally = asyncio.run(drive(f"http://127.0.0.1:{api_port}/{stage}", kind, jobs, pollers, connections, timeout,
                                  push=mode == "websocket"))
        wall = time.monotonic() - began
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
    if not calls_file.exists():
        raise RuntimeError(f"the local cloud wrote no API call counts; see {log_file}")
    counts = json.loads(calls_file.read_text())
    calls_file.unlink()
    return {"mode": mode, "jobs": jobs, "5xx": tally.server_errors, "429": tally.throttled,
            "finished": dict(tally.finished), "answers": dict(tally.answers), "wall_seconds": round(wall, 1),
            "polling_seconds": round(tally.polling_seconds, 1), "load": os.getloadavg()[0],
            "describe_calls": counts["calls"].get("states:DescribeExecution", 0),
            "describe_throttled": counts["throttled"].get("states:DescribeExecution", 0)}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--modes", default=os.environ.get("MODES") or "poll,cache,websocket")
    parser.add_argument("--jobs", type=int, default=int(os.environ.get("JOBS") or 1000))
    parser.add_argument("--kind", choices=("search", "user"), default=os.environ.get("KIND") or "search")
    parser.add_argument("--pollers", type=int, default=int(os.environ.get("POLLERS") or 1),
                        help="clients polling each job")
    parser.add_argument("--connections", type=int, default=64, help="HTTP connections shared by all jobs")
    parser.add_argument("--timeout", type=float, default=900, help="seconds before a job's client gives up")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"{args.jobs} {args.kind} jobs, {args.pollers} poller(s) each, over {args.connections} connections; "
          f"LOCALCLOUD_AWS_QUOTAS=default")
    failed = False
    for mode in [m.strip() for m in args.modes.split(",") if m.strip()]:
        result = run_mode(mode, args.kind, args.jobs, args.pollers, args.connections, args.timeout)
        if "skipped" in result:
            print(f"{mode:<9} not run: {result['skipped']}")
            continue
        finished = result["finished"]
        print(f"{mode:<9} 5xx {result['5xx']}, 429s {result['429']}, finished {finished.get('SUCCEEDED', 0)}"
              f"/{args.jobs} SUCCEEDED{_others(finished)}, DescribeExecution calls {result['describe_calls']} "
              f"({result['describe_throttled']} refused by the quota), wall {result['wall_seconds']} s "
              f"(of which polling, all jobs accepted: {result['polling_seconds']} s)")
        print(f"          answers: {', '.join(f'{k} x{v}' for k, v in sorted(result['answers'].items()))}; "
              f"load average {result['load']:.1f}")
        failed |= result["5xx"] > 0
    return 1 if failed else 0


def _others(finished: dict) -> str:
    others = {k: v for k, v in finished.items() if k != "SUCCEEDED"}
    return f" ({', '.join(f'{k} {v}' for k, v in others.items())})" if others else ""


if __name__ == "__main__":
    sys.exit(main())
